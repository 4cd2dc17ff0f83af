"""Who may write to the event log, and who ``logged_by`` names. Read-only unless configured.

Configuration, from the environment and from the secrets Streamlit reads (``st.secrets``: ``.streamlit/secrets.toml``
in the folder the app runs from, ``~/.streamlit/secrets.toml``, or the files the ``secrets.files`` option names)::

    TRACKER_WRITE=1            # or 0; when set it wins over the secrets

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

import re
from collections.abc import Mapping
from dataclasses import dataclass

WRITE_ENV = "TRACKER_WRITE"
ANONYMOUS = "anonymous"  # logged_by when nobody is signed in and no name is given
SECRETS_FILE = ".streamlit/secrets.toml"  # where the settings are, as messages say it when no other file is read
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


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
    secrets_file: str = SECRETS_FILE,
) -> WriteAccess:
    """Whether the current user may write, from configuration alone (a pure function). `secrets_file` names, for the
    messages, the file (or files) the secrets were read from."""
    if presenter:
        return _read_only("Presenter mode is read-only.")
    section = secrets.get("tracker", {})
    if not isinstance(section, Mapping):
        return _read_only(f"[tracker] in {secrets_file} must be a table; the event log is read-only.")
    switch = env.get(WRITE_ENV, "").strip()
    if switch:
        if switch.lower() not in _TRUE | _FALSE:
            return _read_only(f"{WRITE_ENV}={switch!r} is not one of 1, 0, true, false, yes, no, on, off; the event log is read-only.")
        enabled, origin = switch.lower() in _TRUE, f"{WRITE_ENV}={switch}"
    else:
        setting = section.get("write", False)
        if not isinstance(setting, bool):
            return _read_only(f"[tracker] write in {secrets_file} must be true or false, not {setting!r}; the event log is read-only.")
        enabled, origin = setting, "[tracker] write = true"
    if not enabled:
        how = f"set {WRITE_ENV}=1 or write = true under [tracker] in {secrets_file}"
        return _read_only(f"The event log is read-only; to allow logging, {how}.")
    editors = section.get("editors")
    if editors is not None and (not isinstance(editors, list) or not all(isinstance(e, str) and e.strip() for e in editors)):
        return _read_only(f"[tracker] editors in {secrets_file} must be a list of e-mail addresses; the event log is read-only.")
    listed = {e.strip().casefold() for e in editors or []}
    if "auth" not in secrets:
        if listed:
            return _read_only(
                f"Editors are listed but sign-in is not configured ([auth] in {secrets_file}), "
                "so nobody can be identified; the event log is read-only."
            )
        return WriteAccess(True, user_email, f"Anyone may log events ({origin}; no sign-in configured).")
    if not listed:
        return _read_only("Sign-in is configured but no editors are listed ([tracker] editors); the event log is read-only.")
    if user_email is None:
        return _read_only("Sign in to log events; only the listed editors may write.")
    if user_email.strip().casefold() not in listed:
        return _read_only(f"{user_email} is not one of the editors listed in {secrets_file}; the event log is read-only for you.")
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


def logged_by_initials(logged_by: str) -> str:
    """Who logged an event, as those who may not write see it: initials, no e-mail address and no full name
    ("ana.lopez@example.org" and "Ana Lopez" are both "A.L."). Nobody's name ("anonymous", empty) stays as it is."""
    name = logged_by.strip()
    if not name or name.casefold() == ANONYMOUS:
        return name
    words = re.findall(r"[^\W_]+", name.split("@", 1)[0])  # letters and digits: no formula sign or markup survives
    return "".join(f"{word[0].upper()}." for word in words[:3]) or "?"
