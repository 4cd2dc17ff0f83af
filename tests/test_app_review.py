"""Owners and reviews on the pages: the Board's stale marker and "Stale only" filter, the Scenario page's review line,
and the Since report's stale section. The demo's G7 scenario is reviewed every 30 days: assessed (the Metaculus forecast
in data/assessments.csv) on the day it opened, 12 December 2021, it is stale from 11 January 2022 until the next
forecast, on 18 January."""

from __future__ import annotations

from pathlib import Path

from tests import test_app
from tests.markdown import shown
from tests.test_app import board_statuses, run

demo_copy = test_app.demo_copy  # a fixture: a copy of the demo the test may edit

G7 = "g7-massive-consequences-2021"
STALE_MARK = ":orange-badge[:material/history_toggle_off: Stale"


def test_the_board_marks_a_stale_scenario_in_words_beside_its_status() -> None:
    at = run({"as_of": "2022-01-15"})
    marked = [m.value for m in at.markdown if STALE_MARK in m.value]
    assert len(marked) == 1 and f'data-scenario="{G7}"' in marked[0]
    fresh = run({"as_of": "2022-02-15"})
    assert not [m.value for m in fresh.markdown if STALE_MARK in m.value]


def test_the_stale_only_filter_shows_only_stale_scenarios_and_is_in_the_url() -> None:
    at = run({"as_of": "2022-01-15"})
    assert len(board_statuses(at)) > 1
    at.toggle(key="stale").set_value(True).run()
    assert board_statuses(at) == {G7: "watching"}
    at.toggle(key="stale").set_value(False).run()
    assert len(board_statuses(at)) > 1


def test_a_link_with_stale_true_opens_the_filtered_board() -> None:
    assert board_statuses(run({"as_of": "2022-01-15", "stale": "true"})) == {G7: "watching"}
    fresh = run({"as_of": "2022-02-15", "stale": "true"})
    assert board_statuses(fresh) == {}
    assert any("No scenario matches" in i.value for i in fresh.info)


def test_a_stale_value_that_is_not_a_boolean_is_dropped_and_the_board_unfiltered() -> None:
    at = run({"as_of": "2022-01-15", "stale": "maybe"})
    assert len(board_statuses(at)) > 1
    assert "stale" not in at.query_params


def test_the_scenario_page_shows_owner_cadence_last_review_and_the_stale_flag() -> None:
    at = run({"as_of": "2022-01-15", "scenario": G7})
    page = [shown(m.value) for m in at.markdown]
    assert (
        "Owner Russia desk · Review every 30 days · Last reviewed assessed by Metaculus community on 2021-12-12 · next due by 2022-01-11"
        in page
    )
    assert any("Stale: due for review" in m for m in page)
    later = [shown(m.value) for m in run({"as_of": "2022-02-15", "scenario": G7}).markdown]
    assert (
        "Owner Russia desk · Review every 30 days · Last reviewed event “Russian Defence Ministry says some units of the Southern "
        "and Western military districts are returning to their bases after drills” (2022-02-15-russia-announces-partial-pullback) "
        "matched on 2022-02-15 · next due by 2022-03-17"
    ) in later
    assert not any("Stale: due for review" in m for m in later)


def test_a_scenario_without_owner_or_cadence_says_so() -> None:
    at = run({"as_of": "2022-01-15", "scenario": "joint-sanctions-christmas-2021"})
    line = next(shown(m.value) for m in at.markdown if shown(m.value).startswith("Owner"))
    assert line.startswith("Owner — · Review not set · Last reviewed ")


def test_the_since_page_lists_the_scenarios_stale_at_its_end() -> None:
    at = run({"as_of": "2022-01-15", "since": "2022-01-01"}, page="since")
    assert "Stale at the end (1)" in [h.value for h in at.header]
    line = next(shown(m.value) for m in at.markdown if STALE_MARK in m.value)
    assert line.endswith(
        "G7 promises massive consequences and severe cost if Russia commits further military aggression against "
        "Ukraine · owner Russia desk\nBecame stale in the period; last reviewed: assessed by Metaculus community on 2021-12-12."
    )
    fresh = run({"as_of": "2022-02-20", "since": "2022-02-01"}, page="since")
    assert "Stale at the end (0)" in [h.value for h in fresh.header]


def test_an_owner_written_as_markdown_and_html_is_shown_as_written(demo_copy: Path) -> None:
    path = demo_copy / "scenarios" / f"{G7}.yaml"
    owner = "**Desk** <img src=https://example.org/x.png> [link](https://example.org)"
    path.write_text(path.read_text(encoding="utf-8").replace("owner: Russia desk", f"owner: '{owner}'"), encoding="utf-8")
    at = run({"as_of": "2022-01-15", "scenario": G7})
    line = next(m.value for m in at.markdown if m.value.startswith("**Owner**"))
    assert shown(line).startswith(f"Owner {owner} · Review every 30 days")  # as text: no bold, no image, no link
