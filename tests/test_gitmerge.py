"""data/.gitattributes: two branches that both append to the log merge without a conflict."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from tests.conftest import DEMO_EVENTS, ROOT
from tracker.log.drafts import EventDraft, make_row
from tracker.log.reader import load_events
from tracker.log.writer import append_rows

NOW = dt.datetime(2022, 3, 1, tzinfo=dt.UTC)


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _log(repo: Path, title: str) -> str:
    row = make_row(EventDraft(occurred="2022-03-01", title=title, source="s", notes="Same note"), now=NOW, logged_by="x")
    append_rows(repo / "data" / "events.csv", [row], now=NOW)
    _git(repo, "commit", "-qam", title)
    return row["id"]


def test_branches_that_both_append_merge_cleanly(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    shutil.copy(DEMO_EVENTS, repo / "data" / "events.csv")  # an old header: the first append on each branch migrates it
    shutil.copy(ROOT / "data" / ".gitattributes", repo / "data" / ".gitattributes")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "start")
    _git(repo, "checkout", "-qb", "ana")
    ana = [_log(repo, "Ana one"), _log(repo, "Ana two")]
    _git(repo, "checkout", "-q", "main")
    ben = [_log(repo, "Ben one")]
    _git(repo, "merge", "-q", "--no-edit", "ana")  # check=True: a conflict would fail here
    log = load_events(repo / "data" / "events.csv")
    assert log.problems == []
    assert len(log) == len(load_events(DEMO_EVENTS)) + 3
    assert all(log.has_id(event_id) for event_id in [*ana, *ben])
