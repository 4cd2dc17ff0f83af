"""The demo data: valid, and its real history replays as the issue describes."""

from __future__ import annotations

import datetime as dt

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import Status, assess_all
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import parse_as_of


def _statuses(when: str) -> dict[str, Status]:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    return {a.scenario.id: a.status for a in assess_all(scenarios.scenarios, log, parse_as_of(when))}


def test_demo_files_are_valid() -> None:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    assert scenarios.problems == []
    assert log.problems == []
    assert len(scenarios.scenarios) >= 6
    assert len(log) >= 40


def test_christmas_scenario_history() -> None:
    key = "joint-sanctions-christmas-2021"
    assert _statuses("2021-12-06T12:00:00Z")[key] is Status.WATCHING
    assert _statuses("2021-12-20")[key] is Status.DUE_SOON
    assert _statuses("2021-12-27")[key] is Status.TRIGGERED
    assert _statuses("2022-02-01")[key] is Status.OVERDUE
    assert _statuses("2022-03-01")[key] is Status.ENACTED


def test_replay_shows_every_status() -> None:
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    seen: set[Status] = set()
    day = dt.date(2021, 11, 1)
    while day <= dt.date(2025, 10, 1):
        seen |= {a.status for a in assess_all(scenarios.scenarios, log, day)}
        day += dt.timedelta(days=1)
    assert seen == set(Status)
