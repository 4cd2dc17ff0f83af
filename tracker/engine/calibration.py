"""Calibration: how well the analysts' probabilities foretold the scenarios that were decided.

A scenario resolved by the as-of instant has an outcome: enacted = 1; averted and lapsed = 0. Withdrawn, overdue and
partly-enacted scenarios are left out, each with its reason: tracking ended undecided, the response may still come, or
only part of it came. Open and upcoming scenarios are not resolved yet and are counted apart.

An assessment (a `Judgement`: the probability, 0-100, that the scenario ends enacted) is scored only when it was made
*before* the decision (``assessed_at < decided_at``), as forecasting sites score only forecasts made while the question
was open: one made at or after the instant the deciding event stands at is hindsight. Of those, a scenario's *last*
assessment is its final word; *all* scores every one of them. Replayed with basis ``known``, only assessments written
by the as-of instant count, in the version then in effect (`Judgements.made_by`).

The Brier score of one assessment is ``(p/100 - outcome)^2``: 0 is perfect, 1 the worst; always saying 50 % scores
0.25. A mean weighs each assessment equally (a scenario assessed often weighs more in "all"); the per-scenario mean
averages each scenario's own mean, so each scenario weighs the same.

Reliability puts the scored assessments in ten bins by probability, [0, 10), [10, 20), ... [90, 100]: a probability
on an edge goes in the bin above it, and 100 in the last. Each bin has its count, its mean probability and the share of
its assessments whose scenario was enacted; well calibrated, the two agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.engine.status import Assessment, Status
from tracker.judgement.model import Judgement, Judgements

OUTCOMES: dict[Status, int] = {Status.ENACTED: 1, Status.AVERTED: 0, Status.LAPSED: 0}
# Decided neither way, so not scored: why, in words for people.
LEFT_OUT: dict[Status, str] = {
    Status.WITHDRAWN: "withdrawn: tracking ended before it was decided",
    Status.OVERDUE: "overdue: the response is late but may still come",
    Status.PARTLY_ENACTED: "partly enacted: only part of the response came, so it scores neither 1 nor 0",
}
NOT_YET: frozenset[Status] = frozenset({Status.UPCOMING, Status.WATCHING, Status.DUE_SOON, Status.TRIGGERED})
BIN_WIDTH = 10  # percentage points
BIN_COUNT = 100 // BIN_WIDTH
NO_OWNER = "(no owner)"


def brier(probability: float, outcome: int) -> float:
    """The Brier score of one probability (0-100) against the outcome (1 enacted, 0 not)."""
    return (probability / 100 - outcome) ** 2


def bin_index(probability: float) -> int:
    """The reliability bin of a probability (0-100): an edge goes in the bin above it, 100 in the last."""
    return min(int(probability // BIN_WIDTH), BIN_COUNT - 1)


@dataclass(frozen=True)
class Mean:
    """A mean Brier score and how many values it is the mean of; ``value`` is None when there were none."""

    value: float | None
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Mean:
        return cls(sum(values) / len(values) if values else None, len(values))

    def to_json(self) -> dict[str, Any]:
        return {"brier": self.value, "count": self.count}


@dataclass(frozen=True)
class Scored:
    """A resolved scenario: its outcome and the assessments made before its decision (oldest first)."""

    assessment: Assessment  # the engine's status: enacted, averted or lapsed, with decided_at
    owner: str | None
    outcome: int
    forecasts: tuple[Judgement, ...]

    @property
    def scenario_id(self) -> str:
        return self.assessment.scenario.id

    @property
    def decided_at(self) -> dt.datetime:
        assert self.assessment.decided_at is not None  # every resolved status has its decision's instant
        return self.assessment.decided_at

    @property
    def last(self) -> Judgement | None:
        return self.forecasts[-1] if self.forecasts else None

    @property
    def brier_last(self) -> float | None:
        return None if self.last is None else brier(self.last.probability, self.outcome)

    @property
    def brier_all(self) -> Mean:
        return Mean.of([brier(j.probability, self.outcome) for j in self.forecasts])

    def to_json(self) -> dict[str, Any]:
        last = self.last
        return {
            "id": self.scenario_id,
            "title": self.assessment.scenario.title,
            "owner": self.owner,
            "status": self.assessment.status.value,
            "outcome": self.outcome,
            "decided_at": self.decided_at.isoformat(),
            "last": None
            if last is None
            else {
                "id": last.id,
                "assessed_at": last.assessed_at.isoformat(),
                "probability": last.probability,
                "assessed_by": last.assessed_by,
                "brier": self.brier_last,
            },
            "all": self.brier_all.to_json(),
        }


@dataclass(frozen=True)
class LeftOut:
    """A scenario that is not scored, and why (also for those not resolved yet)."""

    assessment: Assessment
    owner: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        scenario = self.assessment.scenario
        status = self.assessment.status.value
        return {"id": scenario.id, "title": scenario.title, "owner": self.owner, "status": status, "reason": self.reason}


@dataclass(frozen=True)
class Bin:
    """One reliability bin: assessments with a probability in [low, high) (the last bin: [low, 100])."""

    low: int
    high: int
    count: int
    mean_predicted: float | None  # 0-1; None for an empty bin
    enacted: int  # how many of the `count` assessments were of scenarios enacted

    @property
    def observed(self) -> float | None:
        """The share of the bin's assessments whose scenario was enacted (0-1); None for an empty bin."""
        return self.enacted / self.count if self.count else None

    @property
    def label(self) -> str:
        return f"{self.low}-{self.high}%"

    def to_json(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_predicted": self.mean_predicted,
            "observed": self.observed,
            "enacted": self.enacted,
        }


def reliability(pairs: Iterable[tuple[float, int]]) -> tuple[Bin, ...]:
    """The ten reliability bins of (probability 0-100, outcome) pairs, empty ones included."""
    probabilities: list[list[float]] = [[] for _ in range(BIN_COUNT)]
    enacted = [0] * BIN_COUNT
    for probability, outcome in pairs:
        index = bin_index(probability)
        probabilities[index].append(probability / 100)
        enacted[index] += outcome
    return tuple(
        Bin(i * BIN_WIDTH, (i + 1) * BIN_WIDTH, len(ps), sum(ps) / len(ps) if ps else None, hits)
        for i, (ps, hits) in enumerate(zip(probabilities, enacted, strict=True))
    )


@dataclass(frozen=True)
class Score:
    """The scores of a group of resolved scenarios: everyone's (``owner`` None, ``overall``) or one owner's."""

    name: str  # "overall", an owner, or NO_OWNER
    resolved: int  # resolved scenarios in the group
    assessed: int  # of them, those with an assessment before their decision: the count behind `last`
    last: Mean  # each scenario's last assessment before its decision
    all: Mean  # every assessment before the decision, each weighing the same
    per_scenario: Mean  # the mean of each scenario's mean over `all`: each scenario weighing the same
    reliability_last: tuple[Bin, ...]
    reliability_all: tuple[Bin, ...]

    @classmethod
    def of(cls, name: str, scored: Sequence[Scored]) -> Score:
        assessed = [s for s in scored if s.last is not None]
        pairs_last = [(s.last.probability, s.outcome) for s in assessed if s.last is not None]
        pairs_all = [(j.probability, s.outcome) for s in scored for j in s.forecasts]
        return cls(
            name,
            len(scored),
            len(assessed),
            Mean.of([brier(p, o) for p, o in pairs_last]),
            Mean.of([brier(p, o) for p, o in pairs_all]),
            Mean.of([s.brier_all.value for s in assessed if s.brier_all.value is not None]),
            reliability(pairs_last),
            reliability(pairs_all),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "resolved": self.resolved,
            "assessed": self.assessed,
            "last": self.last.to_json(),
            "all": self.all.to_json(),
            "per_scenario": self.per_scenario.to_json(),
            "reliability_last": [b.to_json() for b in self.reliability_last],
            "reliability_all": [b.to_json() for b in self.reliability_all],
        }


@dataclass(frozen=True)
class Calibration:
    """Every scenario sorted into scored, left out (with why) and not resolved yet, and the scores overall and per owner."""

    scored: tuple[Scored, ...]  # every resolved scenario, with or without an assessment before its decision
    left_out: tuple[LeftOut, ...]  # withdrawn, overdue, partly enacted
    not_yet: tuple[LeftOut, ...]  # open or upcoming: not resolved yet
    overall: Score
    owners: tuple[Score, ...]  # by owner's name, "no owner" last

    @property
    def unassessed(self) -> tuple[Scored, ...]:
        """Resolved scenarios with no assessment made before their decision: resolved, but nothing to score."""
        return tuple(s for s in self.scored if s.last is None)

    @property
    def nothing_to_score(self) -> bool:
        """No assessment was made before any resolved scenario's decision: there is no score, not a score of 0."""
        return self.overall.all.count == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "outcomes": {status.value: outcome for status, outcome in OUTCOMES.items()},
            "overall": self.overall.to_json(),
            "owners": [score.to_json() for score in self.owners],
            "scenarios": [s.to_json() for s in self.scored],
            "unassessed": [s.scenario_id for s in self.unassessed],
            "left_out": [item.to_json() for item in self.left_out],
            "not_resolved": [item.to_json() for item in self.not_yet],
        }


def not_yet_reason(status: Status) -> str:
    return "not open yet" if status is Status.UPCOMING else f"{status.value.replace('-', ' ')}: not resolved yet"


def calibration(statuses: Iterable[Assessment], judgements: Judgements, owners: Mapping[str, str | None] | None = None) -> Calibration:
    """Score the assessments of every scenario resolved at its as-of instant (the engine's ``statuses``, one per scenario,
    from `assess_all`: their as-of and basis say which assessments were known). Each scenario's owner is its file's
    ``owner:``, unless ``owners`` maps scenario ids to owners (a scenario it does not name then has none)."""
    scored: list[Scored] = []
    left_out: list[LeftOut] = []
    not_yet: list[LeftOut] = []
    known: dict[tuple[dt.datetime, str], Judgements] = {}  # one replay of the ledger per as-of instant and basis
    for status in sorted(statuses, key=lambda a: a.scenario.id):
        scenario_id = status.scenario.id
        owner = (owners.get(scenario_id) if owners is not None else status.scenario.owner) or None
        if status.status in LEFT_OUT:
            left_out.append(LeftOut(status, owner, LEFT_OUT[status.status]))
            continue
        if status.status in NOT_YET:
            not_yet.append(LeftOut(status, owner, not_yet_reason(status.status)))
            continue
        decided_at = status.decided_at
        assert decided_at is not None  # enacted, averted and lapsed always say when
        key = (status.as_of, status.basis.value)
        if key not in known:
            known[key] = judgements.made_by(status.as_of, status.basis.value)
        made = known[key]
        forecasts = tuple(j for j in made.for_scenario(scenario_id) if j.assessed_at < decided_at)
        scored.append(Scored(status, owner, OUTCOMES[status.status], forecasts))
    groups: dict[str | None, list[Scored]] = {}
    for item in scored:
        groups.setdefault(item.owner, []).append(item)
    named = sorted((o for o in groups if o is not None), key=str.casefold)
    owner_scores = [Score.of(o, groups[o]) for o in named]
    if None in groups:
        owner_scores.append(Score.of(NO_OWNER, groups[None]))
    return Calibration(tuple(scored), tuple(left_out), tuple(not_yet), Score.of("overall", scored), tuple(owner_scores))
