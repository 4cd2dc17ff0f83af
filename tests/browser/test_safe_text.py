"""Hostile text in real Chromium: every page, presenter mode and the briefing pack show it as written, and nothing in
it becomes an image, a link or a request to the attacker's server (evil.example).

The data is the demo with Markdown and HTML in a scenario's title, summary, actors, tags and source and in two events
(tests/hostile.py); the link carries Markdown in `as_of`, `since`, `basis` and `advance`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser.conftest import PATIENCE_MS, SCREENSHOTS, AppServer, _require_browser, assert_no_exception, screenshot, wait_until_idle
from tests.conftest import ROOT
from tests.hostile import EVENT_ID, HOSTILE, RANGE_ID, SCENARIO_ID, URL_PARAMS, hostile_copy
from tracker.text import WORD_JOINER

AS_OF = {"as_of": "2021-12-20"}
PAGES = {
    "board": ("", AS_OF),
    "timeline": ("timeline", AS_OF),
    "scenario": ("scenario", {**AS_OF, "scenario": SCENARIO_ID}),
    "events": ("events", AS_OF),
    "since": ("since", {**AS_OF, "since": "2021-12-01"}),
    "changes": ("changes", AS_OF),
    "health": ("health", AS_OF),
    "presenter": ("", {**AS_OF, "mode": "present", "scenario": SCENARIO_ID}),
    "link-board": ("", URL_PARAMS),
    "link-since": ("since", URL_PARAMS),
    "link-presenter": ("", {**URL_PARAMS, "mode": "present"}),
}
SHOWN_AS_WRITTEN = {"board", "scenario", "since", "presenter"}  # pages that show the hostile title as text
# Every <img> source, and every link target (HTML href, SVG xlink:href: Plotly draws its links in SVG), on the page.
LOADS = """() => [
  ...[...document.querySelectorAll('img, image, source, video, audio, iframe')]
    .map(e => e.currentSrc || e.src || e.getAttribute('href') || ''),
  ...[...document.querySelectorAll('*')].map(e => getComputedStyle(e).backgroundImage).filter(v => v && v !== 'none'),
]"""
LINKS = """() => [...document.querySelectorAll('a')].map(
  a => a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return hostile_copy(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_server(hostile: tuple[Path, Path]) -> Iterator[AppServer]:
    _require_browser()
    scenarios, events = hostile
    server = AppServer(env={"TRACKER_SCENARIOS": str(scenarios), "TRACKER_EVENTS": str(events)})
    yield server
    server.stop()


def _at_evil(url: str) -> bool:
    """A request to the attacker's server (the app's own URL may carry "evil.example" in its query)."""
    return (urlsplit(url).hostname or "").endswith("evil.example")


class Visit:
    """One page in a fresh context, with every request to evil.example recorded (and refused)."""

    def __init__(self, browser: Any, width: int, height: int) -> None:
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height}, timezone_id="Europe/London")
        self.context.route(_at_evil, lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url) if _at_evil(request.url) else None)

    def open(self, url: str) -> Any:
        self.page.goto(url)
        wait_until_idle(self.page)
        return self.page


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    visits: list[Visit] = []

    def _visit(url: str, width: int = 1280, height: int = 720) -> Visit:
        made = Visit(browser, width, height)
        visits.append(made)
        made.open(url)
        return made

    yield _visit
    for made in visits:
        made.context.close()


def _assert_nothing_reaches_evil(visit: Visit) -> None:
    page = visit.page
    loads = page.evaluate(LOADS)
    remote = [src for src in loads if "evil.example" in src or (src.startswith(("http://", "https://", "//")) and "127.0.0.1" not in src)]
    assert remote == [], remote
    links = [href for href in page.evaluate(LINKS) if "evil.example" in href]
    assert links == [], links
    assert visit.requests == [], visit.requests


@pytest.mark.parametrize("name", list(PAGES))
def test_hostile_text_loads_nothing_links_nowhere_and_reads_as_written(hostile_server: AppServer, visit: Any, name: str) -> None:
    path, params = PAGES[name]
    made = visit(f"{hostile_server.url}/{path}?{urlencode(params)}")
    page = made.page
    assert_no_exception(page)
    _assert_nothing_reaches_evil(made)
    text = page.locator("[data-testid='stApp']").inner_text().replace(WORD_JOINER, "")
    if name in SHOWN_AS_WRITTEN:
        assert HOSTILE in text, text[:2000]
    if name.startswith("link-"):
        assert "[Your session expired](https://evil.example/login)" in text  # quoted in the app's own note, as text
    assert "\\[" not in text and "\\!" not in text and "\\:" not in text  # escaped text shows no stray backslash


# The centre of the timeline marker whose click payload names ``id``, scrolled into view (Plotly keeps each point's data
# on its element).
MARKER = """id => {
  for (const point of document.querySelectorAll('.js-plotly-plot .scatterlayer path.point')) {
    const trace = point.parentNode.parentNode.__data__[0].trace;
    const data = trace.customdata && trace.customdata[point.__data__.i];
    if (data && data[1] === id) {
      point.scrollIntoView({block: 'center'});  // rows are tall enough that the last may start below the window
      const box = point.getBoundingClientRect();
      return [box.x + box.width / 2, box.y + box.height / 2];
    }
  }
  return null;
}"""


ZOOM = """day => {
  const plot = document.querySelector('.js-plotly-plot'), at = new Date(day + 'T12:00:00Z');
  const shift = days => new Date(at.getTime() + days * 86400000).toISOString().slice(0, 10);
  return window.Plotly.relayout(plot, {'xaxis.range': [shift(-3), shift(3)]}).then(() => true);
}"""


@pytest.mark.parametrize("event_id", [RANGE_ID, EVENT_ID])
def test_clicking_a_timeline_marker_shows_that_event_whatever_its_id(hostile_server: AppServer, visit: Any, event_id: str) -> None:
    made = visit(f"{hostile_server.url}/timeline?{urlencode(AS_OF)}", 1280, 720)
    page = made.page
    page.wait_for_selector(".js-plotly-plot .scatterlayer path.point")
    # Zoomed to the event's week, so that no neighbouring marker lies under the pointer.
    day = "2021-10-01" if event_id == RANGE_ID else "2021-12-10"
    assert page.evaluate(ZOOM, day)
    where = page.evaluate(MARKER, event_id)
    assert where is not None, f"no marker for {event_id}"
    # Plotly takes a click from the point under the hover label: hover first, then click.
    page.mouse.move(*where)
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext")
    page.mouse.click(*where)
    # The details panel beside the chart says how to pick until a pick fills it.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stMain]').innerText.includes('Click a marker on the chart')", timeout=PATIENCE_MS
    )
    wait_until_idle(page)
    assert_no_exception(page)
    _assert_nothing_reaches_evil(made)
    selected = page.locator("[data-testid='stMain']").inner_text().split("Selected", 1)[1].replace(WORD_JOINER, "")
    assert f"id {event_id}" in selected
    screenshot(page, f"safe-text-timeline-click-{'range' if event_id == RANGE_ID else 'hostile'}")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("name", ["board", "scenario", "since", "timeline", "events", "presenter", "link-board"])
def test_screenshots_of_hostile_text(hostile_server: AppServer, visit: Any, name: str, size: tuple[int, int]) -> None:
    path, params = PAGES[name]
    made = visit(f"{hostile_server.url}/{path}?{urlencode(params)}", *size)
    assert_no_exception(made.page)
    _assert_nothing_reaches_evil(made)
    assert screenshot(made.page, f"safe-text-{name}-{size[0]}x{size[1]}").stat().st_size > 10_000


def test_the_briefing_pack_shows_hostile_text_as_written(hostile: tuple[Path, Path], browser: Any, tmp_path: Path) -> None:
    scenarios, events = hostile
    out = tmp_path / "brief.html"
    command = [sys.executable, "-m", "tracker", "brief", "--as-of", "2021-12-20", "--since", "2021-12-01", "--out", str(out)]
    command += ["--scenarios", str(scenarios), "--events", str(events)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    made = Visit(browser, 1280, 720)
    try:
        page = made.page
        page.goto(out.as_uri())
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=PATIENCE_MS)
        _assert_nothing_reaches_evil(made)
        assert page.locator(f"#{SCENARIO_ID} h2").inner_text().replace(WORD_JOINER, "") == HOSTILE
        assert HOSTILE in page.locator("body").inner_text().replace(WORD_JOINER, "")
        page.locator(f"#{SCENARIO_ID}").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "safe-text-pack-1280x720.png"))
    finally:
        made.context.close()
