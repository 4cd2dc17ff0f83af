"""The Timeline page in AppTest: its range control, the Fit button and the chart's CSV download (``?range=`` in a link is
checked in the browser: AppTest drops a page's URL parameters when it switches to the page)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.markdown import shown
from tests.test_app import run


def _x_range(at: AppTest) -> tuple[pd.Timestamp, pd.Timestamp]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    start, end = spec["layout"]["xaxis"]["range"]
    return pd.Timestamp(start), pd.Timestamp(end)


def test_the_live_timeline_fits_the_data() -> None:
    at = run(page="timeline")
    start, end = _x_range(at)
    # The data run to the renewal series' last deadline (2026-01-31); today is drawn in only when it is near that.
    assert pd.Timestamp("2021-05-01") < start < pd.Timestamp("2021-09-01") and end > pd.Timestamp("2026-02-01")
    assert at.button_group(key="range").value == "fit"


def test_the_range_control_and_the_fit_button() -> None:
    at = run({"as_of": "2021-12-20"}, page="timeline")
    fitted = _x_range(at)
    assert fitted[0] < pd.Timestamp("2021-07-12") and fitted[1] > pd.Timestamp("2022-12-31")  # the open scenarios' span
    at.button_group(key="range").set_value("around").run()
    assert _x_range(at) == (pd.Timestamp("2021-11-20 23:59:59.999999"), pd.Timestamp("2022-01-19 23:59:59.999999"))
    (fit,) = [b for b in at.button if b.label == "Fit"]
    fit.click().run()
    assert at.button_group(key="range").value == "fit" and _x_range(at) == fitted


def test_the_chart_data_downloads_as_csv_named_by_the_as_of(downloads: dict[str, bytes]) -> None:
    run({"as_of": "2021-12-20"}, page="timeline", zone="UTC")
    rows = list(csv.DictReader(io.StringIO(downloads["timeline-as-of-2021-12-20.csv"].decode("utf-8"), newline="")))
    christmas = [r for r in rows if r["Scenario"] == "joint-sanctions-christmas-2021"]
    assert christmas[0]["Drawn as"] == "Tracking window" and christmas[0]["Status"] == "Due soon"
    assert christmas[0]["To (UTC)"] == "2021-12-25 23:00"  # the end of 25 December in Brussels
    signpost = next(r for r in christmas if r["Event id"])
    assert signpost["Drawn as"] == "Signpost: escalation" and signpost["Source"].startswith("The Washington Post: ")
    # Sources read as the chart's hover does, "Publisher: Title (site)", never a raw "<https://...>".
    assert not any("https://" in r["Source"] for r in rows)
    assert any(r["Source"].endswith("(en.interfax.com.ua)") for r in rows)
    others = [r for r in rows if r["Title"] == "Other events"]
    assert others and all(r["Event id"] and r["From (UTC)"] <= "2021-12-20" for r in others)
    # The Scenario page offers its own chart's data the same way.
    run({"as_of": "2021-12-20", "scenario": "joint-sanctions-christmas-2021"}, page="scenario", zone="UTC")
    data = downloads["joint-sanctions-christmas-2021-timeline-as-of-2021-12-20.csv"].decode("utf-8")
    assert {r["Scenario"] for r in csv.DictReader(io.StringIO(data, newline=""))} == {"joint-sanctions-christmas-2021"}


def test_a_link_names_the_range_and_an_unknown_one_is_said() -> None:
    at = run({"as_of": "2021-12-20", "range": "around"}, page="timeline")
    assert at.button_group(key="range").value == "around"
    assert _x_range(at)[1] == pd.Timestamp("2022-01-19 23:59:59.999999")
    at = run({"as_of": "2021-12-20", "range": "bogus"}, page="timeline")
    assert at.button_group(key="range").value == "fit"
    assert any("range 'bogus' is not one of fit, all, around" in shown(c.value) for c in at.caption)
