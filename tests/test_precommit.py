"""The pre-commit hooks this repository offers, used by a team's own repository as pre-commit would.

pre-commit clones this repository (here: a scratch copy of its package files, committed),
pip-installs it into a fresh virtual environment and runs the `tracker` console command in
the team's repository, so this also shows that installing the package from git gives a
working `tracker validate` in another folder. Installing that environment takes a while,
so one test walks through the whole story.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT, ScratchRepo
from tracker.cli import main
from tracker.scenario.yamlsafe import parse_yaml

PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
ALICE = {
    "GIT_AUTHOR_NAME": "Alice",
    "GIT_AUTHOR_EMAIL": "alice@example.org",
    "GIT_COMMITTER_NAME": "Alice",
    "GIT_COMMITTER_EMAIL": "alice@example.org",
}


def hook_repository(destination: Path) -> tuple[ScratchRepo, str]:
    """This project's installable files, committed to a scratch repository: what pre-commit clones."""
    hooks = ScratchRepo(destination)
    for name in PACKAGE_FILES:
        shutil.copy2(ROOT / name, destination / name)
    for package in ("tracker", "components"):
        shutil.copytree(ROOT / package, destination / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return hooks, hooks.commit("The tracker, as a team would pin it")


def test_hook_definitions_are_well_formed() -> None:
    hooks = parse_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")).data
    by_id = {hook["id"]: hook for hook in hooks}
    assert by_id["tracker-validate"]["entry"] == "tracker validate --hook"
    assert by_id["tracker-test"]["entry"] == "tracker test --hook"
    assert by_id["tracker-validate"]["pass_filenames"] is True
    assert by_id["tracker-test"]["pass_filenames"] is False
    assert all(hook["language"] == "python" for hook in hooks)


def test_pre_commit_rejects_a_broken_scenario_and_accepts_a_good_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: None
) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    _, rev = hook_repository(tmp_path / "tracker")
    team = ScratchRepo(tmp_path / "team")
    team.write(
        ".pre-commit-config.yaml",
        f"""
        repos:
          - repo: {tmp_path / "tracker"}
            rev: {rev}
            hooks:
              - id: tracker-validate
              - id: tracker-test
        """,
    )
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=team.root, check=True, capture_output=True)

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        team.git("add", "-A")
        return subprocess.run(
            ["git", "commit", "-q", "-m", message],
            cwd=team.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # git passes the hook's output on stderr
            text=True,
            check=False,
            env={**os.environ, **ALICE},
        )

    # A good scenario, with its scenario tests, and the event log: both hooks pass.
    (team.root / "scenarios").mkdir()
    (team.root / "data").mkdir()
    shutil.copy2(DEMO_SCENARIOS / "joint-sanctions-christmas-2021.yaml", team.root / "scenarios")
    shutil.copy2(DEMO_EVENTS, team.root / "data" / "events.csv")
    done = commit("Add the Christmas scenario")
    assert done.returncode == 0, done.stdout
    assert "tracker validate" in done.stdout and "Passed" in done.stdout

    # A misspelt key: the commit is refused, and the message names file, line and column.
    team.write(
        "scenarios/broken.yaml", "id: broken\ntitle: Broken\nopened: 2022-01-01\ndeadline: 2022-02-01\ntrigger: {unles: {tags: [x]}}\n"
    )
    done = commit("Add a broken scenario")
    assert done.returncode == 1
    assert "scenarios/broken.yaml:5:11: error: trigger.unles: unknown field 'unles'; did you mean 'unless'?" in done.stdout
    assert "Failed" in done.stdout
    assert team.git("log", "--format=%s") == "Add the Christmas scenario\n"

    # Fixed, it goes in.
    team.write(
        "scenarios/broken.yaml", "id: broken\ntitle: Fixed\nopened: 2022-01-01\ndeadline: 2022-02-01\ntrigger: {unless: {tags: [x]}}\n"
    )
    done = commit("Fix it")
    assert done.returncode == 0, done.stdout

    # A bad row in the event log is refused with its line; a scenario test that no longer holds, too.
    with (team.root / "data" / "events.csv").open("a", encoding="utf-8") as log:
        log.write("bad-date,2022-02-30,A day that does not exist,Russia,,de-escalation,action,Example,\n")
    done = commit("Log an event")
    assert done.returncode == 1
    bad_line = len(DEMO_EVENTS.read_bytes().splitlines()) + 1
    assert f"data/events.csv:{bad_line}:2: error: occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)" in done.stdout
    with (team.root / "data" / "events.csv").open("w", encoding="utf-8") as log:
        made_up = "pull-back,2021-12-20,Russia pulls back,Russia,,de-escalation,action,Example,\n"
        log.write(DEMO_EVENTS.read_text(encoding="utf-8") + made_up)
    done = commit("Log a made-up pull-back")
    assert done.returncode == 1
    assert "scenarios/joint-sanctions-christmas-2021.yaml:" in done.stdout
    assert (
        "error: tests[2] (Triggered at the deadline, with no sign of Russia backing down): status: expected triggered, got averted"
        in done.stdout
    )

    # Other YAML files of the repository are not scenarios: the hooks leave them alone.
    shutil.copy2(DEMO_EVENTS, team.root / "data" / "events.csv")
    team.write(".github/workflows/check.yml", "on: push\njobs: {}\n")
    done = commit("Add a workflow")
    assert done.returncode == 0, done.stdout


BROKEN = "id: broken\ntitle: Broken\nopened: 2022-01-01\ndeadline: 2022-02-01\ntrigger: {unles: {tags: [x]}}\n"
BROKEN_MESSAGE = "scenarios/broken.yaml:5:11: error: trigger.unles: unknown field 'unles'; did you mean 'unless'?\n"


def test_a_file_named_twice_is_read_once(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """A hook (or a user) may name a scenario file and its folder: each problem is printed once."""
    repo.write("scenarios/broken.yaml", BROKEN)
    assert main(["validate", "scenarios/broken.yaml", "scenarios", "./scenarios/broken.yaml"]) == 1
    assert capsys.readouterr().out == BROKEN_MESSAGE


def test_validate_as_a_hook_checks_the_configured_files_only(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("tracker.toml", 'events = "records/log.csv"\n')
    repo.write("scenarios/broken.yaml", BROKEN)
    repo.write("records/log.csv", "id,occurred,title,source\nbad,2022-02-30,A day that does not exist,Wire\n")
    repo.write("notes/plan.yaml", "not: [a scenario\n")
    repo.write("data/old.csv", "not,a,log\n")
    repo.write(".github/workflows/check.yml", "on: push\n")
    unrelated = ["notes/plan.yaml", "data/old.csv", ".github/workflows/check.yml"]
    assert main(["validate", "--hook", *unrelated]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["validate", "--hook", *unrelated, "scenarios/broken.yaml", "records/log.csv"]) == 1
    out = capsys.readouterr().out
    assert out == "records/log.csv:2:2: error: occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)\n" + BROKEN_MESSAGE
    # tracker.toml itself committed: it may have moved everything, so everything it names is checked.
    assert main(["validate", "--hook", "tracker.toml"]) == 1
    assert capsys.readouterr().out == out


def test_validate_as_a_hook_checks_a_committed_vocabulary_with_its_log(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("tracker.toml", 'events = "records/log.csv"\n')
    repo.write("records/log.csv", "id,occurred,title,source\na,2022-02-24,Invasion,Wire\n")
    repo.write("records/vocabulary.yaml", "aliases:\n  Russia: RU\n")
    repo.write("data/vocabulary.yaml", "not: [the configured log's\n")
    assert main(["validate", "--hook", "data/vocabulary.yaml"]) == 0, "not beside the configured log: not read"
    assert capsys.readouterr() == ("", "")
    assert main(["validate", "--hook", "records/vocabulary.yaml"]) == 1
    assert capsys.readouterr().out == (
        "records/vocabulary.yaml:2:11: error: aliases.Russia: must be a list of names in brackets ([a, b]), not 'RU'; "
        "the vocabulary is not used until this is fixed\n"
    )


def test_test_as_a_hook_leaves_file_problems_to_validate(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/broken.yaml", BROKEN)
    assert main(["test", "--hook"]) == 1  # still refused
    assert capsys.readouterr() == (
        "",
        "no scenario test ran (no event log at data/events.csv); 1 file problem(s), reported by tracker validate\n",
    )
    assert main(["test"]) == 1
    assert capsys.readouterr().out == BROKEN_MESSAGE


def test_validate_as_a_hook_checks_a_committed_scenario_against_the_configured_log(
    repo: ScratchRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the scenario is committed, yet the event ids it cites must be in the log tracker.toml names."""
    repo.write("tracker.toml", 'events = "records/log.csv"\n')
    repo.write("records/log.csv", "id,occurred,title,source\npull-back,2022-01-10,Troops pull back,Wire\n")
    cites = "id: cites\ntitle: Cites\nopened: 2022-01-01\ndeadline: 2022-02-01\ntrigger: {unless: {ids: [pull-bak]}}\n"
    repo.write("scenarios/cites.yaml", cites)
    assert main(["validate", "--hook", "scenarios/cites.yaml"]) == 1
    assert (
        capsys.readouterr().out == "scenarios/cites.yaml:5:26: error: trigger.unless.ids[0]: no event with id 'pull-bak' in the event log\n"
    )
    repo.write("scenarios/cites.yaml", cites.replace("pull-bak", "pull-back"))
    assert main(["validate", "--hook", "scenarios/cites.yaml"]) == 0
