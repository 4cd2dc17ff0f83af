"""New events, corrections and retractions: from what a user typed to rows the loader accepts.

Validation has no rules of its own: the candidate rows are written, exactly as they
would be appended, to a scratch CSV file and read back by `tracker.log.events.load_events`;
its problems are the user's errors. Corrections and retractions are checked by
running the loader's own resolution (`tracker.log.ledger.extended`) over the log with
the candidates appended. The rules added for NEW rows: the loader only warns about
an empty source (old logs may lack one), a new event must have one; a correction
corrects the event's current version and a retraction an event not yet retracted
(`revision_errors`: old logs may hold either, new rows may not).

The rules that depend on the log are checked twice: when the user checks (with the log
as the page or the command read it), and again when saving, under the writer's lock,
against the log as it is then (`save_rows`): of two people correcting one event at once,
the second is refused, with the row that won named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.log.events import MULTI_VALUED, Event, EventLog
from tracker.log.ids import new_event_id
from tracker.log.index import SEPARATOR
from tracker.log.ledger import extended, raw_rows
from tracker.log.reader import load_events
from tracker.log.writer import WRITE_COLUMNS, OnDuplicate, Receipt, append_rows, encode_rows, format_logged_at
from tracker.problems import Severity, TrackerError
from tracker.scenario.model import Scenario
from tracker.text import excerpt

REQUIRED_FOR_NEW = ("source",)  # a warning for old rows, an error for new ones
# The loader's own words (tests check they stay the same); it says them only for rows that are otherwise valid.
SOURCE_EMPTY = "source: is empty; cite a publisher and title, or a link"


@dataclass(frozen=True)
class EventDraft:
    """What a user enters for one event (form fields, command-line flags or an imported row)."""

    occurred: str = ""
    title: str = ""
    source: str = ""
    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""
    kind: str = ""  # threat, statement, proposal, decision, in-force, action, report; blank: not said
    id: str = ""  # blank: a new time-ordered id (UUIDv7) is made
    corrects: str = ""  # id of the event (or correction) this row corrects
    retracts: str = ""  # id of the event this row retracts

    @classmethod
    def from_event(cls, event: Event) -> EventDraft:
        """A draft holding an event's fields (to pre-fill a correction)."""
        return cls(event.occurred, event.title, event.source, event.actors, event.targets, event.tags, event.notes, event.kind)

    def replace(self, **changes: object) -> EventDraft:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one field of a row, in the words the user sees."""

    field: str  # a log column ("occurred", "title", ...) or "" for the whole row
    message: str  # e.g. "occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)"
    severity: Severity = "error"

    def __str__(self) -> str:
        return self.message


def draft_for_scenario(scenario: Scenario) -> EventDraft:
    """An empty draft pre-filled with a scenario's actors and tags (the scenario page's "log an event")."""
    return EventDraft(actors=tuple(scenario.actors), targets=tuple(scenario.targets), tags=tuple(scenario.tags))


def input_errors(draft: EventDraft) -> list[FieldError]:
    """Mistakes the CSV could not even represent: a single value holding the value separator."""
    errors = []
    for column in MULTI_VALUED:
        for value in getattr(draft, column):
            if SEPARATOR in value:
                errors.append(
                    FieldError(column, f"{column}: {value.strip()!r} contains ';', which separates values; give each value on its own")
                )
    return errors


def _joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(v.strip() for v in values if v.strip())


def make_row(draft: EventDraft, *, now: dt.datetime, logged_by: str) -> dict[str, str]:
    """The row to append: cells trimmed, a new id unless the draft has one, and who logged it when."""
    return {
        "id": draft.id.strip() or new_event_id(now),
        "occurred": draft.occurred.strip(),
        "title": draft.title.strip(),
        "actors": _joined(draft.actors),
        "targets": _joined(draft.targets),
        "tags": _joined(draft.tags),
        "source": draft.source.strip(),
        "notes": draft.notes.strip(),
        "kind": draft.kind.strip().lower(),
        "logged_at": format_logged_at(now),
        "logged_by": logged_by.strip(),
        "corrects": draft.corrects.strip(),
        "retracts": draft.retracts.strip(),
    }


def _field_of(message: str) -> str:
    name = message.split(":", 1)[0]
    return name if name in WRITE_COLUMNS else ""


def _one_line(value: str) -> str:
    """A cell as the scratch file holds it: line breaks as spaces.

    csv.writer leaves a bare CR unquoted and the loader ends a line at one, so a cell holding a line break could turn
    one candidate into two rows, and the problems of every later row would land on the wrong one (or on none). Such a
    cell is refused anyway (`line_break_errors`, on the row itself); here it only has to stay on its row's one line.
    """
    return value.replace("\r", " ").replace("\n", " ") if "\r" in value or "\n" in value else value


def read_rows(rows: Sequence[Mapping[str, str]]) -> tuple[EventLog, list[list[FieldError]]]:
    """The rows as the loader reads them (valid ones, unresolved) and each row's problems."""
    header = list(WRITE_COLUMNS)
    chunks = [encode_rows([header], "\n")]
    first_line: dict[int, int] = {}
    line = 2
    for index, row in enumerate(rows):
        chunk = encode_rows([[_one_line(row.get(column, "")) for column in header]], "\n")
        first_line[line] = index
        line += chunk.count(b"\n")
        chunks.append(chunk)
    with tempfile.TemporaryDirectory(prefix="tracker-check-") as folder:
        scratch = Path(folder) / "candidates.csv"
        scratch.write_bytes(b"".join(chunks))
        candidates = load_events(scratch, revisions=False)
    errors: list[list[FieldError]] = [[] for _ in rows]
    for problem in candidates.problems:
        field = _field_of(problem.message)
        severity: Severity = "error" if field in REQUIRED_FOR_NEW else problem.severity
        errors[first_line[problem.line]].append(FieldError(field, problem.message, severity))
    for index, row in enumerate(rows):
        if not row.get("source", "").strip() and not any(e.field == "source" for e in errors[index]):
            errors[index].append(FieldError("source", SOURCE_EMPTY))
    return candidates, errors


def line_break_errors(row: Mapping[str, str]) -> list[FieldError]:
    """Each event stays on one line of the file, so that git's union merge of the log cannot split it."""
    return [
        FieldError(column, f"{column}: contains a line break; write it on one line (the log keeps one event per line so git can merge it)")
        for column in WRITE_COLUMNS
        if "\n" in row.get(column, "") or "\r" in row.get(column, "")
    ]


def duplicate_id_message(event_id: str) -> str:
    return f"id: duplicate event id {excerpt(event_id)} (already in the event log)"


def _place(log: EventLog, row_id: str) -> str:
    raw = raw_rows(log)
    pos = raw.position(row_id)
    return "the event log" if pos is None else raw.place(pos)


def revision_errors(row: Mapping[str, str], log: EventLog) -> list[FieldError]:
    """What a NEW correction or retraction may not do, given ``log``: correct an event retracted or a version since
    replaced, retract an event already retracted. (What no row may do, such as name no event, the ledger says.)"""
    column = "corrects" if row.get("corrects", "").strip() else "retracts" if row.get("retracts", "").strip() else ""
    if not column:
        return []
    named = row[column].strip()
    history = log.history(named)
    if not history or next(v.kind for v in history if v.event.id == named) == "retraction":
        return []  # the ledger's own problems say what is wrong with it
    original = history[0].event.id
    retractions = [v.event.id for v in history if v.kind == "retraction"]
    if retractions:
        done = "already retracted" if column == "retracts" else "retracted"
        hint = "there is nothing left to do" if column == "retracts" else "log it again as a new event if it did happen"
        place = _place(log, retractions[0])
        return [FieldError(column, f"{column}: event {excerpt(original)} was {done} by {excerpt(retractions[0])} ({place}); {hint}")]
    current = next(v.event.id for v in history if v.current)
    if column == "corrects" and current != named:
        return [
            FieldError(
                column,
                f"corrects: {excerpt(named)} is no longer the current version of event {excerpt(original)}: {excerpt(current)} "
                f"({_place(log, current)}) corrected it since; start again from that version",
            )
        ]
    return []


def check_rows(rows: Sequence[Mapping[str, str]], log: EventLog) -> list[list[FieldError]]:
    """Each row's problems (errors and warnings) if it were appended to ``log``; nothing is written."""
    candidates, errors = read_rows(rows)
    existing = raw_rows(log)
    for index, row in enumerate(rows):
        errors[index] += line_break_errors(row)
        event_id = row.get("id", "")
        if event_id.strip() and existing.has_id(event_id):
            errors[index].append(FieldError("id", duplicate_id_message(event_id)))
        errors[index] += revision_errors(row, log)
    index_of: dict[str, int] = {}
    for index, row in enumerate(rows):
        index_of.setdefault(row.get("id", ""), index)
    candidate_ids = candidates.table.column("id").to_pylist()
    _, problems = extended(log, candidates)
    for problem in problems:
        errors[index_of[str(candidate_ids[problem.position])]].append(FieldError(problem.column, problem.message, problem.severity))
    return errors


def blocking(errors: Iterable[FieldError]) -> list[FieldError]:
    return [e for e in errors if e.severity == "error"]


def check_draft(draft: EventDraft, log: EventLog, *, now: dt.datetime, logged_by: str) -> tuple[dict[str, str], list[FieldError]]:
    """The row a draft would append and its problems (errors block saving; warnings do not)."""
    row = make_row(draft, now=now, logged_by=logged_by)
    return row, [*input_errors(draft), *check_rows([row], log)[0]]


def save_rows(
    location: Path,
    rows: Sequence[Mapping[str, str]],
    *,
    now: dt.datetime,
    on_duplicate: OnDuplicate = "refuse",
    retry_window: dt.timedelta | None = None,
) -> Receipt:
    """Append checked rows durably (one lock, one write, one fsync); see tracker.log.writer.

    Corrections and retractions are checked again under the lock, against the log as it is then: a row another
    writer made wrong meanwhile raises RefusedError (``on_duplicate="skip"``: is skipped), naming that writer's row.
    A row already saved (a retry) is reported in the receipt's ``already``, not written twice.
    """

    def rules_now(pending: Sequence[Mapping[str, str]]) -> list[list[str]]:
        if not any(row.get("corrects", "").strip() or row.get("retracts", "").strip() for row in pending):
            return [[] for _ in pending]  # new events depend on the log only by their ids, which the writer checks
        log = load_events(location)  # under the writer's lock: the log as it is now, with every saved row
        return [[error.message for error in blocking(errors)] for errors in check_rows(pending, log)]

    return append_rows(location, rows, now=now, on_duplicate=on_duplicate, check=rules_now, retry_window=retry_window)


@dataclass(frozen=True)
class Submission:
    """The outcome of `submit`: either errors (nothing written) or a receipt."""

    rows: list[dict[str, str]]
    errors: list[list[FieldError]]
    receipt: Receipt | None

    @property
    def saved(self) -> bool:
        return self.receipt is not None


def submit(location: Path, drafts: Sequence[EventDraft], log: EventLog, *, now: dt.datetime, logged_by: str) -> Submission:
    """Check the drafts against ``log`` and, if none has an error, append them all in one durable step."""
    rows = [make_row(d, now=now, logged_by=logged_by) for d in drafts]
    checked = check_rows(rows, log)
    errors = [[*input_errors(d), *e] for d, e in zip(drafts, checked, strict=True)]
    if any(blocking(e) for e in errors):
        return Submission(rows, errors, None)
    return Submission(rows, errors, save_rows(location, rows, now=now))


# --- corrections and retractions -----------------------------------------------------------
def current_version(log: EventLog, event_id: str) -> Event:
    """The version of an event the engine matches now (under its own row id); TrackerError if there is none."""
    history = log.history(event_id)
    if not history:
        raise TrackerError(f"no event with id {excerpt(event_id)} in the event log")
    retractions = [v.event for v in history if v.kind == "retraction"]
    if retractions:
        original = history[0].event.id
        raise TrackerError(f"event {original!r} was retracted by {retractions[0].id!r} ({retractions[0].notes or 'no reason given'})")
    return next(v.event for v in history if v.current)


def correction_draft(log: EventLog, event_id: str, **changes: object) -> EventDraft:
    """A draft correcting ``event_id`` (an event or one of its corrections): its current fields, then ``changes``.

    It corrects the current version, by that version's row id: should another correction be saved first, this one
    no longer corrects the current version and is refused (`revision_errors`) instead of silently replacing it.
    """
    unknown = sorted(set(changes) - {"occurred", "title", "source", "actors", "targets", "tags", "notes", "kind"})
    if unknown:
        raise ValueError(f"cannot change {unknown}")
    current = current_version(log, event_id)
    return EventDraft.from_event(current).replace(corrects=current.id, **changes)


def retraction_draft(log: EventLog, event_id: str, reason: str, source: str | None = None) -> EventDraft:
    """A draft retracting ``event_id``: the event's date, its source unless another is given, the reason as notes."""
    current = current_version(log, event_id)
    return EventDraft(
        occurred=current.occurred,
        title=f"Retraction of {log.history(event_id)[0].event.id}: {current.title}",
        source=current.source if source is None else source,
        notes=reason,
        retracts=event_id.strip(),
    )


def reason_errors(reason: str) -> list[FieldError]:
    if not reason.strip():
        return [FieldError("notes", "reason: is empty; say why the event is retracted")]
    return []
