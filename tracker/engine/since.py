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
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.engine.status import Assessment, Status, assess_all, format_instant, urgency_key
from tracker.log.events import Event, EventLog
from tracker.scenario.model import Scenario

NO_HISTORY = "git history not available: deadline moves are not compared"


@dataclass(frozen=True)
class StatusChange:
    before: Status
    now: Assessment  # the assessment at the later instant: its status and why

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
    note: str = ""  # e.g. the commit subject


# The deadline moves made between two instants (since, until]; built by the caller from a version history.
DeadlineMoves = Callable[[dt.datetime, dt.datetime], Sequence[DeadlineMove]]


@dataclass(frozen=True)
class SinceReport:
    since: dt.datetime
    until: dt.datetime
    changes: list[StatusChange]  # most urgent (at `until`) first
    unchanged: int
    events: np.ndarray  # positions in the log of the events in (since, until], in time order
    deadline_moves: list[DeadlineMove] | None  # None: no history to compare
    history_note: str = ""

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
                    "explanation": c.now.explanation,
                }
                for c in self.changes
            ],
            "unchanged": self.unchanged,
            "events": [
                {"id": e.id, "occurred": e.occurred, "title": e.title, "source": e.source} for e in log.events(self.events.tolist())
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


def since_report(
    scenarios: Sequence[Scenario],
    log: EventLog,
    since: dt.datetime,
    until: dt.datetime,
    deadline_moves: DeadlineMoves | None = None,
) -> SinceReport:
    """What changed from ``since`` (the last briefing) to ``until`` (now, or the as-of instant)."""
    if since >= until:
        raise ValueError(f"the last briefing ({_shown(since)}) must be before the later instant ({_shown(until)})")
    before = {a.scenario.id: a.status for a in assess_all(scenarios, log, since)}
    after = sorted(assess_all(scenarios, log, until), key=urgency_key)
    changes = [StatusChange(before[a.scenario.id], a) for a in after if before[a.scenario.id] is not a.status]
    new = np.setdiff1d(log.occurred_by(until), log.occurred_by(since), assume_unique=True)
    ordered = new[np.argsort(log.when_ns[new], kind="stable")]
    if deadline_moves is None:
        moves, note = None, NO_HISTORY
    else:
        moves = sorted(
            (m for m in deadline_moves(since, until) if since < m.changed_at <= until), key=lambda m: (m.changed_at, m.scenario_id)
        )
        note = ""
    return SinceReport(since, until, changes, len(after) - len(changes), ordered, moves, note)


def since_text(report: SinceReport, log: EventLog, tz: dt.tzinfo) -> str:
    """The report as plain text, for the terminal."""
    lines = [f"Since last briefing: {format_instant(report.since, tz)} -> {format_instant(report.until, tz)}", ""]
    lines.append(f"Status changes ({len(report.changes)}; {report.unchanged} unchanged):")
    lines += [f"  {c.scenario.id}: {c.before.value} -> {c.after.value}\n    {c.now.explanation}" for c in report.changes] or ["  none"]
    lines += ["", f"Events logged ({len(report.events)}):"]
    lines += [f"  {e.occurred[:16]:<16}  {e.title}  ({e.id})" for e in log.events(report.events.tolist())] or ["  none"]
    lines.append("")
    if report.deadline_moves is None:
        lines.append(f"Deadlines moved: {report.history_note}")
    else:
        lines.append(f"Deadlines moved ({len(report.deadline_moves)}):")
        lines += [
            f"  {m.scenario_id}: {m.before} -> {m.after} ({format_instant(m.changed_at, tz)}{', ' + m.revision if m.revision else ''})"
            for m in report.deadline_moves
        ] or ["  none"]
    return "\n".join(lines)


def deciding_events(assessment: Assessment, log: EventLog) -> list[Event]:
    """The logged events that decided the status (trigger, response, or the event that averted it)."""
    positions = [p for p in (log.position(i) for i in assessment.decided_by) if p is not None]
    return log.events(positions)
