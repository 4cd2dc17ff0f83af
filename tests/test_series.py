"""Series (`recurs:`): calendar durations, cycles, the engine through real files, and what the CLI and the .ics show."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.cli import main
from tracker.engine.cycles import past_cycles
from tracker.engine.history import status_history
from tracker.engine.scenario_tests import run_scenario_tests
from tracker.engine.status import Status, assess
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.report.calendar import entries
from tracker.report.views import cycle_words, past_cycle_rows
from tracker.scenario.changes import scenario_changes
from tracker.scenario.loader import load_scenario_file, load_scenario_text, load_scenarios
from tracker.scenario.model import Scenario
from tracker.timeutil import CYCLE_HELP, UTC, Span, add_months, format_span, parse_duration, parse_span, span_words, zone

Write = Callable[[str, str], Path]
SERIES = "eu-economic-sanctions-renewal"
DEMO = {s.id: s for s in load_scenarios(DEMO_SCENARIOS).scenarios}
LOG = load_events(DEMO_EVENTS)
BRUSSELS = zone("Europe/Brussels")

BASE = """\
id: s
title: T
opened: 2021-07-13
deadline: 2022-01-31
timezone: Europe/Brussels
trigger:
  unless:
    actors: [EU]
    tags: [renewal]
"""


def _problems(text: str) -> list[str]:
    scenario, problems, _ = load_scenario_text(text, "s", "s.yaml")
    assert scenario is None
    return [f"{p.line}:{p.column}: {p.message}" for p in problems]


def _series(extra: str = "recurs: {every: 6mo}\n", base: str = BASE) -> Scenario:
    scenario, problems, _ = load_scenario_text(base + extra, "s", "s.yaml")
    assert scenario is not None, problems
    return scenario


def _log(write: Write, *rows: str) -> EventLog:
    header = "id,occurred,title,actors,targets,tags,kind,source,notes\n"
    return load_events(write("events.csv", header + "".join(f"{r}\n" for r in rows)))


def _renewal(day: str) -> str:
    return f"r-{day},{day},Renewed,EU,,renewal,decision,Example,"


def _at(text: str, tz: dt.tzinfo = BRUSSELS) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


# --- calendar durations -----------------------------------------------------------------------------------------------
def test_months_and_years_are_spans_and_m_stays_minutes() -> None:
    assert parse_span("6mo") == Span(6) and parse_span("1y") == Span(12) and parse_span("1y 6mo 2w") == Span(18, dt.timedelta(days=14))
    assert parse_span("6m") == Span(0, dt.timedelta(minutes=6))  # m is minutes, as before
    assert parse_duration("6m") == dt.timedelta(minutes=6) and parse_duration("2w") == dt.timedelta(weeks=2)
    assert (format_span(Span(18, dt.timedelta(days=14))), span_words(Span(6)), span_words(Span(12)), span_words(Span(18))) == (
        "1y 6mo 2w",
        "6 months",
        "1 year",
        "1 year 6 months",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "six months",
            "'six months' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w (y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)",
        ),
        ("0mo", "'0mo' must be longer than zero"),
        ("51y", "'51y' is longer than 50 years, the longest duration supported"),
    ],
)
def test_a_bad_span_names_the_units(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        parse_span(text)


def test_a_fixed_duration_refuses_months_as_they_have_no_fixed_length() -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration("1mo")
    assert str(caught.value) == (
        "'1mo' counts calendar months or years, which have no fixed length; here give a fixed duration like 30d, 12h, 2w "
        "or 1w 3d (w=weeks, d=days, h=hours, m=minutes)"
    )
    with pytest.raises(ValueError, match=r"^'x' is not a fixed duration like 30d, 12h, 2w or 1w 3d \(w=weeks"):
        parse_duration("x")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2022, 1, 31), 6, dt.date(2022, 7, 31)),
        (dt.date(2022, 7, 31), 6, dt.date(2023, 1, 31)),
        (dt.date(2022, 8, 31), 6, dt.date(2023, 2, 28)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29)),
    ],
)
def test_month_ends_clamp(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31))


@settings(max_examples=300, deadline=None)
@given(day=DAYS, months=st.integers(min_value=-600, max_value=600))
def test_adding_months_moves_the_month_and_clamps_only_past_its_end(day: dt.date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])
    if day.day <= 28:
        assert add_months(moved, -months) == day  # nothing was clamped, so it comes back


@settings(max_examples=200, deadline=None)
@given(day=DAYS, every=st.integers(min_value=1, max_value=24), number=st.integers(min_value=1, max_value=40))
def test_counting_from_the_first_deadline_never_drifts(day: dt.date, every: int, number: int) -> None:
    # 31 Jan, 31 Jul, 31 Jan...: the k-th deadline keeps the first's day whenever its month has it.
    span = Span(every)
    nth = span.shift_day(day, number - 1)
    assert nth.day == min(day.day, calendar.monthrange(nth.year, nth.month)[1])
    assert span.shift_day(day, number) > nth


@settings(max_examples=100, deadline=None)
@given(day=DAYS, months=st.integers(min_value=1, max_value=24), minutes=st.integers(min_value=0, max_value=1439))
def test_an_instant_moves_on_its_zones_wall_clock(day: dt.date, months: int, minutes: int) -> None:
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=BRUSSELS)
    moved = Span(months).shift(local, BRUSSELS).astimezone(BRUSSELS)
    wall = dt.datetime.combine(add_months(day, months), local.time())
    back = wall.replace(tzinfo=BRUSSELS).astimezone(UTC).astimezone(BRUSSELS)
    exists = back.replace(tzinfo=None) == wall
    if exists:  # the same wall-clock time on the moved day (not in a spring-forward gap)
        assert moved.replace(tzinfo=None) == wall
    else:
        assert moved.date() == wall.date() and moved.replace(tzinfo=None) > wall


# --- the file: recurs beside a single date deadline -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "base", "expected"),
    [
        (
            "recurs: {every: 6mo}\n",
            BASE.replace("deadline: 2022-01-31\n", "deadlines:\n  - {due: 2022-01-31, source: Example}\n"),
            ["11:9: recurs: goes beside a single `deadline:`, not `deadlines:`; a series repeats one deadline"],
        ),
        (
            "recurs: {every: 6mo}\n",
            BASE.replace("deadline: 2022-01-31", "deadline: 2022-01-31T18:00:00+01:00"),
            ["10:9: recurs: needs a date `deadline:` (each cycle ends at the end of a day), not a datetime"],
        ),
        ("recurs: {every: 6mo, until: 2022-01-30}\n", BASE, ["10:9: recurs: until 2022-01-30 is before the first deadline 2022-01-31"]),
        (
            "recurs: {every: 12h}\n",
            BASE,
            [f"10:17: recurs.every: '12h' is not whole days; give {CYCLE_HELP}"],
        ),
        (
            "recurs: {every: 6m}\n",
            BASE,
            [
                "10:17: recurs.every: '6m' is not whole days (m is minutes; months are mo); give a duration like 6mo, 1y, 30d or 1y 2w "
                "(y=years, mo=months, w=weeks, d=days)"
            ],
        ),
        ("recurs: {every: 0mo}\n", BASE, ["10:17: recurs.every: '0mo' must be longer than zero"]),
        (
            "recurs: {every: 6}\n",
            BASE,
            ["10:17: recurs.every: expected a duration like 6mo, 1y, 30d or 1y 2w (y=years, mo=months, w=weeks, d=days), got the number 6"],
        ),
        ("recurs:\n", BASE, ["10:8: recurs: expected a mapping with `every:` (and `until:`), got nothing"]),
        (
            "recurs: {evry: 6mo}\n",
            BASE,
            ["10:9: recurs.every: required field is missing", "10:10: recurs.evry: unknown field 'evry'; did you mean 'every'?"],
        ),
        (
            "tests:\n  - {as_of: 2022-01-15, status: watching, remaining: 1mo}\n",
            BASE,
            [
                "11:54: tests[0].remaining: '1mo' counts calendar months or years, which have no fixed length; here give a fixed "
                "duration like 30d, 12h, 2w or 1w 3d (w=weeks, d=days, h=hours, m=minutes)"
            ],
        ),
        (
            "warn_within: 1month\n",
            BASE,
            [
                "10:14: warn_within: '1month' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
                "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)"
            ],
        ),
    ],
    ids=[
        "deadlines",
        "datetime deadline",
        "until too early",
        "hours",
        "minutes",
        "zero",
        "number",
        "empty",
        "misspelt",
        "remaining months",
        "warn misspelt months",
    ],
)
def test_a_wrong_recurs_gets_a_located_message(extra: str, base: str, expected: list[str]) -> None:
    assert _problems(base + extra) == expected


def test_cycles_run_from_the_day_after_the_previous_deadline() -> None:
    series = _series("recurs: {every: 6mo, until: 2023-08-15}\n")
    assert series.cycle_count == 4
    cycles = [series.cycle(n) for n in range(1, 5)]
    assert [(c.opened, c.deadline) for c in cycles] == [
        (dt.date(2021, 7, 13), dt.date(2022, 1, 31)),
        (dt.date(2022, 2, 1), dt.date(2022, 7, 31)),
        (dt.date(2022, 8, 1), dt.date(2023, 1, 31)),
        (dt.date(2023, 2, 1), dt.date(2023, 7, 31)),
    ]
    # Each cycle is a one-off scenario of its own window (nothing cached from the series).
    assert cycles[1].scenario.opened_at == _at("2022-02-01T00:00") and cycles[1].scenario.deadline_at == _at("2022-08-01T00:00")
    assert cycles[1].scenario.recurs is None and cycles[1].to_json() == {"number": 2, "opened": "2022-02-01", "deadline": "2022-07-31"}


def test_the_current_cycle_is_the_first_whose_deadline_has_not_passed_else_the_last() -> None:
    series = _series("recurs: {every: 6mo, until: 2023-01-31}\n")
    assert series.cycle_at(_at("2021-01-01T00:00")).number == 1  # before opening: the first
    assert series.cycle_at(_at("2022-01-31T23:59:59")).number == 1
    assert series.cycle_at(_at("2022-02-01T00:00")).number == 2  # the deadline's end is the next cycle's start
    assert series.cycle_at(_at("2030-01-01T00:00")).number == 3  # after `until`: the last
    endless = _series()
    assert endless.cycle_count is None and endless.cycle_at(_at("2030-01-01T00:00")).deadline == dt.date(2030, 1, 31)


def test_month_end_deadlines_clamp_from_the_first_and_a_year_series_keeps_29_february() -> None:
    august = _series("recurs: {every: 6mo}\n", BASE.replace("deadline: 2022-01-31", "deadline: 2022-08-31"))
    assert [august.cycle(n).deadline for n in range(1, 5)] == [
        dt.date(2022, 8, 31),
        dt.date(2023, 2, 28),
        dt.date(2023, 8, 31),  # counted from the first, so February's clamp does not carry on
        dt.date(2024, 2, 29),
    ]
    leap = _series("recurs: {every: 1y}\n", BASE.replace("deadline: 2022-01-31", "deadline: 2024-02-29"))
    assert [leap.cycle(n).deadline for n in range(1, 6)] == [
        dt.date(2024, 2, 29),
        dt.date(2025, 2, 28),
        dt.date(2026, 2, 28),
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
    ]


# --- the engine ---------------------------------------------------------------------------------------------------------
def test_an_event_counts_only_in_the_cycle_it_falls_in(write: Write) -> None:
    series = _series()
    log = _log(write, _renewal("2022-01-13"))
    first = assess(series, log, dt.date(2022, 1, 14))
    assert (first.status, first.decided_by, first.cycle and first.cycle.number) == (Status.AVERTED, ("r-2022-01-13",), 1)
    second = assess(series, log, dt.date(2022, 2, 1))
    assert (second.status, second.cycle and second.cycle.number) == (Status.WATCHING, 2)
    assert second.explanation.startswith("Cycle 2 (2022-02-01 to 2022-07-31): Watching. No event matching")
    # Without a renewal in cycle 2 it triggers at its own deadline, whatever cycle 1 had.
    assert assess(series, log, dt.date(2022, 8, 1)).status is Status.WATCHING  # cycle 3 by then
    assert [o.assessment.status for o in past_cycles(series, log, dt.date(2022, 8, 1))] == [Status.AVERTED, Status.TRIGGERED]


@pytest.mark.parametrize(
    ("occurred", "cycle"),
    [
        ("2022-01-31", 1),  # a date-only event on the deadline's day: the last day of cycle 1
        ("2022-02-01", 2),  # the next day: cycle 2's first
        ("2022-01-31T23:59:59+01:00", 1),
        ("2022-02-01T00:00:00+01:00", 2),  # exactly the boundary instant: the deadline is an exclusive end
    ],
)
def test_an_event_on_a_cycle_boundary(write: Write, occurred: str, cycle: int) -> None:
    series = _series()
    log = _log(write, f"r,{occurred},Renewed,EU,,renewal,decision,Example,")
    outcomes = past_cycles(series, log, dt.date(2022, 8, 1))
    averted = [o.cycle.number for o in outcomes if o.assessment.status is Status.AVERTED]
    assert averted == [cycle]


def test_until_ends_the_series_at_its_last_cycle(write: Write) -> None:
    series = _series("recurs: {every: 6mo, until: 2022-07-31}\n")
    log = _log(write, _renewal("2022-01-13"))
    later = assess(series, log, dt.date(2025, 1, 1))
    assert (later.status, later.cycle and later.cycle.number) == (Status.TRIGGERED, 2)
    assert later.to_json()["cycle"] == {"number": 2, "opened": "2022-02-01", "deadline": "2022-07-31"}


def test_a_withdrawn_series_stays_in_the_cycle_it_was_withdrawn_in(write: Write) -> None:
    series = _series("recurs: {every: 6mo}\nwithdrawn: {on: 2022-03-01, reason: Dropped.}\n")
    found = assess(series, _log(write), dt.date(2023, 6, 1))
    assert (found.status, found.status_before_withdrawal, found.cycle and found.cycle.number) == (Status.WITHDRAWN, Status.WATCHING, 2)


@settings(max_examples=40, deadline=None)
@given(
    renewals=st.lists(st.integers(min_value=0, max_value=900), max_size=5, unique=True),
    asked=st.integers(min_value=-10, max_value=1000),
)
def test_a_series_is_as_a_file_written_for_its_current_cycle(
    tmp_path_factory: pytest.TempPathFactory, renewals: list[int], asked: int
) -> None:
    folder = tmp_path_factory.mktemp("cycles")
    start = dt.date(2021, 7, 13)
    rows = [_renewal((start + dt.timedelta(days=d)).isoformat()) for d in sorted(renewals)]
    log = load_events(_write_log(folder, rows))
    series = _series("recurs: {every: 6mo}\nwarn_within: 30d\n")
    as_of = start + dt.timedelta(days=asked)
    found = assess(series, log, as_of)
    assert found.cycle is not None
    cycle = found.cycle
    # The same cycle as a one-off file, parsed afresh: opened the day after the previous deadline.
    window = BASE.replace("2021-07-13", cycle.opened.isoformat()).replace("2022-01-31", cycle.deadline.isoformat())
    one_off = _series("warn_within: 30d\n", window)
    alone = assess(one_off, log, as_of)
    assert (found.status, found.decided_by, found.remaining) == (alone.status, alone.decided_by, alone.remaining)
    assert found.explanation == f"Cycle {cycle.number} ({cycle.opened} to {cycle.deadline}): {alone.explanation}"


def _write_log(folder: Path, rows: list[str]) -> Path:
    path = folder / "events.csv"
    path.write_text("id,occurred,title,actors,targets,tags,kind,source,notes\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


# --- the demo: one file for the EU's six-monthly renewals ---------------------------------------------------------------
def test_the_demo_series_shows_each_cycles_outcome() -> None:
    rows = past_cycle_rows(DEMO[SERIES], LOG, dt.date(2026, 12, 1), "occurred")
    assert [(r.number, r.window, r.status) for r in rows][-3:] == [
        (3, "2022-08-01 to 2023-01-31", Status.AVERTED),
        (2, "2022-02-01 to 2022-07-31", Status.AVERTED),
        (1, "2021-07-13 to 2022-01-31", Status.AVERTED),
    ]
    assert len(rows) == 9 and all(r.status is Status.AVERTED for r in rows)
    assert rows[0].deciding.endswith("(2025-12-22-eu-renews-economic-sanctions)")
    assert past_cycle_rows(DEMO["joint-sanctions-christmas-2021"], LOG, dt.date(2022, 3, 1), "occurred") == []


def test_the_status_history_sees_every_cycle_on_both_bases() -> None:
    series = DEMO[SERIES]
    for basis in ("occurred", "known"):
        spells = status_history(series, LOG, dt.date(2022, 1, 1), dt.date(2022, 9, 1), basis)
        shown = [(s.start.astimezone(BRUSSELS).date().isoformat(), s.status.value, s.assessment.cycle.number) for s in spells]  # type: ignore[union-attr]
        assert shown == [
            ("2022-01-01", "watching", 1),
            ("2022-01-02", "due-soon", 1),
            ("2022-01-13", "averted", 1),
            ("2022-02-01", "watching", 2),
            ("2022-07-02", "due-soon", 2),
            ("2022-07-26", "averted", 2),
            ("2022-08-01", "watching", 3),
        ]


def test_scenario_tests_address_a_cycle_through_as_of(write: Write) -> None:
    text = (
        BASE
        + "recurs: {every: 6mo}\n"
        + "tests:\n"
        + "  - {as_of: 2022-01-14, status: averted, decided_by: [r-2022-01-13]}\n"
        + "  - {as_of: 2022-07-27, status: averted, decided_by: [r-2022-01-13]}\n"
    )
    write("scenarios/s.yaml", text)
    scenarios = load_scenarios(write("scenarios/s.yaml", text).parent)
    results = run_scenario_tests(scenarios, _log(write, _renewal("2022-01-13")))
    assert [r.passed for r in results] == [True, False]  # the January renewal decides cycle 1, never cycle 2
    assert results[1].status == "watching"
    status, decided = (p.message for p in results[1].problems)
    assert status.startswith("tests[1]: status: expected averted, got watching: Cycle 2 (2022-02-01 to 2022-07-31): Watching.")
    assert decided == "tests[1]: decided_by: expected decided by r-2022-01-13, got no event"


def test_status_json_names_the_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--scenarios", str(DEMO_SCENARIOS), "--events", str(DEMO_EVENTS)]
    assert main(["status", "--as-of", "2023-01-10", "--format", "json", *where]) == 0
    found = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert found[SERIES]["cycle"] == {"number": 3, "opened": "2022-08-01", "deadline": "2023-01-31"}
    assert found[SERIES]["status"] == "due-soon" and found[SERIES]["explanation"].startswith("Cycle 3 (2022-08-01 to 2023-01-31): Due soon")
    assert found["joint-sanctions-christmas-2021"]["cycle"] is None  # a one-off scenario


def test_the_board_words_for_a_series() -> None:
    assert cycle_words(assess(DEMO[SERIES], LOG, dt.date(2022, 12, 1))) == "cycle 3 · renews every 6 months"
    assert cycle_words(assess(DEMO["joint-sanctions-christmas-2021"], LOG, dt.date(2021, 12, 20))) == ""


def test_the_calendar_carries_each_upcoming_cycle_with_a_stable_uid() -> None:
    stamp = dt.datetime(2026, 1, 2, tzinfo=UTC)

    def cycle_entries(as_of: dt.date) -> dict[str, dt.date | dt.datetime]:
        found = entries([assess(DEMO[SERIES], LOG, as_of)], "http://localhost:8501", stamp)
        return {e.uid.split("@")[0]: e.start for e in found}

    in_2025 = cycle_entries(dt.date(2025, 3, 1))  # cycle 8, watching: its deadline, and cycle 9's
    assert in_2025 == {
        f"{SERIES}-cycle-8-deadline": dt.date(2025, 7, 31),
        f"{SERIES}-cycle-9-deadline": dt.date(2026, 1, 31),
    }
    averted = cycle_entries(dt.date(2025, 7, 1))  # cycle 8 averted: only the cycle still to come, under the same UID
    assert averted == {f"{SERIES}-cycle-9-deadline": dt.date(2026, 1, 31)}
    assert cycle_entries(dt.date(2026, 3, 1)) == {}  # after `until`: nothing upcoming
    (nine,) = entries([assess(DEMO[SERIES], LOG, dt.date(2025, 7, 1))], "http://localhost:8501", stamp)
    assert nine.summary.startswith("Deadline (cycle 9): EU economic sanctions")
    assert nine.description.startswith("Cycle 9 runs from 2025-08-01 to 2026-01-31; the series renews every 6 months")


def test_a_series_file_loads_from_disk_with_its_schema_line(write: Write) -> None:
    path = write("scenarios/s.yaml", "# yaml-language-server: $schema=scenario.schema.json\n" + BASE + "recurs: {every: 6mo}\n")
    scenario, problems, _ = load_scenario_file(path, "s.yaml")
    assert scenario is not None and not problems and scenario.recurs is not None and scenario.recurs.every == Span(6)


def test_a_change_to_recurs_is_a_meaningful_change() -> None:
    once, series, longer = _series(""), _series("recurs: {every: 6mo}\n"), _series("recurs: {every: 6mo, until: 2026-07-31}\n")
    assert [c.summary for c in scenario_changes(once, series)] == ["recurs: none -> every 6mo"]
    assert [c.summary for c in scenario_changes(series, longer)] == ["recurs: every 6mo -> every 6mo until 2026-07-31"]
    assert scenario_changes(longer, _series("recurs: {every: 6mo, until: 2026-07-31}\n")) == []
