"""Presenter mode's slides as HTML: the overview, a scenario's head and deciding events, the footer stamp, the CSS.

Rendered from templates/slide-*.html by tracker.report.templating (every value escaped); components/presenter.py
reads the URL and session, calls these and puts the result on screen with st.html. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from tracker.engine.since import deciding_events
from tracker.engine.status import Assessment, format_instant
from tracker.git.data_revision import DataRevision
from tracker.log.events import Event, EventLog
from tracker.problems import Problem
from tracker.report.html import countdown_caption
from tracker.report.pack import one_row
from tracker.report.templating import render
from tracker.report.views import Countdown, audience_deadline, countdown, open_later_text, reason, status_counts
from tracker.scenario.model import deadline_text
from tracker.text import source_link

ONE_COLUMN_LIMIT = 12
# The screens a chart is drawn for, by name (the stylesheet, templates/slides.css, shows the one nearest the screen's width):
# a chart's text is drawn in pixels, so it can only follow the slide's text by being drawn for the slide's size.
SLIDE_SIZES = {"compact": (1280, 720), "large": (1920, 1080)}
CHART_TEXT = 0.8  # a chart's text to the slide's body text: smaller, but read from as far
CHART_HEIGHT = 0.36  # of the screen: the head above and the footer below keep the rest
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


def body_px(width: int, height: int) -> float:
    """The slides' body text size, in pixels, on a screen of that size: templates/slides.css's
    ``.slide { font-size: clamp(17px, 1.15vw + 1.05vh, 34px) }``."""
    return min(max(17.0, 0.0115 * width + 0.0105 * height), 34.0)


def slide_chart(figure: go.Figure, width: int, height: int) -> go.Figure:
    """A scenario's one-row timeline drawn for a slide on a screen of that size: its text (ticks, labels, legend, the
    as-of mark) in step with the slide's text, and as tall as the screen allows; ``figure`` itself is left as it was."""
    return one_row(go.Figure(figure), height=round(height * CHART_HEIGHT), font_size=round(body_px(width, height) * CHART_TEXT))


def unloaded_files(problems: Sequence[Problem]) -> dict[str, list[Problem]]:
    """The files (or event-log rows) left out because of an error, by path, each with its errors: what a deck must not
    drop silently."""
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.severity == "error":
            found.setdefault(problem.path, []).append(problem)
    return found


def _files(n: int) -> str:
    return "1 file" if n == 1 else f"{n} files"


def problems_html(unloaded: dict[str, list[Problem]]) -> str:
    """The slide that names the files that did not load, with where and why: what the other slides leave out."""
    return render("slide-problems.html", heading=f"Not on these slides: {_files(len(unloaded))} with errors", files=unloaded)


def overview_html(items: list[Assessment], everything: list[Assessment], tz: dt.tzinfo, open_later: int = 0, unloaded: int = 0) -> str:
    """The overview slide: counts per status, then one line per scenario with its time left; ``unloaded`` files with
    errors are named on the last slide, and the overview says so."""
    notes = []
    if len(items) != len(everything):
        notes.append(f"{len(items)} of {len(everything)} scenarios (the board's filters)")
    if open_later:
        notes.append(f"{open_later_text(open_later)}: not shown")
    if unloaded:
        notes.append(f"{_files(unloaded)} with errors left out: see the last slide")
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
