"""The Scenario page's likelihood: the analysts' assessments in replay, and recording one from the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.markdown import shown
from tests.test_app_logging import assert_fine, open_app, scratch, writable  # noqa: F401 - fixtures
from tracker.judgement.ledger import read_judgements

CHRISTMAS = "joint-sanctions-christmas-2021"
HEADER = "id,scenario,assessed_at,probability,confidence,note,assessed_by,logged_at,corrects\n"
ROWS = (
    f"a1,{CHRISTMAS},2021-12-08T09:00:00Z,60,low,Before the G7 meeting <https://example.org/g7>,AB,2021-12-08T09:00:00Z,\n"
    f"a2,{CHRISTMAS},2021-12-15T09:00:00Z,75,medium,After the EU summit,CD,2021-12-15T09:00:00Z,\n"
    f"a3,{CHRISTMAS},2021-12-16T09:00:00Z,80,medium,typo,CD,2021-12-17T09:00:00Z,a2\n"
)


def words(at: object) -> str:
    return "\n".join(shown(m.value) for m in at.markdown)  # type: ignore[attr-defined]


def captions(at: object) -> str:
    return "\n".join(shown(c.value) for c in at.caption)  # type: ignore[attr-defined]


@pytest.fixture
def assessed(scratch: Path) -> Path:  # noqa: F811 - the fixture above
    (scratch / "assessments.csv").write_text(HEADER + ROWS)
    return scratch


def test_the_page_shows_the_last_assessment_made_by_the_as_of_instant(assessed: Path) -> None:
    at = open_app("scenario", {"scenario": CHRISTMAS, "as_of": "2021-12-10"})
    assert "60 % that it ends enacted (low confidence), by AB on 2021-12-08" in words(at)
    assert "1 later assessment(s) not shown: this is a replay of an earlier date." in captions(at)
    table = next(d.value for d in at.dataframe if "Enacted" in d.value.columns)
    assert table["Enacted"].tolist() == ["60 %"]
    at = open_app("scenario", {"scenario": CHRISTMAS, "as_of": "2021-12-20"})
    assert "80 % that it ends enacted (medium confidence), by CD on 2021-12-16" in words(at)
    table = next(d.value for d in at.dataframe if "Enacted" in d.value.columns)
    assert table["Enacted"].tolist() == ["80 %", "60 %"]
    assert table["Id"].tolist() == ["a2 (corrected)", "a1"]
    assert not table.drop(columns="Source").isna().any().any()  # a link column shows a missing link as an empty cell
    assert table["Source"].tolist()[1] == "https://example.org/g7"
    assert table["Note"].tolist() == ["typo", "Before the G7 meeting"]


def test_under_basis_known_a_later_correction_is_not_yet_known(assessed: Path) -> None:
    at = open_app("scenario", {"scenario": CHRISTMAS, "as_of": "2021-12-16T12:00:00Z", "basis": "known"})
    assert "75 % that it ends enacted (medium confidence), by CD on 2021-12-15" in words(at)


def test_a_scenario_without_assessments_says_so(scratch: Path) -> None:  # noqa: F811
    at = open_app("scenario", {"scenario": CHRISTMAS, "as_of": "2021-12-20"})
    assert "No analyst has assessed how likely this scenario is to end enacted." in captions(at)


def test_a_reader_cannot_record_one(scratch: Path) -> None:  # noqa: F811
    at = open_app("scenario", {"scenario": CHRISTMAS})
    assert "Read-only: you cannot record assessments here." in words(at)
    assert not [b for b in at.button if b.label == "Save assessment"]


def test_a_writer_records_one_and_sees_it_at_once(writable: Path) -> None:  # noqa: F811
    at = open_app("scenario", {"scenario": CHRISTMAS})
    key = f"assess-{CHRISTMAS}-0"
    at.slider(key=f"{key}-p").set_value(70)
    at.radio(key=f"{key}-c").set_value("high")
    at.text_input(key=f"{key}-n").input("G7 statement <https://example.org/g7>")
    at.text_input(key=f"{key}-by").input("AB")
    at.button[[b.label for b in at.button].index("Save assessment")].click().run()
    assert_fine(at)
    read = read_judgements(writable / "assessments.csv")
    assert [(j.scenario, j.probability, j.confidence, j.note, j.assessed_by) for j in read.rows] == [
        (CHRISTMAS, 70.0, "high", "G7 statement <https://example.org/g7>", "AB")
    ]
    assert any("Saved assessment" in shown(s.value) and "70 % that it ends enacted" in shown(s.value) for s in at.success)
    assert "70 % that it ends enacted (high confidence), by AB" in words(at)


def test_a_board_card_shows_the_last_assessment_made_by_the_as_of_instant(assessed: Path) -> None:
    def card_lines(as_of: str) -> list[str]:
        at = open_app("board", {"as_of": as_of})
        return [shown(c.value) for c in at.caption if "Likelihood" in c.value]

    assert card_lines("2021-12-07") == []
    assert card_lines("2021-12-10") == [":material/percent: Likelihood 60 % enacted (AB, 2021-12-08)"]
    assert card_lines("2021-12-20") == [":material/percent: Likelihood 80 % enacted (CD, 2021-12-16)"]
