"""Text rules shared by every layer: how values compare, how a source names its link, "did you mean".

One place for each, so the match index, the filters, the forms and the reports agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches

import pyarrow as pa

# The log's source column reads 'Publisher: Title <https://...>'; a bare URL is accepted too.
SOURCE_URL = re.compile(r"<?(https?://[^\s>]+)>?")


def fold(value: str) -> str:
    """The form values are compared in: trimmed and lower-cased ("EU" = "eu", "ΟΔΟΣ" = "οδος").

    The one rule for every comparison: the match index, the readers and every filter fold with it.
    Lower-casing, not Unicode case folding: "Straße" and "STRASSE" stay different values. (Arrow's
    ``utf8_lower``, which the index used to fold with, disagrees with it on the final sigma, "ΟΔΟΣ" ->
    "οδοσ", and on the dotted "İ".)
    """
    return value.strip().lower()


def folded(values: Iterable[str]) -> frozenset[str]:
    """The values, folded: compare two such sets to ask "do they share a value?"."""
    return frozenset(fold(v) for v in values)


def has_words(haystack: str, query: str) -> bool:
    """Does ``haystack`` contain every word of ``query`` (folded; an empty query matches)?"""
    text = fold(haystack)
    return all(word in text for word in fold(query).split())


def fold_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``fold`` over an Arrow string array (nulls stay null); each distinct value is folded once, so it stays fast."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = values.dictionary_encode()
    folded = pa.array([fold(v) for v in encoded.dictionary.to_pylist()], pa.string())
    result: pa.Array = folded.take(encoded.indices)
    return result


def source_link(source: str) -> tuple[str, str | None]:
    """'Publisher: Title <https://...>' -> ('Publisher: Title', 'https://...'); no URL -> (source, None)."""
    match = SOURCE_URL.search(source)
    if not match:
        return source.strip(), None
    return source[: match.start()].strip() or match.group(1), match.group(1)


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, or None when nothing is close."""
    close = get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean_hint(word: str, choices: Iterable[str], *, cutoff: float = 0.6, otherwise: str = "") -> str:
    """The end of an error message: "; did you mean 'x'?" for a misspelt ``word``, else ``otherwise``."""
    close = did_you_mean(word, choices, cutoff=cutoff)
    return f"; did you mean {close!r}?" if close else otherwise


EXCERPT_CHARS = 60


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """A user's value quoted in a message: escaped (control characters, quotes) and cut at ``limit`` characters.

    Messages reach every reader of the dashboard and CI logs: they quote no more of a file than locates the problem.
    """
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"
