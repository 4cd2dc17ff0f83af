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
