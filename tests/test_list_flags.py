"""One list syntax on every command: a list flag repeated (--tags a --tags b), ';'-separated in quotes (--tags "a;b"), or both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import demo_workspace
from tests.conftest import last_logged_row as _last_row
from tests.conftest import run_cli as run
from tracker.cli.common import list_values
from tracker.cli.run import build_parser
from tracker.scenario.yamlsafe import parse_yaml

EVENT = ["--occurred", "2021-12-20", "--title", "Russia pulls back some troops", "--source", "Reuters, 20 Dec 2021", "--by", "ana"]


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_workspace(tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("given", "values"),
    [
        (None, []),
        (["a"], ["a"]),
        (["a", "b"], ["a", "b"]),
        (["a;b"], ["a", "b"]),
        (["a;b", "c"], ["a", "b", "c"]),
        ([" a ; ;b;", ""], ["a", "b"]),
        ([""], []),
    ],
)
def test_list_values(given: list[str] | None, values: list[str]) -> None:
    assert list_values(given) == values


@pytest.mark.parametrize(
    "flags",
    [
        ["--actors", "EU", "--actors", "UK", "--tags", "sanctions", "--tags", "energy"],
        ["--actors", "EU;UK", "--tags", "sanctions;energy"],
        ["--actors", "EU", "--actors", "UK", "--tags", "sanctions;energy"],
        ["--actors", "EU;", "--actors", " UK", "--tags", "sanctions", "--tags", "energy"],
    ],
    ids=["repeated", "separated", "mixed", "blank-values-dropped"],
)
def test_log_takes_every_list_flag_either_way(capsys: pytest.CaptureFixture[str], flags: list[str]) -> None:
    code, _, err = run(capsys, "log", *EVENT, "--targets", "Russia", "--targets", "Belarus", *flags)
    assert (code, err) == (0, "")
    row = _last_row()
    assert (row["actors"], row["targets"], row["tags"]) == ("EU;UK", "Russia;Belarus", "sanctions;energy")


def test_correct_takes_list_flags_either_way(capsys: pytest.CaptureFixture[str]) -> None:
    event = "2021-12-07-biden-putin-video-call"
    code, _, err = run(capsys, "correct", event, "--tags", "diplomacy;summit", "--tags", "video-call", "--by", "ben")
    assert (code, err) == (0, "")
    assert _last_row()["tags"] == "diplomacy;summit;video-call"
    code, _, err = run(capsys, "correct", event, "--targets", "Russia", "--targets", "Ukraine", "--by", "ben")
    assert (code, err) == (0, "")
    assert _last_row()["targets"] == "Russia;Ukraine"


def _new_match(capsys: pytest.CaptureFixture[str], *flags: str) -> object:
    code, out, err = run(capsys, "new", "Snapback", "--id", "snapback", "--deadline", "2030-01-01", "--dir", "drafts", *flags)
    assert code == 0, err
    data = parse_yaml(Path(out.strip()).read_text(encoding="utf-8")).data
    Path(out.strip()).unlink()
    return data


@pytest.mark.parametrize(
    "flags",
    [
        ["--when", "actors=E3;France;tags=snapback"],  # the one list syntax
        ["--when", "actors=E3;France", "--when", "tags=snapback"],  # repeated, one key each
        ["--when", "actors=E3", "--when", "actors=France", "--when", "tags=snapback"],  # a key repeated gathers its values
        ["--when", "actors=E3,France;tags=snapback"],  # the older form, commas between one key's values
        ["--when", "actors=E3;France;France", "--when", "tags=snapback"],  # a value given twice is listed once
    ],
    ids=["separated", "repeated", "key-repeated", "commas", "twice"],
)
def test_new_match_flags_take_the_one_list_syntax(capsys: pytest.CaptureFixture[str], flags: list[str]) -> None:
    data = _new_match(capsys, *flags)
    assert data["trigger"] == {"when": {"actors": ["E3", "France"], "tags": ["snapback"]}}  # type: ignore[index]


def test_new_unless_and_response_take_the_one_list_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    data = _new_match(
        capsys,
        "--unless",
        "actors=Russia",
        "--unless",
        "tags=de-escalation;withdrawal",
        "--response",
        "tags=sanctions-package;kinds=decision;in-force",
    )
    assert data["trigger"] == {"unless": {"actors": ["Russia"], "tags": ["de-escalation", "withdrawal"]}}  # type: ignore[index]
    assert data["response"]["match"] == {"tags": ["sanctions-package"], "kinds": ["decision", "in-force"]}  # type: ignore[index]


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        ("log", ["--actors", "--targets", "--tags"]),
        ("correct", ["--actors", "--targets", "--tags"]),
        ("new", ["--unless", "--when", "--response"]),
    ],
)
def test_help_shows_the_quoted_form(command: str, flags: list[str]) -> None:
    """Unquoted, `--tags a;b` is cut by the shell at the ';': every list flag's help shows the values in quotes."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]  # type: ignore[union-attr,index]
    helps = {a.option_strings[0]: a.help or "" for a in sub._actions if a.option_strings}
    for flag in flags:
        assert f"repeat the flag, or separate values with ';' in quotes: {flag} \"" in helps[flag], helps[flag]
