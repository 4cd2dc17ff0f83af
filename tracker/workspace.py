"""Checks of scenario files and event logs together, and of the references between them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import config
from tracker.log.layout import KIND, csv_files
from tracker.problems import Problem, display_path
from tracker.scenario.loader import SCENARIO_SUFFIXES, ScenarioSet, load_scenarios, scenario_paths
from tracker.text import did_you_mean_hint, excerpt, fold, folded

if TYPE_CHECKING:
    from tracker.judgement.model import Judgements
    from tracker.log.events import EventLog


@dataclass
class Workspace:
    """Everything loaded from the given paths: valid scenarios, valid events, all problems."""

    scenarios: ScenarioSet = field(default_factory=ScenarioSet)
    event_log: EventLog | None = None  # None: no log was named
    problems: list[Problem] = field(default_factory=list)
    judgement_log: Judgements | None = None  # None: no log was named, so no assessments beside it

    @property
    def judgements(self) -> Judgements:
        """Analysts' assessments (``assessments.csv`` beside the log); none when there is no such file."""
        if self.judgement_log is None:
            from tracker.judgement.model import Judgements

            self.judgement_log = Judgements()
        return self.judgement_log

    @property
    def events(self) -> EventLog:
        """The valid events; an empty log when none was named."""
        if self.event_log is None:
            # Made on first use, not on load: the log's table is pandas and pyarrow, which checking scenario files never needs.
            from tracker.log.events import EventLog

            self.event_log = EventLog.empty()
        return self.event_log

    @property
    def event_count(self) -> int:
        """How many valid events, without making an empty log when none was named."""
        return 0 if self.event_log is None else len(self.event_log)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def reference_problems(scenarios: ScenarioSet, events: EventLog) -> list[Problem]:
    """Event ids named in `ids:` that the log does not have."""
    problems = []
    for scenario in scenarios.scenarios:
        doc = scenarios.documents.get(scenario.id)
        path = display_path(scenarios.files[scenario.id])
        for where, match in ((part.where, part.match) for part in scenario.parts):
            for index, event_id in enumerate(match.ids):
                if not events.has_id(event_id):
                    loc = (*where, "ids", index)
                    line, col = doc.locate(loc) if doc else (1, 1)
                    dotted = ".".join(str(p) for p in where)
                    message = f"{dotted}.ids[{index}]: no event with id {excerpt(event_id)} in the event log"
                    problems.append(Problem(path, line, col, message))
        # Scenario tests that run against the log may only name its events (cases with their own events are checked on load).
        for case_index, case in enumerate(scenario.tests):
            if case.events is not None:
                continue
            for index, event_id in enumerate(case.decided_by or []):
                if not events.has_id(event_id):
                    line, col = doc.locate(("tests", case_index, "decided_by", index)) if doc else (1, 1)
                    message = f"tests[{case_index}].decided_by[{index}]: no event with id {excerpt(event_id)} in the event log"
                    problems.append(Problem(path, line, col, message))
    return problems


def vocabulary_problems(scenarios: ScenarioSet, events: EventLog) -> list[Problem]:
    """Warnings for the names of a match that no event, alias or group has: a misspelt `actors: [Rusia]` matches
    nothing and says nothing. Actors and targets are names of the same parties, so each is known from either column.
    An empty log is no evidence: nothing is said until it has events."""
    if not len(events):
        return []
    parties = [*events.values("actors"), *events.values("targets")]
    in_log = {"actors": parties, "targets": parties, "tags": events.values("tags")}
    known = {column: folded(names) for column, names in in_log.items()}
    kinds = {fold(k) for k in events.table.column(KIND).to_pylist()} if KIND in events.table.column_names else set()
    problems = []
    for scenario in scenarios.scenarios:
        doc = scenarios.documents.get(scenario.id)
        path = display_path(scenarios.files[scenario.id])
        for where, match in ((part.where, part.match) for part in scenario.parts):
            dotted = ".".join(str(p) for p in where)
            named: list[tuple[str, int, str, str]] = [
                (column, index, value, did_you_mean_hint(value, [*in_log[column], *events.vocabulary.names()]))
                for column in ("actors", "targets", "tags")
                for index, value in enumerate(getattr(match, column))
                if fold(value) not in known[column] and not events.vocabulary.knows(value)
            ]
            named += [("kinds", index, kind, "") for index, kind in enumerate(match.kinds) if kind not in kinds]
            for column, index, value, hint in named:
                line, col = doc.locate((*where, column, index)) if doc else (1, 1)
                noun = "kind" if column == "kinds" else column.removesuffix("s")
                owners = "no event has" if column == "kinds" else "no event, alias or group has"
                message = f"{dotted}.{column}[{index}]: {owners} the {noun} {excerpt(value)}, so it matches nothing yet{hint}"
                problems.append(Problem(path, line, col, message, "warning"))
    return problems


def judgement_problems(scenarios: ScenarioSet, judgements: Judgements, path: Path) -> list[Problem]:
    """Assessments of a scenario that no file defines (renamed or deleted): kept, and said."""
    known = {s.id for s in scenarios.scenarios} | set(scenarios.files)
    shown = display_path(path)
    return [
        Problem(shown, j.line, 2, f"scenario: no scenario has the id {excerpt(j.scenario)}; this assessment is not shown", "warning")
        for j in judgements.rows
        if j.scenario not in known
    ]


def load_workspace(
    scenario_location: Path | list[Path], event_location: Path | list[Path] | None, assessments: Path | None = None
) -> Workspace:
    """Scenarios, the event log and (``assessments``, else beside a single named log) the analysts' assessments."""
    scenarios = load_scenarios(scenario_location)
    if event_location is None:
        return Workspace(scenarios, None, sorted(scenarios.problems))
    from tracker.judgement.ledger import read_judgements
    from tracker.log.reader import load_events  # only with a log to read: see Workspace.events

    events = load_events(event_location)
    if assessments is None and isinstance(event_location, Path):
        assessments = config.assessments_path(event_location)
    judgements = read_judgements(assessments, follow=config.assessments_named()) if assessments is not None else None
    found = [*scenarios.problems, *events.problems]
    if judgements is not None and assessments is not None:
        found += [*judgements.problems, *judgement_problems(scenarios, judgements, assessments)]
    references = [*reference_problems(scenarios, events), *vocabulary_problems(scenarios, events)]
    return Workspace(scenarios, events, [*sorted(found), *references], judgements)


def split_paths(paths: list[Path]) -> tuple[list[Path], list[Path], list[str]]:
    """Sort what the user named into scenario files and event logs; unknown names are usage errors.

    A file named twice (``scenarios/a.yaml`` and ``scenarios/``, as a hook may pass them) is read once, so each of
    its problems is reported once.
    """
    scenario_files: list[Path] = []
    event_files: list[Path] = []
    errors: list[str] = []
    spelt: list[Path] = []  # the logs beside a named vocabulary file
    for path in paths:
        if path.name == config.VOCABULARY_FILE_NAME and os.path.lexists(path) and not path.is_dir():
            # Not a scenario: it spells the log beside it, so checking it is checking that log with it.
            spelt += csv_files(path.parent)
        elif path.is_symlink() and path.suffix in SCENARIO_SUFFIXES:
            scenario_files.append(path)  # pre-commit names committed links too: the loader refuses it, saying why
        elif not path.exists():
            errors.append(f"{display_path(path)}: no such file or folder")
        elif path.is_dir():
            found_yaml = [p for p in scenario_paths(path) if p.name != config.VOCABULARY_FILE_NAME]
            found_csv = csv_files(path)
            if not found_yaml and not found_csv:
                errors.append(f"{display_path(path)}: folder holds no scenario files (.yaml) or event logs (.csv)")
            scenario_files += found_yaml
            event_files += found_csv
        elif path.suffix in SCENARIO_SUFFIXES:
            scenario_files.append(path)
        elif path.suffix.lower() == ".csv":
            event_files.append(path)
        else:
            errors.append(f"{display_path(path)}: not a scenario file (.yaml, .yml) or an event log (.csv)")
    return _once(scenario_files), _once([*event_files, *spelt]), errors


def _once(paths: list[Path]) -> list[Path]:
    """``paths`` without repeats, however each was spelt (``./a.yaml``, ``a.yaml``); first spelling and order kept."""
    seen: dict[str, Path] = {}
    for path in paths:
        seen.setdefault(os.path.abspath(path), path)
    return list(seen.values())
