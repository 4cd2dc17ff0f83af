"""The `tracker` command: validate, status, schema, bench.

Exit codes: 0 clean, 1 problems found, 2 usage error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from tracker import config
from tracker.engine import assess_all, now, urgency_key
from tracker.models import scenario_json_schema
from tracker.problems import Problem, TrackerError
from tracker.timeutil import format_remaining, parse_instant
from tracker.validate import load_workspace, split_paths

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(TrackerError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def _print_problems(problems: Sequence[Problem], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump([p.as_dict() for p in problems], out, indent=2)
        out.write("\n")
    elif fmt == "github":
        for p in problems:
            level = "error" if p.severity == "error" else "warning"
            message = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            out.write(f"::{level} file={p.path},line={max(p.line, 1)},col={max(p.column, 1)}::{message}\n")
    else:
        for p in problems:
            out.write(f"{p}\n")


def cmd_validate(args: argparse.Namespace) -> int:
    if args.paths:
        scenario_files, event_files, unusable = split_paths([Path(p) for p in args.paths])
        if unusable:
            raise UsageError("\n".join(unusable))
        workspace = load_workspace(scenario_files, event_files or None)
    else:
        scenarios, events = config.scenarios_path(), config.events_path()
        if not scenarios.exists():
            raise UsageError(f"no scenario folder at {scenarios}; name the files to check or set {config.SCENARIOS_ENV}")
        workspace = load_workspace(scenarios, events if events.exists() else None)
    _print_problems(workspace.problems, args.format, sys.stdout)
    errors = workspace.errors
    if args.format == "text":
        n_scen, n_events = len(workspace.scenarios.scenarios), len(workspace.events)
        warnings = len(workspace.problems) - len(errors)
        print(f"{n_scen} valid scenario(s), {n_events} valid event(s); {len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_PROBLEMS if errors else EXIT_OK


def _as_of(text: str | None) -> object:
    if text is None:
        return now()
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def cmd_status(args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    scenarios = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    events = Path(args.events) if args.events else config.events_path()
    if not scenarios.exists():
        raise UsageError(f"no scenario folder at {scenarios}; pass --scenarios or set {config.SCENARIOS_ENV}")
    workspace = load_workspace(scenarios, events)
    _print_problems(workspace.problems, "text", sys.stderr)
    assessments = sorted(assess_all(workspace.scenarios.scenarios, workspace.events, as_of), key=urgency_key)  # type: ignore[arg-type]
    if args.format == "json":
        json.dump([a.to_json() for a in assessments], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    rows = [("STATUS", "SCENARIO", "DEADLINE", "REMAINING")]
    for a in assessments:
        rows.append((a.status.value, a.scenario.id, a.scenario.deadline_text, format_remaining(a.remaining_seconds)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Status as of {as_of.isoformat()}")  # type: ignore[attr-defined]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from tracker.bench import run_benchmark

    run_benchmark(scenarios=args.scenarios, events=args.events, instants=args.instants)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tracker", description="Sanctions scenario tracker: check files and compute statuses.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser("validate", help="check scenario files and event logs")
    validate.add_argument(
        "paths", nargs="*", metavar="PATH", help="scenario files, event logs or folders (default: scenarios/ and data/events.csv)"
    )
    validate.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text (PATH:LINE:COL: error: ...), json, or GitHub Actions annotations",
    )
    validate.set_defaults(handler=cmd_validate)

    status = sub.add_parser("status", help="the status of every scenario as of an instant")
    status.add_argument("--as-of", metavar="WHEN", help="a date (its end, UTC) or a datetime with offset; default: now")
    status.add_argument("--format", choices=["table", "json"], default="table")
    status.add_argument("--scenarios", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/)")
    status.add_argument("--events", metavar="PATH", help=f"event log or folder of logs (default: ${config.EVENTS_ENV} or data/events.csv)")
    status.set_defaults(handler=cmd_status)

    schema = sub.add_parser("schema", help="print the JSON Schema of a scenario file")
    schema.set_defaults(handler=cmd_schema)

    bench = sub.add_parser("bench", help="measure loading and status speed on synthetic data")
    bench.add_argument("--scenarios", type=int, default=1000)
    bench.add_argument("--events", type=int, default=1_000_000)
    bench.add_argument("--instants", type=int, default=100)
    bench.set_defaults(handler=cmd_bench)

    # Imported here, not at the top: the briefing commands import this module's helpers.
    from tracker.cli_briefings import register as register_briefings

    register_briefings(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except UsageError as exc:
        print(f"tracker: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TrackerError as exc:
        print(f"tracker: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        print(f"tracker: internal error: {type(exc).__name__}: {exc}. Please report this.", file=sys.stderr)
        return EXIT_INTERNAL


def main_exit() -> None:
    """Entry point of the installed `tracker` command."""
    sys.exit(main())
