"""Figure builders are plain functions: check what they draw without a browser."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import plotly.graph_objects as go
import pytest

from bench.synthetic import write_events
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import assess_all
from tracker.log.reader import load_events
from tracker.report.figures import (
    BIN_LIMIT,
    MOVED_NAME,
    OTHER_ROW,
    POINT_LIMIT,
    PickedEvent,
    PickedRange,
    picked_point,
    scenario_timeline_figure,
    signpost_figure,
    timeline_figure,
)
from tracker.report.style import STYLES
from tracker.report.views import describe_rules, event_matches, scenario_detail, signpost_series
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import parse_as_of, parse_instant

LONDON = ZoneInfo("Europe/London")


def _demo_timeline(as_of: str) -> go.Figure:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    instant = parse_instant(as_of)
    details = [scenario_detail(a, log) for a in assess_all(scenarios.scenarios, log, instant)]
    matched = np.array(sorted(event_matches(log, scenarios.scenarios)), np.int64)
    others = np.setdiff1d(log.occurred_by(instant), matched)
    return timeline_figure(details, log, others, instant, LONDON)


def test_timeline_has_a_row_per_scenario_and_status_legend() -> None:
    fig = _demo_timeline("2022-07-28")  # the renewal series' July cycle averted, sanctions enacted
    rows = list(fig.layout.yaxis.tickvals)
    assert len(rows) == len(load_scenarios(DEMO_SCENARIOS).scenarios) + 1
    assert rows[-1] == OTHER_ROW
    bar_names = {t.name for t in fig.data if isinstance(t, go.Bar)}
    assert any("Enacted" in n for n in bar_names) and any("Averted" in n for n in bar_names)
    # Status is never colour alone: the legend and the row labels carry the word ("Watching · G7 promises...").
    words = {s.word for s in STYLES.values()}
    assert all(name.removesuffix(" (response window)") in words for name in bar_names)
    assert all(text.split(" · ", 1)[0] in words for text in fig.layout.yaxis.ticktext[:-1])
    assert fig.layout.xaxis.title.text == "Date (Europe/London)"


def test_timeline_labels_and_legend_need_no_emoji_font() -> None:
    # A status glyph (an emoji or a dingbat, Unicode's "Symbol, other") draws as an empty box without an emoji font.
    fig = _demo_timeline("2022-03-01")
    texts = [*fig.layout.yaxis.ticktext, *(t.name for t in fig.data), *(t for t in fig.data for t in (t.hovertext or []))]
    assert not [c for text in texts for c in text if unicodedata.category(c) == "So"]


def test_timeline_marks_the_as_of_instant() -> None:
    fig = _demo_timeline("2022-03-01")
    (line,) = [s for s in fig.layout.shapes if s.type == "line"]
    assert str(line.x0).startswith("2022-03-01 23:59")
    assert any("as of 2022-03-01" in a.text for a in fig.layout.annotations)


def _clicked_ids(fig: go.Figure) -> set[str]:
    return {
        p.event_id
        for t in fig.data
        if isinstance(t, go.Scatter)
        for c in (t.customdata or [])
        if isinstance(p := picked_point(c), PickedEvent)
    }


def test_timeline_events_carry_ids_for_clicks() -> None:
    fig = _demo_timeline("2022-03-01")
    assert "2022-02-22-us-first-tranche-sanctions" in _clicked_ids(fig)
    (responses,) = [t for t in fig.data if isinstance(t, go.Scatter) and t.name == "Response event"]
    on_christmas_row = {c[1] for y, c in zip(responses.y, responses.customdata, strict=True) if y == "joint-sanctions-christmas-2021"}
    assert "2022-02-22-us-first-tranche-sanctions" in on_christmas_row


def test_timeline_hides_events_after_the_as_of() -> None:
    ids = _clicked_ids(_demo_timeline("2021-12-20"))
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
    ranges = [picked_point(c) for c in trace.customdata]
    assert all(isinstance(r, PickedRange) and r.row == OTHER_ROW and r.first <= r.last for r in ranges)
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


def test_hover_text_names_each_source_by_its_site() -> None:
    # Plotly reads hover text as pseudo-HTML: the '<https://...>' of every demo source was taken for a tag and dropped,
    # and escaped, it read as a raw URL; a reader wants the publisher, the title and the site.
    fig = _demo_timeline("2022-03-01")
    hovers = [h for t in fig.data if isinstance(t, go.Scatter) and t.hovertext for h in t.hovertext]
    assert hovers and not any("https://" in h for h in hovers)
    first = next(h for h in hovers if "2021-11-11-us-warns-eu-of-possible-invasion" in h)
    # Whole, on lines short enough to read in a hover box.
    lines = first.split("<br>")
    assert max(len(line) for line in lines) <= 80
    assert "Interfax-Ukraine (citing Bloomberg): US warns Europe that Russia may plan Ukraine invasion - media (en.interfax.com.ua)" in (
        " ".join(lines)
    )
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
    assert "<br>Paper: A (x.example)<br>" in hover


# The demo's deadline history: 50 days (due 2 September) set on 14 July 2025, cut on 28 July to about 8 August.
TARIFFS = "us-secondary-tariffs-russia-2025"


def _tariffs_timeline(as_of: str) -> go.Figure:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    (assessment,) = assess_all([s for s in scenarios.scenarios if s.id == TARIFFS], log, parse_as_of(as_of))
    return scenario_timeline_figure(scenario_detail(assessment, log), log, assessment.as_of, LONDON)


def _bar_end(fig: go.Figure, row: str) -> dt.datetime:
    """Where the scenario's own bar (not its response window) ends, on the chart's clock."""
    (bar,) = [t for t in fig.data if isinstance(t, go.Bar) and row in t.y and "response window" not in t.name]
    base, length = bar.base[list(bar.y).index(row)], bar.x[list(bar.y).index(row)]
    return base + dt.timedelta(milliseconds=length)


def _moved_marks(fig: go.Figure) -> list[go.Scatter]:
    return [t for t in fig.data if isinstance(t, go.Scatter) and t.name == MOVED_NAME]


def _moved_labels(fig: go.Figure) -> list[tuple[object, str, str]]:
    """Each moved deadline's label: where it stands, the row it stands above (between it and the next), and its text."""
    order = list(fig.layout.yaxis.categoryarray)  # bottom row first, as the axis numbers them
    found = [(a.x, a.y, a.text) for a in fig.layout.annotations if "moved on" in a.text]
    assert all(y % 1 == 0.5 for _, y, _ in found)  # between two rows, clear of their bars
    return [(x, order[int(y - 0.5)], text) for x, y, text in found]


def test_bar_ends_at_the_deadline_in_force_before_it_moved() -> None:
    fig = _tariffs_timeline("2025-07-20")
    # 2 September, the end of that day in New York, on London's clock.
    assert _bar_end(fig, TARIFFS) == dt.datetime(2025, 9, 3, 5, 0)
    # The cut of 28 July was not announced yet: no mark, and nothing of it anywhere in the chart.
    assert not _moved_marks(fig) and not _moved_labels(fig)
    texts = [h for t in fig.data for h in (t.hovertext or [])] + [a.text for a in fig.layout.annotations]
    assert any("Deadline 2025-09-02 24:00 America/New_York" in h for h in texts)
    assert not any("8 Aug" in h or "2025-08-08" in h or "moved" in h.lower() for h in texts)


def test_bar_ends_at_the_moved_deadline_and_the_earlier_one_is_a_mark() -> None:
    fig = _tariffs_timeline("2025-08-01")
    assert _bar_end(fig, TARIFFS) == dt.datetime(2025, 8, 9, 5, 0)  # about 8 August, New York
    (bar,) = [t for t in fig.data if isinstance(t, go.Bar)]
    assert "Deadline about 8 Aug 2025" in bar.hovertext[0]  # given roughly: read as such
    assert "Moved from 2025-09-02 on 2025-07-28 (Ukrainska Pravda)" in bar.hovertext[0]
    (marks,) = _moved_marks(fig)
    assert list(marks.y) == [TARIFFS]
    assert list(marks.x) == [dt.datetime(2025, 9, 3, 5, 0)]  # at the earlier deadline, as the bar would have ended
    assert marks.marker.symbol == "line-ns-open"  # a tick, not a status colour
    # Labelled with its date on the chart, not only on hover.
    assert _moved_labels(fig) == [(dt.datetime(2025, 9, 3, 5, 0), TARIFFS, "deadline 2025-09-02, moved on 2025-07-28")]
    (hover,) = marks.hovertext
    assert "Earlier deadline 2025-09-02 24:00 America/New_York, set 2025-07-14" in hover
    assert "Moved on 2025-07-28 to about 8 Aug 2025" in hover
    assert "<br>Ukrainska Pravda: Trump: New deadline for Putin is 10-12 days (pravda.com.ua)" in hover  # the source, by its site


def test_the_timeline_of_every_scenario_uses_each_deadline_in_force() -> None:
    before, after = _demo_timeline("2025-07-20"), _demo_timeline("2025-08-01")
    assert _bar_end(before, TARIFFS) == dt.datetime(2025, 9, 3, 5, 0)
    assert _bar_end(after, TARIFFS) == dt.datetime(2025, 8, 9, 5, 0)
    assert not _moved_marks(before) and not _moved_labels(before)
    assert [row for _, row, _ in _moved_labels(after)] == [TARIFFS]
    (marks,) = _moved_marks(after)
    assert list(marks.y) == [TARIFFS]  # the only demo scenario whose deadline moved
    # Rows in order of the deadline in force: the cut brings the tariffs ahead of the E3's, due 31 August.
    first, then = list(before.layout.yaxis.tickvals), list(after.layout.yaxis.tickvals)
    assert first.index(TARIFFS) > first.index("e3-snapback-threat-2025")
    assert then.index(TARIFFS) < then.index("e3-snapback-threat-2025")


@pytest.mark.parametrize(
    ("as_of", "deadline", "history"),
    [
        ("2025-07-20", "fires at the deadline (2025-09-02 24:00 America/New_York)", None),
        (
            "2025-08-01",
            "fires at the deadline (about 2025-08-08 24:00 America/New_York)",
            "**Deadlines:** 2025-09-02 24:00 America/New_York (set 2025-07-14); about 2025-08-08 24:00 America/New_York (set 2025-07-28).",
        ),
    ],
)
def test_the_rules_in_words_name_the_deadline_in_force_and_only_the_moves_announced_by_then(
    as_of: str, deadline: str, history: str | None
) -> None:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    (assessment,) = assess_all([s for s in scenarios.scenarios if s.id == TARIFFS], log, parse_as_of(as_of))
    lines = describe_rules(assessment)
    assert deadline in lines[0]
    assert (history in lines) if history else not any(line.startswith("**Deadlines:**") for line in lines)


def test_a_partial_response_has_its_own_marker() -> None:
    # The additional 25% tariff on India (6 August 2025) met part of the secondary-tariff threat.
    fig = _tariffs_timeline("2025-08-20")
    partial = [t for t in fig.data if isinstance(t, go.Scatter) and t.name == "Partial response event"]
    assert partial and partial[0].marker.symbol == "star-open"


def test_a_clicked_event_whose_id_looks_like_a_range_is_that_event(tmp_path: Path) -> None:
    # Its id once went into customdata as it was, and the Timeline read "range:..." as an aggregated marker and crashed.
    events = tmp_path / "events.csv"
    header = DEMO_EVENTS.read_text(encoding="utf-8").splitlines()[0]
    tricky = "range:__other_events__:2022-01-01"
    events.write_text(f"{header}\n{tricky},2022-01-05,A title,US,,,report,Paper <https://x.example/a>,\n", encoding="utf-8")
    log = load_events(events)
    fig = timeline_figure([], log, np.array([0], np.int64), parse_instant("2022-03-01"), LONDON)
    (payload,) = next(t for t in fig.data if isinstance(t, go.Scatter)).customdata
    assert picked_point(payload) == PickedEvent(tricky)


def test_a_clicked_event_id_is_only_ever_an_id() -> None:
    tricky = "range:__other_events__:2021-01-01:2021-01-31"
    assert picked_point(["event", tricky]) == PickedEvent(tricky)
    assert picked_point(["event", "a:b:c"]) == PickedEvent("a:b:c")
    picked = picked_point(["range", "row:with:colons", "2021-01-01", "2021-01-31"])
    assert isinstance(picked, PickedRange) and picked.row == "row:with:colons" and picked.first.isoformat() == "2021-01-01"


def test_a_click_payload_that_is_neither_is_ignored() -> None:
    for payload in (
        None,
        "",
        tricky := "range:x:2021-01-01:2021-01-31",
        [tricky],
        ["range", "x", "no-date", "2021-01-01"],
        ["x", "y"],
        [1],
    ):
        assert picked_point(payload) is None, payload
