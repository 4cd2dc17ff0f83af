"""The Board's cards in real Chromium: even heights in a row, the title as the largest text, a working Copy link."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import PATIENCE_MS, AppServer, assert_no_exception, screenshot

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]

_RENDERED = """
() => { const cards = document.querySelectorAll('[class*="st-key-card_"]');
        return cards.length === 5 && [...cards].every((c) => c.querySelector('[data-testid="stPageLink"] p')); }
"""
# Each card's box, its title's font size, and the largest font size of any other text on it (px).
_CARDS = """
() => [...document.querySelectorAll('[class*="st-key-card_"]')].map((card) => {
  const box = card.getBoundingClientRect();
  const title = card.querySelector('[data-testid="stPageLink"] p');
  const others = [...card.querySelectorAll('*')].filter((el) => !title.contains(el) && !el.contains(title)
    && [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()));
  return {
    top: Math.round(box.top), height: box.height,
    title: parseFloat(getComputedStyle(title).fontSize),
    largest: Math.max(...others.map((el) => parseFloat(getComputedStyle(el).fontSize))),
  };
})
"""


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_cards_in_a_row_are_equally_tall_and_titled_in_the_largest_text(
    app_server: AppServer, open_page: Callable[..., object], width: int, height: int
) -> None:
    page = open_page(f"{app_server.url}/?as_of=2022-02-20", width=width, height=height)
    assert_no_exception(page)
    page.wait_for_function(_RENDERED, timeout=PATIENCE_MS)  # type: ignore[attr-defined]
    cards = page.evaluate(_CARDS)  # type: ignore[attr-defined]
    assert len(cards) == 5
    rows: dict[int, list[float]] = {}
    for card in cards:
        rows.setdefault(card["top"], []).append(card["height"])
        assert card["title"] > card["largest"], card
    assert [len(heights) for heights in rows.values()] == [3, 2]
    for heights in rows.values():
        assert max(heights) - min(heights) < 1, heights
    screenshot(page, f"board-cards-{width}x{height}")


def test_copy_link_puts_the_address_of_this_view_on_the_clipboard(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/?as_of=2022-02-01&status=watching", width=1280, height=720)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)  # type: ignore[attr-defined]
    button = page.get_by_role("button", name="Copy link")  # type: ignore[attr-defined]
    button.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.get_by_text("Link copied").wait_for(timeout=PATIENCE_MS)  # type: ignore[attr-defined]
    copied = page.evaluate("navigator.clipboard.readText()")  # type: ignore[attr-defined]
    assert copied == page.url  # type: ignore[attr-defined]
    assert "as_of=2022-02-01" in copied and "status=watching" in copied


def test_a_newcomer_on_the_live_demo_reaches_a_countdown_in_one_click(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(app_server.url, width=1280, height=720)
    notice = page.locator(".st-key-nothing_open")  # type: ignore[attr-defined]
    assert "Nothing is open now" in notice.inner_text()
    assert notice.is_visible()
    replay = notice.get_by_role("button", name="Replay 23 Sep 2022: 5 open (1 triggered, 4 watching)")
    replay.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]  # by keyboard: no click landing on a button still moving into place
    page.wait_for_url("**as_of=2022-09-23**", timeout=PATIENCE_MS)  # type: ignore[attr-defined]
    page.locator(".countdown").first.wait_for(timeout=PATIENCE_MS)  # type: ignore[attr-defined]
    assert page.locator(".st-key-nothing_open").count() == 0  # type: ignore[attr-defined]
    assert page.locator(".countdown").count() == 4  # type: ignore[attr-defined]  # the fifth open one, triggered, has no due time
    screenshot(page, "board-replayed-moment")
