"""What every page needs: the loaded files, the as-of instant, the viewer's zone, and the URL state.

The URL is the source of truth for what a view shows (`as_of`, `scenario`, filters), so a copied
link reopens exactly the same view. Navigating between pages clears Streamlit's query
parameters; the as-of instant is kept in the session and written back, so it survives that.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import streamlit as st

from tracker import config
from tracker.engine.status import Assessment, assess_all
from tracker.log.events import log_files
from tracker.log.writer import reading
from tracker.problems import Problem, TrackerError
from tracker.report.views import event_matches
from tracker.scenario.loader import scenario_paths
from tracker.timeutil import UTC, instant_text, parse_instant, zone
from tracker.workspace import Workspace, load_workspace

ROOT = Path(__file__).resolve().parent.parent
TICK_ENV = "TRACKER_TICK_SECONDS"
AS_OF_PARAM = "as_of"
SCENARIO_PARAM = "scenario"
_SESSION_AS_OF = "_as_of_text"

Fingerprint = tuple[tuple[str, int, int], ...]


def data_paths() -> tuple[Path, Path]:
    """The scenario folder and event log: TRACKER_SCENARIOS / TRACKER_EVENTS, else the demo in this repository."""
    return config.scenarios_path(ROOT), config.events_path(ROOT)


def fingerprint(scenarios: Path, events: Path) -> Fingerprint:
    """Path, modification time and size of every input file: a saved edit changes it."""
    files: list[Path] = scenario_paths(scenarios) if scenarios.is_dir() else [scenarios] if scenarios.exists() else []
    if events.exists():
        files += log_files(events)
    entries = []
    for path in sorted(files):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


@st.cache_resource(max_entries=4, show_spinner="Loading scenarios and events…")
def _workspace(scenarios: str, events: str, stamp: Fingerprint) -> Workspace:
    # A resource, not data: the workspace is read-only and keeps its match index warm between
    # reruns and sessions; the fingerprint in the key makes any saved edit load afresh.
    # The shared read lock keeps appends out while the log is read, so no row is seen half-written.
    with reading(Path(events)):
        return load_workspace(Path(scenarios), Path(events))


def workspace() -> Workspace:
    scenarios, events = data_paths()
    try:
        return _workspace(str(scenarios), str(events), fingerprint(scenarios, events))
    except TrackerError as exc:  # the log stayed locked by a writer for too long
        st.error(str(exc), icon=":material/hourglass_top:")
        st.stop()


@st.cache_data(max_entries=64, show_spinner=False)
def _assessments(scenarios: str, events: str, stamp: Fingerprint, as_of: dt.datetime) -> list[Assessment]:
    return assess_all(_workspace(scenarios, events, stamp).scenarios.scenarios, _workspace(scenarios, events, stamp).events, as_of)


def assessments(as_of: dt.datetime) -> list[Assessment]:
    """All statuses as of an instant; replayed instants are cached, live ones are cheap to recompute."""
    scenarios, events = data_paths()
    return _assessments(str(scenarios), str(events), fingerprint(scenarios, events), as_of)


@st.cache_data(max_entries=4, show_spinner=False)
def _event_matches(scenarios: str, events: str, stamp: Fingerprint) -> dict[int, list[str]]:
    workspace = _workspace(scenarios, events, stamp)
    return event_matches(workspace.events, workspace.scenarios.scenarios)


def matches() -> dict[int, list[str]]:
    """For each event position, the scenarios it matches (independent of the as-of instant)."""
    scenarios, events = data_paths()
    return _event_matches(str(scenarios), str(events), fingerprint(scenarios, events))


def viewer_zone() -> ZoneInfo:
    """The viewer's time zone as the browser reports it; UTC when unknown."""
    name = st.context.timezone
    if name:
        try:
            return zone(name)
        except ValueError:
            pass
    return ZoneInfo("UTC")


@dataclass(frozen=True)
class AsOf:
    instant: dt.datetime
    live: bool  # no as-of in the URL: "now", and countdowns tick
    problem: str | None = None  # an as_of in the URL that could not be read


def read_as_of(tz: dt.tzinfo) -> AsOf:
    """The as-of instant from the URL (or the session, after navigating); now when absent."""
    text = st.query_params.get(AS_OF_PARAM)
    if text is None and st.session_state.get(_SESSION_AS_OF):
        text = st.session_state[_SESSION_AS_OF]
        st.query_params[AS_OF_PARAM] = text
    if not text:
        return AsOf(dt.datetime.now(UTC).astimezone(tz), live=True)
    try:
        instant = parse_instant(text, tz)
    except ValueError as exc:
        return AsOf(dt.datetime.now(UTC).astimezone(tz), live=True, problem=f"The link's as_of could not be read: {exc}. Showing now.")
    st.session_state[_SESSION_AS_OF] = text
    return AsOf(instant.astimezone(tz), live=False)


def set_as_of(value: dt.datetime | None) -> None:
    """Move the as-of instant (None: back to live). Dates at end of day are written as the date alone."""
    if value is None:
        st.session_state[_SESSION_AS_OF] = ""
        st.query_params.pop(AS_OF_PARAM, None)
        return
    text = instant_text(value)  # the end of a day is written as the date alone
    st.session_state[_SESSION_AS_OF] = text
    st.query_params[AS_OF_PARAM] = text


@dataclass(frozen=True)
class Context:
    """Everything a page renders from."""

    workspace: Workspace
    as_of: AsOf
    tz: ZoneInfo

    @property
    def assessments(self) -> list[Assessment]:
        if self.as_of.live:  # a new instant every rerun: caching would only fill the cache
            return assess_all(self.workspace.scenarios.scenarios, self.workspace.events, self.as_of.instant)
        return assessments(self.as_of.instant)

    @property
    def problems(self) -> list[Problem]:
        return self.workspace.problems

    @property
    def tz_name(self) -> str:
        return self.tz.key


def current() -> Context:
    """The context of this rerun: cheap to build (the workspace is cached)."""
    tz = viewer_zone()
    return Context(workspace(), read_as_of(tz), tz)


def tick_interval() -> dt.timedelta:
    """How often live countdowns refresh: TRACKER_TICK_SECONDS (default 20 s, at least 1 s)."""
    try:
        seconds = float(os.environ.get(TICK_ENV, "20"))
    except ValueError:
        seconds = 20.0
    return dt.timedelta(seconds=max(seconds, 1.0))
