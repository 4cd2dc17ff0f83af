"""Durable, concurrent-safe appends to the CSV event log.

One writer at a time: every write holds an exclusive ``flock`` on a lock file beside
the log (``.events.csv.lock``; never deleted, so every writer locks the same inode, and
the kernel releases it when a writer dies, even by SIGKILL). Under the lock a writer:

1. repairs a half-written last line left by a crash: the fragment is copied to
   ``events.csv.partial-<UTC time>`` beside the log (fsync'd), then cut from the log;
2. migrates an old header (adds ``logged_at``, ``logged_by``, ``corrects``,
   ``retracts``) by rewriting ONLY the header line, atomically (temp file, fsync,
   ``os.replace``, fsync of the folder); existing rows keep every byte;
3. refuses (or skips) rows whose id is already in the log;
4. writes all its rows with one ``write`` at the end of the file, then fsyncs.

Only then does it return, so "saved" means on disk. Whole rows are written by
Python's csv module, so a cell may hold commas and quotes (tracker.log.drafts keeps line
breaks out, so each event is one line and git's union merge cannot split it).

Why fcntl.flock and not the `filelock` package: flock is exactly the primitive needed
(one exclusive holder across processes and threads, released by the kernel on any
death), in a few lines; filelock 4 adds soft-lock fallbacks and leases we would have
to switch off, as a new dependency. flock is POSIX-only: on Windows writing says so.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import operator
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tracker.log.events import COLUMNS, KIND, REQUIRED_COLUMNS, csv_files
from tracker.log.ledger import REVISION_COLUMNS
from tracker.problems import TrackerError, display_path

LOGGED_AT, LOGGED_BY = "logged_at", "logged_by"
PROVENANCE_COLUMNS = (LOGGED_AT, LOGGED_BY)
# The columns a log has once this writer has touched it, in the order a new log gets them.
WRITE_COLUMNS = (*COLUMNS, KIND, *PROVENANCE_COLUMNS, *REVISION_COLUMNS)
DEFAULT_FILE_NAME = "events.csv"
LOCK_TIMEOUT_SECONDS = 30.0
# Test-only: when set to a path, a writer writes half its bytes, creates that file and waits to be killed.
PAUSE_MID_WRITE_ENV = "TRACKER_TEST_PAUSE_MID_WRITE"

OnDuplicate = Literal["refuse", "skip"]


# --- files, folders and the lock --------------------------------------------------------
def append_target(location: Path) -> Path:
    """The file new events go to: the log itself, or ``events.csv`` in a folder of logs."""
    return location / DEFAULT_FILE_NAME if location.is_dir() else location


def lock_path(log: Path) -> Path:
    return log.with_name(f".{log.name}.lock")


def fsync_dir(folder: Path) -> None:
    """Make a file's creation, rename or removal in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flock(fd: int, log: Path, timeout: float, *, shared: bool) -> None:
    """Take the lock on ``fd``, waiting up to ``timeout`` seconds."""
    import fcntl

    operation = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, operation)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                what = "nothing was read" if shared else "nothing was written"
                raise TrackerError(
                    f"the event log {display_path(log)} is busy: another writer has held it for {timeout:g} s; {what}, try again"
                ) from None
            time.sleep(0.002)  # appends hold the lock for milliseconds: look again soon


@contextlib.contextmanager
def locked(log: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the log's exclusive write lock (waiting up to ``timeout`` seconds for it)."""
    try:
        import fcntl  # noqa: F401 - only to fail clearly where there are no file locks
    except ImportError:  # pragma: no cover - Windows
        raise TrackerError("writing to the event log needs a POSIX system (Linux or macOS); this one has no file locks") from None
    if not log.parent.is_dir():
        raise TrackerError(f"cannot write {display_path(log)}: the folder {display_path(log.parent)} does not exist")
    fd = os.open(lock_path(log), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        _flock(fd, log, timeout, shared=False)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def reading(location: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold a shared lock while reading the log, so that no append is half-way through it.

    Readers share the lock with each other. Where the lock file cannot be made (a read-only
    folder, a system without file locks), nobody appends through this writer: read without it.
    """
    path = append_target(location)
    try:
        import fcntl  # noqa: F401 - only to know whether there are file locks

        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o666)
    except (ImportError, OSError):
        yield
        return
    try:
        _flock(fd, path, timeout, shared=True)
        yield
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, *, pausable: bool = False) -> None:
    view = memoryview(data)
    pause_flag = os.environ.get(PAUSE_MID_WRITE_ENV) if pausable else None
    if pause_flag and len(view) > 1:
        half = len(view) // 2
        while half:
            done = os.write(fd, view[:half])
            view, half = view[done:], half - done
        os.fsync(fd)
        Path(pause_flag).touch()
        time.sleep(600)  # the test kills the process here
    while view:
        view = view[os.write(fd, view) :]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once: a crash leaves either the old file or the new one."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    if path.exists():
        os.chmod(temp, path.stat().st_mode & 0o7777)
    os.replace(temp, path)
    fsync_dir(path.parent)


def _create_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new file named ``path`` (or ``path-2``, ``path-3``... if taken), durably."""
    candidate, n = path, 1
    while True:
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            n += 1
            candidate = path.with_name(f"{path.name}-{n}")
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)
    return candidate


# --- reading the log as it is on disk ----------------------------------------------------
@dataclass(frozen=True)
class Partial:
    """A last record left half-written: its bytes start at ``start``."""

    start: int
    line: int
    reason: str


@dataclass
class _Scan:
    data: bytes
    header: list[str] = field(default_factory=list)
    header_end: int = 0  # byte offset just after the header's line end
    terminator: str = "\n"
    records: list[list[str]] = field(default_factory=list)  # the rows after the header (blank lines included)
    lines: list[int] = field(default_factory=list)  # the line each of those rows starts on
    partial: Partial | None = None

    def _column(self, name: str) -> list[str]:
        if name not in self.header:
            return [""] * len(self.records)
        i = self.header.index(name)
        return [r[i] if i < len(r) else "" for r in self.records]

    def ids(self) -> dict[str, int]:
        """id -> the line it is first on."""
        ids = self._column("id")
        return dict(zip(reversed(ids), reversed(self.lines), strict=True))

    def triples(self) -> dict[tuple[str, str, str], tuple[str, int]]:
        """(occurred, title, source) -> (id, line) of the first row with them."""
        keys = zip(*(map(str.strip, self._column(c)) for c in ("occurred", "title", "source")), strict=True)
        found = zip(self._column("id"), self.lines, strict=True)
        return dict(reversed(list(zip(keys, found, strict=True))))


def _scan(path: Path) -> _Scan:
    """Parse the log once: header, rows and their lines, and a half-written last row if any."""
    data = path.read_bytes()
    scan = _Scan(data)
    if not data:
        return scan
    # A row that is not UTF-8 is the loader's to report (it leaves that row out); appending after it is safe, so its
    # bytes are kept as they are (surrogateescape) and every offset below is counted in the file's own bytes.
    text = data.decode("utf-8", errors="surrogateescape")
    pieces = text.split("\n")  # only \n ends a line here, as for the loader
    fed = itertools.chain(map(operator.add, pieces[:-1], itertools.repeat("\n")), [pieces[-1]] if pieces[-1] else [])
    reader = csv.reader(fed)
    first_line, last_line = 1, 1
    try:
        for record in reader:
            if not scan.header and first_line == 1:
                scan.header = [h.strip().lstrip("\ufeff").strip() for h in record]
                scan.header_end = len(_raw("\n".join(pieces[: reader.line_num]))) + 1
                scan.terminator = "\r\n" if pieces[reader.line_num - 1].endswith("\r") else "\n"
            else:
                scan.records.append(record)
                scan.lines.append(first_line)
            last_line, first_line = first_line, reader.line_num + 1
    except csv.Error as exc:
        if "new-line character" in str(exc):  # a lone CR outside quotes: the loader reads it, an append would not line up
            raise TrackerError(
                f"{display_path(path)}:{first_line}: this line ends with a lone CR (classic Mac line ends); "
                "save the log with LF or CRLF line ends before logging"
            ) from None
        raise TrackerError(
            f"{display_path(path)}:{first_line}: the event log is not valid CSV ({exc}); fix that line before logging"
        ) from None
    tail = "\n".join(pieces[last_line - 1 :])
    tail_start = len(data) - len(_raw(tail))
    if not data.endswith(b"\n"):
        scan.partial = Partial(tail_start, last_line, "it has no line end")
    elif tail.count('"') % 2 and _unterminated(tail):
        scan.partial = Partial(tail_start, last_line, "it ends inside a quoted cell")
    return scan


def _raw(text: str) -> bytes:
    """``text`` as the bytes it was read from (bytes that were not UTF-8 included)."""
    return text.encode("utf-8", errors="surrogateescape")


def _unterminated(record: str) -> bool:
    """Whether the CSV record ``record`` stops inside a quoted cell."""
    try:
        list(csv.reader(io.StringIO(record, newline=""), strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def find_partial(location: Path) -> Partial | None:
    """The half-written last line of the log, if it has one (read-only: nothing is changed)."""
    path = append_target(location)
    if not path.is_file():
        return None
    return _scan(path).partial


# --- repair --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Repair:
    """A half-written last line moved out of the log."""

    log: Path
    quarantine: Path
    line: int
    reason: str
    fragment: str

    @property
    def message(self) -> str:
        shown = self.fragment.strip().replace("\r", " ").replace("\n", " ")
        shown = shown if len(shown) <= 120 else shown[:119] + "…"
        return (
            f"{display_path(self.log)}:{self.line}: the last line was half-written ({self.reason}), probably by a crash while saving. "
            f"It was moved to {display_path(self.quarantine)} and the log now ends at its last complete row; "
            f"nothing was deleted. If that event is missing from the log, log it again: {shown}"
        )


def _quarantine_name(log: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"
    return log.with_name(f"{log.name}.partial-{stamp}")


def _repair(path: Path, scan: _Scan, now: dt.datetime) -> tuple[_Scan, Repair | None]:
    partial = scan.partial
    if partial is None:
        return scan, None
    if partial.start == 0:  # only a header, without its line end: complete it, it holds no event
        missing = [c for c in REQUIRED_COLUMNS if c not in scan.header]
        if missing:
            raise TrackerError(f"{display_path(path)}:1: the header is incomplete (lacks {', '.join(missing)}); fix it before logging")
        with open(path, "ab") as handle:
            handle.write(scan.terminator.encode())
            handle.flush()
            os.fsync(handle.fileno())
        return _scan(path), None
    fragment = scan.data[partial.start :]
    quarantine = _create_new(_quarantine_name(path, now), fragment)
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, partial.start)
        os.fsync(fd)
    finally:
        os.close(fd)
    repair = Repair(path, quarantine, partial.line, partial.reason, fragment.decode("utf-8", "replace"))
    return _scan(path), repair


@contextlib.contextmanager
def _plain_os_errors(path: Path) -> Iterator[None]:
    """An operating-system error (permissions, a full disk) as a plain message."""
    try:
        yield
    except OSError as exc:
        raise TrackerError(f"cannot write {display_path(path)}: {exc.strerror or exc}; nothing was written") from None


def repair_log(location: Path, now: dt.datetime) -> Repair | None:
    """At start-up: move a half-written last line (left by a crash) out of the log. None when there is none."""
    path = append_target(location)
    with _plain_os_errors(path):
        if not path.is_file() or find_partial(path) is None:
            return None
        with locked(path):
            return _repair(path, _scan(path), now)[1]


# --- header migration --------------------------------------------------------------------
def encode_rows(rows: Sequence[Sequence[str]], terminator: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _prepare(path: Path, now: dt.datetime) -> tuple[_Scan, Repair | None, list[str]]:
    """Under the lock: the log repaired and migrated, ready for appending; creates it if missing."""
    if not path.exists():
        atomic_write(path, encode_rows([WRITE_COLUMNS], "\n"))
        return _scan(path), None, list(WRITE_COLUMNS)
    if not path.is_file():
        raise TrackerError(f"cannot write {display_path(path)}: it is not a file")
    scan = _scan(path)
    if not scan.data:  # an empty file: give it the header
        atomic_write(path, encode_rows([WRITE_COLUMNS], "\n"))
        return _scan(path), None, list(WRITE_COLUMNS)
    scan, repair = _repair(path, scan, now)
    missing_required = [c for c in REQUIRED_COLUMNS if c not in scan.header]
    if missing_required:
        raise TrackerError(
            f"{display_path(path)}:1: header lacks required column(s) {', '.join(missing_required)}; "
            f"expected {','.join(COLUMNS)}. Nothing was written"
        )
    repeated = sorted({h for h in scan.header if scan.header.count(h) > 1})
    if repeated:
        raise TrackerError(f"{display_path(path)}:1: header repeats column(s) {', '.join(repeated)}. Nothing was written")
    added = [c for c in WRITE_COLUMNS if c not in scan.header]
    if added:
        header_line = scan.data[: scan.header_end]
        body = header_line[: len(header_line) - len(scan.terminator)] if header_line.endswith(scan.terminator.encode()) else header_line
        new_header = body + ("," + ",".join(added)).encode() + scan.terminator.encode()
        atomic_write(path, new_header + scan.data[scan.header_end :])
        scan.header = [*scan.header, *added]
    return scan, repair, added


# --- appending -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Skipped:
    index: int  # position in the rows given
    reason: str


@dataclass(frozen=True)
class Receipt:
    """What an append did. Every id in ``written`` is on disk."""

    path: Path
    written: list[str]
    skipped: list[Skipped] = field(default_factory=list)
    repair: Repair | None = None
    added_columns: list[str] = field(default_factory=list)


class DuplicateIdError(TrackerError):
    pass


def _other_logs(location: Path, target: Path) -> list[Path]:
    if not location.is_dir():
        return []
    return [p for p in csv_files(location) if p != target]


def append_rows(
    location: Path,
    rows: Sequence[Mapping[str, str]],
    *,
    now: dt.datetime,
    on_duplicate: OnDuplicate = "refuse",
) -> Receipt:
    """Append ``rows`` (already validated; keys from WRITE_COLUMNS) in one durable step.

    ``on_duplicate="refuse"`` writes nothing if any row's id is already in the log;
    ``"skip"`` leaves out rows whose id, or whose occurred + title + source, is already there.
    """
    unknown = sorted({key for row in rows for key in row if key not in WRITE_COLUMNS})
    if unknown:
        raise ValueError(f"unknown column(s) {unknown}")
    path = append_target(location)
    with _plain_os_errors(path), locked(path):
        scan, repair, added = _prepare(path, now)
        # Where each id (and, to skip duplicates, each occurred + title + source) is first: "events.csv line 7".
        ids: dict[str, str] = {}
        triples: dict[tuple[str, str, str], tuple[str, str]] = {}
        for file, file_scan in [(path, scan), *((other, _scan(other)) for other in _other_logs(location, path))]:
            shown = display_path(file)
            for event_id, line in file_scan.ids().items():
                ids.setdefault(event_id, f"{shown} line {line}")
            if on_duplicate == "skip":
                for key, (event_id, line) in file_scan.triples().items():
                    triples.setdefault(key, (event_id, f"{shown} line {line}"))
        accepted: list[Mapping[str, str]] = []
        skipped: list[Skipped] = []
        for index, row in enumerate(rows):
            event_id = row.get("id", "")
            triple = (row.get("occurred", "").strip(), row.get("title", "").strip(), row.get("source", "").strip())
            if event_id in ids:
                reason = f"id: duplicate event id {event_id!r} (first on {ids[event_id]})"
                if on_duplicate == "refuse":
                    raise DuplicateIdError(f"{reason}; nothing was written")
                skipped.append(Skipped(index, reason))
                continue
            if on_duplicate == "skip" and triple in triples:
                first_id, place = triples[triple]
                skipped.append(Skipped(index, f"same occurred, title and source as event {first_id!r} ({place})"))
                continue
            ids[event_id] = "this batch"
            triples.setdefault(triple, (event_id, "this batch"))
            accepted.append(row)
        if accepted:
            data = encode_rows([[row.get(column, "") for column in scan.header] for row in accepted], scan.terminator)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                size = os.fstat(fd).st_size
                try:
                    _write_all(fd, data, pausable=True)
                    os.fsync(fd)
                except OSError:
                    os.ftruncate(fd, size)  # e.g. a full disk: take back the part that was written
                    os.fsync(fd)
                    raise
            finally:
                os.close(fd)
    return Receipt(path, [row.get("id", "") for row in accepted], skipped, repair, added)


def format_logged_at(now: dt.datetime) -> str:
    """``logged_at`` as written: ISO 8601 in UTC to the millisecond, e.g. 2022-02-22T14:03:05.120Z."""
    return now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
