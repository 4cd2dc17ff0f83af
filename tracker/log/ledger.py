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

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.log.events import EventLog, Revisions
from tracker.problems import Problem, Severity
from tracker.text import excerpt
from tracker.timeutil import FIRST_DAY, LAST_DAY, end_of_day, start_of_day, to_ns

CORRECTS, RETRACTS = "corrects", "retracts"
REVISION_COLUMNS = (CORRECTS, RETRACTS)


@dataclass(frozen=True)
class RevisionProblem:
    """A correction or retraction that cannot be applied; ``position`` is its row among the rows resolved."""

    position: int
    column: str
    message: str
    severity: Severity = "error"


def raw_rows(log: EventLog) -> EventLog:
    """The log as read, before corrections and retractions were applied."""
    return log.revisions.raw if log.revisions is not None else log


def _trimmed(table: pa.Table, column: str) -> pa.Array | None:
    if column not in table.column_names:
        return None
    return pc.utf8_trim_whitespace(table.column(column).combine_chunks())


def resolve_revisions(raw: EventLog) -> tuple[EventLog, list[RevisionProblem]]:
    """Apply the corrections and retractions of ``raw`` (valid rows with unique ids, in file order).

    Only the revision rows are looked at one by one; a log of a million rows with a few
    corrections costs a few vectorised passes.
    """
    trimmed = {column: _trimmed(raw.table, column) for column in REVISION_COLUMNS}
    mask = np.zeros(len(raw), bool)
    for array in trimmed.values():
        if array is not None and len(array):
            mask |= pc.greater(pc.utf8_length(array), 0).to_numpy(zero_copy_only=False)
    if not mask.any():
        return raw, []
    revision_rows: list[int] = np.flatnonzero(mask).tolist()
    taken = pa.array(revision_rows, pa.int64())
    cells = {
        column: ([""] * len(revision_rows) if array is None else [str(v) for v in array.take(taken).to_pylist()])
        for column, array in trimmed.items()
    }
    corrects = dict(zip(revision_rows, cells[CORRECTS], strict=True))
    retracts = dict(zip(revision_rows, cells[RETRACTS], strict=True))
    id_column = raw.table.column("id").combine_chunks()
    refs = [corrects[pos] or retracts[pos] for pos in revision_rows]
    found = pc.index_in(pa.array(refs, pa.large_string()), value_set=id_column).to_pylist()
    names: dict[int, str] = {}

    def name(pos: int) -> str:
        if pos not in names:
            names[pos] = str(id_column[pos].as_py())
        return names[pos]

    problems: list[RevisionProblem] = []
    parent: dict[int, int] = {}  # correction row -> the row it corrects
    retraction: dict[int, int] = {}  # retraction row -> the row it retracts
    invalid: set[int] = set()
    for pos, ref, target in zip(revision_rows, refs, found, strict=True):
        if corrects[pos] and retracts[pos]:
            problems.append(
                RevisionProblem(
                    pos, RETRACTS, f"retracts: this row also corrects {excerpt(corrects[pos])}; a row either corrects or retracts"
                )
            )
            invalid.add(pos)
            continue
        column = CORRECTS if corrects[pos] else RETRACTS
        if target is None:
            problems.append(RevisionProblem(pos, column, f"{column}: no event with id {excerpt(ref)} in the event log"))
            invalid.add(pos)
        elif target == pos:
            problems.append(RevisionProblem(pos, column, f"{column}: the row names its own id {excerpt(ref)}"))
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
        base: int | None
        if row in on_path:  # a loop: the rows from ``row`` on refer to each other
            loop = path[path.index(row) :]
            loop_names = " -> ".join(repr(name(r)) for r in [*loop, row])
            for r in loop:
                problems.append(RevisionProblem(r, CORRECTS, f"corrects: corrections refer to each other in a loop ({loop_names})"))
                original[r] = None
            path = path[: path.index(row)]
            base = None
        elif row in original:
            base = original[row]
        elif row in retraction or row in invalid:
            base = None
        else:
            base = row
        for r in reversed(path):
            if base is None:
                target = parent[r]
                if target in retraction:
                    message = f"corrects: {excerpt(name(target))} is a retraction, not an event; correct the event it retracts"
                else:
                    message = f"corrects: {excerpt(name(target))} is not a valid event or correction (see the problem on its own row)"
                problems.append(RevisionProblem(r, CORRECTS, message))
            original[r] = base

    versions: dict[int, list[int]] = {}  # original row -> its rows: original, then corrections in file order
    for row in sorted(r for r, b in original.items() if b is not None):
        root = original[row]
        assert root is not None
        versions.setdefault(root, [root]).append(row)
    retractions: dict[int, list[int]] = {}  # original row -> rows retracting it
    for row, target in sorted(retraction.items()):
        if target in retraction:
            message = (
                f"retracts: {excerpt(name(target))} is itself a retraction; a retraction cannot be undone, log the event again instead"
            )
        elif target in invalid or (target in original and original[target] is None):
            message = f"retracts: {excerpt(name(target))} is not a valid event or correction (see the problem on its own row)"
        else:
            root = original.get(target, target)
            assert root is not None
            retractions.setdefault(root, []).append(row)
            continue
        problems.append(RevisionProblem(row, RETRACTS, message))
    for root, rows in versions.items():
        if root in retractions:
            first = retractions[root][0]
            for row in (r for r in rows[1:] if r > first):
                message = (
                    f"corrects: event {excerpt(name(root))} was retracted by {excerpt(name(first))}; "
                    "this correction is kept in its history but not matched"
                )
                problems.append(RevisionProblem(row, CORRECTS, message, "warning"))

    # What the engine matches: each event once, in its latest version, under its original id.
    keep = ~mask
    keep[list(retractions)] = False
    source = np.arange(len(raw))
    for root, rows in versions.items():
        source[root] = rows[-1]
    kept = np.flatnonzero(keep)
    content = source[kept]
    table = raw.table.take(pa.array(content))
    table = table.set_column(table.column_names.index("id"), "id", id_column.take(pa.array(kept)))
    revisions = Revisions(
        raw,
        versions={name(root): rows for root, rows in versions.items()},
        retractions={name(root): rows for root, rows in retractions.items()},
        event_of={
            **{name(row): name(root) for root, rows in versions.items() for row in rows[1:]},
            **{name(row): name(root) for root, rows in retractions.items() for row in rows},
        },
        unresolved={name(row) for row in revision_rows}
        - {name(r) for rows in versions.values() for r in rows[1:]}
        - {name(r) for rows in retractions.values() for r in rows},
    )
    resolved = EventLog(
        table,
        raw.when_ns[content],
        raw.date_only[content],
        list(raw.problems),
        list(raw.files),
        revisions=revisions,
        vocabulary=raw.vocabulary,
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
        vocabulary=log.vocabulary,
    )
    resolved, problems = resolve_revisions(combined)
    offset = len(base)
    own = [RevisionProblem(p.position - offset, p.column, p.message, p.severity) for p in problems if p.position >= offset]
    return resolved, own


LOGGED_AT = "logged_at"


def logged_ns(log: EventLog) -> np.ndarray:
    """When each row became known, in ns: its `logged_at`, or (blank or unreadable) when it occurred."""
    return logged_stamps(log)[0]


def logged_stamps(log: EventLog) -> tuple[np.ndarray, np.ndarray]:
    """When each row became known, in ns, and whether that is its `logged_at` (False: it counts from when it occurred)."""
    known = log.when_ns.copy()
    if LOGGED_AT not in log.table.column_names or len(log) == 0:
        return known, np.zeros(len(log), bool)
    stamps, present = parse_stamps(log.table.column(LOGGED_AT).combine_chunks())
    known[present] = stamps[present]
    return known, present


def parse_stamps(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 instants with offset (as `logged_at` holds them) -> (ns since the epoch, usable): unusable when blank,
    unreadable or outside the supported calendar (pandas reads year 9999 in microseconds; in nanoseconds it would wrap)."""
    texts = pc.utf8_trim_whitespace(column).to_pylist()
    parsed = pd.to_datetime(pd.Series(texts, dtype="string"), utc=True, errors="coerce", format="ISO8601")
    first, end = pd.Timestamp(start_of_day(FIRST_DAY, dt.UTC)), pd.Timestamp(end_of_day(LAST_DAY, dt.UTC))
    usable = (parsed.notna() & (parsed >= first) & (parsed < end)).to_numpy(bool)
    ns = np.zeros(len(texts), np.int64)
    ns[usable] = parsed[usable].dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return ns, usable


def known_at(log: EventLog, at: dt.datetime) -> EventLog:
    """The log as it was known at ``at``: only rows logged by then (a row without `logged_at` counts from when it
    occurred; a date-only one from the start of its day, UTC), with the corrections and retractions logged by then."""
    raw = raw_rows(log)
    keep = np.flatnonzero(logged_ns(raw) <= to_ns(at))
    if len(keep) == len(raw):
        return log
    taken = pa.array(keep, pa.int64())
    subset = EventLog(
        raw.table.take(taken), raw.when_ns[keep], raw.date_only[keep], list(log.problems), list(log.files), vocabulary=log.vocabulary
    )
    resolved, _ = resolve_revisions(subset)
    return resolved
