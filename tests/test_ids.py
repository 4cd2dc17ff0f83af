"""UUIDv7 event ids: the RFC 9562 layout, order and uniqueness."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st

from tracker.log.ids import IdClock, new_event_id, uuid7, uuid7_from


def test_layout_matches_the_rfc_9562_example() -> None:
    # RFC 9562, appendix A.6: unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
    value = uuid7_from(0x017F22E279B0, 0xCC3, 0x18C4DC0C0C07398F)
    assert str(value) == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def uuid7_time(value: uuid.UUID) -> dt.datetime:
    """The millisecond instant a UUIDv7 carries (its first 48 bits)."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=value.int >> 80)


def test_ids_carry_their_millisecond() -> None:
    at = dt.datetime(2022, 2, 22, 14, 3, 5, 120_000, tzinfo=dt.UTC)
    value = uuid.UUID(new_event_id(at, IdClock()))
    assert (value.version, value.variant) == (7, uuid.RFC_4122)
    assert uuid7_time(value) == at


def test_ids_made_in_one_millisecond_are_unique_and_increasing() -> None:
    clock = IdClock()
    ids = [uuid7(1_700_000_000_000, clock) for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids, key=lambda u: u.int)
    assert {uuid7_time(u) for u in ids} == {dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)}


def test_a_clock_stepping_back_does_not_break_the_order() -> None:
    clock = IdClock()
    later = uuid7(1_800_000_000_000, clock)
    earlier_clock = uuid7(1_700_000_000_000, clock)
    assert earlier_clock.int > later.int


@given(st.lists(st.integers(min_value=0, max_value=(1 << 48) - 2), min_size=2, max_size=50))
def test_ids_sort_in_the_order_they_were_made(instants: list[int]) -> None:
    clock = IdClock()
    made = [uuid7(ms, clock) for ms in instants]
    assert made == sorted(made, key=lambda u: u.int)
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)
