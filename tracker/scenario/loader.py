"""Loading scenario files: strict parsing, validation, and precise, located errors."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tracker.files import InputRefused, read_input
from tracker.problems import Problem, display_path
from tracker.scenario.model import (
    After,
    CrossFieldError,
    DeadlineChange,
    Expectation,
    GivenEvent,
    Match,
    Response,
    Scenario,
    Signpost,
    Source,
    Trigger,
    Withdrawn,
    describe_input,
)
from tracker.scenario.yamlsafe import MAX_FILE_BYTES, Document, YamlError, as_written, parse_yaml
from tracker.text import did_you_mean_hint, excerpt

SCENARIO_SUFFIXES = (".yaml", ".yml")
DEADLINE_MISSING = "deadline: required field is missing"
TRIGGER_MISSING = "trigger: required field is missing; for a commitment with no condition, leave it out and give `response:`"

# Which model sits at a field path, to suggest the right key for a misspelt one.
_CHILD_MODELS: dict[str, type[BaseModel]] = {
    "trigger": Trigger,
    "after": After,
    "when": Match,
    "unless": Match,
    "match": Match,
    "response": Response,
    "partial": Match,
    "deadlines": DeadlineChange,
    "signposts": Signpost,
    "sources": Source,
    "withdrawn": Withdrawn,
    "tests": Expectation,
    "events": GivenEvent,
}


@dataclass
class ScenarioSet:
    """The valid scenarios of a folder, each with its file, plus every problem found."""

    scenarios: list[Scenario] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    unloaded: dict[str, str] = field(default_factory=dict)  # the stem of each file that did not load -> its file name

    def by_id(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    model: type[BaseModel] = Scenario
    for part in loc:
        if isinstance(part, str) and part in _CHILD_MODELS:
            model = _CHILD_MODELS[part]
    return model


def _field_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{as_written(part)}" if text else as_written(part)
    return text or "(top level)"


def _message(error: Any, loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    where = _field_path(loc)
    got = describe_input(error.get("input"))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = list(_model_at(loc[:-1]).model_fields)
        hint = did_you_mean_hint(key, allowed, otherwise=f" (allowed: {', '.join(allowed)})")
        return f"{where}: unknown field {excerpt(key)}{hint}"
    if kind == "missing":
        return f"{where}: required field is missing"
    if kind == "string_type":
        return f"{where}: expected text, got {got} (put it in quotes if you meant text)"
    if kind == "list_type":
        return f"{where}: expected a list like [a, b], got {got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{where}: expected a mapping of fields, got {got}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"{where}: expected a date like 2021-12-25 (unquoted), got {got}"
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] in ("id", "scenario"):
            return f"{where}: {got} is not a slug (lowercase letters, digits and single hyphens)"
        if loc and loc[-1] == "url":
            return f"{where}: {got} is not a web address starting with http:// or https://"
        if ";" in str(error.get("input")):
            return f"{where}: {got} holds ';'; give each value as its own list item"
        return f"{where}: {got} does not have the expected form"
    if kind in ("string_too_short", "too_short"):
        return f"{where}: must not be empty"
    if kind == "literal_error":
        return f"{where}: expected {error['ctx']['expected']}, got {got}"
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, CrossFieldError):
            return f"{where}: {cause.detail}"
        return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
    return f"{where}: {error['msg']}, got {got}"


def _user_loc(raw: tuple[Any, ...], doc: Document) -> tuple[Any, ...]:
    """The field path as written: without pydantic's names for union members and validators.

    Pydantic reports a failed union member by member; dropping those names reports the field
    once. A key the user wrote (say a misspelt ``date:``) is kept even if it looks like one.
    """
    loc: tuple[Any, ...] = ()
    for part in raw:
        internal = isinstance(part, str) and part.startswith(("function-", "date", "datetime"))
        if internal and (*loc, part) not in doc.key_pos:
            continue
        loc = (*loc, part)
    return loc


def _problems_from_validation(path: str, exc: ValidationError, doc: Document) -> list[Problem]:
    problems = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        loc = _user_loc(error["loc"], doc)
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, CrossFieldError):
            loc = (*loc, cause.field)
        if loc in seen:
            continue
        seen.add(loc)
        key = error["type"] == "extra_forbidden"
        line, col = doc.locate(loc, key=key)
        problems.append(Problem(path, line, col, _message(error, loc)))
    return problems


def _missing_alternatives(path: str, data: dict[str, Any]) -> list[Problem]:
    """The required choices pydantic cannot see: a deadline (or its history), and a trigger (or, for a commitment, a response)."""
    found = []
    if "deadline" not in data and "deadlines" not in data:
        found.append(Problem(path, 1, 1, DEADLINE_MISSING))
    if "trigger" not in data and "response" not in data:
        found.append(Problem(path, 1, 1, TRIGGER_MISSING))
    return found


def load_scenario_file(
    path: Path, display: str | None = None, folder: Path | None = None
) -> tuple[Scenario | None, list[Problem], Document | None]:
    """One file -> its scenario, or the problems that stop it (never raises for bad content).

    The file is read only if it is a regular file (inside ``folder``, when given): a link, even one named on the command
    line, is refused with a message that quotes nothing of what it points to, since anyone who commits may add one.
    """
    shown = display or str(path)
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
            return None, [Problem(shown, 1, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB; is it really a scenario?")], None
        raw = read_input(path, folder=folder, max_bytes=MAX_FILE_BYTES, follow=False)
    except InputRefused as exc:
        return None, [Problem(shown, 0, 0, f"{exc}; keep each scenario as a regular file in the scenario folder")], None
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read file: {exc.strerror or exc}")], None
    return load_scenario_bytes(raw, path.stem, shown)


def load_scenario_bytes(raw: bytes, stem: str, display: str) -> tuple[Scenario | None, list[Problem], Document | None]:
    """The bytes of a file named ``stem``.yaml (e.g. from a git revision) -> its scenario, or the problems that stop it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        return None, [Problem(display, line, column, "file is not UTF-8 text; save it as UTF-8")], None
    return load_scenario_text(text, stem, display)


def load_scenario_text(text: str, stem: str, display: str) -> tuple[Scenario | None, list[Problem], Document | None]:
    """The text of a file named ``stem``.yaml (e.g. from a git revision) -> its scenario, or the problems that stop it."""
    shown = display
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        return None, [Problem(shown, exc.line, exc.column, exc.message)], None
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"{describe_input(doc.data)}, not a mapping of fields"
        return (
            None,
            [Problem(shown, 1, 1, f"a scenario file must be a mapping of fields (id, title, ...); this one is {what}")],
            doc,
        )
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        problems = _problems_from_validation(shown, exc, doc)
        # Rules across fields run only once every field is valid: say the missing ones now too.
        missing = [p for p in _missing_alternatives(shown, doc.data) if p not in problems]
        # In pydantic's order: field errors, then unknown keys.
        at = next((i for i, p in enumerate(problems) if "unknown field" in p.message), len(problems))
        return None, [*problems[:at], *missing, *problems[at:]], doc
    if scenario.id != stem:
        line, col = doc.locate(("id",))
        return None, [Problem(shown, line, col, f"id: {excerpt(scenario.id)} must equal the file name's stem {excerpt(stem)}")], doc
    return scenario, [], doc


def scenario_paths(folder: Path) -> list[Path]:
    """Every entry of ``folder`` named like a scenario file, whatever it is: a link, a FIFO or a folder named
    ``x.yaml`` is listed too, so that loading it reports why it is not read instead of skipping it silently."""
    return sorted(p for p in folder.iterdir() if p.suffix in SCENARIO_SUFFIXES and not p.name.startswith("."))


def load_scenarios(location: Path | list[Path]) -> ScenarioSet:
    """Every scenario file of a folder (or the given files); bad files are reported, never fatal."""
    result = ScenarioSet()
    if isinstance(location, list):
        paths = location
    elif not location.exists():
        result.problems.append(Problem(display_path(location), 0, 0, "scenario folder does not exist"))
        return result
    elif location.is_dir():
        paths = scenario_paths(location)
    else:
        paths = [location]
    for path in paths:
        shown = display_path(path)
        # A folder's files must be inside it (not reached through a linked sub-folder); a named file, inside its own folder.
        scenario, problems, doc = load_scenario_file(path, shown, folder=path.parent if isinstance(location, list) else location)
        result.problems.extend(problems)
        if scenario is None:
            result.unloaded.setdefault(path.stem, path.name)
            continue
        if scenario.id in result.files:
            line, col = doc.locate(("id",)) if doc else (1, 1)
            first = display_path(result.files[scenario.id])
            result.problems.append(Problem(shown, line, col, f"id: duplicate scenario id {excerpt(scenario.id)} (also in {first})"))
            continue
        result.scenarios.append(scenario)
        result.files[scenario.id] = path
        if doc is not None:
            result.documents[scenario.id] = doc
    link_scenarios(result, _followed_beside(result) if isinstance(location, list) else {})
    return result


AFTER_SCENARIO = ("trigger", "after", "scenario")


def _followed_beside(found: ScenarioSet) -> dict[str, Scenario]:
    """The scenarios that named files follow without naming them, read from beside them (pre-commit names only the files
    being committed): they link the named ones, and are not themselves checked or listed."""
    beside: dict[str, Scenario] = {}
    waiting = [(s, found.files[s.id].parent) for s in found.scenarios]
    while waiting:
        scenario, folder = waiting.pop()
        for parent in scenario.depends_on:
            if parent in found.files or parent in found.unloaded or parent in beside:
                continue
            path = next((p for p in (folder / f"{parent}{suffix}" for suffix in SCENARIO_SUFFIXES) if p.is_file()), None)
            if path is None:
                continue
            loaded, _, _ = load_scenario_file(path, display_path(path), folder=folder)
            if loaded is None:
                found.unloaded[parent] = path.name
            else:
                beside[parent] = loaded
                waiting.append((loaded, folder))
    return beside


def link_scenarios(found: ScenarioSet, beside: dict[str, Scenario]) -> None:
    """Link each `after:` trigger to the scenario it follows (among ``found`` and those read ``beside`` them); a link that
    cannot hold leaves its scenario out, said where.

    A link is refused when it names no scenario, the scenario itself, or closes a cycle; a scenario that follows one left
    out (its file did not load, or its own link was refused) is left out too, rather than judged without its trigger.
    """
    loaded = {**beside, **{s.id: s for s in found.scenarios}}
    refused: dict[str, str] = {}  # id -> why it is left out
    for scenario in loaded.values():
        for parent in scenario.depends_on:
            if parent == scenario.id:
                refused[scenario.id] = "a scenario cannot follow itself"
            elif parent in found.unloaded:
                refused[scenario.id] = (
                    f"the scenario {excerpt(parent)} did not load (see the problems of {found.unloaded[parent]}); "
                    "this scenario is left out until it does"
                )
            elif parent not in loaded:
                known = [*loaded, *found.unloaded]
                refused[scenario.id] = f"no scenario has the id {excerpt(parent)}{did_you_mean_hint(parent, known)}"
    for cycle in _cycles(loaded, refused):
        for member in cycle[:-1]:
            at = cycle.index(member)
            refused[member] = f"the links form a cycle: {' -> '.join(cycle[at:-1] + cycle[: at + 1])}"
    # Left out in turn: whatever follows a scenario left out, down each chain.
    changed = True
    while changed:
        changed = False
        for scenario in loaded.values():
            for parent in scenario.depends_on:
                if parent in refused and scenario.id not in refused:
                    refused[scenario.id] = f"it follows {excerpt(parent)}, which is left out (see its problems); so is this scenario"
                    changed = True
    for scenario_id, why in refused.items():
        if scenario_id not in found.files:
            continue  # read beside the named files only to link them: what follows it says it is left out
        doc = found.documents.get(scenario_id)
        line, col = doc.locate(AFTER_SCENARIO) if doc else (1, 1)
        found.problems.append(Problem(display_path(found.files[scenario_id]), line, col, f"trigger.after.scenario: {why}"))
        del found.files[scenario_id]
        found.documents.pop(scenario_id, None)
    found.scenarios = [s for s in found.scenarios if s.id not in refused]
    for scenario in (s for s in loaded.values() if s.id not in refused):
        for parent in scenario.depends_on:
            scenario.follow(loaded[parent])


def _cycles(loaded: dict[str, Scenario], refused: dict[str, str]) -> list[list[str]]:
    """Each cycle of links among the scenarios, as the ids along it, the first repeated at the end."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in loaded:
        path: list[str] = []
        at: str | None = start
        while at is not None and at in loaded and at not in done and at not in refused:
            if at in path:
                cycles.append([*path[path.index(at) :], at])
                break
            path.append(at)
            at = next(iter(loaded[at].depends_on), None)
        done.update(path)
    return cycles
