"""Linked scenarios: a trigger that fires when another scenario first reaches a status (`after:`)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_cli import status_json, tracker
from tracker.engine.history import assess_over, status_history
from tracker.engine.scenario_tests import run_scenario_tests
from tracker.engine.status import Basis, Status, assess, assess_all
from tracker.log.events import EventLog
from tracker.log.reader import log_from_rows
from tracker.report.views import grouped_board
from tracker.scenario.loader import ScenarioSet, load_scenarios
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC

Write = Callable[[str, str], Path]

# `threat`: triggers on the first `ultimatum` event in January 2025, enacted by the first `notice` (within 10d).
THREAT = """
    id: threat
    title: The threat is carried out
    opened: 2025-01-01
    deadline: 2025-01-31
    trigger:
      when: {tags: [ultimatum]}
    response:
      title: Notice given
      match: {tags: [notice]}
      within: 10d
"""


def follower(sid: str, parent: str, statuses: str = "[enacted]", *, deadline: str = "2025-02-28", response: str = "sanctions") -> str:
    """A scenario that fires when ``parent`` reaches one of ``statuses``; its response is a ``response`` event within 30d."""
    return f"""
    id: {sid}
    title: Scenario {sid}
    opened: 2025-01-01
    deadline: {deadline}
    trigger:
      after:
        scenario: {parent}
        status: {statuses}
    response:
      title: Sanctions
      match: {{tags: [{response}]}}
      within: 30d
"""


def events(*rows: tuple[str, str, str]) -> EventLog:
    """A log of (id, occurred, tags) rows; `logged_at` is the occurred instant unless given as "occurred@logged"."""
    found = []
    for event_id, occurred, tags in rows:
        when, _, logged = occurred.partition("@")
        found.append({"id": event_id, "occurred": when, "title": f"Event {event_id}", "tags": tags, "source": "Wire", "logged_at": logged})
    return log_from_rows(found)


def loaded(write: Write, tmp_path: Path, **files: str) -> ScenarioSet:
    for sid, text in files.items():
        write(f"scenarios/{sid}.yaml", text)
    return load_scenarios(tmp_path / "scenarios")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def messages(found: ScenarioSet) -> list[str]:
    return [str(p).split("/scenarios/", 1)[-1] for p in sorted(found.problems)]


# --- the links, checked across files -------------------------------------------------------------
def test_an_unknown_id_is_a_located_error_with_did_you_mean(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "thraet"))
    assert messages(found) == [
        "child.yaml:7:15: error: trigger.after.scenario: no scenario has the id 'thraet'; did you mean 'threat'?",
    ]
    assert [s.id for s in found.scenarios] == ["threat"]  # one bad link leaves the rest


def test_a_self_link_is_refused(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, child=follower("child", "child"))
    assert messages(found) == ["child.yaml:7:15: error: trigger.after.scenario: a scenario cannot follow itself"]
    assert found.scenarios == []


def test_a_cycle_is_refused_naming_the_whole_cycle_at_each_link(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, a=follower("a", "b"), b=follower("b", "c"), c=follower("c", "a"), threat=THREAT)
    assert messages(found) == [
        "a.yaml:7:15: error: trigger.after.scenario: the links form a cycle: a -> b -> c -> a",
        "b.yaml:7:15: error: trigger.after.scenario: the links form a cycle: b -> c -> a -> b",
        "c.yaml:7:15: error: trigger.after.scenario: the links form a cycle: c -> a -> b -> c",
    ]
    assert [s.id for s in found.scenarios] == ["threat"]


def test_what_follows_a_cycle_is_left_out_too(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, a=follower("a", "b"), b=follower("b", "a"), tail=follower("tail", "a"))
    assert messages(found)[-1] == (
        "tail.yaml:7:15: error: trigger.after.scenario: it follows 'a', which is left out (see its problems); so is this scenario"
    )
    assert found.scenarios == []


def test_a_scenario_whose_parent_did_not_load_is_left_out_saying_so(write: Write, tmp_path: Path) -> None:
    broken = THREAT.replace("opened: 2025-01-01", "opened: someday")
    found = loaded(write, tmp_path, threat=broken, child=follower("child", "threat"), grandchild=follower("grandchild", "child"))
    assert messages(found)[:2] == [
        "child.yaml:7:15: error: trigger.after.scenario: the scenario 'threat' did not load (see the problems of "
        "threat.yaml); this scenario is left out until it does",
        "grandchild.yaml:7:15: error: trigger.after.scenario: it follows 'child', which is left out (see its problems); "
        "so is this scenario",
    ]
    assert messages(found)[2].startswith("threat.yaml:")
    assert found.scenarios == []


def test_an_unlinked_after_trigger_is_never_judged_silently() -> None:
    data = {"id": "child", "title": "C", "opened": day("2025-01-01"), "deadline": day("2025-02-28")}
    child = Scenario.model_validate({**data, "trigger": {"after": {"scenario": "threat", "status": ["enacted"]}}})
    with pytest.raises(ValueError, match="child follows threat, which is not linked to it"):
        assess(child, events(), day("2025-01-10"))


@pytest.mark.parametrize(
    ("after", "message"),
    [
        (
            "{scenario: threat, status: [watching]}",
            "trigger.after.status[0]: expected 'triggered', 'partly-enacted', 'overdue', "
            "'enacted', 'averted', 'lapsed' or 'withdrawn', got 'watching'",
        ),
        ("{scenario: threat, status: []}", "trigger.after.status: must not be empty"),
        ("{scenario: threat}", "trigger.after.status: required field is missing"),
        (
            "{scenario: Threat One, status: [enacted]}",
            "trigger.after.scenario: 'Threat One' is not a slug (lowercase letters, digits and single hyphens)",
        ),
        ("{scenario: threat, status: [enacted], when: x}", "trigger.after.when: unknown field 'when' (allowed: scenario, status)"),
    ],
)
def test_a_wrong_after_says_what_is_wrong(write: Write, tmp_path: Path, after: str, message: str) -> None:
    text = follower("child", "threat").replace("after:\n        scenario: threat\n        status: [enacted]", f"after: {after}")
    found = loaded(write, tmp_path, threat=THREAT, child=text)
    assert [p.message for p in found.problems] == [message]


def test_after_with_when_breaks_the_exactly_one_rule(write: Write, tmp_path: Path) -> None:
    text = follower("child", "threat").replace("    trigger:\n", "    trigger:\n      when: {tags: [x]}\n")
    found = loaded(write, tmp_path, threat=THREAT, child=text)
    assert [p.message for p in found.problems] == ["trigger: give exactly one of `when:`, `unless:` or `after:`"]


# --- the engine -----------------------------------------------------------------------------------
LOG = events(("ultimatum", "2025-01-10", "ultimatum"), ("notice", "2025-01-15", "notice"), ("sanctions", "2025-02-20", "sanctions"))


def test_replay_before_and_after_the_parents_decision(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat"))
    child = found.by_id("child")
    assert child is not None
    before = assess(child, LOG, day("2025-01-14"))
    assert before.status is Status.WATCHING
    assert "“The threat is carried out” has not become enacted since 2025-01-01" in before.explanation
    after = assess(child, LOG, day("2025-01-15"))
    assert (after.status, after.triggered_at, after.decided_by) == (Status.TRIGGERED, dt.datetime(2025, 1, 15, tzinfo=UTC), ("notice",))
    # A date-only deciding event: whole days from its day, as for a `when` trigger.
    assert after.response_due == dt.datetime(2025, 2, 15, tzinfo=UTC)
    assert after.explanation.startswith("Triggered when “The threat is carried out” became enacted on 2025-01-15 (“Event notice”, notice).")
    late = assess(child, LOG, day("2025-02-20"))
    assert (late.status, late.decided_by) == (Status.ENACTED, ("notice", "sanctions"))


def test_one_of_several_statuses_fires_at_the_first_reached(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat", "[enacted, triggered]"))
    child = found.by_id("child")
    assert child is not None
    fired = assess(child, LOG, day("2025-01-20"))
    assert (fired.triggered_at, fired.decided_by) == (dt.datetime(2025, 1, 10, tzinfo=UTC), ("ultimatum",))
    assert "became triggered on 2025-01-10" in fired.explanation


def test_a_status_reached_by_the_clock_fires_with_no_deciding_event(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat", "[overdue]"))
    child = found.by_id("child")
    assert child is not None
    no_notice = events(("ultimatum", "2025-01-10", "ultimatum"))
    fired = assess(child, no_notice, day("2025-01-25"))
    # Triggered on 10 January, the notice was due by the end of 20 January.
    assert (fired.status, fired.triggered_at, fired.decided_by) == (Status.TRIGGERED, dt.datetime(2025, 1, 21, tzinfo=UTC), ())
    assert "became overdue on 2025-01-21 00:00 UTC (its deadline or due time passed)" in fired.explanation


def test_the_child_lapses_when_the_parent_never_gets_there_by_its_deadline(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat", deadline="2025-01-12"))
    child = found.by_id("child")
    assert child is not None
    lapsed = assess(child, LOG, day("2025-01-20"))
    assert (lapsed.status, lapsed.decided_at) == (Status.LAPSED, dt.datetime(2025, 1, 13, tzinfo=UTC))
    assert lapsed.explanation == (
        "Lapsed at 2025-01-12 24:00 UTC: “The threat is carried out” did not become enacted between 2025-01-01 and the deadline."
    )


def test_a_chain_fires_down_its_links(write: Write, tmp_path: Path) -> None:
    # threat enacted (15 Jan) -> middle triggered; its sanctions (20 Feb) -> middle enacted -> last triggered.
    last_text = follower("last", "middle", response="embargo")
    found = loaded(write, tmp_path, threat=THREAT, middle=follower("middle", "threat"), last=last_text)
    last = found.by_id("last")
    assert last is not None
    assert assess(last, LOG, day("2025-02-19")).status is Status.WATCHING
    fired = assess(last, LOG, day("2025-02-20"))
    assert (fired.status, fired.decided_by) == (Status.TRIGGERED, ("sanctions",))
    assert [(a.scenario.id, a.status) for a in assess_all(found.scenarios, LOG, day("2025-02-20"))] == [
        ("last", Status.TRIGGERED),
        ("middle", Status.ENACTED),
        ("threat", Status.ENACTED),
    ]


def test_the_known_basis_follows_the_parent_as_known_then(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat"))
    child = found.by_id("child")
    assert child is not None
    log = events(("ultimatum", "2025-01-10", "ultimatum"), ("notice", "2025-01-15@2025-01-18T09:00:00Z", "notice"))
    assert assess(child, log, day("2025-01-16"), Basis.OCCURRED).status is Status.TRIGGERED
    assert assess(child, log, day("2025-01-16"), Basis.KNOWN).status is Status.WATCHING
    known = assess(child, log, day("2025-01-18"), Basis.KNOWN)
    assert (known.status, known.triggered_at) == (Status.TRIGGERED, dt.datetime(2025, 1, 15, tzinfo=UTC))
    history = status_history(child, log, day("2025-01-14"), day("2025-01-20"), Basis.KNOWN)
    assert [(s.start, s.status) for s in history][1:] == [(dt.datetime(2025, 1, 18, 9, tzinfo=UTC), Status.TRIGGERED)]


def test_the_status_history_steps_at_the_parents_decision(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat"))
    child = found.by_id("child")
    assert child is not None
    history = status_history(child, LOG, day("2025-01-02"), day("2025-03-31"))
    assert [(s.start.date().isoformat(), s.status.value) for s in history] == [
        ("2025-01-02", "watching"),
        ("2025-01-15", "triggered"),
        ("2025-02-15", "overdue"),
        ("2025-02-20", "enacted"),
    ]


def test_scenario_tests_judge_the_parent_against_the_cases_own_events(write: Write, tmp_path: Path) -> None:
    case = textwrap.indent(
        textwrap.dedent("""
        tests:
          - as_of: 2025-01-20
            status: triggered
            decided_by: [n]
            events:
              - {id: u, occurred: 2025-01-05, title: U, tags: [ultimatum]}
              - {id: n, occurred: 2025-01-06, title: N, tags: [notice]}
          - as_of: 2025-01-20
            status: watching
            events:
              - {id: u, occurred: 2025-01-05, title: U, tags: [ultimatum]}
        """),
        "    ",
    )
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat") + case)
    results = run_scenario_tests(found, None)
    assert [(r.status, r.passed) for r in results] == [("triggered", True), ("watching", True)]


@settings(max_examples=60, deadline=None)
@given(
    ultimatum=st.integers(0, 40),
    notice=st.integers(0, 40),
    as_of=st.integers(0, 60),
    deadline=st.integers(5, 50),
)
def test_the_child_never_fires_before_the_parent_reached_the_status(ultimatum: int, notice: int, as_of: int, deadline: int) -> None:
    start = dt.date(2025, 1, 1)
    parent = Scenario.model_validate(
        {
            "id": "threat",
            "title": "Threat",
            "opened": start,
            "deadline": start + dt.timedelta(days=30),
            "trigger": {"when": {"tags": ["ultimatum"]}},
            "response": {"title": "Notice", "match": {"tags": ["notice"]}, "within": "10d"},
        }
    )
    child = Scenario.model_validate(
        {
            "id": "child",
            "title": "Child",
            "opened": start,
            "deadline": start + dt.timedelta(days=deadline),
            "trigger": {"after": {"scenario": "threat", "status": ["enacted"]}},
        }
    )
    child.follow(parent)
    on = [(start + dt.timedelta(days=offset)).isoformat() for offset in (ultimatum, notice)]
    log = events(("u", on[0], "ultimatum"), ("n", on[1], "notice"))
    when = start + dt.timedelta(days=as_of)
    got, parent_now = assess(child, log, when), assess(parent, log, when)
    if got.triggered_at is not None:
        # Fired only once the parent was enacted, at the instant it was, inside the child's own window.
        assert parent_now.status is Status.ENACTED and parent_now.response_hit is not None
        assert got.triggered_at == parent_now.response_hit.at
        assert child.opened_at <= got.triggered_at < child.deadline_at
    else:
        enacted_in_window = parent_now.status is Status.ENACTED and parent_now.decided_at is not None
        assert not (enacted_in_window and parent_now.decided_at < child.deadline_at)  # type: ignore[operator]
    # The one-pass replay agrees with assessing each instant on its own.
    instants = [start + dt.timedelta(days=d) for d in range(0, 61, 3)]
    replayed = assess_over([parent, child], log, instants)
    assert [[a.status for a in row] for row in replayed] == [[a.status for a in assess_all([parent, child], log, t)] for t in instants]


def test_to_json_names_what_a_scenario_depends_on(write: Write, tmp_path: Path) -> None:
    found = loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat"))
    rows = {a.scenario.id: a.to_json() for a in assess_all(found.scenarios, LOG, day("2025-01-20"))}
    assert (rows["child"]["depends_on"], rows["threat"]["depends_on"]) == (["threat"], [])
    json.dumps(rows)


def test_status_json_gives_depends_on_for_every_scenario(write: Write, tmp_path: Path) -> None:
    loaded(write, tmp_path, threat=THREAT, child=follower("child", "threat"))
    write("data/events.csv", "id,occurred,title,actors,targets,tags,source,notes\nn,2025-01-15,Notice,,,notice,Wire,\n")
    rows = status_json("--as-of", "2025-01-20", cwd=tmp_path)
    assert (rows["child"]["depends_on"], rows["threat"]["depends_on"]) == (["threat"], [])
    assert (rows["child"]["status"], rows["child"]["decided_by"]) == ("triggered", ["n"])  # the threat was enacted early


def test_validate_reports_a_broken_link_located(write: Write, tmp_path: Path) -> None:
    loaded(write, tmp_path, threat=THREAT, child=follower("child", "thraet"))
    write("data/events.csv", "id,occurred,title,actors,targets,tags,source,notes\n")
    result = tracker("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert (result.stdout + result.stderr).splitlines()[0] == (
        "scenarios/child.yaml:7:15: error: trigger.after.scenario: no scenario has the id 'thraet'; did you mean 'threat'?"
    )


def test_a_file_named_alone_is_linked_to_the_scenario_beside_it(write: Write, tmp_path: Path) -> None:
    # pre-commit names only the files being committed: the ones they follow are read from beside them, not checked.
    loaded(write, tmp_path, threat=THREAT, middle=follower("middle", "threat"), last=follower("last", "middle"))
    write("data/events.csv", "id,occurred,title,actors,targets,tags,source,notes\n")
    result = tracker("validate", "scenarios/last.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "1 valid scenario(s), 0 valid event(s); 0 error(s), 0 warning(s)\n")
    named = load_scenarios([tmp_path / "scenarios" / "last.yaml"])
    assert [s.id for s in named.scenarios] == ["last"]
    assert [s.id for s in named.scenarios[0].ancestry()] == ["last", "middle", "threat"]


def test_a_file_named_alone_whose_parent_beside_it_is_broken_says_so(write: Write, tmp_path: Path) -> None:
    loaded(write, tmp_path, threat=THREAT.replace("opened: 2025-01-01", "opened: someday"), child=follower("child", "threat"))
    named = load_scenarios([tmp_path / "scenarios" / "child.yaml"])
    assert messages(named) == [
        "child.yaml:7:15: error: trigger.after.scenario: the scenario 'threat' did not load (see the problems of threat.yaml); "
        "this scenario is left out until it does"
    ]


def test_grouping_by_chain_puts_parent_before_child_and_the_unlinked_last(write: Write, tmp_path: Path) -> None:
    alone = THREAT.replace("id: threat", "id: alone").replace("title: The threat is carried out", "title: Alone")
    found = loaded(write, tmp_path, threat=THREAT, a=follower("a", "threat"), b=follower("b", "a"), c=follower("c", "threat"), alone=alone)
    items = sorted(assess_all(found.scenarios, LOG, day("2025-01-20")), key=lambda x: x.scenario.id, reverse=True)
    assert [a.scenario.id for a in items] == ["threat", "c", "b", "alone", "a"]
    sections = grouped_board(items, "chain")
    assert [(name, [a.scenario.id for a in section]) for name, section in sections] == [
        ("The threat is carried out", ["threat", "c", "a", "b"]),  # by depth, then in the order given
        ("Not linked", ["alone"]),
    ]
