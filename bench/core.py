"""The two measures taken inside one process: loading scenario files, and statuses at many instants.

Each is paired, round by round, with its baseline: a plain libyaml `yaml.load` of the same files, and all
statuses at one (already warm) instant. Called by `python -m bench.commands`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from bench.measure import Ratio, Table, rounds, run_inside, verdict
from bench.synthetic import as_of_instants
from tracker.engine.history import assess_over, statuses_over
from tracker.engine.status import assess_all
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios

SCENARIO_LOAD_TARGET = 2.0  # issue 16: loading scenario files within 2x a plain CSafeLoader load
INSTANTS_TARGET = 5.0  # issue 16: 100 instants within 5x one warm instant


def plain_yaml(paths: Sequence[Path]) -> list[object]:
    return [yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) for path in paths]


def measure(scenario_dir: Path, log_path: Path, *, instants: int, runs: int, warmups: int, table: Table) -> None:
    paths = sorted(scenario_dir.glob("*.yaml"))
    loading = rounds(
        {"tracker": lambda: run_inside(lambda: load_scenarios(scenario_dir)), "yaml": lambda: run_inside(lambda: plain_yaml(paths))},
        runs,
        warmups,
    )
    ratio = Ratio.of(loading["tracker"].seconds, loading["yaml"].seconds)
    table.add(
        f"load {len(paths):,} scenario files (in process)",
        loading["tracker"].time_text(),
        f"`yaml.load` with `CSafeLoader`: {loading['yaml'].time_text()}",
        ratio.text(),
        verdict(ratio, SCENARIO_LOAD_TARGET),
    )

    scenario_set, log = load_scenarios(scenario_dir), load_events(log_path)
    assert not scenario_set.problems and not log.problems, "synthetic data must be valid"
    moments = as_of_instants(instants)
    middle = moments[len(moments) // 2]
    assess_all(scenario_set.scenarios, log, middle)  # builds the match index: "warm" from here on
    replay = rounds(
        {
            # One pass over each scenario's deciding instants (tracker.engine.history), not 100 evaluations.
            "statuses": lambda: run_inside(lambda: statuses_over(scenario_set.scenarios, log, moments)),
            "assessments": lambda: run_inside(lambda: assess_over(scenario_set.scenarios, log, moments)),
            "one": lambda: run_inside(lambda: assess_all(scenario_set.scenarios, log, middle)),
        },
        runs,
        warmups,
    )
    for key, what in (("statuses", "all statuses"), ("assessments", "all assessments (status, reasons, time left)")):
        ratio = Ratio.of(replay[key].seconds, replay["one"].seconds)
        table.add(
            f"{what} at {instants} instants (in process)",
            replay[key].time_text(),
            f"one warm instant: {replay['one'].time_text()}",
            ratio.text(),
            verdict(ratio, INSTANTS_TARGET),
        )
