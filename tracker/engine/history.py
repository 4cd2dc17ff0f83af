"""Replay over time: every scenario's assessment at many instants, and its status history, in one pass.

An assessment can change only at a scenario's *decisive instants*: its opening, withdrawal,
each deadline's announcement, due time and due-soon threshold (due moved back by `warn_within`),
the response's due time, and the instant a matching event comes into view (a timed event at
its instant, a date-only one at the start of its day in the scenario's zone). Between two of
them only the clock moves, and only the clock-dependent fields follow it: `as_of`, the time
`remaining`, and the end of the last search window (which always runs to just after `as_of`).

So a scenario is evaluated fully at the first asked instant (a bare date is, as everywhere,
the end of that day in the scenario's own zone), which gives its *horizon*: the next decisive
instant. Every asked instant before the horizon is derived from that evaluation (those fields
recomputed exactly: elapsed time, not wall-clock time, across a change to summer time); the
first one at or past it is evaluated fully again. The horizon counts only what could still
change something: due-soon thresholds only while a deadline is watched; trigger events only
until the trigger fires (or, after an early response, until the response's window closes);
responses only until one is found, and before the trigger only with `counts_from: opened`;
averted, lapsed, withdrawn and upcoming scenarios wait only for their fixed instants (a moved
deadline, the opening, the withdrawal). The work grows with the decisive instants met, not
with the number of instants asked. `statuses_over` stops there; `assess_over` also builds each
derived assessment (a copy of the fields), which costs a little at each scenario and instant.

`Basis.KNOWN` replays the log as known at each instant: any row logged later (a correction,
a retraction, an earlier-dated event) can change the past, and the positions of hits refer to
each instant's own known log. Assessments on that basis are evaluated at every asked instant;
its status history steps through the instants at which a relevant row became known.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tracker.engine.status import (
    AsOf,
    Assessment,
    Basis,
    Status,
    Window,
    _assess,
    _Instant,
    assess,
    assess_all,
    instant_for,
)
from tracker.log.events import EventLog
from tracker.log.index import DAY_NS
from tracker.log.ledger import REVISION_COLUMNS, logged_ns, raw_rows
from tracker.scenario.model import Match, Scenario
from tracker.timeutil import UTC, from_day_number, from_ns, start_of_day, to_ns

_TICK = dt.timedelta(microseconds=1)
# Statuses no later event can change: only a fixed instant (a moved deadline, the opening, the withdrawal) can.
_WAITING_FOR_THE_CLOCK = frozenset({Status.UPCOMING, Status.AVERTED, Status.LAPSED, Status.WITHDRAWN})
_WATCHING_A_DEADLINE = frozenset({Status.WATCHING, Status.DUE_SOON})
_NEVER = int(np.iinfo(np.int64).max)


@dataclass(frozen=True)
class StatusSpell:
    """A scenario's status from ``start`` until the next spell of its history (or the end of the period)."""

    start: dt.datetime
    status: Status
    assessment: Assessment  # the assessment at ``start``: why


def assess_over(
    scenarios: Sequence[Scenario], log: EventLog, instants: Sequence[AsOf], basis: Basis | str = Basis.OCCURRED
) -> list[list[Assessment]]:
    """Exactly ``[assess_all(scenarios, log, t, basis) for t in instants]``, computed in one pass per scenario."""
    basis = Basis(basis)
    if basis is Basis.KNOWN:
        return [assess_all(scenarios, log, t, basis) for t in instants]
    columns = []
    for scenario in scenarios:
        at = [instant_for(t, scenario.tz) for t in instants]
        columns.append([_moved_on(evaluated, t) for evaluated, t in zip(_replay(scenario, log, at), at, strict=True)])
    return [[column[k] for column in columns] for k in range(len(instants))]


def statuses_over(
    scenarios: Sequence[Scenario], log: EventLog, instants: Sequence[AsOf], basis: Basis | str = Basis.OCCURRED
) -> list[list[Status]]:
    """Exactly the statuses of `assess_over`, without building an assessment for every scenario and instant."""
    basis = Basis(basis)
    if basis is Basis.KNOWN:
        return [[a.status for a in assess_all(scenarios, log, t, basis)] for t in instants]
    columns = [[a.status for a in _replay(scenario, log, [instant_for(t, scenario.tz) for t in instants])] for scenario in scenarios]
    return [[column[k] for column in columns] for k in range(len(instants))]


def _replay(scenario: Scenario, log: EventLog, at: Sequence[dt.datetime]) -> list[Assessment]:
    """For each of ``at`` (instants, in the order given), the full assessment of the stretch between two decisive
    instants it falls in: evaluated at the first of ``at`` in that stretch (occurred basis)."""
    tz = scenario.tz
    found: list[Assessment | None] = [None] * len(at)
    fixed = _Fixed.of(scenario, max(at, default=scenario.opened_at))
    current: Assessment | None = None
    horizon_ns = 0
    for k in sorted(range(len(at)), key=lambda k: at[k]):
        if current is None or to_ns(at[k]) >= horizon_ns:
            instant = _Instant.of(at[k], tz)
            current = _assess(scenario, log, instant, Basis.OCCURRED)
            horizon_ns = _horizon_ns(scenario, log, current, instant, fixed)
        found[k] = current
    return [a for a in found if a is not None]


def _moved_on(assessment: Assessment, at: dt.datetime) -> Assessment:
    """The assessment at a later instant before the next decisive one: only the clock-dependent fields change."""
    if at is assessment.as_of:
        return assessment
    was_end, end = assessment.as_of + _TICK, at + _TICK

    def reach(windows: tuple[Window, ...]) -> tuple[Window, ...]:
        return tuple(Window(w.start, end, w.last_day) if w.end == was_end else w for w in windows)

    # Elapsed time, not wall-clock time: the engine's `remaining` runs from as_of to a due instant held in UTC.
    elapsed = at.astimezone(UTC) - assessment.as_of.astimezone(UTC)
    moved = object.__new__(Assessment)
    # A copy of the fields, then the changed ones: `dataclasses.replace` re-runs __init__ over some twenty fields, 8x
    # the cost, and a replay makes one derived assessment per scenario and instant.
    vars(moved).update(
        vars(assessment),
        as_of=at,
        remaining=None if assessment.remaining is None else assessment.remaining - elapsed,
        trigger_windows=reach(assessment.trigger_windows),
        response_windows=reach(assessment.response_windows),
    )
    return moved


@dataclass(frozen=True)
class _Fixed:
    """The decisive instants a scenario's file fixes, in ns, sorted: due-soon thresholds (a deadline minus
    `warn_within`) apart, as only a scenario watching a deadline can become due soon."""

    always: np.ndarray
    due_soon: np.ndarray
    through: dt.datetime

    @classmethod
    def of(cls, scenario: Scenario, through: dt.datetime) -> _Fixed:
        """``through``: the last instant asked about; a series' cycles count as far as the one current then."""
        parts = scenario.windows_through(through)
        found = [p.opened_at for p in parts] + [t for p in parts for spell in p.schedule for t in (spell.set_at, spell.due_at)]
        if scenario.withdrawn_at is not None:
            found.append(scenario.withdrawn_at)
        warn = scenario.warn_within
        thresholds = [] if warn is None else [warn.before(spell.due_at, scenario.tz) for p in parts for spell in p.schedule]
        return cls(_sorted_ns(found), _sorted_ns(thresholds), through)

    def next_after(self, instant: _Instant, status: Status) -> int:
        """The first of them after ``instant`` that can matter to ``status`` (past every instant when there is none)."""
        found = _NEVER
        for instants in (self.always, self.due_soon) if status in _WATCHING_A_DEADLINE else (self.always,):
            later = int(np.searchsorted(instants, instant.ns, side="right"))
            if later < len(instants):
                found = min(found, int(instants[later]))
        return found

    def all(self) -> list[int]:
        return [int(ns) for ns in (*self.always, *self.due_soon)]


def _sorted_ns(instants: list[dt.datetime]) -> np.ndarray:
    return np.unique(np.array([to_ns(t) for t in instants], np.int64))


def _trigger_still_counts(assessment: Assessment) -> bool:
    """Before the trigger fires, can a later trigger event change the assessment? Not once a response came early and
    its window closed (at a trigger event or the deadline): the first trigger event in the window has been found."""
    if assessment.response_hit is None:
        return True
    open_end = assessment.as_of + _TICK
    return any(window.end == open_end for window in assessment.response_windows)


def _live_matches(scenario: Scenario, assessment: Assessment) -> list[Match]:
    """The MATCHes whose later events could still change the assessment (on the occurred basis)."""
    if assessment.status in _WAITING_FOR_THE_CLOCK:
        return []
    live = []
    trigger = scenario.trigger
    if trigger is not None and trigger.match is not None and assessment.triggered_at is None and _trigger_still_counts(assessment):
        live.append(trigger.match)
    response = scenario.response
    # With `counts_from: trigger`, a response before the trigger fires counts for nothing.
    if response is not None and (response.counts_from == "opened" or assessment.triggered_at is not None):
        if assessment.response_hit is None:
            live.append(response.match)
        if response.partial is not None and assessment.partial_hit is None:
            live.append(response.partial)
    return live


def _horizon_ns(scenario: Scenario, log: EventLog, assessment: Assessment, instant: _Instant, fixed: _Fixed) -> int:
    """The next decisive instant after ``instant`` (ns; past every instant when there is none)."""
    horizon = fixed.next_after(instant, assessment.status)
    due = assessment.response_due
    if due is not None and to_ns(due) > instant.ns:
        horizon = min(horizon, to_ns(due))
    for match in _live_matches(scenario, assessment):
        coming = _next_in_view(log, match, instant, scenario.tz)
        if coming is not None:
            horizon = min(horizon, coming)
    followed = scenario.followed
    if followed is not None and assessment.triggered_at is None and assessment.status not in _WAITING_FOR_THE_CLOCK:
        # An `after:` trigger waits on the scenario it follows: its next decisive instant is one of this one's.
        at = _Instant.of(instant.at, followed.tz)
        horizon = min(
            horizon, _horizon_ns(followed, log, _assess(followed, log, at, Basis.OCCURRED), at, _Fixed.of(followed, fixed.through))
        )
    return horizon


def _next_in_view(log: EventLog, match: Match, instant: _Instant, tz: dt.tzinfo) -> int | None:
    """When the next event matching ``match`` comes into view after ``instant`` (ns): a timed one at its instant,
    a date-only one at the start of its day in ``tz`` (the engine compares those by day)."""
    index = log.index
    found: int | None = None
    timed = index.timed
    rank = index.first(match, "timed", int(np.searchsorted(timed.keys, instant.ns, side="right")), timed.size)
    if rank is not None:
        found = int(timed.keys[rank])
    dated = index.dated
    rank = index.first(match, "dated", int(np.searchsorted(dated.keys, instant.day, side="right")), dated.size)
    if rank is not None:
        day_start = to_ns(start_of_day(from_day_number(int(dated.keys[rank])), tz))
        found = day_start if found is None else min(found, day_start)
    return found


def status_history(scenario: Scenario, log: EventLog, start: AsOf, end: AsOf, basis: Basis | str = Basis.OCCURRED) -> list[StatusSpell]:
    """The scenario's status at ``start`` and each change of it until ``end`` (both included; a date means the end of
    that day in the scenario's zone), from its decisive instants."""
    basis = Basis(basis)
    tz = scenario.tz
    first, last = instant_for(start, tz), instant_for(end, tz)
    if last < first:
        raise ValueError("the period must not end before it starts")
    spells: list[StatusSpell] = []

    def note(assessment: Assessment) -> None:
        if not spells or spells[-1].status is not assessment.status:
            spells.append(StatusSpell(assessment.as_of, assessment.status, assessment))

    if basis is Basis.KNOWN:
        _known_history(scenario, log, first, last, note)
        return spells
    fixed = _Fixed.of(scenario, last)
    at, last_ns = first, to_ns(last)
    while True:
        instant = _Instant.of(at, tz)
        assessment = _assess(scenario, log, instant, basis)
        note(assessment)
        horizon = _horizon_ns(scenario, log, assessment, instant, fixed)
        if horizon > last_ns:
            return spells
        at = from_ns(_whole_microseconds(horizon)).astimezone(tz)


def _known_history(scenario: Scenario, log: EventLog, first: dt.datetime, last: dt.datetime, note: Callable[[Assessment], None]) -> None:
    """The history on the known basis: evaluated at every instant a relevant row became known or came into view."""
    first_ns, last_ns = to_ns(first), to_ns(last)
    candidates = [ns for linked in scenario.ancestry() for ns in (*_Fixed.of(linked, last).all(), *_known_instants(linked, log))]
    queue = sorted({_whole_microseconds(ns) for ns in candidates if first_ns < ns <= last_ns})
    at_ns = first_ns
    at = first
    while True:
        assessment = assess(scenario, log, at, Basis.KNOWN)
        note(assessment)
        due = assessment.response_due
        if due is not None and at_ns < to_ns(due) <= last_ns:
            heapq.heappush(queue, to_ns(due))  # a sorted list is a heap
        while queue and queue[0] <= at_ns:
            heapq.heappop(queue)
        if not queue:
            return
        at_ns = heapq.heappop(queue)
        at = from_ns(at_ns).astimezone(scenario.tz)


def _known_instants(scenario: Scenario, log: EventLog) -> list[int]:
    """When each row that could matter to the scenario became known and when it came into view (ns): rows of the
    log as read matching one of its MATCHes, and every correction and retraction."""
    raw = raw_rows(log)
    rows: list[np.ndarray] = [raw.index.all_rows(part.match) for part in scenario.parts]
    for column in REVISION_COLUMNS:
        if column in raw.table.column_names:
            cells = raw.table.column(column).to_pylist()
            rows.append(np.array([i for i, cell in enumerate(cells) if cell and cell.strip()], np.int64))
    picked = np.unique(np.concatenate(rows)) if rows else np.empty(0, np.int64)
    known = logged_ns(raw)[picked]
    in_view = [
        to_ns(start_of_day(from_day_number(int(raw.when_ns[p]) // DAY_NS), scenario.tz)) if raw.date_only[p] else int(raw.when_ns[p])
        for p in picked.tolist()
    ]
    return [int(ns) for ns in known] + in_view


def _whole_microseconds(ns: int) -> int:
    """The first whole microsecond at or after ``ns``: instants are datetimes, and one before ``ns`` would not see it."""
    return -(-ns // 1000) * 1000
