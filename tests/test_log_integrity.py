"""The event log against crashing and racing writers: readers see only saved rows, rules hold under the lock, retries save once.

Real processes throughout: a writer paused half-way through its row (the writer's own test hook) and then killed with
SIGKILL, ten `tracker correct` (or `retract`) processes let loose on one event at the same moment, a log that is a FIFO.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, demo_workspace
from tests.writers import cli_at_the_lock
from tracker.cli import main
from tracker.engine.status import assess_all
from tracker.log.ledger import raw_rows
from tracker.log.reader import load_events
from tracker.log.writer import PAUSE_MID_WRITE_ENV, lock_path
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import parse_as_of

CHRISTMAS = "joint-sanctions-christmas-2021"
AS_OF = "2021-12-21"
# Russia de-escalating before Christmas averts the Christmas scenario. The long notes put the middle of the row in them,
# so that its first half is still a well-formed row with the actors and tags that match.
NOTES = "troops were seen leaving the border area " * 12
PULLBACK = ["--occurred", "2021-12-20", "--title", "Russia pulls troops back", "--source", "Reuters, 20 Dec 2021"]
PULLBACK += ["--actors", "Russia", "--tags", "de-escalation"]
BEING_SAVED = "a row being saved was left out: a save is in progress (or was interrupted); it counts once saved"
HALF_WRITTEN = "a half-written row was left out (it has no line end): a save is in progress or was interrupted"
EVENT = "2021-12-07-biden-putin-video-call"
CHIP = re.compile(r'data-status="([a-z-]+)" data-scenario="([a-z0-9-]+)"')


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_workspace(tmp_path, monkeypatch)


@contextlib.contextmanager
def paused_writer(argv: list[str], flag: Path) -> Iterator[subprocess.Popen[str]]:
    """``python ARGV`` in the working folder, stopped by the writer's test hook with half of its bytes written."""
    process = subprocess.Popen(
        [sys.executable, *argv],
        env={**os.environ, "PYTHONPATH": str(ROOT), PAUSE_MID_WRITE_ENV: str(flag)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert flag.exists(), f"the writer never reached the middle of its write: {process.poll()}"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cli_statuses(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, str], str]:
    code, out, err = cli(capsys, "status", "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    return {s["id"]: s["status"] for s in json.loads(out)}, err


def dashboard(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], list[str], list[str]]:
    """The read-only dashboard on the folder's files at AS_OF: the Board's statuses, its warnings, and Data health's rows."""
    monkeypatch.setenv("TRACKER_SCENARIOS", str(folder / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(folder / "data" / "events.csv"))
    monkeypatch.delenv("TRACKER_WRITE", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["as_of"] = AS_OF
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    chips: dict[str, str] = {}
    for block in at.markdown:
        for status, scenario in CHIP.findall(block.value):
            chips[scenario] = status
    warnings = [w.value for w in at.warning]
    at.switch_page("components/pages/health.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    health = [f"{where}: {problem}" for where, problem in zip(table["Where"], table["Problem"], strict=True)]
    return chips, warnings, health


def status_if_read_whole(log: Path) -> str:
    """Christmas's status had the half row been read as a row (its line completed): what a reader must not show."""
    whole = log.with_name("read-whole.csv")
    whole.write_bytes(log.read_bytes() + b"\n")
    scenarios = load_scenarios(log.parent.parent / "scenarios").scenarios
    found = {a.scenario.id: a.status.value for a in assess_all(scenarios, load_events(whole), parse_as_of(AS_OF))}
    whole.unlink()
    return found[CHRISTMAS]


# --- readers see only whole, saved rows -----------------------------------------------------------------------------
def test_a_paused_then_killed_writers_half_row_changes_no_status(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = folder / "data" / "events.csv"
    before, _ = cli_statuses(capsys)
    assert before[CHRISTMAS] == "due-soon"
    argv = ["-m", "tracker", "log", *PULLBACK, "--notes", NOTES, "--by", "ana", "--as-of", AS_OF]
    with paused_writer(argv, folder / "half-written") as writer:
        line = log.read_bytes().count(b"\n") + 1
        assert status_if_read_whole(log) == "averted", "the half row on disk is a well-formed row that averts Christmas"
        statuses, err = cli_statuses(capsys)
        assert statuses == before
        assert f"data/events.csv:{line}:1: warning: {BEING_SAVED}" in err.splitlines()
        chips, warnings, health = dashboard(folder, monkeypatch)
        assert chips[CHRISTMAS] == "due-soon"
        assert f"data/events.csv:{line}:1: {BEING_SAVED}" in health
        kill(writer)
    statuses, err = cli_statuses(capsys)  # the writer is gone and its lock with it: the line has no end, and no writer
    assert statuses == before
    assert any(entry.startswith(f"data/events.csv:{line}:1: warning: {HALF_WRITTEN}") for entry in err.splitlines())
    chips, warnings, health = dashboard(folder, monkeypatch)
    assert chips[CHRISTMAS] == "due-soon"
    assert any("half-written last line" in w and "left out" in w for w in warnings), warnings  # the banner agrees
    assert any(entry.startswith(f"data/events.csv:{line}:1: ") and "left out" in entry for entry in health)


def test_a_row_on_disk_before_its_writer_was_killed_counts_and_a_retry_saves_it_once(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = folder / "data" / "events.csv"
    pullback = {"occurred": "2021-12-20", "title": "Russia pulls troops back", "source": "Reuters, 20 Dec 2021"}
    pullback |= {"actors": ["Russia"], "tags": ["de-escalation"]}
    other = {"occurred": "2021-12-20", "title": "EU statement", "source": "EEAS", "actors": ["EU"], "notes": NOTES * 3}
    batch = json.dumps([pullback, other])  # half of the batch's bytes: all of the first row, part of the second
    flag = folder / "half-written"
    with paused_writer(["-m", "tests.writers", "--batch", str(log), str(flag), "ana", batch], flag) as writer:
        kill(writer)
    statuses, err = cli_statuses(capsys)
    assert statuses[CHRISTMAS] == "averted"  # the whole row on disk counts, though its writer never said so
    line = log.read_bytes().count(b"\n")  # the saved row's line; the fragment of the next row follows it
    assert HALF_WRITTEN in err
    # Its user, never told, logs it again: the row is there already, so nothing is written twice.
    code, out, err = cli(capsys, "log", *PULLBACK, "--by", "ana", "--as-of", AS_OF)
    rows = raw_rows(load_events(log))
    saved_id = rows.ids([rows.table.column("title").to_pylist().index("Russia pulls troops back")])[0]
    assert (code, out) == (0, f"Already saved (data/events.csv line {line}): {saved_id} (a new event); nothing was written twice.\n")
    assert "the last line was half-written" in err  # the retry moved the dead writer's fragment aside first
    titles = load_events(log, revisions=False).table.column("title").to_pylist()
    assert titles.count("Russia pulls troops back") == 1
    # The same event logged by someone else is another report of it, and is logged.
    code, out, _ = cli(capsys, "log", *PULLBACK, "--by", "ben", "--as-of", AS_OF)
    assert code == 0 and out.startswith("Logged ")


def test_a_retried_command_with_the_same_id_saves_once(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = folder / "data" / "events.csv"
    code, out, _ = cli(capsys, "log", *PULLBACK, "--id", "pullback-1", "--by", "ana", "--as-of", AS_OF)
    assert (code, out.splitlines()[0]) == (0, "Logged pullback-1 (a new event) to data/events.csv")
    line = log.read_bytes().count(b"\n")
    code, out, _ = cli(capsys, "log", *PULLBACK, "--id", "pullback-1", "--by", "ana")
    assert (code, out) == (0, f"Already saved (data/events.csv line {line}): pullback-1 (a new event); nothing was written twice.\n")
    code, out, err = cli(capsys, "log", *PULLBACK[:2], "--title", "Another event", *PULLBACK[4:], "--id", "pullback-1", "--by", "ana")
    assert (code, out) == (1, "")
    assert err == f"tracker: id: duplicate event id 'pullback-1' (first on data/events.csv line {line}); nothing was written\n"
    retract = ["retract", "pullback-1", "--reason", "wrong", "--id", "pullback-1-r", "--by", "ana"]
    assert cli(capsys, *retract)[0] == 0
    code, out, _ = cli(capsys, *retract)
    assert code == 0
    assert out == (
        f"Already saved (data/events.csv line {line + 1}): pullback-1-r (a retraction of pullback-1); nothing was written twice.\n"
    )
    assert [v.kind for v in load_events(log).history("pullback-1")] == ["original", "retraction"]


# --- the rules that depend on the log hold under the lock ----------------------------------------------------------
def _race(folder: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run the commands in as many processes, each held back before the write lock until all have checked their row."""
    context = multiprocessing.get_context("spawn")  # no fork: the parent holds pyarrow's threads
    barrier = context.Barrier(len(commands))
    results: multiprocessing.Queue[tuple[int, str, str]] = context.Queue()
    processes = [context.Process(target=cli_at_the_lock, args=(barrier, str(folder), argv, results)) for argv in commands]
    for process in processes:
        process.start()
    found = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    return found


@pytest.mark.parametrize("action", ["correct", "retract"])
def test_of_ten_processes_revising_one_event_at_once_exactly_one_wins(folder: Path, action: str) -> None:
    log = folder / "data" / "events.csv"
    flag = "--title" if action == "correct" else "--reason"
    results = _race(folder, [[action, EVENT, flag, f"Biden-Putin video call, take {n}", "--by", f"editor{n}"] for n in range(10)])
    winners = [out for code, out, _ in results if code == 0]
    assert len(winners) == 1, results
    rows = load_events(log, revisions=False)
    column = "corrects" if action == "correct" else "retracts"
    revising = [pos for pos, value in enumerate(rows.table.column(column).to_pylist()) if value == EVENT]
    assert len(revising) == 1
    winner, line = rows.ids(revising)[0], rows.place(revising[0])
    assert winners[0].startswith(f"Logged {winner} (a {'correction' if action == 'correct' else 'retraction'} of {EVENT})")
    if action == "correct":
        refusal = (
            f"corrects: {EVENT!r} is no longer the current version of event {EVENT!r}: {winner!r} ({line}) corrected it since; "
            "start again from that version"
        )
    else:
        refusal = f"retracts: event {EVENT!r} was already retracted by {winner!r} ({line}); there is nothing left to do"
    assert sorted(err for code, _, err in results if code != 0) == [f"tracker: {refusal}; nothing was written\n"] * 9


# --- logs are regular files --------------------------------------------------------------------------------------------
def test_a_log_that_is_a_fifo_is_refused_at_once_and_no_lock_file_is_made(folder: Path) -> None:
    fifo = folder / "pipe.csv"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRACKER_EVENTS": str(fifo)}

    def tracker(*argv: str) -> subprocess.CompletedProcess[str]:  # a process of its own: opening a FIFO could block it
        return subprocess.run([sys.executable, "-m", "tracker", *argv], env=env, capture_output=True, text=True, timeout=120, check=False)

    status = tracker("status", "--as-of", AS_OF)
    assert "pipe.csv:0:1: error: event log not read: it is a FIFO (named pipe)" in status.stderr
    log = tracker("log", *PULLBACK, "--by", "ana")
    assert (log.returncode, log.stdout) == (1, "")
    assert log.stderr == (
        "tracker: cannot write pipe.csv: it is not a regular file (a device, a FIFO or a socket); the event log must be one. "
        "Nothing was written\n"
    )
    assert not lock_path(fifo).exists()


def test_a_device_as_the_log_is_one_message_and_no_lock_file_in_dev(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zero = Path("/dev/zero")
    _, _, err = cli(capsys, "status", "--as-of", AS_OF, "--events", str(zero))
    assert "dev/zero:0:1: error: event log not read: it is a device, and the tracker reads only regular files" in err
    code, out, err = cli(capsys, "log", *PULLBACK, "--by", "ana", "--events", str(zero))
    assert (code, out) == (1, "")
    assert "dev/zero: it is not a regular file" in err and len(err.splitlines()) == 1
    assert not lock_path(zero).exists()


def test_links_and_fifos_in_a_folder_of_logs_are_reported_not_read(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = folder / "logs"
    logs.mkdir()
    (folder / "data" / "events.csv").rename(logs / "events.csv")
    secret = folder / "secret.txt"
    secret.write_text("id,occurred,title\nghp-fake-token-123,2021-12-01,ghp-fake-token-123\n")
    (logs / "stolen.csv").symlink_to(secret)
    os.mkfifo(logs / "pipe.csv")
    _, out, err = cli(capsys, "status", "--as-of", AS_OF, "--events", str(logs))
    assert "logs/stolen.csv:0:1: error: event log not read: it is a symbolic link" in err
    assert "logs/pipe.csv:0:1: error: event log not read: it is a FIFO (named pipe)" in err
    assert "ghp-fake-token" not in out + err
    assert json.loads(cli(capsys, "status", "--as-of", AS_OF, "--events", str(logs), "--format", "json")[1])[0]["id"] == CHRISTMAS
    assert cli(capsys, "log", *PULLBACK, "--by", "ana", "--events", str(logs))[0] == 0  # the writer passes them over too
