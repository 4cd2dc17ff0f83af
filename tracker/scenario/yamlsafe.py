"""Strict, safe YAML reading with the position of every value.

Scenario files are small, hand-written and reviewed in pull requests, so we
accept a deliberately small subset of YAML and say clearly what is not allowed:

* no object construction of any kind: we compose nodes and build plain data
  ourselves, so no tag (``!!python/object``, ``!foo``) can reach a constructor;
* no anchors or aliases, which also makes "billion laughs" files fail at once;
* no duplicate keys;
* YAML 1.2 scalars instead of YAML 1.1 surprises: ``NO``, ``on``, ``yes`` stay
  strings; only ``true``/``false`` are booleans; ``1:20`` is not a number;
* caps on file size and nesting depth.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 16

Path = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    """Plain data plus where each value (and each mapping key) stands in the file."""

    data: Any
    value_pos: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path, tuple[int, int]] = field(default_factory=dict)

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


def _mark(node_or_event: Any) -> tuple[int, int]:
    mark = node_or_event.start_mark
    return mark.line + 1, mark.column + 1


class _StrictComposer(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's parser and composer, refusing anchors, aliases, tags and deep nesting."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            line, col = _mark(event)
            raise YamlError(
                f"aliases (*{event.anchor}) are not allowed in scenario files; write the value out",
                line,
                col,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            line, col = _mark(event)
            raise YamlError(
                f"anchors (&{anchor}) are not allowed in scenario files; write the value out",
                line,
                col,
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            line, col = _mark(event)
            raise YamlError(f"explicit tags ({tag}) are not allowed in scenario files", line, col)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line, col = _mark(event)
                raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, col)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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


def _plain_scalar(text: str, line: int, col: int) -> Any:
    """YAML 1.2 core schema, plus ISO dates and datetimes."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
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
            raise YamlError(f"{text!r} is not a real calendar date", line, col) from None
    if _DATETIME.fullmatch(text):
        cleaned = re.sub(r"\s+(?=[Zz+-][0-9:]*$)", "", text).replace("z", "Z")
        try:
            return dt.datetime.fromisoformat(cleaned)
        except ValueError:
            raise YamlError(f"{text!r} is not a real date and time", line, col) from None
    return text


def _build(node: Node, path: Path, doc: Document) -> Any:
    doc.value_pos[path] = _mark(node)
    if isinstance(node, ScalarNode):
        if node.style is None:  # plain: resolve; quoted or block scalars are always strings
            return _plain_scalar(node.value, *_mark(node))
        return node.value
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, i), doc) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = _mark(key_node)
            if not isinstance(key_node, ScalarNode):
                raise YamlError("mapping keys must be plain words", line, col)
            if key_node.value == "<<" and key_node.style is None:
                raise YamlError("merge keys (<<) are not allowed in scenario files", line, col)
            key = key_node.value
            if key in result:
                first_line, _ = doc.key_pos[(*path, key)]
                raise YamlError(f"duplicate key {key!r} (first given on line {first_line})", line, col)
            doc.key_pos[(*path, key)] = (line, col)
            result[key] = _build(value_node, (*path, key), doc)
        return result
    raise YamlError("unsupported YAML node", *_mark(node))  # pragma: no cover - composer yields only these


def parse_yaml(text: str) -> Document:
    """Parse one YAML document strictly; raise YamlError with a 1-based position."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise YamlError(f"file is larger than {MAX_FILE_BYTES // 1024} KiB", 1, 1)
    loader = _StrictComposer(text)
    try:
        root = loader.get_single_node()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context and "expected a single document" in exc.context:
            problem = "a scenario file holds exactly one YAML document (found a second '---')"
        elif "'\\t'" in problem:
            problem = "a tab character here; use spaces instead of tabs in YAML"
        raise YamlError(f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", 1, 1) from None
    finally:
        loader.dispose()
    doc = Document(data=None)
    if root is None:
        return doc
    doc.data = _build(root, (), doc)
    return doc
