"""Which files the tracker reads: regular files inside the folder they were configured in, never what they point to.

A scenario repository is written by everyone with commit rights, and git stores symbolic links: a link named
``scenarios/creds.yaml`` pointing at ``~/.git-credentials`` would otherwise be read and quoted, in a parse error, to
every reader of the dashboard. So an input is opened without following links (``O_NOFOLLOW``), checked to be a regular
file on the descriptor that is then read (no gap between check and read), and refused with a message that quotes
nothing of what it points to. Devices and FIFOs are refused the same way (``/dev/zero`` never ends, a FIFO blocks).

The configured locations themselves (``TRACKER_SCENARIOS``, ``TRACKER_EVENTS``, a path named on the command line) are
the operator's choice and may be links; what is found inside a configured folder may not.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tracker.problems import TrackerError


class InputRefused(TrackerError):
    """An input that is not read: a link, a device, a FIFO, a folder, outside its folder, or too large."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refusal(kind: str) -> str:
    return f"not read: it is {kind}, and the tracker reads only regular files (it never follows links)"


def input_problem(path: Path, folder: Path | None = None) -> str | None:
    """Why ``path`` would not be read, or None; looks at the entry itself (never follows a link, never opens it).

    ``folder``: the configured folder ``path`` was found in; a path that resolves outside it is refused.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return _refusal(_kind(mode))
    if folder is not None and not _inside(path, folder):
        return "not read: it is outside its folder"
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except OSError:  # pragma: no cover - a folder removed while looking
        return False


def read_input(path: Path, *, folder: Path | None = None, max_bytes: int | None = None, follow: bool = False) -> bytes:
    """The bytes of a regular file, read through one descriptor that was checked first.

    ``follow=True`` is for a path the operator configured (it may be a link to a regular file); what a folder holds
    is read with ``follow=False``. Raises InputRefused (a message that quotes nothing of the file) or OSError.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # O_NONBLOCK: opening a FIFO must not hang
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and os.path.islink(path):  # ELOOP from O_NOFOLLOW
            raise InputRefused(_refusal("a symbolic link")) from None
        raise exc
    try:
        if folder is not None and not _inside(path, folder):  # e.g. through a linked sub-folder
            raise InputRefused("not read: it is outside its folder")
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(_refusal(_kind(info.st_mode)))
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputRefused(f"not read: it is {info.st_size:,} bytes, more than the {max_bytes:,} this kind of file may be")
        os.set_blocking(fd, True)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
