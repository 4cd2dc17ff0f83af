"""The YAML specification's test suite against the strict scenario reader, one test per case.

The suite (github.com/yaml/yaml-test-suite) sits beside the checkout in ``../shared/corpora/yaml-test-suite``
(see ``../shared/corpora/README.md``); ``TRACKER_CORPORA`` names another corpora folder. Without it these tests
fail: a skipped test that CI never runs checks nothing.

Every case must come out as data or as a located ``YamlError``, quickly. An invalid case (``fail: true``) must
be refused. A valid case must give the suite's JSON, or be refused for a DELIBERATE reason (the strict subset,
see ``tracker.scenario.yamlsafe``), or be YAML that libyaml cannot read (LIBYAML_CANNOT_READ, each explained).
The pure-Python fallback must read every case as libyaml does, bar the parser differences listed in
FALLBACK_DIFFERS. Each list is checked both ways: a case that starts passing must leave its list.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tracker.scenario import yamlsafe
from tracker.scenario.yamlsafe import Document, YamlError, parse_yaml

CORPORA = Path(os.environ.get("TRACKER_CORPORA") or ROOT.parent / "shared" / "corpora")
SUITE = CORPORA / "yaml-test-suite"

# Why a valid case may be refused: the strict subset's rules, each with the fragment its message carries.
DELIBERATE = {
    "anchors and aliases": ("anchors (&", "aliases (*"),
    "explicit tags": ("explicit tags (",),
    "merge keys": ("merge keys (<<)",),
    "keys that are lists or mappings": ("mapping keys must be text",),
    "empty keys": ("a mapping key is missing",),
    "keys equal as text": ("duplicate key ",),
    "more than one document": ("exactly one YAML document",),
    "directives other than %YAML 1.1/1.2 and %TAG": ("unsupported directive",),
    "text glued to '?' in brackets, which libyaml reads as a key": ("parsers disagree on a '?'",),
}

# Valid YAML 1.2 that libyaml, a YAML 1.1 parser, refuses: the reader can only say where it stopped.
LIBYAML_CANNOT_READ = {
    "4ABK-0": "a flow mapping entry with no ':' (`http://foo.com,`) and a ':' right before ','",
    "4MUZ-0": "the ':' of a flow mapping entry on the line after its key",
    "4MUZ-1": "the ':' of a flow mapping entry on the line after its key",
    "4MUZ-2": "the ':' of a flow mapping entry on the line after its key",
    "58MP-0": "plain text starting with ':' in a flow mapping (`:x`)",
    "5MUD-0": "the ':' of a flow mapping entry on the line after its key, glued to its value",
    "5T43-0": "plain text starting with ':' right after a quoted key's ':' (`::value`)",
    "6BCT-0": "a tab after '-' before a value",
    "6CA3-0": "tabs before a top-level flow sequence",
    "96NN-0": "a tab as the first character of block text",
    "96NN-1": "a tab as the first character of block text",
    "9SA2-0": "a quoted key over two lines in a flow mapping",
    "A2M4-0": "a tab after '-' before a value",
    "DBG4-0": "plain text starting with ':' in a flow sequence (`::vector`)",
    "DK3J-0": "top-level block text that is not indented",
    "DK95-0": "a tab after the indentation of a value on its own line",
    "DK95-3": "a line of a space and a tab before the first key",
    "DK95-4": "a line holding only a tab between keys",
    "FP8R-0": "top-level block text that is not indented",
    "FRK4-0": "a flow mapping entry with an empty value right before ','",
    "HM87-0": "plain text starting with ':' in a flow sequence (`[:x]`)",
    "HWV9-0": "a '...' marker with no document before it",
    "K3WX-0": "the ':' of a flow mapping entry after a comment line",
    "NJ66-0": "a plain key over two lines in a flow mapping",
    "Q5MG-0": "a tab before a top-level flow mapping",
    "QT73-0": "a '...' marker with no document before it",
    "R4YG-0": "a tab as the first character of block text",
    "UT92-0": "a plain key over two lines in a flow mapping",
    "VJP3-1": "key, ':' and value of a flow mapping on separate lines",
    "W4TN-0": "block text with a line starting with '%', which libyaml takes for a directive",
    "Y79Y-1": "a line of a space and a tab inside block text",
    "Y79Y-10": "a tab after '-' before a value",
}

# Invalid YAML that the reader accepts. Empty: the composer checks what libyaml does not.
ACCEPTED_THOUGH_INVALID: dict[str, str] = {}

# Where PyYAML's pure-Python parser (the fallback without libyaml) does not read a case as libyaml does.
FALLBACK_DIFFERS = {
    "4ABK-0": "PyYAML reads the flow mapping entries libyaml refuses",
    "96NN-0": "PyYAML reads a tab as the first character of block text",
    "96NN-1": "PyYAML reads a tab as the first character of block text",
    "R4YG-0": "PyYAML reads a tab as the first character of block text",
    "Y79Y-1": "PyYAML reads a line of a space and a tab inside block text",
    "DK95-5": "PyYAML refuses a line of a space and a tab between keys",
    "HS5T-0": "PyYAML refuses a tab starting a further line of plain text",
    "NB6Z-0": "PyYAML refuses a line of spaces and a tab inside plain text",
    "UV7Q-0": "PyYAML refuses a tab starting a further line of plain text",
    "JR7V-0": "PyYAML refuses a '?' inside plain text in a flow sequence (`[a?string]`)",
    "MUS6-3": "PyYAML refuses a tab inside the %YAML directive",
}


@dataclass(frozen=True)
class SuiteCase:
    id: str
    name: str
    text: str
    fail: bool
    json: str | None
    skip: bool


def _unescape(text: str) -> str:
    """The suite's visible-whitespace markers (its ReadMe) as the characters they stand for."""
    text = text.replace("␣", " ")
    text = re.sub("—*»", "\t", text)
    text = text.replace("←", "\r").replace("⇔", "\ufeff").replace("↵", "")
    return text.removesuffix("∎\n")


def _load_suite() -> list[SuiteCase]:
    cases = []
    for path in sorted((SUITE / "src").glob("*.yaml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))  # trusted test data
        # As the suite's data release reads a file: a later entry keeps the earlier entries' fields
        # (JEF9-2 has JEF9-1's JSON) unless it sets them, a null removes one, and `fail` belongs to
        # its own entry (Y79Y-1 is valid after the invalid Y79Y-0). `skip` on the first marks the file.
        inherited: dict[str, Any] = {}
        for index, entry in enumerate(entries):
            for key, value in entry.items():
                if key == "fail":
                    continue
                if value is None:
                    inherited.pop(key, None)
                else:
                    inherited[key] = value
            cases.append(
                SuiteCase(
                    id=f"{path.stem}-{index}",
                    name=str(inherited.get("name", "")),
                    text=_unescape(inherited["yaml"]),
                    fail=bool(entry.get("fail")),
                    json=inherited.get("json"),
                    skip=bool(entries[0].get("skip")),
                )
            )
    return cases


CASES = _load_suite() if SUITE.is_dir() else []
BY_ID = {case.id: case for case in CASES}
PARAMS = [pytest.param(case, id=case.id) for case in CASES] or [pytest.param(None, id="suite-missing")]


def _require(case: SuiteCase | None) -> SuiteCase:
    if case is None:
        pytest.fail(f"the YAML test suite is missing: expected {SUITE} (set TRACKER_CORPORA to the folder holding yaml-test-suite/)")
    return case


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Fail a case that hangs instead of hanging the run."""

    def _timeout(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read(text: str) -> Document | YamlError:
    """The reader's answer: a Document or a YamlError; anything else propagates and fails the case."""
    started = time.process_time()
    with _deadline(5):
        try:
            result: Document | YamlError = parse_yaml(text)
            result.positions()  # found now, by this parser: a document finds its positions when first asked
        except YamlError as error:
            result = error
    assert time.process_time() - started < 1, "far too slow for a few lines"
    return result


def _json_values(text: str) -> list[Any]:
    """The JSON documents of a stream, in order (a YAML stream of several documents has several)."""
    decoder = json.JSONDecoder()
    values, at = [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return values
        value, at = decoder.raw_decode(text, at)
        values.append(value)


def _same(actual: Any, expected: Any) -> bool:
    """The reader's data equals the suite's JSON, allowing for what JSON cannot hold.

    Plain ISO dates and datetimes are dates for the reader and text in JSON; they match when the
    reader resolves that text to the same value.
    """
    if isinstance(actual, dt.date):
        return isinstance(expected, str) and yamlsafe._plain_scalar(expected, 1, 1) == actual
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return actual == expected or (isinstance(actual, float) and math.isnan(actual) and math.isnan(expected))
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(_same(actual[key], expected[key]) for key in actual)
    return type(actual) is type(expected) and actual == expected


def _deliberate_reason(message: str) -> str | None:
    return next((reason for reason, fragments in DELIBERATE.items() if any(f in message for f in fragments)), None)


def test_the_suite_is_there() -> None:
    assert SUITE.is_dir(), f"the YAML test suite is missing: expected {SUITE} (set TRACKER_CORPORA to the folder holding yaml-test-suite/)"
    assert len(CASES) >= 350
    assert sum(case.fail for case in CASES) >= 90


def test_every_listed_case_exists() -> None:
    listed = {*LIBYAML_CANNOT_READ, *ACCEPTED_THOUGH_INVALID, *FALLBACK_DIFFERS}
    assert listed <= set(BY_ID), sorted(listed - set(BY_ID))


@pytest.mark.parametrize("case", PARAMS)
def test_case(case: SuiteCase | None) -> None:
    case = _require(case)
    result = _read(case.text)
    if isinstance(result, YamlError):
        lines = len(case.text.splitlines()) or 1
        assert 1 <= result.line <= lines + 1 and result.column >= 1, (result.line, result.column, result.message)
    if case.skip:
        return  # the suite itself sets these aside (valid but "not usefully valid"): only no crash and a location
    if case.fail:
        if case.id in ACCEPTED_THOUGH_INVALID:
            assert isinstance(result, Document), f"{case.id} is refused now: take it off ACCEPTED_THOUGH_INVALID"
        else:
            assert isinstance(result, YamlError), f"invalid YAML accepted as {result.data!r}"
        return
    if case.id in LIBYAML_CANNOT_READ:
        assert isinstance(result, YamlError), f"{case.id} is read now: take it off LIBYAML_CANNOT_READ"
        assert result.message.startswith("invalid YAML: ")
        return
    expected = _json_values(case.json) if case.json is not None else None
    if isinstance(result, YamlError):
        assert _deliberate_reason(result.message), f"refused for no deliberate reason: {result.message} ({result.line}:{result.column})"
        return
    assert expected is None or len(expected) <= 1, "several documents accepted"
    if expected:
        assert _same(result.data, expected[0]), f"{result.data!r} != {expected[0]!r}"
    elif expected == []:
        assert result.data is None  # a stream of no document: nothing, as an empty file


@pytest.mark.parametrize("case", PARAMS)
def test_the_fallback_reads_the_case_as_libyaml_does(case: SuiteCase | None, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _require(case)
    fast = _read(case.text)
    monkeypatch.setattr(yamlsafe, "_LibyamlParser", None)
    pure = _read(case.text)
    # Data and positions must agree; of a refusal, only that it is one (the parsers word syntax errors apart).
    same = fast == pure if isinstance(fast, Document) and isinstance(pure, Document) else type(fast) is type(pure)
    if case.id in FALLBACK_DIFFERS:
        assert not same, f"{case.id} reads alike now: take it off FALLBACK_DIFFERS"
    else:
        assert same, f"libyaml: {fast!r}, PyYAML: {pure!r}"
