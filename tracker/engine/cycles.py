"""A series' ended cycles and how each turned out, for the Scenario page.

An ended cycle is its own one-off scenario (from the day after the previous deadline to its deadline) assessed as of the
instant asked about: its trigger looks only inside its own window, so a later cycle's event never averts or fires it;
once it fired, a response counts wherever it came (it answers that trigger), as for any one-off scenario. The cycle
current at the as-of instant is the series' status itself (`assess`), not an ended cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tracker.engine.status import AsOf, Assessment, Basis, assess, instant_for
from tracker.log.events import EventLog
from tracker.scenario.model import Cycle, Scenario
from tracker.timeutil import end_of_day


@dataclass(frozen=True)
class CycleOutcome:
    cycle: Cycle
    assessment: Assessment  # the cycle's assessment as of the instant asked about: its outcome, and why


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
        if end_of_day(cycle.deadline, scenario.tz) > at:
            break
        found.append(CycleOutcome(cycle, replace(assess(cycle.scenario, log, at, basis), cycle=cycle)))
    return found
