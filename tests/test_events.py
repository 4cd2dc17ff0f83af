"""The event log's CSV contract: what is read, what is refused, and the exact line each problem names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from tracker.log.events import COLUMNS, EventLog
from tracker.log.reader import load_events, parse_occurred
from tracker.scenario.model import Match
from tracker.text import fold, fold_array, folded
from tracker.timeutil import UTC, zone

Write = Callable[[str, str], Path]
HEADER = ",".join(COLUMNS)


def _log(write: Write, body: str, name: str = "events.csv", header: str = HEADER) -> EventLog:
    path = write(name, f"{header}\n{body}")
    return load_events(path)


def _problems(log: EventLog) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}:{p.column}: {p.severity}: {p.message}" for p in log.problems]


def _ids(log: EventLog) -> list[str]:
    return [str(i) for i in log.table.column("id").to_pylist()]


def _match(**keys: list[str]) -> Match:
    return Match.model_validate(keys)


def _matching(log: EventLog, **keys: list[str]) -> list[str]:
    return log.ids(log.matching(_match(**keys)))


# --- columns and values -----------------------------------------------------------------------
def test_a_full_row_is_read_as_written(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,Talks in Geneva,US;Russia,Ukraine,diplomacy;talks,Reuters: Talks <https://x.example>,first round\n")
    assert log.problems == []
    assert log.columns == list(COLUMNS)
    event = log.event(0)
    assert event.id == "e1"
    assert event.occurred == "2021-12-07"
    assert event.title == "Talks in Geneva"
    assert event.actors == ("US", "Russia")
    assert event.targets == ("Ukraine",)
    assert event.tags == ("diplomacy", "talks")
    assert event.source == "Reuters: Talks <https://x.example>"
    assert event.notes == "first round"
    assert event.date_only
    assert event.when == dt.datetime(2021, 12, 7, tzinfo=UTC)
    assert event.day == dt.date(2021, 12, 7)
    assert event.extra == {}


def test_multi_values_are_trimmed_and_empty_ones_dropped(write: Write) -> None:
    log = _log(write, 'e1,2021-12-07,T," US ; EU;;UK ",,a;,src,\n')
    assert log.event(0).actors == ("US", "EU", "UK")
    assert log.event(0).tags == ("a",)


def test_only_required_columns(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T\n", header="id,occurred,title")
    assert _problems(log) == ["events.csv:2:7: warning: source: is empty; cite a publisher and title, or a link"]
    assert log.columns == list(COLUMNS)
    assert log.event(0).actors == ()


def test_columns_in_any_order(write: Write) -> None:
    log = _log(write, "src,T,e1,2021-12-07\n", header="source,title,id,occurred")
    assert log.problems == []
    assert (log.event(0).id, log.event(0).title, log.event(0).source) == ("e1", "T", "src")


def test_extra_columns_are_kept_and_shown(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,US,,x,src,,Europe,1.10\n", header=f"{HEADER},region,score")
    assert log.problems == []
    assert log.extra_columns == ["region", "score"]
    assert log.event(0).extra == {"region": "Europe", "score": "1.10"}
    assert list(log.frame().columns[-2:]) == ["region", "score"]


@pytest.mark.parametrize("cell", ["NA", "N/A", "null", "NULL", "None", "nan", "1.10", "007", "TRUE", "1e5", "-0"])
def test_cells_are_kept_as_the_text_written(write: Write, cell: str) -> None:
    log = _log(write, f"{cell},2021-12-07,{cell},{cell},,{cell},src,{cell}\n")
    assert log.problems == []
    event = log.event(0)
    assert (event.id, event.title, event.actors, event.tags, event.notes) == (cell, cell, (cell,), (cell,), cell)


def test_numeric_looking_ids_stay_text(write: Write) -> None:
    log = _log(write, "1,2021-12-07,T,,,,src,\n01,2021-12-08,T,,,,src,\n1.0,2021-12-09,T,,,,src,\n")
    assert log.problems == []
    assert _ids(log) == ["1", "01", "1.0"]


# --- occurred ---------------------------------------------------------------------------------------
def test_date_and_datetime_with_offset(write: Write) -> None:
    log = _log(
        write,
        "d,2021-12-07,T,,,,s,\n"
        "z,2021-12-07T15:00:00Z,T,,,,s,\n"
        "plus,2021-12-07T15:00:00+01:00,T,,,,s,\n"
        "minus,2021-12-07T15:00:00-08:00,T,,,,s,\n"
        "frac,2021-12-07T15:00:00.250Z,T,,,,s,\n",
    )
    assert log.problems == []
    when = {log.event(i).id: (log.event(i).when, log.event(i).date_only) for i in range(len(log))}
    assert when == {
        "d": (dt.datetime(2021, 12, 7, tzinfo=UTC), True),
        "z": (dt.datetime(2021, 12, 7, 15, tzinfo=UTC), False),
        "plus": (dt.datetime(2021, 12, 7, 14, tzinfo=UTC), False),
        "minus": (dt.datetime(2021, 12, 7, 23, tzinfo=UTC), False),
        "frac": (dt.datetime(2021, 12, 7, 15, 0, 0, 250000, tzinfo=UTC), False),
    }


def test_one_bad_occurred_does_not_change_how_the_others_are_read(write: Write) -> None:
    good = "d,2021-12-07,T,,,,s,\nz,2021-12-07T15:00:00Z,T,,,,s,\nplus,2021-12-07T15:00:00+01:00,T,,,,s,\n"
    clean = _log(write, good, "a.csv")
    mixed = _log(write, good + "bad,2021-12-32,T,,,,s,\n", "b.csv")
    assert _ids(mixed) == _ids(clean)
    assert mixed.when_ns.tolist() == clean.when_ns.tolist()
    assert mixed.date_only.tolist() == clean.date_only.tolist()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "2021-12-07T15:00:00",
            "occurred: '2021-12-07T15:00:00' has no time zone offset; add one, e.g. 2021-12-07T15:00:00Z or 2021-12-07T15:00:00+01:00",
        ),
        ("2021-02-30", "occurred: '2021-02-30' is not a real date (expected YYYY-MM-DD)"),
        ("2021-13-01", "occurred: '2021-13-01' is not a real date (expected YYYY-MM-DD)"),
        ("07/12/2021", "occurred: '07/12/2021' is not a real date (expected YYYY-MM-DD)"),
        (
            "7 December 2021",
            "occurred: '7 December 2021' is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)",
        ),
        (
            "2021-12-07T25:00:00Z",
            "occurred: '2021-12-07T25:00:00Z' is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)",
        ),
        ("", "occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z"),
    ],
)
def test_bad_occurred_is_reported_and_the_row_skipped(write: Write, cell: str, message: str) -> None:
    log = _log(write, f"ok1,2021-12-06,T,,,,s,\nbad,{cell},T,,,,s,\nok2,2021-12-08,T,,,,s,\n")
    assert _problems(log) == [f"events.csv:3:2: error: {message}"]
    assert _ids(log) == ["ok1", "ok2"]


def test_empty_id_and_title_rows_are_skipped_with_their_lines(write: Write) -> None:
    log = _log(
        write,
        "ok1,2021-12-06,T,,,,s,\n,2021-12-07,No id,,,,s,\nno-title,2021-12-08,,,,,s,\n"
        "  ,2021-12-09,Blank id,,,,s,\nok2,2021-12-10,T,,,,s,\n",
    )
    assert _problems(log) == [
        "events.csv:3:1: error: id: is empty; every event needs a unique id",
        "events.csv:4:3: error: title: is empty; say what happened",
        "events.csv:5:1: error: id: is empty; every event needs a unique id",
    ]
    assert _ids(log) == ["ok1", "ok2"]


def test_missing_source_is_a_warning_and_the_event_is_kept(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,US,,x,,\n")
    assert _problems(log) == ["events.csv:2:7: warning: source: is empty; cite a publisher and title, or a link"]
    assert _ids(log) == ["e1"]


def test_duplicate_id_names_the_first_line(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,First,,,,s,\ne2,2021-12-08,T,,,,s,\ne1,2021-12-09,Second,,,,s,\n")
    assert _problems(log) == ["events.csv:4:1: error: id: duplicate event id 'e1' (first on line 2)"]
    assert _ids(log) == ["e1", "e2"]
    assert log.event(0).title == "First"


def test_ids_are_case_sensitive(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,,,,s,\nE1,2021-12-08,T,,,,s,\n")
    assert log.problems == []
    assert log.has_id("E1") and log.has_id("e1") and not log.has_id("e2")


# --- CSV shape -------------------------------------------------------------------------------------
def test_quoted_cells_with_commas_and_newlines_keep_line_numbers_right(write: Write) -> None:
    body = (
        'e1,2021-12-07,"Talks, then more talks",US,,x,s,"line one\nline two\nline three"\n'
        "e2,2021-12-32,T,,,,s,\n"
        'e3,2021-12-09,"He said ""no""",,,,s,\n'
        "e4,2021-12-10,T,,,,,\n"
    )
    log = _log(write, body)
    assert _problems(log) == [
        "events.csv:5:2: error: occurred: '2021-12-32' is not a real date (expected YYYY-MM-DD)",
        "events.csv:7:7: warning: source: is empty; cite a publisher and title, or a link",
    ]
    assert log.event(0).title == "Talks, then more talks"
    assert log.event(0).notes == "line one\nline two\nline three"
    assert log.event(1).title == 'He said "no"'


def test_too_many_fields_is_reported_by_line_and_the_others_kept(write: Write) -> None:
    body = (
        "e1,2021-12-07,T,,,,s,\n"
        'e2,2021-12-08,"multi\nline",,,,s,\n'
        "e3,2021-12-09,Sanctions, the first,US,,x,s,\n"
        "e4,2021-12-10,T,,,,s,\n"
        "e5,2021-12-41,T,,,,s,\n"
    )
    log = _log(write, body)
    assert _problems(log) == [
        "events.csv:5:1: error: row has 9 fields, the header has 8; quote cells that contain commas",
        "events.csv:7:2: error: occurred: '2021-12-41' is not a real date (expected YYYY-MM-DD)",
    ]
    assert _ids(log) == ["e1", "e2", "e4"]
    assert log.event(1).title == "multi\nline"


def test_one_row_with_too_many_fields_is_not_taken_for_an_index(write: Write) -> None:
    # With every data row one field too long, pandas would silently use the first column as the index.
    log = _log(write, "e1,2021-12-07,Sanctions, the first,US,,x,s,\n")
    assert _problems(log) == ["events.csv:2:1: error: row has 9 fields, the header has 8; quote cells that contain commas"]
    assert len(log) == 0


def test_every_row_too_long(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,A, b,US,,x,s,\ne2,2021-12-08,C, d,US,,x,s,\n")
    assert [p.line for p in log.problems] == [2, 3]
    assert len(log) == 0


def test_unclosed_quote_is_located_and_nothing_is_silently_swallowed(write: Write) -> None:
    body = 'e1,2021-12-07,"multi\nline",,,,s,\n\ne2,2021-12-08,"unclosed,US,,x,s,\ne3,2021-12-09,T,,,,s,\n'
    log = _log(write, body)
    assert _problems(log) == ['events.csv:5:1: error: a quoted cell is never closed: its " runs to the end of the file']
    assert len(log) == 0


def test_short_rows_are_padded(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T\ne2,2021-12-08,T,US,,x,s,\n")
    assert _problems(log) == ["events.csv:2:7: warning: source: is empty; cite a publisher and title, or a link"]
    assert log.event(0).actors == ()
    assert log.event(1).actors == ("US",)


def test_blank_lines_do_not_shift_line_numbers(write: Write) -> None:
    body = "e1,2021-12-07,T,,,,s,\n\n   \n\t\ne2,2021-12-32,T,,,,s,\n"
    log = _log(write, body)
    assert _problems(log) == ["events.csv:6:2: error: occurred: '2021-12-32' is not a real date (expected YYYY-MM-DD)"]


def test_line_of_only_commas_is_a_row_without_id(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,,,,s,\n,,,,,,,\ne2,2021-12-32,T,,,,s,\n")
    assert _problems(log) == [
        "events.csv:3:1: error: id: is empty; every event needs a unique id",
        "events.csv:3:2: error: occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z",
        "events.csv:3:3: error: title: is empty; say what happened",
        "events.csv:4:2: error: occurred: '2021-12-32' is not a real date (expected YYYY-MM-DD)",
    ]


def test_windows_line_endings(write: Write) -> None:
    path = write("events.csv", "")
    path.write_bytes(f"{HEADER}\r\ne1,2021-12-07,T,US,,x,s,\r\ne2,2021-12-32,T,,,,s,\r\n".encode())
    log = load_events(path)
    assert [(p.line, p.column) for p in log.problems] == [(3, 2)]
    assert log.event(0).notes == ""


def test_utf8_bom_is_accepted(write: Write) -> None:
    path = write("events.csv", "")
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\ne1,2021-12-07,T,,,,s,\n".encode())
    log = load_events(path)
    assert log.problems == []
    assert _ids(log) == ["e1"]


def test_a_row_that_is_not_utf8_is_left_out_by_its_line_and_the_others_load(write: Write) -> None:
    path = write("events.csv", "")
    latin1 = b"e2,2021-12-08,Sanktionen f\xfcr,,,,s,\n"
    path.write_bytes(f"{HEADER}\ne1,2021-12-07,T,,,,s,\n".encode() + latin1 + b'e3,2021-12-09,"two\nlines",,,,s,\n')
    log = load_events(path)
    assert _problems(log) == ["events.csv:3:1: error: row is not UTF-8 text; save the CSV as UTF-8 (this row is left out)"]
    assert _ids(log) == ["e1", "e3"]


def test_a_row_not_utf8_and_a_row_too_long_are_each_reported_and_the_others_load(write: Write) -> None:
    # Each problem alone was handled; together, the rows read in Python kept the bad bytes and the whole file failed.
    path = write("events.csv", "")
    latin1 = b"e2,2021-12-08,Sanktionen f\xfcr,,,,s,\n"
    wide = b"e3,2021-12-09,Sanctions, the first,US,,x,s,\n"
    path.write_bytes(f"{HEADER}\ne1,2021-12-07,T,,,,s,\n".encode() + latin1 + wide + b"e4,2021-12-10,T,,,,s,\n")
    log = load_events(path)
    assert _problems(log) == [
        "events.csv:3:1: error: row is not UTF-8 text; save the CSV as UTF-8 (this row is left out)",
        "events.csv:4:1: error: row has 9 fields, the header has 8; quote cells that contain commas",
    ]
    assert _ids(log) == ["e1", "e4"]


def test_a_bad_byte_inside_a_quoted_multiline_cell_leaves_out_that_row_only(write: Write) -> None:
    path = write("events.csv", "")
    path.write_bytes(f'{HEADER}\ne1,2021-12-07,"a\nb\nc",,,,s,\n'.encode() + b'e2,2021-12-08,"x\ny\xff",,,,s,\ne3,2021-12-09,T,,,,s,\n')
    log = load_events(path)
    assert _problems(log) == ["events.csv:5:1: error: row is not UTF-8 text; save the CSV as UTF-8 (this row is left out)"]
    assert _ids(log) == ["e1", "e3"]


def test_non_utf8_header(write: Write) -> None:
    path = write("events.csv", "")
    path.write_bytes(b"id,occurred,title,d\xe9tail\n")
    assert _problems(load_events(path)) == ["events.csv:1:1: error: file is not UTF-8 text; save the CSV as UTF-8"]


def test_empty_file(write: Write) -> None:
    log = load_events(write("events.csv", ""))
    assert _problems(log) == [f"events.csv:1:1: error: event log is empty; expected the header {HEADER}"]
    assert len(log) == 0


def test_header_only_is_an_empty_log(write: Write) -> None:
    log = _log(write, "")
    assert log.problems == []
    assert len(log) == 0
    assert log.matching(_match(tags=["x"])).tolist() == []


def test_missing_required_column_with_suggestion(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T\n", header="id,occured,title")
    assert _problems(log) == [f"events.csv:1:1: error: header lacks required column(s) 'occurred' (found 'occured'?); expected {HEADER}"]


def test_missing_required_columns_without_suggestion(write: Write) -> None:
    log = _log(write, "e1,T\n", header="id,headline")
    assert _problems(log) == [f"events.csv:1:1: error: header lacks required column(s) 'occurred', 'title'; expected {HEADER}"]


def test_repeated_header_column(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,a,b\n", header="id,occurred,title,tags,tags")
    assert _problems(log) == ["events.csv:1:1: error: header repeats column(s) tags"]


def test_header_cells_are_trimmed(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,s\n", header="id, occurred ,title,source")
    assert log.problems == []
    assert log.event(0).occurred == "2021-12-07"


def test_missing_file(tmp_path: Path) -> None:
    log = load_events(tmp_path / "nope.csv")
    assert [(p.line, p.message) for p in log.problems] == [(0, "event log does not exist")]
    assert len(log) == 0


# --- folders -------------------------------------------------------------------------------------
def test_folder_of_csv_files_is_read_together(write: Write, tmp_path: Path) -> None:
    write("log/2021.csv", f"{HEADER}\na1,2021-12-07,T,US,,x,s,\n")
    write("log/2022.csv", "id,occurred,title,source,region\nb1,2022-02-22,T,s,EU\n")
    write("log/notes.txt", "not a log\n")
    write("log/.hidden.csv", "garbage\n")
    log = load_events(tmp_path / "log")
    assert log.problems == []
    assert _ids(log) == ["a1", "b1"]
    assert log.extra_columns == ["region"]
    assert log.event(0).extra == {"region": ""}
    assert log.event(1).extra == {"region": "EU"}
    assert [p.name for p in log.files] == ["2021.csv", "2022.csv"]


def test_duplicate_id_across_files_names_the_other_file(write: Write, tmp_path: Path) -> None:
    write("log/a.csv", f"{HEADER}\na1,2021-12-07,T,,,,s,\nshared,2021-12-07,T,,,,s,\n")
    write("log/b.csv", f"{HEADER}\nshared,2021-12-08,T,,,,s,\nb1,2021-12-32,T,,,,s,\n")
    log = load_events(tmp_path / "log")
    problems = [(Path(p.path).name, p.line, p.column, p.message) for p in log.problems]
    assert len(problems) == 2
    name, line, column, message = problems[0]
    assert (name, line, column) == ("b.csv", 2, 1)
    assert message.startswith("id: duplicate event id 'shared' (first on ")
    assert message.endswith("a.csv line 3)")
    assert problems[1] == ("b.csv", 3, 2, "occurred: '2021-12-32' is not a real date (expected YYYY-MM-DD)")
    assert _ids(log) == ["a1", "shared"]


def test_one_bad_file_in_a_folder_keeps_the_others(write: Write, tmp_path: Path) -> None:
    write("log/a.csv", f"{HEADER}\na1,2021-12-07,T,,,,s,\n")
    write("log/b.csv", "id,when,title\nb1,2021-12-07,T\n")
    write("log/c.csv", f"{HEADER}\nc1,2021-12-09,T,,,,s,\n")
    log = load_events(tmp_path / "log")
    assert [(Path(p.path).name, p.line) for p in log.problems] == [("b.csv", 1)]
    assert _ids(log) == ["a1", "c1"]


def test_list_of_files(write: Write) -> None:
    a = write("a.csv", f"{HEADER}\na1,2021-12-07,T,,,,s,\n")
    b = write("b.csv", f"{HEADER}\nb1,2021-12-08,T,,,,s,\n")
    assert _ids(load_events([b, a])) == ["b1", "a1"]


# --- matching ------------------------------------------------------------------------------------
@pytest.fixture
def matching_log(write: Write) -> EventLog:
    body = (
        "talks,2021-12-10,T,US;Russia,Ukraine,diplomacy,s,\n"
        "build,2021-12-08,T,Russia,Ukraine,Military-Buildup,s,\n"
        "sanc,2022-02-22T18:00:00Z,T,US,Russia,sanctions-package;ukraine,s,\n"
        "eu,2022-02-23,T,EU,russia,SANCTIONS-PACKAGE,s,\n"
        "none,2022-03-01,T,,,,s,\n"
    )
    return _log(write, body)


def test_matching_is_case_insensitive(matching_log: EventLog) -> None:
    assert _matching(matching_log, tags=["sanctions-package"]) == ["sanc", "eu"]
    assert _matching(matching_log, tags=["military-buildup"]) == ["build"]
    assert _matching(matching_log, actors=["RUSSIA"]) == ["build", "talks"]
    assert _matching(matching_log, targets=["Russia"]) == ["sanc", "eu"]


def test_a_key_matches_when_any_value_is_shared(matching_log: EventLog) -> None:
    assert _matching(matching_log, actors=["EU", "UK"]) == ["eu"]
    assert _matching(matching_log, tags=["diplomacy", "military-buildup"]) == ["build", "talks"]


def test_all_given_keys_must_match(matching_log: EventLog) -> None:
    assert _matching(matching_log, actors=["Russia"], tags=["diplomacy"]) == ["talks"]
    assert _matching(matching_log, actors=["US"], targets=["Russia"], tags=["sanctions-package"]) == ["sanc"]
    assert _matching(matching_log, actors=["EU"], tags=["diplomacy"]) == []
    assert _matching(matching_log, actors=["nobody"], tags=["diplomacy"]) == []


def test_ids_match_exactly_and_combine_with_other_keys(matching_log: EventLog) -> None:
    assert _matching(matching_log, ids=["none", "eu", "unknown"]) == ["eu", "none"]
    assert _matching(matching_log, ids=["EU"]) == []
    assert _matching(matching_log, ids=["eu", "sanc"], actors=["US"]) == ["sanc"]


def test_values_are_whole_tokens_not_substrings(matching_log: EventLog) -> None:
    assert _matching(matching_log, tags=["sanctions"]) == []
    assert _matching(matching_log, actors=["U"]) == []


def test_match_values_are_trimmed(matching_log: EventLog) -> None:
    assert _matching(matching_log, tags=[" Diplomacy "]) == ["talks"]


def test_case_folding_agrees_on_non_ascii_letters(write: Write) -> None:
    log = _log(write, "e1,2021-12-07,T,İstanbul;ÉLYSÉE,,Straße,s,\n")
    assert _matching(log, actors=["İstanbul"]) == ["e1"]
    assert _matching(log, actors=["élysée"]) == ["e1"]
    assert _matching(log, tags=["STRASSE"]) == []  # lower-casing, not Unicode case folding
    assert _matching(log, tags=["straße"]) == ["e1"]


def test_vocabulary_keeps_the_first_spelling(matching_log: EventLog) -> None:
    assert matching_log.values("tags") == ["diplomacy", "Military-Buildup", "sanctions-package", "ukraine"]
    assert matching_log.values("nope") == []


def test_frame_is_in_time_order(matching_log: EventLog) -> None:
    frame = matching_log.frame()
    assert list(frame["id"]) == ["build", "talks", "sanc", "eu", "none"]
    assert list(frame["date_only"]) == [True, True, False, True, True]


# --- the calendar-day rule, for viewers ---------------------------------------------------------
ZONES = ["America/New_York", "Asia/Tokyo", "UTC"]
# A timed event at 03:30 UTC on 22 February: the evening before in New York, midday in Tokyo.
TIMED_LOCAL = {"America/New_York": "2022-02-21 22:30", "Asia/Tokyo": "2022-02-22 12:30", "UTC": "2022-02-22 03:30"}


@pytest.mark.parametrize("zone_name", ZONES)
def test_a_date_only_event_stands_on_its_own_date_in_every_zone(write: Write, zone_name: str) -> None:
    log = _log(write, "dated,2022-02-22,Dated,,,,,\ntimed,2022-02-22T03:30:00Z,Timed,,,,,\n")
    tz = zone(zone_name)
    positions = np.arange(len(log))
    assert list(log.wall_clock(positions, tz)) == [pd.Timestamp("2022-02-22 00:00"), pd.Timestamp(TIMED_LOCAL[zone_name])]
    assert list(log.local_days(positions, tz)) == [np.datetime64("2022-02-22"), np.datetime64(TIMED_LOCAL[zone_name][:10])]
    dated, timed = log.event(0), log.event(1)
    assert dated.local_day(tz) == dt.date(2022, 2, 22) and dated.local_when(tz) == dt.datetime(2022, 2, 22)
    assert timed.local_when(tz) == dt.datetime.fromisoformat(TIMED_LOCAL[zone_name])


# --- one case rule for the index and the filters ----------------------------------------------
@pytest.mark.parametrize(("logged", "asked"), [("ΟΔΟΣ", "οδος"), ("οδος", "ΟΔΟΣ"), ("İstanbul", "İSTANBUL"), ("Straße", "STRASSE")])
def test_the_index_and_the_filters_fold_case_alike(write: Write, logged: str, asked: str) -> None:
    # Arrow's utf8_lower, which the index used, spelt "ΟΔΟΣ" as "οδοσ" while the filters' str.lower spelt it "οδος".
    log = _log(write, f"e1,2021-12-07,T,{logged},,,s,\n")
    by_index = _matching(log, actors=[asked]) == ["e1"]
    assert by_index == bool(folded([asked]) & folded([logged])) == (fold(asked) == fold(logged))
    assert by_index == (logged != "Straße")  # lower-casing, not Unicode case folding


def test_fold_array_folds_like_fold() -> None:
    values = ["ΟΔΟΣ", " EU ", "İstanbul", "Straße", None]
    assert fold_array(pa.array(values)).to_pylist() == [fold(v) if v is not None else None for v in values]


def test_one_parser_reads_occurred_for_the_log_and_the_form() -> None:
    assert parse_occurred(" 2022-02-22 ") == dt.date(2022, 2, 22)
    assert parse_occurred("2022-02-22T15:00:00+01:00") == dt.datetime(2022, 2, 22, 14, tzinfo=UTC)
    assert parse_occurred("2022-02-22T15:00:00") is None  # no offset: its zone is unknown
    assert parse_occurred("22/02/2022") is None and parse_occurred("2022-02-30") is None
