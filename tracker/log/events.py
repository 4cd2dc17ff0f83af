"""The event log's model: events, the log as Arrow columns with their instants, and each event's versions.

Reading is tracker.log.reader; resolving corrections and retractions is tracker.log.ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.log.index import DAY_NS, SEPARATOR, EventIndex

# Re-exported (`X as X`, as mypy --strict asks): the log's readers and writers import the layout from here.
from tracker.log.layout import COLUMNS as COLUMNS  # noqa: PLC0414
from tracker.log.layout import KIND as KIND  # noqa: PLC0414
from tracker.log.layout import MULTI_VALUED as MULTI_VALUED  # noqa: PLC0414
from tracker.log.layout import REQUIRED_COLUMNS as REQUIRED_COLUMNS  # noqa: PLC0414
from tracker.log.layout import csv_files as csv_files  # noqa: PLC0414
from tracker.log.layout import log_files as log_files  # noqa: PLC0414
from tracker.problems import Problem
from tracker.scenario.model import Match
from tracker.text import fold
from tracker.timeutil import day_number, from_ns, to_ns
from tracker.vocabulary import EMPTY, Vocabulary


@dataclass(frozen=True)
class Event:
    """One row of the log, for display and explanations."""

    id: str
    occurred: str
    title: str
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    tags: tuple[str, ...]
    source: str
    notes: str
    when: dt.datetime  # the instant; for a date-only event, midnight UTC of that date
    date_only: bool
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def day(self) -> dt.date:
        """The event's day in UTC (its own date when date-only); for a viewer, use ``local_day``."""
        return self.when.date()

    def local_when(self, tz: dt.tzinfo) -> dt.datetime:
        """Where the event stands on the clock of a viewer in ``tz`` (naive); see ``wall_clock``."""
        return wall_clock_one(self.when, self.date_only, tz)

    def local_day(self, tz: dt.tzinfo) -> dt.date:
        """The event's calendar day for a viewer in ``tz``: a date-only event's own date, a timed one's date there."""
        return self.local_when(tz).date()

    @property
    def kind(self) -> str:
        """threat, statement, proposal, decision, in-force, action or report; "" when the log does not say."""
        return fold(self.extra.get(KIND, ""))


# --- the calendar-day rule, for viewers -------------------------------------------------
# A date-only event happened on that date wherever one stands: the engine compares it by
# calendar day, and every page, figure and table places it on its own date, never at its
# UTC midnight shifted into the viewer's zone (which in New York is the evening before).
def wall_clock(when_ns: np.ndarray, date_only: np.ndarray, tz: dt.tzinfo) -> pd.DatetimeIndex:
    """Naive local date-times for a viewer in ``tz``, one per event: a timed event at its wall-clock
    time in ``tz``; a date-only event at the start of its own date. Their ``.date`` is the day to
    filter, group and label by; their values are the x positions of a plot."""
    when = np.asarray(when_ns, np.int64)
    local = pd.to_datetime(when, utc=True).tz_convert(tz).tz_localize(None).asi8
    naive = np.where(np.asarray(date_only, bool), when, local)
    return pd.DatetimeIndex(naive.astype("datetime64[ns]"))


def local_days(when_ns: np.ndarray, date_only: np.ndarray, tz: dt.tzinfo) -> np.ndarray:
    """The calendar day (numpy datetime64[D]) of each event for a viewer in ``tz``; see ``wall_clock``."""
    days: np.ndarray = wall_clock(when_ns, date_only, tz).values.astype("datetime64[D]")
    return days


def wall_clock_one(when: dt.datetime, date_only: bool, tz: dt.tzinfo) -> dt.datetime:
    """``wall_clock`` for one event: ``when`` is its instant (UTC midnight of its date when date-only)."""
    if date_only:
        return dt.datetime.combine(when.astimezone(dt.UTC).date(), dt.time(0))
    return when.astimezone(tz).replace(tzinfo=None)


def split_values(cell: str | None) -> tuple[str, ...]:
    if not cell:
        return ()
    return tuple(v.strip() for v in cell.split(SEPARATOR) if v.strip())


def empty_table(columns: Sequence[str] = COLUMNS) -> pa.Table:
    return pa.table({c: pa.array([], pa.large_string()) for c in columns})


@dataclass
class EventLog:
    """The valid events in file order, their instants, and the problems of the rows left out."""

    table: pa.Table
    when_ns: np.ndarray  # int64: exact UTC for timed events, midnight UTC for date-only ones
    date_only: np.ndarray  # bool
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    revisions: Revisions | None = None  # set when the log has corrections or retractions
    where: Callable[[int], tuple[str, int]] | None = None  # file and line of a row, when read from files
    vocabulary: Vocabulary = EMPTY  # how its actors, targets and tags are spelt otherwise and grouped (matching, filters)

    def place(self, pos: int) -> str:
        """Where a row is, for messages: "events.csv line 70" ("the event log" when it was not read from a file)."""
        if self.where is None:
            return "the event log"
        path, line = self.where(pos)
        return f"{path} line {line}"

    @classmethod
    def empty(cls) -> EventLog:
        return cls(empty_table(), np.empty(0, np.int64), np.empty(0, bool))

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def columns(self) -> list[str]:
        return list(self.table.column_names)

    @property
    def extra_columns(self) -> list[str]:
        return [c for c in self.table.column_names if c not in COLUMNS]

    @cached_property
    def _id_positions(self) -> dict[str, int]:
        ids = self.table.column("id").to_pylist()
        return {event_id: pos for pos, event_id in enumerate(ids)}

    @cached_property
    def index(self) -> EventIndex:
        columns = {c: self.table.column(c).combine_chunks() for c in (*MULTI_VALUED, KIND) if c in self.table.column_names}
        return EventIndex(columns, self.when_ns, self.date_only, self.position, self.vocabulary)

    def position(self, event_id: str) -> int | None:
        return self._id_positions.get(event_id)

    def has_id(self, event_id: str) -> bool:
        return event_id in self._id_positions

    def event(self, pos: int) -> Event:
        row = {name: self.table.column(name)[pos].as_py() for name in self.table.column_names}
        return Event(
            id=row["id"],
            occurred=row["occurred"].strip(),
            title=row["title"],
            actors=split_values(row.get("actors")),
            targets=split_values(row.get("targets")),
            tags=split_values(row.get("tags")),
            source=row.get("source") or "",
            notes=row.get("notes") or "",
            when=from_ns(int(self.when_ns[pos])),
            date_only=bool(self.date_only[pos]),
            extra={c: row[c] for c in self.extra_columns},
        )

    def events(self, positions: Iterable[int]) -> list[Event]:
        return [self.event(int(p)) for p in positions]

    def ids(self, positions: Iterable[int]) -> list[str]:
        column = self.table.column("id")
        return [str(column[int(p)].as_py()) for p in positions]

    def title(self, pos: int) -> str:
        return str(self.table.column("title")[pos].as_py())

    def frame(self) -> pd.DataFrame:
        """The log for display: one row per event, in time order, with a parsed `when` column."""
        frame: pd.DataFrame = self.table.to_pandas()
        frame.insert(2, "when", pd.to_datetime(self.when_ns, utc=True))
        frame.insert(3, "date_only", self.date_only)
        return frame.iloc[np.argsort(self.when_ns, kind="stable")].reset_index(drop=True)

    def wall_clock(self, positions: np.ndarray, tz: dt.tzinfo) -> pd.DatetimeIndex:
        """The events at ``positions`` on the calendar and clock of a viewer in ``tz`` (see ``wall_clock``)."""
        positions = np.asarray(positions, np.int64)
        return wall_clock(self.when_ns[positions], self.date_only[positions], tz)

    def local_days(self, positions: np.ndarray, tz: dt.tzinfo) -> np.ndarray:
        """The calendar day of the events at ``positions`` for a viewer in ``tz`` (datetime64[D])."""
        positions = np.asarray(positions, np.int64)
        return local_days(self.when_ns[positions], self.date_only[positions], tz)

    def matching(self, match: Match) -> np.ndarray:
        """Positions of the events that match, in time order."""
        return self.index.all_rows(match)

    def occurred_by(self, as_of: dt.datetime) -> np.ndarray:
        """Positions of the events that had happened by the as-of instant (date-only: by the as-of's own day)."""
        as_of_day = day_number(as_of.date())
        days = np.floor_divide(self.when_ns, DAY_NS)
        known = np.where(self.date_only, days <= as_of_day, self.when_ns <= to_ns(as_of))
        positions: np.ndarray = np.flatnonzero(known)
        return positions

    def history(self, event_id: str) -> list[Version]:
        """Every version of an event (original, corrections, retractions), oldest first; [] when there is none."""
        if self.revisions is not None:
            return self.revisions.history(event_id)
        pos = self.position(event_id)
        return [] if pos is None else [Version(self.event(pos), "original", current=True)]

    def values(self, column: str) -> list[str]:
        """Distinct values of a multi-valued column by their canonical names (tracker.vocabulary), else as first
        written; compared case-insensitively. What filters and suggestions offer."""
        if column not in self.table.column_names:
            return []
        cells = pc.unique(self.table.column(column)).to_pylist()
        return self.vocabulary.canonical_values(value for cell in cells for value in split_values(cell))


# --- corrections and retractions (tracker.log.ledger resolves them) ----------------------
VersionKind = Literal["original", "correction", "retraction"]


@dataclass(frozen=True)
class Version:
    """One row of an event's history, as written (with its own id)."""

    event: Event
    kind: VersionKind
    current: bool  # the version the engine matches (none of them once the event is retracted)


@dataclass
class Revisions:
    """How the rows of a log that has corrections or retractions were resolved."""

    raw: EventLog  # every valid row in file order, before resolution
    versions: dict[str, list[int]] = field(default_factory=dict)  # event id -> rows: original, then corrections
    retractions: dict[str, list[int]] = field(default_factory=dict)  # event id -> rows that retract it
    event_of: dict[str, str] = field(default_factory=dict)  # id of a correction or retraction row -> event id
    unresolved: set[str] = field(default_factory=set)  # ids of correction or retraction rows that could not be applied

    def event_id(self, any_id: str) -> str:
        """The event a row id belongs to (itself for an original)."""
        return self.event_of.get(any_id, any_id)

    def history(self, any_id: str) -> list[Version]:
        """Every version of the event ``any_id`` belongs to, original first, then its retractions."""
        event_id = self.event_id(any_id)
        rows = self.versions.get(event_id)
        if rows is None:
            pos = self.raw.position(event_id)
            if pos is None or event_id in self.event_of or event_id in self.unresolved:
                return []
            rows = [pos]
        retracted = event_id in self.retractions
        history = [
            Version(self.raw.event(pos), "original" if i == 0 else "correction", current=not retracted and i == len(rows) - 1)
            for i, pos in enumerate(rows)
        ]
        history += [Version(self.raw.event(pos), "retraction", current=False) for pos in self.retractions.get(event_id, [])]
        return history
