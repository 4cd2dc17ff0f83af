"""Briefing hand-outs in the app: the Present button, and the pack and calendar downloads."""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import urlsplit

import streamlit as st

from components import presenter
from components.context import UPCOMING_PARAM, Context, scenarios_for
from components.views_support import data_revision
from tracker import config
from tracker.engine.since import SinceReport
from tracker.engine.status import Assessment, assess_all
from tracker.report.calendar import calendar, check_base_url
from tracker.report.pack import Briefing, pack_html
from tracker.report.views import without_upcoming
from tracker.timeutil import UTC


def base_url() -> str:
    """Where links in hand-outs point: TRACKER_BASE_URL, else the address this app was opened at."""
    if os.environ.get(config.BASE_URL_ENV):
        return config.base_url()
    opened = st.context.url
    if opened:
        parts = urlsplit(opened)
        try:
            return check_base_url(f"{parts.scheme}://{parts.netloc}")
        except ValueError:
            pass
    return config.DEFAULT_BASE_URL


def _stamp_for_file(as_of: dt.datetime) -> str:
    return as_of.strftime("%Y-%m-%d-%H%M")


def handout_buttons(ctx: Context, since: SinceReport | None = None, *, key: str = "handouts") -> None:
    """Present, the briefing pack (HTML) and the deadlines (.ics), as of the page's as-of instant."""
    workspace, as_of, tz = ctx.workspace, ctx.as_of.instant, ctx.tz
    rev, link = data_revision(), base_url()
    # What the board shows: the as-of as chosen, the basis, and no scenario that opens later unless the board lists them.
    scenarios, chosen, basis = scenarios_for(ctx.as_of.chosen, ctx.basis)[0], ctx.as_of.chosen, ctx.basis
    include_upcoming = bool(st.session_state.get(UPCOMING_PARAM)) or presenter.upcoming_from_url()

    def shown() -> tuple[list[Assessment], int]:
        items = assess_all(scenarios, workspace.events, chosen, basis)
        return (items, 0) if include_upcoming else without_upcoming(items)

    def pack() -> bytes:
        # Runs when clicked, on another thread: core calls only, no Streamlit.
        items, later = shown()
        return pack_html(Briefing(workspace, items, as_of, tz, rev, since, ctx.as_of.day, later)).encode("utf-8")

    def deadlines() -> bytes:
        items = shown()[0]
        modified = {
            sid: dt.datetime.fromtimestamp(path.stat().st_mtime, UTC) for sid, path in workspace.scenarios.files.items() if path.exists()
        }
        return calendar(items, link, dt.datetime.now(UTC), modified)

    with st.container(horizontal=True, key=key):
        st.button(
            "Present",
            icon=":material/co_present:",
            type="primary",
            on_click=presenter.start,
            key=f"{key}_present",
            help="Full-screen slides for a briefing: an overview, then one scenario per slide",
        )
        st.download_button(
            "Briefing pack (HTML)",
            pack,
            file_name=f"briefing-{_stamp_for_file(as_of)}.html",
            mime="text/html",
            icon=":material/download:",
            on_click="ignore",
            key=f"{key}_pack",
            help="One self-contained file to hand out: overview, each scenario with its chart and sources; opens without a network",
        )
        st.download_button(
            "Deadlines (.ics)",
            deadlines,
            file_name="deadlines.ics",
            mime="text/calendar",
            icon=":material/calendar_month:",
            on_click="ignore",
            key=f"{key}_ics",
            help="The open scenarios' deadlines and response due times, to import into a calendar (re-importing updates them)",
        )
