"""The app's pages and links between them (one place for page files, titles, icons and URL paths)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.context import AS_OF_PARAM, SCENARIO_PARAM, AsOf

PAGES_DIR = Path(__file__).resolve().parent / "pages"


def scenario_page() -> st.Page:
    return st.Page(PAGES_DIR / "scenario.py", title="Scenario", icon=":material/article:", url_path="scenario")


def all_pages() -> list[st.Page]:
    return [
        st.Page(PAGES_DIR / "board.py", title="Board", icon=":material/dashboard:", url_path="board", default=True),
        st.Page(PAGES_DIR / "timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
        scenario_page(),
        st.Page(PAGES_DIR / "events.py", title="Events", icon=":material/event_note:", url_path="events"),
        st.Page(PAGES_DIR / "changes.py", title="Changes", icon=":material/difference:", url_path="changes"),
        st.Page(PAGES_DIR / "health.py", title="Data health", icon=":material/health_and_safety:", url_path="health"),
        st.Page(PAGES_DIR / "since.py", title="Since last briefing", icon=":material/difference:", url_path="since"),
        st.Page(PAGES_DIR / "calibration.py", title="Calibration", icon=":material/target:", url_path="calibration"),
    ]


def scenario_params(scenario_id: str, as_of: AsOf) -> dict[str, str]:
    """Query parameters that open one scenario at the current as-of instant."""
    params = {SCENARIO_PARAM: scenario_id}
    if not as_of.live and (text := st.query_params.get(AS_OF_PARAM)):
        params[AS_OF_PARAM] = text
    return params
