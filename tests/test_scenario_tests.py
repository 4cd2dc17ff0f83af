"""Scenario tests (`tests:` blocks) and `tracker test`: the demo's real history, failures located to the line, bad input."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.cli import main
from tracker.engine.scenario_tests import run_scenario_tests
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenario_file, load_scenarios
from tracker.workspace import load_workspace

Write = Callable[[str, str], Path]

SCENARIO = """
    # yaml-language-server: $schema=scenario.schema.json
    id: sample
    title: Sample scenario
    opened: 2021-12-03
    deadline: 2021-12-25
    timezone: Europe/Brussels
    warn_within: 7d
    trigger:
      unless: {actors: [Russia], tags: [de-escalation]}
    response:
      title: Sanctions
      match: {tags: [sanctions-package]}
      within: 30d
"""

EVENTS = """
    id,occurred,title,actors,targets,tags,source,notes
    talks,2021-12-10,Talks in Geneva,US;Russia,,diplomacy,Example source,
    package,2022-02-22,First sanctions package,US,Russia,sanctions-package,Example source,
"""


def scenario_with(tests: str) -> str:
    """SCENARIO with a `tests:` block; its first case starts on line 15."""
    return SCENARIO + "    tests:\n" + "\n".join("      " + line for line in textwrap.dedent(tests).strip("\n").splitlines()) + "\n"


@pytest.fixture
def workspace(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder with scenarios/ and data/events.csv, as the working folder."""
    write("data/events.csv", EVENTS)
    (tmp_path / "scenarios").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    return tmp_path


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["test", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the demo ---------------------------------------------------------------------------
def test_every_demo_scenario_ships_tests_and_they_pass() -> None:
    scenarios = load_scenarios(DEMO_SCENARIOS)
    assert scenarios.problems == []
    assert all(s.tests for s in scenarios.scenarios)
    results = run_scenario_tests(scenarios, load_events(DEMO_EVENTS))
    assert [r for r in results if not r.passed] == []
    assert len(results) >= 2 * len(scenarios.scenarios)


def test_christmas_scenario_tests_state_its_real_history() -> None:
    scenarios = load_scenarios(DEMO_SCENARIOS)
    christmas = scenarios.by_id("joint-sanctions-christmas-2021")
    assert christmas is not None
    stated = {(case.as_of.isoformat(), case.status, tuple(case.decided_by or ())) for case in christmas.tests if case.events is None}
    assert ("2021-12-06T12:00:00+00:00", "watching", ()) in stated
    assert ("2021-12-20", "due-soon", ()) in stated
    assert ("2021-12-27", "triggered", ()) in stated
    assert ("2022-02-01", "overdue", ()) in stated
    assert ("2022-03-01", "enacted", ("2022-02-22-us-first-tranche-sanctions",)) in stated


def test_tracker_test_passes_on_the_demo(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DEMO_SCENARIOS.parent)
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    code, out, err = run(capsys=capsys)
    assert (code, out) == (0, "")
    assert err.startswith("71 scenario test(s) in 14 file(s): 71 passed, 0 failed")


# --- failures, located ------------------------------------------------------------------
def test_failures_name_the_file_line_and_what_differed(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        "scenarios/sample.yaml",
        scenario_with(
            """
            - name: right
              as_of: 2021-12-20
              status: due-soon
              remaining: 5d
            - name: wrong status
              as_of: 2021-12-27
              status: watching
            - name: wrong decider and remaining
              as_of: 2022-03-01
              status: enacted
              decided_by: [talks]
              remaining: 1d
            """
        ),
    )
    code, out, err = run(capsys=capsys)
    assert code == 1
    assert out.splitlines() == [
        "scenarios/sample.yaml:21:13: error: tests[1] (wrong status): status: expected watching, got triggered: "
        "Triggered at 2021-12-25 24:00 Europe/Brussels: no event matching actors=Russia; tags=de-escalation was logged "
        "between 2021-12-03 and the deadline. No response “Sanctions” (tags=sanctions-package) has been logged since. "
        "It is due by 2022-01-24 24:00 Europe/Brussels.",
        "scenarios/sample.yaml:25:17: error: tests[2] (wrong decider and remaining): decided_by: expected decided by talks, got package",
        "scenarios/sample.yaml:26:16: error: tests[2] (wrong decider and remaining): remaining: expected 1d remaining, got none",
    ]
    assert err == "3 scenario test(s) in 1 file(s): 1 passed, 2 failed\n"


def test_remaining_is_compared_to_the_minute(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        "scenarios/sample.yaml",
        scenario_with(
            """
            - {as_of: 2021-12-25T22:58:30Z, status: due-soon, remaining: 1m}
            - {as_of: 2021-12-25T12:00:00+01:00, status: due-soon, remaining: 12h 1m}
            """
        ),
    )
    code, out, _ = run(capsys=capsys)
    assert code == 1
    assert out == "scenarios/sample.yaml:16:69: error: tests[1]: remaining: expected 12h 1m remaining, got 12h\n"


def test_given_events_are_the_only_events_a_case_sees(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        "scenarios/sample.yaml",
        scenario_with(
            """
            - name: a pull-back averts it
              events:
                - {id: pull-back, occurred: 2021-12-20T10:00:00+01:00, title: Pull-back, actors: [Russia], tags: [de-escalation]}
              as_of: 2022-03-01
              status: averted
              decided_by: [pull-back]
            - name: with no events at all, the logged package does not count
              events: []
              as_of: 2022-03-01
              status: overdue
              decided_by: []
            """
        ),
    )
    code, out, err = run(capsys=capsys)
    assert (code, out) == (0, "")
    assert err == "2 scenario test(s) in 1 file(s): 2 passed, 0 failed\n"


def test_a_case_that_needs_the_log_fails_clearly_without_one(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "data" / "events.csv").unlink()
    write(
        "scenarios/sample.yaml",
        scenario_with("- {as_of: 2021-12-27, status: triggered}\n- {as_of: 2021-12-27, events: [], status: triggered}"),
    )
    code, out, err = run(capsys=capsys)
    assert code == 1
    assert out == (
        "scenarios/sample.yaml:15:5: error: tests[0]: there is no event log to run against; "
        "name one with --events, or write the case's events out under `events:`\n"
    )
    assert err == "2 scenario test(s) in 1 file(s): 1 passed, 1 failed (no event log at data/events.csv)\n"


def test_invalid_files_are_reported_and_the_rest_still_run(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write("scenarios/sample.yaml", scenario_with("- {as_of: 2021-12-27, status: triggered}"))
    write("scenarios/broken.yaml", "id: broken\ntitle: [\n")
    code, out, err = run(capsys=capsys)
    assert code == 1
    assert out.startswith("scenarios/broken.yaml:3:1: error: invalid YAML")
    assert err == "1 scenario test(s) in 1 file(s): 1 passed, 0 failed; 1 file problem(s)\n"


def test_no_tests_at_all_is_said_plainly(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write("scenarios/sample.yaml", SCENARIO)
    code, out, err = run(capsys=capsys)
    assert (code, out) == (0, "")
    assert err == "no scenario tests found; add a `tests:` block to a scenario file\n"


# --- formats and paths ------------------------------------------------------------------
def test_json_and_github_formats(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        "scenarios/sample.yaml",
        scenario_with("- {as_of: 2021-12-27, status: triggered}\n- {name: late, as_of: 2022-02-01, status: triggered}"),
    )
    code, out, _ = run("--format", "json", capsys=capsys)
    assert code == 1
    report = json.loads(out)
    assert report["problems"] == []
    assert [(r["case"], r["name"], r["passed"], r["status"], r["line"]) for r in report["results"]] == [
        (0, None, True, "triggered", 15),
        (1, "late", False, "overdue", 16),
    ]
    assert report["results"][1]["problems"][0]["message"].startswith("tests[1] (late): status: expected triggered, got overdue")
    code, out, _ = run("--format", "github", capsys=capsys)
    assert code == 1
    assert out.startswith("::error file=scenarios/sample.yaml,line=16,col=45::tests[1] (late): status: expected triggered, got overdue")


def test_paths_name_scenario_files_and_the_event_log(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write("scenarios/sample.yaml", scenario_with("- {as_of: 2022-03-01, status: enacted, decided_by: [other]}"))
    write("elsewhere/log.csv", EVENTS.replace("package,2022-02-22", "other,2022-02-22"))
    assert run("scenarios/sample.yaml", "elsewhere/log.csv", capsys=capsys)[0] == 0
    assert run("scenarios/sample.yaml", "--events", "elsewhere/log.csv", capsys=capsys)[0] == 0
    assert run("scenarios/sample.yaml", capsys=capsys)[0] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.yaml"], "tracker: missing.yaml: no such file or folder\n"),
        (["README.md"], "tracker: README.md: not a scenario file (.yaml, .yml) or an event log (.csv)\n"),
        (["--events", "nowhere.csv"], "tracker: --events: nowhere.csv: no such file or folder\n"),
        (["data/events.csv", "--events", "data/events.csv"], "tracker: give the event log either as a PATH or with --events, not both\n"),
    ],
)
def test_usage_errors(workspace: Path, write: Write, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    write("README.md", "hello\n")
    write("scenarios/sample.yaml", SCENARIO)
    code, out, err = run(*argv, capsys=capsys)
    assert (code, out, err) == (2, "", message)


def test_bad_format_is_a_usage_error(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run("--format", "xml", capsys=capsys)
    assert code == 2
    assert "argument --format: invalid choice: 'xml'" in err


# --- the tests: block is validated strictly --------------------------------------------
@pytest.mark.parametrize(
    ("tests", "messages"),
    [
        (
            "- {as_of: 2021-12-27, status: trigered}",
            [
                "15:33: error: tests[0].status: expected 'upcoming', 'watching', 'due-soon', 'averted', 'lapsed', 'triggered', "
                "'partly-enacted', 'overdue', 'enacted' or 'withdrawn', got 'trigered'"
            ],
        ),
        (
            "- {as_of: 2021-12-27, staus: triggered}",
            [
                "15:5: error: tests[0].status: required field is missing",
                "15:25: error: tests[0].staus: unknown field 'staus'; did you mean 'status'?",
            ],
        ),
        ("- {as_of: 2021-12-27}", ["15:5: error: tests[0].status: required field is missing"]),
        (
            "- {as_of: 2021-12-27T12:00:00, status: triggered}",
            [
                "15:13: error: tests[0].as_of: 2021-12-27T12:00:00 has no time zone offset; "
                "write e.g. 2021-12-27T12:00:00+01:00, or give just the date"
            ],
        ),
        (
            "- {as_of: '2021-12-27', status: triggered}",
            [
                "15:13: error: tests[0].as_of: expected a date like 2021-12-25 or a datetime with offset like "
                "2021-12-25T18:00:00+01:00 (unquoted), got '2021-12-27'"
            ],
        ),
        (
            "- {as_of: 2021-12-27, status: triggered, remaining: soon}",
            [
                "15:55: error: tests[0].remaining: 'soon' is not a fixed duration like 30d, 12h, 2w or 1w 3d "
                "(w=weeks, d=days, h=hours, m=minutes)"
            ],
        ),
        (
            "- {as_of: 2021-12-27, status: triggered, decided_by: talks}",
            ["15:56: error: tests[0].decided_by: expected a list like [a, b], got 'talks'"],
        ),
        (
            "- {as_of: 2021-12-27, status: triggered, events: [{id: a, occurred: 2021-12-20, title: A}, {id: a, occurred: 2021-12-21, "
            "title: B}]}",
            ["15:52: error: tests[0].events: two given events have the id 'a'; ids must be unique"],
        ),
        (
            "- {as_of: 2021-12-27, status: averted, events: [{id: a, occurred: 2021-12-20, title: A}], decided_by: [b]}",
            ["15:105: error: tests[0].decided_by: 'b' is not among this case's events"],
        ),
        (
            "- {as_of: 2021-12-27, status: averted, events: [{id: a, occurred: 2021-12-20, title: A, tags: [x;y]}]}",
            ["15:98: error: tests[0].events[0].tags[0]: 'x;y' holds ';'; give each value as its own list item"],
        ),
        (
            "- {as_of: 2021-12-27, status: averted, events: [{id: a, occured: 2021-12-20, title: A}]}",
            [
                "15:51: error: tests[0].events[0].occurred: required field is missing",
                "15:59: error: tests[0].events[0].occured: unknown field 'occured'; did you mean 'occurred'?",
            ],
        ),
        ("- {as_of: 2021-12-27, status: averted, name: ''}", ["15:48: error: tests[0].name: must not be empty"]),
        ("as_of: 2021-12-27", ["15:3: error: tests: expected a list like [a, b], got a mapping"]),
    ],
)
def test_bad_cases_are_rejected_with_a_located_message(write: Write, tests: str, messages: list[str]) -> None:
    path = write("scenarios/sample.yaml", scenario_with(tests))
    scenario, problems, _ = load_scenario_file(path, "sample.yaml")
    assert scenario is None
    assert [str(p) for p in problems] == [f"sample.yaml:{message}" for message in messages]


def test_validate_checks_the_event_ids_a_case_names(workspace: Path, write: Write) -> None:
    write("scenarios/sample.yaml", scenario_with("- {as_of: 2022-03-01, status: enacted, decided_by: [package, pakage]}"))
    checked = load_workspace(workspace / "scenarios", workspace / "data" / "events.csv")
    assert [str(p) for p in checked.problems] == [
        "scenarios/sample.yaml:15:64: error: tests[0].decided_by[1]: no event with id 'pakage' in the event log",
        "scenarios/sample.yaml:9:37: warning: trigger.unless.tags[0]: no event, alias or group has the tag 'de-escalation', "
        "so it matches nothing yet",
    ]
