"""The `tracker` command: the parser, one module per group of commands, and the one error boundary.

Groups: init (a team repository), scenarios (validate, status, schema, test, new), git (history, diff), writing (log, correct, retract,
import, repair), briefings (brief, calendar, since), judgement (calibration), notify. Exit codes: 0 clean, 1 problems found, 2 usage error.
No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from tracker import config
from tracker.cli import briefings, git, init, judgement, notify, scenarios, writing
from tracker.cli.common import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Parser, UsageError
from tracker.problems import TrackerError


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="tracker", description="Sanctions scenario tracker: check, test and compare scenarios, and compute statuses.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in (init, scenarios, git, writing, briefings, judgement, notify):
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except (UsageError, config.SettingsError) as exc:
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
