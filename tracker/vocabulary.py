"""The shared vocabulary: other spellings of a name (aliases) and names that stand for several (groups).

``vocabulary.yaml`` beside the event log (tracker.config.vocabulary_path)::

    aliases:                  # canonical: [other spellings]; case-insensitive
      Russia: ["Russian Federation", "Military Forces of Russia (2000-)", "RU"]
    groups:                   # a match on the group also matches events by its members
      E3: [France, Germany, UK]

One rule for every reader of actors, targets and tags: a value stands for its canonical name (``canonical``), and a
match on a name matches the events of that name and, for a group, of its members (``expand``). The log keeps every
value as it was written (only new rows from an import are written by canonical names); comparisons go through it.

May import: tracker.scenario (its safe YAML reader) and the shared modules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tracker.files import InputRefused, read_input
from tracker.problems import Problem, display_path
from tracker.scenario.model import describe_input
from tracker.scenario.yamlsafe import MAX_FILE_BYTES, Document, YamlError, parse_yaml
from tracker.text import did_you_mean_hint, excerpt, fold

SECTIONS = ("aliases", "groups")


@dataclass(frozen=True)
class Vocabulary:
    """Folded spelling -> canonical name as written; folded group name -> its members' canonical names."""

    canonicals: dict[str, str] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.canonicals or self.groups)

    def canonical(self, value: str) -> str:
        """The canonical name of ``value`` ("russian federation" -> "Russia"); an unknown value, trimmed."""
        return self.canonicals.get(fold(value), value.strip())

    def canonical_folded(self, token: str) -> str:
        """``canonical`` of an already folded value, folded: the form the match index keys its tokens by."""
        return fold(self.canonicals.get(token, token))

    def expand(self, value: str) -> frozenset[str]:
        """The folded canonical names a match on ``value`` matches: its own, and for a group its members' (and theirs)."""
        found: set[str] = set()
        waiting = [fold(self.canonical(value))]
        while waiting:
            name = waiting.pop()
            if name not in found:
                found.add(name)
                waiting += [fold(member) for member in self.groups.get(name, ())]
        return frozenset(found)

    def names_any(self, values: Iterable[str], chosen: Iterable[str]) -> bool:
        """Whether an event naming ``values`` names any of ``chosen``, as a match on ``chosen`` would find it."""
        wanted = frozenset().union(*(self.expand(v) for v in chosen))
        return any(self.canonical_folded(fold(v)) in wanted for v in values)

    def names(self) -> list[str]:
        """The names the vocabulary stands for, as written (canonical names, groups and their members): "did you mean"."""
        spelt = {fold(c): c for c in self.canonicals.values()}
        for members in self.groups.values():
            spelt.update((fold(m), m) for m in members)
        return sorted(spelt.values(), key=fold)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.canonicals) | {fold(m) for members in self.groups.values() for m in members}

    def knows(self, value: str) -> bool:
        """Whether ``value`` is a name of the vocabulary (any spelling, any case, a group or a group's member)."""
        return fold(value) in self._known

    def canonical_values(self, values: Iterable[str]) -> list[str]:
        """Distinct canonical names of ``values``, sorted case-insensitively (for filters and suggestions)."""
        seen: dict[str, str] = {}
        for value in values:
            name = self.canonical(value)
            seen.setdefault(fold(name), name)
        return sorted(seen.values(), key=fold)


EMPTY = Vocabulary()


def read_vocabulary(path: Path) -> tuple[Vocabulary, list[Problem]]:
    """The vocabulary in ``path``: none when there is no such file; with any problem, none and the problems (the
    tracker carries on without it rather than match with half of it)."""
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return EMPTY, []
    try:
        raw = read_input(path, max_bytes=MAX_FILE_BYTES, follow=False)
    except InputRefused as exc:
        return EMPTY, [Problem(shown, 0, 0, f"{exc}; {_IGNORED}")]
    except OSError as exc:
        return EMPTY, [Problem(shown, 0, 0, f"cannot read file: {exc.strerror or exc}; {_IGNORED}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return EMPTY, [Problem(shown, 1, 1, f"file is not UTF-8 text; save it as UTF-8; {_IGNORED}")]
    return parse_vocabulary(text, shown)


_IGNORED = "the vocabulary is not used until this is fixed"


def parse_vocabulary(text: str, shown: str) -> tuple[Vocabulary, list[Problem]]:
    """The text of a vocabulary file shown as ``shown`` -> the vocabulary, or none and every problem found."""
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        return EMPTY, [Problem(shown, exc.line, exc.column, f"{exc.message}; {_IGNORED}")]
    reader = _Reader(doc, shown)
    vocabulary = reader.read()
    if reader.problems:
        return EMPTY, [Problem(p.path, p.line, p.column, f"{p.message}; {_IGNORED}") for p in reader.problems]
    return vocabulary, []


@dataclass
class _Reader:
    doc: Document
    shown: str
    problems: list[Problem] = field(default_factory=list)

    def fail(self, where: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        line, column = self.doc.locate(where, key=key)
        self.problems.append(Problem(self.shown, line, column, message))

    def read(self) -> Vocabulary:
        data = self.doc.data
        if data is None:
            return EMPTY
        if not isinstance(data, dict):
            self.fail((), f"a vocabulary file is a mapping of aliases: and groups:; this one is {describe_input(data)}")
            return EMPTY
        for key in data:
            if key not in SECTIONS:
                hint = did_you_mean_hint(key, SECTIONS, otherwise=" (the sections are aliases and groups)")
                self.fail((key,), f"{excerpt(key)}: unknown section{hint}", key=True)
        aliases = self.names_lists("aliases", data.get("aliases"))
        groups = self.names_lists("groups", data.get("groups"))
        canonicals = {fold(name): name for name in aliases}  # folded spelling -> the canonical name it stands for
        for name, spellings in aliases.items():
            for index, spelling in enumerate(spellings):
                owner = canonicals.get(fold(spelling))
                if owner is not None and fold(owner) != fold(name):
                    taken = "a canonical name" if fold(owner) == fold(spelling) else f"a spelling of {excerpt(owner)}"
                    message = f"{excerpt(spelling)} is already {taken}"
                    self.fail(("aliases", name, index), f"aliases.{name}[{index}]: {message}; a spelling stands for one name")
                    continue
                canonicals[fold(spelling)] = name
        members: dict[str, tuple[str, ...]] = {}
        for name, listed in groups.items():
            if fold(name) in canonicals:
                owner = canonicals[fold(name)]
                message = f"groups.{name}: {excerpt(name)} is also an alias (of {excerpt(owner)}); a name is an alias or a group"
                self.fail(("groups", name), message, key=True)
                continue
            members[fold(name)] = tuple(canonicals.get(fold(m), m.strip()) for m in listed)
            canonicals[fold(name)] = name
        return Vocabulary(canonicals, members)

    def names_lists(self, section: str, value: Any) -> dict[str, list[str]]:
        """A section as name -> list of names; each bad entry is a problem and left out."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail((section,), f"{section}: must be a mapping of name: [names], not {describe_input(value)}")
            return {}
        found: dict[str, list[str]] = {}
        seen: dict[str, str] = {}
        for name, listed in value.items():
            where = (section, name)
            if not name.strip():
                self.fail(where, f"{section}: a name must not be blank", key=True)
                continue
            if fold(name) in seen:
                self.fail(where, f"{section}.{name}: {excerpt(name)} is listed twice (also as {excerpt(seen[fold(name)])})", key=True)
                continue
            seen[fold(name)] = name
            if not isinstance(listed, list):
                self.fail(where, f"{section}.{name}: must be a list of names in brackets ([a, b]), not {describe_input(listed)}")
                continue
            good = []
            for index, item in enumerate(listed):
                if not isinstance(item, str) or not item.strip():
                    what = "blank text" if isinstance(item, str) else describe_input(item)
                    self.fail((*where, index), f"{section}.{name}[{index}]: must be a name (text), not {what}")
                    continue
                good.append(item.strip())
            found[name.strip()] = good
        return found
