"""Calendar months and years in `response.within`, `warn_within` and `review_every`: counted on the calendar in the
scenario's zone (month ends clamped), and a span without months exactly the old fixed duration."""

from __future__ import annotations

import calendar as months_calendar
import datetime as dt
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_engine_properties import ZONES, instants
from tracker.cli import main
from tracker.engine.history import status_history
from tracker.engine.review import review
from tracker.engine.status import Status, assess
from tracker.judgement.model import Judgements
from tracker.log.events import COLUMNS, EventLog
from tracker.log.reader import load_events
from tracker.report.calendar import calendar, entries
from tracker.report.views import describe_rules, review_facts
from tracker.scenario.changes import scenario_changes
from tracker.scenario.loader import load_scenario_file
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC, Span, end_of_day, parse_span, start_of_day, zone

BRUSSELS = zone("Europe/Brussels")


def _scenario(**fields: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "s",
        "title": "T",
        "opened": dt.date(2021, 12, 1),
        "deadline": dt.date(2022, 3, 31),
        "timezone": "Europe/Brussels",
        "trigger": {"when": {"tags": ["threat"]}},
    }
    data.update(fields)
    return Scenario.model_validate(data)


def _log(tmp_path: Path, *rows: tuple[str, str, str]) -> EventLog:
    """Rows of (id, occurred, tags)."""
    lines = [",".join(COLUMNS)]
    for event_id, occurred, tags in rows:
        cells = {"id": event_id, "occurred": occurred, "title": f"Event {event_id}", "tags": tags, "kind": "action"}
        cells["source"] = "https://example.org/source"
        lines.append(",".join(cells.get(column, "") for column in COLUMNS))
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_events(path)


def _at(text: str, tz: dt.tzinfo = BRUSSELS) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


TICK = dt.timedelta(microseconds=1)


# --- Span ----------------------------------------------------------------------------------------------------------------
def test_a_month_after_a_day_ends_with_the_clamped_day() -> None:
    assert Span(1).after_day(dt.date(2022, 1, 31), BRUSSELS) == end_of_day(dt.date(2022, 2, 28), BRUSSELS)
    assert Span(1).after_day(dt.date(2024, 1, 31), BRUSSELS) == end_of_day(dt.date(2024, 2, 29), BRUSSELS)
    assert parse_span("1mo 2w").after_day(dt.date(2022, 1, 31), BRUSSELS) == end_of_day(dt.date(2022, 3, 14), BRUSSELS)
    assert Span(1).whole_days and not parse_span("1mo 12h").whole_days


def test_a_month_after_an_instant_is_the_same_wall_clock_time_across_a_clock_change() -> None:
    # 27 Feb 12:00 CET (11:00 UTC) + 1mo = 27 Mar 12:00 CEST (10:00 UTC): the wall clock, not 28 or 31 days of hours.
    assert Span(1).after(_at("2022-02-27T12:00"), BRUSSELS) == dt.datetime(2022, 3, 27, 10, tzinfo=UTC)
    assert Span(1).before(_at("2022-03-31T18:00"), BRUSSELS) == _at("2022-02-28T18:00")


@settings(max_examples=200, deadline=None)
@given(
    instant=instants(),
    zone_name=st.sampled_from(ZONES),
    seconds=st.integers(1, 40 * 86400),
    day=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
)
def test_a_span_without_months_is_exactly_the_old_timedelta(instant: dt.datetime, zone_name: str, seconds: int, day: dt.date) -> None:
    tz, fixed = zone(zone_name), dt.timedelta(seconds=seconds)
    span = Span(fixed=fixed)
    assert span.after(instant, tz) == instant + fixed and span.before(instant, tz) == instant - fixed
    # The old rule from a date-only day: whole days counted as calendar days, to the end of the n-th day after it.
    whole = Span(fixed=dt.timedelta(days=fixed.days or 1))
    assert whole.after_day(day, tz) == end_of_day(day + whole.fixed, tz)


@settings(max_examples=200, deadline=None)
@given(instant=instants(), zone_name=st.sampled_from(ZONES), months=st.integers(1, 30))
def test_months_keep_the_wall_clock_day_clamped(instant: dt.datetime, zone_name: str, months: int) -> None:
    tz = zone(zone_name)
    local = instant.astimezone(tz)
    moved = Span(months).after(instant, tz).astimezone(tz)
    year, month = divmod(local.year * 12 + local.month - 1 + months, 12)
    assert (moved.year, moved.month, moved.day) == (year, month + 1, min(local.day, months_calendar.monthrange(year, month + 1)[1]))
    # The same wall-clock time, unless the clock skips it that day (then the hour after the gap).
    wall = dt.datetime.combine(moved.date(), local.time(), tzinfo=tz)
    assert moved.time() == local.time() or wall.astimezone(UTC).astimezone(tz).time() != local.time()


# --- the engine ----------------------------------------------------------------------------------------------------------
RESPONSE = {"title": "Package", "match": {"tags": ["package"]}, "within": "1mo"}


@pytest.mark.parametrize(("year", "last_day"), [(2022, 28), (2024, 29)])
def test_a_response_within_a_month_of_a_date_only_trigger_on_31_january_is_due_at_the_end_of_february(
    tmp_path: Path, year: int, last_day: int
) -> None:
    s = _scenario(opened=dt.date(year - 1, 12, 1), deadline=dt.date(year, 3, 31), response=RESPONSE)
    log = _log(tmp_path, ("t", f"{year}-01-31", "threat"))
    due = end_of_day(dt.date(year, 2, last_day), BRUSSELS)
    before = assess(s, log, due - TICK)
    assert (before.status, before.response_due, before.remaining) == (Status.TRIGGERED, due, TICK)
    late = assess(s, log, due)
    assert (late.status, late.decided_at) == (Status.OVERDUE, due)
    assert "the response was due within 1 month of the trigger" in late.explanation


def test_a_response_within_a_month_of_a_timed_trigger_is_due_at_the_same_wall_clock_time(tmp_path: Path) -> None:
    s = _scenario(response=RESPONSE)
    log = _log(tmp_path, ("t", "2022-01-31T18:00:00+01:00", "threat"))
    assert assess(s, log, _at("2022-02-01T00:00")).response_due == _at("2022-02-28T18:00")


def test_due_soon_a_month_before_31_march_starts_at_the_end_of_28_february(tmp_path: Path) -> None:
    s = _scenario(warn_within="1mo")
    log = _log(tmp_path)
    start = start_of_day(dt.date(2022, 3, 1), BRUSSELS)  # the end of 28 Feb
    assert assess(s, log, start - TICK).status is Status.WATCHING
    soon = assess(s, log, start)
    assert soon.status is Status.DUE_SOON
    assert soon.explanation.startswith("Due soon: the deadline is less than 1 month away.")
    history = status_history(s, log, start_of_day(dt.date(2022, 2, 1), BRUSSELS), start_of_day(dt.date(2022, 3, 15), BRUSSELS))
    assert [(spell.start, spell.status) for spell in history][-1] == (start, Status.DUE_SOON)


def test_a_mixed_warn_within_moves_back_by_its_months_then_its_fixed_part(tmp_path: Path) -> None:
    s = _scenario(warn_within="1mo 2w")
    start = start_of_day(dt.date(2022, 2, 15), BRUSSELS)  # 1 Apr 00:00 (the deadline's end) - 1mo - 2w
    assert assess(s, _log(tmp_path), start - TICK).status is Status.WATCHING
    assert assess(s, _log(tmp_path), start).status is Status.DUE_SOON


def test_stale_once_three_months_passed_since_the_last_review(tmp_path: Path) -> None:
    log = _log(tmp_path, ("e", "2022-01-31T10:00:00+01:00", "de-escalation-talks"))
    s = _scenario(
        review_every="3mo",
        trigger={"unless": {"tags": ["de-escalation"]}},
        deadline=dt.date(2022, 12, 31),
        signposts=[{"title": "Talks", "direction": "de-escalation", "match": {"tags": ["de-escalation-talks"]}}],
    )
    due = _at("2022-04-30T10:00")  # 31 Jan + 3mo, clamped to 30 Apr, same wall-clock time (now CEST)
    fresh = review(assess(s, log, due), log, Judgements(), None)
    assert (fresh.stale, fresh.due) == (False, due)
    assert review(assess(s, log, due + TICK), log, Judgements(), None).stale
    assert review_facts(fresh, s).cadence == "every 3 months"


# --- what people read ----------------------------------------------------------------------------------------------------
def test_the_rules_and_the_diff_say_months(tmp_path: Path) -> None:
    s = _scenario(warn_within="1mo", response=RESPONSE)
    rules = describe_rules(assess(s, _log(tmp_path), _at("2022-01-10T00:00")))
    assert "**Due soon:** within 1 month of the deadline." in rules
    assert any("due within 1 month of the trigger" in line for line in rules)
    changed = scenario_changes(_scenario(warn_within="7d"), _scenario(warn_within="1mo 2w", response=RESPONSE))
    assert "warn_within: 1w -> 1mo 2w" in [c.summary for c in changed]


def test_a_month_warn_within_reminds_at_an_absolute_instant_in_the_ics(tmp_path: Path) -> None:
    s = _scenario(warn_within="1mo")
    a = assess(s, _log(tmp_path), _at("2022-01-10T00:00"))
    entry = entries([a], "https://tracker.example.org", dt.datetime(2022, 1, 10, tzinfo=UTC))[0]
    opens = start_of_day(dt.date(2022, 3, 1), BRUSSELS).astimezone(UTC)  # the end of 28 Feb in Brussels
    assert entry.reminders == (
        (opens, "1 month to the deadline: T"),
        (dt.timedelta(0), "1 day to the deadline: T"),  # an all-day entry: a day before it is due is its start
    )
    data = calendar([a], "https://tracker.example.org", dt.datetime(2022, 1, 10, tzinfo=UTC))
    assert b"TRIGGER;VALUE=DATE-TIME:20220228T230000Z" in data
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert [alarm.decoded("trigger") for alarm in event.walk("VALARM")] == [opens, dt.timedelta(0)]


def test_tracker_new_takes_a_response_within_a_month(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    argv = ["new", "Package", "--id", "p", "--deadline", "2030-01-31", "--commitment", "--response", "tags=a", "--within", "1mo"]
    assert main(argv) == 0
    text = (tmp_path / "scenarios" / "p.yaml").read_text(encoding="utf-8")
    assert "  within: 1mo\n" in text
    scenario, problems, _ = load_scenario_file(tmp_path / "scenarios" / "p.yaml")
    assert problems == [] and scenario is not None and scenario.response is not None
    assert scenario.response.within == Span(1)


def test_a_fixed_span_counts_from_the_second_pass_through_a_repeated_hour() -> None:
    # 02:30 on 30 Oct 2022 comes twice in Brussels; the second (00:30 UTC) plus 1h is 01:30 UTC, not an hour off.
    second = dt.datetime(2022, 10, 30, 0, 30, tzinfo=UTC)
    assert Span(fixed=dt.timedelta(hours=1)).after(second, BRUSSELS) == dt.datetime(2022, 10, 30, 1, 30, tzinfo=UTC)
