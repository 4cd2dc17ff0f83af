"""The benchmark's tools at a small scale: the synthetic data is valid and the benchmark runs end to end.

Never a timing assertion: the figures are printed and checked for shape only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from bench.core import run_benchmark
from bench.synthetic import SPAN_DAYS, START, ZONES, as_of_instants, write_events, write_scenarios
from tracker.engine.status import Status, assess_all
from tracker.log.events import COLUMNS
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    write_events(folder / "events.csv", 2_000)
    write_scenarios(folder / "scenarios", 20)
    return folder


def test_synthetic_events_are_valid(synthetic: Path) -> None:
    log = load_events(synthetic / "events.csv")
    assert log.problems == []
    assert len(log) == 2_000
    assert log.columns == list(COLUMNS)
    assert len(set(log.table.column("id").to_pylist())) == 2_000
    timed = int((~log.date_only).sum())
    assert 200 < timed < 600  # about a fifth carry a time with offset
    first, last = log.event(0), log.event(len(log) - 1)
    assert first.actors and first.tags and first.source == "Synthetic generator"
    assert first.day >= START and last.day < START + dt.timedelta(days=SPAN_DAYS)


def test_synthetic_events_are_reproducible(synthetic: Path, tmp_path: Path) -> None:
    write_events(tmp_path / "again.csv", 2_000)
    assert (tmp_path / "again.csv").read_bytes() == (synthetic / "events.csv").read_bytes()
    write_events(tmp_path / "other.csv", 2_000, seed=8)
    assert (tmp_path / "other.csv").read_bytes() != (synthetic / "events.csv").read_bytes()


def test_synthetic_scenarios_are_valid_and_varied(synthetic: Path) -> None:
    scenarios = load_scenarios(synthetic / "scenarios")
    assert scenarios.problems == []
    assert len(scenarios.scenarios) == 20
    assert {s.timezone for s in scenarios.scenarios} == set(ZONES)
    assert {s.trigger.kind for s in scenarios.scenarios} == {"when", "unless"}
    assert all(s.response is not None and s.signposts for s in scenarios.scenarios)


def test_synthetic_data_exercises_the_engine(synthetic: Path) -> None:
    scenarios, log = load_scenarios(synthetic / "scenarios"), load_events(synthetic / "events.csv")
    seen: Counter[Status] = Counter()
    for as_of in as_of_instants(12):
        assessments = assess_all(scenarios.scenarios, log, as_of)
        assert len(assessments) == 20
        seen.update(a.status for a in assessments)
    # Not a toy: triggers fire, responses come, unless-scenarios get averted, and some are still open.
    assert {Status.WATCHING, Status.TRIGGERED, Status.AVERTED} <= set(seen)
    assert seen[Status.ENACTED] + seen[Status.OVERDUE] + seen[Status.LAPSED] > 0


def test_as_of_instants_spread_over_the_period() -> None:
    instants = as_of_instants(10)
    assert len(instants) == 10
    assert instants == sorted(instants)
    assert all(i.tzinfo is not None for i in instants)
    assert instants[0].date() == START
    assert instants[-1].date() < START + dt.timedelta(days=SPAN_DAYS)


def test_run_benchmark_end_to_end_at_small_scale(capsys: pytest.CaptureFixture[str]) -> None:
    figures = run_benchmark(scenarios=20, events=2_000, instants=5, runs=1)
    assert set(figures) == {
        "pandas_read_csv_s",
        "load_events_s",
        "load_ratio",
        "load_scenarios_s",
        "statuses_one_instant_cold_s",
        "statuses_one_instant_warm_s",
        "statuses_many_instants_s",
    }
    assert all(isinstance(value, float) and value > 0 for value in figures.values())
    assert figures["load_ratio"] == pytest.approx(figures["load_events_s"] / figures["pandas_read_csv_s"])
    printed = capsys.readouterr().out
    assert "Generating 20 scenarios and 2,000 events" in printed
    for label in (
        "bare pandas.read_csv (baseline)",
        "tracker load_events (read and validated)",
        "load 20 scenario files",
        "all statuses, 1 instant, cold (builds index)",
        "all statuses, 5 instants",
    ):
        assert label in printed
    assert "2,000 rows" in printed
