"""Time-ordered unique ids for new events: UUID version 7 (RFC 9562, section 5.7).

Layout, most significant bit first: 48 bits of Unix time in milliseconds, 4 bits of
version (0111), 12 bits ``rand_a``, 2 bits of variant (10), 62 bits ``rand_b``.

Ids made by one process never repeat and sort in the order they were made: within one
millisecond, ``rand_a`` and the top 30 bits of ``rand_b`` form a 42-bit counter that
starts at a random value and counts up (the "fixed bit-length dedicated counter" of
RFC 9562 section 6.2, method 1). Across processes, uniqueness rests on the 32 random
bits below the counter plus the random start of the counter.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
import uuid
from dataclasses import dataclass, field

from tracker.timeutil import to_ns

_COUNTER_BITS = 42
_TAIL_BITS = 32  # random bits of rand_b below the counter
_MAX_MS = (1 << 48) - 1


@dataclass
class IdClock:
    """The last id's millisecond and counter, shared by the threads of this process."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    last_ms: int = -1
    counter: int = 0


_clock = IdClock()


def _reset_after_fork() -> None:
    # A forked child must not continue its parent's sequence: it would repeat the parent's next ids but for 32 bits.
    global _clock  # noqa: PLW0603 - replacing the state (lock included) is the point
    _clock = IdClock()


os.register_at_fork(after_in_child=_reset_after_fork)


def uuid7_from(unix_ms: int, rand_a: int, rand_b: int) -> uuid.UUID:
    """The UUIDv7 with these field values (each masked to its width)."""
    if not 0 <= unix_ms <= _MAX_MS:
        raise ValueError(f"unix_ms {unix_ms} does not fit in 48 bits")
    value = (unix_ms << 80) | (0x7 << 76) | ((rand_a & 0xFFF) << 64) | (0b10 << 62) | (rand_b & ((1 << 62) - 1))
    return uuid.UUID(int=value)


def _fresh_counter() -> int:
    # The top bit starts at zero so that a millisecond has room for 2**41 more ids.
    return secrets.randbits(_COUNTER_BITS - 1)


def uuid7(unix_ms: int, clock: IdClock | None = None) -> uuid.UUID:
    """A new UUIDv7 for the instant ``unix_ms``, greater than every earlier one made with the same clock.

    The default clock is this process's (tests pass their own).
    """
    clock = clock or _clock
    with clock.lock:
        if unix_ms > clock.last_ms:
            clock.last_ms, clock.counter = unix_ms, _fresh_counter()
        else:  # the same millisecond, or the clock stepped back: keep counting from the last id
            clock.counter += 1
            if clock.counter >> _COUNTER_BITS:
                clock.last_ms, clock.counter = clock.last_ms + 1, _fresh_counter()
        ms, counter = clock.last_ms, clock.counter
    rand_a = counter >> 30
    rand_b = ((counter & ((1 << 30) - 1)) << _TAIL_BITS) | secrets.randbits(_TAIL_BITS)
    return uuid7_from(ms, rand_a, rand_b)


def new_event_id(at: dt.datetime, clock: IdClock | None = None) -> str:
    """A fresh event id, e.g. '019374f2-7d9c-7a31-8c2e-5f0b9e1d2a44', ordered by ``at`` (an aware instant)."""
    return str(uuid7(to_ns(at) // 1_000_000, clock))
