"""The status engine: what each scenario's status is as of an instant, and why.

Status is computed, never stored. The engine is a pure function of the scenario,
the event log, the as-of instant and the basis; events after the as-of instant do not exist.

The course of a scenario is followed in time order through its deadline history: while a
deadline is in force and not yet passed, the trigger may fire (or be averted); once it passes,
an `unless` trigger fires and a `when` trigger lapses; a deadline moved after it passed re-opens
a scenario that had fired or lapsed by the deadline and has no response yet. A response counts
from `opened` (or from the trigger, with `counts_from: trigger`) while the scenario is live;
averted and enacted are final.

Date-only events carry a calendar day, not an instant. They are compared by day, in the
scenario's own zone: against a scenario's dates and against the as-of instant. Where an
instant is needed (ordering, decided_at), a date-only event stands at the start of its day
in the scenario's zone.

A bare as-of date means the end of that day in each scenario's own zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from tracker.log.events import EventLog
from tracker.log.index import DAY_NS
from tracker.log.ledger import known_at
from tracker.scenario.model import Cycle, DeadlineSpell, Match, Scenario, deadline_text
from tracker.timeutil import (
    day_number,
    from_day_number,
    from_ns,
    last_day,
    last_instant,
    span_words,
    start_of_day,
    to_ns,
)

AsOf = dt.datetime | dt.date  # an instant, or a date: the end of that day in each scenario's zone


class Status(StrEnum):
    UPCOMING = "upcoming"
    WATCHING = "watching"
    DUE_SOON = "due-soon"
    AVERTED = "averted"
    LAPSED = "lapsed"
    TRIGGERED = "triggered"
    PARTLY_ENACTED = "partly-enacted"
    OVERDUE = "overdue"
    ENACTED = "enacted"
    WITHDRAWN = "withdrawn"


class Timing(StrEnum):
    EARLY = "early"  # before the trigger fired
    ON_TIME = "on-time"
    LATE = "late"  # after `response.within` had elapsed


class Basis(StrEnum):
    OCCURRED = "occurred"  # events count from when they happened
    KNOWN = "known"  # events count from when they were logged: what we knew then


# Open statuses still need attention; the order is the board's urgency order.
URGENCY = [
    Status.OVERDUE,
    Status.TRIGGERED,
    Status.DUE_SOON,
    Status.WATCHING,
    Status.PARTLY_ENACTED,
    Status.ENACTED,
    Status.AVERTED,
    Status.LAPSED,
    Status.WITHDRAWN,
    Status.UPCOMING,
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
    what: str = ""  # the event's kind and who: "a decision by US"; "" when the log gives no kind


@dataclass(frozen=True)
class Window:
    """A stretch of time [start, end) in which events are looked for."""

    start: dt.datetime
    end: dt.datetime  # exclusive
    last_day: dt.date | None = None  # the last calendar day of date-only events, when not the day of `end`

    def day_bounds(self, tz: dt.tzinfo) -> tuple[int, int]:
        last = day_number(self.last_day if self.last_day is not None else last_day(self.end, tz))
        return _day_in(self.start, tz), last


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
    before_withdrawal: Assessment | None = None  # the last assessment before a withdrawal
    timing: Timing | None = None
    partial_hit: Hit | None = None
    spell: DeadlineSpell | None = None  # the deadline in force at `as_of`
    basis: Basis = Basis.OCCURRED
    trigger_windows: tuple[Window, ...] = ()  # where the trigger was looked for
    response_windows: tuple[Window, ...] = ()  # where a response counted
    cycle: Cycle | None = None  # a series' current cycle, whose status this is; None for a one-off scenario

    @property
    def assessed_scenario(self) -> Scenario:
        """The scenario whose window this assessment covers: for a series, its current cycle (opened and deadline)."""
        return self.scenario if self.cycle is None else self.cycle.scenario

    @property
    def status_before_withdrawal(self) -> Status | None:
        return None if self.before_withdrawal is None else self.before_withdrawal.status

    @property
    def remaining_seconds(self) -> int | None:
        return None if self.remaining is None else int(self.remaining.total_seconds())

    @property
    def deadline_spell(self) -> DeadlineSpell:
        return self.spell if self.spell is not None else self.scenario.deadline_in_force(self.as_of)

    @property
    def deadline(self) -> dt.datetime:
        """The deadline in force at the as-of instant, in the scenario's zone."""
        return self.deadline_spell.due_at.astimezone(self.scenario.tz)

    @property
    def deadline_set(self) -> dt.datetime | None:
        """When the deadline in force was announced; None for a plain `deadline:` or the first of a history left unset."""
        spell = self.deadline_spell
        return None if spell.set_written is None else spell.set_at.astimezone(self.scenario.tz)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_words(self) -> str:
        """'enacted · early': the status and, when there is one, the response's timing."""
        return self.status.value if self.timing is None else f"{self.status.value} · {self.timing.value}"

    def to_json(self) -> dict[str, Any]:
        tz = self.scenario.tz

        def local(value: dt.datetime | None) -> str | None:
            return None if value is None else value.astimezone(tz).isoformat()

        return {
            "id": self.scenario.id,
            "title": self.scenario.title,
            "status": self.status.value,
            "timing": None if self.timing is None else self.timing.value,
            "deadline": self.deadline.isoformat(),
            "deadline_set": local(self.deadline_set),
            "timezone": self.scenario.timezone,
            "as_of": self.as_of.isoformat(),
            "basis": self.basis.value,
            "remaining_seconds": self.remaining_seconds,
            "decided_at": local(self.decided_at),
            "decided_by": list(self.decided_by),
            "triggered_at": local(self.triggered_at),
            "response_due": local(self.response_due),
            "depends_on": list(self.scenario.depends_on),
            "cycle": None if self.cycle is None else self.cycle.to_json(),
            "explanation": self.explanation,
        }


def reached(assessment: Assessment) -> dict[Status, tuple[dt.datetime, Hit | None]]:
    """Each status the scenario reached at a decision by the as-of instant: when it first did, and the event that decided
    it (None when the clock did: a deadline, a response's due time, a withdrawal)."""
    if assessment.before_withdrawal is not None and assessment.decided_at is not None:
        return {**reached(assessment.before_withdrawal), Status.WITHDRAWN: (assessment.decided_at, None)}
    a = assessment
    found: dict[Status, tuple[dt.datetime, Hit | None]] = {}
    answers = [hit.at for hit in (a.partial_hit, a.response_hit) if hit is not None]
    # A response (or part of one) before the trigger fired took the scenario past `triggered` without stopping there.
    if a.triggered_at is not None and min(answers, default=a.triggered_at) >= a.triggered_at:
        found[Status.TRIGGERED] = (a.triggered_at, a.trigger_hit)
    if a.partial_hit is not None:
        found[Status.PARTLY_ENACTED] = (a.partial_hit.at, a.partial_hit)
    due = a.response_due
    was_overdue = a.status is Status.OVERDUE or (a.status is Status.ENACTED and a.timing is Timing.LATE)
    if due is not None and was_overdue and (a.partial_hit is None or a.partial_hit.at >= due):
        found[Status.OVERDUE] = (due, None)
    if a.status is Status.ENACTED and a.response_hit is not None:
        found[Status.ENACTED] = (a.response_hit.at, a.response_hit)
    if a.status is Status.AVERTED and a.averted_by is not None:
        found[Status.AVERTED] = (a.averted_by.at, a.averted_by)
    if a.status is Status.LAPSED and a.decided_at is not None:
        found[Status.LAPSED] = (a.decided_at, None)
    return found


@dataclass(frozen=True)
class Followed:
    """The followed scenario reaching a status, which fires an `after:` trigger."""

    title: str
    status: Status
    at: dt.datetime
    hit: Hit | None  # the event that decided it, None when the clock did
    tz: dt.tzinfo  # the followed scenario's zone, in which its dates read

    def text(self) -> str:
        when = format_instant(self.at, self.tz, date_only=self.hit is not None and self.hit.date_only)
        if self.hit is None:
            by = "its deadline or due time passed" if self.status is not Status.WITHDRAWN else "it was withdrawn"
        else:
            what = f"{self.hit.what}, " if self.hit.what else ""
            by = f"{what}“{self.hit.title}”, {self.hit.event_id}"
        return f"“{self.title}” became {self.status.value} on {when} ({by})"


def _followed(scenario: Scenario, log: EventLog, instant: _Instant) -> Followed | None:
    """When the scenario an `after:` trigger follows first reached one of its statuses by the as-of instant, as the engine
    assesses that scenario for the same instant and log (so, on the known basis, from what was known then)."""
    trigger = scenario.trigger
    if trigger is None or trigger.after is None:
        return None
    parent = scenario.followed
    if parent is None:
        raise ValueError(f"{scenario.id} follows {trigger.after.scenario}, which is not linked to it: load scenarios with load_scenarios")
    # The basis only labels the assessment: the log given is already what was known then.
    found = reached(_assess(parent, log, _Instant.of(instant.at, parent.tz), Basis.OCCURRED))
    firsts = [(found[Status(name)], Status(name)) for name in trigger.after.status if Status(name) in found]
    if not firsts:
        return None
    (at, hit), status = min(firsts, key=lambda first: first[0][0])
    return Followed(parent.title, status, at, hit, parent.tz)


def format_instant(instant: dt.datetime, tz: dt.tzinfo, *, date_only: bool = False) -> str:
    local = instant.astimezone(tz)
    name = getattr(tz, "key", None) or local.tzname() or "UTC"
    if date_only:
        return local.date().isoformat()
    return f"{local:%Y-%m-%d %H:%M} {name}"


def instant_for(as_of: AsOf, tz: dt.tzinfo) -> dt.datetime:
    """The instant an as-of means for a scenario in zone ``tz``: a date is the end of that day there."""
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise ValueError("as_of must be timezone-aware")
        return as_of
    return last_instant(as_of, tz)


def _day_in(instant: dt.datetime, tz: dt.tzinfo) -> int:
    return day_number(instant.astimezone(tz).date())


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
    event = log.event(row)
    return Hit(row, event.id, event.title, from_ns(ns), date_only, kind_words(event.kind, event.actors))


def kind_words(kind: str, actors: Iterable[str]) -> str:
    """'a decision by US, EU': what an event was and who made it, for explanations; "" without a kind."""
    if not kind:
        return ""
    article = "an" if kind[0] in "aeiou" else "a"
    who = ", ".join(actors)
    return f"{article} {kind.replace('-', ' ') if kind != 'in-force' else 'entry into force'}" + (f" by {who}" if who else "")


def _hit_text(hit: Hit, tz: dt.tzinfo) -> str:
    what = f"{hit.what}, " if hit.what else ""
    return f"{format_instant(hit.at, tz, date_only=hit.date_only)}: {what}“{hit.title}” ({hit.event_id})"


@dataclass(frozen=True)
class _Instant:
    """The as-of instant in the engine's units, for one scenario's zone."""

    at: dt.datetime
    ns: int
    day: int

    @classmethod
    def of(cls, as_of: dt.datetime, tz: dt.tzinfo) -> _Instant:
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        return cls(as_of, to_ns(as_of), _day_in(as_of, tz))


def _search(log: EventLog, match: Match, window: Window, instant: _Instant, tz: dt.tzinfo) -> Hit | None:
    """The first event matching ``match`` in ``window``, known by the as-of instant."""
    if window.end <= window.start:
        return None
    first_day, last_day = window.day_bounds(tz)
    return first_match(
        log,
        match,
        start_ns=to_ns(window.start),
        end_ns=min(to_ns(window.end) - 1, instant.ns),
        start_day=first_day,
        end_day=min(last_day, instant.day),
        tz=tz,
    )


def _in_window(log: EventLog, position: int, window: Window, instant: _Instant, tz: dt.tzinfo) -> bool:
    """The window test of `_search`, for one event."""
    if window.end <= window.start:
        return False
    if log.date_only[position]:
        day = int(log.when_ns[position]) // DAY_NS
        first_day, last_day = window.day_bounds(tz)
        return first_day <= day <= min(last_day, instant.day)
    ns = int(log.when_ns[position])
    return to_ns(window.start) <= ns <= min(to_ns(window.end) - 1, instant.ns)


def _before(a: Hit, b: Hit | None) -> bool:
    return b is None or (a.at, a.position) < (b.at, b.position)


def _response_due(scenario: Scenario, triggered_at: dt.datetime, trigger_day: dt.date | None) -> dt.datetime | None:
    """When the response is due. From a day (a date-only trigger event, or a date deadline), whole days and months
    count on the calendar in the scenario's zone: `30d` is the end of the 30th day after it."""
    response = scenario.response
    if response is None:
        return None
    within = response.within
    if within is None:
        return triggered_at if scenario.trigger is None else None
    if trigger_day is not None and within.whole_days:
        return within.after_day(trigger_day, scenario.tz)
    return within.after(triggered_at, scenario.tz)


def _move_text(previous: DeadlineSpell, spell: DeadlineSpell, tz: dt.tzinfo) -> str:
    by = f" ({spell.publisher})" if spell.publisher else ""
    return f"Deadline moved from {previous.due_text} to {spell.due_text} on {spell.set_text}{by}."


@dataclass
class _Course:
    """Where a scenario's course stands, followed in time order."""

    state: str = "pending"  # pending | fired | passed (fired or lapsed at the deadline) | averted | lapsed | enacted
    triggered_at: dt.datetime | None = None
    trigger_hit: Hit | None = None
    trigger_day: dt.date | None = None
    followed: Followed | None = None  # what fired an `after:` trigger
    lapsed_at: dt.datetime | None = None
    averted_by: Hit | None = None
    response: Hit | None = None
    partial: Hit | None = None
    response_early: bool = False  # found before the trigger fired
    partial_early: bool = False
    notes: list[str] = field(default_factory=list)
    trigger_windows: list[Window] = field(default_factory=list)
    response_windows: list[Window] = field(default_factory=list)


def _follow(scenario: Scenario, log: EventLog, instant: _Instant) -> tuple[_Course, DeadlineSpell]:
    tz = scenario.tz
    trigger, response = scenario.trigger, scenario.response
    counts_early = response is not None and response.counts_from == "opened"
    spells = [s for i, s in enumerate(scenario.schedule) if i == 0 or s.set_at <= instant.at]
    course = _Course()
    after_as_of = instant.at + dt.timedelta(microseconds=1)
    followed = _followed(scenario, log, instant)

    def look_for_response(window: Window, *, early: bool) -> bool:
        """Search one live window for the full and the partial response; True once enacted."""
        if response is None:
            return False
        course.response_windows.append(window)
        full = _search(log, response.match, window, instant, tz)
        if response.partial is not None and course.partial is None:
            part = _search(log, response.partial, window, instant, tz)
            if part is not None and (full is None or _before(part, full)):
                course.partial, course.partial_early = part, early
        if full is not None:
            course.response, course.response_early = full, early
            course.state = "enacted"
            return True
        return False

    for number, spell in enumerate(spells):
        start = scenario.opened_at if number == 0 else spell.set_at
        end = spells[number + 1].set_at if number + 1 < len(spells) else after_as_of
        if number > 0:
            course.notes.append(_move_text(spells[number - 1], spell, tz))
            if course.state == "passed":
                course.notes.append(f"The move re-opened it on {spell.set_text}.")
                course.state, course.triggered_at, course.trigger_day, course.lapsed_at = "pending", None, None, None
        if course.state == "pending":
            pending = Window(start, min(spell.due_at, end))
            course.trigger_windows.append(pending)
            decision: Hit | None = None  # the deciding event (for `after:`, the followed scenario's; None when its clock decided)
            decided: tuple[dt.datetime, bool] | None = None  # when it was decided, and whether by a date-only event
            if followed is not None and pending.start <= followed.at < pending.end:
                decision, decided = followed.hit, (followed.at, followed.hit is not None and followed.hit.date_only)
                course.followed = followed
            elif trigger is not None and trigger.match is not None:
                decision = _search(log, trigger.match, pending, instant, tz)
                decided = None if decision is None else (decision.at, decision.date_only)
            early = pending
            if decided is not None:
                # A date-only response on the day of a timed trigger cannot be placed before it: it counts after.
                day_before = decided[0].astimezone(tz).date() - dt.timedelta(days=1)
                early = Window(start, decided[0], None if decided[1] else day_before)
            if counts_early and look_for_response(early, early=trigger is not None):
                return course, spells[-1]
            course.state = "pending"
            course.response = None
            if decided is not None and trigger is not None:
                if trigger.kind == "unless" and decision is not None:
                    course.state, course.averted_by = "averted", decision
                    return course, spells[-1]
                course.state, course.triggered_at, course.trigger_hit = "fired", decided[0], decision
                course.trigger_day = decided[0].astimezone(tz).date() if decided[1] else None
            elif spell.due_at < end:
                at = max(spell.due_at, start)
                if trigger is not None and trigger.kind in ("when", "after"):
                    course.state, course.lapsed_at = "passed", at
                    course.notes.append("lapsed")
                else:
                    course.state, course.triggered_at = "passed", at
                    course.trigger_day = spell.due_day if spell.is_date and at == spell.due_at else None
        if course.state in ("fired", "passed") and course.triggered_at is not None:
            since = max(course.triggered_at, start)
            if look_for_response(Window(since, end), early=False):
                return course, spells[-1]
    return course, spells[-1]


def assess(scenario: Scenario, log: EventLog, as_of: AsOf, basis: Basis | str = Basis.OCCURRED) -> Assessment:
    """The status of one scenario as of ``as_of`` (an aware datetime, or a date: its end in the scenario's zone)."""
    at = instant_for(as_of, scenario.tz)
    basis = Basis(basis)
    if basis is Basis.KNOWN:
        log = known_at(log, at)
    return _assess(scenario, log, _Instant.of(at, scenario.tz), basis)


def _assess(scenario: Scenario, log: EventLog, instant: _Instant, basis: Basis) -> Assessment:
    if scenario.recurs is not None:
        # A series is as its current cycle is (the one a withdrawal fell in, once withdrawn): that cycle, assessed as a
        # one-off scenario over its own window, so an event counts only in the cycle it falls in.
        withdrawn_at = scenario.withdrawn_at
        at = instant.at if withdrawn_at is None else min(instant.at, withdrawn_at - dt.timedelta(microseconds=1))
        cycle = scenario.cycle_at(at)
        found = _assess(cycle.scenario, log, instant, basis)
        window = f"Cycle {cycle.number} ({cycle.opened.isoformat()} to {cycle.deadline.isoformat()})"
        return replace(found, scenario=scenario, cycle=cycle, explanation=f"{window}: {found.explanation}")
    as_of = instant.at
    withdrawn_at = scenario.withdrawn_at
    if withdrawn_at is not None and withdrawn_at <= as_of and scenario.withdrawn is not None:
        # The last instant before the withdrawal, in the scenario's zone: its day is the day before `on`.
        last = (withdrawn_at - dt.timedelta(microseconds=1)).astimezone(scenario.tz)
        before = _assess_tracked(scenario, log, _Instant.of(last, scenario.tz), basis)
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
            before_withdrawal=before,
            timing=before.timing,
            partial_hit=before.partial_hit,
            spell=scenario.deadline_in_force(as_of),
            basis=basis,
            trigger_windows=before.trigger_windows,
            response_windows=before.response_windows,
        )
    return _assess_tracked(scenario, log, instant, basis)


def _assess_tracked(scenario: Scenario, log: EventLog, instant: _Instant, basis: Basis) -> Assessment:
    as_of = instant.at
    tz = scenario.tz
    spell = scenario.deadline_in_force(as_of)
    if as_of < scenario.opened_at:
        return Assessment(
            scenario,
            Status.UPCOMING,
            as_of,
            f"Upcoming: tracking starts on {scenario.opened.isoformat()}.",
            spell=spell,
            basis=basis,
        )
    course, _ = _follow(scenario, log, instant)
    deadline_now = spell.due_text
    trigger, response = scenario.trigger, scenario.response
    moves = " ".join(n for n in course.notes if n != "lapsed")
    moves = f" {moves}" if moves else ""
    since = scenario.opened.isoformat()
    common: dict[str, Any] = {
        "spell": spell,
        "basis": basis,
        "trigger_windows": tuple(course.trigger_windows),
        "response_windows": tuple(course.response_windows),
        "trigger_hit": course.trigger_hit,
        "triggered_at": course.triggered_at,
    }
    trigger_ids = (course.trigger_hit.event_id,) if course.trigger_hit is not None else ()
    described = trigger.match.description if trigger is not None and trigger.match is not None else ""
    # What the trigger waits for, in words: events matching its MATCH, or (`after:`) the followed scenario reaching a status.
    if trigger is not None and trigger.after is not None and scenario.followed is not None:
        became = " or ".join(trigger.after.status)
        title = f"“{scenario.followed.title}”"
        awaited, awaited_now = f"{title} did not become {became}", f"{title} has not become {became}"
    else:
        awaited, awaited_now = f"no event matching {described} was logged", f"No event matching {described} has been logged"
    due = _response_due(scenario, course.triggered_at, course.trigger_day) if course.triggered_at is not None else None
    if course.triggered_at is None and trigger is None:
        due = None

    def why_triggered() -> str:
        if trigger is None:
            return f"The deadline ({deadline_text(course.triggered_at, tz)}) passed."  # type: ignore[arg-type]
        if course.followed is not None:
            return f"Triggered when {course.followed.text()}."
        if course.trigger_hit is not None:
            return f"Triggered on {_hit_text(course.trigger_hit, tz)} matched {described}."
        return (
            f"Triggered at {deadline_text(course.triggered_at, tz)}: no event matching {described} was logged "  # type: ignore[arg-type]
            f"between {since} and the deadline."
        )

    if course.state == "enacted" and response is not None and course.response is not None:
        hit = course.response
        timing = _timing(hit, course.response_early, due, tz)
        return Assessment(
            scenario,
            Status.ENACTED,
            as_of,
            f"Enacted on {_hit_text(hit, tz)} matched the response “{response.title}” ({response.match.description}). "
            f"{_timing_text(timing, due, tz)}{'' if timing is Timing.EARLY or trigger is None else ' ' + why_triggered()}{moves}",
            decided_at=hit.at,
            decided_by=(hit.event_id,) if course.response_early else (*trigger_ids, hit.event_id),
            response_due=due,
            response_hit=hit,
            timing=timing,
            partial_hit=course.partial,
            **common,
        )
    if course.state == "averted" and course.averted_by is not None:
        hit = course.averted_by
        return Assessment(
            scenario,
            Status.AVERTED,
            as_of,
            f"Averted on {_hit_text(hit, tz)} matched {described} before the deadline ({deadline_now}).{moves}",
            decided_at=hit.at,
            decided_by=(hit.event_id,),
            averted_by=hit,
            **{**common, "triggered_at": None},
        )
    if course.lapsed_at is not None and course.state == "passed":
        return Assessment(
            scenario,
            Status.LAPSED,
            as_of,
            f"Lapsed at {deadline_text(course.lapsed_at, tz)}: {awaited} between {since} and the deadline.{moves}",
            decided_at=course.lapsed_at,
            **{**common, "triggered_at": None},
        )
    if course.partial is not None and response is not None and response.partial is not None:
        hit = course.partial
        timing = _timing(hit, course.partial_early, due, tz)
        if trigger is None:
            full_due = f"The full response was due by {spell.due_text}."
        elif due is not None:
            full_due = f"The full response was due by {deadline_text(due, tz)}."
        elif course.triggered_at is not None:
            full_due = "The full response is awaited."
        else:
            full_due = f"The trigger has not fired yet (deadline {deadline_now})."
        return Assessment(
            scenario,
            Status.PARTLY_ENACTED,
            as_of,
            f"Partly enacted on {_hit_text(hit, tz)} matched part of the response “{response.title}” "
            f"({response.partial.description}). {_timing_text(timing, due, tz)} No full response ({response.match.description}) "
            f"has been logged. {full_due}{moves}",
            decided_at=hit.at,
            decided_by=(hit.event_id,) if course.partial_early else (*trigger_ids, hit.event_id),
            response_due=due,
            timing=timing,
            partial_hit=hit,
            **common,
        )
    if course.triggered_at is not None:
        why = why_triggered()
        if response is None:
            return Assessment(
                scenario,
                Status.TRIGGERED,
                as_of,
                f"{why} No response is defined for this scenario.{moves}",
                decided_at=course.triggered_at,
                decided_by=trigger_ids,
                **common,
            )
        awaiting = f"No response “{response.title}” ({response.match.description}) has been logged since."
        if trigger is None:
            awaiting = f"No response “{response.title}” ({response.match.description}) has been logged."
        if due is not None and as_of >= due:
            within = (
                ""
                if response.within is None
                else f"within {span_words(response.within)} of the {'deadline' if trigger is None else 'trigger'}"
            )
            rule = f"the response was due {within}" if within else "the response was due by the deadline"
            return Assessment(
                scenario,
                Status.OVERDUE,
                as_of,
                f"Overdue since {deadline_text(due, tz)}: {rule}. {why} {awaiting}{moves}",
                decided_at=due,
                decided_by=trigger_ids,
                response_due=due,
                **common,
            )
        due_text = f" It is due by {deadline_text(due, tz)}." if due is not None else ""
        return Assessment(
            scenario,
            Status.TRIGGERED,
            as_of,
            f"{why} {awaiting}{due_text}{moves}",
            remaining=None if due is None else due - as_of,
            decided_at=course.triggered_at,
            decided_by=trigger_ids,
            response_due=due,
            **common,
        )
    remaining = spell.due_at - as_of
    if trigger is None:
        assert response is not None  # a commitment has a response (checked by the model)
        text = (
            f"No response “{response.title}” ({response.match.description}) has been logged since {since}; "
            f"it is due by the deadline ({deadline_now})."
        )
    else:
        if trigger.kind == "unless":
            rule = f"if none is logged by the deadline ({deadline_now}), it triggers"
        elif trigger.kind == "after":
            rule = f"it triggers when that happens before the deadline ({deadline_now}); otherwise it lapses"
        else:
            rule = f"it triggers at the first one logged before the deadline ({deadline_now}); otherwise it lapses"
        text = f"{awaited_now} since {since}; {rule}."
    warn = scenario.warn_within
    if warn is not None and as_of >= warn.before(spell.due_at, tz):
        return Assessment(
            scenario,
            Status.DUE_SOON,
            as_of,
            f"Due soon: the deadline is less than {span_words(warn)} away. {text}{moves}",
            remaining=remaining,
            **common,
        )
    return Assessment(scenario, Status.WATCHING, as_of, f"Watching. {text}{moves}", remaining=remaining, **common)


def _timing(hit: Hit, early: bool, due: dt.datetime | None, tz: dt.tzinfo) -> Timing:
    if early:
        return Timing.EARLY
    if due is not None and not _counts_by(hit, due, tz):
        return Timing.LATE
    return Timing.ON_TIME


def _timing_text(timing: Timing, due: dt.datetime | None, tz: dt.tzinfo) -> str:
    if timing is Timing.EARLY:
        return "Early: it came before the trigger fired."
    if timing is Timing.LATE and due is not None:
        return f"Late: it was due by {deadline_text(due, tz)}."
    return "On time."


def _counts_by(hit: Hit, due: dt.datetime, tz: dt.tzinfo) -> bool:
    """Did the response come by its due time: a date-only event by its day, a timed one by its instant."""
    if hit.date_only:
        return _day_in(hit.at, tz) <= day_number(last_day(due, tz))
    return hit.at < due


def assess_all(scenarios: Iterable[Scenario], log: EventLog, as_of: AsOf, basis: Basis | str = Basis.OCCURRED) -> list[Assessment]:
    basis = Basis(basis)
    known: dict[dt.datetime, EventLog] = {}  # scenarios in one zone share an instant, so a bare date makes few logs
    found = []
    for scenario in scenarios:
        at = instant_for(as_of, scenario.tz)
        seen = log
        if basis is Basis.KNOWN:
            seen = known.get(at) or known.setdefault(at, known_at(log, at))
        found.append(_assess(scenario, seen, _Instant.of(at, scenario.tz), basis))
    return found


def urgency_key(assessment: Assessment) -> tuple[int, float, str]:
    """Most urgent first: by status, then by time left (soonest first), then by id."""
    remaining = assessment.remaining.total_seconds() if assessment.remaining is not None else float("inf")
    return (URGENCY.index(assessment.status), remaining, assessment.scenario.id)


def in_trigger_window(assessment: Assessment, log: EventLog, position: int) -> bool:
    """Could this event fire (or avert) the trigger: is it in a window where a deadline was in force and not passed?"""
    tz = assessment.scenario.tz
    instant = _Instant.of(assessment.as_of, tz)
    return any(_in_window(log, position, w, instant, tz) for w in assessment.trigger_windows)


def counts_as_response(assessment: Assessment, log: EventLog, position: int) -> bool:
    """Does this event fall where a response counted (from `opened` or the trigger, while the scenario was live)?"""
    tz = assessment.scenario.tz
    instant = _Instant.of(assessment.as_of, tz)
    return any(_in_window(log, position, w, instant, tz) for w in assessment.response_windows)
