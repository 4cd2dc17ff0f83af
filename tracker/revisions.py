"""Corrections and retractions: the log is a ledger, never edited in place.

A wrong event is fixed by appending a row: ``corrects: ID`` gives a new version of
event ID, ``retracts: ID`` withdraws it. The original stays in the file. After the
rows are read, `resolve_revisions` turns them into what the engine matches:

- a corrected event appears once, in its latest version (file order), under its
  ORIGINAL id, so scenarios' ``ids:`` and ``decided_by`` stay stable;
- a correction may correct a correction: the chain leads back to one original;
- a retracted event (retracting any of its versions retracts the event) is not
  matched at all; a retraction cannot itself be corrected or retracted;
- every version stays available as the event's history (`Revisions.history`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker.events import Event, EventLog
from tracker.problems import Problem, Severity

CORRECTS, RETRACTS = "corrects", "retracts"
REVISION_COLUMNS = (CORRECTS, RETRACTS)

VersionKind = Literal["original", "correction", "retraction"]


@dataclass(frozen=True)
class Version:
    """One row of an event's history, as written (with its own id)."""

    event: Event
    kind: VersionKind
    current: bool  # the version the engine matches (none of them once the event is retracted)


@dataclass(frozen=True)
class RevisionProblem:
    """A correction or retraction that cannot be applied; ``position`` is its row among the rows resolved."""

    position: int
    column: str
    message: str
    severity: Severity = "error"


@dataclass
class Revisions:
    """How the rows of a log that has corrections or retractions were resolved."""

    raw: EventLog  # every valid row in file order, before resolution
    versions: dict[str, list[int]] = field(default_factory=dict)  # event id -> rows: original, then corrections
    retractions: dict[str, list[int]] = field(default_factory=dict)  # event id -> rows that retract it
    event_of: dict[str, str] = field(default_factory=dict)  # id of a correction or retraction row -> event id

    def event_id(self, any_id: str) -> str:
        """The event a row id belongs to (itself for an original)."""
        return self.event_of.get(any_id, any_id)

    @property
    def retracted_ids(self) -> list[str]:
        return list(self.retractions)

    def history(self, any_id: str) -> list[Version]:
        """Every version of the event ``any_id`` belongs to, original first, then its retractions."""
        event_id = self.event_id(any_id)
        rows = self.versions.get(event_id)
        if rows is None:
            pos = self.raw.position(event_id)
            if pos is None or event_id in self.event_of:
                return []
            rows = [pos]
        retracted = event_id in self.retractions
        history = [
            Version(self.raw.event(pos), "original" if i == 0 else "correction", current=not retracted and i == len(rows) - 1)
            for i, pos in enumerate(rows)
        ]
        history += [Version(self.raw.event(pos), "retraction", current=False) for pos in self.retractions.get(event_id, [])]
        return history


def history(log: EventLog, any_id: str) -> list[Version]:
    """Every version of an event; [] when the log has no such event."""
    if log.revisions is not None:
        return log.revisions.history(any_id)
    pos = log.position(any_id)
    return [] if pos is None else [Version(log.event(pos), "original", current=True)]


def raw_rows(log: EventLog) -> EventLog:
    """The log as read, before corrections and retractions were applied."""
    return log.revisions.raw if log.revisions is not None else log


def _stripped(table: pa.Table, column: str) -> list[str]:
    if column not in table.column_names:
        return [""] * table.num_rows
    return [str(v) for v in pc.utf8_trim_whitespace(table.column(column).combine_chunks()).to_pylist()]


def _has_revisions(table: pa.Table) -> bool:
    for column in REVISION_COLUMNS:
        if column in table.column_names and table.num_rows:
            lengths = pc.utf8_length(pc.utf8_trim_whitespace(table.column(column).combine_chunks()))
            if pc.max(lengths).as_py():
                return True
    return False


def resolve_revisions(raw: EventLog) -> tuple[EventLog, list[RevisionProblem]]:
    """Apply the corrections and retractions of ``raw`` (valid rows with unique ids, in file order)."""
    if not _has_revisions(raw.table):
        return raw, []
    corrects, retracts = _stripped(raw.table, CORRECTS), _stripped(raw.table, RETRACTS)
    ids: list[str] = [str(v) for v in raw.table.column("id").to_pylist()]
    position = {event_id: pos for pos, event_id in enumerate(ids)}
    problems: list[RevisionProblem] = []
    parent: dict[int, int] = {}  # correction row -> the row it corrects
    retraction: dict[int, int] = {}  # retraction row -> the row it retracts
    invalid: set[int] = set()
    revision_rows = [pos for pos in range(len(ids)) if corrects[pos] or retracts[pos]]
    for pos in revision_rows:
        if corrects[pos] and retracts[pos]:
            problems.append(
                RevisionProblem(pos, RETRACTS, f"retracts: this row also corrects {corrects[pos]!r}; a row either corrects or retracts")
            )
            invalid.add(pos)
            continue
        column, ref = (CORRECTS, corrects[pos]) if corrects[pos] else (RETRACTS, retracts[pos])
        target = position.get(ref)
        if target is None:
            problems.append(RevisionProblem(pos, column, f"{column}: no event with id {ref!r} in the event log"))
            invalid.add(pos)
        elif target == pos:
            problems.append(RevisionProblem(pos, column, f"{column}: the row names its own id {ref!r}"))
            invalid.add(pos)
        elif column == CORRECTS:
            parent[pos] = target
        else:
            retraction[pos] = target

    # The original each correction leads back to (None: it leads nowhere valid).
    original: dict[int, int | None] = {}
    for start in parent:
        path: list[int] = []
        on_path: set[int] = set()
        row = start
        while row in parent and row not in original and row not in on_path:
            path.append(row)
            on_path.add(row)
            row = parent[row]
        if row in on_path:  # a loop: the rows from ``row`` on refer to each other
            loop = path[path.index(row) :]
            names = " -> ".join(repr(ids[r]) for r in [*loop, row])
            for r in loop:
                problems.append(RevisionProblem(r, CORRECTS, f"corrects: corrections refer to each other in a loop ({names})"))
                original[r] = None
            path = path[: path.index(row)]
            base: int | None = None
        elif row in original:
            base = original[row]
        elif row in retraction or row in invalid:
            base = None
        else:
            base = row
        for r in reversed(path):
            if base is None:
                target = parent[r]
                ref = ids[target]
                if target in retraction:
                    message = f"corrects: {ref!r} is a retraction, not an event; correct the event it retracts"
                else:
                    message = f"corrects: {ref!r} is not a valid event or correction (see the problem on its own row)"
                problems.append(RevisionProblem(r, CORRECTS, message))
            original[r] = base

    versions: dict[str, list[int]] = {}
    retractions: dict[str, list[int]] = {}
    event_of: dict[str, str] = {}
    for row in sorted(r for r, base in original.items() if base is not None):
        base = original[row]
        assert base is not None
        versions.setdefault(ids[base], [base]).append(row)
        event_of[ids[row]] = ids[base]
    for row, target in sorted(retraction.items()):
        ref = ids[target]
        if target in retraction:
            message = f"retracts: {ref!r} is itself a retraction; a retraction cannot be undone, log the event again instead"
        elif target in invalid or (target in original and original[target] is None):
            message = f"retracts: {ref!r} is not a valid event or correction (see the problem on its own row)"
        else:
            base = original.get(target, target)
            assert base is not None
            retractions.setdefault(ids[base], []).append(row)
            event_of[ids[row]] = ids[base]
            continue
        problems.append(RevisionProblem(row, RETRACTS, message))
    for event_id, rows in versions.items():
        if event_id in retractions:
            first = retractions[event_id][0]
            by = ids[first]
            for row in (r for r in rows[1:] if r > first):
                message = f"corrects: event {event_id!r} was retracted by {by!r}; this correction is kept in its history but not matched"
                problems.append(RevisionProblem(row, CORRECTS, message, "warning"))

    # What the engine matches: each event once, in its latest version, under its original id.
    keep = np.ones(len(ids), bool)
    keep[revision_rows] = False
    for event_id in retractions:
        keep[position[event_id]] = False
    source = np.arange(len(ids))
    for event_id, rows in versions.items():
        source[position[event_id]] = rows[-1]
    kept = np.flatnonzero(keep)
    taken = source[kept]
    table = raw.table.take(pa.array(taken))
    table = table.set_column(table.column_names.index("id"), "id", raw.table.column("id").take(pa.array(kept)))
    resolved = EventLog(
        table,
        raw.when_ns[taken],
        raw.date_only[taken],
        list(raw.problems),
        list(raw.files),
        revisions=Revisions(raw, versions, retractions, event_of),
    )
    return resolved, sorted(problems, key=lambda p: p.position)


def apply_revisions(log: EventLog, where: Callable[[int], tuple[str, int]]) -> EventLog:
    """The loader's last step: resolve ``log`` and report each problem at its file and line (``where(row)``)."""
    resolved, problems = resolve_revisions(log)
    if not problems:
        return resolved
    columns = log.table.column_names
    found = []
    for problem in problems:
        path, line = where(problem.position)
        found.append(Problem(path, line, columns.index(problem.column) + 1, problem.message, problem.severity))
    resolved.problems = sorted([*resolved.problems, *found])
    return resolved


def _aligned(table: pa.Table, columns: list[str]) -> pa.Table:
    for name in columns:
        if name not in table.column_names:
            table = table.append_column(name, pa.array([""] * table.num_rows, pa.large_string()))
    return table.select(columns)


def extended(log: EventLog, extra: EventLog) -> tuple[EventLog, list[RevisionProblem]]:
    """``log`` with the rows of ``extra`` (read, not yet resolved) appended and everything resolved again.

    The problems returned are those of ``extra``'s rows, numbered from 0 within ``extra``.
    """
    base = raw_rows(log)
    columns = list(dict.fromkeys([*base.table.column_names, *extra.table.column_names]))
    table = pa.concat_tables([_aligned(base.table, columns), _aligned(extra.table, columns)]).combine_chunks()
    combined = EventLog(
        table,
        np.concatenate([base.when_ns, extra.when_ns]),
        np.concatenate([base.date_only, extra.date_only]),
        list(log.problems),
        list(log.files),
    )
    resolved, problems = resolve_revisions(combined)
    offset = len(base)
    own = [RevisionProblem(p.position - offset, p.column, p.message, p.severity) for p in problems if p.position >= offset]
    return resolved, own
