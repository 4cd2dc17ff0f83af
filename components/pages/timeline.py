"""Timeline: all scenarios against the event log, with the as-of line; click an event for its details."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from components.context import UPCOMING_PARAM, Context, Fingerprint, current, data_paths, fingerprint, matches
from components.event_view import event_card
from components.widgets import problems_banner, replay_note
from tracker.engine.status import AsOf, Basis
from tracker.log.events import EventLog
from tracker.report.figures import OTHER_ROW, PickedEvent, PickedRange, picked_point, timeline_figure
from tracker.report.views import ScenarioDetail, open_later_text, scenario_detail, without_upcoming
from tracker.text import markdown_literal


def _build(ctx: Context, include_upcoming: bool) -> tuple[go.Figure, list[ScenarioDetail], np.ndarray]:
    log = ctx.workspace.events
    shown = ctx.assessments if include_upcoming else without_upcoming(ctx.assessments)[0]
    details = [scenario_detail(a, log) for a in shown]
    others = np.setdiff1d(log.occurred_by(ctx.as_of.instant), np.array(sorted(matches()), np.int64), assume_unique=True)
    return timeline_figure(details, log, others, ctx.as_of.instant, ctx.tz), details, others


@st.cache_data(max_entries=16, show_spinner="Drawing the timeline…")
def _cached_build(
    stamp: Fingerprint, chosen: AsOf, basis: Basis, tz_name: str, *, include_upcoming: bool, _ctx: Context
) -> tuple[str, list[ScenarioDetail], np.ndarray]:
    # Keyed by the files' fingerprint, the as-of as chosen (a bare date is each scenario's own end of that day; with the
    # zone, the instant of the as-of line), the basis, the zone and whether scenarios not open yet are drawn (``_ctx`` is
    # not hashed). The figure is kept as JSON: Streamlit keeps a click only while the chart's spec stays the same, and a
    # Figure taken from the cache (a pickled copy) lists its layout in another order than the one first drawn, so the
    # first click after drawing was lost.
    figure, details, others = _build(_ctx, include_upcoming)
    return figure.to_json(), details, others


def render(ctx: Context) -> None:
    st.title("Timeline")
    st.caption(
        replay_note(ctx.as_of, ctx.tz)
        + ". Bars run from opening to the deadline in force (hatched: the response window); a tick marks a deadline that was "
        "moved, with its date; markers are events. Click a marker for details."
    )
    problems_banner(ctx.problems)
    log = ctx.workspace.events
    scenarios = ctx.workspace.scenarios.scenarios
    if not scenarios:
        st.info("No valid scenarios to plot. See Data health.", icon=":material/info:")
        return
    show_upcoming = st.toggle("Show scenarios that open later", key=UPCOMING_PARAM, bind="query-params")
    open_later = 0 if show_upcoming else without_upcoming(ctx.assessments)[1]
    if open_later:
        st.caption(f"{open_later_text(open_later)}: left out until tracking starts (*Show scenarios that open later* draws them).")
    if ctx.as_of.live:
        figure, details, others = _build(ctx, show_upcoming)
    else:
        drawn, details, others = _cached_build(
            fingerprint(*data_paths()), ctx.as_of.chosen, ctx.basis, ctx.tz_name, include_upcoming=show_upcoming, _ctx=ctx
        )
        figure = pio.from_json(drawn)
    state = st.plotly_chart(figure, key="timeline", on_select="rerun", selection_mode="points", config={"displaylogo": False})
    points = state.selection.points if state else []
    picked = [point for p in points if (point := picked_point(p.get("customdata"))) is not None]
    if not picked:
        return
    st.header("Selected")
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
