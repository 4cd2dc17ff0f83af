"""Presenter mode in real headless Chromium, at the two screens a briefing is given on.

Slides move by button and by keyboard, nothing of Streamlit's chrome shows, every slide is
stamped, nothing runs off the right edge, and axe-core finds no violation of its default rules.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PATIENCE_MS, AppServer, assert_no_exception, axe_violations, screenshot, wait_until_idle

SCREENS = [(1920, 1080), (1280, 720)]
CHROME = ["stSidebar", "stSidebarCollapsedControl", "stHeader", "stToolbar", "stMainMenu", "stDecoration", "stStatusWidget"]
STAMP = "Status as of 2021-12-20 (end of day in each scenario's zone)"


def slide_in_url(page: Any) -> str:
    found = re.search(r"[?&]slide=(\d+)", page.url)
    return found.group(1) if found else ""


def wait_for_slide(page: Any, number: int) -> None:
    page.wait_for_function(f"() => /[?&]slide={number}(&|$)/.test(location.search)", timeout=PATIENCE_MS)
    wait_until_idle(page)


def assert_no_chrome(page: Any) -> None:
    for test_id in CHROME:
        chrome = page.locator(f"[data-testid='{test_id}']")
        assert chrome.count() == 0 or not chrome.first.is_visible(), f"{test_id} is visible"
    assert page.get_by_role("link", name="Timeline").count() == 0  # no page navigation
    assert page.locator("nav:visible").count() == 0


def assert_fits_the_screen(page: Any, width: int, height: int) -> None:
    """Nothing runs off the right edge, and the slide's content ends above the footer."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    footer = page.locator(".st-key-presenter-footer").bounding_box()
    assert footer is not None and footer["y"] + footer["height"] <= height + 0.5
    for selector in (".slide-title", ".ov-row", ".slide-head", ".deciding", ".js-plotly-plot:visible"):  # one chart per screen size
        for box in (element.bounding_box() for element in page.locator(selector).all()):
            assert box is not None and box["x"] + box["width"] <= width + 0.5, (selector, box)
            assert box["y"] + box["height"] <= footer["y"] + 0.5, f"{selector} runs under the footer: {box}"
    assert page.locator(".st-key-presenter-footer button:visible").count() == 3  # previous, next, exit
    for selector in (".slide-title", ".presenter-stamp", ".st-key-presenter-footer button:visible", ".status-chip"):
        for box in (element.bounding_box() for element in page.locator(selector).all()):
            assert box is not None, selector
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, (selector, box)


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=["1920x1080", "1280x720"])
def test_slides_read_at_briefing_screen_sizes(app_server: AppServer, open_page: Callable[..., Any], width: int, height: int) -> None:
    size = f"{width}x{height}"
    page = open_page(f"{app_server.url}/?mode=present&as_of=2021-12-20", width=width, height=height)
    assert_no_exception(page)
    assert_no_chrome(page)
    assert page.locator(".slide-title").inner_text() == "Sanctions scenarios: overview"
    assert page.locator(".ov-row").count() == 4  # the twelve scenarios that open in 2022 or later are left out
    assert "10 scenarios open later: not shown" in page.locator(".overview").inner_text()
    assert STAMP in page.locator(".presenter-stamp").inner_text()
    assert_fits_the_screen(page, width, height)
    assert axe_violations(page) == []
    screenshot(page, f"presenter-{size}-overview")

    page.get_by_role("button", name=re.compile("Next")).click()
    wait_for_slide(page, 2)
    assert page.locator(".slide-title").inner_text().startswith("Joint US-EU-UK sanctions package")
    assert page.locator(".big-countdown").inner_text() == "5 d 0 h"
    assert page.locator(".slide-status .status-chip").inner_text().strip().endswith("Due soon")
    assert page.locator(".viewer-deadline").inner_text() == "2021-12-25 23:00 Europe/London"
    page.locator(".js-plotly-plot:visible .main-svg").first.wait_for(state="visible", timeout=PATIENCE_MS)  # Plotly draws after the run
    assert page.locator(".js-plotly-plot:visible").count() == 1  # of the two drawn, the chart for this screen
    assert STAMP in page.locator(".presenter-stamp").inner_text()
    assert_no_chrome(page)
    assert_fits_the_screen(page, width, height)
    assert axe_violations(page) == []
    screenshot(page, f"presenter-{size}-slide-2")

    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 3)
    assert "3 / 5" in page.locator(".presenter-stamp").inner_text()
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, 4)
    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, 3)
    assert_fits_the_screen(page, width, height)
    screenshot(page, f"presenter-{size}-slide-3")


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=["1920x1080", "1280x720"])
def test_decided_scenarios_and_every_status_colour_read(
    app_server: AppServer, open_page: Callable[..., Any], width: int, height: int
) -> None:
    # On 2022-03-01 the deck holds enacted, averted, overdue, triggered and withdrawn scenarios.
    page = open_page(f"{app_server.url}/?mode=present&as_of=2022-03-01", width=width, height=height)
    statuses = set(page.locator(".ov-row .status-chip").all_inner_texts())
    assert len(statuses) >= 4
    assert axe_violations(page) == []
    assert_fits_the_screen(page, width, height)
    screenshot(page, f"presenter-{width}x{height}-overview-2022-03-01")
    page.goto(f"{app_server.url}/?mode=present&as_of=2022-03-01&scenario=joint-sanctions-christmas-2021")
    wait_until_idle(page)
    assert page.locator(".slide-status .status-chip").inner_text().strip().endswith("Enacted · late")  # due 24 Jan, came 22 Feb
    assert "2022-02-22" in page.locator(".deciding").inner_text()
    assert axe_violations(page) == []
    assert_fits_the_screen(page, width, height)
    screenshot(page, f"presenter-{width}x{height}-enacted")


def test_a_link_opens_its_slide(app_server: AppServer, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{app_server.url}/?mode=present&as_of=2021-12-20&slide=5", width=1280, height=720)
    assert "5 / 5" in page.locator(".presenter-stamp").inner_text()
    assert slide_in_url(page) == "5"


def test_slides_advance_by_themselves(app_server: AppServer, open_page: Callable[..., Any]) -> None:
    """The timer moves the deck on, one slide at a time, without reloading the page.

    What is checked does not depend on the machine's speed: every slide number seen (from the footer stamp, recorded
    as it changes) follows the one before in the deck's order, however many ticks a busy machine fits in before
    the recording starts; the interval itself is the rule of tracker.report.slides.auto_advance, tested directly.
    """
    page = open_page(f"{app_server.url}/?mode=present&as_of=2021-12-20&advance=3", width=1280, height=720)
    page.evaluate("window.__marker = 'same document'")
    page.evaluate(
        """() => {
            window.__stamps = [];
            const note = () => {
                const stamp = document.querySelector('.presenter-stamp .slide-no')?.innerText;
                if (stamp && window.__stamps[window.__stamps.length - 1] !== stamp) window.__stamps.push(stamp);
            };
            note();
            new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    page.wait_for_function("() => window.__stamps.length >= 3", timeout=120_000)  # nothing pressed: the timer moved it
    stamps = [tuple(int(n) for n in stamp.split(" / ")) for stamp in page.evaluate("window.__stamps")]
    total = stamps[0][1]
    assert total == 5 and all(deck == total for _, deck in stamps), stamps
    for (before, _), (after, _) in itertools.pairwise(stamps):
        assert after == before % total + 1, f"the deck skipped from slide {before} to {after}: {stamps}"
    assert page.evaluate("window.__marker") == "same document", "the page was reloaded"


def test_present_button_and_exit(app_server: AppServer, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{app_server.url}/?as_of=2021-12-20", width=1280, height=720)
    page.get_by_role("button", name=re.compile("Present")).click()
    wait_for_slide(page, 1)
    assert "mode=present" in page.url and "as_of=2021-12-20" in page.url
    assert_no_chrome(page)
    page.get_by_role("button", name=re.compile("Exit")).click()
    page.wait_for_function("() => !location.search.includes('mode=present')", timeout=PATIENCE_MS)
    wait_until_idle(page)
    assert page.locator("h1").first.inner_text() == "Sanctions scenarios"
    assert page.locator("[data-testid='stSidebar']").is_visible()


def test_since_page_and_board_handouts_in_the_browser(app_server: AppServer, open_page: Callable[..., Any]) -> None:
    page = open_page(f"{app_server.url}/since?as_of=2022-02-01&since=2021-12-20")
    assert_no_exception(page)
    assert page.locator("h1").first.inner_text() == "Since last briefing"
    changes = page.locator(".status-change")
    assert changes.count() == 2  # the Christmas package overdue; the EU series into its second cycle
    assert "No deadline was moved." in page.locator("[data-testid='stMain']").inner_text()  # read from this repository's git
    assert page.get_by_role("button", name=re.compile("Briefing pack")).is_visible()
    screenshot(page, "page-since")
    board = open_page(f"{app_server.url}/?as_of=2021-12-20")
    for name in ("Present", "Briefing pack", "Deadlines"):
        assert board.get_by_role("button", name=re.compile(name)).is_visible(), name
    with board.expect_download() as download:
        board.get_by_role("button", name=re.compile("Deadlines")).click()
    assert download.value.suggested_filename == "deadlines.ics"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "joint-sanctions-christmas-2021-deadline@sanctions-scenario-tracker" in text
    screenshot(board, "page-board-with-handouts")
