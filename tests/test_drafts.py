"""Entering events: every field's error in the words the user sees, checked by the loader's own rules."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.log.drafts import (
    SOURCE_EMPTY,
    EventDraft,
    FieldError,
    check_draft,
    check_rows,
    correction_draft,
    current_version,
    draft_for_scenario,
    make_row,
    retraction_draft,
    submit,
)
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.problems import TrackerError
from tracker.scenario.loader import load_scenarios

NOW = dt.datetime(2022, 2, 22, 14, 3, 5, tzinfo=dt.UTC)
GOOD = EventDraft(occurred="2022-02-22", title="EU Council agrees first package", source="Council press release, 23 Feb 2022")
HEADER = "id,occurred,title,actors,targets,tags,source,notes,logged_at,logged_by,corrects,retracts\n"
Write = Callable[[str, str], Path]


def _errors(draft: EventDraft, log: EventLog | None = None) -> list[tuple[str, str]]:
    _, errors = check_draft(draft, log or EventLog.empty(), now=NOW, logged_by="ana")
    return [(e.field, e.message) for e in errors]


def test_a_good_draft_has_no_errors_and_gets_a_fresh_id() -> None:
    row, errors = check_draft(GOOD.replace(actors=(" EU ", "", "EU Council")), EventLog.empty(), now=NOW, logged_by=" ana ")
    assert errors == []
    assert uuid.UUID(row["id"]).version == 7
    assert (row["actors"], row["logged_at"], row["logged_by"]) == ("EU;EU Council", "2022-02-22T14:03:05.000Z", "ana")


@pytest.mark.parametrize(
    ("occurred", "message"),
    [
        ("", "occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z"),
        ("2022-02-30", "occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)"),
        ("22 Feb 2022", "occurred: '22 Feb 2022' is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)"),
        (
            "2022-02-22T15:00",
            "occurred: '2022-02-22T15:00' has no time zone offset; add one, e.g. 2022-02-22T15:00Z or 2022-02-22T15:00+01:00",
        ),
        # A typo for 2026 is refused, not saved to wrap around in the log's 64-bit nanoseconds.
        ("2606-07-11", "occurred: '2606-07-11' is outside the supported dates, 1900-01-01 to 2199-12-31"),
        ("1500-01-01T00:00:00Z", "occurred: '1500-01-01T00:00:00Z' is outside the supported dates, 1900-01-01 to 2199-12-31"),
    ],
)
def test_occurred_errors(occurred: str, message: str) -> None:
    assert _errors(GOOD.replace(occurred=occurred)) == [("occurred", message)]


@pytest.mark.parametrize("occurred", ["2022-02-22", "2022-02-22T15:00:00Z", "2022-02-22T15:00:00+01:00", " 2022-02-22 "])
def test_occurred_accepts_dates_and_datetimes_with_offset(occurred: str) -> None:
    assert _errors(GOOD.replace(occurred=occurred)) == []


def test_title_error() -> None:
    assert _errors(GOOD.replace(title="   ")) == [("title", "title: is empty; say what happened")]


def test_source_is_required_for_new_events() -> None:
    assert _errors(GOOD.replace(source=" ")) == [("source", SOURCE_EMPTY)]
    # All at once, though the loader itself names a missing source only on otherwise valid rows.
    assert _errors(GOOD.replace(title="", source="")) == [("title", "title: is empty; say what happened"), ("source", SOURCE_EMPTY)]


def test_the_source_message_is_the_loaders(write: Write) -> None:
    log = load_events(write("events.csv", HEADER + "a,2022-02-22,A,,,,,,,,,\n"))
    assert [(p.severity, p.message) for p in log.problems] == [("warning", SOURCE_EMPTY)]


@pytest.mark.parametrize("column", ["actors", "targets", "tags"])
def test_a_value_holding_the_separator_is_refused(column: str) -> None:
    assert _errors(GOOD.replace(**{column: ("EU", "US;UK")})) == [
        (column, f"{column}: 'US;UK' contains ';', which separates values; give each value on its own")
    ]


def test_line_breaks_are_refused_so_that_git_can_merge_the_log() -> None:
    assert _errors(GOOD.replace(notes="First paragraph.\n\nSecond.", title="A\r\nB")) == [
        ("title", "title: contains a line break; write it on one line (the log keeps one event per line so git can merge it)"),
        ("notes", "notes: contains a line break; write it on one line (the log keeps one event per line so git can merge it)"),
    ]


def test_a_bare_cr_keeps_every_row_s_problems_on_that_row() -> None:
    """The rows are checked in a scratch CSV where csv.writer leaves a bare CR unquoted and the loader ends a line at
    it: the row split in two, and the later rows' problems landed on the wrong row, or on none (KeyError)."""
    rows = [
        make_row(draft, now=NOW, logged_by="ana")
        for draft in (GOOD.replace(title="A\rB"), GOOD.replace(occurred="2022-13-01"), GOOD.replace(id="x\ry"), GOOD.replace(title="C"))
    ]
    problems = [[(e.field, e.message) for e in errors] for errors in check_rows(rows, EventLog.empty())]
    line_break = "contains a line break; write it on one line (the log keeps one event per line so git can merge it)"
    assert problems == [
        [("title", f"title: {line_break}")],
        [("occurred", "occurred: '2022-13-01' is not a real date (expected YYYY-MM-DD)")],
        [("id", f"id: {line_break}")],
        [],
    ]


def test_an_id_already_in_the_log_is_refused() -> None:
    log = load_events(DEMO_EVENTS)
    assert _errors(GOOD.replace(id="2021-12-07-biden-putin-video-call"), log) == [
        ("id", "id: duplicate event id '2021-12-07-biden-putin-video-call' (already in the event log)")
    ]


def test_references_to_unknown_events_are_refused() -> None:
    assert _errors(GOOD.replace(corrects="nope")) == [("corrects", "corrects: no event with id 'nope' in the event log")]
    assert _errors(GOOD.replace(retracts="nope")) == [("retracts", "retracts: no event with id 'nope' in the event log")]


def test_error_str_is_the_message() -> None:
    assert str(FieldError("title", "title: is empty; say what happened")) == "title: is empty; say what happened"


def test_submit_writes_only_clean_drafts(tmp_path: Path) -> None:
    log_path = tmp_path / "events.csv"
    refused = submit(log_path, [GOOD, GOOD.replace(title="")], EventLog.empty(), now=NOW, logged_by="ana")
    assert not refused.saved and refused.errors[1] == [FieldError("title", "title: is empty; say what happened")]
    assert not log_path.exists()  # nothing written, not even the good one
    saved = submit(log_path, [GOOD], EventLog.empty(), now=NOW, logged_by="ana")
    assert saved.saved and saved.receipt is not None
    assert load_events(log_path).table.column("id").to_pylist() == saved.receipt.written == [saved.rows[0]["id"]]


def test_a_scenario_page_prefills_actors_targets_and_tags() -> None:
    scenario = next(s for s in load_scenarios(DEMO_SCENARIOS).scenarios if s.id == "joint-sanctions-christmas-2021")
    draft = draft_for_scenario(scenario)
    assert (draft.actors, draft.targets, draft.tags, draft.title) == (("US", "EU", "UK"), ("Russia",), ("ukraine", "sanctions"), "")


def _demo_with(tmp_path: Path, rows: str) -> EventLog:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + DEMO_EVENTS.read_text().split("\n", 1)[1] + rows)  # the demo with the new columns
    return load_events(path)


def test_a_correction_starts_from_the_current_version() -> None:
    log = load_events(DEMO_EVENTS)
    draft = correction_draft(log, "2021-12-07-biden-putin-video-call", occurred="2021-12-08")
    assert (draft.occurred, draft.corrects, draft.actors) == ("2021-12-08", "2021-12-07-biden-putin-video-call", ("US", "Russia"))
    assert draft.title.startswith("Biden-Putin video call")
    with pytest.raises(TrackerError, match=r"^no event with id 'nope' in the event log$"):
        correction_draft(log, "nope", title="x")
    with pytest.raises(ValueError, match="cannot change"):
        correction_draft(log, "2021-12-07-biden-putin-video-call", id="x")


def test_a_retraction_keeps_date_and_source_and_records_the_reason(tmp_path: Path) -> None:
    log = load_events(DEMO_EVENTS)
    draft = retraction_draft(log, "2021-12-07-biden-putin-video-call", "The call was on 7 Dec in Washington time only")
    assert draft.retracts == "2021-12-07-biden-putin-video-call"
    assert draft.title.startswith("Retraction of 2021-12-07-biden-putin-video-call: Biden-Putin video call")
    assert (draft.occurred, draft.notes) == ("2021-12-07", "The call was on 7 Dec in Washington time only")
    assert draft.source == "The White House: Readout of President Biden's Video Call with President Vladimir Putin of Russia"
    assert retraction_draft(log, "2021-12-07-biden-putin-video-call", "why", source="Other").source == "Other"
    assert _errors(draft, log) == []
    retracted = _demo_with(tmp_path, "r1,2021-12-07,R,,,,s,why,,,,2021-12-07-biden-putin-video-call\n")
    with pytest.raises(TrackerError, match=r"^event '2021-12-07-biden-putin-video-call' was retracted by 'r1' \(why\)$"):
        current_version(retracted, "2021-12-07-biden-putin-video-call")


def test_correcting_a_correction_chains(tmp_path: Path) -> None:
    log = _demo_with(tmp_path, "c1,2021-12-08,Moved,US;Russia,,diplomacy,s,,,,2021-12-07-biden-putin-video-call,\n")
    draft = correction_draft(log, "c1", title="Moved again")
    assert (draft.occurred, draft.title, draft.corrects) == ("2021-12-08", "Moved again", "c1")
    assert _errors(draft, log) == []
