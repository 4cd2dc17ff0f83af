"""`tracker init`: a team repository in one command, where pre-commit and a two-branch merge work first time."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_SCENARIOS, ROOT, ScratchRepo
from tests.conftest import run_cli as run
from tracker.cli.init import PLACEHOLDER_INSTALL, TEMPLATES, installed_from
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import scenario_json_schema_text
from tracker.scenario.yamlsafe import parse_yaml

WRITTEN = [template.path for template in TEMPLATES]
BROKEN = "id: broken\ntitle: Broken\nopened: 2022-01-01\ndeadline: 2022-02-01\ntrigger: {unles: {tags: [x]}}\n"
BROKEN_MESSAGE = "scenarios/broken.yaml:5:11: error: trigger.unles: unknown field 'unles'; did you mean 'unless'?"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKER_SCENARIOS", "TRACKER_EVENTS", "TRACKER_ASSESSMENTS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_init_writes_a_repository_whose_checks_pass(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, "init", "team")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Wrote a tracker repository in team:"
    assert [line.split()[0] for line in lines[1 : 1 + len(WRITTEN)]] == WRITTEN
    assert "  tracker.toml                                   where the scenarios and the event log are, for every command" in lines
    assert lines[1 + len(WRITTEN) :] == [
        "Next steps:",
        "  cd team",
        "  git init                               # unless it is a git repository already",
        "  pre-commit install                     # the hooks, once per clone",
        "  edit .github/workflows/tracker.yml     # where CI installs the tracker from (git+https://<host>/sanctions-scenario-tracker)",
        '  git add -A && git commit -m "Tracker repository"',
        "  tracker status",
    ]
    team = here / "team"
    assert sorted(str(p.relative_to(team)) for p in team.rglob("*") if p.is_file()) == sorted(WRITTEN)
    assert (team / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8") == scenario_json_schema_text()
    example = (team / "scenarios" / "joint-sanctions-christmas-2021.yaml").read_text(encoding="utf-8")
    assert example.startswith("# yaml-language-server: $schema=scenario.schema.json\n# An example to start from, a real case:")
    assert (team / "data" / "events.csv").read_text(encoding="utf-8") == (
        "id,occurred,title,actors,targets,tags,source,notes,kind,logged_at,logged_by,corrects,retracts\n"
    )
    monkeypatch.chdir(team)
    assert run(capsys, "validate") == (0, "", "1 valid scenario(s), 0 valid event(s); 0 error(s), 0 warning(s)\n")
    assert run(capsys, "test") == (0, "", "no scenario tests found; add a `tests:` block to a scenario file\n")
    code, out, _ = run(capsys, "status", "--as-of", "2021-12-20")
    assert (code, out.splitlines()[2]) == (
        0,
        "watching  joint-sanctions-christmas-2021  2021-12-25 24:00 Europe/Brussels  5 d 0 h left until the deadline",
    )


class _Installed:
    """A distribution as importlib.metadata gives it, with the direct_url.json pip wrote (or none)."""

    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


GIT_URL = "https://git.example.org/osint/sanctions-scenario-tracker"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("direct_url", "source"),
    [
        (json.dumps({"url": GIT_URL, "vcs_info": {"vcs": "git", "commit_id": COMMIT}}), f"git+{GIT_URL}@{COMMIT}"),
        (None, None),  # from an index
        (json.dumps({"url": "file:///home/ana/tracker", "dir_info": {"editable": True}}), None),  # a local folder
        (json.dumps({"url": "https://ana:token@git.example.org/t", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}), None),
        (json.dumps({"url": "ssh://git@git.example.org/t", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}), None),
        ("{not json", None),
    ],
    ids=["git-https", "index", "local-folder", "credentials", "ssh", "garbled"],
)
def test_ci_installs_the_tracker_from_where_it_was_installed(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, direct_url: str | None, source: str | None
) -> None:
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: _Installed(direct_url))
    assert installed_from() == source
    code, out, _ = run(capsys, "init")
    assert code == 0
    workflow = (here / ".github" / "workflows" / "tracker.yml").read_text(encoding="utf-8")
    assert f'- run: pip install "{source or PLACEHOLDER_INSTALL}"\n' in workflow
    assert ("edit .github/workflows/tracker.yml" in out) is (source is None)


def test_init_defaults_to_the_working_folder(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out.startswith("Wrote a tracker repository in .:\n")
    assert "  cd " not in out
    assert all((here / path).is_file() for path in WRITTEN)


def test_init_refuses_to_overwrite_and_writes_nothing(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "team" / "data").mkdir(parents=True)
    (here / "team" / ".gitignore").write_text("mine\n", encoding="utf-8")
    (here / "team" / "data" / "events.csv").write_text("id,occurred,title\n", encoding="utf-8")
    assert run(capsys, "init", "team") == (
        1,
        "",
        "tracker: team/data/events.csv, team/.gitignore already exist; tracker init never overwrites a file, "
        "so it wrote nothing (move them aside, or run it in an empty folder)\n",
    )
    assert sorted(str(p.relative_to(here)) for p in (here / "team").rglob("*") if p.is_file()) == [
        "team/.gitignore",
        "team/data/events.csv",
    ]
    assert (here / "team" / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    (here / "team" / ".gitignore").unlink()
    assert run(capsys, "init", "team")[2] == (
        "tracker: team/data/events.csv already exists; tracker init never overwrites a file, "
        "so it wrote nothing (move them aside, or run it in an empty folder)\n"
    )


def test_init_refuses_a_link_in_the_way(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "team").mkdir()
    (here / "team" / "tracker.toml").symlink_to(here / "nowhere.toml")  # a link to nothing is still in the way
    code, _, err = run(capsys, "init", "team")
    assert (code, err.split(";")[0]) == (1, "tracker: team/tracker.toml already exists")
    assert not (here / "nowhere.toml").exists()


def test_init_into_a_file_is_refused(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "notes.txt").write_text("x\n", encoding="utf-8")
    assert run(capsys, "init", "notes.txt") == (1, "", "tracker: notes.txt is a file, not a folder; name a folder for the new repository\n")


def test_the_written_hooks_are_this_project_s_hooks_run_locally(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init")
    offered = {hook["id"]: hook for hook in parse_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")).data}
    config = parse_yaml((here / ".pre-commit-config.yaml").read_text(encoding="utf-8")).data
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    written = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert written.keys() == offered.keys()
    for hook_id, hook in written.items():
        assert hook["language"] == "system"  # the `tracker` command installed on the machine, no environment to build
        assert {k: hook[k] for k in ("name", "entry", "files", "pass_filenames")} == {
            k: offered[hook_id][k] for k in ("name", "entry", "files", "pass_filenames")
        }


def test_the_gitignore_keeps_out_what_the_tracker_leaves_beside_the_log(
    here: Path, capsys: pytest.CaptureFixture[str], isolated_git: None
) -> None:
    ScratchRepo(here)
    run(capsys, "init")
    paths = [
        "data/.events.csv.lock",
        "data/.assessments.csv.lock",
        "data/..tracker-notify.json.lock",
        "data/events.csv.partial-20260101T000000Z",
        ".streamlit/secrets.toml",
        "data/.tracker-notify.json",
        "data/events.csv",
    ]
    done = subprocess.run(["git", "check-ignore", *paths], cwd=here, capture_output=True, text=True, check=False)
    assert done.stdout.splitlines() == paths[:5]  # the notify state may be committed (a scheduled CI run does)
    attributes = subprocess.run(
        ["git", "check-attr", "merge", "data/events.csv", "data/assessments.csv"], cwd=here, capture_output=True, text=True, check=True
    )
    assert attributes.stdout == "data/events.csv: merge: union\ndata/assessments.csv: merge: union\n"


# --- the whole story, with real git and real pre-commit --------------------------------------------
def _team_env(tmp_path: Path) -> dict[str, str]:
    """The installed `tracker` on PATH (as `language: system` hooks need it), no user git configuration, no TRACKER_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "GIT_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Ana",
        GIT_AUTHOR_EMAIL="ana@example.org",
        GIT_COMMITTER_NAME="Ana",
        GIT_COMMITTER_EMAIL="ana@example.org",
        TRACKER_CACHE="off",
    )
    return env


def test_a_team_repository_from_init_works_first_time(tmp_path: Path) -> None:
    env = _team_env(tmp_path)
    team = tmp_path / "team"

    def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(argv, cwd=team, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        assert done.returncode == 0 or not check, f"{' '.join(argv)}:\n{done.stdout}"
        assert "Traceback" not in done.stdout
        return done

    subprocess.run(["tracker", "init", str(team)], env=env, check=True, capture_output=True)
    sh("git", "init", "-q", "-b", "main")
    sh(sys.executable, "-m", "pre_commit", "install")
    sh("git", "add", "-A")
    first = sh("git", "commit", "-q", "-m", "Tracker repository")
    assert "tracker validate" in first.stdout and "Failed" not in first.stdout

    # Two analysts log an event each on their own branch; the merge keeps both, without a conflict.
    def log(title: str) -> None:
        sh(
            "tracker",
            "log",
            "--occurred",
            "2021-12-20",
            "--title",
            title,
            "--source",
            "Reuters, 20 Dec 2021",
            "--actors",
            "Russia",
            "--by",
            "ana",
        )
        sh("git", "add", "-A")
        sh("git", "commit", "-q", "-m", title)

    sh("git", "checkout", "-q", "-b", "ana")
    log("Russia pulls back some troops")
    sh("git", "checkout", "-q", "main")
    log("Russia holds exercises in Belarus")
    sh("git", "merge", "-q", "--no-edit", "ana")
    events = load_events(team / "data" / "events.csv")
    assert events.problems == []
    assert len(events) == 2
    assert sh("git", "status", "--porcelain").stdout == ""  # the lock file is ignored, not left to be committed

    # A broken scenario is refused by the hook, its located message printed once.
    (team / "scenarios" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    sh("git", "add", "-A")
    refused = sh("git", "commit", "-q", "-m", "A broken scenario", check=False)
    assert refused.returncode == 1
    assert refused.stdout.count(BROKEN_MESSAGE) == 1, refused.stdout
    assert refused.stdout.count("unknown field 'unles'") == 1, refused.stdout
    assert sh("git", "log", "-1", "--format=%s").stdout == "Merge branch 'ana'\n"
    sh("git", "rm", "-q", "--cached", "scenarios/broken.yaml")
    (team / "scenarios" / "broken.yaml").unlink()

    # The log moved elsewhere: tracker.toml says where, and the hooks check it there.
    (team / "records").mkdir()
    sh("git", "mv", "data/events.csv", "records/events.csv")
    sh("git", "mv", "data/.gitattributes", "records/.gitattributes")
    (team / "tracker.toml").write_text('scenarios = "scenarios"\nevents = "records/events.csv"\n', encoding="utf-8")
    sh("git", "add", "-A")
    moved = sh("git", "commit", "-q", "-m", "The log moves to records/")
    assert "Failed" not in moved.stdout
    with (team / "records" / "events.csv").open("a", encoding="utf-8") as handle:
        handle.write("bad-date,2022-02-30,A day that does not exist,Russia,,,Example,,,,,,\n")
    sh("git", "add", "-A")
    refused = sh("git", "commit", "-q", "-m", "A bad row", check=False)
    assert refused.returncode == 1
    message = "records/events.csv:4:2: error: occurred: '2022-02-30' is not a real date (expected YYYY-MM-DD)"
    assert refused.stdout.count(message) == 1, refused.stdout


def test_the_example_is_the_demo_s_real_case(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example invents nothing: its commitment, dates, trigger and response are the demo's sourced scenario."""
    run(capsys, "init")
    example = load_scenarios(here / "scenarios").scenarios[0]
    demo = next(s for s in load_scenarios(DEMO_SCENARIOS).scenarios if s.id == example.id)
    fields = ("title", "opened", "deadline", "timezone", "trigger", "response")
    assert {f: getattr(example, f) for f in fields} == {f: getattr(demo, f) for f in fields}
    assert demo.sources[0].url in (here / "scenarios" / f"{example.id}.yaml").read_text(encoding="utf-8")
