"""Real exports imported as they come: ACLED and GDELT 2.0 mappings guessed from their documented column names, dates
that fail naming the --date-format that reads them, the export's own id deciding duplicates, mappings saved by a dry run.

The exports are a few rows each, in the columns their codebooks name (tests/exports.py), with ACLED's dates written as
its export writes them ("01 July 2025").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, demo_workspace, run_cli
from tests.exports import ACLED_COLUMNS, GDELT_COLUMNS
from tracker.log.events import EventLog
from tracker.log.importer import (
    ACLED,
    GDELT,
    ImportMapping,
    date_format_hint,
    guess_mapping,
    plan_import,
    read_export,
    run_import,
)
from tracker.log.reader import load_events

NOW = dt.datetime(2025, 7, 3, 9, 0, tzinfo=dt.UTC)
SHELLED = "On 1 July 2025, Russian forces shelled Nikopol raion with artillery. No casualties were reported."


def _acled(event_id: str, date: str, location: str, **cells: str) -> dict[str, str]:
    row = {
        "event_id_cnty": event_id,
        "event_date": date,
        "year": "2025",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Russia (2000-)",
        "inter1": "8",
        "actor2": "Civilians (Ukraine)",
        "inter2": "7",
        "interaction": "78",
        "civilian_targeting": "Civilian targeting",
        "iso": "804",
        "region": "Europe",
        "country": "Ukraine",
        "admin1": "Dnipropetrovsk",
        "admin2": "Nikopolskyi",
        "location": location,
        "geo_precision": "1",
        "source": "Ukrinform",
        "source_scale": "National",
        "notes": SHELLED,
        "fatalities": "0",
        "timestamp": "1751900000",
    }
    return {**row, **cells}


# Four events ACLED coded from one report (same date, description and source, one row per place), and a protest.
ACLED_ROWS = [
    _acled("UKR250101", "01 July 2025", "Nikopol"),
    _acled("UKR250102", "01 July 2025", "Marhanets"),
    _acled("UKR250103", "01 July 2025", "Pokrovske"),
    _acled("UKR250104", "01 July 2025", "Chervonohryhorivka"),
    _acled(
        "UKR250105",
        "2 July 2025",
        "Kyiv",
        disorder_type="Demonstrations",
        event_type="Protests",
        sub_event_type="Peaceful protest",
        actor1="Protesters (Ukraine)",
        assoc_actor_1="Students (Ukraine); Labour Group (Ukraine)",
        actor2="",
        admin1="Kyiv City",
        admin2="",
        source="Kyiv Independent",
        notes="On 2 July 2025, students and workers rallied in Kyiv for more air defence.",
    ),
]
ACLED_GUESS = (
    "looks like an ACLED export: event_id_cnty -> id, event_date -> occurred, notes -> title, "
    "{actor1};{assoc_actor_1} -> actors, {actor2};{assoc_actor_2} -> targets, {event_type};{sub_event_type} -> tags, "
    "source -> source, {location}, {admin1}, {country}; fatalities: {fatalities} -> notes; dates read as %d %B %Y"
)


def _gdelt(event_id: str, day: str, actors: tuple[str, str], code: str, url: str) -> dict[str, str]:
    actor1, actor2 = actors
    return {
        "GLOBALEVENTID": event_id,
        "SQLDATE": day,
        "MonthYear": day[:6],
        "Year": day[:4],
        "Actor1Code": actor1[:3],
        "Actor1Name": actor1,
        "Actor1CountryCode": actor1[:3],
        "Actor2Code": actor2[:3],
        "Actor2Name": actor2,
        "Actor2CountryCode": actor2[:3],
        "IsRootEvent": "1",
        "EventCode": code,
        "EventBaseCode": code[:3],
        "EventRootCode": code[:2],
        "QuadClass": "4" if code.startswith(("18", "19", "20")) else "3",
        "GoldsteinScale": "-10.0" if code.startswith("19") else "-4.0",
        "NumMentions": "10",
        "NumSources": "2",
        "NumArticles": "10",
        "AvgTone": "-5.1",
        "DATEADDED": f"{day}120000",
        "SOURCEURL": url,
    }


GDELT_ROWS = [
    _gdelt("1250000001", "20250701", ("RUSSIA", "UKRAINE"), "190", "https://example.org/news/shelling"),
    _gdelt("1250000002", "20250701", ("EUROPEAN UNION", "RUSSIA"), "163", "https://example.org/news/embargo"),
]


def write_export(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_workspace(tmp_path, monkeypatch)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, *argv, "--by", "ana", "--as-of", "2025-07-03")


# --- guessing ------------------------------------------------------------------------------
def test_an_acled_export_is_recognised_and_mapped_as_its_codebook_says(tmp_path: Path) -> None:
    export = read_export(write_export(tmp_path / "acled.csv", ACLED_COLUMNS, ACLED_ROWS))
    guess = guess_mapping(export)
    assert (guess.profile, guess.mapping.date_format, guess.describe()) == (ACLED, "%d %B %Y", ACLED_GUESS)
    plan = plan_import(export, guess.mapping, EventLog.empty(), now=NOW, logged_by="ana")
    assert (plan.failed, plan.duplicates) == ([], [])
    protest = plan.rows[4]
    assert {k: protest[k] for k in ("id", "occurred", "actors", "targets", "tags", "source", "notes")} == {
        "id": "UKR250105",
        "occurred": "2025-07-02",
        "actors": "Protesters (Ukraine);Students (Ukraine);Labour Group (Ukraine)",
        "targets": "",
        "tags": "Protests;Peaceful protest",
        "source": "Kyiv Independent",
        "notes": "Kyiv, Kyiv City, Ukraine; fatalities: 0",
    }
    assert protest["title"] == "On 2 July 2025, students and workers rallied in Kyiv for more air defence."


def test_a_gdelt_export_is_recognised_and_mapped_as_its_codebook_says(tmp_path: Path) -> None:
    export = read_export(write_export(tmp_path / "gdelt.csv", GDELT_COLUMNS, GDELT_ROWS))
    guess = guess_mapping(export)
    assert (guess.profile, guess.mapping.date_format) == (GDELT, "%Y%m%d")
    assert guess.describe() == (
        "looks like a GDELT 2.0 events export: GLOBALEVENTID -> id, SQLDATE -> occurred, "
        "{Actor1Name} - CAMEO {EventCode} - {Actor2Name} -> title, Actor1Name -> actors, Actor2Name -> targets, "
        "cameo-{EventRootCode} -> tags, SOURCEURL -> source; dates read as %Y%m%d"
    )
    plan = plan_import(export, guess.mapping, EventLog.empty(), now=NOW, logged_by="ana")
    assert [(r["id"], r["occurred"], r["title"], r["tags"], r["source"]) for r in plan.rows] == [
        ("1250000001", "2025-07-01", "RUSSIA - CAMEO 190 - UKRAINE", "cameo-19", "https://example.org/news/shelling"),
        ("1250000002", "2025-07-01", "EUROPEAN UNION - CAMEO 163 - RUSSIA", "cameo-16", "https://example.org/news/embargo"),
    ]


def test_the_guess_reads_the_exports_own_spelling_of_the_codebooks_columns(tmp_path: Path) -> None:
    """Older ACLED files name their columns in capitals (EVENT_ID_CNTY); a field whose columns are missing is left to
    the name-based guess or the user."""
    columns = ["EVENT_ID_CNTY", "EVENT_DATE", "ACTOR1", "NOTES", "SOURCE"]
    rows = [{"EVENT_ID_CNTY": "UKR250101", "EVENT_DATE": "01 July 2025", "ACTOR1": "X", "NOTES": SHELLED, "SOURCE": "Ukrinform"}]
    guess = guess_mapping(read_export(write_export(tmp_path / "old.csv", columns, rows)))
    assert guess.profile == ACLED
    assert guess.mapping.columns == {
        "id": "EVENT_ID_CNTY",
        "occurred": "EVENT_DATE",
        "title": "NOTES",
        "actors": "ACTOR1",
        "source": "SOURCE",
    }


# --- the export's own id -------------------------------------------------------------------
def test_the_exports_own_id_decides_duplicates(tmp_path: Path) -> None:
    log_path = tmp_path / "events.csv"
    log_path.write_bytes(DEMO_EVENTS.read_bytes())
    export = read_export(write_export(tmp_path / "acled.csv", ACLED_COLUMNS, ACLED_ROWS))
    mapping = guess_mapping(export).mapping
    # Without the id, three of the four shelling events would be taken for the first one.
    no_id = ImportMapping({k: v for k, v in mapping.columns.items() if k != "id"}, mapping.date_format)
    by_content = plan_import(export, no_id, load_events(log_path), now=NOW, logged_by="ana")
    assert [(i.row, i.message) for i in by_content.duplicates] == [(r, "same occurred, title and source as row 2") for r in (3, 4, 5)]
    # With it, all four are kept; an id already seen (earlier in the file or in the log) is the duplicate.
    plan = plan_import(export, mapping, load_events(log_path), now=NOW, logged_by="ana")
    assert (plan.row_numbers, plan.duplicates) == ([2, 3, 4, 5, 6], [])
    run_import(log_path, plan, now=NOW)
    log = load_events(log_path)
    assert not log.problems and all(log.has_id(f"UKR25010{n}") for n in range(1, 6))
    again = plan_import(export, mapping, log, now=NOW, logged_by="ana")
    assert again.rows == []
    assert [(i.row, i.message) for i in again.duplicates][:1] == [(2, "duplicate id 'UKR250101' (already in the event log)")]
    assert len(again.duplicates) == 5
    twice = write_export(tmp_path / "twice.csv", ACLED_COLUMNS, [ACLED_ROWS[0], ACLED_ROWS[0] | {"location": "Nikopol city"}])
    plan = plan_import(read_export(twice), mapping, EventLog.empty(), now=NOW, logged_by="ana")
    assert [(i.row, i.message) for i in plan.duplicates] == [(3, "duplicate id 'UKR250101' (already in row 2)")]


# --- dates ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("01 July 2025", '; --date-format "%d %B %Y" reads it'),
        ("20250701", '; --date-format "%Y%m%d" reads it'),
        ("25/07/2025", '; --date-format "%d/%m/%Y" reads it'),
        ("07/25/2025", '; --date-format "%m/%d/%Y" reads it'),
        (
            "03/04/2025",
            '; it is ambiguous: --date-format "%d/%m/%Y" reads it as 3 April 2025, --date-format "%m/%d/%Y" reads it as 4 March 2025',
        ),
        ("05/05/2025", '; --date-format "%d/%m/%Y" or --date-format "%m/%d/%Y" reads it'),
        ("2025/07/01", '; --date-format "%Y/%m/%d" reads it'),
        ("last Tuesday", ""),
        ("2025-02-30", ""),  # ISO-shaped but no such day: the log's own message says so
    ],
)
def test_a_date_in_a_common_format_is_named_with_the_format_that_reads_it(value: str, hint: str) -> None:
    assert date_format_hint(value) == hint


def test_a_date_that_fails_names_the_date_format_that_reads_it(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Dates written two ways: no one format is guessed, and each row that is not ISO says which format reads it."""
    rows = [ACLED_ROWS[0] | {"event_date": "2025-07-01"}, ACLED_ROWS[1], ACLED_ROWS[2] | {"event_date": "03/07/2025"}]
    write_export(workspace / "acled.csv", ACLED_COLUMNS, rows)
    code, out, err = run(capsys, "import", "acled.csv", "--dry-run")
    assert code == 1
    assert err == (
        'acled.csv: row 3: error: event_date "01 July 2025" is not a date in the default format; --date-format "%d %B %Y" reads it\n'
        'acled.csv: row 4: error: event_date "03/07/2025" is not a date in the default format; it is ambiguous: '
        '--date-format "%d/%m/%Y" reads it as 3 July 2025, --date-format "%m/%d/%Y" reads it as 7 March 2025\n'
    )
    assert "dates read as" not in out.splitlines()[0]
    code, out, err = run(capsys, "import", "acled.csv", "--dry-run", "--date-format", "%d %B %Y")
    assert err == (
        'acled.csv: row 4: error: event_date "03/07/2025" does not match --date-format "%d %B %Y"; it is ambiguous: '
        '--date-format "%d/%m/%Y" reads it as 3 July 2025, --date-format "%m/%d/%Y" reads it as 7 March 2025\n'
    )  # row 2 is ISO: read as it is
    assert out.splitlines()[1] == "acled.csv: 3 row(s): 2 to append, 1 with errors, 0 duplicate(s) skipped"


# --- the command ---------------------------------------------------------------------------
def test_tracker_import_says_what_it_guessed_and_a_second_import_adds_nothing(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_export(workspace / "acled.csv", ACLED_COLUMNS, ACLED_ROWS)
    code, out, err = run(capsys, "import", "acled.csv")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"acled.csv: {ACLED_GUESS} (--map FIELD=COLUMN and --date-format override)"
    assert lines[1] == "acled.csv: 5 row(s): 5 to append, 0 with errors, 0 duplicate(s) skipped"
    assert lines[-1] == "Appended 5 event(s) to data/events.csv in one step."
    code, out, err = run(capsys, "import", "acled.csv")
    assert (code, out.splitlines()[1]) == (0, "acled.csv: 5 row(s): 0 to append, 0 with errors, 5 duplicate(s) skipped")
    assert err.splitlines()[0] == "acled.csv: row 2: skipped: duplicate id 'UKR250101' (already in the event log)"
    assert len(load_events(Path("data/events.csv"))) == len(load_events(DEMO_EVENTS)) + 5


def test_tracker_import_of_a_gdelt_export(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_export(workspace / "gdelt.csv", GDELT_COLUMNS, GDELT_ROWS)
    code, out, err = run(capsys, "import", "gdelt.csv", "--map", "tags=", "--map", "notes=Goldstein {GoldsteinScale}")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "gdelt.csv: looks like a GDELT 2.0 events export: GLOBALEVENTID -> id, SQLDATE -> occurred, "
        "{Actor1Name} - CAMEO {EventCode} - {Actor2Name} -> title, Actor1Name -> actors, Actor2Name -> targets, "
        "SOURCEURL -> source; dates read as %Y%m%d (--map FIELD=COLUMN and --date-format override)"
    )  # only what was guessed: tags and notes were given
    log = load_events(Path("data/events.csv"))
    event = log.event(log.position("1250000001") or 0)
    assert (event.occurred, event.tags, event.notes) == ("2025-07-01", (), "Goldstein -10.0")


def test_id_column_marks_the_exports_own_id(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A colleague's spreadsheet: the id is not guessed from its name, --id-column says which column it is."""
    text = "Ref,Date,Headline,URL\n" + "".join(
        f"CS-{n},2025-07-01,Russian forces shelled Nikopol raion,https://example.org/report\n" for n in range(1, 5)
    )
    Path("sheet.csv").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import", "sheet.csv", "--dry-run")
    assert out.splitlines()[1] == "sheet.csv: 4 row(s): 1 to append, 0 with errors, 3 duplicate(s) skipped"
    assert err.splitlines()[0] == "sheet.csv: row 3: skipped: same occurred, title and source as row 2"
    code, out, err = run(capsys, "import", "sheet.csv", "--id-column", "Ref")
    assert (code, err, out.splitlines()[1]) == (0, "", "sheet.csv: 4 row(s): 4 to append, 0 with errors, 0 duplicate(s) skipped")
    assert out.splitlines()[0].startswith("sheet.csv: guessed from the column names: Date -> occurred, Headline -> title")
    code, out, err = run(capsys, "import", "sheet.csv", "--id-column", "Ref")
    assert out.splitlines()[1] == "sheet.csv: 4 row(s): 0 to append, 0 with errors, 4 duplicate(s) skipped"


# --- saved mappings ------------------------------------------------------------------------
def test_a_dry_run_saves_the_mapping_and_a_later_import_reuses_it(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_export(workspace / "acled.csv", ACLED_COLUMNS, ACLED_ROWS)
    code, out, _ = run(capsys, "import", "acled.csv", "--dry-run", "--map", "notes=", "--save-mapping", "acled.json")
    assert code == 0 and out.endswith(
        "Dry run: nothing was written.\nSaved the mapping as acled.json; use it again with --mapping acled.json.\n"
    )
    saved = json.loads(Path("acled.json").read_text(encoding="utf-8"))
    assert saved["date_format"] == "%d %B %Y" and "notes" not in saved["columns"] and saved["columns"]["id"] == "event_id_cnty"
    assert Path("data/events.csv").read_bytes() == DEMO_EVENTS.read_bytes()
    # By name, beside the log, too.
    code, out, _ = run(capsys, "import", "acled.csv", "--dry-run", "--save-mapping", "acled")
    assert out.endswith("Saved the mapping as data/import-mappings/acled.json; use it again with --mapping acled.\n")
    code, out, err = run(capsys, "import", "acled.csv", "--mapping", "acled.json")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "acled.csv: 5 row(s): 5 to append, 0 with errors, 0 duplicate(s) skipped"  # nothing guessed
    log = load_events(Path("data/events.csv"))
    assert log.event(log.position("UKR250105") or 0).notes == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "tracker: bad.json: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ('{"columns": {"when": "event_date"}}', "tracker: bad.json: columns.when: the log has no field 'when'; the log's fields are"),
        ('{"columns": {"occurred": "event_date"}, "dateformat": "%Y"}', "tracker: bad.json: unknown key 'dateformat'"),
        (
            '{"columns": {"occurred": "evnt_date", "title": "notes", "source": "source"}}',
            "tracker: the mapping cannot be used:\n  occurred=evnt_date: the export has no column 'evnt_date'; did you mean 'event_date'?",
        ),
    ],
)
def test_a_bad_mapping_file_is_a_clear_message(text: str, message: str, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_export(workspace / "acled.csv", ACLED_COLUMNS, ACLED_ROWS)
    Path("bad.json").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import", "acled.csv", "--mapping", "bad.json", "--dry-run")
    assert (code, out) == (2, "")
    assert err.startswith(message)
