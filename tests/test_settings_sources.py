"""One source of settings: who may write is read through st.secrets, from every place Streamlit reads, or the environment.

Each place Streamlit reads secrets from (~/.streamlit/secrets.toml, .streamlit/secrets.toml in the folder the app runs
from, the files the `secrets.files` option names) is tried in turn, against each place of the dashboard that decides
whether a session may write: the log form, the import, corrections and retractions, the Scenario page's form, presenter
mode and the start-up repair. HOME and the working folder are the test's own, so no file of the repository or of the
user running the tests is read or written.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT
from tests.markdown import shown
from tests.test_app_logging import AUTH, open_app

APP = str(ROOT / "app.py")
CHRISTMAS = "joint-sanctions-christmas-2021"
FIRST_TRANCHE = "2022-02-22-us-first-tranche-sanctions"
EDITORS = AUTH  # writing on, one editor, sign-in configured
WRITE = "[tracker]\nwrite = true\n"
HALF = "half-written-1,2022-02-2"
# Where each place is, and how the dashboard names it in its messages (never an absolute path).
PLACES = {"home": "~/.streamlit/secrets.toml", "project": ".streamlit/secrets.toml", "option": "settings/tracker-secrets.toml"}


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the demo data, an empty HOME and an empty working folder; no TRACKER_WRITE."""
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(tmp_path / "events.csv"))
    monkeypatch.delenv("TRACKER_WRITE", raising=False)
    (tmp_path / "home").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "cwd")
    st.secrets._reset()
    yield tmp_path
    st.secrets._reset()


def settle(folders: Path, place: str, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write the settings in one place Streamlit reads."""
    if place == "home":
        path = folders / "home" / ".streamlit" / "secrets.toml"
    elif place == "project":
        path = folders / "cwd" / ".streamlit" / "secrets.toml"
    else:
        path = folders / "cwd" / "settings" / "tracker-secrets.toml"
        monkeypatch.setattr(st_config, "get_option", _option(path, st_config.get_option))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    st.secrets._reset()


def _option(path: Path, get_option: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda key: [str(path)] if key == "secrets.files" else get_option(key)


def text(at: AppTest) -> str:
    """What the page's Markdown reads as (user text in it is escaped: tests.markdown)."""
    return "\n".join(shown(m.value) for m in at.markdown)


def forms(at: AppTest) -> set[str]:
    return {b.key.split(":")[1] for b in at.button if b.key.startswith("FormSubmitter:")}


ANONYMOUS = {"is_logged_in": False}


@pytest.mark.parametrize("place", PLACES)
def test_editors_listed_in_each_place_are_enforced_on_every_form(folders: Path, place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settle(folders, place, EDITORS, monkeypatch)
    events = open_app(params={"as_of": "2022-03-01"}, user=ANONYMOUS)
    assert "log" not in forms(events) and not events.file_uploader
    for action in ("log events", "import events"):
        assert f"Read-only: you cannot {action} here. Sign in to log events; only the listed editors may write." in text(events)
    assert any(b.label == "Sign in to log events" for b in events.button)
    events.selectbox(key="revise_pick").set_value(FIRST_TRANCHE).run()
    assert f"correct-{FIRST_TRANCHE}" not in forms(events)
    assert "Read-only: you cannot correct or retract events here." in text(events)
    scenario = open_app("scenario", {"scenario": CHRISTMAS}, user=ANONYMOUS)
    assert f"log-{CHRISTMAS}" not in forms(scenario)
    assert "Read-only: you cannot log events here." in text(scenario)


@pytest.mark.parametrize("place", PLACES)
def test_a_listed_editor_may_write_and_a_stranger_is_told_where_the_editors_are_listed(
    folders: Path, place: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle(folders, place, EDITORS, monkeypatch)
    ana = open_app(user={"is_logged_in": True, "email": "ana@example.org"})
    assert {"log"} <= forms(ana) and ana.file_uploader
    stranger = open_app(user={"is_logged_in": True, "email": "eve@example.org"})
    assert "log" not in forms(stranger) and not stranger.file_uploader
    assert f"eve@example.org is not one of the editors listed in {PLACES[place]}; the event log is read-only for you." in text(stranger)


@pytest.mark.parametrize("place", PLACES)
def test_writing_turned_on_in_each_place_opens_the_forms_but_not_presenter_mode(
    folders: Path, place: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle(folders, place, WRITE, monkeypatch)
    events = open_app()
    assert "log" in forms(events) and events.file_uploader
    slides = open_app("events", {"mode": "present"})
    assert not forms(slides) and not slides.file_uploader and not slides.text_input


@pytest.mark.parametrize("place", PLACES)
def test_the_start_up_repair_reads_the_same_settings(folders: Path, place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settle(folders, place, WRITE, monkeypatch)
    log = folders / "events.csv"
    log.write_bytes(log.read_bytes() + HALF.encode())
    at = open_app("board")
    assert any("repaired at start-up" in shown(w.value) for w in at.warning)
    assert HALF not in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("place", PLACES)
def test_the_environment_turns_writing_off_whatever_the_file_says(folders: Path, place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settle(folders, place, WRITE, monkeypatch)
    monkeypatch.setenv("TRACKER_WRITE", "0")
    at = open_app()
    assert "log" not in forms(at) and not at.file_uploader
    how = f"to allow logging, set TRACKER_WRITE=1 or write = true under [tracker] in {PLACES[place]}."
    assert how in text(at)


@pytest.mark.parametrize("place", PLACES)
def test_the_environment_turns_writing_on_but_cannot_bypass_the_editors(folders: Path, place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settle(folders, place, EDITORS.replace("write = true", "write = false"), monkeypatch)
    monkeypatch.setenv("TRACKER_WRITE", "1")
    at = open_app(user=ANONYMOUS)
    assert "log" not in forms(at) and not at.file_uploader
    assert "Sign in to log events; only the listed editors may write." in text(at)
    ana = open_app(user={"is_logged_in": True, "email": "ana@example.org"})
    assert "log" in forms(ana)


def test_the_environment_alone_turns_writing_on(folders: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_WRITE", "1")
    at = open_app()
    assert "log" in forms(at) and at.file_uploader


@pytest.mark.parametrize("place", PLACES)
def test_a_broken_file_in_each_place_is_named_without_its_absolute_path(folders: Path, place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settle(folders, place, "[tracker\nwrite = true\n", monkeypatch)
    at = open_app()
    assert "log" not in forms(at)
    assert f"Read-only: you cannot log events here. {PLACES[place]}: not valid TOML (" in text(at)
    assert str(folders) not in text(at)
