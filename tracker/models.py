"""The scenario file's data model: the single source of its rules and its JSON Schema."""

from __future__ import annotations

import datetime as dt
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


def _deadline(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone offset; write e.g. {value.isoformat()}+01:00, or give just the date")
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"expected a date like 2021-12-25 or a datetime with offset like 2021-12-25T18:00:00+01:00 (unquoted), got {value!r}")


Deadline = Annotated[
    dt.date | dt.datetime,
    BeforeValidator(_deadline),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": "A date (the END of that day in `timezone`) or a datetime with an offset.",
            "examples": ["2021-12-25", "2022-01-15T18:00:00+01:00"],
        }
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

    when: Match | None = Field(default=None, description="Fires at the first matching event between `opened` and the deadline.")
    unless: Match | None = Field(
        default=None,
        description="Averted by a matching event between `opened` and the deadline; otherwise fires at the deadline.",
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
    title: str = Field(min_length=1, description="The promised response.", examples=["Joint sanctions package"])
    match: Match = Field(description="Events that count as the response (at or after the trigger).")
    within: Duration | None = Field(default=None, description="After this, a missing response is overdue.")


class Signpost(_Strict):
    title: str = Field(min_length=1, description="What to watch for.", examples=["Troop build-up continues"])
    direction: Literal["escalation", "de-escalation"] = Field(description="Which way a matching event points.")
    match: Match = Field(description="Events that count as this signpost.")


class Source(_Strict):
    title: str = Field(min_length=1, description="Publisher, title and date of the source.")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", description="Link to the source.")


class Withdrawn(_Strict):
    on: dt.date = Field(description="Tracking ends from the start of this day (in `timezone`).")
    reason: str = Field(min_length=1, description="Why the scenario is no longer tracked.")


class Scenario(_Strict):
    """A conditional commitment with a deadline."""

    id: str = Field(pattern=SLUG_PATTERN, description="Slug; must equal the file name's stem.", examples=["joint-sanctions-christmas-2021"])
    title: str = Field(min_length=1, description="One line: who does what, if what, by when.")
    summary: str | None = Field(default=None, description="A few sentences of context.")
    actors: Labels = Field(description="Who acts.", examples=[["US", "EU", "UK"]])
    targets: Labels = Field(description="Who is targeted.", examples=[["Russia"]])
    tags: Labels = Field(description="Free labels for filtering.", examples=[["ukraine", "sanctions"]])
    opened: dt.date = Field(description="Tracking starts on this day; earlier events are ignored.", examples=["2021-12-03"])
    deadline: Deadline
    timezone: str = Field(default="UTC", description="IANA time zone of the deadline.", examples=["Europe/Brussels"])
    warn_within: Duration | None = Field(default=None, description="Status is due-soon this close to the deadline.")
    trigger: Trigger = Field(description="What fires the scenario.")
    response: Response | None = Field(default=None, description="What is promised once the trigger fires.")
    signposts: list[Signpost] = Field(default_factory=list, description="Indicators plotted alongside; they do not decide status.")
    sources: list[Source] = Field(default_factory=list, description="Where the commitment was reported.")
    withdrawn: Withdrawn | None = Field(default=None, description="Set when the scenario is no longer tracked.")

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
