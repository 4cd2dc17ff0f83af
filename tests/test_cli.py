"""The `tracker` command run as a user runs it: `python -m tracker ...` in a shell, in a folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import ROOT
from tests.test_scenarios import CHRISTMAS
from tracker.engine.status import Status

CHRISTMAS_ID = "joint-sanctions-christmas-2021"
HEADER = "id,occurred,title,actors,targets,tags,source,notes"
PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<message>.+)$")


def tracker(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m tracker ARGS` in ``cwd``; nothing it prints may ever be a traceback."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    environment["PYTHONPATH"] = str(ROOT)  # as from a checkout, whatever the folder
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr
    return result


def status_json(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    result = tracker("status", "--format", "json", *args, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    return {row["id"]: row for row in rows}


def scenario_text(sid: str, trigger: str = "unless: {tags: [de-escalation]}", extra: str = "") -> str:
    return f"id: {sid}\ntitle: Scenario {sid}\nopened: 2021-12-03\ndeadline: 2021-12-25\ntrigger:\n  {trigger}\n{extra}"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A team's folder as the defaults expect it: scenarios/ and data/events.csv."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "scenarios" / f"{CHRISTMAS_ID}.yaml").write_text(CHRISTMAS, encoding="utf-8")
    (tmp_path / "scenarios" / "calm.yaml").write_text(scenario_text("calm"), encoding="utf-8")
    (tmp_path / "data" / "events.csv").write_text(
        f"{HEADER}\ntalks,2021-12-10,Talks,Russia,,de-escalation,Wire,\nfirst,2022-02-22,Sanctions,US,Russia,sanctions-package,Wire,\n",
        encoding="utf-8",
    )
    # The tag the Christmas scenario's signpost waits for, which this small log never has (else `validate` warns).
    (tmp_path / "data" / "vocabulary.yaml").write_text("aliases:\n  military-buildup: []\n", encoding="utf-8")
    return tmp_path


# --- validate ---------------------------------------------------------------------------------
def test_validate_the_demo_with_default_paths() -> None:
    result = tracker("validate")
    assert result.returncode == 0
    assert result.stdout == ""
    assert re.fullmatch(r"\d+ valid scenario\(s\), \d+ valid event\(s\); 0 error\(s\), 0 warning\(s\)\n", result.stderr)


def test_validate_reports_each_problem_as_path_line_column(team: Path) -> None:
    (team / "scenarios" / "broken.yaml").write_text(
        scenario_text("broken", trigger="unles: {tags: [x]}", extra="deadlne: 2021-12-26\n"), encoding="utf-8"
    )
    (team / "scenarios" / "ids.yaml").write_text(scenario_text("ids", trigger="when: {ids: [talks, nope]}"), encoding="utf-8")
    with (team / "data" / "events.csv").open("a", encoding="utf-8") as log:
        log.write("late,2022-02-30,Bad date,US,,x,Wire,\nnosource,2022-03-01,No source,US,,x,,\n")
    result = tracker("validate", cwd=team)
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == sorted(
        [
            "data/events.csv:4:2: error: occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)",
            "data/events.csv:5:7: warning: source: is empty; cite a publisher and title, or a link",
            "scenarios/broken.yaml:6:3: error: trigger.unles: unknown field 'unles'; did you mean 'unless'?",
            "scenarios/broken.yaml:7:1: error: deadlne: unknown field 'deadlne'; did you mean 'deadline'?",
            "scenarios/ids.yaml:6:23: error: trigger.when.ids[1]: no event with id 'nope' in the event log",
        ]
    )
    for line in result.stdout.splitlines():
        assert PROBLEM_LINE.match(line), line
    assert result.stderr == "3 valid scenario(s), 3 valid event(s); 4 error(s), 1 warning(s)\n"


def test_validate_named_files_and_folders(team: Path) -> None:
    result = tracker("validate", "scenarios/calm.yaml", "data", cwd=team)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr.startswith("1 valid scenario(s), 2 valid event(s); 0 error(s)")


def test_validate_warnings_alone_exit_0(team: Path) -> None:
    with (team / "data" / "events.csv").open("a", encoding="utf-8") as log:
        log.write("nosource,2022-03-01,No source,US,,x,,\n")
    result = tracker("validate", cwd=team)
    assert result.returncode == 0
    assert result.stdout == "data/events.csv:4:7: warning: source: is empty; cite a publisher and title, or a link\n"


def test_validate_json_format(team: Path) -> None:
    (team / "scenarios" / "bad.yaml").write_text(scenario_text("bad").replace("2021-12-25", "2021-12-32"), encoding="utf-8")
    result = tracker("validate", "--format", "json", cwd=team)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"path": "scenarios/bad.yaml", "line": 4, "column": 11, "severity": "error", "message": "'2021-12-32' is not a real calendar date"}
    ]


def test_validate_github_format(team: Path) -> None:
    (team / "scenarios" / "bad.yaml").write_text(scenario_text("bad").replace("2021-12-25", "2021-12-32"), encoding="utf-8")
    result = tracker("validate", "--format", "github", cwd=team)
    assert result.returncode == 1
    assert result.stdout == "::error file=scenarios/bad.yaml,line=4,col=11::'2021-12-32' is not a real calendar date\n"


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (["validate", "--frobnicate"], "tracker: unrecognized arguments: --frobnicate"),
        (
            ["status", "--as-of", "yesterday"],
            "tracker: --as-of: 'yesterday' is not a date (2021-12-20) or a datetime with offset (2021-12-20T12:00:00Z)",
        ),
        (
            ["status", "--as-of", "2021-12-06T12:00:00"],
            "tracker: --as-of: '2021-12-06T12:00:00' has no time zone offset; "
            "add one, e.g. 2021-12-06T12:00:00Z or 2021-12-06T12:00:00+01:00",
        ),
        (["status", "--as-of", "2021-02-30"], "tracker: --as-of: '2021-02-30' is not a real calendar date"),
        (["status", "--format", "xml"], "tracker: argument --format: invalid choice: 'xml' (choose from 'table', 'json')"),
        (["validate", "nowhere.yaml"], "tracker: nowhere.yaml: no such file or folder"),
        (["validate", "notes.txt"], "tracker: notes.txt: not a scenario file (.yaml, .yml) or an event log (.csv)"),
        (["status", "--scenarios", "nowhere"], "tracker: no scenario folder at nowhere; pass --scenarios or set TRACKER_SCENARIOS"),
        ([], "tracker: the following arguments are required: command"),
    ],
)
def test_usage_errors_exit_2_with_a_plain_message(team: Path, args: list[str], first_line: str) -> None:
    (team / "notes.txt").write_text("not a scenario\n", encoding="utf-8")
    result = tracker(*args, cwd=team)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == first_line


def test_validate_without_a_scenario_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = tracker("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "tracker: no scenario folder at scenarios; name the files to check or set TRACKER_SCENARIOS\n"


# --- status -----------------------------------------------------------------------------------
def test_status_of_the_demo_gives_the_issue_figures() -> None:
    watching = status_json("--as-of", "2021-12-06T12:00:00Z")[CHRISTMAS_ID]
    assert (watching["status"], watching["remaining_seconds"], watching["decided_by"]) == ("watching", 1681200, [])
    assert watching["deadline"] == "2021-12-26T00:00:00+01:00"

    triggered = status_json("--as-of", "2021-12-27")[CHRISTMAS_ID]
    assert triggered["status"] == "triggered"
    assert triggered["triggered_at"] == "2021-12-26T00:00:00+01:00"
    assert triggered["response_due"] == "2022-01-25T00:00:00+01:00"

    assert status_json("--as-of", "2022-02-01")[CHRISTMAS_ID]["status"] == "overdue"

    enacted = status_json("--as-of", "2022-03-01")[CHRISTMAS_ID]
    assert enacted["status"] == "enacted"
    assert enacted["decided_at"] == "2022-02-22T00:00:00+01:00"
    assert enacted["decided_by"] == ["2022-02-22-us-first-tranche-sanctions"]
    assert "sanctions" in enacted["explanation"].lower()


def test_status_json_fields_and_iso_formats() -> None:
    rows = status_json("--as-of", "2022-03-01T12:00:00+01:00")
    assert len(rows) >= 6
    for row in rows.values():
        assert {"id", "title", "status", "deadline", "remaining_seconds", "decided_at", "decided_by", "explanation"} <= set(row)
        assert row["status"] in {s.value for s in Status}
        assert row["basis"] == "occurred" and row["timing"] in (None, "early", "on-time", "late")
        assert dt.datetime.fromisoformat(row["deadline"]).utcoffset() is not None
        assert row["remaining_seconds"] is None or isinstance(row["remaining_seconds"], int)
        assert row["decided_at"] is None or dt.datetime.fromisoformat(row["decided_at"]).utcoffset() is not None
        assert isinstance(row["decided_by"], list) and all(isinstance(i, str) for i in row["decided_by"])
        assert isinstance(row["explanation"], str) and row["explanation"]
        assert row["as_of"] == "2022-03-01T12:00:00+01:00"


def test_status_table(team: Path) -> None:
    result = tracker("status", "--as-of", "2021-12-06T12:00:00Z", cwd=team)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "Status as of 2021-12-06T12:00:00+00:00",
        "STATUS    SCENARIO                        DEADLINE                          TIME LEFT",
        "watching  joint-sanctions-christmas-2021  2021-12-25 24:00 Europe/Brussels  19 d 11 h left until the deadline",
        "watching  calm                            2021-12-25 24:00 UTC              19 d 12 h left until the deadline",
    ]


def test_status_table_says_what_the_time_left_counts_to(team: Path) -> None:
    """Once triggered, the time left is to the response's due time, not to the deadline beside it: the table says so."""
    response = "response: {title: Package, match: {tags: [sanctions-package]}, within: 30d}\n"
    (team / "scenarios" / "calm.yaml").write_text(scenario_text("calm", "unless: {tags: [never]}", response), encoding="utf-8")
    result = tracker("status", "--as-of", "2022-01-10", cwd=team)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1:] == [
        "STATUS     SCENARIO                        DEADLINE                          TIME LEFT",
        "triggered  calm                            2021-12-25 24:00 UTC              14 d 0 h left until the response is due",
        "averted    joint-sanctions-christmas-2021  2021-12-25 24:00 Europe/Brussels  —",
    ]
    overdue = tracker("status", "--as-of", "2022-02-01", cwd=team).stdout.splitlines()[2]
    assert overdue == "overdue  calm                            2021-12-25 24:00 UTC              none: the response is 7 d 23 h late"


REVIEWED = "owner: Russia desk\nreview_every: 3d\nsignposts:\n  - {title: Build-up, direction: escalation, match: {tags: [build-up]}}\n"


@pytest.fixture
def reviewed_team(team: Path) -> Path:
    """The team's calm scenario with an owner and a review every 3 days, and a build-up it matched on 5 December."""
    (team / "scenarios" / "calm.yaml").write_text(scenario_text("calm", extra=REVIEWED), encoding="utf-8")
    with (team / "data" / "events.csv").open("a", encoding="utf-8") as log:
        log.write("buildup,2021-12-05,Build-up,Russia,,build-up,Wire,\n")
    return team


def test_status_json_says_owner_cadence_and_whether_stale(reviewed_team: Path) -> None:
    fresh = status_json("--as-of", "2021-12-07", cwd=reviewed_team)
    assert {key: fresh["calm"][key] for key in ("owner", "review_every", "stale", "last_reviewed", "last_review")} == {
        "owner": "Russia desk",
        "review_every": "3d",
        "stale": False,
        "last_reviewed": "2021-12-05T00:00:00+00:00",
        "last_review": "event “Build-up” (buildup) matched on 2021-12-05",
    }
    assert status_json("--as-of", "2021-12-09", cwd=reviewed_team)["calm"]["stale"] is True
    christmas = fresh[CHRISTMAS_ID]  # no review_every: never stale, and not in git here: no commit counts
    assert (christmas["owner"], christmas["review_every"], christmas["stale"]) == (None, None, False)


def test_status_table_marks_stale_scenarios_in_plain_words(reviewed_team: Path) -> None:
    result = tracker("status", "--as-of", "2021-12-09", cwd=reviewed_team)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1:] == [
        "STATUS    SCENARIO                        DEADLINE                          TIME LEFT                         REVIEW",
        "watching  calm                            2021-12-25 24:00 UTC              16 d 0 h left until the deadline  "
        "stale: last reviewed 2021-12-05",
        "watching  joint-sanctions-christmas-2021  2021-12-25 24:00 Europe/Brussels  16 d 0 h left until the deadline",
    ]


def test_status_as_of_a_date_means_its_end_in_utc(team: Path) -> None:
    rows = status_json("--as-of", "2021-12-09", cwd=team)
    assert rows["calm"]["status"] == "watching"
    assert rows["calm"]["as_of"] == "2021-12-09T23:59:59.999999+00:00"
    assert rows["calm"]["remaining_seconds"] == 16 * 86400
    assert status_json("--as-of", "2021-12-10", cwd=team)["calm"]["status"] == "averted"


def test_status_reports_invalid_files_on_stderr_and_the_rest_on_stdout(team: Path) -> None:
    (team / "scenarios" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    (team / "scenarios" / "lol.yaml").write_text('a: &a ["lol"]\nb: [*a, *a]\n', encoding="utf-8")
    with (team / "data" / "events.csv").open("a", encoding="utf-8") as log:
        log.write("bad,someday,Bad,US,,x,Wire,\n")
    result = tracker("status", "--as-of", "2021-12-27", "--format", "json", cwd=team)
    assert result.returncode == 0
    assert sorted(row["id"] for row in json.loads(result.stdout)) == ["calm", CHRISTMAS_ID]
    assert result.stderr.splitlines() == [
        "data/events.csv:4:2: error: occurred: 'someday' is not a date (2022-02-22) "
        "or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)",
        "scenarios/broken.yaml:3:1: error: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 2, column 8)",
        "scenarios/lol.yaml:1:4: error: anchors (&a) are not allowed in scenario files; write the value out",
    ]


def test_status_with_a_missing_event_log_still_reports(team: Path) -> None:
    result = tracker("status", "--as-of", "2021-12-06T12:00:00Z", "--format", "json", "--events", "nowhere.csv", cwd=team)
    assert result.returncode == 0
    assert {row["id"]: row["status"] for row in json.loads(result.stdout)} == {CHRISTMAS_ID: "watching", "calm": "watching"}
    assert result.stderr == "nowhere.csv:0:0: error: event log does not exist\n"


def test_status_flags_point_elsewhere(team: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    rows = status_json("--as-of", "2021-12-11", "--scenarios", str(team / "scenarios"), "--events", str(team / "data"), cwd=elsewhere)
    assert rows["calm"]["status"] == "averted"
    assert rows["calm"]["decided_by"] == ["talks"]


def test_environment_variables_point_the_cli_at_another_repository(team: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    env = {"TRACKER_SCENARIOS": str(team / "scenarios"), "TRACKER_EVENTS": str(team / "data" / "events.csv")}
    rows = status_json("--as-of", "2021-12-11", cwd=elsewhere, env=env)
    assert rows["calm"]["status"] == "averted"
    assert rows[CHRISTMAS_ID]["decided_by"] == ["talks"]  # Russia's talks of 10 December
    validated = tracker("validate", cwd=elsewhere, env=env)
    assert validated.returncode == 0
    assert validated.stderr.startswith("2 valid scenario(s), 2 valid event(s)")


def test_environment_variables_take_a_folder_of_logs(team: Path) -> None:
    (team / "more").mkdir()
    (team / "more" / "2022.csv").write_text(f"{HEADER}\ncalm2,2021-12-05,Talks,Russia,,de-escalation,Wire,\n", encoding="utf-8")
    (team / "more" / "2021.csv").write_text((team / "data" / "events.csv").read_text(encoding="utf-8"), encoding="utf-8")
    rows = status_json("--as-of", "2021-12-11", cwd=team, env={"TRACKER_EVENTS": str(team / "more")})
    assert rows["calm"]["decided_by"] == ["calm2"]


def test_flags_win_over_environment_variables(team: Path) -> None:
    rows = status_json("--as-of", "2021-12-11", "--scenarios", "scenarios", cwd=team, env={"TRACKER_SCENARIOS": str(team / "nowhere")})
    assert set(rows) == {"calm", CHRISTMAS_ID}


# --- schema ----------------------------------------------------------------------------------
def test_schema_prints_a_valid_json_schema() -> None:
    result = tracker("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == {"id", "title", "opened"}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    good = {"id": "a", "title": "T", "opened": "2021-12-03", "deadline": "2021-12-25", "trigger": {"unless": {"tags": ["x"]}}}
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors({**good, "deadlne": "2021-12-25"}))
    # Exactly one of deadline or deadlines; a trigger, or a response for a commitment.
    no_deadline = {k: v for k, v in good.items() if k != "deadline"}
    assert list(validator.iter_errors(no_deadline))
    assert list(validator.iter_errors({**good, "deadlines": [{"due": "2021-12-25", "source": "S"}]}))
    commitment = {k: v for k, v in good.items() if k != "trigger"}
    assert list(validator.iter_errors(commitment))
    assert list(validator.iter_errors({**commitment, "response": {"title": "R", "match": {"tags": ["x"]}}})) == []


# --- never a traceback -------------------------------------------------------------------------
NASTY_FILES = {
    "scenarios/binary.yaml": b"\x00\x01\x02\xff\xfe",
    "scenarios/nul.yaml": b"id: nul\x00\n",
    "scenarios/colours.yaml": b"id: colours\ntitle: \x1b[31mred\x1b[0m\n",
    "scenarios/c1.yaml": "id: c1\ntitle: \x85\x9b\n".encode(),
    "scenarios/number.yaml": b"id: " + b"9" * 5_000 + b"\n",
    "scenarios/deep.yaml": b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "scenarios/tags.yaml": b"id: !!python/object/apply:os.system ['echo pwned']\n",
    "scenarios/inf.yaml": b"id: inf\ntitle: .inf\nopened: 2021-12-03\ndeadline: 2021-12-25\ntrigger: {when: {tags: [.nan]}}\n",
    "scenarios/list.yaml": b"- 1\n- 2\n",
    "scenarios/date.yaml": textwrap.dedent(scenario_text("date", extra="date: 2021-12-25\n")).encode(),
    "data/binary.csv": b"\x00\x01\x02\xff\xfe\n",
    "data/header.csv": b"id,id,id\n",
    "data/ragged.csv": f"{HEADER}\ne1,2021-12-07,A, B,US,,x,s,\n".encode(),
    "data/quote.csv": f'{HEADER}\ne2,2021-12-07,"unclosed,US,,x,s,\n'.encode(),
}


@pytest.mark.parametrize("command", [["validate"], ["status", "--as-of", "2021-12-27"], ["status", "--format", "json"]])
def test_no_command_prints_a_traceback_on_hostile_files(team: Path, command: list[str]) -> None:
    for relative, content in NASTY_FILES.items():
        (team / relative).write_bytes(content)
    if command[0] == "status":
        result = tracker(*command, "--events", "data", cwd=team)
    else:
        result = tracker("validate", "scenarios", "data", cwd=team)
    assert result.returncode == (1 if command[0] == "validate" else 0)
    problems = result.stdout if command[0] == "validate" else result.stderr
    named = {line.split(":", 1)[0] for line in problems.splitlines()}
    assert named >= set(NASTY_FILES)
