"""Writer processes for the concurrency and crash tests (run in child processes, not collected by pytest)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from tracker.log import writer
from tracker.log.drafts import EventDraft, make_row, submit
from tracker.log.events import EventLog
from tracker.log.writer import PAUSE_MID_WRITE_ENV, append_rows


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


def append_then_pause(log: Path, flag: str, drafts: list[EventDraft], logged_by: str) -> None:
    """Append the drafts as one batch, pausing (until killed) when half of its bytes are on disk."""
    os.environ[PAUSE_MID_WRITE_ENV] = flag
    now = dt.datetime.now(dt.UTC)
    append_rows(log, [make_row(d, now=now, logged_by=logged_by) for d in drafts], now=now)


def cli_at_the_lock(barrier: Barrier, folder: str, argv: list[str], results: Queue[tuple[int, str, str]]) -> None:
    """Run ``tracker ARGV`` in ``folder``, holding back before the write lock until every process has got that far, so that
    all of them have read the log and checked their row before any of them writes; put (exit code, stdout, stderr)."""
    from tracker.cli import main

    original = writer.locked

    @contextlib.contextmanager
    def after_everyone(*args: object, **kwargs: object) -> Iterator[writer.Lock]:
        barrier.wait(timeout=300)
        with original(*args, **kwargs) as lock:  # type: ignore[arg-type]
            yield lock

    writer.locked = after_everyone  # type: ignore[assignment]
    os.chdir(folder)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    results.put((code, out.getvalue(), err.getvalue()))


def main() -> None:
    """python -m tests.writers LOG COUNT FLAG: log COUNT events (printing each acknowledged id), then one that pauses mid-write.

    python -m tests.writers --batch LOG FLAG BY DRAFTS_JSON: append the drafts (a JSON list of EventDraft fields) in one
    batch that pauses mid-write.
    """
    if sys.argv[1] == "--batch":
        log, flag, logged_by, drafts = Path(sys.argv[2]), sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
        parsed = [EventDraft(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}) for d in drafts]
        append_then_pause(log, flag, parsed, logged_by)
        return
    log, count, flag = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for n in range(count):
        for event_id in append_many(str(log), f"w{n}", 1):
            print(f"acknowledged {event_id}", flush=True)
    os.environ[PAUSE_MID_WRITE_ENV] = flag
    append_many(str(log), "doomed", 1)
    print("unreachable: the test kills this process mid-write", flush=True)


if __name__ == "__main__":
    main()
