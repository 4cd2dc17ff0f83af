"""What logging some rows would change: every scenario assessed by the engine without and with them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.engine.status import AsOf, Assessment, Status, assess_all
from tracker.log.drafts import read_rows
from tracker.log.events import EventLog
from tracker.log.ledger import extended
from tracker.scenario.model import Scenario

_CHANGE = {
    Status.AVERTED: "this would avert {id}",
    Status.ENACTED: "this would enact {id}",
    Status.TRIGGERED: "this would trigger {id}",
    Status.OVERDUE: "this would make {id} overdue",
    Status.LAPSED: "this would let {id} lapse",
    Status.WATCHING: "this would put {id} back to watching",
    Status.DUE_SOON: "this would put {id} back to due-soon",
    Status.WITHDRAWN: "this would withdraw {id}",
}


@dataclass(frozen=True)
class Impact:
    """One scenario whose status the rows would change, as of the instant asked about."""

    before: Assessment
    after: Assessment

    @property
    def scenario_id(self) -> str:
        return self.after.scenario.id

    @property
    def message(self) -> str:
        """E.g. "this would avert joint-sanctions-christmas-2021 (now watching)"."""
        return f"{_CHANGE[self.after.status].format(id=self.scenario_id)} (now {self.before.status.value})"


def impact_of(before: Iterable[Assessment], after: Iterable[Assessment]) -> list[Impact]:
    """The scenarios whose status differs between two assessments of the same scenarios."""
    was = {a.scenario.id: a for a in before}
    return [Impact(was[a.scenario.id], a) for a in after if a.scenario.id in was and was[a.scenario.id].status != a.status]


def preview_impact(rows: Sequence[Mapping[str, str]], scenarios: Sequence[Scenario], log: EventLog, as_of: AsOf) -> list[Impact]:
    """How the statuses as of ``as_of`` would change if ``rows`` (new events, corrections, retractions) were logged.

    Rows with errors are left out, as the loader would leave them out.
    """
    candidates, _ = read_rows(rows)
    with_rows, _ = extended(log, candidates)
    return impact_of(assess_all(scenarios, log, as_of), assess_all(scenarios, with_rows, as_of))
