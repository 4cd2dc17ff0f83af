"""A series' past cycles and how each ended, for the Scenario page.

A cycle's outcome is its status at the last instant of its own window (the end of its deadline day): an event counts
only in the cycle it falls in, so nothing later changes a cycle once it has ended. The cycle current at the as-of
instant is the series' status itself (`assess`), not a past cycle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.engine.status import AsOf, Assessment, Basis, assess, instant_for
from tracker.log.events import EventLog
from tracker.scenario.model import Cycle, Scenario
from tracker.timeutil import end_of_day


@dataclass(frozen=True)
class CycleOutcome:
    cycle: Cycle
    assessment: Assessment  # the series' assessment at the cycle's last instant: its outcome, and why


def past_cycles(scenario: Scenario, log: EventLog, as_of: AsOf, basis: Basis | str = Basis.OCCURRED) -> list[CycleOutcome]:
    """Every cycle of a series whose deadline had passed by ``as_of``, oldest first, each with its outcome; [] for a
    one-off scenario."""
    if scenario.recurs is None:
        return []
    at = instant_for(as_of, scenario.tz)
    current = assess(scenario, log, at, basis).cycle
    assert current is not None  # a series' assessment names its cycle
    found = []
    for number in range(1, current.number + 1):
        cycle = current if number == current.number else scenario.cycle(number)
        end = end_of_day(cycle.deadline, scenario.tz)
        if end > at:
            break
        found.append(CycleOutcome(cycle, assess(scenario, log, end - dt.timedelta(microseconds=1), basis)))
    return found
