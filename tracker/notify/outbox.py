"""One run of `tracker notify`: queue the messages about what changed, then deliver everything pending.

Exactly once, as far as a sender can make it:

1. Under the state file's lock, the changes are computed against the recorded state, and the new state is written
   *with* the messages about it in the outbox, in one atomic write, before anything is sent. A run killed before that
   write changed nothing (the next run finds the same changes, with the same keys); killed after it, the changes are
   recorded and their messages queued, so they are never computed into a second message.
2. Each message goes to each of its pending channels; as soon as one delivery succeeds, the file is rewritten without
   that channel pending. A failure leaves it pending for the next run; a channel that failed is not tried again in
   this run, so each channel gets its messages in order.

The one window no sender can close: a run killed after a receiver accepted a message and before the file recorded
it sends that message again at the next run. It lasts one atomic write, and the repeat carries the same key
(tracker.notify.channels), so a receiver can drop it.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tracker.engine.status import Assessment
from tracker.log.writer import locked
from tracker.notify.changes import changes, message_text
from tracker.notify.channels import Channel, DeliveryError
from tracker.notify.state import Message, Snapshot, State, read_state, write_state

# Test-only: "queued:PATH" makes a run create PATH and wait to be killed right after the outbox is written;
# "sent:N:PATH", right after its Nth delivery succeeded and before that is recorded (tests/test_notify.py kills it).
PAUSE_ENV = "TRACKER_TEST_PAUSE_NOTIFY"


def _pause(point: str) -> None:
    """``point``: "queued", or "sent:N" after the Nth delivery."""
    flag = os.environ.get(PAUSE_ENV, "")
    if flag.startswith(f"{point}:"):
        Path(flag.removeprefix(f"{point}:")).touch()
        time.sleep(600)


@dataclass
class Outcome:
    """What a run did, for the command's report."""

    first_run: bool
    scenarios: int
    queued: list[Message] = field(default_factory=list)  # computed in this run
    earlier: list[Message] = field(default_factory=list)  # pending from an earlier run (dry run: would be retried)
    sent: Counter[str] = field(default_factory=Counter)  # deliveries per channel
    messages_sent: int = 0  # messages delivered to at least one channel in this run
    failed: dict[str, str] = field(default_factory=dict)  # channel -> why
    still_pending: int = 0  # deliveries left for the next run
    dropped: Counter[str] = field(default_factory=Counter)  # pending for a channel no longer configured


@dataclass(frozen=True)
class Now:
    """The state now: each scenario's snapshot and assessment as of one instant, and the dashboard's address if known."""

    as_of: str
    snapshots: Mapping[str, Snapshot]
    assessments: Mapping[str, Assessment]
    base_url: str | None


def _queue(state: State, now: Now, names: tuple[str, ...]) -> tuple[State, list[Message]]:
    """The next state, with a message per change added to the outbox; scenarios missing now keep their record."""
    found = changes(state.scenarios, now.snapshots)
    messages = [Message(c.key(state.run), c.scenario, message_text(c, now.assessments[c.scenario], now.base_url), names) for c in found]
    scenarios = {**state.scenarios, **now.snapshots}
    return State(state.run + 1, now.as_of, scenarios, (*state.outbox, *messages)), messages


def _deliver(path: Path, state: State, channels: Sequence[Channel], outcome: Outcome) -> None:
    by_name = {channel.name: channel for channel in channels}
    outbox = list(state.outbox)

    def save() -> None:
        write_state(path, replace(state, outbox=tuple(m for m in outbox if m.pending)))

    for i, message in enumerate(outbox):
        reached = False
        for name in message.pending:
            channel = by_name.get(name)
            if channel is None:  # configured when the message was queued, not any more: nobody left to send it to
                outbox[i] = outbox[i].delivered(name)
                outcome.dropped[name] += 1
                save()
                continue
            if name in outcome.failed:
                outcome.still_pending += 1
                continue
            try:
                channel.send(outbox[i])
            except DeliveryError as exc:
                outcome.failed[name] = str(exc)
                outcome.still_pending += 1
                outbox[i] = outbox[i].failed(name, str(exc))
                save()
                continue
            _pause(f"sent:{outcome.sent.total() + 1}")
            outbox[i] = outbox[i].delivered(name)
            save()
            outcome.sent[name] += 1
            reached = True
        outcome.messages_sent += reached


def notify(path: Path, now: Now, channels: Sequence[Channel], *, dry_run: bool = False) -> Outcome:
    """Compare, queue and deliver (``dry_run``: only compare, and write nothing). ``path`` is the state file."""
    names = tuple(channel.name for channel in channels)
    if dry_run:
        previous = read_state(path)
        if previous is None:
            return Outcome(True, len(now.snapshots))
        _, messages = _queue(previous, now, names)
        return Outcome(False, len(now.snapshots), messages, list(previous.outbox))
    with locked(path, what="notification state file"):
        previous = read_state(path)
        if previous is None:
            write_state(path, State(1, now.as_of, dict(now.snapshots)))
            return Outcome(True, len(now.snapshots))
        state, messages = _queue(previous, now, names)
        if not messages and not previous.outbox:  # nothing changed: the file stays as it is (a team may commit it)
            return Outcome(False, len(now.snapshots))
        write_state(path, state)
        _pause("queued")
        outcome = Outcome(False, len(now.snapshots), messages, list(previous.outbox))
        _deliver(path, state, channels, outcome)
        return outcome
