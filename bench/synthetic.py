"""Synthetic scenarios and events at scale, for benchmarks and scale tests (never for the demo)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from tracker.log.events import COLUMNS

ZONES = ["UTC", "Europe/Brussels", "Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Kyiv"]
START = dt.date(2020, 1, 1)
SPAN_DAYS = 5 * 365


def _vocab(prefix: str, size: int) -> np.ndarray:
    return np.array([f"{prefix}{i:03d}" for i in range(size)], dtype=object)


ACTORS, TARGETS, TAGS = _vocab("actor", 40), _vocab("target", 30), _vocab("tag", 150)


def _cells(rng: np.random.Generator, vocab: np.ndarray, n: int, most: int, allow_empty: bool) -> np.ndarray:
    """n cells of 1..most (or 0..most) distinct values joined with ';'."""
    counts = rng.integers(0 if allow_empty else 1, most + 1, size=n)
    picks = rng.integers(0, len(vocab), size=(n, most))
    cells = np.empty(n, dtype=object)
    for k in range(most + 1):
        rows = counts == k
        if k == 0:
            cells[rows] = ""
            continue
        joined = vocab[picks[rows, 0]]
        for j in range(1, k):
            joined = joined + ";" + vocab[picks[rows, j]]
        cells[rows] = joined
    return cells


def write_events(path: Path, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    day = rng.integers(0, SPAN_DAYS, size=n)
    dates = np.datetime64(START.isoformat()) + day.astype("timedelta64[D]")
    occurred = np.datetime_as_string(dates, unit="D").astype(object)
    timed = rng.random(n) < 0.2
    seconds = rng.integers(0, 86400, size=int(timed.sum()))
    stamps = (dates[timed].astype("datetime64[s]") + seconds.astype("timedelta64[s]")).astype("datetime64[s]")
    occurred[timed] = np.char.add(np.datetime_as_string(stamps, unit="s").astype(str), "Z").astype(object)
    columns = {
        "id": np.char.add("e", np.arange(n).astype(str)).astype(object),
        "occurred": occurred,
        "title": np.char.add("Synthetic event ", np.arange(n).astype(str)).astype(object),
        "actors": _cells(rng, ACTORS, n, 2, False),
        "targets": _cells(rng, TARGETS, n, 1, True),
        "tags": _cells(rng, TAGS, n, 3, False),
        "source": np.full(n, "Synthetic generator", dtype=object),
        "notes": np.full(n, "", dtype=object),
    }
    table = pa.table({name: pa.array(columns[name], pa.string()) for name in COLUMNS})
    pcsv.write_csv(table, path)


def write_scenarios(folder: Path, n: int, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        opened = START + dt.timedelta(days=int(rng.integers(0, SPAN_DAYS - 400)))
        deadline = opened + dt.timedelta(days=int(rng.integers(30, 365)))
        kind = "when" if rng.random() < 0.5 else "unless"
        tags = ", ".join(TAGS[rng.choice(len(TAGS), size=2, replace=False)])
        actor = ACTORS[rng.integers(len(ACTORS))]
        response_tag = TAGS[rng.integers(len(TAGS))]
        sid = f"synthetic-{i:05d}"
        (folder / f"{sid}.yaml").write_text(
            f"""id: {sid}
title: Synthetic scenario {i}
actors: [{actor}]
opened: {opened.isoformat()}
deadline: {deadline.isoformat()}
timezone: {ZONES[i % len(ZONES)]}
warn_within: 14d
trigger:
  {kind}:
    actors: [{actor}]
    tags: [{tags}]
response:
  title: Synthetic response
  match:
    tags: [{response_tag}]
  within: 60d
  counts_from: {"trigger" if i % 2 else "opened"}
signposts:
  - title: Synthetic signpost
    direction: escalation
    match: {{tags: [{TAGS[rng.integers(len(TAGS))]}]}}
""",
            encoding="utf-8",
        )


def as_of_instants(count: int) -> list[dt.datetime]:
    """``count`` instants spread evenly over the synthetic period."""
    start = dt.datetime.combine(START, dt.time(12), tzinfo=dt.UTC)
    step = dt.timedelta(days=SPAN_DAYS) / max(count, 1)
    return [start + step * k for k in range(count)]
