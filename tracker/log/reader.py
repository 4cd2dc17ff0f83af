"""Reading the event log from CSV: vectorised, validated, every bad row located and left out.

A log can hold millions of rows, so reading and validation are vectorised: pandas'
CSV reader fills Arrow-backed columns, checks run as Arrow compute kernels, and the
exact line of a bad row is worked out only when there is one to report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.log.events import COLUMNS, KIND, REQUIRED_COLUMNS, EventLog, empty_table, log_files
from tracker.log.index import DAY_NS
from tracker.log.ledger import apply_revisions
from tracker.problems import Problem, display_path
from tracker.scenario.model import EVENT_KINDS
from tracker.text import did_you_mean, did_you_mean_hint, fold, fold_array
from tracker.timeutil import to_ns

_COLUMN_NUMBER = {name: i + 1 for i, name in enumerate(COLUMNS)}


def _records(raw: bytes, errors: str = "replace") -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each CSV record after the header, skipping the lines pandas skips.

    pandas skips lines of only spaces and tabs, but keeps a line holding a quoted empty cell.
    """
    lines = list(io.StringIO(raw.decode("utf-8-sig", errors=errors), newline=""))
    reader = csv.reader(lines)
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if start == 1 or (previous_end == start and not lines[start - 1].strip(" \t\r\n")):
            continue
        yield start, record


def _record_lines(raw: bytes) -> list[tuple[int, int]]:
    """(first line, field count) of each non-blank CSV record after the header."""
    return [(start, len(record)) for start, record in _records(raw)]


@dataclass
class _FileRead:
    table: pa.Table
    problems: list[Problem]
    path: Path
    display: str
    header_len: int = 0
    _row_lines: list[int] | None = None

    def line_of(self, row: int) -> int:
        """The line a row of ``table`` starts on (rows with too many fields were skipped)."""
        if self._row_lines is None:
            self._row_lines = [line for line, count in _record_lines(self.path.read_bytes()) if count <= self.header_len]
        return self._row_lines[row] if row < len(self._row_lines) else 0


def _failed(path: Path, display: str, line: int, message: str) -> _FileRead:
    return _FileRead(empty_table(), [Problem(display, line, 1, message)], path, display)


def _read_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig")
    return [h.strip() for h in next(csv.reader([first.rstrip("\r\n")]), [])]


def _read_one(path: Path, display: str) -> _FileRead:
    try:
        header = _read_header(path)
    except OSError as exc:
        return _failed(path, display, 0, f"cannot read event log: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return _failed(path, display, 1, "file is not UTF-8 text; save the CSV as UTF-8")
    if not header or header == [""]:
        return _failed(path, display, 1, f"event log is empty; expected the header {','.join(COLUMNS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        hints = [f"{name!r} (found {close!r}?)" if (close := did_you_mean(name, header)) else repr(name) for name in missing]
        return _failed(path, display, 1, f"header lacks required column(s) {', '.join(hints)}; expected {','.join(COLUMNS)}")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        return _failed(path, display, 1, f"header repeats column(s) {', '.join(duplicates)}")
    problems: list[Problem] = []
    options = {"na_filter": False, "encoding": "utf-8-sig", "skipinitialspace": False}
    try:
        try:
            frame = pd.read_csv(path, **options)  # type: ignore[call-overload]
            if not isinstance(frame.index, pd.RangeIndex):
                # pandas silently turns the first column into the index when rows have one field too many.
                raise pd.errors.ParserError("rows have more fields than the header")
        except pd.errors.ParserError as exc:
            records = list(_records(path.read_bytes(), errors="strict"))
            if "EOF inside string" in str(exc):
                # The record that opened the quote runs to the end of the file: every row after it would be lost.
                line = records[-1][0] if records else 1
                return _failed(path, display, line, 'a quoted cell is never closed: its " runs to the end of the file')
            # Rows with more fields than the header: report each by line, keep the rest (rare, so read them in Python).
            width, rows = len(header), []
            for line, record in records:
                if len(record) > width:
                    problems.append(
                        Problem(display, line, 1, f"row has {len(record)} fields, the header has {width}; quote cells that contain commas")
                    )
                else:
                    rows.append(record + [""] * (width - len(record)))
            frame = pd.DataFrame(rows, columns=header, dtype=str)
        # Keep every cell as the text written ("1.10" must not become 1.1).
        inferred = [c for c in frame.columns if not pd.api.types.is_string_dtype(frame[c])]
        if inferred and len(frame):
            as_text = pd.read_csv(path, usecols=inferred, dtype=str, on_bad_lines="skip", **options)  # type: ignore[call-overload]
            for column in inferred:
                frame[column] = as_text[column]
        elif inferred:
            frame = frame.astype(str)
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()
        line = raw[: exc.start].count(b"\n") + 1 if exc.object == raw else 1
        return _failed(path, display, line, "file is not UTF-8 text; save the CSV as UTF-8")
    except pd.errors.EmptyDataError:
        return _failed(path, display, 1, f"event log is empty; expected the header {','.join(COLUMNS)}")
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        return _failed(path, display, 1, f"not a readable CSV file: {exc}")
    frame.columns = [str(c).strip() for c in frame.columns]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.cast(pa.schema([pa.field(name, pa.large_string()) for name in table.column_names]))
    for name in COLUMNS:
        if name not in table.column_names:
            table = table.append_column(name, pa.array([""] * table.num_rows, pa.large_string()))
    ordered = [*COLUMNS, *[c for c in table.column_names if c not in COLUMNS]]
    return _FileRead(table.select(ordered), problems, path, display, header_len=len(header))


# --- validation -------------------------------------------------------------------------
def _parse_occurred(column: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-> (ns since epoch, date_only, valid). A datetime without offset is invalid: its zone is unknown."""
    values = column
    is_date = pc.equal(pc.utf8_length(values), 10)
    date_only = is_date.to_numpy(zero_copy_only=False)
    ns = np.zeros(len(values), np.int64)
    try:  # Fast path: every value is valid.
        days = pc.cast(pc.filter(values, is_date), pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
        stamps = pc.cast(pc.filter(values, pc.invert(is_date)), pa.timestamp("ns", tz="UTC"))
        ns[date_only] = days * DAY_NS
        ns[~date_only] = pc.cast(stamps, pa.int64()).to_numpy(zero_copy_only=False)
        return ns, date_only, np.ones(len(values), bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    valid = np.zeros(len(values), bool)
    for pos, text in enumerate(values.to_pylist()):
        parsed = _parse_one(text.strip())
        if parsed is not None:
            ns[pos], date_only[pos], valid[pos] = parsed[0], parsed[1], True
    return ns, date_only, valid


def parse_occurred(text: str) -> dt.date | dt.datetime | None:
    """One `occurred` cell as the log reads it: a date (YYYY-MM-DD), or an aware datetime with its own offset;
    None when it is neither (a datetime without offset included: its zone is unknown)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _parse_one(text: str) -> tuple[int, bool] | None:
    value = parse_occurred(text)
    if isinstance(value, dt.datetime):
        return to_ns(value), False
    if value is None:
        return None
    return (value - dt.date(1970, 1, 1)).days * DAY_NS, True


def _explain_occurred(text: str) -> str:
    text = text.strip()
    if not text:
        return "occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z"
    if len(text) == 10:
        return f"occurred: {text!r} is not a real date (expected YYYY-MM-DD)"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return f"occurred: {text!r} is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)"
    if parsed.tzinfo is None:
        return f"occurred: {text!r} has no time zone offset; add one, e.g. {text}Z or {text}+01:00"
    return f"occurred: {text!r} is out of range"


def _is_blank(column: pa.Array) -> np.ndarray:
    blank: np.ndarray = pc.or_(pc.equal(pc.utf8_length(column), 0), pc.utf8_is_space(column)).to_numpy(zero_copy_only=False)
    return blank


def _duplicates(ids: pa.Array) -> np.ndarray:
    """True for every repeat of an id seen earlier in the log (the first one is kept)."""
    if len(pc.unique(ids)) == len(ids):
        return np.zeros(len(ids), bool)
    codes = pc.dictionary_encode(ids).indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    repeat = np.ones(len(ids), bool)
    repeat[first] = False
    return repeat


def load_events(location: Path | str | list[Path], *, revisions: bool = True) -> EventLog:
    """Read a CSV log (or a folder or list of them, read together); bad rows are reported and left out.

    With ``revisions`` (the default), corrections and retractions are applied last (tracker.log.ledger).
    """
    if isinstance(location, list):
        paths = location
    else:
        location = Path(location)
        if not location.exists():
            log = EventLog.empty()
            log.problems.append(Problem(display_path(location), 0, 0, "event log does not exist"))
            return log
        paths = log_files(location)
    reads = [_read_one(p, display_path(p)) for p in paths]
    problems = [p for r in reads for p in r.problems]
    all_columns = list(dict.fromkeys(c for r in reads for c in r.table.column_names)) or list(COLUMNS)
    aligned = []
    for read in reads:
        part = read.table
        for name in all_columns:
            if name not in part.column_names:
                part = part.append_column(name, pa.array([""] * part.num_rows, pa.large_string()))
        aligned.append(part.select(all_columns))
    table = aligned[0] if len(aligned) == 1 else pa.concat_tables(aligned).combine_chunks() if aligned else empty_table()
    starts = np.cumsum([0, *[t.num_rows for t in aligned]])

    def where(pos: int) -> tuple[str, int]:
        """File and line of a row of the combined table."""
        part = int(np.searchsorted(starts, pos, side="right") - 1)
        return reads[part].display, reads[part].line_of(pos - int(starts[part]))

    def report(rows: np.ndarray, column: str, message: str, severity: str = "error") -> None:
        for pos in np.flatnonzero(rows):
            shown, line = where(int(pos))
            problems.append(Problem(shown, line, _COLUMN_NUMBER[column], message.format(value=_cell(table, column, int(pos))), severity))  # type: ignore[arg-type]

    ids = table.column("id").combine_chunks()
    # Hashing a million ids is the slowest check; run it beside the others.
    with ThreadPoolExecutor(max_workers=1) as pool:
        repeated = pool.submit(_duplicates, ids)
        ns, date_only, keep = _parse_occurred(table.column("occurred").combine_chunks())
        if not keep.all():
            for pos in np.flatnonzero(~keep):
                shown, line = where(int(pos))
                problems.append(Problem(shown, line, _COLUMN_NUMBER["occurred"], _explain_occurred(_cell(table, "occurred", int(pos)))))
        blank_id = _is_blank(ids)
        if blank_id.any():
            report(blank_id, "id", "id: is empty; every event needs a unique id")
            keep &= ~blank_id
        blank_title = _is_blank(table.column("title").combine_chunks())
        if blank_title.any():
            report(blank_title, "title", "title: is empty; say what happened")
            keep &= ~blank_title
        if KIND in table.column_names:
            bad_kind = _unknown_kinds(table.column(KIND).combine_chunks())
            for pos in np.flatnonzero(bad_kind & keep):
                shown, line = where(int(pos))
                column = table.column_names.index(KIND) + 1
                problems.append(Problem(shown, line, column, explain_kind(_cell(table, KIND, int(pos)))))
            keep &= ~bad_kind
        no_source = _is_blank(table.column("source").combine_chunks()) & keep
        if no_source.any():
            report(no_source, "source", "source: is empty; cite a publisher and title, or a link", "warning")
        duplicate = repeated.result() & ~blank_id
    if duplicate.any():
        first_line: dict[str, tuple[str, int]] = {}
        id_list = ids.to_pylist()
        for row, event_id in enumerate(id_list):
            if not duplicate[row]:
                first_line.setdefault(event_id, where(row))
        for repeat in np.flatnonzero(duplicate).tolist():
            shown, line = where(repeat)
            first_shown, first = first_line[id_list[repeat]]
            place = f"line {first}" if first_shown == shown else f"{first_shown} line {first}"
            problems.append(Problem(shown, line, _COLUMN_NUMBER["id"], f"id: duplicate event id {id_list[repeat]!r} (first on {place})"))
        keep &= ~duplicate
    kept = np.flatnonzero(keep)
    if not keep.all():
        table, ns, date_only = table.take(pa.array(kept)), ns[kept], date_only[kept]
    log = EventLog(table, ns, date_only, sorted(problems), [Path(r.display) for r in reads])
    if not revisions:
        return log

    return apply_revisions(log, lambda row: where(int(kept[row])))


def _unknown_kinds(column: pa.Array) -> np.ndarray:
    """Rows whose `kind` is neither blank nor one of the kinds of event (compared case-insensitively)."""
    folded = fold_array(column)
    known = pc.or_(pc.equal(pc.utf8_length(folded), 0), pc.is_in(folded, value_set=pa.array(EVENT_KINDS, folded.type)))
    result: np.ndarray = ~pc.fill_null(known, True).to_numpy(zero_copy_only=False)
    return result


def explain_kind(value: str) -> str:
    """The message for a `kind` that is not a kind of event, with a "did you mean"."""
    hint = did_you_mean_hint(fold(value), EVENT_KINDS, cutoff=0.5)
    return f"kind: {value!r} is not a kind of event{hint} (the kinds are {', '.join(EVENT_KINDS)})"


def _cell(table: pa.Table, column: str, pos: int) -> str:
    return str(table.column(column)[pos].as_py())


def log_from_rows(rows: Sequence[dict[str, str]]) -> EventLog:
    """A log from rows already checked by the caller (events written out in a scenario test), in the CSV's text form."""
    extra = dict.fromkeys(c for row in rows for c, v in row.items() if c not in COLUMNS and v)  # kind, logged_at, retracts...
    names = [*COLUMNS, *extra]
    table = pa.table({name: pa.array([row.get(name, "") or "" for row in rows], pa.large_string()) for name in names})
    ns, date_only, valid = _parse_occurred(table.column("occurred").combine_chunks())
    if not valid.all():
        bad = [rows[int(pos)].get("occurred", "") for pos in np.flatnonzero(~valid)]
        raise ValueError(f"occurred: {', '.join(map(repr, bad))} is not a date or a datetime with offset")
    return EventLog(table, ns, date_only)
