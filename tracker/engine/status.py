"""The status engine: what each scenario's status is as of an instant, and why.

Status is computed, never stored. The engine is a pure function of the scenario,
the event log and the as-of instant; events after the as-of instant do not exist.

Date-only events carry a calendar day, not an instant. They are compared by day:
against a scenario's dates in the scenario's own zone, and against the as-of
instant by the day of the as-of instant in the zone it was given in. Where an
instant is needed (ordering, decided_at), a date-only event stands at the start
of its day in the scenario's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tracker.log.events import EventLog
from tracker.log.index import DAY_NS
from tracker.scenario.model import Match, Scenario
from tracker.timeutil import UTC, day_number, duration_words, from_day_number, from_ns, start_of_day, to_ns


class Status(StrEnum):
    WATCHING = "watching"
    DUE_SOON = "due-soon"
    AVERTED = "averted"
    LAPSED = "lapsed"
    TRIGGERED = "triggered"
    OVERDUE = "overdue"
    ENACTED = "enacted"
    WITHDRAWN = "withdrawn"


# Open statuses still need attention; the order is the board's urgency order.
URGENCY = [
    Status.OVERDUE,
    Status.TRIGGERED,
    Status.DUE_SOON,
    Status.WATCHING,
    Status.ENACTED,
    Status.AVERTED,
    Status.LAPSED,
    Status.WITHDRAWN,
]
OPEN_STATUSES = frozenset({Status.OVERDUE, Status.TRIGGERED, Status.DUE_SOON, Status.WATCHING})


@dataclass(frozen=True)
class Hit:
    """An event that decided something, and the instant it stands at."""

    position: int
    event_id: str
    title: str
    at: dt.datetime
    date_only: bool


@dataclass(frozen=True)
class Assessment:
    scenario: Scenario
    status: Status
    as_of: dt.datetime
    explanation: str
    remaining: dt.timedelta | None = None
    decided_at: dt.datetime | None = None
    decided_by: tuple[str, ...] = ()
    triggered_at: dt.datetime | None = None
    response_due: dt.datetime | None = None
    trigger_hit: Hit | None = None
    response_hit: Hit | None = None
    averted_by: Hit | None = None
    status_before_withdrawal: Status | None = field(default=None)

    @property
    def remaining_seconds(self) -> int | None:
        return None if self.remaining is None else int(self.remaining.total_seconds())

    @property
    def deadline(self) -> dt.datetime:
        return self.scenario.deadline_at.astimezone(self.scenario.tz)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def to_json(self) -> dict[str, Any]:
        tz = self.scenario.tz
        return {
            "id": self.scenario.id,
            "title": self.scenario.title,
            "status": self.status.value,
            "deadline": self.deadline.isoformat(),
            "timezone": self.scenario.timezone,
            "as_of": self.as_of.isoformat(),
            "remaining_seconds": self.remaining_seconds,
            "decided_at": None if self.decided_at is None else self.decided_at.astimezone(tz).isoformat(),
            "decided_by": list(self.decided_by),
            "triggered_at": None if self.triggered_at is None else self.triggered_at.astimezone(tz).isoformat(),
            "response_due": None if self.response_due is None else self.response_due.astimezone(tz).isoformat(),
            "explanation": self.explanation,
        }


def format_instant(instant: dt.datetime, tz: dt.tzinfo, *, date_only: bool = False) -> str:
    local = instant.astimezone(tz)
    name = getattr(tz, "key", None) or local.tzname() or "UTC"
    if date_only:
        return local.date().isoformat()
    return f"{local:%Y-%m-%d %H:%M} {name}"


def _day_in(instant: dt.datetime, tz: dt.tzinfo) -> int:
    return day_number(instant.astimezone(tz).date())


def _as_of_day(as_of: dt.datetime) -> int:
    """The calendar day the as-of instant falls on, in the zone it was given in."""
    return day_number(as_of.date())


def first_match(
    log: EventLog,
    match: Match,
    *,
    start_ns: int,
    end_ns: int,
    start_day: int,
    end_day: int,
    tz: dt.tzinfo,
) -> Hit | None:
    """The earliest matching event: timed ones in [start_ns, end_ns], date-only ones in [start_day, end_day]."""
    index = log.index
    best: tuple[int, int, bool] | None = None  # (ns, row, date_only)
    lo, hi = index.timed.rank_range(start_ns, end_ns)
    rank = index.first(match, "timed", lo, hi)
    if rank is not None:
        best = (int(index.timed.keys[rank]), int(index.timed.rows[rank]), False)
    lo, hi = index.dated.rank_range(start_day, end_day)
    rank = index.first(match, "dated", lo, hi)
    if rank is not None:
        at = to_ns(start_of_day(from_day_number(int(index.dated.keys[rank])), tz))
        candidate = (at, int(index.dated.rows[rank]), True)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is None:
        return None
    ns, row, date_only = best
    return Hit(row, log.ids([row])[0], log.title(row), from_ns(ns), date_only)


def _hit_text(hit: Hit, tz: dt.tzinfo) -> str:
    return f"{format_instant(hit.at, tz, date_only=hit.date_only)}: “{hit.title}” ({hit.event_id})"


@dataclass(frozen=True)
class _Instant:
    """The as-of instant in the engine's units, computed once for all scenarios."""

    at: dt.datetime
    ns: int
    day: int

    @classmethod
    def of(cls, as_of: dt.datetime) -> _Instant:
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        return cls(as_of, to_ns(as_of), _as_of_day(as_of))


def assess(scenario: Scenario, log: EventLog, as_of: dt.datetime) -> Assessment:
    """The status of one scenario as of ``as_of`` (an aware datetime)."""
    return _assess(scenario, log, _Instant.of(as_of))


def _assess(scenario: Scenario, log: EventLog, instant: _Instant) -> Assessment:
    as_of = instant.at
    withdrawn_at = scenario.withdrawn_at
    if withdrawn_at is not None and withdrawn_at <= as_of and scenario.withdrawn is not None:
        # The last instant before the withdrawal, in the scenario's zone: its day is the day before `on`.
        before = _assess_tracked(scenario, log, _Instant.of((withdrawn_at - dt.timedelta(microseconds=1)).astimezone(scenario.tz)))
        return Assessment(
            scenario,
            Status.WITHDRAWN,
            as_of,
            f"Withdrawn on {scenario.withdrawn.on.isoformat()}: {scenario.withdrawn.reason.strip()} "
            f"Until then it was {before.status.value}.",
            decided_at=withdrawn_at,
            decided_by=before.decided_by,
            triggered_at=before.triggered_at,
            trigger_hit=before.trigger_hit,
            response_hit=before.response_hit,
            averted_by=before.averted_by,
            status_before_withdrawal=before.status,
        )
    return _assess_tracked(scenario, log, instant)


def _assess_tracked(scenario: Scenario, log: EventLog, instant: _Instant) -> Assessment:
    as_of = instant.at
    tz = scenario.tz
    opened, deadline = scenario.opened_at, scenario.deadline_at
    deadline_text = scenario.deadline_text
    trigger = scenario.trigger
    described = trigger.match.description
    hit = first_match(
        log,
        trigger.match,
        start_ns=scenario.opened_ns,
        end_ns=min(scenario.last_ns, instant.ns),
        start_day=scenario.opened_day,
        end_day=min(scenario.last_day, instant.day),
        tz=tz,
    )
    since = scenario.opened.isoformat()

    if trigger.kind == "unless" and hit is not None:
        return Assessment(
            scenario,
            Status.AVERTED,
            as_of,
            f"Averted on {_hit_text(hit, tz)} matched {described} before the deadline ({deadline_text}).",
            decided_at=hit.at,
            decided_by=(hit.event_id,),
            averted_by=hit,
        )

    triggered_at: dt.datetime | None = None
    if trigger.kind == "when" and hit is not None:
        triggered_at = hit.at
        why = f"Triggered on {_hit_text(hit, tz)} matched {described}."
    elif as_of >= deadline:
        if trigger.kind == "when":
            return Assessment(
                scenario,
                Status.LAPSED,
                as_of,
                f"Lapsed at {deadline_text}: no event matching {described} was logged between {since} and the deadline.",
                decided_at=deadline,
            )
        triggered_at = deadline
        why = f"Triggered at {deadline_text}: no event matching {described} was logged between {since} and the deadline."
    else:
        remaining = deadline - as_of
        if trigger.kind == "unless":
            rule = f"if none is logged by the deadline ({deadline_text}), it triggers"
        else:
            rule = f"it triggers at the first one logged before the deadline ({deadline_text}); otherwise it lapses"
        started = "since" if as_of >= opened else "yet; tracking starts on"
        text = f"No event matching {described} has been logged {started} {since}; {rule}."
        warn = scenario.warn_within
        if warn is not None and remaining <= warn:
            return Assessment(
                scenario,
                Status.DUE_SOON,
                as_of,
                f"Due soon: the deadline is less than {duration_words(warn)} away. {text}",
                remaining=remaining,
            )
        return Assessment(scenario, Status.WATCHING, as_of, f"Watching. {text}", remaining=remaining)

    trigger_ids = (hit.event_id,) if hit is not None and trigger.kind == "when" else ()
    trigger_hit = hit if trigger.kind == "when" else None
    response = scenario.response
    if response is None:
        return Assessment(
            scenario,
            Status.TRIGGERED,
            as_of,
            f"{why} No response is defined for this scenario.",
            decided_at=triggered_at,
            decided_by=trigger_ids,
            triggered_at=triggered_at,
            trigger_hit=trigger_hit,
        )
    answer = first_match(
        log,
        response.match,
        start_ns=to_ns(triggered_at),
        end_ns=instant.ns,
        start_day=_day_in(triggered_at, tz),
        end_day=instant.day,
        tz=tz,
    )
    due = triggered_at + response.within if response.within is not None else None
    if answer is not None:
        return Assessment(
            scenario,
            Status.ENACTED,
            as_of,
            f"Enacted on {_hit_text(answer, tz)} matched the response “{response.title}” ({response.match.description}). {why}",
            decided_at=answer.at,
            decided_by=(*trigger_ids, answer.event_id),
            triggered_at=triggered_at,
            response_due=due,
            trigger_hit=trigger_hit,
            response_hit=answer,
        )
    awaiting = f"No response “{response.title}” ({response.match.description}) has been logged since."
    if due is not None and as_of >= due:
        return Assessment(
            scenario,
            Status.OVERDUE,
            as_of,
            f"Overdue since {format_instant(due, tz)}: the response was due within "
            f"{duration_words(response.within or dt.timedelta())} of the trigger. {why} {awaiting}",
            decided_at=due,
            decided_by=trigger_ids,
            triggered_at=triggered_at,
            response_due=due,
            trigger_hit=trigger_hit,
        )
    due_text = f" It is due by {format_instant(due, tz)}." if due is not None else ""
    return Assessment(
        scenario,
        Status.TRIGGERED,
        as_of,
        f"{why} {awaiting}{due_text}",
        remaining=None if due is None else due - as_of,
        decided_at=triggered_at,
        decided_by=trigger_ids,
        triggered_at=triggered_at,
        response_due=due,
        trigger_hit=trigger_hit,
    )


def assess_all(scenarios: Iterable[Scenario], log: EventLog, as_of: dt.datetime) -> list[Assessment]:
    instant = _Instant.of(as_of)
    return [_assess(s, log, instant) for s in scenarios]


def urgency_key(assessment: Assessment) -> tuple[int, float, str]:
    """Most urgent first: by status, then by time left (soonest first), then by id."""
    remaining = assessment.remaining.total_seconds() if assessment.remaining is not None else float("inf")
    return (URGENCY.index(assessment.status), remaining, assessment.scenario.id)


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def _within(log: EventLog, position: int, *, start_ns: int, end_ns: int, start_day: int, end_day: int) -> bool:
    """The engine's window test for one event: timed events by instant, date-only ones by day."""
    if log.date_only[position]:
        day = int(log.when_ns[position]) // DAY_NS
        return start_day <= day <= end_day
    return start_ns <= int(log.when_ns[position]) <= end_ns


def in_trigger_window(scenario: Scenario, log: EventLog, position: int) -> bool:
    """Could this event fire (or avert) the trigger: is it between `opened` and the deadline?"""
    return _within(
        log, position, start_ns=scenario.opened_ns, end_ns=scenario.last_ns, start_day=scenario.opened_day, end_day=scenario.last_day
    )


def counts_as_response(assessment: Assessment, log: EventLog, position: int) -> bool:
    """Does this event count as the response: at or after the trigger (and known by the as-of instant)?"""
    triggered = assessment.triggered_at
    if triggered is None:
        return False
    instant = _Instant.of(assessment.as_of)
    return _within(
        log,
        position,
        start_ns=to_ns(triggered),
        end_ns=instant.ns,
        start_day=_day_in(triggered, assessment.scenario.tz),
        end_day=instant.day,
    )
