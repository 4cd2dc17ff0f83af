"""Scenario files and saved mappings that an attacker with commit rights may have added.

git stores symbolic links, so anyone who can commit to a scenario repository can put ``scenarios/creds.yaml`` ->
``~/.git-credentials`` in it. What such a link points to must never be read, let alone quoted to every reader of the
dashboard, the CI log or the terminal: a fake token behind a link is looked for in the output of every command and on
every page. Messages quote at most a short, escaped excerpt of a value, and one control character in one file breaks
only that file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ScratchRepo, demo_workspace
from tests.test_app import board_statuses, expected, run
from tracker.cli import main
from tracker.git.compare import diff_revisions, scenarios_known_at
from tracker.git.history import scenario_history
from tracker.log.importer import ImportMapping, MappingError, load_mapping, mappings_folder, save_mapping, saved_mappings
from tracker.scenario.loader import load_scenario_file, load_scenario_text, load_scenarios, scenario_paths
from tracker.scenario.scaffold import SCHEMA_FILE, new_scenario
from tracker.text import EXCERPT_CHARS

TOKEN = "ghp_FAKE0123456789abcdefghijklmnopqrstuvwx"
# What a page would show of the token: Markdown escaping turns its "_" into "\\_", so look for the part after it.
TOKEN_BODY = TOKEN.removeprefix("ghp_")
LINK_REFUSED = (
    "not read: it is a symbolic link, and the tracker reads only regular files (it never follows links); "
    "keep each scenario as a regular file in the scenario folder"
)
CHRISTMAS = "joint-sanctions-christmas-2021"
Make = Callable[[Path, Path], object]  # makes an entry (first) of some kind, given a folder outside (second)
MARCH_2022 = dt.datetime(2022, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every data folder that holds a token, as ~/.git-credentials would."""
    path = tmp_path / "home" / ".git-credentials"
    path.parent.mkdir()
    path.write_text(f"{TOKEN}\n", encoding="utf-8")
    return path


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: Path) -> Path:
    """The demo as a team's checkout (the working folder), with scenarios/creds.yaml a link to the token."""
    team = tmp_path / "team"
    team.mkdir()
    demo_workspace(team, monkeypatch)
    (team / "scenarios" / "creds.yaml").symlink_to(secret)
    return team


# --- scenario files that are not regular files ----------------------------------------------------------------------
def test_a_link_to_a_secret_is_refused_at_its_path_and_quotes_nothing(linked: Path) -> None:
    result = load_scenarios(Path("scenarios"))
    assert len(result.scenarios) == 14
    assert [str(p) for p in result.problems] == [f"scenarios/creds.yaml:0:0: error: {LINK_REFUSED}"]


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda entry, outside: entry.symlink_to(outside / "nothing-here"), "a symbolic link"),
        (lambda entry, outside: entry.symlink_to(outside), "a symbolic link"),
        (lambda entry, outside: entry.symlink_to(DEMO_SCENARIOS / f"{CHRISTMAS}.yaml"), "a symbolic link"),
        (lambda entry, outside: os.mkfifo(entry), "a FIFO (named pipe)"),
        (lambda entry, outside: entry.mkdir(), "a folder"),
    ],
    ids=["dangling link", "link to a folder", "link to a valid scenario", "FIFO", "folder"],
)
def test_every_entry_that_is_not_a_regular_file_is_listed_and_refused(tmp_path: Path, make: Make, kind: str) -> None:
    """Before, only is_file() entries were listed: a dangling link or a FIFO was skipped without a word."""
    folder = tmp_path / "scenarios"
    shutil.copytree(DEMO_SCENARIOS, folder)
    entry = folder / "odd.yaml"
    make(entry, tmp_path)
    assert entry in scenario_paths(folder)
    result = load_scenarios(folder)
    assert len(result.scenarios) == 14
    assert [(p.path.endswith("odd.yaml"), p.message) for p in result.problems] == [
        (
            True,
            f"not read: it is {kind}, and the tracker reads only regular files (it never follows links); "
            "keep each scenario as a regular file in the scenario folder",
        )
    ]


def test_a_scenario_file_named_on_the_command_line_is_not_followed_either(linked: Path) -> None:
    """pre-commit passes the names of committed files, links included."""
    result = load_scenarios([Path("scenarios/creds.yaml")])
    assert [str(p) for p in result.problems] == [f"scenarios/creds.yaml:0:0: error: {LINK_REFUSED}"]


def test_a_file_reached_through_a_linked_sub_folder_is_outside_its_folder(linked: Path, secret: Path) -> None:
    (secret.parent / "x.yaml").write_text(f"{TOKEN}\n", encoding="utf-8")
    (linked / "scenarios" / "sub").symlink_to(secret.parent)
    scenario, problems, doc = load_scenario_file(Path("scenarios/sub/x.yaml"), "scenarios/sub/x.yaml", folder=Path("scenarios"))
    assert (scenario, doc) == (None, None)
    assert [p.message for p in problems] == [
        "not read: it is outside its folder; keep each scenario as a regular file in the scenario folder"
    ]
    assert "sub" not in {p.name for p in scenario_paths(Path("scenarios"))}  # never descended into


def test_the_configured_scenario_folder_may_itself_be_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").symlink_to(DEMO_SCENARIOS)
    result = load_scenarios(tmp_path / "elsewhere")
    assert len(result.scenarios) == 14 and not result.problems


# --- no command shows the token -------------------------------------------------------------------------------------
COMMANDS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["validate", "--format", "github"],
    ["validate", "scenarios/"],
    ["validate", "scenarios/creds.yaml", "data/events.csv"],
    ["validate", "--format", "github", "scenarios/creds.yaml"],
    ["status", "--as-of", "2022-03-01"],
    ["status", "--as-of", "2022-03-01", "--format", "json"],
    ["status", "--as-of", "2022-03-01", "--basis", "known"],
    ["test"],
    ["test", "--format", "json"],
    ["test", "--format", "github"],
    ["test", "scenarios/creds.yaml"],
    ["since", "2021-12-01", "--until", "2022-03-01"],
    ["since", "2021-12-01", "--until", "2022-03-01", "--format", "json"],
    ["calendar", "--out", "-", "--as-of", "2021-12-01"],
    ["brief", "--out", "brief.html", "--as-of", "2022-03-01", "--since", "2021-12-01"],
    ["history", "creds"],
    ["history", "scenarios/creds.yaml"],
    ["diff", "HEAD"],
]


def _output(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main(args)
    captured = capsys.readouterr()
    written = Path("brief.html").read_text(encoding="utf-8") if Path("brief.html").exists() else ""
    return captured.out + captured.err + written


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_command_shows_what_a_link_points_to(linked: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    output = _output(args, capsys)
    assert TOKEN not in output and "ghp_" not in output and "internal error" not in output
    if args[0] == "validate" or args[:2] == ["test", "scenarios/creds.yaml"]:
        assert "creds.yaml" in output and "not read: it is a symbolic link" in output


# --- scenario files committed to git as links -----------------------------------------------------------------------
@pytest.fixture
def committed_link(repo: ScratchRepo, secret: Path) -> ScratchRepo:
    """A repository with the demo, then a commit that adds scenarios/creds.yaml as a link to the token."""
    shutil.copytree(DEMO_SCENARIOS, repo.root / "scenarios")
    (repo.root / "data").mkdir()
    shutil.copy(DEMO_EVENTS, repo.root / "data" / "events.csv")
    repo.commit("The demo", date="2021-11-01T09:00:00+00:00")
    (repo.root / "scenarios" / "creds.yaml").symlink_to(secret)
    repo.commit("Add a link", date="2021-12-01T09:00:00+00:00")
    return repo


def test_a_link_in_a_commit_is_refused_not_parsed_as_its_targets_path(committed_link: ScratchRepo, secret: Path) -> None:
    """git stores a link as a blob holding the target's path: before, it was read as a scenario file holding that text."""
    diff = diff_revisions(Path("scenarios"), Path("data/events.csv"), "HEAD~1", "HEAD", MARCH_2022)
    refused = [str(p) for p in diff.problems]
    assert len(refused) == 1 and refused[0].endswith(
        "creds.yaml:0:0: error: not read: it is a symbolic link in git, and the tracker reads only regular files "
        "(it never follows links); commit the file itself"
    )
    assert str(secret) not in json.dumps(diff.to_json())
    known = scenarios_known_at(Path("scenarios"), MARCH_2022)
    assert known.commit is not None and len(known.scenarios.scenarios) == 14

    history = scenario_history(Path("scenarios/creds.yaml"))
    assert [r.kind for r in history.revisions] == ["added"]
    assert [p.message for p in history.revisions[0].problems] == [
        "not read: it is a symbolic link in git, and the tracker reads only regular files (it never follows links); commit the file itself"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "HEAD~1"],
        ["diff", "HEAD~1", "HEAD", "--format", "json"],
        ["history", "scenarios/creds.yaml"],
        ["history", "scenarios/creds.yaml", "--format", "json"],
        ["status", "--basis", "known", "--as-of", "2022-03-01"],
        ["since", "2021-11-15", "--until", "2022-03-01"],
    ],
    ids=" ".join,
)
def test_no_git_command_shows_what_a_committed_link_points_to(
    committed_link: ScratchRepo, secret: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    output = _output(args, capsys)
    assert TOKEN not in output and str(secret) not in output and "internal error" not in output


# --- messages quote a short, escaped excerpt ------------------------------------------------------------------------
def _messages(text: str) -> list[str]:
    return [p.message for p in load_scenario_text(text, "s", "s.yaml")[1]]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('"\\e[2J' + "x" * 500 + '"\n', "a scenario file must be a mapping of fields (id, title, ...); this one is '\\x1b[2Jxxx"),
        (
            'id: "Bad\\aId'
            + "x" * 500
            + '"\ntitle: T\nopened: 2021-12-01\ndeadline: 2021-12-31\nresponse: {title: R, match: {tags: [x]}}\n',
            "id: 'Bad\\x07Idxxx",
        ),
        ('"k\\a' + "x" * 500 + '": 1\n', "'k\\x07xxx"),
        ("a: 1\n" + "b" * 500 + ": 1\n" + "b" * 500 + ": 2\n", "duplicate key 'bbb"),
        ("warn_within: [" + "x" * 500 + "]\n", "warn_within: expected a duration"),
    ],
    ids=["top level", "pydantic input", "unknown key", "yaml: duplicate key", "list value"],
)
def test_a_long_value_with_control_characters_is_quoted_short_and_escaped(text: str, start: str) -> None:
    messages = [m for m in _messages(text) if m.startswith(start)]
    assert messages, _messages(text)
    for message in messages:
        assert "x" * (EXCERPT_CHARS + 1) not in message and "b" * (EXCERPT_CHARS + 1) not in message
        assert message.isprintable()  # \x07, \x1b reach no terminal, log or page


def test_a_tag_that_decodes_to_control_characters_is_escaped() -> None:
    assert _messages("a: !<tag:%07%0A> b\n") == ["explicit tags ('tag:\\x07\\n') are not allowed in scenario files"]


# --- one control character in one file -----------------------------------------------------------------------------
@pytest.fixture(params=["\x07", "\x00"], ids=["BEL", "NUL"])
def control_character(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of the demo (pointed at by the environment) whose Christmas scenario holds a control character in its title."""
    scenarios = tmp_path / "scenarios"
    shutil.copytree(DEMO_SCENARIOS, scenarios)
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    path = scenarios / f"{CHRISTMAS}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Joint", f"title: Jo{request.param}int", 1), encoding="utf-8")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(scenarios))
    monkeypatch.setenv("TRACKER_EVENTS", str(tmp_path / "events.csv"))
    monkeypatch.chdir(tmp_path)
    return request.param


def _title_line() -> int:
    lines = (DEMO_SCENARIOS / f"{CHRISTMAS}.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith("title: Joint"))


@pytest.mark.parametrize(
    "args", [["validate"], ["validate", "--format", "json"], ["status", "--as-of", "2022-03-01"], ["test"]], ids=" ".join
)
def test_one_control_character_breaks_only_its_file_on_the_command_line(
    control_character: str, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(args)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert control_character not in output
    if args[0] == "status":
        rows = [line for line in output.splitlines() if ".yaml:" not in line]
        assert any("eu-economic-sanctions-renewal" in row for row in rows) and not any(CHRISTMAS in row for row in rows)
    else:
        assert f"{CHRISTMAS}.yaml" in output and "is not allowed in a scenario file" in output
        where = f'"line": {_title_line()}' if "json" in args else f"{CHRISTMAS}.yaml:{_title_line()}:10:"
        assert where in output


PAGES: list[tuple[str | None, dict[str, str]]] = [
    (None, {"as_of": "2022-03-01"}),
    ("timeline", {"as_of": "2022-03-01"}),
    ("scenario", {"as_of": "2022-03-01", "scenario": "eu-economic-sanctions-renewal"}),
    ("events", {"as_of": "2022-03-01"}),
    ("changes", {"as_of": "2022-03-01"}),
    ("health", {"as_of": "2022-03-01"}),
    ("since", {"as_of": "2022-03-01", "since": "2021-12-01"}),
    (None, {"as_of": "2022-03-01", "mode": "present"}),
]
PAGE_IDS = ["board", "timeline", "scenario", "events", "changes", "health", "since", "present"]


def _everything_shown(at: AppTest) -> str:
    """Every element's content as Streamlit sends it (markdown, captions, alerts, code, tables, charts, labels ...)."""

    def walk(node: Any) -> Iterator[str]:
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield str(proto)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(walk(at._tree))


@pytest.mark.parametrize(("page", "params"), PAGES, ids=PAGE_IDS)
def test_one_control_character_breaks_only_its_file_on_every_page(control_character: str, page: str | None, params: dict[str, str]) -> None:
    at = run(params, page)
    shown = _everything_shown(at)
    assert control_character not in shown
    if page is None and "mode" not in params:
        assert board_statuses(at) == {k: v for k, v in expected("2022-03-01", upcoming=False).items() if k != CHRISTMAS}
    if page == "health":
        where = at.dataframe[0].value["Where"].tolist()
        assert any(w.endswith(f"{CHRISTMAS}.yaml:{_title_line()}:10") for w in where)


# --- no page shows the token ----------------------------------------------------------------------------------------
@pytest.fixture
def linked_for_the_app(linked: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_SCENARIOS", str(linked / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(linked / "data" / "events.csv"))
    return linked


@pytest.mark.parametrize(("page", "params"), PAGES, ids=PAGE_IDS)
def test_no_page_shows_what_a_link_points_to(linked_for_the_app: Path, page: str | None, params: dict[str, str]) -> None:
    at = run(params, page)
    assert TOKEN_BODY not in _everything_shown(at)
    if page == "health":
        problems = at.dataframe[0].value
        assert any(w.endswith("creds.yaml:0:0") for w in problems["Where"])
        assert LINK_REFUSED in problems["Problem"].tolist()


@pytest.mark.parametrize(
    ("page", "params"),
    [("changes", {"as_of": "2022-03-01"}), (None, {"as_of": "2022-03-01", "basis": "known"})],
    ids=["changes", "board as known"],
)
def test_no_git_backed_page_shows_what_a_committed_link_points_to(
    committed_link: ScratchRepo, secret: Path, monkeypatch: pytest.MonkeyPatch, page: str | None, params: dict[str, str]
) -> None:
    monkeypatch.setenv("TRACKER_SCENARIOS", str(committed_link.root / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(committed_link.root / "data" / "events.csv"))
    shown = _everything_shown(run(params, page))
    assert TOKEN_BODY not in shown and secret.name not in shown


# --- tracker new writes through no link -----------------------------------------------------------------------------
def _new(folder: Path, title: str = "The EU adopts a package by June") -> tuple[Path, list[str]]:
    return new_scenario(
        folder, title=title, deadline=dt.date(2026, 6, 30), opened=dt.date(2026, 1, 1), trigger_kind="unless", match={"tags": ["x"]}
    )


def test_tracker_new_does_not_write_the_schema_through_a_dangling_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    victim = tmp_path / "elsewhere.json"
    (folder / SCHEMA_FILE).symlink_to(victim)
    path, notes = _new(folder)
    assert path.is_file() and not victim.exists()
    assert notes == [
        "did not write scenarios/scenario.schema.json: it is a symbolic link to nothing, and tracker new never writes through "
        "a link; remove the link, and the next tracker new writes the schema for editors"
    ]


def test_tracker_new_does_not_write_a_scenario_through_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    victim = tmp_path / "elsewhere.yaml"
    (folder / "the-eu-adopts-a-package-by-june.yaml").symlink_to(victim)
    assert main(["new", "The EU adopts a package by June", "--deadline", "2026-06-30", "--opened", "2026-01-01", "--dir", "scenarios"]) == 1
    assert not victim.exists()


def test_tracker_new_says_a_link_is_in_the_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "the-eu-adopts-a-package-by-june.yml").symlink_to(tmp_path / "elsewhere.yaml")
    main(["new", "The EU adopts a package by June", "--deadline", "2026-06-30", "--opened", "2026-01-01", "--dir", "scenarios"])
    assert capsys.readouterr().err == (
        "tracker: scenarios/the-eu-adopts-a-package-by-june.yml is a symbolic link, and tracker new never writes through a link; "
        "remove it, or choose another id with --id\n"
    )


# --- saved import mappings ------------------------------------------------------------------------------------------
@pytest.fixture
def mappings(linked: Path) -> Path:
    folder = mappings_folder(linked / "data" / "events.csv")
    folder.mkdir()
    return folder


def test_a_saved_mapping_that_is_a_link_is_refused_and_quotes_nothing(mappings: Path, secret: Path) -> None:
    secret.write_text(json.dumps({"columns": TOKEN}), encoding="utf-8")  # read, it would be echoed as the wrong value
    (mappings / "acled.json").symlink_to(secret)
    assert saved_mappings(mappings) == ["acled"]  # listed, so that choosing it says why it is not read
    with pytest.raises(MappingError) as caught:
        load_mapping(mappings, "acled")
    assert str(caught.value) == (
        "data/import-mappings/acled.json: not read: it is a symbolic link, and the tracker reads only regular files "
        "(it never follows links); save the mapping again from the import"
    )


def test_a_mapping_folder_that_leads_outside_the_data_folder_is_not_read(linked: Path, secret: Path) -> None:
    (secret.parent / "acled.json").write_text(json.dumps({"columns": TOKEN}), encoding="utf-8")
    folder = linked / "data" / "import-mappings"
    folder.symlink_to(secret.parent)
    with pytest.raises(MappingError) as caught:
        load_mapping(folder, "acled")
    assert TOKEN not in str(caught.value) and "not read: it is outside its folder" in str(caught.value)
    with pytest.raises(MappingError, match="import-mappings is a symbolic link; mappings are saved only in a folder of their own"):
        save_mapping(folder, "gdelt", ImportMapping({"title": "x"}))
    assert not (secret.parent / "gdelt.json").exists()


def test_a_long_value_in_a_mapping_file_is_quoted_short(mappings: Path) -> None:
    (mappings / "long.json").write_text(json.dumps({"columns": {"title": 3}, "Date\u0007" + "x" * 500: 1}), encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(mappings, "long")
    assert "x" * (EXCERPT_CHARS + 1) not in str(caught.value) and "\\x07" in str(caught.value) and "\x07" not in str(caught.value)


@pytest.mark.parametrize("name", ["acled\n", "acled\r", "ac\x07led", "../acled", "acled/x", "a" * 65])
def test_a_mapping_name_must_be_one_short_plain_word(mappings: Path, name: str) -> None:
    """Before, a name with a trailing line break passed (the pattern's `$` matches before it) and named the file so."""
    with pytest.raises(MappingError) as caught:
        save_mapping(mappings, name, ImportMapping({"title": "x"}))
    assert str(caught.value).startswith(f"--mapping {name[:EXCERPT_CHARS]!r}")
    assert os.listdir(mappings) == []


def test_only_usable_mapping_names_are_offered(mappings: Path) -> None:
    for name in ("acled", "acled\n", "Big Export", ".hidden"):
        (mappings / f"{name}.json").write_text('{"columns": {}}', encoding="utf-8")
    assert saved_mappings(mappings) == ["acled"]


def test_tracker_import_does_not_show_a_linked_mapping(
    mappings: Path, secret: Path, linked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret.write_text(json.dumps({"columns": TOKEN}), encoding="utf-8")
    (mappings / "acled.json").symlink_to(secret)
    (linked / "export.csv").write_text("date,what\n2022-01-01,x\n", encoding="utf-8")
    assert main(["import", "export.csv", "--mapping", "acled", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert TOKEN not in err and "not read: it is a symbolic link" in err
