"""Git-backed views: a scenario's change history and what changed between two revisions.

Reading git is a subprocess per call, so results are cached briefly; any GitError (no repository,
shallow clone, unknown revision, git not answering in time) becomes a plain message and the page works on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from tracker.git.compare import RevisionDiff, diff_revisions, recent_revisions
from tracker.git.history import ScenarioHistory, scenario_history
from tracker.git.repo import Commit, GitError
from tracker.report.style import label
from tracker.text import markdown_code, markdown_literal


@st.cache_data(ttl=30, show_spinner=False)
def _history(path: str, stamp: float) -> ScenarioHistory | str:
    try:
        return scenario_history(Path(path))
    except GitError as exc:
        return str(exc)


def history_section(path: Path) -> None:
    """Who changed this scenario, when and why, with the field changes spelt out."""
    st.header("History")
    result = _history(str(path), path.stat().st_mtime if path.exists() else 0.0)
    if isinstance(result, str):
        st.info(markdown_literal(f"No change history: {result}"), icon=":material/history:")
        return
    for notice in result.notices:
        st.caption(markdown_literal(notice))
    if not result.revisions:
        st.caption("No commit has touched this file yet.")
        return
    for revision in result.revisions:
        commit = revision.commit
        with st.container(border=True):
            st.markdown(f"**{markdown_literal(commit.subject)}** · {markdown_literal(revision.headline)}")
            st.caption(f"{commit.date:%Y-%m-%d %H:%M %z} · {markdown_literal(commit.author)} · {markdown_code(commit.short)}")
            for change in revision.changes:
                st.markdown(f"- {markdown_literal(change.summary)}")
            for problem in revision.problems:
                st.markdown(f"- {markdown_code(str(problem))}")


@st.cache_data(ttl=30, show_spinner=False)
def _revisions(scenarios: str, events: str) -> list[Commit] | str:
    try:
        return recent_revisions(Path(scenarios), Path(events))
    except GitError as exc:
        return str(exc)


@st.cache_data(ttl=30, show_spinner="Comparing revisions…")
def _diff(scenarios: str, events: str, before: str, after: str | None, as_of: dt.datetime) -> RevisionDiff | str:
    try:
        return diff_revisions(Path(scenarios), Path(events), before, after, as_of)
    except GitError as exc:
        return str(exc)


def revision_choices(scenarios: Path, events: Path) -> list[Commit] | str:
    return _revisions(str(scenarios), str(events))


def revision_diff(scenarios: Path, events: Path, before: str, after: str | None, as_of: dt.datetime) -> RevisionDiff | str:
    return _diff(str(scenarios), str(events), before, after, as_of)


def diff_section(diff: RevisionDiff) -> None:
    """Scenarios added, removed and changed field by field, and whose status differs."""
    for notice in diff.notices:
        st.caption(markdown_literal(notice))
    added = [s for s in diff.scenarios if s.kind == "added"]
    removed = [s for s in diff.scenarios if s.kind == "removed"]
    changed = [s for s in diff.scenarios if s.kind == "changed"]
    moved = [s for s in diff.scenarios if s.status_changed]
    cols = st.columns(5)
    cols[0].metric("Added", len(added))
    cols[1].metric("Removed", len(removed))
    cols[2].metric("Changed", len(changed))
    cols[3].metric("Status differs", len(moved))
    cols[4].metric("Events added", len(diff.events_added))
    if moved:
        st.header("Status differs")
        st.dataframe(
            [
                {
                    "Scenario": s.title,
                    "Before": label(s.status_before) if s.status_before else "—",
                    "After": label(s.status_after) if s.status_after else "—",
                    "Id": s.scenario_id,
                }
                for s in moved
            ],
            hide_index=True,
            width="stretch",
        )
    for title, items in (("Added", added), ("Removed", removed), ("Changed", changed)):
        if not items:
            continue
        st.header(title)
        for item in items:
            with st.container(border=True):
                st.markdown(f"**{markdown_literal(item.title)}** {markdown_code(item.scenario_id)}")
                for change in item.changes:
                    st.markdown(f"- {markdown_literal(change.summary)}")
    if diff.problems:
        with st.expander(f"{len(diff.problems)} file problem(s) on either side"):
            st.code("\n".join(str(p) for p in diff.problems), language="text")
    if not (added or removed or changed or moved):
        st.success("No scenario was added, removed or changed, and no status differs.", icon=":material/check_circle:")
