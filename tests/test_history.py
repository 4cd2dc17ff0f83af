"""`tracker history`: a scenario's change record from git, on scratch repositories with real commits."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ScratchRepo
from tracker.cli import main
from tracker.git.history import scenario_history
from tracker.git.repo import GitError


def scenario_text(
    scenario_id: str = "xmas",
    *,
    title: str = "Joint sanctions if Russia does not back down by Christmas",
    deadline: str = "2021-12-25",
    tags: str = "de-escalation",
    extra: str = "",
) -> str:
    return (
        f"# yaml-language-server: $schema=scenario.schema.json\n"
        f"id: {scenario_id}\n"
        f"title: {title}\n"
        f"opened: 2021-12-03\n"
        f"deadline: {deadline}\n"
        f"timezone: Europe/Brussels\n"
        f"trigger:\n"
        f"  unless: {{actors: [Russia], tags: [{tags}]}}\n"
        f"response:\n"
        f"  title: Joint sanctions package\n"
        f"  match: {{tags: [sanctions-package]}}\n"
        f"  within: 30d\n"
        f"{extra}"
    )


ALICE = "Alice Analyst <alice@example.org>"
BOB = "Bob Reviewer <bob@example.org>"
CAROL = "Carol Clerk <carol@example.org>"


def build_story(repo: ScratchRepo) -> dict[str, str]:
    """Added; deadline moved (with a reason in the body); broken; fixed with a wider trigger; renamed; withdrawn."""
    shas = {}
    repo.write("scenarios/xmas.yaml", scenario_text())
    shas["added"] = repo.commit("Add the Christmas scenario", author=ALICE, date="2021-12-06T09:00:00+01:00")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15"))
    shas["moved"] = repo.commit(
        "Move the deadline after the summit\n\nThe leaders agreed on 15 January.", author=BOB, date="2021-12-20T14:03:00+01:00"
    )
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15", title="[unclosed"))
    shas["broken"] = repo.commit("Reword the title", author=CAROL, date="2021-12-21T10:00:00+01:00")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15", tags="de-escalation, withdrawal"))
    shas["fixed"] = repo.commit("Fix the title; count a withdrawal as backing down", author=CAROL, date="2021-12-21T11:00:00+01:00")
    repo.git("mv", "scenarios/xmas.yaml", "scenarios/christmas.yaml")
    repo.write("scenarios/christmas.yaml", scenario_text("christmas", deadline="2022-01-15", tags="de-escalation, withdrawal"))
    shas["renamed"] = repo.commit("Give the scenario a clearer id", author=BOB, date="2022-01-02T08:00:00Z")
    withdrawn = "withdrawn:\n  on: 2022-01-10\n  reason: Overtaken by the talks in Geneva.\n"
    repo.write(
        "scenarios/christmas.yaml", scenario_text("christmas", deadline="2022-01-15", tags="de-escalation, withdrawal", extra=withdrawn)
    )
    shas["withdrawn"] = repo.commit("Withdraw", author=ALICE, date="2022-01-10T08:00:00Z")
    return shas


def test_history_spells_out_each_change_with_author_date_and_message(repo: ScratchRepo) -> None:
    shas = build_story(repo)
    history = scenario_history(Path("scenarios/christmas.yaml"))
    assert history.path == "scenarios/christmas.yaml"
    assert history.repo_path == "scenarios/christmas.yaml"
    assert history.notices == ()
    revisions = history.revisions
    assert [r.commit.sha for r in revisions] == [shas[k] for k in ("withdrawn", "renamed", "fixed", "broken", "moved", "added")]
    assert [r.kind for r in revisions] == ["modified", "renamed", "modified", "modified", "modified", "added"]
    assert [r.commit.author for r in revisions] == [
        "Alice Analyst",
        "Bob Reviewer",
        "Carol Clerk",
        "Carol Clerk",
        "Bob Reviewer",
        "Alice Analyst",
    ]
    assert revisions[4].commit.email == "bob@example.org"
    assert revisions[4].commit.date == dt.datetime(2021, 12, 20, 14, 3, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert revisions[4].commit.subject == "Move the deadline after the summit"
    assert revisions[4].commit.message == "Move the deadline after the summit\n\nThe leaders agreed on 15 January."
    assert [[c.summary for c in r.changes] for r in revisions] == [
        ["withdrawn on 2022-01-10: Overtaken by the talks in Geneva."],
        ["id: xmas -> christmas"],
        ["trigger changed"],  # compared with the last version that loaded, so the broken title is no change
        [],
        ["deadline: 2021-12-25 -> 2022-01-15"],
        [],
    ]
    trigger = revisions[2].changes[0]
    assert (trigger.before, trigger.after) == (
        "unless actors=Russia; tags=de-escalation",
        "unless actors=Russia; tags=de-escalation, withdrawal",
    )
    assert revisions[1].renamed_from == "scenarios/xmas.yaml"
    assert [r.path for r in revisions] == ["scenarios/christmas.yaml"] * 2 + ["scenarios/xmas.yaml"] * 4
    broken = revisions[3]
    assert broken.scenario is None
    assert [str(p) for p in broken.problems] == [
        f"{shas['broken'][:7]}:scenarios/xmas.yaml:4:7: error: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 3, column 8)"
    ]
    assert revisions[4].scenario is not None and revisions[4].scenario.deadline == dt.date(2022, 1, 15)


def test_history_command_prints_the_record(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    shas = {key: sha[:7] for key, sha in build_story(repo).items()}
    assert main(["history", "christmas"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        "History of scenarios/christmas.yaml: 6 commits, newest first\n"
        f"\n{shas['withdrawn']}  2022-01-10 08:00 +0000  Alice Analyst <alice@example.org>\n"
        "    Withdraw\n"
        "    - withdrawn on 2022-01-10: Overtaken by the talks in Geneva.\n"
        f"\n{shas['renamed']}  2022-01-02 08:00 +0000  Bob Reviewer <bob@example.org>\n"
        "    Give the scenario a clearer id\n"
        "    - renamed from scenarios/xmas.yaml\n"
        "    - id: xmas -> christmas\n"
        f"\n{shas['fixed']}  2021-12-21 11:00 +0100  Carol Clerk <carol@example.org>\n"
        "    Fix the title; count a withdrawal as backing down\n"
        "    - trigger changed\n"
        "        before: unless actors=Russia; tags=de-escalation\n"
        "        after:  unless actors=Russia; tags=de-escalation, withdrawal\n"
        f"\n{shas['broken']}  2021-12-21 10:00 +0100  Carol Clerk <carol@example.org>\n"
        "    Reword the title\n"
        "    - changed, and does not load in this commit:\n"
        f"        {shas['broken']}:scenarios/xmas.yaml:4:7: error: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 3, column 8)\n"
        f"\n{shas['moved']}  2021-12-20 14:03 +0100  Bob Reviewer <bob@example.org>\n"
        "    Move the deadline after the summit\n"
        "\n"
        "    The leaders agreed on 15 January.\n"
        "    - deadline: 2021-12-25 -> 2022-01-15\n"
        f"\n{shas['added']}  2021-12-06 09:00 +0100  Alice Analyst <alice@example.org>\n"
        "    Add the Christmas scenario\n"
        "    - added\n"
    )


def test_history_json(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    build_story(repo)
    assert main(["history", "scenarios/christmas.yaml", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["path"] == "scenarios/christmas.yaml"
    moved = record["revisions"][4]
    assert (moved["author"], moved["date"], moved["kind"]) == ("Bob Reviewer", "2021-12-20T14:03:00+01:00", "modified")
    assert moved["changes"] == [
        {"field": "deadline", "summary": "deadline: 2021-12-25 -> 2022-01-15", "before": "2021-12-25", "after": "2022-01-15"}
    ]
    assert record["revisions"][3]["problems"][0]["line"] == 4


@pytest.mark.parametrize(
    ("before", "after", "summaries"),
    [
        ({}, {"title": "Joint sanctions by Christmas"}, ["title changed"]),
        ({}, {"deadline": "2021-12-25T18:00:00+01:00"}, ["deadline: 2021-12-25 -> 2021-12-25T18:00:00+01:00"]),
        ({}, {"extra": "warn_within: 7d\nactors: [US, EU]\n"}, ["actors: [] -> [US, EU]", "warn_within: none -> 1w"]),
        ({"extra": "withdrawn: {on: 2021-12-10, reason: Talks.}\n"}, {}, ["withdrawal undone"]),
        ({"extra": "tests:\n  - {as_of: 2021-12-27, status: triggered}\n"}, {}, ["tests changed (1 -> 0 cases)"]),
        ({"extra": "sources:\n  - title: A\n"}, {"extra": "sources:\n  - title: A\n  - title: B\n"}, ["sources changed (1 -> 2)"]),
    ],
)
def test_each_kind_of_field_change(repo: ScratchRepo, before: dict[str, str], after: dict[str, str], summaries: list[str]) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text(**before))
    repo.commit("one")
    repo.write("scenarios/xmas.yaml", scenario_text(**after))
    repo.commit("two")
    assert [c.summary for c in scenario_history(Path("scenarios/xmas.yaml")).revisions[0].changes] == summaries


def test_a_reformatted_file_is_no_field_change(repo: ScratchRepo) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    repo.write(
        "scenarios/xmas.yaml",
        "# Reviewed on 7 December.\n"
        + scenario_text().replace("{actors: [Russia], tags: [de-escalation]}", "{tags: [de-escalation], actors: [Russia]}"),
    )
    repo.commit("Comment and reorder")
    newest = scenario_history(Path("scenarios/xmas.yaml")).revisions[0]
    assert (newest.changes, newest.headline) == ((), "reworded (no field changed)")


def test_a_deleted_scenario_keeps_its_history(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    repo.git("rm", "-q", "scenarios/xmas.yaml")
    repo.commit("Drop it", date="2022-02-01T10:00:00Z")
    history = scenario_history(Path("scenarios/xmas.yaml"))
    assert [(r.kind, r.headline) for r in history.revisions] == [("deleted", "deleted"), ("added", "added")]
    assert history.notices == ()
    assert main(["history", "xmas"]) == 0
    assert "    Drop it\n    - deleted\n" in capsys.readouterr().out


def test_a_file_that_is_not_utf8_in_one_commit(repo: ScratchRepo) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    (repo.root / "scenarios" / "xmas.yaml").write_bytes(scenario_text().encode("utf-8").replace(b"Christmas", b"No\xebl"))
    sha = repo.commit("Latin-1 by mistake")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2021-12-31"))
    repo.commit("Back to UTF-8")
    revisions = scenario_history(Path("scenarios/xmas.yaml")).revisions
    assert [str(p) for p in revisions[1].problems] == [
        f"{sha[:7]}:scenarios/xmas.yaml:3:58: error: file is not UTF-8 text; save it as UTF-8"
    ]
    assert [c.summary for c in revisions[0].changes] == ["deadline: 2021-12-25 -> 2021-12-31"]


def test_a_merged_branch_shows_the_branch_commit(repo: ScratchRepo) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    repo.git("checkout", "-q", "-b", "move")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15"))
    repo.commit("Move the deadline", author=BOB)
    repo.git("checkout", "-q", "main")
    repo.write("README.md", "Scenarios.\n")
    repo.commit("Readme")
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge the move",
        "move",
        env={
            "GIT_AUTHOR_NAME": "CI",
            "GIT_AUTHOR_EMAIL": "ci@example.org",
            "GIT_COMMITTER_NAME": "CI",
            "GIT_COMMITTER_EMAIL": "ci@example.org",
        },
    )
    revisions = scenario_history(Path("scenarios/xmas.yaml")).revisions
    assert [(r.commit.subject, [c.summary for c in r.changes]) for r in revisions] == [
        ("Move the deadline", ["deadline: 2021-12-25 -> 2022-01-15"]),
        ("Add", []),
    ]


def test_uncommitted_changes_and_deletions_are_noted(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15"))
    assert scenario_history(Path("scenarios/xmas.yaml")).notices == (
        "scenarios/xmas.yaml has uncommitted changes, which this history does not show",
    )
    assert main(["history", "xmas"]) == 0
    assert capsys.readouterr().err == "note: scenarios/xmas.yaml has uncommitted changes, which this history does not show\n"
    (repo.root / "scenarios" / "xmas.yaml").unlink()
    assert scenario_history(Path("scenarios/xmas.yaml")).notices == (
        "scenarios/xmas.yaml is deleted in the working tree, but not in a commit yet",
    )


def test_a_shallow_clone_says_where_its_history_starts(repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shas = build_story(repo)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", repo.root.as_uri(), str(clone)], check=True, capture_output=True)
    monkeypatch.chdir(clone)
    history = scenario_history(Path("scenarios/christmas.yaml"))
    assert [(r.commit.sha, r.kind) for r in history.revisions] == [(shas["withdrawn"], "modified"), (shas["renamed"], "history-starts")]
    assert history.revisions[1].headline == "present where this shallow clone's history starts"
    assert history.notices == (
        f"This is a shallow clone: the history starts at {shas['renamed'][:7]} (2022-01-02); earlier changes to this file "
        "are not in the clone. Run `git fetch --unshallow` for the full record.",
    )


# --- no history to show: a plain message, exit 1 ------------------------------------------
def run_history(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["history", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_file_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_git: None
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # tmp_path itself may sit inside some repository
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "xmas.yaml").write_text(scenario_text(), encoding="utf-8")
    with pytest.raises(GitError, match=r"^scenarios/xmas.yaml is not inside a git repository, so it has no history$"):
        scenario_history(Path("scenarios/xmas.yaml"))
    assert run_history(capsys, "xmas") == (1, "", "tracker: scenarios/xmas.yaml is not inside a git repository, so it has no history\n")


def test_git_not_installed(repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    message = "git is not installed (or not on PATH); it is needed to read the history of scenario files"
    assert run_history(capsys, "xmas") == (1, "", f"tracker: {message}\n")


def test_a_file_never_committed(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    repo.write("scenarios/new-one.yaml", scenario_text("new-one"))
    assert run_history(capsys, "new-one") == (1, "", "tracker: scenarios/new-one.yaml is not committed to git yet, so it has no history\n")


def test_an_unknown_id_suggests_a_close_one(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    assert run_history(capsys, "xmsa") == (
        1,
        "",
        "tracker: no scenario file scenarios/xmsa.yaml, and git has no history of one; did you mean 'xmas'?\n",
    )
    assert run_history(capsys, "Not An Id") == (
        2,
        "",
        "tracker: 'Not An Id' is not a scenario id (a slug like joint-sanctions-christmas-2021) or a scenario file (.yaml)\n",
    )


def test_history_uses_the_scenarios_folder_option_and_variable(
    repo: ScratchRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("team/scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    assert run_history(capsys, "xmas", "--scenarios", "team/scenarios")[0] == 0
    monkeypatch.setenv("TRACKER_SCENARIOS", "team/scenarios")
    code, out, _ = run_history(capsys, "xmas")
    assert (code, out.splitlines()[0]) == (0, "History of team/scenarios/xmas.yaml: 1 commit, newest first")


def test_the_installed_command_shows_history_from_another_folder(repo: ScratchRepo) -> None:
    """The `tracker` console script of this environment, run as a user would in their own repository."""
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.commit("Add")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15"))
    repo.commit("Move", author=BOB)
    tracker = Path(sys.executable).parent / "tracker"  # the console script pip installed beside this interpreter
    assert tracker.exists(), "the package is not installed in this environment: pip install -e ."
    done = subprocess.run([str(tracker), "history", "xmas"], cwd=repo.root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "    - deadline: 2021-12-25 -> 2022-01-15\n" in done.stdout
