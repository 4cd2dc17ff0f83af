"""`python -m bench.core`: speed of loading and status evaluation, as figures and ratios.

Every ratio is against a baseline measured in the same run on the same file, so the
figures compare across machines. Targets (2-core machine): load within 1.5x of a bare
``pandas.read_csv``; all statuses at one instant under 1 s; at 100 instants under 5 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from bench.synthetic import as_of_instants, write_events, write_scenarios
from tracker.engine.status import assess_all
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios


def _best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_benchmark(scenarios: int = 1000, events: int = 1_000_000, instants: int = 100, runs: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        folder = Path(tmp)
        log_path, scenario_dir = folder / "events.csv", folder / "scenarios"
        print(f"Generating {scenarios:,} scenarios and {events:,} events in {tmp} ...", flush=True)
        write_events(log_path, events)
        write_scenarios(scenario_dir, scenarios)
        size_mb = log_path.stat().st_size / 1e6

        baseline, _ = _best_of(runs, lambda: pd.read_csv(log_path))
        load, log = _best_of(runs, lambda: load_events(log_path))
        scen_time, scenario_set = _best_of(1, lambda: load_scenarios(scenario_dir))
        assert not log.problems and not scenario_set.problems, "synthetic data must be valid"
        moments = as_of_instants(instants)
        middle = moments[len(moments) // 2]
        # Cold: the first evaluation also builds the token index and the match cache.
        cold, _ = _best_of(1, lambda: assess_all(scenario_set.scenarios, log, middle))
        warm, _ = _best_of(runs, lambda: assess_all(scenario_set.scenarios, log, middle))
        many, _ = _best_of(1, lambda: [assess_all(scenario_set.scenarios, log, m) for m in moments])

    figures = {
        "pandas_read_csv_s": baseline,
        "load_events_s": load,
        "load_ratio": load / baseline,
        "load_scenarios_s": scen_time,
        "statuses_one_instant_cold_s": cold,
        "statuses_one_instant_warm_s": warm,
        "statuses_many_instants_s": many,
    }
    rows = [
        ("event log", f"{events:,} rows, {size_mb:.0f} MB CSV", ""),
        ("bare pandas.read_csv (baseline)", f"{baseline:.2f} s", "1.00x"),
        ("tracker load_events (read and validated)", f"{load:.2f} s", f"{load / baseline:.2f}x  (target <= 1.5x)"),
        (f"load {scenarios:,} scenario files", f"{scen_time:.2f} s", ""),
        ("all statuses, 1 instant, cold (builds index)", f"{cold:.3f} s", "(target < 1 s)"),
        ("all statuses, 1 instant, warm", f"{warm:.3f} s", ""),
        (f"all statuses, {instants} instants", f"{many:.3f} s", "(target < 5 s)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value.rjust(22)}  {note}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.core", description="Loading and status speed on synthetic data.")
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--instants", type=int, default=100)
    args = parser.parse_args()
    run_benchmark(scenarios=args.scenarios, events=args.events, instants=args.instants)


if __name__ == "__main__":
    main()
