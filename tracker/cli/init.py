"""`tracker init [DIR]`: a team repository in one command, with everything a team otherwise sets up by guesswork.

Scenarios with an example and the schema for editors, an event log with its header, the git attribute that merges two
branches' appends to the log, a .gitignore for what the tracker leaves beside the log, the pre-commit hooks, a CI
workflow, and the tracker.toml that tells every command where the files are. It never overwrites a file: when any of
them exists, it writes none.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tracker import config
from tracker.cli.common import EXIT_OK, Parser
from tracker.problems import TrackerError, display_path

EXAMPLE_ID = "joint-sanctions-christmas-2021"
# The hooks of .pre-commit-hooks.yaml (tests/test_init.py checks they agree), run from the installed `tracker` command:
# `repo: local` needs no address of this project and no pinned revision, so the hooks work wherever `tracker --help` does.
HOOKS = (
    ("tracker-validate", "tracker validate", "tracker validate --hook", True),
    ("tracker-test", "tracker test", "tracker test --hook", False),
)
HOOK_FILES = r"\.(ya?ml|csv|toml)$"
DISTRIBUTION = "sanctions-scenario-tracker"
# Where CI installs the tracker from when `tracker init` cannot tell: this project's git repository, wherever it is kept.
PLACEHOLDER_INSTALL = "git+https://<host>/sanctions-scenario-tracker"


def installed_from() -> str | None:
    """Where CI can install this very tracker from: the https git repository and commit pip installed it from (pip
    records them in direct_url.json, PEP 610); None when it came from a local folder or an index, or the address holds
    a user name or password, which must not go into a committed file."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        recorded = distribution(DISTRIBUTION).read_text("direct_url.json")
        origin = json.loads(recorded or "{}")
    except (PackageNotFoundError, ValueError):
        return None
    vcs = origin.get("vcs_info") if isinstance(origin, dict) else None
    url = origin.get("url") if isinstance(origin, dict) else None
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git" or not isinstance(url, str) or not isinstance(vcs.get("commit_id"), str):
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or "@" in parts.netloc:  # CI clones over https; a token in the address stays out
        return None
    return f"git+{url}@{vcs['commit_id']}"


def _example_scenario() -> str:
    """A real scenario (from the demo), written by `tracker new`'s template: every field explained above it."""
    from tracker.scenario.scaffold import ResponseSpec, render_scenario
    from tracker.timeutil import parse_span

    text = render_scenario(
        scenario_id=EXAMPLE_ID,
        title="Joint US-EU-UK sanctions package if Russia does not back down by Christmas",
        opened=dt.date(2021, 12, 3),
        deadline=dt.date(2021, 12, 25),
        timezone="Europe/Brussels",
        trigger_kind="unless",
        match={"actors": ["Russia"], "tags": ["de-escalation"]},
        response=ResponseSpec("Joint sanctions package", {"tags": ["sanctions-package"]}, parse_span("30d")),
    )
    schema_line, rest = text.split("\n", 1)
    return (
        f"{schema_line}\n"
        "# An example to start from, a real case: US-Russia tension on Ukraine erupts at OSCE dinner (Bloomberg, 6 Dec 2021),\n"
        "# https://www.taipeitimes.com/News/world/archives/2021/12/06/2003769116\n"
        "# Edit it or delete it; `tracker new` writes more like it.\n"
        f"{rest}"
    )


def _schema() -> str:
    from tracker.scenario.model import scenario_json_schema_text

    return scenario_json_schema_text()


def _log_header() -> str:
    from tracker.log.writer import EVENT_LOG, encode_rows

    return encode_rows([EVENT_LOG.columns], "\n").decode("utf-8")


SETTINGS = f"""\
# Where the tracker finds this repository's files, relative to this file. Every `tracker` command run in this
# repository (and the pre-commit hooks) reads it; TRACKER_SCENARIOS and TRACKER_EVENTS, when set, win over it.
scenarios = "{config.DEFAULT_SCENARIOS.as_posix()}"
events = "{config.DEFAULT_EVENTS.as_posix()}"
"""

GITATTRIBUTES = """\
# The event log (and the analysts' assessments.csv beside it) only ever gets rows appended: when two branches both
# add rows, git keeps both sides' lines instead of reporting a conflict. Keep this file beside the log.
*.csv merge=union
"""

GITIGNORE = """\
# What the tracker leaves beside the files it writes, for this machine only: its write locks (.events.csv.lock),
# and the half-written last line of a crashed write, moved aside as events.csv.partial-<time> for you to look at.
.*.lock
*.partial-*
# The dashboard's sign-in secrets stay on the server.
.streamlit/secrets.toml
# Not ignored: `tracker notify`'s state (data/.tracker-notify.json), which a scheduled CI run commits (see the README).
__pycache__/
.venv/
"""


def _pre_commit_config() -> str:
    hooks = "".join(
        f"""      - id: {hook_id}
        name: {name}
        entry: {entry}
        language: system
        files: '{HOOK_FILES}'
        pass_filenames: {"true" if pass_filenames else "false"}
"""
        for hook_id, name, entry, pass_filenames in HOOKS
    )
    return f"""\
# Checks before each commit; run `pre-commit install` once in each clone. The hooks run the `tracker` command installed
# on this machine (`language: system`), so they work wherever `tracker --help` does. They fire on YAML, CSV and TOML
# files, and check the scenarios and the event log that tracker.toml names; each problem is printed once.
repos:
  - repo: local
    hooks:
{hooks}"""


def _ci_workflow() -> str:
    source = installed_from()
    where = (
        "# The tracker as installed where `tracker init` ran: that commit of its repository (change it to upgrade)."
        if source
        else "# Where your team installs the tracker from: replace <host> with where its git repository lives (@TAG pins it)."
    )
    return f"""\
# The same checks as the pre-commit hooks, on every push and pull request; problems are annotated on their lines.
name: tracker
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      {where}
      - run: pip install "{source or PLACEHOLDER_INSTALL}"
      - run: tracker validate --format github
      - run: tracker test --format github
"""


@dataclass(frozen=True)
class Template:
    path: str  # relative to the new repository's folder
    purpose: str  # what `tracker init` says it is for
    text: Callable[[], str]


TEMPLATES = (
    Template("tracker.toml", "where the scenarios and the event log are, for every command", lambda: SETTINGS),
    Template(f"scenarios/{EXAMPLE_ID}.yaml", "an example scenario, commented field by field", _example_scenario),
    Template("scenarios/scenario.schema.json", "the JSON Schema editors check scenario files with", _schema),
    Template("data/events.csv", "the event log: its header, ready for `tracker log`", _log_header),
    Template("data/.gitattributes", "merges two branches' appends to the log without a conflict", lambda: GITATTRIBUTES),
    Template(".gitignore", "keeps the tracker's lock files, crash leftovers and secrets out of git", lambda: GITIGNORE),
    Template(".pre-commit-config.yaml", "runs tracker validate and tracker test before each commit", _pre_commit_config),
    Template(".github/workflows/tracker.yml", "runs them in CI on every push", _ci_workflow),
)


def init_repository(folder: Path) -> list[Template]:
    """Write every template into ``folder`` (created if missing) -> what was written; writes nothing if any file exists."""
    from tracker.scenario.scaffold import write_new

    if folder.exists() and not folder.is_dir():
        raise TrackerError(f"{display_path(folder)} is a file, not a folder; name a folder for the new repository")
    taken = [display_path(folder / t.path) for t in TEMPLATES if os.path.lexists(folder / t.path)]
    if taken:
        which = ", ".join(taken)
        raise TrackerError(
            f"{which} already {'exists' if len(taken) == 1 else 'exist'}; tracker init never overwrites a file, "
            "so it wrote nothing (move them aside, or run it in an empty folder)"
        )
    texts = [(template, template.text()) for template in TEMPLATES]  # every text first: a failure writes nothing
    for template, text in texts:
        path = folder / template.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_new(path, text)
        except FileExistsError:
            raise TrackerError(f"{display_path(path)} appeared meanwhile; tracker init stopped there, overwriting nothing") from None
        except OSError as exc:
            raise TrackerError(f"cannot write {display_path(path)}: {exc.strerror or exc}") from None
    return [template for template, _ in texts]


def cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    written = init_repository(folder)
    width = max(len(t.path) for t in written)
    where = display_path(folder)
    print(f"Wrote a tracker repository in {where}:")
    for template in written:
        print(f"  {template.path.ljust(width)}  {template.purpose}")
    steps = [] if where == "." else [(f"cd {where}", "")]
    steps += [("git init", "unless it is a git repository already"), ("pre-commit install", "the hooks, once per clone")]
    if installed_from() is None:  # the workflow holds the placeholder
        steps.append(("edit .github/workflows/tracker.yml", f"where CI installs the tracker from ({PLACEHOLDER_INSTALL})"))
    steps += [('git add -A && git commit -m "Tracker repository"', ""), ("tracker status", "")]
    print("Next steps:")
    for command, why in steps:
        print(f"  {command.ljust(37)}  # {why}" if why else f"  {command}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    init = sub.add_parser(
        "init",
        help="write a team repository: scenarios, event log, git settings, pre-commit hooks, CI, tracker.toml",
        description="Write a team repository in DIR: an example scenario and the schema, the event log with its header, "
        "data/.gitattributes (union merge of the log), a .gitignore, the pre-commit hooks, a CI workflow and tracker.toml. "
        "Never overwrites a file: if any of them exists, nothing is written.",
    )
    init.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the repository's folder (default: this one); created if missing")
    init.set_defaults(handler=cmd_init)
