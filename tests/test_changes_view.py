"""The Changes page's order (tracker.report.views.changes_view): what analysts act on first, test cases folded away."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DEMO_EVENTS, ScratchRepo
from tests.markdown import shown
from tests.test_app import run
from tests.test_history import ALICE, scenario_text
from tracker.git.compare import DiffKind, ScenarioDiff
from tracker.report.views import changes_view
from tracker.scenario.changes import FieldChange

TESTS = FieldChange("tests", "tests changed (2 -> 3 cases)")
TAGS = FieldChange("tags", "tags: [a] -> [a, b]", "[a]", "[a, b]")
DEADLINE = FieldChange("deadline", "deadline: 2021-12-25 -> 2022-01-15", "2021-12-25", "2022-01-15")
TRIGGER = FieldChange("trigger", "trigger changed", "x", "y")
RESPONSE = FieldChange("response.within", "response.within: 7 d -> 14 d", "7 d", "14 d")


def _diff(scenario_id: str, *changes: FieldChange, kind: DiffKind = "changed") -> ScenarioDiff:
    return ScenarioDiff(scenario_id, f"Title of {scenario_id}", kind, changes, None, None)


def test_deadlines_triggers_and_responses_lead_and_tests_are_set_apart() -> None:
    view = changes_view(
        [
            _diff("a-tests-only", TESTS),
            _diff("b-response", TAGS, RESPONSE, TESTS),
            _diff("c-tags", TAGS),
            _diff("d-trigger", TRIGGER),
            _diff("e-deadline", TAGS, DEADLINE),
            _diff("f-new", FieldChange("scenario", "added: deadline 2022-01-01"), kind="added"),
        ]
    )
    assert [i.diff.scenario_id for i in view.leading] == ["e-deadline", "d-trigger", "b-response"]
    # Within a scenario, the change analysts act on comes first; its test cases are not listed with the rest.
    assert view.leading[0].changes == (DEADLINE, TAGS) and view.leading[2].changes == (RESPONSE, TAGS)
    assert [i.diff.scenario_id for i in view.other] == ["c-tags"]
    assert [i.diff.scenario_id for i in view.added] == ["f-new"] and not view.removed
    assert [(s.scenario_id, c) for s, c in view.tests] == [("a-tests-only", TESTS), ("b-response", TESTS)]
    assert "a-tests-only" not in {i.diff.scenario_id for i in [*view.leading, *view.other]}


TEST_CASE = "tests:\n  - name: Watching early on\n    as_of: 2021-12-06T12:00:00Z\n    status: watching\n"


def test_the_changes_page_leads_with_the_deadline_and_folds_test_changes_away(repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(DEMO_EVENTS, repo.root / "events.csv")
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.write("scenarios/tested.yaml", scenario_text("tested", title="Only its tests change"))
    repo.commit("Add two scenarios", author=ALICE, date="2021-12-06T09:00:00+01:00")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15", tags="talks", extra=TEST_CASE))
    repo.write("scenarios/tested.yaml", scenario_text("tested", title="Only its tests change", extra=TEST_CASE))
    monkeypatch.setenv("TRACKER_SCENARIOS", str(repo.root / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(repo.root / "events.csv"))
    at = run({"as_of": "2021-12-20"}, page="changes")
    assert [h.value for h in at.header] == ["Deadlines, triggers and responses changed"]
    lists = [shown(m.value).strip() for m in at.main.markdown if m.value.startswith("- ")]
    assert lists[0].startswith("deadline: 2021-12-25 -> 2022-01-15\ntrigger changed") and "tests changed" not in lists[0]
    (folded,) = at.expander
    assert folded.label == "Test changes (2)"
    assert [shown(m.value).strip() for m in folded.markdown] == [
        "Only its tests change tested: tests changed (0 -> 1 cases)\n"
        "Joint sanctions if Russia does not back down by Christmas xmas: tests changed (0 -> 1 cases)"
    ]
