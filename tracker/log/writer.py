"""Durable, concurrent-safe appends to the CSV event log, and reads that see only what was saved.

One writer at a time: every write holds an exclusive ``flock`` on a lock file beside
the log (``.events.csv.lock``; never deleted, so every writer locks the same inode, and
the kernel releases it when a writer dies, even by SIGKILL). Under the lock a writer:

1. repairs a half-written last line left by a crash: the fragment is copied to
   ``events.csv.partial-<UTC time>`` beside the log (fsync'd), then cut from the log;
2. migrates an old header (adds ``logged_at``, ``logged_by``, ``corrects``,
   ``retracts``) by rewriting ONLY the header line, atomically (temp file, fsync,
   ``os.replace``, fsync of the folder); existing rows keep every byte;
3. finds rows already saved (the same id and content, or, when asked, the same content
   logged by the same person a moment ago: a retried save) and reports them, writing
   them again never; refuses (or skips) other rows whose id is already in the log;
4. runs the caller's checks against the log as it is now (``check``: the rules that
   depend on the log, such as "this event is not retracted yet"), so that of two
   writers racing, the second is judged against the first one's row;
5. writes all its rows with one ``write`` at the end of the file, then fsyncs.

Only then does it return, so "saved" means on disk. Whole rows are written by
Python's csv module, so a cell may hold commas and quotes (tracker.log.drafts keeps line
breaks out, so each event is one line and git's union merge cannot split it).

**Readers see only whole, saved rows** (`read_saved`). Before each change to the log,
the writer records in the lock file the length the log's saved part has once that change
is made (after the final fsync, the new length). A reader never waits and never creates
anything: it tries the shared lock without blocking. When it gets it, no writer is at work,
and it reads the whole log but an unterminated last line (left by a writer that died). When
a writer holds the lock, it reads only up to the recorded length (and checks that the
record did not change while it read). Either way what it left out is reported at its line.
A log without a lock file has never been written by the tracker: it is read whole, and read
again should a writer have created the lock file meanwhile.

Logs are regular files: a device, a FIFO or (inside a folder of logs) a link is refused,
by the reader as by the writer, and the writer refuses before it creates its lock file.

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
import re
import stat
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tracker.files import InputRefused, input_problem, read_input
from tracker.log.events import COLUMNS, KIND, REQUIRED_COLUMNS, csv_files
from tracker.log.ledger import REVISION_COLUMNS
from tracker.problems import TrackerError, display_path
from tracker.text import excerpt

LOGGED_AT, LOGGED_BY = "logged_at", "logged_by"
PROVENANCE_COLUMNS = (LOGGED_AT, LOGGED_BY)
# The columns a log has once this writer has touched it, in the order a new log gets them.
WRITE_COLUMNS = (*COLUMNS, KIND, *PROVENANCE_COLUMNS, *REVISION_COLUMNS)
DEFAULT_FILE_NAME = "events.csv"
LOCK_TIMEOUT_SECONDS = 30.0
# Test-only: when set to a path, a writer writes half its bytes, creates that file and waits to be killed.
PAUSE_MID_WRITE_ENV = "TRACKER_TEST_PAUSE_MID_WRITE"

OnDuplicate = Literal["refuse", "skip"]


@dataclass(frozen=True)
class Ledger:
    """A CSV file changed only by appends, as this module writes it: the event log, or the analysts' assessments."""

    name: str  # in messages: "the event log is busy"
    columns: tuple[str, ...]  # the columns a new file gets, in order; a row may have no others
    required: tuple[str, ...]  # a header without them is refused
    lost_row: str  # what to do about a crash's half row: "If that event is missing from the log, log it again"
    retry_key: str  # looked at first when finding a retried save: most rows differ there (an event's title)

    @property
    def content(self) -> tuple[str, ...]:
        """What makes two rows the same: every cell but the id and when it was logged (a retry is logged later)."""
        return tuple(c for c in self.columns if c not in ("id", LOGGED_AT))


EVENT_LOG = Ledger("event log", WRITE_COLUMNS, REQUIRED_COLUMNS, "If that event is missing from the log, log it again", "title")


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


def _not_writable(location: Path, path: Path, what: str = EVENT_LOG.name) -> str | None:
    """Why the log at ``path`` cannot be appended to (it exists and is not a regular file), or None.

    The configured log may be a link to a regular file; ``events.csv`` inside a folder of logs may not.
    """
    if location.is_dir():
        problem = input_problem(path, location)
        return None if problem in (None, "no such file") else problem.removeprefix("not read: ")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else f"it is not a regular file (a device, a FIFO or a socket); the {what} must be one"


def _flock(fd: int, log: Path, timeout: float, what: str) -> None:
    """Take the exclusive lock on ``fd``, waiting up to ``timeout`` seconds."""
    import fcntl

    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise TrackerError(
                    f"the {what} {display_path(log)} is busy: another writer has held it for {timeout:g} s; nothing was written, try again"
                ) from None
            time.sleep(0.002)  # appends hold the lock for milliseconds: look again soon


_LOCK_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# The saved length, twice: a reader that catches the record half-rewritten sees two different numbers and looks again.
_RECORD = "saved {0:020d} {0:020d}\n"
_RECORD_PATTERN = re.compile(rb"saved (\d{20}) (\d{20})\n")


class Lock:
    """The exclusive write lock, held: ``saved(length)`` tells readers how much of the log is saved."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def saved(self, length: int) -> None:
        """Record, before a change, the length of the log's saved part once the change is made."""
        os.pwrite(self._fd, _RECORD.format(length).encode(), 0)


def _refuse_odd_lock_file(fd: int, lock: Path, what: str) -> None:
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise TrackerError(f"cannot use {display_path(lock)} as the {what}'s lock: it is not a regular file; remove it")


@contextlib.contextmanager
def locked(log: Path, timeout: float = LOCK_TIMEOUT_SECONDS, *, location: Path | None = None, what: str = EVENT_LOG.name) -> Iterator[Lock]:
    """Hold the log's exclusive write lock (waiting up to ``timeout`` seconds for it).

    ``location``: what was configured (the log, or its folder); a log that is not a regular file is refused
    before the lock file is created.
    """
    try:
        import fcntl  # noqa: F401 - only to fail clearly where there are no file locks
    except ImportError:  # pragma: no cover - Windows
        raise TrackerError(f"writing to the {what} needs a POSIX system (Linux or macOS); this one has no file locks") from None
    if not log.parent.is_dir():
        raise TrackerError(f"cannot write {display_path(log)}: the folder {display_path(log.parent)} does not exist")
    problem = _not_writable(location or log, log, what)
    if problem is not None:
        raise TrackerError(f"cannot write {display_path(log)}: {problem}. Nothing was written")
    lock = lock_path(log)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | _LOCK_FLAGS, 0o666)
    except OSError:
        if os.path.islink(lock):  # never write the saved length into whatever a planted link names
            raise TrackerError(f"cannot use {display_path(lock)} as the {what}'s lock: it is a symbolic link; remove it") from None
        raise
    _refuse_odd_lock_file(fd, lock, what)
    try:
        _flock(fd, log, timeout, what)
        yield Lock(fd)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


# --- reading only what was saved ------------------------------------------------------------
@dataclass(frozen=True)
class Partial:
    """A last record left half-written (or still being written): its bytes start at ``start``."""

    start: int
    line: int
    reason: str


@dataclass(frozen=True)
class Saved:
    """A log as a reader may use it: its saved whole lines, and what was left out after them."""

    data: bytes
    left_out: Partial | None = None


_READ_ATTEMPTS = 5
BEING_SAVED = "a writer has not finished saving it"
NO_LINE_END = "it has no line end"


def _open_lock_for_reading(log: Path) -> int | None:
    """The lock file, opened read-only (a reader creates nothing); None when there is none to use."""
    try:
        fd = os.open(lock_path(log), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _LOCK_FLAGS)
    except OSError:  # none yet, or a link, or unreadable: no writer of ours coordinates through it
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def _shared_now(fd: int) -> bool:
    """Take the shared lock if no writer holds the exclusive one; never wait."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: without file locks nobody writes (`locked` refuses)
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _recorded(fd: int) -> int | None:
    """The saved length a writer recorded, or None when the record is missing or caught half-rewritten."""
    found = _RECORD_PATTERN.match(os.pread(fd, 64, 0))
    if found is None or found.group(1) != found.group(2):
        return None
    return int(found.group(1))


def whole_lines(data: bytes, saved: int | None = None) -> Saved:
    """``data`` up to the end of its last complete line (and at most ``saved`` bytes, the length a writer recorded).

    A file of one line without its end is kept whole: it is the header (or not a log at all, which the loader says).
    """
    end = len(data) if saved is None else min(saved, len(data))
    newline = data.rfind(b"\n", 0, end)
    last = max(newline, data.rfind(b"\r", newline + 1, end)) + 1  # a lone CR ends a line too (classic Mac)
    if last == 0 or last == len(data):
        return Saved(data)
    reason = BEING_SAVED if end < len(data) else NO_LINE_END
    return Saved(data[:last], Partial(last, len(data[:last].splitlines()) + 1, reason))


def read_saved(path: Path, *, folder: Path | None = None, follow: bool = False) -> Saved:
    """A log's saved whole lines, read without waiting for a writer (see the module docstring).

    ``follow`` and ``folder`` as for tracker.files.read_input: raises InputRefused (or OSError).
    """
    data = b""
    for _ in range(_READ_ATTEMPTS):
        fd = _open_lock_for_reading(path)
        if fd is None:
            data = read_input(path, folder=folder, follow=follow)
            again = _open_lock_for_reading(path)
            if again is None:  # lock files are never deleted: no writer (none can use a link) started while we read
                return whole_lines(data)
            os.close(again)
            continue
        try:
            if _shared_now(fd):
                return whole_lines(read_input(path, folder=folder, follow=follow))
            before = _recorded(fd)
            data = read_input(path, folder=folder, follow=follow)
            if before is not None and _recorded(fd) == before:
                return whole_lines(data, before)
        finally:
            os.close(fd)  # releases the shared lock, if it was taken
    return whole_lines(data)  # a writer kept rewriting its record: its unfinished line, at least, is left out


@contextlib.contextmanager
def writers_idle(path: Path) -> Iterator[bool]:
    """While held: True when no writer is at work on the log at ``path`` (none can start: a shared lock is held),
    False when one is; never waits, creates nothing. A log without a lock file yields True: no writer holds it now."""
    fd = _open_lock_for_reading(path)
    if fd is None:
        yield True
        return
    try:
        yield _shared_now(fd)
    finally:
        os.close(fd)  # releases the shared lock, if it was taken


def saved_length(location: Path) -> int | None:
    """The saved length a writer last recorded for the log (a change of it means the log changed); None without one."""
    fd = _open_lock_for_reading(append_target(location))
    if fd is None:
        return None
    try:
        return _recorded(fd)
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
    except BaseException:  # e.g. a full disk: leave no empty or partial copy behind
        os.close(fd)
        candidate.unlink(missing_ok=True)
        raise
    os.close(fd)
    fsync_dir(path.parent)
    return candidate


# --- reading the log as it is on disk ----------------------------------------------------
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


def _scan(path: Path, *, folder: Path | None = None, ledger: Ledger = EVENT_LOG) -> _Scan:
    """Parse the log once: header, rows and their lines, and a half-written last row if any.

    ``folder``: the folder of logs ``path`` was found in (then a link is refused); else the configured log.
    """
    data = read_input(path, folder=folder, follow=folder is None)
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
            f"{display_path(path)}:{first_line}: the {ledger.name} is not valid CSV ({exc}); fix that line before logging"
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


def find_partial(location: Path, ledger: Ledger = EVENT_LOG) -> Partial | None:
    """The half-written last line of the log, if it has one (read-only: nothing is changed)."""
    path = append_target(location)
    if not path.is_file() or _not_writable(location, path, ledger.name) is not None:
        return None
    return _scan(path, ledger=ledger).partial


# --- repair --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Repair:
    """A half-written last line moved out of the log."""

    log: Path
    quarantine: Path
    line: int
    reason: str
    fragment: str
    lost_row: str = EVENT_LOG.lost_row

    @property
    def message(self) -> str:
        shown = excerpt(self.fragment.strip())
        return (
            f"{display_path(self.log)}:{self.line}: the last line was half-written ({self.reason}), probably by a crash while saving. "
            f"It was moved to {display_path(self.quarantine)} and the log now ends at its last complete row; "
            f"nothing was deleted. {self.lost_row}: {shown}"
        )


def _quarantine_name(log: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"
    return log.with_name(f"{log.name}.partial-{stamp}")


def _repair(path: Path, scan: _Scan, now: dt.datetime, lock: Lock, ledger: Ledger) -> tuple[_Scan, Repair | None]:
    partial = scan.partial
    if partial is None:
        return scan, None
    if partial.start == 0:  # only a header, without its line end: complete it, it holds no event
        missing = [c for c in ledger.required if c not in scan.header]
        if missing:
            raise TrackerError(f"{display_path(path)}:1: the header is incomplete (lacks {', '.join(missing)}); fix it before logging")
        lock.saved(len(scan.data) + len(scan.terminator))
        with open(path, "ab") as handle:
            handle.write(scan.terminator.encode())
            handle.flush()
            os.fsync(handle.fileno())
        return _scan(path, ledger=ledger), None
    fragment = scan.data[partial.start :]
    lock.saved(partial.start)
    quarantine = _create_new(_quarantine_name(path, now), fragment)
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, partial.start)
        os.fsync(fd)
    finally:
        os.close(fd)
    repair = Repair(path, quarantine, partial.line, partial.reason, fragment.decode("utf-8", "replace"), ledger.lost_row)
    return _scan(path, ledger=ledger), repair


@contextlib.contextmanager
def _plain_os_errors(path: Path) -> Iterator[None]:
    """An operating-system error (permissions, a full disk) as a plain message."""
    try:
        yield
    except OSError as exc:
        raise TrackerError(f"cannot write {display_path(path)}: {exc.strerror or exc}; nothing was written") from None


def repair_log(location: Path, now: dt.datetime, ledger: Ledger = EVENT_LOG) -> Repair | None:
    """At start-up: move a half-written last line (left by a crash) out of the log. None when there is none."""
    path = append_target(location)
    with _plain_os_errors(path):
        if not path.is_file() or find_partial(location, ledger) is None:
            return None
        with locked(path, location=location, what=ledger.name) as lock:
            return _repair(path, _scan(path, ledger=ledger), now, lock, ledger)[1]


# --- header migration --------------------------------------------------------------------
def encode_rows(rows: Sequence[Sequence[str]], terminator: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _prepare(path: Path, now: dt.datetime, lock: Lock, ledger: Ledger) -> tuple[_Scan, Repair | None, list[str]]:
    """Under the lock: the log repaired and migrated, ready for appending; creates it if missing."""
    # A link is written through (the configured log may be one): the file it names is replaced, never the link.
    target = Path(os.path.realpath(path))
    if not path.exists() or not path.stat().st_size:  # a new or empty log: give it the header
        header = encode_rows([ledger.columns], "\n")
        lock.saved(len(header))
        atomic_write(target, header)
        return _scan(path, ledger=ledger), None, list(ledger.columns)
    scan = _scan(path, ledger=ledger)
    lock.saved(scan.partial.start if scan.partial else len(scan.data))  # a crash's fragment, if any, is not saved
    scan, repair = _repair(path, scan, now, lock, ledger)
    missing_required = [c for c in ledger.required if c not in scan.header]
    if missing_required:
        raise TrackerError(
            f"{display_path(path)}:1: header lacks required column(s) {', '.join(missing_required)}; "
            f"expected {','.join(COLUMNS if ledger is EVENT_LOG else ledger.columns)}. Nothing was written"
        )
    repeated = sorted({h for h in scan.header if scan.header.count(h) > 1})
    if repeated:
        raise TrackerError(f"{display_path(path)}:1: header repeats column(s) {', '.join(repeated)}. Nothing was written")
    added = [c for c in ledger.columns if c not in scan.header]
    if added:
        header_line = scan.data[: scan.header_end]
        body = header_line[: len(header_line) - len(scan.terminator)] if header_line.endswith(scan.terminator.encode()) else header_line
        new_header = body + ("," + ",".join(added)).encode() + scan.terminator.encode()
        migrated = new_header + scan.data[scan.header_end :]
        lock.saved(len(migrated))
        atomic_write(target, migrated)
        scan.header = [*scan.header, *added]  # the rows keep their bytes and lines; only offsets moved, unused from here
    return scan, repair, added


# --- appending -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Skipped:
    index: int  # position in the rows given
    reason: str


@dataclass(frozen=True)
class AlreadySaved:
    """A row given that the log already holds: a retried save, written no second time."""

    index: int  # position in the rows given
    event_id: str  # the id of the row in the log
    place: str  # where it is, e.g. "events.csv line 70"


@dataclass(frozen=True)
class Receipt:
    """What an append did. Every id in ``written`` is on disk."""

    path: Path
    written: list[str]
    skipped: list[Skipped] = field(default_factory=list)
    repair: Repair | None = None
    added_columns: list[str] = field(default_factory=list)
    already: list[AlreadySaved] = field(default_factory=list)


class DuplicateIdError(TrackerError):
    pass


class RefusedError(TrackerError):
    """A row broke a rule of the log as it was once the lock was held (another writer got there first)."""


# Runs under the lock on the rows about to be written: each row's reasons to refuse it ([] for none).
Check = Callable[[Sequence[Mapping[str, str]]], list[list[str]]]


def _other_logs(location: Path, target: Path) -> list[Path]:
    if not location.is_dir():
        return []
    return [p for p in csv_files(location) if p != target]


def _cells(header: Sequence[str], record: Sequence[str]) -> dict[str, str]:
    return {name: record[i] if i < len(record) else "" for i, name in enumerate(header)}


def _same_content(saved: Mapping[str, str], row: Mapping[str, str], ledger: Ledger) -> bool:
    return all(saved.get(column, "") == row.get(column, "") for column in ledger.content)


def _recent_twin(scan: _Scan, row: Mapping[str, str], now: dt.datetime, window: dt.timedelta, ledger: Ledger) -> tuple[str, int] | None:
    """(id, line) of a row with the same content (``logged_by`` included) logged within ``window`` before ``now``."""
    key = ledger.retry_key
    at = scan.header.index(key)
    for record, line in zip(reversed(scan.records), reversed(scan.lines), strict=True):
        if at >= len(record) or record[at] != row.get(key, ""):
            continue
        saved = _cells(scan.header, record)
        if not _same_content(saved, row, ledger):
            continue
        try:
            logged = dt.datetime.fromisoformat(saved.get(LOGGED_AT, "").strip())
        except ValueError:
            continue
        if logged.tzinfo is not None and dt.timedelta(0) <= now - logged <= window:
            return saved.get("id", ""), line
    return None


def append_rows(
    location: Path,
    rows: Sequence[Mapping[str, str]],
    *,
    now: dt.datetime,
    on_duplicate: OnDuplicate = "refuse",
    check: Check | None = None,
    retry_window: dt.timedelta | None = None,
    ledger: Ledger = EVENT_LOG,
    own_ids: Collection[str] = (),
) -> Receipt:
    """Append ``rows`` (already validated; keys from ``ledger.columns``) to the ledger at ``location`` in one durable step.

    ``on_duplicate="refuse"`` (one save): a row already in the log (its id, with the same content) is a retried save,
    reported in ``Receipt.already`` and not written again; so is, with ``retry_window``, a row with the same content
    and ``logged_by`` logged that recently. Any other row whose id is already in the log makes it write nothing.
    ``"skip"`` leaves out rows whose id, or whose occurred + title + source, is already there; a row whose id is in
    ``own_ids`` (an export's own id) only when its id is.
    ``check`` runs under the lock on the rows left: a reason to refuse one raises RefusedError ("refuse": nothing is
    written) or skips that row ("skip").
    """
    unknown = sorted({key for row in rows for key in row if key not in ledger.columns})
    if unknown:
        raise ValueError(f"unknown column(s) {unknown}")
    path = append_target(location)
    with _plain_os_errors(path), locked(path, location=location, what=ledger.name) as lock:
        scan, repair, added = _prepare(path, now, lock, ledger)
        # Where each id (and, to skip duplicates, each occurred + title + source) is first: "events.csv line 7".
        ids: dict[str, str] = {}
        wanted = {row.get("id", "") for row in rows}
        saved_rows: dict[str, dict[str, str]] = {}  # the rows in the log with an id given here
        triples: dict[tuple[str, str, str], tuple[str, str]] = {}
        scans = [(path, scan)]
        for other in _other_logs(location, path):
            try:
                scans.append((other, _scan(other, folder=location, ledger=ledger)))
            except InputRefused:  # not a regular file (the loader reports it): it holds no event
                continue
        for file, file_scan in scans:
            shown = display_path(file)
            for event_id, line in file_scan.ids().items():
                ids.setdefault(event_id, f"{shown} line {line}")
            if wanted & ids.keys() and "id" in file_scan.header:  # a retry, or a clash: keep those rows, to tell which
                id_at = file_scan.header.index("id")
                for record in file_scan.records:
                    if id_at < len(record) and record[id_at] in wanted:
                        saved_rows.setdefault(record[id_at], _cells(file_scan.header, record))
            if on_duplicate == "skip":
                for key, (event_id, line) in file_scan.triples().items():
                    triples.setdefault(key, (event_id, f"{shown} line {line}"))
        accepted: list[tuple[int, Mapping[str, str]]] = []
        skipped: list[Skipped] = []
        already: list[AlreadySaved] = []
        for index, row in enumerate(rows):
            event_id = row.get("id", "")
            triple = (row.get("occurred", "").strip(), row.get("title", "").strip(), row.get("source", "").strip())
            if on_duplicate == "refuse":  # one save, maybe retried (an import reports what it skips, retried or not)
                if event_id in saved_rows and _same_content(saved_rows[event_id], row, ledger):
                    already.append(AlreadySaved(index, event_id, ids[event_id]))
                    continue
                twin = _recent_twin(scan, row, now, retry_window, ledger) if retry_window is not None else None
                if twin is not None:
                    already.append(AlreadySaved(index, twin[0], f"{display_path(path)} line {twin[1]}"))
                    continue
            if event_id in ids:
                reason = f"id: duplicate event id {excerpt(event_id)} (first on {ids[event_id]})"
                if on_duplicate == "refuse":
                    raise DuplicateIdError(f"{reason}; nothing was written")
                skipped.append(Skipped(index, reason))
                continue
            if on_duplicate == "skip" and triple in triples and event_id not in own_ids:
                first_id, place = triples[triple]
                skipped.append(Skipped(index, f"same occurred, title and source as event {excerpt(first_id)} ({place})"))
                continue
            ids[event_id] = "this batch"
            triples.setdefault(triple, (event_id, "this batch"))
            accepted.append((index, row))
        if check is not None and accepted:
            reasons = check([row for _, row in accepted])
            refused = [(index, found) for (index, _), found in zip(accepted, reasons, strict=True) if found]
            if refused and on_duplicate == "refuse":
                raise RefusedError("; ".join(reason for _, found in refused for reason in found) + "; nothing was written")
            skipped += [Skipped(index, "; ".join(found)) for index, found in refused]
            accepted = [(index, row) for (index, row), found in zip(accepted, reasons, strict=True) if not found]
        if accepted:
            data = encode_rows([[row.get(column, "") for column in scan.header] for _, row in accepted], scan.terminator)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                size = os.fstat(fd).st_size
                lock.saved(size)  # readers stop here until the rows below are on disk
                try:
                    _write_all(fd, data, pausable=True)
                    os.fsync(fd)
                except OSError:
                    os.ftruncate(fd, size)  # e.g. a full disk: take back the part that was written
                    os.fsync(fd)
                    raise
                lock.saved(size + len(data))
            finally:
                os.close(fd)
    skipped.sort(key=lambda s: s.index)
    return Receipt(path, [row.get("id", "") for _, row in accepted], skipped, repair, added, already)


def format_logged_at(now: dt.datetime) -> str:
    """``logged_at`` as written: ISO 8601 in UTC to the millisecond, e.g. 2022-02-22T14:03:05.120Z."""
    return now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
