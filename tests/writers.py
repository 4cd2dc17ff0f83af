"""Writer processes for the concurrency and crash tests (run in child processes, not collected by pytest)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from tracker.log.drafts import EventDraft, submit
from tracker.log.events import EventLog
from tracker.log.writer import PAUSE_MID_WRITE_ENV


def draft(writer: str, n: int) -> EventDraft:
    return EventDraft(
        occurred=f"2022-02-{1 + n % 28:02d}",
        title=f'{writer} event {n}, with a comma and a "quote"',
        source="https://example.org/a",
        actors=("EU",),
        tags=("test",),
        notes=f"{writer}, {n}; a note that makes the row long enough to be cut in the middle" * 3,
    )


def append_many(path: str, writer: str, count: int) -> list[str]:
    """Log ``count`` events one at a time through the same path as the CLI and the dashboard; return their ids."""
    ids = []
    for n in range(count):
        result = submit(Path(path), [draft(writer, n)], EventLog.empty(), now=dt.datetime.now(dt.UTC), logged_by=writer)
        assert result.receipt is not None, result.errors
        ids += result.receipt.written
    return ids


def main() -> None:
    """python -m tests.writers LOG COUNT FLAG: log COUNT events (printing each acknowledged id), then one that pauses mid-write."""
    log, count, flag = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for n in range(count):
        for event_id in append_many(str(log), f"w{n}", 1):
            print(f"acknowledged {event_id}", flush=True)
    os.environ[PAUSE_MID_WRITE_ENV] = flag
    append_many(str(log), "doomed", 1)
    print("unreachable: the test kills this process mid-write", flush=True)


if __name__ == "__main__":
    main()
