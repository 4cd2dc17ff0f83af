"""Logging events in real headless Chromium: the form changes a scenario's status on the Board, two sessions lose nothing.

Every test writes to a scratch copy of the demo data, with writing enabled by TRACKER_WRITE=1.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import AppServer, assert_no_exception, screenshot, wait_until_idle
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY
from tracker.log.reader import load_events

CHRISTMAS = "joint-sanctions-christmas-2021"
TALL = 2300  # Streamlit scrolls inside the page, so screenshots show the viewport: make it hold the form and its preview


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[AppServer, Path]]:
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    shutil.copy(DEMO_VOCABULARY, tmp_path / "vocabulary.yaml")
    server = AppServer(
        {"TRACKER_SCENARIOS": str(tmp_path / "scenarios"), "TRACKER_EVENTS": str(tmp_path / "events.csv"), "TRACKER_WRITE": "1"}
    )
    yield server, tmp_path / "events.csv"
    server.stop()


def rows(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines()[1:] if line]


def choose(page: object, key: str, value: str, *, multi: bool = True) -> None:
    """Pick (or add) a value in a multiselect (which stays open: close it) or a selectbox that accepts new options."""
    box = page.locator(f".st-key-{key} input")  # type: ignore[attr-defined]
    option = page.get_by_role("option").filter(has_text=value).first  # type: ignore[attr-defined]
    chosen = page.locator(f".st-key-{key} span[data-tag] span[title]").get_by_text(value, exact=True)  # type: ignore[attr-defined]
    # A rerun elsewhere on the page can close the dropdown while we type: try again, at most three times,
    # until the value is really chosen.
    for attempt in range(3):
        box.click()
        box.fill(value)
        try:
            option.wait_for(timeout=30_000)
            option.click()
            if multi:
                chosen.wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")  # type: ignore[attr-defined]
    if multi:
        page.keyboard.press("Escape")  # type: ignore[attr-defined]


def fill_event(page: object, form: str, title: str, *, actors: list[str], tags: list[str], source: str) -> None:
    page.locator(f".st-key-{form}-title input").fill(title)  # type: ignore[attr-defined]
    for actor in actors:
        choose(page, f"{form}-actors", actor)
    for tag in tags:
        choose(page, f"{form}-tags", tag)
    page.locator(f".st-key-{form}-source input").fill(source)  # type: ignore[attr-defined]


def press(page: object, name: str) -> None:
    page.get_by_role("button", name=name).click()  # type: ignore[attr-defined]
    wait_until_idle(page)


def board_status(page: object, scenario: str) -> str:
    return str(page.locator(f".status-chip[data-scenario='{scenario}']").inner_text().strip())  # type: ignore[attr-defined]


def test_logging_an_event_averts_the_scenario_on_the_board(writable: tuple[AppServer, Path], open_page: Callable[..., object]) -> None:
    server, log = writable
    before = rows(log)
    board = open_page(f"{server.url}/?as_of=2021-12-20")
    assert board_status(board, CHRISTMAS).endswith("Due soon")

    page = open_page(f"{server.url}/events?as_of=2021-12-20", height=TALL)
    fill_event(
        page,
        "log-0",
        "Russia pulls troops back from the Ukrainian border",
        actors=["Russia"],
        tags=["de-escalation"],
        source="Reuters: Russia says troops return to bases <https://example.org/pullback>",
    )
    screenshot(page, "logging-form-filled")
    press(page, "Check")
    impact = page.locator(f".impact[data-scenario='{CHRISTMAS}'][data-after='averted']").first
    expect(impact).to_be_visible()
    assert "this would avert joint-sanctions-christmas-2021 (now due-soon)" in impact.inner_text()
    assert rows(log) == before, "Check must not write"
    screenshot(page, "logging-preview")

    press(page, "Save this event")
    assert "Saved event" in page.locator("[data-testid='stAlert']").filter(has_text="Saved event").inner_text()
    assert_no_exception(page)
    after = rows(log)
    assert len(after) == len(before) + 1 and ",Russia pulls troops back from the Ukrainian border," in after[-1]

    board.reload()
    wait_until_idle(board)
    assert board_status(board, CHRISTMAS).endswith("Averted")
    assert_no_exception(board)


def test_logging_from_the_scenario_page_enacts_it(writable: tuple[AppServer, Path], open_page: Callable[..., object]) -> None:
    server, log = writable
    page = open_page(f"{server.url}/scenario?scenario={CHRISTMAS}&as_of=2022-01-10", height=TALL)
    assert page.locator(".status-chip").first.inner_text().strip().endswith("Triggered")
    page.get_by_text("Log an event for this scenario").click()
    form = f"log-{CHRISTMAS}-0"
    # Pre-filled with the scenario's actors and tags: add the response's tag, then say what happened.
    chosen = page.locator(f".st-key-{form}-actors span[data-tag] span[title]")
    expect(chosen).to_have_text(["US", "EU", "UK"])
    fill_event(
        page, form, "Allies adopt the joint sanctions package", actors=[], tags=["sanctions-package"], source="Council press release"
    )
    press(page, "Check")
    expect(page.locator(f".impact[data-scenario='{CHRISTMAS}'][data-after='enacted']").first).to_be_visible()
    press(page, "Save this event")
    # Logged on the as-of day, 2022-01-10: within 30 days of the Christmas trigger.
    assert page.locator(".status-chip").first.inner_text().strip().endswith("Enacted · on time")
    assert_no_exception(page)
    board = open_page(f"{server.url}/?as_of=2022-01-10")
    assert board_status(board, CHRISTMAS).endswith("Enacted · on time")
    assert "Allies adopt the joint sanctions package" in rows(log)[-1]


def test_a_live_board_in_another_session_shows_the_new_status_at_its_next_tick(tmp_path: Path, open_page: Callable[..., object]) -> None:
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    shutil.copy(DEMO_VOCABULARY, tmp_path / "vocabulary.yaml")
    env = {"TRACKER_SCENARIOS": str(tmp_path / "scenarios"), "TRACKER_EVENTS": str(tmp_path / "events.csv"), "TRACKER_WRITE": "1"}
    server = AppServer({**env, "TRACKER_TICK_SECONDS": "1"})
    try:
        board = open_page(server.url)  # live: now, long after the Christmas deadline
        assert board_status(board, CHRISTMAS).endswith("Enacted · late")  # the package came on 22 February, due by 24 January
        board.evaluate("window.__marker = 'same document'")  # type: ignore[attr-defined]
        # Another analyst logs, late, a de-escalation that came before the deadline (replaying 20 Dec: the form's date).
        page = open_page(f"{server.url}/events?as_of=2021-12-20", height=TALL)
        fill_event(
            page, "log-0", "Russia pulls back (logged late)", actors=["Russia"], tags=["de-escalation"], source="https://example.org/late"
        )
        press(page, "Check")
        press(page, "Save this event")
        deadline = time.monotonic() + 120  # a state to wait for, with a bound only a hung app reaches
        while not board_status(board, CHRISTMAS).endswith("Averted") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert board_status(board, CHRISTMAS).endswith("Averted"), "the live board did not pick up the new event"
        assert board.evaluate("window.__marker") == "same document", "the board was reloaded"  # type: ignore[attr-defined]
    finally:
        server.stop()


def test_a_double_click_on_save_saves_once(writable: tuple[AppServer, Path], open_page: Callable[..., object]) -> None:
    server, log = writable
    count = len(rows(log))
    page = open_page(f"{server.url}/events", height=TALL)
    fill_event(page, "log-0", "Double-clicked event", actors=["EU"], tags=["test"], source="https://example.org/double")
    press(page, "Check")
    page.get_by_role("button", name="Save this event").dblclick()
    wait_until_idle(page)
    assert_no_exception(page)
    assert len(rows(log)) == count + 1
    assert sum("Double-clicked event" in line for line in rows(log)) == 1


def test_two_sessions_logging_at_the_same_time_lose_nothing(writable: tuple[AppServer, Path], open_page: Callable[..., object]) -> None:
    server, log = writable
    count = len(rows(log))
    sessions = [open_page(f"{server.url}/events", height=TALL) for _ in range(2)]
    titles = []
    for round_ in range(2):
        for n, page in enumerate(sessions):
            title = f"Session {n} event {round_}"
            titles.append(title)
            fill_event(page, f"log-{round_}", title, actors=["EU"], tags=["concurrency"], source=f"https://example.org/{n}/{round_}")
            press(page, "Check")
        # Both Save buttons pressed back to back: the two reruns write at the same time.
        for page in sessions:
            page.get_by_role("button", name="Save this event").click()  # type: ignore[attr-defined]
        for page in sessions:
            wait_until_idle(page)
            assert_no_exception(page)
            assert "Saved event" in page.locator("[data-testid='stAlert']").filter(has_text="Saved event").inner_text()  # type: ignore[attr-defined]
    written = rows(log)
    assert len(written) == count + len(titles)
    for title in titles:
        assert sum(f",{title}," in line for line in written) == 1, title
    loaded = load_events(log)
    assert not loaded.problems and len(loaded) == count + len(titles)


def test_bad_input_shows_each_message_under_its_field(writable: tuple[AppServer, Path], open_page: Callable[..., object]) -> None:
    server, log = writable
    before = log.read_bytes()
    page = open_page(f"{server.url}/events", height=TALL)
    choose(page, "log-0-tags", "sanctions;swift")
    press(page, "Check")
    errors = page.locator(".field-error")
    assert sorted(errors.all_inner_texts()) == [
        "✖ source: is empty; cite a publisher and title, or a link",
        "✖ tags: 'sanctions;swift' contains ';', which separates values; give each value on its own",
        "✖ title: is empty; say what happened",
    ]
    assert page.get_by_role("button", name="Save this event").count() == 0
    assert log.read_bytes() == before
    screenshot(page, "logging-errors")


def test_an_unknown_pasted_id_and_a_correction(writable: tuple[AppServer, Path], open_page: Callable[..., object]) -> None:
    server, log = writable
    page = open_page(f"{server.url}/events?as_of=2022-03-01", height=TALL)
    page.get_by_role("tab", name=re.compile("History, corrections, retractions")).click()
    choose(page, "revise_pick", "no-such-event", multi=False)
    wait_until_idle(page)
    assert page.locator("[data-testid='stAlert']").filter(has_text="There is no event with id no-such-event in the log.").count() == 1
    choose(page, "revise_pick", "2022-02-22-us-first-tranche-sanctions", multi=False)
    wait_until_idle(page)
    form = "correct-2022-02-22-us-first-tranche-sanctions-0"
    page.locator(f".st-key-{form}-title input").fill("Biden announces the first tranche of sanctions (corrected title)")
    press(page, "Check the correction")
    press(page, "Save the correction")
    assert_no_exception(page)
    assert ",Biden announces the first tranche of sanctions (corrected title)," in rows(log)[-1]
    assert page.locator("[data-testid='stAlert']").filter(has_text="Saved correction").count() == 1
    screenshot(page, "logging-history")


def test_importing_a_file_in_the_browser(writable: tuple[AppServer, Path], open_page: Callable[..., object], tmp_path: Path) -> None:
    server, log = writable
    count = len(rows(log))
    export = tmp_path / "colleague.csv"
    export.write_text(
        "date,title,actors,tags,source\n"
        "2022-03-02,UN General Assembly demands Russia withdraw,UN,un-resolution,https://example.org/un\n"
        "2022-02-30,A date that does not exist,UN,test,https://example.org/bad\n"
        "2022-03-03,Third row,EU,test,\n"
        "2022-03-04,Fourth row,EU,test,https://example.org/4\n",
        encoding="utf-8",
    )
    page = open_page(f"{server.url}/events", height=TALL)
    page.get_by_role("tab", name=re.compile("Import a file")).click()
    page.locator(".st-key-import-0-file input[type='file']").set_input_files(str(export))
    wait_until_idle(page)
    assert_no_exception(page)
    text = page.locator(".st-key-event_tools").inner_text()
    assert "2 rows failing the log's rules will not be appended" in text
    screenshot(page, "import-preview")
    press(page, "Append 2 events")
    assert "Appended 2 events from colleague.csv." in page.locator("[data-testid='stAlert']").first.inner_text()
    assert len(rows(log)) == count + 2 and not load_events(log).problems
