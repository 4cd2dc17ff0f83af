"""Owners and reviews: when a scenario was last looked at, and stale as of instants around `review_every`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ScratchRepo
from tests.test_engine import Write, row
from tracker.cli import main
from tracker.engine.review import FileCommit, Review, last_commit, review, reviews
from tracker.engine.since import since_report, since_text
from tracker.engine.status import Basis, assess
from tracker.git.history import head_commit, scenario_commits
from tracker.judgement.model import Judgement, Judgements, judgements
from tracker.log.events import COLUMNS, EventLog
from tracker.log.reader import load_events
from tracker.scenario.model import Scenario

UTC = dt.UTC
T0 = dt.datetime(2022, 1, 10, 12, tzinfo=UTC)
EVERY = dt.timedelta(days=30)
TICK = dt.timedelta(microseconds=1)


def scenario(**fields: Any) -> Scenario:
    """Open from 2022-01-01 to the end of 2022, averted by a de-escalation, reviewed every 30 days."""
    data: dict[str, Any] = {
        "id": "s",
        "title": "T",
        "opened": dt.date(2022, 1, 1),
        "deadline": dt.date(2022, 12, 31),
        "timezone": "Europe/Brussels",
        "trigger": {"unless": {"tags": ["de-escalation"]}},
        "signposts": [{"title": "Build-up", "direction": "escalation", "match": {"tags": ["build-up"]}}],
        "review_every": "30d",
    }
    data.update(fields)
    return Scenario.model_validate({key: value for key, value in data.items() if value is not None})


@pytest.fixture
def log_of(write: Write) -> Callable[..., EventLog]:
    def _log(*rows: str) -> EventLog:
        return load_events(write("events.csv", "\n".join([",".join(COLUMNS), *rows]) + "\n"))

    return _log


def judged(at: dt.datetime, by: str = "AB", logged_at: dt.datetime | None = None, scenario_id: str = "s") -> Judgement:
    return Judgement(f"j-{at.isoformat()}", scenario_id, at, 70.0, "medium", assessed_by=by, logged_at=logged_at)


def review_at(
    s: Scenario,
    as_of: dt.datetime,
    log: EventLog | None = None,
    *,
    rows: Judgements | None = None,
    commit: FileCommit | None = None,
    basis: Basis = Basis.OCCURRED,
) -> Review:
    log = log if log is not None else EventLog.empty()
    return review(assess(s, log, as_of, basis), log, rows or Judgements(), commit)


@pytest.mark.parametrize(
    ("after", "stale"),
    [(EVERY - TICK, False), (EVERY, False), (EVERY + TICK, True)],
    ids=["just before", "exactly at", "just after"],
)
def test_stale_once_review_every_has_passed_since_the_last_assessment(after: dt.timedelta, stale: bool) -> None:
    found = review_at(scenario(), T0 + after, rows=judgements([judged(T0)]))
    assert found == Review(stale, T0, "assessed by AB on 2022-01-10", T0 + EVERY)


@pytest.mark.parametrize(("after", "stale"), [(EVERY - TICK, False), (EVERY, False), (EVERY + TICK, True)])
def test_stale_around_review_every_after_a_matched_event(log_of: Callable[..., EventLog], after: dt.timedelta, stale: bool) -> None:
    log = log_of(row("e1", "2022-01-10T12:00:00Z", tags="build-up"))
    found = review_at(scenario(), T0 + after, log)
    assert (found.stale, found.last_reviewed) == (stale, T0)
    assert found.what == "event “Event e1” (e1) matched on 2022-01-10"


@pytest.mark.parametrize(("after", "stale"), [(EVERY - TICK, False), (EVERY, False), (EVERY + TICK, True)])
def test_stale_around_review_every_after_a_commit(after: dt.timedelta, stale: bool) -> None:
    found = review_at(scenario(), T0 + after, commit=FileCommit(T0, "abc1234"))
    assert found == Review(stale, T0, "file committed in abc1234 on 2022-01-10", T0 + EVERY)


def test_the_latest_of_assessment_event_and_commit_counts(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("e1", "2022-02-01T09:00:00Z", tags="build-up"))
    rows = judgements([judged(dt.datetime(2022, 1, 20, tzinfo=UTC), by="")])
    commit = FileCommit(dt.datetime(2022, 1, 25, tzinfo=UTC), "abc1234")
    as_of = dt.datetime(2022, 2, 15, tzinfo=UTC)
    assert review_at(scenario(), as_of, log, rows=rows, commit=commit).what == "event “Event e1” (e1) matched on 2022-02-01"
    assert review_at(scenario(), as_of, rows=rows, commit=commit).what == "file committed in abc1234 on 2022-01-25"
    assert review_at(scenario(), as_of, rows=rows).what == "assessed on 2022-01-20"  # no assessed_by: no "by"


def test_a_date_only_event_stands_at_the_start_of_its_day_in_the_scenarios_zone(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("e1", "2022-01-10", tags="build-up"))
    start = dt.datetime(2022, 1, 9, 23, tzinfo=UTC)  # midnight in Brussels (CET)
    assert review_at(scenario(), start + EVERY, log).stale is False
    assert review_at(scenario(), start + EVERY + TICK, log).stale is True
    assert review_at(scenario(), start + TICK, log).last_reviewed == start


def test_only_matched_events_from_opened_to_the_as_of_count(log_of: Callable[..., EventLog]) -> None:
    log = log_of(
        row("before", "2021-12-20T12:00:00Z", tags="build-up"),  # before opened: the engine ignores it
        row("other", "2022-01-05T12:00:00Z", tags="unrelated"),
        row("later", "2022-03-01T12:00:00Z", tags="build-up"),  # after the as-of
    )
    found = review_at(scenario(), dt.datetime(2022, 2, 1, tzinfo=UTC), log)
    assert found == Review(True, None, "", None)


def test_assessments_of_other_scenarios_or_made_after_the_as_of_do_not_count() -> None:
    rows = judgements([judged(T0, scenario_id="other"), judged(T0 + dt.timedelta(days=2))])
    assert review_at(scenario(), T0 + dt.timedelta(days=1), rows=rows) == Review(True, None, "", None)


def test_commits_after_the_as_of_do_not_count() -> None:
    commits = [FileCommit(T0 + dt.timedelta(days=5), "new0000"), FileCommit(T0, "old0000")]  # newest first
    assert last_commit(commits, T0 + dt.timedelta(days=1)) == commits[1]
    assert last_commit(commits, T0 - TICK) is None
    assert review_at(scenario(), T0 + dt.timedelta(days=1), commit=commits[0]).last_reviewed is None


def test_under_basis_known_an_event_counts_from_when_it_was_logged(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        ",".join([*COLUMNS, "logged_at"]) + "\n" + row("e1", "2022-01-10T12:00:00Z", tags="build-up") + ",2022-01-20T08:00:00Z\n",
        encoding="utf-8",
    )
    log = load_events(path)
    logged = dt.datetime(2022, 1, 20, 8, tzinfo=UTC)
    assert review_at(scenario(), logged - TICK, log, basis=Basis.KNOWN).last_reviewed is None
    known = review_at(scenario(), logged + EVERY, log, basis=Basis.KNOWN)
    assert (known.stale, known.last_reviewed, known.what) == (False, logged, "event “Event e1” (e1) logged on 2022-01-20")
    assert review_at(scenario(), logged + EVERY, log).stale is True  # on the occurred basis it counts from the 10th


def test_under_basis_known_an_assessment_counts_once_written() -> None:
    written = T0 + dt.timedelta(days=3)
    rows = judgements([judged(T0, logged_at=written)])
    assert review_at(scenario(), written - TICK, rows=rows, basis=Basis.KNOWN).last_reviewed is None
    assert review_at(scenario(), written + EVERY, rows=rows, basis=Basis.KNOWN).stale is False
    assert review_at(scenario(), written + EVERY, rows=rows).stale is True


def test_never_stale_without_review_every() -> None:
    found = review_at(scenario(review_every=None), dt.datetime(2022, 6, 1, tzinfo=UTC))
    assert found == Review(False, None, "", None)


def test_a_decided_or_not_yet_open_scenario_is_never_stale(log_of: Callable[..., EventLog]) -> None:
    log = log_of(row("calm", "2022-01-10T12:00:00Z", tags="de-escalation"))
    averted = review_at(scenario(), dt.datetime(2022, 6, 1, tzinfo=UTC), log)
    assert averted.stale is False and averted.last_reviewed == T0  # the last review is still said
    upcoming = review_at(scenario(), dt.datetime(2021, 12, 1, tzinfo=UTC))
    assert upcoming.stale is False
    withdrawn = scenario(withdrawn={"on": dt.date(2022, 2, 1), "reason": "dropped"})
    assert review_at(withdrawn, dt.datetime(2022, 6, 1, tzinfo=UTC)).stale is False


def test_an_open_scenario_never_reviewed_is_stale() -> None:
    assert review_at(scenario(), dt.datetime(2022, 1, 2, tzinfo=UTC)).stale is True


def test_reviews_of_many_scenarios_take_each_ones_commits() -> None:
    a, b = scenario(id="a"), scenario(id="b")
    as_of = T0 + dt.timedelta(days=10)
    log = EventLog.empty()
    found = reviews([assess(a, log, as_of), assess(b, log, as_of)], log, Judgements(), {"a": [FileCommit(T0, "abc1234")]})
    assert (found["a"].stale, found["b"].stale) == (False, True)
    assert reviews([assess(a, log, as_of)], log, Judgements(), None)["a"].last_reviewed is None


def test_json_names_owner_cadence_and_the_last_review() -> None:
    s = scenario(owner="Russia desk")
    assert review_at(s, T0 + dt.timedelta(days=1), commit=FileCommit(T0, "abc1234")).to_json(s) == {
        "owner": "Russia desk",
        "review_every": "30d",
        "stale": False,
        "last_reviewed": "2022-01-10T13:00:00+01:00",
        "last_review": "file committed in abc1234 on 2022-01-10",
    }


# --- properties -------------------------------------------------------------------------------------
OPEN_FROM = dt.datetime(2021, 12, 31, 23, tzinfo=UTC)  # 2022-01-01 in Brussels
instants = st.integers(0, 200 * 24 * 3600).map(lambda s: OPEN_FROM + dt.timedelta(seconds=s))


@settings(max_examples=200, deadline=None)
@given(
    as_of=instants,
    assessed=st.lists(instants, max_size=4),
    committed=st.lists(instants, max_size=4),
    days=st.one_of(st.none(), st.integers(1, 90)),
)
def test_stale_exactly_when_nothing_came_within_review_every(
    as_of: dt.datetime, assessed: list[dt.datetime], committed: list[dt.datetime], days: int | None
) -> None:
    s = scenario(review_every=None if days is None else f"{days}d")
    commits = sorted((FileCommit(t, f"c{i:06}") for i, t in enumerate(committed)), key=lambda c: c.at, reverse=True)
    found = review_at(s, as_of, rows=judgements(judged(t) for t in assessed), commit=last_commit(commits, as_of))
    seen = [t for t in [*assessed, *committed] if t <= as_of]
    assert found.last_reviewed == (max(seen) if seen else None)
    if days is None:
        assert not found.stale
    else:
        assert found.stale == (not seen or as_of - max(seen) > dt.timedelta(days=days))
    assert found.due == (max(seen) + dt.timedelta(days=days) if seen and days is not None else None)


@settings(max_examples=100, deadline=None)
@given(as_of=instants, later=st.integers(0, 400 * 24 * 3600))
def test_a_review_never_goes_back_in_time(as_of: dt.datetime, later: int) -> None:
    """More time with nothing new: last_reviewed stays, and once stale a scenario stays stale while it is open."""
    rows = judgements([judged(OPEN_FROM)])  # at opening: nothing new comes after any as-of
    s = scenario()
    first, second = review_at(s, as_of, rows=rows), review_at(s, as_of + dt.timedelta(seconds=later), rows=rows)
    assert first.last_reviewed == second.last_reviewed == OPEN_FROM
    assert first.stale <= second.stale  # an `unless` scenario with no events stays open: watching, then triggered


# --- commits from git -------------------------------------------------------------------------------
def test_each_scenario_files_commits_come_from_one_git_log(repo: ScratchRepo) -> None:
    repo.write("scenarios/a.yaml", "id: a\n")
    repo.write("scenarios/b.yaml", "id: b\n")
    first = repo.commit("Add a and b", date="2022-01-10T09:00:00+01:00")
    repo.write("scenarios/a.yaml", "id: a\ntitle: A\n")
    repo.write("notes.txt", "not a scenario")
    second = repo.commit("Edit a", date="2022-02-01T09:00:00Z")
    files = {"a": Path("scenarios/a.yaml"), "b": repo.root / "scenarios/b.yaml", "c": Path("scenarios/c.yaml")}
    added = FileCommit(dt.datetime(2022, 1, 10, 8, tzinfo=UTC), first[:7])
    assert scenario_commits(files) == {"a": [FileCommit(dt.datetime(2022, 2, 1, 9, tzinfo=UTC), second[:7]), added], "b": [added]}
    assert head_commit(repo.root / "scenarios") == second


def test_files_outside_git_have_no_commits_and_no_error(tmp_path: Path, isolated_git: None) -> None:
    (tmp_path / "a.yaml").write_text("id: a\n", encoding="utf-8")
    assert scenario_commits({"a": tmp_path / "a.yaml"}) is None
    assert head_commit(tmp_path) is None


# --- the since report -------------------------------------------------------------------------------
def test_since_lists_the_scenarios_stale_at_its_end_and_which_became_stale_in_it() -> None:
    a, b = scenario(id="a"), scenario(id="b", owner="Russia desk")
    rows = judgements([judged(T0, scenario_id="a"), judged(T0 + dt.timedelta(days=40), scenario_id="b")])
    log = EventLog.empty()
    since, until = T0 + dt.timedelta(days=20), T0 + dt.timedelta(days=45)
    report = since_report([a, b, scenario(id="c", review_every=None)], log, since, until, judgements=rows)
    assert report.stale is not None
    assert [(s.scenario.id, s.became, s.words) for s in report.stale] == [
        ("a", True, "became stale in the period; last reviewed: assessed by AB on 2022-01-10")
    ]
    assert report.to_json(log)["stale"] == [
        {
            "id": "a",
            "title": "T",
            "owner": None,
            "became_stale_in_period": True,
            "last_reviewed": "2022-01-10T12:00:00+00:00",
            "last_review": "assessed by AB on 2022-01-10",
        }
    ]
    assert "Stale at the end of the period (1):\n  a: became stale in the period; last reviewed: assessed by AB on 2022-01-10" in (
        since_text(report, log, UTC)
    )
    always = since_report([b], log, T0, since)  # never reviewed by then: stale all period
    assert always.stale is not None and [(s.scenario.id, s.became, s.words) for s in always.stale] == [
        ("b", False, "stale all period; last reviewed: never")
    ]


def test_since_without_any_review_every_has_no_stale_section() -> None:
    report = since_report([scenario(review_every=None)], EventLog.empty(), T0, T0 + dt.timedelta(days=5))
    assert report.stale is None and report.to_json(EventLog.empty())["stale"] is None
    assert "Stale" not in since_text(report, EventLog.empty(), UTC)


def test_since_counts_the_files_commits(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(
        "scenarios/s.yaml", "id: s\ntitle: T\nopened: 2022-01-01\ndeadline: 2022-12-31\ntrigger: {unless: {tags: [x]}}\nreview_every: 30d\n"
    )
    repo.write("data/events.csv", ",".join(COLUMNS) + "\n")
    repo.commit("Add s", date="2022-01-10T12:00:00Z")
    assert main(["since", "2022-01-05", "--until", "2022-01-20"]) == 0
    assert "Stale at the end of the period (0):\n  none" in capsys.readouterr().out
    assert main(["since", "2022-01-05", "--until", "2022-03-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stale"][0]["last_review"].startswith("file committed in ")
