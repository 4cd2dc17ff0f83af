"""The impact preview: the engine run without and with the candidate rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.impact import preview_impact
from tracker.engine.status import Status
from tracker.log.drafts import EventDraft, correction_draft, make_row, retraction_draft
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import Scenario
from tracker.timeutil import parse_as_of, parse_instant

NOW = dt.datetime(2022, 3, 1, tzinfo=dt.UTC)
CHRISTMAS = "joint-sanctions-christmas-2021"


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return load_scenarios(DEMO_SCENARIOS).scenarios


@pytest.fixture(scope="module")
def log() -> EventLog:
    return load_events(DEMO_EVENTS)


def _messages(drafts: list[EventDraft], scenarios: list[Scenario], log: EventLog, as_of: str) -> list[str]:
    rows = [make_row(d, now=NOW, logged_by="ana") for d in drafts]
    return [i.message for i in preview_impact(rows, scenarios, log, parse_as_of(as_of))]


def test_a_de_escalation_before_christmas_would_avert_the_scenario(scenarios: list[Scenario], log: EventLog) -> None:
    pullback = EventDraft(occurred="2021-12-20", title="Russia pulls back", source="Reuters", actors=("Russia",), tags=("de-escalation",))
    assert _messages([pullback], scenarios, log, "2021-12-27") == [f"this would avert {CHRISTMAS} (now triggered)"]
    # As of a day before it happened, it changes nothing: events after the as-of instant do not exist.
    assert _messages([pullback], scenarios, log, "2021-12-19") == []


def test_an_early_package_would_enact_the_response(scenarios: list[Scenario], log: EventLog) -> None:
    package = EventDraft(occurred="2022-01-05", title="Joint package", source="Council", actors=("EU",), tags=("sanctions-package",))
    row = make_row(package, now=NOW, logged_by="ana")
    impacts = preview_impact([row], scenarios, log, parse_instant("2022-01-10"))
    christmas = [i for i in impacts if i.scenario_id == CHRISTMAS]
    assert [i.message for i in christmas] == [f"this would enact {CHRISTMAS} (now triggered)"]
    assert (christmas[0].before.status, christmas[0].after.status) == (Status.TRIGGERED, Status.ENACTED)
    assert christmas[0].after.decided_by == (row["id"],)


def test_retracting_a_deciding_event_is_previewed(scenarios: list[Scenario], log: EventLog) -> None:
    retraction = retraction_draft(log, "2022-02-26-joint-statement-swift", "misdated")
    assert _messages([retraction], scenarios, log, "2022-03-01") == ["this would let swift-disconnection-2022 lapse (now triggered)"]
    # Another package the same day still enacts the Christmas scenario: its status does not change.
    assert _messages([retraction_draft(log, "2022-02-22-us-first-tranche-sanctions", "dup")], scenarios, log, "2022-03-01") == []


def test_a_correction_moving_an_event_is_previewed(scenarios: list[Scenario], log: EventLog) -> None:
    moved = correction_draft(log, "2022-02-26-joint-statement-swift", occurred="2022-03-05")
    assert _messages([moved], scenarios, log, "2022-03-01") == ["this would let swift-disconnection-2022 lapse (now triggered)"]


def test_rows_with_errors_change_nothing(scenarios: list[Scenario], log: EventLog) -> None:
    broken = EventDraft(
        occurred="2021-12-20T10:00", title="Russia pulls back", source="Reuters", actors=("Russia",), tags=("de-escalation",)
    )
    assert _messages([broken], scenarios, log, "2021-12-27") == []


def test_the_preview_writes_nothing(scenarios: list[Scenario], tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(DEMO_EVENTS.read_bytes())
    pullback = EventDraft(occurred="2021-12-20", title="Russia pulls back", source="Reuters", actors=("Russia",), tags=("de-escalation",))
    assert _messages([pullback], scenarios, load_events(path), "2021-12-27")
    assert path.read_bytes() == DEMO_EVENTS.read_bytes()
