"""The briefing commands of `tracker`: brief (the hand-out pack), calendar (.ics) and since (what changed).

Registered by tracker.cli. `brief` draws Plotly charts, which the core never imports: its
handler imports the pack builder (components/briefing.py, the UI layer) only when it runs, so
`tracker validate`, `status` and this module stay free of Plotly, Streamlit and Kaleido.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import config
from tracker.cli.common import EXIT_OK, UsageError, as_of_flag, basis_flag, data_flags, scenarios_for, workspace_from_args
from tracker.problems import TrackerError
from tracker.timeutil import UTC, as_of_text, now, parse_as_of, zone
from tracker.workspace import Workspace

# The engine, the log's writer and the report (pandas, pyarrow, icalendar) are imported by the commands that use them,
# not here: `tracker --help` and every other command import this module to build the parser.
if TYPE_CHECKING:
    from tracker.engine.since import SinceReport
    from tracker.engine.status import AsOf


def _as_of(flag: str, text: str | None, tz: dt.tzinfo = UTC) -> AsOf:
    """A date (statuses at each scenario's end of that day) or an instant; None means now."""
    if text is None:
        return now().astimezone(tz)
    try:
        return parse_as_of(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _since_report(workspace: Workspace, since: AsOf, until: AsOf, tz: dt.tzinfo, basis: str) -> SinceReport:
    """The since report of the loaded files, with the deadline moves and the commits of their git history."""
    from tracker.engine.since import since_report
    from tracker.git.history import git_deadline_moves, scenario_commits

    files = workspace.scenarios
    return since_report(
        files.scenarios,
        workspace.events,
        since,
        until,
        git_deadline_moves(files.files),
        tz=tz,
        basis=basis,
        judgements=workspace.judgements,
        commits=scenario_commits(files.files),
    )


def _words(as_of: AsOf, tz: dt.tzinfo) -> str:
    from tracker.engine.status import format_instant

    return as_of_text(as_of) if not isinstance(as_of, dt.datetime) else format_instant(as_of, tz)


def _zone(text: str) -> dt.tzinfo:
    try:
        return zone(text)
    except ValueError as exc:
        raise UsageError(f"--timezone: {exc}") from None


def _output(flag: str, text: str, example: str) -> Path:
    """A file path we can write to, checked before any work is done."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise UsageError(f"{flag}: {text} is a folder; give a file name such as {example}")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{flag}: cannot write {text}: there is no folder {folder}")
    return path


def _write(flag: str, path: Path, data: bytes) -> None:
    """Write all or nothing (tracker.log.writer.atomic_write): a failed write leaves any earlier file in place."""
    from tracker.log.writer import atomic_write

    try:
        atomic_write(path, data)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot write {path}: {exc.strerror or exc}") from None


def _folder(flag: str, text: str) -> Path:
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag}: {text} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot create the folder {text}: {exc.strerror or exc}") from None
    return path


def _upcoming_note(count: int, flag: bool) -> str:
    from tracker.report.views import open_later_text

    if not count or flag:
        return ""
    return f"; {open_later_text(count)} left out (--include-upcoming shows them)"


def cmd_brief(args: argparse.Namespace) -> int:
    from tracker.engine.status import assess_all, instant_for
    from tracker.git.data_revision import data_revision
    from tracker.report.views import without_upcoming

    tz = _zone(args.timezone)
    chosen = as_of_flag(args.as_of)
    as_of = instant_for(chosen, tz)
    out = _output("--out", args.out, "brief.html")
    pdf = None
    if args.pdf is not None:
        pdf = _output("--pdf", args.pdf or str(out.with_suffix(".pdf")), "brief.pdf")
    png_dir = _folder("--png-dir", args.png_dir) if args.png_dir else None
    since = _as_of("--since", args.since, tz) if args.since else None
    if since is not None and instant_for(since, tz) >= as_of:
        raise UsageError(f"--since: the last briefing ({_words(since, tz)}) must be before --as-of ({_words(chosen, tz)})")
    workspace, scenarios, events = workspace_from_args(args)

    # Plotly lives in the UI layer: imported here, at run time, so the core never loads it.
    # By name through importlib: the core's type check (mypy over tracker/) stays out of the UI layer.
    try:
        pack = importlib.import_module("tracker.report.pack")
    except ModuleNotFoundError as exc:
        raise TrackerError(
            f"`tracker brief` draws its charts with the dashboard's libraries, and {exc.name!r} is not installed: "
            "pip install 'sanctions-scenario-tracker[dashboard]'"
        ) from None

    pack.require_export_libraries([flag for flag, given in (("--png-dir", png_dir), ("--pdf", pdf)) if given is not None])

    everything = assess_all(scenarios_for(workspace, scenarios, chosen, args.basis), workspace.events, chosen, args.basis)
    assessments, later = (everything, 0) if args.include_upcoming else without_upcoming(everything)
    report = _since_report(workspace, since, chosen, tz, args.basis) if since is not None else None
    day = None if isinstance(chosen, dt.datetime) else chosen
    briefing = pack.Briefing(workspace, assessments, as_of.astimezone(tz), tz, data_revision([scenarios, events]), report, day, later)
    _write("--out", out, pack.pack_html(briefing).encode("utf-8"))
    note = _upcoming_note(later, args.include_upcoming)
    shown = f"{len(assessments)} scenario(s), as of {briefing.stamp.removeprefix('Status as of ')}{note}"
    print(f"Wrote {out} ({shown})", file=sys.stderr)
    if png_dir is not None:
        written = pack.export_pngs(pack.figures(briefing), png_dir)
        print(f"Wrote {len(written)} chart(s) as PNG to {png_dir}", file=sys.stderr)
    if pdf is not None:
        pack.print_pdf(out, pdf)
        print(f"Wrote {pdf}", file=sys.stderr)
    return EXIT_OK


def cmd_calendar(args: argparse.Namespace) -> int:
    from tracker.engine.status import assess_all
    from tracker.report.calendar import calendar, check_base_url
    from tracker.report.views import without_upcoming

    as_of = as_of_flag(args.as_of)
    try:
        base_url = check_base_url(args.base_url or config.base_url())
    except ValueError as exc:
        source = "--base-url" if args.base_url else f"${config.BASE_URL_ENV}"
        raise UsageError(f"{source}: {exc}") from None
    out = None if args.out == "-" else _output("--out", args.out, "deadlines.ics")
    workspace, scenarios_dir, _ = workspace_from_args(args)
    modified = {
        scenario_id: dt.datetime.fromtimestamp(path.stat().st_mtime, UTC)
        for scenario_id, path in workspace.scenarios.files.items()
        if path.exists()
    }
    everything = assess_all(scenarios_for(workspace, scenarios_dir, as_of, args.basis), workspace.events, as_of, args.basis)
    assessments, later = (everything, 0) if args.include_upcoming else without_upcoming(everything)
    data = calendar(assessments, base_url, now(), modified)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return EXIT_OK
    _write("--out", out, data)
    count = data.count(b"BEGIN:VEVENT")
    entries = "1 entry" if count == 1 else f"{count} entries"
    print(
        f"Wrote {out} ({entries} for the scenarios open as of {as_of_text(as_of)} and the upcoming cycles of series"
        f"{_upcoming_note(later, args.include_upcoming)})",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_since(args: argparse.Namespace) -> int:
    from tracker.engine.since import since_text
    from tracker.engine.status import instant_for

    tz = _zone(args.timezone)
    since = _as_of("WHEN", args.when, tz)
    until = _as_of("--until", args.until, tz)
    if instant_for(since, tz) >= instant_for(until, tz):
        later = "--until" if args.until else "now"
        raise UsageError(f"WHEN: the last briefing ({_words(since, tz)}) must be before {later} ({_words(until, tz)})")
    workspace, _, _ = workspace_from_args(args)
    report = _since_report(workspace, since, until, tz, args.basis)
    if args.format == "json":
        payload: dict[str, Any] = report.to_json(workspace.events)
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(since_text(report, workspace.events, tz))
    return EXIT_OK


WHEN_HELP = "a date (its end in each scenario's zone) or a datetime with offset"
AS_OF_HELP = "a date (its end in each scenario's zone) or a datetime with offset"


def upcoming_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--include-upcoming", action="store_true", help="also show the scenarios whose tracking starts after the as-of instant"
    )


def register(sub: Any) -> None:
    """Add brief, calendar and since to the `tracker` command's subparsers."""
    brief = sub.add_parser("brief", help="write the briefing pack: one self-contained HTML file (and optionally PNGs and a PDF)")
    brief.add_argument("--as-of", metavar="WHEN", help=f"{AS_OF_HELP}; default: now")
    brief.add_argument("--out", metavar="FILE", required=True, help="the HTML file to write, e.g. brief.html")
    brief.add_argument("--since", metavar="WHEN", help="add a 'Since last briefing' section from this instant to --as-of")
    brief.add_argument("--timezone", metavar="ZONE", default="UTC", help="the readers' time zone (IANA name); default UTC")
    brief.add_argument("--png-dir", metavar="DIR", help="also write each scenario's chart as DIR/<scenario-id>.png")
    brief.add_argument("--pdf", metavar="FILE", nargs="?", const="", help="also print the pack to PDF (default name: --out with .pdf)")
    upcoming_flag(brief)
    basis_flag(brief)
    data_flags(brief)
    brief.set_defaults(handler=cmd_brief)

    cal = sub.add_parser("calendar", help="write the open scenarios' deadlines as an iCalendar (.ics) file")
    cal.add_argument("--out", metavar="FILE", required=True, help="the .ics file to write, or - for standard output")
    cal.add_argument("--as-of", metavar="WHEN", help=f"{AS_OF_HELP}; default: now")
    cal.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the dashboard's address for links back (default: ${config.BASE_URL_ENV} or {config.DEFAULT_BASE_URL})",
    )
    upcoming_flag(cal)
    basis_flag(cal)
    data_flags(cal)
    cal.set_defaults(handler=cmd_calendar)

    since = sub.add_parser("since", help="what changed since the last briefing: statuses, events, deadlines moved")
    since.add_argument("when", metavar="WHEN", help=f"the last briefing: {WHEN_HELP}")
    since.add_argument("--until", metavar="WHEN", help=f"{WHEN_HELP}; default: now")
    since.add_argument("--format", choices=["text", "json"], default="text")
    since.add_argument("--timezone", metavar="ZONE", default="UTC", help="the zone times are shown in (IANA name); default UTC")
    basis_flag(since)
    data_flags(since)
    since.set_defaults(handler=cmd_since)
