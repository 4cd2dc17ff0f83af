"""Scenario files: every field a user can get wrong, with the exact message and position they see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.scenario.loader import load_scenario_file, load_scenarios
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC, Span

Write = Callable[[str, str], Path]

# The contract's example, exactly as the issue gives it.
CHRISTMAS = """\
id: joint-sanctions-christmas-2021          # slug; must equal the file name's stem; unique
title: Joint US-EU-UK sanctions package if Russia does not back down by Christmas
summary: >
  The US, EU members and the UK are drafting a catalogue of sanctions and
  envisage seeking a joint package if Russia shows no signs of backing down.
actors: [US, EU, UK]                         # who acts
targets: [Russia]                            # who is targeted
tags: [ukraine, sanctions]
opened: 2021-12-03                           # tracking starts; earlier events are ignored
deadline: 2021-12-25                         # a date means the END of that day in `timezone`
timezone: Europe/Brussels                    # IANA name; default UTC
warn_within: 7d                              # optional: status due-soon inside this window
trigger:
  unless:                                    # fires AT the deadline unless a matching event comes first
    actors: [Russia]
    tags: [de-escalation]
response:
  title: Joint sanctions package
  match:
    tags: [sanctions-package]
  within: 30d                                # optional: after this the response is overdue
signposts:                                   # optional indicators, plotted but not deciding status
  - title: Troop build-up continues
    direction: escalation
    match: {actors: [Russia], tags: [military-buildup]}
sources:
  - title: US-Russia tension on Ukraine erupts at OSCE dinner (Bloomberg, 6 Dec 2021)
"""

MINIMAL = """\
id: s
title: T
opened: 2021-12-03
deadline: 2021-12-25
trigger:
  unless:
    actors: [Russia]
"""


def _load(write: Write, text: str, name: str = "s.yaml") -> tuple[Scenario | None, list[str]]:
    path = write(f"scenarios/{name}", text)
    scenario, problems, _ = load_scenario_file(path, name)
    return scenario, [f"{p.line}:{p.column}: {p.message}" for p in problems]


def _problems(write: Write, text: str, name: str = "s.yaml") -> list[str]:
    scenario, problems = _load(write, text, name)
    assert scenario is None, "a file with problems must not yield a scenario"
    return problems


def test_the_issue_example_is_valid(write: Write) -> None:
    scenario, problems = _load(write, CHRISTMAS, "joint-sanctions-christmas-2021.yaml")
    assert problems == []
    assert scenario is not None
    assert scenario.actors == ["US", "EU", "UK"]
    assert scenario.trigger.kind == "unless"
    assert scenario.trigger.match.actors == ["Russia"]
    assert scenario.warn_within == Span(fixed=dt.timedelta(days=7))
    assert scenario.response is not None and scenario.response.within == Span(fixed=dt.timedelta(days=30))
    assert scenario.signposts[0].direction == "escalation"
    assert scenario.sources[0].url is None
    # A date deadline is the END of that day in the scenario's zone (CET, UTC+1, in December).
    assert scenario.deadline_at == dt.datetime(2021, 12, 25, 23, tzinfo=UTC)
    assert scenario.opened_at == dt.datetime(2021, 12, 2, 23, tzinfo=UTC)
    assert scenario.deadline_text == "2021-12-25 24:00 Europe/Brussels"


def test_minimal_file_takes_the_defaults(write: Write) -> None:
    scenario, problems = _load(write, MINIMAL)
    assert problems == []
    assert scenario is not None
    assert scenario.timezone == "UTC"
    assert (scenario.actors, scenario.targets, scenario.tags, scenario.signposts, scenario.sources) == ([], [], [], [], [])
    assert scenario.response is None and scenario.warn_within is None and scenario.withdrawn is None


def test_yml_suffix_is_accepted(write: Write) -> None:
    scenario, problems = _load(write, MINIMAL, "s.yml")
    assert problems == [] and scenario is not None


# Each case: what the user wrote (as a change to MINIMAL) and exactly what they are told, where.
CASES: dict[str, tuple[str, list[str]]] = {
    "missing required fields": (
        "id: s\ntitle: T\n",
        [
            "1:1: opened: required field is missing",
            "1:1: deadline: required field is missing",
            "1:1: trigger: required field is missing; for a commitment with no condition, leave it out and give `response:`",
        ],
    ),
    "misspelt top-level key": (
        MINIMAL.replace("deadline:", "deadlne:"),
        ["1:1: deadline: required field is missing", "4:1: deadlne: unknown field 'deadlne'; did you mean 'deadline'?"],
    ),
    "misspelt trigger key": (
        MINIMAL.replace("unless:", "unles:"),
        ["6:3: trigger.unles: unknown field 'unles'; did you mean 'unless'?"],
    ),
    "misspelt response key": (
        MINIMAL + "response:\n  title: R\n  match: {tags: [x]}\n  withn: 30d\n",
        ["11:3: response.withn: unknown field 'withn'; did you mean 'within'?"],
    ),
    "misspelt match key": (
        MINIMAL.replace("actors: [Russia]", "actor: [Russia]"),
        ["7:5: trigger.unless.actor: unknown field 'actor'; did you mean 'actors'?"],
    ),
    "misspelt signpost key": (
        MINIMAL + "signposts:\n  - title: S\n    direction: escalation\n    mach: {tags: [x]}\n",
        ["9:5: signposts[0].match: required field is missing", "11:5: signposts[0].mach: unknown field 'mach'; did you mean 'match'?"],
    ),
    "unknown key with nothing close lists the allowed ones": (
        MINIMAL + "colour: red\n",
        [
            "8:1: colour: unknown field 'colour' (allowed: id, title, summary, actors, targets, tags, opened, deadline, "
            "deadlines, recurs, timezone, warn_within, owner, review_every, trigger, response, signposts, sources, withdrawn, tests)"
        ],
    ),
    "unknown key that looks like a pydantic union member": (
        MINIMAL + "date: 2021-12-25\n",
        [
            "8:1: date: unknown field 'date' (allowed: id, title, summary, actors, targets, tags, opened, deadline, "
            "deadlines, recurs, timezone, warn_within, owner, review_every, trigger, response, signposts, sources, withdrawn, tests)"
        ],
    ),
    "id as a number": (
        MINIMAL.replace("id: s", "id: 123"),
        ["1:5: id: expected text, got the number 123 (put it in quotes if you meant text)"],
    ),
    "title as a number": (
        MINIMAL.replace("title: T", "title: 1.10"),
        ["2:8: title: expected text, got the number 1.1 (put it in quotes if you meant text)"],
    ),
    "title as a boolean": (
        MINIMAL.replace("title: T", "title: true"),
        ["2:8: title: expected text, got the boolean true (put it in quotes if you meant text)"],
    ),
    "title left empty": (
        MINIMAL.replace("title: T", "title:"),
        ["2:7: title: expected text, got nothing (put it in quotes if you meant text)"],
    ),
    "title empty string": (
        MINIMAL.replace("title: T", "title: ''"),
        ["2:8: title: must not be empty"],
    ),
    "actors as text": (
        MINIMAL + "actors: US\n",
        ["8:9: actors: expected a list like [a, b], got 'US'"],
    ),
    "number in a match list": (
        MINIMAL.replace("actors: [Russia]", "actors: [1]"),
        ["7:14: trigger.unless.actors[0]: expected text, got the number 1 (put it in quotes if you meant text)"],
    ),
    "empty value in a match list": (
        MINIMAL.replace("actors: [Russia]", "actors: ['']"),
        ["7:14: trigger.unless.actors[0]: must not be empty"],
    ),
    "id not a slug": (
        MINIMAL.replace("id: s", "id: Bad_Id"),
        ["1:5: id: 'Bad_Id' is not a slug (lowercase letters, digits and single hyphens)"],
    ),
    "id with double hyphen": (
        MINIMAL.replace("id: s", "id: a--b"),
        ["1:5: id: 'a--b' is not a slug (lowercase letters, digits and single hyphens)"],
    ),
    "quoted date is not coerced": (
        MINIMAL.replace("opened: 2021-12-03", "opened: '2021-12-03'"),
        ["3:9: opened: expected a date like 2021-12-25 (unquoted), got '2021-12-03'"],
    ),
    "datetime where a date is expected": (
        MINIMAL.replace("opened: 2021-12-03", "opened: 2021-12-03T00:00:00Z"),
        ["3:9: opened: expected a date like 2021-12-25 (unquoted), got the datetime 2021-12-03T00:00:00+00:00"],
    ),
    "invalid calendar date": (
        MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-02-30"),
        ["4:11: '2021-02-30' is not a real calendar date"],
    ),
    "naive datetime deadline": (
        MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-12-25T18:00:00"),
        ["4:11: deadline: 2021-12-25T18:00:00 has no time zone offset; write e.g. 2021-12-25T18:00:00+01:00, or give just the date"],
    ),
    "deadline as words": (
        MINIMAL.replace("deadline: 2021-12-25", "deadline: Christmas"),
        [
            "4:11: deadline: expected a date like 2021-12-25 or a datetime with offset like 2021-12-25T18:00:00+01:00 (unquoted), "
            "got 'Christmas'"
        ],
    ),
    "quoted deadline": (
        MINIMAL.replace("deadline: 2021-12-25", "deadline: '2021-12-25'"),
        [
            "4:11: deadline: expected a date like 2021-12-25 or a datetime with offset like 2021-12-25T18:00:00+01:00 (unquoted), "
            "got '2021-12-25'"
        ],
    ),
    "deadline before opened": (
        MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-12-02"),
        ["4:11: deadline: 2021-12-02 24:00 UTC is not after opened 2021-12-03"],
    ),
    "deadline at the very start of opened": (
        MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-12-03T00:00:00Z"),
        ["4:11: deadline: 2021-12-03T00:00:00+00:00 is not after opened 2021-12-03"],
    ),
    "unknown time zone with a suggestion": (
        MINIMAL + "timezone: Europe/Brusels\n",
        ["8:11: timezone: unknown time zone 'Europe/Brusels'; did you mean 'Europe/Brussels'?"],
    ),
    "unknown time zone without a suggestion": (
        MINIMAL + "timezone: Mars/Olympus\n",
        ["8:11: timezone: unknown time zone 'Mars/Olympus' (an IANA name such as Europe/Brussels)"],
    ),
    "time zone abbreviation": (
        MINIMAL + "timezone: CETT\n",
        ["8:11: timezone: unknown time zone 'CETT'; did you mean 'CET'?"],
    ),
    "duration with unknown unit": (
        MINIMAL + "warn_within: 30x\n",
        [
            "8:14: warn_within: '30x' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)"
        ],
    ),
    "review_every with a bad duration": (
        MINIMAL + "review_every: monthly\n",
        [
            "8:15: review_every: 'monthly' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)"
        ],
    ),
    "review_every left empty": (
        MINIMAL + "review_every:\n",
        [
            "8:14: review_every: expected a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes), got nothing"
        ],
    ),
    "owner that is half an e-mail address": (
        MINIMAL + "owner: analyst@\n",
        ["8:8: owner: 'analyst@' has an @ but is not an e-mail address like analyst@example.org; give a name or an address"],
    ),
    "owner of spaces": (
        MINIMAL + "owner: '  '\n",
        ["8:8: owner: expected a name or an e-mail address, got only spaces"],
    ),
    "owner on two lines": (
        MINIMAL + "owner: |\n  Russia\n  desk\n",
        ["8:8: owner: a name or an e-mail address fits on one line"],
    ),
    "owner as a list": (
        MINIMAL + "owner: [AB, CD]\n",
        ["8:8: owner: expected text, got a list (put it in quotes if you meant text)"],
    ),
    "zero duration": (
        MINIMAL + "warn_within: 0d\n",
        ["8:14: warn_within: '0d' must be longer than zero"],
    ),
    "duration as a bare number": (
        MINIMAL + "warn_within: 30\n",
        [
            "8:14: warn_within: expected a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes), got the number 30"
        ],
    ),
    "duration as quoted number is not coerced": (
        MINIMAL + "warn_within: '30'\n",
        [
            "8:14: warn_within: '30' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)"
        ],
    ),
    "response within with a bad duration": (
        MINIMAL + "response:\n  title: R\n  match: {tags: [x]}\n  within: 1 month\n",
        [
            "11:11: response.within: '1 month' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)"
        ],
    ),
    "empty match": (
        MINIMAL.replace("  unless:\n    actors: [Russia]\n", "  unless: {}\n"),
        ["6:11: trigger.unless: an empty match would match nothing; give tags, actors, targets or ids"],
    ),
    "match with only empty lists": (
        MINIMAL.replace("actors: [Russia]", "actors: []"),
        ["7:5: trigger.unless: an empty match would match nothing; give tags, actors, targets or ids"],
    ),
    "both when and unless": (
        MINIMAL + "  when: {tags: [x]}\n",
        ["6:3: trigger: give exactly one of `when:`, `unless:` or `after:`"],
    ),
    "neither when nor unless": (
        MINIMAL.replace("  unless:\n    actors: [Russia]\n", "  {}\n"),
        ["6:3: trigger: give exactly one of `when:`, `unless:` or `after:`"],
    ),
    "trigger left empty": (
        MINIMAL.replace("  unless:\n    actors: [Russia]\n", ""),
        ["5:9: trigger: expected a mapping of fields, got nothing"],
    ),
    "trigger as text": (
        MINIMAL.replace("trigger:\n  unless:\n    actors: [Russia]\n", "trigger: Russia invades\n"),
        ["5:10: trigger: expected a mapping of fields, got 'Russia invades'"],
    ),
    "response without match": (
        MINIMAL + "response:\n  title: R\n",
        ["9:3: response.match: required field is missing"],
    ),
    "signpost direction not in the list": (
        MINIMAL + "signposts:\n  - title: S\n    direction: up\n    match: {tags: [x]}\n",
        ["10:16: signposts[0].direction: expected 'escalation' or 'de-escalation', got 'up'"],
    ),
    "signposts as a mapping": (
        MINIMAL + "signposts: {title: x}\n",
        ["8:12: signposts: expected a list like [a, b], got a mapping"],
    ),
    "source url without scheme": (
        MINIMAL + "sources:\n  - title: S\n    url: www.example.com\n",
        ["10:10: sources[0].url: 'www.example.com' is not a web address starting with http:// or https://"],
    ),
    "source url with spaces": (
        MINIMAL + "sources:\n  - title: S\n    url: https://example.com/a b\n",
        ["10:10: sources[0].url: 'https://example.com/a b' is not a web address starting with http:// or https://"],
    ),
    "withdrawn without reason": (
        MINIMAL + "withdrawn:\n  on: 2022-01-01\n",
        ["9:3: withdrawn.reason: required field is missing"],
    ),
    "withdrawn with quoted date": (
        MINIMAL + "withdrawn:\n  on: '2022-01-01'\n  reason: x\n",
        ["9:7: withdrawn.on: expected a date like 2021-12-25 (unquoted), got '2022-01-01'"],
    ),
    "withdrawn misspelt": (
        MINIMAL + "withdrawn:\n  date: 2022-01-01\n  reason: x\n",
        ["9:3: withdrawn.on: required field is missing", "9:3: withdrawn.date: unknown field 'date' (allowed: on, reason)"],
    ),
    "list instead of a mapping": (
        "- id: s\n- title: T\n",
        ["1:1: a scenario file must be a mapping of fields (id, title, ...); this one is a list, not a mapping of fields"],
    ),
    "plain text instead of a mapping": (
        "Sanctions if Russia invades\n",
        [
            "1:1: a scenario file must be a mapping of fields (id, title, ...); "
            "this one is 'Sanctions if Russia invades', not a mapping of fields"
        ],
    ),
    "empty file": (
        "",
        ["1:1: a scenario file must be a mapping of fields (id, title, ...); this one is empty"],
    ),
    "only comments": (
        "# TODO: write the scenario\n",
        ["1:1: a scenario file must be a mapping of fields (id, title, ...); this one is empty"],
    ),
    "duplicate key": (
        MINIMAL + "title: U\n",
        ["8:1: duplicate key 'title' (first given on line 2)"],
    ),
    "anchor": (
        MINIMAL + "tags: &t [a]\n",
        ["8:7: anchors (&t) are not allowed in scenario files; write the value out"],
    ),
    "id differs from the file name": (
        MINIMAL.replace("id: s", "id: other"),
        ["1:5: id: 'other' must equal the file name's stem 's'"],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_user_mistake_gets_the_exact_message(write: Write, case: str) -> None:
    text, expected = CASES[case]
    assert _problems(write, text) == expected


def test_strict_mode_never_coerces(write: Write) -> None:
    # Each of these would pass in pydantic's lax mode; a reviewer must see the mistake instead.
    assert _problems(write, MINIMAL.replace("id: s", "id: 5")) == [
        "1:5: id: expected text, got the number 5 (put it in quotes if you meant text)"
    ]
    assert _problems(write, MINIMAL + "summary: 42\n") == [
        "8:10: summary: expected text, got the number 42 (put it in quotes if you meant text)"
    ]
    assert _problems(write, MINIMAL + "tags: [2022]\n") == [
        "8:8: tags[0]: expected text, got the number 2022 (put it in quotes if you meant text)"
    ]


def test_yaml_1_1_words_are_kept_as_written(write: Write) -> None:
    text = (
        MINIMAL.replace("actors: [Russia]", "actors: [NO, ON, yes, off]") + "targets: [NO]\nwithdrawn:\n  on: 2022-01-01\n  reason: moot\n"
    )
    scenario, problems = _load(write, text)
    assert problems == []
    assert scenario is not None
    assert scenario.trigger.match.actors == ["NO", "ON", "yes", "off"]
    assert scenario.targets == ["NO"]
    assert scenario.withdrawn is not None and scenario.withdrawn.on == dt.date(2022, 1, 1)


def test_deadline_with_offset_is_exact(write: Write) -> None:
    scenario, problems = _load(write, MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-12-25T18:00:00+01:00"))
    assert problems == []
    assert scenario is not None
    assert scenario.deadline_at == dt.datetime(2021, 12, 25, 17, tzinfo=UTC)
    assert not scenario.schedule[-1].is_date


def test_deadline_in_utc_z_is_accepted(write: Write) -> None:
    scenario, problems = _load(write, MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-12-25T17:00:00Z"))
    assert problems == [] and scenario is not None
    assert scenario.deadline_at == dt.datetime(2021, 12, 25, 17, tzinfo=UTC)


def test_date_deadline_ends_at_midnight_in_a_zone_with_dst(write: Write) -> None:
    # 30 October 2021 is a Saturday; clocks in Brussels go back on Sunday 31 October at 03:00.
    text = MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-10-31") + "timezone: Europe/Brussels\n"
    scenario, problems = _load(write, text.replace("opened: 2021-12-03", "opened: 2021-10-01"))
    assert problems == [] and scenario is not None
    assert scenario.deadline_at == dt.datetime(2021, 10, 31, 23, tzinfo=UTC)  # CET after the change


@pytest.mark.parametrize("owner", ["Russia desk", "  analyst@example.org  ", "A. Analyst (EU desk)"])
def test_owner_and_review_every_are_read_trimmed(write: Write, owner: str) -> None:
    scenario, problems = _load(write, MINIMAL + f"owner: '{owner}'\nreview_every: 2w\n")
    assert problems == [] and scenario is not None
    assert (scenario.owner, scenario.review_every) == (owner.strip(), Span(fixed=dt.timedelta(weeks=2)))


def test_review_every_without_an_owner_is_allowed(write: Write) -> None:
    scenario, problems = _load(write, MINIMAL + "review_every: 30d\n")
    assert problems == [] and scenario is not None and scenario.owner is None


def test_durations(write: Write) -> None:
    text = MINIMAL + "warn_within: 2w\nresponse:\n  title: R\n  match: {ids: [e1]}\n  within: 1w 3d 12h\n"
    scenario, problems = _load(write, text)
    assert problems == [] and scenario is not None
    assert scenario.warn_within == Span(fixed=dt.timedelta(weeks=2))
    assert scenario.response is not None and scenario.response.within == Span(fixed=dt.timedelta(days=10, hours=12))


def test_source_url_accepted(write: Write) -> None:
    scenario, problems = _load(write, MINIMAL + "sources:\n  - title: S\n    url: https://example.com/a?b=c\n")
    assert problems == [] and scenario is not None


def test_several_problems_in_one_file_are_all_reported(write: Write) -> None:
    text = MINIMAL.replace("id: s", "id: 7").replace("title: T", "titel: T") + "warn_within: soon\n"
    assert _problems(write, text) == [
        "1:5: id: expected text, got the number 7 (put it in quotes if you meant text)",
        "1:1: title: required field is missing",
        "8:14: warn_within: 'soon' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
        "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)",
        "2:1: titel: unknown field 'titel'; did you mean 'title'?",
    ]


def test_non_utf8_file(write: Write) -> None:
    path = write("scenarios/s.yaml", "")
    path.write_bytes(MINIMAL.replace("title: T", "title: Sanktionen für Russland").encode("latin-1"))
    scenario, problems, doc = load_scenario_file(path, "s.yaml")
    assert (scenario, doc) == (None, None)
    assert [str(p) for p in problems] == ["s.yaml:2:20: error: file is not UTF-8 text; save it as UTF-8"]


def test_pasted_terminal_colours_are_a_located_problem(write: Write) -> None:
    path = write("scenarios/s.yaml", "")
    path.write_bytes(MINIMAL.replace("title: T", "title: \x1b[31mT\x1b[0m").encode())
    scenario, problems, doc = load_scenario_file(path, "s.yaml")
    assert (scenario, doc) == (None, None)
    assert [str(p) for p in problems] == [
        "s.yaml:2:8: error: control character U+001B (ESC) is not allowed in a scenario file; remove it (pasted terminal colours?)"
    ]


def test_utf8_bom_is_accepted(write: Write) -> None:
    path = write("scenarios/s.yaml", "")
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    scenario, problems, _ = load_scenario_file(path)
    assert problems == [] and scenario is not None


def test_windows_line_endings_keep_positions(write: Write) -> None:
    path = write("scenarios/s.yaml", "")
    path.write_bytes(MINIMAL.replace("deadline: 2021-12-25", "deadline: 2021-02-30").replace("\n", "\r\n").encode())
    _, problems, _ = load_scenario_file(path, "s.yaml")
    assert [str(p) for p in problems] == ["s.yaml:4:11: error: '2021-02-30' is not a real calendar date"]


# --- folders -----------------------------------------------------------------------------------
def _scenario_text(sid: str) -> str:
    return MINIMAL.replace("id: s", f"id: {sid}")


def test_folder_loads_every_file_in_name_order(write: Write, tmp_path: Path) -> None:
    for sid in ("b", "a", "c"):
        write(f"scenarios/{sid}.yaml", _scenario_text(sid))
    result = load_scenarios(tmp_path / "scenarios")
    assert result.problems == []
    assert [s.id for s in result.scenarios] == ["a", "b", "c"]
    assert result.files["b"] == tmp_path / "scenarios" / "b.yaml"
    assert result.by_id("c") is result.scenarios[2]
    assert result.by_id("zzz") is None


def test_one_broken_file_never_hides_the_others(write: Write, tmp_path: Path) -> None:
    write("scenarios/a.yaml", _scenario_text("a"))
    write("scenarios/b.yaml", "id: b\ntitle: [unclosed\n")
    write("scenarios/c.yaml", _scenario_text("c").replace("unless:", "unles:"))
    bad = write("scenarios/d.yaml", "")
    bad.write_bytes(b"\xff\xfe")
    write("scenarios/e.yaml", _scenario_text("e"))
    result = load_scenarios(tmp_path / "scenarios")
    assert [s.id for s in result.scenarios] == ["a", "e"]
    assert sorted((Path(p.path).name, p.line, p.column) for p in result.problems) == [
        ("b.yaml", 3, 1),
        ("c.yaml", 6, 3),
        ("d.yaml", 1, 1),  # the first byte is not UTF-8
    ]


def test_duplicate_ids_across_yaml_and_yml(write: Write, tmp_path: Path) -> None:
    write("scenarios/x.yaml", _scenario_text("x"))
    write("scenarios/x.yml", _scenario_text("x"))
    result = load_scenarios(tmp_path / "scenarios")
    assert [s.id for s in result.scenarios] == ["x"]
    assert result.files["x"].name == "x.yaml"
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (Path(problem.path).name, problem.line, problem.column) == ("x.yml", 1, 5)
    assert problem.message.startswith("id: duplicate scenario id 'x' (also in ")
    assert problem.message.endswith("x.yaml)")


def test_folder_ignores_other_files(write: Write, tmp_path: Path) -> None:
    write("scenarios/a.yaml", _scenario_text("a"))
    write("scenarios/README.md", "# notes\n")
    write("scenarios/scenario.schema.json", "{}\n")
    write("scenarios/.b.yaml", "not: valid: yaml\n")  # editor swap or hidden file
    result = load_scenarios(tmp_path / "scenarios")
    assert [s.id for s in result.scenarios] == ["a"]
    assert result.problems == []


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_scenarios(tmp_path / "nowhere")
    assert result.scenarios == []
    assert [(p.line, p.message) for p in result.problems] == [(0, "scenario folder does not exist")]


def test_a_single_file_can_be_loaded(write: Write) -> None:
    path = write("scenarios/a.yaml", _scenario_text("a"))
    result = load_scenarios(path)
    assert [s.id for s in result.scenarios] == ["a"]
    assert result.documents["a"].value_pos[("id",)] == (1, 5)


def test_list_of_files(write: Write) -> None:
    paths = [write(f"scenarios/{sid}.yaml", _scenario_text(sid)) for sid in ("a", "b")]
    assert [s.id for s in load_scenarios(paths).scenarios] == ["a", "b"]
