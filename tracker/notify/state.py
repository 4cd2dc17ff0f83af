"""What `tracker notify` remembers between runs, in one file beside the event log: ``.tracker-notify.json``.

The file holds each scenario's state as the last run saw it and the outbox: the messages computed from a change and
not yet delivered to every channel. Both live in one file so that one atomic write (tracker.log.writer.atomic_write)
moves the state forward *and* queues the messages about it: a crash leaves either the old state and no messages, or
the new state with every message queued, never a change recorded without its message or a message queued twice.
One run at a time holds the writer's lock on it (``..tracker-notify.json.lock``, beside it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from tracker.engine.status import Assessment, Status
from tracker.log.writer import atomic_write
from tracker.problems import TrackerError, display_path

STATE_FILE_NAME = ".tracker-notify.json"
VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """One scenario's state as far as notifications go: a change of any field is worth a message."""

    status: str
    due_soon: bool  # inside its due-soon window (status due-soon)
    deadline: str  # the deadline in force, as an ISO instant (UTC): a move is a change
    deadline_text: str  # the same deadline as the scenario's zone reads it, for messages
    stale: bool  # not reviewed within its `review_every` (tracker.engine.review)


@dataclass(frozen=True)
class Message:
    """One message to send, and the channels ("webhook", "email") it has not reached yet."""

    key: str  # stable across retries: the webhook's idempotency key and the e-mail's Message-ID
    scenario: str
    text: str
    pending: tuple[str, ...]
    failures: Mapping[str, str] = field(default_factory=dict)  # channel -> why its last attempt failed

    def delivered(self, channel: str) -> Message:
        failures = {name: why for name, why in self.failures.items() if name != channel}
        return replace(self, pending=tuple(c for c in self.pending if c != channel), failures=failures)

    def failed(self, channel: str, why: str) -> Message:
        return replace(self, failures={**self.failures, channel: why})


@dataclass(frozen=True)
class State:
    """The file's content: ``run`` counts the runs that recorded something (it makes each change's key unique), and
    ``as_of`` is the instant the last of them judged."""

    run: int
    as_of: str
    scenarios: Mapping[str, Snapshot]
    outbox: tuple[Message, ...] = ()


def snapshot(assessment: Assessment, stale: bool) -> Snapshot:
    spell = assessment.deadline_spell
    return Snapshot(
        status=assessment.status.value,
        due_soon=assessment.status is Status.DUE_SOON,
        deadline=spell.due_at.isoformat(),
        deadline_text=spell.due_text,
        stale=stale,
    )


def snapshots(assessments: Iterable[Assessment], stale: Mapping[str, bool]) -> dict[str, Snapshot]:
    """Every scenario's snapshot by id; ``stale`` flags by id (a scenario not in it is not stale)."""
    return {a.scenario.id: snapshot(a, stale.get(a.scenario.id, False)) for a in assessments}


def state_path(events: Path) -> Path:
    """``.tracker-notify.json`` in the log's folder (a folder of logs: in it)."""
    return (events if events.is_dir() else events.parent) / STATE_FILE_NAME


def _unreadable(path: Path, why: str) -> TrackerError:
    return TrackerError(
        f"{display_path(path)}: {why}; it is `tracker notify`'s record of its previous run. Move it aside to start again "
        "(the next run then records the state and sends nothing)"
    )


def read_state(path: Path) -> State | None:
    """The state the previous run recorded; None when there is no file yet (the very first run)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _unreadable(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(path, f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        version = data.get("version") if isinstance(data, dict) else None
        raise _unreadable(path, f"has version {version!r}, and this tracker reads version {VERSION}")
    try:
        return State(
            run=int(data["run"]),
            as_of=str(data["as_of"]),
            scenarios={str(k): Snapshot(**v) for k, v in data["scenarios"].items()},
            outbox=tuple(
                Message(m["key"], m["scenario"], m["text"], tuple(m["pending"]), dict(m.get("failures", {}))) for m in data["outbox"]
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unreadable(path, f"is not in the expected form ({type(exc).__name__}: {exc})") from None


def encode_state(state: State) -> bytes:
    data: dict[str, Any] = {
        "version": VERSION,
        "run": state.run,
        "as_of": state.as_of,
        "scenarios": {k: asdict(v) for k, v in sorted(state.scenarios.items())},
        "outbox": [{**asdict(m), "pending": list(m.pending), "failures": dict(m.failures)} for m in state.outbox],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_state(path: Path, state: State) -> None:
    """All or nothing: a crash leaves the previous file or this one."""
    try:
        atomic_write(path, encode_state(state))
    except OSError as exc:
        raise TrackerError(f"cannot write {display_path(path)}: {exc.strerror or exc}") from None
