"""Every page in real headless Chromium: it runs without an exception box and shows what it should."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PATIENCE_MS, AppServer, assert_no_exception, screenshot, wait_until_idle
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY
from tests.test_app import expected

PAGES = {"board": "", "timeline": "timeline", "scenario": "scenario", "events": "events", "health": "health", "calibration": "calibration"}


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_opens_without_errors(app_server: AppServer, open_page: Callable[..., object], name: str) -> None:
    page = open_page(f"{app_server.url}/{PAGES[name]}?as_of=2022-02-01")
    assert_no_exception(page)
    assert page.locator("h1").count() >= 1
    screenshot(page, f"page-{name}")


def test_board_shows_status_words_and_countdowns(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/?as_of=2021-12-20")
    chips = page.locator(".status-chip[data-scenario]")
    assert chips.count() == 4  # those open by then
    words = set(chips.all_inner_texts())
    assert any("Due soon" in w for w in words) and any("Watching" in w for w in words)
    countdown = page.locator('.countdown[data-scenario="joint-sanctions-christmas-2021"]')
    assert countdown.inner_text().strip() == "5 d 0 h"
    assert countdown.is_visible()
    assert page.locator('.status-chip[data-scenario="swift-disconnection-2022"]').count() == 0  # it opens in 2022
    assert "10 scenarios open later" in page.locator("[data-testid='stMain']").inner_text()


@pytest.mark.parametrize("as_of", ["2021-12-20", "2021-12-20T12:00:00+01:00"])
def test_one_link_shows_the_same_countdown_in_every_zone(app_server: AppServer, open_page: Callable[..., object], as_of: str) -> None:
    """A shared link means one thing: a date is the end of that day in the scenario's zone, wherever the reader is."""
    seen = {}
    for zone in ("America/New_York", "Asia/Tokyo"):
        page = open_page(f"{app_server.url}/?as_of={as_of.replace('+', '%2B')}", timezone=zone)
        seen[zone] = page.locator('.countdown[data-scenario="joint-sanctions-christmas-2021"]').inner_text().strip()
        assert f"as_of={as_of.replace('+', '%2B')}" in page.url or f"as_of={as_of}" in page.url  # the link is kept as written
    assert seen["America/New_York"] == seen["Asia/Tokyo"] == ("5 d 0 h" if len(as_of) == 10 else "5 d 12 h"), seen


def test_deep_link_opens_the_scenario(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/?as_of=2021-12-20&scenario=joint-sanctions-christmas-2021")
    # The Board hands the link to the Scenario page in a second run, which a busy machine may start late: wait for it.
    page.wait_for_url(re.compile(r"/scenario\?"))
    wait_until_idle(page)
    assert "scenario=joint-sanctions-christmas-2021" in page.url and "as_of=2021-12-20" in page.url
    expect(page.locator("h1").first).to_have_text(re.compile(r"^Joint US-EU-UK sanctions package"), timeout=PATIENCE_MS)
    assert page.locator(".status-chip").first.inner_text().strip().endswith("Due soon")
    assert "5 d 0 h" in page.locator(".countdown").first.inner_text()
    assert_no_exception(page)
    screenshot(page, "deep-link-scenario")


def test_as_of_survives_navigation(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/?as_of=2022-02-01")
    page.get_by_role("link", name="Timeline").first.click()
    wait_until_idle(page)
    assert "as_of=2022-02-01" in page.url
    assert "2022-02-01 (end of day in each scenario's zone)" in page.locator("[data-testid='stSidebar']").inner_text()


def test_step_button_moves_the_as_of(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/?as_of=2021-12-20")
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Next", exact=True).click()
    wait_until_idle(page)
    assert "as_of=2021-12-21" in page.url
    assert page.locator('.countdown[data-scenario="joint-sanctions-christmas-2021"]').inner_text().strip() == "4 d 0 h"


@pytest.fixture
def near_deadline(tmp_path: Path) -> Iterator[AppServer]:
    """A server whose one scenario's deadline is an hour away, with a fast tick."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(microsecond=0)
    (folder / "soon.yaml").write_text(
        f"id: soon\ntitle: Deadline in an hour\nopened: 2021-01-01\ndeadline: {deadline.isoformat()}\n"
        "warn_within: 2d\ntrigger: {unless: {tags: [never-logged]}}\n",
        encoding="utf-8",
    )
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    shutil.copy(DEMO_VOCABULARY, tmp_path / "vocabulary.yaml")
    server = AppServer({"TRACKER_SCENARIOS": str(folder), "TRACKER_EVENTS": str(tmp_path / "events.csv"), "TRACKER_TICK_SECONDS": "1"})
    yield server
    server.stop()


def test_live_countdown_ticks_without_reload(near_deadline: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(near_deadline.url)
    page.evaluate("window.__marker = 'same document'")
    stamp = page.locator(".live-stamp")
    first = stamp.inner_text()
    assert re.search(r"\d{2}:\d{2}:\d{2}", first)
    countdown = page.locator('.countdown[data-scenario="soon"]')
    assert re.fullmatch(r"(59|60) min|\d+ min|0 h \d+ min|1 h 0 min", countdown.inner_text().strip())
    deadline = time.monotonic() + 120  # a state to wait for, with a bound only a hung app reaches
    while stamp.inner_text() == first and time.monotonic() < deadline:
        time.sleep(0.5)
    assert stamp.inner_text() != first, "the live fragment did not refresh"
    assert page.evaluate("window.__marker") == "same document", "the page was reloaded"
    assert page.locator(".status-chip[data-scenario='soon']").inner_text().strip().endswith("Due soon")


def test_broken_file_in_browser_shows_banner_and_rest(tmp_path: Path, open_page: Callable[..., object]) -> None:
    folder = tmp_path / "scenarios"
    shutil.copytree(DEMO_SCENARIOS, folder)
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    server = AppServer({"TRACKER_SCENARIOS": str(folder), "TRACKER_EVENTS": str(DEMO_EVENTS)})
    try:
        page = open_page(f"{server.url}/?as_of=2022-03-01")
        assert "problem(s)" in page.locator("[data-testid='stAlert']").first.inner_text()
        assert page.locator(".status-chip[data-scenario]").count() == len(expected("2022-03-01", upcoming=False))
        assert_no_exception(page)
        page2 = open_page(f"{server.url}/health")
        assert_no_exception(page2)
        screenshot(page2, "health-with-broken-file")
    finally:
        server.stop()
