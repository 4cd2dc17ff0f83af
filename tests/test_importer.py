"""Imports: ACLED- and GDELT-shaped exports of a few thousand rows, bad rows reported by row number."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DEMO_EVENTS
from tests.exports import ACLED_COLUMNS, ACLED_MAP, GDELT_COLUMNS, GDELT_MAP, write_acled, write_gdelt
from tracker.log.events import COLUMNS, EventLog
from tracker.log.importer import (
    ExportTable,
    ImportMapping,
    MappingError,
    ReadProblem,
    SavedMapping,
    load_mapping,
    mapping_errors,
    mappings_folder,
    parse_map_options,
    plan_import,
    read_export,
    read_export_data,
    run_import,
    save_mapping,
    suggest_date_format,
    suggest_mapping,
)
from tracker.log.reader import load_events
from tracker.problems import TrackerError

NOW = dt.datetime(2022, 3, 1, 9, 0, tzinfo=dt.UTC)
ACLED_ROWS = 3000


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _log_copy(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "events.csv"
    path.parent.mkdir()
    path.write_bytes(DEMO_EVENTS.read_bytes())
    return path


def test_an_acled_export_reports_bad_rows_by_number_and_appends_the_rest(tmp_path: Path) -> None:
    export = tmp_path / "acled.csv"
    broken = {
        10: {"event_date": "2022-02-30"},
        11: {"event_date": ""},
        500: {"notes": "  "},
        1234: {"source": ""},
        2998: {"event_date": "24 February 2022"},
        40: {"event_id_cnty": "UKR10003"},  # the id of row 3 again: a duplicate, skipped
    }
    write_acled(export, ACLED_ROWS, broken)
    log_path = _log_copy(tmp_path)
    mapping = ImportMapping(parse_map_options(ACLED_MAP))
    plan = plan_import(read_export(export), mapping, load_events(log_path), now=NOW, logged_by="importer")
    assert [(i.row, i.message) for i in plan.failed] == [
        (12, "occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)"),
        (13, "occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z"),
        (502, "title: is empty; say what happened"),
        (1236, "source: is empty; cite a publisher and title, or a link"),
        (3000, 'event_date "24 February 2022" is not a date in the default format; --date-format "%d %B %Y" reads it'),
    ]
    assert [(i.row, i.message) for i in plan.duplicates] == [(42, "duplicate id 'acled-UKR10003' (already in row 5)")]
    assert len(plan.rows) == ACLED_ROWS - 6
    receipt = run_import(log_path, plan, now=NOW)
    assert len(receipt.written) == ACLED_ROWS - 6
    loaded = load_events(log_path)
    assert loaded.problems == []
    assert len(loaded) == len(load_events(DEMO_EVENTS)) + ACLED_ROWS - 6
    first = loaded.event(loaded.position("acled-UKR10000") or 0)
    assert (first.occurred, first.actors[0], first.tags) == ("2022-02-01", "Protesters (Ukraine)", ("Protests", "Peaceful protest"))
    assert set(first.targets) <= {"Civilians (International)", "Police Forces of Russia (2000-)"}
    assert first.notes.startswith("Kyiv, Kyiv City, Ukraine; fatalities: ")
    assert first.title.startswith("On 1 February 2022, event 0: peaceful protest in Kyiv")
    assert first.extra["logged_by"] == "importer"
    # Importing the same export again appends nothing: every good row is a duplicate now.
    again = plan_import(read_export(export), mapping, loaded, now=NOW, logged_by="importer")
    assert again.rows == [] and len(again.duplicates) == ACLED_ROWS - 5


def test_a_gdelt_export_with_compact_dates(tmp_path: Path) -> None:
    export = tmp_path / "gdelt.csv"
    write_gdelt(export, 2000, {7: {"SQLDATE": "20220230"}, 8: {"SOURCEURL": ""}, 1999: {"SQLDATE": "2022-02-01"}})
    log_path = _log_copy(tmp_path)
    mapping = ImportMapping(parse_map_options(GDELT_MAP), date_format="%Y%m%d")
    plan = plan_import(read_export(export), mapping, load_events(log_path), now=NOW, logged_by="importer")
    assert [(i.row, i.message) for i in plan.failed] == [
        (9, 'SQLDATE "20220230" does not match --date-format "%Y%m%d"'),
        (10, "source: is empty; cite a publisher and title, or a link"),
    ]
    assert len(plan.rows) == 1998  # row 2001 is ISO already: accepted as is
    run_import(log_path, plan, now=NOW)
    event = load_events(log_path).event(len(load_events(DEMO_EVENTS)))
    assert (event.id, event.occurred, event.targets) == ("gdelt-1028000000", "2022-02-01", ("RUSSIA",))
    assert event.title.endswith(" - RUSSIA") and event.tags[0].startswith("cameo-0")


def test_a_tab_separated_export(tmp_path: Path) -> None:
    export = tmp_path / "gdelt.tsv"
    export.write_text("GLOBALEVENTID\tSQLDATE\tActor1Name\tSOURCEURL\n1028000001\t20220224\tUNITED STATES, THE\thttps://example.org/a\n")
    mapping = ImportMapping(parse_map_options(["occurred=SQLDATE", "title={Actor1Name} acts", "source=SOURCEURL"]), "%Y%m%d")
    plan = plan_import(read_export(export), mapping, EventLog.empty(), now=NOW, logged_by="x")
    assert [(r["occurred"], r["title"]) for r in plan.rows] == [("2022-02-24", "UNITED STATES, THE acts")]


def test_same_occurred_title_and_source_counts_as_a_duplicate(tmp_path: Path) -> None:
    export = tmp_path / "colleague.csv"
    export.write_text(
        "date,what,where\n"
        "2021-12-07,Biden-Putin video call,The White House\n"
        "2021-12-07,Biden-Putin video call,The White House\n"
        '2021-12-16,"European Council: any further military aggression against Ukraine will have massive consequences and severe cost, '
        "including restrictive measures coordinated with partners\",\"Euronews: EU leaders warn Moscow of 'massive consequences' if it "
        "invades Ukraine <https://www.euronews.com/my-europe/2021/12/16/eu-leaders-to-discuss-booster-jabs-energy-prices-and-russian-"
        'aggression-at-council-summit>"\n'
    )
    mapping = ImportMapping({"occurred": "date", "title": "what", "source": "where"})
    plan = plan_import(read_export(export), mapping, load_events(DEMO_EVENTS), now=NOW, logged_by="x")
    assert [(i.row, i.message) for i in plan.duplicates] == [
        (3, "same occurred, title and source as row 2"),
        (4, "same occurred, title and source as event '2021-12-16-european-council-warning' in the event log"),
    ]
    assert plan.row_numbers == [2]


def test_row_numbers_are_spreadsheet_rows(tmp_path: Path) -> None:
    export = tmp_path / "notes.csv"
    export.write_text('date,what,src\n2022-01-01,"two\nlines",s\n\n2022-13-01,bad,s\n')
    plan = plan_import(
        read_export(export), ImportMapping({"occurred": "date", "title": "what", "source": "src"}), EventLog.empty(), now=NOW, logged_by="x"
    )
    assert [(i.row, i.message) for i in plan.failed] == [
        (2, "title: contains a line break; write it on one line (the log keeps one event per line so git can merge it)"),
        (4, "occurred: '2022-13-01' is not a real date (expected YYYY-MM-DD)"),
    ]


def test_an_excel_export(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    sheet = book.create_sheet("Events")
    sheet.append(["When", "Event", "Source", "Count"])
    sheet.append([dt.datetime(2022, 2, 22), "EU first package", "Council", 3])
    sheet.append(["22/02/2022", "Typed by hand", "Council", 1.0])
    sheet.append([dt.datetime(2022, 2, 22, 15, 30), "Timed, no zone", "Council", None])
    sheet.append([None, None, None, None])
    sheet.append([dt.date(2022, 2, 23), "Next day", "Council", 2.5])
    path = tmp_path / "events.xlsx"
    book.save(path)
    export = read_export(path, sheet="Events")
    assert export.rows[0] == (2, ["2022-02-22", "EU first package", "Council", "3"])
    mapping = ImportMapping({"occurred": "When", "title": "Event", "source": "Source", "notes": "count: {Count}"})
    plan = plan_import(export, mapping, EventLog.empty(), now=NOW, logged_by="x")
    assert [(i.row, i.message) for i in plan.failed] == [
        (3, 'When "22/02/2022" is not a date in the default format; --date-format "%d/%m/%Y" reads it'),
        (4, "occurred: '2022-02-22T15:30:00' has no time zone offset; add one, e.g. 2022-02-22T15:30:00Z or 2022-02-22T15:30:00+01:00"),
    ]
    assert plan.row_numbers == [2, 6]
    assert [r["notes"] for r in plan.rows] == ["count: 3", "count: 2.5"]
    with pytest.raises(TrackerError, match=r"^events\.xlsx: no sheet 'Nope'; the sheets are Summary, Events$"):
        read_export(path, sheet="Nope")
    uploaded = read_export_data("upload.xlsx", path.read_bytes(), sheet="Events")  # the dashboard's upload
    assert uploaded.rows == export.rows and uploaded.path == Path("upload.xlsx")
    with pytest.raises(TrackerError, match=r"^upload\.csv: a sheet can be chosen in Excel workbooks only$"):
        read_export_data("upload.csv", b"a,b\n", sheet="Events")


def test_unreadable_exports(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_text("x")
    with pytest.raises(TrackerError, match=r"^a\.pdf: not a CSV \(\.csv, \.tsv\) or Excel \(\.xlsx\) file$"):
        read_export(tmp_path / "a.pdf")
    # A cell that is not UTF-8 fails its row only (tests/test_import_hostile.py); in the header, the whole file.
    (tmp_path / "b.csv").write_bytes("date,what\n2022-01-01,Caf\xe9\n".encode("latin-1"))
    problem = ReadProblem(2, "what", "column 'what': not UTF-8 text; save the export as CSV UTF-8")
    assert read_export(tmp_path / "b.csv").problems == [problem]
    (tmp_path / "b.csv").write_bytes("date,quoi de neuf\xa0?\n".encode("latin-1"))
    with pytest.raises(TrackerError, match=r"^b\.csv: row 1 \(the header\), column 2 \(B\): not UTF-8 text; save the export as CSV UTF-8$"):
        read_export(tmp_path / "b.csv")
    (tmp_path / "c.csv").write_text("\n\n")
    with pytest.raises(TrackerError, match=r"^c\.csv: the first row should name the columns, but it is empty$"):
        read_export(tmp_path / "c.csv")
    (tmp_path / "d.csv").write_text("a,b,a\n")
    with pytest.raises(TrackerError, match=r"^d\.csv: the header repeats column\(s\) a$"):
        read_export(tmp_path / "d.csv")
    (tmp_path / "e.xlsx").write_text("not a zip")
    with pytest.raises(TrackerError, match=r"^e\.xlsx: not a readable Excel workbook"):
        read_export(tmp_path / "e.xlsx")
    with pytest.raises(TrackerError, match=r"^missing\.csv: no such file$"):
        read_export(tmp_path / "missing.csv")


def test_mapping_mistakes_are_named() -> None:
    header = ["event_date", "notes", "source", "actor1"]
    assert mapping_errors(ImportMapping({"occurred": "event_dat", "title": "{note} ({actor1})"}, "Ymd"), header) == [
        "source is not mapped; add e.g. --map source=COLUMN",
        "occurred=event_dat: the export has no column 'event_dat'; did you mean 'event_date'?",
        "title={note} ({actor1}): the export has no column 'note'; did you mean 'notes'?",
        "date format 'Ymd' has no % codes; write it like %Y%m%d or %d %B %Y",
    ]
    with pytest.raises(MappingError, match=r"^--map 'titel=notes': the log has no field 'titel'; did you mean 'title'\?$"):
        parse_map_options(["titel=notes"])
    with pytest.raises(MappingError, match=r"^--map 'occurred': write FIELD=COLUMN, e\.g\. --map occurred=event_date$"):
        parse_map_options(["occurred"])
    with pytest.raises(MappingError, match=r"^the mapping cannot be used:\n  occurred is not mapped"):
        plan_import(read_export_of(header), ImportMapping({"title": "notes", "source": "source"}), EventLog.empty(), now=NOW, logged_by="x")


def read_export_of(header: list[str]) -> ExportTable:
    return ExportTable(Path("x.csv"), header, [])


def test_saved_mappings_are_remembered_and_updated(tmp_path: Path) -> None:
    log_path = _log_copy(tmp_path)
    folder = mappings_folder(log_path)
    assert folder == tmp_path / "data" / "import-mappings"
    assert load_mapping(folder, "acled") is None
    mapping = ImportMapping(parse_map_options(ACLED_MAP))
    saved = save_mapping(folder, "acled", mapping)
    assert saved == folder / "acled.json"
    assert load_mapping(folder, "acled") == mapping
    updated = mapping.merged(parse_map_options(["notes=", "title={event_type} in {location}"]), "%Y-%m-%d")
    assert "notes" not in updated.columns and updated.columns["title"] == "{event_type} in {location}"
    assert updated.date_format == "%Y-%m-%d"
    (folder / "broken.json").write_text("{")
    with pytest.raises(MappingError, match=r"^data/import-mappings/broken\.json: not valid JSON"):
        load_mapping(folder, "broken")
    (folder / "odd.json").write_text('{"columns": {"title": 3}}')
    with pytest.raises(MappingError, match="every entry of columns must map a log field to a column name"):
        load_mapping(folder, "odd")
    with pytest.raises(MappingError, match=r"^--mapping 'ACLED 2022': use lower-case letters, digits, - and _ \(e\.g\. acled\)$"):
        load_mapping(folder, "ACLED 2022")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", 'x.json: not a saved mapping; expected {"columns": {"occurred": "...", ...}}'),
        ('{"date_format": "%Y"}', 'x.json: columns is missing; expected {"columns": {"occurred": "...", ...}}'),
        ('{"columns": ["occurred"]}', 'x.json: columns must be an object, {"columns": {"occurred": "...", ...}}, not a list'),
        (
            '{"columns": {"occurred": "date", "titel": "what", "title": 3}}',
            "x.json: columns.titel: the log has no field 'titel'; did you mean 'title'?\n"
            "x.json: columns.title: every entry of columns must map a log field to a column name (text), not the number 3",
        ),
        (
            '{"columns": {"when": "date"}}',
            "x.json: columns.when: the log has no field 'when'; the log's fields are " + ", ".join([*COLUMNS, "kind"]),
        ),
        ('{"columns": {}, "date_format": 8}', "x.json: date_format must be text such as %Y%m%d, not the number 8"),
        ('{"columns": {}, "Date_Format": "%Y"}', "x.json: unknown key 'Date_Format'; expected columns and date_format"),
        ("[" * 100_000 + "]" * 100_000, "x.json: larger than 64 KiB; a mapping names a few columns"),
        ("[" * 30_000 + "]" * 30_000, "x.json: not a mapping file (nested too deep)"),
        ('{"columns": {,}}', "x.json: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 14 (char 13))"),
    ],
)
def test_a_bad_mapping_file_is_refused_at_the_key_that_is_wrong(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a user sees for a hand-edited mapping file that is wrong: the file, the key, what is wrong, what to write."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data" / "import-mappings"
    folder.mkdir(parents=True)
    (folder / "x.json").write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(folder, "x")
    assert str(caught.value) == "\n".join(f"data/import-mappings/{line}" for line in message.split("\n"))


def test_a_saved_mapping_file_is_read_and_written_through_its_model(tmp_path: Path) -> None:
    folder = tmp_path / "import-mappings"
    mapping = ImportMapping({"occurred": "SQLDATE", "title": "{Actor1Name} – «{EventCode}»", "source": "SOURCEURL"}, "%Y%m%d")
    path = save_mapping(folder, "gdelt", mapping)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == {"columns": mapping.columns, "date_format": "%Y%m%d"}
    assert "«{EventCode}»" in text and text.endswith("}\n")  # readable, not \u-escaped
    assert SavedMapping.model_validate_json(text) == SavedMapping(columns=mapping.columns, date_format="%Y%m%d")
    assert load_mapping(folder, "gdelt") == mapping
    with pytest.raises(MappingError, match=r"import-mappings/odd\.json: columns\.who: the log has no field 'who'"):
        save_mapping(folder, "odd", ImportMapping({"who": "Actor1Name"}))
    assert not (folder / "odd.json").exists()


def test_a_mapping_is_suggested_from_the_column_names() -> None:
    # ACLED's and GDELT's columns are mapped as their codebooks describe them.
    assert suggest_mapping(ACLED_COLUMNS) == {
        "id": "event_id_cnty",
        "occurred": "event_date",
        "title": "notes",
        "actors": "{actor1};{assoc_actor_1}",
        "targets": "{actor2};{assoc_actor_2}",
        "tags": "{event_type};{sub_event_type}",
        "source": "source",
        "notes": "{location}, {admin1}, {country}; fatalities: {fatalities}",
    }
    assert suggest_mapping(GDELT_COLUMNS) == {
        "id": "GLOBALEVENTID",
        "occurred": "SQLDATE",
        "title": "{Actor1Name} - CAMEO {EventCode} - {Actor2Name}",
        "actors": "Actor1Name",
        "targets": "Actor2Name",
        "tags": "cameo-{EventRootCode}",
        "source": "SOURCEURL",
    }
    # Each column once; close spellings count; unknown names are left for the user.
    assert suggest_mapping(["Date", "Headline", "URL", "Description", "Titel", "Whatever"]) == {
        "occurred": "Date",
        "title": "Headline",
        "source": "URL",
        "notes": "Description",
    }


def test_kind_is_mapped_from_a_column_or_a_template_and_checked_by_the_loaders_rules() -> None:
    data = (
        "Date,Headline,URL,Kind,Stage\n"
        "2022-02-22,EU adopts first package,https://example.org/1,Decision,force\n"
        "2022-02-23,Package enters into force,https://example.org/2,,force\n"
        "2022-02-24,US threatens more,https://example.org/3,thraet,\n"
    )
    export = read_export_data("kinds.csv", data.encode())
    guessed = suggest_mapping(export.header)
    assert guessed == {"occurred": "Date", "title": "Headline", "source": "URL", "kind": "Kind"}
    plan = plan_import(export, ImportMapping(guessed), EventLog.empty(), now=NOW, logged_by="ana")
    assert [row["kind"] for row in plan.rows] == ["decision", ""]  # written in the log's spelling
    assert [(i.row, i.message) for i in plan.failed] == [
        (
            4,
            "kind: 'thraet' is not a kind of event; did you mean 'threat'? "
            "(the kinds are threat, statement, proposal, decision, in-force, action, report)",
        )
    ]
    templated = ImportMapping({**guessed, "kind": "in-{Stage}"})
    plan = plan_import(export, templated, EventLog.empty(), now=NOW, logged_by="ana")
    assert [row["kind"] for row in plan.rows] == ["in-force", "in-force"]
    assert [i.row for i in plan.failed] == [4]  # "in-" is not a kind either
    assert parse_map_options(["kind=Kind"]) == {"kind": "Kind"}
    with pytest.raises(MappingError, match=r"^--map 'kinds=Kind': the log has no field 'kinds'; did you mean 'kind'\?$"):
        parse_map_options(["kinds=Kind"])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["20220222", "20220301"], "%Y%m%d"),
        (["22 February 2022", "1 March 2022"], "%d %B %Y"),
        (["22/02/2022", "13/03/2022"], "%d/%m/%Y"),
        (["02/03/2022"], None),  # day first or month first: ambiguous, the user says which
        (["2022-02-22", "2022-03-01T10:00:00Z"], None),  # ISO already
        (["20220222", "22 February 2022"], None),  # mixed
        (["", "  "], None),
    ],
)
def test_a_common_date_format_is_suggested(values: list[str], expected: str | None) -> None:
    assert suggest_date_format(values) == expected


def test_tracker_import_names_the_wrong_key_of_a_saved_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tracker.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    log_path = _log_copy(tmp_path)
    write_acled(tmp_path / "acled.csv", 3, {})
    folder = mappings_folder(log_path)
    folder.mkdir()
    (folder / "acled.json").write_text('{"columns": {"occurred": "event_date", "titel": "notes"}}\n', encoding="utf-8")
    code = main(["import", "acled.csv", "--mapping", "acled", "--events", str(log_path), "--dry-run"])
    assert (code, capsys.readouterr().err) == (
        2,
        "tracker: data/import-mappings/acled.json: columns.titel: the log has no field 'titel'; did you mean 'title'?\n",
    )
