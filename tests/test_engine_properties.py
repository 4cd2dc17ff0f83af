"""Properties of the status engine on small random logs and scenarios (hypothesis).

Besides the properties the issue names, every status is compared with a plain reference
implementation of the contract, written for clarity, not speed: a full scan of the events.
The engine's indexes, rank spaces and caches must agree with it on every example.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.engine.status import Assessment, Status, assess, assess_all
from tracker.log.events import COLUMNS, EventLog
from tracker.log.reader import load_events
from tracker.scenario.model import Match, Scenario
from tracker.timeutil import UTC, start_of_day

SETTINGS = settings(max_examples=100, deadline=None)
FIRST_DAY = dt.date(2022, 3, 10)  # the period spans the US (13 March) and EU (27 March) DST changes
SPAN_DAYS = 20
OFFSETS = [dt.timedelta(hours=h) for h in (-8, -5, 0, 1, 2, 9)] + [dt.timedelta(hours=5, minutes=30)]
ZONES = ["UTC", "Europe/Brussels", "America/Los_Angeles", "Asia/Tokyo"]
TAGS, ACTORS, TARGETS = ["x", "y", "z"], ["A", "B"], ["T", "U"]
UNRELATED = ["q1", "q2"]  # never used by a scenario


@dataclass(frozen=True)
class Ev:
    """A generated event and the instant (or day) it stands for."""

    id: str
    day: dt.date
    time: dt.datetime | None  # aware for timed events, None for date-only ones
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    @property
    def occurred(self) -> str:
        return self.day.isoformat() if self.time is None else self.time.isoformat()


# --- writing and loading ------------------------------------------------------------------------------
_counter = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


def _spell(value: str, index: int) -> str:
    """Vary the case of values as people do; matching must not care."""
    return value.upper() if index % 2 else value


def write_log(folder: Path, events: Sequence[Ev]) -> EventLog:
    path = folder / f"log{next(_counter)}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, e in enumerate(events):
            cells = [";".join(_spell(v, i) for v in values) for values in (e.actors, e.targets, e.tags)]
            writer.writerow([e.id, e.occurred, f"Event {e.id}", *cells, "Generated", ""])
    log = load_events(path)
    assert log.problems == []
    assert len(log) == len(events)
    return log


# --- strategies ------------------------------------------------------------------------------------
def _subset(values: list[str]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), max_size=len(values), unique=True).map(tuple)


@st.composite
def instants(draw: st.DrawFn, first: dt.date = FIRST_DAY - dt.timedelta(days=3), days: int = SPAN_DAYS + 16) -> dt.datetime:
    offset = draw(st.sampled_from(OFFSETS))
    day = first + dt.timedelta(days=draw(st.integers(0, days)))
    seconds = draw(st.sampled_from([0, 1, 3599, 43200, 86399]) | st.integers(0, 86399))
    local = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone(offset)) + dt.timedelta(seconds=seconds)
    return local


@st.composite
def events(
    draw: st.DrawFn, prefix: str = "e", tags: list[str] = TAGS, actors: list[str] = ACTORS, targets: list[str] = TARGETS
) -> list[Ev]:
    count = draw(st.integers(0, 16))
    result = []
    for i in range(count):
        time = draw(st.none() | instants(days=SPAN_DAYS + 6))
        day = time.date() if time is not None else FIRST_DAY + dt.timedelta(days=draw(st.integers(-3, SPAN_DAYS + 3)))
        result.append(Ev(f"{prefix}{i}", day, time, draw(_subset(tags)), draw(_subset(actors)), draw(_subset(targets))))
    return result


@st.composite
def matches(draw: st.DrawFn, ids: int) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for key, values in (("tags", TAGS), ("actors", ACTORS), ("targets", TARGETS)):
        if draw(st.booleans()):
            keys[key] = draw(st.lists(st.sampled_from([*values, "missing"]), min_size=1, max_size=2, unique=True))
    if ids and draw(st.integers(0, 4)) == 0:
        keys["ids"] = draw(st.lists(st.sampled_from([f"e{i}" for i in range(ids)] + ["nope"]), min_size=1, max_size=2, unique=True))
    if not keys:
        keys["tags"] = [draw(st.sampled_from(TAGS))]
    return keys


def _deadline(draw: st.DrawFn, opened: dt.date) -> dt.date | dt.datetime:
    if draw(st.booleans()):
        return opened + dt.timedelta(days=draw(st.integers(0, 12)))
    value: dt.datetime = draw(instants(first=opened + dt.timedelta(days=1), days=12))
    return value


@st.composite
def scenarios(draw: st.DrawFn, moves: bool = False) -> Scenario:
    """A generated scenario; with ``moves``, its deadline may be moved (earlier or later) once or twice."""
    opened = FIRST_DAY + dt.timedelta(days=draw(st.integers(0, 6)))
    timezone = draw(st.sampled_from(ZONES))
    data: dict[str, Any] = {
        "id": "s",
        "title": "Generated",
        "opened": opened,
        "deadline": _deadline(draw, opened),
        "timezone": timezone,
        "trigger": {draw(st.sampled_from(["when", "unless"])): draw(matches(ids=12))},
    }
    if moves and draw(st.booleans()):
        history: list[dict[str, Any]] = [{"due": data.pop("deadline"), "source": "Generated"}]
        announced = sorted(set(draw(st.lists(st.integers(1, 18), min_size=1, max_size=2))))
        history += [
            {"set": opened + dt.timedelta(days=days), "due": _deadline(draw, opened), "source": "Generated: moved"} for days in announced
        ]
        data["deadlines"] = history
    if warn := draw(st.sampled_from([None, "3d", "12h"])):
        data["warn_within"] = warn
    if draw(st.booleans()):
        data["response"] = {"title": "Response", "match": draw(matches(ids=12))}
        if within := draw(st.sampled_from([None, "5d", "36h"])):
            data["response"]["within"] = within
        if counts_from := draw(st.sampled_from([None, "opened", "trigger"])):
            data["response"]["counts_from"] = counts_from
    if draw(st.integers(0, 3)) == 0:
        data["withdrawn"] = {"on": opened + dt.timedelta(days=draw(st.integers(0, 16))), "reason": "Generated."}
    return Scenario.model_validate(data)


@st.composite
def near_deadline(draw: st.DrawFn, s: Scenario) -> dt.datetime:
    """An as-of instant around the scenario's deadline, where the statuses change."""
    seconds = draw(st.sampled_from([-86400, -1, 0, 1, 86400]) | st.integers(-12 * 86400, 40 * 86400))
    return (s.deadline_at + dt.timedelta(seconds=seconds)).astimezone(dt.timezone(draw(st.sampled_from(OFFSETS))))


# --- the reference: the contract, read literally ---------------------------------------------------------
def _matches(match: Match, e: Ev) -> bool:
    def shares(wanted: list[str], have: tuple[str, ...]) -> bool:
        return not wanted or bool({w.lower() for w in wanted} & {h.lower() for h in have})

    return (
        shares(match.tags, e.tags)
        and shares(match.actors, e.actors)
        and shares(match.targets, e.targets)
        and (not match.ids or e.id in match.ids)
    )


@dataclass(frozen=True)
class Expected:
    status: Status
    decided_by: tuple[str, ...]
    remaining: dt.timedelta | None
    triggered_at: dt.datetime | None


def reference(s: Scenario, evs: Sequence[Ev], as_of: dt.datetime) -> Expected:
    tz = s.tz
    as_of_day = as_of.astimezone(tz).date()  # date-only events count up to the as-of day, in the scenario's zone

    def visible(e: Ev, upto: dt.datetime, upto_day: dt.date) -> bool:
        return e.time <= upto if e.time is not None else e.day <= upto_day

    def standing(e: Ev) -> dt.datetime:
        return e.time if e.time is not None else start_of_day(e.day, tz)

    def first(candidates: Iterator[tuple[int, Ev]]) -> Ev | None:
        found = sorted(candidates, key=lambda pair: (standing(pair[1]), pair[0]))
        return found[0][1] if found else None

    if s.withdrawn_at is not None and s.withdrawn_at <= as_of:
        before = s.withdrawn_at - dt.timedelta(microseconds=1)
        prior = reference(s.model_copy(update={"withdrawn": None}), evs, before.astimezone(tz))
        return Expected(Status.WITHDRAWN, prior.decided_by, None, prior.triggered_at)
    if as_of < s.opened_at:
        return Expected(Status.UPCOMING, (), None, None)

    last_day = (s.deadline_at - dt.timedelta(microseconds=1)).astimezone(tz).date()

    def before_deadline(e: Ev) -> bool:
        if e.time is not None:
            return s.opened_at <= e.time < s.deadline_at
        return s.opened <= e.day <= last_day

    trigger, response = s.trigger, s.response
    assert trigger is not None
    hit = first((i, e) for i, e in enumerate(evs) if visible(e, as_of, as_of_day) and before_deadline(e) and _matches(trigger.match, e))
    if response is not None and response.counts_from == "opened":
        # Before the trigger fires (or the deadline passes), a response counts too: early.
        if hit is None:
            end, end_day = s.deadline_at, last_day
        else:
            end = standing(hit)
            end_day = hit.day - dt.timedelta(days=1) if hit.time is None else end.astimezone(tz).date() - dt.timedelta(days=1)

        def early(e: Ev) -> bool:
            if e.time is not None:
                return s.opened_at <= e.time < end
            return s.opened <= e.day <= end_day

        answer = first((i, e) for i, e in enumerate(evs) if visible(e, as_of, as_of_day) and early(e) and _matches(response.match, e))
        if answer is not None:
            return Expected(Status.ENACTED, (answer.id,), None, None)
    if trigger.kind == "unless" and hit is not None:
        return Expected(Status.AVERTED, (hit.id,), None, None)
    trigger_day: dt.date | None = None  # a day to count whole days from
    if trigger.kind == "when" and hit is not None:
        triggered_at = standing(hit)
        trigger_day = hit.day if hit.time is None else None
    elif as_of >= s.deadline_at:
        if trigger.kind == "when":
            return Expected(Status.LAPSED, (), None, None)
        triggered_at = s.deadline_at
        trigger_day = last_day if s.schedule[-1].is_date else None
    else:
        remaining = s.deadline_at - as_of
        # The generated durations have no months: the engine's Span must behave exactly as the plain timedelta here.
        assert s.warn_within is None or s.warn_within.months == 0
        soon = s.warn_within is not None and remaining <= s.warn_within.fixed
        return Expected(Status.DUE_SOON if soon else Status.WATCHING, (), remaining, None)
    trigger_ids = (hit.id,) if hit is not None else ()
    if response is None:
        return Expected(Status.TRIGGERED, trigger_ids, None, triggered_at)
    day_of_trigger = triggered_at.astimezone(tz).date()

    def after_trigger(e: Ev) -> bool:
        return e.time >= triggered_at if e.time is not None else e.day >= day_of_trigger

    answer = first((i, e) for i, e in enumerate(evs) if visible(e, as_of, as_of_day) and after_trigger(e) and _matches(response.match, e))
    if answer is not None:
        return Expected(Status.ENACTED, (*trigger_ids, answer.id), None, triggered_at)
    assert response.within is None or response.within.months == 0
    within = None if response.within is None else response.within.fixed
    if within is None:
        due = None
    elif trigger_day is not None and within % dt.timedelta(days=1) == dt.timedelta(0):
        due = start_of_day(trigger_day + within + dt.timedelta(days=1), tz)  # the end of the n-th day after it
    else:
        due = triggered_at + within
    if due is not None and as_of >= due:
        return Expected(Status.OVERDUE, trigger_ids, None, triggered_at)
    return Expected(Status.TRIGGERED, trigger_ids, None if due is None else due - as_of, triggered_at)


def _facts(a: Assessment) -> tuple[Any, ...]:
    """Everything an assessment says, for equality checks."""
    return (a.status, a.decided_by, a.decided_at, a.remaining, a.triggered_at, a.response_due, a.explanation, a.status_before_withdrawal)


# --- properties -------------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(s=scenarios(), evs=events(), data=st.data())
def test_engine_agrees_with_the_reference(scratch: Path, s: Scenario, evs: list[Ev], data: st.DataObject) -> None:
    as_of = data.draw(near_deadline(s) | instants())
    a = assess(s, write_log(scratch, evs), as_of)
    expected = reference(s, evs, as_of)
    assert (a.status, a.decided_by, a.remaining, a.triggered_at) == (
        expected.status,
        expected.decided_by,
        expected.remaining,
        expected.triggered_at,
    ), a.explanation
    assert a.explanation
    for event_id in a.decided_by:
        assert f"({event_id})" in a.explanation or a.status is Status.WITHDRAWN


@SETTINGS
@given(s=scenarios(), evs=events(), as_of=instants(), data=st.data())
def test_events_after_as_of_change_nothing(scratch: Path, s: Scenario, evs: list[Ev], as_of: dt.datetime, data: st.DataObject) -> None:
    later = data.draw(events(prefix="later"))
    # Move each extra event strictly after the as-of instant (and after its day, for date-only ones: the as-of's day in the
    # scenario's own zone, where the engine compares calendar days).
    after = [
        replace(e, time=as_of + dt.timedelta(seconds=1 + k), day=(as_of + dt.timedelta(seconds=1 + k)).date())
        if e.time is not None
        else replace(e, day=as_of.astimezone(s.tz).date() + dt.timedelta(days=1 + k % 3))
        for k, e in enumerate(later)
    ]
    # Interleave them anywhere in the file, keeping the order of the others.
    slots = data.draw(st.lists(st.integers(0, len(evs)), min_size=len(after), max_size=len(after)))
    combined: list[Ev] = list(evs)
    for slot, e in sorted(zip(slots, after, strict=True), key=lambda pair: -pair[0]):
        combined.insert(slot, e)
    assert _facts(assess(s, write_log(scratch, evs), as_of)) == _facts(assess(s, write_log(scratch, combined), as_of))


@SETTINGS
@given(s=scenarios(), evs=events(), as_of=instants(), unrelated=events(prefix="u", tags=UNRELATED, actors=UNRELATED, targets=UNRELATED))
def test_an_unrelated_event_never_changes_a_status(
    scratch: Path, s: Scenario, evs: list[Ev], as_of: dt.datetime, unrelated: list[Ev]
) -> None:
    # Unrelated: no tag, actor or target a scenario uses, and an id no scenario names. They may even be empty.
    mixed = [e for pair in itertools.zip_longest(unrelated, evs) for e in pair if e is not None]
    assert _facts(assess(s, write_log(scratch, evs), as_of)) == _facts(assess(s, write_log(scratch, mixed), as_of))


# Where each status may go as time moves forward (withdrawal may end any of them).
ALLOWED_NEXT = {
    Status.UPCOMING: set(Status),
    Status.WATCHING: set(Status) - {Status.UPCOMING},
    Status.DUE_SOON: set(Status) - {Status.UPCOMING, Status.WATCHING},
    Status.PARTLY_ENACTED: {Status.PARTLY_ENACTED, Status.ENACTED, Status.AVERTED, Status.LAPSED, Status.WITHDRAWN},
    Status.TRIGGERED: {Status.TRIGGERED, Status.OVERDUE, Status.ENACTED, Status.WITHDRAWN},
    Status.OVERDUE: {Status.OVERDUE, Status.ENACTED, Status.WITHDRAWN},
    Status.ENACTED: {Status.ENACTED, Status.WITHDRAWN},
    Status.AVERTED: {Status.AVERTED, Status.WITHDRAWN},
    Status.LAPSED: {Status.LAPSED, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.WITHDRAWN},
}


@SETTINGS
@given(
    s=scenarios(),
    evs=events(),
    offset=st.sampled_from(OFFSETS),
    moments=st.lists(st.integers(-3 * 86400, (SPAN_DAYS + 16) * 86400), min_size=2, max_size=8),
)
def test_moving_as_of_forward_never_goes_back(scratch: Path, s: Scenario, evs: list[Ev], offset: dt.timedelta, moments: list[int]) -> None:
    # One clock, as a user scrubbing a time slider sees it: the same zone for every instant.
    start = dt.datetime.combine(FIRST_DAY, dt.time(0), tzinfo=dt.timezone(offset))
    log = write_log(scratch, evs)
    statuses = [assess(s, log, start + dt.timedelta(seconds=m)).status for m in sorted(moments)]
    for earlier, later in itertools.pairwise(statuses):
        assert later in ALLOWED_NEXT[earlier], statuses
    decided = {Status.AVERTED, Status.LAPSED, Status.ENACTED}
    for i, status in enumerate(statuses):
        if status in decided:
            assert not {Status.WATCHING, Status.DUE_SOON} & set(statuses[i:])


@settings(max_examples=60, deadline=None)
@given(many=st.lists(scenarios(), min_size=1, max_size=5), evs=events(), moments=st.lists(instants(), min_size=1, max_size=6))
def test_statuses_are_deterministic(scratch: Path, many: list[Scenario], evs: list[Ev], moments: list[dt.datetime]) -> None:
    shared = write_log(scratch, evs)  # its index and caches are reused across calls
    for as_of in moments:
        together = [_facts(a) for a in assess_all(many, shared, as_of)]
        fresh = [_facts(assess(s, write_log(scratch, evs), as_of)) for s in many]
        again = [_facts(a) for a in assess_all(many, shared, as_of)]
        assert together == fresh == again


@SETTINGS
@given(s=scenarios(), evs=events(), as_of=instants())
def test_timed_events_are_compared_exactly_whatever_the_as_of_zone(scratch: Path, s: Scenario, evs: list[Ev], as_of: dt.datetime) -> None:
    # Only date-only events look at the as-of day (in the zone the instant was given in); timed ones are exact.
    log = write_log(scratch, [e for e in evs if e.time is not None])
    answers = {_facts(assess(s, log, as_of.astimezone(dt.timezone(offset)))) for offset in OFFSETS}
    assert len(answers) == 1
    assert answers == {_facts(assess(s, log, as_of.astimezone(UTC)))}


@SETTINGS
@given(s=scenarios(), evs=events(), as_of=instants(), data=st.data())
def test_a_deadline_announced_after_the_as_of_changes_nothing(
    scratch: Path, s: Scenario, evs: list[Ev], as_of: dt.datetime, data: st.DataObject
) -> None:
    """Replay never leaks the future: a move announced after the as-of (to any new date) is invisible then."""
    first = s.schedule[0]
    later_day = max(as_of.astimezone(s.tz).date(), s.opened) + dt.timedelta(days=data.draw(st.integers(1, 10)))
    new_due = later_day + dt.timedelta(days=data.draw(st.integers(-12, 12)))
    moved = s.model_dump(exclude={"deadline", "tests"}, exclude_none=True)
    moved["deadlines"] = [
        {"set": s.opened, "due": first.due, "source": "Generated."},
        {"set": later_day, "due": max(new_due, s.opened), "source": "Generated."},
    ]
    with_move = Scenario.model_validate(moved)
    log = write_log(scratch, evs)
    assert _facts(assess(s, log, as_of)) == _facts(assess(with_move, log, as_of))
