"""`tracker notify`: tell the configured channels what changed since the previous run, once per change.

Exit codes: 0 everything delivered (or nothing to send), 1 a delivery failed (it stays queued for the next run) or
the state file cannot be read, 2 a flag or a setting is wrong.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import config
from tracker.cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError, as_of_flag, data_flags, workspace_from_args
from tracker.timeutil import UTC

if TYPE_CHECKING:
    from tracker.notify.channels import Channel


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _per_channel(counts: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))


def _settings() -> list[Channel]:
    from tracker.notify.channels import SettingsError, channels, read_section, secrets_files

    cwd = Path.cwd()
    try:
        home: Path | None = Path.home()
    except RuntimeError:  # no HOME and no password entry: only the project's file
        home = None
    try:
        return channels(os.environ, read_section(secrets_files(cwd, home), cwd))
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


def cmd_notify(args: argparse.Namespace) -> int:
    from tracker.engine.review import reviews
    from tracker.engine.status import assess_all, instant_for
    from tracker.git.history import scenario_commits
    from tracker.notify.outbox import Now, notify
    from tracker.notify.state import snapshots, state_path
    from tracker.report.calendar import check_base_url

    channels = _settings()
    if not channels and not args.dry_run:
        raise UsageError(
            "no channel to notify: set TRACKER_NOTIFY_WEBHOOK=https://..., or TRACKER_NOTIFY_SMTP=smtp://user:password@host:587 "
            "with TRACKER_NOTIFY_TO=a@example.org (or the same under [notify] in .streamlit/secrets.toml); "
            "--dry-run shows what would be sent"
        )
    as_of = as_of_flag(args.as_of)
    base_url = None
    if os.environ.get(config.BASE_URL_ENV):
        try:
            base_url = check_base_url(config.base_url())
        except ValueError as exc:
            raise UsageError(f"${config.BASE_URL_ENV}: {exc}") from None
    workspace, _, events = workspace_from_args(args)
    assessments = assess_all(workspace.scenarios.scenarios, workspace.events, as_of)
    found = reviews(assessments, workspace.events, workspace.judgements, scenario_commits(workspace.scenarios.files))
    stale = {scenario_id: review.stale for scenario_id, review in found.items()}
    now = Now(instant_for(as_of, UTC).isoformat(), snapshots(assessments, stale), {a.scenario.id: a for a in assessments}, base_url)
    outcome = notify(state_path(events), now, channels, dry_run=args.dry_run)
    would = "would be " if args.dry_run else ""
    if outcome.first_run:
        verb = "would record" if args.dry_run else "recorded"
        print(f"first run: {verb} the state of {_count(outcome.scenarios, 'scenario', 'scenarios')}; nothing {would}sent")
        return EXIT_OK
    if args.dry_run:
        for message in [*outcome.earlier, *outcome.queued]:
            where = ", ".join(f"{c}, last failed: {message.failures[c]}" if c in message.failures else c for c in message.pending)
            where = where or "no channel configured"
            print(f"would send ({where}):\n  " + message.text.replace("\n", "\n  "))
        changed, pending = _count(len(outcome.queued), "change", "changes"), _count(len(outcome.earlier), "message", "messages")
        print(f"dry run: {changed} since the last run, {pending} pending; nothing sent or recorded")
        return EXIT_OK
    if not outcome.queued and not outcome.earlier:
        print(f"no changes since the last run ({_count(outcome.scenarios, 'scenario', 'scenarios')}); nothing to send")
        return EXIT_OK
    lines = []
    if outcome.messages_sent:
        lines.append(f"sent {_count(outcome.messages_sent, 'message', 'messages')} ({_per_channel(outcome.sent)})")
    if outcome.dropped:
        lines.append(f"not sent to channels no longer configured: {_per_channel(outcome.dropped)}")
    if outcome.failed:
        why = "; ".join(f"{name}: {reason}" for name, reason in sorted(outcome.failed.items()))
        n = outcome.still_pending
        they = "it" if n == 1 else "they"
        lines.append(f"{_count(n, 'delivery', 'deliveries')} failed ({why}); {they} will be retried at the next run")
    print("\n".join(lines))
    return EXIT_PROBLEMS if outcome.failed else EXIT_OK


def register(sub: Any) -> None:
    """Add notify to the `tracker` command's subparsers."""
    parser = sub.add_parser("notify", help="send a message per scenario whose state changed since the previous run (webhook, e-mail)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send and record nothing")
    parser.add_argument(
        "--as-of",
        metavar="WHEN",
        help="judge the state as of WHEN (a date: its end in each scenario's zone; or a datetime with offset) instead of now",
    )
    data_flags(parser)
    parser.set_defaults(handler=cmd_notify)
