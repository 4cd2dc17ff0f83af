"""Text rules shared by every layer: how values compare, how a source names its link, "did you mean", and how user text
is written into Markdown, HTML and spreadsheet downloads so that it reads as written and does nothing else.

One place for each, so the match index, the filters, the forms and the reports agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
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
    import pyarrow as pa  # here, not above: the scenario files' checks use this module and never need Arrow

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


def without_link(text: str) -> tuple[str, str | None]:
    """A note and its first link apart: 'Seen on TV <https://x> today' -> ('Seen on TV today', 'https://x')."""
    match = SOURCE_URL.search(text)
    if not match:
        return text.strip(), None
    rest = f"{text[: match.start()].rstrip(' -:')} {text[match.end() :].lstrip(' -:')}"
    return " ".join(rest.split()), match.group(1)


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


# Every ASCII punctuation character: CommonMark lets each be backslash-escaped, and only these start Markdown syntax
# (emphasis, links, images, code, HTML, entities, lists, headings, tables, math, Streamlit's :colour[...] directives).
_PUNCTUATION = re.compile(r"""[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]""")
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
# GFM turns bare URLs and e-mail addresses in the text into links after escapes are read (Streamlit's Markdown does), so
# no escape stops it: an invisible WORD JOINER right after `http:`/`https:`, inside `www.` and after `@` breaks the
# pattern while the text reads the same.
_AUTOLINK = re.compile(r"(?i)(?:(?<=https:)|(?<=http:)|(?<=www)(?=\.)|(?<=@))")
WORD_JOINER = "\u2060"


def _one_line(text: str) -> str:
    """Line breaks as spaces, and no space around: a value stays inside the sentence, table cell or emphasis it was put
    in (leading spaces would make an indented code block; trailing ones end a ``**bold**`` early)."""
    return _LINE_BREAK.sub(" ", text).strip()


def markdown_literal(text: str) -> str:
    """``text`` for Markdown (st.markdown, captions, alerts, labels, help): it reads exactly as written, on one line.

    A title, a note or a value from the URL can hold Markdown: an image that loads from someone's server on every view,
    a link dressed as the app's own, colour directives, HTML. Every ASCII punctuation character is backslash-escaped,
    so none of them starts any syntax, and bare URLs are kept from being linked (see ``_AUTOLINK``).
    """
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(), _AUTOLINK.sub(WORD_JOINER, _one_line(text)))


def markdown_code(text: str) -> str:
    """``text`` as inline code in Markdown: fenced by more backticks than it holds in a row, so it cannot end the span."""
    text = _one_line(text)
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # Markdown strips one space from each end of a span: padding keeps a leading or trailing backtick or space as written.
    padded = f" {text} " if text[0] in "` " or text[-1] in "` " else text
    return f"{fence}{padded}{fence}"


def html_literal(text: str) -> str:
    """``text`` as the content of an HTML element that Streamlit also reads as Markdown (``unsafe_allow_html``).

    ``html.escape`` alone is not enough there: between inline tags, or after a blank line ends an HTML block, Markdown
    applies, so every ASCII punctuation character is written as a character reference (read as text by both), line
    breaks become spaces and bare URLs are kept from being linked. A browser shows it exactly as written.
    """
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", _AUTOLINK.sub(WORD_JOINER, _one_line(text)))


def source_words(source: str, limit: int | None = None) -> str:
    """A source as a reader names it: 'Publisher: Title (example.org)'; without a URL, the citation as written.

    With ``limit``, the citation is cut to that many characters (with "…"); the site always shows."""
    citation, url = source_link(source)
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    if url is not None and citation == url:  # a bare URL: its site says enough
        return host or url
    if limit is not None and len(citation) > limit:
        citation = citation[: limit - 1].rstrip() + "…"
    return f"{citation} ({host})" if host else citation


# OWASP, CSV injection: a cell a spreadsheet would read as a formula (or that Excel would, after a tab or CR).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """A cell for a CSV or spreadsheet download: one a spreadsheet would run as a formula gets a leading ``'``.

    Downloads only: the event log itself keeps what was logged, character for character.
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def chat_literal(text: str) -> str:
    """``text`` for a chat webhook's ``text`` field (Slack; Teams reads the same): ``&``, ``<`` and ``>`` as the entities
    Slack asks for, so a title cannot mention ``<!channel>`` or make a link; the receiver shows it as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
