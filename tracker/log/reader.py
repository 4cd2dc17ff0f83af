"""Reading the event log from CSV: vectorised, validated, every bad row located and left out.

A log can hold millions of rows, so reading and validation are vectorised: pandas'
CSV reader fills Arrow-backed columns, checks run as Arrow compute kernels, and the
exact line of a bad row is worked out only when there is one to report.

Only saved rows are read (tracker.log.writer.read_saved): a row a writer is still writing, or one a
crash left half-written, is left out and reported at its line, whether or not it would parse. Logs
are regular files (tracker.files.read_input): the configured log may be a link to one, the CSV
files of a folder of logs may not; a device or a FIFO is refused without reading a byte.

A second load of an unchanged log parses nothing: it reads what the first one made of the log from a columnar
cache in the user's cache folder (tracker.log.cache), which is checked against the log and never trusted over it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker import config
from tracker.files import InputRefused
from tracker.log.cache import Snapshot, cache_file, cached, log_identity, store
from tracker.log.events import COLUMNS, KIND, REQUIRED_COLUMNS, EventLog, empty_table, log_files
from tracker.log.index import DAY_NS
from tracker.log.ledger import LOGGED_AT, apply_revisions, parse_stamps
from tracker.log.writer import BEING_SAVED, read_saved
from tracker.problems import Problem, display_path
from tracker.scenario.model import EVENT_KINDS
from tracker.text import did_you_mean, did_you_mean_hint, excerpt, fold, fold_array
from tracker.timeutil import FIRST_DAY, LAST_DAY, SUPPORTED_RANGE, UTC, day_number, end_of_day, out_of_range, start_of_day, to_ns
from tracker.vocabulary import read_vocabulary

_COLUMN_NUMBER = {name: i + 1 for i, name in enumerate(COLUMNS)}
# Part of the key of the log's cache (tracker.log.cache): bump it whenever what the reader makes of a file changes.
READER_VERSION = 2


# Python's csv module refuses cells over 131,072 characters with an exception; the loader reports long cells
# itself (MAX_CELL_CHARS), by line, so the module may read any cell a file can hold.
csv.field_size_limit(2**31 - 1)

MAX_CELL_CHARS = 32_767  # Excel's own limit: a longer cell is a pasted file, not a note on an event
_SURROGATE = "[\udc80-\udcff]"  # bytes that were not UTF-8, kept by errors="surrogateescape"


def _decoded(raw: bytes, errors: str) -> str:
    return raw.decode("utf-8-sig", errors=errors)


def _records(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of each CSV record after the header, skipping the lines pandas skips.

    Lines end with LF, CRLF or a lone CR (classic Mac), as pandas reads them. pandas skips lines of only
    spaces and tabs, but keeps a line holding a quoted empty cell.
    """
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(lines)
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if start == 1 or (previous_end == start and not lines[start - 1].strip(" \t\r\n")):
            continue
        yield start, previous_end, record


def _record_lines(text: str) -> list[tuple[int, int, int]]:
    """(first line, last line, field count) of each non-blank CSV record after the header."""
    return [(start, end, len(record)) for start, end, record in _records(text)]


@dataclass
class _FileRead:
    table: pa.Table
    problems: list[Problem]
    path: Path
    display: str
    header_len: int = 0
    raw: bytes = b""  # the saved bytes read, while loading; dropped after (a log keeps its lines for messages)
    text: str | None = None  # the decoded file, when it had to be decoded in Python
    unreadable: np.ndarray | None = None  # rows holding bytes that are not UTF-8
    folder: Path | None = None  # as the file was read (tracker.files.read_input), to read it again for its lines
    follow: bool = False
    _row_lines: list[int] | None = None

    def line_of(self, row: int) -> int:
        """The line a row of ``table`` starts on (rows with too many fields were skipped)."""
        if self._row_lines is None:
            text = self.text if self.text is not None else _decoded(self.raw or self._read_again(), "surrogateescape")
            self._row_lines = [line for line, _, count in _record_lines(text) if count <= self.header_len]
        return self._row_lines[row] if row < len(self._row_lines) else 0

    def _read_again(self) -> bytes:
        """The file's saved rows, once the load is over: appends since leave the lines of the rows read where they were."""
        try:
            return read_saved(self.path, folder=self.folder, follow=self.follow).data
        except (OSError, InputRefused):  # it was read before: it was removed or replaced since
            return b""


def _failed(path: Path, display: str, line: int, message: str, *, column: int = 1, also: Sequence[Problem] = ()) -> _FileRead:
    return _FileRead(empty_table(), [*also, Problem(display, line, column, message)], path, display)


_HEAD_CHARS = 1 << 16


def _first_record(text: str) -> list[str]:
    """The header: the first CSV record, read as the rows are (a quoted cell may hold a line break).

    Read from the start of the text, longer each time until a second record begins in it: a StringIO of a whole
    large log would cost more time and memory (four bytes a character) than parsing its rows.
    """
    size = _HEAD_CHARS
    while True:
        reader = csv.reader(io.StringIO(text[:size], newline=""))
        first = next(reader, [])
        if size >= len(text):
            return first
        try:
            if next(reader, None) is not None:
                return first
        except csv.Error:  # a second record began: the first is whole (the rows' reader reports the second)
            return first
        size *= 4


def _header_problem(header: list[str]) -> str | None:
    if not header or header == [""]:
        return f"event log is empty; expected the header {','.join(COLUMNS)}"
    broken = [i for i, name in enumerate(header, start=1) if "\n" in name or "\r" in name]
    if broken:
        return f"header: the name of column {broken[0]} holds a line break; the header is one line, {','.join(COLUMNS)}"
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        hints = [f"{name!r} (found {excerpt(close)}?)" if (close := did_you_mean(name, header)) else repr(name) for name in missing]
        return f"header lacks required column(s) {', '.join(hints)}; expected {','.join(COLUMNS)}"
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        return f"header repeats column(s) {', '.join(duplicates)}"
    return None


def _left_out(display: str, line: int, reason: str) -> Problem:
    if reason == BEING_SAVED:
        message = "a row being saved was left out: a save is in progress (or was interrupted); it counts once saved"
    else:
        message = (
            f"a half-written row was left out ({reason}): a save is in progress or was interrupted; "
            "`python -m tracker repair` (or the next save) moves it to a file beside the log"
        )
    return Problem(display, line, 1, message, "warning")


def _read_one(path: Path, display: str, *, folder: Path | None, follow: bool) -> _FileRead:
    try:
        saved = read_saved(path, folder=folder, follow=follow)
    except InputRefused as exc:
        return _failed(path, display, 0, f"event log {exc}")
    except OSError as exc:
        return _failed(path, display, 0, f"cannot read event log: {exc.strerror or exc}")
    raw = saved.data
    left_out = [] if saved.left_out is None else [_left_out(display, saved.left_out.line, saved.left_out.reason)]
    # Bytes that are not UTF-8 are kept as lone surrogates, so that each row holding one is reported by its line
    # and left out while the others load.
    try:  # the strict decoder is C-fast; only a file with a bad byte is decoded again, keeping its bad bytes
        text, clean = _decoded(raw, "strict"), True
    except UnicodeDecodeError:
        text, clean = _decoded(raw, "surrogateescape"), False
    try:
        header = [h.strip() for h in _first_record(text)]
    except csv.Error as exc:
        return _failed(path, display, 1, also=left_out, message=f"header: not a readable CSV line ({exc})")
    if any(re.search(_SURROGATE, h) for h in header):
        return _failed(path, display, 1, also=left_out, message="file is not UTF-8 text; save the CSV as UTF-8")
    problem = _header_problem(header)
    if problem is not None:
        return _failed(path, display, 1, also=left_out, message=problem)
    problems: list[Problem] = list(left_out)
    if clean:  # not held while pandas parses; made again only if the rows have to be read in Python
        text = ""
    options = {"na_filter": False, "skipinitialspace": False, "dtype": str}
    # The bytes already read, not the file again.
    source: io.BytesIO | io.StringIO = io.BytesIO(raw) if clean else io.StringIO(re.sub(_SURROGATE, "\ufffd", text))
    try:
        try:
            frame = pd.read_csv(source, encoding="utf-8-sig", **options) if clean else pd.read_csv(source, **options)  # type: ignore[call-overload]
            if not isinstance(frame.index, pd.RangeIndex):
                # pandas silently turns the first column into the index when rows have one field too many.
                raise pd.errors.ParserError("rows have more fields than the header")
        except pd.errors.ParserError as exc:
            # As pandas read it: bytes that are not UTF-8 as U+FFFD (their rows are reported and left out below).
            readable = re.sub(_SURROGATE, "\ufffd", text) if not clean else _decoded(raw, "strict")
            records = [(line, record) for line, _, record in _records(readable)]
            if "EOF inside string" in str(exc):
                # The record that opened the quote runs to the end of the file: every row after it would be lost.
                line = records[-1][0] if records else 1
                message = 'a quoted cell is never closed: its " runs to the end of the file'
                return _failed(path, display, line, also=left_out, message=message)
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
    except pd.errors.EmptyDataError:
        return _failed(path, display, 1, also=left_out, message=f"event log is empty; expected the header {','.join(COLUMNS)}")
    except (pd.errors.ParserError, ValueError, OSError, csv.Error) as exc:
        return _failed(path, display, 1, also=left_out, message=f"not a readable CSV file: {exc}")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(str)  # every cell as the text written ("1.10" must not become 1.1)
    unreadable = None
    if not clean:
        unreadable = _rows_touching(text, header_len=len(header), lines=_lines_matching(text, _SURROGATE))
        if len(unreadable) != len(frame):  # pragma: no cover - the rows pandas read are the records counted here
            return _failed(path, display, 1, also=left_out, message="file is not UTF-8 text; save the CSV as UTF-8")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.cast(pa.schema([pa.field(name, pa.large_string()) for name in table.column_names]))
    for name in COLUMNS:
        if name not in table.column_names:
            table = table.append_column(name, pa.array([""] * table.num_rows, pa.large_string()))
    ordered = [*COLUMNS, *[c for c in table.column_names if c not in COLUMNS]]
    return _FileRead(
        table.select(ordered),
        problems,
        path,
        display,
        header_len=len(header),
        raw=raw,
        text=None if clean else text,
        unreadable=unreadable,
        folder=folder,
        follow=follow,
    )


def _lines_matching(text: str, pattern: str) -> set[int]:
    """The line numbers (1-based, LF, CRLF or CR endings) whose text matches ``pattern``."""
    found = re.compile(pattern)
    return {number for number, line in enumerate(io.StringIO(text, newline=""), start=1) if found.search(line)}


def _rows_touching(text: str, *, header_len: int, lines: set[int]) -> np.ndarray:
    """For each row the reader keeps, whether its record spans one of ``lines``."""
    spans = [(start, end) for start, end, count in _record_lines(text) if count <= header_len]
    return np.array([any(start <= line <= end for line in lines) for start, end in spans], bool)


# --- validation -------------------------------------------------------------------------
_FIRST_NS = to_ns(start_of_day(FIRST_DAY, UTC))
_END_NS = to_ns(end_of_day(LAST_DAY, UTC))


def _parse_occurred(column: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-> (ns since epoch, date_only, valid). A datetime without offset is invalid: its zone is unknown.

    One instant for each text, whichever path reads it: fractions of a second are cut to the microsecond (as
    Python's datetime reads them), and only dates in the supported calendar are valid.
    """
    values = column
    is_date = pc.equal(pc.utf8_length(values), 10)
    date_only = is_date.to_numpy(zero_copy_only=False)
    ns = np.zeros(len(values), np.int64)
    try:  # Fast path: every value is valid (read as microseconds, which cannot wrap; nanoseconds wrap past 2262).
        days = pc.cast(pc.filter(values, is_date), pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64)
        micros = pc.cast(pc.cast(pc.filter(values, pc.invert(is_date)), pa.timestamp("us", tz="UTC")), pa.int64())
        micros_np = micros.to_numpy(zero_copy_only=False)
        # Exactly in range when every date, and every datetime's UTC instant, lies in the calendar; a datetime near
        # an edge (its own date in range, its UTC instant a few hours outside) is judged row by row below.
        inside = (days >= day_number(FIRST_DAY)).all() and (days <= day_number(LAST_DAY)).all()
        if inside and (micros_np >= _FIRST_NS // 1000).all() and (micros_np < _END_NS // 1000).all():
            ns[date_only] = days * DAY_NS
            ns[~date_only] = micros_np * 1000
            return ns, date_only, np.ones(len(values), bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    valid = np.zeros(len(values), bool)
    for pos, text in enumerate(values.to_pylist()):
        parsed = _parse_one(text.strip())
        if parsed is not None:
            ns[pos], date_only[pos], valid[pos] = parsed[0], parsed[1], True
    return ns, date_only, valid


def _read_occurred(text: str) -> dt.date | dt.datetime | None:
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def parse_occurred(text: str) -> dt.date | dt.datetime | None:
    """One `occurred` cell as the log reads it: a date (YYYY-MM-DD), or an aware datetime with its own offset,
    in the supported calendar; None when it is neither (a datetime without offset included: its zone is unknown)."""
    value = _read_occurred(text)
    return value if value is not None and out_of_range(value) is None else None


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
    value = _read_occurred(text)
    if value is not None and out_of_range(value) is not None:
        return f"occurred: {excerpt(text)} is outside the supported dates, {SUPPORTED_RANGE}"
    if len(text) == 10:
        return f"occurred: {excerpt(text)} is not a real date (expected YYYY-MM-DD)"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return f"occurred: {excerpt(text)} is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)"
    if parsed.tzinfo is None:
        return f"occurred: {excerpt(text)} has no time zone offset; add one, e.g. {text}Z or {text}+01:00"
    return f"occurred: {excerpt(text)} is out of range"  # pragma: no cover - every aware datetime is in or out of the calendar


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
    # The configured log may be a link to a regular file; the files of a folder (or of a list) are read as they are.
    folder: Path | None = None
    follow = False
    if isinstance(location, list):
        paths = location
    else:
        location = Path(location)
        if not location.exists():
            log = EventLog.empty()
            log.problems.append(Problem(display_path(location), 0, 0, "event log does not exist"))
            return log
        paths = log_files(location)
        folder, follow = (location, False) if location.is_dir() else (None, True)
    displays = [display_path(p) for p in paths]
    cache = cache_file(location, displays)
    key = None if cache is None else log_identity(paths, displays, follow=follow, reader_version=READER_VERSION)
    found = None if cache is None or key is None else cached(cache, key)
    if found is not None:
        reads = [
            _FileRead(empty_table(), [], p, d, header_len=n, folder=folder, follow=follow)
            for p, d, n in zip(paths, displays, found.header_lengths, strict=True)
        ]
        places = _Places(reads, np.asarray(found.starts, np.int64), found.kept)
        log = EventLog(found.table, found.when_ns, found.date_only, found.problems, [Path(d) for d in displays], where=places)
    else:
        log, kept, places = _validated(paths, displays, folder=folder, follow=follow)
        # Stored only when nothing changed while it was parsed: the key then names exactly the bytes parsed.
        if cache is not None and key is not None and log_identity(paths, displays, follow=follow, reader_version=READER_VERSION) == key:
            header_lengths = [r.header_len for r in places.reads]
            store(cache, key, Snapshot(log.table, log.when_ns, log.date_only, kept, places.starts.tolist(), header_lengths, log.problems))
    if (vocabulary := _vocabulary_file(location)) is not None:
        log.vocabulary, problems = read_vocabulary(vocabulary)
        log.problems = sorted([*log.problems, *problems])
    return apply_revisions(log, places) if revisions else log


def _vocabulary_file(location: Path | list[Path]) -> Path | None:
    """The vocabulary beside a log (tracker.config.vocabulary_path); files named from several folders have none."""
    if not isinstance(location, list):
        return config.vocabulary_path(location)
    folders = {p.parent for p in location}
    return config.vocabulary_path(location[0]) if len(folders) == 1 else None


def _validated(paths: list[Path], displays: list[str], *, folder: Path | None, follow: bool) -> tuple[EventLog, np.ndarray, _Places]:
    """The log of ``paths`` parsed and validated, before revisions, and the place of each of its rows."""
    reads = [_read_one(p, display, folder=folder, follow=follow) for p, display in zip(paths, displays, strict=True)]
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
    where = _Places(reads, starts)

    def report(rows: np.ndarray, column: str, message: str, severity: str = "error") -> None:
        for pos in np.flatnonzero(rows):
            shown, line = where(int(pos))
            problems.append(Problem(shown, line, _COLUMN_NUMBER[column], message.format(value=_cell(table, column, int(pos))), severity))  # type: ignore[arg-type]

    keep_rows = np.ones(table.num_rows, bool)
    for part, read in enumerate(reads):
        if read.unreadable is not None and read.unreadable.any():
            rows = np.flatnonzero(read.unreadable) + int(starts[part])
            for row in rows.tolist():
                shown, line = where(row)
                problems.append(Problem(shown, line, 1, "row is not UTF-8 text; save the CSV as UTF-8 (this row is left out)"))
            keep_rows[rows] = False
    for column in table.column_names:
        long = pc.greater(pc.utf8_length(table.column(column)), MAX_CELL_CHARS).to_numpy(zero_copy_only=False) & keep_rows
        for row in np.flatnonzero(long).tolist():
            shown, line = where(row)
            length = len(_cell(table, column, row))
            number = table.column_names.index(column) + 1
            problems.append(
                Problem(shown, line, number, f"{column}: a cell of {length:,} characters; the most a cell holds is {MAX_CELL_CHARS:,}")
            )
        keep_rows &= ~long
    ids = table.column("id").combine_chunks()
    # Hashing a million ids is the slowest check; run it beside the others.
    with ThreadPoolExecutor(max_workers=1) as pool:
        repeated = pool.submit(_duplicates, ids)
        ns, date_only, keep = _parse_occurred(table.column("occurred").combine_chunks())
        unparsed = ~keep & keep_rows
        keep &= keep_rows
        if unparsed.any():
            for pos in np.flatnonzero(unparsed):
                shown, line = where(int(pos))
                problems.append(Problem(shown, line, _COLUMN_NUMBER["occurred"], _explain_occurred(_cell(table, "occurred", int(pos)))))
        blank_id = _is_blank(ids) & keep_rows
        if blank_id.any():
            report(blank_id, "id", "id: is empty; every event needs a unique id")
            keep &= ~blank_id
        blank_title = _is_blank(table.column("title").combine_chunks()) & keep_rows
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
        if LOGGED_AT in table.column_names:
            for row in np.flatnonzero(_unreadable_stamps(table.column(LOGGED_AT).combine_chunks()) & keep).tolist():
                shown, line = where(row)
                column = table.column_names.index(LOGGED_AT) + 1
                value = excerpt(_cell(table, LOGGED_AT, row))
                problems.append(
                    Problem(
                        shown,
                        line,
                        column,
                        f"logged_at: {value} is not a datetime with offset in the supported dates ({SUPPORTED_RANGE}); "
                        "the event counts as known from when it occurred",
                        "warning",
                    )
                )
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
            message = f"id: duplicate event id {excerpt(id_list[repeat])} (first on {place})"
            problems.append(Problem(shown, line, _COLUMN_NUMBER["id"], message))
        keep &= ~duplicate
    kept = np.flatnonzero(keep)
    if not keep.all():
        table, ns, date_only = table.take(pa.array(kept)), ns[kept], date_only[kept]
    places = _Places(reads, starts, kept)
    log = EventLog(table, ns, date_only, sorted(problems), [Path(r.display) for r in reads], where=places)
    for read in reads:  # the log keeps its rows' places, not a copy of every file
        read.table, read.raw, read.text = empty_table(), b"", None
    return log, kept, places


@dataclass
class _Places:
    """File and line of each row of a log (of the rows read, or of those ``kept``), each file's lines worked out when
    first asked. A class, not a closure: a log is cached, and so pickled, by the dashboard."""

    reads: list[_FileRead]
    starts: np.ndarray
    kept: np.ndarray | None = None

    def __call__(self, row: int) -> tuple[str, int]:
        pos = row if self.kept is None else int(self.kept[row])
        part = int(np.searchsorted(self.starts, pos, side="right") - 1)
        return self.reads[part].display, self.reads[part].line_of(pos - int(self.starts[part]))


def _unreadable_stamps(column: pa.Array) -> np.ndarray:
    """Rows whose `logged_at` is written but is not an instant the log can use (they count from `occurred`)."""
    written: np.ndarray = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0).to_numpy(zero_copy_only=False)
    if not written.any():
        return written
    result: np.ndarray = written & ~parse_stamps(column)[1]
    return result


def _unknown_kinds(column: pa.Array) -> np.ndarray:
    """Rows whose `kind` is neither blank nor one of the kinds of event (compared case-insensitively)."""
    folded = fold_array(column)
    known = pc.or_(pc.equal(pc.utf8_length(folded), 0), pc.is_in(folded, value_set=pa.array(EVENT_KINDS, folded.type)))
    result: np.ndarray = ~pc.fill_null(known, True).to_numpy(zero_copy_only=False)
    return result


def explain_kind(value: str) -> str:
    """The message for a `kind` that is not a kind of event, with a "did you mean"."""
    hint = did_you_mean_hint(fold(value), EVENT_KINDS, cutoff=0.5)
    return f"kind: {excerpt(value)} is not a kind of event{hint} (the kinds are {', '.join(EVENT_KINDS)})"


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
