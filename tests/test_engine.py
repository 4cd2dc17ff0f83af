"""The status engine: every status of the contract table and every time rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tests.test_scenarios import CHRISTMAS
from tracker.engine.status import Assessment, Status, Timing, assess, assess_all, urgency_key
from tracker.log.events import COLUMNS, EventLog
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC, as_of_param, end_of_day, last_day, last_instant, parse_as_of, parse_instant, zone

Write = Callable[[str, str], Path]
BRUSSELS = dt.timezone(dt.timedelta(hours=1))  # CET, the offset of Brussels in winter


def scenario(**fields: Any) -> Scenario:
    """A scenario as the loader would build it: unless de-escalation by the end of 25 Dec 2021 UTC."""
    data: dict[str, Any] = {
        "id": "s",
        "title": "T",
        "opened": dt.date(2021, 12, 3),
        "deadline": dt.date(2021, 12, 25),
        "trigger": {"unless": {"tags": ["de-escalation"]}},
    }
    data.update(fields)
    return Scenario.model_validate(data)


def when_scenario(**fields: Any) -> Scenario:
    return scenario(trigger={"when": {"tags": ["invasion"]}}, **fields)


RESPONSE = {"title": "Sanctions", "match": {"tags": ["sanctions-package"]}, "within": "30d"}
# The rule before responses counted from `opened`: only at or after the trigger.
AFTER_TRIGGER = {**RESPONSE, "counts_from": "trigger"}


def row(event_id: str, occurred: str, tags: str = "", actors: str = "", targets: str = "") -> str:
    return f"{event_id},{occurred},Event {event_id},{actors},{targets},{tags},Source,"


@pytest.fixture
def log_of(write: Write) -> Callable[..., EventLog]:
    count = 0

    def _log(*rows: str) -> EventLog:
        nonlocal count
        count += 1
        log = load_events(write(f"events{count}.csv", "\n".join([",".join(COLUMNS), *rows]) + "\n"))
        assert log.problems == []
        return log

    return _log


def at(text: str) -> dt.datetime:
    return parse_instant(text)


def check(a: Assessment, status: Status, remaining: int | None = None, decided_by: tuple[str, ...] = ()) -> None:
    assert (a.status, a.remaining_seconds, a.decided_by) == (status, remaining, decided_by), a.explanation


# --- the issue's own example -------------------------------------------------------------------------
def test_christmas_example_of_the_issue(write: Write, tmp_path: Path) -> None:
    write("scenarios/joint-sanctions-christmas-2021.yaml", CHRISTMAS)
    write(
        "data/events.csv",
        "\n".join(
            [
                ",".join(COLUMNS),
                row("buildup", "2021-12-04", "military-buildup", "Russia", "Ukraine"),
                row("first-package", "2022-02-22", "sanctions-package", "US", "Russia"),
                row("second-package", "2022-02-23", "sanctions-package", "EU", "Russia"),
            ]
        )
        + "\n",
    )
    scenarios = load_scenarios(tmp_path / "scenarios")
    log = load_events(tmp_path / "data" / "events.csv")
    assert scenarios.problems == [] and log.problems == []
    christmas = scenarios.scenarios[0]

    watching = assess(christmas, log, at("2021-12-06T12:00:00Z"))
    check(watching, Status.WATCHING, remaining=1681200)
    assert watching.to_json()["deadline"] == "2021-12-26T00:00:00+01:00"

    # The end of 20 Dec (UTC) is 4 days 23 hours before the end of 25 Dec in Brussels.
    check(assess(christmas, log, at("2021-12-20")), Status.DUE_SOON, remaining=4 * 86400 + 23 * 3600)

    triggered = assess(christmas, log, at("2021-12-27"))
    check(triggered, Status.TRIGGERED, remaining=27 * 86400 + 23 * 3600)
    assert triggered.triggered_at == dt.datetime(2021, 12, 25, 23, tzinfo=UTC)
    assert triggered.response_due == dt.datetime(2022, 1, 24, 23, tzinfo=UTC)
    assert triggered.explanation.startswith(
        "Triggered at 2021-12-25 24:00 Europe/Brussels: no event matching actors=Russia; tags=de-escalation "
        "was logged between 2021-12-03 and the deadline."
    )
    assert triggered.explanation.endswith("It is due by 2022-01-24 24:00 Europe/Brussels.")

    overdue = assess(christmas, log, at("2022-02-01"))
    check(overdue, Status.OVERDUE)
    assert overdue.decided_at == dt.datetime(2022, 1, 24, 23, tzinfo=UTC)
    assert overdue.explanation.startswith(
        "Overdue since 2022-01-24 24:00 Europe/Brussels: the response was due within 30 days of the trigger."
    )

    enacted = assess(christmas, log, at("2022-03-01"))
    check(enacted, Status.ENACTED, decided_by=("first-package",))
    assert enacted.decided_at == dt.datetime(2022, 2, 21, 23, tzinfo=UTC)  # start of 22 Feb in Brussels
    assert "2022-02-22: “Event first-package” (first-package)" in enacted.explanation
    assert enacted.to_json()["decided_at"] == "2022-02-22T00:00:00+01:00"


# --- every status ------------------------------------------------------------------------------------
def test_watching(log_of: Callable[..., EventLog]) -> None:
    a = assess(scenario(), log_of(row("other", "2021-12-05", "talks")), at("2021-12-10T00:00:00Z"))
    check(a, Status.WATCHING, remaining=16 * 86400)
    assert a.is_open
    assert a.explanation == (
        "Watching. No event matching tags=de-escalation has been logged since 2021-12-03; "
        "if none is logged by the deadline (2021-12-25 24:00 UTC), it triggers."
    )


def test_upcoming_before_opened_says_so(log_of: Callable[..., EventLog]) -> None:
    a = assess(scenario(), log_of(), at("2021-12-01T00:00:00Z"))
    check(a, Status.UPCOMING)  # no countdown before tracking starts
    assert a.explanation == "Upcoming: tracking starts on 2021-12-03."


def test_watching_when_scenario_explains_its_rule(log_of: Callable[..., EventLog]) -> None:
    a = assess(when_scenario(), log_of(), at("2021-12-10T00:00:00Z"))
    assert a.status is Status.WATCHING
    assert a.explanation.endswith("it triggers at the first one logged before the deadline (2021-12-25 24:00 UTC); otherwise it lapses.")


def test_due_soon_inside_the_warning_window_inclusive(log_of: Callable[..., EventLog]) -> None:
    s, log = scenario(warn_within="7d"), log_of()
    check(assess(s, log, at("2021-12-18T23:59:59Z")), Status.WATCHING, remaining=7 * 86400 + 1)
    due = assess(s, log, at("2021-12-19T00:00:00Z"))
    check(due, Status.DUE_SOON, remaining=7 * 86400)
    assert due.explanation.startswith("Due soon: the deadline is less than 7 days away. No event matching tags=de-escalation")


def test_averted(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2021-12-20T10:00:00Z", "de-escalation"), row("later", "2021-12-21", "de-escalation"))
    a = assess(scenario(response=RESPONSE), log, at("2022-01-30"))
    check(a, Status.AVERTED, decided_by=("calm",))
    assert a.decided_at == dt.datetime(2021, 12, 20, 10, tzinfo=UTC)
    assert a.averted_by is not None and a.averted_by.event_id == "calm"
    assert not a.is_open
    assert a.explanation == (
        "Averted on 2021-12-20 10:00 UTC: “Event calm” (calm) matched tags=de-escalation before the deadline (2021-12-25 24:00 UTC)."
    )


def test_averted_already_before_the_deadline(log_of: Callable[..., EventLog]) -> None:
    a = assess(scenario(), log_of(row("calm", "2021-12-20", "de-escalation")), at("2021-12-21"))
    check(a, Status.AVERTED, decided_by=("calm",))


def test_lapsed(log_of: Callable[..., EventLog]) -> None:
    a = assess(when_scenario(response=RESPONSE), log_of(row("x", "2021-12-10", "talks")), at("2021-12-26T00:00:00Z"))
    check(a, Status.LAPSED)
    assert a.decided_at == dt.datetime(2021, 12, 26, tzinfo=UTC)
    assert a.explanation == (
        "Lapsed at 2021-12-25 24:00 UTC: no event matching tags=invasion was logged between 2021-12-03 and the deadline."
    )


def test_when_scenario_is_watching_until_the_deadline(log_of: Callable[..., EventLog]) -> None:
    check(assess(when_scenario(), log_of(), at("2021-12-25T23:59:59Z")), Status.WATCHING, remaining=1)


def test_triggered_by_a_when_event_without_response(log_of: Callable[..., EventLog]) -> None:
    a = assess(when_scenario(), log_of(row("inv", "2021-12-20T05:00:00+03:00", "invasion")), at("2021-12-22"))
    check(a, Status.TRIGGERED, decided_by=("inv",))
    assert a.triggered_at == dt.datetime(2021, 12, 20, 2, tzinfo=UTC)
    assert a.response_due is None
    assert (
        a.explanation
        == "Triggered on 2021-12-20 02:00 UTC: “Event inv” (inv) matched tags=invasion. No response is defined for this scenario."
    )


def test_triggered_at_the_deadline_with_response_due(log_of: Callable[..., EventLog]) -> None:
    a = assess(scenario(response=RESPONSE), log_of(), at("2021-12-26T00:00:00Z"))
    check(a, Status.TRIGGERED, remaining=30 * 86400)
    assert a.triggered_at == dt.datetime(2021, 12, 26, tzinfo=UTC)
    assert a.decided_at == a.triggered_at
    assert a.response_due == dt.datetime(2022, 1, 25, tzinfo=UTC)


def test_triggered_without_within_has_no_remaining_time(log_of: Callable[..., EventLog]) -> None:
    response = {"title": "Sanctions", "match": {"tags": ["sanctions-package"]}}
    a = assess(scenario(response=response), log_of(), at("2023-01-01"))
    check(a, Status.TRIGGERED)
    assert a.response_due is None
    assert a.explanation.endswith("No response “Sanctions” (tags=sanctions-package) has been logged since.")


def test_overdue_from_the_due_instant(log_of: Callable[..., EventLog]) -> None:
    s, log = scenario(response=RESPONSE), log_of()
    check(assess(s, log, at("2022-01-24T23:59:59Z")), Status.TRIGGERED, remaining=1)
    overdue = assess(s, log, at("2022-01-25T00:00:00Z"))
    check(overdue, Status.OVERDUE)
    assert overdue.decided_at == dt.datetime(2022, 1, 25, tzinfo=UTC)
    assert overdue.is_open


def test_enacted_by_a_response_after_an_unless_trigger(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("early", "2021-12-20", "sanctions-package"), row("resp", "2022-02-22T18:00:00Z", "sanctions-package"))
    a = assess(scenario(response=AFTER_TRIGGER), log, at("2022-03-01"))
    check(a, Status.ENACTED, decided_by=("resp",))
    assert a.decided_at == dt.datetime(2022, 2, 22, 18, tzinfo=UTC)
    assert a.response_hit is not None and a.response_hit.event_id == "resp"
    assert a.explanation.startswith(
        "Enacted on 2022-02-22 18:00 UTC: “Event resp” (resp) matched the response “Sanctions” (tags=sanctions-package)."
    )
    assert "Triggered at 2021-12-25 24:00 UTC" in a.explanation


def test_enacted_after_a_when_trigger_lists_both_events(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("inv", "2021-12-20", "invasion"), row("resp", "2021-12-21", "sanctions-package"))
    a = assess(when_scenario(response=RESPONSE), log, at("2021-12-22"))
    check(a, Status.ENACTED, decided_by=("inv", "resp"))
    assert a.trigger_hit is not None and a.trigger_hit.event_id == "inv"


def test_enacted_even_after_the_response_was_overdue(log_of: Callable[..., EventLog]) -> None:
    a = assess(scenario(response=RESPONSE), log_of(row("late", "2022-06-01", "sanctions-package")), at("2022-07-01"))
    check(a, Status.ENACTED, decided_by=("late",))


def test_response_before_the_trigger_does_not_count(log_of: Callable[..., EventLog]) -> None:
    log = log_of(
        row("resp-before", "2021-12-20T09:59:59Z", "sanctions-package"),
        row("inv", "2021-12-20T10:00:00Z", "invasion"),
    )
    check(
        assess(when_scenario(response=AFTER_TRIGGER), log, at("2021-12-30")),
        Status.TRIGGERED,
        remaining=19 * 86400 + 10 * 3600,
        decided_by=("inv",),
    )


def test_response_at_the_trigger_instant_counts(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("inv", "2021-12-20T10:00:00Z", "invasion"), row("resp", "2021-12-20T11:00:00+01:00", "sanctions-package"))
    check(assess(when_scenario(response=RESPONSE), log, at("2021-12-30")), Status.ENACTED, decided_by=("inv", "resp"))


def test_date_only_response_on_the_trigger_day_counts(log_of: Callable[..., EventLog]) -> None:
    # A date-only event stands at the start of its day, so on the trigger's own day it is "at or after" it.
    log = log_of(row("inv", "2021-12-20", "invasion"), row("resp", "2021-12-20", "sanctions-package"))
    check(assess(when_scenario(response=RESPONSE), log, at("2021-12-20")), Status.ENACTED, decided_by=("inv", "resp"))
    timed = log_of(row("inv", "2021-12-20T15:00:00Z", "invasion"), row("resp", "2021-12-20", "sanctions-package"))
    check(assess(when_scenario(response=RESPONSE), timed, at("2021-12-21")), Status.ENACTED, decided_by=("inv", "resp"))
    before = log_of(row("inv", "2021-12-20T15:00:00Z", "invasion"), row("resp", "2021-12-19", "sanctions-package"))
    assert assess(when_scenario(response=AFTER_TRIGGER), before, at("2021-12-21")).status is Status.TRIGGERED
    early = assess(when_scenario(response=RESPONSE), before, at("2021-12-21"))
    assert (early.status, early.timing, early.decided_by) == (Status.ENACTED, Timing.EARLY, ("resp",))
    same_day = assess(when_scenario(response=RESPONSE), timed, at("2021-12-21"))
    assert same_day.timing is Timing.ON_TIME  # on the trigger's own day it cannot be placed before it


def test_the_first_trigger_event_decides(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("second", "2021-12-21", "invasion"), row("first", "2021-12-20T23:00:00Z", "invasion"))
    check(assess(when_scenario(), log, at("2021-12-30")), Status.TRIGGERED, decided_by=("first",))


def test_same_day_date_only_events_are_taken_in_file_order(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("b", "2021-12-20", "invasion"), row("a", "2021-12-20", "invasion"))
    check(assess(when_scenario(), log, at("2021-12-30")), Status.TRIGGERED, decided_by=("b",))


def test_withdrawn_from_the_start_of_its_day(log_of: Callable[..., EventLog]) -> None:
    s = scenario(timezone="Europe/Brussels", withdrawn={"on": dt.date(2021, 12, 15), "reason": "Talks resumed."})
    log = log_of()
    # 14 Dec 23:59:59 in Brussels is still tracked; midnight Brussels (23:00 UTC) is not.
    check(assess(s, log, at("2021-12-14T22:59:59Z")), Status.WATCHING, remaining=11 * 86400 + 1)
    withdrawn = assess(s, log, at("2021-12-14T23:00:00Z"))
    check(withdrawn, Status.WITHDRAWN)
    assert withdrawn.decided_at == dt.datetime(2021, 12, 14, 23, tzinfo=UTC)
    assert withdrawn.status_before_withdrawal is Status.WATCHING
    assert withdrawn.explanation == "Withdrawn on 2021-12-15: Talks resumed. Until then it was watching."
    assert not withdrawn.is_open
    # It stays withdrawn after the deadline: no trigger, no overdue.
    check(assess(s, log, at("2022-06-01")), Status.WITHDRAWN)


def test_withdrawn_keeps_what_was_decided_before(log_of: Callable[..., EventLog]) -> None:
    s = scenario(response=RESPONSE, withdrawn={"on": dt.date(2022, 1, 10), "reason": "Moot."})
    a = assess(s, log_of(), at("2022-02-01"))
    check(a, Status.WITHDRAWN)
    assert a.status_before_withdrawal is Status.TRIGGERED
    assert a.triggered_at == dt.datetime(2021, 12, 26, tzinfo=UTC)
    assert a.explanation.endswith("Until then it was triggered.")


def test_events_on_the_withdrawal_day_do_not_count_whatever_the_as_of_zone(log_of: Callable[..., EventLog]) -> None:
    s = scenario(timezone="Europe/Brussels", withdrawn={"on": dt.date(2021, 12, 15), "reason": "Moot."})
    log = log_of(row("calm", "2021-12-15", "de-escalation"))
    for as_of in ("2021-12-15T12:00:00Z", "2021-12-15T12:00:00+09:00", "2021-12-15T12:00:00-08:00"):
        a = assess(s, log, at(as_of))
        assert (a.status, a.status_before_withdrawal, a.decided_by) == (Status.WITHDRAWN, Status.WATCHING, ()), as_of


def test_withdrawal_after_the_decision_keeps_its_events(log_of: Callable[..., EventLog]) -> None:
    s = scenario(withdrawn={"on": dt.date(2022, 1, 10), "reason": "Moot."})
    a = assess(s, log_of(row("calm", "2021-12-20", "de-escalation")), at("2022-02-01"))
    check(a, Status.WITHDRAWN, decided_by=("calm",))
    assert a.status_before_withdrawal is Status.AVERTED


# --- time rules -----------------------------------------------------------------------------------
def test_events_after_as_of_do_not_exist(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2021-12-20T12:00:00Z", "de-escalation"))
    check(assess(scenario(), log, at("2021-12-20T11:59:59Z")), Status.WATCHING, remaining=5 * 86400 + 12 * 3600 + 1)
    check(assess(scenario(), log, at("2021-12-20T12:00:00Z")), Status.AVERTED, decided_by=("calm",))


def test_an_event_at_as_of_in_another_offset_counts(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2021-12-20T13:00:00+01:00", "de-escalation"))
    check(assess(scenario(), log, at("2021-12-20T07:00:00-05:00")), Status.AVERTED, decided_by=("calm",))
    assert assess(scenario(), log, at("2021-12-20T06:59:59-05:00")).status is Status.WATCHING


def test_date_only_events_count_from_their_day_of_as_of(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2021-12-20", "de-escalation"))
    assert assess(scenario(), log, at("2021-12-19T23:59:59Z")).status is Status.WATCHING
    assert assess(scenario(), log, at("2021-12-20T00:00:00Z")).status is Status.AVERTED
    # The as-of day is the day in the scenario's zone, whatever offset the instant was written in.
    assert assess(scenario(), log, at("2021-12-19T23:30:00-01:00")).status is Status.AVERTED  # 00:30 UTC on the 20th
    assert assess(scenario(), log, at("2021-12-20T00:30:00+01:00")).status is Status.WATCHING  # 23:30 UTC on the 19th
    new_york = scenario(timezone="America/New_York")
    assert assess(new_york, log, at("2021-12-20T04:00:00Z")).status is Status.WATCHING  # still the 19th in New York
    assert assess(new_york, log, at("2021-12-20T05:00:00Z")).status is Status.AVERTED


def test_events_before_opened_are_ignored(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("old", "2021-12-02", "de-escalation"), row("old-timed", "2021-12-02T23:59:59Z", "de-escalation"))
    check(assess(scenario(), log, at("2021-12-10T00:00:00Z")), Status.WATCHING, remaining=16 * 86400)
    check(assess(scenario(), log, at("2021-12-27")), Status.TRIGGERED)


def test_events_from_the_start_of_opened_count(log_of: Callable[..., EventLog]) -> None:
    s = scenario(timezone="Europe/Brussels")
    # Opened 3 Dec in Brussels starts at 2 Dec 23:00 UTC.
    check(
        assess(s, log_of(row("a", "2021-12-02T22:59:59Z", "de-escalation")), at("2021-12-10")),
        Status.WATCHING,
        remaining=14 * 86400 + 23 * 3600,
    )
    check(assess(s, log_of(row("b", "2021-12-02T23:00:00Z", "de-escalation")), at("2021-12-10")), Status.AVERTED, decided_by=("b",))
    check(assess(s, log_of(row("c", "2021-12-03", "de-escalation")), at("2021-12-10")), Status.AVERTED, decided_by=("c",))


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo", "Europe/Brussels"])
def test_date_only_event_on_the_deadline_day_counts_the_day_after_does_not(log_of: Callable[..., EventLog], zone: str) -> None:
    s = scenario(timezone=zone)
    after = at("2022-01-10")
    check(assess(s, log_of(row("on-the-day", "2021-12-25", "de-escalation")), after), Status.AVERTED, decided_by=("on-the-day",))
    check(assess(s, log_of(row("day-after", "2021-12-26", "de-escalation")), after), Status.TRIGGERED)


@pytest.mark.parametrize(
    ("zone", "deadline_utc"),
    [
        ("America/Los_Angeles", dt.datetime(2021, 12, 26, 8, tzinfo=UTC)),
        ("Asia/Tokyo", dt.datetime(2021, 12, 25, 15, tzinfo=UTC)),
    ],
)
def test_timed_events_against_a_date_deadline_in_a_zone(log_of: Callable[..., EventLog], zone: str, deadline_utc: dt.datetime) -> None:
    s = scenario(timezone=zone)
    assert s.deadline_at == deadline_utc
    just_before = (deadline_utc - dt.timedelta(seconds=1)).isoformat()
    just_at = deadline_utc.isoformat()
    after = at("2022-01-10")
    check(assess(s, log_of(row("before", just_before, "de-escalation")), after), Status.AVERTED, decided_by=("before",))
    check(assess(s, log_of(row("at", just_at, "de-escalation")), after), Status.TRIGGERED)


def test_timed_events_against_a_timed_deadline_across_offsets(log_of: Callable[..., EventLog]) -> None:
    s = scenario(deadline=dt.datetime(2021, 12, 25, 18, tzinfo=BRUSSELS))
    after = at("2022-01-10")
    for occurred in ("2021-12-25T17:59:59+01:00", "2021-12-25T16:59:59Z", "2021-12-25T11:59:59-05:00", "2021-12-26T01:59:59+09:00"):
        check(assess(s, log_of(row("e", occurred, "de-escalation")), after), Status.AVERTED, decided_by=("e",))
    for occurred in ("2021-12-25T18:00:00+01:00", "2021-12-25T17:00:00Z", "2021-12-25T12:00:00-05:00"):
        check(assess(s, log_of(row("e", occurred, "de-escalation")), after), Status.TRIGGERED)


def test_date_only_event_on_a_timed_deadline_day_counts(log_of: Callable[..., EventLog]) -> None:
    s = scenario(deadline=dt.datetime(2021, 12, 25, 18, tzinfo=BRUSSELS))
    check(assess(s, log_of(row("e", "2021-12-25", "de-escalation")), at("2022-01-10")), Status.AVERTED, decided_by=("e",))


def test_remaining_time_across_dst_in_march(log_of: Callable[..., EventLog]) -> None:
    # 27 March 2022 is the last Sunday of March: Brussels skips 02:00-03:00, the day has 23 hours.
    s = scenario(opened=dt.date(2022, 3, 1), deadline=dt.date(2022, 3, 27), timezone="Europe/Brussels")
    assert s.deadline_at == dt.datetime(2022, 3, 27, 22, tzinfo=UTC)
    log = log_of()
    check(assess(s, log, at("2022-03-27T00:00:00+01:00")), Status.WATCHING, remaining=23 * 3600)
    assert assess(s, log, at("2022-03-27T23:59:59+02:00")).status is Status.WATCHING
    assert assess(s, log, at("2022-03-28T00:00:00+02:00")).status is Status.TRIGGERED


def test_remaining_time_across_dst_in_october(log_of: Callable[..., EventLog]) -> None:
    # 30 October 2022 is the last Sunday of October: Brussels repeats 02:00-03:00, the day has 25 hours.
    s = scenario(opened=dt.date(2022, 10, 1), deadline=dt.date(2022, 10, 30), timezone="Europe/Brussels")
    assert s.deadline_at == dt.datetime(2022, 10, 30, 23, tzinfo=UTC)
    log = log_of()
    check(assess(s, log, at("2022-10-30T00:00:00+02:00")), Status.WATCHING, remaining=25 * 3600)
    check(assess(s, log, at("2022-10-30T23:59:59+01:00")), Status.WATCHING, remaining=1)


def test_timed_events_across_the_october_dst_change(log_of: Callable[..., EventLog]) -> None:
    s = scenario(opened=dt.date(2022, 10, 1), deadline=dt.date(2022, 10, 30), timezone="Europe/Brussels")
    after = at("2022-11-05")
    # 23:59:59 CET on 30 October is 22:59:59 UTC: still before the deadline.
    check(assess(s, log_of(row("late", "2022-10-30T23:59:59+01:00", "de-escalation")), after), Status.AVERTED, decided_by=("late",))
    check(assess(s, log_of(row("next", "2022-10-31T00:00:00+01:00", "de-escalation")), after), Status.TRIGGERED)
    # The second 02:30 of the night (CET) is an hour after the first (CEST); both are on the day.
    check(assess(s, log_of(row("repeat", "2022-10-30T02:30:00+01:00", "de-escalation")), after), Status.AVERTED, decided_by=("repeat",))


def test_response_due_counts_exact_hours_across_dst(log_of: Callable[..., EventLog]) -> None:
    # Triggered at the end of 20 March (CET); 200 hours later, across the change to CEST, is 29 March 09:00 CEST.
    response = {"title": "R", "match": {"tags": ["sanctions-package"]}, "within": "200h"}
    s = scenario(opened=dt.date(2022, 3, 1), deadline=dt.date(2022, 3, 20), timezone="Europe/Brussels", response=response)
    a = assess(s, log_of(), at("2022-03-25"))
    assert a.response_due == dt.datetime(2022, 3, 29, 7, tzinfo=UTC)
    assert a.to_json()["response_due"] == "2022-03-29T09:00:00+02:00"


def test_whole_days_after_a_date_deadline_are_calendar_days_across_dst(log_of: Callable[..., EventLog]) -> None:
    # `14d` from the date deadline of 20 March is the end of 3 April in Brussels, across the change to CEST.
    response = {"title": "R", "match": {"tags": ["sanctions-package"]}, "within": "14d"}
    s = scenario(opened=dt.date(2022, 3, 1), deadline=dt.date(2022, 3, 20), timezone="Europe/Brussels", response=response)
    a = assess(s, log_of(), at("2022-03-25"))
    assert a.to_json()["response_due"] == "2022-04-04T00:00:00+02:00"


def test_remaining_is_none_for_decided_statuses(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2021-12-20", "de-escalation"))
    for a in (
        assess(scenario(), log, at("2021-12-21")),
        assess(when_scenario(), log, at("2022-01-01")),
        assess(scenario(withdrawn={"on": dt.date(2021, 12, 10), "reason": "x"}), log, at("2021-12-12")),
    ):
        assert a.remaining is None and a.remaining_seconds is None, a.status


def test_naive_as_of_is_refused(log_of: Callable[..., EventLog]) -> None:
    with pytest.raises(ValueError, match="as_of must be timezone-aware"):
        assess(scenario(), log_of(), dt.datetime(2021, 12, 10))


# --- matching rules inside the engine --------------------------------------------------------------
def test_trigger_needs_all_keys_and_ignores_case(log_of: Callable[..., EventLog]) -> None:
    s = scenario(trigger={"unless": {"actors": ["Russia"], "tags": ["de-escalation"]}})
    log = log_of(
        row("wrong-actor", "2021-12-10", "de-escalation", "Belarus"), row("right", "2021-12-11", "DE-ESCALATION", "russia;Belarus")
    )
    check(assess(s, log, at("2021-12-20")), Status.AVERTED, decided_by=("right",))


def test_trigger_by_explicit_ids(log_of: Callable[..., EventLog]) -> None:
    s = scenario(trigger={"unless": {"ids": ["e2"]}})
    check(
        assess(s, log_of(row("e1", "2021-12-10", "de-escalation"), row("e2", "2021-12-11")), at("2021-12-20")),
        Status.AVERTED,
        decided_by=("e2",),
    )


def test_match_on_a_value_no_event_has(log_of: Callable[..., EventLog]) -> None:
    s = scenario(trigger={"unless": {"tags": ["never-used"]}})
    check(assess(s, log_of(row("e1", "2021-12-10", "de-escalation")), at("2021-12-20T00:00:00Z")), Status.WATCHING, remaining=6 * 86400)


def test_signposts_never_decide(log_of: Callable[..., EventLog]) -> None:
    signposts = [{"title": "Calm", "direction": "de-escalation", "match": {"tags": ["talks"]}}]
    a = assess(scenario(signposts=signposts), log_of(row("t", "2021-12-10", "talks")), at("2021-12-20T00:00:00Z"))
    check(a, Status.WATCHING, remaining=6 * 86400)


# --- many scenarios -----------------------------------------------------------------------------------
def test_assess_all_and_urgency_order(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2021-12-20", "de-escalation"))
    scenarios = [
        scenario(id="averted"),
        scenario(id="watching", trigger={"unless": {"tags": ["x"]}}, deadline=dt.date(2022, 3, 1)),
        scenario(id="due", trigger={"unless": {"tags": ["x"]}}, warn_within="30d"),
        scenario(id="trig", trigger={"unless": {"tags": ["x"]}}, deadline=dt.date(2021, 12, 5), response=RESPONSE),
        scenario(id="gone", withdrawn={"on": dt.date(2021, 12, 4), "reason": "x"}),
    ]
    as_of = at("2021-12-21T00:00:00Z")
    assessments = assess_all(scenarios, log, as_of)
    assert [a.status for a in assessments] == [Status.AVERTED, Status.WATCHING, Status.DUE_SOON, Status.TRIGGERED, Status.WITHDRAWN]
    assert [a.scenario.id for a in sorted(assessments, key=urgency_key)] == ["trig", "due", "watching", "averted", "gone"]
    assert [a.status for a in assessments] == [assess(s, log, as_of).status for s in scenarios]


def test_to_json_fields(log_of: Callable[..., EventLog]) -> None:
    s = scenario(timezone="Europe/Brussels", response=RESPONSE)
    data = assess(s, log_of(), at("2021-12-27T00:00:00Z")).to_json()
    assert data == {
        "id": "s",
        "title": "T",
        "status": "triggered",
        "timing": None,
        "deadline": "2021-12-26T00:00:00+01:00",
        "deadline_set": None,
        "basis": "occurred",
        "timezone": "Europe/Brussels",
        "as_of": "2021-12-27T00:00:00+00:00",
        "remaining_seconds": 29 * 86400 - 3600,
        "decided_at": "2021-12-26T00:00:00+01:00",
        "decided_by": [],
        "triggered_at": "2021-12-26T00:00:00+01:00",
        "response_due": "2022-01-25T00:00:00+01:00",
        "depends_on": [],
        "explanation": data["explanation"],
    }
    assert data["explanation"].startswith("Triggered at 2021-12-25 24:00 Europe/Brussels")


# --- "a date means the end of that day": one rule, both ways -----------------------------------
@pytest.mark.parametrize("zone_name", ["America/New_York", "Asia/Tokyo", "UTC"])
def test_a_date_is_the_end_of_that_day_and_is_written_back_as_the_date(zone_name: str) -> None:
    tz = zone(zone_name)
    end = parse_instant("2022-02-22", tz)
    assert end == last_instant(dt.date(2022, 2, 22), tz) == end_of_day(dt.date(2022, 2, 22), tz) - dt.timedelta(microseconds=1)
    assert end.date() == dt.date(2022, 2, 22) and end.tzinfo is tz
    assert last_day(end_of_day(dt.date(2022, 2, 22), tz), tz) == dt.date(2022, 2, 22)
    # A link writes back what was chosen: a date as the date, an instant with its offset.
    assert as_of_param(dt.date(2022, 2, 22)) == "2022-02-22" and parse_as_of("2022-02-22") == dt.date(2022, 2, 22)
    noon = dt.datetime(2022, 2, 22, 12, 0, tzinfo=tz)
    assert parse_as_of(as_of_param(noon)) == noon and as_of_param(noon).startswith("2022-02-22T12:00")
    odd = noon.replace(second=5)
    assert parse_as_of(as_of_param(odd)) == odd
    assert parse_as_of(as_of_param(end)) == end  # the last microsecond of a day stays an instant: a date means another thing


def test_explanations_say_what_kind_of_event_decided_and_by_whom() -> None:
    from tracker.engine.status import kind_words

    assert kind_words("decision", ["US", "EU"]) == "a decision by US, EU"
    assert kind_words("in-force", ["EU"]) == "an entry into force by EU"
    assert kind_words("action", []) == "an action"
    assert kind_words("", ["US"]) == ""
    demo = {
        a.scenario.id: a for a in assess_all(load_scenarios(DEMO_SCENARIOS).scenarios, load_events(DEMO_EVENTS), parse_as_of("2022-03-01"))
    }
    assert demo["joint-sanctions-christmas-2021"].explanation.startswith("Enacted on 2022-02-22: a decision by US, “Biden announces")
