"""The columnar cache of the event log (tracker.log.cache): a cached load equals a cold one, and any change is seen."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.cli import main
from tracker.log import cache as log_cache
from tracker.log import reader
from tracker.log.cache import cache_file
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.log.writer import locked
from tracker.problems import display_path

HEADER = "id,occurred,title,actors,targets,tags,source,notes,kind,logged_at,logged_by,corrects,retracts\n"
BAD_ROWS = (
    HEADER
    + "a,2022-02-22,EU agrees a package,EU,Russia,sanctions,Council,,decision,,,,\n"
    + "b,2022-02-30,Not a real date,EU,,,,,,,,,\n"  # error: occurred
    + "a,2022-02-23,Duplicate id,EU,,,src,,,,,,\n"  # error: duplicate
    + "c,2022-02-24,,EU,,,src,,,,,,\n"  # error: empty title
    + "d,2022-02-25T10:00:00,No offset,EU,,,src,,,,,,\n"  # error: no offset
    + "e,2022-02-26,No source,EU,,,,,,,,,\n"  # warning: no source
    + "f,2022-02-27,Odd kind,EU,,,src,,decison,,,,\n"  # error: kind, with a did you mean
    + "g,2022-02-28,Bad stamp,EU,,,src,,,yesterday,,,\n"  # warning: logged_at
    + "h,2022-03-01,Too,many,fields,,,,,,,,,,,,\n"  # error: too many fields
    + 'i,2022-03-02,"A title, quoted",EU,,,src,"two\nlines",,,,,\n'
    + "j,2022-03-03,Correction of a,EU,Russia,sanctions-package,Council,,,,,a,\n"
    + "k,2022-03-04,Retraction of e,,,,src,,,,,,e\n"
    + "l,2022-03-05,Half written"  # warning: no line end
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE", str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the reader parses from CSV, in order."""
    parsed: list[Path] = []
    parse = reader._read_one

    def counting(path: Path, display: str, **options: object) -> object:
        parsed.append(path)
        return parse(path, display, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "_read_one", counting)
    return parsed


def cache_of(log: Path) -> Path | None:
    return cache_file(log, [display_path(log)])


def settled(*paths: Path) -> None:
    """Files last changed a minute ago: outside the window in which a change may go unseen (RACY_SECONDS)."""
    for path in paths:
        for file in sorted(path.iterdir()) if path.is_dir() else [path]:
            os.utime(file, ns=(time.time_ns() - 60 * 10**9,) * 2)


def cold(location: Path, monkeypatch: pytest.MonkeyPatch) -> EventLog:
    with monkeypatch.context() as patch:
        patch.setenv("TRACKER_CACHE", "off")
        return load_events(location)


def described(log: EventLog) -> tuple[object, ...]:
    """Everything a load returns, in comparable form: rows, instants, problems, files, places, revisions."""
    raw = log.revisions.raw if log.revisions is not None else log
    histories = {i: [(v.event, v.kind, v.current) for v in log.history(i)] for i in raw.table.column("id").to_pylist()}
    return (
        log.table.to_pydict(),
        log.table.schema,
        log.when_ns.tolist(),
        log.date_only.tolist(),
        log.problems,
        log.files,
        [log.place(pos) for pos in range(len(log))],
        [raw.place(pos) for pos in range(len(raw))],
        histories,
    )


def assert_same(cached: EventLog, fresh: EventLog) -> None:
    assert cached.table.equals(fresh.table)
    assert described(cached) == described(fresh)


def test_the_demo_log_loads_from_the_cache_without_parsing_the_csv(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    log = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, log)
    settled(log)
    fresh = cold(log, monkeypatch)
    first = load_events(log)  # parses and stores
    stored = cache_of(log)
    assert parses == [log, log] and stored is not None and stored.is_file()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the CSV was parsed")

    monkeypatch.setattr(reader, "_read_one", no_parsing)
    second = load_events(log)
    assert_same(first, fresh)
    assert_same(second, fresh)


def test_statuses_from_the_cache_are_those_of_a_cold_run(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], parses: list[Path]
) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(DEMO_EVENTS, tmp_path / "data" / "events.csv")
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    settled(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)

    def statuses() -> list[object]:
        found = []
        for as_of in ("2021-12-20", "2022-06-01", "2025-08-10"):
            assert main(["status", "--as-of", as_of, "--format", "json"]) == 0
            found.append(json.loads(capsys.readouterr().out))
        return found

    with monkeypatch.context() as patch:
        patch.setenv("TRACKER_CACHE", "off")
        expected = statuses()
    parsed = len(parses)
    assert statuses() == expected
    assert len(parses) == parsed + 1  # the first run parsed and stored; the others read the cache


NOT_UTF8 = HEADER.encode() + b"a,2022-02-22,Fine,EU,,,src,,,,,,\nb,2022-03-06,Not UTF-8 \xff,EU,,,src,,,,,,\n"


@pytest.mark.parametrize("data", [BAD_ROWS.encode(), NOT_UTF8], ids=["bad rows", "not UTF-8"])
def test_a_log_with_bad_rows_loads_the_same_from_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path], data: bytes
) -> None:
    log = tmp_path / "events.csv"
    log.write_bytes(data)
    settled(log)
    fresh = cold(log, monkeypatch)
    assert fresh.problems and len(fresh) > 0
    load_events(log)
    parsed = len(parses)
    cached = load_events(log)
    assert len(parses) == parsed
    assert_same(cached, fresh)
    assert_same(load_events(log, revisions=False), cold_raw(log, monkeypatch))


def cold_raw(location: Path, monkeypatch: pytest.MonkeyPatch) -> EventLog:
    with monkeypatch.context() as patch:
        patch.setenv("TRACKER_CACHE", "off")
        return load_events(location, revisions=False)


def test_a_folder_of_logs_loads_the_same_from_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    shutil.copy(DEMO_EVENTS, folder / "a.csv")
    (folder / "b.csv").write_text(BAD_ROWS, encoding="utf-8")  # its id "a" repeats none of a.csv's; "a" twice in itself
    (folder / "c.csv").write_text("id,occurred\n", encoding="utf-8")  # lacks a required column
    settled(folder)
    fresh = cold(folder, monkeypatch)
    load_events(folder)
    parsed = len(parses)
    assert_same(load_events(folder), fresh)
    assert len(parses) == parsed
    (folder / "d.csv").write_text(HEADER + "z,2022-03-09,New file,,,,src,,,,,,\n", encoding="utf-8")
    settled(folder)
    seen = load_events(folder)
    assert len(parses) == parsed + 4  # a new file in the folder is seen: the whole folder is parsed again
    assert_same(seen, cold(folder, monkeypatch))


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "", " d"]),
        st.sampled_from(["2022-02-22", "2022-02-22T10:00:00Z", "2022-02-30", "2022-02-22T10:00", "", "1899-12-31"]),
        st.text(st.sampled_from('ab ,"é\n'), max_size=6),
        st.sampled_from(["", "EU", "EU;UK"]),
        st.sampled_from(["", "src"]),
        st.sampled_from(["", "decision", "decison"]),
        st.sampled_from(["", "a", "b"]),
    ),
    max_size=8,
)


@pytest.mark.usefixtures("cache")
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, last_line_end=st.booleans())
def test_small_logs_load_the_same_from_the_cache_as_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path], rows: list[tuple[str, ...]], last_line_end: bool
) -> None:
    header = "id,occurred,title,actors,source,kind,corrects\n"
    text = header + "".join(",".join(_cell(c) for c in row) + "\n" for row in rows)
    log = tmp_path / "generated.csv"
    log.write_text(text if last_line_end else text.rstrip("\n"), encoding="utf-8")
    settled(log)
    fresh = cold(log, monkeypatch)
    parsed = len(parses)
    assert_same(load_events(log), fresh)  # stored
    assert_same(load_events(log), fresh)  # read from the cache
    assert len(parses) == parsed + 1


@pytest.fixture
def demo(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]) -> Iterator[Path]:
    """A demo log, loaded once so that its cache is stored; ``parses`` is empty again."""
    log = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, log)
    settled(log)
    load_events(log)
    parses.clear()
    load_events(log)
    assert parses == []
    yield log


def test_an_appended_row_is_seen(demo: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]) -> None:
    with demo.open("a", encoding="utf-8") as out:
        out.write("zz-new,2026-01-01,A new event,EU,,,,src,\n")
    settled(demo)
    log = load_events(demo)
    assert parses == [demo] and log.has_id("zz-new")
    assert_same(log, cold(demo, monkeypatch))


def test_a_byte_rewritten_in_the_middle_is_seen_even_with_size_and_mtime_kept(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    log = tmp_path / "events.csv"
    rows = "".join(f"e{n},2022-02-22,Event {n},EU,Russia,sanctions,,Council,\n" for n in range(8000))
    log.write_text(DEMO_EVENTS.read_text(encoding="utf-8") + rows, encoding="utf-8")
    data = bytearray(log.read_bytes())
    assert len(data) > 4 * 64 * 1024  # the middle is outside the hashed head and tail
    settled(log)
    load_events(log)
    before = log.stat()
    middle = data.index(b"Council", len(data) // 2)
    data[middle] = ord("K")
    with log.open("r+b") as out:  # in place: same inode and size
        out.write(data)
    os.utime(log, ns=(before.st_atime_ns, before.st_mtime_ns))  # what a careless tool might do; the ctime still moves
    assert (log.stat().st_size, log.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    parses.clear()
    changed = load_events(log)
    assert parses == [log]
    assert "Kouncil" in changed.table.column("source").to_pylist()
    assert_same(changed, cold(log, monkeypatch))


def test_a_touched_log_is_parsed_again(demo: Path, parses: list[Path]) -> None:
    os.utime(demo, ns=(time.time_ns() - 30 * 10**9,) * 2)
    load_events(demo)
    assert parses == [demo]


def test_a_truncated_cache_is_ignored_and_rebuilt(demo: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]) -> None:
    stored = cache_of(demo)
    assert stored is not None
    size = stored.stat().st_size
    with stored.open("r+b") as out:
        out.truncate(size // 2)
    assert_same(load_events(demo), cold(demo, monkeypatch))
    assert parses == [demo, demo]  # this load, then the cold one
    assert stored.stat().st_size == size  # rebuilt
    parses.clear()
    load_events(demo)
    assert parses == []


def test_garbage_in_the_cache_file_is_ignored(demo: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]) -> None:
    stored = cache_of(demo)
    assert stored is not None
    stored.write_bytes(b"ARROW1" + b"\0" * 100)
    assert_same(load_events(demo), cold(demo, monkeypatch))
    assert parses[0] == demo


def test_a_cache_from_another_reader_version_is_not_used(demo: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]) -> None:
    monkeypatch.setattr(reader, "READER_VERSION", reader.READER_VERSION + 1)
    load_events(demo)
    assert parses == [demo]


def test_nothing_is_cached_while_a_writer_holds_the_log(tmp_path: Path, cache: Path, parses: list[Path]) -> None:
    log = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, log)
    settled(log)
    with locked(log):
        load_events(log)
        assert not cache.exists() or not any(cache.iterdir())  # nothing stored
    load_events(log)  # stored now
    with locked(log):
        load_events(log)  # not read from the cache while a writer is at work
    assert parses == [log, log, log]


def test_a_recently_changed_log_is_not_cached(tmp_path: Path, cache: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # "Recently" stretched to a day, so that however slowly this machine runs, both loads fall inside the window.
    monkeypatch.setattr(log_cache, "RACY_SECONDS", 86_400.0)
    log = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, log)  # just written: a change in the same clock tick could go unseen
    load_events(log)
    load_events(log)
    assert parses == [log, log]


def test_cache_off_parses_every_time_and_writes_nothing(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    monkeypatch.setenv("TRACKER_CACHE", "off")
    log = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, log)
    settled(log)
    load_events(log)
    load_events(log)
    assert parses == [log, log]
    assert cache_of(log) is None and not cache.exists()


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TRACKER_CACHE", str(blocker / "cache"))
    log = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, log)
    settled(log)
    assert_same(load_events(log), cold(log, monkeypatch))
    assert_same(load_events(log), cold(log, monkeypatch))


def test_the_cache_lives_in_the_users_cache_folder_not_beside_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "data"
    data.mkdir()
    log = data / "events.csv"
    shutil.copy(DEMO_EVENTS, log)
    settled(log)
    load_events(log)
    assert sorted(p.name for p in data.iterdir()) == ["events.csv"]  # readers create no files in the data folder
    stored = cache_of(log)
    assert stored is not None and stored.parent == tmp_path / "xdg" / "sanctions-tracker" and stored.is_file()
    assert stored.parent.stat().st_mode & 0o077 == 0  # private to this user
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_of(log) == tmp_path / "home" / ".cache" / "sanctions-tracker" / stored.name


def test_rows_are_placed_by_line_after_a_cached_load(demo: Path, parses: list[Path]) -> None:
    log = load_events(demo)
    assert parses == []
    lines = demo.read_text(encoding="utf-8").splitlines()
    for pos in (0, len(log) // 2, len(log) - 1):
        place = log.place(pos)
        line = int(place.rsplit(" ", 1)[1])
        assert lines[line - 1].startswith(log.table.column("id")[pos].as_py() + ",")
