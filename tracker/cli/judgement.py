"""The judgement commands of `tracker`: calibration (how well the analysts' probabilities foretold what was decided).

Registered by tracker.cli. The engine and the ledger are imported by the commands that use them, not here: every
command imports this module to build the parser.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tracker.cli.common import EXIT_OK, as_of_flag, basis_flag, data_flags, scenarios_for, workspace_from_args
from tracker.timeutil import as_of_text


def cmd_calibration(args: argparse.Namespace) -> int:
    from tracker.engine.calibration import calibration
    from tracker.engine.status import assess_all
    from tracker.report.calibration import calibration_text

    as_of = as_of_flag(args.as_of)
    workspace, scenarios_dir, _ = workspace_from_args(args)
    scenarios = scenarios_for(workspace, scenarios_dir, as_of, args.basis)
    statuses = assess_all(scenarios, workspace.events, as_of, args.basis)
    result = calibration(statuses, workspace.judgements)
    if args.format == "json":
        payload: dict[str, Any] = {"as_of": as_of.isoformat(), "basis": args.basis, **result.to_json()}
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    basis = " (what was known then)" if args.basis == "known" else ""
    print(calibration_text(result, f"Calibration as of {as_of_text(as_of)}{basis}"))
    return EXIT_OK


def register(sub: Any) -> None:
    """Add calibration to the `tracker` command's subparsers."""
    calibration = sub.add_parser(
        "calibration", help="Brier scores and reliability of the analysts' assessments of the scenarios resolved by an instant"
    )
    calibration.add_argument(
        "--as-of", metavar="WHEN", help="a date (its end in each scenario's zone) or a datetime with offset; default: now"
    )
    calibration.add_argument("--format", choices=["text", "json"], default="text")
    basis_flag(calibration)
    data_flags(calibration)
    calibration.set_defaults(handler=cmd_calibration)
