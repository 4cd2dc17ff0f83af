"""Scenario files in git: history (one scenario's changes) and diff (two revisions compared)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tracker import config
from tracker.cli.common import (
    EXIT_OK,
    Parser,
    UsageError,
    as_of_flag,
    data_flags,
    no_scenario_folder,
    print_problems,
)
from tracker.scenario.changes import FieldChange
from tracker.scenario.loader import SCENARIO_SUFFIXES
from tracker.scenario.model import SLUG_PATTERN

# tracker.git reads the log and runs the engine (pandas and pyarrow): imported by the commands that use it, not here,
# since `tracker --help` and every other command import this module to build the parser.
if TYPE_CHECKING:
    from tracker.git.compare import ScenarioDiff, Side


def _scenario_path(text: str, folder: Path) -> Path:
    """A scenario named by id (looked up in ``folder``) or by its file."""
    from tracker.git.history import scenario_file

    if text.endswith(SCENARIO_SUFFIXES):
        return Path(text)
    if not re.fullmatch(SLUG_PATTERN, text):
        raise UsageError(f"{text!r} is not a scenario id (a slug like joint-sanctions-christmas-2021) or a scenario file (.yaml)")
    return scenario_file(folder, text)


def _print_change(change: FieldChange, out: TextIO) -> None:
    out.write(f"    - {change.summary}\n")
    if change.summary.endswith(("changed", "undone")):  # the values are not in the summary: show them
        for label, value in (("before", change.before), ("after", change.after)):
            if value is not None:
                out.write(f"        {label + ':':7} {' '.join(value.split())}\n")


def cmd_history(args: argparse.Namespace) -> int:
    from tracker.git.history import format_date, scenario_history

    folder = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    history = scenario_history(_scenario_path(args.scenario, folder))
    if args.format == "json":
        json.dump(history.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        out = sys.stdout
        count = len(history.revisions)
        out.write(f"History of {history.path}: {count} commit{'s' if count != 1 else ''}, newest first\n")
        for revision in history.revisions:
            commit = revision.commit
            out.write(f"\n{commit.short}  {format_date(commit.date)}  {commit.author} <{commit.email}>\n")
            for line in commit.message.splitlines() or [commit.subject]:
                out.write(f"    {line}".rstrip() + "\n")
            if revision.kind != "modified" or not revision.changes:
                out.write(f"    - {revision.headline}\n")
            for change in revision.changes:
                _print_change(change, out)
            for problem in revision.problems:
                out.write(f"        {problem}\n")
    for notice in history.notices:
        print(f"note: {notice}", file=sys.stderr)
    return EXIT_OK


def _side_text(side: Side) -> str:
    if side.commit is None:
        return f"the {side.label}"
    return f"{side.label}, {side.commit.date:%Y-%m-%d} “{side.commit.subject}”"


def _status_text(diff: ScenarioDiff) -> str:
    before, after = diff.status_before, diff.status_after
    if before is None:
        return f"status: {after}"
    if after is None:
        return f"status: was {before}"
    return f"status: {before} -> {after}" if before != after else f"status: {after}"


def cmd_diff(args: argparse.Namespace) -> int:
    from tracker.git.compare import diff_revisions

    as_of = as_of_flag(args.as_of)
    scenarios = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    events = Path(args.events) if args.events else config.events_path()
    if not scenarios.is_dir():
        raise no_scenario_folder(scenarios, flag=args.scenarios)
    result = diff_revisions(scenarios, events, args.rev1, args.rev2, as_of)  # type: ignore[arg-type]
    for notice in result.notices:
        print(f"note: {notice}", file=sys.stderr)
    print_problems(result.problems, "text", sys.stderr)
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    out = sys.stdout
    out.write(f"From {_side_text(result.before)}\nto   {_side_text(result.after)}\nstatuses as of {result.as_of.isoformat()}\n")
    if not result.scenarios:
        out.write("\nNo scenario was added, removed or changed, and no status differs.\n")
    for diff in result.scenarios:
        kind = "status" if diff.kind == "unchanged" else diff.kind
        out.write(f"\n{kind:8} {diff.scenario_id}: {diff.title}\n    {_status_text(diff)}\n")
        for change in diff.changes:
            _print_change(change, out)
    for label, ids in (("added", result.events_added), ("removed", result.events_removed)):
        if ids:
            out.write(f"\nEvents {label} ({len(ids)}): {', '.join(ids)}\n")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    history = sub.add_parser(
        "history",
        help="who changed a scenario, when and why, from git",
        description="The change history of a scenario file from git, newest first, following renames: each commit's author, "
        "date and message, and the meaningful field changes (e.g. 'deadline: 2021-12-25 -> 2022-01-15', 'trigger changed', "
        "'withdrawn on 2022-10-06'). Needs git and the scenario files in a git repository.",
    )
    history.add_argument("scenario", metavar="ID", help="a scenario id, or the path of a scenario file")
    history.add_argument("--scenarios", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/)")
    history.add_argument("--format", choices=["text", "json"], default="text")
    history.set_defaults(handler=cmd_history)

    diff = sub.add_parser(
        "diff",
        help="scenarios added, removed and changed between two git revisions, and whose status differs",
        description="Compare the scenarios and event log of git revision REV1 with those of REV2 (default: the working tree): "
        "scenarios added, removed, and changed field by field, and those whose status as of --as-of differs, each revision's "
        "scenarios assessed against that revision's event log. The 'since last briefing' view: tracker diff briefing-2022-02-01.",
    )
    diff.add_argument("rev1", metavar="REV1", help="a branch, tag or commit (e.g. main~3, a tag per briefing)")
    diff.add_argument("rev2", metavar="REV2", nargs="?", help="a branch, tag or commit (default: the working tree)")
    diff.add_argument("--as-of", metavar="WHEN", help="a date (its end, UTC) or a datetime with offset; default: now")
    data_flags(diff)
    diff.add_argument("--format", choices=["text", "json"], default="text")
    diff.set_defaults(handler=cmd_diff)
