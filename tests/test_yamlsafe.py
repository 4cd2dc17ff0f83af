"""Strict, safe YAML: what the parser refuses, where it says so, and the YAML 1.1 surprises it avoids."""

from __future__ import annotations

import datetime as dt
import math
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.scenario.loader import load_scenario_file
from tracker.scenario.yamlsafe import MAX_DEPTH, MAX_FILE_BYTES, YamlError, parse_yaml


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
    assert _where(_error("? [a, b]\n: 1\n")) == (1, 3, "mapping keys must be plain words")


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


def test_tab_indentation_is_located() -> None:
    assert _where(_error("trigger:\n\tunless: {tags: [x]}\n")) == (
        2,
        1,
        "invalid YAML: a tab character here; use spaces instead of tabs in YAML",
    )


def test_tab_inside_quotes_is_text() -> None:
    assert parse_yaml('title: "a\tb"\n').data == {"title": "a\tb"}


def test_unclosed_bracket_is_located() -> None:
    assert _where(_error("tags: [a, b\ntitle: x\n")) == (2, 6, "invalid YAML: expected ',' or ']', but got ':'")


def test_colon_in_plain_value_is_located() -> None:
    assert _where(_error("title: Sanctions: the plan\n")) == (1, 17, "invalid YAML: mapping values are not allowed here")


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
