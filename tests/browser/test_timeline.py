"""The Timeline in real Chromium: the live view fits its data, the legend stays clear of the plot, a link picks the
range, and a clicked marker's details show beside the chart."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import PATIENCE_MS, AppServer, assert_no_exception, screenshot, wait_until_idle
from tests.browser.test_safe_text import MARKER
from tracker.report.views import NEAR_SHARE, RANGE_PAD_SHARE

BOX = "sel => { const b = document.querySelector(sel).getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }"
# The plot area (Plotly's drag surface) and the horizontal extent of every bar drawn in it.
BARS = """() => [...document.querySelectorAll('.js-plotly-plot .barlayer .point path')]
  .map(p => p.getBoundingClientRect()).filter(b => b.width > 0).map(b => [b.left, b.right])"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_live_timeline_fits_its_bars_and_keeps_the_legend_clear(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/timeline", 1280, 720)
    page.wait_for_selector(".js-plotly-plot .barlayer .point path")  # type: ignore[attr-defined]
    assert_no_exception(page)
    plot = page.evaluate(BOX, ".js-plotly-plot .nsewdrag")  # type: ignore[attr-defined]
    bars = page.evaluate(BARS)  # type: ignore[attr-defined]
    width = plot[2] - plot[0]
    left, right = min(b[0] for b in bars), max(b[1] for b in bars)
    # The axis once ran to today, far past the data: bars in the left fifth. Now it runs past the data only to an as-of
    # that is near (within NEAR_SHARE of the data's span), so whatever today's date, the drawn span fills at least `least`
    # of the axis (0.75); the bars, a little less than the drawn span, well over half.
    least = 1 / ((1 + NEAR_SHARE) * (1 + 2 * RANGE_PAD_SHARE))
    assert (right - left) / width > least - 0.15, (plot, left, right)
    legend = page.evaluate(BOX, ".js-plotly-plot .legend")  # type: ignore[attr-defined]
    assert legend[1] >= plot[3] and not _overlap(legend, plot), (legend, plot)
    page.hover(".js-plotly-plot")  # type: ignore[attr-defined]
    toolbar = page.evaluate(BOX, ".js-plotly-plot .modebar")  # type: ignore[attr-defined]
    assert not _overlap(legend, toolbar), (legend, toolbar)
    screenshot(page, "timeline-live-1280")


def test_a_link_picks_the_range_and_a_click_shows_details_beside_the_chart(app_server: AppServer, open_page: Callable[..., object]) -> None:
    page = open_page(f"{app_server.url}/timeline?as_of=2021-12-20&range=around", 1280, 720)
    page.wait_for_selector(".js-plotly-plot .scatterlayer path.point")  # type: ignore[attr-defined]
    picked = page.locator("[data-testid='stMain'] [role='radio'][aria-checked='true']")  # type: ignore[attr-defined]
    assert picked.inner_text() == "As-of ±30 days" and "range=around" in page.url  # type: ignore[attr-defined]
    ticks = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot .xtick text')].map(t => t.textContent)")  # type: ignore[attr-defined]
    assert ticks and not any("Jul" in t or "2023" in t for t in ticks), ticks  # two months, not the data's year and a half
    where = page.evaluate(MARKER, "2021-12-03-us-intelligence-175000-troops")  # type: ignore[attr-defined]
    assert where is not None
    page.mouse.move(*where)  # type: ignore[attr-defined]
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext")  # type: ignore[attr-defined]
    page.mouse.click(*where)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=stMain]').innerText.includes('Click a marker on the chart')", timeout=PATIENCE_MS
    )
    wait_until_idle(page)
    chart = page.evaluate(BOX, "[data-testid='stPlotlyChart']")  # type: ignore[attr-defined]
    assert "2021-12-03-us-intelligence-175000-troops" in page.locator("[data-testid='stMain']").inner_text()  # type: ignore[attr-defined]
    box = page.get_by_text("2021-12-03 · Russia").bounding_box()  # type: ignore[attr-defined]  # the card's date line
    screenshot(page, "timeline-around-click-1280")
    assert box["x"] >= chart[2] and box["y"] < 720, (box, chart)  # beside the chart, on the first screen
