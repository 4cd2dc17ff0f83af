"""Figure builders are plain functions: check what they draw without a browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import plotly.graph_objects as go

from bench.synthetic import write_events
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import assess_all
from tracker.log.reader import load_events
from tracker.report.figures import BIN_LIMIT, OTHER_ROW, POINT_LIMIT, signpost_figure, timeline_figure
from tracker.report.views import event_matches, scenario_detail, signpost_series
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import parse_instant

LONDON = ZoneInfo("Europe/London")


def _demo_timeline(as_of: str) -> go.Figure:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    instant = parse_instant(as_of)
    details = [scenario_detail(a, log) for a in assess_all(scenarios.scenarios, log, instant)]
    matched = np.array(sorted(event_matches(log, scenarios.scenarios)), np.int64)
    others = np.setdiff1d(log.occurred_by(instant), matched)
    return timeline_figure(details, log, others, instant, LONDON)


def test_timeline_has_a_row_per_scenario_and_status_legend() -> None:
    fig = _demo_timeline("2022-03-01")
    rows = list(fig.layout.yaxis.tickvals)
    assert len(rows) == len(load_scenarios(DEMO_SCENARIOS).scenarios) + 1
    assert rows[-1] == OTHER_ROW
    bar_names = {t.name for t in fig.data if isinstance(t, go.Bar)}
    assert any("Enacted" in n for n in bar_names) and any("Averted" in n for n in bar_names)
    # Status is never colour alone: the legend and the row labels carry the word or glyph.
    assert all(name.split(" ", 1)[1][0].isupper() for name in bar_names)
    assert fig.layout.xaxis.title.text == "Date (Europe/London)"


def test_timeline_marks_the_as_of_instant() -> None:
    fig = _demo_timeline("2022-03-01")
    (line,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert str(line.x0).startswith("2022-03-01 23:59")
    assert any("as of 2022-03-01" in a.text for a in fig.layout.annotations)


def test_timeline_events_carry_ids_for_clicks() -> None:
    fig = _demo_timeline("2022-03-01")
    ids = {c for t in fig.data if isinstance(t, go.Scatter) for c in (t.customdata or [])}
    assert "2022-02-22-us-first-tranche-sanctions" in ids
    (responses,) = [t for t in fig.data if isinstance(t, go.Scatter) and t.name == "Response event"]
    on_christmas_row = {c for y, c in zip(responses.y, responses.customdata, strict=True) if y == "joint-sanctions-christmas-2021"}
    assert "2022-02-22-us-first-tranche-sanctions" in on_christmas_row


def test_timeline_hides_events_after_the_as_of() -> None:
    fig = _demo_timeline("2021-12-20")
    ids = {c for t in fig.data if isinstance(t, go.Scatter) for c in (t.customdata or [])}
    assert ids and all(not c.startswith("2022-") for c in ids)


def test_many_events_are_aggregated_per_day_in_webgl(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    write_events(path, 20_000)
    log = load_events(path)
    instant = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    fig = timeline_figure([], log, np.arange(len(log)), instant, LONDON)
    (trace,) = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert len(log) > POINT_LIMIT
    assert len(trace.x) <= BIN_LIMIT and len(trace.x) < len(log)  # one marker per day (or coarser), not per event
    assert "per day" in trace.name
    assert all(str(c).startswith(f"range:{OTHER_ROW}:") for c in trace.customdata)
    assert "events</b>" in trace.hovertext[0]
    assert sum(int(h.split("<b>")[1].split(" ")[0]) for h in trace.hovertext) == len(log)


def test_signpost_series_is_cumulative() -> None:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    christmas = next(s for s in scenarios.scenarios if s.id == "joint-sanctions-christmas-2021")
    (assessment,) = assess_all([christmas], log, parse_instant("2022-12-31"))
    points = signpost_series(scenario_detail(assessment, log), log)
    assert points, "the demo logs Russian build-up signposts"
    assert [p.escalation for p in points] == sorted(p.escalation for p in points)
    fig = signpost_figure(points, assessment.as_of, LONDON)
    names = [t.name for t in fig.data]
    assert names == ["Escalation signposts", "De-escalation signposts"]
    assert fig.data[0].line.dash != fig.data[1].line.dash  # told apart without colour


def test_hover_text_escapes_titles_and_sources() -> None:
    # Plotly reads hover text as pseudo-HTML: the '<https://...>' of every demo source was taken for a tag and dropped.
    fig = _demo_timeline("2022-03-01")
    hovers = [h for t in fig.data if isinstance(t, go.Scatter) and t.hovertext for h in t.hovertext]
    assert hovers and any("&lt;https://" in h for h in hovers)
    assert not any("<https://" in h for h in hovers)
    first = next(h for h in hovers if "2022-02-22-us-first-tranche-sanctions" in h)
    assert first.count("<b>") == 1


def test_hover_text_escapes_markup_in_a_title(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    header = DEMO_EVENTS.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,occurred,title,actors,targets,tags,kind,source")
    row = "odd,2022-01-05,Tom & Jerry <b>bold</b>,US,,,report,Paper: A <https://x.example/a?b=1&c=2>,"
    events.write_text(f"{header}\n{row}\n", encoding="utf-8")
    log = load_events(events)
    fig = timeline_figure([], log, np.array([0], np.int64), parse_instant("2022-03-01"), LONDON)
    (hover,) = next(t for t in fig.data if isinstance(t, go.Scatter)).hovertext
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in hover
    assert "&lt;https://x.example/a?b=1&amp;c=2&gt;" in hover
