"""Briefings in the core: since-last-briefing, the data revision, the iCalendar feed, and the commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT
from tracker.cli import main
from tracker.engine.since import NO_HISTORY, DeadlineMove, deciding_events, since_report, since_text
from tracker.engine.status import Status, assess_all
from tracker.git.data_revision import DataRevision, data_revision
from tracker.log.reader import load_events
from tracker.report.calendar import calendar, check_base_url, entries
from tracker.report.views import without_upcoming
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import UTC, parse_as_of, parse_instant, zone

SCENARIOS = load_scenarios(DEMO_SCENARIOS).scenarios
LOG = load_events(DEMO_EVENTS)
STAMP = dt.datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


# --- since last briefing ----------------------------------------------------------------------
def test_since_reports_status_changes_and_events_between_two_briefings() -> None:
    report = since_report(SCENARIOS, LOG, parse_instant("2021-12-20"), parse_instant("2022-02-01"))
    assert {(c.scenario.id, c.before, c.after) for c in report.changes} == {
        ("joint-sanctions-christmas-2021", Status.DUE_SOON, Status.OVERDUE),
        # The renewal series moved on from its January cycle (averted on 13 January) to the July one, which it watches from
        # 2022-02-01: a new cycle is a change too, even with the same status word.
        ("eu-economic-sanctions-renewal", Status.WATCHING, Status.WATCHING),
    }
    renewal = next(c for c in report.changes if c.scenario.id == "eu-economic-sanctions-renewal")
    # The series' status is already the July cycle's: the ended January cycle's outcome is said beside it.
    assert renewal.cycles == "cycle 1 -> 2; cycle 1 averted by 2022-01-13-eu-renews-economic-sanctions"
    assert [(o.cycle.number, o.assessment.status) for o in renewal.ended] == [(1, Status.AVERTED)]
    assert renewal.now.explanation.startswith("Cycle 2 (2022-02-01 to 2022-07-31): Watching.")
    assert (
        "eu-economic-sanctions-renewal: watching -> watching (cycle 1 -> 2; cycle 1 averted by 2022-01-13-eu-renews-economic-sanctions)"
        in since_text(report, LOG, UTC)
    )
    assert report.changes[0].scenario.id == "joint-sanctions-christmas-2021"  # most urgent first
    assert report.unchanged == len(SCENARIOS) - 2
    assert LOG.ids(report.events) == [
        "2021-12-30-biden-putin-phone-call",
        "2022-01-10-geneva-strategic-stability-dialogue",
        "2022-01-12-nato-russia-council",
        "2022-01-13-eu-renews-economic-sanctions",
        "2022-01-26-us-nato-written-responses",
    ]
    assert report.deadline_moves is None and report.history_note == NO_HISTORY


def test_since_counts_the_last_briefings_own_day_as_already_known() -> None:
    # A date means the end of that day: 2022-01-13's renewal was known at a briefing "as of 2022-01-13".
    report = since_report(SCENARIOS, LOG, parse_instant("2022-01-13"), parse_instant("2022-01-26"))
    assert LOG.ids(report.events) == ["2022-01-26-us-nato-written-responses"]


def test_since_with_nothing_new() -> None:
    report = since_report(SCENARIOS, LOG, parse_instant("2021-12-21"), parse_instant("2021-12-22"))
    assert report.changes == [] and len(report.events) == 0
    text = since_text(report, LOG, UTC)
    assert f"Status changes (0; {len(SCENARIOS)} unchanged):\n  none" in text and "Events logged (0):\n  none" in text


def test_since_must_go_forwards() -> None:
    with pytest.raises(
        ValueError, match=r"the last briefing \(2022-02-01 23:59 UTC\) must be before the later instant \(2021-12-20 23:59 UTC\)"
    ):
        since_report(SCENARIOS, LOG, parse_instant("2022-02-01"), parse_instant("2021-12-20"))


def test_deadline_moves_come_from_a_provider_and_are_kept_to_the_period() -> None:
    asked: list[tuple[dt.datetime, dt.datetime]] = []
    since, until = parse_instant("2021-12-20"), parse_instant("2022-02-01")

    def history(start: dt.datetime, end: dt.datetime) -> list[DeadlineMove]:
        asked.append((start, end))
        return [
            DeadlineMove("b", "2022-01-01", "2022-02-01", dt.datetime(2022, 1, 20, tzinfo=UTC), "abc1234", "Move b"),
            DeadlineMove("a", "2021-12-25", "2022-01-15", dt.datetime(2022, 1, 5, tzinfo=UTC), "def5678"),
            DeadlineMove("c", "2021-11-01", "2021-11-02", dt.datetime(2021, 11, 1, tzinfo=UTC)),  # before the period
            DeadlineMove("d", "2022-03-01", "2022-03-02", until),  # at the end: inside
        ]

    report = since_report(SCENARIOS, LOG, since, until, deadline_moves=history)
    assert asked == [(since, until)]
    assert report.deadline_moves is not None
    assert [m.scenario_id for m in report.deadline_moves] == ["a", "b", "d"]
    assert report.history_note == ""
    assert "  a: 2021-12-25 -> 2022-01-15 (2022-01-05 00:00 UTC, def5678)" in since_text(report, LOG, UTC)
    assert report.to_json(LOG)["deadline_moves"][1] == {
        "id": "b",
        "from": "2022-01-01",
        "to": "2022-02-01",
        "changed_at": "2022-01-20T00:00:00+00:00",
        "revision": "abc1234",
        "note": "Move b",
    }


def test_since_json_names_changes_and_events() -> None:
    report = since_report(SCENARIOS, LOG, parse_instant("2021-12-20"), parse_instant("2022-02-01"))
    data = report.to_json(LOG)
    assert data["status_changes"][0]["from"] == "due-soon" and data["status_changes"][0]["to"] == "overdue"
    assert data["events"][0]["id"] == "2021-12-30-biden-putin-phone-call"
    assert data["deadline_moves"] is None and data["history_note"] == NO_HISTORY


def test_deciding_events_are_the_trigger_and_the_response() -> None:
    christmas = next(
        a for a in assess_all(SCENARIOS, LOG, parse_instant("2022-03-01")) if a.scenario.id == "joint-sanctions-christmas-2021"
    )
    assert [e.id for e in deciding_events(christmas, LOG)] == list(christmas.decided_by)
    assert christmas.decided_by and deciding_events(christmas, LOG)[-1].occurred.startswith("2022-02-22")


# --- data revision ----------------------------------------------------------------------------
def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_revision_is_the_commit_of_the_data_and_says_when_it_has_uncommitted_changes(tmp_path: Path) -> None:
    scenarios, events = tmp_path / "scenarios", tmp_path / "data" / "events.csv"
    scenarios.mkdir()
    events.parent.mkdir()
    (scenarios / "a.yaml").write_text("id: a\n", encoding="utf-8")
    events.write_text("id,occurred,title\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not data\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "scenarios", "data")
    _git(tmp_path, "commit", "-qm", "data")
    head = _git(tmp_path, "rev-parse", "--short", "HEAD")
    assert data_revision([scenarios, events]) == DataRevision(head, dirty=False)  # notes.txt is not data
    (scenarios / "b.yaml").write_text("id: b\n", encoding="utf-8")
    revision = data_revision([scenarios, events])
    assert revision == DataRevision(head, dirty=True)
    assert str(revision) == f"{head} (uncommitted changes)"
    (scenarios / "b.yaml").unlink()
    events.write_text("id,occurred,title\nx,2021-01-01,X\n", encoding="utf-8")
    assert data_revision([scenarios, events]) == DataRevision(head, dirty=True)


def test_no_revision_outside_git_or_before_the_first_commit(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    assert data_revision([tmp_path / "scenarios"]) is None
    _git(tmp_path, "init", "-q")
    assert data_revision([tmp_path / "scenarios"]) is None
    assert data_revision([tmp_path / "missing"]) is None


# --- the iCalendar feed -----------------------------------------------------------------------
@pytest.fixture
def timed(write: Callable[[str, str], Path]) -> Path:
    """Scenarios with a Brussels datetime deadline, a UTC one, a date one, and a triggered one."""
    write(
        "scenarios/brussels-evening.yaml",
        """
        id: brussels-evening
        title: Council decision by Saturday evening
        opened: 2022-01-01
        deadline: 2022-01-15T18:00:00+01:00
        timezone: Europe/Brussels
        warn_within: 2d
        tags: [eu]
        trigger: {unless: {tags: [decision]}}
        """,
    )
    write(
        "scenarios/utc-noon.yaml",
        """
        id: utc-noon
        title: Noon deadline in UTC
        opened: 2022-01-01
        deadline: 2022-02-01T12:00:00Z
        trigger: {when: {tags: [noon]}}
        """,
    )
    write(
        "scenarios/whole-day.yaml",
        """
        id: whole-day
        title: Date deadline in Brussels
        opened: 2022-01-01
        deadline: 2022-03-31
        timezone: Europe/Brussels
        warn_within: 10d
        trigger: {unless: {tags: [renewal]}}
        """,
    )
    write(
        "scenarios/fired.yaml",
        """
        id: fired
        title: Fired early, response within a week
        opened: 2022-01-01
        deadline: 2022-06-30
        timezone: Europe/Brussels
        trigger: {when: {tags: [attack]}}
        response: {title: Sanctions package, match: {tags: [package]}, within: 7d}
        """,
    )
    write(
        "scenarios/done.yaml",
        """
        id: done
        title: Already averted
        opened: 2022-01-01
        deadline: 2022-06-30
        trigger: {unless: {tags: [attack]}}
        """,
    )
    return write(
        "events.csv",
        """
        id,occurred,title,actors,targets,tags,source,notes
        attack-1,2022-01-10T09:30:00+01:00,An attack,,,attack,Somewhere <https://example.org/a>,
        """,
    ).parent


def _feed(folder: Path, as_of: str, **kwargs: object) -> tuple[bytes, icalendar.Calendar]:
    scenarios, log = load_scenarios(folder / "scenarios").scenarios, load_events(folder / "events.csv")
    data = calendar(assess_all(scenarios, log, parse_instant(as_of)), "https://tracker.example.org", STAMP, **kwargs)  # type: ignore[arg-type]
    return data, icalendar.Calendar.from_ical(data)


def _events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_a_brussels_deadline_lands_at_the_right_instant_with_its_zone(timed: Path) -> None:
    data, cal = _feed(timed, "2022-01-05")
    entry = _events(cal)["brussels-evening-deadline@sanctions-scenario-tracker"]
    start = entry.decoded("dtstart")
    assert start == dt.datetime(2022, 1, 15, 17, 0, tzinfo=UTC)  # 18:00 in Brussels (CET) is 17:00 UTC
    assert getattr(start.tzinfo, "key", None) == "Europe/Brussels"
    assert b"DTSTART;TZID=Europe/Brussels:20220115T180000" in data
    assert "Europe/Brussels" in [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")]
    assert "dtend" not in entry and "duration" not in entry  # an instant: it ends when it starts
    assert b"DTSTART:20220201T120000Z" in data  # a UTC deadline is written in UTC


def test_date_deadlines_are_all_day_entries(timed: Path) -> None:
    _, cal = _feed(timed, "2022-01-05")
    entry = _events(cal)["whole-day-deadline@sanctions-scenario-tracker"]
    assert entry.decoded("dtstart") == dt.date(2022, 3, 31) and not isinstance(entry.decoded("dtstart"), dt.datetime)
    assert entry.decoded("dtend") == dt.date(2022, 4, 1)
    assert entry["dtstart"].params.get("VALUE") == "DATE"


def test_triggered_scenarios_add_their_response_due_and_closed_ones_drop_out(timed: Path) -> None:
    _, cal = _feed(timed, "2022-01-12")
    found = _events(cal)
    due = found["fired-response-due@sanctions-scenario-tracker"]
    assert due.decoded("dtstart") == dt.datetime(2022, 1, 17, 8, 30, tzinfo=UTC)  # the trigger at 09:30 CET, plus 7 days
    assert str(due["summary"]) == "Response due: Sanctions package (Fired early, response within a week)"
    assert "fired-deadline@sanctions-scenario-tracker" in found
    assert not any(uid.startswith("done-") for uid in found)  # averted: no longer open
    assert str(found["brussels-evening-deadline@sanctions-scenario-tracker"]["summary"]) == "Deadline: Council decision by Saturday evening"


def test_entries_link_back_and_carry_the_status_and_explanation(timed: Path) -> None:
    _, cal = _feed(timed, "2022-01-12")
    entry = _events(cal)["fired-deadline@sanctions-scenario-tracker"]
    assert str(entry["url"]) == "https://tracker.example.org/?scenario=fired"
    description = str(entry["description"])
    assert description.startswith("Status: Triggered (as of 2022-01-12T23:59+00:00).\nTriggered on 2022-01-10")
    assert description.endswith("Open in the tracker: https://tracker.example.org/?scenario=fired")


def _reminders(entry: icalendar.Event) -> list[tuple[dt.timedelta, str]]:
    return [(alarm.decoded("trigger"), str(alarm["description"])) for alarm in entry.walk("VALARM")]


def test_titles_hold_no_status_so_an_imported_entry_never_shows_a_stale_one(timed: Path) -> None:
    _, early = _feed(timed, "2022-01-05")
    _, later = _feed(timed, "2022-01-12")  # "fired" triggered in between
    before, after = _events(early)["fired-deadline@sanctions-scenario-tracker"], _events(later)["fired-deadline@sanctions-scenario-tracker"]
    assert str(before["summary"]) == str(after["summary"]) == "Deadline: Fired early, response within a week"
    assert str(before["description"]).startswith("Status: Watching (as of 2022-01-05T23:59+00:00).")
    assert str(after["description"]).startswith("Status: Triggered (as of 2022-01-12T23:59+00:00).")


def test_a_deadline_reminds_when_its_due_soon_window_opens_and_a_day_before(timed: Path) -> None:
    _, cal = _feed(timed, "2022-01-05")
    found = _events(cal)
    evening = found["brussels-evening-deadline@sanctions-scenario-tracker"]  # 2022-01-15 18:00 Brussels, warn_within 2d
    assert _reminders(evening) == [
        (dt.timedelta(days=-2), "2 days to the deadline: Council decision by Saturday evening"),
        (dt.timedelta(days=-1), "1 day to the deadline: Council decision by Saturday evening"),
    ]
    assert all(alarm["action"] == "DISPLAY" and "related" not in alarm["trigger"].params for alarm in evening.walk("VALARM"))
    # An all-day entry starts at its day's start and is due at its end: the due-soon window (10 days) opens 9 days
    # before the start, and "a day before" is the start itself.
    whole_day = found["whole-day-deadline@sanctions-scenario-tracker"]
    assert [when for when, _ in _reminders(whole_day)] == [dt.timedelta(days=-9), dt.timedelta(0)]
    start = dt.datetime.combine(whole_day.decoded("dtstart"), dt.time(), ZoneInfo("Europe/Brussels"))
    assert start + dt.timedelta(days=-9) == dt.datetime(2022, 4, 1, tzinfo=ZoneInfo("Europe/Brussels")) - dt.timedelta(days=10)
    # Without warn_within there is no due-soon window: a day before only.
    assert _reminders(found["utc-noon-deadline@sanctions-scenario-tracker"]) == [
        (dt.timedelta(days=-1), "1 day to the deadline: Noon deadline in UTC")
    ]


def test_a_response_due_reminds_a_day_before(timed: Path) -> None:
    _, cal = _feed(timed, "2022-01-12")
    due = _events(cal)["fired-response-due@sanctions-scenario-tracker"]
    assert _reminders(due) == [
        (dt.timedelta(days=-1), "1 day to the response due: Sanctions package (Fired early, response within a week)")
    ]


def test_uids_are_stable_so_reimporting_updates_and_sequence_grows(timed: Path) -> None:
    _, early = _feed(timed, "2022-01-05")
    _, later = _feed(timed, "2022-01-12")
    before, after = _events(early), _events(later)
    assert len(set(before)) == len(before)
    for uid in set(before) & set(after):
        assert int(after[uid]["sequence"]) >= int(before[uid]["sequence"])
    uid = "fired-deadline@sanctions-scenario-tracker"
    assert int(after[uid]["sequence"]) > int(before[uid]["sequence"])  # it fired in between: a revision
    assert after[uid].decoded("last-modified") == dt.datetime(2022, 1, 10, 8, 30, tzinfo=UTC)
    _, edited = _feed(timed, "2022-01-12", modified={"fired": dt.datetime(2025, 5, 5, tzinfo=UTC)})
    assert int(_events(edited)[uid]["sequence"]) > int(after[uid]["sequence"])  # an edited file: a revision too
    assert all(e.decoded("last-modified") <= e.decoded("dtstamp") == STAMP for e in _events(edited).values())


def test_the_file_round_trips(timed: Path) -> None:
    data, cal = _feed(timed, "2022-01-12")
    again = icalendar.Calendar.from_ical(cal.to_ical())
    assert again.to_ical() == cal.to_ical() == data
    assert str(cal["prodid"]) == "-//sanctions-scenario-tracker//Deadlines//EN" and str(cal["version"]) == "2.0"
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_the_demo_as_of_the_christmas_briefing() -> None:
    items = assess_all(SCENARIOS, LOG, parse_as_of("2021-12-20"))
    kept, later = without_upcoming(items)
    assert later == 10  # every scenario that opened in 2022 or later is left out of the feed
    found = entries(kept, "http://localhost:8501", STAMP)
    assert sum(a.is_open for a in items) == 3
    # The open scenarios' deadlines, and the renewal series' eight cycles after its current one (through `until`).
    assert len(found) == 3 + 8
    christmas = found[0]
    assert christmas.uid == "joint-sanctions-christmas-2021-deadline@sanctions-scenario-tracker"
    assert christmas.start == dt.date(2021, 12, 25) and christmas.summary.startswith("Deadline: Joint US-EU-UK")


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [("http://localhost:8501", "http://localhost:8501"), ("https://tracker.example.org/", "https://tracker.example.org")],
)
def test_base_url_accepted(text: str, cleaned: str) -> None:
    assert check_base_url(text) == cleaned


@pytest.mark.parametrize("text", ["localhost:8501", "ftp://example.org", "https://", "https://x.org/?a=1", ""])
def test_base_url_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected the app's address, like http://localhost:8501 or https://tracker.example.org"):
        check_base_url(text)


# --- the commands -----------------------------------------------------------------------------
def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--help"] if not argv else list(argv))
    out, err = capsys.readouterr()
    return code, out, err


DATA = ("--scenarios", str(DEMO_SCENARIOS), "--events", str(DEMO_EVENTS))


def test_brief_writes_one_self_contained_html_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief.html"
    code, _, err = cli(capsys, "brief", "--as-of", "2021-12-20", "--out", str(out), "--since", "2021-12-01", *DATA)
    assert code == 0, err
    assert err.startswith(f"Wrote {out} (4 scenario(s), as of 2021-12-20 (end of day in each scenario's zone)")
    assert err.rstrip().endswith("; 10 scenarios open later left out (--include-upcoming shows them))")
    text = out.read_text(encoding="utf-8")
    shown = [s for s in SCENARIOS if s.opened <= dt.date(2021, 12, 20)]
    assert text.count("Plotly.newPlot(") == len(shown) == 4
    scripts = _script_tags(text)
    # Nothing to fetch: plotly.js is inline, the status icons are data: URIs.
    assert scripts and all((attributes.get("src") or "data:").startswith("data:") for attributes in scripts)
    assert text.count("Plotly.register") < 10 and len(text) < 8_000_000  # the library once, not once per chart
    assert "Status as of 2021-12-20 (end of day in each scenario&#x27;s zone)" in text
    for scenario in SCENARIOS:
        assert (f'<section class="scenario" id="{scenario.id}">' in text) is (scenario in shown), scenario.id
    # The demo scenarios are in this repository's git history; no deadline of theirs has moved.
    assert '<section id="since"><h2>Since last briefing</h2>' in text and "No deadline was moved." in text
    assert "https://www.taipeitimes.com/News/world/archives/2021/12/06/2003769116" in text  # a scenario's source, linked
    assert "10 scenarios open later: not in this pack until tracking starts." in text


def _script_tags(text: str) -> list[dict[str, str | None]]:
    from html.parser import HTMLParser

    found: list[dict[str, str | None]] = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "link", "img", "iframe"):
                found.append(dict(attrs))

    Scripts().feed(text)
    return found


def test_brief_dates_mean_the_end_of_the_day_in_each_scenarios_zone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The reader's zone changes how times read, never which instant a bare date means: the same pack in Brussels and Tokyo.
    texts = []
    for reader in ("Europe/Brussels", "Asia/Tokyo"):
        out = tmp_path / f"{reader.replace('/', '-')}.html"
        code, _, err = cli(capsys, "brief", "--as-of", "2021-12-20", "--timezone", reader, "--out", str(out), *DATA)
        assert code == 0, err
        texts.append(out.read_text(encoding="utf-8"))
    assert all("Status as of 2021-12-20 (end of day in each scenario&#x27;s zone)" in text for text in texts)
    assert all('data-scenario="joint-sanctions-christmas-2021" style="font-size:1.6rem;">5 d 0 h<' in text for text in texts)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "20 December"], "tracker: --as-of: '20 December' is not a date (2021-12-20) or a datetime with offset"),
        (["--as-of", "2021-02-30"], "tracker: --as-of: '2021-02-30' is not a real calendar date"),
        (["--timezone", "Europe/Brusels"], "tracker: --timezone: unknown time zone 'Europe/Brusels'; did you mean 'Europe/Brussels'?"),
        (
            ["--since", "2022-01-01"],
            "tracker: --since: the last briefing (2022-01-01 (end of day in each scenario's zone)) must be before --as-of "
            "(2021-12-20 (end of day in each scenario's zone))",
        ),
        (["--since", "yesterday"], "tracker: --since: 'yesterday' is not a date"),
        (["--scenarios", "no-such-folder"], "tracker: no scenario folder at no-such-folder; pass --scenarios or set TRACKER_SCENARIOS"),
    ],
)
def test_brief_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    out = tmp_path / "brief.html"
    code, stdout, err = cli(capsys, "brief", "--as-of", "2021-12-20", "--out", str(out), *DATA, *argv)
    assert code == 2
    assert err.startswith(message) and "Traceback" not in err and stdout == ""
    assert not out.exists()


def test_brief_bad_output_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "brief", "--out", str(tmp_path / "missing" / "brief.html"), *DATA)
    assert (code, err) == (2, f"tracker: --out: cannot write {tmp_path}/missing/brief.html: there is no folder {tmp_path}/missing\n")
    code, _, err = cli(capsys, "brief", "--out", str(tmp_path), *DATA)
    assert (code, err) == (2, f"tracker: --out: {tmp_path} is a folder; give a file name such as brief.html\n")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    code, _, err = cli(capsys, "brief", "--out", str(tmp_path / "file.txt" / "brief.html"), *DATA)
    assert code == 2 and err.startswith("tracker: --out: cannot write") and "there is no folder" in err
    code, _, err = cli(capsys, "brief", "--out", str(tmp_path / "b.html"), "--png-dir", str(tmp_path / "file.txt"), *DATA)
    assert (code, err) == (2, f"tracker: --png-dir: {tmp_path}/file.txt is a file, not a folder\n")
    code, _, err = cli(capsys, "brief", "--out", str(tmp_path / "b.html"), "--pdf", str(tmp_path / "nowhere" / "b.pdf"), *DATA)
    assert (code, err) == (2, f"tracker: --pdf: cannot write {tmp_path}/nowhere/b.pdf: there is no folder {tmp_path}/nowhere\n")
    code, _, err = cli(capsys, "brief", *DATA)
    assert code == 2 and err.startswith("tracker: the following arguments are required: --out\nusage: tracker brief")


def test_a_failed_write_keeps_the_earlier_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "deadlines.ics"
    out.write_text("the earlier calendar", encoding="utf-8")

    def full_disk(fd: int, data: bytes, **_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tracker.log.writer._write_all", full_disk)
    code, _, err = cli(capsys, "calendar", "--as-of", "2021-12-20", "--out", str(out), *DATA)
    assert (code, err) == (2, f"tracker: --out: cannot write {out}: No space left on device\n")
    assert out.read_text(encoding="utf-8") == "the earlier calendar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deadlines.ics"]  # no temporary file left behind


def test_calendar_command_writes_the_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deadlines.ics"
    code, _, err = cli(capsys, "calendar", "--as-of", "2021-12-20", "--out", str(out), "--base-url", "https://t.example.org/", *DATA)
    assert code == 0, err
    assert err == (
        f"Wrote {out} (11 entries for the scenarios open as of 2021-12-20 (end of day in each scenario's zone) and the upcoming "
        "cycles of series; 10 scenarios open later left out (--include-upcoming shows them))\n"
    )
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    urls = {str(e["url"]) for e in cal.walk("VEVENT")}
    assert "https://t.example.org/?scenario=joint-sanctions-christmas-2021" in urls
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # an ordinary file, not a private temporary one


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_calendar_to_standard_output_and_base_url_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_BASE_URL", "https://briefings.example.org")
    code, out, _ = cli(capsys, "calendar", "--as-of", "2021-12-20", "--out", "-", *DATA)
    assert code == 0
    assert "URL:https://briefings.example.org/?scenario=g7-massive-consequences-2021" in out.replace("\r\n ", "")
    assert "swift-disconnection-2022" not in out  # it opens in 2022


def test_calendar_can_include_the_scenarios_that_open_later(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "calendar", "--as-of", "2021-12-20", "--out", "-", "--include-upcoming", *DATA)
    assert code == 0
    unfolded = out.replace("\r\n ", "")
    assert "SUMMARY:Deadline: Selected Russian banks removed from SWIFT" in unfolded and "?scenario=swift-disconnection-2022" in unfolded
    assert "DESCRIPTION:Status: Upcoming (as of 2021-12-20T23:59" in unfolded


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ((["--base-url", "localhost:8501"], None), "tracker: --base-url: expected the app's address"),
        (([], "tracker.example.org"), "tracker: $TRACKER_BASE_URL: expected the app's address"),
        ((["--as-of", "2021-13-01"], None), "tracker: --as-of: '2021-13-01' is not a real calendar date"),
    ],
)
def test_calendar_bad_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: tuple[list[str], str | None], message: str
) -> None:
    argv, env = case
    if env is not None:
        monkeypatch.setenv("TRACKER_BASE_URL", env)
    out = tmp_path / "d.ics"
    code, _, err = cli(capsys, "calendar", "--out", str(out), *DATA, *argv)
    assert code == 2 and err.startswith(message)
    assert not out.exists()


def test_calendar_bad_output_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "calendar", "--out", str(tmp_path / "no" / "d.ics"), *DATA)
    assert (code, err) == (2, f"tracker: --out: cannot write {tmp_path}/no/d.ics: there is no folder {tmp_path}/no\n")
    code, _, err = cli(capsys, "calendar", *DATA)
    assert code == 2 and err.startswith("tracker: the following arguments are required: --out")


def test_since_command_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "since", "2021-12-20", "--until", "2022-02-01", *DATA)
    assert code == 0
    assert out.startswith(
        "Since last briefing: 2021-12-20 (end of day in each scenario's zone) -> 2022-02-01 (end of day in each scenario's zone)\n"
        "\nStatus changes (2; 12 unchanged):\n"
    )
    assert "  joint-sanctions-christmas-2021: due-soon -> overdue\n" in out
    assert "Events logged (5):\n  2021-12-30        Biden-Putin phone call" in out
    assert out.rstrip().endswith("Deadlines moved (0):\n  none")  # read from this repository's git history
    code, out, _ = cli(capsys, "since", "2021-12-20", "--until", "2022-02-01", "--format", "json", *DATA)
    renewal = json.loads(out)["status_changes"][1]
    assert code == 0 and (renewal["id"], renewal["to"], renewal["cycle_from"], renewal["cycle_to"]) == (
        "eu-economic-sanctions-renewal",
        "watching",
        1,
        2,
    )
    assert renewal["cycles_ended"] == [
        {
            "number": 1,
            "opened": "2021-07-13",
            "deadline": "2022-01-31",
            "status": "averted",
            "decided_by": ["2022-01-13-eu-renews-economic-sanctions"],
        }
    ]


def test_since_until_now_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "since", "2022-12-01", *DATA)
    assert code == 0 and "-> " in out.splitlines()[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["last week"], "tracker: WHEN: 'last week' is not a date (2021-12-20) or a datetime with offset"),
        (
            ["2022-02-01", "--until", "2021-12-20"],
            "tracker: WHEN: the last briefing (2022-02-01 (end of day in each scenario's zone)) must be before --until "
            "(2021-12-20 (end of day in each scenario's zone))",
        ),
        (["2150-01-01"], "tracker: WHEN: the last briefing (2150-01-01 (end of day in each scenario's zone)) must be before now ("),
        (
            ["2021-12-20", "--until", "2021-12-20T10:00"],
            "tracker: --until: '2021-12-20T10:00' has no time zone offset; add one, e.g. 2021-12-20T10:00Z",
        ),
        (["2021-12-20", "--timezone", "Mars/Olympus"], "tracker: --timezone: unknown time zone 'Mars/Olympus'"),
        ([], "tracker: the following arguments are required: WHEN"),
    ],
)
def test_since_bad_flags(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = cli(capsys, "since", *argv, *DATA)
    assert code == 2 and err.startswith(message) and out == ""


def test_the_core_commands_never_load_plotly_or_streamlit() -> None:
    probe = (
        "import sys, tracker.cli.run; tracker.cli.run.build_parser(); "
        "print(sorted(m for m in ('plotly', 'streamlit', 'kaleido') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_brief_without_the_dashboard_libraries_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib

    real = importlib.import_module

    def without_plotly(name: str, package: str | None = None) -> object:
        if name == "tracker.report.pack":
            raise ModuleNotFoundError("No module named 'plotly'", name="plotly")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_plotly)
    code, _, err = cli(capsys, "brief", "--as-of", "2021-12-20", "--out", str(tmp_path / "b.html"), *DATA)
    assert code == 1
    assert "'plotly' is not installed: pip install 'sanctions-scenario-tracker[dashboard]'" in err
    assert not (tmp_path / "b.html").exists()


# --- since: moves announced in the files, what was logged, and bare dates --------------------------------------------------
def test_since_lists_deadline_moves_by_the_date_they_were_announced() -> None:
    # Trump's 50-day deadline (due 2 September 2025) was cut on 28 July 2025 to about 8 August.
    report = since_report(SCENARIOS, LOG, parse_as_of("2025-07-20"), parse_as_of("2025-08-20"))
    assert report.deadline_moves is not None
    [move] = report.deadline_moves
    assert (move.scenario_id, move.before, move.after) == (
        "us-secondary-tariffs-russia-2025",
        "2025-09-02 24:00 America/New_York",
        "about 2025-08-08 24:00 America/New_York",
    )
    assert move.changed_at.astimezone(zone("America/New_York")).date() == dt.date(2025, 7, 28) and move.note.startswith("announced")
    assert report.history_note == NO_HISTORY  # no git provider given: the files' own record still shows
    later = since_report(SCENARIOS, LOG, parse_as_of("2025-07-29"), parse_as_of("2025-08-20"))
    assert later.deadline_moves is None


def test_since_counts_events_by_when_they_were_logged_and_lists_the_others_apart(tmp_path: Path) -> None:
    log_path = tmp_path / "events.csv"
    log_path.write_text(
        "id,occurred,title,actors,targets,tags,source,notes,logged_at\n"
        # Happened before the last briefing, learnt of after it: new to the audience.
        "late-news,2021-12-18,Late news,Russia,,x,Example,,2021-12-22T09:00:00Z\n"
        # Happened in the period and logged in it.
        "in-period,2021-12-23,In the period,Russia,,x,Example,,2021-12-23T10:00:00Z\n"
        # Happened in the period, logged only after the later briefing.
        "logged-later,2021-12-24,Logged later,Russia,,x,Example,,2022-01-05T10:00:00Z\n"
        # No logged_at: counts from when it occurred.
        "unstamped,2021-12-26,No stamp,Russia,,x,Example,,\n",
        encoding="utf-8",
    )
    log = load_events(log_path)
    report = since_report(SCENARIOS, log, parse_as_of("2021-12-20"), parse_as_of("2021-12-31"), tz=zone("America/New_York"))
    assert log.ids(report.events) == ["late-news", "in-period", "unstamped"]
    assert log.ids(report.occurred) == ["logged-later"]
    text = since_text(report, log, UTC)
    assert "Events logged (3):" in text and "Events that occurred in the period, logged outside it (1):" in text
    assert report.to_json(log)["events_occurred_not_logged_in_period"][0]["id"] == "logged-later"


@pytest.mark.parametrize("reader", ["America/New_York", "Asia/Tokyo", "UTC"])
def test_since_with_bare_dates_judges_each_scenario_at_its_own_end_of_day(reader: str) -> None:
    report = since_report(SCENARIOS, LOG, parse_as_of("2021-12-20"), parse_as_of("2022-02-01"), tz=zone(reader))
    assert {(c.scenario.id, c.before, c.after) for c in report.changes} == {
        ("joint-sanctions-christmas-2021", Status.DUE_SOON, Status.OVERDUE),
        ("eu-economic-sanctions-renewal", Status.WATCHING, Status.WATCHING),
    }
    assert report.period_text == ("2021-12-20 (end of day in each scenario's zone) -> 2022-02-01 (end of day in each scenario's zone)")


def test_the_deck_advances_one_slide_once_the_interval_has_passed_and_wraps_to_the_overview() -> None:
    from tracker.report.slides import ADVANCE_EARLY_SECONDS, Shown, auto_advance

    first = auto_advance(1, 5, 30.0, None, clock=100.0)
    assert first == Shown(1, 100.0), "the first run puts the slide up and starts its clock"
    assert auto_advance(1, 5, 30.0, first, clock=129.0) == first, "a tick before the interval keeps the slide"
    assert auto_advance(1, 5, 30.0, first, clock=130.0 - ADVANCE_EARLY_SECONDS) == Shown(2, 129.5), "a tick may come a little early"
    assert auto_advance(5, 5, 30.0, Shown(5, 0.0), clock=31.0) == Shown(1, 31.0), "after the last slide, the overview again"
    assert auto_advance(3, 5, 30.0, Shown(2, 0.0), clock=500.0) == Shown(3, 500.0), "someone moved: the new slide gets its full time"
    assert auto_advance(2, 5, None, Shown(2, 0.0), clock=500.0) == Shown(2, 500.0), "no interval: never moves"


def test_since_over_several_cycles_says_each_ended_cycle_s_outcome() -> None:
    report = since_report(SCENARIOS, LOG, parse_instant("2021-12-20"), parse_instant("2023-02-01"))
    renewal = next(c for c in report.changes if c.scenario.id == "eu-economic-sanctions-renewal")
    assert renewal.cycles == (
        "cycle 1 -> 4; cycle 1 averted by 2022-01-13-eu-renews-economic-sanctions; "
        "cycle 2 averted by 2022-07-26-eu-renews-economic-sanctions; cycle 3 averted by 2023-01-27-eu-renews-economic-sanctions"
    )
