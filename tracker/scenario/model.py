"""The scenario file's data model: the single source of its rules and its JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from tracker.text import excerpt, source_link
from tracker.timeutil import (
    CYCLE_HELP,
    DURATION_HELP,
    SPAN_HELP,
    Span,
    check_range,
    end_of_day,
    format_duration,
    format_span,
    last_day,
    parse_duration,
    parse_span,
    start_of_day,
    zone,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class CrossFieldError(ValueError):
    """A rule across fields, reported at ``field`` (pydantic would place it at the model)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field} {detail}")
        self.field = field
        self.detail = detail


def describe_input(value: Any) -> str:
    """A value read from a file, as a message names it: its kind, and an excerpt of text (never the whole of it)."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the datetime {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return excerpt(value if isinstance(value, str) else repr(value))


def _fixed_duration(value: Any) -> dt.timedelta:
    if isinstance(value, dt.timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected {DURATION_HELP}, got {describe_input(value)}")
    return parse_duration(value)


# A fixed length of time (what a scenario test expects to be left): no months, which have no fixed length.
FixedDuration = Annotated[
    dt.timedelta,
    BeforeValidator(_fixed_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*([0-9]+\s*[wdhm]\s*)+$",
            "description": DURATION_HELP,
            "examples": ["7d", "12h", "2w"],
        }
    ),
]


def _duration(value: Any) -> Span:
    if isinstance(value, Span):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected {SPAN_HELP}, got {describe_input(value)}")
    return parse_span(value)


# A duration a scenario counts on the calendar in its zone: months and years (month ends clamped) as well as fixed units.
Duration = Annotated[
    Span,
    BeforeValidator(_duration),
    PlainSerializer(format_span, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*([0-9]+\s*(mo|[ywdhm])\s*)+$",
            "description": SPAN_HELP,
            "examples": ["7d", "1mo", "12h", "1mo 2w"],
        }
    ),
]


def _span(value: Any) -> Span:
    if isinstance(value, Span):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected {CYCLE_HELP}, got {describe_input(value)}")
    try:
        span = parse_span(value)
    except ValueError as error:
        raise ValueError(str(error).replace(SPAN_HELP, CYCLE_HELP)) from None
    # A cycle ends at the end of a day (a date deadline), so it lasts whole days, and at least one.
    if not span.whole_days:
        minutes = " (m is minutes; months are mo)" if span.fixed % dt.timedelta(hours=1) else ""
        raise ValueError(f"{excerpt(value)} is not whole days{minutes}; give {CYCLE_HELP}")
    return span


CalendarSpan = Annotated[
    Span,
    BeforeValidator(_span),
    PlainSerializer(format_span, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*([0-9]+\s*(mo|[ywd])\s*)+$",
            "description": CYCLE_HELP,
            "examples": ["6mo", "1y", "4w"],
        }
    ),
]


def _date_or_aware_datetime(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone offset; write e.g. {value.isoformat()}+01:00, or give just the date")
        check_range(value)
        return value
    if isinstance(value, dt.date):
        check_range(value)
        return value
    expected = "a date like 2021-12-25 or a datetime with offset like 2021-12-25T18:00:00+01:00 (unquoted)"
    raise ValueError(f"expected {expected}, got {describe_input(value)}")


# A datetime as the YAML reader takes it, with the offset the loader requires. A pattern rather than
# `format: date-time`, which validators may skip and which wants seconds the loader does not.
DATETIME_WITH_OFFSET_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*([Zz]|[-+][0-9]{2}(:?[0-9]{2})?)$"
)


def _date_or_datetime_schema(description: str, examples: list[str]) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                {"type": "string", "pattern": DATETIME_WITH_OFFSET_PATTERN},
            ],
            "description": description,
            "examples": examples,
        }
    )


Deadline = Annotated[
    dt.date | dt.datetime,
    BeforeValidator(_date_or_aware_datetime),
    _date_or_datetime_schema(
        "A date (the END of that day in `timezone`) or a datetime with an offset.", ["2021-12-25", "2022-01-15T18:00:00+01:00"]
    ),
]


def _supported_day(value: dt.date) -> dt.date:
    check_range(value)
    return value


# A calendar day inside the supported dates (checked before any time arithmetic can overflow).
Day = Annotated[dt.date, AfterValidator(_supported_day)]

Labels = Annotated[list[Annotated[str, Field(min_length=1)]], Field(default_factory=list)]

# An e-mail address as an owner writes it: something, one @, a domain with a dot; no spaces.
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _owner(value: str) -> str:
    """A name ("Russia desk") or an e-mail address, on one line, trimmed."""
    owner = value.strip()
    if not owner:
        raise ValueError("expected a name or an e-mail address, got only spaces")
    if "\n" in owner or "\r" in owner:
        raise ValueError("a name or an e-mail address fits on one line")
    if "@" in owner and not _ADDRESS.fullmatch(owner):
        raise ValueError(f"{excerpt(owner)} has an @ but is not an e-mail address like analyst@example.org; give a name or an address")
    return owner


Owner = Annotated[
    str,
    AfterValidator(_owner),
    WithJsonSchema(
        {
            "type": "string",
            # The loader's rule: one line; with an @, an address (spaces around either are trimmed).
            "pattern": r"^\s*([^@\n\r]*[^@\s][^@\n\r]*|[^@\s]+@[^@\s]+\.[^@\s]+)\s*$",
            "description": 'Who answers for the scenario: a name or a team ("Russia desk"), or an e-mail address.',
            "examples": ["Russia desk", "analyst@example.org"],
        }
    ),
]

# What an event is, in the log's `kind` column; a MATCH may ask for some of them.
EventKind = Literal["threat", "statement", "proposal", "decision", "in-force", "action", "report"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Match(_Strict):
    """Which events count. Each key given must share at least one value with the event."""

    tags: Labels = Field(description="Event tags, any of which matches.", examples=[["de-escalation"]])
    actors: Labels = Field(description="Who acted in the event, any of which matches.", examples=[["Russia"]])
    targets: Labels = Field(description="Who the event was aimed at, any of which matches.", examples=[["Russia"]])
    ids: Labels = Field(description="Explicit event ids from the event log.", examples=[["2022-02-22-eu-first-package"]])
    kinds: list[EventKind] = Field(
        default_factory=list,
        description="The event's kind must be one of these (an event with no kind does not match): "
        "threat, statement, proposal, decision, in-force, action, report.",
        examples=[["decision", "in-force"]],
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Match:
        if not (self.tags or self.actors or self.targets or self.ids):
            raise ValueError("an empty match would match nothing; give tags, actors, targets or ids")
        return self

    @cached_property
    def description(self) -> str:
        parts = [
            f"{key}={', '.join(values)}"
            for key, values in (
                ("ids", self.ids),
                ("kinds", self.kinds),
                ("actors", self.actors),
                ("targets", self.targets),
                ("tags", self.tags),
            )
            if values
        ]
        return "; ".join(parts)


# The statuses a scenario reaches at a decision, at one instant; `after:` may follow them (tracker.engine.status.Status).
ReachedStatusName = Literal["triggered", "partly-enacted", "overdue", "enacted", "averted", "lapsed", "withdrawn"]


class After(_Strict):
    """Another scenario reaching a status: the link that fires this one."""

    scenario: str = Field(
        pattern=SLUG_PATTERN,
        description="The id of the scenario this one follows.",
        examples=["e3-snapback-threat-2025"],
    )
    status: list[ReachedStatusName] = Field(
        min_length=1,
        description="Fires at the instant that scenario first reached one of these statuses (as the engine computes it for "
        "the same as-of instant and basis).",
        examples=[["enacted"]],
    )

    @cached_property
    def description(self) -> str:
        """'e3-snapback-threat-2025 becomes enacted': the link in words (ids, as files write them)."""
        return f"{self.scenario} becomes {' or '.join(self.status)}"


class Trigger(_Strict):
    """Exactly one of `when`, `unless` or `after`."""

    # Editors learn the "exactly one" rule too, not only the loader.
    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["when"]}, {"required": ["unless"]}, {"required": ["after"]}]})

    when: Match | None = Field(
        default=None,
        description="Fires at the first matching event between `opened` and the deadline.",
        examples=[{"actors": ["Russia"], "tags": ["invasion"]}],
    )
    unless: Match | None = Field(
        default=None,
        description="Averted by a matching event between `opened` and the deadline; otherwise fires at the deadline.",
        examples=[{"actors": ["Russia"], "tags": ["de-escalation"]}],
    )
    after: After | None = Field(
        default=None,
        description="Fires when another scenario first reaches one of the given statuses between `opened` and the deadline; "
        "otherwise lapses at the deadline.",
        examples=[{"scenario": "e3-snapback-threat-2025", "status": ["enacted"]}],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        if sum(choice is not None for choice in (self.when, self.unless, self.after)) != 1:
            raise ValueError("give exactly one of `when:`, `unless:` or `after:`")
        return self

    @property
    def kind(self) -> Literal["when", "unless", "after"]:
        return "when" if self.when is not None else "unless" if self.unless is not None else "after"

    @property
    def match(self) -> Match | None:
        """The events that decide the trigger; None for `after:`, which another scenario decides."""
        return self.when or self.unless

    @property
    def description(self) -> str:
        """What fires (or averts) it, in words: its MATCH, or the other scenario reaching a status."""
        return self.after.description if self.after is not None else self.match.description if self.match is not None else ""


class Response(_Strict):
    """What is promised once the trigger fires."""

    title: str = Field(min_length=1, description="The promised response.", examples=["Joint sanctions package"])
    match: Match = Field(
        description="Events that count as the response (from `opened`, or from the trigger with `counts_from: trigger`).",
        examples=[{"tags": ["sanctions-package"]}],
    )
    within: Duration | None = Field(
        default=None,
        description="After this, a missing response is overdue. Counted from the trigger (for a commitment without a trigger, "
        "from the deadline); when the trigger is a date-only event or a date deadline, whole days and months are counted on the "
        "calendar: `30d` means by the end of the 30th day after it, in `timezone`, and `1mo` from 31 Jan by the end of 28 or 29 "
        "Feb. From an instant, a month is the same wall-clock time a month later.",
        examples=["30d", "1mo"],
    )
    counts_from: Literal["opened", "trigger"] = Field(
        default="opened",
        description="When a matching response event starts to count: from `opened` (the default: a response that comes before "
        "the trigger fired counts too, and is timed `early`), or only from the `trigger`.",
        examples=["opened"],
    )
    partial: Match | None = Field(
        default=None,
        description="Events that meet part of the promise: one that matches this (and not `match`) makes the scenario "
        "partly-enacted until a full response comes. A partly-enacted scenario is never overdue.",
        examples=[{"tags": ["secondary-tariffs"], "targets": ["India"]}],
    )


class Signpost(_Strict):
    """An indicator plotted alongside the scenario; it does not decide the status."""

    title: str = Field(min_length=1, description="What to watch for.", examples=["Troop build-up continues"])
    direction: Literal["escalation", "de-escalation"] = Field(description="Which way a matching event points.", examples=["escalation"])
    match: Match = Field(description="Events that count as this signpost.", examples=[{"actors": ["Russia"], "tags": ["military-buildup"]}])


class Source(_Strict):
    """Where the commitment was reported."""

    title: str = Field(
        min_length=1,
        description="Publisher, title and date of the source.",
        examples=["US-Russia tension on Ukraine erupts at OSCE dinner (Bloomberg, 6 Dec 2021)"],
    )
    url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Link to the source.",
        examples=["https://www.taipeitimes.com/News/world/archives/2021/12/06/2003769116"],
    )


class Withdrawn(_Strict):
    """The scenario is no longer tracked from a given day."""

    on: Day = Field(description="Tracking ends from the start of this day (in `timezone`).", examples=["2021-11-16"])
    reason: str = Field(
        min_length=1,
        description="Why the scenario is no longer tracked.",
        examples=["The regulator suspended the procedure, so the deadline no longer applied."],
    )


class Recurs(_Strict):
    """A series: the deadline comes round again every so often (renewal cycles)."""

    every: CalendarSpan = Field(
        description="How long each cycle runs: calendar months (`mo`), years (`y`), weeks or days. Every deadline is counted "
        "from the first (31 Jan + 6mo = 31 Jul, then 31 Jan), a month's end clamped (31 Aug + 6mo = 28 or 29 Feb).",
        examples=["6mo", "1y"],
    )
    until: Day | None = Field(
        default=None,
        description="The last day a cycle may end on: no cycle ends after it. Left out, the series goes on.",
        examples=["2026-07-31"],
    )


Instant = Annotated[
    dt.date | dt.datetime,
    BeforeValidator(_date_or_aware_datetime),
    _date_or_datetime_schema("A date or a datetime with an offset.", ["2021-12-20", "2021-12-06T12:00:00Z"]),
]


class DeadlineChange(_Strict):
    """One entry of a deadline's history: when it was announced, and the deadline it set."""

    set: Instant | None = Field(
        default=None,
        description="When this deadline was announced: a date (from the start of that day in `timezone`) or a datetime with "
        "offset. May be left out on the first entry, which then holds from `opened`.",
        examples=["2025-07-28"],
    )
    due: Deadline
    approximate: bool = Field(default=False, description='The deadline was given roughly (shown as "about ...").', examples=[True])
    source: str = Field(
        min_length=1,
        description="Where the deadline was announced: 'Publisher: Title <https://...>'.",
        examples=["Kyiv Independent: Trump to shorten the deadline to 10-12 days <https://kyivindependent.com/>"],
    )
    note: str | None = Field(default=None, min_length=1, description="Anything worth knowing.", examples=["about 10 or 12 days from today"])


# The engine's state names (tracker.engine.status.Status), spelt out here because the engine imports this module.
StatusName = Literal[
    "upcoming", "watching", "due-soon", "averted", "lapsed", "triggered", "partly-enacted", "overdue", "enacted", "withdrawn"
]
TimingName = Literal["early", "on-time", "late"]
Basis = Literal["occurred", "known"]
BASES: tuple[str, ...] = get_args(Basis)

EventLabels = Annotated[
    list[Annotated[str, Field(min_length=1, pattern=r"^[^;]+$")]],
    Field(default_factory=list),
]


class GivenEvent(_Strict):
    """An event written out in a scenario test, as a row of the event log would give it."""

    id: str = Field(min_length=1, description="Unique among the case's events.", examples=["russia-pulls-back"])
    occurred: Instant = Field(
        description="A date (2021-12-20) or a datetime with offset (2021-12-20T15:00:00Z), as in the event log.",
        examples=["2021-12-20"],
    )
    title: str = Field(min_length=1, description="What happened.", examples=["Russia pulls troops back from the border"])
    actors: EventLabels = Field(description="Who acted.", examples=[["Russia"]])
    targets: EventLabels = Field(description="Who the event was aimed at.", examples=[["Ukraine"]])
    tags: EventLabels = Field(description="What kind of event it is.", examples=[["de-escalation"]])
    source: str = Field(default="", description="Where it was reported (optional for a made-up case).", examples=["Hypothetical"])
    kind: EventKind | None = Field(
        default=None, description="What kind of event it is, as in the log's `kind` column.", examples=["decision"]
    )
    logged_at: Instant | None = Field(
        default=None,
        description="When it was logged, for cases with `basis: known` (left out: known from when it occurred).",
        examples=["2021-12-21T09:00:00Z"],
    )


class Expectation(_Strict):
    """One scenario test: as of an instant, given the events, the status is this, decided by those events."""

    name: str | None = Field(default=None, min_length=1, description="What the case shows.", examples=["Triggered after Christmas"])
    as_of: Instant = Field(
        description="The instant the status is computed for: a datetime with offset, or a date, meaning the END of that day "
        "in the scenario's `timezone`.",
        examples=["2021-12-06T12:00:00Z", "2021-12-27"],
    )
    events: list[GivenEvent] | None = Field(
        default=None,
        description="The events the case is about. Given, they are the only events the case sees; "
        "left out, the case runs against the event log (data/events.csv by default).",
        examples=[
            [
                {
                    "id": "russia-pulls-back",
                    "occurred": "2021-12-20",
                    "title": "Russia pulls back",
                    "actors": ["Russia"],
                    "tags": ["de-escalation"],
                }
            ]
        ],
    )
    status: StatusName = Field(description="The expected status.", examples=["triggered"])
    decided_by: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None,
        description="The ids of the events expected to decide the status, in any order; [] for none. Left out, not checked.",
        examples=[["2022-02-22-eu-first-package"]],
    )
    remaining: FixedDuration | None = Field(
        default=None,
        description="The time expected to remain (to the deadline, or to the response's due time). Left out, not checked.",
        examples=["19d 11h"],
    )
    timing: TimingName | None = Field(
        default=None,
        description="For an enacted or partly-enacted scenario, when the response came: early (before the trigger fired), "
        "on-time, or late (after `response.within`). Left out, not checked.",
        examples=["early"],
    )
    deadline: Deadline | None = Field(
        default=None,
        description="The deadline expected to be in force at `as_of` (with a `deadlines:` history). Left out, not checked.",
        examples=["2025-08-08"],
    )
    basis: Basis = Field(
        default="occurred",
        description="occurred: events count from when they happened; known: only once they were logged (`logged_at`).",
        examples=["known"],
    )

    @model_validator(mode="after")
    def _given_ids(self) -> Expectation:
        if self.events is None:
            return self
        seen: set[str] = set()
        for event in self.events:
            if event.id in seen:
                raise CrossFieldError("events", f"two given events have the id {excerpt(event.id)}; ids must be unique")
            seen.add(event.id)
        unknown = [event_id for event_id in self.decided_by or [] if event_id not in seen]
        if unknown:
            names = ", ".join(map(excerpt, unknown))
            raise CrossFieldError("decided_by", f"{names} {'is' if len(unknown) == 1 else 'are'} not among this case's events")
        return self


class Scenario(_Strict):
    """A conditional commitment with a deadline."""

    # Editors learn the choices too: exactly one of deadline or deadlines; a trigger, or a response for a commitment.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {"oneOf": [{"required": ["deadline"]}, {"required": ["deadlines"]}]},
                {"anyOf": [{"required": ["trigger"]}, {"required": ["response"]}]},
                {"dependentRequired": {"recurs": ["deadline"]}},
            ]
        }
    )

    id: str = Field(pattern=SLUG_PATTERN, description="Slug; must equal the file name's stem.", examples=["joint-sanctions-christmas-2021"])
    title: str = Field(
        min_length=1,
        description="One line: who does what, if what, by when.",
        examples=["Joint US-EU-UK sanctions package if Russia does not back down by Christmas"],
    )
    summary: str | None = Field(
        default=None,
        description="A few sentences of context.",
        examples=["The US, EU members and the UK envisage a joint sanctions package if Russia shows no signs of backing down."],
    )
    actors: Labels = Field(description="Who acts.", examples=[["US", "EU", "UK"]])
    targets: Labels = Field(description="Who is targeted.", examples=[["Russia"]])
    tags: Labels = Field(description="Free labels for filtering.", examples=[["ukraine", "sanctions"]])
    opened: Day = Field(description="Tracking starts on this day; earlier events are ignored.", examples=["2021-12-03"])
    deadline: Deadline | None = Field(
        default=None,
        description="The deadline (exactly one of `deadline` or `deadlines`): a date (the END of that day in `timezone`) "
        "or a datetime with an offset.",
        examples=["2021-12-25"],
    )
    deadlines: list[DeadlineChange] | None = Field(
        default=None,
        min_length=1,
        description="The deadline's history (exactly one of `deadline` or `deadlines`): each entry says when a deadline was "
        "announced (`set`) and what it was (`due`). As of an instant, the deadline in force is the `due` of the last entry "
        "set by then.",
        examples=[
            [
                {"set": "2025-07-14", "due": "2025-09-02", "source": "Reuters: Trump gives Russia 50 days <https://www.reuters.com/>"},
                {"set": "2025-07-28", "due": "2025-08-08", "approximate": True, "source": "RFE/RL: 10 to 12 days <https://www.rferl.org/>"},
            ]
        ],
    )
    recurs: Recurs | None = Field(
        default=None,
        description="Beside a single date `deadline:`, a series of cycles: cycle 1 runs from `opened` to `deadline`, each next "
        "one from the end of the previous deadline to the next (`every` later). The status is the current cycle's.",
        examples=[{"every": "6mo", "until": "2026-07-31"}],
    )
    timezone: str = Field(default="UTC", description="IANA time zone of the deadline.", examples=["Europe/Brussels"])
    warn_within: Duration | None = Field(
        default=None,
        description="Status is due-soon this close to the deadline: from the deadline moved back by it on the calendar "
        "(`1mo` before 31 Mar is from the end of 28 or 29 Feb).",
        examples=["7d", "1mo"],
    )
    owner: Owner | None = Field(
        default=None,
        description='Who answers for the scenario: a name or a team ("Russia desk"), or an e-mail address.',
        examples=["Russia desk", "analyst@example.org"],
    )
    review_every: Duration | None = Field(
        default=None,
        description="How often the scenario needs looking at while it is open: it is stale once no assessment, no matched "
        "event and no commit to its file came within this long (months counted on the calendar). Left out, it is never stale.",
        examples=["30d", "2w", "3mo"],
    )
    trigger: Trigger | None = Field(
        default=None,
        description="What fires the scenario: exactly one of `when`, `unless` or `after`. Left out, the scenario is a commitment due "
        "by the deadline, and `response` is required.",
        examples=[{"unless": {"actors": ["Russia"], "tags": ["de-escalation"]}}],
    )
    response: Response | None = Field(
        default=None,
        description="What is promised once the trigger fires (without a trigger: what is due by the deadline).",
        examples=[{"title": "Joint sanctions package", "match": {"tags": ["sanctions-package"]}, "within": "30d"}],
    )
    signposts: list[Signpost] = Field(
        default_factory=list,
        description="Indicators plotted alongside; they do not decide status.",
        examples=[
            [
                {
                    "title": "Troop build-up continues",
                    "direction": "escalation",
                    "match": {"actors": ["Russia"], "tags": ["military-buildup"]},
                }
            ]
        ],
    )
    sources: list[Source] = Field(
        default_factory=list,
        description="Where the commitment was reported.",
        examples=[[{"title": "US-Russia tension on Ukraine erupts at OSCE dinner (Bloomberg, 6 Dec 2021)"}]],
    )
    withdrawn: Withdrawn | None = Field(
        default=None,
        description="Set when the scenario is no longer tracked.",
        examples=[{"on": "2021-11-16", "reason": "The regulator suspended the procedure."}],
    )
    tests: list[Expectation] = Field(
        default_factory=list,
        description="Scenario tests, run by `tracker test`: the status expected as of an instant, "
        "against the event log or against events given in the case. They never change the status.",
        examples=[
            [
                {"as_of": "2021-12-27", "status": "triggered"},
                {"as_of": "2022-03-01", "status": "enacted", "decided_by": ["2022-02-22-eu-first-package"]},
            ]
        ],
    )

    # The scenario its `after:` trigger follows, set by the loader once every file is read (`link_scenarios`), so that
    # every caller of the engine gets linked triggers without passing the other scenarios along.
    _followed: Scenario | None = PrivateAttr(default=None)

    @field_validator("trigger", "response", "deadline", "deadlines", "owner", "review_every", "recurs", mode="before")
    @classmethod
    def _not_left_empty(cls, value: Any, info: ValidationInfo) -> Any:
        # Optional fields may be left out, not written with nothing after the colon.
        if value is None:
            expected = {
                "deadline": "a date or a datetime with offset",
                "deadlines": "a list of deadline entries",
                "owner": "a name or an e-mail address",
                "review_every": SPAN_HELP,
                "recurs": "a mapping with `every:` (and `until:`)",
            }
            raise ValueError(f"expected {expected.get(info.field_name or '', 'a mapping of fields')}, got nothing")
        return value

    @field_validator("timezone")
    @classmethod
    def _real_zone(cls, value: str) -> str:
        zone(value)
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Scenario:
        if (self.deadline is None) == (self.deadlines is None):
            raise CrossFieldError("deadline", "give exactly one of `deadline:` or `deadlines:`")
        if self.trigger is None and self.response is None:
            raise CrossFieldError(
                "trigger", "required field is missing; for a commitment with no condition, leave it out and give `response:`"
            )
        if self.deadlines is not None:
            field = "deadlines"
            previous: dt.datetime | None = None
            for number, change in enumerate(self.deadlines, start=1):
                if change.set is None and number > 1:
                    raise CrossFieldError(field, f"entry {number} has no `set`: only the first entry may leave it out")
                at = self.opened_at if change.set is None else _start(change.set, self.tz)
                if number == 1 and at > self.opened_at:
                    raise CrossFieldError(field, f"entry 1 is set {_written(change.set)}, after opened {self.opened.isoformat()}")
                if previous is not None and at <= previous:
                    raise CrossFieldError(field, f"entry {number} is set {_written(change.set)}, not after the entry before it")
                previous = at
        for number, spell in enumerate(self.schedule, start=1):
            if self.opened_at >= spell.due_at:
                where = "deadline" if self.deadlines is None else "deadlines"
                entry = "" if self.deadlines is None else f"entry {number}: "
                raise CrossFieldError(where, f"{entry}{spell.written} is not after opened {self.opened.isoformat()}")
        if self.recurs is not None:
            if self.deadlines is not None:
                raise CrossFieldError("recurs", "goes beside a single `deadline:`, not `deadlines:`; a series repeats one deadline")
            if isinstance(self.deadline, dt.datetime):
                raise CrossFieldError("recurs", "needs a date `deadline:` (each cycle ends at the end of a day), not a datetime")
            if self.recurs.until is not None and self.deadline is not None and self.recurs.until < self.deadline:
                raise CrossFieldError(
                    "recurs", f"until {self.recurs.until.isoformat()} is before the first deadline {self.deadline.isoformat()}"
                )
        return self

    # Derived instants: one definition, used by the engine, the CLI and the UI.
    @cached_property
    def tz(self) -> dt.tzinfo:
        return zone(self.timezone)

    @cached_property
    def opened_at(self) -> dt.datetime:
        return start_of_day(self.opened, self.tz)

    @cached_property
    def schedule(self) -> tuple[DeadlineSpell, ...]:
        """Every deadline the scenario had, in the order announced; one for a plain `deadline:`."""
        if self.deadlines is None:
            assert self.deadline is not None  # guaranteed by _dates_in_order
            return (DeadlineSpell.of(self.deadline, self.opened_at, self.tz, self.timezone),)
        return tuple(
            DeadlineSpell.of(
                c.due,
                self.opened_at if c.set is None else _start(c.set, self.tz),
                self.tz,
                self.timezone,
                approximate=c.approximate,
                source=c.source,
                note=c.note,
                set_written=c.set,
            )
            for c in self.deadlines
        )

    def deadline_in_force(self, at: dt.datetime) -> DeadlineSpell:
        """The deadline in force at ``at``: the last one announced by then (the first, before it was announced)."""
        found = self.schedule[0]
        for spell in self.schedule[1:]:
            if spell.set_at > at:
                break
            found = spell
        return found

    def cycle_deadline(self, number: int) -> dt.date:
        """The deadline of cycle ``number`` (from 1) of a series: always counted from the first, so clamping never drifts."""
        assert self.recurs is not None and isinstance(self.deadline, dt.date)  # a series has one date deadline
        return self.recurs.every.shift_day(self.deadline, number - 1)

    @cached_property
    def cycle_count(self) -> int | None:
        """How many cycles a series has: those ending by `until`; None when it goes on."""
        if self.recurs is None or self.recurs.until is None:
            return None
        number = 1
        while self.cycle_deadline(number + 1) <= self.recurs.until:
            number += 1
        return number

    def cycle(self, number: int) -> Cycle:
        """Cycle ``number`` of a series, with the one-off scenario the engine assesses for it."""
        opened = self.opened if number == 1 else self.cycle_deadline(number - 1) + dt.timedelta(days=1)
        deadline = self.cycle_deadline(number)
        one = self.model_copy(update={"opened": opened, "deadline": deadline, "recurs": None, "tests": []})
        for derived in [name for name in vars(one) if name not in type(self).model_fields]:
            del vars(one)[derived]  # the copy took the series' cached instants; its own are computed afresh
        return Cycle(number, opened, deadline, one)

    def cycle_at(self, at: dt.datetime) -> Cycle:
        """The cycle of a series current at ``at``: the first whose deadline has not passed, else the last."""
        assert self.recurs is not None and isinstance(self.deadline, dt.date)
        day = at.astimezone(self.tz).date()  # a date deadline has not passed while its day has not ended
        every = self.recurs.every
        guess = int((day - self.deadline).days / (every.months * 30.44 + every.fixed.days)) + 1
        number = max(1, guess if self.cycle_count is None else min(guess, self.cycle_count))
        while number > 1 and self.cycle_deadline(number - 1) >= day:
            number -= 1
        while self.cycle_deadline(number) < day and (self.cycle_count is None or number < self.cycle_count):
            number += 1
        return self.cycle(number)

    def windows_through(self, at: dt.datetime) -> list[Scenario]:
        """The one-off scenarios whose windows make up this one as far as ``at``: a series' cycles through the one current
        then; a one-off scenario alone. What a replay takes its fixed instants (openings, deadlines) from."""
        if self.recurs is None:
            return [self]
        return [self.cycle(number).scenario for number in range(1, self.cycle_at(at).number + 1)]

    # The latest announced deadline: what a view without an as-of instant shows (schema, scaffold, diffs).
    @cached_property
    def deadline_at(self) -> dt.datetime:
        """The exclusive end of the latest deadline: a date deadline ends at 24:00 of that day in `timezone`."""
        return self.schedule[-1].due_at

    @cached_property
    def deadline_text(self) -> str:
        return self.schedule[-1].due_text

    @cached_property
    def parts(self) -> tuple[Part, ...]:
        """Every part of the scenario that matches events: trigger, response, partial response, signposts."""
        found: list[Part] = []
        if self.trigger is not None and self.trigger.match is not None:
            found.append(Part("trigger", self.trigger.match, where=("trigger", self.trigger.kind)))
        if self.response is not None:
            found.append(Part("response", self.response.match, where=("response", "match")))
            if self.response.partial is not None:
                found.append(Part("partial", self.response.partial, where=("response", "partial")))
        found += [Part(s.title, s.match, s.direction, where=("signposts", i, "match")) for i, s in enumerate(self.signposts)]
        return tuple(found)

    @cached_property
    def depends_on(self) -> tuple[str, ...]:
        """The ids of the scenarios this one follows: its `after:` trigger's, or none."""
        return () if self.trigger is None or self.trigger.after is None else (self.trigger.after.scenario,)

    @property
    def followed(self) -> Scenario | None:
        """The scenario its `after:` trigger follows, once linked (None without one, or before linking)."""
        return self._followed

    def ancestry(self) -> list[Scenario]:
        """The scenario, the one its `after:` trigger follows, and so on up the chain (the loader refuses cycles)."""
        found = [self]
        while (parent := found[-1].followed) is not None:
            found.append(parent)
        return found

    def follow(self, scenario: Scenario) -> None:
        """Link the `after:` trigger to the scenario it names (the loader's job, after checking the links)."""
        if scenario.id not in self.depends_on:
            raise ValueError(f"{self.id} does not follow {scenario.id}")
        self._followed = scenario

    @cached_property
    def withdrawn_at(self) -> dt.datetime | None:
        if self.withdrawn is None:
            return None
        return start_of_day(self.withdrawn.on, self.tz)


def _start(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """When a `set` takes effect: a datetime as given, a date from the start of that day in ``tz``."""
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else start_of_day(value, tz)


def _written(value: dt.date | dt.datetime | None) -> str:
    return "at opening" if value is None else value.isoformat()


@dataclass(frozen=True)
class Cycle:
    """One cycle of a series: from ``opened`` (its first day) to ``deadline`` (its last), in the scenario's zone."""

    number: int
    opened: dt.date
    deadline: dt.date
    scenario: Scenario = field(compare=False)  # the cycle as a one-off scenario with that window; the rest as the series

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "opened": self.opened.isoformat(), "deadline": self.deadline.isoformat()}


@dataclass(frozen=True)
class Part:
    """A part of a scenario that matches events: its role (trigger, response, partial, or a signpost's title)."""

    role: str
    match: Match
    direction: str = ""  # a signpost's: escalation or de-escalation
    where: tuple[str | int, ...] = ()  # the MATCH's place in the file, e.g. ("signposts", 0, "match")


@dataclass(frozen=True)
class DeadlineSpell:
    """One deadline of a scenario's history, as instants: in force from ``set_at``, due at ``due_at`` (exclusive)."""

    due: dt.date | dt.datetime  # as written
    set_at: dt.datetime
    due_at: dt.datetime
    tz: dt.tzinfo
    timezone: str
    approximate: bool = False
    source: str = ""
    note: str | None = None
    set_written: dt.date | dt.datetime | None = None

    @classmethod
    def of(
        cls,
        due: dt.date | dt.datetime,
        set_at: dt.datetime,
        tz: dt.tzinfo,
        timezone: str,
        *,
        approximate: bool = False,
        source: str = "",
        note: str | None = None,
        set_written: dt.date | dt.datetime | None = None,
    ) -> DeadlineSpell:
        due_at = due.astimezone(dt.UTC) if isinstance(due, dt.datetime) else end_of_day(due, tz)
        return cls(due, set_at, due_at, tz, timezone, approximate, source, note, set_written)

    @property
    def is_date(self) -> bool:
        return not isinstance(self.due, dt.datetime)

    @property
    def written(self) -> str:
        """The deadline as the file writes it: a datetime as given, a date as its end of day."""
        return self.due.isoformat() if isinstance(self.due, dt.datetime) else self.due_text

    @property
    def due_day(self) -> dt.date:
        """The calendar day (in the scenario's zone) the deadline ends: a date deadline's own date."""
        return last_day(self.due_at, self.tz)

    @property
    def due_text(self) -> str:
        """The deadline as the scenario's zone reads it; a date deadline ends at 24:00 of its day."""
        text = deadline_text(self.due_at, self.tz)
        return f"about {text}" if self.approximate else text

    @property
    def set_text(self) -> str:
        return _written(self.set_written) if self.set_written is not None else "at opening"

    @property
    def publisher(self) -> str:
        """Who announced it: the part of the source before the first ':' (the whole source when there is none)."""
        head = source_link(self.source)[0]
        return head.split(":", 1)[0].strip() if ":" in head else head


def deadline_text(instant: dt.datetime, tz: dt.tzinfo) -> str:
    """A deadline (an exclusive end) in one notation everywhere: local midnight reads as 24:00 of the day before."""
    local = instant.astimezone(tz)
    name = getattr(tz, "key", None) or local.tzname() or "UTC"
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{(local - dt.timedelta(days=1)):%Y-%m-%d} 24:00 {name}"
    return f"{local:%Y-%m-%d %H:%M} {name}"


def scenario_json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://sanctions-scenario-tracker.invalid/scenario.schema.json"
    schema["title"] = "Sanctions scenario"
    return schema


def scenario_json_schema_text() -> str:
    """The schema as written to scenario.schema.json (and printed by `tracker schema`)."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
