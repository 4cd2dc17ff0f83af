"""Which values a link's parameters take, and the notice for those the view drops (tracker.report.views)."""

from __future__ import annotations

from tests.conftest import DEMO_SCENARIOS
from tracker.report.views import board_link_choices, ignored_link_values
from tracker.scenario.loader import load_scenarios

CHOICES = board_link_choices(load_scenarios(DEMO_SCENARIOS).scenarios)


def test_values_the_filters_take_raise_no_notice() -> None:
    given = {"status": ["due-soon", "averted"], "actor": ["US"], "target": ["Russia"], "tag": ["swift"]}
    given |= {"upcoming": ["True"], "stale": ["false"]}
    assert ignored_link_values(given, CHOICES) == []


def test_empty_values_clear_a_filter_and_other_parameters_are_not_the_boards() -> None:
    assert ignored_link_values({"status": [""], "as_of": ["2021-12-20"], "q": ["anything"]}, CHOICES) == []


def test_options_match_exactly_as_the_bound_widgets_do() -> None:
    assert ignored_link_values({"status": ["Due-Soon"], "actor": ["us"]}, CHOICES) == [
        "The link's status=Due-Soon is not a status; showing all.",
        "The link's actor=us is not an actor of any scenario; showing all.",
    ]


def test_a_dropped_value_beside_known_ones_is_left_out_not_all_shown() -> None:
    assert ignored_link_values({"status": ["bogus", "overdue"]}, CHOICES) == ["The link's status=bogus is not a status; left out."]
