"""Where the scenarios and the event log live: defaults, overridden by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

SCENARIOS_ENV = "TRACKER_SCENARIOS"
EVENTS_ENV = "TRACKER_EVENTS"
DEFAULT_SCENARIOS = Path("scenarios")
DEFAULT_EVENTS = Path("data") / "events.csv"
# Analysts' assessments (tracker.judgement): ``assessments.csv`` beside the event log, unless this names another file.
ASSESSMENTS_ENV = "TRACKER_ASSESSMENTS"
ASSESSMENTS_FILE_NAME = "assessments.csv"
# Other spellings and groups of names (tracker.vocabulary): ``vocabulary.yaml`` beside the event log.
VOCABULARY_FILE_NAME = "vocabulary.yaml"
# Where the dashboard is served, for links back from hand-outs (calendar entries).
BASE_URL_ENV = "TRACKER_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
# Where the columnar cache of the event log lives (tracker.log.cache): a folder, or "off" to parse the CSV every time.
CACHE_ENV = "TRACKER_CACHE"
CACHE_OFF = "off"
CACHE_FOLDER_NAME = "sanctions-tracker"


def scenarios_path(base: Path | None = None) -> Path:
    """TRACKER_SCENARIOS if set, else ``scenarios/`` under ``base`` (default: the working folder)."""
    if value := os.environ.get(SCENARIOS_ENV):
        return Path(value).expanduser()
    return (base or Path()) / DEFAULT_SCENARIOS


def events_path(base: Path | None = None) -> Path:
    """TRACKER_EVENTS if set, else ``data/events.csv`` under ``base``."""
    if value := os.environ.get(EVENTS_ENV):
        return Path(value).expanduser()
    return (base or Path()) / DEFAULT_EVENTS


def assessments_path(events: Path) -> Path:
    """TRACKER_ASSESSMENTS if set, else ``assessments.csv`` in the log's folder (a folder of logs: in it)."""
    if value := os.environ.get(ASSESSMENTS_ENV):
        return Path(value).expanduser()
    return (events if events.is_dir() else events.parent) / ASSESSMENTS_FILE_NAME


def vocabulary_path(events: Path) -> Path:
    """``vocabulary.yaml`` in the log's folder (a folder of logs: in it), as ``assessments_path`` finds its file."""
    return (events if events.is_dir() else events.parent) / VOCABULARY_FILE_NAME


def assessments_named() -> bool:
    """Whether the operator named the assessments file (then it may be a link, as the configured log may be)."""
    return bool(os.environ.get(ASSESSMENTS_ENV))


def base_url() -> str:
    """TRACKER_BASE_URL if set, else the address of `streamlit run` on this machine."""
    return os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL


def cache_folder() -> Path | None:
    """This user's cache folder: TRACKER_CACHE if set (None when it is "off"), else $XDG_CACHE_HOME/sanctions-tracker,
    else ~/.cache/sanctions-tracker; None when there is no home to put it in."""
    if value := os.environ.get(CACHE_ENV):
        return None if value.strip().lower() == CACHE_OFF else Path(value).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is invalid and ignored
        return Path(xdg) / CACHE_FOLDER_NAME
    try:
        return Path.home() / ".cache" / CACHE_FOLDER_NAME
    except RuntimeError:  # no HOME and no password entry: no cache
        return None
