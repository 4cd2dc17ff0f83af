"""`tracker new`: a new scenario file, valid from the start, with a comment on every field."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from tracker.problems import TrackerError, display_path
from tracker.scenario.loader import SCENARIO_SUFFIXES, load_scenario_text
from tracker.scenario.model import EVENT_KINDS, SLUG_PATTERN, Scenario, scenario_json_schema_text
from tracker.scenario.yamlsafe import YamlError, parse_yaml
from tracker.text import did_you_mean_hint, fold
from tracker.timeutil import Span, format_span, out_of_range, parse_span, zone

MATCH_KEYS = ("actors", "targets", "tags", "ids", "kinds")
MATCH_HELP = (
    "KEY=VALUE[;VALUE...][;KEY=...] in quotes, with KEY one of actors, targets, tags, ids, kinds, "
    'e.g. "actors=Russia;tags=de-escalation;kinds=action;decision" (or the flag repeated, one KEY each)'
)
SCHEMA_FILE = "scenario.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
MAX_SLUG = 60
# Without --unless or --when the file still loads, and `tracker validate` flags this id until it is replaced.
PLACEHOLDER_EVENT_ID = "todo-replace-with-the-deciding-event-id"

TriggerKind = Literal["when", "unless"]


class ScaffoldError(TrackerError):
    """A flag of `tracker new` that cannot make a valid scenario; the message names the flag."""


def slugify(title: str) -> str:
    """'Joint US-EU sanctions by Christmas!' -> 'joint-us-eu-sanctions-by-christmas' (at most 60 characters, cut at a hyphen).

    Any script is transliterated to ASCII (python-slugify, through text-unidecode), so a Russian or Arabic title
    gives a usable id too: 'Санкции против России' -> 'sanktsii-protiv-rossii'.
    """
    # Here, not above: `tracker validate` imports this module (for `tracker new`'s help) and never makes an id.
    from slugify import slugify as _slugify

    return _slugify(title, max_length=MAX_SLUG, word_boundary=True, save_order=True)


def parse_match(items: Sequence[str], flag: str) -> dict[str, list[str]]:
    """A MATCH flag's items, as the one list syntax splits them (tracker.cli.common.list_values) -> the match.

    ``["actors=E3", "France", "tags=snapback"]`` (from ``--when "actors=E3;France;tags=snapback"``, or the flag repeated)
    -> {'actors': ['E3', 'France'], 'tags': ['snapback']}: an item without ``KEY=`` is one more value of the key before it.
    Commas also separate one key's values (``actors=E3,France``, the older form); a key given twice gathers its values.
    """
    match: dict[str, list[str]] = {}
    key: str | None = None
    for item in items:
        head, sep, values = item.partition("=")
        if sep:
            key = head.strip()
            if key not in MATCH_KEYS:
                close = get_close_matches(key, MATCH_KEYS, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else f" (use {', '.join(MATCH_KEYS)})"
                raise ScaffoldError(f"{flag}: unknown key {key!r}{hint}")
            match.setdefault(key, [])
        elif key is None:
            raise ScaffoldError(f"{flag}: {item!r} is not KEY=VALUES; write {MATCH_HELP}")
        else:
            values = item
        for given in (v.strip() for v in values.split(",") if v.strip()):
            value = _kind(given, flag) if key == "kinds" else given
            if value not in match[key]:
                match[key].append(value)
    if not match:
        raise ScaffoldError(f"{flag}: give at least one KEY=VALUES; write {MATCH_HELP}")
    for name, found in match.items():
        if not found:
            raise ScaffoldError(f"{flag}: {name}= gives no values")
    if set(match) == {"kinds"}:
        raise ScaffoldError(f"{flag}: kinds= only narrows a match; give actors, targets, tags or ids too")
    return match


def _kind(value: str, flag: str) -> str:
    """A kind of event as the log writes it (lower case); the event log's own message for one that is not."""
    folded = fold(value)
    if folded not in EVENT_KINDS:
        hint = did_you_mean_hint(folded, EVENT_KINDS, cutoff=0.5)
        raise ScaffoldError(f"{flag}: kinds: {value!r} is not a kind of event{hint} (the kinds are {', '.join(EVENT_KINDS)})")
    return folded


def parse_within(text: str) -> Span:
    try:
        return parse_span(text)
    except ValueError as exc:
        raise ScaffoldError(f"--within: {exc}") from None


_When = TypeVar("_When", dt.date, dt.datetime)


def parse_deadline(text: str) -> dt.date | dt.datetime:
    """A date (2026-03-31) or a datetime with offset (2026-03-31T18:00:00+02:00), in the supported calendar."""
    cleaned = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cleaned):
        try:
            return _supported("--deadline", dt.date.fromisoformat(cleaned))
        except ValueError:
            raise ScaffoldError(f"--deadline: {text!r} is not a real calendar date") from None
    try:
        value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise ScaffoldError(
            f"--deadline: {text!r} is not a date (2026-03-31) or a datetime with offset (2026-03-31T18:00:00+02:00)"
        ) from None
    if value.tzinfo is None:
        raise ScaffoldError(f"--deadline: {text!r} has no time zone offset; add one, e.g. {cleaned}+01:00, or give just the date")
    return _supported("--deadline", value)


def _supported(flag: str, value: _When) -> _When:
    problem = out_of_range(value)
    if problem is not None:
        raise ScaffoldError(f"{flag}: {problem}")
    return value


def parse_opened(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ScaffoldError(f"--opened: {text!r} is not a date like 2026-01-15") from None
    return _supported("--opened", day)


def _scalar(text: str, *, in_list: bool = False) -> str:
    """``text`` as YAML: plain when it reads back as the same string, double-quoted otherwise."""
    probe = f"v: [{text}]" if in_list else f"v: {text}"
    try:
        plain_ok = parse_yaml(probe).data == {"v": [text] if in_list else text}
    except YamlError:
        plain_ok = False
    return text if plain_ok and text == text.strip() else json.dumps(text, ensure_ascii=False)


def _flow_list(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v, in_list=True) for v in values) + "]"


def _match_lines(match: dict[str, list[str]], indent: str) -> str:
    return "".join(f"{indent}{key}: {_flow_list(match[key])}\n" for key in MATCH_KEYS if key in match)


@dataclass(frozen=True)
class ResponseSpec:
    """The `response:` of a new scenario: what is promised, the events that count as it, and an optional grace period."""

    title: str
    match: dict[str, list[str]]
    within: Span | None = None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title, "match": self.match}
        if self.within is not None:
            data["within"] = self.within
        return data


def _trigger_block(trigger_kind: TriggerKind | None, match: dict[str, list[str]] | None) -> str:
    if trigger_kind is None or match is None:
        return """# No trigger: a commitment due by the deadline. Before it the status is watching (due-soon within
# `warn_within`); a response by the deadline enacts it (on time); with none by then it is overdue, and a
# response after it is enacted late. To make it conditional, add a trigger (exactly one of unless/when):
# trigger:
#   unless: {actors: [Russia], tags: [de-escalation]}
"""
    if trigger_kind == "unless":
        trigger_comment = "Averted by a matching event before the deadline; otherwise it fires AT the deadline."
    else:
        trigger_comment = "Fires at the first matching event before the deadline; otherwise it lapses."
    match_lines = _match_lines(match, "    ")
    if match == {"ids": [PLACEHOLDER_EVENT_ID]}:
        match_lines = "    # TODO: name the deciding event's id, or match it by actors, targets and tags.\n" + match_lines
    return f"""# Exactly one of `unless:` or `when:`. An event matches when, for each key given, it shares
# at least one value with it (case-insensitively); `ids` names events of the log; `kinds` narrows
# to events of those kinds ({", ".join(EVENT_KINDS)}).
trigger:
  # {trigger_comment}
  {trigger_kind}:
{match_lines}"""


def _response_block(response: ResponseSpec | None, *, commitment: bool) -> str:
    if response is None:
        return """# Optional: what is promised once the trigger fires; `within` makes a missing response overdue.
# response:
#   title: Joint sanctions package
#   match: {tags: [sanctions-package], kinds: [decision]}
#   within: 30d
"""
    if commitment:
        head = (
            "# What is due by the deadline: an event matching `match`, from `opened` on, enacts it.\n"
            "# The same keys as a trigger's match (actors, targets, tags, ids, kinds).\n"
        )
        within_comment = "a grace period after the deadline before a missing response is overdue."
    else:
        head = (
            "# What is promised once the trigger fires. A matching event from `opened` on counts, also one\n"
            "# before the trigger fired (enacted early); `counts_from: trigger` counts only later ones.\n"
        )
        within_comment = "after this long from the trigger, a missing response is overdue."
    within_comment = ("# " if response.within is not None else "# Optional: ") + within_comment
    within = f"  within: {format_span(response.within)}\n" if response.within is not None else "  # within: 30d\n"
    return f"""{head}response:
  title: {_scalar(response.title)}
  match:
{_match_lines(response.match, "    ")}  {within_comment}
{within}  # Optional: events that meet only part of the promise make it partly-enacted until the full one comes.
  # partial: {{tags: [sanctions-package], kinds: [proposal]}}
"""


def render_scenario(
    *,
    scenario_id: str,
    title: str,
    opened: dt.date,
    deadline: dt.date | dt.datetime,
    timezone: str,
    trigger_kind: TriggerKind | None,
    match: dict[str, list[str]] | None,
    response: ResponseSpec | None = None,
) -> str:
    """The text of a new scenario file: each field explained above it, optional ones commented out.

    Without a trigger (``trigger_kind`` None) the scenario is a commitment due by the deadline, and ``response`` is required.
    """
    commitment = trigger_kind is None or match is None
    what = "a commitment due by a deadline" if commitment else "a conditional commitment with a deadline"
    return f"""{SCHEMA_LINE}
# A scenario: {what}. Check it with `tracker validate`;
# state the statuses you expect under `tests:` and run them with `tracker test`.

# Slug; must equal the file name's stem.
id: {scenario_id}
# One line: who does what, if what, by when.
title: {_scalar(title)}
# Optional: a few sentences of context.
# summary: >
#   What was said, by whom, and where.
# Who acts, e.g. [US, EU, UK]; who is targeted, e.g. [Russia]; free labels for filtering.
actors: []
targets: []
tags: []
# Tracking starts on this day; earlier events are ignored.
opened: {opened.isoformat()}
# A date means the END of that day in `timezone`; or a datetime with offset, e.g. 2026-03-31T18:00:00+02:00.
# When the deadline is moved, replace this line with its history, `deadlines:` (see scenario.schema.json).
deadline: {deadline.isoformat()}
# IANA name of the deadline's zone.
timezone: {timezone}
# Optional: the status is due-soon this close to the deadline (w=weeks, d=days, h=hours, m=minutes).
# warn_within: 7d

{_trigger_block(trigger_kind, match)}
{_response_block(response, commitment=commitment)}
# Optional: indicators plotted alongside; they do not decide the status.
# signposts:
#   - title: Troop build-up continues
#     direction: escalation  # or de-escalation
#     match: {{actors: [Russia], tags: [military-buildup]}}

# Where the commitment was reported.
# sources:
#   - title: Publisher, title and date of the report
#     url: https://example.org/the-report

# Optional: tracking ends from the start of this day.
# withdrawn:
#   on: {opened.isoformat()}
#   reason: Why the scenario is no longer tracked.

# Optional: scenario tests, run by `tracker test`: the status expected as of an instant
# (a date means the END of that day in `timezone`), and the events that decide it.
# tests:
#   - as_of: {opened.isoformat()}
#     status: watching
#     decided_by: []
"""


def new_scenario(
    folder: Path,
    *,
    title: str,
    deadline: dt.date | dt.datetime,
    opened: dt.date,
    timezone: str = "UTC",
    trigger_kind: TriggerKind | None = None,
    match: dict[str, list[str]] | None = None,
    scenario_id: str | None = None,
    commitment: bool = False,
    response: ResponseSpec | None = None,
) -> tuple[Path, list[str]]:
    """Write ``folder``/<id>.yaml (never over an existing file) -> its path and notes for the user.

    ``commitment``: no trigger; the scenario is due by the deadline, and ``response`` (the events that meet it) is required.
    """
    notes: list[str] = []
    title = title.strip()
    if not title:
        raise ScaffoldError("the title is empty; say who does what, if what, by when")
    if "\n" in title or "\r" in title:
        raise ScaffoldError("the title must be one line")
    try:
        zone(timezone)
    except ValueError as exc:
        raise ScaffoldError(f"--timezone: {exc}") from None
    if scenario_id is None:
        scenario_id = slugify(title)
        if not scenario_id:
            raise ScaffoldError(f"cannot make an id from the title {title!r}; give one with --id")
    elif not re.fullmatch(SLUG_PATTERN, scenario_id):
        raise ScaffoldError(f"--id: {scenario_id!r} is not a slug (lowercase letters, digits and single hyphens)")
    if commitment:
        if trigger_kind is not None:
            raise ScaffoldError(
                f"--commitment and --{trigger_kind} do not go together: a commitment has no trigger, it is due by the deadline"
            )
        if response is None:
            raise ScaffoldError(
                "--commitment needs --response MATCH, the events that meet the commitment, "
                "e.g. --response 'actors=EU;tags=sanctions-package'"
            )
        match = None
    elif trigger_kind is None or match is None:
        trigger_kind, match = "unless", {"ids": [PLACEHOLDER_EVENT_ID]}
        notes.append(
            f"no --unless, --when or --commitment given: the trigger names the placeholder event {PLACEHOLDER_EVENT_ID!r}; "
            "replace it before relying on the status (with an event log, tracker validate reports it as an unknown event id)"
        )
    data: dict[str, Any] = {
        "id": scenario_id,
        "title": title,
        "opened": opened,
        "deadline": deadline,
        "timezone": timezone,
    }
    if trigger_kind is not None and match is not None:
        data["trigger"] = {trigger_kind: match}
    if response is not None:
        data["response"] = response.as_data()
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScaffoldError("; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())) from None

    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"--dir: {display_path(folder)} is a file, not a folder")
    for suffix in SCENARIO_SUFFIXES:
        if taken := _taken(folder / f"{scenario_id}{suffix}"):
            raise TrackerError(taken)
    path = folder / f"{scenario_id}.yaml"
    text = render_scenario(
        scenario_id=scenario_id,
        title=title,
        opened=opened,
        deadline=deadline,
        timezone=timezone,
        trigger_kind=trigger_kind,
        match=match,
        response=response,
    )
    scenario, problems, _ = load_scenario_text(text, scenario_id, display_path(path))
    if scenario is None:  # pragma: no cover - a bug in the template, not in the user's input
        raise TrackerError("the new scenario would not load: " + "; ".join(str(p) for p in problems))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        write_new(path, text)
    except FileExistsError:  # it appeared meanwhile
        raise TrackerError(_taken(path) or f"{display_path(path)} appeared meanwhile; run tracker new again") from None
    schema = folder / SCHEMA_FILE
    try:
        write_new(schema, scenario_json_schema_text())
        notes.append(f"wrote {display_path(schema)} for editors (the file's first line points at it)")
    except FileExistsError:
        if schema.is_symlink() and not schema.exists():  # a link to a shared schema is fine; one to nothing is not written through
            notes.append(
                f"did not write {display_path(schema)}: it is a symbolic link to nothing, and tracker new never writes through "
                "a link; remove the link, and the next tracker new writes the schema for editors"
            )
    return path, notes


def _taken(path: Path) -> str | None:
    """Why a new scenario cannot be written at ``path``: a file, or a link (even one to nothing), is there already."""
    if path.is_symlink():
        link = f"{display_path(path)} is a symbolic link, and tracker new never writes through a link"
        return f"{link}; remove it, or choose another id with --id"
    if path.exists():
        return f"{display_path(path)} already exists; edit it, or choose another id with --id"
    return None


def write_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``; FileExistsError if anything is there: O_EXCL never overwrites, nor follows a link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o666)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
