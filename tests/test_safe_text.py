"""User text reads as text: the escaping rules of tracker.text, and CSV downloads that run no formula."""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser

import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tracker.report.tables import download_csv
from tracker.text import (
    FORMULA_PREFIXES,
    WORD_JOINER,
    html_literal,
    markdown_code,
    markdown_literal,
    source_words,
    spreadsheet_cell,
)

HOSTILE = (
    '![x](https://evil.example/pixel.png) <a href="https://evil.example">x</a> [click](https://evil.example/login) `code` '
    ":red[alarm] :material/warning: $x^2$ **bold** www.evil.example me@evil.example"
)
# CommonMark with GFM's tables and strikethrough, raw HTML on: what st.markdown(..., unsafe_allow_html=True) reads.
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# GFM's bare-URL and e-mail links, which Streamlit's Markdown applies to text after escapes are read (remark-gfm's
# mdast-util-gfm-autolink-literal; the same two patterns are in Streamlit's frontend bundle).
GFM_BARE_LINKS = (re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE), re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"))
# Anything but NUL (CommonMark replaces it) and lone surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
ONE_LINE = st.text(st.characters(exclude_categories=("Cs", "Zl", "Zp", "Cc")))
LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")


def _as_written(text: str) -> str:
    """What a reader should see: the text on one line, without surrounding space (a word joiner is invisible, and the
    escaping adds its own: the comparisons leave them all out)."""
    return LINE_BREAK.sub(" ", text).strip().replace(WORD_JOINER, "")


def _inline_tokens(markdown: str) -> list[object]:
    """The inline tokens of ``markdown``, which must be one paragraph (or nothing)."""
    blocks = MARKDOWN.parse(markdown)
    assert [b.type for b in blocks] in ([], ["paragraph_open", "inline", "paragraph_close"]), [b.type for b in blocks]
    return list(blocks[1].children or []) if blocks else []


def _shown_text(tokens: list[object]) -> str:
    """The text a browser shows (the word joiners that keep bare URLs from being linked are invisible)."""
    return "".join(t.content for t in tokens)  # type: ignore[attr-defined]


def _visible(text: str) -> str:
    return text.replace(WORD_JOINER, "")


def _no_bare_links(shown: str) -> None:
    for pattern in GFM_BARE_LINKS:
        assert not pattern.search(shown), shown


@given(TEXT)
@example(HOSTILE)
@example("    indented\n\n# heading\n- item\n1. one\n> quote\n| a | b |\n|---|---|\n<div>\n\n![x](y)</div>")
@example("&amp; &#60; \\*not\\* \\")
def test_markdown_literal_reads_as_written_and_makes_no_link_image_html_or_directive(text: str) -> None:
    escaped = markdown_literal(text)
    tokens = _inline_tokens(escaped)
    assert {t.type for t in tokens} <= {"text"}  # type: ignore[attr-defined]
    shown = _shown_text(tokens)
    assert _visible(shown) == _as_written(text)
    _no_bare_links(shown)
    # Streamlit's own syntax, read before CommonMark: :colour[...] and :material/icon: directives, $math$.
    assert not re.search(r"(?<!\\):|(?<!\\)\$|:material/", escaped)


@given(TEXT)
@example(HOSTILE)
@example("a\n\n![x](https://evil.example/p.png)")
@example("\u2060")
@example(" \u2060 a\u2060")
def test_html_literal_reads_as_written_in_html_and_in_markdown(text: str) -> None:
    escaped = html_literal(text)
    # In Markdown (between inline tags, or after a blank line ends an HTML block): text only.
    tokens = _inline_tokens(escaped)
    assert {t.type for t in tokens} <= {"text"}  # type: ignore[attr-defined]
    shown = _shown_text(tokens)
    assert _visible(shown) == _as_written(text)
    _no_bare_links(shown)
    assert ":" not in escaped and "$" not in escaped
    # In HTML: no tag, and the text as written.
    parser = _Collect()
    parser.feed(f"<p>{escaped}</p>")
    parser.close()
    assert parser.tags == ["p"]
    assert "".join(parser.data).replace(WORD_JOINER, "") == _as_written(text)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


@given(ONE_LINE.filter(lambda t: t.strip()))
@example("ab`` `c")
@example("`edge`")
@example("x:material/home:y")
def test_markdown_code_is_one_code_span_holding_the_text(text: str) -> None:
    tokens = _inline_tokens(f"id {markdown_code(text)}.")
    assert [t.type for t in tokens] == ["text", "code_inline", "text"]  # type: ignore[attr-defined]
    assert tokens[1].content == text.strip()  # type: ignore[attr-defined]


def test_the_hostile_title_keeps_its_words() -> None:
    shown = _visible(_shown_text(_inline_tokens(markdown_literal(HOSTILE))))
    assert shown == HOSTILE
    assert "\\" not in shown  # no stray backslash shows


@given(st.lists(st.lists(TEXT, min_size=2, max_size=2), max_size=5))
@example([['=HYPERLINK("https://evil.example","x")', "+1"], ["-2+3", "@SUM(A1)"], ["\tcmd", "\r=1"], ["plain", "'quoted"]])
def test_no_downloaded_cell_starts_a_formula(rows: list[list[str]]) -> None:
    data = download_csv(pd.DataFrame(rows, columns=["a", "b"]))
    read = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert read[0] == ["a", "b"]
    assert len(read) == len(rows) + 1
    for written, original in zip(read[1:], rows, strict=True):
        for cell, value in zip(written, original, strict=True):
            assert not cell.startswith(FORMULA_PREFIXES)
            assert cell == ("'" + value if value.startswith(FORMULA_PREFIXES) else value)


def test_a_download_quotes_every_cell() -> None:
    data = download_csv(pd.DataFrame([["=1+1", "plain", None]], columns=["title", "notes", "kind"])).decode("utf-8")
    assert data == '"title","notes","kind"\r\n"\'=1+1","plain",""\r\n'


def test_spreadsheet_cell_leaves_ordinary_values_alone() -> None:
    assert spreadsheet_cell("2022-02-22") == "2022-02-22"
    assert spreadsheet_cell("EU; US") == "EU; US"
    assert spreadsheet_cell("-5% on imports") == "'-5% on imports"


def test_a_source_reads_as_publisher_title_and_site() -> None:
    assert source_words("Reuters: EU agrees <https://www.reuters.com/world/x>") == "Reuters: EU agrees (reuters.com)"
    assert source_words("https://example.org/a") == "example.org"
    assert source_words("A press release") == "A press release"
    assert source_words("Wire: " + "word " * 30 + "<https://a.example/>", limit=20) == "Wire: word word wor… (a.example)"


def test_html_literal_is_plain_html_escape_to_a_browser() -> None:
    assert html.unescape(html_literal("Tom & Jerry <b>")) == "Tom & Jerry <b>"
