"""Writing to the event log (log, correct, retract, import, repair) and to the assessments file (assess).

A retried command saves once. Each row has an idempotency key: its id, given with ``--id`` (a script that must
retry safely gives one), or else, for ``log``, its content: the same event (every field) logged by the same person
within RETRY_WINDOW is the same save retried, say after the first command was killed before it could answer. Both
say "Already saved (events.csv line N)" and write nothing. An id alone is exact; the content rule covers the person at
the keyboard who did not think of one, and is short so that a genuinely repeated event an hour later is logged.
A retried ``correct`` or ``retract`` without ``--id`` cannot duplicate anything: the event's current version (or its
retraction) has changed, and the retry is refused saying so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from tracker import config
from tracker.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Parser,
    UsageError,
    as_of_flag,
    list_flag,
    list_values,
    no_scenario_folder,
)
from tracker.log.layout import MULTI_VALUED
from tracker.problems import display_path
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import EVENT_KINDS, Scenario
from tracker.text import excerpt
from tracker.timeutil import now

# The log's table, drafts and writer (pandas and pyarrow) are imported by the functions that use them, not here:
# `tracker --help` and every other command import this module to build the parser.
if TYPE_CHECKING:
    from tracker.engine.impact import Impact
    from tracker.log.drafts import EventDraft, FieldError
    from tracker.log.events import EventLog
    from tracker.log.importer import ExportTable, ImportMapping
    from tracker.log.writer import Receipt


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
    from tracker.log.events import EventLog
    from tracker.log.reader import load_events
    from tracker.log.writer import append_target, repair_log

    repair = repair_log(location, when)
    if repair is not None:
        print(f"tracker: warning: {repair.message}", file=sys.stderr)
    if not append_target(location).exists() and not location.is_dir():
        return EventLog.empty()
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


RETRY_WINDOW = dt.timedelta(minutes=10)


def _already(event_id: str, place: str, what: str) -> int:
    print(f"Already saved ({place}): {event_id} ({what}); nothing was written twice.")
    return EXIT_OK


def _saved(receipt: Receipt, row: dict[str, str], what: str, *, verb: str = "Logged") -> int | None:
    """Say what a save did; the exit code when it only found the row already saved."""
    if receipt.repair is not None:
        print(f"tracker: warning: {receipt.repair.message}", file=sys.stderr)
    if receipt.already:
        return _already(receipt.already[0].event_id, receipt.already[0].place, what)
    print(f"{verb} {row['id']} ({what}) to {display_path(receipt.path)}")
    return None


def _write_one(args: argparse.Namespace, draft: EventDraft, log: EventLog, when: dt.datetime, what: str) -> int:
    """Check one draft, show its impact, append it durably and say so (or that it was saved already)."""
    from tracker.engine.impact import preview_impact
    from tracker.log.drafts import blocking, check_draft, save_rows
    from tracker.log.ledger import raw_rows

    as_of = cast(dt.datetime, as_of_flag(args.as_of))
    if args.row_id is not None:
        draft = draft.replace(id=args.row_id)
    row, errors = check_draft(draft, log, now=when, logged_by=_logged_by(args))
    retried = raw_rows(log).has_id(row["id"])  # the writer tells a retry (same content) from a clash, under its lock
    if blocking(errors) and not (retried and all(e.field == "id" for e in blocking(errors))):
        return _refuse(errors)
    scenarios = _scenarios_for_preview(args)
    impacts = preview_impact([row], scenarios, log, as_of)
    receipt = save_rows(_events_location(args), [row], now=when, retry_window=None if args.row_id else RETRY_WINDOW)
    code = _saved(receipt, row, what)
    if code is not None:
        return code
    for error in errors:
        print(f"tracker: {error.severity}: {error.message}", file=sys.stderr)
    _print_impact(impacts, as_of, bool(scenarios))
    return EXIT_OK


def _revised_before(log: EventLog, row_id: str | None, event_id: str, kind: str) -> int | None:
    """``--id`` of a correction or retraction already in the log: a retried command (exit code), or a clash (an error)."""
    from tracker.log.ledger import raw_rows

    raw = raw_rows(log)
    pos = None if row_id is None else raw.position(row_id)
    if row_id is None or pos is None:
        return None
    mine = log.history(row_id)
    target = log.history(event_id)
    same = bool(mine and target) and mine[0].event.id == target[0].event.id
    if same and any(v.kind == kind and v.event.id == row_id for v in mine):
        return _already(row_id, raw.place(pos), f"a {kind} of {mine[0].event.id}")
    raise UsageError(f"--id: {excerpt(row_id)} is already the id of another row ({raw.place(pos)}); give a new id, or none")


def cmd_log(args: argparse.Namespace) -> int:
    from tracker.log.drafts import EventDraft

    when = now()
    log = _open_log(_events_location(args), when)
    draft = EventDraft(
        occurred=args.occurred,
        title=args.title,
        source=args.source,
        actors=tuple(list_values(args.actors)),
        targets=tuple(list_values(args.targets)),
        tags=tuple(list_values(args.tags)),
        notes=args.notes or "",
        kind=args.kind or "",
    )
    return _write_one(args, draft, log, when, "a new event")


_CORRECTABLE = ("occurred", "title", "source", "actors", "targets", "tags", "notes", "kind")


def cmd_correct(args: argparse.Namespace) -> int:
    from tracker.log.drafts import EventDraft, correction_draft, current_version

    changes: dict[str, object] = {}
    for name in _CORRECTABLE:
        value = getattr(args, name)
        if value is not None:  # a list flag given only as --tags "" clears the list
            changes[name] = tuple(list_values(value)) if name in MULTI_VALUED else value
    if not changes:
        raise UsageError("give at least one field to change: --occurred, --title, --source, --actors, --targets, --tags, --notes or --kind")
    when = now()
    log = _open_log(_events_location(args), when)
    retried = _revised_before(log, args.row_id, args.id, "correction")
    if retried is not None:
        return retried
    draft = correction_draft(log, args.id, **changes)
    if draft.replace(corrects="") == EventDraft.from_event(current_version(log, args.id)):
        raise UsageError(f"nothing to correct: the values given are already those of {args.id!r}")
    return _write_one(args, draft, log, when, f"a correction of {log.history(args.id)[0].event.id}")


def cmd_retract(args: argparse.Namespace) -> int:
    from tracker.log.drafts import retraction_draft

    if not args.reason.strip():
        raise UsageError("--reason: is empty; say why the event is retracted")
    when = now()
    log = _open_log(_events_location(args), when)
    retried = _revised_before(log, args.row_id, args.id, "retraction")
    if retried is not None:
        return retried
    draft = retraction_draft(log, args.id, args.reason, args.source)
    return _write_one(args, draft, log, when, f"a retraction of {log.history(args.id)[0].event.id}")


_SHOWN_DUPLICATES = 20


def cmd_import(args: argparse.Namespace) -> int:
    from tracker.log.importer import MappingError

    try:
        return _import(args)
    except MappingError as exc:  # the --map / --mapping options are wrong: a usage error
        raise UsageError(str(exc)) from None


def _import_mapping(args: argparse.Namespace, export: ExportTable, folder: Path) -> tuple[ImportMapping, ImportMapping | None]:
    """The mapping --mapping, --map, --id-column and --date-format say, the rest guessed from the export (and said);
    and the mapping saved as --mapping NAME before (None if there was none)."""
    from tracker.log.importer import (
        GuessedMapping,
        ImportMapping,
        column_problem,
        export_profile,
        guess_date_format,
        guess_mapping,
        is_mapping_file,
        load_mapping,
        load_mapping_file,
        parse_map_options,
        saved_mappings,
    )

    overrides = parse_map_options(args.map or [])
    if args.id_column is not None:
        if "id" in overrides:
            raise UsageError("give the export's id once: --id-column COLUMN or --map id=COLUMN, not both")
        if problem := column_problem(args.id_column, export.header):
            raise UsageError(f"--id-column {excerpt(args.id_column)}: {problem}")
        overrides["id"] = args.id_column
    saved = None
    if args.mapping and is_mapping_file(args.mapping):
        base = load_mapping_file(Path(args.mapping))
    elif args.mapping:
        saved = load_mapping(folder, args.mapping)
        if saved is None and not overrides:
            names = ", ".join(saved_mappings(folder)) or "none yet"
            raise UsageError(
                f"no saved mapping {args.mapping!r} in {display_path(folder)} (saved: {names}); give the columns with --map FIELD=COLUMN"
            )
        base = saved or ImportMapping({})
    else:
        base = guess_mapping(export).mapping
    mapping = base.merged(overrides, args.date_format)
    guessed = {} if args.mapping else {name: spec for name, spec in mapping.columns.items() if name not in overrides}
    date_format = None
    if args.date_format is None and (mapping.date_format is None or not args.mapping):  # a saved format stands
        date_format = guess_date_format(export, mapping)
        mapping = ImportMapping(mapping.columns, date_format)
    if guessed or date_format:
        said = GuessedMapping(ImportMapping(guessed, date_format), export_profile(export.header) if guessed else None).describe()
        print(f"{display_path(export.path)}: {said} (--map FIELD=COLUMN and --date-format override)")
    return mapping, saved


def _import(args: argparse.Namespace) -> int:
    from tracker.engine.impact import preview_impact
    from tracker.log.events import EventLog
    from tracker.log.importer import (
        is_mapping_file,
        mappings_folder,
        plan_import,
        read_export,
        run_import,
        save_mapping,
        save_mapping_file,
        save_target,
    )
    from tracker.log.reader import load_events
    from tracker.log.writer import append_target

    location = _events_location(args)
    folder = mappings_folder(location)
    if args.save_mapping:
        save_target(folder, args.save_mapping)  # a mapping that could not be saved is refused before the import
    export = read_export(Path(args.file), args.sheet)
    mapping, saved = _import_mapping(args, export, folder)
    when = now()
    as_of = cast(dt.datetime, as_of_flag(args.as_of))
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
    for renamed in plan.renamed:  # by the vocabulary beside the log
        print(f"{shown}: named by the vocabulary: {renamed}")
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
        if args.mapping and not is_mapping_file(args.mapping) and not args.save_mapping and mapping != saved:
            print(f"Saved the mapping as {display_path(save_mapping(folder, args.mapping, mapping))}.")
    if args.save_mapping:
        if is_mapping_file(args.save_mapping):
            path = save_mapping_file(Path(args.save_mapping), mapping)
        else:
            path = save_mapping(folder, args.save_mapping, mapping, "--save-mapping")
        print(f"Saved the mapping as {display_path(path)}; use it again with --mapping {args.save_mapping}.")
    return EXIT_PROBLEMS if plan.failed else EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    from tracker.log.writer import append_target, repair_log

    location = _events_location(args)
    repair = repair_log(location, now())
    if repair is None:
        print(f"{display_path(append_target(location))}: nothing to repair; its last line is complete.")
    else:
        print(repair.message)
    return EXIT_OK


def cmd_assess(args: argparse.Namespace) -> int:
    from tracker.judgement.ledger import read_judgements
    from tracker.judgement.record import ASSESSMENTS, AssessmentDraft, check_draft, record_assessment
    from tracker.log.writer import repair_log

    when = now()
    events = _events_location(args)
    path = Path(args.assessments) if args.assessments else config.assessments_path(events)
    folder = Path(args.scenarios) if args.scenarios else config.scenarios_path()
    if not folder.exists():
        raise no_scenario_folder(folder, flag=args.scenarios)
    scenarios = load_scenarios(folder)
    repair = repair_log(path, when, ASSESSMENTS)
    if repair is not None:
        print(f"tracker: warning: {repair.message}", file=sys.stderr)
    judgements = read_judgements(path, follow=config.assessments_named())
    draft = AssessmentDraft(
        scenario=args.scenario,
        probability=args.probability,
        confidence=args.confidence,
        note=args.note or "",
        assessed_at=args.at or "",
        corrects=args.corrects or "",
    )
    known = {s.id for s in scenarios.scenarios} | set(scenarios.files)
    row, errors = check_draft(draft, scenarios=known, judgements=judgements, now=when, assessed_by=_logged_by(args), row_id=args.row_id)
    if errors:
        for error in errors:
            print(f"tracker: error: {error.message}", file=sys.stderr)
        print("tracker: nothing was written", file=sys.stderr)
        return EXIT_USAGE
    receipt = record_assessment(path, row, now=when, retry_window=None if args.row_id else RETRY_WINDOW)
    what = f"{row['probability']} % that {row['scenario']} ends enacted, {row['confidence']} confidence"
    if row["corrects"]:
        what += f"; corrects {row['corrects']}"
    code = _saved(receipt, row, what, verb="Recorded")
    return EXIT_OK if code is None else code


def _add_write_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--by", metavar="NAME", help="who is logging (logged_by); default: your user name")
    command.add_argument("--events", metavar="PATH", help=f"event log (default: ${config.EVENTS_ENV} or data/events.csv)")
    command.add_argument(
        "--scenarios", metavar="DIR", help=f"scenarios for the impact preview (default: ${config.SCENARIOS_ENV} or scenarios/)"
    )
    command.add_argument("--as-of", metavar="WHEN", help="instant of the impact preview: a date or a datetime with offset; default: now")


def _add_row_id(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--id",
        dest="row_id",
        metavar="NEW_ID",
        help="the new row's id (default: a new time-ordered id); running the command again with the same --id saves it once",
    )


_EXAMPLE_VALUES = {"actors": "EU;UK", "targets": "Russia;Belarus", "tags": "sanctions-package;energy"}


def _add_event_fields(command: argparse.ArgumentParser, *, required: bool) -> None:
    command.add_argument(
        "--occurred", required=required, metavar="WHEN", help="a date (2022-02-22) or a datetime with offset (2022-02-22T15:00:00Z)"
    )
    command.add_argument("--title", required=required, metavar="TEXT", help="what happened, in one line")
    command.add_argument("--source", required=required, metavar="TEXT", help="a link or a citation (publisher, title, date)")
    for name in MULTI_VALUED:
        list_flag(command, f"--{name}", f"the event's {name}", example=f'"{_EXAMPLE_VALUES[name]}"')
    command.add_argument("--notes", metavar="TEXT", help="anything else worth knowing")
    command.add_argument("--kind", metavar="KIND", help=f"what kind of event it is: {', '.join(EVENT_KINDS)}")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    log = sub.add_parser("log", help="log an event (checked, then appended durably)")
    _add_event_fields(log, required=True)
    _add_row_id(log)
    _add_write_options(log)
    log.set_defaults(handler=cmd_log)

    correct = sub.add_parser("correct", help="log a correction of an event (the original stays in the log)")
    correct.add_argument("id", metavar="ID", help="the event (or an earlier correction) to correct")
    _add_event_fields(correct, required=False)
    _add_row_id(correct)
    _add_write_options(correct)
    correct.set_defaults(handler=cmd_correct)

    retract = sub.add_parser("retract", help="log a retraction of an event (the original stays in the log)")
    retract.add_argument("id", metavar="ID", help="the event to retract")
    retract.add_argument("--reason", required=True, metavar="TEXT", help="why the event is retracted")
    retract.add_argument("--source", metavar="TEXT", help="source of the retraction (default: the event's source)")
    _add_row_id(retract)
    _add_write_options(retract)
    retract.set_defaults(handler=cmd_retract)

    imp = sub.add_parser("import", help="import events from a CSV or Excel export")
    imp.add_argument("file", metavar="FILE", help="a .csv, .tsv or .xlsx export")
    imp.add_argument(
        "--map", action="append", metavar="FIELD=COLUMN", help="where a log field comes from: a column, or a template like '{a} {b}'"
    )
    imp.add_argument(
        "--mapping",
        metavar="NAME|FILE.json",
        help="a saved mapping (import-mappings/NAME.json beside the log, or a .json file); --map entries update it. "
        "Without it, the mapping is guessed from the column names (ACLED's and GDELT's are known)",
    )
    imp.add_argument(
        "--id-column",
        metavar="COLUMN",
        help="the export's own id (e.g. event_id_cnty): it becomes the event's id and alone decides duplicates",
    )
    imp.add_argument(
        "--save-mapping",
        metavar="NAME|FILE.json",
        help="save the mapping used (also with --dry-run), to reuse with --mapping",
    )
    imp.add_argument("--date-format", metavar="FORMAT", help="strptime format of the dates when not ISO 8601, e.g. %%Y%%m%%d")
    imp.add_argument("--sheet", metavar="NAME", help="the worksheet of an Excel file (default: the first)")
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    _add_write_options(imp)
    imp.set_defaults(handler=cmd_import)

    assess = sub.add_parser("assess", help="record an assessment: the probability that a scenario ends enacted")
    assess.add_argument("scenario", metavar="ID", help="the scenario assessed")
    assess.add_argument(
        "--probability", required=True, metavar="PERCENT", help="0 to 100: the chance the scenario ends enacted (at any time)"
    )
    assess.add_argument("--confidence", required=True, metavar="LEVEL", help="low, medium or high")
    assess.add_argument("--note", metavar="TEXT", help="why, in one line (a source's https:// link is shown as a link)")
    assess.add_argument(
        "--at", metavar="WHEN", help="when the assessment was made, if earlier: a date or a datetime with offset (default: now)"
    )
    assess.add_argument("--corrects", metavar="ASSESSMENT_ID", help="replace that assessment (it stays in the file, as history)")
    _add_row_id(assess)
    assess.add_argument("--by", metavar="NAME", help="who assesses (assessed_by); default: your user name")
    assess.add_argument("--scenarios", metavar="DIR", help=f"scenario folder (default: ${config.SCENARIOS_ENV} or scenarios/)")
    assess.add_argument(
        "--events", metavar="PATH", help=f"event log, beside which assessments.csv is (default: ${config.EVENTS_ENV} or data/events.csv)"
    )
    assess.add_argument(
        "--assessments", metavar="PATH", help=f"the assessments file (default: ${config.ASSESSMENTS_ENV} or assessments.csv beside the log)"
    )
    assess.set_defaults(handler=cmd_assess)

    repair = sub.add_parser("repair", help="move a half-written last line (left by a crash) out of the event log")
    repair.add_argument("--events", metavar="PATH", help=f"event log (default: ${config.EVENTS_ENV} or data/events.csv)")
    repair.set_defaults(handler=cmd_repair)
