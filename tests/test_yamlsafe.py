"""Strict, safe YAML: what the parser refuses, where it says so, and the YAML 1.1 surprises it avoids."""

from __future__ import annotations

import datetime as dt
import math
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from yaml._yaml import CParser

from tests.conftest import ROOT
from tracker.scenario import yamlsafe
from tracker.scenario.loader import load_scenario_file
from tracker.scenario.yamlsafe import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_DIGITS, YamlError, parse_yaml


@pytest.fixture(autouse=True, params=["libyaml", "pure"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs on libyaml's parser and on the pure-Python fallback used where libyaml is missing."""
    if request.param == "pure":
        monkeypatch.setattr(yamlsafe, "_LibyamlParser", None)
    return str(request.param)


def test_libyaml_is_there_and_used(parser: str) -> None:
    assert yaml.__with_libyaml__  # otherwise both runs of every test would exercise the fallback only
    expected = yamlsafe._PureParser if parser == "pure" else CParser
    assert type(yamlsafe._new_parser("a: 1\n")) is expected


def _error(text: str) -> YamlError:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text)
    return caught.value


def _where(error: YamlError) -> tuple[int, int, str]:
    return error.line, error.column, error.message


# --- what is refused ------------------------------------------------------------------------
def test_duplicate_key_names_the_key_and_its_first_line() -> None:
    assert _where(_error("a: 1\nb: 2\na: 3\n")) == (3, 1, "duplicate key 'a' (first given on line 1)")


def test_duplicate_nested_key() -> None:
    text = "trigger:\n  unless:\n    tags: [x]\n    actors: [y]\n    tags: [z]\n"
    assert _where(_error(text)) == (5, 5, "duplicate key 'tags' (first given on line 3)")


def test_same_key_in_different_mappings_is_fine() -> None:
    assert parse_yaml("a: {x: 1}\nb: {x: 2}\n").data == {"a": {"x": 1}, "b": {"x": 2}}


def test_python_object_tag_is_refused_before_anything_is_built() -> None:
    error = _error("title: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert _where(error) == (1, 8, "explicit tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed in scenario files")


def test_local_tag_is_refused() -> None:
    assert _where(_error("title: !foo bar\n")) == (1, 8, "explicit tags (!foo) are not allowed in scenario files")


def test_standard_tag_on_a_key_is_refused() -> None:
    assert _where(_error("!!str title: x\n")) == (1, 1, "explicit tags (tag:yaml.org,2002:str) are not allowed in scenario files")


def test_anchor_is_refused() -> None:
    assert _where(_error("a: &x [1]\nb: 2\n")) == (1, 4, "anchors (&x) are not allowed in scenario files; write the value out")


def test_alias_is_refused() -> None:
    # An alias to an unknown anchor would be a composer error; ours says what is wrong.
    assert _where(_error("a: 1\nb: *x\n")) == (2, 4, "aliases (*x) are not allowed in scenario files; write the value out")


def test_merge_key_is_refused() -> None:
    assert _where(_error("a: 1\nb:\n  <<: {y: 2}\n")) == (3, 3, "merge keys (<<) are not allowed in scenario files")


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert parse_yaml("'<<': 1\n").data == {"<<": 1}


def test_complex_key_is_refused() -> None:
    assert _where(_error("? [a, b]\n: 1\n")) == (1, 3, "mapping keys must be text, not a list or a mapping")


@pytest.mark.parametrize("text", [": 1\n", "a: 1\n: 2\n", "x: {: 1}\n", "? \n: 1\n"])
def test_missing_key_is_refused(text: str) -> None:
    assert _error(text).message == "a mapping key is missing (nothing before ':'); name the field"


def test_quoted_empty_key_is_an_ordinary_key() -> None:
    assert parse_yaml("'': 1\n").data == {"": 1}


BILLION_LAUGHS = """\
lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
lol1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
lol2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
lol3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
lol4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
lol5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
lol6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
lol7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
lol8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
lol9: &a9 [*a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8]
"""


def test_billion_laughs_fails_at_the_first_anchor_with_little_memory() -> None:
    tracemalloc.start()
    try:
        error = _error(BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # It stops at the very first anchor: nothing is expanded, nothing after line 1 is composed.
    assert _where(error) == (1, 7, "anchors (&a0) are not allowed in scenario files; write the value out")
    assert peak < 2_000_000  # 10**9 expanded strings would need gigabytes


def test_billion_laughs_file_is_one_clear_problem(write: Callable[[str, str], Path]) -> None:
    path = write("scenarios/lol.yaml", BILLION_LAUGHS)
    scenario, problems, _ = load_scenario_file(path, "scenarios/lol.yaml")
    assert scenario is None
    assert [str(p) for p in problems] == [
        "scenarios/lol.yaml:1:7: error: anchors (&a0) are not allowed in scenario files; write the value out"
    ]


def test_nesting_up_to_the_cap_is_accepted() -> None:
    # The root mapping is one level; each bracket adds one.
    depth = MAX_DEPTH - 1
    data = parse_yaml("a: " + "[" * depth + "]" * depth + "\n").data["a"]
    for _ in range(depth - 1):
        assert isinstance(data, list)
        data = data[0]
    assert data == []


def test_nesting_beyond_the_cap_is_refused_at_the_first_level_too_deep() -> None:
    error = _error("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert _where(error) == (1, 4 + MAX_DEPTH - 1, f"nesting deeper than {MAX_DEPTH} levels")


def test_very_deep_nesting_fails_cleanly_without_recursion_error() -> None:
    error = _error("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert error.message == f"nesting deeper than {MAX_DEPTH} levels"


def test_file_size_cap() -> None:
    text = "summary: " + "x" * MAX_FILE_BYTES + "\n"
    assert _where(_error(text)) == (1, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")


def test_file_size_cap_counts_bytes_not_characters() -> None:
    text = "summary: " + "é" * (MAX_FILE_BYTES // 2 + 1) + "\n"  # fewer characters than the cap, more bytes
    assert len(text) < MAX_FILE_BYTES
    assert _error(text).message == f"file is larger than {MAX_FILE_BYTES // 1024} KiB"


def test_oversized_file_is_refused_before_reading(write: Callable[[str, str], Path]) -> None:
    path = write("scenarios/big.yaml", "summary: " + "x" * MAX_FILE_BYTES + "\n")
    scenario, problems, doc = load_scenario_file(path, "big.yaml")
    assert (scenario, doc) == (None, None)
    assert [str(p) for p in problems] == [
        f"big.yaml:1:1: error: file is larger than {MAX_FILE_BYTES // 1024} KiB; is it really a scenario?"
    ]


def test_second_document_is_an_error_at_its_marker() -> None:
    error = _error("a: 1\n---\nb: 2\n")
    assert _where(error) == (2, 1, "invalid YAML: a scenario file holds exactly one YAML document (found a second '---')")


def test_single_document_with_start_marker_is_fine() -> None:
    assert parse_yaml("---\na: 1\n").data == {"a": 1}


def test_second_document_after_an_end_marker_is_named_so() -> None:
    error = _error("a: 1\n...\nb: 2\n")
    assert _where(error) == (3, 1, "invalid YAML: a scenario file holds exactly one YAML document (found more after '...')")


TAB_IN_INDENTATION = "invalid YAML: a tab in the indentation of this line; indent with spaces, not tabs"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("trigger:\n\tunless: {tags: [x]}\n", (2, 1)),
        ("trigger:\n  unless:\n  \tactors: [x]\n", (3, 3)),
        ("tags:\n  - a\n\t- b\n", (3, 1)),
    ],
)
def test_tab_indentation_is_located(text: str, where: tuple[int, int]) -> None:
    assert _where(_error(text)) == (*where, TAB_IN_INDENTATION)


def test_tab_after_a_dash_is_named() -> None:
    error = _error("tags:\n  -\t- a\n")
    assert _where(error) == (2, 4, "invalid YAML: a tab after '-'; put spaces, not tabs, after '-', '?' and ':' in YAML")


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("title: a\t\n", {"title": "a"}),  # a trailing tab is not indentation
        ("title: 'a'\t# note\n", {"title": "a"}),
        ("title:\ta\n", {"title": "a"}),
        ("tags: [a\t, b]\t\n", {"tags": ["a", "b"]}),
        ('title: "a\tb"\n', {"title": "a\tb"}),  # inside quotes a tab is text
        ("summary: |\n  a\n  \tb\n", {"summary": "a\n\tb\n"}),  # and in block text, after the indentation
    ],
)
def test_tabs_that_are_not_indentation_are_fine(text: str, data: object) -> None:
    assert parse_yaml(text).data == data


def test_an_error_on_a_line_with_a_trailing_tab_is_not_blamed_on_the_tab() -> None:
    assert "tab" not in _error("title: Sanctions: the plan\t\n").message


def test_unclosed_bracket_is_located(parser: str) -> None:
    expected = {
        "libyaml": "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 7)",
        "pure": "invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence at line 1, column 7)",
    }
    assert _where(_error("tags: [a, b\ntitle: x\n")) == (2, 6, expected[parser])


def test_colon_in_plain_value_is_located() -> None:
    assert _where(_error("title: Sanctions: the plan\n")) == (
        1,
        17,
        "invalid YAML: mapping values are not allowed here; put the value in quotes if the ':' belongs to it",
    )


# --- YAML rules libyaml and PyYAML do not check -----------------------------------------------
@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('title: "x"# note\n', (1, 11)),
        ("tags: [a, b]#note\n", (1, 13)),
        ("summary: ># note\n  text\n", (1, 11)),
    ],
)
def test_a_comment_needs_a_space_before_the_hash(text: str, where: tuple[int, int]) -> None:
    assert _where(_error(text)) == (*where, "invalid YAML: a comment needs a space before '#'")


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("url: https://example.org/page#part\n", {"url": "https://example.org/page#part"}),
        ("tag: C#\n", {"tag": "C#"}),
        ("a: 1  # see #3, and a#b\n", {"a": 1}),
        ("# a#b\na: '#x'#c\n".replace("#c", " #c"), {"a": "#x"}),
        ("summary: |\n  x#y\n", {"summary": "x#y\n"}),
    ],
)
def test_hash_inside_text_or_comments_is_fine(text: str, data: object) -> None:
    assert parse_yaml(text).data == data


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("tags: [a,\nb]\n", (2, 1), "[...] list from line 1; indent it by at least 1 space"),
        ("tags: [\n  a,\n]\n", (3, 1), "[...] list from line 1; indent it by at least 1 space"),
        ("match: {tags: [a],\nactors: [b]}\n", (2, 1), "{...} mapping from line 1; indent it by at least 1 space"),
        ('title: "a\nb"\n', (2, 1), "quoted text from line 1; indent it by at least 1 space"),
        ('title: "a\n\tb"\n', (2, 1), "quoted text from line 1; indent it by at least 1 space (a tab does not count)"),
        ("trigger:\n  unless:\n    tags: [a,\n    b]\n", (4, 5), "[...] list from line 3; indent it by at least 5 spaces"),
    ],
)
def test_further_lines_of_a_bracketed_or_quoted_value_are_indented(text: str, where: tuple[int, int], what: str) -> None:
    assert _where(_error(text)) == (*where, f"invalid YAML: this line continues the {what}")


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("tags: [a,\n  b]\n", {"tags": ["a", "b"]}),
        ("tags: [\n  a,\n  # a comment at any indentation\n# or none\n  ]\n", {"tags": ["a"]}),
        ('title: "a\n\n  b"\n', {"title": "a\nb"}),
        ("[a,\nb]\n", ["a", "b"]),  # at the top there is no block to indent past
    ],
)
def test_indented_further_lines_are_fine(text: str, data: object) -> None:
    assert parse_yaml(text).data == data


def test_block_text_with_wider_leading_empty_lines_is_refused() -> None:
    error = _error("summary: >\n \n   \n  text\n")
    assert _where(error) == (
        3,
        3,
        "invalid YAML: an empty line at the start of this block text has more spaces than its first line of text",
    )
    assert parse_yaml("summary: >\n \n  \n  text\n").data == {"summary": "\n\ntext\n"}


@pytest.mark.parametrize("text", ["tags: [-]\n", "tags: [a, -]\n", "match: {tags: -}\n"])
def test_a_lone_dash_in_brackets_is_refused(text: str) -> None:
    assert _error(text).message == "a lone '-' is not a value; put it in quotes if you mean the text"


def test_question_mark_glued_to_text_in_brackets_is_refused() -> None:
    # YAML reads the text '?x'; libyaml and PyYAML read a mapping {x: null}: refuse rather than guess.
    assert _where(_error("tags: [?x]\n")) == (1, 8, "put '?x' in quotes: parsers disagree on a '?' right before text")
    assert parse_yaml("tags: ['?x', ? x]\ntitle: a?b\n").data == {"tags": ["?x", {"x": None}], "title": "a?b"}


# --- characters -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("char", "message"),
    [
        ("\x00", "control character U+0000 (NUL) is not allowed in a scenario file; remove it"),
        ("\x1b", "control character U+001B (ESC) is not allowed in a scenario file; remove it (pasted terminal colours?)"),
        ("\x0c", "control character U+000C (FF) is not allowed in a scenario file; remove it"),
        ("\x7f", "control character U+007F (DEL) is not allowed in a scenario file; remove it"),
        ("\x85", "control character U+0085 (NEL) is not allowed in a scenario file; remove it"),
        ("\x9b", "control character U+009B (CSI) is not allowed in a scenario file; remove it (pasted terminal colours?)"),
        ("\u2028", "line separator U+2028 is not allowed in a scenario file; use an ordinary line break"),
        ("\u2029", "paragraph separator U+2029 is not allowed in a scenario file; use an ordinary line break"),
        ("\ufeff", "byte order mark U+FEFF is only allowed at the very start of a file; remove it"),
        ("\ud800", "character U+D800 is not allowed in a scenario file (not a valid Unicode character); remove it"),
        ("\uffff", "character U+FFFF is not allowed in a scenario file (not a valid Unicode character); remove it"),
    ],
)
def test_invisible_characters_are_refused_where_they_stand(char: str, message: str) -> None:
    assert _where(_error(f"id: x\r\ntitle: ab{char}c\n")) == (2, 10, message)


def test_characters_are_refused_in_comments_and_quotes_too() -> None:
    assert _where(_error("id: x # \x1b[31m\n"))[:2] == (1, 9)
    assert _where(_error("id: 'a\x1b'\n"))[:2] == (1, 7)


def test_escaped_control_characters_in_double_quotes_are_text() -> None:
    assert parse_yaml('title: "\\e[31m red \\x85"\n').data == {"title": "\x1b[31m red \x85"}


def test_byte_order_mark_at_the_start_is_skipped() -> None:
    doc = parse_yaml("\ufeffid: x\ntitle: y\n")
    assert doc.data == {"id": "x", "title": "y"}
    assert doc.value_pos[("id",)] == (1, 5)


def test_non_ascii_text_keeps_columns_in_characters() -> None:
    doc = parse_yaml("title: Sanktionen für Rußland 😀\ntags: [é, x]\n")
    assert doc.value_pos[("tags", 1)] == (2, 11)


# --- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("digits", [MAX_NUMBER_DIGITS + 1, 4_301, 100_000])
def test_very_long_integers_are_refused_where_they_stand(digits: int) -> None:
    assert _where(_error(f"id: x\ncount: {'9' * digits}\n")) == (
        2,
        8,
        f"a number of more than {MAX_NUMBER_DIGITS} digits; put it in quotes if it is text",
    )


def test_long_hexadecimal_and_signed_integers_are_refused_too() -> None:
    assert _error(f"v: 0x{'f' * (MAX_NUMBER_DIGITS + 1)}\n").message.startswith("a number of more than")
    assert _error(f"v: -{'1' * (MAX_NUMBER_DIGITS + 1)}\n").message.startswith("a number of more than")


def test_integers_up_to_the_cap_and_long_quoted_digits_are_fine() -> None:
    assert parse_yaml(f"v: {'9' * MAX_NUMBER_DIGITS}\n").data == {"v": int("9" * MAX_NUMBER_DIGITS)}
    assert parse_yaml(f"v: '{'9' * 5_000}'\n").data == {"v": "9" * 5_000}
    assert parse_yaml(f"v: {'9' * 5_000}.5\n").data == {"v": float("inf")}  # a float, which Python reads at any length


# --- speed ------------------------------------------------------------------------------------
def test_a_flow_sequence_as_large_as_allowed_is_read_quickly(parser: str) -> None:
    items = (MAX_FILE_BYTES - 16) // 2
    text = "x: [" + ",".join(["a"] * items) + "]\n"
    started = time.process_time()
    assert len(parse_yaml(text).data["x"]) == items
    # About 0.2 s with libyaml (2.5 s with PyYAML's composer before); the fallback takes about 2 s.
    assert time.process_time() - started < (1.5 if parser == "libyaml" else 10)


WORST_CASES = {
    "hashes in a comment": "# " + "a#" * (MAX_FILE_BYTES // 2 - 4) + "\nx: 1\n",
    "hashes in text": "x: [" + ",".join(["a#b"] * (MAX_FILE_BYTES // 5)) + "]\n",
    "empty values in braces": "x: {" + ",\n  ".join(f"k{i}: " for i in range(MAX_FILE_BYTES // 12)) + "\n  }\n",
    "quoted text over lines": "x:\n" + '- "a\n   b"\n' * (MAX_FILE_BYTES // 14),
    "block text": "x:\n" + "- |\n\n\n   b\n" * (MAX_FILE_BYTES // 14),
}


@pytest.mark.parametrize("text", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_the_added_checks_stay_linear(parser: str, text: str) -> None:
    started = time.process_time()
    parse_yaml(text)
    assert time.process_time() - started < (1.5 if parser == "libyaml" else 10)


def test_bad_indentation_is_located() -> None:
    error = _error("trigger:\n  unless:\n    tags: [x]\n   actors: [y]\n")
    assert (error.line, error.column) == (4, 4)
    assert error.message.startswith("invalid YAML: ")


# --- YAML 1.2 scalars, not YAML 1.1 surprises ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NO", "NO"),
        ("No", "No"),
        ("no", "no"),
        ("yes", "yes"),
        ("Yes", "Yes"),
        ("off", "off"),
        ("ON", "ON"),
        ("y", "y"),
        ("n", "n"),
        ("1:20", "1:20"),
        ("1_000", "1_000"),
        ("true", True),
        ("True", True),
        ("false", False),
        ("FALSE", False),
        ("12", 12),
        ("-3", -3),
        ("0x1F", 31),
        ("0o17", 15),
        ("1.10", 1.1),
        ("1e3", 1000.0),
        ("~", None),
        ("null", None),
        ("", None),
        ("'2021-12-25'", "2021-12-25"),
        ('"2021-12-25"', "2021-12-25"),
        ('"NO"', "NO"),
        ("'true'", "true"),
        ("2021-12-25", dt.date(2021, 12, 25)),
        ("2021-12-25T18:00:00+01:00", dt.datetime(2021, 12, 25, 18, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ("2021-12-25T17:00:00Z", dt.datetime(2021, 12, 25, 17, tzinfo=dt.UTC)),
        ("2021-12-25 18:00:00 +01:00", dt.datetime(2021, 12, 25, 18, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ("2021-12-25T18:00:00", dt.datetime(2021, 12, 25, 18)),  # naive: the scenario model rejects it
        ("2021-12-25 8:00:00Z", dt.datetime(2021, 12, 25, 8, tzinfo=dt.UTC)),  # YAML allows a one-digit hour
        ("! 12", "12"),  # the non-specific tag makes a plain scalar text
        ("! true", "true"),
        ("! 2021-12-25", "2021-12-25"),
    ],
)
def test_scalar_values(text: str, expected: object) -> None:
    value = parse_yaml(f"v: {text}\n").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(("text", "check"), [(".inf", math.isinf), ("-.Inf", math.isinf), (".nan", math.isnan), (".NaN", math.isnan)])
def test_yaml_infinity_and_nan_do_not_crash(text: str, check: Callable[[float], bool]) -> None:
    value = parse_yaml(f"v: {text}\n").data["v"]
    assert isinstance(value, float)
    assert check(value)


def test_on_key_stays_on() -> None:
    data = parse_yaml("withdrawn:\n  on: 2022-01-01\n  reason: x\n").data
    assert data == {"withdrawn": {"on": dt.date(2022, 1, 1), "reason": "x"}}


def test_keys_are_always_text() -> None:
    assert parse_yaml("1: a\ntrue: b\nNO: c\nnull: d\n").data == {"1": "a", "true": "b", "NO": "c", "null": "d"}


def test_country_codes_in_lists_stay_text() -> None:
    assert parse_yaml("actors: [NO, SE, FI, DK, ON]\n").data == {"actors": ["NO", "SE", "FI", "DK", "ON"]}


def test_block_scalar_is_text() -> None:
    assert parse_yaml("summary: >\n  12\n").data == {"summary": "12\n"}


def test_invalid_date_is_an_error_with_position() -> None:
    assert _where(_error("opened: 2021-12-03\ndeadline: 2021-02-30\n")) == (2, 11, "'2021-02-30' is not a real calendar date")


def test_invalid_datetime_is_an_error_with_position() -> None:
    assert _where(_error("deadline: 2021-12-25T25:00:00Z\n")) == (1, 11, "'2021-12-25T25:00:00Z' is not a real date and time")


def test_invalid_date_in_quotes_is_just_text() -> None:
    assert parse_yaml("v: '2021-02-30'\n").data == {"v": "2021-02-30"}


# --- positions ------------------------------------------------------------------------------
def test_positions_of_values_and_keys_are_one_based() -> None:
    doc = parse_yaml("id: x\ntrigger:\n  unless:\n    tags: [a, b]\n")
    assert doc.value_pos[("id",)] == (1, 5)
    assert doc.key_pos[("trigger",)] == (2, 1)
    assert doc.key_pos[("trigger", "unless", "tags")] == (4, 5)
    assert doc.value_pos[("trigger", "unless", "tags", 1)] == (4, 15)


def test_an_empty_value_in_braces_stands_after_its_colon() -> None:
    # libyaml gives the next token's position, PyYAML the colon's end: both paths say the latter.
    doc = parse_yaml("x: {a: , b:\n  }\n")
    assert doc.value_pos[("x", "a")] == (1, 7)
    assert doc.value_pos[("x", "b")] == (1, 12)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    doc = parse_yaml("id: x\ntrigger:\n  unless:\n    tags: [a]\n")
    # `unless` has no `actors`: its value (the block mapping, starting at `tags`) stands in.
    assert doc.locate(("trigger", "unless", "actors")) == (4, 5)
    assert doc.locate(("nowhere",)) == (1, 1)


def test_crlf_line_endings_give_the_same_positions() -> None:
    doc = parse_yaml("id: x\r\ntitle: y\r\n")
    assert doc.data == {"id": "x", "title": "y"}
    assert doc.value_pos[("title",)] == (2, 8)


def test_empty_text_is_no_data() -> None:
    assert parse_yaml("").data is None
    assert parse_yaml("# only a comment\n").data is None
    assert parse_yaml("---\n").data is None


def test_non_specific_tag_on_collections_changes_nothing() -> None:
    assert parse_yaml("a: ! [1]\nb: ! {c: 2}\n").data == {"a": [1], "b": {"c": 2}}


@pytest.mark.parametrize("text", ["%YAML 1.2\n---\na: 1\n", "%YAML 1.1\n---\na: 1\n", "%TAG !e! tag:example.com,2000:\n---\na: 1\n"])
def test_yaml_and_tag_directives_are_accepted(text: str) -> None:
    assert parse_yaml(text).data == {"a": 1}


@pytest.mark.parametrize(("text", "directive"), [("%YAML 1.3\n---\na: 1\n", "%YAML 1.3"), ("%FOO bar # c\n---\na: 1\n", "%FOO bar")])
def test_other_directives_are_refused(text: str, directive: str) -> None:
    assert _where(_error(text)) == (1, 1, f"invalid YAML: unsupported directive {directive!r}; a scenario file needs no directives")


# --- the fallback -----------------------------------------------------------------------------
def test_both_parsers_read_the_repository_files_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted([*ROOT.glob("scenarios/*.yaml"), ROOT / ".pre-commit-hooks.yaml", ROOT / "docs" / "github-workflow-example.yml"]):
        text = path.read_text(encoding="utf-8")
        with monkeypatch.context() as patch:
            fast = parse_yaml(text)
            fast.positions()  # found now, by libyaml: a document finds its positions when first asked
            patch.setattr(yamlsafe, "_LibyamlParser", None)
            pure = parse_yaml(text)
            pure.positions()
        assert fast == pure, path.name
