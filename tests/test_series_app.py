"""A series on the dashboard, through AppTest: the Board card's cycle line and the Scenario page's past cycles."""

from __future__ import annotations

from tests.markdown import shown
from tests.test_app import run

SERIES = "eu-economic-sanctions-renewal"


def test_the_board_card_says_which_cycle_and_how_often() -> None:
    at = run({"as_of": "2022-12-01"})
    lines = [shown(c.value) for c in at.caption]
    assert ":material/autorenew: cycle 3 · renews every 6 months" in lines
    assert sum("renews every" in line for line in lines) == 1  # only the series' card has one


def test_the_scenario_page_lists_past_cycles_with_their_outcomes() -> None:
    at = run({"as_of": "2023-03-01", "scenario": SERIES}, page="scenario")
    assert "Past cycles" in [h.value for h in at.header]
    cycles = [" ".join(shown(m.value).split()) for m in at.markdown if 'class="past-cycle"' in m.value]
    assert cycles == [
        "Averted Cycle 3 · 2022-08-01 to 2023-01-31 · EU prolongs its economic sanctions on Russia by six months, until 31 July 2023 "
        "(2023-01-27-eu-renews-economic-sanctions)",
        "Averted Cycle 2 · 2022-02-01 to 2022-07-31 · EU prolongs its economic sanctions on Russia by six months, until 31 January "
        "2023 (2022-07-26-eu-renews-economic-sanctions)",
        "Averted Cycle 1 · 2021-07-13 to 2022-01-31 · EU prolongs its economic (sectoral) sanctions on Russia by six months, until 31 "
        "July 2022 (2022-01-13-eu-renews-economic-sanctions)",
    ]
    assert all('data-status="averted"' in m.value for m in at.markdown if 'class="past-cycle"' in m.value)
    rules = "\n".join(shown(m.value) for m in at.markdown)
    assert "Series: renews every 6 months, until 2026-01-31" in rules
    assert "This is cycle 4, from 2023-02-01 to 2023-07-31." in rules


def test_the_first_cycle_has_no_past_cycles_and_a_one_off_scenario_no_section() -> None:
    at = run({"as_of": "2021-12-01", "scenario": SERIES}, page="scenario")
    assert "No cycle of this series has ended yet." in [c.value for c in at.caption]
    at = run({"as_of": "2021-12-20", "scenario": "joint-sanctions-christmas-2021"}, page="scenario")
    assert "Past cycles" not in [h.value for h in at.header]
