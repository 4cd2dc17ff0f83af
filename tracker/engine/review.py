"""Owners and reviews: when a scenario was last looked at, and whether it is stale (pure).

A scenario with `review_every` is **stale** as of t when none of these came within `review_every` before t
(it <= t <= it + review_every keeps it fresh; months counted on the calendar in the scenario's zone):

- an analyst's assessment of it (by `assessed_at`; under basis ``known``, from when it was written);
- an event that matched any of its parts (trigger, response, partial response, signposts), from `opened` on
  (the engine ignores earlier events); a timed event at its instant, a date-only one at the start of its day in the
  scenario's zone; under basis ``known``, from when it was logged (and only once it had occurred);
- a commit to its file (the author's date), given by the caller from git.

Only a scenario that still awaits something can be stale: watching, due soon, triggered, overdue or partly enacted.
A scenario not open yet (upcoming) has nothing to review, and a decided one (enacted, averted, lapsed, withdrawn)
needs no more review, so neither is ever stale; its last review is still reported. Without `review_every` a scenario
is never stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.engine.status import OPEN_STATUSES, Assessment, Basis, Status
from tracker.judgement.model import Judgements
from tracker.log.events import EventLog
from tracker.log.index import DAY_NS
from tracker.log.ledger import known_at, logged_ns
from tracker.scenario.model import Scenario
from tracker.timeutil import day_number, format_span, from_day_number, from_ns, start_of_day, to_ns

# The statuses in which a scenario still awaits something, so someone should keep looking at it.
NEEDS_REVIEW = OPEN_STATUSES | {Status.PARTLY_ENACTED}


@dataclass(frozen=True)
class FileCommit:
    """A commit that touched a scenario's file: when (the author's date) and which (a short id)."""

    at: dt.datetime
    revision: str


# Each scenario's commits (by id), newest first; built by the caller from git (tracker.git.history.scenario_commits).
CommitTimes = Mapping[str, Sequence[FileCommit]]


@dataclass(frozen=True)
class Review:
    """When the scenario was last looked at as of an instant, by what, and whether that is too long ago."""

    stale: bool
    last_reviewed: dt.datetime | None  # the latest assessment, matched event or commit by the as-of; None: none
    what: str  # which it was: "assessed by AB on 2025-08-28"; "" when there was none
    due: dt.datetime | None = None  # when the next review is due (last_reviewed + review_every); None without either

    def to_json(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "owner": scenario.owner,
            "review_every": None if scenario.review_every is None else format_span(scenario.review_every),
            "stale": self.stale,
            "last_reviewed": None if self.last_reviewed is None else self.last_reviewed.astimezone(scenario.tz).isoformat(),
            "last_review": self.what or None,
        }


def review_words(review: Review, scenario: Scenario) -> str:
    """The review in a few plain words for a table: "stale: last reviewed 2025-08-28", "stale: never reviewed", or ""."""
    if not review.stale:
        return ""
    if review.last_reviewed is None:
        return "stale: never reviewed"
    return f"stale: last reviewed {_on(review.last_reviewed, scenario.tz)}"


def last_commit(commits: Sequence[FileCommit], at: dt.datetime) -> FileCommit | None:
    """The newest of ``commits`` (newest first) made at or before ``at``."""
    return next((c for c in commits if c.at <= at), None)


def review(assessment: Assessment, log: EventLog, judgements: Judgements, commit: FileCommit | None) -> Review:
    """The review of ``assessment``'s scenario as of its instant, on its basis.

    ``log`` is the whole event log (under basis ``known`` only what was logged by the as-of counts), ``judgements``
    every assessment (only those made by the as-of count), ``commit`` the last commit to the file at or before the
    as-of (None: none, or not in git).
    """
    scenario, as_of, basis = assessment.scenario, assessment.as_of, assessment.basis
    candidates: list[tuple[dt.datetime, str]] = []
    tz = scenario.tz
    judged = judgements.made_by(as_of, basis.value).for_scenario(scenario.id)
    if judged:
        latest = max(judged, key=lambda j: (_judged_at(j.assessed_at, j.logged_at, basis), j.line))
        by = f" by {latest.assessed_by}" if latest.assessed_by else ""
        at = _judged_at(latest.assessed_at, latest.logged_at, basis)
        candidates.append((at, f"assessed{by} on {_on(at, tz)}"))
    seen = known_at(log, as_of) if basis is Basis.KNOWN else log
    event = _last_event(scenario, seen, as_of, basis)
    if event is not None:
        at, position = event
        what = "logged" if basis is Basis.KNOWN else "matched"
        candidates.append((at, f"event “{seen.title(position)}” ({seen.ids([position])[0]}) {what} on {_on(at, tz)}"))
    if commit is not None and commit.at <= as_of:
        candidates.append((commit.at, f"file committed in {commit.revision} on {_on(commit.at, tz)}"))
    last, what = max(candidates, key=lambda c: c[0]) if candidates else (None, "")
    every = scenario.review_every
    due = None if every is None or last is None else every.after(last, tz)
    stale = every is not None and assessment.status in NEEDS_REVIEW and (due is None or as_of > due)
    return Review(stale, last, what, due)


def reviews(assessments: Sequence[Assessment], log: EventLog, judgements: Judgements, commits: CommitTimes | None) -> dict[str, Review]:
    """Each scenario's review (by id) as of its assessment's instant; ``commits`` None when the files are not in git."""
    found = {}
    for a in assessments:
        history = () if commits is None else commits.get(a.scenario.id, ())
        found[a.scenario.id] = review(a, log, judgements, last_commit(history, a.as_of))
    return found


def _judged_at(assessed_at: dt.datetime, logged_at: dt.datetime | None, basis: Basis) -> dt.datetime:
    """When an assessment counts: when it was made; under basis known, once it had also been written."""
    if basis is Basis.KNOWN and logged_at is not None:
        return max(assessed_at, logged_at)
    return assessed_at


def _last_event(scenario: Scenario, log: EventLog, as_of: dt.datetime, basis: Basis) -> tuple[dt.datetime, int] | None:
    """The matched event that counts last by ``as_of``: when it counts, and its position in ``log``."""
    if len(log) == 0:
        return None
    positions = np.unique(np.concatenate([log.matching(part.match) for part in scenario.parts]))
    if not len(positions):
        return None
    tz = scenario.tz
    when = log.when_ns[positions]
    dated = log.date_only[positions]
    days = np.floor_divide(when, DAY_NS)
    first_day, last_day = day_number(scenario.opened), day_number(as_of.astimezone(tz).date())
    opened_ns, as_of_ns = to_ns(scenario.opened_at), to_ns(as_of)
    counted = np.where(dated, (days >= first_day) & (days <= last_day), (when >= opened_ns) & (when <= as_of_ns))
    positions, when, dated = positions[counted], when[counted], dated[counted]
    if not len(positions):
        return None
    # A date-only event stands at the start of its day in the scenario's zone, as the engine places it (placed once per day).
    starts = when.copy()
    if dated.any():
        on_days = days[counted][dated]
        distinct = np.unique(on_days)
        placed = np.array([to_ns(start_of_day(from_day_number(int(d)), tz)) for d in distinct], np.int64)
        starts[dated] = placed[np.searchsorted(distinct, on_days)]
    if basis is Basis.KNOWN:
        starts = np.maximum(starts, logged_ns(log)[positions])
    best = int(np.argmax(starts))
    return from_ns(int(starts[best])), int(positions[best])


def _on(at: dt.datetime, tz: dt.tzinfo) -> str:
    """The day of ``at`` in the scenario's zone, as the review's words give it."""
    return at.astimezone(tz).date().isoformat()
