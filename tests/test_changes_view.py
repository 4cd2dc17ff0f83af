"""The Changes page's order (tracker.report.views.changes_view): what analysts act on first, test cases folded away."""

from __future__ import annotations

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
