"""Text rules shared by every layer: how values compare, how a source names its link, "did you mean".

One place for each, so the match index, the filters, the forms and the reports agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches

# The log's source column reads 'Publisher: Title <https://...>'; a bare URL is accepted too.
SOURCE_URL = re.compile(r"<?(https?://[^\s>]+)>?")


def fold(value: str) -> str:
    """The form values are compared in: trimmed and case-folded ("EU" = "eu", "Straße" = "STRASSE")."""
    return value.strip().casefold()


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
