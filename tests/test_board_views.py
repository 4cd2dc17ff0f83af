"""The Board's view models: sort orders, groups, and the days worth replaying when nothing is open."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import OPEN_STATUSES, URGENCY, Assessment, Status, assess_all
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.report.views import grouped_board, moments, nothing_open, sorted_board
from tracker.scenario.loader import load_scenarios
from tracker.text import fold

LIVE = dt.date(2026, 12, 5)  # after every demo deadline: the demo's live board, with every scenario decided


@pytest.fixture(scope="module")
def log() -> EventLog:
    return load_events(DEMO_EVENTS)


def demo(log: EventLog, as_of: dt.date) -> list[Assessment]:
    return assess_all(load_scenarios(DEMO_SCENARIOS).scenarios, log, as_of)


def test_nothing_is_open_on_the_live_demo_but_something_is_in_december_2021(log: EventLog) -> None:
    assert nothing_open(demo(log, LIVE))
    assert not nothing_open(demo(log, dt.date(2021, 12, 20)))


def test_moments_are_days_with_the_most_open_each_as_the_engine_replays_it(log: EventLog) -> None:
    found = moments(demo(log, LIVE), log, LIVE)
    assert len(found) == 3
    assert [m.count for m in found] == sorted((m.count for m in found), reverse=True)
    for moment in found:
        assert moment.day < LIVE
        then = demo(log, moment.day)
        open_then = [a.status for a in then if a.status in OPEN_STATUSES]
        assert moment.count == len(open_then) > 0
        assert moment.open == Counter(open_then)
        assert list(moment.open) == [s for s in URGENCY if s in moment.open]  # most urgent first
    # Each shows a different set of open scenarios: three days of one crisis would show one board three times.
    sets = [frozenset(a.scenario.id for a in demo(log, m.day) if a.is_open) for m in found]
    assert len(set(sets)) == len(sets)


def test_a_moment_reads_as_its_day_and_open_statuses_most_urgent_first(log: EventLog) -> None:
    found = moments(demo(log, LIVE), log, LIVE)
    assert found[0].text == "23 Sep 2022: 5 open (1 triggered, 4 watching)"
    assert found[1].text == "2 Jul 2022: 4 open (1 triggered, 1 due soon, 2 watching)"


def test_moments_come_only_from_days_before_the_given_one(log: EventLog) -> None:
    found = moments(demo(log, dt.date(2021, 12, 31)), log, dt.date(2021, 12, 31))
    assert found and all(m.day < dt.date(2021, 12, 31) for m in found)
    assert moments(demo(log, dt.date(2021, 11, 1)), log, dt.date(2021, 11, 1)) == []
    assert moments([], log, LIVE) == []


def test_sorts_by_urgency_deadline_or_title(log: EventLog) -> None:
    items = demo(log, dt.date(2022, 2, 1))
    urgency = sorted_board(items)
    assert urgency[0].status is Status.OVERDUE
    assert sorted_board(items, "urgency") == urgency
    deadlines = [a.deadline_spell.due_at for a in sorted_board(items, "deadline")]
    assert deadlines == sorted(deadlines)
    titles = [fold(a.scenario.title) for a in sorted_board(items, "title")]
    assert titles == sorted(titles)


def test_groups_by_status_in_urgency_order_keeping_the_sort(log: EventLog) -> None:
    items = sorted_board(demo(log, dt.date(2022, 1, 31)), "title")
    groups = grouped_board(items, "status")
    assert [name for name, _ in groups] == ["Overdue", "Watching", "Averted", "Withdrawn", "Upcoming"]
    watching = dict(groups)["Watching"]
    assert [fold(a.scenario.title) for a in watching] == sorted(fold(a.scenario.title) for a in watching)
    assert grouped_board(items, "none") == [("", items)]


def test_groups_by_actor_or_target_list_a_scenario_under_each_of_its_own(log: EventLog) -> None:
    items = sorted_board(demo(log, LIVE))
    by_target = dict(grouped_board(items, "target"))
    assert list(by_target) == ["China", "India", "Iran", "Russia", "No target"]
    assert [a.scenario.id for a in by_target["No target"]] == ["nord-stream-2-certification-2022-01"]
    assert "us-secondary-tariffs-russia-2025" in {a.scenario.id for a in by_target["China"]} & {a.scenario.id for a in by_target["Russia"]}
    by_actor = dict(grouped_board(items, "actor"))
    christmas = {name for name, section in by_actor.items() if any(a.scenario.id == "joint-sanctions-christmas-2021" for a in section)}
    assert christmas == {"US", "EU", "UK"}
    assert "No actor" not in by_actor
