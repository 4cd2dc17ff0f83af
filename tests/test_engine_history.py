"""Replay over time (tracker.engine.history) against the engine run at each instant.

The one-pass replay must give, field for field, what `assess_all` gives at every instant
asked for; a status history must list exactly the changes seen when the engine is run at
every instant where anything could change, and just before each.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_engine_properties import FIRST_DAY, OFFSETS, ZONES, Ev, events, instants, scenarios, write_log
from tracker.engine.history import assess_over, status_history, statuses_over
from tracker.engine.status import AsOf, Basis, assess, assess_all, instant_for
from tracker.log.events import COLUMNS, EventLog
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import Scenario
from tracker.timeutil import start_of_day, zone

ROOT = Path(__file__).resolve().parent.parent
_counter = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history")


def write_known_log(folder: Path, evs: Sequence[Ev], delays: Sequence[int | None]) -> EventLog:
    """A log whose rows were logged ``delay`` hours after they occurred (None: no `logged_at`)."""
    path = folder / f"known{next(_counter)}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, "logged_at"])
        for e, delay in zip(evs, delays, strict=True):
            occurred = e.time if e.time is not None else start_of_day(e.day, dt.UTC)
            logged = "" if delay is None else (occurred + dt.timedelta(hours=delay)).isoformat()
            cells = [";".join(values) for values in (e.actors, e.targets, e.tags)]
            writer.writerow([e.id, e.occurred, f"Event {e.id}", *cells, "Generated", "", logged])
    log = load_events(path)
    assert log.problems == []
    return log


def as_ofs() -> st.SearchStrategy[AsOf]:
    """Instants in several offsets, and bare dates (each scenario's end of that day)."""
    days = st.integers(-3, 40).map(lambda k: FIRST_DAY + dt.timedelta(days=k))
    in_a_zone = st.tuples(instants(), st.sampled_from(ZONES)).map(lambda pair: pair[0].astimezone(zone(pair[1])))
    return instants() | in_a_zone | days


@st.composite
def logs(draw: st.DrawFn, folder: Path) -> EventLog:
    evs = draw(events())
    if draw(st.booleans()):
        return write_log(folder, evs)
    delays = draw(st.lists(st.none() | st.integers(0, 24 * 12), min_size=len(evs), max_size=len(evs)))
    return write_known_log(folder, evs, delays)


@settings(max_examples=60, deadline=None)
@given(
    many=st.lists(scenarios(moves=True), min_size=1, max_size=4),
    moments=st.lists(as_ofs(), min_size=1, max_size=12),
    basis=st.sampled_from(list(Basis)),
    data=st.data(),
)
def test_one_pass_gives_what_each_instant_gives(
    scratch: Path, many: list[Scenario], moments: list[AsOf], basis: Basis, data: st.DataObject
) -> None:
    log = data.draw(logs(scratch))
    # A steady clock over the whole period, in a zone that changes to summer time: many instants between decisive ones.
    step = dt.timedelta(hours=data.draw(st.sampled_from([5, 7, 13])), minutes=data.draw(st.integers(0, 59)))
    clock = dt.datetime.combine(FIRST_DAY - dt.timedelta(days=3), dt.time(0), tzinfo=zone(data.draw(st.sampled_from(ZONES))))
    moments += [clock + step * k for k in range(dt.timedelta(days=44) // step)]
    # Repeat some instants, in another offset too: the replay must not take them for a step forward.
    again = [m.astimezone(dt.timezone(OFFSETS[0])) for m in moments if isinstance(m, dt.datetime)][:2]
    moments = [*moments, *moments[:2], *again]
    replayed = assess_over(many, log, moments, basis)
    assert replayed == [assess_all(many, log, m, basis) for m in moments]
    assert statuses_over(many, log, moments, basis) == [[a.status for a in row] for row in replayed]
    for row, m in zip(replayed, moments, strict=True):  # equal instants may differ in zone; the text shows it
        assert [a.to_json() for a in row] == [a.to_json() for a in assess_all(many, log, m, basis)]


def _probes(s: Scenario, log: EventLog, first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
    """Every instant where a status could change, found by brute force, and the instant just before each."""
    tz = s.tz
    points = {s.opened_at, *(t for spell in s.schedule for t in (spell.set_at, spell.due_at))}
    if s.withdrawn_at is not None:
        points.add(s.withdrawn_at)
    day = (first - dt.timedelta(days=1)).astimezone(tz).date()
    while start_of_day(day, tz) <= last:
        points |= {start_of_day(day, tz), start_of_day(day, dt.UTC)}  # in view in the scenario's zone; known from UTC
        day += dt.timedelta(days=1)
    points |= {e.when for e in log.events(range(len(log))) if not e.date_only}
    if "logged_at" in log.columns:
        points |= {dt.datetime.fromisoformat(v) for v in log.table.column("logged_at").to_pylist() if v}
    shifts = [dt.timedelta(0), dt.timedelta(hours=12), dt.timedelta(hours=36), dt.timedelta(days=5)]
    near = {p + shift for p in points for shift in shifts}
    if s.warn_within is not None:
        near |= {s.warn_within.before(p, tz) for p in points}
    probes = {q for p in near for q in (p, p - dt.timedelta(microseconds=1))}
    return sorted(q for q in probes if first <= q <= last)


@settings(max_examples=80, deadline=None)
@given(s=scenarios(moves=True), basis=st.sampled_from(list(Basis)), data=st.data())
def test_the_status_history_lists_every_change(scratch: Path, s: Scenario, basis: Basis, data: st.DataObject) -> None:
    log = data.draw(logs(scratch))
    first = start_of_day(FIRST_DAY - dt.timedelta(days=2), s.tz)
    last = start_of_day(FIRST_DAY + dt.timedelta(days=40), s.tz)
    history = status_history(s, log, first, last, basis)
    assert history[0].start == first
    assert all(a.status is not b.status for a, b in itertools.pairwise(history))
    for spell in history:
        assert spell.assessment == assess(s, log, spell.start, basis)
    for spell, before in zip(history[1:], history, strict=False):
        assert assess(s, log, spell.start - dt.timedelta(microseconds=1), basis).status is before.status
    starts = [spell.start for spell in history]
    for probe in _probes(s, log, first, last):
        in_force = history[sum(start <= probe for start in starts) - 1]
        assert assess(s, log, probe, basis).status is in_force.status, probe


def test_the_history_of_a_date_period_runs_over_whole_days_in_the_scenario_zone() -> None:
    scenario = load_scenarios(ROOT / "scenarios").scenarios[0]
    log = load_events(ROOT / "data" / "events.csv")
    history = status_history(scenario, log, dt.date(2021, 10, 1), dt.date(2026, 1, 1))
    assert history[0].start == assess(scenario, log, dt.date(2021, 10, 1)).as_of
    assert history[-1].status is assess(scenario, log, dt.date(2026, 1, 1)).status


@pytest.mark.parametrize("basis", list(Basis))
def test_the_demo_replayed_day_by_day_matches_each_day(basis: Basis) -> None:
    scenarios_ = load_scenarios(ROOT / "scenarios").scenarios
    log = load_events(ROOT / "data" / "events.csv")
    days = [dt.date(2021, 10, 1) + dt.timedelta(days=k) for k in range((dt.date(2026, 1, 1) - dt.date(2021, 10, 1)).days + 1)]
    replayed = assess_over(scenarios_, log, days, basis)
    assert replayed == [assess_all(scenarios_, log, day, basis) for day in days]
    assert statuses_over(scenarios_, log, days, basis) == [[a.status for a in row] for row in replayed]
    for s in scenarios_:
        history = status_history(s, log, days[0], days[-1], basis)
        for day, row in zip(days, replayed, strict=True):
            end = instant_for(day, s.tz)
            in_force = [spell for spell in history if spell.start <= end][-1]
            assert next(a for a in row if a.scenario is s).status is in_force.status, (s.id, day)


def _hourly(first: dt.datetime, hours: int) -> list[AsOf]:
    """Every hour of elapsed time from ``first``, shown in ``first``'s zone."""
    return [(first.astimezone(dt.UTC) + dt.timedelta(hours=k)).astimezone(first.tzinfo) for k in range(hours)]


def test_a_response_falls_due_between_two_events(scratch: Path) -> None:
    s = Scenario.model_validate(
        {
            "id": "s",
            "title": "Due",
            "opened": FIRST_DAY,
            "deadline": FIRST_DAY + dt.timedelta(days=20),
            "timezone": "UTC",
            "trigger": {"when": {"tags": ["x"]}},
            "response": {"title": "Response", "match": {"tags": ["y"]}, "within": "36h"},
        }
    )
    log = write_log(scratch, [Ev("e0", FIRST_DAY, dt.datetime.combine(FIRST_DAY, dt.time(9), tzinfo=dt.UTC), ("x",))])
    moments = _hourly(dt.datetime.combine(FIRST_DAY, dt.time(0), tzinfo=dt.UTC), 72)
    replayed = [row[0] for row in assess_over([s], log, moments)]
    assert [a.status.value for a in replayed[8:11]] == ["watching", "triggered", "triggered"]
    assert replayed[45].status.value == "overdue"
    assert replayed == [assess(s, log, m) for m in moments]


def test_time_remaining_is_elapsed_time_across_a_change_to_summer_time(scratch: Path) -> None:
    s = Scenario.model_validate(
        {
            "id": "s",
            "title": "Summer",
            "opened": FIRST_DAY,
            "deadline": dt.date(2022, 4, 5),
            "timezone": "Europe/Brussels",
            "trigger": {"unless": {"tags": ["x"]}},
        }
    )
    log = write_log(scratch, [])
    brussels = zone("Europe/Brussels")
    moments = _hourly(dt.datetime(2022, 3, 26, 12, tzinfo=brussels), 36)  # clocks went forward on 27 March
    replayed = [row[0] for row in assess_over([s], log, moments)]
    assert replayed == [assess(s, log, m) for m in moments]
    assert replayed[0].remaining is not None and replayed[-1].remaining is not None
    assert replayed[0].remaining - replayed[-1].remaining == dt.timedelta(hours=35)


def test_a_trigger_event_after_an_early_response_closes_its_window(scratch: Path) -> None:
    s = Scenario.model_validate(
        {
            "id": "s",
            "title": "Early",
            "opened": FIRST_DAY,
            "deadline": FIRST_DAY + dt.timedelta(days=20),
            "timezone": "UTC",
            "trigger": {"when": {"tags": ["x"]}},
            "response": {"title": "Response", "match": {"tags": ["y"]}, "counts_from": "opened"},
        }
    )
    at = [dt.datetime.combine(FIRST_DAY + dt.timedelta(days=d), dt.time(9), tzinfo=dt.UTC) for d in (1, 3, 5)]
    log = write_log(scratch, [Ev(f"e{k}", t.date(), t, (tag,)) for k, (t, tag) in enumerate(zip(at, "yxx", strict=True))])
    moments = _hourly(dt.datetime.combine(FIRST_DAY, dt.time(0), tzinfo=dt.UTC), 24 * 8)
    replayed = [row[0] for row in assess_over([s], log, moments)]
    assert {a.timing.value for a in replayed[34:] if a.timing is not None} == {"early"}
    assert replayed == [assess(s, log, m) for m in moments]
