"""Linked scenarios in the dashboard: the Scenario page's links both ways, and the Board grouped by chain."""

from __future__ import annotations

from tests.markdown import shown
from tests.test_app import board_statuses, run

E3 = "e3-snapback-threat-2025"
UN = "un-sanctions-snapback-iran-2025"
E3_TITLE = "France, Germany and the UK trigger the UN snapback on Iran unless there is a diplomatic solution by the end of August 2025"


def _links(at: object) -> dict[str, str]:
    """Each link to a scenario's page: its label (as read) -> its query string."""
    return {shown(link.proto.label): link.proto.query_string for link in at.get("page_link")}  # type: ignore[attr-defined]


def test_the_scenario_page_links_what_it_depends_on_at_the_same_as_of() -> None:
    at = run({"as_of": "2025-09-01", "scenario": UN}, "scenario")
    assert "Depends on" in [shown(m.value) for m in at.markdown]
    assert "Depended on by" not in [shown(m.value) for m in at.markdown]
    assert _links(at)[f"{E3_TITLE} · enacted · early"] == f"scenario={E3}&as_of=2025-09-01"


def test_the_scenario_page_links_what_depends_on_it() -> None:
    at = run({"as_of": "2025-08-27", "scenario": E3}, "scenario")
    assert "Depended on by" in [shown(m.value) for m in at.markdown]
    un = "UN sanctions on Iran return 30 days after the E3 notification unless the Security Council continues the relief"
    assert _links(at)[f"{un} · due-soon"] == f"scenario={UN}&as_of=2025-08-27"


def test_a_scenario_without_links_shows_neither() -> None:
    at = run({"as_of": "2021-12-20", "scenario": "joint-sanctions-christmas-2021"}, "scenario")
    texts = [shown(m.value) for m in at.markdown]
    assert "Depends on" not in texts and "Depended on by" not in texts


def test_the_board_groups_a_chain_parent_before_child() -> None:
    at = run({"as_of": "2025-09-01", "group": "chain"})
    headers = [shown(h.value) for h in at.header]
    assert headers[0] == f"{E3_TITLE} (2)"
    assert headers[-1].startswith("Not linked (")
    # The parent first, though by urgency the child (triggered) comes before it (enacted).
    assert list(board_statuses(at))[:2] == [E3, UN]
    by_urgency = list(board_statuses(run({"as_of": "2025-09-01"})))
    assert by_urgency.index(UN) < by_urgency.index(E3)
