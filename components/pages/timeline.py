"""Timeline: all scenarios against the event log, with the as-of line; click an event for its details."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components.context import Context, current
from components.event_view import event_card
from components.figures import timeline_figure
from components.widgets import problems_banner, replay_note
from tracker.views import event_matches, known_by, scenario_detail


def render(ctx: Context) -> None:
    st.title("Timeline")
    st.caption(
        replay_note(ctx.as_of, ctx.tz)
        + ". Bars run from opening to deadline (hatched: the response window); markers are events. Click a marker for details."
    )
    problems_banner(ctx.problems)
    log = ctx.workspace.events
    scenarios = ctx.workspace.scenarios.scenarios
    if not scenarios:
        st.info("No valid scenarios to plot. See Data health.", icon=":material/info:")
        return
    details = [scenario_detail(a, log) for a in ctx.assessments]
    matched = np.array(sorted(event_matches(log, scenarios)), np.int64)
    others = np.setdiff1d(known_by(log, ctx.as_of.instant), matched, assume_unique=True)
    figure = timeline_figure(details, log, others, ctx.as_of.instant, ctx.tz)
    state = st.plotly_chart(figure, key="timeline", on_select="rerun", selection_mode="points", config={"displaylogo": False})
    points = state.selection.points if state else []
    picked = [p.get("customdata") for p in points if p.get("customdata")]
    if not picked:
        return
    st.subheader("Selected")
    for value in picked[:20]:
        if str(value).startswith("day:"):
            day = str(value)[4:]
            known = known_by(log, ctx.as_of.instant)
            local_days = pd.to_datetime(log.when_ns[known], utc=True).tz_convert(ctx.tz).strftime("%Y-%m-%d")
            rows = known[np.asarray(local_days == day)].tolist()
            st.markdown(f"**{len(rows)} events on {day}**")
            for pos in rows[:50]:
                event_card(log.event(pos))
        elif (pos := log.position(str(value))) is not None:
            event_card(log.event(pos))


render(current())
