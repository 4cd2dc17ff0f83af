"""Who may write from the dashboard, signing in, and the start-up repair of the event log.

Read-only unless configured (the rules are tracker.log.access.write_access, fed with the
environment, the app's settings in st.secrets and the signed-in user). Every widget that writes
asks `write_gate` first, which shows a short note instead of a form a user could not use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitAuthError, StreamlitSecretNotFoundError

from components.context import data_paths
from tracker.log.access import ANONYMOUS, SECRETS_FILE, WriteAccess, logged_by_initials, write_access, writing_enabled
from tracker.log.writer import append_target, find_partial, repair_log
from tracker.problems import TrackerError, shown_path
from tracker.text import markdown_literal
from tracker.timeutil import now

_NAME_KEY = "logged_by_name"
_DISMISSED_KEY = "startup_notice_dismissed"


@dataclass(frozen=True)
class Settings:
    """The app's settings (st.secrets), where they were read from as users are told, and why they cannot be used."""

    values: Mapping[str, object]
    where: str  # the secrets file(s) read, e.g. "~/.streamlit/secrets.toml"; never an absolute path
    problem: str | None = None


def _shown(path: str) -> str:
    return shown_path(Path(path), Path.cwd(), Path.home())


def _secrets_files() -> str:
    """The secrets files Streamlit reads that exist, as users are told; none: the project's own, where one would go."""
    candidates = [str(p) for p in st_config.get_option("secrets.files") or []]
    found = dict.fromkeys(_shown(p) for p in candidates if os.path.exists(p))
    return " or ".join(found) or SECRETS_FILE


def settings() -> Settings:
    """The app's settings, read in this one place for every question of who may write: st.secrets, which merges every
    file Streamlit reads (~/.streamlit/secrets.toml, .streamlit/secrets.toml, the `secrets.files` option). No secrets
    file at all means none (read-only unless TRACKER_WRITE says otherwise); one that cannot be read, a problem."""
    where = _secrets_files()
    try:
        return Settings(st.secrets.to_dict(), where)
    except StreamlitSecretNotFoundError as exc:
        path = exc.exec_kwargs.get("path")
        if "error" not in exc.exec_kwargs or not path:  # no secrets file: read-only by default
            return Settings({}, where)
        problem = f"{_shown(str(path))}: not valid TOML ({exc.exec_kwargs['error']}); the event log stays read-only"
        return Settings({}, where, problem)


def _signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def current_access() -> WriteAccess:
    """May this session write, and as whom (presenter mode included)?"""
    found = settings()
    if found.problem:
        return WriteAccess(False, None, found.problem)
    email = None
    if "auth" in found.values and _signed_in():
        claim = st.user.get("email")
        if not claim:
            return WriteAccess(
                False, None, "You are signed in, but your identity provider gave no e-mail address, so you cannot be matched to an editor."
            )
        email = str(claim)
    presenter = st.query_params.get("mode") == "present"
    return write_access(env=os.environ, secrets=found.values, user_email=email, presenter=presenter, secrets_file=found.where)


def writing_configured() -> bool:
    """Whether anyone at all may write with this configuration (for the start-up repair, which no user starts)."""
    found = settings()
    return not found.problem and writing_enabled(env=os.environ, secrets=found.values)


def _providers(auth: object) -> list[str | None]:
    """st.login's provider names: None for settings directly under [auth], else each [auth.NAME] table."""
    if not isinstance(auth, Mapping) or "client_id" in auth:
        return [None]
    named = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return list(named) or [None]


def sign_in_buttons(key: str) -> None:
    for provider in _providers(settings().values.get("auth")):
        label = "Sign in to log events" if provider is None else f"Sign in with {provider} to log events"
        if st.button(label, key=f"{key}-sign-in-{provider or 'default'}", icon=":material/login:", type="primary"):
            try:
                st.login(provider)
            except StreamlitAuthError as exc:  # e.g. Authlib missing, or [auth] incomplete
                st.error(f"Sign-in is not working: {markdown_literal(str(exc))}", icon=":material/error:")


def write_gate(key: str, action: str = "log events") -> WriteAccess | None:
    """The access to write with; or None, after a short note saying why this session may not, and how to change that."""
    access = current_access()
    if access.allowed and not read_only():
        return access
    reason = access.reason if not access.allowed else "Presenter mode is read-only."
    needs_sign_in = "auth" in settings().values and not _signed_in() and st.query_params.get("mode") != "present"
    with st.container(border=True, key=f"{key}-read-only"):
        st.markdown(f":material/lock: **Read-only: you cannot {action} here.** {markdown_literal(reason)}")
        if needs_sign_in:
            sign_in_buttons(key)
    return None


def logged_by_field(access: WriteAccess, key: str) -> str:
    """Who is logging: the signed-in editor, else a name the user may type (remembered for the session)."""
    if access.logged_by:
        return access.logged_by
    name = st.text_input(
        "Logged by",
        value=st.session_state.get(_NAME_KEY, ""),
        key=key,
        placeholder="Your name (optional)",
        help=f"Recorded as logged_by with the event; left empty, it is {ANONYMOUS!r}. With sign-in configured, your e-mail is used.",
    )
    return str(name or "").strip()


def remember_name(name: str) -> str:
    """Keep a typed name for the next form in this session; the value to write."""
    if name:
        st.session_state[_NAME_KEY] = name
    return name or ANONYMOUS


def identity_caption(access: WriteAccess, key: str) -> None:
    if access.logged_by and _signed_in():
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.caption(f"Logging as **{markdown_literal(access.logged_by)}** (signed in).")
        if right.button("Sign out", key=f"{key}-sign-out", type="tertiary", icon=":material/logout:"):
            st.logout()


# --- start-up repair ------------------------------------------------------------------------
@dataclass(frozen=True)
class StartupCheck:
    kind: Literal["repaired", "partial", "error"]
    message: str
    log: str
    stamp: tuple[int, int] | None = None  # the log's size and mtime when a half-written line was found


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@st.cache_resource(show_spinner=False)
def _startup_check(events: str, writable: bool) -> StartupCheck | None:
    # Once per process and log: a crash's half-written last line is repaired (or reported) before the first load.
    location = Path(events)
    path = append_target(location)
    try:
        if writable:
            repair = repair_log(location, now())
            return None if repair is None else StartupCheck("repaired", repair.message, str(path))
        partial = find_partial(location)
    except TrackerError as exc:
        return StartupCheck("error", str(exc), str(path))
    if partial is None:
        return None
    message = (
        f"{path.name}:{partial.line}: the last line of the event log is half-written ({partial.reason}), probably by a crash "
        "while saving; that row is left out. Writing is off here, so it was not repaired: run `python -m tracker repair` "
        "(it moves the fragment to a file beside the log, deleting nothing), or enable writing and restart the dashboard."
    )
    return StartupCheck("partial", message, str(path), _stamp(path))


def startup_check() -> StartupCheck | None:
    """The start-up repair's outcome for the current log (run once per process)."""
    check = _startup_check(str(data_paths()[1]), writing_configured())
    stale = check is not None and check.kind == "partial" and _stamp(Path(check.log)) != check.stamp
    # The log changed since (repaired from the command line, or appended to, which repairs): look again.
    if stale and check is not None:
        try:
            if find_partial(Path(check.log)) is None:
                return None
        except TrackerError:
            pass
    return check


def startup_notice(*, dismissible: bool = False) -> None:
    """The start-up repair's message as a banner (every page until dismissed; always on Data health)."""
    check = startup_check()
    if check is None:
        return
    if check.kind == "repaired":
        if dismissible and st.session_state.get(_DISMISSED_KEY) == check.message:
            return
        st.warning(f"**The event log was repaired at start-up.** {markdown_literal(check.message)}", icon=":material/build:")
        if dismissible and st.button("Dismiss", key="startup-notice-dismiss", type="tertiary"):
            st.session_state[_DISMISSED_KEY] = check.message
            st.rerun()
    elif check.kind == "partial":
        st.warning(f"**The event log has a half-written last line.** {markdown_literal(check.message)}", icon=":material/warning:")
    else:
        st.error(f"**The event log could not be checked at start-up.** {markdown_literal(check.message)}", icon=":material/error:")


def logged_by_shown() -> Callable[[str], str]:
    """How this session sees who logged each event: in full where it may write (editors know each other), else as
    initials (readers see no editor's e-mail address)."""
    return str if not read_only() else logged_by_initials


def read_only() -> bool:
    """True when this session may not write: presenter mode (?mode=present), or writing is not allowed to it."""
    return st.query_params.get("mode") == "present" or not current_access().allowed
