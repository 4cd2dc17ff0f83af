"""Corrections and retractions: resolved by the loader, originals kept, history available."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tracker.engine.status import Status, assess
from tracker.log.reader import load_events
from tracker.scenario.model import Scenario

HEADER = "id,occurred,title,actors,targets,tags,source,notes,logged_at,logged_by,corrects,retracts\n"

Write = Callable[[str, str], Path]


def _titles(path: Path) -> dict[str, str]:
    log = load_events(path)
    return dict(zip(log.table.column("id").to_pylist(), log.table.column("title").to_pylist(), strict=True))


def test_a_log_without_revisions_is_unchanged(write: Write) -> None:
    path = write("events.csv", HEADER + "a,2022-02-22,A,,,,src,,,,,\n")
    log = load_events(path)
    assert log.revisions is None
    assert [v.kind for v in log.history("a")] == ["original"]
    assert log.history("nope") == []


def test_a_correction_replaces_the_original_under_its_id(write: Write) -> None:
    path = write(
        "events.csv",
        HEADER
        + "a,2022-02-22,EU agrees first package,EU,Russia,sanctions,Council,,,ana,,\n"
        + "b,2022-02-23,EU agrees first sanctions package,EU,Russia,sanctions-package,Council press release,,,ben,a,\n",
    )
    log = load_events(path)
    assert log.problems == []
    assert len(log) == 1
    event = log.event(0)
    assert (event.id, event.occurred, event.title, event.tags) == (
        "a",
        "2022-02-23",
        "EU agrees first sanctions package",
        ("sanctions-package",),
    )
    history = log.history("a")
    assert [(v.event.id, v.kind, v.current) for v in history] == [("a", "original", False), ("b", "correction", True)]
    assert log.history("b") == history  # any version's id leads to the same history
    assert path.read_text().count("\n") == 3  # the original row is still in the file


def test_corrections_of_corrections_chain(write: Write) -> None:
    path = write(
        "events.csv",
        HEADER
        + "a,2022-02-22,v1,,,,s,,,,,\n"
        + "b,2022-02-22,v2,,,,s,,,,a,\n"
        + "x,2022-02-24,other,,,,s,,,,,\n"
        + "c,2022-02-22,v3,,,,s,,,,b,\n",
    )
    assert _titles(path) == {"a": "v3", "x": "other"}
    assert [v.event.title for v in load_events(path).history("c")] == ["v1", "v2", "v3"]


def test_a_retraction_removes_the_event_from_matching(write: Write) -> None:
    path = write(
        "events.csv",
        HEADER + "a,2022-02-22,A,,,,s,,,,,\n" + "b,2022-02-22,A fixed,,,,s,,,,a,\n" + "r,2022-02-22,Retraction of a,,,,s,wrong,,,,b\n",
    )
    log = load_events(path)
    assert log.problems == []
    assert len(log) == 0
    assert log.revisions is not None and list(log.revisions.retractions) == ["a"]
    assert [(v.event.id, v.kind, v.current) for v in log.history("a")] == [
        ("a", "original", False),
        ("b", "correction", False),
        ("r", "retraction", False),
    ]


def test_bad_references_are_reported_with_their_line(write: Write) -> None:
    path = write(
        "events.csv",
        HEADER
        + "a,2022-02-22,A,,,,s,,,,,\n"
        + "b,2022-02-22,B,,,,s,,,,zzz,\n"
        + "c,2022-02-22,C,,,,s,,,,,zzz\n"
        + "d,2022-02-22,D,,,,s,,,,d,\n"
        + "e,2022-02-22,E,,,,s,,,,a,a\n"
        + "f,2022-02-22,F,,,,s,,,,g,\n"
        + "g,2022-02-22,G,,,,s,,,,f,\n"
        + "r,2022-02-22,R,,,,s,,,,,a\n"
        + "h,2022-02-22,H,,,,s,,,,r,\n"
        + "i,2022-02-22,I,,,,s,,,,,r\n"
        + "j,2022-02-22,J,,,,s,,,,b,\n",
    )
    log = load_events(path)
    shown = [str(p).split(":", 1)[1] for p in log.problems]
    assert shown == [
        "3:11: error: corrects: no event with id 'zzz' in the event log",
        "4:12: error: retracts: no event with id 'zzz' in the event log",
        "5:11: error: corrects: the row names its own id 'd'",
        "6:12: error: retracts: this row also corrects 'a'; a row either corrects or retracts",
        "7:11: error: corrects: corrections refer to each other in a loop ('f' -> 'g' -> 'f')",
        "8:11: error: corrects: corrections refer to each other in a loop ('f' -> 'g' -> 'f')",
        "10:11: error: corrects: 'r' is a retraction, not an event; correct the event it retracts",
        "11:12: error: retracts: 'r' is itself a retraction; a retraction cannot be undone, log the event again instead",
        "12:11: error: corrects: 'b' is not a valid event or correction (see the problem on its own row)",
    ]
    assert len(log) == 0  # 'a' is retracted by 'r'; every other row is a bad revision
    assert log.history("b") == [] and log.history("j") == []  # rows that could not be applied are no event's history


def test_a_correction_after_a_retraction_is_kept_but_warned_about(write: Write) -> None:
    path = write(
        "events.csv",
        HEADER
        + "a,2022-02-22,A,,,,s,,,,,\n"
        + "b,2022-02-22,A v2,,,,s,,,,a,\n"
        + "r,2022-02-22,R,,,,s,,,,,a\n"
        + "c,2022-02-22,A v3,,,,s,,,,b,\n",
    )
    log = load_events(path)
    assert [str(p).split(":", 1)[1] for p in log.problems] == [
        "5:11: warning: corrects: event 'a' was retracted by 'r'; this correction is kept in its history but not matched"
    ]
    assert len(log) == 0
    assert [v.kind for v in log.history("a")] == ["original", "correction", "correction", "retraction"]


def test_revisions_across_the_files_of_a_folder(write: Write) -> None:
    write("log/a.csv", HEADER + "a,2022-02-22,A,,,,s,,,,,\n")
    write("log/b.csv", HEADER + "b,2022-02-23,A fixed,,,,s,,,,a,\n")
    assert _titles(Path(write("log/c.csv", HEADER).parent)) == {"a": "A fixed"}


def test_the_engine_sees_the_current_version(write: Write) -> None:
    scenario = Scenario.model_validate(
        {
            "id": "s",
            "title": "S",
            "opened": dt.date(2022, 1, 1),
            "deadline": dt.date(2022, 3, 1),
            "trigger": {"unless": {"tags": ["de-escalation"]}},
        }
    )
    as_of = dt.datetime(2022, 3, 5, tzinfo=dt.UTC)
    original = HEADER + "a,2022-02-15,Pullback,Russia,,de-escalation,s,,,,,\n"
    assert assess(scenario, load_events(write("one.csv", original)), as_of).status is Status.AVERTED
    corrected = original + "b,2022-03-02,Pullback (after the deadline),Russia,,de-escalation,s,,,,a,\n"
    late = assess(scenario, load_events(write("two.csv", corrected)), as_of)
    assert late.status is Status.TRIGGERED
    retracted = original + "r,2022-02-15,Retraction,,,,s,,,,,a\n"
    assert assess(scenario, load_events(write("three.csv", retracted)), as_of).status is Status.TRIGGERED
    still_in_time = original + "b,2022-02-16,Pullback confirmed,Russia,,de-escalation,s,,,,a,\n"
    kept = assess(scenario, load_events(write("four.csv", still_in_time)), as_of)
    assert (kept.status, kept.decided_by) == (Status.AVERTED, ("a",))  # the original id stays the event's id
    assert kept.averted_by is not None and kept.averted_by.title == "Pullback confirmed"
