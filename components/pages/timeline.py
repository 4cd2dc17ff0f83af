"""Timeline: all scenarios against the event log, with the as-of line, fitted to the data; click an event for its details
beside the chart."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.context import UPCOMING_PARAM, Context, Fingerprint, current, data_paths, fingerprint, matches
from components.event_view import event_card
from components.widgets import problems_banner, replay_note
from tracker.engine.status import AsOf, Basis
from tracker.log.events import EventLog
from tracker.report.figures import OTHER_ROW, PickedEvent, PickedRange, chart_config, picked_point, timeline_figure, timeline_table
from tracker.report.tables import download_csv, download_name
from tracker.report.views import RANGE_CHOICES, ScenarioDetail, open_later_text, scenario_detail, without_upcoming
from tracker.text import markdown_literal

RANGE_PARAM = "range"  # ?range=fit|all|around: the chart's x range (see RANGE_CHOICES); fit when absent
_FITS = "timeline_fits"  # how often "Fit" was pressed: part of the chart's key, so a press also undoes any zoom


def _build(ctx: Context, include_upcoming: bool, view: str) -> tuple[go.Figure, list[ScenarioDetail], np.ndarray]:
    log = ctx.workspace.events
    shown = ctx.assessments if include_upcoming else without_upcoming(ctx.assessments)[0]
    details = [scenario_detail(a, log) for a in shown]
    others = np.setdiff1d(log.occurred_by(ctx.as_of.instant), np.array(sorted(matches()), np.int64), assume_unique=True)
    return timeline_figure(details, log, others, ctx.as_of.instant, ctx.tz, view=view), details, others


@st.cache_data(max_entries=16, show_spinner="Drawing the timeline…")
def _cached_build(
    stamp: Fingerprint, chosen: AsOf, basis: Basis, tz_name: str, *, include_upcoming: bool, view: str, _ctx: Context
) -> tuple[str, list[ScenarioDetail], np.ndarray]:
    # Keyed by the files' fingerprint, the as-of as chosen (a bare date is each scenario's own end of that day; with the
    # zone, the instant of the as-of line), the basis, the zone, whether scenarios not open yet are drawn and the range
    # (``_ctx`` is not hashed). The figure is kept as JSON: Streamlit keeps a click only while the chart's spec stays the
    # same, and a Figure taken from the cache (a pickled copy) lists its layout in another order than the one first
    # drawn, so the first click after drawing was lost.
    figure, details, others = _build(_ctx, include_upcoming, view)
    return figure.to_json(), details, others


def _fit() -> None:
    st.session_state[RANGE_PARAM] = "fit"
    st.session_state[_FITS] = st.session_state.get(_FITS, 0) + 1


def _range_control(place: DeltaGenerator) -> str:
    """The range choice, kept in the URL as ``range=fit|all|around`` (fit, the default, is left out). Not Streamlit's
    URL binding: that writes the option's label ("As-of ±30 days"), and a link should name the choice."""
    asked = st.query_params.get(RANGE_PARAM)
    if RANGE_PARAM not in st.session_state:
        st.session_state[RANGE_PARAM] = asked if asked in RANGE_CHOICES else "fit"
        if asked is not None and asked not in RANGE_CHOICES:
            words = markdown_literal(f"The link's range {asked!r} is not one of {', '.join(RANGE_CHOICES)}: showing fit.")
            st.caption(words)
    view = place.segmented_control("Range", list(RANGE_CHOICES), format_func=RANGE_CHOICES.__getitem__, required=True, key=RANGE_PARAM)
    view = view if view in RANGE_CHOICES else "fit"
    if view == "fit":
        st.query_params.pop(RANGE_PARAM, None)
    elif asked != view:
        st.query_params[RANGE_PARAM] = view
    return view


def render(ctx: Context) -> None:
    st.title("Timeline")
    st.caption(
        replay_note(ctx.as_of, ctx.tz)
        + ". Bars run from opening to the deadline in force (hatched: the response window); a tick marks a deadline that was "
        "moved, with its date; markers are events. Click a marker for its details, beside the chart."
    )
    problems_banner(ctx.problems)
    log = ctx.workspace.events
    scenarios = ctx.workspace.scenarios.scenarios
    if not scenarios:
        st.info("No valid scenarios to plot. See Data health.", icon=":material/info:")
        return
    show_upcoming = st.toggle("Show scenarios that open later", key=UPCOMING_PARAM, bind="query-params")
    controls = st.container(horizontal=True, vertical_alignment="bottom")
    view = _range_control(controls)
    controls.button("Fit", icon=":material/fit_screen:", on_click=_fit, help="Back to the data's range, undoing any zoom")
    open_later = 0 if show_upcoming else without_upcoming(ctx.assessments)[1]
    if open_later:
        st.caption(f"{open_later_text(open_later)}: left out until tracking starts (*Show scenarios that open later* draws them).")
    if ctx.as_of.live:
        figure, details, others = _build(ctx, show_upcoming, view)
    else:
        drawn, details, others = _cached_build(
            fingerprint(*data_paths()), ctx.as_of.chosen, ctx.basis, ctx.tz_name, include_upcoming=show_upcoming, view=view, _ctx=ctx
        )
        figure = pio.from_json(drawn)
    controls.download_button(
        "Chart data (CSV)",
        # Made on a click: at 100,000 events the file takes seconds, which every rerun would otherwise pay.
        lambda: download_csv(timeline_table(details, log, ctx.tz, others)),
        file_name=download_name("timeline", ctx.as_of.chosen),
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        help="Every bar, moved deadline and event the chart draws. The toolbar's camera saves the chart as PNG.",
    )
    chart, panel = st.columns([3, 1], gap="medium")
    state = chart.plotly_chart(
        figure,
        key=f"timeline_{st.session_state.get(_FITS, 0)}",
        on_select="rerun",
        selection_mode="points",
        config=chart_config(download_name("timeline", ctx.as_of.chosen, "png").removesuffix(".png")),
    )
    points = state.selection.points if state else []
    picked = [point for p in points if (point := picked_point(p.get("customdata"))) is not None]
    with panel:
        st.header("Selected")
        if not picked:
            st.caption("Click a marker on the chart: its event and source show here.")
        for point in picked[:20]:
            if isinstance(point, PickedRange):
                rows = events_in_range(log, point.row, details, others, first=point.first, last=point.last, tz=ctx.tz)
                words = markdown_literal(f"{len(rows)} events from {point.first} to {point.last}")
                st.markdown(f"**{words}**" + (" (the first 50 shown)" if len(rows) > 50 else ""))
                for pos in rows[:50]:
                    event_card(log.event(pos))
            elif isinstance(point, PickedEvent) and (pos := log.position(point.event_id)) is not None:
                event_card(log.event(pos))


def events_in_range(
    log: EventLog, row: str, details: list[ScenarioDetail], others: np.ndarray, *, first: dt.date, last: dt.date, tz: dt.tzinfo
) -> list[int]:
    """The events behind an aggregated marker: those of its row, between two local dates."""
    if row == OTHER_ROW:
        candidates = others
    else:
        detail = next((d for d in details if d.assessment.scenario.id == row), None)
        candidates = np.array(detail.positions if detail else [], np.int64)
    if not len(candidates):
        return []
    days = log.local_days(candidates, tz)  # a date-only event on its own date, in any zone
    inside = (days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D"))
    return [int(p) for p in candidates[inside]]


render(current())
