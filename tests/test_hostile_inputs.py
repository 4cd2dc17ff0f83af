"""Every input class a tester found crashing or silently misdated, run as a user runs it.

Each case goes through `tracker validate` and `tracker status` (in-process, so the whole matrix stays quick):
the command ends with exit 0 or 1, prints the located message, never "internal error", and the other files and
rows still load. Imports (`tracker import --dry-run`) have their own cases in tests/test_import_hostile.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_SCENARIOS
from tracker.cli import main
from tracker.log.reader import load_events

CHRISTMAS_ID = "joint-sanctions-christmas-2021"
CHRISTMAS = (DEMO_SCENARIOS / f"{CHRISTMAS_ID}.yaml").read_text(encoding="utf-8")
HEADER = "id,occurred,title,actors,targets,tags,kind,source,notes"
CALM_ROW = "calm,2021-12-20,Russia pulls back,Russia,,de-escalation,action,Wire,"
PATH = f"scenarios/{CHRISTMAS_ID}.yaml"


def christmas(old: str, new: str) -> str:
    assert old in CHRISTMAS, old
    return CHRISTMAS.replace(old, new, 1)


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run(folder: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with inside(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    assert "internal error" not in err.getvalue()
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def team(tmp_path: Path, scenario: str | bytes = CHRISTMAS, log: str | bytes | None = None) -> Path:
    """A folder as the defaults expect it: the (maybe hostile) Christmas scenario beside a good one, and a log."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "data").mkdir()
    target = tmp_path / PATH
    target.write_bytes(scenario if isinstance(scenario, bytes) else scenario.encode("utf-8"))
    good = CHRISTMAS.replace(f"id: {CHRISTMAS_ID}", "id: good-neighbour").split("\ntests:")[0] + "\n"
    (tmp_path / "scenarios" / "good-neighbour.yaml").write_text(good, encoding="utf-8")
    rows = log if log is not None else f"{HEADER}\n{CALM_ROW}\n"
    (tmp_path / "data" / "events.csv").write_bytes(rows if isinstance(rows, bytes) else rows.encode("utf-8"))
    (tmp_path / "export.csv").write_text("date,what,who,link\n2021-12-21,Talks in Geneva,Russia;US,https://example.org/geneva\n")
    return tmp_path


def dry_import(folder: Path) -> tuple[int, str, str]:
    """`tracker import --dry-run` of a good export beside the (maybe hostile) files: it reads both for its preview."""
    mapping = ["--map", "occurred=date", "--map", "title=what", "--map", "actors=who", "--map", "source=link"]
    code, out, err = run(folder, "import", "export.csv", "--dry-run", *mapping, "--as-of", "2021-12-27")
    assert code in (0, 1), err
    return code, out, err


SCENARIO_VALUES = {
    "deadline far in the future": (
        christmas("deadline: 2021-12-25", "deadline: 9999-12-31"),
        "11:11: error: deadline: 9999-12-31 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
    "opened in year 1, west of UTC": (
        christmas("opened: 2021-12-03", "opened: 0001-01-01").replace("Europe/Brussels", "America/New_York"),
        "10:9: error: opened: 0001-01-01 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
    "opened in year 1, east of UTC": (
        christmas("opened: 2021-12-03", "opened: 0001-01-01").replace("Europe/Brussels", "Asia/Tokyo"),
        "10:9: error: opened: 0001-01-01 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
    "a datetime deadline in year 1": (
        christmas("deadline: 2021-12-25", "deadline: 0001-01-01T00:00:00+05:00"),
        "11:11: error: deadline: 0001-01-01T00:00:00+05:00 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
    "an endless warning window": (
        christmas("warn_within: 7d", "warn_within: 99999999999d"),
        "13:14: error: warn_within: '99999999999d' is longer than 50 years, the longest duration supported",
    ),
    "an endless response window": (
        christmas("within: 30d", "within: 1000000000w"),
        "22:11: error: response.within: '1000000000w' is longer than 50 years, the longest duration supported",
    ),
    "a duration of thousands of digits": (
        christmas("within: 30d", "within: " + "9" * 5000 + "d"),
        "22:11: error: response.within: '9999999999999999999999999999999999999999'... is longer than 50 years",
    ),
    "withdrawn in year 1": (
        christmas("timezone: Europe/Brussels", "timezone: Europe/Brussels\nwithdrawn: {on: 0001-01-01, reason: gone}"),
        "13:17: error: withdrawn.on: 0001-01-01 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
    "a zone that is a tzdata folder": (
        christmas("timezone: Europe/Brussels", "timezone: Europe"),
        "12:11: error: timezone: unknown time zone 'Europe'",
    ),
    "a zone name of 300 characters": (
        christmas("timezone: Europe/Brussels", "timezone: " + "A" * 300),
        "12:11: error: timezone: unknown time zone 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'... (an IANA name such as Europe/Brussels)",
    ),
    "a NUL in a title": (
        christmas("Joint US-EU-UK", "Joint\x00US"),
        "3:13: error: control character U+0000 (NUL) is not allowed in a scenario file; remove it",
    ),
    "pasted terminal colours": (
        christmas("Joint US-EU-UK", "Joint \x1b[31mUS"),
        "3:14: error: control character U+001B (ESC) is not allowed in a scenario file; remove it (pasted terminal colours?)",
    ),
    "a number of 5,000 digits": (
        christmas("warn_within: 7d", "warn_within: " + "9" * 5000),
        "13:14: error: a number of more than 100 digits; put it in quotes if it is text",
    ),
    "a test as of year 9999": (
        christmas("as_of: 2021-12-20\n", "as_of: 9999-12-31\n"),
        "error: tests[1].as_of: 9999-12-31 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
    "a given event in year 1": (
        christmas("as_of: 2021-12-20\n", "as_of: 2021-12-20\n    events: [{id: a, occurred: 0001-01-01, title: t}]\n"),
        "error: tests[1].events[0].occurred: 0001-01-01 is outside the supported dates, 1900-01-01 to 2199-12-31",
    ),
}


@pytest.mark.parametrize("case", SCENARIO_VALUES, ids=list(SCENARIO_VALUES))
def test_out_of_range_scenario_values_are_located_errors_and_the_other_files_load(tmp_path: Path, case: str) -> None:
    text, expected = SCENARIO_VALUES[case]
    folder = team(tmp_path, text)
    code, out, err = run(folder, "validate", "scenarios")
    assert code == 1
    assert f"{PATH}:{expected}" in out if expected[0].isdigit() else f"{expected}" in out
    assert "1 valid scenario(s)" in err, "the other file still loads"
    code, out, err = run(folder, "status", "--as-of", "2021-12-27", "--format", "json")
    assert code == 0
    assert [row["id"] for row in json.loads(out)] == ["good-neighbour"]
    assert expected.split("error: ")[1] in err
    dry_import(folder)


LOG_ROWS = {
    # A typo for 2026: in 64-bit nanoseconds it used to wrap around to 2021-12-20 and avert the Christmas scenario.
    "a date in 2606": ("typo,2606-07-11,Russia pulls back,Russia,,de-escalation,action,S,", "occurred: '2606-07-11' is outside"),
    "a date in 3022": ("typo,3022-02-22,Russia pulls back,Russia,,de-escalation,action,S,", "occurred: '3022-02-22' is outside"),
    "a date in 1600": ("typo,1600-01-01,Russia pulls back,Russia,,de-escalation,action,S,", "occurred: '1600-01-01' is outside"),
    "a timed row in 1500": ("typo,1500-01-01T00:00:00Z,Pulls back,Russia,,,action,S,", "occurred: '1500-01-01T00:00:00Z' is outside"),
    "a timed row in 9999": ("typo,9999-12-31T23:59:00+05:00,Pulls back,Russia,,de-escalation,action,S,", "is outside the supported dates"),
    "a cell of 140,000 characters": (
        f"long,2021-12-21,{'x' * 140_000},Russia,,,,S,",
        "title: a cell of 140,000 characters; the most a cell holds is 32,767",
    ),
}


@pytest.mark.parametrize("case", LOG_ROWS, ids=list(LOG_ROWS))
def test_a_bad_row_is_one_located_error_and_never_decides_a_status(tmp_path: Path, case: str) -> None:
    row, expected = LOG_ROWS[case]
    folder = team(tmp_path, log=f"{HEADER}\n{row}\n")
    code, out, _ = run(folder, "validate", "data/events.csv")
    assert code == 1
    assert "data/events.csv:2:" in out and expected in out
    code, out, _ = run(folder, "status", "--as-of", "2021-12-27", "--format", "json")
    statuses = {row["id"]: row["status"] for row in json.loads(out)}
    assert statuses[CHRISTMAS_ID] == "triggered", "the bad row was left out, so nothing averted the scenario"
    dry_import(folder)


def test_the_edges_of_the_supported_calendar_load_and_one_step_beyond_does_not(tmp_path: Path) -> None:
    rows = [
        "first,1900-01-01,First day,,,,,S,",
        "last,2199-12-31,Last day,,,,,S,",
        # Its own date is in the calendar; its UTC instant is 2200-01-01T04:00Z.
        "late-west,2199-12-31T23:00:00-05:00,Last evening in New York,,,,,S,",
        "early-east,1900-01-01T01:00:00+09:00,First morning in Tokyo,,,,,S,",
        "before,1899-12-31,Day before,,,,,S,",
        "after,2200-01-01T00:00:00Z,Day after,,,,,S,",
    ]
    (tmp_path / "events.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    log = load_events(tmp_path / "events.csv")
    assert sorted(log.table.column("id").to_pylist()) == ["early-east", "first", "last", "late-west"]
    located = [(p.line, p.message.split(" is ")[0]) for p in log.problems]
    assert located == [(6, "occurred: '1899-12-31'"), (7, "occurred: '2200-01-01T00:00:00Z'")]


def test_fractions_finer_than_a_microsecond_give_one_instant_whatever_the_other_rows(tmp_path: Path) -> None:
    alone = tmp_path / "alone.csv"
    alone.write_text(f"{HEADER}\na,2021-12-20T10:00:00.123456789Z,T,,,,,S,\n", encoding="utf-8")
    beside_bad = tmp_path / "beside.csv"
    beside_bad.write_text(f"{HEADER}\na,2021-12-20T10:00:00.123456789Z,T,,,,,S,\nb,nope,T,,,,,S,\n", encoding="utf-8")
    fast = tmp_path / "fast.csv"
    fast.write_text(f"{HEADER}\na,2021-12-20T10:00:00.123456Z,T,,,,,S,\n", encoding="utf-8")
    instants = {load_events(path).when_ns[0] for path in (alone, beside_bad, fast)}
    assert instants == {1_639_994_400_123_456_000}, "cut to the microsecond, as Python's datetime reads it"


LOG_FILES = {
    "classic Mac CR line endings": (
        f"{HEADER}\r{CALM_ROW}\rlater,2021-12-22,Later,,,,,S,\rbad,nope,Bad,,,,,S,\r".encode(),
        ["data/events.csv:4:2: error: occurred: 'nope' is not a date"],
        ["calm", "later"],
    ),
    "a CR inside the header": (
        f"{HEADER.replace('title', 'ti' + chr(13) + 'tle')}\n{CALM_ROW}\n".encode(),
        ["data/events.csv:1:1: error: header lacks required column(s) 'title'"],
        [],
    ),
    "a quoted line break in the header": (
        f"{HEADER.replace('title', chr(34) + 'ti' + chr(10) + 'tle' + chr(34) + ',title')}\n{CALM_ROW}\n".encode(),
        ["data/events.csv:1:1: error: header: the name of column 3 holds a line break"],
        [],
    ),
    "one row of Latin-1 among fifty": (
        (f"{HEADER}\n" + "".join(f"r{i},2021-12-{i % 28 + 1:02d},Row {i},Russia,,x,,S,\n" for i in range(25))).encode()
        + "bad,2021-12-01,Sanktionen für Russland,,,,,S,\n".encode("latin-1")
        + "".join(f"r{i},2021-12-{i % 28 + 1:02d},Row {i},Russia,,x,,S,\n" for i in range(25, 50)).encode(),
        ["data/events.csv:27:1: error: row is not UTF-8 text; save the CSV as UTF-8 (this row is left out)"],
        [f"r{i}" for i in range(50)],
    ),
}


@pytest.mark.parametrize("case", LOG_FILES, ids=list(LOG_FILES))
def test_odd_log_files_load_what_they_can_and_locate_the_rest(tmp_path: Path, case: str) -> None:
    data, expected, loaded = LOG_FILES[case]
    folder = team(tmp_path, log=data)
    code, out, _ = run(folder, "validate", "data/events.csv")
    assert code == 1
    for message in expected:
        assert message in out
    log = load_events(folder / "data" / "events.csv")
    assert sorted(log.table.column("id").to_pylist()) == sorted(loaded)
    code, out, _ = run(folder, "status", "--as-of", "2021-12-27", "--format", "json")
    assert code == 0 and json.loads(out)
    dry_import(folder)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["status", "--as-of", "2606-07-11"], "tracker: --as-of: 2606-07-11 is outside the supported dates, 1900-01-01 to 2199-12-31"),
        (["status", "--as-of", "0001-01-01T00:00+05:00"], "tracker: --as-of: 0001-01-01T00:00:00+05:00 is outside the supported dates"),
        (["since", "1600-01-01"], "tracker: WHEN: 1600-01-01 is outside the supported dates"),
        (["since", "2021-12-01", "--until", "9999-12-31"], "tracker: --until: 9999-12-31 is outside the supported dates"),
        (["calendar", "--out", "x.ics", "--as-of", "9999-12-31"], "tracker: --as-of: 9999-12-31 is outside the supported dates"),
        (["new", "X", "--deadline", "9999-12-31"], "tracker: --deadline: 9999-12-31 is outside the supported dates"),
        (["new", "X", "--deadline", "2021-12-31", "--opened", "1800-01-01"], "tracker: --opened: 1800-01-01 is outside the supported"),
        (["new", "X", "--deadline", "2021-12-31", "--timezone", "Europe"], "tracker: --timezone: unknown time zone 'Europe'"),
        (["log", "--occurred", "2606-07-11", "--title", "T", "--source", "S"], "occurred: '2606-07-11' is outside the supported dates"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_flags_outside_the_calendar_are_usage_errors(tmp_path: Path, argv: list[str], message: str) -> None:
    folder = team(tmp_path)
    code, _, err = run(folder, *argv)
    assert code == 2
    assert message in err
    assert (folder / "data" / "events.csv").read_text(encoding="utf-8") == f"{HEADER}\n{CALM_ROW}\n", "nothing was written"


def test_a_logged_at_outside_the_calendar_is_a_warning_and_the_event_counts_from_when_it_occurred(tmp_path: Path) -> None:
    from tracker.log.ledger import logged_stamps

    path = tmp_path / "events.csv"
    path.write_text(f"{HEADER},logged_at\na,2021-12-20,T,,,,,S,,9999-01-01T00:00:00Z\nb,2021-12-21,T,,,,,S,,2021-12-22T09:00:00Z\n")
    log = load_events(path)
    assert [(p.line, p.column, p.severity, p.message) for p in log.problems] == [
        (
            2,
            10,
            "warning",
            "logged_at: '9999-01-01T00:00:00Z' is not a datetime with offset in the supported dates (1900-01-01 to 2199-12-31); "
            "the event counts as known from when it occurred",
        )
    ]
    known, from_logged_at = logged_stamps(log)
    assert list(from_logged_at) == [False, True]
    assert known[0] == log.when_ns[0]
