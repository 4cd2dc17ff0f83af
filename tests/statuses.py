"""One assessment of each status from the demo, for tests that must show every status (chips, slides, the pack)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import Assessment, Status, assess_all
from tracker.timeutil import UTC
from tracker.workspace import Workspace, load_workspace

# The scenario and a day (noon UTC) on which the demo holds each status.
DEMO_STATUSES = {
    Status.UPCOMING: ("chemical-weapons-response-2022", dt.date(2021, 6, 1)),
    Status.WATCHING: ("eu-economic-sanctions-renewal", dt.date(2021, 7, 13)),
    Status.WITHDRAWN: ("nord-stream-2-certification-2022-01", dt.date(2021, 11, 16)),
    Status.DUE_SOON: ("joint-sanctions-christmas-2021", dt.date(2021, 12, 21)),
    Status.TRIGGERED: ("joint-sanctions-christmas-2021", dt.date(2021, 12, 28)),
    Status.AVERTED: ("eu-economic-sanctions-renewal", dt.date(2022, 1, 18)),
    Status.OVERDUE: ("joint-sanctions-christmas-2021", dt.date(2022, 1, 25)),
    Status.ENACTED: ("joint-sanctions-christmas-2021", dt.date(2022, 2, 22)),
    Status.LAPSED: ("chemical-weapons-response-2022", dt.date(2022, 9, 27)),
    Status.PARTLY_ENACTED: ("us-secondary-tariffs-russia-2025", dt.date(2025, 8, 12)),
}


def every_status() -> tuple[Workspace, list[tuple[Assessment, dt.datetime]]]:
    """The demo workspace and, for each status in DEMO_STATUSES' order, an assessment of it with its as-of instant."""
    workspace = load_workspace(DEMO_SCENARIOS, DEMO_EVENTS)
    found = []
    for status, (scenario_id, day) in DEMO_STATUSES.items():
        as_of = dt.datetime.combine(day, dt.time(12), UTC)
        (a,) = [a for a in assess_all(workspace.scenarios.scenarios, workspace.events, as_of) if a.scenario.id == scenario_id]
        assert a.status == status, (scenario_id, day, a.status)
        found.append((a, as_of))
    return workspace, found
