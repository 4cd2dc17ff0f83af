"""The Board through AppTest: counts that filter, sort, group and list view in the URL, the notice when nothing is open."""

from __future__ import annotations

from tests.markdown import shown
from tests.test_app import board_statuses, run


def _param(at: object, name: str) -> str | None:
    value = at.query_params.get(name)  # type: ignore[attr-defined]
    return value[0] if isinstance(value, list) else value


def test_a_status_count_is_a_button_that_filters_the_board_and_the_url() -> None:
    at = run({"as_of": "2022-01-31"})
    assert set(board_statuses(at).values()) == {"overdue", "watching", "averted", "withdrawn"}
    watching = at.button(key="count_watching")
    assert "Watching" in watching.label and "**1**" in watching.label
    watching.click().run()
    assert set(board_statuses(at).values()) == {"watching"}
    assert at.multiselect(key="status").value == ["watching"]
    assert _param(at, "status") == "watching"
    at.button(key="count_watching").click().run()  # a second click shows every status again
    assert set(board_statuses(at).values()) == {"overdue", "watching", "averted", "withdrawn"}
    assert _param(at, "status") is None


def test_counts_count_the_board_before_the_filters_so_every_status_stays_reachable() -> None:
    at = run({"as_of": "2022-01-31", "status": "averted"})
    assert set(board_statuses(at).values()) == {"averted"}
    assert {b.key for b in at.button if (b.key or "").startswith("count_")} == {
        "count_overdue",
        "count_watching",
        "count_averted",
        "count_withdrawn",
    }
    at.button(key="count_overdue").click().run()
    assert set(board_statuses(at).values()) == {"overdue"}


def _card_order(at: object) -> list[str]:
    return list(board_statuses(at))  # type: ignore[arg-type]


def test_sort_and_group_come_from_the_url() -> None:
    by_urgency = _card_order(run({"as_of": "2022-02-01"}))
    assert by_urgency[0] == "joint-sanctions-christmas-2021"  # overdue
    by_title = run({"as_of": "2022-02-01", "sort": "title"})
    assert by_title.segmented_control(key="sort").value == "title"
    assert _card_order(by_title) == [
        "eu-economic-sanctions-renewal",
        "g7-massive-consequences-2021",
        "nord-stream-2-certification-2022-01",
        "joint-sanctions-christmas-2021",
    ]
    by_deadline = _card_order(run({"as_of": "2022-02-01", "sort": "deadline"}))
    assert by_deadline == [
        "joint-sanctions-christmas-2021",  # 2021-12-25 24:00
        "nord-stream-2-certification-2022-01",  # 2022-01-08 24:00
        "eu-economic-sanctions-renewal",  # its second cycle's, 2022-07-31 24:00
        "g7-massive-consequences-2021",
    ]
    grouped = run({"as_of": "2022-02-01", "group": "status"})
    assert [h.value for h in grouped.header] == ["Overdue (1)", "Watching (2)", "Withdrawn (1)"]


def test_choosing_a_group_regroups_the_board() -> None:
    at = run({"as_of": "2022-02-01"})
    assert not at.header
    at.segmented_control(key="group").set_value("target").run()
    assert [shown(h.value) for h in at.header] == ["Russia (3)", "No target (1)"]


def test_the_list_view_shows_every_scenario_as_a_table_row() -> None:
    at = run({"as_of": "2022-02-01", "view": "list"})
    assert board_statuses(at) == {}  # no cards
    table = at.dataframe[0].value
    assert list(table["Id"]) == [
        "joint-sanctions-christmas-2021",
        "eu-economic-sanctions-renewal",
        "g7-massive-consequences-2021",
        "nord-stream-2-certification-2022-01",
    ]
    assert "Overdue" in table["Status"].iloc[0]


def test_the_live_demo_says_nothing_is_open_and_links_days_to_replay() -> None:
    at = run()  # live: every demo scenario is decided
    notice = "\n".join(shown(m.value) for m in at.markdown)
    assert "Nothing is open now" in notice
    replays = [b for b in at.button if b.label.startswith("Replay ")]
    assert [b.label for b in replays] == [
        "Replay 23 Sep 2022: 5 open (1 triggered, 4 watching)",
        "Replay 2 Jul 2022: 4 open (1 triggered, 1 due soon, 2 watching)",
        "Replay 21 Feb 2022: 4 open (1 overdue, 1 triggered, 2 watching)",
    ]
    replays[1].click().run()
    assert _param(at, "as_of") == "2022-07-02"
    assert not any("Nothing is open" in m.value for m in at.markdown)
    assert "due-soon" in board_statuses(at).values()


def test_a_board_with_open_scenarios_has_no_notice() -> None:
    at = run({"as_of": "2022-02-01"})
    assert not any("Nothing is open" in m.value for m in at.markdown)
    assert not any(b.label.startswith("Replay ") for b in at.button)


def test_the_board_has_a_copy_link_button() -> None:
    at = run({"as_of": "2022-02-01"})
    assert any('class="copy-link"' in h.proto.body and ">Copy link</button>" in h.proto.body for h in at.get("html"))
