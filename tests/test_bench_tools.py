"""The benchmark's tools at a small scale: the synthetic data is valid and the benchmark runs end to end.

Never a timing assertion: the figures are printed and checked for shape only.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.commands import main
from bench.measure import Command, Ratio, Sample, growth, rounds, run_child, verdict
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


def test_rounds_rotate_the_order_and_leave_out_the_warm_ups() -> None:
    order: list[str] = []

    def contestant(name: str) -> Callable[[], Sample]:
        return lambda: order.append(name) or Sample(float(len(order)))

    series = rounds({"a": contestant("a"), "b": contestant("b"), "c": contestant("c")}, runs=2, warmups=1)
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert series["a"].seconds == [6.0, 8.0] and series["b"].seconds == [4.0, 9.0] and series["c"].seconds == [5.0, 7.0]


def test_ratio_is_of_medians_with_the_range_of_per_round_ratios() -> None:
    ratio = Ratio.of([2.0, 3.0, 10.0], [1.0, 2.0, 2.0])
    assert (ratio.median, ratio.low, ratio.high) == (1.5, 1.5, 5.0)
    assert ratio.text() == "1.50x (1.50-5.00)"
    assert verdict(ratio, 2) == "<= 2x: met (spread crosses it)"
    assert verdict(ratio, 1.2) == "<= 1.2x: **not met**"
    assert verdict(Ratio(0.4, 0.3, 0.45), 0.5) == "<= 0.5x: met"


def test_growth_is_the_exponent_between_neighbouring_sizes() -> None:
    assert growth([10, 100, 1000], [1.0, 10.0, 1000.0]) == ["x1.00", "x2.00"]


def test_run_child_reports_the_childs_own_peak_memory() -> None:
    small = run_child(Command([sys.executable, "-c", "pass"]))
    big = run_child(Command([sys.executable, "-c", "b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"]))
    assert small.peak_mb is not None and big.peak_mb is not None
    assert big.peak_mb - small.peak_mb > 250
    with pytest.raises(RuntimeError, match="exited with 3"):
        run_child(Command([sys.executable, "-c", "import sys; sys.exit(3)"]))


def test_quick_bench_runs_every_measure_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    """The harness at a tiny size: every command runs and every table prints, in text and as Markdown rows."""
    main(["--quick"])
    printed = capsys.readouterr().out
    for label in (
        "`tracker status --format json`, cold cache, 20 scenarios x 2,000 events",
        "`tracker status --format json`, warm cache",
        "DuckDB `read_csv`",
        "peak memory of `tracker status`",
        "`tracker validate scenarios` (the demo's",
        "load 20 scenario files (in process)",
        "all statuses at 5 instants (in process)",
        "all assessments (status, reasons, time left) at 5 instants (in process)",
        "`tracker status` by events (20 scenarios)",
        "`tracker status` by scenarios (2,000 events)",
    ):
        assert label in printed
    targets = [line for line in printed.splitlines() if line.startswith("| ") and "<= " in line]
    assert len(targets) == 7  # status cold and warm, memory, validate, scenario loading, statuses and assessments at instants
    assert all(re.search(r"\| [\d.]+x \([\d.]+-[\d.]+\) \| <= [\d.]+x: (met|\*\*not met\*\*)", line) for line in targets)
