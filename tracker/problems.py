"""One problem found in a user's file, located to the line and column."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }


class TrackerError(Exception):
    """A user-facing error: its message is shown as is, never a traceback."""


# The folder paths are shown from while the dashboard runs a page (see paths_shown_from); None: the command line's cwd.
_SHOWN_FROM: ContextVar[Path | None] = ContextVar("paths_shown_from", default=None)


@dataclass
class _Server:
    folder: Path | None = None  # the data folder of the dashboard server this process is (see serve_paths_from)


_SERVER = _Server()


def display_path(path: Path) -> str:
    """A path as users see it in messages: relative to where they ran the command, or, in the dashboard, to its data
    folder (within `paths_shown_from`, or anywhere in a dashboard server's process: see `serve_paths_from`)."""
    folder = _SHOWN_FROM.get() or _SERVER.folder
    if folder is not None:
        return shown_path(path, folder)
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def shown_path(path: Path, folder: Path, home: Path | None = None) -> str:
    """A path as anyone reading the dashboard may see it: relative to `folder` when it is inside it, else as ``~/...``
    when it is inside `home`, else its name alone. Never absolute: readers learn nothing of the server's layout."""
    target = os.path.abspath(path)
    for base, prefix in ((folder, ""), (home, "~/")):
        if base is None:
            continue
        inside = os.path.relpath(target, os.path.abspath(base))
        if Path(inside).parts[:1] != (os.pardir,):
            return prefix + inside if inside != os.curdir else prefix or os.curdir
    return os.path.basename(target)


def data_folder(scenarios: Path, events: Path) -> Path:
    """The folder holding the scenario folder and the event log (the innermost holding both): what the dashboard shows
    paths from."""
    return Path(os.path.commonpath([os.path.dirname(os.path.abspath(scenarios)), os.path.dirname(os.path.abspath(events))]))


@contextmanager
def paths_shown_from(folder: Path) -> Iterator[None]:
    """Within this block (one run of a dashboard page, in its own thread), `display_path` shows paths from `folder`,
    so messages built by the core name no absolute path; the command line keeps paths relative to where it was run."""
    token = _SHOWN_FROM.set(folder)
    try:
        yield
    finally:
        _SHOWN_FROM.reset(token)


def serve_paths_from(folder: Path) -> None:
    """For a process that is a dashboard server and nothing else: every thread shows paths from `folder`, including
    those that run outside a page's run (a fragment's rerun, which may load the files and cache their problems)."""
    _SERVER.folder = folder
