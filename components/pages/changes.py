"""Changes: what changed in the scenario files between two git revisions, and whose status differs."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import streamlit as st

from components.context import Context, current, data_paths
from components.git_views import revision_choices, revision_diff
from components.widgets import replay_note
from tracker.git.compare import RevisionDiff
from tracker.report.style import label
from tracker.report.views import ChangedScenario, changes_view
from tracker.text import markdown_code, markdown_literal

WORKING = "working tree (the files as they are now)"


def render(ctx: Context) -> None:
    st.title("Changes between revisions")
    st.caption(
        "Scenarios added, removed or changed in git, and those whose status differs, each revision judged "
        f"against its own event log. {replay_note(ctx.as_of, ctx.tz)}."
    )
    scenarios, events = data_paths()
    commits = revision_choices(scenarios, events)
    if isinstance(commits, str):
        st.info(markdown_literal(f"No revisions to compare: {commits}"), icon=":material/history:")
        return
    if not commits:
        st.info("No commit has touched the scenarios or the event log yet.", icon=":material/history:")
        return
    labels = {c.sha: f"{c.date:%Y-%m-%d} · {c.subject[:70]} · {c.short}" for c in commits}
    cols = st.columns(2)
    before = cols[0].selectbox("Compare", list(labels), index=len(labels) - 1, format_func=labels.__getitem__, key="diff_before")
    after_options = [WORKING, *labels]
    after = cols[1].selectbox("with", after_options, format_func=lambda v: v if v == WORKING else labels[v], key="diff_after")
    result = revision_diff(scenarios, events, before, None if after == WORKING else after, ctx.as_of.instant)
    if isinstance(result, str):
        st.error(markdown_literal(result), icon=":material/error:")
        return
    _diff(result)


def _scenarios(title: str, items: list[ChangedScenario]) -> None:
    if not items:
        return
    st.header(title)
    for item in items:
        with st.container(border=True):
            st.markdown(f"**{markdown_literal(item.diff.title)}** {markdown_code(item.diff.scenario_id)}")
            st.markdown("\n".join(f"- {markdown_literal(change.summary)}" for change in item.changes))


def _diff(diff: RevisionDiff) -> None:
    """Whose status differs, then deadlines, triggers and responses changed, scenarios added and removed, the rest; test
    cases folded away (the order: tracker.report.views.changes_view)."""
    for notice in diff.notices:
        st.caption(markdown_literal(notice))
    view = changes_view(diff.scenarios)
    changed = [s for s in diff.scenarios if s.kind == "changed"]
    cols = st.columns(5)
    cols[0].metric("Added", len(view.added))
    cols[1].metric("Removed", len(view.removed))
    cols[2].metric("Changed", len(changed))
    cols[3].metric("Status differs", len(view.status_differs))
    cols[4].metric("Events added", len(diff.events_added))
    if view.status_differs:
        st.header("Status differs")
        st.dataframe(
            [
                {
                    "Scenario": s.title,
                    "Before": label(s.status_before) if s.status_before else "—",
                    "After": label(s.status_after) if s.status_after else "—",
                    "Id": s.scenario_id,
                }
                for s in view.status_differs
            ],
            hide_index=True,
            width="stretch",
            column_config={"Scenario": st.column_config.TextColumn(width="large")},
        )
    _scenarios("Deadlines, triggers and responses changed", view.leading)
    _scenarios("Added", view.added)
    _scenarios("Removed", view.removed)
    _scenarios("Other changes", view.other)
    if view.tests:
        with st.expander(f"Test changes ({len(view.tests)})", icon=":material/science:"):
            lines = [
                f"- **{markdown_literal(s.title)}** {markdown_code(s.scenario_id)}: {markdown_literal(c.summary)}" for s, c in view.tests
            ]
            st.markdown("\n".join(lines))
    if diff.problems:
        with st.expander(f"{len(diff.problems)} file problem(s) on either side"):
            st.code("\n".join(str(p) for p in diff.problems), language="text")
    if not diff.scenarios:
        st.success("No scenario was added, removed or changed, and no status differs.", icon=":material/check_circle:")


render(current())
