"""`tracker diff`: what changed between two revisions, and whose status differs, on scratch repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ScratchRepo
from tests.test_history import scenario_text
from tracker.cli import main
from tracker.engine.status import Status
from tracker.git.compare import diff_revisions, recent_revisions
from tracker.git.repo import GitError
from tracker.timeutil import parse_instant

AS_OF = "2022-01-05"
HEADER = "id,occurred,title,actors,targets,tags,source,notes\n"
TALKS = "talks,2021-12-10,Talks in Geneva,US;Russia,,diplomacy,Example source,\n"
GAS_DEAL = "gas-deal,2021-12-28,Gas transit deal signed,Russia;Ukraine,,gas-deal,Example source,\n"


def gas_scenario() -> str:
    return (
        "id: gas\ntitle: Gas transit ends unless a deal is signed\nopened: 2021-12-01\ndeadline: 2021-12-31\n"
        "trigger:\n  unless: {tags: [gas-deal]}\n"
    )


@pytest.fixture
def briefings(repo: ScratchRepo) -> dict[str, str]:
    """Two briefings: between them a deadline moved, a scenario was removed and one added, and a deciding event was logged."""
    repo.write("scenarios/xmas.yaml", scenario_text())
    repo.write("scenarios/gas.yaml", gas_scenario())
    repo.write("scenarios/old-one.yaml", scenario_text("old-one", title="An old commitment"))
    repo.write("data/events.csv", HEADER + TALKS)
    first = repo.commit("Briefing of 20 December", date="2021-12-20T09:00:00Z")
    repo.git("tag", "briefing-1")
    repo.write("scenarios/xmas.yaml", scenario_text(deadline="2022-01-15"))
    repo.git("rm", "-q", "scenarios/old-one.yaml")
    repo.write("scenarios/new-one.yaml", scenario_text("new-one", title="A new commitment", deadline="2022-03-01"))
    repo.write("data/events.csv", HEADER + TALKS + GAS_DEAL)
    second = repo.commit("Briefing of 3 January", date="2022-01-03T09:00:00Z")
    return {"first": first, "second": second}


def test_diff_between_two_revisions(briefings: dict[str, str]) -> None:
    result = diff_revisions(Path("scenarios"), Path("data/events.csv"), "briefing-1", "HEAD", parse_instant(AS_OF))
    assert result.before.label == f"briefing-1 ({briefings['first'][:7]})"
    assert result.after.label == f"HEAD ({briefings['second'][:7]})"
    assert result.after.commit is not None and result.after.commit.subject == "Briefing of 3 January"
    found = {d.scenario_id: d for d in result.scenarios}
    assert sorted(found) == ["gas", "new-one", "old-one", "xmas"]
    xmas = found["xmas"]
    assert (xmas.kind, [c.summary for c in xmas.changes]) == ("changed", ["deadline: 2021-12-25 -> 2022-01-15"])
    assert (xmas.status_before, xmas.status_after, xmas.status_changed) == (Status.TRIGGERED, Status.WATCHING, True)
    gas = found["gas"]
    assert (gas.kind, gas.changes, gas.status_before, gas.status_after) == ("unchanged", (), Status.TRIGGERED, Status.AVERTED)
    assert gas.after is not None and gas.after.decided_by == ("gas-deal",)
    assert (found["old-one"].kind, found["old-one"].status_before, found["old-one"].status_after) == ("removed", Status.TRIGGERED, None)
    assert (found["new-one"].kind, found["new-one"].status_before, found["new-one"].status_after) == ("added", None, Status.WATCHING)
    assert [c.summary for c in found["new-one"].changes] == [
        "added: deadline 2022-03-01 24:00 Europe/Brussels; trigger unless actors=Russia; tags=de-escalation"
    ]
    assert (result.events_added, result.events_removed) == (("gas-deal",), ())
    assert (result.problems, result.notices) == ((), ())


def test_diff_command_prints_the_briefing_view(briefings: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "briefing-1", "HEAD", "--as-of", AS_OF]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    first, second = briefings["first"][:7], briefings["second"][:7]
    assert out == (
        f"From briefing-1 ({first}), 2021-12-20 “Briefing of 20 December”\n"
        f"to   HEAD ({second}), 2022-01-03 “Briefing of 3 January”\n"
        "statuses as of 2022-01-05\n"
        "\nstatus   gas: Gas transit ends unless a deal is signed\n"
        "    status: triggered -> averted\n"
        "\nadded    new-one: A new commitment\n"
        "    status: watching\n"
        "    - added: deadline 2022-03-01 24:00 Europe/Brussels; trigger unless actors=Russia; tags=de-escalation\n"
        "\nremoved  old-one: An old commitment\n"
        "    status: was triggered\n"
        "    - removed: deadline 2021-12-25 24:00 Europe/Brussels; trigger unless actors=Russia; tags=de-escalation\n"
        "\nchanged  xmas: Joint sanctions if Russia does not back down by Christmas\n"
        "    status: triggered -> watching\n"
        "    - deadline: 2021-12-25 -> 2022-01-15\n"
        "\nEvents added (1): gas-deal\n"
    )


def test_diff_against_the_working_tree_by_default(briefings: dict[str, str], repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/gas.yaml", gas_scenario().replace("title: Gas transit ends", "title: Russian gas transit through Ukraine ends"))
    result = diff_revisions(Path("scenarios"), Path("data/events.csv"), "HEAD", None, parse_instant(AS_OF))
    assert result.after.label == "working tree" and result.after.commit is None
    assert [(d.scenario_id, [c.summary for c in d.changes]) for d in result.scenarios] == [("gas", ["title changed"])]
    assert main(["diff", "HEAD", "--as-of", AS_OF, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["after"] == {"label": "working tree", "commit": None, "date": None, "subject": None}
    assert report["scenarios"][0]["changes"][0] == {
        "field": "title",
        "summary": "title changed",
        "before": "Gas transit ends unless a deal is signed",
        "after": "Russian gas transit through Ukraine ends unless a deal is signed",
    }
    assert report["scenarios"][0]["status_changed"] is False


def test_no_difference_is_said_plainly(briefings: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "--as-of", AS_OF]) == 0
    assert capsys.readouterr().out.endswith("\nNo scenario was added, removed or changed, and no status differs.\n")


def test_files_that_do_not_load_at_a_revision(briefings: dict[str, str], repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("scenarios/gas.yaml", "id: gas\ntitle: [unclosed\n")
    broken = repo.commit("Break gas")[:7]
    result = diff_revisions(Path("scenarios"), Path("data/events.csv"), "HEAD~1", "HEAD", parse_instant(AS_OF))
    assert [str(p) for p in result.problems] == [
        f"{broken}:scenarios/gas.yaml:3:1: error: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 2, column 8)"
    ]
    gas = result.scenarios[0]
    assert (gas.scenario_id, gas.kind, [c.summary for c in gas.changes]) == ("gas", "changed", [f"does not load at HEAD ({broken})"])
    back = diff_revisions(Path("scenarios"), Path("data/events.csv"), "HEAD", "HEAD~1", parse_instant(AS_OF))
    assert [c.summary for c in back.scenarios[0].changes] == [f"loads now; did not load at HEAD ({broken})"]
    assert main(["diff", "HEAD~1", "HEAD", "--as-of", AS_OF]) == 0
    assert (
        capsys.readouterr().err == f"{broken}:scenarios/gas.yaml:3:1: error: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 2, column 8)\n"
    )


def test_a_revision_before_the_folder_and_the_log_existed(repo: ScratchRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("README.md", "Our scenarios.\n")
    repo.commit("Start")
    repo.write("scenarios/gas.yaml", gas_scenario())
    repo.write("data/events.csv", HEADER + GAS_DEAL)
    repo.commit("First scenario")
    result = diff_revisions(Path("scenarios"), Path("data/events.csv"), "HEAD~1", "HEAD", parse_instant(AS_OF))
    assert [(d.scenario_id, d.kind, d.status_after) for d in result.scenarios] == [("gas", "added", Status.AVERTED)]
    label = result.before.label
    assert result.notices == (f"scenarios/ holds no scenario files at {label}", f"there is no event log at data/events.csv in {label}")
    assert main(["diff", "HEAD~1", "--as-of", AS_OF]) == 0
    assert capsys.readouterr().err == (
        f"note: scenarios/ holds no scenario files at {label}\nnote: there is no event log at data/events.csv in {label}\n"
    )


def test_an_event_log_outside_the_repository(briefings: dict[str, str], tmp_path: Path) -> None:
    outside = tmp_path / "shared" / "events.csv"
    outside.parent.mkdir()
    outside.write_text(HEADER + TALKS, encoding="utf-8")
    result = diff_revisions(Path("scenarios"), outside, "briefing-1", "HEAD", parse_instant(AS_OF))
    assert result.notices == (
        f"the event log {Path('../shared/events.csv')} is outside the repository; both sides use its current content",
    )
    # Both sides see the same log, so the gas deal logged between the briefings changes no status here.
    assert [d.scenario_id for d in result.scenarios] == ["new-one", "old-one", "xmas"]
    assert result.events_added == ()


# --- bad input: a plain message ----------------------------------------------------------
def run_diff(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unknown_revision(briefings: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    message = "tracker: unknown revision 'briefing-9': no such branch, tag or commit in the repository\n"
    assert run_diff(capsys, "briefing-9") == (1, "", message)
    assert run_diff(capsys, "HEAD", "nope~1") == (
        1,
        "",
        "tracker: unknown revision 'nope~1': no such branch, tag or commit in the repository\n",
    )
    assert run_diff(capsys, "--", "--all") == (1, "", "tracker: '--all' is not a revision; give a branch, a tag or a commit id\n")
    with pytest.raises(GitError, match="unknown revision 'HEAD~5'"):
        diff_revisions(Path("scenarios"), Path("data/events.csv"), "HEAD~5", None, parse_instant(AS_OF))


def test_a_revision_missing_from_a_shallow_clone(
    briefings: dict[str, str], repo: ScratchRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.root.as_uri(), str(clone)], check=True, capture_output=True)
    monkeypatch.chdir(clone)
    assert run_diff(capsys, briefings["first"]) == (
        1,
        "",
        f"tracker: unknown revision '{briefings['first']}': no such branch, tag or commit in the repository "
        "(this is a shallow clone: older commits are missing; run git fetch --unshallow)\n",
    )


def test_outside_git_and_other_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_git: None
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    assert run_diff(capsys, "HEAD") == (2, "", "tracker: no scenario folder at scenarios; pass --scenarios or set TRACKER_SCENARIOS\n")
    (tmp_path / "scenarios").mkdir()
    assert run_diff(capsys, "HEAD") == (1, "", "tracker: scenarios is not inside a git repository, so there are no revisions to compare\n")
    assert run_diff(capsys, "HEAD", "--as-of", "yesterday") == (
        2,
        "",
        "tracker: --as-of: 'yesterday' is not a date (2021-12-20) or a datetime with offset (2021-12-20T12:00:00Z)\n",
    )


def test_recent_revisions_are_those_that_touched_scenarios_or_events(briefings: dict[str, str], repo: ScratchRepo) -> None:
    repo.write("README.md", "Nothing to do with scenarios.\n")
    repo.commit("Readme")
    commits = recent_revisions(Path("scenarios"), Path("data/events.csv"))
    assert [c.sha for c in commits] == [briefings["second"], briefings["first"]]
    assert [c.sha for c in recent_revisions(Path("scenarios"), Path("data/events.csv"), limit=1)] == [briefings["second"]]


def test_scenarios_at_the_repository_root_are_read_by_the_same_rules(repo: ScratchRepo) -> None:
    repo.write("gas.yaml", gas_scenario())
    repo.write(".pre-commit-config.yaml", "repos: []\n")  # not a scenario: dotfiles are skipped on both sides
    repo.write("data/events.csv", HEADER + TALKS)
    repo.commit("Scenarios at the root")
    repo.write("gas.yaml", gas_scenario().replace("2021-12-31", "2022-01-31"))
    result = diff_revisions(Path(), Path("data/events.csv"), "HEAD", None, parse_instant(AS_OF))
    assert (result.problems, result.notices) == ((), ())
    assert [(d.scenario_id, [c.summary for c in d.changes]) for d in result.scenarios] == [("gas", ["deadline: 2021-12-31 -> 2022-01-31"])]
