"""Cached helpers that several pages share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from components.context import Context, data_paths
from tracker.git.data_revision import DataRevision
from tracker.git.data_revision import data_revision as _git_revision
from tracker.report.views import period


def data_period(ctx: Context) -> tuple[dt.date, dt.date]:
    return period(ctx.workspace.scenarios.scenarios, ctx.workspace.events)


@st.cache_data(ttl=30, show_spinner=False)
def _revision(scenarios: str, events: str) -> DataRevision | None:
    # Asked of git at most every 30 s: a commit changes no data file, so the files' fingerprint cannot key it.
    return _git_revision([Path(scenarios), Path(events)])


def data_revision() -> DataRevision | None:
    """The git commit of the data files the app shows, for slides and hand-outs (None outside git)."""
    scenarios, events = data_paths()
    return _revision(str(scenarios), str(events))
