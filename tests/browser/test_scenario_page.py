"""The Scenario page in real Chromium: its countdown ticks, and Back shows the scenario the URL names."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.browser.conftest import PATIENCE_MS, AppServer, assert_no_exception, wait_until_idle
from tests.browser.test_pages import near_deadline  # noqa: F401 (a fixture: one scenario an hour from its deadline)

XMAS_TITLE = "Joint US-EU-UK sanctions package if Russia does not back down by Christmas"
SWIFT_TITLE = "Selected Russian banks removed from SWIFT in the coming days"


def test_the_scenario_page_countdown_ticks_without_reload(near_deadline: AppServer, open_page: Callable[..., object]) -> None:  # noqa: F811
    page = open_page(f"{near_deadline.url}/scenario?scenario=soon")
    page.evaluate("window.__marker = 'same document'")  # type: ignore[attr-defined]
    countdown = page.locator('.countdown[data-scenario="soon"]')  # type: ignore[attr-defined]
    first = countdown.inner_text().strip()
    assert first.endswith("min"), first
    deadline = time.monotonic() + 150  # the minute turns within 60 s; a bound only a hung app reaches
    while countdown.inner_text().strip() == first and time.monotonic() < deadline:
        time.sleep(0.5)
    assert countdown.inner_text().strip() != first, "the countdown did not tick"
    assert page.evaluate("window.__marker") == "same document", "the page was reloaded"  # type: ignore[attr-defined]
    assert_no_exception(page)


def test_back_shows_the_scenario_the_url_names(app_server: AppServer, open_page: Callable[..., object]) -> None:
    from playwright.sync_api import expect

    page = open_page(f"{app_server.url}/scenario?as_of=2022-03-01&scenario=joint-sanctions-christmas-2021")
    title = page.locator("h1").first  # type: ignore[attr-defined]
    expect(title).to_have_text(XMAS_TITLE)
    page.locator("[data-testid='stSelectbox']").first.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=SWIFT_TITLE).click()  # type: ignore[attr-defined]
    expect(title).to_have_text(SWIFT_TITLE, timeout=PATIENCE_MS)
    wait_until_idle(page)
    assert "scenario=swift-disconnection-2022" in page.url  # type: ignore[attr-defined]
    page.go_back()  # type: ignore[attr-defined]
    wait_until_idle(page)
    assert "scenario=joint-sanctions-christmas-2021" in page.url  # type: ignore[attr-defined]
    expect(title).to_have_text(XMAS_TITLE, timeout=PATIENCE_MS)
    assert_no_exception(page)
