"""Status icons need no font: HTML draws them as SVG, plain text and charts carry the word alone.

The browser half (each icon has ink in Chromium with DejaVu as its only font) is tests/browser/test_status_icons.py.
"""

from __future__ import annotations

import base64
import re

import pytest

from tests.statuses import every_status
from tracker.engine.status import Status, Timing
from tracker.report.figures import scenario_timeline_figure
from tracker.report.html import status_chip_html, status_icon_html
from tracker.report.icons import PATHS
from tracker.report.style import STYLES, label, style
from tracker.report.views import scenario_detail

# Basic Latin, Latin-1 Supplement and General Punctuation: every text font has them (DejaVu, Liberation, Noto Sans,
# Arial, Helvetica all cover WGL4, which holds all three), so no reader's machine draws them as empty boxes.
SAFE = re.compile(r"[\u0000-\u00ff\u2000-\u206f]*")


def _renderings(status: Status) -> list[str]:
    chips = [status_chip_html(status, large=large) for large in (False, True)]
    chips += [status_chip_html(status, scenario_id="x", timing=timing) for timing in Timing]
    return [label(status), status_icon_html(status), *chips]


@pytest.mark.parametrize("status", list(Status))
def test_no_status_rendering_needs_a_character_outside_latin_1_and_general_punctuation(status: Status) -> None:
    for text in _renderings(status):
        assert SAFE.fullmatch(text), [c for c in text if not SAFE.fullmatch(c)]


@pytest.mark.parametrize("status", list(Status))
def test_a_chip_shows_its_icon_as_svg_beside_the_word_and_hides_it_from_screen_readers(status: Status) -> None:
    chip = status_chip_html(status)
    (img,) = re.findall(r"<img [^>]*>", chip)
    assert 'alt="" aria-hidden="true"' in img and f"{img} {style(status).word}</span>" in chip
    # The SVG is in the page (nothing to fetch), drawn in the chip's ink colour.
    source = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', img)
    assert source, img
    svg = base64.b64decode(source.group(1)).decode("ascii")
    assert f"fill='{style(status).ink}'><path d='{PATHS[style(status).symbol]}'/></svg>" in svg
    assert label(status) == style(status).word


def test_every_status_has_an_icon_of_its_own() -> None:
    symbols = [s.symbol for s in STYLES.values()]
    assert set(STYLES) == set(Status) and len(set(symbols)) == len(symbols)
    assert set(symbols) == set(PATHS)
    assert all(s.icon == f":material/{s.symbol}:" for s in STYLES.values())  # the same symbol in Streamlit elements


def test_the_slides_and_pack_charts_name_every_status_in_words_only() -> None:
    workspace, found = every_status()
    log = workspace.events
    for a, as_of in found:
        fig = scenario_timeline_figure(scenario_detail(a, log), log, as_of, as_of.tzinfo)
        names = [t.name for t in fig.data]
        assert any(name.startswith(style(a.status).word) for name in names), names
        texts = [*names, *fig.layout.yaxis.ticktext, *(n.text for n in fig.layout.annotations)]
        assert all(SAFE.fullmatch(text) for text in texts), texts
