"""Which revision of the data a briefing shows: the git commit of the data files, when they are in git.

Slides and hand-outs carry it so a reader can tell which version of the scenarios and the
event log the statuses came from. Outside git (or without git installed) there is none.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataRevision:
    commit: str  # short commit id of HEAD
    dirty: bool  # the data files differ from that commit (edited, added or not yet committed)

    def __str__(self) -> str:
        return f"{self.commit} (uncommitted changes)" if self.dirty else self.commit


def _git(folder: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def data_revision(paths: Sequence[Path]) -> DataRevision | None:
    """The commit of the repository holding the first existing path; None when not in git.

    Dirty means any of ``paths`` (inside that repository) has uncommitted changes or untracked files.
    """
    existing = [p.resolve() for p in paths if p.exists()]
    if not existing:
        return None
    folder = existing[0] if existing[0].is_dir() else existing[0].parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    commit = _git(folder, "rev-parse", "--short", "HEAD")
    if top is None or commit is None:
        return None
    root = Path(top.strip()).resolve()
    inside = [str(p.relative_to(root)) for p in existing if p.is_relative_to(root)]
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *inside) if inside else ""
    return DataRevision(commit.strip(), dirty=bool(status and status.strip()))
