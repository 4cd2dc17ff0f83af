"""Fuzzing the readers: mutated scenario files and event logs give only the project's own located problems.

The property, for any mutation of a real file: reading never raises, every problem points at a line (>= 1) and a
column (>= 1) of the file, and what loads can be assessed. Bounded in examples so that CI stays quick; no
deadline per example, since a check that depends on the machine's speed is a defect.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.engine.status import assess
from tracker.log.events import EventLog
from tracker.log.reader import load_events
from tracker.scenario.loader import load_scenario_bytes, load_scenarios

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCENARIO_FILES = sorted(DEMO_SCENARIOS.glob("*.yaml"))
DEMO = load_scenarios(DEMO_SCENARIOS)
LOG_LINES = DEMO_EVENTS.read_bytes().splitlines(keepends=True)[:40]

# What hostile files hold: YAML and CSV syntax, whitespace of every kind, control characters (NUL, ESC, DEL, C1),
# a BOM, lone surrogate bytes, dates near and past the calendar's edges, long numbers.
FRAGMENTS = [
    b":",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b'"',
    b"'",
    b"#",
    b"&a",
    b"*a",
    b"!!str ",
    b"! ",
    b"|",
    b">",
    b"---\n",
    b"...\n",
    b"\t",
    b"\r",
    b"\n",
    b"\r\n",
    b"  ",
    b"\x00",
    b"\x1b[31m",
    b"\x7f",
    "\u0085".encode(),
    "\u009b".encode(),
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"0001-01-01",
    b"9999-12-31",
    b"2606-07-11",
    b"1899-12-31T23:00:00-05:00",
    b"2199-12-31T23:59:59+14:00",
    b"9" * 5000,
    b"99999999999d",
    b"1000000000w",
    b"Europe",
    b"A" * 300,
    b"2021-02-30",
    b"12:30",
    b".inf",
    b"-.nan",
    b"0x1F",
    b"0o17",
    b"~",
    b"null",
    b"<<: ",
    "Straße".encode(),
    b"x" * 40_000,
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few insertions, deletions, replacements and repeated lines."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "repeat", "truncate"]))
        fragment = draw(st.sampled_from(FRAGMENTS) | st.binary(min_size=1, max_size=8))
        if action == "insert":
            data[at:at] = fragment
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "replace":
            data[at : at + len(fragment)] = fragment
        elif action == "repeat":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            line = bytes(data[start : end + 1 if end >= 0 else len(data)])
            data[start:start] = line * draw(st.integers(1, 3))
        else:
            del data[at:]
    return bytes(data)


def _scenario_and_mutation() -> st.SearchStrategy[tuple[Path, bytes]]:
    return st.sampled_from(SCENARIO_FILES).flatmap(lambda path: st.tuples(st.just(path), mutated(path.read_bytes())))


@FUZZ
@given(case=_scenario_and_mutation())
def test_a_mutated_scenario_file_loads_or_gives_located_problems(case: tuple[Path, bytes]) -> None:
    path, data = case
    scenario, problems, _ = load_scenario_bytes(data, path.stem, path.name)
    lines = data.count(b"\n") + data.count(b"\r") + 1  # at most: YAML ends a line at CR, LF and CRLF
    for problem in problems:
        assert problem.path == path.name
        assert 1 <= problem.line <= lines + 1, problem
        assert problem.column >= 1, problem
        assert "Traceback" not in problem.message and "internal error" not in problem.message
    if scenario is None:
        assert problems, "a file that does not load says why"
        return
    for parent in scenario.depends_on:  # linked as the folder's loader links it (an id the demo lacks is refused there)
        followed = DEMO.by_id(parent)
        if followed is None or parent == scenario.id:
            return
        scenario.follow(followed)
    for as_of in (scenario.opened, dt.date(2021, 12, 20), dt.date(2199, 12, 31), dt.date(1900, 1, 1)):
        assess(scenario, EventLog.empty(), as_of)


@FUZZ
@given(data=mutated(b"".join(LOG_LINES)))
def test_a_mutated_event_log_loads_the_good_rows_and_locates_the_bad_ones(tmp_path_factory: object, data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        path.write_bytes(data)
        log = load_events(path)
    lines = data.count(b"\n") + data.count(b"\r") + 1  # at most: CR, LF and CRLF all end lines
    for problem in log.problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.column >= 1, problem
    assert len(log) <= len(LOG_LINES) * 4
    assert len(set(log.table.column("id").to_pylist())) == len(log), "ids stay unique"
