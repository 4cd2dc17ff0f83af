"""Strict, safe YAML reading with the position of every value.

Scenario files are small, hand-written and reviewed in pull requests, so we
accept a deliberately small subset of YAML and say clearly what is not allowed:

* no object construction of any kind: the parser's events go straight into
  plain data, so no tag (``!!python/object``, ``!foo``) reaches a constructor;
* no anchors or aliases, which also makes "billion laughs" files fail at once;
* no duplicate keys;
* YAML 1.2 scalars instead of YAML 1.1 surprises: ``NO``, ``on``, ``yes`` stay
  strings; only ``true``/``false`` are booleans; ``1:20`` is not a number;
* caps on file size, nesting depth and the digits of a number.

libyaml's C parser reads the text (PyYAML's pure-Python parser stands in where
libyaml is missing); our composer turns its events into data and positions and
adds the checks of YAML those YAML 1.1 parsers skip (comment spacing, the
indentation of multi-line quoted and bracketed values, leading empty lines of
block text). YAML 1.2 that libyaml cannot read is refused as invalid YAML.

Deliberate differences from YAML 1.2, checked against the YAML test suite
(tests/test_yaml_suite.py):

* anchors, aliases, tags other than the non-specific ``!``, merge keys: refused
  (nothing in a scenario needs them, and tags could construct objects);
* mapping keys are the text as written (``1: a`` gives ``"1"``), as the scenario
  model reads names: so a key must be a scalar, an empty key (``: a``) is
  refused, and keys equal as text (``1``, ``"1"``) are duplicates;
* one document per file: a second one is refused; an empty file, an empty
  document and a file of comments all read as nothing;
* plain ISO dates and datetimes (``2021-12-25``) are dates, not text;
* integers of more than ``MAX_NUMBER_DIGITS`` digits are refused (quote them);
* directives other than ``%YAML 1.1``/``1.2`` and ``%TAG`` are refused, not
  ignored with a warning;
* plain text glued to a ``?`` in brackets (``[?x]``) is refused: libyaml reads
  a key where YAML reads the text ``?x``;
* control characters (C0, DEL, C1 including NEL U+0085), U+2028, U+2029 and a
  byte order mark after the start are refused: invisible in review, and YAML
  1.1 parsers read NEL, U+2028 and U+2029 as line breaks where YAML 1.2 reads text;
* a text not ending in a line break reads as if it did (as the test suite has it).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from tracker.text import EXCERPT_CHARS, excerpt

try:  # libyaml: the same events as the pure-Python parser, about thirty times faster
    from yaml._yaml import CParser as _LibyamlParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _LibyamlParser = None  # type: ignore[assignment,misc]

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 16
# Python refuses int() of more than 4,300 digits; no number in a scenario needs more than a few.
MAX_NUMBER_DIGITS = 100

Path = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Document:
    """Plain data plus where each value (and each mapping key) stands in the file.

    Only a problem needs a position, and most files have none: so the positions are found when first asked for, by
    composing the text again with them (recording them costs a quarter of a file's reading).
    """

    def __init__(
        self,
        data: Any,
        text: str,
        value_pos: dict[Path, tuple[int, int]] | None = None,
        key_pos: dict[Path, tuple[int, int]] | None = None,
    ) -> None:
        self.data = data
        self.text = text  # as composed: without a leading byte order mark, ending in a line break
        self._positions = None if value_pos is None or key_pos is None else (value_pos, key_pos)

    @property
    def value_pos(self) -> dict[Path, tuple[int, int]]:
        return self.positions()[0]

    @property
    def key_pos(self) -> dict[Path, tuple[int, int]]:
        return self.positions()[1]

    def positions(self) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]:
        """Where each value and each key stands (found by the parser of this process, when first asked for)."""
        if self._positions is None:
            located = _compose(self.text, positions=True)
            self._positions = (located.value_pos, located.key_pos)
        return self._positions

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return self.data == other.data and self.positions() == other.positions()

    __hash__ = None  # type: ignore[assignment]  # mutable, as its data

    def __repr__(self) -> str:
        return f"Document(data={self.data!r})"

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that exists in the file."""
        table = self.key_pos if key else self.value_pos
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.value_pos:
                return self.value_pos[probe]
            probe = probe[:-1]
        return self.value_pos.get((), (1, 1))


# --- characters -----------------------------------------------------------------------------
# YAML's printable characters less NEL (U+0085), U+2028 and U+2029, which YAML 1.1 parsers
# (libyaml, PyYAML) read as line breaks but YAML 1.2 reads as text, and less a BOM after the start.
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_CONTROL_NAMES = (
    *("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI"),
    *("DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"),
)
_C1_NAMES = (
    *("PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3"),
    *("DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGCI", "SCI", "CSI", "ST", "OSC", "PM", "APC"),
)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counting CRLF, LF and CR as YAML's line breaks."""
    before = text[:index]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    return line, index - max(before.rfind("\n"), before.rfind("\r"))


def _describe_character(char: str) -> str:
    code = ord(char)
    label = f"U+{code:04X}"
    if code < 0x20:
        hint = "; remove it (pasted terminal colours?)" if char == "\x1b" else "; remove it"
        return f"control character {label} ({_CONTROL_NAMES[code]}) is not allowed in a scenario file{hint}"
    if code == 0x7F:
        return f"control character {label} (DEL) is not allowed in a scenario file; remove it"
    if 0x80 <= code <= 0x9F:
        hint = "; remove it (pasted terminal colours?)" if char == "\x9b" else "; remove it"
        return f"control character {label} ({_C1_NAMES[code - 0x80]}) is not allowed in a scenario file{hint}"
    if char in "\u2028\u2029":
        name = "line separator" if char == "\u2028" else "paragraph separator"
        return f"{name} {label} is not allowed in a scenario file; use an ordinary line break"
    if char == "\ufeff":
        return f"byte order mark {label} is only allowed at the very start of a file; remove it"
    return f"character {label} is not allowed in a scenario file (not a valid Unicode character); remove it"


def _check_characters(text: str) -> None:
    found = _NOT_ALLOWED.search(text)
    if found:
        raise YamlError(_describe_character(found.group()), *_position(text, found.start()))


# --- scalars ----------------------------------------------------------------------------------
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"\s*(Z|z|[-+][0-9]{2}(:?[0-9]{2})?)?"
)
# Only text starting with one of these can be anything but a string: the common case stays cheap.
_RESOLVABLE_START = frozenset("0123456789+-.~nNtTfF")


def _plain_scalar(text: str, line: int, col: int) -> Any:
    """YAML 1.2 core schema, plus ISO dates and datetimes."""
    if text and text[0] not in _RESOLVABLE_START:
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        digits = text.lstrip("+-")
        if len(digits) > MAX_NUMBER_DIGITS + (2 if digits[:2] in ("0o", "0x") else 0):
            raise YamlError(
                f"a number of more than {MAX_NUMBER_DIGITS} digits; put it in quotes if it is text",
                line,
                col,
            )
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    if _FLOAT.fullmatch(text):
        # YAML spells infinity and NaN with a leading dot (.inf, -.Inf, .NaN); Python does not.
        return float(text.replace(".", "", 1)) if text.lstrip("+-").lower() in (".inf", ".nan") else float(text)
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise YamlError(f"{excerpt(text)} is not a real calendar date", line, col) from None
    if _DATETIME.fullmatch(text):
        cleaned = re.sub(r"\s+(?=[Zz+-][0-9:]*$)", "", text).replace("z", "Z")
        cleaned = re.sub(r"(?<=^.{10}.)([0-9]):", r"0\1:", cleaned)  # YAML allows a one-digit hour, Python does not
        try:
            return dt.datetime.fromisoformat(cleaned)
        except ValueError:
            raise YamlError(f"{excerpt(text)} is not a real date and time", line, col) from None
    return text


# --- parsers ----------------------------------------------------------------------------------
class _EventSource(Protocol):
    def get_event(self) -> Event | None: ...

    def peek_event(self) -> Event | None: ...

    def dispose(self) -> None: ...


class _PureParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python parser, allowing tabs between tokens where libyaml does."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)

    def scan_to_next_token(self) -> None:
        # PyYAML skips only spaces; libyaml also skips tabs in flow collections and after a
        # token that cannot start a key (`a: b<TAB>`), and the two paths should agree.
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() == " " or (self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n":
                    self.forward()
            if not self.scan_line_break():  # type: ignore[no-untyped-call]
                return
            if not self.flow_level:
                self.allow_simple_key = True


def _new_parser(text: str) -> _EventSource:
    if _LibyamlParser is not None:
        return _LibyamlParser(text)
    return _PureParser(text)


# --- composing --------------------------------------------------------------------------------
def _at(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _end(event: Any) -> int:
    return int(event.end_mark.index)


def as_written(text: str) -> str:
    """A name from a file (a key, an anchor, a tag) in a message: as written, or as an excerpt when it is long or holds
    what must be escaped (a key in quotes may hold any character; a tag's ``%07`` is decoded to a control character)."""
    return text if text.isprintable() and len(text) <= EXCERPT_CHARS else excerpt(text)


def _refuse_extras(event: Any) -> None:
    """Aliases, anchors and explicit tags: nothing in a scenario needs them."""
    if isinstance(event, AliasEvent):
        raise YamlError(f"aliases ({as_written(f'*{event.anchor}')}) are not allowed in scenario files; write the value out", *_at(event))
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise YamlError(f"anchors ({as_written('&' + anchor)}) are not allowed in scenario files; write the value out", *_at(event))
    tag = getattr(event, "tag", None)
    if tag is not None and tag != "!":
        raise YamlError(f"explicit tags ({as_written(tag)}) are not allowed in scenario files", *_at(event))


# A '#' right after something else: a comment needs a space before it, unless the '#' is text.
_GLUED_HASH = re.compile(r"(?<=[^ \t\r\n])#")
_COMMENT_START = re.compile(r"(?<![^ \t\r\n])#")
_CONTINUATION = re.compile(r"(?:\r\n|\r|\n)( *)")
_LINE_BREAK = re.compile(r"[\r\n]")
_DIRECTIVE = re.compile(r"^%([^\s#]*)[ \t]*([^\s#]*)", re.MULTILINE)
_LEADING_EMPTY_LINES = re.compile(r"((?: *(?:\r\n|\r|\n))*)( *)(?=[^ \r\n])")
_FLOW_KIND = {SequenceStartEvent: "[...] list", MappingStartEvent: "{...} mapping", ScalarEvent: "quoted text"}


class _Composer:
    """Plain data and positions straight from a parser's events, enforcing the strict subset.

    Events are libyaml's or PyYAML's (the same classes and attributes; typed ``Any`` as the
    stubs make every mark optional). The YAML rules both parsers skip are checked here: a
    comment needs a space before its '#'; further lines of a quoted or bracketed value in a
    block are indented more than the block; leading empty lines of block text are no wider
    than its first line; a plain '-' is not a value.
    """

    def __init__(self, parser: _EventSource, text: str, positions: bool) -> None:
        self.next: Callable[[], Any] = parser.get_event
        self.peek: Callable[[], Any] = parser.peek_event
        self.text = text
        # Without positions, paths and position tables are left out: the document finds them when asked (Document).
        self.positions = positions
        self.value_pos: dict[Path, tuple[int, int]] = {}
        self.key_pos: dict[Path, tuple[int, int]] = {}
        self.glued_hashes = [m.start() for m in _GLUED_HASH.finditer(text)]
        # Where scalars stand, to tell a '#' inside text from a glued comment; only when one is suspect.
        self.scalar_spans: list[tuple[int, int]] | None = [] if self.glued_hashes else None

    def document(self) -> Document:
        self.next()  # StreamStartEvent
        if isinstance(self.peek(), StreamEndEvent):
            self.check_comments()
            return self.result(None)  # no document at all: an empty file, or only comments
        self.check_directives(self.next())
        data = self.node(self.next(), (), 1, -1)
        self.next()  # DocumentEndEvent
        following = self.peek()
        if not isinstance(following, StreamEndEvent):
            marker = "a second '---'" if following.explicit else "more after '...'"
            raise YamlError(
                f"invalid YAML: a scenario file holds exactly one YAML document (found {marker})",
                *_at(following),
            )
        self.check_comments()
        return self.result(data)

    def result(self, data: Any) -> Document:
        if self.positions:
            return Document(data, self.text, self.value_pos, self.key_pos)
        return Document(data, self.text)

    def check_directives(self, start: Any) -> None:
        """%YAML 1.1 or 1.2 and %TAG only, as libyaml has it: PyYAML would ignore the others."""
        head = self.text[: start.end_mark.index]
        for directive in _DIRECTIVE.finditer(head):
            name, version = directive.group(1), directive.group(2)
            if name != "TAG" and not (name == "YAML" and version in ("1.1", "1.2")):
                raise _directive_error(self.text, _position(self.text, directive.start())[0])

    def node(self, event: Any, path: Path, depth: int, block_column: int | None) -> Any:
        """The value of ``event``; ``block_column``: that of the enclosing block collection, None in a flow one."""
        kind = type(event)
        if kind is AliasEvent or event.anchor is not None or event.tag not in (None, "!"):
            _refuse_extras(event)
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", *_at(event))
        if kind is ScalarEvent:
            value: str = event.value
            style = event.style  # '' for plain scalars from libyaml, None from PyYAML
            if style or self.scalar_spans is not None:
                self.scalar_checks(event, block_column)
            in_flow_plain = block_column is None and not style
            if in_flow_plain:
                self.flow_plain_checks(event)
            if self.positions:
                self.value_pos[path] = self.empty_value_position(event) if in_flow_plain and not value else _at(event)
            # Only an untagged plain scalar is resolved: quoted, block and `!`-tagged ones are text, and so is plain
            # text that cannot start anything else (most of a file, so tested here).
            if style or event.tag is not None or (value and value[0] not in _RESOLVABLE_START):
                return value
            return _plain_scalar(value, *_at(event))
        if self.positions:
            self.value_pos[path] = _at(event)
        if kind is SequenceStartEvent:
            inner = None if event.flow_style else event.start_mark.column
            items: list[Any] = []
            next_event = self.next
            node = self.node
            if self.positions:
                while type(item := next_event()) is not SequenceEndEvent:
                    items.append(node(item, (*path, len(items)), depth + 1, inner))
            else:
                while type(item := next_event()) is not SequenceEndEvent:
                    items.append(node(item, path, depth + 1, inner))
            if inner is None and block_column is not None:
                self.check_indentation(event, _end(item), block_column)
            return items
        if kind is MappingStartEvent:
            return self.mapping(event, path, depth, block_column)
        raise YamlError(f"unexpected YAML event {kind.__name__}", *_at(event))  # pragma: no cover - parsers emit only these

    def mapping(self, event: Any, path: Path, depth: int, block_column: int | None) -> dict[str, Any]:
        inner = None if event.flow_style else event.start_mark.column
        result: dict[str, Any] = {}
        next_event = self.next
        node = self.node
        positions = self.positions
        key_pos = self.key_pos
        while type(key_event := next_event()) is not MappingEndEvent:
            if type(key_event) is not ScalarEvent or key_event.anchor is not None or key_event.tag not in (None, "!"):
                _refuse_extras(key_event)
                if type(key_event) is not ScalarEvent:
                    raise YamlError("mapping keys must be text, not a list or a mapping", *_at(key_event))
            mark: Any = key_event.start_mark  # the stubs make every mark optional
            line, col = mark.line + 1, mark.column + 1
            style = key_event.style
            if style or self.scalar_spans is not None:
                self.scalar_checks(key_event, inner)
            if inner is None and not style:
                self.flow_plain_checks(key_event)
            key = key_event.value  # text as written, never resolved: the scenario model reads keys as names
            if not style and key_event.tag is None:
                if key == "<<":
                    raise YamlError("merge keys (<<) are not allowed in scenario files", line, col)
                if not key:
                    raise YamlError("a mapping key is missing (nothing before ':'); name the field", line, col)
            if key in result:
                if not positions:
                    raise _PositionsNeeded  # to say where the key was first given
                first_line, _ = key_pos[(*path, key)]
                raise YamlError(f"duplicate key {excerpt(key)} (first given on line {first_line})", line, col)
            if positions:
                key_path = (*path, key)
                key_pos[key_path] = (line, col)
                result[key] = node(next_event(), key_path, depth + 1, inner)
            else:
                result[key] = node(next_event(), path, depth + 1, inner)
        if inner is None and block_column is not None:
            self.check_indentation(event, _end(key_event), block_column)
        return result

    def empty_value_position(self, event: Any) -> tuple[int, int]:
        """Just after the ':' of an empty value in {...}, as PyYAML has it; libyaml gives the next token."""
        text = self.text
        index = event.start_mark.index
        colon = index - 1
        while colon >= 0 and text[colon] in " \t\r\n":
            colon -= 1
        if colon < 0 or text[colon] != ":":
            return _at(event)
        gap = text[colon + 1 : index]  # counted from the event's own mark: no scan from the top of a long file
        breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        if not breaks:
            return event.start_mark.line + 1, event.start_mark.column + 1 - len(gap)
        line_start = max(text.rfind("\n", 0, colon), text.rfind("\r", 0, colon)) + 1
        return event.start_mark.line + 1 - breaks, colon - line_start + 2

    def scalar_checks(self, event: Any, block_column: int | None) -> None:
        """Where a scalar stands (for glued comments), and the layout rules of quoted and block text."""
        style = event.style
        if self.scalar_spans is not None:
            start = event.start_mark.index
            if style in ("|", ">"):  # the text starts on the next line: `># comment` is a glued comment
                line_end = _LINE_BREAK.search(self.text, start)
                start = line_end.start() if line_end else start
            self.scalar_spans.append((start, event.end_mark.index))
        if block_column is None:
            return
        if style in ('"', "'"):
            self.check_indentation(event, event.end_mark.index, block_column)
        elif style in ("|", ">"):
            self.check_leading_empty_lines(event, block_column)

    def flow_plain_checks(self, event: Any) -> None:
        """Plain text inside [...] or {...} that libyaml and PyYAML read differently from YAML."""
        if event.value == "-":
            raise YamlError("a lone '-' is not a value; put it in quotes if you mean the text", *_at(event))
        start = event.start_mark.index
        if event.value and start and self.text[start - 1] == "?":
            # YAML reads `[?x]` as the text '?x'; libyaml and PyYAML read a key x.
            text = "?" + event.value
            raise YamlError(f"put {excerpt(text)} in quotes: parsers disagree on a '?' right before text", *_position(self.text, start - 1))

    def check_leading_empty_lines(self, event: Any, block_column: int) -> None:
        """Empty lines before the first line of a block text cannot have more spaces than that line."""
        text = self.text
        header_end = _LINE_BREAK.search(text, event.start_mark.index)
        if header_end is None or any(char.isdigit() for char in text[event.start_mark.index : header_end.start()]):
            return  # no text, or an explicit indentation (`|2`) that says where the text starts
        leading = _LEADING_EMPTY_LINES.match(text, header_end.end())
        if leading is None or not leading.group(1):
            return
        first = len(leading.group(2))
        widths = [len(line) for line in _LINE_BREAK.split(leading.group(1))]
        if first <= block_column or max(widths) <= first:
            return  # the first line ends the block text, or no empty line is wider
        line, _ = _position(text, header_end.end())
        raise YamlError(
            "invalid YAML: an empty line at the start of this block text has more spaces than its first line of text",
            line + next(i for i, width in enumerate(widths) if width > first),
            first + 1,
        )

    def check_indentation(self, event: Any, end: int, block_column: int) -> None:
        """Each further line of a flow value inside a block must be indented more than the block."""
        text = self.text
        start = event.start_mark.index
        if block_column < 0 or not _LINE_BREAK.search(text, start, end):
            return
        in_brackets = type(event) is not ScalarEvent
        for found in _CONTINUATION.finditer(text, start, end):
            spaces = len(found.group(1))
            line_end = _LINE_BREAK.search(text, found.end())
            rest = text[found.end() : line_end.start() if line_end else len(text)]
            if not rest.strip(" \t") or (in_brackets and rest.lstrip(" \t").startswith("#")):
                continue  # an empty line, or a comment line inside [...] or {...}
            if spaces > block_column:
                continue
            needed = block_column + 1
            tab = " (a tab does not count)" if rest.startswith("\t") else ""
            raise YamlError(
                f"invalid YAML: this line continues the {_FLOW_KIND[type(event)]} from line {_at(event)[0]}; "
                f"indent it by at least {needed} space{'s' if needed > 1 else ''}{tab}",
                _position(text, found.start(1))[0],
                spaces + 1,
            )

    def check_comments(self) -> None:
        """A '#' glued to what precedes it, outside any text and any comment, is a missing space."""
        if self.scalar_spans is None:
            return
        spans = self.scalar_spans
        starts = [start for start, _ in spans]

        def in_text(index: int) -> bool:
            at = bisect.bisect_right(starts, index) - 1
            return at >= 0 and index < spans[at][1]

        text = self.text
        comment_until = -1  # the end of the last line found to hold a comment: its '#'s are all fine
        for index in self.glued_hashes:
            if index < comment_until or in_text(index):
                continue
            line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
            if not any(not in_text(found.start()) for found in _COMMENT_START.finditer(text, line_start, index)):
                raise YamlError("invalid YAML: a comment needs a space before '#'", *_position(text, index))
            line_end = _LINE_BREAK.search(text, index)
            comment_until = line_end.start() if line_end else len(text)


# --- errors -----------------------------------------------------------------------------------
def _tab_indentation(text: str, line: int) -> int | None:
    """The column of a tab in the indentation of ``line`` (1-based), if there is one."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    content = lines[line - 1]
    indentation = content[: len(content) - len(content.lstrip(" \t"))]
    return indentation.index("\t") + 1 if "\t" in indentation else None


# A line that reaches a tab through block indicators only (`-<TAB>-`, `  ?<TAB>`): where libyaml stops.
_TAB_AFTER_INDICATOR = re.compile(r" *(?:[-?:] +)*([-?:]) *\t")


# What libyaml and PyYAML say where a ':' stands with nothing before it.
_NO_KEY_PROBLEMS = ("did not find expected key", "did not find expected node content", "expected <block end>", "expected the node content")


def _directive_error(text: str, line: int) -> YamlError:
    lines = text.splitlines()
    directive = lines[line - 1].split(" #", 1)[0].strip() if line <= len(lines) else "%"
    return YamlError(f"invalid YAML: unsupported directive {excerpt(directive)}; a scenario file needs no directives", line, 1)


def _after_document_end(text: str, line: int) -> bool:
    """Whether the last line before ``line`` that is not blank or a comment is a '...' marker."""
    for previous in reversed(text.splitlines()[: line - 1]):
        stripped = previous.strip()
        if stripped and not stripped.startswith("#"):
            return stripped == "..." or stripped.startswith("... ")
    return False


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> YamlError:
    """A parser's complaint as a located YamlError, said in the terms of the strict subset where it is one of its rules."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    index = mark.index if mark else 0
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    context_mark = exc.context_mark
    if context_mark is not None and context in ("while scanning an anchor", "while scanning an alias"):
        # An anchor name libyaml cannot read (`&😁`) is still an anchor.
        name = (text[context_mark.index : context_mark.index + 40].split(maxsplit=1) or ["&"])[0]
        what = "anchors" if context.endswith("anchor") else "aliases"
        message = f"{what} ({as_written(name)}) are not allowed in scenario files; write the value out"
        return YamlError(message, context_mark.line + 1, context_mark.column + 1)
    tab_col = _tab_indentation(text, line)
    if tab_col is not None:
        return YamlError("invalid YAML: a tab in the indentation of this line; indent with spaces, not tabs", line, tab_col)
    after_indicator = _TAB_AFTER_INDICATOR.fullmatch(text, index - col + 1, index + 1) if mark else None
    if after_indicator:
        indicator = after_indicator.group(1)
        return YamlError(f"invalid YAML: a tab after '{indicator}'; put spaces, not tabs, after '-', '?' and ':' in YAML", line, col)
    if text[index : index + 1] == "#" and index and not text[index - 1].isspace():
        return YamlError("invalid YAML: a comment needs a space before '#'", line, col)  # PyYAML's scanner stops there
    if problem.startswith(_NO_KEY_PROBLEMS) and re.match(r":(?:[ \t\r\n,\]}]|$)", text[index:]):
        return YamlError("a mapping key is missing (nothing before ':'); name the field", line, col)
    if problem.startswith("mapping values are not allowed"):
        problem = "mapping values are not allowed here; put the value in quotes if the ':' belongs to it"
        return YamlError(f"invalid YAML: {problem}", line, col)
    if "document start" in problem and _after_document_end(text, line):
        return YamlError("invalid YAML: a scenario file holds exactly one YAML document (found more after '...')", line, col)
    if problem in ("found unknown directive name", "found incompatible YAML document"):
        return _directive_error(text, line)
    if context and context_mark is not None and (context_mark.line, context_mark.column) != (line - 1, col - 1):
        problem += f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    return YamlError(f"invalid YAML: {problem}", line, col)


def parse_yaml(text: str) -> Document:
    """Parse one YAML document strictly; raise YamlError with a 1-based position."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise YamlError(f"file is larger than {MAX_FILE_BYTES // 1024} KiB", 1, 1)
    # Both parsers skip a leading byte order mark but count it differently in their marks.
    text = text.removeprefix("\ufeff")
    if text and text[-1] not in "\r\n":
        text += "\n"  # as the YAML test suite reads a last line: `|+` text keeps its line break
    _check_characters(text)
    try:
        return _compose(text, positions=False)
    except _PositionsNeeded:
        return _compose(text, positions=True)


class _PositionsNeeded(Exception):
    """A problem whose message needs the position of another value: compose again, with positions."""


def _compose(text: str, *, positions: bool) -> Document:
    parser = _new_parser(text)
    try:
        return _Composer(parser, text, positions).document()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(text, exc) from None
    except yaml.YAMLError as exc:  # pragma: no cover - the character check comes first
        raise YamlError(f"invalid YAML: {exc}", 1, 1) from None
    finally:
        parser.dispose()
