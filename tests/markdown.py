"""What a reader sees of the Markdown an AppTest element holds: the dashboard escapes user text in it (tracker.text),
so tests that look for words compare the text Markdown renders to, not its source."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

from tracker.text import WORD_JOINER

# CommonMark with raw HTML and GFM's tables and strikethrough: what st.markdown(..., unsafe_allow_html=True) reads.
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown(markdown: str) -> str:
    """The text ``markdown`` shows: rendered, tags dropped, entities read, the invisible word joiners left out."""
    text = _Text()
    text.feed(MARKDOWN.render(markdown))
    text.close()
    return "".join(text.parts).replace(WORD_JOINER, "").rstrip("\n")  # a paragraph ends with a line break
