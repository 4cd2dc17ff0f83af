"""What every page needs: the loaded files, the as-of instant, the basis, the viewer's zone, and the URL state.

The URL is the source of truth for what a view shows (`as_of`, `basis`, `scenario`, filters), so a copied
link reopens exactly the same view. `as_of` holds exactly what the user chose: a bare date (the end of
that day in each scenario's own zone, so a colleague in another zone sees the same statuses) or a
datetime with its offset. Navigating between pages clears Streamlit's query
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
from tracker.engine.review import FileCommit, Review, reviews
from tracker.engine.status import AsOf as AsOfValue
from tracker.engine.status import Assessment, Basis, assess_all, instant_for
from tracker.git.compare import scenarios_known_at
from tracker.git.history import head_commit, scenario_commits
from tracker.log.events import log_files
from tracker.log.writer import saved_length
from tracker.problems import Problem
from tracker.report.views import event_matches
from tracker.scenario.loader import scenario_paths
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC, as_of_param, parse_as_of, zone
from tracker.workspace import Workspace, load_workspace

ROOT = Path(__file__).resolve().parent.parent
TICK_ENV = "TRACKER_TICK_SECONDS"
AS_OF_PARAM = "as_of"
BASIS_PARAM = "basis"
UPCOMING_PARAM = "upcoming"  # the Board's "Show scenarios that open later" toggle, bound to the URL; decks and hand-outs follow it
SCENARIO_PARAM = "scenario"
_SESSION_AS_OF = "_as_of_text"
_SESSION_BASIS = "_basis_text"

Fingerprint = tuple[tuple[str, int, int], ...]


def data_paths() -> tuple[Path, Path]:
    """The scenario folder and event log: TRACKER_SCENARIOS / TRACKER_EVENTS, else the demo in this repository."""
    return config.scenarios_path(ROOT), config.events_path(ROOT)


def fingerprint(scenarios: Path, events: Path) -> Fingerprint:
    """Path, modification time and size of every input file, and how much of the log a writer last said was saved:
    a saved edit changes it (a save that finishes after a load began, too: its row was left out of that load)."""
    files: list[Path] = scenario_paths(scenarios) if scenarios.is_dir() else [scenarios] if scenarios.exists() else []
    if events.exists():
        files += log_files(events)
        files += [config.assessments_path(events), config.vocabulary_path(events)]
    entries = []
    for path in sorted(files):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    saved = saved_length(events) if events.exists() else None
    if saved is not None:
        entries.append(("saved", saved, 0))
    return tuple(entries)


@st.cache_resource(max_entries=4, show_spinner="Loading scenarios and events…")
def _workspace(scenarios: str, events: str, stamp: Fingerprint) -> Workspace:
    # A resource, not data: the workspace is read-only and keeps its match index warm between
    # reruns and sessions; the fingerprint in the key makes any saved edit load afresh.
    # The loader reads only saved rows, without waiting for a writer (tracker.log.writer.read_saved).
    return load_workspace(Path(scenarios), Path(events))


def workspace() -> Workspace:
    scenarios, events = data_paths()
    return _workspace(str(scenarios), str(events), fingerprint(scenarios, events))


@st.cache_data(max_entries=16, show_spinner=False)
def _known_scenarios(scenarios: str, stamp: Fingerprint, at: dt.datetime) -> tuple[list[Scenario], str]:
    known = scenarios_known_at(Path(scenarios), at)
    if known.notice:
        return known.scenarios.scenarios, f"Scenarios as they are now: {known.notice}."
    when = f" ({known.commit.date:%Y-%m-%d})" if known.commit is not None else ""
    return known.scenarios.scenarios, f"Scenarios as committed in {known.commit.short if known.commit else 'git'}{when}."


def scenarios_for(as_of: AsOfValue, basis: Basis) -> tuple[list[Scenario], str]:
    """The scenarios to assess: as they are, or (basis `known`) as committed by the as-of instant, with a note saying which."""
    scenarios, events = data_paths()
    stamp = fingerprint(scenarios, events)
    if basis is not Basis.KNOWN:
        return _workspace(str(scenarios), str(events), stamp).scenarios.scenarios, ""
    return _known_scenarios(str(scenarios), stamp, instant_for(as_of, UTC))


@st.cache_data(max_entries=64, show_spinner=False)
def _assessments(scenarios: str, events: str, stamp: Fingerprint, as_of: AsOfValue, basis: Basis) -> list[Assessment]:
    return assess_all(scenarios_for(as_of, basis)[0], _workspace(scenarios, events, stamp).events, as_of, basis)


def assessments(as_of: AsOfValue, basis: Basis = Basis.OCCURRED) -> list[Assessment]:
    """All statuses as of a date (each scenario's end of that day) or an instant; replays are cached."""
    scenarios, events = data_paths()
    return _assessments(str(scenarios), str(events), fingerprint(scenarios, events), as_of, basis)


@st.cache_data(max_entries=4, show_spinner=False)
def _event_matches(scenarios: str, events: str, stamp: Fingerprint) -> dict[int, list[str]]:
    workspace = _workspace(scenarios, events, stamp)
    return event_matches(workspace.events, workspace.scenarios.scenarios)


def matches() -> dict[int, list[str]]:
    """For each event position, the scenarios it matches (independent of the as-of instant)."""
    scenarios, events = data_paths()
    return _event_matches(str(scenarios), str(events), fingerprint(scenarios, events))


@st.cache_data(max_entries=4, show_spinner=False)
def _scenario_commits(files: tuple[tuple[str, str], ...], head: str) -> dict[str, list[FileCommit]] | None:
    # Keyed by HEAD: a new commit reads the history again; otherwise one git log serves every rerun and session.
    return scenario_commits({scenario_id: Path(path) for scenario_id, path in files})


def commits(ws: Workspace) -> dict[str, list[FileCommit]] | None:
    """Each scenario file's commits, newest first; None when the scenario folder is not in git."""
    head = head_commit(data_paths()[0])
    if head is None:
        return None
    return _scenario_commits(tuple(sorted((i, str(p)) for i, p in ws.scenarios.files.items())), head)


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
    instant: dt.datetime  # where one instant is needed (event lists, the line on a chart): a date's end in the viewer's zone
    live: bool  # no as-of in the URL: "now", and countdowns tick
    problem: str | None = None  # an as_of in the URL that could not be read
    day: dt.date | None = None  # a bare date was chosen: each scenario is assessed at the end of that day in its own zone

    @property
    def chosen(self) -> AsOfValue:
        """What the engine is asked about: the date as chosen, or the instant."""
        return self.day if self.day is not None else self.instant


def read_as_of(tz: dt.tzinfo) -> AsOf:
    """The as-of from the URL (or the session, after navigating); now when absent."""
    text = st.query_params.get(AS_OF_PARAM)
    if text is None and st.session_state.get(_SESSION_AS_OF):
        text = st.session_state[_SESSION_AS_OF]
        st.query_params[AS_OF_PARAM] = text
    if not text:
        return AsOf(dt.datetime.now(UTC).astimezone(tz), live=True)
    try:
        chosen = parse_as_of(text)
    except ValueError as exc:
        return AsOf(dt.datetime.now(UTC).astimezone(tz), live=True, problem=f"The link's as_of could not be read: {exc}. Showing now.")
    st.session_state[_SESSION_AS_OF] = text
    day = chosen if not isinstance(chosen, dt.datetime) else None
    return AsOf(instant_for(chosen, tz).astimezone(tz), live=False, day=day)


def set_as_of(value: AsOfValue | None) -> None:
    """Move the as-of (None: back to live), writing into the URL exactly what was chosen: a date, or a datetime with offset."""
    if value is None:
        st.session_state[_SESSION_AS_OF] = ""
        st.query_params.pop(AS_OF_PARAM, None)
        return
    text = as_of_param(value)
    st.session_state[_SESSION_AS_OF] = text
    st.query_params[AS_OF_PARAM] = text


def read_basis() -> tuple[Basis, str | None]:
    """The basis from the URL (or the session): `occurred` unless `basis=known`; a note when the value is unknown."""
    text = st.query_params.get(BASIS_PARAM)
    if text is None and st.session_state.get(_SESSION_BASIS):
        text = st.session_state[_SESSION_BASIS]
        st.query_params[BASIS_PARAM] = text
    if not text:
        return Basis.OCCURRED, None
    try:
        basis = Basis(text.strip().lower())
    except ValueError:
        return Basis.OCCURRED, f"basis={text} ignored: use basis=known (what was logged by then) or basis=occurred."
    st.session_state[_SESSION_BASIS] = basis.value
    return basis, None


def set_basis(basis: Basis) -> None:
    """`basis=known` in the URL; the default (occurred) leaves it out."""
    if basis is Basis.OCCURRED:
        st.session_state[_SESSION_BASIS] = ""
        st.query_params.pop(BASIS_PARAM, None)
    else:
        st.session_state[_SESSION_BASIS] = basis.value
        st.query_params[BASIS_PARAM] = basis.value


@dataclass(frozen=True)
class Context:
    """Everything a page renders from."""

    workspace: Workspace
    as_of: AsOf
    tz: ZoneInfo
    basis: Basis = Basis.OCCURRED
    basis_problem: str | None = None  # a basis in the URL that could not be read

    @property
    def assessments(self) -> list[Assessment]:
        if self.as_of.live:  # a new instant every rerun: caching would only fill the cache
            return assess_all(scenarios_for(self.as_of.instant, self.basis)[0], self.workspace.events, self.as_of.instant, self.basis)
        return assessments(self.as_of.chosen, self.basis)

    def reviews(self, items: list[Assessment]) -> dict[str, Review]:
        """Each scenario's review (tracker.engine.review) as of its assessment, by id."""
        return reviews(items, self.workspace.events, self.workspace.judgements, commits(self.workspace))

    @property
    def scenarios_note(self) -> str:
        """With basis `known`: which version of the scenario files the view reads."""
        return scenarios_for(self.as_of.chosen, self.basis)[1]

    @property
    def problems(self) -> list[Problem]:
        return self.workspace.problems

    @property
    def tz_name(self) -> str:
        return self.tz.key


def current() -> Context:
    """The context of this rerun: cheap to build (the workspace is cached)."""
    tz = viewer_zone()
    basis, problem = read_basis()
    return Context(workspace(), read_as_of(tz), tz, basis, problem)


def tick_interval() -> dt.timedelta:
    """How often live countdowns refresh: TRACKER_TICK_SECONDS (default 20 s, at least 1 s)."""
    try:
        seconds = float(os.environ.get(TICK_ENV, "20"))
    except ValueError:
        seconds = 20.0
    return dt.timedelta(seconds=max(seconds, 1.0))
