"""Presenter mode's slides as HTML: the overview, a scenario's head and deciding events, the footer stamp, the CSS.

Rendered from templates/slide-*.html by tracker.report.templating (every value escaped); components/presenter.py
reads the URL and session, calls these and puts the result on screen with st.html. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.engine.since import deciding_events
from tracker.engine.status import Assessment, format_instant
from tracker.git.data_revision import DataRevision
from tracker.log.events import Event, EventLog
from tracker.report.html import countdown_caption
from tracker.report.templating import render
from tracker.report.views import Countdown, audience_deadline, countdown, open_later_text, reason, status_counts
from tracker.scenario.model import deadline_text
from tracker.text import source_link

ONE_COLUMN_LIMIT = 12
ADVANCE_EARLY_SECONDS = 0.5  # a timer's tick may come a little before the interval is up


@dataclass(frozen=True)
class Shown:
    """The slide on screen and the clock reading (any monotonic clock, in seconds) when it was put up."""

    number: int
    since: float


def auto_advance(number: int, total: int, interval: float | None, shown: Shown | None, clock: float) -> Shown:
    """The slide to show on a timed rerun: the next one (after the last, the overview) once ``interval`` seconds have
    passed since ``shown`` went up; the same one before that, or after someone moved to another slide."""
    if interval is None or shown is None or shown.number != number:
        return Shown(number, clock)
    if clock - shown.since >= interval - ADVANCE_EARLY_SECONDS:
        return Shown(number % total + 1, clock)
    return shown  # one scenario a line while they fit a 720-line screen; two columns beyond that


# The slides' stylesheet (templates/slides.css in a <style> block), put on the page once per run.
STYLE = render("slide-style.html")


@dataclass(frozen=True)
class _Row:
    """One scenario on the overview slide."""

    assessment: Assessment
    left: Countdown
    note: str
    decided: str


def _countdown_note(target: str) -> str:
    return {"overdue": "late", "response due": "to response due", "deadline": "to deadline"}.get(target, "")


def _decided(a: Assessment) -> str:
    return format_instant(a.decided_at, a.scenario.tz, date_only=True) if a.decided_at else "—"


def overview_html(items: list[Assessment], everything: list[Assessment], tz: dt.tzinfo, open_later: int = 0) -> str:
    """The overview slide: counts per status, then one line per scenario with its time left."""
    notes = []
    if len(items) != len(everything):
        notes.append(f"{len(items)} of {len(everything)} scenarios (the board's filters)")
    if open_later:
        notes.append(f"{open_later_text(open_later)}: not shown")
    rows = []
    for a in items:
        left = countdown(a)
        rows.append(_Row(a, left, _countdown_note(left.target), _decided(a)))
    return render(
        "slide-overview.html",
        counts=[(status, n) for status, n in status_counts(items).items() if n],
        notes=notes,
        layout="ov-list" if len(items) <= ONE_COLUMN_LIMIT else "ov-list two-columns",
        rows=rows,
    )


def scenario_head_html(a: Assessment, tz: dt.tzinfo) -> str:
    """A scenario slide's head: the title, the status, the time left (or when it was decided) and the deadline."""
    s = a.scenario
    left = countdown(a)
    shown, as_set = audience_deadline(a, tz)
    zone = getattr(tz, "key", "UTC")
    return render(
        "slide-head.html",
        a=a,
        s=s,
        left=left,
        caption=countdown_caption(left),
        decided=_decided(a),
        shown=shown,
        note=f"your zone, {zone}" + (f" · set as {as_set}" if as_set else ""),
        response_due=deadline_text(a.response_due, tz) if a.response_due is not None and s.response is not None else "",
    )


def _role(a: Assessment, event: Event) -> str:
    for hit, name in ((a.trigger_hit, "Trigger"), (a.response_hit, "Response"), (a.averted_by, "Averted by")):
        if hit is not None and hit.event_id == event.id:
            return name
    return "Deciding event"


def deciding_html(a: Assessment, log: EventLog) -> str:
    """A scenario slide's deciding events (trigger, response, what averted it), or why there is none yet."""
    events = [(_role(a, e), e, source_link(e.source)[0]) for e in deciding_events(a, log)]
    return render("slide-deciding.html", events=events, reason=reason(a))


def stamp_text(as_of: str, revision: DataRevision | None) -> str:
    text = f"Status as of {as_of}"
    return text + (f" · Data revision {revision}" if revision else "")


def stamp_html(number: int, total: int, as_of: str, revision: DataRevision | None, notes: Sequence[str] = ()) -> str:
    """The footer's text: which slide of how many, when its figures were true, the data revision, any note on the link."""
    return render("slide-stamp.html", number=number, total=total, stamp=stamp_text(as_of, revision), notes=list(notes))
