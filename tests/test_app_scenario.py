"""The Scenario page: its status history, and that the URL's `scenario` decides what it shows (Back and Forward)."""

from __future__ import annotations

import re

from tests.markdown import shown
from tests.test_app import run

XMAS = "joint-sanctions-christmas-2021"
SWIFT = "swift-disconnection-2022"
STRIP = re.compile(r'class="history-spell" data-status="([a-z-]+)"')


def _strip(at: object) -> str:
    return next(m.value for m in at.markdown if 'class="status-history"' in m.value)  # type: ignore[attr-defined]


def test_the_scenario_page_shows_its_status_history() -> None:
    at = run({"as_of": "2022-03-01", "scenario": XMAS})
    assert "Status history" in [h.value for h in at.header]
    strip = _strip(at)
    assert STRIP.findall(strip) == ["watching", "due-soon", "triggered", "overdue", "enacted"]
    text = shown(strip)
    for seen in ("Watchingfrom 2021-12-03", "Due soonfrom 2021-12-19", "Triggeredfrom 2021-12-26", "Enactedfrom 2022-02-22"):
        assert seen in text


def test_a_replay_shows_the_history_only_up_to_its_as_of() -> None:
    at = run({"as_of": "2021-12-20", "scenario": XMAS})
    assert STRIP.findall(_strip(at)) == ["watching", "due-soon"]


def test_the_page_follows_the_url_when_it_names_another_scenario() -> None:
    """Back after picking another scenario: the URL names the first again, and the page must show it, not the pick."""
    at = run({"as_of": "2022-03-01", "scenario": XMAS})
    at.selectbox(key="scenario_pick").set_value(SWIFT).run()
    assert shown(at.title[0].value).startswith("Selected Russian banks removed from SWIFT")
    assert at.query_params["scenario"] in (SWIFT, [SWIFT])
    at.query_params["scenario"] = XMAS
    at.run()
    assert not at.exception
    assert shown(at.title[0].value).startswith("Joint US-EU-UK sanctions package")
    assert at.selectbox(key="scenario_pick").value == XMAS
