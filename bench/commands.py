"""`python -m bench.commands`: whole commands as users run them, each against its baseline in the same run.

Prints issue 16's targets beside their ratios (ratio of medians, and the range of the per-round ratios), then
`tracker status` at growing sizes with its peak memory and how its cost grows, each table again as Markdown rows
for the README's Speed section. `--quick` runs everything at a tiny size: a check of the harness, not a figure.

Cold means a fresh, empty cache folder per run (`TRACKER_CACHE`); warm means the folder the warm-up filled.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from bench import core
from bench.measure import BIN, ROOT, Command, Ratio, Table, child, growth, rounds, verdict
from bench.synthetic import write_events, write_scenarios

AS_OF = "2022-06-01"
CACHE_ENV = "TRACKER_CACHE"
STATUS_COLD_TARGET, STATUS_WARM_TARGET = 1.5, 0.5  # x pandas.read_csv
VALIDATE_TARGET = 8.0  # x python -c pass
MEMORY_TARGET = 1.2  # x pandas.read_csv's peak
PANDAS_READ = "import sys, pandas; pandas.read_csv(sys.argv[1])"
PARQUET_READ = "import sys, pyarrow.parquet; pyarrow.parquet.read_table(sys.argv[1])"
DUCKDB_READ = "import sys, duckdb; duckdb.connect().execute('CREATE TABLE events AS SELECT * FROM read_csv(?)', [sys.argv[1]])"


@dataclass(frozen=True)
class Sizes:
    scenarios: int = 1000
    events: int = 1_000_000
    instants: int = 100
    runs: int = 5
    warmups: int = 1
    curve_events: Sequence[int] = (10_000, 100_000, 1_000_000, 5_000_000)
    curve_scenarios: Sequence[int] = (10, 100, 1000, 10_000)
    scenarios_curve_events: int = 100_000  # the log under the scenarios curve: scenario cost, not the log's
    curve_runs: int = 3
    curve_largest_runs: int = 1  # the largest size of each curve: minutes per run otherwise


QUICK = Sizes(20, 2000, 5, 1, 1, (1000, 2000), (5, 10), 2000, 1, 1)


class Data:
    """Synthetic logs and scenario folders, each written once on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def events(self, n: int) -> Path:
        path = self.folder / f"events-{n}.csv"
        if not path.exists():
            print(f"  writing {n:,} events ...", flush=True)
            write_events(path, n)
        return path

    def scenarios(self, n: int) -> Path:
        path = self.folder / f"scenarios-{n}"
        if not path.exists():
            print(f"  writing {n:,} scenarios ...", flush=True)
            write_scenarios(path, n)
        return path

    def fresh_cache(self) -> dict[str, str]:
        return {CACHE_ENV: tempfile.mkdtemp(prefix="cache-", dir=self.folder)}


def status(data: Data, scenarios: Path, events: Path, cache: str | None) -> Command:
    """`tracker status` as a user runs it; cache None: a fresh empty cache folder for every run."""
    argv = [str(BIN / "tracker"), "status", "--as-of", AS_OF, "--format", "json", "--scenarios", str(scenarios), "--events", str(events)]
    return Command(argv, data.fresh_cache if cache is None else (lambda: {CACHE_ENV: cache}))


def python(code: str, *args: str) -> Command:
    return Command([sys.executable, "-c", code, *args])


def headline(data: Data, sizes: Sizes, table: Table) -> None:
    scenarios, events = data.scenarios(sizes.scenarios), data.events(sizes.events)
    warm_cache = data.fresh_cache()[CACHE_ENV]  # filled by the warm-up round
    commands = {
        "pandas": python(PANDAS_READ, str(events)),
        "duckdb": python(DUCKDB_READ, str(events)),
        "cold": status(data, scenarios, events, None),
        "warm": status(data, scenarios, events, warm_cache),
    }
    print(f"tracker status vs reading the log: {sizes.runs} runs after {sizes.warmups} warm-up(s) ...", flush=True)
    series = rounds({name: child(command) for name, command in commands.items()}, sizes.runs, max(sizes.warmups, 1))
    pandas, duckdb = series["pandas"], series["duckdb"]
    size = f"{sizes.scenarios:,} scenarios x {sizes.events:,} events"
    for name, target in (("cold", STATUS_COLD_TARGET), ("warm", STATUS_WARM_TARGET)):
        ratio = Ratio.of(series[name].seconds, pandas.seconds)
        table.add(
            f"`tracker status --format json`, {name} cache, {size}",
            series[name].time_text(),
            f"`pandas.read_csv`: {pandas.time_text()}",
            ratio.text(),
            verdict(ratio, target),
        )
        versus_duckdb = Ratio.of(series[name].seconds, duckdb.seconds)
        table.add(f"the same, {name} cache", series[name].time_text(), f"DuckDB `read_csv`: {duckdb.time_text()}", versus_duckdb.text(), "")
    memory = Ratio.of(series["cold"].peaks, pandas.peaks)
    table.add(
        f"peak memory of `tracker status`, {sizes.events:,} events",
        series["cold"].peak_text(),
        f"`pandas.read_csv`: {pandas.peak_text()}",
        memory.text(),
        verdict(memory, MEMORY_TARGET),
    )

    print("tracker validate on the demo vs python -c pass ...", flush=True)
    start = rounds(
        {
            "validate": child(Command([str(BIN / "tracker"), "validate", "scenarios"])),
            "pass": child(python("pass")),
        },
        sizes.runs,
        sizes.warmups,
    )
    ratio = Ratio.of(start["validate"].seconds, start["pass"].seconds)
    demo = len(list((ROOT / "scenarios").glob("*.yaml")))
    table.add(
        f"`tracker validate scenarios` (the demo's {demo} files)",
        start["validate"].time_text(),
        f"`python -c pass`: {start['pass'].time_text()}",
        ratio.text(),
        verdict(ratio, VALIDATE_TARGET),
    )

    print("scenario loading and replay over time, in process ...", flush=True)
    core.measure(scenarios, events, instants=sizes.instants, runs=sizes.runs, warmups=sizes.warmups, table=table)


def curve(label: str, sizes: Sequence[int], command_for: Callable[[int], Command], runs: int, largest_runs: int) -> Table:
    table = Table(
        f"`tracker status` by {label}, cold cache", [label, "time (median, min-max)", "peak memory", "growth from the size before"]
    )
    medians: list[float] = []
    rows: list[tuple[str, str, str]] = []
    for n in sizes:
        largest = n == max(sizes)
        series = rounds({"status": child(command_for(n))}, largest_runs if largest else runs, 0 if largest else 1)["status"]
        medians.append(statistics.median(series.seconds))
        rows.append((f"{n:,}", series.time_text(), series.peak_text()))
    for (size, time_text, peak_text), grown in zip(rows, ["", *growth(sizes, medians)], strict=True):
        table.add(size, time_text, peak_text, grown)
    return table


def curves(data: Data, sizes: Sizes) -> list[Table]:
    base_scenarios = data.scenarios(sizes.scenarios)
    print(f"curves: runs {sizes.curve_runs} per size, {sizes.curve_largest_runs} at the largest ...", flush=True)
    by_events = curve(
        f"events ({sizes.scenarios:,} scenarios)",
        sizes.curve_events,
        lambda n: status(data, base_scenarios, data.events(n), None),
        sizes.curve_runs,
        sizes.curve_largest_runs,
    )
    log = data.events(sizes.scenarios_curve_events)
    by_scenarios = curve(
        f"scenarios ({sizes.scenarios_curve_events:,} events)",
        sizes.curve_scenarios,
        lambda n: status(data, data.scenarios(n), log, None),
        sizes.curve_runs,
        sizes.curve_largest_runs,
    )
    return [by_events, by_scenarios, formats(data.events(max(sizes.curve_events)), sizes.curve_runs)]


def formats(events: Path, runs: int) -> Table:
    """The largest log read whole from CSV, and from Parquet: what a reader past one CSV would start from."""
    parquet = events.with_suffix(".parquet")
    pq.write_table(pcsv.read_csv(events), parquet)
    sizes = f"{events.stat().st_size / 1e6:,.0f} MB CSV, {parquet.stat().st_size / 1e6:,.0f} MB Parquet"
    print(f"the largest log read whole: {sizes} ...", flush=True)
    series = rounds(
        {
            "pandas": child(python(PANDAS_READ, str(events))),
            "duckdb": child(python(DUCKDB_READ, str(events))),
            "parquet": child(python(PARQUET_READ, str(parquet))),
        },
        runs,
        1,
    )
    table = Table(
        f"The largest log read whole ({events.stat().st_size / 1e6:,.0f} MB CSV)",
        ["reader", "time (median, min-max)", "peak memory", "ratio to pandas"],
    )
    for name, label in (
        ("pandas", "`pandas.read_csv`"),
        ("duckdb", "DuckDB `read_csv` into a table"),
        ("parquet", "`pyarrow.parquet.read_table`"),
    ):
        table.add(
            label, series[name].time_text(), series[name].peak_text(), Ratio.of(series[name].seconds, series["pandas"].seconds).text()
        )
    return table


def run(sizes: Sizes, with_curves: bool = True) -> list[Table]:
    table = Table(
        "Whole commands and their baselines, measured in the same run",
        ["measure", "time (median, min-max)", "baseline (median, min-max)", "ratio (of medians; per-round min-max)", "issue 16 target"],
    )
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        data = Data(Path(tmp))
        headline(data, sizes, table)
        tables = [table, *(curves(data, sizes) if with_curves else [])]
    for printed in tables:
        printed.print()
    return tables


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.commands", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: checks the harness, measures nothing")
    parser.add_argument("--scenarios", type=int, default=Sizes.scenarios)
    parser.add_argument("--events", type=int, default=Sizes.events)
    parser.add_argument("--runs", type=int, default=Sizes.runs, help="recorded rounds after the warm-up")
    parser.add_argument("--curve-events", type=int, nargs="+", default=Sizes.curve_events)
    parser.add_argument("--curve-scenarios", type=int, nargs="+", default=Sizes.curve_scenarios)
    parser.add_argument("--curve-runs", type=int, default=Sizes.curve_runs)
    parser.add_argument("--no-curves", action="store_true")
    args = parser.parse_args(argv)
    sizes = (
        QUICK
        if args.quick
        else Sizes(
            scenarios=args.scenarios,
            events=args.events,
            runs=args.runs,
            curve_events=args.curve_events,
            curve_scenarios=args.curve_scenarios,
            curve_runs=args.curve_runs,
        )
    )
    run(sizes, with_curves=not args.no_curves)


if __name__ == "__main__":
    main()
