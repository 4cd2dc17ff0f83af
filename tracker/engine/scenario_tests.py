"""Scenario tests: the status a team expects as of an instant, checked by the engine.

A scenario file may carry a `tests:` block (tracker.scenario.model.Expectation). Each case
names an as-of instant and the expected status, and optionally the events that
decide it and the time remaining. A case runs against the event log, or against
events written out in the case itself, which then are the only events it sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.engine.status import Assessment, assess
from tracker.log.events import EventLog
from tracker.log.reader import log_from_rows
from tracker.problems import Problem, display_path
from tracker.scenario.loader import ScenarioSet
from tracker.scenario.model import DeadlineSpell, Expectation, GivenEvent, Scenario
from tracker.scenario.yamlsafe import Document
from tracker.timeutil import format_duration, parse_instant
from tracker.vocabulary import EMPTY, Vocabulary


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed when it has no problems."""

    scenario_id: str
    index: int
    name: str | None
    path: str
    line: int
    status: str | None  # what the engine said (None when the case could not run)
    problems: tuple[Problem, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "scenario": self.scenario_id,
            "case": self.index,
            "name": self.name,
            "path": self.path,
            "line": self.line,
            "passed": self.passed,
            "status": self.status,
            "problems": [p.as_dict() for p in self.problems],
        }


def case_instant(case: Expectation, scenario: Scenario) -> dt.datetime:
    """The case's as-of instant: a date means the end of that day in the scenario's zone."""
    if isinstance(case.as_of, dt.datetime):
        return case.as_of
    return parse_instant(case.as_of.isoformat(), scenario.tz)


def given_log(events: list[GivenEvent], vocabulary: Vocabulary = EMPTY) -> EventLog:
    """The events written out in a case, as an event log (its names spelt and grouped by ``vocabulary``)."""
    rows = [
        {
            "id": e.id,
            "occurred": e.occurred.isoformat(),
            "title": e.title,
            "actors": ";".join(e.actors),
            "targets": ";".join(e.targets),
            "tags": ";".join(e.tags),
            "source": e.source,
            "kind": e.kind or "",
            "logged_at": "" if e.logged_at is None else _logged_text(e.logged_at),
        }
        for e in events
    ]
    log = log_from_rows(rows)
    log.vocabulary = vocabulary
    return log


def _logged_text(value: dt.date | dt.datetime) -> str:
    """A given `logged_at` as the log writes it (a date: the start of that day, UTC)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return dt.datetime.combine(value, dt.time(0), tzinfo=dt.UTC).isoformat()


def _whole_minutes(delta: dt.timedelta | None) -> dt.timedelta | None:
    """Durations are written to the minute, so time remaining is compared to the minute (rounded down)."""
    if delta is None:
        return None
    return dt.timedelta(minutes=max(int(delta.total_seconds() // 60), 0))


def _duration_text(delta: dt.timedelta | None) -> str:
    return "none" if delta is None else format_duration(delta)


def compare(case: Expectation, assessment: Assessment) -> list[tuple[str, str]]:
    """(field, what differed) for each expectation the assessment does not meet."""
    found: list[tuple[str, str]] = []
    if assessment.status.value != case.status:
        found.append(("status", f"expected {case.status}, got {assessment.status.value}: {assessment.explanation}"))
    if case.decided_by is not None and sorted(case.decided_by) != sorted(assessment.decided_by):
        expected = ", ".join(case.decided_by) or "no event"
        got = ", ".join(assessment.decided_by) or "no event"
        found.append(("decided_by", f"expected decided by {expected}, got {got}"))
    remaining = _whole_minutes(assessment.remaining)
    if case.remaining is not None and remaining != case.remaining:
        found.append(("remaining", f"expected {_duration_text(case.remaining)} remaining, got {_duration_text(remaining)}"))
    expected_timing = case.timing
    got_timing = None if assessment.timing is None else assessment.timing.value
    if expected_timing is not None and expected_timing != got_timing:
        found.append(("timing", f"expected {expected_timing}, got {got_timing or 'no timing'}"))
    if case.deadline is not None:
        expected_due = DeadlineSpell.of(case.deadline, assessment.as_of, assessment.scenario.tz, assessment.scenario.timezone)
        in_force = assessment.deadline_spell
        if expected_due.due_at != in_force.due_at:
            found.append(("deadline", f"expected the deadline in force to be {expected_due.due_text}, got {in_force.due_text}"))
    return found


def run_case(scenario: Scenario, index: int, log: EventLog | None, path: str, doc: Document | None) -> CaseResult:
    case = scenario.tests[index]

    def where(*field: str) -> tuple[int, int]:
        return doc.locate(("tests", index, *field)) if doc else (1, 1)

    line, column = where()
    label = f"tests[{index}]" + (f" ({case.name})" if case.name else "")
    if case.events is not None:
        log = given_log(case.events, EMPTY if log is None else log.vocabulary)  # the events are spelt as the log's are
    elif log is None:
        message = f"{label}: there is no event log to run against; name one with --events, or write the case's events out under `events:`"
        return CaseResult(scenario.id, index, case.name, path, line, None, (Problem(path, line, column, message),))
    assessment = assess(scenario, log, case_instant(case, scenario), case.basis)
    problems = tuple(Problem(path, *where(field), f"{label}: {field}: {message}") for field, message in compare(case, assessment))
    return CaseResult(scenario.id, index, case.name, path, line, assessment.status.value, problems)


def run_scenario_tests(scenarios: ScenarioSet, log: EventLog | None) -> list[CaseResult]:
    """Run every case of every valid scenario; ``log`` is None when there is no event log."""
    results = []
    for scenario in scenarios.scenarios:
        path = display_path(scenarios.files[scenario.id])
        doc = scenarios.documents.get(scenario.id)
        results += [run_case(scenario, index, log, path, doc) for index in range(len(scenario.tests))]
    return results
