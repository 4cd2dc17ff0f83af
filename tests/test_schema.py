"""The scenario JSON Schema: current, documented, referenced by every file, and in agreement with the loader."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from typing import Any, get_args

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.conftest import DEMO_SCENARIOS
from tracker.cli import main
from tracker.engine.status import Status
from tracker.scenario.loader import load_scenario_text, scenario_paths
from tracker.scenario.model import StatusName, scenario_json_schema
from tracker.scenario.yamlsafe import parse_yaml

SCHEMA_FILE = DEMO_SCENARIOS / "scenario.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=scenario.schema.json"


def as_json(value: Any) -> Any:
    """Data as the YAML language server sees it: dates and datetimes are strings."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def schema_errors(text: str) -> list[str]:
    validator = Draft202012Validator(scenario_json_schema(), format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(as_json(parse_yaml(text).data))]


def test_committed_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    generated = capsys.readouterr().out
    assert SCHEMA_FILE.read_text(encoding="utf-8") == generated, (
        "scenarios/scenario.schema.json is stale; run: python -m tracker schema > scenarios/scenario.schema.json"
    )


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(scenario_json_schema())


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [("Scenario", name, spec) for name, spec in schema["properties"].items()]
    for model, definition in schema["$defs"].items():
        found += [(model, name, spec) for name, spec in definition.get("properties", {}).items()]
    return found


def test_every_field_has_a_description_and_an_example() -> None:
    lacking = [
        f"{model}.{name} lacks {key}"
        for model, name, spec in _properties(scenario_json_schema())
        for key in ("description", "examples")
        if not spec.get(key)
    ]
    assert lacking == []


def test_every_example_is_valid_for_its_field() -> None:
    schema = scenario_json_schema()
    defs = {"$defs": schema["$defs"]}
    for model, name, spec in _properties(schema):
        validator = Draft202012Validator({**spec, **defs}, format_checker=FormatChecker())
        for example in spec["examples"]:
            assert list(validator.iter_errors(example)) == [], f"{model}.{name}: example {example!r}"


def test_every_scenario_file_starts_with_the_schema_line() -> None:
    paths = scenario_paths(DEMO_SCENARIOS)
    assert paths
    for path in paths:
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE, path.name


def test_every_demo_scenario_validates_against_the_schema() -> None:
    for path in scenario_paths(DEMO_SCENARIOS):
        assert schema_errors(path.read_text(encoding="utf-8")) == [], path.name


def test_status_names_agree_with_the_engine() -> None:
    assert list(get_args(StatusName)) == [status.value for status in Status]


GOOD = """
    id: sample
    title: Sample
    opened: 2022-01-01
    deadline: 2022-02-01
    trigger:
      unless: {actors: [Russia]}
"""


@pytest.mark.parametrize(
    "edit",
    [
        "",
        "deadline: 2022-02-01T18:00:00+01:00",
        "deadline: 2022-02-01T18:00Z",
        "deadline: 2022-02-01 18:00:00.5 -05:00",
        "warn_within: 1w 3d",
        "owner: Russia desk",
        "owner: analyst@example.org",
        "review_every: 30d",
        "review_every: 3mo",
        "warn_within: 1mo",
        "warn_within: 1mo 2w",
        "trigger: {after: {scenario: other, status: [enacted]}}",
        "trigger: {after: {scenario: other, status: [triggered, overdue]}}",
        "tests:\n  - {as_of: 2022-01-15, status: watching, remaining: 2w 3d}",
        "tests:\n  - as_of: 2022-01-15T12:00:00Z\n    status: averted\n"
        "    events: [{id: a, occurred: 2022-01-02, title: A, actors: [Russia]}]",
    ],
)
def test_schema_and_loader_accept_the_same_good_files(edit: str) -> None:
    text = _edited(edit)
    scenario, problems, _ = load_scenario_text(text, "sample", "sample.yaml")
    assert problems == []
    assert scenario is not None
    assert schema_errors(text) == []


@pytest.mark.parametrize(
    "edit",
    [
        "titel: Misspelt",
        "deadline: 2022-02-01T18:00:00",
        "warn_within: a week",
        "owner: analyst@",
        "owner: ''",
        "review_every: monthly",
        "warn_within: 1month",
        "tests:\n  - {as_of: 2022-01-15, status: watching, remaining: 1mo}",
        "trigger: {when: {actors: [Russia]}, unless: {actors: [Russia]}}",
        "trigger: {}",
        "trigger: {when: {actors: [Russia]}, after: {scenario: other, status: [enacted]}}",
        "trigger: {after: {scenario: other, status: []}}",
        "trigger: {after: {scenario: other, status: [watching]}}",
        "trigger: {after: {scenario: Other One, status: [enacted]}}",
        "trigger: {after: {scenario: other}}",
        "trigger: {unless: {actors: Russia}}",
        "id: Not A Slug",
        "tests:\n  - {as_of: 2022-01-15, status: pending}",
        "tests:\n  - {as_of: 2022-01-15}",
        "tests:\n  - {as_of: 2022-01-15, status: watching, expected: watching}",
        "tests:\n  - {as_of: 2022-01-15T12:00:00, status: watching}",
        "tests:\n  - {as_of: 2022-01-15, status: watching, events: [{id: a, occurred: 2022-01-02}]}",
        "tests:\n  - {as_of: 2022-01-15, status: watching, events: [{id: a, occurred: 2022-01-02, title: A, tags: [a;b]}]}",
    ],
)
def test_schema_and_loader_reject_the_same_bad_files(edit: str) -> None:
    text = _edited(edit)
    scenario, problems, _ = load_scenario_text(text, "sample", "sample.yaml")
    assert scenario is None and problems
    assert schema_errors(text) != []


def _edited(edit: str) -> str:
    """GOOD with the top-level keys of ``edit`` replacing (or joining) its own."""
    base = textwrap.dedent(GOOD).strip("\n").splitlines()
    if edit:
        key = edit.split(":", 1)[0]
        base = [line for line in base if not line.startswith(f"{key}:")]
        if key == "trigger":  # drop the old trigger's body too
            base = [line for line in base if not line.startswith("  unless:")]
    return "\n".join([*base, edit]) + "\n"


HEAD = "id: sample\ntitle: Sample\nopened: 2022-01-01\n"
DEADLINE = "deadline: 2022-02-01\n"
UNLESS = "trigger:\n  unless: {actors: [Russia]}\n"
RESPONSE = "response:\n  title: Package\n  match: {tags: [sanctions-package]}\n"
HISTORY = (
    "deadlines:\n"
    "  - {due: 2022-02-01, source: 'Reuters: fifty days <https://example.org/a>'}\n"
    "  - {set: 2022-01-10, due: 2022-01-20, approximate: true, source: 'RFE/RL: ten to twelve days <https://example.org/b>'}\n"
)


@pytest.mark.parametrize(
    "text",
    [
        HEAD + DEADLINE + RESPONSE,  # a commitment: no trigger, a response due by the deadline
        HEAD + HISTORY + UNLESS,
        HEAD + DEADLINE + "trigger:\n  when: {actors: [EU], kinds: [decision, in-force]}\n",
        HEAD + DEADLINE + UNLESS + RESPONSE + "  counts_from: trigger\n  partial: {tags: [tariffs], kinds: [action]}\n  within: 30d\n",
        HEAD + DEADLINE + UNLESS + RESPONSE + "  within: 1mo\n",
        HEAD
        + DEADLINE
        + RESPONSE
        + "tests:\n  - {as_of: 2022-02-01, status: enacted, timing: early, basis: known, deadline: 2022-02-01}\n",
    ],
)
def test_schema_and_loader_accept_the_same_unfolding_commitments(text: str) -> None:
    scenario, problems, _ = load_scenario_text(text, "sample", "sample.yaml")
    assert problems == [] and scenario is not None
    assert schema_errors(text) == []


@pytest.mark.parametrize(
    "text",
    [
        HEAD + DEADLINE,  # neither a trigger nor a response
        HEAD + DEADLINE + HISTORY + UNLESS,  # both deadline and deadlines
        HEAD + UNLESS,  # no deadline at all
        HEAD + DEADLINE + "trigger:\n  unless: {actors: [Russia], kinds: [decison]}\n",
        HEAD + DEADLINE + RESPONSE + "  counts_from: later\n",
        HEAD + "deadlines:\n  - {due: 2022-02-01}\n" + UNLESS,  # an entry needs its source
        HEAD + DEADLINE + RESPONSE + "tests:\n  - {as_of: 2022-02-01, status: enacted, timing: soon}\n",
    ],
)
def test_schema_and_loader_reject_the_same_bad_unfolding_commitments(text: str) -> None:
    scenario, problems, _ = load_scenario_text(text, "sample", "sample.yaml")
    assert scenario is None and problems
    assert schema_errors(text) != []


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Sanctions scenario"
    assert "tests" in schema["properties"]
