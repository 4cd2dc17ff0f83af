"""The tables as a reader gets them: the important columns first, lists as lists, sources as links, no None or NaN, and
downloads named by the as-of instant with the columns the table shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import demo_copy, run  # noqa: F401  (demo_copy: a fixture)
from tracker.report.tables import LINK, download_csv, download_name, event_rows

CHRISTMAS = "joint-sanctions-christmas-2021"


def _blank(value: object) -> bool:
    """A cell that would read None or NaN on screen."""
    return value is None or (isinstance(value, float) and pd.isna(value)) or value in ("None", "nan", "NaN")


def _no_missing_cells(table: pd.DataFrame) -> None:
    bad = [(column, value) for column in table.columns for value in table[column] if pd.api.types.is_scalar(value) and _blank(value)]
    assert not bad, bad[:5]


def _config(at: AppTest, index: int = 0) -> tuple[list[str], dict[str, dict[str, object]]]:
    """The column order and the column configuration the page sent for a dataframe."""
    proto = at.dataframe[index].proto
    return list(proto.column_order), json.loads(proto.columns)


def test_the_events_table_puts_what_a_reader_scans_for_first() -> None:
    at = run({"as_of": "2022-03-01"}, page="events")
    order, config = _config(at)
    assert order[:4] == ["occurred", "title", "matched_scenarios", LINK]
    assert config[LINK]["type_config"]["type"] == "link" and config[LINK]["label"] == "Source"
    for column in ("matched_scenarios", "actors", "targets", "tags"):
        assert config[column]["type_config"]["type"] == "list", column


def test_the_events_table_shows_lists_links_and_no_missing_cell() -> None:
    table = run({"as_of": "2022-03-01"}, page="events").dataframe[0].value
    row = table[table["id"] == "2022-02-22-us-first-tranche-sanctions"].iloc[0]
    assert CHRISTMAS in list(row["matched_scenarios"])
    assert list(row["actors"]) == ["US"] and "Russia" in list(row["targets"])
    assert row[LINK].startswith("https://") and "<https://" not in row["source"] and row["source"]
    _no_missing_cells(table)
    assert any(not len(cell) for cell in table["matched_scenarios"])  # an event no scenario matched: an empty list


@pytest.mark.parametrize(
    ("as_of", "name"),
    [
        (dt.date(2021, 12, 20), "events-as-of-2021-12-20.csv"),
        (dt.datetime(2026, 12, 5, 23, 15, tzinfo=dt.timezone(dt.timedelta(hours=1))), "events-as-of-2026-12-05T2215Z.csv"),
    ],
)
def test_a_download_is_named_by_the_as_of_instant(as_of: dt.date, name: str) -> None:
    assert download_name("events", as_of) == name


def test_the_events_download_has_what_the_table_shows(downloads: dict[str, bytes]) -> None:
    at = run({"as_of": "2022-03-01"}, page="events")
    data = downloads.pop("events-as-of-2022-03-01.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) == len(at.dataframe[0].value)
    row = next(r for r in rows if r["id"] == "2022-02-22-us-first-tranche-sanctions")
    assert CHRISTMAS in row["matched_scenarios"].split(";") and row[LINK].startswith("https://")
    assert row["actors"] == "US" and "None" not in data.decode("utf-8")


def test_a_live_download_is_named_by_the_instant_shown(downloads: dict[str, bytes]) -> None:
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    run(page="events")
    after = dt.datetime.now(dt.UTC)
    (name,) = [n for n in downloads if n.startswith("events-")]
    stamp = dt.datetime.strptime(name, "events-as-of-%Y-%m-%dT%H%MZ.csv").replace(tzinfo=dt.UTC)
    assert before <= stamp <= after


def test_event_rows_leave_no_missing_cell_and_split_lists() -> None:
    frame = pd.DataFrame(
        [
            {
                "id": "a",
                "title": "T",
                "actors": "US;Russia",
                "targets": None,
                "tags": "",
                "source": "Reuters: X <https://www.reuters.com/x>",
            }
            | {"notes": None},
            {"id": "b", "title": "U", "actors": None, "targets": "EU", "tags": "x", "source": "Phone call", "notes": "n"},
        ]
    )
    rows = event_rows(frame)
    assert list(rows["actors"]) == [["US", "Russia"], []] and list(rows["targets"]) == [[], ["EU"]]
    assert list(rows["source"]) == ["Reuters: X", "Phone call"] and list(rows[LINK]) == ["https://www.reuters.com/x", ""]
    assert list(rows["notes"]) == ["", "n"]
    assert download_csv(rows).decode("utf-8").splitlines()[1] == '"a","T","US;Russia","","","Reuters: X","https://www.reuters.com/x",""'


@pytest.mark.parametrize(
    ("params", "page"),
    [
        ({"as_of": "2022-02-01", "since": "2021-12-20"}, "since"),
        ({"as_of": "2022-03-01", "scenario": CHRISTMAS}, None),
    ],
    ids=["since", "scenario"],
)
def test_event_tables_elsewhere_link_their_sources_and_leave_no_missing_cell(params: dict[str, str], page: str | None) -> None:
    at = run(params, page=page)
    tables = [i for i, d in enumerate(at.dataframe) if "Cited as" in d.value.columns]
    assert tables
    for index in tables:
        table = at.dataframe[index].value
        _no_missing_cells(table)
        assert table["Source"].str.startswith("https://").any()
        _, config = _config(at, index)
        assert config["Source"]["type_config"]["type"] == "link"


def test_the_health_table_leaves_no_missing_cell(demo_copy: Path) -> None:  # noqa: F811
    (demo_copy / "scenarios" / "broken-one.yaml").write_text("id: broken-one\ntitle: Broken\nopened: 2021-12-01\n", encoding="utf-8")
    table = run(page="health").dataframe[0].value
    assert any(where.endswith("broken-one.yaml:1:1") for where in table["Where"])
    _no_missing_cells(table)
