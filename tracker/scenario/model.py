"""The scenario file's data model: the single source of its rules and its JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from tracker.timeutil import DURATION_HELP, day_number, end_of_day, format_duration, parse_duration, start_of_day, to_ns, zone

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class CrossFieldError(ValueError):
    """A rule across fields, reported at ``field`` (pydantic would place it at the model)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field} {detail}")
        self.field = field
        self.detail = detail


def _duration(value: Any) -> dt.timedelta:
    if isinstance(value, dt.timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    return parse_duration(value)


Duration = Annotated[
    dt.timedelta,
    BeforeValidator(_duration),
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


def _date_or_aware_datetime(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone offset; write e.g. {value.isoformat()}+01:00, or give just the date")
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"expected a date like 2021-12-25 or a datetime with offset like 2021-12-25T18:00:00+01:00 (unquoted), got {value!r}")


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

Labels = Annotated[list[Annotated[str, Field(min_length=1)]], Field(default_factory=list)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Match(_Strict):
    """Which events count. Each key given must share at least one value with the event."""

    tags: Labels = Field(description="Event tags, any of which matches.", examples=[["de-escalation"]])
    actors: Labels = Field(description="Who acted in the event, any of which matches.", examples=[["Russia"]])
    targets: Labels = Field(description="Who the event was aimed at, any of which matches.", examples=[["Russia"]])
    ids: Labels = Field(description="Explicit event ids from the event log.", examples=[["2022-02-22-eu-first-package"]])

    @model_validator(mode="after")
    def _not_empty(self) -> Match:
        if not (self.tags or self.actors or self.targets or self.ids):
            raise ValueError("an empty match would match nothing; give tags, actors, targets or ids")
        return self

    @cached_property
    def description(self) -> str:
        parts = [
            f"{key}={', '.join(values)}"
            for key, values in (("ids", self.ids), ("actors", self.actors), ("targets", self.targets), ("tags", self.tags))
            if values
        ]
        return "; ".join(parts)


class Trigger(_Strict):
    """Exactly one of `when` or `unless`."""

    # Editors learn the "exactly one" rule too, not only the loader.
    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["when"]}, {"required": ["unless"]}]})

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

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        if (self.when is None) == (self.unless is None):
            raise ValueError("give exactly one of `when:` or `unless:`")
        return self

    @property
    def kind(self) -> Literal["when", "unless"]:
        return "when" if self.when is not None else "unless"

    @property
    def match(self) -> Match:
        found = self.when or self.unless
        assert found is not None  # guaranteed by _exactly_one
        return found


class Response(_Strict):
    """What is promised once the trigger fires."""

    title: str = Field(min_length=1, description="The promised response.", examples=["Joint sanctions package"])
    match: Match = Field(
        description="Events that count as the response (at or after the trigger).",
        examples=[{"tags": ["sanctions-package"]}],
    )
    within: Duration | None = Field(default=None, description="After this, a missing response is overdue.", examples=["30d"])


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

    on: dt.date = Field(description="Tracking ends from the start of this day (in `timezone`).", examples=["2021-11-16"])
    reason: str = Field(
        min_length=1,
        description="Why the scenario is no longer tracked.",
        examples=["The regulator suspended the procedure, so the deadline no longer applied."],
    )


# The engine's state names (tracker.engine.status.Status), spelt out here because the engine imports this module.
StatusName = Literal["watching", "due-soon", "averted", "lapsed", "triggered", "overdue", "enacted", "withdrawn"]

Instant = Annotated[
    dt.date | dt.datetime,
    BeforeValidator(_date_or_aware_datetime),
    _date_or_datetime_schema("A date or a datetime with an offset.", ["2021-12-20", "2021-12-06T12:00:00Z"]),
]

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
    remaining: Duration | None = Field(
        default=None,
        description="The time expected to remain (to the deadline, or to the response's due time). Left out, not checked.",
        examples=["19d 11h"],
    )

    @model_validator(mode="after")
    def _given_ids(self) -> Expectation:
        if self.events is None:
            return self
        seen: set[str] = set()
        for event in self.events:
            if event.id in seen:
                raise CrossFieldError("events", f"two given events have the id {event.id!r}; ids must be unique")
            seen.add(event.id)
        unknown = [event_id for event_id in self.decided_by or [] if event_id not in seen]
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise CrossFieldError("decided_by", f"{names} {'is' if len(unknown) == 1 else 'are'} not among this case's events")
        return self


class Scenario(_Strict):
    """A conditional commitment with a deadline."""

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
    opened: dt.date = Field(description="Tracking starts on this day; earlier events are ignored.", examples=["2021-12-03"])
    deadline: Deadline
    timezone: str = Field(default="UTC", description="IANA time zone of the deadline.", examples=["Europe/Brussels"])
    warn_within: Duration | None = Field(default=None, description="Status is due-soon this close to the deadline.", examples=["7d"])
    trigger: Trigger = Field(
        description="What fires the scenario: exactly one of `when` or `unless`.",
        examples=[{"unless": {"actors": ["Russia"], "tags": ["de-escalation"]}}],
    )
    response: Response | None = Field(
        default=None,
        description="What is promised once the trigger fires.",
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

    @field_validator("timezone")
    @classmethod
    def _real_zone(cls, value: str) -> str:
        zone(value)
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Scenario:
        if self.opened_at >= self.deadline_at:
            raise CrossFieldError("deadline", f"{self.deadline_text} is not after opened {self.opened.isoformat()}")
        return self

    # Derived instants: one definition, used by the engine, the CLI and the UI.
    @cached_property
    def tz(self) -> dt.tzinfo:
        return zone(self.timezone)

    @cached_property
    def opened_at(self) -> dt.datetime:
        return start_of_day(self.opened, self.tz)

    @property
    def deadline_is_date(self) -> bool:
        return not isinstance(self.deadline, dt.datetime)

    @cached_property
    def deadline_at(self) -> dt.datetime:
        """The exclusive end: a date deadline ends at 24:00 of that day in `timezone`."""
        if isinstance(self.deadline, dt.datetime):
            return self.deadline.astimezone(dt.UTC)
        return end_of_day(self.deadline, self.tz)

    @cached_property
    def deadline_text(self) -> str:
        if isinstance(self.deadline, dt.datetime):
            return self.deadline.isoformat()
        return f"{self.deadline.isoformat()} 24:00 {self.timezone}"

    # The same bounds in the engine's units (ns since the epoch, day numbers), computed once.
    @cached_property
    def opened_ns(self) -> int:
        return to_ns(self.opened_at)

    @cached_property
    def last_ns(self) -> int:
        """The last nanosecond before the deadline."""
        return to_ns(self.deadline_at) - 1

    @cached_property
    def opened_day(self) -> int:
        return day_number(self.opened)

    @cached_property
    def last_day(self) -> int:
        """The last calendar day (in `timezone`) before the deadline."""
        return day_number((self.deadline_at - dt.timedelta(microseconds=1)).astimezone(self.tz).date())

    @cached_property
    def withdrawn_at(self) -> dt.datetime | None:
        if self.withdrawn is None:
            return None
        return start_of_day(self.withdrawn.on, self.tz)


def scenario_json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://sanctions-scenario-tracker.invalid/scenario.schema.json"
    schema["title"] = "Sanctions scenario"
    return schema


def scenario_json_schema_text() -> str:
    """The schema as written to scenario.schema.json (and printed by `tracker schema`)."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
