"""Presenter mode (`?mode=present`): the board as full-screen slides for a briefing.

An overview slide, then one scenario per slide, most urgent first (the board's order and its
filters from the URL). The slide number is in the URL (`slide`, 1 = overview) so a link opens
that slide; `advance=SECONDS` moves on by itself; the arrow keys work through the buttons'
own keyboard shortcuts. No Streamlit chrome, no sidebar, no widget that changes data: the mode
is read-only. Every slide says when its figures were true and which data revision they come from.
"""

from __future__ import annotations

import datetime as dt
import html
import time

import streamlit as st

from components.context import UPCOMING_PARAM, Context, assessments, tick_interval
from components.views_support import data_revision
from components.widgets import as_of_words
from tracker.engine.since import deciding_events
from tracker.engine.status import Assessment, Basis, format_instant
from tracker.git.data_revision import DataRevision
from tracker.log.events import Event, EventLog
from tracker.report.figures import scenario_timeline_figure
from tracker.report.html import countdown_caption, status_chip_html
from tracker.report.pack import audience_deadline, one_row
from tracker.report.views import Filters, board_view, countdown, open_later_text, reason, scenario_detail, status_counts
from tracker.scenario.model import deadline_text
from tracker.text import source_link
from tracker.timeutil import UTC

MODE_PARAM, PRESENT = "mode", "present"
SLIDE_PARAM = "slide"
ADVANCE_PARAM = "advance"
MIN_ADVANCE_SECONDS = 2
# The board's filter keys (components/pages/board.py binds its widgets to these URL parameters).
FILTER_PARAMS = {"statuses": "status", "actors": "actor", "targets": "target", "tags": "tag"}
TEXT_PARAM = "q"
ONE_COLUMN_LIMIT = 12
_SHOWN = "_presenter_shown"  # (slide number, time.monotonic() when it was put up), for auto-advance


def requested() -> bool:
    return st.query_params.get(MODE_PARAM) == PRESENT


def start() -> None:
    """The Present button: the same view, as slides from the overview."""
    st.query_params[MODE_PARAM] = PRESENT
    st.query_params[SLIDE_PARAM] = "1"


def stop() -> None:
    for key in (MODE_PARAM, SLIDE_PARAM, ADVANCE_PARAM):
        st.query_params.pop(key, None)


def filters_from_url() -> Filters:
    chosen = {field: frozenset(st.query_params.get_all(param)) for field, param in FILTER_PARAMS.items()}
    return Filters(text=st.query_params.get(TEXT_PARAM) or "", **chosen)


def advance_from_url() -> tuple[float | None, str | None]:
    """Seconds between slides from `advance`, or None; and a note when the value cannot be used."""
    text = st.query_params.get(ADVANCE_PARAM)
    if not text:
        return None, None
    try:
        seconds = float(text)
    except ValueError:
        return None, f"advance={text} ignored: give the seconds per slide, e.g. advance=30"
    if not seconds >= MIN_ADVANCE_SECONDS or seconds == float("inf"):
        return None, f"advance={text} ignored: give at least {MIN_ADVANCE_SECONDS} seconds per slide"
    return seconds, None


def slide_from_url(items: list[Assessment]) -> int:
    """The slide to show: `slide` (clamped to the deck), else the slide of `scenario`, else the overview."""
    total = 1 + len(items)
    text = st.query_params.get(SLIDE_PARAM)
    if text is None and (wanted := st.query_params.get("scenario")):
        ids = [a.scenario.id for a in items]
        return ids.index(wanted) + 2 if wanted in ids else 1
    try:
        number = int(text or "1")
    except ValueError:
        number = 1
    return min(max(number, 1), total)


def _auto_advance(number: int, total: int, interval: float | None) -> int:
    """On a timed rerun, the next slide (after the last, the overview again) once the interval has passed."""
    now = time.monotonic()
    shown = st.session_state.get(_SHOWN)
    if interval is None or shown is None or shown[0] != number:
        st.session_state[_SHOWN] = (number, now)
        return number
    if now - shown[1] >= interval - 0.5:  # a tick may come a little early
        number = number % total + 1
        st.session_state[_SHOWN] = (number, now)
    return number


def _go(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def upcoming_from_url() -> bool:
    return (st.query_params.get(UPCOMING_PARAM) or "").lower() in ("true", "1", "yes")


def stamp_text(as_of: str, revision: DataRevision | None) -> str:
    text = f"Status as of {as_of}"
    return text + (f" · Data revision {revision}" if revision else "")


# --- slide content: plain HTML from view models ----------------------------------------------
def overview_html(items: list[Assessment], everything: list[Assessment], tz: dt.tzinfo, open_later: int = 0) -> str:
    counts = "".join(
        f'<span class="count">{status_chip_html(status, large=True)}<b>{n}</b></span>' for status, n in status_counts(items).items() if n
    )
    rows = []
    for a in items:
        left = countdown(a)
        timing = (
            f'<span class="cd">{html.escape(left.text)}</span><span class="cd-note">{html.escape(_countdown_note(left.target))}</span>'
            if left.target
            else f'<span class="cd-note">decided {_decided(a)}</span>'
        )
        rows.append(
            f'<li class="ov-row">{status_chip_html(a.status, scenario_id=a.scenario.id, timing=a.timing)}'
            f'<span class="ov-title">{html.escape(a.scenario.title)}</span><span class="ov-time">{timing}</span></li>'
        )
    notes = []
    if len(items) != len(everything):
        notes.append(f"{len(items)} of {len(everything)} scenarios (the board's filters)")
    if open_later:
        notes.append(f"{open_later_text(open_later)}: not shown")
    shown = f'<p class="note">{html.escape("; ".join(notes), quote=False)}</p>' if notes else ""
    # One scenario a line while they fit a 720-line screen; two columns beyond that.
    layout = "ov-list" if len(items) <= ONE_COLUMN_LIMIT else "ov-list two-columns"
    return (
        '<section class="slide overview"><h1 class="slide-title">Sanctions scenarios: overview</h1>'
        f'<div class="counts" aria-label="Scenarios per status">{counts}</div>{shown}'
        f'<ol class="{layout}">{"".join(rows)}</ol></section>'
    )


def _countdown_note(target: str) -> str:
    return {"overdue": "late", "response due": "to response due", "deadline": "to deadline"}.get(target, "")


def _decided(a: Assessment) -> str:
    return html.escape(format_instant(a.decided_at, a.scenario.tz, date_only=True)) if a.decided_at else "—"


def scenario_head_html(a: Assessment, tz: dt.tzinfo) -> str:
    s = a.scenario
    left = countdown(a)
    shown, as_set = audience_deadline(a, tz)
    zone = getattr(tz, "key", "UTC")
    note = f"your zone, {zone}" + (f" · set as {as_set}" if as_set else "")
    if left.target:
        timing = (
            f'<div class="big-countdown" data-scenario="{html.escape(s.id)}">{html.escape(left.text)}</div>'
            f'<div class="big-caption">{html.escape(countdown_caption(left))}</div>'
        )
    else:
        timing = f'<div class="big-decided">Decided {_decided(a)}</div>'
    due = ""
    if a.response_due is not None and s.response is not None:
        due = f'<div class="when"><span class="label">Response due</span> {html.escape(deadline_text(a.response_due, tz))}</div>'
    return (
        f'<h1 class="slide-title">{html.escape(s.title)}</h1>'
        '<div class="slide-head">'
        f'<div class="slide-status">{status_chip_html(a.status, large=True, scenario_id=s.id, timing=a.timing)}</div>'
        f'<div class="slide-timing">{timing}</div>'
        f'<div class="slide-deadline"><div class="when"><span class="label">Deadline</span> '
        f'<span class="viewer-deadline">{html.escape(shown)}</span></div>'
        f'<div class="when-note">{html.escape(note)}</div>{due}</div>'
        "</div>"
    )


def _role(a: Assessment, event: Event) -> str:
    for hit, name in ((a.trigger_hit, "Trigger"), (a.response_hit, "Response"), (a.averted_by, "Averted by")):
        if hit is not None and hit.event_id == event.id:
            return name
    return "Deciding event"


def deciding_html(a: Assessment, log: EventLog) -> str:
    found = deciding_events(a, log)
    if not found:
        return f'<div class="deciding"><span class="label">Deciding event</span> none yet. {html.escape(reason(a))}</div>'
    items = "".join(
        f'<li><span class="label">{_role(a, e)}</span> <b>{html.escape(e.occurred[:10])}</b> {html.escape(e.title)}'
        f'<span class="source"> — {html.escape(source_link(e.source)[0])}</span></li>'
        for e in found
    )
    return f'<ul class="deciding">{items}</ul>'


_CSS = """
<style>
/* Presenter mode: no Streamlit chrome, a white stage with black type that reads from the back of the room. */
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], header.stAppHeader { display: none !important; }
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #FFFFFF !important; color: #000000; }
[data-testid="stMainBlockContainer"], .block-container {
  max-width: none !important; padding: 2.2vh 3vw calc(8vh + 48px) 3vw !important; }
.slide { color: #000000; font-size: clamp(17px, 1.15vw + 1.05vh, 34px); line-height: 1.3; }
.slide-title { font-size: clamp(26px, 1.6vw + 2.2vh, 60px) !important; font-weight: 800 !important; line-height: 1.12 !important;
  margin: 0 0 2.4vh 0 !important; padding: 0 !important; color: #000000 !important; }
.slide .status-chip { font-size: clamp(18px, 0.9vw + 1.2vh, 34px) !important; border: 2px solid #000000; }
.slide-status .status-chip { font-size: clamp(24px, 1.4vw + 2vh, 56px) !important; }
.slide .counts .status-chip { font-size: clamp(18px, 0.8vw + 1.5vh, 40px) !important; }
.slide-head { margin-bottom: 1vh; display: grid; grid-template-columns: auto auto minmax(0, 1fr); gap: 1.5vh 3.2vw; align-items: start; }
.big-countdown { font-size: clamp(48px, 3vw + 6vh, 150px); font-weight: 800; line-height: 1; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.big-caption, .when-note, .note { color: #1F2328; font-size: 0.85em; }
.big-decided { font-size: 1.6em; font-weight: 700; }
.when { font-size: 1.1em; margin-bottom: 0.3em; }
.label { font-weight: 800; text-transform: uppercase; letter-spacing: 0.04em; font-size: 0.78em; margin-right: 0.4em; }
.slide .deciding { list-style: none; margin: 0; padding: 0.6vh 1vw; border-left: 8px solid #000000; background: #F2F4F7; color: #000000; }
.deciding li { margin: 0.2em 0; }
.source { color: #1F2328; }
.counts { display: flex; flex-wrap: wrap; gap: 1vh 2vw; margin: 0 0 1.6vh 0; }
.count { display: inline-flex; align-items: center; gap: 0.5em; white-space: nowrap; }
.count b { font-size: clamp(20px, 0.9vw + 1.7vh, 46px); }
/* Streamlit sizes every p/ol/ul at 1rem and indents lists: slides size and place their own. */
.slide p, .slide ol, .slide ul, .slide li { font-size: inherit; margin-left: 0; }
.slide ol.ov-list { padding: 0 !important; margin: 0 !important; }
.ov-list { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.5vh 2.5vw;
  font-size: 0.92em; line-height: 1.2; }
.ov-list.two-columns { grid-template-columns: repeat(2, minmax(0, 1fr)); font-size: 0.8em; }
.ov-row { display: grid; grid-template-columns: 7.2em minmax(0, 1fr) auto; gap: 0.8em; align-items: center;
  border-bottom: 2px solid #C9CED6; padding-bottom: 0.4vh; }
.slide .ov-row .status-chip { font-size: 0.8em !important; justify-self: start; }
.ov-title { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.ov-time { text-align: right; white-space: nowrap; }
.cd { font-weight: 800; font-variant-numeric: tabular-nums; margin-right: 0.3em; }
.cd-note { color: #1F2328; font-size: 0.85em; }
/* The footer: stamp, revision and the controls, always on screen. */
.st-key-presenter-footer { position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990; background: #FFFFFF;
  border-top: 3px solid #000000; padding: 0.8vh 3vw !important; align-items: center !important; }
.presenter-stamp { color: #000000; font-size: clamp(15px, 0.6vw + 1vh, 26px); font-weight: 600; }
.presenter-stamp .slide-no { font-weight: 800; margin-right: 1.2em; }
.st-key-presenter-footer button p { font-size: clamp(14px, 0.5vw + 0.9vh, 22px); }
.st-key-presenter-footer button { color: #000000; border: 2px solid #000000; }
.st-key-presenter-footer button:disabled { color: #4A4F57; border-color: #4A4F57; }
</style>
"""


def render(ctx: Context) -> None:
    """The deck, in a fragment: moving between slides reruns only the slides."""
    st.html(_CSS)
    interval, problem = advance_from_url()
    revision = data_revision()
    log = ctx.workspace.events
    tick = interval or (tick_interval().total_seconds() if ctx.as_of.live else None)

    @st.fragment(run_every=tick)
    def deck() -> None:
        instant = dt.datetime.now(UTC).astimezone(ctx.tz) if ctx.as_of.live else ctx.as_of.instant
        everything = assessments(instant if ctx.as_of.live else ctx.as_of.chosen, ctx.basis)
        view = board_view(everything, filters_from_url(), include_upcoming=upcoming_from_url())
        items = view.shown
        total = 1 + len(items)
        number = _auto_advance(slide_from_url(items), total, interval)
        if st.query_params.get(SLIDE_PARAM) != str(number):
            st.query_params[SLIDE_PARAM] = str(number)
        if number == 1:
            st.html(overview_html(items, view.in_view, ctx.tz, view.open_later))
        else:
            item = items[number - 2]
            st.html(f'<section class="slide">{scenario_head_html(item, ctx.tz)}</section>')
            figure = scenario_timeline_figure(scenario_detail(item, log), log, instant, ctx.tz)
            st.plotly_chart(
                one_row(figure, height=270, font_size=17),
                key=f"slide_chart_{number}",
                theme=None,  # the figure's own high-contrast fonts and colours, not Streamlit's lighter ones
                config={"displaylogo": False, "displayModeBar": False, "staticPlot": True},
            )
            st.html(f'<section class="slide">{deciding_html(item, log)}</section>')
        as_of = format_instant(instant, ctx.tz) if ctx.as_of.live else as_of_words(ctx.as_of, ctx.tz)
        if ctx.basis is Basis.KNOWN:
            as_of += ", counting events from when they were logged"
        _footer(ctx, as_of, revision=revision, number=number, total=total, problem=problem)

    deck()


def _footer(ctx: Context, as_of: str, *, revision: DataRevision | None, number: int, total: int, problem: str | None) -> None:
    notes = [n for n in (ctx.as_of.problem, ctx.basis_problem, problem) if n]
    with st.container(horizontal=True, key="presenter-footer", vertical_alignment="center", gap="small"):
        st.html(
            f'<div class="presenter-stamp" data-testid="presenter-stamp"><span class="slide-no">{number} / {total}</span>'
            f"{html.escape(stamp_text(as_of, revision), quote=False)}"
            + "".join(f'<div class="note">{html.escape(n)}</div>' for n in notes)
            + "</div>",
            width="stretch",
        )
        back, forward = number - 1, number + 1
        st.button(
            "Previous", icon=":material/arrow_back:", key="slide_prev", shortcut="Left", disabled=back < 1, on_click=_go, args=(back,)
        )
        st.button(
            "Next",
            icon=":material/arrow_forward:",
            key="slide_next",
            shortcut="Right",
            disabled=forward > total,
            on_click=_go,
            args=(forward,),
        )
        if st.button("Exit", icon=":material/close:", key="slide_exit", help="Back to the dashboard"):
            stop()
            st.rerun(scope="app")  # the slides are a fragment: leaving them needs the whole app
