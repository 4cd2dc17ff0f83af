"""Where the scenarios and the event log live: defaults, overridden by a ``tracker.toml``, overridden by environment variables.

A team repository (``tracker init``) names its folders in ``tracker.toml`` at its root, so that every command and the
pre-commit hooks, run from any folder of it, find the same files::

    scenarios = "scenarios"        # relative to the folder holding tracker.toml
    events = "data/events.csv"     # an event log, or a folder of logs
"""

from __future__ import annotations

import os
import re
import tomllib
from difflib import get_close_matches
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


SETTINGS_FILE_NAME = "tracker.toml"
SETTINGS_KEYS = ("scenarios", "events")


class SettingsError(ValueError):
    """A ``tracker.toml`` that cannot be used; the message starts with its path (and line, when known)."""


def settings_file() -> Path | None:
    """The ``tracker.toml`` that governs the working folder: the nearest one in it or a folder above, up to the root of
    its git repository (a file above that belongs to another project); None when there is none.

    It is given relative to the working folder (``tracker.toml``, ``../tracker.toml``), so the paths it names read in
    messages as the user would type them.
    """
    here = Path.cwd()
    for up, folder in enumerate((here, *here.parents)):
        if (folder / SETTINGS_FILE_NAME).is_file():
            return Path(*[".."] * up) / SETTINGS_FILE_NAME
        if (folder / ".git").exists():
            return None
    return None


_EXAMPLES = {"scenarios": DEFAULT_SCENARIOS.as_posix(), "events": DEFAULT_EVENTS.as_posix()}


def _settings() -> dict[str, Path]:
    """The places the governing ``tracker.toml`` names, relative to its own folder; {} without one."""
    path = settings_file()
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where only in its message: "Invalid value (at line 2, column 5)", "... (at end of document)".
        found = re.search(r"\(at (?:line (\d+), column (\d+)|end of document)\)$", str(exc))
        where = f"{path}:{found[1]}:{found[2]}" if found and found[1] else str(path)
        message = str(exc)[: found.start()].strip() if found else str(exc)
        if found and not found[1]:
            message += " at the end of the file"
        raise SettingsError(f'{where}: error: {message}; write lines like scenarios = "scenarios"') from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: error: cannot read it ({exc})") from None
    paths: dict[str, Path] = {}
    for key, value in data.items():
        where = f"{path}:{_line_of(text, key)}"
        if key not in SETTINGS_KEYS:
            close = get_close_matches(key, SETTINGS_KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f" (the keys are {', '.join(SETTINGS_KEYS)})"
            raise SettingsError(f"{where}: error: unknown key {key!r}{hint}")
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f'{where}: error: {key} must be a path in quotes, e.g. {key} = "{_EXAMPLES[key]}"')
        paths[key] = path.parent / Path(value).expanduser()
    return paths


def _line_of(text: str, key: str) -> int:
    """The line that sets a top-level ``key`` (1 when it cannot be told, e.g. a quoted key)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def named_in_settings(key: str) -> Path | None:
    """The ``tracker.toml`` that names ``key``'s place ("scenarios" or "events"), unless the environment overrides it;
    for messages about that place."""
    if os.environ.get({"scenarios": SCENARIOS_ENV, "events": EVENTS_ENV}[key]):
        return None
    return settings_file() if key in _settings() else None


def scenarios_path(base: Path | None = None) -> Path:
    """TRACKER_SCENARIOS if set, else ``base``'s ``scenarios/`` (the dashboard's demo); without ``base``: what the
    governing ``tracker.toml`` names, else ``scenarios/`` in the working folder."""
    if value := os.environ.get(SCENARIOS_ENV):
        return Path(value).expanduser()
    if base is not None:
        return base / DEFAULT_SCENARIOS
    return _settings().get("scenarios", DEFAULT_SCENARIOS)


def events_path(base: Path | None = None) -> Path:
    """TRACKER_EVENTS if set, else ``base``'s ``data/events.csv``; without ``base``: what the governing ``tracker.toml``
    names, else ``data/events.csv`` in the working folder."""
    if value := os.environ.get(EVENTS_ENV):
        return Path(value).expanduser()
    if base is not None:
        return base / DEFAULT_EVENTS
    return _settings().get("events", DEFAULT_EVENTS)


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
