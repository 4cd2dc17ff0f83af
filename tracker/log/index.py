"""Which events match a MATCH, fast enough for a million events and a thousand scenarios.

Events live in two time-ordered "rank spaces": timed events sorted by instant, and
date-only events sorted by day (their instant depends on each scenario's zone, so
they are searched by day). For every token of the actors, targets and tags columns
we keep one bitmap per space, built lazily. A MATCH is an AND over its keys of an
OR over each key's values, evaluated on the bitmaps a window at a time: finding the
first matching event after an instant touches only a few kilobytes.

Names go through the vocabulary (tracker.vocabulary) here, once for every reader: the
tokens of actors, targets and tags are keyed by their canonical names, and a MATCH's
value stands for its canonical name and, for a group, its members' too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker.scenario.model import Match
from tracker.text import fold, fold_array
from tracker.vocabulary import EMPTY, Vocabulary

SEPARATOR = ";"
DAY_NS = 86_400 * 1_000_000_000
_CHUNK_BYTES = 8192
_FIRST_CHUNK_BYTES = 32
# Lowest set bit of each byte value (bits are packed little-endian: bit j of byte i is rank 8i+j).
_LOWEST_BIT = np.array([(b & -b).bit_length() - 1 if b else 8 for b in range(256)], np.int64)
_KEYS = ("actors", "targets", "tags", "kind")
_NAMED = frozenset(_KEYS[:3])  # the columns of names, which the vocabulary spells and groups (kinds are a fixed list)


@dataclass
class Space:
    """One rank space: the rows in time order and their sort keys (ns or day numbers)."""

    rows: np.ndarray
    keys: np.ndarray
    # Scenarios ask for the same bounds at every as-of instant: remember the answers.
    _lower: dict[int, int] = field(default_factory=dict)
    _upper: dict[int, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.rows)

    def rank_range(self, lo_key: int, hi_key: int) -> tuple[int, int]:
        """Ranks [lo, hi) whose key lies in [lo_key, hi_key]."""
        lo = self._lower.get(lo_key)
        if lo is None:
            lo = self._lower[lo_key] = int(np.searchsorted(self.keys, lo_key, side="left"))
        hi = self._upper.get(hi_key)
        if hi is None:
            hi = self._upper[hi_key] = int(np.searchsorted(self.keys, hi_key, side="right"))
        return lo, hi


def _tokens(values: list[str]) -> tuple[str, ...]:
    """Values spelt as the index spells its tokens: both sides folded by tracker.text.fold."""
    return tuple(fold(v) for v in values)


def match_key(match: Match) -> tuple[tuple[str, ...], ...]:
    return (_tokens(match.actors), _tokens(match.targets), _tokens(match.tags), _tokens(list(match.kinds)), tuple(match.ids))


@dataclass
class EventIndex:
    columns: dict[str, pa.Array]
    when_ns: np.ndarray
    date_only: np.ndarray
    id_position: Callable[[str], int | None]
    vocabulary: Vocabulary = EMPTY
    _postings: dict[str, tuple[dict[str, tuple[int, int]], np.ndarray]] = field(default_factory=dict)
    _bitmaps: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _id_bitmaps: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _term_cache: dict[tuple[int, int], tuple[Match, list[list[np.ndarray]] | None]] = field(default_factory=dict)

    @cached_property
    def timed(self) -> Space:
        rows = np.flatnonzero(~self.date_only)
        rows = rows[np.argsort(self.when_ns[rows], kind="stable")]
        return Space(rows, self.when_ns[rows])

    @cached_property
    def dated(self) -> Space:
        rows = np.flatnonzero(self.date_only)
        days = np.floor_divide(self.when_ns[rows], DAY_NS)
        order = np.argsort(days, kind="stable")
        return Space(rows[order], days[order])

    @cached_property
    def _rank_of_row(self) -> np.ndarray:
        ranks = np.empty(len(self.when_ns), np.int64)
        ranks[self.timed.rows] = np.arange(self.timed.size)
        ranks[self.dated.rows] = np.arange(self.dated.size)
        return ranks

    def _posting_index(self, column: str) -> tuple[dict[str, tuple[int, int]], np.ndarray]:
        """token -> slice of a row array, for one multi-valued column."""
        if column not in self._postings:
            array = self.columns.get(column)
            if array is None or len(array) == 0:
                self._postings[column] = ({}, np.empty(0, np.int64))
                return self._postings[column]
            lists = pc.split_pattern(array, SEPARATOR)
            parents = pc.list_parent_indices(lists).to_numpy()
            tokens = fold_array(pc.list_flatten(lists))
            if column in _NAMED and self.vocabulary:
                tokens = self._canonical_tokens(tokens)
            encoded = pc.dictionary_encode(tokens)
            codes = encoded.indices.to_numpy(zero_copy_only=False)
            if len(encoded.dictionary) < 1 << 16:
                codes = codes.astype(np.uint16)  # numpy sorts 16-bit keys by radix: linear time
            order = np.argsort(codes, kind="stable")
            rows = parents[order].astype(np.int64)
            sorted_codes = codes[order]
            bounds = np.arange(len(encoded.dictionary))
            starts = np.searchsorted(sorted_codes, bounds, side="left")
            ends = np.searchsorted(sorted_codes, bounds, side="right")
            slices = {
                str(token): (int(s), int(e)) for token, s, e in zip(encoded.dictionary.to_pylist(), starts, ends, strict=True) if token
            }
            self._postings[column] = (slices, rows)
        return self._postings[column]

    def _canonical_tokens(self, tokens: pa.Array) -> pa.Array:
        """Folded tokens -> their folded canonical names (each distinct token looked up once)."""
        encoded = tokens.dictionary_encode()
        names = pa.array([self.vocabulary.canonical_folded(t) for t in encoded.dictionary.to_pylist()], pa.string())
        result: pa.Array = names.take(encoded.indices)
        return result

    def _pack(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bitmaps (timed, dated) with a bit set at the rank of each row."""
        is_date = self.date_only[rows]
        ranks = self._rank_of_row[rows]
        result = []
        for space, in_space in ((self.timed, ~is_date), (self.dated, is_date)):
            bits = np.zeros(space.size, bool)
            bits[ranks[in_space]] = True
            result.append(np.packbits(bits, bitorder="little"))
        return result[0], result[1]

    def _token_bitmaps(self, column: str, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        key = (column, token)
        if key not in self._bitmaps:
            slices, rows = self._posting_index(column)
            if token not in slices:
                return None
            self._bitmaps[key] = self._pack(rows[slice(*slices[token])])
        return self._bitmaps[key]

    def _ids_bitmaps(self, ids: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        if ids not in self._id_bitmaps:
            rows = np.array(sorted({p for i in ids if (p := self.id_position(i)) is not None}), np.int64)
            self._id_bitmaps[ids] = self._pack(rows)
        return self._id_bitmaps[ids]

    def _terms(self, match: Match, which: int) -> list[list[np.ndarray]] | None:
        """Per key, the bitmaps (of space ``which``) of its values; None when a key matches nothing."""
        cached = self._term_cache.get((id(match), which))
        if cached is not None and cached[0] is match:  # the match is kept alive with its entry
            return cached[1]
        terms = self._build_terms(match, which)
        self._term_cache[(id(match), which)] = (match, terms)
        return terms

    def _build_terms(self, match: Match, which: int) -> list[list[np.ndarray]] | None:
        actors, targets, tags, kinds, ids = match_key(match)
        terms: list[list[np.ndarray]] = []
        for column, values in zip(_KEYS, (actors, targets, tags, kinds), strict=True):
            if not values:
                continue
            names = frozenset().union(*(self.vocabulary.expand(v) for v in values)) if column in _NAMED else values
            found = [bm[which] for v in sorted(names) if (bm := self._token_bitmaps(column, v)) is not None]
            if not found:
                return None
            terms.append(found)
        if ids:
            terms.append([self._ids_bitmaps(ids)[which]])
        return terms

    @staticmethod
    def _combine(terms: list[list[np.ndarray]], start: int, stop: int) -> np.ndarray:
        result: np.ndarray | None = None
        for values in terms:
            union = values[0][start:stop]
            for other in values[1:]:
                union = union | other[start:stop]
            result = union if result is None else result & union
        assert result is not None
        return result

    def first(self, match: Match, space_name: str, lo_rank: int, hi_rank: int) -> int | None:
        """The lowest rank in [lo_rank, hi_rank) of space ``space_name`` whose event matches."""
        if lo_rank >= hi_rank:
            return None
        which = 0 if space_name == "timed" else 1
        terms = self._terms(match, which)
        if terms is None:
            return None
        first_byte, last_byte = lo_rank // 8, (hi_rank - 1) // 8
        start, size = first_byte, _FIRST_CHUNK_BYTES
        while start <= last_byte:
            # Matches are usually near the start of the window: look there first, then widen.
            stop = min(start + size, last_byte + 1)
            combined = self._combine(terms, start, stop)
            if start == first_byte:
                combined = combined.copy()  # it may be a view of a token's bitmap
                combined[0] &= np.uint8((0xFF << (lo_rank % 8)) & 0xFF)
            nonzero = np.flatnonzero(combined)
            if nonzero.size:
                byte = int(nonzero[0])
                rank = (start + byte) * 8 + int(_LOWEST_BIT[combined[byte]])
                return rank if rank < hi_rank else None
            start, size = stop, min(size * 4, _CHUNK_BYTES)
        return None

    def space(self, name: str) -> Space:
        return self.timed if name == "timed" else self.dated

    def all_rows(self, match: Match) -> np.ndarray:
        """Every matching row, in time order (date-only events at midnight UTC)."""
        found = []
        for which, space in ((0, self.timed), (1, self.dated)):
            terms = self._terms(match, which)
            if terms is None or space.size == 0:
                continue
            bits = np.unpackbits(self._combine(terms, 0, (space.size + 7) // 8), bitorder="little", count=space.size)
            found.append(space.rows[np.flatnonzero(bits)])
        if not found:
            return np.empty(0, np.int64)
        rows = np.concatenate(found)
        return rows[np.argsort(self.when_ns[rows], kind="stable")]
