"""Presenter mode, the Since last briefing page and the hand-out buttons, through Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
import re

from streamlit.testing.v1 import AppTest

from tests.markdown import shown
from tests.test_app import expected, run

SLIDE_CHIP = re.compile(
    r'class="slide-status"><span class="status-chip status-[a-z-]+" data-status="([a-z-]+)" data-scenario="([a-z0-9-]+)"'
)
OVERVIEW_CHIP = re.compile(
    r'<li class="ov-row"><span class="status-chip status-[a-z-]+" data-status="([a-z-]+)" data-scenario="([a-z0-9-]+)"'
)


def present(**params: str) -> AppTest:
    return run({"mode": "present", **params})


def html_blocks(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def slide_param(at: AppTest) -> str:
    value = at.query_params["slide"]
    return value[0] if isinstance(value, list) else value


def stamp(at: AppTest) -> str:
    return next(e.proto.body for e in at.get("html") if 'data-testid="presenter-stamp"' in e.proto.body)


def test_overview_slide_lists_every_scenario_most_urgent_first() -> None:
    at = present(as_of="2021-12-20")
    page = html_blocks(at)
    shown = OVERVIEW_CHIP.findall(page)
    assert dict((sid, status) for status, sid in shown) == expected("2021-12-20", upcoming=False)
    assert shown[0] == ("due-soon", "joint-sanctions-christmas-2021")
    assert 'aria-label="Scenarios per status"' in page and "<b>2</b>" in page  # two watching
    assert "10 scenarios open later: not shown" in page  # the ten that open in 2022 or later
    assert ">5 d 0 h<" in page
    assert slide_param(at) == "1"
    assert "1 / 5" in stamp(at)


def test_the_deck_shows_the_scenarios_that_open_later_when_the_link_asks() -> None:
    at = present(as_of="2021-12-20", upcoming="true")
    assert dict((sid, status) for status, sid in OVERVIEW_CHIP.findall(html_blocks(at))) == expected("2021-12-20")
    assert "1 / 15" in stamp(at)


def test_presenter_has_no_sidebar_no_navigation_and_no_editing_widgets() -> None:
    at = present(as_of="2021-12-20")
    assert len(at.sidebar.children) == 0
    assert [b.label for b in at.button] == ["Previous", "Next", "Exit"]
    for kind in ("text_input", "multiselect", "date_input", "time_input", "slider", "selectbox", "text_area", "data_editor"):
        assert not at.get(kind), kind
    assert not at.title  # no page of the dashboard ran


def test_every_slide_is_stamped_with_the_as_of_and_the_revision() -> None:
    at = present(as_of="2021-12-20", slide="5")
    text = stamp(at)
    assert "Status as of 2021-12-20 (end of day in each scenario's zone)" in text
    assert re.search(r"Data revision [0-9a-f]{7,}", text)


def test_scenario_slide_shows_status_countdown_deadline_in_the_viewers_zone_and_deciding_event() -> None:
    at = present(as_of="2021-12-20", slide="2")
    page = html_blocks(at)
    assert SLIDE_CHIP.findall(page) == [("due-soon", "joint-sanctions-christmas-2021")]
    assert '<div class="big-countdown" data-scenario="joint-sanctions-christmas-2021">5 d 0 h</div>' in page
    assert '<span class="viewer-deadline">2021-12-25 23:00 UTC</span>' in page  # 24:00 Brussels, in the viewer's zone (UTC here)
    assert "set as 2021-12-25 24:00 Europe/Brussels" in page
    assert "Deciding event</span> none yet." in page
    assert at.get("plotly_chart")


def test_enacted_slide_names_its_trigger_and_response_events() -> None:
    at = present(as_of="2022-03-01", scenario="joint-sanctions-christmas-2021")
    page = html_blocks(at)
    assert SLIDE_CHIP.findall(page) == [("enacted", "joint-sanctions-christmas-2021")]
    assert '<span class="label">Response</span> <b>2022-02-22</b>' in page
    assert "Decided 2022-02-22" in page


def test_next_and_previous_move_through_the_deck_and_the_url() -> None:
    at = present(as_of="2021-12-20")
    assert at.button(key="slide_prev").disabled
    at.button(key="slide_next").click().run()
    assert slide_param(at) == "2"
    assert SLIDE_CHIP.findall(html_blocks(at))[0][1] == "joint-sanctions-christmas-2021"
    at.button(key="slide_next").click().run()
    assert slide_param(at) == "3"
    at.button(key="slide_prev").click().run()
    assert slide_param(at) == "2"


def test_last_slide_cannot_go_further() -> None:
    at = present(as_of="2021-12-20", slide="5")
    assert at.button(key="slide_next").disabled
    assert "5 / 5" in stamp(at)


def test_slide_numbers_out_of_range_or_not_numbers_are_clamped() -> None:
    assert slide_param(present(as_of="2021-12-20", slide="99")) == "5"
    assert slide_param(present(as_of="2021-12-20", slide="zero")) == "1"
    assert slide_param(present(as_of="2021-12-20", slide="-4")) == "1"


def test_scenario_in_the_link_opens_its_slide() -> None:
    at = present(as_of="2021-12-20", scenario="g7-massive-consequences-2021")
    assert SLIDE_CHIP.findall(html_blocks(at)) == [("watching", "g7-massive-consequences-2021")]
    # A scenario not open yet has no slide of its own: the link opens the overview, which says how many are left out.
    at = present(as_of="2021-12-20", scenario="swift-disconnection-2022")
    assert slide_param(at) == "1" and "10 scenarios open later: not shown" in html_blocks(at)


def test_board_filters_in_the_url_make_the_deck() -> None:
    at = present(as_of="2022-03-01", status="enacted")
    shown = OVERVIEW_CHIP.findall(html_blocks(at))
    assert shown and {status for status, _ in shown} == {"enacted"}
    assert f"of {len(expected('2022-03-01', upcoming=False))} scenarios (the board's filters)" in html_blocks(at)


def test_bad_advance_interval_is_ignored_with_a_note() -> None:
    assert "advance=soon ignored: give the seconds per slide, e.g. advance=30" in stamp(present(as_of="2021-12-20", advance="soon"))
    assert "advance=1 ignored: give at least 2 seconds per slide" in stamp(present(as_of="2021-12-20", advance="1"))


def test_bad_as_of_in_a_presenter_link_is_named_on_the_slide() -> None:
    assert "could not be read" in stamp(present(as_of="20 December"))


def test_exit_goes_back_to_the_board() -> None:
    at = present(as_of="2021-12-20", slide="3")
    at.button(key="slide_exit").click().run()
    assert "mode" not in at.query_params and "slide" not in at.query_params
    assert at.title[0].value == "Sanctions scenarios"


def test_present_button_on_the_board_starts_the_deck_with_the_same_as_of() -> None:
    at = run({"as_of": "2021-12-20"})
    at.button(key="handouts_present").click().run()
    assert at.query_params["mode"] in ("present", ["present"])
    assert slide_param(at) == "1"
    assert "Status as of 2021-12-20 (end of day in each scenario's zone)" in stamp(at)


def test_board_offers_the_pack_and_the_calendar() -> None:
    at = run({"as_of": "2021-12-20"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Briefing pack (HTML)" in labels and "Deadlines (.ics)" in labels


def since_page(**params: str) -> AppTest:
    return run(params, page="since")


def test_since_page_lists_status_changes_events_and_deadline_moves() -> None:
    at = since_page(as_of="2022-02-01", since="2021-12-20")
    assert at.title[0].value == "Since last briefing"
    changes = "\n".join(m.value for m in at.markdown if "status-change" in m.value)
    assert 'data-status="due-soon"' in changes and 'data-status="overdue"' in changes
    assert 'data-scenario="eu-economic-sanctions-renewal"' in changes
    events = at.dataframe[0].value
    assert list(events["Id"]) == [
        "2021-12-30-biden-putin-phone-call",
        "2022-01-10-geneva-strategic-stability-dialogue",
        "2022-01-12-nato-russia-council",
        "2022-01-13-eu-renews-economic-sanctions",
        "2022-01-26-us-nato-written-responses",
    ]
    links = dict(zip(events["Id"], events["Source"], strict=True))
    assert links["2022-01-13-eu-renews-economic-sanctions"].startswith("https://www.anews.com.tr/")
    assert links["2022-01-10-geneva-strategic-stability-dialogue"] == ""  # its source has no address: an empty cell, not None
    # The demo is in this repository's git history, where no deadline has moved.
    # Two changes: the Christmas package overdue, the renewal series on to its July cycle.
    assert [m.value for m in at.metric][:3] == ["2", "5", "0"]
    assert {b.proto.label for b in at.get("download_button")} == {"Briefing pack (HTML)", "Deadlines (.ics)"}


def test_since_page_picks_a_new_last_briefing_into_the_url() -> None:
    at = since_page(as_of="2022-02-01", since="2021-12-20")
    at.date_input(key="since_date").set_value(dt.date(2022, 1, 20)).run()
    assert at.query_params["since"] in ("2022-01-20", ["2022-01-20"])
    # The Christmas package went overdue on 25 January; tracking of the July renewal began on 1 February.
    assert [m.value for m in at.metric][:2] == ["2", "1"]


def test_since_page_default_is_a_week_before_the_as_of() -> None:
    at = since_page(as_of="2022-02-01")
    assert any("From **2022-01-25 (end of day in each scenario's zone)**" in m.value for m in at.markdown)


def test_since_page_explains_an_impossible_span_and_a_bad_link() -> None:
    at = since_page(as_of="2021-12-20", since="2022-01-01")
    assert any("must be before the as-of (2021-12-20 (end of day" in w.value for w in at.warning)
    at = since_page(as_of="2021-12-20", since="last week")
    assert any("The link's since could not be read: 'last week' is not a date" in shown(w.value) for w in at.warning)
