"""Deadlines as an iCalendar file (RFC 5545), for importing into any calendar.

One entry per open scenario's deadline, and one for its response due time once triggered. A series (`recurs`) also
has one entry per upcoming cycle's deadline, whatever its current cycle's status: the next `UPCOMING_CYCLES` at most,
as one without `until` goes on for ever. Each cycle's entry has its own UID (the cycle's number).
Re-importing a newer file updates the entries instead of duplicating them: each entry's UID
depends only on the scenario id and what the entry is, and SEQUENCE grows with LAST-MODIFIED.

A calendar keeps an entry as imported, so its title holds nothing that changes with time: the status goes in the
description, "as of" the moment the file was made. Each deadline reminds (VALARM) when its due-soon window opens
(``warn_within``, when the scenario has one) and one day before; a response due time, one day before. A reminder is an
offset from the entry's start, except one counted in months: no iCalendar duration has months (RFC 5545 3.3.6), so it is
the instant itself (an absolute DATE-TIME trigger in UTC, 3.8.6.3), moved back on the calendar in the scenario's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import icalendar

from tracker.engine.status import Assessment, Status, urgency_key
from tracker.scenario.model import Cycle, Scenario
from tracker.timeutil import UTC, Span, end_of_day, span_words

PRODUCT = "-//sanctions-scenario-tracker//Deadlines//EN"
UID_DOMAIN = "sanctions-scenario-tracker"
CALENDAR_NAME = "Sanctions scenario deadlines"
DAY = dt.timedelta(days=1)
A_DAY = Span(fixed=DAY)
UPCOMING_CYCLES = 12
_WORDS = {
    Status.UPCOMING: "Upcoming",
    Status.WATCHING: "Watching",
    Status.DUE_SOON: "Due soon",
    Status.TRIGGERED: "Triggered",
    Status.OVERDUE: "Overdue",
}


# Each reminder: when it goes off (an offset from the entry's start, or an instant in UTC for a lead counted in
# months), and what it says.
Reminders = tuple[tuple[dt.timedelta | dt.datetime, str], ...]


@dataclass(frozen=True)
class Entry:
    """One calendar entry before it is written as a VEVENT."""

    uid: str
    summary: str
    start: dt.date | dt.datetime  # a date: an all-day entry
    description: str
    url: str
    categories: tuple[str, ...]
    last_modified: dt.datetime
    reminders: Reminders = ()


def check_base_url(text: str) -> str:
    """The app's address for links back, without a trailing slash; ValueError with a plain message otherwise."""
    cleaned = text.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"expected the app's address, like http://localhost:8501 or https://tracker.example.org, got {text!r}")
    return cleaned


def scenario_url(base_url: str, scenario_id: str) -> str:
    return f"{base_url}/?scenario={quote(scenario_id)}"


def _status_since(assessment: Assessment) -> dt.datetime:
    """When the scenario took its current status (as far as the engine can tell)."""
    scenario = assessment.assessed_scenario
    if assessment.status is Status.DUE_SOON and scenario.warn_within is not None:
        return scenario.warn_within.before(assessment.deadline_spell.due_at, scenario.tz)
    return assessment.decided_at or scenario.opened_at


def entries(
    assessments: Iterable[Assessment],
    base_url: str,
    stamp: dt.datetime,
    modified: Mapping[str, dt.datetime] | None = None,
) -> list[Entry]:
    """The entries for the open scenarios, most urgent first.

    ``stamp`` is when the file is made; ``modified`` gives each scenario file's last change (by id).
    LAST-MODIFIED is the later of that and the moment the status began, never after ``stamp``.
    """
    found: list[Entry] = []
    for a in sorted(assessments, key=urgency_key):
        s = a.scenario
        link = scenario_url(base_url, s.id)
        file_changed = min((modified or {}).get(s.id, s.opened_at), stamp).astimezone(UTC)
        later = [] if a.cycle is None else [_cycle_entry(s, cycle, a.cycle, link, file_changed) for cycle in _upcoming_cycles(s, a.cycle)]
        if not (a.is_open or a.status is Status.UPCOMING):  # upcoming ones only when the caller kept them
            found += later
            continue
        changed = max(_status_since(a), (modified or {}).get(s.id, s.opened_at))
        changed = min(changed, stamp).astimezone(UTC)
        word = _WORDS[a.status]
        description = f"Status: {word} (as of {a.as_of.isoformat(timespec='minutes')}).\n{a.explanation}\n\nOpen in the tracker: {link}"
        spell = a.deadline_spell
        deadline: dt.date | dt.datetime = spell.due_day if spell.is_date else spell.due_at.astimezone(s.tz)
        if isinstance(deadline, dt.datetime) and s.timezone == "UTC":
            deadline = deadline.astimezone(UTC)
        found.append(
            Entry(
                _deadline_uid(s, a.cycle),
                f"Deadline: {s.title}" if a.cycle is None else f"Deadline (cycle {a.cycle.number}): {s.title}",
                deadline,
                description,
                link,
                (*s.tags,),
                changed,
                _deadline_reminders(s, deadline, spell.due_at),
            )
        )
        if a.response_due is not None and a.status in (Status.TRIGGERED, Status.OVERDUE) and s.response is not None:
            due = a.response_due.astimezone(UTC if s.timezone == "UTC" else s.tz)
            found.append(
                Entry(
                    f"{s.id}-response-due@{UID_DOMAIN}",
                    f"Response due: {s.response.title} ({s.title})",
                    due,
                    description,
                    link,
                    (*s.tags,),
                    changed,
                    (
                        (
                            _trigger(due, a.response_due, A_DAY, s.tz),
                            f"{span_words(A_DAY)} to the response due: {s.response.title} ({s.title})",
                        ),
                    ),
                )
            )
        found += later
    return found


def _deadline_uid(scenario: Scenario, cycle: Cycle | None) -> str:
    return f"{scenario.id}-deadline@{UID_DOMAIN}" if cycle is None else f"{scenario.id}-cycle-{cycle.number}-deadline@{UID_DOMAIN}"


def _deadline_reminders(scenario: Scenario, start: dt.date | dt.datetime, due_at: dt.datetime) -> Reminders:
    """When the due-soon window opens (with `warn_within`) and a day before, earliest first: any span with months is
    longer than a day."""
    leads = {*([scenario.warn_within] if scenario.warn_within is not None else []), A_DAY}
    ahead = sorted(leads, key=lambda span: (span.months, span.fixed), reverse=True)
    return tuple(
        (_trigger(start, due_at, before, scenario.tz), f"{span_words(before)} to the deadline: {scenario.title}") for before in ahead
    )


def _trigger(start: dt.date | dt.datetime, due_at: dt.datetime, before: Span, tz: dt.tzinfo) -> dt.timedelta | dt.datetime:
    """A reminder ``before`` an entry is due at ``due_at``: as an offset from its start (the form every client reads): an
    instant is due when it starts; an all-day entry starts at its day's start and is due at its end, a day later. A lead
    in months has no fixed length, so it is the instant it falls on, in UTC as RFC 5545 requires."""
    if before.months:
        return before.before(due_at, tz).astimezone(UTC)
    return -before.fixed if isinstance(start, dt.datetime) else DAY - before.fixed


def _upcoming_cycles(scenario: Scenario, current: Cycle) -> list[Cycle]:
    """The cycles of a series after the current one: through `until`, and no more than UPCOMING_CYCLES."""
    last = current.number + UPCOMING_CYCLES
    if scenario.cycle_count is not None:
        last = min(last, scenario.cycle_count)
    return [scenario.cycle(number) for number in range(current.number + 1, last + 1)]


def _cycle_entry(scenario: Scenario, cycle: Cycle, current: Cycle, link: str, changed: dt.datetime) -> Entry:
    """An all-day entry for an upcoming cycle's deadline (a series' deadlines are dates)."""
    assert scenario.recurs is not None  # only a series has cycles
    description = (
        f"Cycle {cycle.number} runs from {cycle.opened.isoformat()} to {cycle.deadline.isoformat()}; the series renews every "
        f"{span_words(scenario.recurs.every)}, and cycle {current.number} is the current one.\n\nOpen in the tracker: {link}"
    )
    return Entry(
        _deadline_uid(scenario, cycle),
        f"Deadline (cycle {cycle.number}): {scenario.title}",
        cycle.deadline,
        description,
        link,
        (*scenario.tags,),
        changed,
        _deadline_reminders(scenario, cycle.deadline, end_of_day(cycle.deadline, scenario.tz)),
    )


def _alarm(trigger: dt.timedelta | dt.datetime, text: str) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    # TRIGGER defaults to a duration: an instant must say it is one (RFC 5545 3.8.6.3).
    alarm.add("trigger", trigger, parameters={"VALUE": "DATE-TIME"} if isinstance(trigger, dt.datetime) else {})
    return alarm


def _sequence(last_modified: dt.datetime) -> int:
    """Grows with every change without keeping state: whole minutes since the Unix epoch."""
    return int(last_modified.timestamp() // 60)


def calendar(
    assessments: Iterable[Assessment],
    base_url: str,
    stamp: dt.datetime,
    modified: Mapping[str, dt.datetime] | None = None,
) -> bytes:
    """The iCalendar file: date deadlines as all-day entries, others in their own zone (with VTIMEZONE)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    for entry in entries(assessments, base_url, stamp, modified):
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("summary", entry.summary)
        if isinstance(entry.start, dt.datetime):
            # A deadline is an instant: no DTEND, so it ends when it starts (RFC 5545 3.6.1).
            event.add("dtstart", entry.start)
        else:
            event.add("dtstart", entry.start)
            event.add("dtend", entry.start + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("description", entry.description)
        event.add("url", entry.url)
        if entry.categories:
            event.add("categories", list(entry.categories))
        event.add("last-modified", entry.last_modified)
        event.add("sequence", _sequence(entry.last_modified))
        for trigger, text in entry.reminders:
            event.add_component(_alarm(trigger, text))
        cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
