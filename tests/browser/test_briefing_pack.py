"""The briefing pack as a reader gets it: the HTML opened in Chromium with no network, the PNGs, the PDF.

`tracker brief` runs as a separate process (as people run it): it starts its own Chromium for
the PNGs (Kaleido) and the PDF (Playwright), which cannot share this test session's browser.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PATIENCE_MS, SCREENSHOTS, _require_browser
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT
from tracker.scenario.loader import load_scenarios

# The scenarios open by the Christmas briefing; the twelve that open in 2022 or later are left out of the pack.
SCENARIO_IDS = sorted(s.id for s in load_scenarios(DEMO_SCENARIOS).scenarios if s.opened <= dt.date(2021, 12, 20))


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's pack as of the Christmas briefing, with PNGs and a PDF."""
    _require_browser()
    folder = tmp_path_factory.mktemp("pack")
    command = [
        sys.executable,
        "-m",
        "tracker",
        "brief",
        "--as-of",
        "2021-12-20",
        "--since",
        "2021-12-06",
        "--timezone",
        "Europe/Brussels",
        "--out",
        str(folder / "brief.html"),
        "--png-dir",
        str(folder / "charts"),
        "--pdf",
        "--scenarios",
        str(DEMO_SCENARIOS),
        "--events",
        str(DEMO_EVENTS),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert len(SCENARIO_IDS) == 4 and "10 scenarios open later left out" in done.stderr
    assert f"Wrote {len(SCENARIO_IDS)} chart(s) as PNG" in done.stderr and f"Wrote {folder / 'brief.pdf'}" in done.stderr
    return folder


def test_the_pack_shows_its_charts_with_the_network_off(pack: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    asked: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
    page = context.new_page()
    page.on("request", lambda request: asked.append(request.url))
    try:
        page.goto((pack / "brief.html").as_uri())
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(SCENARIO_IDS)}", timeout=PATIENCE_MS
        )
        charts = page.locator(".js-plotly-plot")
        assert charts.count() == len(SCENARIO_IDS)
        for index in range(charts.count()):
            box = charts.nth(index).locator(".main-svg").first.bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 150, box
            assert charts.nth(index).locator(".barlayer .point, .trace.bars path").count() >= 1  # the scenario's bar is drawn
        assert [url for url in asked if not url.startswith(("file:", "data:"))] == []
        assert "Status as of 2021-12-20 (end of day in each scenario's zone)" in page.locator(".stamp").inner_text()
        assert page.locator("#since h2").inner_text() == "Since last briefing"
        page.locator("#joint-sanctions-christmas-2021").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "briefing-pack-offline.png"), full_page=False)
    finally:
        context.close()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_each_chart_is_a_png(pack: Path) -> None:
    files = sorted((pack / "charts").iterdir())
    assert [f.stem for f in files] == SCENARIO_IDS
    for path in files:
        assert _png_size(path) == (2400, 500)  # 1200 x 250 at scale 2
        assert path.stat().st_size > 10_000  # drawn, not blank
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pack / "charts" / "joint-sanctions-christmas-2021.png", SCREENSHOTS / "briefing-chart-joint-sanctions-christmas-2021.png")


def test_the_pdf_is_a_printed_pack(pack: Path) -> None:
    pdf = pack / "brief.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 1 + len(SCENARIO_IDS)  # the overview, then a page per scenario
    renderer = shutil.which("pdftoppm")
    if renderer:  # poppler-utils: look at a page as a reader would
        subprocess.run([renderer, "-r", "60", "-png", "-f", "1", "-l", "4", str(pdf), str(SCREENSHOTS / "briefing-pdf-page")], check=True)
        assert (SCREENSHOTS / "briefing-pdf-page-01.png").exists() or (SCREENSHOTS / "briefing-pdf-page-1.png").exists()
