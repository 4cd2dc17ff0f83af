"""The assessments ledger (assessments.csv): read with located problems, replayed, and written as durably as the log.

Real files and real processes: `tracker assess` as users run it, ten processes correcting one assessment at once, a
writer paused half-way through its row and killed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, demo_workspace
from tests.test_log_integrity import _race, kill, paused_writer
from tracker.cli import main
from tracker.judgement.ledger import read_judgements
from tracker.judgement.model import Judgements
from tracker.workspace import load_workspace

CHRISTMAS = "joint-sanctions-christmas-2021"
HEADER = "id,scenario,assessed_at,probability,confidence,note,assessed_by,logged_at,corrects\n"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_workspace(tmp_path, monkeypatch)


def ledger(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "assessments.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- reading -------------------------------------------------------------------------------------------------------
GOOD = f"a1,{CHRISTMAS},2021-12-10T09:00:00Z,70,medium,G7 statement,AB,2021-12-10T09:05:00Z,"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"a2,{CHRISTMAS},2021-12-11,170,low,,,,", "3:4: error: probability: '170' is not between 0 and 100 (a percentage)"),
        (f"a2,{CHRISTMAS},2021-12-11,likely,low,,,,", "3:4: error: probability: 'likely' is not a number; give a percentage"),
        (f"a2,{CHRISTMAS},2021-12-11,nan,low,,,,", "3:4: error: probability: 'nan' is not between 0 and 100"),
        (f"a2,{CHRISTMAS},2021-12-11,40,sure,,,,", "3:5: error: confidence: 'sure' is not a confidence; use one of low, medium, high"),
        (f"a2,{CHRISTMAS},11/12/2021,40,low,,,,", "3:3: error: assessed_at: '11/12/2021' is not a date (2025-08-28) or a datetime"),
        (f"a2,{CHRISTMAS},2021-12-11T10:00,40,low,,,,", "3:3: error: assessed_at: '2021-12-11T10:00' has no time zone offset"),
        (f"a2,{CHRISTMAS},2021-12-11,40,low,,,yesterday,", "3:8: error: logged_at: 'yesterday' is not a date"),
        (f",{CHRISTMAS},2021-12-11,40,low,,,,", "3:1: error: id: is empty"),
        ("a2,,2021-12-11,40,low,,,,", "3:2: error: scenario: is empty"),
        (f"a1,{CHRISTMAS},2021-12-11,40,low,,,,", "3:1: error: id: 'a1' is already used (line 2)"),
        (f"a2,{CHRISTMAS},2021-12-11,40,low,,,,zz", "3:9: error: corrects: no earlier assessment has the id 'zz'"),
        ("a2,oil-price-cap-2022,2021-12-11,40,low,,,,a1", "3:2: error: scenario: a correction keeps the scenario of the assessment"),
        (f"a2,{CHRISTMAS},2021-12-11,40,low,,,,,extra", "3:1: error: this row has 10 fields, the header 9"),
    ],
)
def test_a_bad_row_is_located_and_left_out_and_the_others_load(tmp_path: Path, row: str, message: str) -> None:
    path = ledger(tmp_path, GOOD, row, f"a3,{CHRISTMAS},2021-12-12,55,high,,,,")
    read = read_judgements(path)
    assert [j.id for j in read.rows] == ["a1", "a3"]
    assert len(read.problems) == 1
    assert str(read.problems[0]).startswith(f"{os.path.relpath(path)}:{message}"), str(read.problems[0])
    assert str(read.problems[0]).endswith("; the row was left out") or "left out" in str(read.problems[0])


def test_a_header_without_a_required_column_is_one_problem(tmp_path: Path) -> None:
    path = ledger(tmp_path, "a1,x,2021-12-10,70", header="id,scenario,assessed_at,probability\n")
    read = read_judgements(path)
    assert read.rows == ()
    assert [p.message for p in read.problems] == [
        "header lacks column(s) confidence; expected id,scenario,assessed_at,probability,confidence,note,assessed_by,logged_at,corrects"
    ]


def test_no_file_is_no_assessment_and_no_problem(tmp_path: Path) -> None:
    assert read_judgements(tmp_path / "assessments.csv") == Judgements()


def test_a_link_is_refused_and_quotes_nothing_of_its_target(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text(HEADER + "a1,x,2021-12-10,70,medium,TOKEN-123,,,\n")
    (tmp_path / "assessments.csv").symlink_to(secret)
    read = read_judgements(tmp_path / "assessments.csv", follow=False)
    assert read.rows == ()
    assert "symbolic link" in read.problems[0].message and "TOKEN" not in read.problems[0].message


def test_a_correction_replaces_the_assessment_under_its_first_id_and_keeps_its_history(tmp_path: Path) -> None:
    path = ledger(
        tmp_path,
        GOOD,
        f"a2,{CHRISTMAS},2021-12-12T09:00:00Z,40,low,typo fixed,AB,2021-12-12T09:00:00Z,a1",
        f"a3,{CHRISTMAS},2021-12-12T09:00:00Z,45,low,again,AB,2021-12-13T09:00:00Z,a2",
    )
    read = read_judgements(path)
    assert [(j.id, j.probability, j.row_id, j.line) for j in read.rows] == [("a1", 45.0, "a3", 4)]
    assert [v.probability for v in read.versions["a1"]] == [70.0, 40.0, 45.0]


def test_replay_shows_the_last_assessment_made_by_the_instant() -> None:
    path_rows = [
        f"a1,{CHRISTMAS},2021-12-10T09:00:00Z,70,medium,,AB,2021-12-20T09:00:00Z,",  # logged ten days later
        f"a2,{CHRISTMAS},2021-12-15T09:00:00Z,50,medium,,AB,2021-12-15T09:00:00Z,",
        f"a3,{CHRISTMAS},2021-12-16T09:00:00Z,35,high,,AB,2021-12-18T09:00:00Z,a2",  # a2 corrected on the 18th
    ]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        read = read_judgements(ledger(Path(tmp), *path_rows))
    latest = read.latest
    assert latest(CHRISTMAS, at("2021-12-09T00:00:00Z")) is None
    assert latest(CHRISTMAS, at("2021-12-11T00:00:00Z")).probability == 70  # type: ignore[union-attr]
    # By assessed_at, a2 in its corrected version (35 %, now dated the 16th) is the last by the 17th.
    assert latest(CHRISTMAS, at("2021-12-15T12:00:00Z")).probability == 70  # type: ignore[union-attr]
    assert latest(CHRISTMAS, at("2021-12-17T00:00:00Z")).probability == 35  # type: ignore[union-attr]
    # What was known: on the 12th nothing was written yet; on the 16th only a2's first version; from the 18th, its correction.
    assert latest(CHRISTMAS, at("2021-12-12T00:00:00Z"), "known") is None
    assert latest(CHRISTMAS, at("2021-12-16T00:00:00Z"), "known").probability == 50  # type: ignore[union-attr]
    assert latest(CHRISTMAS, at("2021-12-18T12:00:00Z"), "known").probability == 35  # type: ignore[union-attr]
    assert latest("other", at("2022-01-01T00:00:00Z")) is None


def test_the_workspace_reads_assessments_beside_the_log_and_warns_of_unknown_scenarios(folder: Path) -> None:
    ledger(folder / "data", GOOD, "a2,no-such-scenario,2021-12-10,70,medium,,,,")
    workspace = load_workspace(folder / "scenarios", folder / "data" / "events.csv")
    assert [j.id for j in workspace.judgements.rows] == ["a2", "a1"]  # by assessed_at
    warnings = [str(p) for p in workspace.problems if "assessments.csv" in p.path]
    assert warnings == [
        f"{os.path.relpath(folder / 'data' / 'assessments.csv')}:3:2: warning: scenario: no scenario has the id "
        "'no-such-scenario'; this assessment is not shown"
    ]
    # A folder of logs holds it too, and does not read it as a log.
    workspace = load_workspace(folder / "scenarios", folder / "data")
    assert [j.id for j in workspace.judgements.rows] == ["a2", "a1"]
    assert not [p for p in workspace.problems if "header" in p.message]


def test_tracker_assessments_names_another_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = ledger(folder, GOOD)
    monkeypatch.setenv("TRACKER_ASSESSMENTS", str(other))
    workspace = load_workspace(folder / "scenarios", folder / "data" / "events.csv")
    assert [j.id for j in workspace.judgements.rows] == ["a1"]


# --- tracker assess ------------------------------------------------------------------------------------------------
def test_tracker_assess_records_a_row_and_a_retry_saves_it_once(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["assess", CHRISTMAS, "--probability", "70", "--confidence", "medium", "--note", "G7: massive consequences", "--by", "AB"]
    code, out, err = cli(capsys, *argv, "--at", "2021-12-10")
    assert (code, err) == (0, "")
    path = folder / "data" / "assessments.csv"
    row_id = out.split()[1]
    assert out == f"Recorded {row_id} (70 % that {CHRISTMAS} ends enacted, medium confidence) to data/assessments.csv\n"
    assert path.read_text().splitlines()[0] + "\n" == HEADER
    code, out, _ = cli(capsys, *argv, "--at", "2021-12-10")
    assert (code, out) == (
        0,
        f"Already saved (data/assessments.csv line 2): {row_id} (70 % that {CHRISTMAS} ends enacted, medium confidence); "
        "nothing was written twice.\n",
    )
    read = read_judgements(path)
    assert [(j.scenario, j.probability, j.confidence, j.note, j.assessed_by) for j in read.rows] == [
        (CHRISTMAS, 70.0, "medium", "G7: massive consequences", "AB")
    ]
    assert read.rows[0].assessed_at == at("2021-12-10T00:00:00+00:00")
    assert read.rows[0].logged_at is not None and read.rows[0].logged_at > read.rows[0].assessed_at
    # A correction: the original stays, the new version is in effect.
    code, out, _ = cli(capsys, "assess", CHRISTMAS, "--probability", "60", "--confidence", "low", "--corrects", row_id, "--by", "AB")
    assert code == 0 and f"; corrects {row_id})" in out
    read = read_judgements(path)
    assert [(j.id, j.probability) for j in read.rows] == [(row_id, 60.0)]
    assert len(read.versions[row_id]) == 2


@pytest.mark.parametrize(
    ("argv", "errors"),
    [
        (
            ["joint-sanctions-christmas-202", "--probability", "70", "--confidence", "medium"],
            ["scenario: no scenario has the id 'joint-sanctions-christmas-202'; did you mean 'joint-sanctions-christmas-2021'?"],
        ),
        ([CHRISTMAS, "--probability", "170", "--confidence", "medium"], ["probability: '170' is not between 0 and 100 (a percentage)"]),
        ([CHRISTMAS, "--probability", "", "--confidence", "medium"], ["probability: is empty"]),
        (
            [CHRISTMAS, "--probability", "70", "--confidence", "sure"],
            ["confidence: 'sure' is not a confidence; use one of low, medium, high"],
        ),
        (
            [CHRISTMAS, "--probability", "70", "--confidence", "low", "--at", "2099-01-01"],
            ["assessed_at: '2099-01-01' is in the future; an assessment is made now or was made earlier"],
        ),
        (
            [CHRISTMAS, "--probability", "70", "--confidence", "low", "--at", "12/10/2021"],
            ["assessed_at: '12/10/2021' is not a date (2025-08-28) or a datetime with offset (2025-08-28T09:00:00Z)"],
        ),
        (
            [CHRISTMAS, "--probability", "70", "--confidence", "low", "--note", "one\ntwo"],
            ["note: contains a line break; write it on one line (one assessment per line lets git merge the file)"],
        ),
        ([CHRISTMAS, "--probability", "70", "--confidence", "low", "--corrects", "nope"], ["corrects: no assessment has the id 'nope'"]),
    ],
)
def test_tracker_assess_refuses_bad_input_saying_why_and_writes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str], errors: list[str]
) -> None:
    code, out, err = cli(capsys, "assess", *argv, "--by", "AB")
    assert (code, out) == (2, "")
    assert err.splitlines() == [*(f"tracker: error: {e}" for e in errors), "tracker: nothing was written"]
    assert not (folder / "data" / "assessments.csv").exists()


def test_tracker_assess_without_its_required_flags_is_a_usage_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "assess", CHRISTMAS, "--probability", "70")
    assert code == 2
    assert err.startswith("tracker: the following arguments are required: --confidence\nusage: tracker assess")


def test_a_correction_of_another_scenarios_assessment_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger(folder / "data", GOOD)
    code, _, err = cli(capsys, "assess", "oil-price-cap-2022", "--probability", "10", "--confidence", "low", "--corrects", "a1")
    assert code == 2
    assert f"tracker: error: corrects: 'a1' assesses '{CHRISTMAS}', not 'oil-price-cap-2022'" in err


# --- concurrency and crashes, as for the event log -------------------------------------------------------------------
def test_of_ten_processes_correcting_one_assessment_at_once_exactly_one_wins(folder: Path) -> None:
    path = ledger(folder / "data", GOOD)
    results = _race(
        folder,
        [
            ["assess", CHRISTMAS, "--probability", str(10 + n), "--confidence", "low", "--corrects", "a1", "--by", f"e{n}"]
            for n in range(10)
        ],
    )
    winners = [out for code, out, _ in results if code == 0]
    assert len(winners) == 1, results
    read = read_judgements(path)
    winner = read.rows[0].row_id
    assert winners[0].startswith(f"Recorded {winner} (")
    assert [v.version_id for v in read.versions["a1"]] == ["a1", winner]
    refusal = f"tracker: corrects: 'a1' was corrected meanwhile by row {winner!r}; reload and try again; nothing was written\n"
    assert sorted(err for code, _, err in results if code != 0) == [refusal] * 9


def test_a_writer_killed_half_way_leaves_nothing_read_and_the_next_save_moves_its_half_row_aside(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ledger(folder / "data", GOOD)
    long_note = "why, at length " * 40
    argv = ["-m", "tracker", "assess", CHRISTMAS, "--probability", "5", "--confidence", "high", "--note", long_note, "--by", "AB"]
    with paused_writer(argv, folder / "half-written") as writer:
        assert path.read_bytes().count(b"\n") == 2 and not path.read_bytes().endswith(b"\n")  # half a row is on disk
        read = read_judgements(path)
        assert [(j.id, j.probability) for j in read.rows] == [("a1", 70.0)]
        assert [p.message for p in read.problems] == ["this row was left out: a writer has not finished saving it"]
        kill(writer)
    read = read_judgements(path)
    assert [(j.id, j.probability) for j in read.rows] == [("a1", 70.0)]
    assert [p.message for p in read.problems] == ["this row was left out: it has no line end"]
    code, out, err = cli(capsys, "assess", CHRISTMAS, "--probability", "5", "--confidence", "high", "--by", "AB")
    assert code == 0 and out.startswith("Recorded ")
    assert "the last line was half-written" in err and "If that assessment is missing, record it again" in err
    quarantined = list((folder / "data").glob("assessments.csv.partial-*"))
    assert len(quarantined) == 1 and quarantined[0].read_text().startswith("0")  # the dead writer's row, kept
    read = read_judgements(path)
    assert [j.probability for j in read.rows] == [70.0, 5.0] and read.problems == []


def test_assess_from_another_folder_needs_the_scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "assess", CHRISTMAS, "--probability", "70", "--confidence", "low"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "tracker: no scenario folder at scenarios; pass --scenarios or set TRACKER_SCENARIOS\n"


def test_a_link_beside_the_log_is_neither_read_nor_written_through(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = folder / "secret.csv"
    secret.write_text(HEADER + f"a1,{CHRISTMAS},2021-12-10,70,medium,TOKEN-123,,,\n")
    (folder / "data" / "assessments.csv").symlink_to(secret)
    workspace = load_workspace(folder / "scenarios", folder / "data" / "events.csv")
    assert workspace.judgements.rows == ()
    assert not any("TOKEN" in str(p) for p in workspace.problems)
    code, _, err = cli(capsys, "assess", CHRISTMAS, "--probability", "5", "--confidence", "high", "--by", "AB")
    assert code == 1
    assert (
        err
        == "tracker: cannot write data/assessments.csv: it is a symbolic link; the assessments file is a CSV file. Nothing was written\n"
    )
    assert "TOKEN" in secret.read_text() and secret.read_text().count("\n") == 2


def test_status_json_gives_the_last_assessment_made_by_the_as_of(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    ledger(folder / "data", GOOD, f"a2,{CHRISTMAS},2022-01-10,35,low,after the talks,CD,,")
    by_id = lambda out: {s["id"]: s["assessment"] for s in json.loads(out)}  # noqa: E731
    code, out, _ = cli(capsys, "status", "--as-of", "2021-12-09", "--format", "json")
    assert code == 0 and by_id(out)[CHRISTMAS] is None
    _, out, _ = cli(capsys, "status", "--as-of", "2021-12-20", "--format", "json")
    assert by_id(out)[CHRISTMAS] == {
        "id": "a1",
        "probability": 70.0,
        "confidence": "medium",
        "assessed_at": "2021-12-10T09:00:00+00:00",
        "assessed_by": "AB",
        "note": "G7 statement",
    }
    _, out, _ = cli(capsys, "status", "--as-of", "2022-01-11", "--format", "json")
    assert by_id(out)[CHRISTMAS]["assessed_at"] == "2022-01-10" and by_id(out)[CHRISTMAS]["probability"] == 35.0
