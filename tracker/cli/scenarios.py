"""Scenarios as code: validate, status, schema, test, new."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import config
from tracker.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Parser,
    UsageError,
    as_of_flag,
    basis_flag,
    data_flags,
    list_flag,
    list_values,
    no_scenario_folder,
    print_problems,
    scenarios_for,
    workspace_from_args,
)
from tracker.log.layout import log_files
from tracker.problems import display_path
from tracker.scenario.loader import SCENARIO_SUFFIXES, load_scenarios
from tracker.scenario.model import scenario_json_schema_text
from tracker.scenario.scaffold import (
    MATCH_HELP,
    ResponseSpec,
    ScaffoldError,
    TriggerKind,
    new_scenario,
    parse_deadline,
    parse_match,
    parse_opened,
    parse_within,
)
from tracker.timeutil import as_of_text, now, zone
from tracker.workspace import load_workspace, split_paths

# The engine and the log's table (pandas and pyarrow) are imported by the commands that use them, not here: checking
# scenario files (`validate`, the pre-commit hook), `schema`, `new` and `--help` never need them.
if TYPE_CHECKING:
    from tracker.log.events import EventLog


def _hook_paths(named: list[Path]) -> list[Path] | None:
    """Of the files a pre-commit hook names, those the tracker reads: scenario files of the configured scenario folder,
    the configured event log's files and its vocabulary. None when tracker.toml is among them: it may move both, so
    check all."""
    if any(path.name == config.SETTINGS_FILE_NAME for path in named):
        return None
    scenarios, events = config.scenarios_path(), config.events_path()
    logs = {os.path.abspath(path) for path in log_files(events)} if events.exists() else set()
    return [
        path
        for path in named
        if (path.suffix in SCENARIO_SUFFIXES and os.path.abspath(path.parent) == os.path.abspath(scenarios))
        or os.path.abspath(path) in logs
        or os.path.abspath(path) == os.path.abspath(config.vocabulary_path(events))
    ]


def cmd_validate(args: argparse.Namespace) -> int:
    named = [Path(p) for p in args.paths]
    if args.hook and named:
        hooked = _hook_paths(named)
        if hooked is None:  # tracker.toml changed: check everything it names
            named = []
        elif not hooked:  # none of the committed files is one the tracker reads
            return EXIT_OK
        else:
            named = hooked
    if named:
        scenario_files, event_files, unusable = split_paths(named)
        if unusable:
            raise UsageError("\n".join(unusable))
        if args.hook and not event_files and config.events_path().exists():
            # A committed scenario is checked against the configured log: the event ids and names it cites must be there.
            event_files = [config.events_path()]
        workspace = load_workspace(scenario_files, event_files or None)
    else:
        scenarios, events = config.scenarios_path(), config.events_path()
        if not scenarios.exists():
            raise no_scenario_folder(scenarios, flag=None, remedy="name the files to check")
        workspace = load_workspace(scenarios, events if events.exists() else None)
    print_problems(workspace.problems, args.format, sys.stdout)
    errors = workspace.errors
    if args.format == "text":
        n_scen, n_events = len(workspace.scenarios.scenarios), workspace.event_count
        warnings = len(workspace.problems) - len(errors)
        print(f"{n_scen} valid scenario(s), {n_events} valid event(s); {len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from tracker.engine.review import review_words, reviews
    from tracker.engine.status import assess_all, urgency_key
    from tracker.git.history import scenario_commits
    from tracker.report.views import countdown

    as_of = as_of_flag(args.as_of)
    workspace, scenarios_dir, _ = workspace_from_args(args)
    scenarios = scenarios_for(workspace, scenarios_dir, as_of, args.basis)
    assessments = sorted(assess_all(scenarios, workspace.events, as_of, args.basis), key=urgency_key)
    found = reviews(assessments, workspace.events, workspace.judgements, scenario_commits(workspace.scenarios.files))
    if args.format == "json":
        judgements = workspace.judgements
        payload = []
        for a in assessments:
            latest = judgements.latest(a.scenario.id, a.as_of, a.basis.value)  # the analysts' last word by the as-of
            payload.append({**a.to_json(), **found[a.scenario.id].to_json(a.scenario), "assessment": latest.to_json() if latest else None})
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    # The review column only when some scenario asks to be reviewed: a team that does not use reviews sees no blank column.
    reviewed = any(a.scenario.review_every is not None for a in assessments)
    # TIME LEFT says what it counts to: the deadline, or (once triggered) the response's due time, a different instant.
    rows = [("STATUS", "SCENARIO", "DEADLINE", "TIME LEFT", *(("REVIEW",) if reviewed else ()))]
    for a in assessments:
        review = (review_words(found[a.scenario.id], a.scenario),) if reviewed else ()
        rows.append((a.status_words, a.scenario.id, a.deadline_spell.due_text, countdown(a).in_words(), *review))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    basis = " (what was known then)" if args.basis == "known" else ""
    print(f"Status as of {as_of_text(as_of)}{basis}")
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(scenario_json_schema_text())
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    # Even cases that give their own events run through the engine's event table (tracker.log.events): pandas and pyarrow.
    from tracker.engine.scenario_tests import run_scenario_tests
    from tracker.log.reader import load_events

    scenario_files, event_files, unusable = split_paths([Path(p) for p in args.paths or [config.scenarios_path()]])
    if unusable:
        raise UsageError("\n".join(unusable))
    if event_files and args.events:
        raise UsageError("give the event log either as a PATH or with --events, not both")
    events = Path(args.events) if args.events else config.events_path()
    if args.events and not events.exists():
        raise UsageError(f"--events: {args.events}: no such file or folder")
    scenarios = load_scenarios(scenario_files)
    if event_files:
        log: EventLog | None = load_events(event_files)
    else:
        log = load_events(events) if events.exists() else None
    results = run_scenario_tests(scenarios, log)
    load_errors = [p for p in [*scenarios.problems, *(log.problems if log else [])] if p.severity == "error"]
    failed = [r for r in results if not r.passed]
    if args.format == "json":
        json.dump({"problems": [p.as_dict() for p in load_errors], "results": [r.as_dict() for r in results]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        # As a hook, the files' own problems are left to tracker-validate, which runs beside it: each is printed once.
        shown = [] if args.hook else load_errors
        print_problems([*shown, *(p for r in failed for p in r.problems)], args.format, sys.stdout)
    if args.format == "text":
        if results:
            files = len({r.path for r in results})
            summary = f"{len(results)} scenario test(s) in {files} file(s): {len(results) - len(failed)} passed, {len(failed)} failed"
        elif load_errors:
            summary = "no scenario test ran"  # the files that failed to load may hold them
        else:
            summary = "no scenario tests found; add a `tests:` block to a scenario file"
        if log is None:
            summary += f" (no event log at {display_path(events)})"
        if load_errors:
            summary += f"; {len(load_errors)} file problem(s)" + (", reported by tracker validate" if args.hook else "")
        print(summary, file=sys.stderr)
    return EXIT_PROBLEMS if failed or load_errors else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    timezone = args.timezone or "UTC"
    try:
        tz = zone(timezone)
    except ValueError as exc:
        raise UsageError(f"--timezone: {exc}") from None
    try:
        deadline = parse_deadline(args.deadline)
        opened = parse_opened(args.opened) if args.opened else now().astimezone(tz).date()
        trigger_kind: TriggerKind | None = None
        match = None
        if args.unless is not None:
            trigger_kind, match = "unless", parse_match(list_values(args.unless), "--unless")
        elif args.when is not None:
            trigger_kind, match = "when", parse_match(list_values(args.when), "--when")
        response = _response_flags(args)
        folder = Path(args.dir) if args.dir else config.scenarios_path()
        path, notes = new_scenario(
            folder,
            title=args.title,
            deadline=deadline,
            opened=opened,
            timezone=timezone,
            trigger_kind=trigger_kind,
            match=match,
            scenario_id=args.id,
            commitment=args.commitment,
            response=response,
        )
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(display_path(path))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _response_flags(args: argparse.Namespace) -> ResponseSpec | None:
    """--response, --response-title and --within as the new scenario's `response:` (new_scenario checks --commitment)."""
    if args.response is None:
        for flag, value in (("--response-title", args.response_title), ("--within", args.within)):
            if value is not None:
                raise ScaffoldError(f"{flag} needs --response MATCH, the events that count as the response")
        return None
    match = parse_match(list_values(args.response), "--response")
    title = args.title.strip()  # new_scenario says what is wrong with the scenario's title
    if args.response_title is not None:
        title = args.response_title.strip()
        if not title or "\n" in title or "\r" in title:
            raise ScaffoldError("--response-title: say in one line what is promised")
    return ResponseSpec(title, match, parse_within(args.within) if args.within is not None else None)


def register(sub: argparse._SubParsersAction[Parser]) -> None:
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
    validate.add_argument(
        "--hook",
        action="store_true",
        help="as a pre-commit hook: of the PATHs, check the scenario files of the scenario folder and the event log that "
        "tracker.toml or the environment name; pass over the rest (a tracker.toml among them: check everything)",
    )
    validate.set_defaults(handler=cmd_validate)

    status = sub.add_parser("status", help="the status of every scenario as of an instant")
    status.add_argument("--as-of", metavar="WHEN", help="a date (its end in each scenario's zone) or a datetime with offset; default: now")
    basis_flag(status)
    status.add_argument("--format", choices=["table", "json"], default="table")
    data_flags(status)
    status.set_defaults(handler=cmd_status)

    schema = sub.add_parser("schema", help="print the JSON Schema of a scenario file")
    schema.set_defaults(handler=cmd_schema)

    test = sub.add_parser(
        "test",
        help="run the scenario tests (the `tests:` blocks of scenario files)",
        description="Run the scenario tests: each case in a scenario's `tests:` block states the status expected as of an instant, "
        "and optionally the events that decide it and the time remaining. Cases run against the event log, or against the events "
        "written out in the case. Each failure is one line PATH:LINE:COLUMN: error: MESSAGE. Exit 0 when all pass, 1 when any fails "
        "or a file is invalid, 2 on usage errors.",
    )
    test.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"scenario files or folders, and optionally the event log (default: ${config.SCENARIOS_ENV} or scenarios/)",
    )
    test.add_argument("--events", metavar="PATH", help=f"event log or folder of logs (default: ${config.EVENTS_ENV} or data/events.csv)")
    test.add_argument("--format", choices=["text", "json", "github"], default="text", help="text, json, or GitHub Actions annotations")
    test.add_argument(
        "--hook",
        action="store_true",
        help="as a pre-commit hook beside tracker-validate: the files' own problems still fail, but only tracker validate prints them",
    )
    test.set_defaults(handler=cmd_test)

    new = sub.add_parser(
        "new",
        help="write a new scenario file, with a comment on every field",
        description="Write SCENARIOS/<id>.yaml: a valid scenario file with the schema line for editors, a slug id made from the "
        "title, and a comment explaining each field (optional ones commented out). Never overwrites a file. Prints the new "
        "file's path.",
        epilog=f"MATCH is {MATCH_HELP}. An event matches when, for every KEY given, it shares at least one VALUE "
        "(case-insensitively); ids are event ids from the log; kinds (threat, statement, proposal, decision, in-force, action, "
        "report) narrows to events of those kinds. Like every list flag, a MATCH flag may be repeated: "
        '--when "actors=E3;France" --when tags=snapback is the same as --when "actors=E3;France;tags=snapback". '
        "Without --unless, --when or --commitment, the trigger names a placeholder "
        "event id that `tracker validate` reports (against the event log) until you replace it. "
        'Examples: tracker new "Joint sanctions if Russia does not back down by Christmas" --deadline 2021-12-25 '
        '--timezone Europe/Brussels --unless "actors=Russia;tags=de-escalation"; '
        'tracker new "The EU adopts its 18th package by the June summit" --deadline 2025-06-27 --timezone Europe/Brussels '
        '--commitment --response "actors=EU;tags=sanctions-package;kinds=decision"',
    )
    new.add_argument("title", metavar="TITLE", help="one line: who does what, if what, by when")
    new.add_argument(
        "--deadline", required=True, metavar="WHEN", help="a date (the END of that day in --timezone) or a datetime with offset"
    )
    new.add_argument("--timezone", metavar="ZONE", help="IANA name of the deadline's zone, e.g. Europe/Brussels (default: UTC)")
    trigger = new.add_mutually_exclusive_group()
    match_example = '"actors=Russia;tags=de-escalation"'
    list_flag(
        trigger,
        "--unless",
        "averted by a matching event before the deadline; otherwise fires at it",
        metavar="MATCH",
        example=match_example,
    )
    list_flag(
        trigger,
        "--when",
        "fires at the first matching event before the deadline; otherwise lapses",
        metavar="MATCH",
        example=match_example,
    )
    new.add_argument(
        "--commitment",
        action="store_true",
        help="no trigger: a commitment due by the deadline (needs --response; not with --unless or --when)",
    )
    list_flag(
        new,
        "--response",
        "the events that count as the response (for --commitment: that meet the commitment); written as `response:`",
        metavar="MATCH",
        example='"actors=EU;tags=sanctions-package"',
    )
    new.add_argument("--response-title", metavar="TEXT", help="the promised response, in one line (default: the scenario's title)")
    new.add_argument(
        "--within",
        metavar="DURATION",
        help="with --response: a missing response is overdue this long after the trigger (for --commitment, after the deadline), "
        "e.g. 30d or 1mo",
    )
    new.add_argument("--opened", metavar="DATE", help="the day tracking starts (default: today in --timezone)")
    new.add_argument("--id", metavar="SLUG", help="the scenario id and file name (default: made from the title)")
    new.add_argument("--dir", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/); created if missing")
    new.set_defaults(handler=cmd_new)
