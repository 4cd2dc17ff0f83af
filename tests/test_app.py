"""Every page through Streamlit's AppTest: statuses, filters, deep links, and broken files."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY, ROOT
from tests.markdown import shown
from tracker.engine.status import assess_all
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.timeutil import parse_as_of, parse_instant

APP = str(ROOT / "app.py")
CHIP = re.compile(r'data-status="([a-z-]+)" data-scenario="([a-z0-9-]+)"')


def run(params: dict[str, str] | None = None, page: str | None = None, zone: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if zone:  # the viewer's zone, as the browser reports it (st.context.timezone)
        at.context["timezone"] = zone
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"components/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def board_statuses(at: AppTest) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in at.markdown:
        for status, scenario in CHIP.findall(block.value):
            found[scenario] = status
    return found


def expected(as_of: str, *, upcoming: bool = True) -> dict[str, str]:
    """Every demo scenario's status as of a link's `as_of` (a date: each scenario's end of that day); `upcoming=False` leaves
    out those not open yet, as boards and decks do."""
    scenarios, log = load_scenarios(DEMO_SCENARIOS), load_events(DEMO_EVENTS)
    found = {a.scenario.id: a.status.value for a in assess_all(scenarios.scenarios, log, parse_as_of(as_of))}
    return {k: v for k, v in found.items() if upcoming or v != "upcoming"}


@pytest.fixture
def demo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo data the test may break, pointed at through the environment."""
    scenarios = tmp_path / "scenarios"
    shutil.copytree(DEMO_SCENARIOS, scenarios)
    events = tmp_path / "events.csv"
    shutil.copy(DEMO_EVENTS, events)
    shutil.copy(DEMO_VOCABULARY, events.parent / "vocabulary.yaml")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(scenarios))
    monkeypatch.setenv("TRACKER_EVENTS", str(events))
    return tmp_path


@pytest.mark.parametrize("as_of", ["2021-12-20", "2022-02-01", "2022-03-01", "2022-12-31"])
def test_board_shows_every_scenario_with_its_status(as_of: str) -> None:
    at = run({"as_of": as_of})
    assert board_statuses(at) == expected(as_of, upcoming=False)
    assert at.title[0].value == "Sanctions scenarios"


def test_board_leaves_out_scenarios_not_open_yet_and_says_how_many() -> None:
    at = run({"as_of": "2021-12-20"})
    assert set(board_statuses(at)) == {
        "joint-sanctions-christmas-2021",
        "eu-economic-sanctions-renewal",
        "g7-massive-consequences-2021",
        "nord-stream-2-certification-2022-01",
    }
    assert any(c.value.startswith("10 scenarios open later: left out until tracking starts") for c in at.caption)
    at.toggle(key="upcoming").set_value(True).run()
    assert board_statuses(at) == expected("2021-12-20")
    assert board_statuses(at)["swift-disconnection-2022"] == "upcoming"


def test_board_christmas_is_due_soon_with_about_five_days_left() -> None:
    at = run({"as_of": "2021-12-20"})
    assert board_statuses(at)["joint-sanctions-christmas-2021"] == "due-soon"
    countdowns = [m.value for m in at.markdown if 'class="countdown" data-scenario="joint-sanctions-christmas-2021"' in m.value]
    # A bare date is the end of that day in the scenario's own zone (Brussels): five whole days to its Christmas deadline.
    assert countdowns and ">5 d 0 h<" in countdowns[0]


def test_board_counts_per_status() -> None:
    at = run({"as_of": "2022-02-01"})
    counts = {b.key: b.label for b in at.button if (b.key or "").startswith("count_")}
    assert counts["count_overdue"] == "Overdue **1**" and counts["count_watching"] == "Watching **2**"


def test_board_filters_by_status_actor_tag_and_text() -> None:
    at = run({"as_of": "2022-03-01"})
    at.multiselect(key="status").set_value(["enacted"]).run()
    shown = board_statuses(at)
    assert shown and set(shown.values()) == {"enacted"}
    at.multiselect(key="status").set_value([]).run()
    at.multiselect(key="tag").set_value(["swift"]).run()
    assert set(board_statuses(at)) == {"swift-disconnection-2022"}
    at.multiselect(key="tag").set_value([]).run()
    at.text_input(key="q").set_value("chemical weapons").run()
    assert board_statuses(at) == {}  # it opens on 2022-03-24
    at.toggle(key="upcoming").set_value(True).run()
    assert board_statuses(at) == {"chemical-weapons-response-2022": "upcoming"}
    at.text_input(key="q").set_value("no such words anywhere").run()
    assert board_statuses(at) == {}
    assert any("No scenario matches" in i.value for i in at.info)


def test_filters_come_from_the_url() -> None:
    at = run({"as_of": "2022-01-31", "status": "averted"})
    assert set(board_statuses(at).values()) == {"averted"}


def test_deep_link_opens_the_scenario_page_at_the_as_of() -> None:
    at = run({"as_of": "2021-12-20", "scenario": "joint-sanctions-christmas-2021"})
    assert shown(at.title[0].value).startswith("Joint US-EU-UK sanctions package")
    page = "\n".join(m.value for m in at.markdown)
    assert 'data-status="due-soon"' in page
    assert "5 d 0 h" in page
    assert at.query_params["scenario"] in ("joint-sanctions-christmas-2021", ["joint-sanctions-christmas-2021"])


def test_scenario_page_explains_and_lists_deciding_events() -> None:
    at = run({"as_of": "2022-03-01", "scenario": "joint-sanctions-christmas-2021"})
    page = "\n".join(shown(m.value) for m in at.markdown)
    assert "Enacted on 2022-02-22" in page
    assert "Deciding events" in [h.value for h in at.header]
    matched = next(d.value for d in at.dataframe if "Role" in d.value.columns)
    assert "Response" in set(matched["Role"])
    assert matched["Source"].str.startswith("https://").any() and matched["Cited as"].all()


def test_unknown_scenario_in_link_says_so() -> None:
    at = run({"scenario": "no-such-scenario"})
    assert any("no scenario with id" in w.value for w in at.warning)


def test_bad_as_of_in_link_falls_back_to_now_with_a_message() -> None:
    at = run({"as_of": "20 December"})
    assert any("could not be read" in w.value for w in at.sidebar.warning)


@pytest.mark.parametrize("as_of", ["2606-07-11", "0001-01-01T00:00+05:00"])
def test_an_as_of_outside_the_calendar_in_a_link_says_so_and_shows_now(as_of: str) -> None:
    at = run({"as_of": as_of})
    assert not at.exception
    notes = [shown(w.value) for w in at.sidebar.warning]
    assert any("could not be read" in n and "is outside the supported dates, 1900-01-01 to 2199-12-31" in n for n in notes), notes


def test_timeline_page_renders_a_chart() -> None:
    at = run({"as_of": "2022-03-01"}, page="timeline")
    assert at.title[0].value == "Timeline"
    assert at.get("plotly_chart")


def test_events_page_table_and_matches() -> None:
    at = run({"as_of": "2022-03-01"}, page="events")
    table = at.dataframe[0].value
    assert len(table) == len(expected_events_by("2022-03-01"))
    row = table[table["id"] == "2022-02-22-us-first-tranche-sanctions"]
    assert not row.empty and "joint-sanctions-christmas-2021" in row["matched_scenarios"].iloc[0]
    at.text_input(key="events_q").set_value("SWIFT").run()
    found = at.dataframe[0].value
    assert 0 < len(found) < len(table)
    assert all("swift" in " ".join(row).lower() for row in found[["title", "source", "link", "notes", "id"]].itertuples(index=False))


ZONES = ["America/New_York", "Asia/Tokyo", "UTC"]


def _demo_ids_on(day: str) -> list[str]:
    log = load_events(DEMO_EVENTS)
    return sorted(e.id for e in log.events(range(len(log))) if e.occurred[:10] == day)


@pytest.mark.parametrize("zone", ZONES)
def test_events_page_filters_date_only_events_on_their_own_date(zone: str) -> None:
    at = run({"as_of": "2022-03-01"}, page="events", zone=zone)
    dates = at.date_input(key="events_dates")
    log = load_events(DEMO_EVENTS)
    assert dates.value[0] == min(e.day for e in log.events(range(len(log))))  # the first event's own date, not the evening before
    dates.set_value((dt.date(2022, 2, 22), dt.date(2022, 2, 22))).run()
    table = at.dataframe[0].value
    assert sorted(table["id"]) == _demo_ids_on("2022-02-22") and len(table) == 3
    assert set(table["occurred"]) == {"2022-02-22"}


@pytest.mark.parametrize("zone", ZONES)
def test_timeline_plots_date_only_events_on_their_own_date(zone: str) -> None:
    at = run({"as_of": "2022-03-01"}, page="timeline", zone=zone)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    placed = {
        event_id: x
        for trace in spec["data"]
        if trace.get("type") == "scatter" and trace.get("customdata")
        for (_, event_id), x in zip(trace["customdata"], trace["x"], strict=True)
    }
    assert placed["2022-02-22-us-first-tranche-sanctions"].startswith("2022-02-22T00:00:00")
    assert spec["layout"]["xaxis"]["title"]["text"] == f"Date ({zone})"


def _timeline_rows(at: AppTest) -> tuple[dict, dict[str, str], list[dict]]:
    """The Timeline chart's spec, where each scenario's own bar ends (on the viewer's clock), and its moved-deadline marks."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    ends: dict[str, str] = {}
    for trace in spec["data"]:
        if trace.get("type") == "bar" and "response window" not in trace["name"]:
            for row, base, length in zip(trace["y"], trace["base"], trace["x"], strict=True):
                ends[row] = (dt.datetime.fromisoformat(base) + dt.timedelta(milliseconds=length)).isoformat()
    marks = [t for t in spec["data"] if t.get("name") == "Earlier deadline (moved)"]
    return spec, ends, marks


def _moved_labels(spec: dict) -> list[tuple[str, str, str]]:
    """Each moved deadline's label: where it stands, the row it stands above (the axis numbers rows from the bottom)."""
    order = spec["layout"]["yaxis"]["categoryarray"]
    labels = [a for a in spec["layout"].get("annotations", []) if "moved on" in a["text"]]
    return [(a["x"], order[int(a["y"] - 0.5)], a["text"]) for a in labels]


@pytest.mark.parametrize(
    ("as_of", "end", "mark"),
    [
        ("2025-07-20", "2025-09-03T00:00:00", None),  # the 50-day deadline, 2 September; the cut is not announced yet
        ("2025-08-01", "2025-08-09T00:00:00", "deadline 2025-09-02, moved on 2025-07-28"),  # cut on 28 July to about 8 August
    ],
)
def test_timeline_bar_ends_at_the_deadline_in_force_and_marks_the_one_replaced(as_of: str, end: str, mark: str | None) -> None:
    at = run({"as_of": as_of}, page="timeline", zone="America/New_York")
    spec, ends, marks = _timeline_rows(at)
    assert ends["us-secondary-tariffs-russia-2025"] == end
    if mark is None:
        assert not marks and "moved on" not in at.get("plotly_chart")[0].proto.spec
    else:
        (trace,) = marks
        assert trace["y"] == ["us-secondary-tariffs-russia-2025"] and trace["x"] == ["2025-09-03T00:00:00"]
        assert _moved_labels(spec) == [("2025-09-03T00:00:00", "us-secondary-tariffs-russia-2025", mark)]
    # Scenarios not open yet are left out, and the page says how many.
    shown = expected(as_of, upcoming=False)
    later = len(expected(as_of)) - len(shown)
    assert later == 2  # the E3's and the UN's snapback, tracked from 12 and 28 August
    assert set(ends) == set(shown)
    assert set(spec["layout"]["yaxis"]["tickvals"]) - {"__other_events__"} == set(shown)
    assert any(c.value.startswith("2 scenarios open later: left out until tracking starts") for c in at.caption)
    # ...until asked for.
    at.toggle(key="upcoming").set_value(True).run()
    assert set(_timeline_rows(at)[1]) == set(expected(as_of))
    assert not any("open later" in c.value for c in at.caption)


def test_events_page_filters_and_shows_the_kind() -> None:
    at = run({"as_of": "2022-03-01"}, page="events")
    table = at.dataframe[0].value
    assert "kind" in table.columns and "decision" in set(table["kind"])
    at.multiselect(key="kind").set_value(["decision"]).run()
    decisions = at.dataframe[0].value
    assert 0 < len(decisions) < len(table) and set(decisions["kind"]) == {"decision"}
    linked = run({"as_of": "2022-03-01", "kind": "threat"}, page="events")
    assert set(linked.dataframe[0].value["kind"]) == {"threat"}


def expected_events_by(as_of: str) -> list[str]:

    log = load_events(DEMO_EVENTS)
    return log.ids(log.occurred_by(parse_instant(as_of)))


def test_health_page_is_clean_on_the_demo() -> None:
    at = run(page="health")
    assert any("No problems" in s.value for s in at.success)


def test_broken_scenario_shows_on_health_and_the_rest_works(demo_copy: Path) -> None:
    broken = demo_copy / "scenarios" / "broken-one.yaml"
    broken.write_text(
        "id: broken-one\ntitle: Broken\nopened: 2021-12-01\ndeadlne: 2021-12-31\ntrigger: {when: {tags: [x]}}\n", encoding="utf-8"
    )
    at = run({"as_of": "2022-03-01"})
    assert any("problem(s)" in e.value for e in at.error)
    assert board_statuses(at) == expected("2022-03-01", upcoming=False)
    at.switch_page("components/pages/health.py").run()
    problems = at.dataframe[0].value
    assert any(where.endswith("broken-one.yaml:4:1") for where in problems["Where"])
    assert any("did you mean 'deadline'" in p for p in problems["Problem"])
    assert not at.exception


def test_a_broken_vocabulary_is_said_and_the_dashboard_carries_on_without_it(demo_copy: Path) -> None:
    (demo_copy / "vocabulary.yaml").write_text("aliases:\n  Russia: RU\n", encoding="utf-8")
    at = run({"as_of": "2021-12-20"})
    assert any("(vocabulary.yaml)" in shown(e.value) for e in at.error)
    assert board_statuses(at)["joint-sanctions-christmas-2021"] == "due-soon"
    at.switch_page("components/pages/health.py").run()
    problems = at.dataframe[0].value
    assert list(problems[problems["Where"] == "vocabulary.yaml:2:11"]["Problem"]) == [
        "aliases.Russia: must be a list of names in brackets ([a, b]), not 'RU'; the vocabulary is not used until this is fixed"
    ]
    assert not at.exception


def test_events_page_filters_by_canonical_names(demo_copy: Path) -> None:
    with (demo_copy / "events.csv").open("a", encoding="utf-8") as log:
        log.write("acled-ukr1,2022-02-26,Shelling near Kharkiv,Military Forces of Russia (2000-),Ukraine,,action,Ukrinform,\n")
    at = run({"as_of": "2022-03-01", "events_actor": "Russia"}, page="events")
    actor = at.multiselect(key="events_actor")
    assert "Russia" in actor.options and "Military Forces of Russia (2000-)" not in actor.options
    table = at.dataframe[0].value
    assert "acled-ukr1" in set(table["id"]), "the event's own spelling stands for its canonical name"
    assert all("Military Forces of Russia (2000-)" in actors or "Russia" in actors for actors in table["actors"])


def test_edited_file_shows_on_next_rerun(demo_copy: Path) -> None:
    at = run({"as_of": "2022-03-01"})
    path = demo_copy / "scenarios" / "chemical-weapons-response-2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("withdrawn:", "withdrawn_:") if "withdrawn:" in text else text + "withdrawn: {on: 2022-01-01, reason: Test}\n"
    )
    at.run()
    assert board_statuses(at)["chemical-weapons-response-2022"] == "withdrawn"


def test_basis_known_shows_only_what_had_been_logged_by_then(demo_copy: Path) -> None:
    # A pull-back that happened on 20 December but was logged only on 5 January: as it occurred, it averted the
    # Christmas scenario; as known on 27 December, the scenario had triggered.
    events = demo_copy / "events.csv"
    text = events.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    rows = [line + "," for line in rest.splitlines() if line]
    events.write_text(
        "\n".join(
            [
                header + ",logged_at",
                *rows,
                "pull-back,2021-12-20,Russia pulls back,Russia,,de-escalation,action,Example,,2022-01-05T09:00:00Z",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    occurred = run({"as_of": "2021-12-27"})
    assert board_statuses(occurred)["joint-sanctions-christmas-2021"] == "averted"
    known = run({"as_of": "2021-12-27", "basis": "known"})
    assert board_statuses(known)["joint-sanctions-christmas-2021"] == "triggered"
    assert known.sidebar.radio[0].value == "known"
    known.sidebar.radio[0].set_value("occurred").run()
    assert board_statuses(known)["joint-sanctions-christmas-2021"] == "averted"


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"status": "bogus"}, "The link's status=bogus is not a status; showing all."),
        ({"actor": "Atlantis"}, "The link's actor=Atlantis is not an actor of any scenario; showing all."),
        ({"target": "Mars"}, "The link's target=Mars is not a target of any scenario; showing all."),
        ({"tag": "no-such-tag"}, "The link's tag=no-such-tag is not a tag of any scenario; showing all."),
        ({"upcoming": "maybe"}, "The link's upcoming=maybe is not true or false; scenarios that open later stay hidden."),
        ({"stale": "maybe"}, "The link's stale=maybe is not true or false; showing all."),
    ],
)
def test_an_unknown_value_in_a_link_is_named_and_the_board_shows_all(params: dict[str, str], notice: str) -> None:
    at = run({"as_of": "2022-03-01", **params})
    assert notice in [shown(w.value) for w in at.main.warning]
    assert board_statuses(at) == expected("2022-03-01", upcoming=False)  # dropped: nothing is filtered out


def test_known_values_in_a_link_raise_no_notice() -> None:
    at = run({"as_of": "2022-03-01", "status": "averted", "actor": "US", "upcoming": "TRUE", "stale": "false"})
    assert [w.value for w in at.main.warning] == []


def test_an_unknown_basis_in_a_link_is_named_and_ignored() -> None:
    at = run({"as_of": "2021-12-27", "basis": "hindsight"})
    assert any("basis=hindsight ignored" in shown(w.value) for w in at.sidebar.warning)
    assert board_statuses(at)["joint-sanctions-christmas-2021"] == "triggered"


def test_the_scenario_picker_offers_only_scenarios_open_by_the_as_of() -> None:
    at = run({"as_of": "2021-12-20"}, page="scenario")
    assert set(at.selectbox(key="scenario_pick").options) == {
        "Joint US-EU-UK sanctions package if Russia does not back down by Christmas",
        "EU economic sanctions on Russia expire at the end of each six-month term unless renewed",
        "G7 promises massive consequences and severe cost if Russia commits further military aggression against Ukraine",
        "German regulator's draft decision on Nord Stream 2 certification due by 8 January 2022",
    }
    assert any(c.value == "10 scenarios open later: not listed until tracking starts." for c in at.caption)
    # A link that names one still opens it, as it stood: not open yet.
    linked = run({"as_of": "2021-12-20", "scenario": "swift-disconnection-2022"})
    assert 'data-status="upcoming"' in "\n".join(m.value for m in linked.markdown)


def test_the_events_page_names_only_scenarios_open_by_the_as_of() -> None:
    at = run({"as_of": "2021-12-20"}, page="events")
    named = {s for cell in at.dataframe[0].value["matched_scenarios"] for s in cell}
    open_then = {sid for sid, status in expected("2021-12-20").items() if status != "upcoming"}
    assert named and named <= open_then
    later = run({"as_of": "2022-03-01"}, page="events")
    table = later.dataframe[0].value
    row = table[table["id"] == "2022-02-22-us-first-tranche-sanctions"]
    assert "joint-sanctions-christmas-2021" in row["matched_scenarios"].iloc[0]
