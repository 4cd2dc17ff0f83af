"""Every status icon has ink in Chromium whose only font is DejaVu Sans, on chips, counts, slides and the pack.

DejaVu (fonts-dejavu-core) is the one font the project can count on: scripts/ensure-chromium installs it and
fontconfig depends on it. The browser here is given a fontconfig file that lists only it, so an icon that needs an
emoji font draws as the "tofu" box of a missing glyph. An icon passes when its pixels differ from the chip's
background and from a render of U+10FFFD (a code point no font has) in the same place: that render is the tofu.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, AppServer, wait_until_idle
from tests.statuses import every_status
from tracker.engine.status import Status
from tracker.report import slides
from tracker.report.html import status_chip_html
from tracker.report.pack import Briefing, pack_html
from tracker.timeutil import UTC

ICON = ".status-chip > [aria-hidden='true']"
DEJAVU = "/usr/share/fonts/truetype/dejavu"
FONTS_CONF = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>{DEJAVU}</dir><cachedir>{{cache}}</cachedir></fontconfig>
"""
# Puts a probe with U+10FFFD beside an element, in its parent's font; the caller screenshots and removes it.
PROBE = """(el, text) => {
  const probe = document.createElement('span');
  probe.className = 'tofu-probe';
  probe.textContent = text;
  el.after(probe);
}"""
# How far the furthest overview chip runs past the left edge of its row's title, in CSS pixels.
OVERLAP = """() => Math.max(...[...document.querySelectorAll('.ov-row')].map(
  row => row.querySelector('.status-chip').getBoundingClientRect().right - row.querySelector('.ov-title').getBoundingClientRect().left))"""


@pytest.fixture(scope="module")
def dejavu_only(playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium that sees DejaVu and no other font."""
    assert Path(DEJAVU).is_dir(), f"{DEJAVU} is missing: apt-get install fonts-dejavu-core"
    folder = tmp_path_factory.mktemp("fonts")
    (folder / "fonts.conf").write_text(FONTS_CONF.format(cache=folder / "cache"), encoding="utf-8")
    env = {"FONTCONFIG_FILE": str(folder / "fonts.conf"), "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, timezone_id="Europe/London")
    yield context.new_page()
    browser.close()


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _inked(image: Image.Image, background: tuple[int, int, int]) -> float:
    """The share of pixels clearly not the background."""
    plain = Image.new("RGB", image.size, background)
    difference = ImageChops.difference(image, plain).convert("L")
    return sum(1 for value in difference.get_flattened_data() if value > 64) / (image.width * image.height)


def _background(element: Any) -> tuple[int, int, int]:
    colour = element.evaluate("el => getComputedStyle(el.parentElement).backgroundColor")
    red, green, blue = (int(float(part)) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return red, green, blue


def _is_tofu(element: Any, image: Image.Image) -> bool:
    """Whether ``image`` (a screenshot of ``element``) is what a glyph no font has looks like there."""
    element.evaluate(PROBE, "\U0010fffd")
    probe = element.evaluate_handle("el => el.nextElementSibling")
    try:
        tofu = _image(probe.screenshot())
    finally:
        probe.evaluate("el => el.remove()")
    return tofu.size == image.size and ImageChops.difference(tofu, image).getbbox() is None


def assert_every_icon_has_ink(page: Any, statuses: set[Status]) -> None:
    """Each chip has one icon, hidden from screen readers, with ink that is not the tofu box; all ``statuses`` show."""
    chips = page.locator(".status-chip")
    icons = page.locator(ICON).all()
    assert len(icons) == chips.count() > 0
    assert {Status(s) for s in chips.evaluate_all("cs => cs.map(c => c.dataset.status)")} >= statuses
    for icon in icons:
        icon.scroll_into_view_if_needed()
        image = _image(icon.screenshot())
        word = icon.evaluate("el => el.parentElement.textContent.trim()")
        assert _inked(image, _background(icon)) > 0.05, f"the icon of {word!r} has no ink"
        assert not _is_tofu(icon, image), f"the icon of {word!r} is the missing-glyph box"


def _show(page: Any, html: str, tmp_path: Path, name: str) -> None:
    """Open ``html`` as a file, as a reader opens the pack, and keep a screenshot of it."""
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_browser_has_no_emoji_font(dejavu_only: Any, tmp_path: Path) -> None:
    # The premise: in this browser a glyph only an emoji font has is the tofu box, so the checks below can fail.
    _show(dejavu_only, '<span class="status-chip"><span aria-hidden="true">\U0001f441</span> Watching</span>', tmp_path, "no-emoji")
    icon = dejavu_only.locator(ICON)
    assert _is_tofu(icon, _image(icon.screenshot()))


def test_every_chip_and_slide_count_draws_its_icon(dejavu_only: Any, tmp_path: Path) -> None:
    _, found = every_status()
    assessments = [a for a, _ in found]
    chips = "".join(f"<p>{status_chip_html(s)} {status_chip_html(s, large=True)}</p>" for s in Status)
    overview = slides.overview_html(assessments, assessments, UTC)
    _show(dejavu_only, f"<!DOCTYPE html><html lang='en'><body>{slides.STYLE}{chips}{overview}</body></html>", tmp_path, "icons-slides")
    assert dejavu_only.locator(".count .status-chip").count() == len(Status)
    assert_every_icon_has_ink(dejavu_only, set(Status))
    # The status column fits the widest chip ("Partly enacted · early"): no chip runs into its row's title.
    assert dejavu_only.evaluate(OVERLAP) <= 0


def test_every_status_in_the_pack_draws_its_icon(dejavu_only: Any, tmp_path: Path) -> None:
    workspace, found = every_status()
    as_of = max(when for _, when in found)
    _show(dejavu_only, pack_html(Briefing(workspace, [a for a, _ in found], as_of, UTC)), tmp_path, "icons-pack")
    assert dejavu_only.locator(".counts .status-chip").count() == len(Status)
    assert_every_icon_has_ink(dejavu_only, set(Status))


@pytest.mark.parametrize("path", ["/?as_of=2022-07-28", "/?mode=present&as_of=2022-07-28"], ids=["board", "slides"])
def test_the_dashboard_keeps_the_icons(app_server: AppServer, dejavu_only: Any, path: str) -> None:
    # Streamlit's Markdown (the Board's cards and counts) and st.html (the slides) keep the inline SVG.
    dejavu_only.goto(app_server.url + path)
    wait_until_idle(dejavu_only)
    statuses = {Status.TRIGGERED, Status.WATCHING, Status.ENACTED, Status.AVERTED, Status.WITHDRAWN}
    assert_every_icon_has_ink(dejavu_only, statuses)
