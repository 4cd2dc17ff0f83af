"""Since the last briefing: what changed between two instants (pure; the UI, the pack and the CLI show it).

Three things changed or not between the last briefing and now: each scenario's status (the
engine run at both instants), the events that happened in between (as the log dates them),
and deadlines that were moved in the scenario files. Files keep only their current deadline,
so the moves come from a version history (git) given as a provider; without one, they are not
compared and the report says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tracker.engine.cycles import CycleOutcome, past_cycles
from tracker.engine.history import assess_over
from tracker.engine.review import CommitTimes, Review, reviews
from tracker.engine.status import AsOf, Assessment, Basis, Status, format_instant, instant_for, urgency_key
from tracker.judgement.model import Judgements
from tracker.log.events import Event, EventLog
from tracker.log.ledger import logged_stamps
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC, as_of_text, to_ns

NO_HISTORY = "git history not available: deadline moves are not compared"


@dataclass(frozen=True)
class StatusChange:
    """A scenario whose status changed in the period; for a series, also one that moved on to a later cycle."""

    before: Status
    now: Assessment  # the assessment at the later instant: its status and why
    before_cycle: int | None = None  # a series' cycle at the earlier instant
    ended: tuple[CycleOutcome, ...] = ()  # a series' cycles that ended in the period, with their outcomes

    @property
    def cycles(self) -> str:
        """ "cycle 1 -> 2; cycle 1 averted by <event id>" when a series moved on to a later cycle; "" otherwise.
        The ended cycles' outcomes are said because the series' own status is already the next cycle's."""
        after = None if self.now.cycle is None else self.now.cycle.number
        if after is None or after == self.before_cycle:
            return ""
        outcomes = [
            f"cycle {o.cycle.number} {o.assessment.status_words}"
            + (f" by {', '.join(o.assessment.decided_by)}" if o.assessment.decided_by else "")
            for o in self.ended
        ]
        return "; ".join([f"cycle {self.before_cycle} -> {after}", *outcomes])

    @property
    def scenario(self) -> Scenario:
        return self.now.scenario

    @property
    def after(self) -> Status:
        return self.now.status


@dataclass(frozen=True)
class DeadlineMove:
    """A scenario's deadline as changed in one revision of its file."""

    scenario_id: str
    before: str  # the deadline as written before, e.g. "2021-12-25"
    after: str
    changed_at: dt.datetime
    revision: str = ""  # e.g. a short commit id
    note: str = ""  # e.g. the commit subject, or who announced a move recorded in the file


@dataclass(frozen=True)
class StaleScenario:
    """A scenario stale at the end of the period: it became stale in it, or was stale already at its start."""

    now: Assessment  # at the end of the period
    review: Review  # at the end of the period
    became: bool  # not stale at the start of the period

    @property
    def scenario(self) -> Scenario:
        return self.now.scenario

    @property
    def words(self) -> str:
        """ "became stale in the period; last reviewed: assessed by AB on 2025-08-28" """
        when = "became stale in the period" if self.became else "stale all period"
        return f"{when}; last reviewed: {self.review.what or 'never'}"


# The deadline moves made between two instants (since, until]; built by the caller from a version history.
DeadlineMoves = Callable[[dt.datetime, dt.datetime], Sequence[DeadlineMove]]


@dataclass(frozen=True)
class SinceReport:
    since: dt.datetime  # the instants the period runs between, in the reader's zone
    until: dt.datetime
    changes: list[StatusChange]  # most urgent (at `until`) first
    unchanged: int
    events: np.ndarray  # positions of the events logged in (since, until] (by `logged_at`; unlogged rows by when they occurred)
    deadline_moves: list[DeadlineMove] | None  # announced in the files' deadline histories, and found in git; None: neither
    history_note: str = ""
    occurred: np.ndarray = field(default_factory=lambda: np.array([], np.int64))  # occurred in the period, logged outside it
    since_as_of: AsOf | None = None  # as asked for: a date means each scenario's end of that day
    until_as_of: AsOf | None = None
    stale: list[StaleScenario] | None = None  # stale at the end, most urgent first; None: no scenario has `review_every`

    @property
    def period_text(self) -> str:
        def shown(instant: dt.datetime, asked: AsOf | None) -> str:
            return as_of_text(asked) if asked is not None and not isinstance(asked, dt.datetime) else _shown(instant)

        return f"{shown(self.since, self.since_as_of)} -> {shown(self.until, self.until_as_of)}"

    def to_json(self, log: EventLog) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "status_changes": [
                {
                    "id": c.scenario.id,
                    "title": c.scenario.title,
                    "from": c.before.value,
                    "to": c.after.value,
                    "cycle_from": c.before_cycle,
                    "cycle_to": None if c.now.cycle is None else c.now.cycle.number,
                    "cycles_ended": [
                        {
                            "number": o.cycle.number,
                            "opened": o.cycle.opened.isoformat(),
                            "deadline": o.cycle.deadline.isoformat(),
                            "status": o.assessment.status.value,
                            "decided_by": list(o.assessment.decided_by),
                        }
                        for o in c.ended
                    ],
                    "explanation": c.now.explanation,
                }
                for c in self.changes
            ],
            "unchanged": self.unchanged,
            "stale": None
            if self.stale is None
            else [
                {
                    "id": s.scenario.id,
                    "title": s.scenario.title,
                    "owner": s.scenario.owner,
                    "became_stale_in_period": s.became,
                    "last_reviewed": None if s.review.last_reviewed is None else s.review.last_reviewed.isoformat(),
                    "last_review": s.review.what or None,
                }
                for s in self.stale
            ],
            "events": [
                {"id": e.id, "occurred": e.occurred, "title": e.title, "source": e.source} for e in log.events(self.events.tolist())
            ],
            "events_occurred_not_logged_in_period": [
                {"id": e.id, "occurred": e.occurred, "title": e.title, "source": e.source} for e in log.events(self.occurred.tolist())
            ],
            "deadline_moves": None
            if self.deadline_moves is None
            else [
                {
                    "id": m.scenario_id,
                    "from": m.before,
                    "to": m.after,
                    "changed_at": m.changed_at.isoformat(),
                    "revision": m.revision,
                    "note": m.note,
                }
                for m in self.deadline_moves
            ],
            "history_note": self.history_note,
        }


def _shown(instant: dt.datetime) -> str:
    return format_instant(instant, instant.tzinfo or dt.UTC)


def recorded_moves(scenarios: Sequence[Scenario], since: dt.datetime, until: dt.datetime) -> list[DeadlineMove]:
    """The deadline moves written in the scenarios' `deadlines:` histories, announced (`set`) in (since, until]."""
    found = []
    for scenario in scenarios:
        for previous, spell in zip(scenario.schedule, scenario.schedule[1:], strict=False):
            if since < spell.set_at <= until:
                by = f"announced ({spell.publisher})" if spell.publisher else "announced"
                found.append(DeadlineMove(scenario.id, previous.due_text, spell.due_text, spell.set_at, "", by))
    return found


def since_report(
    scenarios: Sequence[Scenario],
    log: EventLog,
    since: AsOf,
    until: AsOf,
    deadline_moves: DeadlineMoves | None = None,
    *,
    tz: dt.tzinfo = UTC,
    basis: Basis | str = Basis.OCCURRED,
    judgements: Judgements | None = None,
    commits: CommitTimes | None = None,
) -> SinceReport:
    """What changed from ``since`` (the last briefing) to ``until`` (now, or the as-of).

    Either may be a date (statuses at each scenario's end of that day; the period's events up to that day's end in
    ``tz``) or an instant. Events "logged" in the period count by `logged_at` (a row without one, by when it occurred):
    what was learnt since the last briefing; those that occurred in the period but were logged outside it are listed apart.
    Scenarios stale at ``until`` (tracker.engine.review: by the analysts' ``judgements``, matched events and the files'
    ``commits``) are listed, each saying whether it became stale in the period.
    """
    since_at, until_at = instant_for(since, tz).astimezone(tz), instant_for(until, tz).astimezone(tz)
    if since_at >= until_at:
        raise ValueError(f"the last briefing ({_shown(since_at)}) must be before the later instant ({_shown(until_at)})")
    at_since, at_until = assess_over(scenarios, log, [since, until], basis)
    before = {a.scenario.id: a for a in at_since}
    after = sorted(at_until, key=urgency_key)
    changes = [
        StatusChange(was.status, a, None if was.cycle is None else was.cycle.number, _ended(was, a, log, until, basis))
        for a in after
        if (was := before[a.scenario.id]).status is not a.status or was.cycle != a.cycle
    ]
    stale = _stale(at_since, after, log, judgements or Judgements(), commits)
    happened = np.zeros(len(log), bool)
    happened[np.setdiff1d(log.occurred_by(until_at), log.occurred_by(since_at), assume_unique=True)] = True
    known, stamped = logged_stamps(log)
    # A row with `logged_at` by that instant; one without, by when it occurred (a date-only one by its day).
    logged = np.where(stamped, (known > to_ns(since_at)) & (known <= to_ns(until_at)), happened)
    apart = np.flatnonzero(happened & ~logged)
    logged = np.flatnonzero(logged)
    moves: list[DeadlineMove] | None = recorded_moves(scenarios, since_at, until_at)
    note = ""
    if deadline_moves is None:
        note = NO_HISTORY
        moves = moves or None
    else:
        moves = (moves or []) + [m for m in deadline_moves(since_at, until_at) if since_at < m.changed_at <= until_at]
    if moves is not None:
        moves.sort(key=lambda m: (m.changed_at, m.scenario_id))
    return SinceReport(
        since_at,
        until_at,
        changes,
        len(after) - len(changes),
        _in_time_order(log, logged),
        moves,
        note,
        _in_time_order(log, apart),
        since,
        until,
        stale,
    )


def _stale(
    at_since: list[Assessment], at_until: list[Assessment], log: EventLog, judgements: Judgements, commits: CommitTimes | None
) -> list[StaleScenario] | None:
    """The scenarios stale at the end of the period (``at_until`` in urgency order); None when none asks to be reviewed."""
    reviewed = [a for a in at_until if a.scenario.review_every is not None]
    if not reviewed:
        return None
    ids = {a.scenario.id for a in reviewed}
    then = reviews([a for a in at_since if a.scenario.id in ids], log, judgements, commits)
    now = reviews(reviewed, log, judgements, commits)
    return [StaleScenario(a, now[a.scenario.id], not then[a.scenario.id].stale) for a in reviewed if now[a.scenario.id].stale]


def _in_time_order(log: EventLog, positions: np.ndarray) -> np.ndarray:
    ordered: np.ndarray = positions[np.argsort(log.when_ns[positions], kind="stable")]
    return ordered


def _ended(was: Assessment, now: Assessment, log: EventLog, until: AsOf, basis: Basis | str) -> tuple[CycleOutcome, ...]:
    """The cycles of a series that ended between the two assessments (from the earlier one's cycle on), as of ``until``."""
    if was.cycle is None or now.cycle is None or now.cycle.number == was.cycle.number:
        return ()
    first, current = was.cycle.number, now.cycle.number
    return tuple(o for o in past_cycles(now.scenario, log, until, basis) if first <= o.cycle.number < current)


def since_text(report: SinceReport, log: EventLog, tz: dt.tzinfo) -> str:
    """The report as plain text, for the terminal."""
    lines = [f"Since last briefing: {report.period_text}", ""]
    lines.append(f"Status changes ({len(report.changes)}; {report.unchanged} unchanged):")
    lines += [
        f"  {c.scenario.id}: {c.before.value} -> {c.after.value}{f' ({c.cycles})' if c.cycles else ''}\n    {c.now.explanation}"
        for c in report.changes
    ] or ["  none"]
    if report.stale is not None:
        lines += ["", f"Stale at the end of the period ({len(report.stale)}):"]
        lines += [f"  {s.scenario.id}: {s.words}" for s in report.stale] or ["  none"]
    lines += ["", f"Events logged ({len(report.events)}):"]
    lines += [f"  {e.occurred[:16]:<16}  {e.title}  ({e.id})" for e in log.events(report.events.tolist())] or ["  none"]
    if len(report.occurred):
        lines += ["", f"Events that occurred in the period, logged outside it ({len(report.occurred)}):"]
        lines += [f"  {e.occurred[:16]:<16}  {e.title}  ({e.id})" for e in log.events(report.occurred.tolist())]
    lines.append("")
    if report.deadline_moves is None:
        lines.append(f"Deadlines moved: {report.history_note}")
    else:
        lines.append(f"Deadlines moved ({len(report.deadline_moves)}):")
        lines += [
            f"  {m.scenario_id}: {m.before} -> {m.after} ({format_instant(m.changed_at, tz)}"
            f"{', ' + m.revision if m.revision else ''}{', ' + m.note if m.note and not m.revision else ''})"
            for m in report.deadline_moves
        ] or ["  none"]
    return "\n".join(lines)


def deciding_events(assessment: Assessment, log: EventLog) -> list[Event]:
    """The logged events that decided the status (trigger, response, or the event that averted it)."""
    positions = [p for p in (log.position(i) for i in assessment.decided_by) if p is not None]
    return log.events(positions)
