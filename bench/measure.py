"""How every benchmark measures: contestants interleaved round by round, medians with their range, ratios with spread.

A round runs each contestant once, in an order that rotates from round to round, so drift on a shared machine
(another process waking up, the CPU clocking down) hits baseline and contender alike. Whole commands run as child
processes; their peak memory is the child's own maximum resident set, read from `wait4`.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TIME = "/usr/bin/time"  # GNU time (Debian package `time`): the peak memory of exactly one command


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float | None = None  # None when measured inside this process


@dataclass(frozen=True)
class Command:
    """A command line as a user types it; `env` is called before each run (e.g. for a fresh cache folder)."""

    argv: Sequence[str]
    env: Callable[[], Mapping[str, str]] = dict
    cwd: Path = ROOT


def run_child(command: Command) -> Sample:
    """Wall time and peak memory of one run of `command`, output discarded; a failing command stops the benchmark.

    The peak comes from /usr/bin/time, not from our own `wait4`: Linux counts a direct child's resident set from
    the fork on, so the child of a big process (pytest, this benchmark) would report at least that process's size.
    """
    with tempfile.TemporaryDirectory(prefix="run-") as tmp:
        peak, errors = Path(tmp) / "peak", Path(tmp) / "errors"
        start = time.perf_counter()
        with errors.open("wb") as error_file:
            returncode = subprocess.call(
                [TIME, "--format", "%M", "--output", str(peak), *command.argv],
                cwd=command.cwd,
                env={**os.environ, **command.env()},
                stdout=subprocess.DEVNULL,
                stderr=error_file,
            )
        seconds = time.perf_counter() - start
        if returncode != 0:
            raise RuntimeError(f"{' '.join(command.argv)} exited with {returncode}:\n{errors.read_text(errors='replace')}")
        return Sample(seconds, int(peak.read_text().split()[-1]) / 1024)  # kilobytes


def child(command: Command) -> Callable[[], Sample]:
    """A contestant for `rounds`: one run of `command` per call."""
    return partial(run_child, command)


def run_inside(action: Callable[[], object]) -> Sample:
    start = time.perf_counter()
    action()
    return Sample(time.perf_counter() - start)


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def peaks(self) -> list[float]:
        return [s.peak_mb for s in self.samples if s.peak_mb is not None]

    def time_text(self) -> str:
        return spread_text(self.seconds, "s", 2 if statistics.median(self.seconds) >= 0.1 else 3)

    def peak_text(self) -> str:
        return spread_text(self.peaks, "MB", 0)


def rounds(contestants: Mapping[str, Callable[[], Sample]], runs: int, warmups: int = 1) -> dict[str, Series]:
    """`warmups` unrecorded rounds, then `runs` recorded ones; contestant order rotates each round."""
    names = list(contestants)
    results = {name: Series() for name in names}
    for number in range(warmups + runs):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            sample = contestants[name]()
            if number >= warmups:
                results[name].samples.append(sample)
    return results


def spread_text(values: Sequence[float], unit: str, digits: int) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f} {unit} (1 run)"
    return f"{median:.{digits}f} {unit} ({min(values):.{digits}f}-{max(values):.{digits}f})"


@dataclass(frozen=True)
class Ratio:
    """Contender over baseline: the ratio of medians, and the range of the per-round ratios."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, contender: Sequence[float], baseline: Sequence[float]) -> Ratio:
        pairs = [a / b for a, b in zip(contender, baseline, strict=True)]
        return cls(statistics.median(contender) / statistics.median(baseline), min(pairs), max(pairs))

    def text(self) -> str:
        return f"{self.median:.2f}x ({self.low:.2f}-{self.high:.2f})"


def verdict(ratio: Ratio, target: float) -> str:
    """A target holds when the ratio of medians is within it; the spread says how sure that is."""
    met = "met" if ratio.median <= target else "**not met**"
    unsure = " (spread crosses it)" if ratio.low <= target < ratio.high else ""
    return f"<= {target:g}x: {met}{unsure}"


def growth(sizes: Sequence[int], seconds: Sequence[float]) -> list[str]:
    """The fitted exponent between neighbouring sizes: 1.0 is linear, below 1 a fixed cost still dominates."""
    points = pairwise(zip(sizes, seconds, strict=True))
    return [f"x{math.log(t2 / t1) / math.log(n2 / n1):.2f}" for (n1, t1), (n2, t2) in points]


class Table:
    """Rows printed aligned for a terminal, and again as Markdown for the README's Speed section."""

    def __init__(self, title: str, header: Sequence[str]) -> None:
        self.title, self.header = title, list(header)
        self.rows: list[list[str]] = []

    def add(self, *cells: str) -> None:
        self.rows.append(list(cells))

    def print(self) -> None:
        widths = [max(len(row[i]) for row in [self.header, *self.rows]) for i in range(len(self.header))]
        print(f"\n{self.title}")
        for row in [self.header, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        print(f"\nMarkdown ({self.title}):\n")
        print("| " + " | ".join(self.header) + " |")
        print("|" + " --- |" * len(self.header))
        for row in self.rows:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        sys.stdout.flush()
