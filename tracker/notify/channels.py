"""Where messages go: a webhook and e-mail, configured in the environment or under ``[notify]`` in the secrets file.

    TRACKER_NOTIFY_WEBHOOK=https://hooks.slack.com/services/...     # or webhook = "..." under [notify]
    TRACKER_NOTIFY_SMTP=smtp://user:password@host:587               # or smtp = "..."
    TRACKER_NOTIFY_TO=a@example.org,b@example.org                   # or to = ["a@example.org", "b@example.org"]
    TRACKER_NOTIFY_FROM=tracker@example.org                         # or from = "..."; default: the SMTP user, if an address

An environment variable wins over the file; the files are those Streamlit reads, ``~/.streamlit/secrets.toml`` then
``.streamlit/secrets.toml`` in the working folder (the project's wins). The core does not import Streamlit, so they
are read here with tomllib.

A webhook must be ``https://`` (its address is usually its password): ``http://`` only to this machine (localhost,
127.0.0.1, ::1), as a relay or a test would be. Its address is shown as scheme and host only, and the SMTP password
never: ``smtp://user:***@host:587``. E-mail upgrades to TLS with STARTTLS whenever the server offers it, and a password
is sent only over TLS, or to this machine.

Every delivery carries the message's key, so a receiver can drop a message it has already seen (the one repeat
nothing can rule out: a run that dies after the receiver accepted a message and before the run recorded it): the
webhook as ``Idempotency-Key`` and ``X-Idempotency-Key`` headers and ``message_id`` in the JSON, the e-mail as its
``Message-ID``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import smtplib
import ssl
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import SplitResult, unquote, urlsplit

from tracker.notify.state import Message
from tracker.problems import TrackerError
from tracker.text import chat_literal

WEBHOOK_ENV = "TRACKER_NOTIFY_WEBHOOK"
SMTP_ENV = "TRACKER_NOTIFY_SMTP"
TO_ENV = "TRACKER_NOTIFY_TO"
FROM_ENV = "TRACKER_NOTIFY_FROM"
SECTION = "notify"
SECRETS = Path(".streamlit") / "secrets.toml"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MESSAGE_ID_DOMAIN = "sanctions-scenario-tracker"
DEFAULT_FROM = "sanctions-tracker@localhost"
TIMEOUT_SECONDS = 20.0
_ADDRESS = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+")


class SettingsError(TrackerError):
    """A setting a user got wrong: the message names where it was set."""


class DeliveryError(Exception):
    """One delivery failed; the message stays pending for this channel. ``str()`` says why, without secrets."""


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def describe(self) -> str: ...

    def send(self, message: Message) -> None: ...


def secrets_files(cwd: Path, home: Path | None) -> list[Path]:
    """The files Streamlit reads by default, the one that wins last."""
    return [*([home / SECRETS] if home is not None else []), cwd / SECRETS]


def _shown(path: Path, cwd: Path) -> str:
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path).replace(str(Path.home()), "~", 1)


def read_section(files: Sequence[Path], cwd: Path) -> dict[str, tuple[object, str]]:
    """``[notify]``'s keys from the files that exist, each with where it was set; a later file wins key by key."""
    found: dict[str, tuple[object, str]] = {}
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{_shown(path, cwd)}: cannot be read ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{_shown(path, cwd)}: not valid TOML: {exc}") from None
        section = data.get(SECTION, {})
        if not isinstance(section, dict):
            raise SettingsError(f'{_shown(path, cwd)}: [{SECTION}] must be a table, like [{SECTION}] then webhook = "https://..."')
        found.update({key: (value, f"[{SECTION}] {key} in {_shown(path, cwd)}") for key, value in section.items()})
    return found


def redacted_url(parts: SplitResult) -> str:
    """An address as messages may show it: a webhook's path (its secret) and an SMTP password left out."""
    port = f":{parts.port}" if parts.port else ""
    if parts.scheme == "smtp":
        user = f"{parts.username}:***@" if parts.password else (f"{parts.username}@" if parts.username else "")
        return f"smtp://{user}{parts.hostname}{port}"
    tail = "/..." if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{tail}"


def _split(text: str, where: str, example: str) -> SplitResult:
    try:
        parts = urlsplit(text.strip())
        _ = parts.port  # an out-of-range or non-numeric port raises here
    except ValueError:
        raise SettingsError(f"{where}: not an address (expected one like {example})") from None
    return parts


@dataclass(frozen=True)
class Webhook:
    url: str = field(repr=False)  # its path is its secret
    name: str = "webhook"

    @classmethod
    def parse(cls, text: str, where: str) -> Webhook:
        example = "https://hooks.slack.com/services/..."
        parts = _split(text, where, example)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise SettingsError(f"{where}: expected an https:// address like {example}, got {redacted_url(parts) or 'nothing'}")
        if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
            raise SettingsError(
                f"{where}: http:// sends the message and the webhook's address (its secret) unencrypted; "
                f"use https://{parts.hostname}/... (http:// is accepted only for localhost)"
            )
        return cls(text.strip())

    def describe(self) -> str:
        return redacted_url(urlsplit(self.url))

    def send(self, message: Message) -> None:
        # mrkdwn off: a title's * and _ are not formatting (Slack; other receivers ignore the key).
        payload = {"text": chat_literal(message.text), "mrkdwn": False, "scenario": message.scenario, "message_id": message.key}
        body = json.dumps(payload).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.key,
            "X-Idempotency-Key": message.key,
            "User-Agent": "sanctions-scenario-tracker",
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            raise DeliveryError(f"cannot reach {self.describe()}: {exc.reason}") from None
        except (OSError, ValueError) as exc:  # a timeout or a connection reset while reading the answer
            raise DeliveryError(f"{self.describe()}: {exc}") from None


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)
    sender: str
    recipients: tuple[str, ...]
    shown: str  # the server's address, redacted
    name: str = "email"

    @classmethod
    def parse(cls, text: str, where: str, recipients: tuple[str, ...], sender: str | None) -> Email:
        example = "smtp://user:password@smtp.example.org:587"
        parts = _split(text, where, example)
        if parts.scheme != "smtp" or not parts.hostname:
            raise SettingsError(f"{where}: expected an address like {example}, got {redacted_url(parts) or 'nothing'}")
        user = unquote(parts.username) if parts.username else None
        default = user if user and _ADDRESS.fullmatch(user) else DEFAULT_FROM
        return cls(
            parts.hostname,
            parts.port or smtplib.SMTP_PORT,
            user,
            unquote(parts.password) if parts.password is not None else None,
            sender or default,
            recipients,
            redacted_url(parts),
        )

    def describe(self) -> str:
        return f"{self.shown} to {', '.join(self.recipients)}"

    def email(self, message: Message, now: dt.datetime) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.recipients)
        mail["Subject"] = message.text.splitlines()[0][:200]
        mail["Date"] = format_datetime(now)
        mail["Message-ID"] = f"<{message.key}@{MESSAGE_ID_DOMAIN}>"
        mail.set_content(message.text)
        return mail

    def send(self, message: Message) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                elif self.user is not None and self.host not in LOCAL_HOSTS:
                    raise DeliveryError(f"{self.shown} does not offer STARTTLS, and the password is never sent unencrypted")
                if self.user is not None:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(self.email(message, dt.datetime.now(dt.UTC)))
        except smtplib.SMTPResponseException as exc:
            said = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            raise DeliveryError(f"{self.shown}: {exc.smtp_code} {said}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"{self.shown} refused every recipient: {', '.join(map(str, exc.recipients))}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{self.shown}: {exc}") from None


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{where}: expected text, got {value!r}")
    return value.strip()


def _addresses(value: object, where: str) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise SettingsError(f"{where}: expected e-mail addresses, like a@example.org,b@example.org")
    found = tuple(item.strip() for item in items if item.strip())
    for item in found:
        if not _ADDRESS.fullmatch(item):
            raise SettingsError(f"{where}: {item!r} is not an e-mail address like a@example.org")
    if not found:
        raise SettingsError(f"{where}: no e-mail address given")
    return found


def channels(env: Mapping[str, str], section: Mapping[str, tuple[object, str]]) -> list[Channel]:
    """The configured channels (none: an empty list); SettingsError names the setting that is wrong."""
    unknown = sorted(set(section) - {"webhook", "smtp", "to", "from"})
    if unknown:
        where = section[unknown[0]][1]
        raise SettingsError(f"{where}: unknown setting; [{SECTION}] takes webhook, smtp, to and from")

    def setting(env_name: str, key: str) -> tuple[object, str] | None:
        if value := env.get(env_name, "").strip():
            return value, env_name
        return section.get(key)

    found: list[Channel] = []
    if webhook := setting(WEBHOOK_ENV, "webhook"):
        found.append(Webhook.parse(_text(*webhook), webhook[1]))
    smtp, to, sender = setting(SMTP_ENV, "smtp"), setting(TO_ENV, "to"), setting(FROM_ENV, "from")
    if smtp and not to:
        raise SettingsError(f"{smtp[1]} is set but nobody to write to: set {TO_ENV}=a@example.org,b@example.org (or to = [...])")
    if to and not smtp:
        raise SettingsError(f'{to[1]} is set but no mail server: set {SMTP_ENV}=smtp://user:password@host:587 (or smtp = "...")')
    if smtp and to:
        from_address = None
        if sender is not None:
            from_address = _addresses(sender[0], sender[1])[0]
        found.append(Email.parse(_text(*smtp), smtp[1], _addresses(*to), from_address))
    return found
