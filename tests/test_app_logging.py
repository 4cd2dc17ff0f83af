"""Logging, correcting, retracting and importing events from the dashboard, through Streamlit's AppTest.

Each test writes to a scratch copy of the demo data (TRACKER_SCENARIOS / TRACKER_EVENTS) and
reads the secrets from a scratch file, so the repository's own files are never touched.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitAuthError
from streamlit.testing.v1 import AppTest

import components.writing
from components.event_form import occurred_text, split_occurred
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY, ROOT
from tests.exports import ACLED_MAP, write_acled
from tests.markdown import shown
from tracker.engine.status import assess_all
from tracker.log.drafts import correction_draft
from tracker.log.drafts import submit as submit_drafts
from tracker.log.importer import ImportMapping, parse_map_options, save_mapping
from tracker.log.reader import load_events
from tracker.log.writer import append_rows
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import parse_instant

APP = str(ROOT / "app.py")
CHRISTMAS = "joint-sanctions-christmas-2021"
FIRST_TRANCHE = "2022-02-22-us-first-tranche-sanctions"
RENEWAL = "2022-01-13-eu-renews-economic-sanctions"
FIELD_ERROR = re.compile(r'class="field-error" role="alert" data-field="([a-z]*)" data-severity="(\w+)"[^>]*>. (.*?)</div>')
IMPACT = re.compile(r'class="impact" data-scenario="([a-z0-9-]+)" data-after="([a-z-]+)"')
CHIP = re.compile(r'data-status="([a-z-]+)" data-scenario="([a-z0-9-]+)"')
SOURCE = "Reuters: Russia says troops return to bases <https://example.org/russia-pullback>"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the demo data, and a secrets file of the test's own (absent unless written)."""
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    shutil.copy(DEMO_VOCABULARY, tmp_path / "vocabulary.yaml")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(tmp_path / "events.csv"))
    monkeypatch.delenv("TRACKER_WRITE", raising=False)
    # The app reads its settings through st.secrets: point Streamlit at the test's own file, read afresh.
    monkeypatch.setattr(st_config, "get_option", _secrets_at(tmp_path / "secrets.toml", st_config.get_option))
    st.secrets._reset()
    yield tmp_path
    st.secrets._reset()


def _secrets_at(path: Path, get_option: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda key: [str(path)] if key == "secrets.files" else get_option(key)


@pytest.fixture
def writable(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_WRITE", "1")
    return scratch


def open_app(page: str = "events", params: dict[str, str] | None = None, user: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if user is not None:
        at.user = user
    at.run()
    if page != "board":
        at.switch_page(f"components/pages/{page}.py").run()
    assert_fine(at)
    return at


def assert_fine(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def page_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def page_words(at: AppTest) -> str:
    """What the page's Markdown reads as (user text in it is escaped: tests.markdown)."""
    return "\n".join(shown(m.value) for m in at.markdown)


def field_errors(at: AppTest) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, _, message in FIELD_ERROR.findall(page_text(at)):
        found.setdefault(field, []).append(html.unescape(message))
    return found


def impacts(at: AppTest) -> list[tuple[str, str]]:
    return IMPACT.findall(page_text(at))


def submit(at: AppTest, form: str) -> AppTest:
    button = next(b for b in at.button if b.key.startswith(f"FormSubmitter:{form}:"))
    button.click().run()
    assert_fine(at)
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert_fine(at)
    return at


def fill(at: AppTest, form: str = "log", gen: int = 0, **values: Any) -> None:
    for name, value in values.items():
        key = f"{form}:{gen}:{name}"
        if name in ("actors", "targets", "tags"):
            at.multiselect(key=key).set_value(value)
        elif name == "day":
            at.date_input(key=key).set_value(value)
        elif name == "time":
            at.time_input(key=key).set_value(value)
        elif name in ("zone", "kind"):
            at.selectbox(key=key).set_value(value)
        elif name == "notes":
            at.text_area(key=key).set_value(value)
        else:
            at.text_input(key=key).set_value(value)


def data_rows(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()[1:] if line]


def statuses(scratch: Path, as_of: str) -> dict[str, str]:
    scenarios, log = load_scenarios(scratch / "scenarios"), load_events(scratch / "events.csv")
    return {a.scenario.id: a.status.value for a in assess_all(scenarios.scenarios, log, parse_instant(as_of))}


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def has_submit(at: AppTest, form: str) -> bool:
    return any(b.key.startswith(f"FormSubmitter:{form}:") for b in at.button)


def de_escalation(at: AppTest) -> None:
    fill(at, title="Russia pulls troops back from the Ukrainian border", actors=["Russia"], tags=["de-escalation"], source=SOURCE)


# --- who may write ---------------------------------------------------------------------------
def test_read_only_by_default_says_how_to_enable_writing(scratch: Path) -> None:
    before = (scratch / "events.csv").read_bytes()
    at = open_app()
    assert not has_submit(at, "log")
    note = page_words(at)
    assert "Read-only: you cannot log events here." in note
    assert "to allow logging, set TRACKER_WRITE=1 or write = true under [tracker] in .streamlit/secrets.toml" in note
    assert "Read-only: you cannot import events here." in note
    at = open_app("scenario", {"scenario": CHRISTMAS})
    assert not has_submit(at, f"log-{CHRISTMAS}")
    assert "Read-only: you cannot log events here." in page_text(at)
    assert (scratch / "events.csv").read_bytes() == before


def test_writing_is_enabled_by_the_environment(writable: Path) -> None:
    at = open_app()
    assert has_submit(at, "log")
    assert "Read-only" not in page_text(at)


def test_writing_is_enabled_by_the_secrets_file(scratch: Path) -> None:
    (scratch / "secrets.toml").write_text("[tracker]\nwrite = true\n", encoding="utf-8")
    assert has_submit(open_app(), "log")


def test_a_broken_secrets_file_leaves_the_log_read_only_and_says_why(scratch: Path) -> None:
    (scratch / "secrets.toml").write_text("[tracker\nwrite = true\n", encoding="utf-8")
    at = open_app()
    assert not has_submit(at, "log")
    assert "secrets.toml: not valid TOML" in page_words(at)


def test_a_bad_switch_value_is_named(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_WRITE", "sure")
    at = open_app()
    assert not has_submit(at, "log")
    assert "TRACKER_WRITE='sure' is not one of 1, 0, true, false, yes, no, on, off; the event log is read-only." in page_words(at)


def test_presenter_mode_is_read_only_even_when_writing_is_on(writable: Path) -> None:
    at = open_app("events", {"mode": "present"})
    assert not has_submit(at, "log")
    assert not at.text_input and not at.file_uploader  # slides only: no form, no import
    assert not any(b.label.startswith("Sign in") for b in at.button)
    slide = open_app("scenario", {"mode": "present", "scenario": CHRISTMAS})
    assert not [e for e in slide.expander if e.label == "Log an event for this scenario"]


AUTH = """
[tracker]
write = true
editors = ["ana@example.org"]

[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "not-a-real-secret"
client_id = "dashboard"
client_secret = "not-a-real-secret"
server_metadata_url = "https://login.example.org/.well-known/openid-configuration"
"""


def test_with_sign_in_configured_a_signed_out_user_gets_a_sign_in_button(scratch: Path) -> None:
    (scratch / "secrets.toml").write_text(AUTH, encoding="utf-8")
    at = open_app(user={"is_logged_in": False})
    assert not has_submit(at, "log")
    assert "Sign in to log events; only the listed editors may write." in page_words(at)
    assert any(b.label == "Sign in to log events" for b in at.button)


def test_the_sign_in_button_starts_the_configured_provider_and_a_failure_is_a_message(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    named = AUTH.replace('client_id = "dashboard"', '[auth.google]\nclient_id = "dashboard"')
    (scratch / "secrets.toml").write_text(named, encoding="utf-8")
    asked: list[str | None] = []

    def login(provider: str | None = None) -> None:
        asked.append(provider)
        raise StreamlitAuthError("Authentication requires Authlib>=1.3.2.")

    monkeypatch.setattr(components.writing.st, "login", login)
    at = open_app(user={"is_logged_in": False})
    button = next(b for b in at.button if b.label == "Sign in with google to log events")
    button.click().run()
    assert_fine(at)
    assert asked == ["google"]
    assert [shown(e.value) for e in at.error] == ["Sign-in is not working: Authentication requires Authlib>=1.3.2."]


def test_with_sign_in_configured_only_listed_editors_write_and_their_email_is_logged_by(scratch: Path) -> None:
    (scratch / "secrets.toml").write_text(AUTH, encoding="utf-8")
    stranger = open_app(user={"is_logged_in": True, "email": "eve@example.org"})
    assert not has_submit(stranger, "log")
    assert "eve@example.org is not one of the editors listed in secrets.toml;" in page_words(stranger)
    assert not any(b.label.startswith("Sign in") for b in stranger.button)

    at = open_app(params={"as_of": "2021-12-20"}, user={"is_logged_in": True, "email": "Ana@Example.org"})
    assert "Logging as Ana@Example.org (signed in)." in [shown(c.value) for c in at.caption]
    assert not [t for t in at.text_input if t.key == "log:0:by"]  # no name to type: the sign-in says who
    de_escalation(at)
    submit(at, "log")
    click(at, "log-save")
    assert data_rows(scratch / "events.csv")[-1].split(",")[-3] == "Ana@Example.org"


def test_without_sign_in_the_typed_name_is_logged_by(writable: Path) -> None:
    at = open_app(params={"as_of": "2021-12-20"})
    de_escalation(at)
    fill(at, by="Ben Analyst")
    submit(at, "log")
    assert "logged by Ben Analyst" in page_text(at)
    click(at, "log-save")
    assert ",Ben Analyst," in data_rows(writable / "events.csv")[-1]
    assert at.text_input(key="log:1:by").value == "Ben Analyst"  # remembered for the next event


# --- the form: check, preview, save -----------------------------------------------------------
def test_every_field_shows_its_own_error_and_nothing_is_saved(writable: Path) -> None:
    before = (writable / "events.csv").read_bytes()
    at = open_app()
    fill(
        at,
        day=None,
        title="",
        actors=["US;UK"],
        targets=["Russia;Belarus"],
        tags=["sanctions;swift"],
        source="   ",
        notes="first line\nsecond line",
    )
    submit(at, "log")
    errors = field_errors(at)
    assert errors == {
        "occurred": ["occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z"],
        "title": ["title: is empty; say what happened"],
        "actors": ["actors: 'US;UK' contains ';', which separates values; give each value on its own"],
        "targets": ["targets: 'Russia;Belarus' contains ';', which separates values; give each value on its own"],
        "tags": ["tags: 'sanctions;swift' contains ';', which separates values; give each value on its own"],
        "source": ["source: is empty; cite a publisher and title, or a link"],
        "notes": ["notes: contains a line break; write it on one line (the log keeps one event per line so git can merge it)"],
    }
    assert [e.value for e in at.error] == ["Nothing was saved: fix the 7 problems marked in the form, then Check again."]
    assert not [b for b in at.button if b.key == "log-save"]
    assert (writable / "events.csv").read_bytes() == before


def test_a_line_break_in_the_title_is_refused(writable: Path) -> None:
    at = open_app()
    fill(at, title="Two\nlines", source=SOURCE)
    submit(at, "log")
    assert field_errors(at) == {
        "title": ["title: contains a line break; write it on one line (the log keeps one event per line so git can merge it)"]
    }


def test_fixing_the_errors_and_checking_again_clears_them(writable: Path) -> None:
    at = open_app(params={"as_of": "2021-12-20"})
    fill(at, title="", source="")
    submit(at, "log")
    assert set(field_errors(at)) == {"title", "source"}
    de_escalation(at)
    submit(at, "log")
    assert field_errors(at) == {}
    assert [b.label for b in at.button if b.key == "log-save"] == ["Save this event"]


def test_the_preview_comes_before_saving_and_save_appends_exactly_that_row(writable: Path) -> None:
    log = writable / "events.csv"
    before = data_rows(log)
    at = open_app(params={"as_of": "2021-12-20"})
    assert at.date_input(key="log:0:day").value == dt.date(2021, 12, 20)  # replaying: the as-of day
    de_escalation(at)
    submit(at, "log")
    assert data_rows(log) == before, "Check must not write"
    assert impacts(at) == [(CHRISTMAS, "averted"), (CHRISTMAS, "averted")]  # as of 20 Dec, and now
    text = shown(page_text(at))
    assert "this would avert joint-sanctions-christmas-2021 (now due-soon)" in text
    assert "this would avert joint-sanctions-christmas-2021 (now enacted)" in text
    previewed = at.session_state["log:checked"].row["id"]
    assert f"id {previewed}" in text

    click(at, "log-save")
    after = data_rows(log)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    saved = after[-1].split(",")
    assert saved[0] == previewed and saved[1] == "2021-12-20" and saved[5] == "de-escalation"
    assert [s.value for s in at.success] == [f"Saved event `{previewed}`: Russia pulls troops back from the Ukrainian border"]
    assert at.text_input(key="log:1:title").value == ""  # a fresh form
    assert statuses(writable, "2021-12-20")[CHRISTMAS] == "averted"
    table = at.dataframe[0].value
    assert previewed in set(table["id"])  # the page already shows the reloaded log

    at.switch_page("components/pages/board.py").run()
    assert_fine(at)
    assert dict((s, st_) for st_, s in CHIP.findall(page_text(at)))[CHRISTMAS] == "averted"


def test_the_kind_chosen_in_the_form_is_saved_and_decides_what_a_scenario_counts(writable: Path) -> None:
    log = writable / "events.csv"
    at = open_app(params={"as_of": "2021-12-20"})
    assert at.selectbox(key="log:0:kind").value == ""  # not said, until chosen
    fill(at, kind="action")
    de_escalation(at)
    submit(at, "log")
    assert "kind <b>action</b>" in page_text(at)  # the preview shows it
    click(at, "log-save")
    saved = load_events(log)
    assert saved.event(len(saved) - 1).kind == "action"


def test_a_second_save_of_the_same_check_saves_nothing_and_says_so(writable: Path) -> None:
    log = writable / "events.csv"
    count = len(data_rows(log))
    at = open_app(params={"as_of": "2021-12-20"})
    de_escalation(at)
    submit(at, "log")
    checked = at.session_state["log:checked"]
    click(at, "log-save")
    saved = [s.value for s in at.success]
    # A second click from a page drawn before the first save landed: the same checked row again.
    at.session_state["log:checked"] = checked
    at.run()
    click(at, "log-save")
    assert len(data_rows(log)) == count + 1
    assert [s.value for s in at.success] == saved  # the first save's message stays
    # Later, with that message gone, a stale Save says plainly that nothing happened.
    at.session_state["log:checked"] = checked
    del at.session_state["log:saved"]
    at.run()
    click(at, "log-save")
    assert len(data_rows(log)) == count + 1
    [info] = [shown(i.value) for i in at.info if "already" in i.value]
    line, event_id = count + 2, checked.row["id"]
    assert re.fullmatch(rf"This event is already saved \(.*events\.csv line {line}, id {event_id}\); it was not saved twice\.", info)


def test_a_retried_save_whose_row_reached_the_disk_is_not_written_twice(writable: Path) -> None:
    log = writable / "events.csv"
    at = open_app(params={"as_of": "2021-12-20"})
    de_escalation(at)
    submit(at, "log")
    first = at.session_state["log:checked"].row["id"]
    submit(at, "log")  # Check again: the same form saves the same row, under the same id
    checked = at.session_state["log:checked"]
    assert checked.row["id"] == first
    # An earlier Save wrote the row, and its process died before it could say so.
    append_rows(log, [checked.row], now=dt.datetime.now(dt.UTC))
    count = len(data_rows(log))
    click(at, "log-save")
    assert len(data_rows(log)) == count
    [info] = [shown(i.value) for i in at.info if "already" in i.value]
    assert re.fullmatch(rf"This event is already saved \(.*events\.csv line {count + 1}, id {first}\); it was not saved twice\.", info)


def test_save_writes_what_was_checked_not_later_edits(writable: Path) -> None:
    at = open_app(params={"as_of": "2021-12-20"})
    de_escalation(at)
    submit(at, "log")
    fill(at, title="Edited after the check, never checked")  # not submitted: the form keeps it to itself
    click(at, "log-save")
    assert "Russia pulls troops back from the Ukrainian border" in data_rows(writable / "events.csv")[-1]


def test_a_time_and_zone_make_a_datetime_with_its_offset(writable: Path) -> None:
    at = open_app()
    fill(at, day=dt.date(2022, 2, 22), time=dt.time(15, 30), zone="Europe/Brussels", title="EU Council agrees first package", source=SOURCE)
    submit(at, "log")
    assert at.session_state["log:checked"].row["occurred"] == "2022-02-22T15:30+01:00"
    click(at, "log-save")
    assert data_rows(writable / "events.csv")[-1].split(",")[1] == "2022-02-22T15:30+01:00"


@pytest.mark.parametrize(
    "text",
    [
        "2022-02-22",
        "2022-02-22T15:00Z",
        "2022-02-22T15:00:00Z",
        "2022-02-22T15:00+01:00",
        "2022-02-22T15:00+05:30",
        "2022-07-01T09:15:30-04:00",
    ],
)
def test_an_occurred_value_fills_the_form_and_comes_back_the_same(text: str) -> None:
    day, moment, zone_label = split_occurred(text, ZoneInfo("Europe/Brussels"))
    again = occurred_text(day, moment, zone_label)
    if moment is None:
        assert again == text
        return
    assert parse_instant(again) == parse_instant(text)
    offset = "Z" if text.endswith("Z") else text[-6:]
    assert again.endswith(offset)  # the offset it was logged with, not the viewer's


def test_the_form_suggests_values_already_in_use(writable: Path) -> None:
    at = open_app()
    tags = at.multiselect(key="log:0:tags").options
    assert "de-escalation" in tags and "sanctions-package" in tags and "swift" in tags
    assert "Russia" in at.multiselect(key="log:0:actors").options


def test_the_form_suggests_canonical_names(writable: Path) -> None:
    with (writable / "events.csv").open("a", encoding="utf-8") as log:
        log.write("acled-ukr1,2022-02-26,Shelling near Kharkiv,Military Forces of Russia (2000-);RU,Ukraine,,action,Ukrinform,\n")
    actors = open_app().multiselect(key="log:0:actors").options
    assert "Russia" in actors and "E3" in actors, "the groups scenarios match on too"
    assert not {"Military Forces of Russia (2000-)", "RU"} & set(actors), "other spellings are not offered"


def test_the_scenario_page_form_is_prefilled_with_the_scenarios_actors_and_tags(writable: Path) -> None:
    at = open_app("scenario", {"scenario": CHRISTMAS, "as_of": "2021-12-20"})
    scenario = next(s for s in load_scenarios(writable / "scenarios").scenarios if s.id == CHRISTMAS)
    form = f"log-{CHRISTMAS}"
    assert at.multiselect(key=f"{form}:0:actors").value == list(scenario.actors)
    assert at.multiselect(key=f"{form}:0:targets").value == list(scenario.targets)
    assert at.multiselect(key=f"{form}:0:tags").value == list(scenario.tags)
    fill(at, form, actors=["Russia"], targets=[], tags=["de-escalation"], title="Russia withdraws", source=SOURCE)
    submit(at, form)
    assert (CHRISTMAS, "averted") in impacts(at)
    click(at, f"{form}-save")
    assert 'data-status="averted"' in page_text(at)  # the page itself now shows the new status


def test_a_write_failure_is_a_message_and_the_check_is_kept(writable: Path) -> None:
    log = writable / "events.csv"
    at = open_app(params={"as_of": "2021-12-20"})
    de_escalation(at)
    submit(at, "log")
    good = log.read_bytes()
    log.write_bytes(good.replace(b"id,occurred", b"id,occurred,id", 1))  # someone's hand edit broke the header
    click(at, "log-save")
    failures = [shown(e.value) for e in at.error if shown(e.value).startswith("Not saved:")]
    assert len(failures) == 1
    assert "events.csv:1: header repeats column(s) id" in failures[0]
    assert [b.label for b in at.button if b.key == "log-save"] == ["Save this event"]  # to try again once fixed
    log.write_bytes(good)
    click(at, "log-save")
    assert len(data_rows(log)) == good.count(b"\n")


# --- corrections, retractions, history --------------------------------------------------------
def pick(at: AppTest, event_id: str) -> None:
    at.selectbox(key="revise_pick").set_value(event_id).run()
    assert_fine(at)


def test_correcting_an_event_keeps_the_original_and_shows_the_current_version(writable: Path) -> None:
    at = open_app(params={"as_of": "2022-03-01"})
    pick(at, FIRST_TRANCHE)
    form = f"correct-{FIRST_TRANCHE}"
    original_title = at.text_input(key=f"{form}:0:title").value
    assert original_title.startswith("Biden announces a first tranche of sanctions")
    assert at.multiselect(key=f"{form}:0:tags").value == ["sanctions-package"]
    assert at.multiselect(key=f"{form}:0:actors").value == ["US"]
    fill(at, form, title="US announces first tranche of sanctions (corrected)", notes="Title corrected after review.")
    submit(at, form)
    checked = at.session_state[f"{form}:checked"]
    assert checked.row["corrects"] == FIRST_TRANCHE and checked.row["id"] != FIRST_TRANCHE
    assert f"corrects {FIRST_TRANCHE}" in shown(page_text(at))
    click(at, f"{form}-save")
    table = at.dataframe[0].value
    row = table[table["id"] == FIRST_TRANCHE]
    assert row["title"].iloc[0] == "US announces first tranche of sanctions (corrected)"
    assert row["revised"].iloc[0] == "corrected"
    history = frame_with(at, "Version")
    assert list(history["Version"]) == ["Original", "Correction 1"]
    assert list(history["Current"]) == ["", "✔ current"]
    assert history["Title"].iloc[0] == original_title
    assert history["Logged by"].iloc[1] == "anonymous" and history["Logged at"].iloc[1].endswith("Z")
    assert any(line.startswith(FIRST_TRANCHE + ",") for line in data_rows(writable / "events.csv"))  # the original stays


def test_a_correction_someone_saved_first_is_named_and_nothing_is_saved(writable: Path) -> None:
    log = writable / "events.csv"
    at = open_app(params={"as_of": "2022-03-01"})
    pick(at, FIRST_TRANCHE)
    form = f"correct-{FIRST_TRANCHE}"
    fill(at, form, title="US announces first tranche of sanctions (corrected)")
    submit(at, form)
    # Meanwhile a colleague corrects the same event.
    theirs = correction_draft(load_events(log), FIRST_TRANCHE, title="Their correction")
    saved = submit_drafts(log, [theirs], load_events(log), now=dt.datetime.now(dt.UTC), logged_by="ben")
    assert saved.receipt is not None
    count = len(data_rows(log))
    click(at, f"{form}-save")
    assert len(data_rows(log)) == count
    [error] = [shown(e.value) for e in at.error if shown(e.value).startswith("Not saved")]
    winner = saved.receipt.written[0]
    assert re.fullmatch(
        rf"Not saved: the log changed since you checked\. corrects: '{FIRST_TRANCHE}' is no longer the current version of event "
        rf"'{FIRST_TRANCHE}': '{winner}' \(.*events\.csv line {count + 1}\) corrected it since; start again from that version; "
        "nothing was written",
        error,
    )


def test_retracting_needs_a_reason_and_hides_the_event_from_matching(writable: Path) -> None:
    log = writable / "events.csv"
    # In the series' first cycle, which the renewal averted; without it, that cycle is due soon again.
    at = open_app(params={"as_of": "2022-01-30"})
    pick(at, RENEWAL)
    at.segmented_control(key=f"revise-action-{RENEWAL}").set_value("Retract it").run()
    form = f"retract-{RENEWAL}"
    submit(at, form)
    assert field_errors(at) == {"notes": ["reason: is empty; say why the event is retracted"]}
    assert not [b for b in at.button if b.key == f"{form}-save"]
    before = len(data_rows(log))
    fill(at, form, reason="Misdated: the renewal was agreed later")
    submit(at, form)
    assert ("eu-economic-sanctions-renewal", "due-soon") in impacts(at)
    assert "this would put eu-economic-sanctions-renewal back to due-soon (now averted)" in shown(page_text(at))
    click(at, f"{form}-save")
    assert len(data_rows(log)) == before + 1
    assert any(line.startswith(RENEWAL + ",") for line in data_rows(log))  # the original stays in the file
    table = at.dataframe[0].value
    assert RENEWAL not in set(table["id"])
    retracted = frame_with(at, "Reason")
    assert list(retracted["Id"]) == [RENEWAL]
    assert retracted["Reason"].iloc[0] == "Misdated: the renewal was agreed later"
    assert any(s.value.startswith("Saved retraction") for s in at.success)
    assert any(i.value.startswith("This event was retracted (Misdated") for i in at.info)
    assert not has_submit(at, form)  # a retraction cannot be retracted again
    assert list(frame_with(at, "Version")["Version"]) == ["Original", "Retraction"]
    assert statuses(writable, "2022-01-30")["eu-economic-sanctions-renewal"] == "due-soon"


def test_history_is_visible_read_only_without_a_correction_form(scratch: Path) -> None:
    at = open_app(params={"as_of": "2022-03-01"})
    pick(at, FIRST_TRANCHE)
    assert list(frame_with(at, "Version")["Version"]) == ["Original"]
    assert not has_submit(at, f"correct-{FIRST_TRANCHE}")
    assert "Read-only: you cannot correct or retract events here." in page_text(at)


# --- import -----------------------------------------------------------------------------------
def acled_file(tmp: Path, count: int = 12) -> bytes:
    path = tmp / "acled-export.csv"
    write_acled(path, count, {2: {"event_date": "2022-02-30"}, 5: {"source": ""}, 8: {"event_date": "22 February"}})
    return path.read_bytes()


def upload(at: AppTest, name: str, data: bytes, gen: int = 0) -> None:
    at.file_uploader(key=f"import:{gen}:file").upload(name, data, "text/csv").run()
    assert_fine(at)


def test_importing_an_acled_export_reports_bad_rows_by_number_and_appends_the_rest(writable: Path) -> None:
    log = writable / "events.csv"
    before = len(data_rows(log))
    at = open_app()
    upload(at, "acled-export.csv", acled_file(writable))
    # Guessed from ACLED's documented column names, and said so.
    prefix = "import:0:guess"
    assert at.selectbox(key=f"{prefix}:occurred").value == "event_date"
    assert at.selectbox(key=f"{prefix}:id").value == "event_id_cnty"
    assert at.selectbox(key=f"{prefix}:title").value == "notes"
    assert shown(next(c.value for c in at.caption if "looks like" in c.value.lower())).startswith(
        "Looks like an ACLED export: event_id_cnty -> id, event_date -> occurred, notes -> title, {actor1};{assoc_actor_1} -> actors"
    )
    assert not at.error
    planned = at.session_state["import:plan"]
    failed = {issue.row: issue.message for issue in planned.plan.failed}
    assert failed == {
        4: "occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)",
        7: "source: is empty; cite a publisher and title, or a link",
        10: "occurred: '22 February' is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)",
    }
    problems = frame_with(at, "Problem")
    assert list(problems["Row"]) == [4, 7, 10]
    preview = next(d.value for d in at.dataframe if "Row" in d.value.columns and "title" in d.value.columns)
    assert list(preview["Row"])[:3] == [2, 3, 5] and list(preview["id"])[:1] == ["UKR10000"]
    append_button = next(b for b in at.button if b.key == "import:0:append")
    assert append_button.label == "Append 9 events"
    assert len(data_rows(log)) == before, "nothing is written before Append"

    click(at, "import:0:append")
    assert [shown(s.value) for s in at.success] == ["Appended 9 events from acled-export.csv."]
    loaded = load_events(log)
    assert len(data_rows(log)) == before + 9 and not loaded.problems
    assert loaded.has_id("UKR10003") and not loaded.has_id("UKR10002")

    # The same file again: every good row is a duplicate now, and the button has nothing to append.
    upload(at, "acled-export.csv", acled_file(writable), gen=1)
    planned = at.session_state["import:plan"]
    assert planned.plan.rows == [] and len(planned.plan.duplicates) == 9
    assert next(b for b in at.button if b.key == "import:1:append").disabled


def test_an_import_shows_the_values_it_writes_by_their_names_in_the_vocabulary(writable: Path) -> None:
    (writable / "vocabulary.yaml").write_text('aliases:\n  Russia: ["Military Forces of Russia (2000-)"]\n', encoding="utf-8")
    at = open_app()
    upload(at, "acled-export.csv", acled_file(writable))
    at.selectbox(key="import:0:guess:title").set_value("notes").run()
    assert_fine(at)
    plan = at.session_state["import:plan"].plan
    assert [str(r) for r in plan.renamed] == ["Military Forces of Russia (2000-) -> Russia (3 rows)"]
    assert any(e.label == "1 value written by its name in the vocabulary" for e in at.expander)
    renamed = frame_with(at, "Written as")
    assert renamed.to_dict("records") == [{"In the export": "Military Forces of Russia (2000-)", "Written as": "Russia", "Rows": 3}]


def test_a_mapping_is_saved_by_name_and_prefills_the_next_import(writable: Path) -> None:
    at = open_app()
    upload(at, "acled-export.csv", acled_file(writable))
    prefix = "import:0:guess"
    at.selectbox(key=f"{prefix}:title").set_value("notes").run()
    at.text_input(key="import:0:name").set_value("ACLED 2022").run()
    click(at, "import:0:save-mapping")
    assert [shown(e.value) for e in at.error] == ["Mapping name 'ACLED 2022': use lower-case letters, digits, - and _ (e.g. acled)"]
    at.text_input(key="import:0:name").set_value("acled").run()
    click(at, "import:0:save-mapping")
    assert (writable / "import-mappings" / "acled.json").is_file()

    again = open_app()
    upload(again, "acled-export.csv", acled_file(writable))
    assert "saved mapping: acled" in again.selectbox(key="import:0:saved").options
    again.selectbox(key="import:0:saved").set_value("acled").run()
    assert_fine(again)
    assert again.selectbox(key="import:0:acled:title").value == "notes"


def test_a_saved_mapping_with_templates_is_used(writable: Path) -> None:
    save_mapping(writable / "import-mappings", "acled-templates", ImportMapping(parse_map_options(ACLED_MAP)))
    at = open_app()
    upload(at, "acled-export.csv", acled_file(writable))
    at.selectbox(key="import:0:saved").set_value("acled-templates").run()
    assert_fine(at)
    assert at.selectbox(key="import:0:acled-templates:tags").value == "{event_type};{sub_event_type}"
    rows = at.session_state["import:plan"].plan.rows
    assert rows[0]["id"] == "acled-UKR10000" and rows[0]["tags"] == "Protests;Peaceful protest"
    assert rows[0]["notes"].startswith("Kyiv, Kyiv City, Ukraine; fatalities: ")


def test_an_export_with_compact_dates_gets_its_date_format_guessed(writable: Path) -> None:
    data = "GLOBALEVENTID,SQLDATE,Actor1Name,Headline,SOURCEURL\n1,20220222,EU,EU adopts package,https://example.org/1\n"
    at = open_app()
    upload(at, "gdelt.csv", data.encode())
    assert at.text_input(key="import:0:guess:date_format").value == "%Y%m%d"
    assert at.session_state["import:plan"].plan.rows[0]["occurred"] == "2022-02-22"


def test_a_gdelt_export_gets_its_mapping_guessed_and_said(writable: Path) -> None:
    data = (
        "GLOBALEVENTID,SQLDATE,Actor1Name,Actor2Name,EventCode,EventRootCode,SOURCEURL\n"
        "1250000001,20250701,RUSSIA,UKRAINE,190,19,https://example.org/news/shelling\n"
        "1250000002,01 July 2025,EUROPEAN UNION,RUSSIA,163,16,https://example.org/news/embargo\n"
        "1250000003,20250702,EUROPEAN UNION,RUSSIA,163,16,https://example.org/news/embargo-2\n"
    )
    at = open_app()
    upload(at, "gdelt.csv", data.encode())
    said = [shown(c.value) for c in at.caption if "looks like" in c.value.lower()]
    assert said == [
        "Looks like a GDELT 2.0 events export: GLOBALEVENTID -> id, SQLDATE -> occurred, "
        "{Actor1Name} - CAMEO {EventCode} - {Actor2Name} -> title, Actor1Name -> actors, Actor2Name -> targets, "
        "cameo-{EventRootCode} -> tags, SOURCEURL -> source. Change any field below."
    ]
    assert at.selectbox(key="import:0:guess:title").value == "{Actor1Name} - CAMEO {EventCode} - {Actor2Name}"
    assert at.text_input(key="import:0:guess:date_format").value == ""  # two ways of writing dates: none guessed
    problems = frame_with(at, "Problem")
    assert list(problems["Row"]) == [2, 3, 4]
    assert problems["Problem"].iloc[1] == 'SQLDATE "01 July 2025" is not a date in the default format; date format "%d %B %Y" reads it'
    at.text_input(key="import:0:guess:date_format").set_value("%Y%m%d").run()
    assert_fine(at)
    assert list(frame_with(at, "Problem")["Problem"]) == [
        'SQLDATE "01 July 2025" does not match date format "%Y%m%d"; date format "%d %B %Y" reads it'
    ]
    assert [row["id"] for row in at.session_state["import:plan"].plan.rows] == ["1250000001", "1250000003"]


def test_an_event_type_column_is_mapped_to_kind_and_checked(writable: Path) -> None:
    data = (
        "event_date,notes,source,event_type\n"
        "2022-02-22,EU adopts first package,https://example.org/1,Decision\n"
        "2022-02-23,US threatens more,https://example.org/2,thraet\n"
    )
    at = open_app()
    upload(at, "export.csv", data.encode())
    prefix = "import:0:guess"
    kind = at.selectbox(key=f"{prefix}:kind")
    assert kind.value is None or kind.value == "— not mapped —"  # "event_type" is not guessed as the kind
    assert "threat, statement, proposal, decision, in-force, action, report" in (kind.help or "")
    at.selectbox(key=f"{prefix}:title").set_value("notes").run()
    at.selectbox(key=f"{prefix}:kind").set_value("event_type").run()
    assert_fine(at)
    plan = at.session_state["import:plan"].plan
    assert [row["kind"] for row in plan.rows] == ["decision"]
    assert [(i.row, i.message) for i in plan.failed] == [
        (
            3,
            "kind: 'thraet' is not a kind of event; did you mean 'threat'? "
            "(the kinds are threat, statement, proposal, decision, in-force, action, report)",
        )
    ]
    assert list(frame_with(at, "Problem")["Row"]) == [3]
    preview = next(d.value for d in at.dataframe if "Row" in d.value.columns and "title" in d.value.columns)
    assert list(preview["kind"]) == ["decision"]
    click(at, "import:0:append")
    assert [shown(s.value) for s in at.success] == ["Appended 1 event from export.csv."]
    log = load_events(writable / "events.csv")
    frame = log.frame()
    assert not log.problems and list(frame.loc[frame["title"] == "EU adopts first package", "kind"]) == ["decision"]


def test_an_excel_export_is_read(writable: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Headline", "URL"])
    sheet.append([dt.datetime(2022, 2, 22), "EU adopts first package", "https://example.org/eu"])
    buffer = io.BytesIO()
    book.save(buffer)
    at = open_app()
    at.file_uploader(key="import:0:file").upload("events.xlsx", buffer.getvalue(), "application/vnd.ms-excel").run()
    assert_fine(at)
    rows = at.session_state["import:plan"].plan.rows
    assert [(r["occurred"], r["title"], r["source"]) for r in rows] == [("2022-02-22", "EU adopts first package", "https://example.org/eu")]


def test_an_unreadable_upload_is_a_message(writable: Path) -> None:
    at = open_app()
    upload(at, "broken.csv", b"\xff\xfe not text")
    not_text = "broken.csv: row 1 (the header), column 1 (A): not UTF-8 text; save the export as CSV UTF-8"
    assert [shown(e.value) for e in at.error] == [not_text]
    upload(at, "empty.csv", b"\n\n")
    assert [shown(e.value) for e in at.error] == ["empty.csv: the first row should name the columns, but it is empty"]
    # One row that is not UTF-8 fails alone, by its row number; the others are appended.
    upload(at, "latin.csv", "date,title,source\n2022-02-22,Caf\xe9 talks,Le Monde\n2022-02-23,Talks,Reuters\n".encode("latin-1"))
    plan = at.session_state["import:plan"].plan
    assert [(i.row, i.message) for i in plan.failed] == [(2, "column 'title': not UTF-8 text; save the export as CSV UTF-8")]
    assert plan.row_numbers == [3] and list(frame_with(at, "Problem")["Row"]) == [2]


# --- start-up repair --------------------------------------------------------------------------
HALF = "half-written-1,2022-02-2"


def test_a_half_written_last_line_is_repaired_at_start_up_when_writing_is_on(writable: Path) -> None:
    log = writable / "events.csv"
    log.write_bytes(log.read_bytes() + HALF.encode())
    at = open_app("board")
    warning = next(shown(w.value) for w in at.warning if "repaired at start-up" in shown(w.value))
    assert "the last line was half-written (it has no line end)" in warning and "nothing was deleted" in warning
    assert log.read_bytes().endswith(b"\n") and HALF not in log.read_text()
    quarantined = list(writable.glob("events.csv.partial-*"))
    assert len(quarantined) == 1 and quarantined[0].read_text() == HALF
    at.switch_page("components/pages/health.py").run()
    assert any("repaired at start-up" in w.value for w in at.warning)
    assert any("No problems" in s.value for s in at.success)


def test_a_half_written_last_line_is_reported_with_how_to_repair_when_read_only(scratch: Path) -> None:
    log = scratch / "events.csv"
    data = log.read_bytes() + HALF.encode()
    log.write_bytes(data)
    at = open_app("board")
    warning = next(shown(w.value) for w in at.warning if "half-written last line" in shown(w.value))
    assert "python -m tracker repair" in warning
    assert log.read_bytes() == data  # read-only: nothing changed
