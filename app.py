"""Sanctions Scenario Tracker: `streamlit run app.py`.

Reads scenarios and events (TRACKER_SCENARIOS / TRACKER_EVENTS, else the demo), then
shows the page the URL names. Pages read the shared context; none re-implements a rule.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import navigation, presenter, theme, upload_gate
from components.context import SCENARIO_PARAM, current, data_paths
from components.views_support import data_period
from components.widgets import as_of_control
from components.writing import read_only, startup_notice
from tracker.problems import data_folder, paths_shown_from, serve_paths_from

# Material Symbols' "policy", drawn once to a file: Streamlit serves a file itself, but sends a browser to Google's
# font server for a `:material/...:` favicon, which fails offline.
FAVICON = Path(__file__).resolve().parent / "components" / "assets" / "favicon.png"


def main() -> None:
    st.set_page_config(page_title="Sanctions Scenario Tracker", page_icon=str(FAVICON), layout="wide")
    theme.apply()
    upload_gate.install()  # Streamlit's upload route takes files only from sessions the import page has let in
    if read_only():
        upload_gate.revoke()  # e.g. the editors were changed, or the session went into presenter mode
    pages = navigation.all_pages()
    presenting = presenter.requested()  # ?mode=present: slides only, no navigation, no sidebar
    page = st.navigation(pages, position="hidden" if presenting else "top")
    if page.url_path != "health" and not presenting:  # Data health shows it in place; slides stay clean
        startup_notice(dismissible=True)  # before the first load: a crash's half-written line is repaired first
    ctx = current()
    if presenting:
        presenter.render(ctx)
        st.stop()
    # A link with ?scenario=ID opens that scenario, whatever page it points at.
    if st.query_params.get(SCENARIO_PARAM) and page.url_path != "scenario":
        st.switch_page(navigation.scenario_page(), query_params=st.query_params.to_dict())
    as_of_control(ctx, data_period(ctx))
    page.run()


# Every path a page shows is relative to the data folder: readers learn nothing of the server's layout.
folder = data_folder(*data_paths())
if upload_gate.serving():
    serve_paths_from(folder)  # fragments rerun outside this block, and may load the files
with paths_shown_from(folder):
    main()
