"""Presenter mode (`?mode=present`): the board as full-screen slides for a briefing.

An overview slide, then one scenario per slide, most urgent first (the board's order and its
filters from the URL). The slide number is in the URL (`slide`, 1 = overview) so a link opens
that slide; `advance=SECONDS` moves on by itself; the arrow keys work through the buttons'
own keyboard shortcuts. No Streamlit chrome, no sidebar, no widget that changes data: the mode
is read-only. Every slide says when its figures were true and which data revision they come from.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from components.context import UPCOMING_PARAM, Context, assessments, tick_interval
from components.views_support import data_revision
from components.widgets import as_of_words
from tracker.engine.status import Assessment, Basis, format_instant
from tracker.git.data_revision import DataRevision
from tracker.report import slides
from tracker.report.figures import scenario_timeline_figure
from tracker.report.views import Filters, board_view, scenario_detail
from tracker.timeutil import UTC
from tracker.vocabulary import Vocabulary

MODE_PARAM, PRESENT = "mode", "present"
SLIDE_PARAM = "slide"
ADVANCE_PARAM = "advance"
MIN_ADVANCE_SECONDS = 2
# The board's filter keys (components/pages/board.py binds its widgets to these URL parameters).
FILTER_PARAMS = {"statuses": "status", "actors": "actor", "targets": "target", "tags": "tag"}
TEXT_PARAM = "q"
_SHOWN = "_presenter_shown"  # slides.Shown: the slide and time.monotonic() when it was put up, for auto-advance


def requested() -> bool:
    return st.query_params.get(MODE_PARAM) == PRESENT


def start() -> None:
    """The Present button: the same view, as slides from the overview."""
    st.query_params[MODE_PARAM] = PRESENT
    st.query_params[SLIDE_PARAM] = "1"


def stop() -> None:
    for key in (MODE_PARAM, SLIDE_PARAM, ADVANCE_PARAM):
        st.query_params.pop(key, None)


def filters_from_url(vocabulary: Vocabulary) -> Filters:
    chosen = {field: frozenset(st.query_params.get_all(param)) for field, param in FILTER_PARAMS.items()}
    return Filters(text=st.query_params.get(TEXT_PARAM) or "", vocabulary=vocabulary, **chosen)


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


def slide_from_url(items: list[Assessment], total: int) -> int:
    """The slide to show: `slide` (clamped to the deck of ``total`` slides), else the slide of `scenario`, else the overview."""
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
    """On a timed rerun, the next slide once the interval has passed (the rule: tracker.report.slides.auto_advance)."""
    shown = slides.auto_advance(number, total, interval, st.session_state.get(_SHOWN), time.monotonic())
    st.session_state[_SHOWN] = shown
    return shown.number


def _go(number: int) -> None:
    st.query_params[SLIDE_PARAM] = str(number)


def upcoming_from_url() -> bool:
    return (st.query_params.get(UPCOMING_PARAM) or "").lower() in ("true", "1", "yes")


def render(ctx: Context) -> None:
    """The deck, in a fragment: moving between slides reruns only the slides."""
    st.html(slides.STYLE)
    interval, problem = advance_from_url()
    revision = data_revision()
    log = ctx.workspace.events
    unloaded = slides.unloaded_files(ctx.problems)
    tick = interval or (tick_interval().total_seconds() if ctx.as_of.live else None)

    @st.fragment(run_every=tick)
    def deck() -> None:
        instant = dt.datetime.now(UTC).astimezone(ctx.tz) if ctx.as_of.live else ctx.as_of.instant
        everything = assessments(instant if ctx.as_of.live else ctx.as_of.chosen, ctx.basis)
        view = board_view(everything, filters_from_url(log.vocabulary), include_upcoming=upcoming_from_url())
        items = view.shown
        total = 1 + len(items) + (1 if unloaded else 0)  # the overview, a slide per scenario, the files that did not load
        number = _auto_advance(slide_from_url(items, total), total, interval)
        if st.query_params.get(SLIDE_PARAM) != str(number):
            st.query_params[SLIDE_PARAM] = str(number)
        if number == 1:
            st.html(slides.overview_html(items, view.in_view, ctx.tz, view.open_later, unloaded=len(unloaded)))
        elif number > 1 + len(items):
            st.html(slides.problems_html(unloaded))
        else:
            item = items[number - 2]
            st.html(slides.scenario_head_html(item, ctx.tz))
            figure = scenario_timeline_figure(scenario_detail(item, log), log, instant, ctx.tz)
            # One scenario is one bar: the chart takes part of the width and its deciding events the rest.
            chart, deciding = st.columns([3, 2], gap="large", vertical_alignment="center")
            with chart:
                for name, (width, height) in slides.SLIDE_SIZES.items():  # the stylesheet shows the one for this screen
                    with st.container(key=f"slide-chart-{name}"):
                        st.plotly_chart(
                            slides.slide_chart(figure, width, height),
                            key=f"slide_chart_{number}_{name}",
                            theme=None,  # the figure's own high-contrast fonts and colours, not Streamlit's lighter ones
                            config={"displaylogo": False, "displayModeBar": False, "staticPlot": True},
                        )
            deciding.html(slides.deciding_html(item, log))
        as_of = format_instant(instant, ctx.tz) if ctx.as_of.live else as_of_words(ctx.as_of, ctx.tz)
        if ctx.basis is Basis.KNOWN:
            as_of += ", counting events from when they were logged"
        _footer(ctx, as_of, revision=revision, number=number, total=total, problem=problem)

    deck()


def _footer(ctx: Context, as_of: str, *, revision: DataRevision | None, number: int, total: int, problem: str | None) -> None:
    notes = [n for n in (ctx.as_of.problem, ctx.basis_problem, problem) if n]
    with st.container(horizontal=True, key="presenter-footer", vertical_alignment="center", gap="small"):
        st.html(slides.stamp_html(number, total, as_of, revision, notes), width="stretch")
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
