"""The event index against a brute-force matcher, on a log big enough for every scan path.

The index packs one bitmap per token and rank space and scans a window in chunks that
grow from 32 bytes to 8192 bytes (8 ranks a byte). The log here has about 165,000
date-only and 55,000 timed events, so windows cross the 32-byte first chunk, every
growth step and two capped 8192-byte chunks; tokens are planted at the ranks where
those chunks meet, and hypothesis aims window edges at them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.engine.status import first_match
from tracker.log.events import COLUMNS, EventLog
from tracker.log.index import DAY_NS, EventIndex
from tracker.log.reader import load_events
from tracker.scenario.model import Match
from tracker.timeutil import day_number, from_day_number, start_of_day, to_ns, zone

N_EVENTS = 220_000
DATE_ONLY_SHARE = 0.75
FIRST_DAY = dt.date(2000, 1, 1)
DAYS = 3000
COMMON_TAGS = [f"c{i}" for i in range(8)]
ACTORS = [f"a{i}" for i in range(5)]
TARGETS = [f"t{i}" for i in range(3)]


def _chunk_edges() -> list[int]:
    """Ranks where the scan of a window starting at rank 0 moves from one chunk to the next."""
    edges, start, size = [], 0, 32
    while start * 8 < N_EVENTS:
        start += size
        edges.append(start * 8)
        size = min(size * 4, 8192)
    return edges


EDGES = _chunk_edges()
# Window edges worth aiming at: byte boundaries, chunk boundaries and their neighbours.
INTERESTING = sorted({max(r + d, 0) for r in [0, 8, 256, *EDGES] for d in (-9, -8, -1, 0, 1, 7, 8)})


@dataclass
class World:
    log: EventLog
    tokens: dict[tuple[str, str], np.ndarray]  # (column, lower-case token) -> bool per row, computed in Python
    ids: list[str]
    ns: np.ndarray
    days: np.ndarray
    date_only: np.ndarray

    @property
    def index(self) -> EventIndex:
        return self.log.index

    @cached_property
    def expected_order(self) -> dict[str, np.ndarray]:
        """Rows of each rank space in time order, ties in file order."""
        rows = np.arange(len(self.ids))
        timed, dated = rows[~self.date_only], rows[self.date_only]
        return {
            "timed": timed[np.lexsort((timed, self.ns[timed]))],
            "dated": dated[np.lexsort((dated, self.days[dated]))],
        }

    def reference(self, match: Match) -> np.ndarray:
        """Which rows match, by the contract: every given key shares a value (case-insensitively)."""
        result = np.ones(len(self.ids), bool)
        for column, values in (("actors", match.actors), ("targets", match.targets), ("tags", match.tags)):
            if values:
                any_value = np.zeros(len(self.ids), bool)
                for value in values:
                    any_value |= self.tokens.get((column, value.strip().lower()), np.zeros(len(self.ids), bool))
                result &= any_value
        if match.ids:
            wanted = set(match.ids)
            result &= np.array([i in wanted for i in self.ids])
        return result


def _cells(rng: np.random.Generator, vocab: list[str], n: int, low: int, high: int) -> list[list[str]]:
    counts = rng.integers(low, high + 1, size=n)
    picks = rng.integers(0, len(vocab), size=(n, high))
    return [[vocab[p] for p in picks[i, : counts[i]]] for i in range(n)]


def _plant(cells: list[list[str]], rows: Iterable[int], token: str) -> None:
    for row in rows:
        cells[int(row)].append(token)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    rng = np.random.default_rng(20211225)
    n = N_EVENTS
    date_only = rng.random(n) < DATE_ONLY_SHARE
    days = rng.integers(0, DAYS, size=n) + day_number(FIRST_DAY)  # about 50 date-only events a day: many ties
    seconds = rng.integers(0, DAYS * 86400, size=n) + day_number(FIRST_DAY) * 86400
    seconds[rng.random(n) < 0.01] = seconds[0]  # some timed events at the very same instant
    ns = seconds.astype(np.int64) * 1_000_000_000
    days = np.where(date_only, days, seconds // 86400)

    tags = _cells(rng, COMMON_TAGS, n, 0, 3)
    actors = _cells(rng, ACTORS, n, 1, 2)
    targets = _cells(rng, TARGETS, n, 0, 1)
    _plant(tags, np.flatnonzero(rng.random(n) < 0.001), "sparse")
    # Tokens at the ranks where chunks meet, in each space, and one at the very last rank.
    rows = np.arange(n)
    timed_rows, dated_rows = rows[~date_only], rows[date_only]
    timed_order = timed_rows[np.lexsort((timed_rows, ns[timed_rows]))]
    dated_order = dated_rows[np.lexsort((dated_rows, days[dated_rows]))]
    for order in (timed_order, dated_order):
        _plant(tags, [order[r] for r in INTERESTING if r < len(order)], "edge")
        _plant(tags, [order[-1]], "deep")
        _plant(actors, [order[len(order) // 2]], "Middle")
    _plant(targets, timed_order[::5000], "timed-only")

    ids = [f"ev-{i:06d}" for i in range(n)]
    occurred = np.where(
        date_only,
        np.datetime_as_string(days.astype("datetime64[D]"), unit="D"),
        np.char.add(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"), "Z"),
    ).astype(object)
    # A quarter of the timed events are written in another offset: the same instants, spelt differently.
    india = np.flatnonzero(~date_only & (rng.random(n) < 0.25))
    shifted = (seconds[india] + 19800).astype("datetime64[s]")
    occurred[india] = np.char.add(np.datetime_as_string(shifted, unit="s"), "+05:30")

    def join(cells: list[list[str]], upper: bool) -> list[str]:
        return [";".join(v.upper() if upper and i % 3 == 0 else v for v in values) for i, values in enumerate(cells)]

    frame = pd.DataFrame(
        {
            "id": ids,
            "occurred": occurred,
            "title": "t",
            "actors": join(actors, upper=True),
            "targets": join(targets, upper=False),
            "tags": join(tags, upper=True),
            "source": "s",
            "notes": "",
        },
        columns=list(COLUMNS),
    )
    path = tmp_path_factory.mktemp("index") / "events.csv"
    frame.to_csv(path, index=False)
    log = load_events(path)
    assert log.problems == []
    assert len(log) == n

    tokens: dict[tuple[str, str], np.ndarray] = {}
    for column, cells in (("actors", actors), ("targets", targets), ("tags", tags)):
        for row, values in enumerate(cells):
            for value in values:
                key = (column, value.lower())
                if key not in tokens:
                    tokens[key] = np.zeros(n, bool)
                tokens[key][row] = True
    return World(log, tokens, ids, ns, days, date_only)


def test_the_log_is_big_enough_for_every_chunk_size(world: World) -> None:
    assert EDGES[:6] == [256, 1280, 5376, 21760, 87296, 152832]
    assert world.index.dated.size > EDGES[5]  # past chunks of 32, 128, 512, 2048, 8192 and 8192 bytes
    assert world.index.timed.size > EDGES[3]  # into the first capped chunk


def test_rank_spaces_are_in_time_order_with_ties_in_file_order(world: World) -> None:
    assert np.array_equal(world.index.timed.rows, world.expected_order["timed"])
    assert np.array_equal(world.index.dated.rows, world.expected_order["dated"])
    assert np.array_equal(world.index.timed.keys, world.ns[world.expected_order["timed"]])
    assert np.array_equal(world.index.dated.keys, world.days[world.expected_order["dated"]])


TOKEN_CHOICES = {
    "tags": [*COMMON_TAGS, "sparse", "edge", "deep", "EDGE", " Sparse ", "unknown"],
    "actors": [*ACTORS, "A1", "middle", "nobody"],
    "targets": [*TARGETS, "timed-only", "T2"],
}


@st.composite
def matches(draw: st.DrawFn) -> Match:
    keys: dict[str, list[str]] = {}
    for key, choices in TOKEN_CHOICES.items():
        if draw(st.integers(0, 2)) == 0:
            keys[key] = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 5)) == 0:
        keys["ids"] = [f"ev-{i:06d}" for i in draw(st.lists(st.integers(0, N_EVENTS + 5), min_size=1, max_size=4))]
    if not keys:
        keys["tags"] = [draw(st.sampled_from(TOKEN_CHOICES["tags"]))]
    return Match.model_validate(keys)


def _rank(draw: st.DrawFn, size: int) -> int:
    return min(draw(st.sampled_from(INTERESTING) | st.integers(0, size) | st.just(size)), size)


@settings(max_examples=150, deadline=None)
@given(match=matches(), data=st.data())
def test_first_agrees_with_brute_force(world: World, match: Match, data: st.DataObject) -> None:
    reference = world.reference(match)
    for name in ("timed", "dated"):
        space = world.index.space(name)
        lo = _rank(data.draw, space.size)
        hi = data.draw(st.sampled_from([space.size, lo, lo + 1, lo + 8]) | st.integers(lo, space.size))
        hi = min(hi, space.size)
        hits = np.flatnonzero(reference[space.rows[lo:hi]])
        expected = lo + int(hits[0]) if hits.size else None
        assert world.index.first(match, name, lo, hi) == expected, (name, lo, hi)


@settings(max_examples=60, deadline=None)
@given(match=matches())
def test_all_rows_agrees_with_brute_force(world: World, match: Match) -> None:
    rows = world.log.matching(match)
    assert sorted(rows.tolist()) == np.flatnonzero(world.reference(match)).tolist()
    when = world.log.when_ns[rows]
    assert bool(np.all(when[1:] >= when[:-1]))


@pytest.mark.parametrize("token", ["edge", "deep", "sparse"])
def test_planted_tokens_are_found_from_every_window_start(world: World, token: str) -> None:
    match = Match(tags=[token])
    reference = world.reference(match)
    for name in ("timed", "dated"):
        space = world.index.space(name)
        in_space = reference[space.rows]
        starts = [r for r in INTERESTING if r <= space.size] + [space.size - 1]
        for lo in starts:
            following = np.flatnonzero(in_space[lo:])
            expected = lo + int(following[0]) if following.size else None
            assert world.index.first(match, name, lo, space.size) == expected, (name, lo)


def _boundaries(lo_rank: int, size: int) -> list[int]:
    """Ranks where a scan of a window starting at ``lo_rank`` moves to its next chunk."""
    edges, start, chunk = [], lo_rank // 8, 32
    while start * 8 < size:
        start += chunk
        edges.append(start * 8)
        chunk = min(chunk * 4, 8192)
    return edges


WINDOW_STARTS = [0, 1, 7, 8, 9, 100, 255, 256, 4095, 5000, 33333]


@pytest.mark.parametrize("name", ["timed", "dated"])
def test_a_single_event_is_found_at_every_chunk_boundary(world: World, name: str) -> None:
    # An `ids` match sets exactly one bit: the scan must find it wherever the chunks of a window meet.
    space = world.index.space(name)
    checked = 0
    for lo in WINDOW_STARTS:
        for edge in _boundaries(lo, space.size):
            for rank in (edge - 9, edge - 1, edge, edge + 1, edge + 7, edge + 8):
                if not lo <= rank < space.size:
                    continue
                match = Match(ids=[world.ids[int(space.rows[rank])]])
                assert world.index.first(match, name, lo, space.size) == rank, (lo, rank)
                assert world.index.first(match, name, lo, rank + 1) == rank, (lo, rank)
                assert world.index.first(match, name, lo, rank) is None, (lo, rank)
                checked += 1
    assert checked > 200


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(["timed", "dated"]), lo=st.integers(0, 120_000), data=st.data())
def test_the_first_of_a_few_events_is_found_across_chunks(world: World, name: str, lo: int, data: st.DataObject) -> None:
    step, shift = data.draw(st.integers(0, 8)), data.draw(st.integers(-9, 9))
    space = world.index.space(name)
    lo = min(lo, space.size - 1)
    edges = _boundaries(lo, space.size)
    rank = min(max(edges[min(step, len(edges) - 1)] + shift, lo), space.size - 1)
    later = data.draw(st.lists(st.integers(rank, space.size - 1), max_size=3))
    earlier = data.draw(st.lists(st.integers(0, max(lo - 1, 0)), max_size=2)) if lo else []
    ids = [world.ids[int(space.rows[r])] for r in [rank, *later, *earlier]]
    assert world.index.first(Match(ids=ids), name, lo, space.size) == rank


def test_the_same_match_object_answers_many_windows(world: World) -> None:
    # The index caches a match's bitmaps by object; asking again must not reuse another window's answer.
    match = Match(tags=["edge"], actors=ACTORS)
    reference = world.reference(match)[world.index.dated.rows]
    for lo in INTERESTING[::3]:
        hits = np.flatnonzero(reference[lo:])
        assert world.index.first(match, "dated", lo, world.index.dated.size) == (lo + int(hits[0]) if hits.size else None)
    fresh = Match(tags=["edge"], actors=ACTORS)
    assert world.index.first(fresh, "dated", 0, world.index.dated.size) == world.index.first(match, "dated", 0, world.index.dated.size)


@settings(max_examples=100, deadline=None)
@given(
    match=matches(),
    start=st.integers(0, DAYS),
    length=st.integers(0, 400),
    tz_name=st.sampled_from(["UTC", "Europe/Brussels", "America/Los_Angeles", "Asia/Tokyo"]),
)
def test_first_match_agrees_with_brute_force(world: World, match: Match, start: int, length: int, tz_name: str) -> None:
    tz = zone(tz_name)
    first_day = from_day_number(day_number(FIRST_DAY) + start)
    last_day = first_day + dt.timedelta(days=length)
    start_ns = to_ns(start_of_day(first_day, tz))
    end_ns = to_ns(start_of_day(last_day + dt.timedelta(days=1), tz)) - 1
    hit = first_match(
        world.log, match, start_ns=start_ns, end_ns=end_ns, start_day=day_number(first_day), end_day=day_number(last_day), tz=tz
    )
    # Brute force: timed events in [start_ns, end_ns], date-only ones on [first_day, last_day], each standing
    # at its instant (date-only: the start of its day in the zone); the earliest wins, ties by file order.
    reference = world.reference(match)
    day_start_ns = {d: to_ns(start_of_day(from_day_number(d), tz)) for d in range(day_number(first_day), day_number(last_day) + 1)}
    timed = np.flatnonzero(reference & ~world.date_only & (world.ns >= start_ns) & (world.ns <= end_ns))
    dated = np.flatnonzero(reference & world.date_only & (world.days >= day_number(first_day)) & (world.days <= day_number(last_day)))
    candidates = [(int(world.ns[r]), int(r)) for r in timed] + [(day_start_ns[int(world.days[r])], int(r)) for r in dated]
    if not candidates:
        assert hit is None
        return
    at_ns, row = min(candidates)
    assert hit is not None
    assert (hit.position, hit.event_id, to_ns(hit.at), hit.date_only) == (row, world.ids[row], at_ns, bool(world.date_only[row]))


def test_rank_range_agrees_with_counting(world: World) -> None:
    keys = world.index.dated.keys
    for lo_key, hi_key in [(keys[0], keys[-1]), (keys[0] - 5, keys[0] - 1), (keys[100], keys[100]), (keys[-1] + 1, keys[-1] + 9)]:
        lo, hi = world.index.dated.rank_range(int(lo_key), int(hi_key))
        assert (lo, hi) == (int(np.sum(keys < lo_key)), int(np.sum(keys <= hi_key)))


def test_day_numbers_of_date_only_events(world: World) -> None:
    dated = world.index.dated
    assert np.array_equal(world.log.when_ns[dated.rows] // DAY_NS, dated.keys)


def test_empty_log_index(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    log = load_events(path)
    assert log.index.first(Match(tags=["x"]), "timed", 0, 0) is None
    assert log.matching(Match(tags=["x"])).tolist() == []
    assert first_match(log, Match(tags=["x"]), start_ns=0, end_ns=10**18, start_day=0, end_day=10**5, tz=zone("UTC")) is None
