"""A columnar cache of the event log: a second load of an unchanged log reads Arrow columns, not the CSV.

**What is kept.** Exactly what the reader's parsing and validation produced (tracker.log.reader.load_events, before
corrections and retractions are applied, which is quick): the valid rows as Arrow columns, their instants, the row
each came from (for the lines of later messages) and every problem and warning, in one Arrow IPC file that is
memory-mapped when read: a hit copies almost nothing.

**The key** is the log's identity as the reader saw it: for each file, its absolute path, device, inode, size,
mtime and ctime (in ns), a hash of its first and last 64 KiB (all of a small file), and the path shown in messages;
the reader's version (``READER_VERSION``, bumped when its rules change) and those of pandas, pyarrow and Python. No
load option is in it: the cache holds the log before revisions, which are applied on every load. Any difference and
the CSV is parsed again and the cache rewritten. A cache that cannot be read, is cut short or is of another layout is
ignored the same way: it is never trusted over the CSV.

**Only quiet logs.** Nothing is read from or written to the cache while a writer is at work on the log (its lock is
held: see tracker.log.writer, ``writers_idle``), and a load stores what it parsed only when the log's identity before
and after parsing is the same, with no writer at either moment: the key then names exactly the bytes parsed. A file
changed less than ``RACY_SECONDS`` ago is neither looked up nor stored: two changes within one tick of the file
system's clock can leave size and times alike (git's "racy clean" problem), and the ctime in the key, which no tool
can set back, catches any change made after the cache was built.

**Where.** In this user's cache folder, ``$TRACKER_CACHE``, else ``$XDG_CACHE_HOME/sanctions-tracker``, else
``~/.cache/sanctions-tracker`` (tracker.config.cache_folder; ``TRACKER_CACHE=off`` parses every time), one file per
log named by a hash of its absolute path (and of the paths its messages show). Not beside the log, as one might
expect: a file in the data folder can be committed by anyone with commit rights, and a forged cache would show readers
events that are not in the CSV (SECURITY.md); and readers create no files in the data folder. The folder is created
private (0700); a cache is written to a temporary file, flushed to disk and renamed into place, so a reader never sees
half of one, and a cache that cannot be written (a read-only home, a full disk) is skipped silently: the result is the
same, only slower next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from tracker.config import cache_folder
from tracker.log.writer import writers_idle
from tracker.problems import Problem

_EDGE_BYTES = 64 * 1024
RACY_SECONDS = 2.0
# The cache file's own layout; a file of another layout is not read.
_LAYOUT = "1"
_ROW_ARRAYS = ("when_ns", "date_only", "kept")  # after the log's own columns, in this order


@dataclass
class Snapshot:
    """What the reader's validation produced: the valid rows, their instants, where they came from, the problems."""

    table: pa.Table
    when_ns: np.ndarray  # int64
    date_only: np.ndarray  # bool
    kept: np.ndarray  # int64: for each valid row, its position among all the rows read
    starts: list[int]  # the first row read from each file, in that numbering
    header_lengths: list[int]  # the number of columns in each file's header
    problems: list[Problem]


def log_identity(paths: Sequence[Path], displays: Sequence[str], *, follow: bool, reader_version: int) -> str | None:
    """The key of the log made of ``paths`` as it is now; None when it is not to be cached now: a writer is at work, a
    file changed within RACY_SECONDS, or is not a regular file the reader would read (the reader reports it)."""
    parts: list[object] = [_LAYOUT, reader_version, pd.__version__, pa.__version__, sys.version]
    for path, display in zip(paths, displays, strict=True):
        found = _file_identity(path, follow=follow)
        if found is None:
            return None
        parts += [display, found]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _file_identity(path: Path, *, follow: bool) -> list[object] | None:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # O_NONBLOCK: a FIFO must not hang us
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    with writers_idle(path) as idle:
        if not idle:
            return None
        try:
            fd = os.open(path, flags)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or time.time_ns() - info.st_mtime_ns < RACY_SECONDS * 1e9:
                return None
            edges = hashlib.blake2b(os.pread(fd, _EDGE_BYTES, 0))
            edges.update(os.pread(fd, _EDGE_BYTES, max(_EDGE_BYTES, info.st_size - _EDGE_BYTES)))
        except OSError:
            return None
        finally:
            os.close(fd)
    numbers = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
    return [os.path.abspath(path), *numbers, edges.hexdigest()]


def cache_file(location: Path | Sequence[Path], displays: Sequence[str]) -> Path | None:
    """The cache file of the log at ``location`` (a file, a folder or a list of files) whose files messages show as
    ``displays`` (the command line and the dashboard show paths from different folders: a cache each); None when
    caching is off."""
    folder = cache_folder()
    if folder is None:
        return None
    where = [location] if isinstance(location, Path) else list(location)
    name = hashlib.sha256("\0".join([*(os.path.abspath(p) for p in where), *displays]).encode()).hexdigest()[:32]
    return folder / f"events-{name}.arrow"


def cached(file: Path, key: str) -> Snapshot | None:
    """The snapshot stored under ``key``, or None: no cache, another key, or a file that does not read as one."""
    try:
        reader = pa.ipc.open_file(pa.memory_map(str(file)))
        metadata = reader.schema.metadata or {}
        if metadata.get(b"key") != key.encode():
            return None
        about = json.loads(metadata[b"log"])
        table = reader.read_all()
        columns: list[str] = about["columns"]
        rows = table.num_rows
        if table.num_columns != len(columns) + len(_ROW_ARRAYS) or rows != about["rows"]:
            return None
        table.validate()
        types = [*[pa.large_string()] * len(columns), pa.int64(), pa.bool_(), pa.int64()]
        if [field.type for field in table.schema] != types:
            return None
        log = table.select(range(len(columns))).rename_columns(columns)
        when_ns, date_only, kept = (table.column(len(columns) + i).to_numpy() for i in range(len(_ROW_ARRAYS)))
        problems = [
            Problem(str(path), int(line), int(column), str(message), "warning" if severity == "warning" else "error")
            for path, line, column, message, severity in about["problems"]
        ]
        return Snapshot(log, when_ns.copy(), date_only.copy(), kept.copy(), about["starts"], about["header_lengths"], problems)
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError, IndexError):
        return None


def store(file: Path, key: str, snapshot: Snapshot) -> None:
    """Write ``snapshot`` under ``key``, atomically; silently nothing when the cache cannot be written."""
    columns = list(snapshot.table.column_names)
    about = {
        "columns": columns,
        "rows": snapshot.table.num_rows,
        "starts": [int(s) for s in snapshot.starts],
        "header_lengths": snapshot.header_lengths,
        "problems": [[p.path, p.line, p.column, p.message, p.severity] for p in snapshot.problems],
    }
    arrays = [
        *snapshot.table.columns,
        pa.array(snapshot.when_ns, pa.int64()),
        pa.array(snapshot.date_only, pa.bool_()),
        pa.array(snapshot.kept, pa.int64()),
    ]
    names = [str(i) for i in range(len(arrays))]  # the log's own names are in the metadata: any name is allowed there
    table = pa.Table.from_arrays(arrays, names=names).replace_schema_metadata({"key": key, "log": json.dumps(about)})
    temp: str | None = None
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
        os.close(descriptor)
        with pa.OSFile(temp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        descriptor = os.open(temp, os.O_RDONLY)
        try:  # on disk before it is named: after a crash, a cache is whole or absent
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temp, file)
        temp = None
    except (OSError, pa.ArrowException):
        pass  # a read-only or full cache folder: the next load parses the CSV again
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
