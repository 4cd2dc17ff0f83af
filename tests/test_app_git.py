"""The git-backed views in the app: a scenario's history and the Changes page, on a scratch repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_EVENTS, ScratchRepo
from tests.markdown import shown
from tests.test_app import run
from tests.test_history import ALICE, BOB, scenario_text


@pytest.fixture
def moved_deadline(repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch) -> ScratchRepo:
    """A repository whose one scenario's deadline moved twice, by two people."""
    shutil.copy(DEMO_EVENTS, repo.root / "events.csv")
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add the Christmas scenario", author=ALICE, date="2021-12-06T09:00:00+01:00")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15"))
    repo.commit("Move the deadline after the summit", author=BOB, date="2021-12-20T14:03:00+01:00")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-31"))
    repo.commit("Move it again", author=ALICE, date="2022-01-10T08:00:00+01:00")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(repo.root / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(repo.root / "events.csv"))
    return repo


def test_scenario_page_shows_each_deadline_move_with_author_and_date(moved_deadline: ScratchRepo) -> None:
    at = run({"scenario": "xmas", "as_of": "2021-12-21"})
    assert "History" in [h.value for h in at.header]
    text = "\n".join(shown(m.value) for m in at.markdown) + "\n".join(shown(c.value) for c in at.caption)
    assert "deadline: 2021-12-25 -> 2022-01-15" in text
    assert "deadline: 2022-01-15 -> 2022-01-31" in text
    assert "Bob Reviewer" in text and "2021-12-20 14:03 +0100" in text
    assert "Move the deadline after the summit" in text


def test_changes_page_lists_the_moves_and_status_differences(moved_deadline: ScratchRepo) -> None:
    at = run({"as_of": "2022-01-20"}, page="changes")
    assert not at.exception
    text = "\n".join(shown(m.value) for m in at.markdown)
    assert "deadline: 2021-12-25 -> 2022-01-31" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Changed"] == "1"
    # Against the first revision, the deadline had passed by 20 January; now it has not.
    assert metrics["Status differs"] == "1"


def test_without_git_the_pages_say_so_and_work_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: None) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "xmas.yaml").write_text(scenario_text(), encoding="utf-8")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    monkeypatch.setenv("TRACKER_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("TRACKER_EVENTS", str(tmp_path / "events.csv"))
    at = run({"scenario": "xmas"})
    assert any("No change history" in i.value for i in at.info)
    at = run(page="changes")
    assert any("No revisions to compare" in i.value for i in at.info)


def test_since_last_briefing_lists_deadline_moves_from_git(moved_deadline: ScratchRepo) -> None:
    from tracker.engine.since import since_report
    from tracker.git.history import git_deadline_moves
    from tracker.timeutil import parse_instant
    from tracker.workspace import load_workspace

    workspace = load_workspace(moved_deadline.root / "scenarios", moved_deadline.root / "events.csv")
    moves = git_deadline_moves(workspace.scenarios.files)
    assert moves is not None
    report = since_report(
        workspace.scenarios.scenarios, workspace.events, parse_instant("2021-12-19"), parse_instant("2021-12-31"), deadline_moves=moves
    )
    assert report.deadline_moves is not None
    assert [(m.scenario_id, m.before, m.after) for m in report.deadline_moves] == [("xmas", "2021-12-25", "2022-01-15")]
    at = run({"as_of": "2022-01-20"}, page="since")
    assert not at.exception


def test_since_without_git_says_history_is_unavailable(tmp_path: Path, isolated_git: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.git.history import git_deadline_moves

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    path = tmp_path / "xmas.yaml"
    path.write_text(scenario_text(), encoding="utf-8")
    assert git_deadline_moves({"xmas": path}) is None
