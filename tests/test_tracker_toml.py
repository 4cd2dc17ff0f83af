"""tracker.toml: where a repository's scenarios and event log are, for every command run anywhere in it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tracker import config
from tracker.cli import main


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository (its root marked by .git) with no environment overrides, the working folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    for name in (config.SCENARIOS_ENV, config.EVENTS_ENV):
        monkeypatch.delenv(name, raising=False)
    return root


def settings(root: Path, text: str) -> None:
    (root / "tracker.toml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_without_a_tracker_toml_the_defaults(repo: Path) -> None:
    assert (config.scenarios_path(), config.events_path()) == (Path("scenarios"), Path("data/events.csv"))


def test_paths_are_relative_to_the_toml_found_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(repo, 'scenarios = "analysis/scenarios"\nevents = "records/log.csv"\n')
    assert (config.scenarios_path(), config.events_path()) == (Path("analysis/scenarios"), Path("records/log.csv"))
    (repo / "analysis" / "notes").mkdir(parents=True)
    monkeypatch.chdir(repo / "analysis" / "notes")
    assert (config.scenarios_path(), config.events_path()) == (Path("../../analysis/scenarios"), Path("../../records/log.csv"))
    assert config.scenarios_path().resolve() == (repo / "analysis" / "scenarios").resolve()


def test_a_key_left_out_keeps_its_default(repo: Path) -> None:
    settings(repo, 'events = "records"\n')
    assert (config.scenarios_path(), config.events_path()) == (Path("scenarios"), Path("records"))


def test_environment_variables_win_over_the_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(repo, 'scenarios = "analysis"\nevents = "records/log.csv"\n')
    monkeypatch.setenv(config.EVENTS_ENV, "/srv/shared/events.csv")
    assert (config.scenarios_path(), config.events_path()) == (Path("analysis"), Path("/srv/shared/events.csv"))


def test_the_search_stops_at_the_repository_root(tmp_path: Path, repo: Path) -> None:
    settings(tmp_path, 'events = "elsewhere.csv"\n')  # above the repository: another project's file
    assert config.settings_file() is None
    assert config.events_path() == Path("data/events.csv")


def test_the_dashboard_s_base_folder_is_not_searched(repo: Path) -> None:
    settings(repo, 'scenarios = "analysis"\n')
    assert config.scenarios_path(repo) == repo / "scenarios"


def test_commands_read_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings(repo, 'scenarios = "analysis"\nevents = "records/log.csv"\n')
    (repo / "analysis").mkdir()
    (repo / "analysis" / "s.yaml").write_text(
        "id: s\ntitle: S\nopened: 2021-12-03\ndeadline: 2021-12-25\ntrigger: {unless: {ids: [talks]}}\n", encoding="utf-8"
    )
    (repo / "records").mkdir()
    (repo / "records" / "log.csv").write_text("id,occurred,title,source\ntalks,2021-12-10,Talks,Wire\n", encoding="utf-8")
    assert main(["validate"]) == 0
    assert capsys.readouterr().err == "1 valid scenario(s), 1 valid event(s); 0 error(s), 0 warning(s)\n"
    assert main(["log", "--occurred", "2021-12-11", "--title", "More talks", "--source", "Wire", "--by", "ana"]) == 0
    assert "More talks" in (repo / "records" / "log.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'scenarios = "analysis"\nevents = \n',
            'tracker.toml:2:10: error: Invalid value; write lines like scenarios = "scenarios"',
        ),
        ('scenarios = "analysis"\nevent = "log.csv"\n', "tracker.toml:2: error: unknown key 'event'; did you mean 'events'?"),
        ('logs = "log.csv"\n', "tracker.toml:1: error: unknown key 'logs' (the keys are scenarios, events)"),
        ("scenarios = 3\n", 'tracker.toml:1: error: scenarios must be a path in quotes, e.g. scenarios = "scenarios"'),
        (
            'scenarios = "analysis"\nevents = ""\n',
            'tracker.toml:2: error: events must be a path in quotes, e.g. events = "data/events.csv"',
        ),
        ("[events]\npath = 'x'\n", 'tracker.toml:1: error: events must be a path in quotes, e.g. events = "data/events.csv"'),
    ],
)
def test_a_bad_tracker_toml_is_a_usage_error_naming_file_and_line(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    settings(repo, text)
    assert main(["validate"]) == 2
    assert capsys.readouterr() == ("", f"tracker: {message}\n")


def test_a_bad_tracker_toml_is_named_from_a_subfolder(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings(repo, "events = 'records")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert main(["status"]) == 2
    message = 'Expected "\'" at the end of the file; write lines like scenarios = "scenarios"'
    assert capsys.readouterr() == ("", f"tracker: ../tracker.toml: error: {message}\n")


def test_a_missing_folder_it_names_is_blamed_on_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings(repo, 'scenarios = "analysis"\n')
    assert main(["status"]) == 2
    assert (
        capsys.readouterr().err
        == "tracker: no scenario folder at analysis (as tracker.toml says); pass --scenarios or set TRACKER_SCENARIOS\n"
    )
    assert main(["validate"]) == 2
    assert capsys.readouterr().err == (
        "tracker: no scenario folder at analysis (as tracker.toml says); name the files to check or set TRACKER_SCENARIOS\n"
    )
    assert main(["status", "--scenarios", "elsewhere"]) == 2  # a flag names it: tracker.toml has nothing to do with it
    assert capsys.readouterr().err == "tracker: no scenario folder at elsewhere; pass --scenarios or set TRACKER_SCENARIOS\n"
