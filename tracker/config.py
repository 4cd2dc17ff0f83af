"""Where the scenarios and the event log live: defaults, overridden by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

SCENARIOS_ENV = "TRACKER_SCENARIOS"
EVENTS_ENV = "TRACKER_EVENTS"
DEFAULT_SCENARIOS = Path("scenarios")
DEFAULT_EVENTS = Path("data") / "events.csv"


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
