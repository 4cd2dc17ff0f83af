"""An analyst's assessment of a scenario, and the ledger's assessments in effect, for replay.

A row of ``assessments.csv`` says: on ``assessed_at``, ``assessed_by`` put the probability that the scenario ends
**enacted** (at any time) at ``probability`` percent, with ``confidence``. Rows are never edited: a correction is a new
row whose ``corrects`` names the row it replaces (tracker.judgement.ledger applies them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

from tracker.problems import Problem

Confidence = Literal["low", "medium", "high"]
CONFIDENCES: tuple[str, ...] = get_args(Confidence)
COLUMNS = ("id", "scenario", "assessed_at", "probability", "confidence", "note", "assessed_by", "logged_at", "corrects")
REQUIRED_COLUMNS = ("id", "scenario", "assessed_at", "probability", "confidence")


@dataclass(frozen=True)
class Judgement:
    """One assessment in effect: its latest version (corrections applied), under the id of the row it first was."""

    id: str
    scenario: str
    assessed_at: dt.datetime  # aware
    probability: float  # 0-100: the chance the scenario ends enacted
    confidence: Confidence
    note: str = ""
    assessed_by: str = ""
    logged_at: dt.datetime | None = None  # when the version in effect was written; None for a row written by hand
    line: int = 0  # the line of the version in effect in its file
    row_id: str = ""  # the id of that version's own row ("" or ``id`` for an assessment never corrected)
    date_only: bool = False  # ``assessed_at`` was a date: shown as that date, counted from its start in UTC

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "probability": self.probability,
            "confidence": self.confidence,
            "assessed_at": self.assessed_at.date().isoformat() if self.date_only else self.assessed_at.isoformat(),
            "assessed_by": self.assessed_by,
            "note": self.note,
        }

    @property
    def version_id(self) -> str:
        """The row a correction of this assessment names in ``corrects``."""
        return self.row_id or self.id

    def known_by(self, instant: dt.datetime) -> bool:
        """Whether it had been written by ``instant`` (a row without ``logged_at`` counts from ``assessed_at``)."""
        return (self.logged_at or self.assessed_at) <= instant


@dataclass
class Judgements:
    """The assessments in effect, oldest first (by ``assessed_at``, then file order), and what could not be read."""

    rows: tuple[Judgement, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    # Every version of every assessment, by original id, in file order (for "corrected from 60 % to 70 %").
    versions: dict[str, tuple[Judgement, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = tuple(sorted(self.rows, key=lambda j: (j.assessed_at, j.line)))

    def for_scenario(self, scenario_id: str) -> list[Judgement]:
        return [j for j in self.rows if j.scenario == scenario_id]

    def made_by(self, instant: dt.datetime, basis: str = "occurred") -> Judgements:
        """The assessments made by ``instant``: by ``assessed_at``; under basis ``known`` also written by then."""
        if basis == "known":  # the version in effect then: a correction written later was not known
            known = (self._known_version(j, instant) for j in self.rows)
            kept = [j for j in known if j is not None and j.assessed_at <= instant]
        else:
            kept = [j for j in self.rows if j.assessed_at <= instant]
        return Judgements(tuple(kept), self.problems, self.versions)

    def _known_version(self, judgement: Judgement, instant: dt.datetime) -> Judgement | None:
        known = [v for v in self.versions.get(judgement.id, (judgement,)) if v.known_by(instant)]
        return known[-1] if known else None

    def latest(self, scenario_id: str, instant: dt.datetime, basis: str = "occurred") -> Judgement | None:
        """The last assessment of the scenario made by ``instant`` (see `made_by`); None when there is none."""
        made = self.made_by(instant, basis).for_scenario(scenario_id)
        return made[-1] if made else None

    def scenarios(self) -> set[str]:
        return {j.scenario for j in self.rows}


def judgements(rows: Iterable[Judgement]) -> Judgements:
    return Judgements(tuple(rows))
