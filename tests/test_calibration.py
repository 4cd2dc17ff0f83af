"""Calibration: Brier scores and reliability bins against hand-computed values, what is left out and why, edge cases."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_cli import tracker
from tracker.engine.calibration import BIN_COUNT, LEFT_OUT, NO_OWNER, NOT_YET, OUTCOMES, bin_index, brier, calibration, reliability
from tracker.engine.status import Assessment, Basis, Status, assess_all
from tracker.judgement.model import Judgement, Judgements
from tracker.log.events import COLUMNS
from tracker.log.reader import load_events
from tracker.scenario.model import Scenario

DECIDED = dt.datetime(2022, 1, 10, tzinfo=dt.UTC)
AS_OF = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)


def scenario(scenario_id: str) -> Scenario:
    return Scenario.model_validate(
        {
            "id": scenario_id,
            "title": f"Scenario {scenario_id}",
            "opened": dt.date(2021, 12, 1),
            "deadline": dt.date(2022, 1, 31),
            "trigger": {"unless": {"tags": ["de-escalation"]}},
        }
    )


def status(
    scenario_id: str, state: Status, decided_at: dt.datetime | None = DECIDED, as_of: dt.datetime = AS_OF, basis: Basis = Basis.OCCURRED
) -> Assessment:
    """The engine's verdict on a scenario, as `assess_all` would give it."""
    decided = decided_at if state not in NOT_YET else None
    return Assessment(scenario(scenario_id), state, as_of, "", decided_at=decided, basis=basis)


def judged(scenario_id: str, probability: float, day: int, **fields: Any) -> Judgement:
    """An assessment at noon UTC on ``day`` January 2022 (DECIDED is the start of the 10th), or ``at``."""
    at = fields.pop("at") if "at" in fields else dt.datetime(2022, 1, day, 12, tzinfo=dt.UTC)
    return Judgement(f"{scenario_id}-{at:%d%H%M%S%f}-{probability}", scenario_id, at, probability, "medium", **fields)


def ledger(*rows: Judgement) -> Judgements:
    return Judgements(tuple(rows))


def test_brier_of_one_assessment() -> None:
    assert brier(70, 1) == pytest.approx(0.09)  # (0.7 - 1)^2
    assert brier(70, 0) == pytest.approx(0.49)  # (0.7 - 0)^2
    assert brier(0, 0) == 0 and brier(100, 1) == 0  # sure and right
    assert brier(0, 1) == 1 and brier(100, 0) == 1  # sure and wrong
    assert brier(50, 1) == brier(50, 0) == 0.25


def test_every_status_is_scored_left_out_or_not_resolved_yet() -> None:
    """A status added to the engine must be sorted here too."""
    kinds = [set(OUTCOMES), set(LEFT_OUT), set(NOT_YET)]
    assert set().union(*kinds) == set(Status)
    assert sum(len(k) for k in kinds) == len(Status)
    assert OUTCOMES == {Status.ENACTED: 1, Status.AVERTED: 0, Status.LAPSED: 0}
    assert set(LEFT_OUT) == {Status.WITHDRAWN, Status.OVERDUE, Status.PARTLY_ENACTED}


def test_scores_by_hand_last_before_all_and_per_scenario() -> None:
    statuses = [status("a", Status.ENACTED), status("b", Status.AVERTED), status("c", Status.LAPSED)]
    judgements = ledger(
        judged("a", 60, 2),
        judged("a", 80, 5),  # a's last before its decision
        judged("b", 30, 3),  # b's only one
        judged("c", 50, 1),
        judged("c", 10, 4),  # c's last
    )
    result = calibration(statuses, judgements, {"a": "ana", "b": "ana", "c": "bo"})
    overall = result.overall
    # last before: a (0.8 - 1)^2 = 0.04; b (0.3 - 0)^2 = 0.09; c (0.1 - 0)^2 = 0.01; mean 0.14 / 3
    assert overall.last.value == pytest.approx(0.14 / 3) and overall.last.count == 3
    # all: a 0.16 + 0.04; b 0.09; c 0.25 + 0.01; sum 0.55 over 5 assessments
    assert overall.all.value == pytest.approx(0.55 / 5) and overall.all.count == 5
    # per scenario: a (0.16 + 0.04) / 2 = 0.10; b 0.09; c (0.25 + 0.01) / 2 = 0.13; mean 0.32 / 3
    assert overall.per_scenario.value == pytest.approx(0.32 / 3) and overall.per_scenario.count == 3
    assert (overall.resolved, overall.assessed) == (3, 3)
    ana, bo = result.owners
    assert (ana.name, ana.resolved, ana.last.count, ana.all.count) == ("ana", 2, 2, 3)
    assert ana.last.value == pytest.approx((0.04 + 0.09) / 2)  # a's last, b's last
    assert ana.all.value == pytest.approx((0.16 + 0.04 + 0.09) / 3)
    assert (bo.name, bo.last.value, bo.all.value) == ("bo", pytest.approx(0.01), pytest.approx(0.13))
    assert [s.last.probability for s in result.scored if s.last] == [80, 30, 10]


def test_reliability_bins_by_hand() -> None:
    pairs = [(5, 0), (0, 0), (10, 1), (15, 0), (55, 1), (65, 1), (65, 0), (95, 1), (100, 1)]
    bins = reliability(pairs)
    assert len(bins) == BIN_COUNT == 10
    assert [(b.low, b.high, b.count) for b in bins] == [
        (0, 10, 2),  # 5, 0
        (10, 20, 2),  # 10 on the edge goes up, and 15
        (20, 30, 0),
        (30, 40, 0),
        (40, 50, 0),
        (50, 60, 1),
        (60, 70, 2),
        (70, 80, 0),
        (80, 90, 0),
        (90, 100, 2),  # 95, and 100 in the last bin
    ]
    first, second, *_, sixties, _, _, last = bins
    assert first.mean_predicted == pytest.approx(0.025) and first.observed == 0  # (0.05 + 0) / 2; 0 of 2 enacted
    assert second.mean_predicted == pytest.approx(0.125) and second.observed == 0.5  # (0.10 + 0.15) / 2; 1 of 2
    assert sixties.mean_predicted == pytest.approx(0.65) and (sixties.enacted, sixties.observed) == (1, 0.5)
    assert last.mean_predicted == pytest.approx(0.975) and last.observed == 1  # (0.95 + 1.00) / 2; 2 of 2
    assert bins[2].mean_predicted is None and bins[2].observed is None  # empty: no number, not 0


@pytest.mark.parametrize(
    ("probability", "index"), [(0, 0), (9.99, 0), (10, 1), (49.5, 4), (50, 5), (89.999, 8), (90, 9), (99.9, 9), (100, 9)]
)
def test_bin_edges(probability: float, index: int) -> None:
    assert bin_index(probability) == index


def test_left_out_and_not_resolved_yet_each_say_why() -> None:
    statuses = [
        status("w", Status.WITHDRAWN),
        status("o", Status.OVERDUE),
        status("p", Status.PARTLY_ENACTED),
        status("t", Status.TRIGGERED),
        status("u", Status.UPCOMING),
        status("d", Status.DUE_SOON),
        status("e", Status.ENACTED),
    ]
    judgements = ledger(*(judged(s, 50, 2) for s in "wopdtue"))
    result = calibration(statuses, judgements, {})
    assert [(x.assessment.scenario.id, x.reason) for x in result.left_out] == [
        ("o", "overdue: the response is late but may still come"),
        ("p", "partly enacted: only part of the response came, so it scores neither 1 nor 0"),
        ("w", "withdrawn: tracking ended before it was decided"),
    ]
    assert [(x.assessment.scenario.id, x.reason) for x in result.not_yet] == [
        ("d", "due soon: not resolved yet"),
        ("t", "triggered: not resolved yet"),
        ("u", "not open yet"),
    ]
    assert [s.scenario_id for s in result.scored] == ["e"]
    assert result.overall.all.count == 1  # only e's assessment is scored


def test_only_assessments_before_the_decision_count() -> None:
    """One made exactly at the decision's instant is hindsight, for the last and for all; so is one made after."""
    judgements = ledger(
        judged("a", 40, 5),
        judged("a", 90, 0, at=DECIDED),  # exactly when it was decided
        judged("a", 100, 20),  # after
    )
    result = calibration([status("a", Status.ENACTED)], judgements, {})
    (item,) = result.scored
    assert [j.probability for j in item.forecasts] == [40]
    assert item.brier_last == pytest.approx(0.36)  # (0.4 - 1)^2
    assert result.overall.all.count == 1
    just_before = ledger(judged("a", 90, 0, at=DECIDED - dt.timedelta(microseconds=1)))
    assert calibration([status("a", Status.ENACTED)], just_before, {}).overall.last.value == pytest.approx(0.01)


def test_a_decision_exactly_at_an_assessment_through_the_engine(tmp_path: Path) -> None:
    """The engine's decided_at for a timed averting event is its instant: an assessment made then is not scored."""
    events = tmp_path / "events.csv"
    events.write_text(f"{','.join(COLUMNS)}\nx,2022-01-10T09:00:00Z,Talks,Russia,,de-escalation,Source,\n", encoding="utf-8")
    log = load_events(events)
    (verdict,) = assess_all([scenario("a")], log, AS_OF)
    assert (verdict.status, verdict.decided_at) == (Status.AVERTED, dt.datetime(2022, 1, 10, 9, tzinfo=dt.UTC))
    judgements = ledger(
        judged("a", 20, 0, at=dt.datetime(2022, 1, 10, 8, 59, tzinfo=dt.UTC)),
        judged("a", 0, 0, at=dt.datetime(2022, 1, 10, 9, tzinfo=dt.UTC)),
    )
    (item,) = calibration([verdict], judgements, {}).scored
    assert (item.outcome, [j.probability for j in item.forecasts]) == (0, [20])
    assert item.brier_last == pytest.approx(0.04)  # (0.2 - 0)^2


def test_sure_assessments_score_zero_or_one() -> None:
    judgements = ledger(judged("a", 100, 2), judged("b", 0, 2), judged("c", 0, 2))
    result = calibration([status("a", Status.ENACTED), status("b", Status.LAPSED), status("c", Status.ENACTED)], judgements, {})
    assert [s.brier_last for s in result.scored] == [0, 0, 1]  # a and b right, c sure and wrong
    assert result.overall.last.value == pytest.approx(1 / 3)
    assert result.overall.reliability_last[0].count == 2 and result.overall.reliability_last[-1].count == 1


def test_no_assessments_at_all_is_nothing_to_score_not_a_division_by_zero() -> None:
    result = calibration([status("a", Status.ENACTED), status("b", Status.AVERTED), status("c", Status.WATCHING)], Judgements(), {})
    assert result.nothing_to_score
    assert (result.overall.last.value, result.overall.last.count) == (None, 0)
    assert (result.overall.all.value, result.overall.per_scenario.value) == (None, None)
    assert [s.scenario_id for s in result.unassessed] == ["a", "b"]
    assert all(b.count == 0 and b.observed is None for b in result.overall.reliability_all)
    assert result.to_json()["overall"]["last"] == {"brier": None, "count": 0}
    empty = calibration([], Judgements(), {})
    assert empty.nothing_to_score and empty.owners == () and empty.overall.resolved == 0


def test_resolved_scenarios_without_an_assessment_are_counted_and_listed() -> None:
    statuses = [status("a", Status.ENACTED), status("b", Status.AVERTED), status("c", Status.LAPSED)]
    result = calibration(statuses, ledger(judged("a", 70, 2), judged("b", 30, 20)), {})  # b's only one came after
    assert [s.scenario_id for s in result.unassessed] == ["b", "c"]
    assert (result.overall.resolved, result.overall.assessed, result.overall.last.count) == (3, 1, 1)
    assert not result.nothing_to_score


def test_owners_sorted_with_no_owner_last() -> None:
    statuses = [status(s, Status.ENACTED) for s in "abcd"]
    result = calibration(statuses, ledger(*(judged(s, 50, 2) for s in "abcd")), {"a": "zoe", "b": "Ann", "c": None, "d": ""})
    assert [(o.name, o.resolved) for o in result.owners] == [("Ann", 1), ("zoe", 1), (NO_OWNER, 2)]
    assert [s.owner for s in result.scored] == ["zoe", "Ann", None, None]


def test_replay_counts_only_assessments_made_by_the_as_of() -> None:
    early = dt.datetime(2022, 1, 3, tzinfo=dt.UTC)
    judgements = ledger(judged("a", 40, 2), judged("a", 90, 5))
    replayed = calibration([status("a", Status.ENACTED, as_of=early)], judgements, {})
    assert [j.probability for j in replayed.scored[0].forecasts] == [40]


def test_basis_known_counts_an_assessment_from_when_it_was_written() -> None:
    """Under basis known, an assessment back-dated to before the decision but written after the as-of is not known."""
    written_late = judged("a", 90, 5, logged_at=dt.datetime(2022, 7, 1, tzinfo=dt.UTC))
    judgements = ledger(judged("a", 40, 2), written_late)
    occurred = calibration([status("a", Status.ENACTED)], judgements, {})
    known = calibration([status("a", Status.ENACTED, basis=Basis.KNOWN)], judgements, {})
    assert occurred.scored[0].last is not None and occurred.scored[0].last.probability == 90
    assert known.scored[0].last is not None and known.scored[0].last.probability == 40


def test_json_has_every_number_with_its_count() -> None:
    result = calibration([status("a", Status.ENACTED), status("w", Status.WITHDRAWN)], ledger(judged("a", 70, 2)), {"a": "ana"})
    data = result.to_json()
    assert data["overall"]["last"] == {"brier": pytest.approx(0.09), "count": 1}
    assert data["overall"]["resolved"] == 1 and data["owners"][0]["name"] == "ana"
    assert data["scenarios"][0]["last"]["probability"] == 70 and data["scenarios"][0]["outcome"] == 1
    assert data["left_out"][0]["status"] == "withdrawn"
    assert data["overall"]["reliability_all"][7] == {
        "low": 70,
        "high": 80,
        "count": 1,
        "mean_predicted": pytest.approx(0.7),
        "observed": 1.0,
        "enacted": 1,
    }


OUTCOME_STATUSES = [Status.ENACTED, Status.AVERTED, Status.LAPSED]
forecasts = st.lists(st.tuples(st.sampled_from(OUTCOME_STATUSES), st.lists(st.floats(0, 100, allow_nan=False), max_size=4)), max_size=12)


def _case(cases: list[tuple[Status, list[float]]], probability: Callable[[Status, float], float]) -> Any:
    statuses = [status(f"s{i}", state) for i, (state, _) in enumerate(cases)]
    rows = [judged(f"s{i}", probability(state, p), 1 + k) for i, (state, ps) in enumerate(cases) for k, p in enumerate(ps)]
    return calibration(statuses, ledger(*rows), {f"s{i}": ("a" if i % 2 else None) for i in range(len(cases))})


@given(forecasts)
def test_brier_is_between_0_and_1_and_bins_hold_every_scored_assessment(cases: list[tuple[Status, list[float]]]) -> None:
    result = _case(cases, lambda _, p: p)
    scored = sum(len(ps) for _, ps in cases)
    assert result.overall.all.count == scored
    assert sum(b.count for b in result.overall.reliability_all) == scored
    assert sum(b.count for b in result.overall.reliability_last) == result.overall.last.count
    assert sum(o.all.count for o in result.owners) == scored
    for mean in (result.overall.last, result.overall.all, result.overall.per_scenario):
        assert mean.value is None or 0 <= mean.value <= 1
    for b in result.overall.reliability_all:
        assert b.count == 0 or (b.low / 100 <= b.mean_predicted <= b.high / 100 and 0 <= b.observed <= 1)  # type: ignore[operator]


@given(forecasts)
def test_perfect_forecasts_score_zero(cases: list[tuple[Status, list[float]]]) -> None:
    result = _case(cases, lambda state, _: 100.0 * OUTCOMES[state])
    assert result.overall.all.value in (None, 0)
    assert result.overall.last.value in (None, 0)


# --- `tracker calibration` on a scratch workspace ------------------------------------------------------------------
SCRATCH_SCENARIOS = {
    "averted": "trigger:\n  unless: {tags: [de-escalation]}\n",
    "lapsed": "trigger:\n  when: {tags: [invasion]}\n",
    "enacted": "response:\n  title: Sanctions\n  match: {tags: [sanctions-package]}\n",
    "withdrawn": "trigger:\n  unless: {tags: [never]}\nwithdrawn: {on: 2021-12-15, reason: Talks ended.}\n",
    "open": "trigger:\n  unless: {tags: [never]}\n",
}
SCRATCH_ASSESSMENTS = """id,scenario,assessed_at,probability,confidence,note,assessed_by,logged_at,corrects
a1,averted,2021-12-05T09:00:00Z,30,medium,,ana,,
a2,averted,2021-12-11T09:00:00Z,80,medium,after the decision,ana,,
l1,lapsed,2021-12-05T09:00:00Z,20,low,,bo,,
e1,enacted,2021-12-05T09:00:00Z,60,medium,,ana,,
e2,enacted,2021-12-15T09:00:00Z,90,high,,ana,,
w1,withdrawn,2021-12-05T09:00:00Z,50,low,,bo,,
"""
# As of 2022-01-31: last before the decision averted 30 -> (0.3 - 0)^2 = 0.09, lapsed 20 -> 0.04, enacted 90 -> 0.01,
# mean 0.14 / 3 = 0.047; all: 0.09 + 0.04 + (0.6 - 1)^2 = 0.16 + 0.01 = 0.30 over 4 assessments = 0.075.


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """Five scenarios (averted, lapsed, enacted, withdrawn, still open on 2022-01-31), their log and assessments.csv."""
    (tmp_path / "scenarios").mkdir()
    for sid, rule in SCRATCH_SCENARIOS.items():
        deadline = "2022-12-31" if sid == "open" else "2021-12-25"
        text = f"id: {sid}\ntitle: Scenario {sid}\nopened: 2021-12-03\ndeadline: {deadline}\n{rule}"
        (tmp_path / "scenarios" / f"{sid}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.csv").write_text(
        f"{','.join(COLUMNS)}\ntalks,2021-12-10,Talks,Russia,,de-escalation,Wire,\npkg,2021-12-20,Package,US,Russia,sanctions-package,Wire,\n",
        encoding="utf-8",
    )
    (tmp_path / "data" / "assessments.csv").write_text(SCRATCH_ASSESSMENTS, encoding="utf-8")
    return tmp_path


def test_cli_text_shows_scores_with_counts_reliability_and_what_is_left_out(scratch: Path) -> None:
    result = tracker("calibration", "--as-of", "2022-01-31", cwd=scratch)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Calibration as of 2022-01-31 (end of day in each scenario's zone)\n")
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    assert overall.split() == ["overall", "3", "3", "0.047", "3", "0.075", "4", "0.072"]  # per scenario: (0.09 + 0.04 + 0.085) / 3 = 0.0717
    assert re.search(r"^60-70%\s+1\s+60%\s+100% \(1 of 1\)$", out, re.MULTILINE)  # enacted's 60
    assert re.search(r"^90-100%\s+1\s+90%\s+100% \(1 of 1\)$", out, re.MULTILINE)
    assert re.search(r"^20-30%\s+1\s+20%\s+0% \(0 of 1\)$", out, re.MULTILINE)  # lapsed's 20
    assert re.search(r"^10-20%\s+0\s+—\s+—$", out, re.MULTILINE)  # an empty bin: no number, not 0
    assert re.search(r"^averted\s+—\s+averted \(0\)\s+30% on 2021-12-05 by ana\s+0\.090\s+0\.090\s+1$", out, re.MULTILINE)
    assert "  withdrawn: withdrawn: tracking ended before it was decided" in out
    assert "1 not resolved yet (1 watching): not scored." in out


def test_cli_json_has_the_same_numbers(scratch: Path) -> None:
    result = tracker("calibration", "--as-of", "2022-01-31", "--format", "json", cwd=scratch)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2022-01-31" and data["basis"] == "occurred"
    assert data["overall"]["last"] == {"brier": pytest.approx(0.14 / 3), "count": 3}
    assert data["overall"]["all"] == {"brier": pytest.approx(0.075), "count": 4}
    assert [o["name"] for o in data["owners"]] == [NO_OWNER]
    assert [(s["id"], s["outcome"]) for s in data["scenarios"]] == [("averted", 0), ("enacted", 1), ("lapsed", 0)]
    assert [(s["id"], s["status"]) for s in data["left_out"]] == [("withdrawn", "withdrawn")]
    assert [s["id"] for s in data["not_resolved"]] == ["open"]


def test_cli_with_no_assessments_says_there_is_nothing_to_score(scratch: Path) -> None:
    (scratch / "data" / "assessments.csv").unlink()
    result = tracker("calibration", "--as-of", "2022-01-31", cwd=scratch)
    assert result.returncode == 0, result.stderr
    assert "Nothing to score: no assessment was made before the decision of any of the 3 resolved scenario(s)." in result.stdout
    assert "tracker assess ID --probability 70 --confidence medium" in result.stdout
    assert "3 resolved scenarios have no assessment before their decision: averted, enacted, lapsed" in result.stdout


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("yesterday", "tracker: --as-of: 'yesterday' is not a date (2021-12-20) or a datetime with offset (2021-12-20T12:00:00Z)"),
        ("2021-02-30", "tracker: --as-of: '2021-02-30' is not a real calendar date"),
    ],
)
def test_cli_bad_as_of_is_a_usage_error(scratch: Path, as_of: str, message: str) -> None:
    result = tracker("calibration", "--as-of", as_of, cwd=scratch)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip() == message


def test_cli_bad_format_is_a_usage_error(scratch: Path) -> None:
    result = tracker("calibration", "--format", "csv", cwd=scratch)
    assert result.returncode == 2
    assert "argument --format: invalid choice: 'csv'" in result.stderr


def test_reliability_figure_draws_each_non_empty_bin_with_its_count_against_the_diagonal() -> None:
    from tracker.report.figures import reliability_figure

    fig = reliability_figure(reliability([(5, 0), (0, 0), (65, 1), (65, 0), (100, 1)]))
    diagonal, points = fig.data
    assert (list(diagonal.x), list(diagonal.y)) == ([0, 100], [0, 100])
    assert list(points.x) == pytest.approx([2.5, 65, 100])  # each bin at its mean probability...
    assert list(points.y) == pytest.approx([0, 50, 100])  # ...against the share enacted
    assert list(points.text) == ["n=2", "n=2", "n=1"]
    assert "Enacted 1 of 2 (50%)" in points.hovertext[1]
    assert not reliability_figure(reliability([])).data[1].x  # nothing to draw: the diagonal alone


def test_cli_text_gives_each_owners_reliability_when_there_are_several() -> None:
    from tracker.report.calibration import calibration_text

    statuses = [status("a", Status.ENACTED), status("b", Status.LAPSED)]
    judgements = ledger(judged("a", 70, 2), judged("b", 25, 2))
    text = calibration_text(calibration(statuses, judgements, {"a": "ana", "b": "bo"}), "Calibration")
    assert "Reliability, overall: " in text and "Reliability, owner ana: " in text and "Reliability, owner bo: " in text
    alone = calibration_text(calibration(statuses, judgements, {"a": "ana", "b": "ana"}), "Calibration")
    assert "Reliability, owner ana" not in alone  # one owner's bins are the overall ones
    assert re.search(r"^ana\s+2\s+2\s+0\.076\s+2", alone, re.MULTILINE)  # ((0.7 - 1)^2 + (0.25 - 0)^2) / 2 = (0.09 + 0.0625) / 2


def test_cli_groups_by_each_scenario_files_owner(scratch: Path) -> None:
    for sid, owner in (("averted", "ana@example.org"), ("enacted", "ana@example.org"), ("lapsed", "Russia desk")):
        path = scratch / "scenarios" / f"{sid}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"owner: {owner}\n", encoding="utf-8")
    result = tracker("calibration", "--as-of", "2022-01-31", "--format", "json", cwd=scratch)
    assert result.returncode == 0, result.stderr
    owners = {o["name"]: (o["resolved"], o["last"]["count"]) for o in json.loads(result.stdout)["owners"]}
    assert owners == {"Russia desk": (1, 1), "ana@example.org": (2, 2)}
