"""Presenter mode for the back of a room: chart text in step with the slide's, and no file dropped silently."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tests.test_app import demo_copy, run  # noqa: F401  (demo_copy: a fixture)
from tracker.engine.status import assess
from tracker.log.reader import load_events
from tracker.report import slides
from tracker.report.figures import scenario_timeline_figure
from tracker.report.views import scenario_detail
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import UTC, parse_as_of, parse_instant

SCREENS = [(1280, 720), (1920, 1080)]


def _christmas_figure() -> go.Figure:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    scenario = scenarios.by_id("joint-sanctions-christmas-2021")
    assert scenario is not None
    assessment = assess(scenario, log, parse_as_of("2021-12-20"))
    return scenario_timeline_figure(scenario_detail(assessment, log), log, parse_instant("2021-12-20T23:59:00+00:00"), UTC)


def _text_sizes(figure: go.Figure) -> set[float]:
    """Every size the figure's text is drawn at: its own, the axes' ticks and titles, the legend, the annotations."""
    layout = figure.layout
    sizes = {layout.font.size, layout.legend.font.size, layout.xaxis.tickfont.size, layout.xaxis.title.font.size}
    sizes |= {a.font.size for a in layout.annotations}
    return {size if size is not None else layout.font.size for size in sizes}


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_slide_chart_text_keeps_step_with_the_slide_text(width: int, height: int) -> None:
    figure = slides.slide_chart(_christmas_figure(), width, height)
    (size,) = _text_sizes(figure)  # ticks, labels, legend and the as-of mark: one size, none left at the default
    assert size == round(slides.body_px(width, height) * slides.CHART_TEXT)
    assert figure.layout.height == round(height * slides.CHART_HEIGHT)


def test_slide_chart_text_grows_with_the_screen_as_the_slide_text_does() -> None:
    (small,), (large,) = (_text_sizes(slides.slide_chart(_christmas_figure(), w, h)) for w, h in SCREENS)
    text_growth = slides.body_px(1920, 1080) / slides.body_px(1280, 720)  # 33 px against 22 px
    assert large / small == pytest.approx(text_growth, rel=0.06)
    assert slides.body_px(1920, 1080) == pytest.approx(33.4, abs=0.1)  # the stylesheet's clamp, worked out


def test_slide_chart_leaves_the_figure_it_was_given() -> None:
    figure = _christmas_figure()
    slides.slide_chart(figure, 1920, 1080)
    assert figure.layout.height != round(1080 * slides.CHART_HEIGHT)


def test_a_broken_scenario_file_gets_a_slide_naming_it(demo_copy: Path) -> None:  # noqa: F811
    broken = demo_copy / "scenarios" / "broken-one.yaml"
    broken.write_text("id: broken-one\ntitle: Broken\nopened: 2021-12-01\ndeadlne: 2021-12-31\n", encoding="utf-8")
    at = run({"mode": "present", "as_of": "2021-12-20"})
    overview = "\n".join(h.proto.body for h in at.get("html"))
    assert "1 file with errors left out: see the last slide" in overview
    assert "1 / 6" in overview  # the overview, four scenarios, and the slide of the files that did not load
    last = run({"mode": "present", "as_of": "2021-12-20", "slide": "6"})
    body = "\n".join(h.proto.body for h in last.get("html"))
    assert "Not on these slides: 1 file with errors" in body and "broken-one.yaml" in body and "6 / 6" in body
    assert "line 4, column 1:" in body and "deadline" in body


def test_a_clean_deck_has_no_problem_slide() -> None:
    at = run({"mode": "present", "as_of": "2021-12-20", "slide": "9"})
    body = "\n".join(h.proto.body for h in at.get("html"))
    assert "5 / 5" in body and "Not on these slides" not in body
