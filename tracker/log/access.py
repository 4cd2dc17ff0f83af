"""Who may write to the event log, and who ``logged_by`` names. Read-only unless configured.

Configuration, from the environment and from ``.streamlit/secrets.toml``::

    TRACKER_WRITE=1            # or 0; when set it wins over secrets.toml

    [tracker]
    write = true               # writing on
    editors = ["ana@example.org", "ben@example.org"]

    [auth]                     # Streamlit's built-in sign-in (st.login, OIDC)
    ...

Without sign-in configured, anyone using the dashboard may write once writing is on.
With sign-in configured, only the listed editors may write, and their e-mail address
fills ``logged_by``. Presenter mode is always read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WRITE_ENV = "TRACKER_WRITE"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_HOW_TO_ENABLE = f"set {WRITE_ENV}=1 or write = true under [tracker] in .streamlit/secrets.toml"


@dataclass(frozen=True)
class WriteAccess:
    allowed: bool
    logged_by: str | None  # the signed-in editor; None when nobody is signed in
    reason: str  # one sentence for the UI: why writing is on or off


def _read_only(reason: str) -> WriteAccess:
    return WriteAccess(False, None, reason)


def write_access(
    *,
    env: Mapping[str, str],
    secrets: Mapping[str, object],
    user_email: str | None,
    presenter: bool = False,
) -> WriteAccess:
    """Whether the current user may write, from configuration alone (a pure function)."""
    if presenter:
        return _read_only("Presenter mode is read-only.")
    section = secrets.get("tracker", {})
    if not isinstance(section, Mapping):
        return _read_only("[tracker] in .streamlit/secrets.toml must be a table; the event log is read-only.")
    switch = env.get(WRITE_ENV, "").strip()
    if switch:
        if switch.lower() not in _TRUE | _FALSE:
            return _read_only(f"{WRITE_ENV}={switch!r} is not one of 1, 0, true, false, yes, no, on, off; the event log is read-only.")
        enabled, origin = switch.lower() in _TRUE, f"{WRITE_ENV}={switch}"
    else:
        setting = section.get("write", False)
        if not isinstance(setting, bool):
            return _read_only(
                f"[tracker] write in .streamlit/secrets.toml must be true or false, not {setting!r}; the event log is read-only."
            )
        enabled, origin = setting, "[tracker] write = true"
    if not enabled:
        return _read_only(f"The event log is read-only; to allow logging, {_HOW_TO_ENABLE}.")
    editors = section.get("editors")
    if editors is not None and (not isinstance(editors, list) or not all(isinstance(e, str) and e.strip() for e in editors)):
        return _read_only("[tracker] editors in .streamlit/secrets.toml must be a list of e-mail addresses; the event log is read-only.")
    listed = {e.strip().casefold() for e in editors or []}
    if "auth" not in secrets:
        if listed:
            return _read_only(
                "Editors are listed but sign-in is not configured ([auth] in .streamlit/secrets.toml), "
                "so nobody can be identified; the event log is read-only."
            )
        return WriteAccess(True, user_email, f"Anyone may log events ({origin}; no sign-in configured).")
    if not listed:
        return _read_only("Sign-in is configured but no editors are listed ([tracker] editors); the event log is read-only.")
    if user_email is None:
        return _read_only("Sign in to log events; only the listed editors may write.")
    if user_email.strip().casefold() not in listed:
        return _read_only(f"{user_email} is not one of the editors listed in .streamlit/secrets.toml; the event log is read-only for you.")
    return WriteAccess(True, user_email.strip(), f"Signed in as {user_email.strip()}, an editor.")


def may_write(*, env: Mapping[str, str], secrets: Mapping[str, object], user_email: str | None) -> bool:
    """May this user (None: nobody signed in) write to the event log?"""
    return write_access(env=env, secrets=secrets, user_email=user_email).allowed


def writing_enabled(*, env: Mapping[str, str], secrets: Mapping[str, object]) -> bool:
    """Is writing on, and configured so that someone may write: the question asked before anyone signs in
    (the dashboard's start-up repair). Without sign-in, anyone may; with it, any listed editor."""
    if may_write(env=env, secrets=secrets, user_email=None):
        return True
    if "auth" not in secrets:
        return False
    section = secrets.get("tracker", {})
    editors = section.get("editors") if isinstance(section, Mapping) else None
    return isinstance(editors, list) and any(isinstance(e, str) and may_write(env=env, secrets=secrets, user_email=e) for e in editors)
