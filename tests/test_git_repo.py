"""The one git wrapper: a timeout on every call, a fixed environment, and plain messages when git fails.

A git that hangs is a fake `git` on PATH that sleeps far longer than the timeout, so the tests do
not depend on the speed of the machine.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, ScratchRepo
from tracker.cli import main
from tracker.git import repo as git_repo
from tracker.git.data_revision import data_revision
from tracker.git.repo import GitError, Repository

NOT_INSTALLED = "git is not installed (or not on PATH); it is needed to read the history of scenario files"
SCENARIO = """\
id: xmas
title: Joint sanctions if Russia does not back down by Christmas
opened: 2021-12-03
deadline: 2021-12-25
trigger:
  unless: {actors: [Russia], tags: [de-escalation]}
"""


def fake_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """Put a `git` running the shell ``script`` first on PATH."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    git = folder / "git"
    git.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    git.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


HANGS = "exec sleep 60"  # exec: the timeout's kill reaches the sleep itself, which leaves nothing behind


@pytest.fixture
def outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_git: None) -> Path:
    """A folder with the data files, in no repository (even if the temporary folder sits inside one)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "xmas.yaml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


# --- a timeout on every call ----------------------------------------------------------------------
def test_a_git_that_does_not_answer_in_time_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_git(tmp_path, monkeypatch, HANGS)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    with pytest.raises(GitError, match=r"^git did not answer within 0\.5 s: git rev-parse --show-toplevel in scenarios$"):
        Repository.containing(tmp_path / "scenarios", timeout=0.5)


def test_the_timeout_holds_for_every_call_of_a_repository(repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding the repository works; reading the log hangs, and says which command did, its --format cut short."""
    repo.write("scenarios/xmas.yaml", SCENARIO)
    repo.commit("Add")
    real = shutil.which("git")
    fake_git(tmp_path, monkeypatch, f'for arg; do [ "$arg" = log ] && {HANGS}; done\nexec "{real}" "$@"')
    found = Repository.containing(repo.root / "scenarios", timeout=0.5)
    assert found.timeout == 0.5
    with pytest.raises(GitError) as caught:
        found.log(["--", "scenarios/xmas.yaml"])
    assert str(caught.value) == (
        "git did not answer within 0.5 s: git log -z --no-color --no-show-signature --format=… -- scenarios/xmas.yaml in ."
    )


def test_the_command_line_says_git_did_not_answer(
    repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("scenarios/xmas.yaml", SCENARIO)
    repo.commit("Add")
    fake_git(tmp_path, monkeypatch, HANGS)
    monkeypatch.setattr(git_repo, "GIT_TIMEOUT_SECONDS", 0.5)  # the default every call uses, read when it runs
    assert main(["history", "xmas"]) == 1
    assert capsys.readouterr() == ("", "tracker: git did not answer within 0.5 s: git rev-parse --show-toplevel in scenarios\n")


def test_the_default_timeout_is_half_a_minute() -> None:
    assert git_repo.GIT_TIMEOUT_SECONDS == 30.0
    assert Repository(ROOT).timeout is None  # None: the module's default, read at each call


# --- the environment of every call ----------------------------------------------------------------
def test_git_runs_in_english_without_prompt_pager_or_optional_locks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_git(tmp_path, monkeypatch, 'echo "$LC_ALL|$GIT_TERMINAL_PROMPT|$GIT_PAGER|$GIT_OPTIONAL_LOCKS|$*"')
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    monkeypatch.setenv("GIT_PAGER", "less")
    out = Repository(tmp_path).run(["status", "--porcelain"])
    assert out == b"C|0|cat|0|-c core.quotepath=off -c log.showSignature=false status --porcelain\n"


# --- git missing, no repository, no folder --------------------------------------------------------
def test_git_missing_from_path_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitError, match=f"^{re.escape(NOT_INSTALLED)}$"):
        Repository.containing(tmp_path)
    with pytest.raises(GitError) as caught:
        Repository(tmp_path).run(["status"])
    assert str(caught.value) == NOT_INSTALLED


def test_a_folder_outside_git_is_named_with_the_consequence(outside_git: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(outside_git)
    with pytest.raises(GitError) as caught:
        Repository.containing(outside_git / "scenarios", consequence="so there are no revisions to compare")
    assert str(caught.value) == "scenarios is not inside a git repository, so there are no revisions to compare"


def test_a_repository_whose_folder_is_gone_is_not_mistaken_for_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GitError) as caught:
        Repository(tmp_path / "gone").run(["status"])
    assert str(caught.value) == "cannot run git in gone: there is no such folder"


def test_a_refusal_names_the_git_command_and_its_reason(repo: ScratchRepo) -> None:
    repo.write("scenarios/xmas.yaml", SCENARIO)
    repo.commit("Add")
    with pytest.raises(GitError) as caught:
        Repository.containing(repo.root).files("no-such-commit", "scenarios")
    assert str(caught.value) == "git ls-tree: Not a valid object name no-such-commit"


# --- the data's revision --------------------------------------------------------------------------
def test_data_revision_outside_a_repository_is_none(outside_git: Path) -> None:
    assert data_revision([outside_git / "scenarios"]) is None


def test_data_revision_without_git_is_none(repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("scenarios/xmas.yaml", SCENARIO)
    repo.commit("Add")
    assert data_revision([repo.root / "scenarios"]) is not None
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert data_revision([repo.root / "scenarios"]) is None


def test_data_revision_when_git_does_not_answer_is_none(repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slide without its revision, rather than no slide."""
    repo.write("scenarios/xmas.yaml", SCENARIO)
    repo.commit("Add")
    fake_git(tmp_path, monkeypatch, HANGS)
    monkeypatch.setattr(git_repo, "GIT_TIMEOUT_SECONDS", 0.5)
    assert data_revision([repo.root / "scenarios"]) is None


# --- one wrapper ----------------------------------------------------------------------------------
def test_only_the_wrapper_starts_processes() -> None:
    """The product code runs git through tracker.git.repo alone, so every call has its timeout and environment."""
    product = [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "components").rglob("*.py"), ROOT / "app.py"]
    starters = ("system", "popen", "exec", "spawn", "posix_spawn", "fork")
    found = set()
    for path in product:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imported = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                imported = [node.module or ""]
            os_call = (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
                and node.attr.startswith(starters)
            )
            if "subprocess" in imported or os_call:
                found.add(path.relative_to(ROOT).as_posix())
    assert sorted(found) == ["tracker/git/repo.py"]
