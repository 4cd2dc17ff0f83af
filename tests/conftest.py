"""Shared fixtures: the repository's demo data and helpers to write scratch files."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
DEMO_SCENARIOS = ROOT / "scenarios"
DEMO_EVENTS = ROOT / "data" / "events.csv"
DEMO_VOCABULARY = ROOT / "data" / "vocabulary.yaml"  # beside the log; its groups decide two demo scenarios' responses

# In CI every run draws the same examples, so a red build is a bug and never a draw; developers' runs keep exploring (and
# replay what failed before from the example database).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def demo_workspace(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``folder`` as a team's checkout holds the demo: data/events.csv and scenarios/, the working folder, no overrides."""
    (folder / "data").mkdir()
    shutil.copy(DEMO_EVENTS, folder / "data" / "events.csv")
    shutil.copy(DEMO_VOCABULARY, folder / "data" / "vocabulary.yaml")
    shutil.copytree(DEMO_SCENARIOS, folder / "scenarios")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_ASSESSMENTS", raising=False)
    return folder


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``tracker ARGV`` in this process: its exit code, standard output and standard error."""
    from tracker.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def last_logged_row() -> dict[str, str]:
    """The last row of data/events.csv in the working folder, every column as text."""
    from tracker.log.reader import load_events

    log = load_events(Path("data/events.csv"), revisions=False)
    return {c: str(log.table.column(c)[len(log) - 1].as_py()) for c in log.columns}


@pytest.fixture(autouse=True)
def _no_log_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test parses the event log and writes nothing to the user's cache folder; tests/test_log_cache.py turns
    the cache on, in a folder of its own, and proves that it never changes a result."""
    monkeypatch.setenv("TRACKER_CACHE", "off")


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("scenarios/x.yaml", text) -> the path, with the text dedented."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


class ScratchRepo:
    """A git repository in a temporary folder, committed to with fixed authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})})
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def commit(self, message: str, *, author: str = "Alice Analyst <alice@example.org>", date: str = "2021-12-06T09:00:00+01:00") -> str:
        name, email = author.removesuffix(">").split(" <")
        dates = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        who = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": "CI", "GIT_COMMITTER_EMAIL": "ci@example.org"}
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env={**dates, **who})
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration: every git run (ours and the tracker's) behaves the same everywhere."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: None) -> ScratchRepo:
    """A scratch repository, as the working folder, with no TRACKER_* variables set."""
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    scratch = ScratchRepo(tmp_path / "team")
    monkeypatch.chdir(scratch.root)
    return scratch


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Every download a page offers in an AppTest run, by file name (one made on click is made here, as a click would)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    found: dict[str, bytes] = {}
    keep, defer = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def recorded(self: MemoryMediaFileStorage, path_or_data: object, mimetype: str, kind: object, filename: str | None = None) -> str:
        if isinstance(path_or_data, bytes) and filename:
            found[filename] = path_or_data
        return keep(self, path_or_data, mimetype, kind, filename)  # type: ignore[arg-type]

    def deferred(self: MediaFileManager, make: Callable[[], bytes], *args: Any, file_name: str | None = None, **kwargs: Any) -> str:
        if file_name:
            found[file_name] = make()
        return defer(self, make, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recorded)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return found
