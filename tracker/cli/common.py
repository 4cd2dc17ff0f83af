"""What every command shares: exit codes, the usage error, the parser, problem output, the data flags, list flags."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from tracker import config
from tracker.problems import Problem, TrackerError, display_path
from tracker.scenario.model import BASES, Scenario
from tracker.timeutil import now, parse_as_of
from tracker.workspace import Workspace, load_workspace

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(TrackerError):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


# One list syntax on every command: a list flag is repeated (--tags a --tags b), or takes values separated by ';'
# (--tags "a;b", the separator the event log uses in its cells), or both.
LIST_SEPARATOR = ";"


def list_values(given: Iterable[str] | None) -> list[str]:
    """The values of a list flag as given (``["a;b", "c"]`` from ``--tags "a;b" --tags c``) -> ``["a", "b", "c"]``.

    Each value is stripped; empty ones are dropped, so ``--tags ""`` gives no values.
    """
    return [value.strip() for text in given or () for value in text.split(LIST_SEPARATOR) if value.strip()]


def list_flag(parser: argparse._ActionsContainer, flag: str, help: str, *, metavar: str = "A;B", example: str = '"a;b"') -> None:
    """Add a list flag: repeatable, and each value may hold several separated by ';' (read them with ``list_values``)."""
    # The quotes matter: unquoted, the shell ends the command at the ';' and the values after it are lost.
    parser.add_argument(
        flag, action="append", metavar=metavar, help=f"{help}; repeat the flag, or separate values with ';' in quotes: {flag} {example}"
    )


def _escape_github(text: str) -> str:
    """GitHub Actions workflow-command escaping (as in @actions/core)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def print_problems(problems: Sequence[Problem], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump([p.as_dict() for p in problems], out, indent=2)
        out.write("\n")
    elif fmt == "github":
        for p in problems:
            level = "error" if p.severity == "error" else "warning"
            message = _escape_github(p.message)
            path = _escape_github(p.path).replace(":", "%3A").replace(",", "%2C")  # properties escape these too
            out.write(f"::{level} file={path},line={max(p.line, 1)},col={max(p.column, 1)}::{message}\n")
    else:
        for p in problems:
            out.write(f"{p}\n")


def as_of_flag(text: str | None) -> dt.date | dt.datetime:
    """--as-of: a bare date is the end of that day in each scenario's own zone; a datetime with offset, that instant."""
    if text is None:
        return now()
    try:
        return parse_as_of(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def basis_flag(parser: argparse.ArgumentParser) -> None:
    """--basis: count events from when they occurred (default) or only once they were logged (what was known then)."""
    parser.add_argument(
        "--basis",
        choices=list(BASES),
        default="occurred",
        help="occurred: events count from when they happened (default); known: only from when they were logged",
    )


def scenarios_for(workspace: Workspace, scenarios_dir: Path, as_of: dt.date | dt.datetime, basis: str) -> list[Scenario]:
    """The scenarios to assess: as they are, or (basis `known`) as committed by the as-of instant; notices go to stderr."""
    if basis != "known":
        return workspace.scenarios.scenarios
    # Here, not above: every command imports this module, and only `--basis known` needs the engine and git.
    from tracker.engine.status import instant_for
    from tracker.git.compare import scenarios_known_at

    at = instant_for(as_of, dt.UTC)
    known = scenarios_known_at(scenarios_dir, at)
    if known.notice:
        print(f"tracker: --basis known: {known.notice}", file=sys.stderr)
    elif known.commit is not None:
        print(f"tracker: --basis known: scenarios as committed in {known.commit.short} ({known.commit.date:%Y-%m-%d})", file=sys.stderr)
    return known.scenarios.scenarios


def data_flags(parser: argparse.ArgumentParser) -> None:
    """--scenarios and --events, as every command that reads both spells them."""
    parser.add_argument("--scenarios", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/)")
    parser.add_argument("--events", metavar="PATH", help=f"event log or folder of logs (default: ${config.EVENTS_ENV} or data/events.csv)")


def no_scenario_folder(folder: Path, *, flag: str | None, remedy: str = "pass --scenarios") -> UsageError:
    """The scenario folder is missing: say who named it (a flag, tracker.toml or the default) and how to name another."""
    named = None if flag else config.named_in_settings("scenarios")
    where = f" (as {named} says)" if named else ""
    return UsageError(f"no scenario folder at {display_path(folder)}{where}; {remedy} or set {config.SCENARIOS_ENV}")


def workspace_from_args(args: argparse.Namespace) -> tuple[Workspace, Path, Path]:
    """The files named by --scenarios/--events (or the environment, or the defaults), loaded; problems go to stderr."""
    scenarios = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    events = Path(args.events) if args.events else config.events_path()
    if not scenarios.exists():
        raise no_scenario_folder(scenarios, flag=args.scenarios)
    workspace = load_workspace(scenarios, events)
    print_problems(workspace.problems, "text", sys.stderr)
    return workspace, scenarios, events
