"""What changed between two revisions of a scenario repository: the "since last briefing" view.

Each side is read as it was: the scenario files and the event log of that revision
(or of the working tree), loaded by the usual loaders, and every scenario assessed
by the engine against its own side's event log at the same as-of instant.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from tracker.engine.status import Assessment, Status, assess
from tracker.git.repo import LINK_MODE, REGULAR_MODES, TREE_MODE, Commit, GitError, Repository, link_refused
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.problems import Problem, display_path
from tracker.scenario.changes import FieldChange, describe_new, scenario_changes
from tracker.scenario.loader import SCENARIO_SUFFIXES, ScenarioSet, load_scenarios, scenario_paths
from tracker.scenario.model import Scenario

DiffKind = Literal["added", "removed", "changed", "unchanged"]
WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Side:
    """One revision as read: its label, commit (None for the working tree), scenarios and events."""

    label: str
    commit: Commit | None
    scenarios: ScenarioSet
    log: EventLog
    stems: frozenset[str]  # the scenario files present, loadable or not
    problems: tuple[Problem, ...]
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "commit": None if self.commit is None else self.commit.sha,
            "date": None if self.commit is None else self.commit.date.isoformat(),
            "subject": None if self.commit is None else self.commit.subject,
        }


@dataclass(frozen=True)
class ScenarioDiff:
    scenario_id: str
    title: str
    kind: DiffKind
    changes: tuple[FieldChange, ...]
    before: Assessment | None
    after: Assessment | None

    @property
    def status_before(self) -> Status | None:
        return None if self.before is None else self.before.status

    @property
    def status_after(self) -> Status | None:
        return None if self.after is None else self.after.status

    @property
    def status_changed(self) -> bool:
        return self.before is not None and self.after is not None and self.before.status != self.after.status

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.scenario_id,
            "title": self.title,
            "kind": self.kind,
            "changes": [c.as_dict() for c in self.changes],
            "status_before": None if self.status_before is None else self.status_before.value,
            "status_after": None if self.status_after is None else self.status_after.value,
            "status_changed": self.status_changed,
            "explanation_before": None if self.before is None else self.before.explanation,
            "explanation_after": None if self.after is None else self.after.explanation,
        }


@dataclass(frozen=True)
class RevisionDiff:
    before: Side
    after: Side
    as_of: dt.datetime
    scenarios: tuple[ScenarioDiff, ...]  # those added, removed, changed, or whose status differs
    events_added: tuple[str, ...]
    events_removed: tuple[str, ...]
    problems: tuple[Problem, ...] = field(default=())  # files that do not load, on either side
    notices: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "as_of": self.as_of.isoformat(),
            "scenarios": [s.to_json() for s in self.scenarios],
            "events_added": list(self.events_added),
            "events_removed": list(self.events_removed),
            "problems": [p.as_dict() for p in self.problems],
            "notices": list(self.notices),
        }


def _event_ids(log: EventLog) -> list[str]:
    return [str(v) for v in log.table.column("id").to_pylist()]


def _working_tree(scenarios_dir: Path, events_path: Path) -> Side:
    scenarios = load_scenarios(scenarios_dir)
    stems = frozenset(p.stem for p in scenario_paths(scenarios_dir)) if scenarios_dir.is_dir() else frozenset()
    notices: list[str] = []
    if events_path.exists():
        log = load_events(events_path)
    else:
        log = EventLog.empty()
        notices.append(f"there is no event log at {display_path(events_path)} in the working tree")
    errors = tuple(p for p in [*scenarios.problems, *log.problems] if p.severity == "error")
    return Side(WORKING_TREE, None, scenarios, log, stems, errors, tuple(notices))


def _revision(repo: Repository, spec: str, scenarios_rel: str, events_rel: str | None, working_log: EventLog) -> Side:
    """The scenarios and event log as committed in ``spec``: written to a scratch folder and read by the usual loaders,
    so a revision is read by exactly the rules of the working tree."""
    commit = repo.resolve(spec)
    label = commit.short if spec == commit.sha else f"{spec} ({commit.short})"
    notices: list[str] = []
    entries = {p: mode for p, mode in repo.files(commit.sha, scenarios_rel).items() if p.endswith(SCENARIO_SUFFIXES)}
    events_mode = None if events_rel is None else repo.mode(commit.sha, events_rel)
    if events_rel is not None:
        if events_mode == TREE_MODE:
            entries |= {p: mode for p, mode in repo.files(commit.sha, events_rel).items() if p.lower().endswith(".csv")}
        elif events_mode is not None:
            entries[events_rel] = events_mode
    # A symbolic link is committed as a blob holding its target's path: it is refused as a link, never read as a file.
    links = [p for p, mode in entries.items() if mode == LINK_MODE]
    wanted = [p for p, mode in entries.items() if mode in REGULAR_MODES]
    contents = dict(zip(wanted, repo.read_blobs([f"{commit.sha}:{p}" for p in wanted]), strict=True))
    refused = [link_refused(f"{commit.short}:{p}") for p in links]
    with tempfile.TemporaryDirectory(prefix="tracker-revision-") as scratch:
        root = Path(scratch)
        (root / scenarios_rel).mkdir(parents=True, exist_ok=True)
        shown: dict[str, str] = {}
        for relative, blob in contents.items():
            if blob is not None:
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blob)
                shown[display_path(target)] = f"{commit.short}:{relative}"
        present = [p.stem for p in scenario_paths(root / scenarios_rel)] + [Path(p).stem for p in links if p.endswith(SCENARIO_SUFFIXES)]
        if not present:
            notices.append(f"{scenarios_rel}/ holds no scenario files at {label}")
        scenarios = load_scenarios(root / scenarios_rel)
        if events_rel is None:
            log = working_log
        elif (root / events_rel).exists():
            log = load_events(root / events_rel)
        else:
            log = EventLog.empty()
            if events_rel not in links:
                notices.append(f"there is no event log at {events_rel} in {label}")
    loaded = [replace(p, path=shown.get(p.path, p.path)) for p in [*scenarios.problems, *log.problems] if p.severity == "error"]
    return Side(label, commit, scenarios, log, frozenset(present), (*loaded, *refused), tuple(notices))


def _compare(before: Side, after: Side, as_of: dt.datetime) -> list[ScenarioDiff]:
    found = []
    for scenario_id in sorted({s.id for s in before.scenarios.scenarios} | {s.id for s in after.scenarios.scenarios}):
        old, new = before.scenarios.by_id(scenario_id), after.scenarios.by_id(scenario_id)
        old_status = assess(old, before.log, as_of) if old else None
        new_status = assess(new, after.log, as_of) if new else None
        changes: list[FieldChange] = []
        kind: DiffKind
        if old is not None and new is not None:
            changes = scenario_changes(old, new)
            kind = "changed" if changes else "unchanged"
        elif new is not None:
            kind, changes = _appeared(new, before, scenario_id)
        else:
            assert old is not None
            kind, changes = _disappeared(old, after, scenario_id)
        diff = ScenarioDiff(scenario_id, (new or old).title, kind, tuple(changes), old_status, new_status)  # type: ignore[union-attr]
        if kind != "unchanged" or diff.status_changed:
            found.append(diff)
    return found


def _appeared(new: Scenario, before: Side, scenario_id: str) -> tuple[DiffKind, list[FieldChange]]:
    if scenario_id in before.stems:  # the file was there, but did not load
        return "changed", [FieldChange("file", f"loads now; did not load at {before.label}")]
    return "added", [FieldChange("scenario", f"added: {describe_new(new)}")]


def _disappeared(old: Scenario, after: Side, scenario_id: str) -> tuple[DiffKind, list[FieldChange]]:
    if scenario_id in after.stems:
        return "changed", [FieldChange("file", f"does not load at {after.label}")]
    return "removed", [FieldChange("scenario", f"removed: {describe_new(old)}")]


def diff_revisions(scenarios_dir: Path, events_path: Path, before: str, after: str | None, as_of: dt.datetime) -> RevisionDiff:
    """Scenarios added, removed and changed from revision ``before`` to ``after`` (None: the working tree),
    and those whose status as of ``as_of`` differs, each side assessed against its own event log.

    Raises GitError (a TrackerError) with a plain message for a revision that does not exist,
    a folder outside git, or git missing.
    """
    repo = Repository.containing(scenarios_dir, consequence="so there are no revisions to compare")
    scenarios_rel = repo.relative(scenarios_dir)
    notices: list[str] = []
    try:
        events_rel: str | None = repo.relative(events_path)
    except GitError:
        events_rel = None
        notices.append(f"the event log {display_path(events_path)} is outside the repository; both sides use its current content")
    working = _working_tree(scenarios_dir, events_path) if after is None or events_rel is None else None
    working_log = working.log if working is not None else EventLog.empty()
    old = _revision(repo, before, scenarios_rel, events_rel, working_log)
    new = working if after is None and working is not None else _revision(repo, after or "HEAD", scenarios_rel, events_rel, working_log)
    old_ids, new_ids = _event_ids(old.log), _event_ids(new.log)
    old_set, new_set = set(old_ids), set(new_ids)
    return RevisionDiff(
        before=old,
        after=new,
        as_of=as_of,
        scenarios=tuple(_compare(old, new, as_of)),
        events_added=tuple(i for i in new_ids if i not in old_set),
        events_removed=tuple(i for i in old_ids if i not in new_set),
        problems=(*old.problems, *new.problems),
        notices=(*notices, *old.notices, *new.notices),
    )


def recent_revisions(scenarios_dir: Path, events_path: Path, limit: int = 50) -> list[Commit]:
    """The latest commits that changed the scenarios or the event log, newest first: the revisions worth comparing with."""
    repo = Repository.containing(scenarios_dir, consequence="so there are no revisions to compare")
    paths = [repo.relative(scenarios_dir)]
    with contextlib.suppress(GitError):  # a log kept outside the repository has no revisions here
        paths.append(repo.relative(events_path))
    return [commit for commit, _ in repo.log(["--", *paths], max_count=limit)]


@dataclass(frozen=True)
class KnownScenarios:
    """The scenarios as committed by an instant (the `known` basis), or as they are now with the reason why."""

    scenarios: ScenarioSet
    commit: Commit | None  # None: read from the working tree
    notice: str | None = None


def scenarios_known_at(scenarios_dir: Path, at: dt.datetime) -> KnownScenarios:
    """The scenario files as they were in the last commit at or before ``at`` (what was known then).

    Outside git, or before the files' first commit, they are read as they are now, and ``notice`` says so.
    """
    current = load_scenarios(scenarios_dir)
    try:
        repo = Repository.containing(scenarios_dir, consequence="so the scenarios are read as they are now")
        relative = repo.relative(scenarios_dir)
        found = repo.log(["--before", at.astimezone(dt.UTC).isoformat(), "HEAD", "--", relative], max_count=1)
        if not found:
            return KnownScenarios(current, None, f"no commit of {relative}/ is that old: the scenarios are read as they are now")
        commit = found[0][0]
        side = _revision(repo, commit.sha, relative, None, EventLog.empty())
    except GitError as exc:
        return KnownScenarios(current, None, str(exc))
    return KnownScenarios(side.scenarios, commit)
