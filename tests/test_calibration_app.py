"""The Calibration page through AppTest, on the scratch workspace of tests/test_calibration.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.markdown import shown
from tests.test_app import run
from tests.test_calibration import scratch  # noqa: F401 - the fixture

AS_OF = {"as_of": "2022-01-31"}


@pytest.fixture
def workspace(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811 - the fixture, used
    monkeypatch.setenv("TRACKER_SCENARIOS", str(scratch / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(scratch / "data" / "events.csv"))
    return scratch


def texts(at: object) -> list[str]:
    return [shown(block.value).strip() for block in [*at.markdown, *at.caption]]  # type: ignore[attr-defined]


def test_calibration_shows_the_scores_with_their_counts(workspace: Path) -> None:
    at = run(AS_OF, "calibration")
    assert at.title[0].value == "Calibration"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Brier, last before decision": "0.047",  # (0.09 + 0.04 + 0.01) / 3
        "Brier, all before decision": "0.075",  # 0.30 / 4
        "Resolved scenarios": "3",
        "Not scored": "2",
    }
    captions = [shown(c.value) for c in at.caption]
    assert {"over 3 scenario(s)", "over 4 assessment(s)", "3 assessed before the decision", "1 left out, 1 open"} <= set(captions)
    owners = at.dataframe[0].value
    assert list(owners["Owner"]) == ["overall", "(no owner)"]
    assert list(owners["All: n"]) == [4, 4] and list(owners["Brier, all before decision"]) == ["0.075", "0.075"]


def test_calibration_reliability_table_and_chart(workspace: Path) -> None:
    at = run(AS_OF, "calibration")
    bins = at.dataframe[1].value
    assert list(bins["Probability"])[6] == "60-70%" and list(bins["Assessments"]) == [0, 0, 1, 1, 0, 0, 1, 0, 0, 1]
    assert "None" not in bins.to_string()
    at.radio(key="calibration_which").set_value("last").run()
    assert list(at.dataframe[1].value["Assessments"]) == [0, 0, 1, 1, 0, 0, 0, 0, 0, 1]  # enacted's 60 was not its last
    chart = at.get("plotly_chart")[0]
    assert '"Perfectly calibrated"' in chart.proto.spec and '"n=1"' in chart.proto.spec


def test_calibration_lists_scenarios_left_out_and_links_each_scored_one(workspace: Path) -> None:
    at = run(AS_OF, "calibration")
    links = {link.label: link for link in at.get("page_link")}
    assert set(links) == {"Scenario averted", "Scenario enacted", "Scenario lapsed"}
    assert links["Scenario averted"].proto.query_string == "scenario=averted&as_of=2022-01-31"  # its page, at this as-of
    seen = texts(at)
    assert "Scenario withdrawn: withdrawn: tracking ended before it was decided" in seen
    assert "1 not resolved yet (1 watching): they are scored once decided." in seen
    assert "30% on 2021-12-05 by ana" in seen and "90% on 2021-12-15 by ana" in seen


def test_calibration_without_assessments_says_how_to_add_one(workspace: Path) -> None:
    (workspace / "data" / "assessments.csv").unlink()
    at = run(AS_OF, "calibration")
    (info,) = at.info
    assert shown(info.value) == (
        "Nothing to score yet: no assessment was made before the decision of any of the 3 resolved scenario(s). "
        "Record one on a scenario's page, or tracker assess ID --probability 70 --confidence medium."
    )
    assert not at.metric
    assert "3 resolved scenarios have no assessment before their decision: they are listed, and not in any score." in texts(at)


def test_an_analysts_name_reads_as_written(workspace: Path) -> None:
    hostile = "[x](https://evil.example/a) **bold** <b>b</b>"
    path = workspace / "data" / "assessments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",ana,", f',"{hostile}",'), encoding="utf-8")
    at = run(AS_OF, "calibration")
    assert f"30% on 2021-12-05 by {hostile}" in texts(at)  # the text as written: no link, no bold
    assert not [m.value for m in at.markdown if "](https://evil.example" in m.value]
