"""Which revision of the data a briefing shows: the git commit of the data files, when they are in git.

Slides and hand-outs carry it so a reader can tell which version of the scenarios and the
event log the statuses came from. Outside git (or without git installed) there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.git.repo import GitError, Repository


@dataclass(frozen=True)
class DataRevision:
    commit: str  # short commit id of HEAD
    dirty: bool  # the data files differ from that commit (edited, added or not yet committed)

    def __str__(self) -> str:
        return f"{self.commit} (uncommitted changes)" if self.dirty else self.commit


def data_revision(paths: Sequence[Path]) -> DataRevision | None:
    """The commit of the repository holding the first existing path; None when not in git.

    Dirty means any of ``paths`` (inside that repository) has uncommitted changes or untracked files.
    A slide without a revision is better than no slide, so any git failure (no repository, no
    commit yet, git missing or not answering) is None.
    """
    existing = [p.resolve() for p in paths if p.exists()]
    if not existing:
        return None
    try:
        repo = Repository.containing(existing[0])
        commit = repo.run(["rev-parse", "--verify", "--quiet", "--short", "HEAD"]).decode().strip()
        root = repo.root.resolve()
        inside = [p.relative_to(root).as_posix() for p in existing if p.is_relative_to(root)]
        status = repo.run(["status", "--porcelain", "--untracked-files=all", "--", *inside]) if inside else b""
    except GitError:
        return None
    return DataRevision(commit, dirty=bool(status.strip()))
