"""The `tracker` command: validate, status, schema, test, new, history, diff; log, correct, retract, import, repair.

Exit codes: 0 clean, 1 problems found, 2 usage error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO, cast

from tracker import config
from tracker.engine.impact import Impact, preview_impact
from tracker.engine.scenario_tests import run_scenario_tests
from tracker.engine.status import assess_all, now, urgency_key
from tracker.git.compare import ScenarioDiff, Side, diff_revisions
from tracker.git.history import format_date, scenario_file, scenario_history
from tracker.log.drafts import EventDraft, FieldError, blocking, check_draft, correction_draft, current_version, retraction_draft, save_rows
from tracker.log.events import MULTI_VALUED, EventLog, split_values
from tracker.log.importer import (
    ImportMapping,
    MappingError,
    load_mapping,
    mappings_folder,
    parse_map_options,
    plan_import,
    read_export,
    run_import,
    save_mapping,
    saved_mappings,
)
from tracker.log.reader import load_events
from tracker.log.writer import append_target, reading, repair_log
from tracker.problems import Problem, TrackerError, display_path
from tracker.scenario.changes import FieldChange
from tracker.scenario.loader import SCENARIO_SUFFIXES, load_scenarios
from tracker.scenario.model import SLUG_PATTERN, Scenario, scenario_json_schema_text
from tracker.scenario.scaffold import MATCH_HELP, ScaffoldError, TriggerKind, new_scenario, parse_deadline, parse_match, parse_opened
from tracker.timeutil import format_remaining, parse_instant, zone
from tracker.workspace import Workspace, load_workspace, split_paths

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(TrackerError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def _escape_github(text: str) -> str:
    """GitHub Actions workflow-command escaping (as in @actions/core)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _print_problems(problems: Sequence[Problem], fmt: str, out: TextIO) -> None:
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


def data_flags(parser: argparse.ArgumentParser) -> None:
    """--scenarios and --events, as every command that reads both spells them."""
    parser.add_argument("--scenarios", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/)")
    parser.add_argument("--events", metavar="PATH", help=f"event log or folder of logs (default: ${config.EVENTS_ENV} or data/events.csv)")


def workspace_from_args(args: argparse.Namespace) -> tuple[Workspace, Path, Path]:
    """The files named by --scenarios/--events (or the environment, or the defaults), loaded; problems go to stderr."""
    scenarios = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    events = Path(args.events) if args.events else config.events_path()
    if not scenarios.exists():
        raise UsageError(f"no scenario folder at {scenarios}; pass --scenarios or set {config.SCENARIOS_ENV}")
    workspace = load_workspace(scenarios, events)
    _print_problems(workspace.problems, "text", sys.stderr)
    return workspace, scenarios, events


def cmd_status(args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    workspace, _, _ = workspace_from_args(args)
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
    sys.stdout.write(scenario_json_schema_text())
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
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
        _print_problems([*load_errors, *(p for r in failed for p in r.problems)], args.format, sys.stdout)
    if args.format == "text":
        if results:
            files = len({r.path for r in results})
            summary = f"{len(results)} scenario test(s) in {files} file(s): {len(results) - len(failed)} passed, {len(failed)} failed"
        else:
            summary = "no scenario tests found; add a `tests:` block to a scenario file"
        if log is None:
            summary += f" (no event log at {display_path(events)})"
        print(summary + (f"; {len(load_errors)} file problem(s)" if load_errors else ""), file=sys.stderr)
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
            trigger_kind, match = "unless", parse_match(args.unless, "--unless")
        elif args.when is not None:
            trigger_kind, match = "when", parse_match(args.when, "--when")
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
        )
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(display_path(path))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _scenario_path(text: str, folder: Path) -> Path:
    """A scenario named by id (looked up in ``folder``) or by its file."""
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
    as_of = _as_of(args.as_of)
    scenarios = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    events = Path(args.events) if args.events else config.events_path()
    if not scenarios.is_dir():
        raise UsageError(f"no scenario folder at {scenarios}; pass --scenarios or set {config.SCENARIOS_ENV}")
    result = diff_revisions(scenarios, events, args.rev1, args.rev2, as_of)  # type: ignore[arg-type]
    for notice in result.notices:
        print(f"note: {notice}", file=sys.stderr)
    _print_problems(result.problems, "text", sys.stderr)
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


# --- writing: log, correct, retract, import ------------------------------------------------
def _events_location(args: argparse.Namespace) -> Path:
    return Path(args.events) if args.events else config.events_path()


def _logged_by(args: argparse.Namespace) -> str:
    if args.by is not None:
        if not args.by.strip():
            raise UsageError("--by: is empty; say who is logging")
        return str(args.by).strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise UsageError("cannot tell who is logging; pass --by NAME") from None


def _open_log(location: Path, when: dt.datetime) -> EventLog:
    """The log as it is now, after repairing a half-written last line (reported on stderr)."""
    repair = repair_log(location, when)
    if repair is not None:
        print(f"tracker: warning: {repair.message}", file=sys.stderr)
    if not append_target(location).exists() and not location.is_dir():
        return EventLog.empty()
    with reading(location):
        return load_events(location)


def _scenarios_for_preview(args: argparse.Namespace) -> list[Scenario]:
    folder = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    return load_scenarios(folder).scenarios if folder.exists() else []


def _print_impact(impacts: Sequence[Impact], as_of: dt.datetime, had_scenarios: bool) -> None:
    if not had_scenarios:
        print("No scenarios found, so no impact to show.")
    elif not impacts:
        print(f"No scenario changes status as of {as_of.isoformat()}.")
    else:
        print(f"Impact as of {as_of.isoformat()}:")
        for impact in impacts:
            print(f"  {impact.message}")


def _refuse(errors: Sequence[FieldError]) -> int:
    for error in errors:
        print(f"tracker: {error.severity}: {error.message}", file=sys.stderr)
    print("tracker: nothing was written", file=sys.stderr)
    return EXIT_USAGE


def _write_one(args: argparse.Namespace, draft: EventDraft, log: EventLog, when: dt.datetime, what: str) -> int:
    """Check one draft, show its impact, append it durably and say so."""
    as_of = cast(dt.datetime, _as_of(args.as_of))
    row, errors = check_draft(draft, log, now=when, logged_by=_logged_by(args))
    if blocking(errors):
        return _refuse(errors)
    scenarios = _scenarios_for_preview(args)
    impacts = preview_impact([row], scenarios, log, as_of)
    receipt = save_rows(_events_location(args), [row], now=when)
    if receipt.repair is not None:
        print(f"tracker: warning: {receipt.repair.message}", file=sys.stderr)
    for error in errors:
        print(f"tracker: {error.severity}: {error.message}", file=sys.stderr)
    print(f"Logged {row['id']} ({what}) to {display_path(receipt.path)}")
    _print_impact(impacts, as_of, bool(scenarios))
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    when = now()
    log = _open_log(_events_location(args), when)
    draft = EventDraft(
        occurred=args.occurred,
        title=args.title,
        source=args.source,
        actors=split_values(args.actors),
        targets=split_values(args.targets),
        tags=split_values(args.tags),
        notes=args.notes or "",
    )
    return _write_one(args, draft, log, when, "a new event")


_CORRECTABLE = ("occurred", "title", "source", "actors", "targets", "tags", "notes")


def cmd_correct(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for name in _CORRECTABLE:
        value = getattr(args, name)
        if value is not None:
            changes[name] = split_values(value) if name in MULTI_VALUED else value
    if not changes:
        raise UsageError("give at least one field to change: --occurred, --title, --source, --actors, --targets, --tags or --notes")
    when = now()
    log = _open_log(_events_location(args), when)
    draft = correction_draft(log, args.id, **changes)
    if draft.replace(corrects="") == EventDraft.from_event(current_version(log, args.id)):
        raise UsageError(f"nothing to correct: the values given are already those of {args.id!r}")
    return _write_one(args, draft, log, when, f"a correction of {log.history(args.id)[0].event.id}")


def cmd_retract(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise UsageError("--reason: is empty; say why the event is retracted")
    when = now()
    log = _open_log(_events_location(args), when)
    draft = retraction_draft(log, args.id, args.reason, args.source)
    return _write_one(args, draft, log, when, f"a retraction of {log.history(args.id)[0].event.id}")


_SHOWN_DUPLICATES = 20


def cmd_import(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except MappingError as exc:  # the --map / --mapping options are wrong: a usage error
        raise UsageError(str(exc)) from None


def _import(args: argparse.Namespace) -> int:
    location = _events_location(args)
    folder = mappings_folder(location)
    overrides = parse_map_options(args.map or [])
    if not args.mapping and not overrides:
        raise UsageError(
            "say where the log's fields come from: --map occurred=COLUMN --map title=COLUMN --map source=COLUMN ..., "
            "or --mapping NAME for a saved mapping"
        )
    saved = load_mapping(folder, args.mapping) if args.mapping else None
    if args.mapping and saved is None and not overrides:
        names = ", ".join(saved_mappings(folder)) or "none yet"
        raise UsageError(
            f"no saved mapping {args.mapping!r} in {display_path(folder)} (saved: {names}); give the columns with --map FIELD=COLUMN"
        )
    mapping = (saved or ImportMapping({})).merged(overrides, args.date_format)
    export = read_export(Path(args.file), args.sheet)
    when = now()
    as_of = cast(dt.datetime, _as_of(args.as_of))
    if not args.dry_run:
        log = _open_log(location, when)
    else:  # a dry run changes nothing, not even a repair
        log = load_events(location) if append_target(location).exists() or location.is_dir() else EventLog.empty()
    plan = plan_import(export, mapping, log, now=when, logged_by=_logged_by(args))
    shown = display_path(export.path)
    for issue in plan.failed:
        print(f"{shown}: row {issue.row}: error: {issue.message}", file=sys.stderr)
    for issue in plan.warnings:
        print(f"{shown}: row {issue.row}: warning: {issue.message}", file=sys.stderr)
    for issue in plan.duplicates[:_SHOWN_DUPLICATES]:
        print(f"{shown}: row {issue.row}: skipped: {issue.message}", file=sys.stderr)
    if len(plan.duplicates) > _SHOWN_DUPLICATES:
        print(f"{shown}: ... and {len(plan.duplicates) - _SHOWN_DUPLICATES} more duplicate rows skipped", file=sys.stderr)
    print(
        f"{shown}: {len(export.rows)} row(s): {len(plan.rows)} to append, {len(plan.failed_rows)} with errors, "
        f"{len(plan.duplicates)} duplicate(s) skipped"
    )
    scenarios = _scenarios_for_preview(args)
    if plan.rows:
        _print_impact(preview_impact(plan.rows, scenarios, log, as_of), as_of, bool(scenarios))
    if args.dry_run:
        print("Dry run: nothing was written.")
    else:
        receipt = run_import(location, plan, now=when) if plan.rows else None
        if receipt is not None:
            for skipped in receipt.skipped:
                print(f"{shown}: row {plan.row_numbers[skipped.index]}: skipped: {skipped.reason}", file=sys.stderr)
            print(f"Appended {len(receipt.written)} event(s) to {display_path(receipt.path)} in one step.")
        else:
            print("Nothing to append.")
        if args.mapping and mapping != saved:
            print(f"Saved the mapping as {display_path(save_mapping(folder, args.mapping, mapping))}.")
    return EXIT_PROBLEMS if plan.failed else EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    location = _events_location(args)
    repair = repair_log(location, now())
    if repair is None:
        print(f"{display_path(append_target(location))}: nothing to repair; its last line is complete.")
    else:
        print(repair.message)
    return EXIT_OK


def _add_write_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--by", metavar="NAME", help="who is logging (logged_by); default: your user name")
    command.add_argument("--events", metavar="PATH", help=f"event log (default: ${config.EVENTS_ENV} or data/events.csv)")
    command.add_argument(
        "--scenarios", metavar="DIR", help=f"scenarios for the impact preview (default: ${config.SCENARIOS_ENV} or scenarios/)"
    )
    command.add_argument("--as-of", metavar="WHEN", help="instant of the impact preview: a date or a datetime with offset; default: now")


def _add_event_fields(command: argparse.ArgumentParser, *, required: bool) -> None:
    command.add_argument(
        "--occurred", required=required, metavar="WHEN", help="a date (2022-02-22) or a datetime with offset (2022-02-22T15:00:00Z)"
    )
    command.add_argument("--title", required=required, metavar="TEXT", help="what happened, in one line")
    command.add_argument("--source", required=required, metavar="TEXT", help="a link or a citation (publisher, title, date)")
    for name in MULTI_VALUED:
        command.add_argument(f"--{name}", metavar="A;B", help=f"{name}, separated by ';'")
    command.add_argument("--notes", metavar="TEXT", help="anything else worth knowing")


def _add_write_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    log = sub.add_parser("log", help="log an event (checked, then appended durably)")
    _add_event_fields(log, required=True)
    _add_write_options(log)
    log.set_defaults(handler=cmd_log)

    correct = sub.add_parser("correct", help="log a correction of an event (the original stays in the log)")
    correct.add_argument("id", metavar="ID", help="the event (or an earlier correction) to correct")
    _add_event_fields(correct, required=False)
    _add_write_options(correct)
    correct.set_defaults(handler=cmd_correct)

    retract = sub.add_parser("retract", help="log a retraction of an event (the original stays in the log)")
    retract.add_argument("id", metavar="ID", help="the event to retract")
    retract.add_argument("--reason", required=True, metavar="TEXT", help="why the event is retracted")
    retract.add_argument("--source", metavar="TEXT", help="source of the retraction (default: the event's source)")
    _add_write_options(retract)
    retract.set_defaults(handler=cmd_retract)

    imp = sub.add_parser("import", help="import events from a CSV or Excel export")
    imp.add_argument("file", metavar="FILE", help="a .csv, .tsv or .xlsx export")
    imp.add_argument(
        "--map", action="append", metavar="FIELD=COLUMN", help="where a log field comes from: a column, or a template like '{a} {b}'"
    )
    imp.add_argument(
        "--mapping", metavar="NAME", help="a saved mapping (import-mappings/NAME.json beside the log); --map entries update it"
    )
    imp.add_argument("--date-format", metavar="FORMAT", help="strptime format of the dates when not ISO 8601, e.g. %%Y%%m%%d")
    imp.add_argument("--sheet", metavar="NAME", help="the worksheet of an Excel file (default: the first)")
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    _add_write_options(imp)
    imp.set_defaults(handler=cmd_import)

    repair = sub.add_parser("repair", help="move a half-written last line (left by a crash) out of the event log")
    repair.add_argument("--events", metavar="PATH", help=f"event log (default: ${config.EVENTS_ENV} or data/events.csv)")
    repair.set_defaults(handler=cmd_repair)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tracker", description="Sanctions scenario tracker: check, test and compare scenarios, and compute statuses.")
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
    test.set_defaults(handler=cmd_test)

    new = sub.add_parser(
        "new",
        help="write a new scenario file, with a comment on every field",
        description="Write SCENARIOS/<id>.yaml: a valid scenario file with the schema line for editors, a slug id made from the "
        "title, and a comment explaining each field (optional ones commented out). Never overwrites a file. Prints the new "
        "file's path.",
        epilog=f"MATCH is {MATCH_HELP}. An event matches when, for every KEY given, it shares at least one VALUE "
        "(case-insensitively); ids are event ids from the log. Without --unless or --when, the trigger names a placeholder "
        "event id that `tracker validate` reports (against the event log) until you replace it. "
        'Example: tracker new "Joint sanctions if Russia does not back down by Christmas" --deadline 2021-12-25 '
        '--timezone Europe/Brussels --unless "actors=Russia;tags=de-escalation"',
    )
    new.add_argument("title", metavar="TITLE", help="one line: who does what, if what, by when")
    new.add_argument(
        "--deadline", required=True, metavar="WHEN", help="a date (the END of that day in --timezone) or a datetime with offset"
    )
    new.add_argument("--timezone", metavar="ZONE", help="IANA name of the deadline's zone, e.g. Europe/Brussels (default: UTC)")
    trigger = new.add_mutually_exclusive_group()
    trigger.add_argument("--unless", metavar="MATCH", help="averted by a matching event before the deadline; otherwise fires at it")
    trigger.add_argument("--when", metavar="MATCH", help="fires at the first matching event before the deadline; otherwise lapses")
    new.add_argument("--opened", metavar="DATE", help="the day tracking starts (default: today in --timezone)")
    new.add_argument("--id", metavar="SLUG", help="the scenario id and file name (default: made from the title)")
    new.add_argument("--dir", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/); created if missing")
    new.set_defaults(handler=cmd_new)

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

    _add_write_commands(sub)

    # Imported here, not at the top: the briefing commands import this module's helpers.
    from tracker.cli.briefings import register as register_briefings

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
