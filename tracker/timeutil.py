"""Durations, zones and instants: the few time rules every other module shares."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = dt.UTC
# `mo` before `m`: "6mo" is six months, never six minutes followed by an "o".
_DURATION = re.compile(r"([0-9]+)\s*(mo|[ywdhm])")
_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_UNIT_MONTHS = {"y": 12, "mo": 1}
DURATION_HELP = "a fixed duration like 30d, 12h, 2w or 1w 3d (w=weeks, d=days, h=hours, m=minutes)"
SPAN_HELP = "a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w (y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)"
CYCLE_HELP = "a duration like 6mo, 1y, 30d or 1y 2w (y=years, mo=months, w=weeks, d=days)"

# The supported calendar: every date a user writes (a deadline, an event, an as-of, the date part of a datetime)
# lies in these years. Anything outside is a located error, never a number that wraps: the event log counts
# nanoseconds in 64 bits (1677-09-21 to 2262-04-11), and this range plus the longest duration, a day either side
# for time zones, stays well inside it.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
SUPPORTED_RANGE = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
MAX_DURATION = dt.timedelta(days=50 * 365 + 12)  # 50 years, leap days included
MAX_DURATION_TEXT = "50 years"


def out_of_range(value: dt.date | dt.datetime) -> str | None:
    """Why a date or datetime lies outside the supported calendar (its date as written), or None when it is inside."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return f"{value.isoformat()} is outside the supported dates, {SUPPORTED_RANGE}"


def check_range(value: dt.date | dt.datetime) -> None:
    """ValueError with the plain message when ``value`` lies outside the supported calendar."""
    problem = out_of_range(value)
    if problem is not None:
        raise ValueError(problem)


@dataclass(frozen=True)
class Span:
    """A duration that may count calendar months (a year is twelve): not a timedelta, as a month has no fixed length.

    It moves a date (or an instant, in a zone's wall-clock time) by its months first, clamped to the end of a shorter
    month (31 Jan + 1mo = 28 or 29 Feb), then by its fixed part."""

    months: int = 0
    fixed: dt.timedelta = dt.timedelta(0)

    def shift_day(self, day: dt.date, times: int = 1) -> dt.date:
        """``day`` moved by ``times`` spans (negative: back), counted from ``day`` at once so clamping never drifts;
        the fixed part counts whole days only."""
        return add_months(day, self.months * times) + dt.timedelta(days=self.fixed.days * times)

    def shift(self, instant: dt.datetime, tz: dt.tzinfo, times: int = 1) -> dt.datetime:
        """``instant`` moved by ``times`` spans on the wall clock of ``tz`` (months), then by the fixed part."""
        if not self.months:
            # Exactly the plain timedelta arithmetic, the instant keeping its own offset (as JSON and text show it).
            return instant + self.fixed * times
        local = instant.astimezone(tz)
        moved = dt.datetime.combine(add_months(local.date(), self.months * times), local.time(), tzinfo=tz)
        return moved.astimezone(UTC) + self.fixed * times

    def after(self, instant: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        """The instant one span after ``instant`` (a month later: the same wall-clock time in ``tz``)."""
        return self.shift(instant, tz)

    def before(self, instant: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        """The instant one span before ``instant``: e.g. where "less than this before a deadline" begins."""
        return self.shift(instant, tz, -1)

    @property
    def whole_days(self) -> bool:
        """Counted in calendar units only (months and whole days), so that from a date it ends at the end of a day."""
        return not self.fixed % dt.timedelta(days=1)

    def after_day(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        """One span (whole days) after a date-only ``day``: the end of the day it lands on in ``tz``, so that `30d`
        is the end of the 30th day after it and `1mo` from 31 Jan the end of 28 or 29 Feb."""
        return end_of_day(self.shift_day(day), tz)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, its day clamped to the month's end (31 Aug + 6 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def parse_span(text: str) -> Span:
    """'6mo', '1y', '30d', '1y 2w' -> Span; ValueError with a plain message (naming the units) otherwise."""
    cleaned = text.strip().lower()
    pos = 0
    months = 0
    seconds = 0
    longest = MAX_DURATION.days * 86400
    for match in _DURATION.finditer(cleaned):
        if cleaned[pos : match.start()].strip():
            break
        digits = match.group(1).lstrip("0") or "0"
        # Past twelve digits every unit is longer than the longest duration; int() of thousands would raise.
        count = int(digits) if len(digits) <= 12 else longest + 1
        unit = match.group(2)
        if unit in _UNIT_MONTHS:
            months += count * _UNIT_MONTHS[unit]
        else:
            seconds += count * _UNIT_SECONDS[unit]
        pos = match.end()
    if not cleaned or pos == 0 or cleaned[pos:].strip():
        raise ValueError(f"{_shown(text)} is not {SPAN_HELP}")
    if months <= 0 and seconds <= 0:
        raise ValueError(f"{_shown(text)} must be longer than zero")
    if months * 31 * 86400 + seconds > longest:
        raise ValueError(f"{_shown(text)} is longer than {MAX_DURATION_TEXT}, the longest duration supported")
    return Span(months, dt.timedelta(seconds=seconds))


def parse_duration(text: str) -> dt.timedelta:
    """'30d', '12h', '2w', '1w 3d' -> timedelta; ValueError with a plain message otherwise. Months and years are not
    fixed lengths of time: a Span (`parse_span`) takes them."""
    try:
        span = parse_span(text)
    except ValueError as error:
        raise ValueError(str(error).replace(SPAN_HELP, DURATION_HELP)) from None
    if span.months:
        raise ValueError(f"{_shown(text)} counts calendar months or years, which have no fixed length; here give {DURATION_HELP}")
    return span.fixed


def _shown(text: str, limit: int = 40) -> str:
    """A value quoted in a message, cut short when long (a pasted paragraph is not repeated back whole)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def format_span(span: Span) -> str:
    """Shortest faithful spelling of a Span, e.g. 6mo, 1y, 1y 6mo 2w."""
    years, months = divmod(span.months, 12)
    parts = ([f"{years}y"] if years else []) + ([f"{months}mo"] if months else [])
    if span.fixed:
        parts.append(format_duration(span.fixed))
    return " ".join(parts) or "0m"


def format_duration(delta: dt.timedelta) -> str:
    """Shortest faithful spelling, e.g. 30d, 12h, 2w."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        if seconds >= size and (unit != "w" or seconds % size == 0):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts) or "0m"


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ValueError with suggestions when it does not exist."""
    try:
        if not name or name != name.strip() or len(name) > 64:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder ("Europe"), or a name too long for a file
        from difflib import get_close_matches

        close = get_close_matches(name, sorted(available_timezones()), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else " (an IANA name such as Europe/Brussels)"
        raise ValueError(f"unknown time zone {_shown(name)}{hint}") from None


def now() -> dt.datetime:
    """The current instant, in UTC: the one clock of the command line and the dashboard."""
    return dt.datetime.now(UTC)


def start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Midnight at the start of ``day`` in ``tz``, as an aware datetime in UTC (DST-safe)."""
    local = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return local.astimezone(UTC)


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """'24:00' on ``day`` in ``tz``: the first instant that is no longer ``day``."""
    return start_of_day(day + dt.timedelta(days=1), tz)


def last_instant(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The last microsecond of ``day`` in ``tz``, in ``tz``: what "as of that date" means."""
    return (end_of_day(day, tz) - dt.timedelta(microseconds=1)).astimezone(tz)


def last_day(end: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The calendar day in ``tz`` of the last instant before an exclusive ``end``: for ``end_of_day(d, tz)``, ``d``."""
    return (end - dt.timedelta(microseconds=1)).astimezone(tz).date()


def parse_instant(text: str, tz: dt.tzinfo = UTC) -> dt.datetime:
    """An as-of instant from a date or a datetime with offset.

    A date means the END of that day in ``tz`` (its last microsecond), so "as of
    20 December" includes everything that happened on 20 December. The result keeps
    ``tz`` so that date-only events are compared against the day the user asked for.
    """
    cleaned = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cleaned):
        try:
            day = dt.date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"{_shown(text)} is not a real calendar date") from None
        check_range(day)
        return last_instant(day, tz)
    try:
        value = dt.datetime.fromisoformat(cleaned.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{_shown(text)} is not a date (2021-12-20) or a datetime with offset (2021-12-20T12:00:00Z)") from None
    if value.tzinfo is None:
        raise ValueError(f"{_shown(text)} has no time zone offset; add one, e.g. {cleaned}Z or {cleaned}+01:00")
    check_range(value)
    return value


def parse_as_of(text: str) -> dt.date | dt.datetime:
    """An as-of from a link, a flag or a form: a bare date (the end of that day in each scenario's own zone,
    resolved by the engine) or a datetime with offset (that instant)."""
    cleaned = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cleaned):
        try:
            day = dt.date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"{_shown(text)} is not a real calendar date") from None
        check_range(day)
        return day
    return parse_instant(cleaned)


def as_of_text(as_of: dt.date | dt.datetime) -> str:
    """How an as-of reads in headers: '2021-12-20 (end of day in each scenario's zone)' or the instant."""
    if isinstance(as_of, dt.datetime):
        return as_of.isoformat()
    return f"{as_of.isoformat()} (end of day in each scenario's zone)"


def as_of_param(as_of: dt.date | dt.datetime) -> str:
    """An as-of as a link or a flag writes it, read back by `parse_as_of`: '2021-12-20', or the instant with its offset."""
    if not isinstance(as_of, dt.datetime):
        return as_of.isoformat()
    return as_of.isoformat(timespec="minutes") if as_of.second == 0 and as_of.microsecond == 0 else as_of.isoformat()


def to_ns(instant: dt.datetime) -> int:
    """Nanoseconds since the epoch (UTC) of an aware datetime."""
    delta = instant - dt.datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def from_ns(ns: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(microseconds=ns // 1000)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - dt.date(1970, 1, 1)).days


def from_day_number(n: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(n))


def format_remaining(seconds: float | None) -> str:
    """Time left as people say it on a board: '18 d 23 h', '5 h 12 min', '42 min', 'past'."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return "< 1 min" if seconds > 0 else "0 min"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def duration_words(delta: dt.timedelta) -> str:
    """A duration for sentences: '7 days', '12 hours', '2 weeks', '1 day 6 hours'."""
    seconds = int(delta.total_seconds())
    names = {"w": "week", "d": "day", "h": "hour", "m": "minute"}
    whole_weeks = seconds % _UNIT_SECONDS["w"] == 0 and seconds // _UNIT_SECONDS["w"] > 1
    units = ["w"] if whole_weeks else ["d", "h", "m"]
    parts = []
    for unit in units:
        count, seconds = divmod(seconds, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count} {names[unit]}{'s' if count != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def span_words(span: Span) -> str:
    """A Span for sentences: '6 months', '1 year', '1 year 6 months', '2 weeks'."""
    years, months = divmod(span.months, 12)
    parts = [f"{count} {name}{'s' if count != 1 else ''}" for count, name in ((years, "year"), (months, "month")) if count]
    if span.fixed:
        parts.append(duration_words(span.fixed))
    return " ".join(parts) or "0 minutes"
