"""Durable appends: lock, header migration, crash repair, duplicates; many writers; a writer killed mid-write."""

from __future__ import annotations

import datetime as dt
import errno
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, ROOT
from tests.writers import append_many
from tracker.log import writer as eventwriter
from tracker.log.drafts import EventDraft, make_row
from tracker.log.reader import load_events
from tracker.log.writer import (
    WRITE_COLUMNS,
    DuplicateIdError,
    append_rows,
    find_partial,
    format_logged_at,
    lock_path,
    locked,
    repair_log,
)
from tracker.problems import TrackerError

NOW = dt.datetime(2022, 2, 22, 14, 3, 5, 120_000, tzinfo=dt.UTC)
HEADER = ",".join(WRITE_COLUMNS) + "\n"
Write = Callable[[str, str], Path]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder


def _row(title: str, **fields: str) -> dict[str, str]:
    draft = EventDraft(occurred="2022-02-22", title=title, source="Council press release", **fields)  # type: ignore[arg-type]
    return make_row(draft, now=NOW, logged_by="ana")


def test_a_new_log_is_created_with_the_full_header(tmp_path: Path) -> None:
    log = tmp_path / "events.csv"
    row = _row('EU agrees "first" package, at last', notes="two\nlines")
    receipt = append_rows(log, [row], now=NOW)
    assert receipt.written == [row["id"]] and receipt.added_columns == list(WRITE_COLUMNS)
    loaded = load_events(log)
    assert loaded.problems == []
    event = loaded.event(0)
    assert (event.title, event.notes, event.extra["logged_by"], event.extra["logged_at"]) == (
        'EU agrees "first" package, at last',
        "two\nlines",
        "ana",
        "2022-02-22T14:03:05.120Z",
    )


def test_logged_at_is_utc_to_the_millisecond() -> None:
    brussels = dt.timezone(dt.timedelta(hours=1))
    assert format_logged_at(dt.datetime(2022, 2, 22, 15, 3, 5, 120_999, tzinfo=brussels)) == "2022-02-22T14:03:05.120Z"


def test_an_old_header_is_migrated_without_touching_a_row(tmp_path: Path) -> None:
    log = tmp_path / "events.csv"
    original = DEMO_EVENTS.read_bytes()
    log.write_bytes(original)
    receipt = append_rows(log, [_row("New")], now=NOW)
    assert receipt.added_columns == ["logged_at", "logged_by", "corrects", "retracts"]
    after = log.read_bytes()
    old_header, old_rows = original.split(b"\n", 1)
    new_header, rest = after.split(b"\n", 1)
    assert new_header == old_header + b",logged_at,logged_by,corrects,retracts"
    assert rest.startswith(old_rows)  # every existing row keeps every byte
    loaded = load_events(log)
    assert loaded.problems == []
    assert len(loaded) == len(load_events(DEMO_EVENTS)) + 1
    assert not list(tmp_path.glob(".*tmp*"))  # the temporary file of the atomic rewrite is gone
    assert append_rows(log, [_row("Newer")], now=NOW).added_columns == []


def test_extra_columns_and_crlf_line_ends_are_kept(write: Write) -> None:
    log = write("events.csv", "")
    log.write_bytes(b"id,occurred,title,source,region\r\na,2022-02-21,A,s,Europe\r\n")
    append_rows(log, [_row("B")], now=NOW)
    lines = log.read_bytes().split(b"\r\n")
    assert lines[0] == b"id,occurred,title,source,region,actors,targets,tags,notes,kind,logged_at,logged_by,corrects,retracts"
    assert lines[1] == b"a,2022-02-21,A,s,Europe"
    assert lines[2].startswith(b"0") and lines[2].endswith(b",,")
    assert load_events(log).problems == []


def test_a_duplicate_id_is_refused_and_nothing_is_written(write: Write) -> None:
    log = write("events.csv", HEADER + "eu-1,2022-02-22,A,,,,s,,,,,\n")
    before = log.read_bytes()
    with pytest.raises(DuplicateIdError) as caught:
        append_rows(log, [_row("B"), _row("A again", id="eu-1")], now=NOW)
    assert str(caught.value) == "id: duplicate event id 'eu-1' (first on events.csv line 2); nothing was written"
    assert log.read_bytes() == before


def test_duplicates_can_be_skipped_instead(write: Write) -> None:
    log = write("events.csv", HEADER + "eu-1,2022-02-22,Same,,,,Council press release,,,,,\n")
    rows = [_row("Fresh"), _row("Other", id="eu-1"), _row("Same"), _row("Fresh")]
    receipt = append_rows(log, rows, now=NOW, on_duplicate="skip")
    assert receipt.written == [rows[0]["id"]]
    assert [(s.index, s.reason) for s in receipt.skipped] == [
        (1, "id: duplicate event id 'eu-1' (first on events.csv line 2)"),
        (2, "same occurred, title and source as event 'eu-1' (events.csv line 2)"),
        (3, f"same occurred, title and source as event {rows[0]['id']!r} (this batch)"),
    ]


def test_a_folder_log_gets_events_csv_and_ids_are_unique_across_its_files(write: Write) -> None:
    write("log/2021.csv", HEADER + "old-1,2021-12-01,Old,,,,s,,,,,\n")
    folder = write("log/README.txt", "not a log").parent
    receipt = append_rows(folder, [_row("New")], now=NOW)
    assert receipt.path == folder / "events.csv"
    with pytest.raises(DuplicateIdError, match=r"first on .*2021\.csv line 2"):
        append_rows(folder, [_row("Again", id="old-1")], now=NOW)
    assert len(load_events(folder)) == 2


def test_a_row_that_is_not_utf8_does_not_stop_logging_and_keeps_its_bytes(tmp_path: Path) -> None:
    """The loader leaves that row out by its line; the rest of the team can still log."""
    latin1 = tmp_path / "c.csv"
    before = HEADER.encode() + "x,2022-02-22,Caf\xe9,,,,s,,,,,\n".encode("latin-1")
    latin1.write_bytes(before)
    append_rows(latin1, [_row("B")], now=NOW)
    after = latin1.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    log = load_events(latin1)
    assert [(p.line, p.message) for p in log.problems] == [(2, "row is not UTF-8 text; save the CSV as UTF-8 (this row is left out)")]
    assert log.table.column("title").to_pylist() == ["B"]


def test_a_log_with_classic_mac_line_ends_is_refused_for_logging_with_what_to_do(tmp_path: Path) -> None:
    mac = tmp_path / "mac.csv"
    mac.write_bytes(HEADER.replace("\n", "\r").encode() + b"calm,2021-12-20,Calm,,,,S,,,,,\r")
    before = mac.read_bytes()
    with pytest.raises(TrackerError, match=r"mac\.csv:1: this line ends with a lone CR \(classic Mac line ends\); save the log with LF"):
        append_rows(mac, [_row("B")], now=NOW)
    assert mac.read_bytes() == before
    assert load_events(mac).table.column("id").to_pylist() == ["calm"], "reading it still works"


def test_unusable_logs_are_refused_with_a_reason(write: Write, tmp_path: Path) -> None:
    no_id = write("a.csv", "title,occurred\nA,2022-02-22\n")
    with pytest.raises(TrackerError, match=r"^a\.csv:1: header lacks required column\(s\) id; expected id,occurred,title,actors,"):
        append_rows(no_id, [_row("B")], now=NOW)
    twice = write("b.csv", "id,occurred,title,title\n")
    with pytest.raises(TrackerError, match=r"^b\.csv:1: header repeats column\(s\) title\. Nothing was written$"):
        append_rows(twice, [_row("B")], now=NOW)
    with pytest.raises(TrackerError, match=r"the folder .*missing does not exist"):
        append_rows(tmp_path / "missing" / "events.csv", [_row("B")], now=NOW)


def test_a_full_disk_takes_back_the_half_written_row(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    log = write("events.csv", HEADER + "a,2022-02-21,A,,,,s,,,,,\n")
    before = log.read_bytes()

    def half_then_full(fd: int, data: bytes, *, pausable: bool = False) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(eventwriter, "_write_all", half_then_full)
    with pytest.raises(TrackerError) as caught:
        append_rows(log, [_row("B")], now=NOW)
    assert str(caught.value) == "cannot write events.csv: No space left on device; nothing was written"
    assert log.read_bytes() == before


def test_a_full_disk_during_repair_leaves_no_fragment_file_and_the_log_untouched(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write("events.csv", HEADER + "a,2022-02-21,A,,,,s,,,,,\nb,2022-02-2")
    before = log.read_bytes()

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patched, pytest.raises(TrackerError) as caught:
        patched.setattr(os, "write", full)
        repair_log(log, NOW)
    assert str(caught.value) == "cannot write events.csv: No space left on device; nothing was written"
    assert log.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".events.csv.lock", "events.csv"]


def test_links_where_the_writer_would_write_are_refused_and_their_targets_untouched(write: Write, tmp_path: Path) -> None:
    elsewhere = write("elsewhere.csv", HEADER)
    folder = write("log/2021.csv", HEADER).parent
    (folder / "events.csv").symlink_to(elsewhere)  # committed to the repository by anyone
    with pytest.raises(TrackerError) as caught:
        append_rows(folder, [_row("B")], now=NOW)
    assert str(caught.value) == (
        "cannot write log/events.csv: it is a symbolic link, and the tracker reads only regular files (it never follows links). "
        "Nothing was written"
    )
    log = write("events.csv", HEADER)
    lock_path(log).symlink_to(elsewhere)  # the writer records the saved length in its lock file: never through a link
    with pytest.raises(TrackerError, match=r"^cannot use \.events\.csv\.lock as the event log's lock: it is a symbolic link; remove it$"):
        append_rows(log, [_row("B")], now=NOW)
    assert elsewhere.read_text() == HEADER and log.read_text() == HEADER


def test_a_busy_lock_times_out_with_a_clear_message(write: Write) -> None:
    log = write("events.csv", HEADER)
    with locked(log), pytest.raises(TrackerError) as caught, locked(log, timeout=0.05):
        pass  # pragma: no cover - never reached
    assert str(caught.value) == "the event log events.csv is busy: another writer has held it for 0.05 s; nothing was written, try again"
    assert lock_path(log).exists()


def test_readers_never_wait_for_a_writer_and_read_only_what_it_saved(write: Write) -> None:
    log = write("events.csv", HEADER + "a,2022-02-21,A,,,,s,,,,,\n")
    load_events(log)
    assert not lock_path(log).exists(), "a reader creates nothing"
    with locked(log) as lock:
        lock.saved(log.stat().st_size)
        with log.open("ab") as handle:  # a whole line, but its writer has not said it is saved
            handle.write(b"b,2022-02-22,B,,,,s,,,,,\n")
        during = load_events(log)  # holding the lock itself: a reader in another process would not wait either
    assert during.table.column("id").to_pylist() == ["a"]
    assert [(p.line, p.severity, p.message) for p in during.problems] == [
        (3, "warning", "a row being saved was left out: a save is in progress (or was interrupted); it counts once saved")
    ]
    after = load_events(log)  # no writer now: the whole line counts
    assert (after.table.column("id").to_pylist(), after.problems) == (["a", "b"], [])


# --- a half-written last line ---------------------------------------------------------------
def test_a_last_line_without_line_end_is_quarantined(write: Write, tmp_path: Path) -> None:
    complete = HEADER + "a,2022-02-21,A,,,,s,,,,,\n"
    log = write("events.csv", complete + "0190-half,2022-02-22,EU agr")
    assert find_partial(log) is not None
    repair = repair_log(log, NOW)
    assert repair is not None
    assert log.read_text() == complete
    assert repair.quarantine == tmp_path / "events.csv.partial-20220222T140305120Z"
    assert repair.quarantine.read_text() == "0190-half,2022-02-22,EU agr"
    assert repair.message == (
        "events.csv:3: the last line was half-written (it has no line end), probably by a crash while saving. "
        "It was moved to events.csv.partial-20220222T140305120Z and the log now ends at its last complete row; "
        "nothing was deleted. If that event is missing from the log, log it again: '0190-half,2022-02-22,EU agr'"
    )
    assert repair_log(log, NOW) is None


def test_a_last_line_ending_inside_quotes_is_quarantined(write: Write) -> None:
    complete = HEADER + 'a,2022-02-21,"A, quoted",,,,s,"notes\nover lines",,,,\n'
    log = write("events.csv", complete + 'b,2022-02-22,B,,,,s,"first line\n')
    repair = repair_log(log, NOW)
    assert repair is not None and repair.reason == "it ends inside a quoted cell" and repair.line == 4
    assert log.read_text() == complete
    assert load_events(log).problems == []


def test_a_second_repair_in_the_same_millisecond_gets_its_own_file(write: Write) -> None:
    log = write("events.csv", HEADER + "a,2022")
    first = repair_log(log, NOW)
    log.write_text(HEADER + "b,2022")
    second = repair_log(log, NOW)
    assert first is not None and second is not None
    assert second.quarantine.name == "events.csv.partial-20220222T140305120Z-2"
    assert first.quarantine.read_text() == "a,2022" and second.quarantine.read_text() == "b,2022"


def test_complete_logs_need_no_repair(write: Write) -> None:
    assert repair_log(write("a.csv", HEADER + 'a,2022-02-21,"He said ""no""",,,,s,,,,,\n'), NOW) is None
    assert repair_log(write("b.csv", HEADER + 'a,2022-02-21,5" gun,,,,s,,,,,\n'), NOW) is None
    header_only = write("c.csv", "id,occurred,title")
    assert repair_log(header_only, NOW) is None  # a header without its line end holds no event: it is completed
    assert header_only.read_text() == "id,occurred,title\n"
    assert repair_log(Path(write("d.csv", "").parent / "missing.csv"), NOW) is None


def test_the_next_write_repairs_first(write: Write) -> None:
    log = write("events.csv", HEADER + "a,2022-02-21,A,,,,s,,,,,\nb,2022-02-2")
    row = _row("C")
    receipt = append_rows(log, [row], now=NOW)
    assert receipt.repair is not None and receipt.repair.quarantine.read_text() == "b,2022-02-2"
    loaded = load_events(log)
    assert loaded.problems == []
    assert loaded.table.column("id").to_pylist() == ["a", row["id"]]


# --- many writers at once, and a writer killed mid-write ------------------------------------
WRITERS, EACH = 8, 300


def test_eight_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    log = tmp_path / "events.csv"
    log.write_bytes(DEMO_EVENTS.read_bytes())  # an old header: the first writer migrates it under the lock
    context = multiprocessing.get_context("spawn")  # no fork: the parent holds pyarrow's threads
    with context.Pool(WRITERS) as pool:
        results = pool.starmap(append_many, [(str(log), f"writer{w}", EACH) for w in range(WRITERS)])
    acknowledged = [event_id for ids in results for event_id in ids]
    assert len(acknowledged) == WRITERS * EACH
    loaded = load_events(log)
    assert loaded.problems == []
    ids = loaded.table.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == len(load_events(DEMO_EVENTS)) + WRITERS * EACH
    assert set(acknowledged) <= set(ids)
    titles = loaded.table.column("title").to_pylist()
    for w in range(WRITERS):
        assert sum(t.startswith(f"writer{w} event ") for t in titles) == EACH


def test_a_writer_killed_mid_write_loses_nothing_acknowledged(tmp_path: Path) -> None:
    log, flag = tmp_path / "events.csv", tmp_path / "half-written"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.writers", str(log), "5", str(flag)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert flag.exists(), "the writer never reached the middle of its write"
        os.kill(writer.pid, signal.SIGKILL)
        output, _ = writer.communicate()
    finally:
        if writer.poll() is None:  # pragma: no cover - only if an assertion above failed
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    acknowledged = [line.split()[1] for line in output.splitlines() if line.startswith("acknowledged ")]
    assert len(acknowledged) == 5
    assert find_partial(log) is not None  # half a row is on disk
    repair = repair_log(log, NOW)
    assert repair is not None and "doomed event 0" in repair.quarantine.read_text()
    loaded = load_events(log)
    assert loaded.problems == []
    assert loaded.table.column("id").to_pylist() == acknowledged
    assert append_rows(log, [_row("after the crash")], now=NOW).repair is None  # the lock died with the writer
