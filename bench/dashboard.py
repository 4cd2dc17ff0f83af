"""Dashboard speed in real Chromium: `python -m bench.dashboard`.

Opens the Board with 200 scenarios and 100,000 events and compares the time until the app has finished running
with a minimal Streamlit page that loads the same event log and draws one Plotly chart of it, the two interleaved
round by round in the same run. Also times a filter change, the Timeline, and a new viewer's Board with 1, 5, 10
and 20 other sessions already open on the same server (what one replica carries before another is needed).
Target: the Board within 1.5x of the baseline page.
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import Ratio, Sample, Table, rounds, spread_text, verdict
from bench.synthetic import write_events, write_scenarios
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, READY, AppServer

BOARD_TARGET = 1.5
BOARD_CHIP = ".status-chip[data-scenario]"
AS_OF = "as_of=2022-06-30"  # a fixed past instant: the same statuses in every run

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


def _open(browser: Any, url: str, selector: str) -> tuple[Any, float]:
    """A new viewer's page, and the seconds until what it shows is drawn and the script is idle."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    return context, time.perf_counter() - start


def _time_open(browser: Any, url: str, selector: str) -> Sample:
    context, seconds = _open(browser, url, selector)
    context.close()
    return Sample(seconds)


def _time_filter(browser: Any, url: str) -> Sample:
    context, _ = _open(browser, url, BOARD_CHIP)
    page = context.pages[0]
    search = page.get_by_placeholder("Words in title, summary, actors…")
    search.fill("scenario 123")  # one scenario: its title and id hold "123"
    shown = page.locator(BOARD_CHIP).count()
    start = time.perf_counter()
    search.press("Enter")
    # Finished when the filtered cards are on screen and the script is idle again.
    page.wait_for_function(f"document.querySelectorAll('{BOARD_CHIP}').length !== {shown}", timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    return Sample(elapsed)


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _sessions(browser: Any, app: AppServer, board: str, *, open_counts: Sequence[int], runs: int, table: Table) -> None:
    """A new viewer's Board with N other sessions open (each left idle on its finished Board)."""
    held: list[Any] = []
    first: list[float] = []
    for count in open_counts:
        while len(held) < count:
            held.append(_open(browser, board, BOARD_CHIP)[0])
        series = rounds({"new": lambda: _time_open(browser, board, BOARD_CHIP)}, runs, 0)["new"]
        first = first or series.seconds
        table.add(
            f"new viewer's Board, {count} session(s) open (server {_resident_mb(app.process.pid):.0f} MB)",
            series.time_text(),
            f"with {open_counts[0]} open: {spread_text(first, 's', 2)}",
            Ratio.of(series.seconds, first).text(),
            "",
        )
    for context in held:
        context.close()


def run(scenarios: int = 200, events: int = 100_000, runs: int = 5, sessions: Sequence[int] = (1, 5, 10, 20)) -> Table:
    from playwright.sync_api import sync_playwright

    table = Table(
        f"Dashboard in headless Chromium ({scenarios:,} scenarios, {events:,} events)",
        ["measure", "time (median, min-max)", "baseline (median, min-max)", "ratio (of medians; per-round min-max)", "target"],
    )
    with tempfile.TemporaryDirectory(prefix="tracker-dash-bench-") as tmp:
        folder = Path(tmp)
        write_events(folder / "events.csv", events)
        write_scenarios(folder / "scenarios", scenarios)
        baseline_script = folder / "baseline.py"
        baseline_script.write_text(textwrap.dedent(BASELINE_PAGE.format(events=str(folder / "events.csv"))), encoding="utf-8")
        env = {"TRACKER_SCENARIOS": str(folder / "scenarios"), "TRACKER_EVENTS": str(folder / "events.csv")}
        app, baseline = AppServer(env), AppServer(env, script=baseline_script)
        board = f"{app.url}/?{AS_OF}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print(f"first opens, then {runs} interleaved rounds ...", flush=True)
                first = rounds(
                    {
                        "board": lambda: _time_open(browser, board, BOARD_CHIP),
                        "base": lambda: _time_open(browser, baseline.url, ".js-plotly-plot"),
                    },
                    1,
                    0,
                )
                pages = rounds(
                    {
                        "board": lambda: _time_open(browser, board, BOARD_CHIP),
                        "base": lambda: _time_open(browser, baseline.url, ".js-plotly-plot"),
                        "timeline": lambda: _time_open(browser, f"{app.url}/timeline?{AS_OF}", ".js-plotly-plot"),
                        "filter": lambda: _time_filter(browser, board),
                    },
                    runs,
                    1,
                )
                base = pages["base"]
                ratio = Ratio.of(pages["board"].seconds, base.seconds)
                table.add(
                    "Board, open",
                    pages["board"].time_text(),
                    f"baseline page: {base.time_text()}",
                    ratio.text(),
                    verdict(ratio, BOARD_TARGET),
                )
                table.add(
                    "Board, first open (loads, validates, indexes)",
                    first["board"].time_text(),
                    f"baseline page's first: {first['base'].time_text()}",
                    Ratio.of(first["board"].seconds, first["base"].seconds).text(),
                    "",
                )
                timeline = Ratio.of(pages["timeline"].seconds, base.seconds)
                table.add(
                    "Timeline with every event, open",
                    pages["timeline"].time_text(),
                    f"baseline page: {base.time_text()}",
                    timeline.text(),
                    "",
                )
                table.add("Board, filter change to finished rerun", pages["filter"].time_text(), "", "", "")
                if sessions:
                    print(f"a new viewer with {', '.join(map(str, sessions))} sessions open ...", flush=True)
                    _sessions(browser, app, board, open_counts=sessions, runs=runs, table=table)
                browser.close()
        finally:
            app.stop()
            baseline.stop()
    table.print()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="recorded rounds after one warm-up")
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 5, 10, 20], help="sessions open before a new viewer's Board")
    args = parser.parse_args()
    run(args.scenarios, args.events, args.runs, args.sessions)


if __name__ == "__main__":
    main()
