"""Dashboard speed in real Chromium: `python -m bench.dashboard`.

Opens the Board with 200 scenarios and 100,000 events and compares the time until the
app has finished running with a minimal Streamlit page that loads the same event log and
draws one Plotly chart of it, measured in the same run, on the same machine. Also times a
filter change on the Board. Target: the Board within 1.5x of the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

from bench.synthetic import write_events, write_scenarios
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, READY, AppServer

BASELINE_PAGE = """
import pandas as pd
import plotly.express as px
import streamlit as st

st.set_page_config(layout="wide")


@st.cache_data
def load(path):
    return pd.read_csv(path)


events = load({events!r})
counts = events.assign(day=events["occurred"].str[:10]).groupby("day").size().reset_index(name="events")
st.title("Baseline")
st.plotly_chart(px.scatter(counts, x="day", y="events"))
"""


def _time_open(browser: object, url: str, selector: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def _time_filter(browser: object, url: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".status-chip[data-scenario]", timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    search = page.get_by_placeholder("Words in title, summary, actors…")
    search.fill("scenario 123")  # one scenario: its title and id hold "123"
    shown = page.locator(".status-chip[data-scenario]").count()
    start = time.perf_counter()
    search.press("Enter")
    # Finished when the filtered cards are on screen and the script is idle again.
    page.wait_for_function(f"document.querySelectorAll('.status-chip[data-scenario]').length !== {shown}", timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def run(scenarios: int = 200, events: int = 100_000, repeats: int = 3) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tracker-dash-bench-") as tmp:
        folder = Path(tmp)
        write_events(folder / "events.csv", events)
        write_scenarios(folder / "scenarios", scenarios)
        baseline_script = folder / "baseline.py"
        baseline_script.write_text(textwrap.dedent(BASELINE_PAGE.format(events=str(folder / "events.csv"))), encoding="utf-8")
        env = {"TRACKER_SCENARIOS": str(folder / "scenarios"), "TRACKER_EVENTS": str(folder / "events.csv")}
        # A fixed past instant: the same statuses in every run, and replay is what analysts do at scale.
        board_url_suffix = "/?as_of=2022-06-30"
        app, baseline = AppServer(env), AppServer(env, script=baseline_script)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                cold_board = _time_open(browser, app.url + board_url_suffix, ".status-chip[data-scenario]")
                cold_base = _time_open(browser, baseline.url, ".js-plotly-plot")
                boards = [_time_open(browser, app.url + board_url_suffix, ".status-chip[data-scenario]") for _ in range(repeats)]
                bases = [_time_open(browser, baseline.url, ".js-plotly-plot") for _ in range(repeats)]
                filters = [_time_filter(browser, app.url + board_url_suffix) for _ in range(repeats)]
                timelines = [_time_open(browser, app.url + "/timeline?as_of=2022-06-30", ".js-plotly-plot") for _ in range(repeats)]
                browser.close()
        finally:
            app.stop()
            baseline.stop()
    board, base, filt = statistics.median(boards), statistics.median(bases), statistics.median(filters)
    timeline = statistics.median(timelines)
    rows = [
        ("data", f"{scenarios} scenarios, {events:,} events"),
        ("baseline page, first open (loads the log)", f"{cold_base:.2f} s"),
        ("Board, first open (loads, validates, indexes)", f"{cold_board:.2f} s  ({cold_board / cold_base:.2f}x)"),
        ("baseline page, open (median)", f"{base:.2f} s"),
        ("Board, open (median)", f"{board:.2f} s  ({board / base:.2f}x, target <= 1.5x)"),
        ("Board, filter change to finished rerun (median)", f"{filt:.2f} s"),
        ("Timeline, open with every event plotted (median)", f"{timeline:.2f} s  ({timeline / base:.2f}x)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return {
        "board_s": board,
        "baseline_s": base,
        "ratio": board / base,
        "filter_s": filt,
        "timeline_s": timeline,
        "cold_ratio": cold_board / cold_base,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run(args.scenarios, args.events, args.repeats)


if __name__ == "__main__":
    main()
