"""The history of a scenario file from git: who changed what, when and why, following renames.

Each commit that touched the file becomes a Revision with its meaningful field changes
("deadline: 2021-12-25 -> 2022-01-15") against the previous readable version. A version
that does not load is listed with its problems and skipped over for comparisons, so one
bad commit never hides the rest of the record.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tracker.engine.review import FileCommit
from tracker.engine.since import DeadlineMove, DeadlineMoves
from tracker.files import InputRefused, read_input
from tracker.git.repo import REGULAR_MODES, Commit, GitError, Repository, link_refused
from tracker.problems import Problem, display_path
from tracker.scenario.changes import FieldChange, scenario_changes
from tracker.scenario.loader import SCENARIO_SUFFIXES, load_scenario_bytes, scenario_paths
from tracker.scenario.model import Scenario
from tracker.scenario.yamlsafe import MAX_FILE_BYTES
from tracker.text import did_you_mean_hint

RevisionKind = Literal["added", "modified", "renamed", "deleted", "history-starts"]


@dataclass(frozen=True)
class Revision:
    """One commit that touched the file."""

    commit: Commit
    path: str  # the file's path (from the repository root) in this commit
    kind: RevisionKind
    renamed_from: str | None
    changes: tuple[FieldChange, ...]
    scenario: Scenario | None  # the scenario as of this commit; None if deleted or unreadable
    problems: tuple[Problem, ...]  # why the file did not load in this commit

    @property
    def headline(self) -> str:
        """What happened to the file, in a few words."""
        if self.kind == "added":
            return "added"
        if self.kind == "deleted":
            return "deleted"
        if self.kind == "history-starts":
            return "present where this shallow clone's history starts"
        if self.kind == "renamed":
            return f"renamed from {self.renamed_from}"
        if self.problems:
            return "changed, and does not load in this commit:"
        return "changed" if self.changes else "reworded (no field changed)"

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit.sha,
            "author": self.commit.author,
            "email": self.commit.email,
            "date": self.commit.date.isoformat(),
            "subject": self.commit.subject,
            "message": self.commit.message,
            "path": self.path,
            "kind": self.kind,
            "renamed_from": self.renamed_from,
            "headline": self.headline,
            "changes": [c.as_dict() for c in self.changes],
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class ScenarioHistory:
    path: str  # the file as the user named it
    repo_path: str  # the file's current path from the repository root
    revisions: tuple[Revision, ...]  # newest first
    notices: tuple[str, ...]  # what the record lacks: a shallow clone, uncommitted changes

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "repo_path": self.repo_path,
            "revisions": [r.to_json() for r in self.revisions],
            "notices": list(self.notices),
        }


def scenario_file(folder: Path, scenario_id: str) -> Path:
    """The file of a scenario id in ``folder`` (which may exist only in git's history)."""
    for suffix in SCENARIO_SUFFIXES:
        candidate = folder / f"{scenario_id}{suffix}"
        if candidate.exists():
            return candidate
    return folder / f"{scenario_id}{SCENARIO_SUFFIXES[0]}"


_KINDS: dict[str, RevisionKind] = {"A": "added", "C": "added", "D": "deleted", "R": "renamed"}


def _kind(status: str) -> RevisionKind:
    """git's status letter (R100, M, T, ...) -> what happened to the file."""
    return _KINDS.get(status[:1], "modified")


def _version(blob: bytes | None, path: str, commit: Commit, mode: str) -> tuple[Scenario | None, list[Problem]]:
    shown = f"{commit.short}:{path}"
    if mode not in REGULAR_MODES:  # a symbolic link's blob is its target's path, not a scenario
        return None, [link_refused(shown)]
    if blob is None:  # pragma: no cover - git listed the file in this commit, so it is there
        return None, [Problem(shown, 0, 0, "the file is missing from this commit")]
    scenario, problems, _ = load_scenario_bytes(blob, Path(path).stem, shown)
    return scenario, problems


def _working_bytes(path: Path) -> bytes | None:
    """The file as it is in the working tree, to compare with the commit; None when it is not a regular file."""
    try:
        return read_input(path, folder=path.parent, max_bytes=MAX_FILE_BYTES, follow=False)
    except (InputRefused, OSError):
        return None


def scenario_history(path: Path) -> ScenarioHistory:
    """Every commit that touched the scenario file at ``path``, newest first, following renames.

    Raises GitError (a TrackerError) with a plain message when there is no history to show:
    git is missing, the file is outside a repository, or it was never committed.
    """
    shown = display_path(path)
    repo = Repository.containing(path)
    relative = (PurePosixPath(repo.relative(path.parent)) / path.name).as_posix()  # the file itself, never a link's target
    # --raw: each commit's status and the file's mode in it (a symbolic link is committed as mode 120000).
    entries = repo.log(["--follow", "--raw", "-M", "--", relative])
    # Merge commits list no file status: their changes are on the branches' own commits.
    entries = [(commit, fields) for commit, fields in entries if fields]
    if not entries:
        if os.path.lexists(path):
            raise GitError(f"{shown} is not committed to git yet, so it has no history")
        folder = path.parent
        known = [p.stem for p in scenario_paths(folder)] if folder.is_dir() else []
        hint = did_you_mean_hint(path.stem, known)
        raise GitError(f"no scenario file {shown}, and git has no history of one{hint}")

    parsed: list[tuple[Commit, RevisionKind, str, str | None, str]] = []
    for commit, fields in entries:
        _, mode, _, _, status = fields[0].split()  # ":OLD_MODE NEW_MODE OLD_BLOB NEW_BLOB STATUS"
        kind = _kind(status)
        current = fields[-1]
        renamed_from = fields[1] if kind == "renamed" and len(fields) >= 3 else None
        parsed.append((commit, kind, current, renamed_from, mode))
    readable = [i for i, (_, kind, _, _, mode) in enumerate(parsed) if kind != "deleted" and mode in REGULAR_MODES]
    blobs: dict[int, bytes | None] = dict(
        zip(readable, repo.read_blobs([f"{parsed[i][0].sha}:{parsed[i][2]}" for i in readable]), strict=True)
    )

    boundary = repo.shallow_boundary()
    notices: list[str] = []
    revisions: list[Revision] = []
    last_good: Scenario | None = None
    for index in reversed(range(len(parsed))):  # oldest first
        commit, kind, current, renamed_from, mode = parsed[index]
        if kind == "deleted":
            revisions.append(Revision(commit, current, kind, None, (), None, ()))
            continue
        scenario, problems = _version(blobs.get(index), current, commit, mode)
        if kind == "added" and commit.sha in boundary:
            kind = "history-starts"
            notices.append(
                f"This is a shallow clone: the history starts at {commit.short} ({commit.date:%Y-%m-%d}); earlier changes "
                "to this file are not in the clone. Run `git fetch --unshallow` for the full record."
            )
        changes: tuple[FieldChange, ...] = ()
        if scenario is not None and last_good is not None:
            changes = tuple(scenario_changes(last_good, scenario))
        if scenario is not None:
            last_good = scenario
        revisions.append(Revision(commit, current, kind, renamed_from, changes, scenario, tuple(problems)))
    revisions.reverse()

    newest = revisions[0]
    if newest.kind != "deleted":
        committed = blobs.get(0)  # the newest committed version
        if not os.path.lexists(path):
            notices.append(f"{shown} is deleted in the working tree, but not in a commit yet")
        elif committed is not None and _working_bytes(path) != committed:
            notices.append(f"{shown} has uncommitted changes, which this history does not show")
    return ScenarioHistory(shown, newest.path, tuple(revisions), tuple(notices))


def format_date(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} {value:%z}"


def git_deadline_moves(files: Mapping[str, Path]) -> DeadlineMoves | None:
    """Deadline moves from the git history of the scenario files (id -> path), for "since last briefing".

    None when the files are not in a git repository, so the report says the history is unavailable
    rather than "no deadline moved". The history is read once, on first use.
    """
    if not files:
        return None
    try:
        Repository.containing(next(iter(files.values())))
    except GitError:
        return None
    moves: list[DeadlineMove] | None = None

    def between(since: dt.datetime, until: dt.datetime) -> list[DeadlineMove]:
        nonlocal moves
        if moves is None:
            moves = []
            for scenario_id, path in files.items():
                try:
                    history = scenario_history(path)
                except GitError:
                    continue
                for revision in history.revisions:
                    for change in revision.changes:
                        if change.field == "deadline":
                            moves.append(
                                DeadlineMove(
                                    scenario_id,
                                    change.before or "",
                                    change.after or "",
                                    revision.commit.date,
                                    revision.commit.short,
                                    revision.commit.subject,
                                )
                            )
        return [m for m in moves if since < m.changed_at <= until]

    return between


def scenario_commits(files: Mapping[str, Path]) -> dict[str, list[FileCommit]] | None:
    """Each scenario's commits (id -> path of its file; the result by id), newest first: one `git log` per folder.

    None when the files are not in a git repository (or git is missing or does not answer): the caller then counts
    no commits as reviews, without an error. A file's history before a rename counts under its old name only.
    """
    by_folder: dict[Path, dict[str, str]] = {}
    for scenario_id, path in files.items():
        by_folder.setdefault(path.parent, {})[path.name] = scenario_id
    found: dict[str, list[FileCommit]] = {}
    try:
        for folder, names in by_folder.items():
            repo = Repository.containing(folder)
            relative = repo.relative(folder)
            prefix = "" if relative == "." else relative.rstrip("/") + "/"
            # Merge commits list no files here: their changes are on the branches' own commits.
            for commit, named in repo.log(["--name-only", "--", relative]):
                for name in named:
                    touched = names.get(name.removeprefix(prefix)) if name.startswith(prefix) else None
                    if touched is not None:
                        found.setdefault(touched, []).append(FileCommit(commit.date, commit.short))
    except GitError:
        return None
    return found


def head_commit(path: Path) -> str | None:
    """The commit HEAD names in the repository holding ``path``, for caching what git says; None outside git."""
    try:
        return Repository.containing(path).run(["rev-parse", "--verify", "--quiet", "HEAD"]).decode().strip() or None
    except GitError:
        return None
