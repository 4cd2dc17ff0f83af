"""Changes: what changed in the scenario files between two git revisions, and whose status differs."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import streamlit as st

from components.context import Context, current, data_paths
from components.git_views import diff_section, revision_choices, revision_diff
from components.widgets import replay_note
from tracker.text import markdown_literal

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
    diff_section(result)


render(current())
