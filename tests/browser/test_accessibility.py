"""axe-core with all its default rules on every page, every presenter slide and the briefing pack, at both screens;
and the favicon, served by the app itself.

One app server and one browser page per screen size: each view is opened in turn and checked whole. A failure lists
every violation as rule, impact, the elements and axe's summary, so it reads without re-running anything.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PATIENCE_MS, AppServer, _require_browser, axe_violations, wait_until_idle
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT

pytestmark = pytest.mark.browser

SCREENS = [(1280, 720), (1920, 1080)]
AS_OF = "as_of=2021-12-20"
PAGES = {
    "Board": f"/?{AS_OF}",
    "Timeline": f"/timeline?{AS_OF}",
    "Scenario": f"/scenario?{AS_OF}&scenario=joint-sanctions-christmas-2021",
    "Events": f"/events?{AS_OF}",
    "Changes": f"/changes?{AS_OF}",
    "Data health": f"/health?{AS_OF}",
    "Since last briefing": f"/since?{AS_OF}",
    "Calibration": f"/calibration?{AS_OF}",
    # Live, as a newcomer first sees them: every scenario decided, the calibration scored, a link's notice shown.
    "Board, live": "/?status=bogus",
    "Calibration, live": "/calibration",
}
SLIDES = 5  # the overview and the four scenarios open by 2021-12-20


@pytest.fixture(scope="module", params=SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """One page per screen size, reused for every view (a new context per view would double the run time)."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, timezone_id="Europe/London")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    _require_browser()
    # No tick during a check: a live page's countdown rerun fades the stale page, which axe would read as low contrast.
    app = AppServer(env={"TRACKER_TICK_SECONDS": "3600"})
    yield app
    app.stop()


def visit(page: Any, url: str) -> None:
    page.goto(url)
    wait_until_idle(page)


def test_every_page_passes_axe(server: AppServer, screen: Any) -> None:
    failures = {}
    for name, path in PAGES.items():
        visit(screen, server.url + path)
        if violations := axe_violations(screen):
            failures[name] = violations
    assert not failures, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in failures.items())


FOCUSED = """() => {
    const e = document.activeElement, style = getComputedStyle(e);
    let under = e.parentElement, background = 'rgba(0, 0, 0, 0)';
    while (under && (background = getComputedStyle(under).backgroundColor).endsWith(', 0)')) under = under.parentElement;
    return {tag: e.tagName, name: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40),
            style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor, background};
}"""


def _luminance(css: str) -> float:
    channels = [int(part) / 255 for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_keyboard_focus_on_links_and_buttons_shows_a_ring_of_at_least_3_to_1(server: AppServer, screen: Any) -> None:
    visit(screen, f"{server.url}/?{AS_OF}")
    seen = []
    for _ in range(45):  # the sidebar's controls, the page links, the hand-out buttons and the cards' title links
        screen.keyboard.press("Tab")
        focused = screen.evaluate(FOCUSED)
        if focused["tag"] in ("A", "BUTTON"):
            seen.append(focused)
    assert {f["tag"] for f in seen} == {"A", "BUTTON"} and any("Timeline" in f["name"] for f in seen), seen
    assert {"Back", "Now", "Next"} <= {f["name"] for f in seen}  # the as-of steps read as words, not "chevron_left"
    weak = [f for f in seen if f["style"] in ("none", "hidden") or f["width"] < 2 or contrast(f["colour"], f["background"]) < 3]
    assert weak == [], weak


def test_the_favicon_is_served_by_the_app_itself(server: AppServer, browser: Any) -> None:
    """A projector laptop offline still shows the tab's icon: no request for it (or anything) leaves this machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    try:
        page = context.new_page()
        visit(page, f"{server.url}/?{AS_OF}")
        icon = page.locator("link[rel~='icon']").first.evaluate("link => link.href")
        assert icon.startswith(server.url + "/"), icon
        assert page.request.get(icon).headers["content-type"].startswith("image/")
        assert [url for url in asked if not url.startswith((server.url, "data:", "blob:"))] == []
    finally:
        context.close()


def test_every_presenter_slide_passes_axe(server: AppServer, screen: Any) -> None:
    failures = {}
    for slide in range(1, SLIDES + 1):
        visit(screen, f"{server.url}/?mode=present&{AS_OF}&slide={slide}")
        assert f"{slide} / {SLIDES}" in screen.locator(".presenter-stamp").inner_text()
        if violations := axe_violations(screen):
            failures[f"slide {slide}"] = violations
    assert not failures, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in failures.items())


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's HTML pack as `tracker brief` writes it (no PNGs or PDF: only the HTML is checked here)."""
    _require_browser()
    out = tmp_path_factory.mktemp("pack") / "brief.html"
    command = [sys.executable, "-m", "tracker", "brief", "--as-of", "2021-12-20", "--since", "2021-12-06", "--timezone", "Europe/Brussels"]
    command += ["--out", str(out), "--scenarios", str(DEMO_SCENARIOS), "--events", str(DEMO_EVENTS)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return out


def test_the_briefing_pack_passes_axe(pack: Path, screen: Any) -> None:
    screen.goto(pack.as_uri())
    screen.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=PATIENCE_MS)
    violations = axe_violations(screen)
    assert not violations, "\n".join(violations)
