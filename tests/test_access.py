"""Who may write: read-only by default, enabled by configuration, editors only once sign-in is configured."""

from __future__ import annotations

import pytest

from tracker.log.access import WriteAccess, may_write, write_access, writing_enabled

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
EDITORS = {"tracker": {"write": True, "editors": ["Ana@Example.org", "ben@example.org"]}, "auth": AUTH}


def test_read_only_by_default() -> None:
    assert write_access(env={}, secrets={}, user_email=None) == WriteAccess(
        False,
        None,
        "The event log is read-only; to allow logging, set TRACKER_WRITE=1 or write = true under [tracker] in .streamlit/secrets.toml.",
    )


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_the_environment_turns_writing_on(value: str) -> None:
    access = write_access(env={"TRACKER_WRITE": value}, secrets={}, user_email=None)
    assert access == WriteAccess(True, None, f"Anyone may log events (TRACKER_WRITE={value}; no sign-in configured).")


def test_the_environment_wins_over_secrets() -> None:
    access = write_access(env={"TRACKER_WRITE": "0"}, secrets={"tracker": {"write": True}}, user_email=None)
    assert not access.allowed


def test_secrets_turn_writing_on_and_name_the_signed_in_user() -> None:
    access = write_access(env={}, secrets={"tracker": {"write": True}}, user_email="ana@example.org")
    assert access == WriteAccess(True, "ana@example.org", "Anyone may log events ([tracker] write = true; no sign-in configured).")


def test_only_listed_editors_may_write_once_sign_in_is_configured() -> None:
    ana = write_access(env={}, secrets=EDITORS, user_email="ana@example.ORG ")
    assert ana == WriteAccess(True, "ana@example.ORG", "Signed in as ana@example.ORG, an editor.")
    assert write_access(env={}, secrets=EDITORS, user_email="eve@example.org") == WriteAccess(
        False, None, "eve@example.org is not one of the editors listed in .streamlit/secrets.toml; the event log is read-only for you."
    )
    assert write_access(env={}, secrets=EDITORS, user_email=None).reason == "Sign in to log events; only the listed editors may write."


def test_presenter_mode_is_always_read_only() -> None:
    assert write_access(env={"TRACKER_WRITE": "1"}, secrets=EDITORS, user_email="ana@example.org", presenter=True) == WriteAccess(
        False, None, "Presenter mode is read-only."
    )


@pytest.mark.parametrize(
    ("env", "secrets", "reason"),
    [
        (
            {"TRACKER_WRITE": "maybe"},
            {},
            "TRACKER_WRITE='maybe' is not one of 1, 0, true, false, yes, no, on, off; the event log is read-only.",
        ),
        (
            {},
            {"tracker": {"write": "yes"}},
            "[tracker] write in .streamlit/secrets.toml must be true or false, not 'yes'; the event log is read-only.",
        ),
        ({}, {"tracker": "write"}, "[tracker] in .streamlit/secrets.toml must be a table; the event log is read-only."),
        (
            {},
            {"tracker": {"write": True, "editors": "ana@example.org"}},
            "[tracker] editors in .streamlit/secrets.toml must be a list of e-mail addresses; the event log is read-only.",
        ),
        (
            {},
            {"tracker": {"write": True, "editors": ["ana@example.org"]}},
            "Editors are listed but sign-in is not configured ([auth] in .streamlit/secrets.toml), "
            "so nobody can be identified; the event log is read-only.",
        ),
        (
            {},
            {"tracker": {"write": True}, "auth": AUTH},
            "Sign-in is configured but no editors are listed ([tracker] editors); the event log is read-only.",
        ),
    ],
)
def test_bad_configuration_stays_read_only_and_says_why(env: dict[str, str], secrets: dict[str, object], reason: str) -> None:
    assert write_access(env=env, secrets=secrets, user_email="ana@example.org") == WriteAccess(False, None, reason)


def test_may_write_asks_about_the_user_and_writing_enabled_about_anyone() -> None:
    on = {"tracker": {"write": True}}
    assert may_write(env={}, secrets=on, user_email=None) and writing_enabled(env={}, secrets=on)
    assert not may_write(env={}, secrets={}, user_email="ana@example.org") and not writing_enabled(env={}, secrets={})
    assert writing_enabled(env={"TRACKER_WRITE": "1"}, secrets={}) and not writing_enabled(env={"TRACKER_WRITE": "0"}, secrets=on)
    # With sign-in, the listed editors may write and nobody else: writing is enabled, though not for a stranger.
    assert may_write(env={}, secrets=EDITORS, user_email="ana@example.org")
    assert not may_write(env={}, secrets=EDITORS, user_email="eve@example.org")
    assert not may_write(env={}, secrets=EDITORS, user_email=None)
    assert writing_enabled(env={}, secrets=EDITORS)
    # Sign-in without editors, or editors without sign-in: nobody may write.
    assert not writing_enabled(env={}, secrets={"tracker": {"write": True}, "auth": {"client_id": "x"}})
    assert not writing_enabled(env={}, secrets={"tracker": {"write": True, "editors": ["ana@example.org"]}})
    assert not writing_enabled(env={}, secrets={**EDITORS, "tracker": {"write": True, "editors": [""]}})


def test_messages_name_the_file_the_settings_were_read_from() -> None:
    home = "~/.streamlit/secrets.toml"
    assert write_access(env={}, secrets=EDITORS, user_email="eve@example.org", secrets_file=home).reason == (
        f"eve@example.org is not one of the editors listed in {home}; the event log is read-only for you."
    )
    assert write_access(env={}, secrets={}, user_email=None, secrets_file=home).reason.endswith(
        f"set TRACKER_WRITE=1 or write = true under [tracker] in {home}."
    )
    bad = {"tracker": {"write": True, "editors": ["ana@example.org"]}}
    assert f"([auth] in {home})" in write_access(env={}, secrets=bad, user_email=None, secrets_file=home).reason
