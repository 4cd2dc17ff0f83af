"""The demo's assessments: published forecasts, each made before its scenario was decided, each with its source."""

from __future__ import annotations

import csv
import datetime as dt

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import assess_all
from tracker.judgement.ledger import read_judgements
from tracker.judgement.model import Judgements
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.text import source_link

DEMO_ASSESSMENTS = DEMO_EVENTS.parent / "assessments.csv"


def _demo() -> Judgements:
    return read_judgements(DEMO_ASSESSMENTS)


def test_every_row_loads_without_a_problem() -> None:
    judgements = _demo()
    with DEMO_ASSESSMENTS.open(newline="", encoding="utf-8") as f:
        written = sum(1 for _ in csv.DictReader(f))
    assert judgements.problems == []
    assert len(judgements.rows) == written > 0  # no row left out, none a correction of another


def test_every_row_names_a_demo_scenario() -> None:
    ids = {s.id for s in load_scenarios(DEMO_SCENARIOS).scenarios}
    assert {j.scenario for j in _demo().rows} <= ids


def test_every_forecast_was_made_before_its_scenario_was_decided() -> None:
    """Real forecasts, not hindsight: each is dated before the decision the engine finds for its scenario today."""
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    decided = {a.scenario.id: a.decided_at for a in assess_all(scenarios.scenarios, log, dt.datetime.now(dt.UTC).date())}
    late = []
    for j in _demo().rows:
        decided_at = decided.get(j.scenario)
        if decided_at is None or j.assessed_at >= decided_at:  # an undecided scenario feeds no score
            late.append((j.id, j.assessed_at.isoformat(), str(decided_at)))
    assert late == []


def test_every_note_links_its_source() -> None:
    """The first URL of a note is the link the pages show: it must be there, and https."""
    unsourced = [j.id for j in _demo().rows if not (source_link(j.note)[1] or "").startswith("https://")]
    assert unsourced == []


def test_every_row_names_who_published_it_and_was_not_logged_by_the_tracker() -> None:
    rows = _demo().rows
    assert all(j.assessed_by.strip() for j in rows)
    assert all(j.logged_at is None for j in rows)  # published elsewhere: they count from assessed_at
