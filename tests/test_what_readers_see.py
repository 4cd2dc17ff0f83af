"""Readers see what they need: who logged an event in full only where the session may write (initials elsewhere), and
paths relative to the data folder, never absolute, while the command line keeps them relative to where it runs."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT
from tests.markdown import shown
from tracker import problems
from tracker.cli import main
from tracker.log.access import logged_by_initials
from tracker.problems import data_folder, display_path, paths_shown_from, serve_paths_from, shown_path

APP = str(ROOT / "app.py")
CHRISTMAS = "joint-sanctions-christmas-2021"
FIRST_TRANCHE = "2022-02-22-us-first-tranche-sanctions"
RENEWAL = "2022-01-13-eu-renews-economic-sanctions"
EDITOR = "ana.lopez@example.org"
HALF = "half-written-1,2022-02-2"


@pytest.mark.parametrize(
    ("logged_by", "shown"),
    [
        ("ana.lopez@example.org", "A.L."),
        ("Ana Lopez", "A.L."),
        ("ben@example.org", "B."),
        ("  émile_zola+tracker@example.org ", "É.Z.T."),
        ("=HYPERLINK(1)", "H.1."),
        ("@example.org", "?"),
        ("anonymous", "anonymous"),
        ("", ""),
    ],
)
def test_readers_see_initials(logged_by: str, shown: str) -> None:
    assert logged_by_initials(logged_by) == shown


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """A copy of the demo data with an event logged, one corrected and one retracted by an editor; no secrets file, no
    TRACKER_WRITE."""
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(tmp_path / "events.csv"))
    monkeypatch.delenv("TRACKER_WRITE", raising=False)
    monkeypatch.setattr(st_config, "get_option", lambda key, get=st_config.get_option: [] if key == "secrets.files" else get(key))
    where = ["--events", str(tmp_path / "events.csv"), "--scenarios", str(tmp_path / "scenarios"), "--by", EDITOR]
    logged = ["--occurred", "2022-02-23", "--title", "EU agrees a first package", "--source", "Council press release", "--actors", "EU"]
    assert main(["log", *logged, *where]) == 0
    assert main(["correct", RENEWAL, "--notes", "renewed until 31 July 2022", *where]) == 0
    assert main(["retract", FIRST_TRANCHE, "--reason", "announced, not enacted", *where]) == 0
    capsys.readouterr()
    st.secrets._reset()
    yield tmp_path
    st.secrets._reset()


def open_app(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "board":
        at.switch_page(f"components/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def everything(at: AppTest) -> str:
    """Every text and table cell the page shows."""
    parts = [e.value for kind in ("markdown", "caption", "warning", "error", "info", "success", "code") for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


def test_an_anonymous_reader_sees_initials_everywhere(data: Path) -> None:
    at = open_app("events", {"as_of": "2022-03-01"})
    table = frame_with(at, "logged_by")
    assert set(table["logged_by"]) == {"", "A.L."}
    assert frame_with(at, "Reason")["By"].tolist() == ["A.L."]
    at.selectbox(key="revise_pick").set_value(RENEWAL).run()
    assert frame_with(at, "Version")["Logged by"].tolist() == ["", "A.L."]
    assert EDITOR not in everything(at)


def test_a_session_that_may_write_sees_who_logged_in_full(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_WRITE", "1")
    at = open_app("events", {"as_of": "2022-03-01"})
    assert set(frame_with(at, "logged_by")["logged_by"]) == {"", EDITOR}
    assert frame_with(at, "Reason")["By"].tolist() == [EDITOR]
    at.selectbox(key="revise_pick").set_value(RENEWAL).run()
    assert frame_with(at, "Version")["Logged by"].tolist() == ["", EDITOR]


# --- paths ------------------------------------------------------------------------------------------
def test_a_path_is_shown_from_the_data_folder_else_from_home_else_by_its_name(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert shown_path(tmp_path / "data" / "events.csv", tmp_path) == "data/events.csv"
    assert shown_path(home / ".streamlit" / "secrets.toml", tmp_path / "data", home) == "~/.streamlit/secrets.toml"
    assert shown_path(Path("/etc/tracker/secrets.toml"), tmp_path, home) == "secrets.toml"
    assert shown_path(tmp_path / "..data" / "x.csv", tmp_path) == "..data/x.csv"  # a name starting with dots is inside
    assert data_folder(tmp_path / "scenarios", tmp_path / "data" / "events.csv") == tmp_path
    assert data_folder(tmp_path / "team" / "scenarios", tmp_path / "team" / "events.csv") == tmp_path / "team"


def test_the_command_line_keeps_paths_relative_to_where_it_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    log = tmp_path / "team" / "events.csv"
    assert display_path(log) == "../team/events.csv"
    with paths_shown_from(tmp_path / "team"):
        assert display_path(log) == "events.csv"
    assert display_path(log) == "../team/events.csv"


def test_a_dashboard_server_shows_paths_from_its_data_folder_in_every_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fragment reruns in a thread of its own, outside the page's run, and may load (and cache) the files' problems."""
    monkeypatch.setattr(problems, "_SERVER", problems._Server())
    serve_paths_from(tmp_path / "team")
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(display_path(tmp_path / "team" / "scenarios" / "x.yaml")))
    thread.start()
    thread.join()
    assert seen == ["scenarios/x.yaml"]


def test_pages_show_paths_from_the_data_folder_never_absolute(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "scenarios" / "broken-one.yaml").write_text("id: broken-one\ntitle: Broken\nopened: 2021-12-01\ndeadlne: 2021-12-31\n")
    log = data / "events.csv"
    log.write_bytes(log.read_bytes() + HALF.encode())  # a half-written last line: the start-up banner names the log
    health = open_app("health")
    assert "Scenarios from `scenarios` · events from `events.csv`. Files are re-read when they change." in [c.value for c in health.caption]
    assert "scenarios/broken-one.yaml:4:1" in frame_with(health, "Where")["Where"].tolist()
    assert any("events.csv:" in shown(w.value) and "half-written" in shown(w.value) for w in health.warning)
    scenario = open_app("scenario", {"scenario": CHRISTMAS})
    assert f"File: scenarios/{CHRISTMAS}.yaml" in [shown(e.label) for e in scenario.expander]
    for at in (health, scenario, open_app("board"), open_app("events")):
        assert str(data) not in everything(at)
        assert "/tmp" not in everything(at)
    # The command line, run from elsewhere, keeps naming files from where it runs.
    assert main(["validate", str(data / "scenarios"), str(log)]) == 1
    printed = capsys.readouterr()
    assert f"{os.path.relpath(data / 'scenarios' / 'broken-one.yaml')}:4:1" in printed.out + printed.err
