"""`tracker notify`: changes found once, messages delivered once, to a real SMTP server and a real HTTP server.

The servers run in this process on 127.0.0.1 (aiosmtpd; http.server); the runs that must survive a kill run as
subprocesses, paused by TRACKER_TEST_PAUSE_NOTIFY at the moment the test kills them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from aiosmtpd.controller import Controller

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY, ROOT
from tracker.cli import main
from tracker.cli.run import build_parser
from tracker.engine.status import assess_all
from tracker.log.reader import load_events
from tracker.notify.changes import Change, changes, message_text
from tracker.notify.channels import Email, Webhook, channels, read_section, redacted_url, secrets_files
from tracker.notify.outbox import PAUSE_ENV
from tracker.notify.state import STATE_FILE_NAME, Message, Snapshot, read_state, snapshots
from tracker.scenario.loader import load_scenarios
from tracker.text import chat_literal
from tracker.timeutil import parse_as_of

CHRISTMAS = "joint-sanctions-christmas-2021"
BEFORE, AFTER = "2021-12-10", "2021-12-20"  # Christmas enters its due-soon window (7 days) in between; the G7 one opens


# --- local servers ----------------------------------------------------------------------------------------------------
class Hook:
    """A webhook receiver: records every POST, answers with ``code``."""

    def __init__(self) -> None:
        self.code = 200
        self.posts: list[tuple[dict[str, str], dict[str, Any]]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts.append((dict(self.headers), json.loads(body)))
                self.send_response(hook.code)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/T000/secret-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def texts(self) -> list[str]:
        return [body["text"] for _, body in self.posts]


class Mailbox:
    """An aiosmtpd handler: keeps each message as received."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.tls.append(session.ssl is not None)
        return "250 OK"

    @property
    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def hook() -> Iterator[Hook]:
    found = Hook()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team's checkout with the demo data as the working folder, and no settings but the test's."""
    (tmp_path / "data").mkdir()
    shutil.copy(DEMO_EVENTS, tmp_path / "data" / "events.csv")
    shutil.copy(DEMO_VOCABULARY, tmp_path / "data" / "vocabulary.yaml")
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("TRACKER_EVENTS", "TRACKER_SCENARIOS", "TRACKER_BASE_URL", PAUSE_ENV):
        monkeypatch.delenv(name, raising=False)
    for name in ("WEBHOOK", "SMTP", "TO", "FROM"):
        monkeypatch.delenv(f"TRACKER_NOTIFY_{name}", raising=False)
    return tmp_path


def _settings(hook: Hook | None = None, mailbox: tuple[Mailbox, int] | None = None) -> dict[str, str]:
    env = {}
    if hook is not None:
        env["TRACKER_NOTIFY_WEBHOOK"] = hook.url
    if mailbox is not None:
        env |= {"TRACKER_NOTIFY_SMTP": f"smtp://127.0.0.1:{mailbox[1]}", "TRACKER_NOTIFY_TO": "ana@example.org,ben@example.org"}
    return env


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """cli(env, *argv): `tracker notify` in this process (the servers answer from their threads) -> (exit, out, err)."""

    def _run(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code = main(["notify", *argv])
        out, err = capsys.readouterr()
        for name in env:
            monkeypatch.delenv(name)
        return code, out, err

    return _run


def _child_env(folder: Path, env: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return {**keep, "HOME": str(folder / "home"), "TRACKER_CACHE": "off", "PYTHONPATH": str(ROOT), **env}


def run_child(folder: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    """`python -m tracker notify` as its own process, in the team's folder."""
    command = [sys.executable, "-m", "tracker", "notify", *argv]
    return subprocess.run(command, cwd=folder, env=_child_env(folder, env), capture_output=True, text=True, timeout=120, check=False)


def killed_at(folder: Path, env: dict[str, str], stage: str, *argv: str) -> None:
    """Run `tracker notify` until it reaches ``stage`` ("queued", or "sent:N": its Nth delivery made and not yet
    recorded), then kill it (SIGKILL: no clean-up)."""
    flag = folder / f"paused-{stage.replace(':', '-')}"
    command = [sys.executable, "-m", "tracker", "notify", *argv]
    child = subprocess.Popen(command, cwd=folder, env=_child_env(folder, {**env, PAUSE_ENV: f"{stage}:{flag}"}))
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():  # waits for the child to reach the point, however slow the machine is
            assert child.poll() is None, f"the run ended (exit {child.returncode}) before it reached {stage!r}"
            assert time.monotonic() < deadline, f"the run did not reach {stage!r}"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()


# --- what changed (pure) ----------------------------------------------------------------------------------------------
def _snap(status: str = "watching", deadline: str = "2021-12-25T23:00:00+00:00", stale: bool = False) -> Snapshot:
    text = {"2021-12-25T23:00:00+00:00": "2021-12-25 24:00 Europe/Brussels"}.get(deadline, deadline)
    return Snapshot(status, status == "due-soon", deadline, text, stale)


def test_a_change_is_a_new_status_a_moved_deadline_a_stale_flag_or_a_scenario_seen_first() -> None:
    previous = {"same": _snap(), "due": _snap(), "moved": _snap(), "stale": _snap(), "gone": _snap()}
    current = {
        "same": _snap(),
        "due": _snap("due-soon"),
        "moved": _snap(deadline="2022-01-31T23:00:00+00:00"),
        "stale": _snap(stale=True),
        "new": _snap(),
    }
    found = {c.scenario: c for c in changes(previous, current)}
    assert list(found) == ["due", "moved", "new", "stale"]  # "same" did not change; "gone" is not judged this run
    assert found["new"].before is None
    assert changes(current, current) == []


def test_stale_flags_from_the_review_become_part_of_the_snapshot() -> None:
    scenarios = load_scenarios(DEMO_SCENARIOS).scenarios
    items = assess_all(scenarios, load_events(DEMO_EVENTS), parse_as_of(AFTER))
    fresh, flagged = snapshots(items, {}), snapshots(items, {CHRISTMAS: True})
    assert not fresh[CHRISTMAS].stale and flagged[CHRISTMAS].stale
    assert [c.scenario for c in changes(fresh, flagged)] == [CHRISTMAS]
    assert [c.scenario for c in changes(flagged, fresh)] == [CHRISTMAS]


def _christmas(as_of: str) -> Any:
    scenarios = [s for s in load_scenarios(DEMO_SCENARIOS).scenarios if s.id == CHRISTMAS]
    return assess_all(scenarios, load_events(DEMO_EVENTS), parse_as_of(as_of))[0]


def test_the_message_names_the_scenario_what_changed_the_deadline_and_the_time_left() -> None:
    before, after = _christmas(BEFORE), _christmas(AFTER)
    change = Change(CHRISTMAS, snapshots([before], {})[CHRISTMAS], snapshots([after], {})[CHRISTMAS])
    assert message_text(change, after, None) == (
        "joint-sanctions-christmas-2021: watching -> due soon (deadline 2021-12-25 24:00 Europe/Brussels, 5 d 0 h left)\n"
        "Joint US-EU-UK sanctions package if Russia does not back down by Christmas"
    )
    linked = message_text(change, after, "https://tracker.example.org")
    assert linked.endswith("\nhttps://tracker.example.org/?scenario=joint-sanctions-christmas-2021")
    stale = Change(CHRISTMAS, change.after, Snapshot(**{**change.after.__dict__, "stale": True}))
    assert message_text(stale, after, None).startswith(f"{CHRISTMAS}: stale: not reviewed within its review period (deadline")
    moved = Change(CHRISTMAS, change.after, _snap("due-soon", "2022-01-31T23:00:00+00:00"))
    assert message_text(moved, after, None).startswith(
        f"{CHRISTMAS}: deadline 2021-12-25 24:00 Europe/Brussels -> 2022-01-31T23:00:00+00:00 ("
    )
    first = Change(CHRISTMAS, None, change.after)
    assert message_text(first, after, None).startswith(f"{CHRISTMAS}: now tracked, due soon (deadline")


def test_a_change_found_again_keeps_its_key_and_a_later_one_gets_another() -> None:
    change = Change(CHRISTMAS, _snap(), _snap("due-soon"))
    assert change.key(3) == Change(CHRISTMAS, _snap(), _snap("due-soon")).key(3)
    assert change.key(3) != change.key(4)  # the same transition again, in a later run, is a new message


# --- settings ---------------------------------------------------------------------------------------------------------
def _channels(env: dict[str, str], folder: Path) -> list[Any]:
    return channels(env, read_section(secrets_files(folder, folder / "home"), folder))


def test_settings_from_the_secrets_file_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[notify]\nwebhook = "https://hooks.example.org/a"\nsmtp = "smtp://ana:s%40cret@mail.example.org:587"\n'
        'to = ["ana@example.org", "ben@example.org"]\n',
        encoding="utf-8",
    )
    (tmp_path / "home" / ".streamlit").mkdir(parents=True)
    (tmp_path / "home" / ".streamlit" / "secrets.toml").write_text('[notify]\nfrom = "desk@example.org"\n', encoding="utf-8")
    webhook, email = _channels({}, tmp_path)
    assert isinstance(webhook, Webhook) and webhook.url == "https://hooks.example.org/a"
    assert isinstance(email, Email)
    assert (email.host, email.port, email.user, email.password) == ("mail.example.org", 587, "ana", "s@cret")
    assert email.recipients == ("ana@example.org", "ben@example.org") and email.sender == "desk@example.org"
    assert email.describe() == "smtp://ana:***@mail.example.org:587 to ana@example.org, ben@example.org"
    assert "cret" not in repr(email)
    (webhook,) = [c for c in _channels({"TRACKER_NOTIFY_WEBHOOK": "https://other.example.org/b"}, tmp_path) if c.name == "webhook"]
    assert webhook.url == "https://other.example.org/b"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"TRACKER_NOTIFY_WEBHOOK": "hooks.example.org/x"}, "TRACKER_NOTIFY_WEBHOOK: expected an https:// address like"),
        (
            {"TRACKER_NOTIFY_WEBHOOK": "http://hooks.example.org/secret"},
            "TRACKER_NOTIFY_WEBHOOK: http:// sends the message and the webhook's address (its secret) unencrypted; "
            "use https://hooks.example.org/... (http:// is accepted only for localhost)",
        ),
        ({"TRACKER_NOTIFY_SMTP": "smtp://mail.example.org"}, "TRACKER_NOTIFY_SMTP is set but nobody to write to: set TRACKER_NOTIFY_TO="),
        ({"TRACKER_NOTIFY_TO": "ana@example.org"}, "TRACKER_NOTIFY_TO is set but no mail server: set TRACKER_NOTIFY_SMTP="),
        (
            {"TRACKER_NOTIFY_SMTP": "smtp://ana:hunter2@mail.example.org:99999", "TRACKER_NOTIFY_TO": "ana@example.org"},
            "TRACKER_NOTIFY_SMTP: not an address (expected one like smtp://user:password@smtp.example.org:587)",
        ),
        (
            {"TRACKER_NOTIFY_SMTP": "https://ana:hunter2@mail.example.org", "TRACKER_NOTIFY_TO": "ana@example.org"},
            "TRACKER_NOTIFY_SMTP: expected an address like smtp://user:password@smtp.example.org:587, got https://mail.example.org",
        ),
        (
            {"TRACKER_NOTIFY_SMTP": "smtp://mail.example.org", "TRACKER_NOTIFY_TO": "ana@example.org,ben"},
            "TRACKER_NOTIFY_TO: 'ben' is not an e-mail address like a@example.org",
        ),
        (
            {"TRACKER_NOTIFY_SMTP": "smtp://mail.example.org", "TRACKER_NOTIFY_TO": "ana@example.org", "TRACKER_NOTIFY_FROM": "desk"},
            "TRACKER_NOTIFY_FROM: 'desk' is not an e-mail address like a@example.org",
        ),
    ],
)
def test_a_wrong_setting_says_which_and_why_and_never_shows_a_password(env: dict[str, str], says: str, team: Path, cli: Cli) -> None:
    code, out, err = cli(env, "--as-of", AFTER)
    assert (code, out) == (2, "")
    assert err.startswith(f"tracker: {says}") and "hunter2" not in err and "secret" not in err.split("(its secret)")[-1]
    assert not (team / "data" / STATE_FILE_NAME).exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[notify\n", "tracker: .streamlit/secrets.toml: not valid TOML: "),
        ('notify = "https://hooks.example.org"\n', "tracker: .streamlit/secrets.toml: [notify] must be a table"),
        ('[notify]\nwebhok = "https://hooks.example.org"\n', "tracker: [notify] webhok in .streamlit/secrets.toml: unknown setting"),
        ("[notify]\nto = 3\nsmtp = 'smtp://m.example.org'\n", "tracker: [notify] to in .streamlit/secrets.toml: expected e-mail addresses"),
    ],
)
def test_a_wrong_secrets_file_is_located(text: str, says: str, team: Path, cli: Cli) -> None:
    (team / ".streamlit").mkdir()
    (team / ".streamlit" / "secrets.toml").write_text(text, encoding="utf-8")
    code, _, err = cli({}, "--as-of", AFTER)
    assert code == 2 and err.startswith(says)


@pytest.mark.parametrize(
    ("env", "argv", "says"),
    [
        ({"TRACKER_BASE_URL": "localhost:8501"}, (), "tracker: $TRACKER_BASE_URL: expected the app's address, like http://localhost:8501"),
        ({}, ("--as-of", "2021-02-30"), "tracker: --as-of: '2021-02-30' is not a real calendar date"),
        ({}, ("--scenarios", "nowhere"), "tracker: no scenario folder at nowhere; pass --scenarios or set TRACKER_SCENARIOS"),
    ],
)
def test_a_wrong_flag_or_address_is_a_usage_error(env: dict[str, str], argv: tuple[str, ...], says: str, team: Path, cli: Cli) -> None:
    code, _, err = cli({"TRACKER_NOTIFY_WEBHOOK": "https://hooks.example.org/x", **env}, *argv)
    assert code == 2 and err.startswith(says)
    assert not (team / "data" / STATE_FILE_NAME).exists()


def test_without_any_channel_it_says_how_to_set_one(team: Path, cli: Cli) -> None:
    code, _, err = cli({})
    assert code == 2 and err.startswith("tracker: no channel to notify: set TRACKER_NOTIFY_WEBHOOK=https://...")


def test_a_webhook_address_is_shown_without_its_secret_path() -> None:
    assert redacted_url(urlsplit("https://hooks.slack.com/services/T0/B0/XXXX")) == "https://hooks.slack.com/..."


# --- runs -------------------------------------------------------------------------------------------------------------
def test_the_first_run_records_the_state_and_sends_nothing(team: Path, hook: Hook, cli: Cli) -> None:
    code, out, _ = cli(_settings(hook), "--as-of", AFTER)
    assert (code, out) == (0, "first run: recorded the state of 14 scenarios; nothing sent\n")
    assert hook.posts == []
    state = read_state(team / "data" / STATE_FILE_NAME)
    assert state is not None and state.scenarios[CHRISTMAS].status == "due-soon" and state.outbox == ()


def test_each_change_is_delivered_once_across_repeated_runs(team: Path, hook: Hook, mailbox: tuple[Mailbox, int], cli: Cli) -> None:
    env = {**_settings(hook, mailbox), "TRACKER_BASE_URL": "https://tracker.example.org"}
    assert run_child(team, env, "--as-of", BEFORE).stdout == "first run: recorded the state of 14 scenarios; nothing sent\n"
    second = run_child(team, env, "--as-of", AFTER)
    assert (second.returncode, second.stdout) == (0, "sent 2 messages (email 2, webhook 2)\n")
    recorded = (team / "data" / STATE_FILE_NAME).read_bytes()
    again = run_child(team, env, "--as-of", AFTER)
    assert (again.returncode, again.stdout) == (0, "no changes since the last run (14 scenarios); nothing to send\n")
    code, out, _ = cli(env, "--as-of", AFTER)
    assert (code, out) == (0, "no changes since the last run (14 scenarios); nothing to send\n")
    assert (team / "data" / STATE_FILE_NAME).read_bytes() == recorded  # unchanged: committing it back adds no commit

    box = mailbox[0]
    assert len(hook.posts) == len(box.messages) == 2
    christmas = next(body for _, body in hook.posts if body["scenario"] == CHRISTMAS)
    assert christmas["text"].startswith(f"{CHRISTMAS}: watching -&gt; due soon (deadline 2021-12-25 24:00 Europe/Brussels, 5 d 0 h left)")
    assert christmas["text"].endswith("https://tracker.example.org/?scenario=joint-sanctions-christmas-2021")
    headers = next(h for h, body in hook.posts if body["scenario"] == CHRISTMAS)
    assert headers["Idempotency-Key"] == headers["X-Idempotency-Key"] == christmas["message_id"]
    assert headers["Content-Type"] == "application/json"
    mail = next(m for m in box.messages if str(m["Subject"]).startswith(CHRISTMAS))
    assert mail["Message-ID"] == f"<{christmas['message_id']}@sanctions-scenario-tracker>"
    assert mail["To"] == "ana@example.org, ben@example.org" and mail["From"] == "sanctions-tracker@localhost"
    assert chat_literal(mail.get_content().replace("\r\n", "\n").strip()) == christmas["text"]  # SMTP carries CRLF line ends


def test_a_failing_endpoint_is_retried_at_the_next_run_and_the_others_are_not_sent_twice(
    team: Path, hook: Hook, mailbox: tuple[Mailbox, int], cli: Cli
) -> None:
    env = _settings(hook, mailbox)
    cli(env, "--as-of", BEFORE)
    hook.code = 500
    code, out, _ = cli(env, "--as-of", AFTER)
    assert code == 1
    assert out == "sent 2 messages (email 2)\n2 deliveries failed (webhook: HTTP 500); they will be retried at the next run\n"
    assert len(hook.posts) == 1  # a channel that failed is not tried again in the same run
    hook.code = 200
    code, out, _ = cli(env, "--as-of", AFTER)
    assert (code, out) == (0, "sent 2 messages (webhook 2)\n")
    code, out, _ = cli(env, "--as-of", AFTER)
    assert (code, out) == (0, "no changes since the last run (14 scenarios); nothing to send\n")
    assert len(mailbox[0].messages) == 2 and len(hook.posts) == 3
    assert hook.posts[0][1] == hook.posts[1][1]  # the retry is the same message, with the same key
    assert sorted(body["scenario"] for _, body in hook.posts[1:]) == sorted([CHRISTMAS, "g7-massive-consequences-2021"])


def test_an_unreachable_server_is_retried_too(team: Path, cli: Cli) -> None:
    env = {"TRACKER_NOTIFY_SMTP": f"smtp://127.0.0.1:{_free_port()}", "TRACKER_NOTIFY_TO": "ana@example.org"}
    cli(env, "--as-of", BEFORE)
    code, out, _ = cli(env, "--as-of", AFTER)
    assert code == 1 and out.startswith("2 deliveries failed (email: smtp://127.0.0.1:")
    state = read_state(team / "data" / STATE_FILE_NAME)
    assert state is not None and [m.pending for m in state.outbox] == [("email",), ("email",)]


def test_a_run_killed_after_queueing_sends_each_message_once_next_time(team: Path, hook: Hook) -> None:
    env = _settings(hook)
    run_child(team, env, "--as-of", BEFORE)
    killed_at(team, env, "queued", "--as-of", AFTER)
    assert hook.posts == []
    state = read_state(team / "data" / STATE_FILE_NAME)
    assert state is not None and len(state.outbox) == 2 and state.scenarios[CHRISTMAS].status == "due-soon"
    done = run_child(team, env, "--as-of", AFTER)  # the change is recorded: it is not found, nor worded, again
    assert (done.returncode, done.stdout) == (0, "sent 2 messages (webhook 2)\n")
    assert run_child(team, env, "--as-of", AFTER).stdout == "no changes since the last run (14 scenarios); nothing to send\n"
    assert len(hook.posts) == 2 and len({body["message_id"] for _, body in hook.posts}) == 2


def test_a_run_killed_between_sent_and_recorded_repeats_only_that_message_under_the_same_key(team: Path, hook: Hook) -> None:
    env = _settings(hook)
    run_child(team, env, "--as-of", BEFORE)
    killed_at(team, env, "sent:2", "--as-of", AFTER)
    assert len(hook.posts) == 2  # the receiver accepted both; the run died before recording the second
    state = read_state(team / "data" / STATE_FILE_NAME)
    assert state is not None and [m.key for m in state.outbox] == [hook.posts[1][1]["message_id"]]  # the first is recorded
    done = run_child(team, env, "--as-of", AFTER)
    assert (done.returncode, done.stdout) == (0, "sent 1 message (webhook 1)\n")
    assert run_child(team, env, "--as-of", AFTER).stdout == "no changes since the last run (14 scenarios); nothing to send\n"
    keys = [body["message_id"] for _, body in hook.posts]
    assert len(keys) == 3 and keys[1] == keys[2] != keys[0]  # the one repeat carries its key: a receiver drops it
    assert len({body["text"] for _, body in hook.posts}) == 2


def test_dry_run_prints_what_it_would_send_and_changes_nothing(team: Path, hook: Hook, cli: Cli) -> None:
    code, out, _ = cli({}, "--dry-run", "--as-of", BEFORE)
    assert (code, out) == (0, "first run: would record the state of 14 scenarios; nothing would be sent\n")
    assert not (team / "data" / STATE_FILE_NAME).exists()
    cli(_settings(hook), "--as-of", BEFORE)
    recorded = (team / "data" / STATE_FILE_NAME).read_bytes()
    code, out, _ = cli(_settings(hook), "--dry-run", "--as-of", AFTER)
    assert code == 0
    assert f"would send (webhook):\n  {CHRISTMAS}: watching -> due soon (deadline 2021-12-25 24:00 Europe/Brussels, 5 d 0 h left)\n" in out
    assert out.endswith("dry run: 2 changes since the last run, 0 messages pending; nothing sent or recorded\n")
    assert hook.posts == [] and (team / "data" / STATE_FILE_NAME).read_bytes() == recorded


def test_dry_run_shows_the_messages_waiting_for_a_retry_and_why(team: Path, hook: Hook, cli: Cli) -> None:
    cli(_settings(hook), "--as-of", BEFORE)
    hook.code = 500
    cli(_settings(hook), "--as-of", AFTER)
    code, out, _ = cli(_settings(hook), "--dry-run", "--as-of", AFTER)
    assert code == 0 and out.count("would send (webhook, last failed: HTTP 500):\n  ") == 1  # the other was not tried after it
    assert out.count("would send (webhook):\n  ") == 1
    assert out.endswith("dry run: 0 changes since the last run, 2 messages pending; nothing sent or recorded\n")


def test_messages_for_a_channel_no_longer_configured_are_dropped_and_said(
    team: Path, hook: Hook, mailbox: tuple[Mailbox, int], cli: Cli
) -> None:
    cli(_settings(hook, mailbox), "--as-of", BEFORE)
    hook.code = 500
    cli(_settings(hook, mailbox), "--as-of", AFTER)
    code, out, _ = cli(_settings(mailbox=mailbox), "--as-of", AFTER)
    assert (code, out) == (0, "not sent to channels no longer configured: webhook 2\n")
    state = read_state(team / "data" / STATE_FILE_NAME)
    assert state is not None and state.outbox == ()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{", "is not valid JSON"),
        ('{"version": 99}', "has version 99, and this tracker reads version 1"),
        ('{"version": 1, "run": 1}', "is not in the expected form"),
    ],
)
def test_a_damaged_state_file_is_named_with_what_to_do(content: str, says: str, team: Path, hook: Hook, cli: Cli) -> None:
    (team / "data" / STATE_FILE_NAME).write_text(content, encoding="utf-8")
    code, _, err = cli(_settings(hook), "--as-of", AFTER)
    assert code == 1 and err.startswith(f"tracker: data/{STATE_FILE_NAME}: {says}")
    assert "Move it aside to start again" in err and hook.posts == []


def test_the_webhook_shows_text_as_written_and_e_mail_keeps_it_plain(hook: Hook, mailbox: tuple[Mailbox, int]) -> None:
    message = Message("k1", "s", "s: watching -> due soon\n<!channel> *now* & <https://evil.example|click>", ("webhook", "email"))
    Webhook(hook.url).send(message)
    (_, body), *_ = hook.posts
    assert body["text"] == "s: watching -&gt; due soon\n&lt;!channel&gt; *now* &amp; &lt;https://evil.example|click&gt;"
    assert body["mrkdwn"] is False
    Email("127.0.0.1", mailbox[1], None, None, "desk@example.org", ("ana@example.org",), "smtp://127.0.0.1").send(message)
    (mail,) = mailbox[0].messages
    assert mail.get_content().replace("\r\n", "\n").strip() == message.text


# --- STARTTLS ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def tls_mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Mailbox, int]]:
    """An SMTP server that offers (and requires) STARTTLS, with a certificate for 127.0.0.1 that this process trusts."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client's default context trusts it, and nothing else
    box, port = Mailbox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    yield box, port
    controller.stop()


def test_email_upgrades_to_tls_when_the_server_offers_starttls(team: Path, tls_mailbox: tuple[Mailbox, int], cli: Cli) -> None:
    env = _settings(mailbox=tls_mailbox)
    cli(env, "--as-of", BEFORE)
    code, out, _ = cli(env, "--as-of", AFTER)
    assert (code, out) == (0, "sent 2 messages (email 2)\n")
    box = tls_mailbox[0]
    assert box.tls == [True, True] and any(s.startswith(f"{CHRISTMAS}: watching -> due soon") for s in box.subjects)


# --- the README's schedules -------------------------------------------------------------------------------------------
def _notifications_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Notifications\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_schedules_run_a_command_that_exists() -> None:
    section = _notifications_section()
    commands = [
        line.split("tracker notify", 1)[1] for line in section.splitlines() if "/tracker notify" in line or "run: tracker notify" in line
    ]
    assert len(commands) == 3  # cron, systemd, GitHub Actions
    for rest in commands:
        build_parser().parse_args(["notify", *shlex.split(rest.split(">>")[0])])  # raises UsageError for an unknown flag
    workflow = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    assert workflow[True]["schedule"] and workflow["concurrency"]["cancel-in-progress"] is False  # YAML 1.1 reads `on` as True
    commit = workflow["jobs"]["notify"]["steps"][-1]
    assert commit["if"] == "always()" and "git add data/.tracker-notify.json" in commit["run"]  # a failed run's outbox is kept too


def test_a_scenario_reviewed_again_is_a_change_from_the_real_review(team: Path, hook: Hook, cli: Cli) -> None:
    # The G7 scenario asks for a review every 30 days: stale through January 2022, reviewed by the events of 10 February.
    g7 = "g7-massive-consequences-2021"
    assert cli(_settings(hook), "--as-of", "2022-01-20")[0] == 0
    assert read_state(team / "data" / STATE_FILE_NAME).scenarios[g7].stale  # type: ignore[union-attr]
    code, _, _ = cli(_settings(hook), "--as-of", "2022-02-11")
    assert code == 0
    (body,) = [body for _, body in hook.posts if body["scenario"] == g7]
    assert "reviewed again: no longer stale" in body["text"]
