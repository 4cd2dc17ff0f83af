"""`tracker log | correct | retract | import`: what the user sees for good and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, demo_workspace
from tests.conftest import last_logged_row as _last_row
from tests.conftest import run_cli as run
from tests.exports import ACLED_MAP, write_acled
from tracker.log.reader import load_events

PULLBACK = ["--occurred", "2021-12-20", "--title", "Russia pulls back some troops", "--source", "Reuters, 20 Dec 2021"]
PULLBACK += ["--actors", "Russia", "--tags", "de-escalation;military", "--by", "ana", "--as-of", "2021-12-27"]


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_workspace(tmp_path, monkeypatch)


# The line a half-written row appended to the demo log stands on.
HALF_LINE = len(DEMO_EVENTS.read_bytes().splitlines()) + 1


def test_log_prints_the_new_id_and_the_impact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "log", *PULLBACK)
    row = _last_row()
    assert (code, err) == (0, "")
    assert out == (
        f"Logged {row['id']} (a new event) to data/events.csv\n"
        "Impact as of 2021-12-27:\n"
        "  this would avert joint-sanctions-christmas-2021 (now triggered)\n"
    )
    assert (row["tags"], row["logged_by"], row["corrects"]) == ("de-escalation;military", "ana", "")
    assert load_events(Path("data/events.csv")).problems == []


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--occurred", "", "occurred: is empty; give a date like 2022-02-22 or a datetime with offset like 2022-02-22T15:00:00Z"),
        ("--occurred", "2021-02-29", "occurred: '2021-02-29' is not a real date (expected YYYY-MM-DD)"),
        (
            "--occurred",
            "yesterday",
            "occurred: 'yesterday' is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)",
        ),
        (
            "--occurred",
            "2021-12-20 10:00",
            "occurred: '2021-12-20 10:00' has no time zone offset; add one, e.g. 2021-12-20 10:00Z or 2021-12-20 10:00+01:00",
        ),
        ("--title", " ", "title: is empty; say what happened"),
        ("--source", "", "source: is empty; cite a publisher and title, or a link"),
    ],
)
def test_log_refuses_bad_fields_and_writes_nothing(capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str) -> None:
    before = Path("data/events.csv").read_bytes()
    argv = list(PULLBACK)
    argv[argv.index(flag) + 1] = value
    code, out, err = run(capsys, "log", *argv)
    assert (code, out, err) == (2, "", f"tracker: error: {message}\ntracker: nothing was written\n")
    assert Path("data/events.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        (["log", "--occurred", "2021-12-20"], "tracker: the following arguments are required: --title, --source"),
        ([*PULLBACK[:-2], "--as-of", "soon"], None),
        (["log", *PULLBACK, "--by", " "], "tracker: --by: is empty; say who is logging"),
        (["log", *PULLBACK, "--colour", "red"], "tracker: unrecognized arguments: --colour red"),
    ],
)
def test_log_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], first_line: str | None) -> None:
    if first_line is None:
        argv, first_line = (
            ["log", *argv],
            "tracker: --as-of: 'soon' is not a date (2021-12-20) or a datetime with offset (2021-12-20T12:00:00Z)",
        )
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == first_line


def test_log_into_a_missing_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "log", *PULLBACK, "--events", "nowhere/events.csv")
    assert (code, out) == (1, "")
    assert err == "tracker: cannot write nowhere/events.csv: the folder nowhere does not exist\n"


def test_log_into_a_new_file_creates_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "log", *PULLBACK, "--events", "data/new.csv", "--scenarios", "missing")
    assert code == 0 and out.endswith("No scenarios found, so no impact to show.\n")
    assert len(load_events(Path("data/new.csv"))) == 1


def test_log_repairs_a_half_written_line_first(capsys: pytest.CaptureFixture[str]) -> None:
    with Path("data/events.csv").open("a") as handle:
        handle.write("01930000-half,2021-12-2")
    code, out, err = run(capsys, "log", *PULLBACK)
    assert code == 0 and out.startswith("Logged ")
    assert err.startswith(f"tracker: warning: data/events.csv:{HALF_LINE}: the last line was half-written (it has no line end)")
    quarantined = list(Path("data").glob("events.csv.partial-*"))
    assert len(quarantined) == 1 and quarantined[0].read_text() == "01930000-half,2021-12-2"
    assert load_events(Path("data/events.csv")).problems == []


def test_correct_and_retract(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "log", *PULLBACK)
    original = _last_row()["id"]
    code, out, err = run(capsys, "correct", original, "--occurred", "2021-12-27", "--by", "ben", "--as-of", "2021-12-28")
    correction = _last_row()
    assert (code, err) == (0, "")
    assert out == (
        f"Logged {correction['id']} (a correction of {original}) to data/events.csv\n"
        "Impact as of 2021-12-28:\n"
        "  this would trigger joint-sanctions-christmas-2021 (now averted)\n"
    )
    assert (correction["corrects"], correction["occurred"], correction["title"]) == (
        original,
        "2021-12-27",
        "Russia pulls back some troops",
    )
    code, out, _ = run(capsys, "correct", correction["id"], "--title", "Russia pulls back troops", "--by", "ben")
    assert code == 0 and f"(a correction of {original})" in out  # a correction of a correction: same event
    code, out, _ = run(capsys, "retract", original, "--reason", "Reuters withdrew the story", "--by", "cy", "--as-of", "2021-12-28")
    retraction = _last_row()
    assert code == 0 and out.startswith(f"Logged {retraction['id']} (a retraction of {original}) to data/events.csv\n")
    assert (retraction["retracts"], retraction["notes"]) == (original, "Reuters withdrew the story")
    log = load_events(Path("data/events.csv"))
    assert log.problems == [] and not log.has_id(original)
    assert [v.kind for v in log.history(original)] == ["original", "correction", "correction", "retraction"]


def test_log_and_correct_the_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "log", *PULLBACK, "--kind", "Action")
    original = _last_row()
    assert (code, err, original["kind"]) == (0, "", "action")
    code, out, err = run(capsys, "correct", original["id"], "--kind", "statement", "--by", "ben")
    correction = _last_row()
    assert (code, err) == (0, "")
    assert out.startswith(f"Logged {correction['id']} (a correction of {original['id']})")
    assert (correction["corrects"], correction["kind"], correction["title"]) == (
        original["id"],
        "statement",
        "Russia pulls back some troops",
    )
    assert load_events(Path("data/events.csv")).problems == []
    code, out, err = run(capsys, "log", *PULLBACK, "--kind", "decison")
    assert (code, out) == (2, "")
    assert err == (
        "tracker: error: kind: 'decison' is not a kind of event; did you mean 'decision'? "
        "(the kinds are threat, statement, proposal, decision, in-force, action, report)\ntracker: nothing was written\n"
    )


def test_correct_and_retract_errors(capsys: pytest.CaptureFixture[str]) -> None:
    event = "2021-12-07-biden-putin-video-call"
    cases = [
        (
            ["correct", event],
            2,
            "tracker: give at least one field to change: --occurred, --title, --source, --actors, --targets, --tags, --notes or --kind",
        ),
        (["correct", "nope", "--title", "x"], 1, "tracker: no event with id 'nope' in the event log"),
        (
            ["correct", event, "--occurred", "2021-12-07"],
            2,
            f"tracker: nothing to correct: the values given are already those of {event!r}",
        ),
        (
            ["correct", event, "--occurred", "7 Dec"],
            2,
            "tracker: error: occurred: '7 Dec' is not a date (2022-02-22) or an ISO 8601 datetime with offset (2022-02-22T15:00:00Z)",
        ),
        (
            ["correct", event, "--kind", "decison"],
            2,
            "tracker: error: kind: 'decison' is not a kind of event; did you mean 'decision'? "
            "(the kinds are threat, statement, proposal, decision, in-force, action, report)",
        ),
        (["retract", event, "--reason", " "], 2, "tracker: --reason: is empty; say why the event is retracted"),
        (["retract", event], 2, "tracker: the following arguments are required: --reason"),
        (
            ["retract", event, "--reason", "why", "--source", ""],
            2,
            "tracker: error: source: is empty; cite a publisher and title, or a link",
        ),
    ]
    before = Path("data/events.csv").read_bytes()
    for argv, expected_code, first_line in cases:
        code, out, err = run(capsys, *argv, "--by", "ana")
        assert (code, out, err.splitlines()[0]) == (expected_code, "", first_line), argv
    assert Path("data/events.csv").read_bytes() == before
    run(capsys, "retract", event, "--reason", "misdated", "--by", "ana")
    code, _, err = run(capsys, "retract", event, "--reason", "again", "--by", "ana")
    assert (code, err) == (1, f"tracker: event {event!r} was retracted by '{_last_row()['id']}' (misdated)\n")


def test_import_with_a_saved_mapping(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    write_acled(workspace / "acled.csv", 40, {5: {"event_date": "2022-02-30"}})
    maps = [arg for m in ACLED_MAP for arg in ("--map", m)]
    code, out, err = run(capsys, "import", "acled.csv", *maps, "--mapping", "acled", "--dry-run", "--by", "ana")
    assert code == 1
    assert err == "acled.csv: row 7: error: occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)\n"
    assert out.splitlines()[0] == "acled.csv: 40 row(s): 39 to append, 1 with errors, 0 duplicate(s) skipped"
    assert out.endswith("Dry run: nothing was written.\n")
    assert Path("data/events.csv").read_bytes() == DEMO_EVENTS.read_bytes()
    assert not Path("data/import-mappings").exists()  # a dry run saves nothing either

    code, out, err = run(capsys, "import", "acled.csv", *maps, "--mapping", "acled", "--by", "ana")
    assert code == 1
    assert "Appended 39 event(s) to data/events.csv in one step.\n" in out
    assert out.endswith("Saved the mapping as data/import-mappings/acled.json.\n")
    assert json.loads(Path("data/import-mappings/acled.json").read_text())["columns"]["occurred"] == "event_date"

    code, out, err = run(capsys, "import", "acled.csv", "--mapping", "acled", "--by", "ana")
    assert code == 1
    assert out.splitlines()[0] == "acled.csv: 40 row(s): 0 to append, 1 with errors, 39 duplicate(s) skipped"
    assert err.splitlines()[1] == "acled.csv: row 2: skipped: duplicate id 'acled-UKR10000' (already in the event log)"
    assert "... and 19 more duplicate rows skipped" in err
    assert "Nothing to append." in out and "Saved the mapping" not in out
    assert len(load_events(Path("data/events.csv"))) == len(load_events(DEMO_EVENTS)) + 39


KINDS = "(the kinds are threat, statement, proposal, decision, in-force, action, report)"


def test_import_maps_an_event_type_column_to_kind(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    types = ["Decision", "in-force", "", "decison", "Strategic developments"]
    write_acled(workspace / "acled.csv", 5, {n: {"event_type": value} for n, value in enumerate(types)})
    maps = [arg for m in [*ACLED_MAP, "kind=event_type"] for arg in ("--map", m)]
    code, out, err = run(capsys, "import", "acled.csv", *maps, "--by", "ana")
    assert code == 1
    assert err == (
        f"acled.csv: row 5: error: kind: 'decison' is not a kind of event; did you mean 'decision'? {KINDS}\n"
        f"acled.csv: row 6: error: kind: 'strategic developments' is not a kind of event; did you mean 'statement'? {KINDS}\n"
    )
    assert out.splitlines()[0] == "acled.csv: 5 row(s): 3 to append, 2 with errors, 0 duplicate(s) skipped"
    log = load_events(Path("data/events.csv"))
    assert log.problems == []
    kinds = {event_id: log.event(log.position(event_id)).kind for event_id in ("acled-UKR10000", "acled-RUS10001", "acled-BEL10002")}
    assert kinds == {"acled-UKR10000": "decision", "acled-RUS10001": "in-force", "acled-BEL10002": ""}  # blank: no kind
    assert not log.has_id("acled-UKR10003") and not log.has_id("acled-RUS10004")


def test_import_usage_errors(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    write_acled(workspace / "acled.csv", 3, {})
    Path("colleague.csv").write_text("Date,URL\n2022-02-22,https://example.org/a\n")
    cases = [
        (
            ["import", "acled.csv", "--mapping", "acled"],
            "tracker: no saved mapping 'acled' in data/import-mappings (saved: none yet); give the columns with --map FIELD=COLUMN",
        ),
        (
            ["import", "acled.csv", "--map", "when=event_date"],
            "tracker: --map 'when=event_date': the log has no field 'when'; "
            "the log's fields are id, occurred, title, actors, targets, tags, source, notes, kind",
        ),
        (
            ["import", "acled.csv", "--id-column", "event_id_cnt"],
            "tracker: --id-column 'event_id_cnt': the export has no column 'event_id_cnt'; did you mean 'event_id_cnty'?",
        ),
        (
            ["import", "acled.csv", "--id-column", "event_id_cnty", "--map", "id=acled-{event_id_cnty}"],
            "tracker: give the export's id once: --id-column COLUMN or --map id=COLUMN, not both",
        ),
        (
            ["import", "acled.csv", "--mapping", "mappings/acled.json"],
            "tracker: --mapping mappings/acled.json: no such file; save one with --dry-run --save-mapping mappings/acled.json",
        ),
        (
            ["import", "acled.csv", "--save-mapping", "ACLED 2025"],
            "tracker: --save-mapping 'ACLED 2025': use lower-case letters, digits, - and _ (e.g. acled)",
        ),
        (
            ["import", "acled.csv", "--save-mapping", "nowhere/acled.json"],
            "tracker: --save-mapping nowhere/acled.json: no such folder; name a .json file",
        ),
        (["import", "nope.csv", "--map", "occurred=x"], None),
    ]
    for argv, first_line in cases:
        code, out, err = run(capsys, *argv, "--by", "ana")
        if first_line is None:
            assert (code, err) == (1, "tracker: nope.csv: no such file\n")
            continue
        assert (code, out, err.splitlines()[0]) == (2, "", first_line), argv
    # What was guessed is said first, then what is missing.
    assert run(capsys, "import", "colleague.csv") == (
        2,
        "colleague.csv: guessed from the column names: Date -> occurred, URL -> source (--map FIELD=COLUMN and --date-format override)\n",
        "tracker: the mapping cannot be used:\n  title is not mapped; add e.g. --map title=COLUMN\n",
    )
    code, _, err = run(capsys, "import", "acled.csv", "--map", "occurred=event_dat", "--map", "title=notes", "--map", "source=source")
    assert err == (
        "tracker: the mapping cannot be used:\n  occurred=event_dat: the export has no column 'event_dat'; did you mean 'event_date'?\n"
    )


def test_repair(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "repair") == (0, "data/events.csv: nothing to repair; its last line is complete.\n", "")
    with Path("data/events.csv").open("a") as handle:
        handle.write('x,2022-02-22,"Half')
    code, out, err = run(capsys, "repair")
    assert (code, err) == (0, "")
    assert out.startswith(
        f"data/events.csv:{HALF_LINE}: the last line was half-written (it has no line end), probably by a crash while saving."
    )
    assert Path("data/events.csv").read_bytes() == DEMO_EVENTS.read_bytes()
