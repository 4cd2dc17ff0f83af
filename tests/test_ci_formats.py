"""`tracker validate --format github|json`, and the sample GitHub Actions workflow that uses them."""

from __future__ import annotations

import io
import json
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT
from tracker.cli import main
from tracker.cli.common import print_problems
from tracker.cli.run import build_parser
from tracker.problems import Problem
from tracker.scenario.yamlsafe import parse_yaml

Write = Callable[[str, str], Path]

BROKEN = """
    id: broken
    title: Broken
    opened: 2022-01-01
    deadline: 2022-02-01
    trigger: {unles: {tags: [x]}}
"""
EVENTS = """
    id,occurred,title,actors,targets,tags,source,notes
    good,2022-01-05,Talks,US,,diplomacy,Example,
    bad,2022-01-32,Talks,US,,diplomacy,Example,
    unsourced,2022-01-06,Talks,US,,diplomacy,,
"""


@pytest.fixture
def files(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write("scenarios/broken.yaml", BROKEN)
    write("data/events.csv", EVENTS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_github_annotations(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "github", "scenarios", "data/events.csv"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "::error file=data/events.csv,line=3,col=2::occurred: '2022-01-32' is not a real date (expected YYYY-MM-DD)",
        "::warning file=data/events.csv,line=4,col=7::source: is empty; cite a publisher and title, or a link",
        "::error file=scenarios/broken.yaml,line=5,col=11::trigger.unles: unknown field 'unles'; did you mean 'unless'?",
    ]
    assert err == ""


def test_json_problems(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", "scenarios/broken.yaml"]) == 1
    assert json.loads(capsys.readouterr().out) == [
        {
            "path": "scenarios/broken.yaml",
            "line": 5,
            "column": 11,
            "severity": "error",
            "message": "trigger.unles: unknown field 'unles'; did you mean 'unless'?",
        }
    ]


def test_clean_files_give_an_empty_report_and_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(DEMO_SCENARIOS), str(DEMO_EVENTS)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["validate", "--format", "github", str(DEMO_SCENARIOS), str(DEMO_EVENTS)]) == 0
    assert capsys.readouterr() == ("", "")


def test_warnings_alone_do_not_fail(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write("data/events.csv", "id,occurred,title,actors,targets,tags,source,notes\nx,2022-01-06,Talks,US,,diplomacy,,\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--format", "github", "data/events.csv"]) == 0
    assert capsys.readouterr().out.startswith("::warning file=data/events.csv,line=2,col=7::")


def test_github_escaping_of_messages_and_file_names() -> None:
    out = io.StringIO()
    print_problems([Problem("odd, name: 100%.yaml", 0, 0, "50% done\nnext line\r")], "github", out)
    assert out.getvalue() == "::error file=odd%2C name%3A 100%25.yaml,line=1,col=1::50%25 done%0Anext line%0D\n"


def test_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "sarif"]) == 2
    assert capsys.readouterr().err.startswith("tracker: argument --format: invalid choice: 'sarif' (choose from ")


def test_the_sample_workflow_runs_commands_that_exist() -> None:
    workflow = parse_yaml((ROOT / "docs" / "github-workflow-example.yml").read_text(encoding="utf-8")).data
    steps = workflow["jobs"]["check"]["steps"]
    commands = [step["run"] for step in steps if str(step.get("run", "")).startswith("tracker ")]
    assert [shlex.split(c)[:2] for c in commands] == [["tracker", "validate"], ["tracker", "test"], ["tracker", "diff"]]
    parser = build_parser()
    for command in commands:
        parser.parse_args(shlex.split(command)[1:])  # raises UsageError for an unknown flag or subcommand
    assert any("pip install" in str(step.get("run", "")) for step in steps)
    assert workflow["on"] == {"push": None, "pull_request": None}


def test_python_m_tracker_runs_from_the_repository_root() -> None:
    done = subprocess.run([sys.executable, "-m", "tracker", "test"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stderr
