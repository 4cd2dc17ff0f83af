"""The Scenario page's status history (tracker.report.views.history_view and its HTML strip): each status from the
opening to the as-of instant, on the basis chosen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.engine.status import Basis, Status
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.report.html import history_strip_html
from tracker.report.views import HistorySpell, history_view
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import Scenario

UTC = dt.UTC


@pytest.fixture
def package(write: Callable[[str, str], Path]) -> tuple[Scenario, EventLog]:
    """Watching from 1 January 2024, due soon a week before its deadline (the end of 31 January), triggered at it, enacted
    by the package of 10 February, which was logged only on 20 February."""
    folder = write(
        "scenarios/package.yaml",
        """
        id: package
        title: A package unless they back down by the end of January
        opened: 2024-01-01
        deadline: 2024-01-31
        warn_within: 7d
        trigger:
          unless: {tags: [backdown]}
        response:
          title: The package
          match: {tags: [package]}
        """,
    ).parent
    events = write(
        "events.csv",
        """
        id,occurred,title,actors,targets,tags,kind,source,notes,logged_at
        package-adopted,2024-02-10,The package is adopted <b>today</b>,EU,,package,decision,Council,,2024-02-20T09:00:00+00:00
        """,
    )
    scenarios = load_scenarios(folder)
    log = load_events(events)
    assert scenarios.problems == [] and log.problems == []
    return scenarios.scenarios[0], log


def _spells(spells: list[HistorySpell]) -> list[tuple[Status, dt.datetime, dt.datetime]]:
    return [(s.status, s.start, s.end) for s in spells]


def test_the_history_lists_each_status_from_the_opening_to_the_as_of(package: tuple[Scenario, EventLog]) -> None:
    scenario, log = package
    spells = history_view(scenario, log, dt.date(2024, 3, 1), Basis.OCCURRED)
    assert _spells(spells) == [
        (Status.WATCHING, dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 1, 25, tzinfo=UTC)),
        (Status.DUE_SOON, dt.datetime(2024, 1, 25, tzinfo=UTC), dt.datetime(2024, 2, 1, tzinfo=UTC)),
        (Status.TRIGGERED, dt.datetime(2024, 2, 1, tzinfo=UTC), dt.datetime(2024, 2, 10, tzinfo=UTC)),
        (Status.ENACTED, dt.datetime(2024, 2, 10, tzinfo=UTC), dt.datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)),
    ]
    assert [(s.since, s.length) for s in spells[:3]] == [("2024-01-01", "24 d 0 h"), ("2024-01-25", "7 d 0 h"), ("2024-02-01", "9 d 0 h")]
    assert spells[-1].why.startswith("Response logged 2024-02-10: The package is adopted")


def test_a_replay_cuts_the_history_at_its_as_of(package: tuple[Scenario, EventLog]) -> None:
    scenario, log = package
    as_of = dt.datetime(2024, 1, 27, 12, tzinfo=UTC)
    assert _spells(history_view(scenario, log, as_of, Basis.OCCURRED)) == [
        (Status.WATCHING, dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 1, 25, tzinfo=UTC)),
        (Status.DUE_SOON, dt.datetime(2024, 1, 25, tzinfo=UTC), as_of),
    ]


def test_on_the_known_basis_the_response_counts_from_when_it_was_logged(package: tuple[Scenario, EventLog]) -> None:
    scenario, log = package
    spells = history_view(scenario, log, dt.date(2024, 3, 1), Basis.KNOWN)
    assert [s.status for s in spells] == [Status.WATCHING, Status.DUE_SOON, Status.TRIGGERED, Status.ENACTED]
    assert spells[-1].start == dt.datetime(2024, 2, 20, 9, tzinfo=UTC)
    assert spells[-1].since == "2024-02-20 09:00"


def test_before_the_opening_the_history_is_one_instant_upcoming(package: tuple[Scenario, EventLog]) -> None:
    scenario, log = package
    spells = history_view(scenario, log, dt.date(2023, 12, 1), Basis.OCCURRED)
    assert [(s.status, s.seconds) for s in spells] == [(Status.UPCOMING, 0.0)]


def test_the_strip_names_each_status_with_its_day_and_length_and_escapes_the_reason(package: tuple[Scenario, EventLog]) -> None:
    scenario, log = package
    strip = history_strip_html(history_view(scenario, log, dt.date(2024, 3, 1), Basis.OCCURRED))
    assert re.findall(r'class="history-spell" data-status="([a-z-]+)"', strip) == ["watching", "due-soon", "triggered", "enacted"]
    words = re.findall(r"<b>([^<]+)</b><br><span[^>]*>from ([0-9-]+)</span>", strip)
    assert words == [("Watching", "2024-01-01"), ("Due soon", "2024-01-25"), ("Triggered", "2024-02-01"), ("Enacted", "2024-02-10")]
    assert 'aria-label="Status history"' in strip
    assert "&lt;b&gt;today&lt;/b&gt;" in strip and "<b>today" not in strip
