"""Plotly figure builders: plain functions from core data to figures, testable without a browser.

Large logs stay responsive: markers use WebGL (Scattergl), and a row with more events
than ``ROW_POINT_LIMIT`` shows one marker per day sized by the count instead of one per event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.style import STYLES, label, style
from tracker.events import EventLog
from tracker.views import ScenarioDetail, SignpostPoint

ROW_POINT_LIMIT = 400
OTHER_ROW = "__other_events__"
ROW_HEIGHT = 34
ROLE_SYMBOL = {"trigger": "diamond", "response": "star", "escalation": "triangle-up", "de-escalation": "triangle-down", "other": "circle"}
ROLE_NAME = {
    "trigger": "Trigger event",
    "response": "Response event",
    "escalation": "Signpost: escalation",
    "de-escalation": "Signpost: de-escalation",
    "other": "Other event",
}
FONT = "Inter, 'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif"


def _local(instants: Sequence[dt.datetime] | pd.DatetimeIndex, tz: dt.tzinfo) -> list[dt.datetime]:
    """Naive local times for the axis: Plotly draws wall-clock times, so we convert first."""
    return [pd.Timestamp(t).tz_convert(tz).tz_localize(None).to_pydatetime() for t in instants]


def _local_ns(ns: np.ndarray, tz: dt.tzinfo) -> pd.DatetimeIndex:
    return pd.to_datetime(ns, utc=True).tz_convert(tz).tz_localize(None)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _role_key(role: str, direction: str) -> str:
    if role in ("trigger", "response"):
        return role
    return direction or "other"


def _event_trace(log: EventLog, positions: np.ndarray, row: str, role: str, tz: dt.tzinfo, *, show_legend: bool) -> go.Scattergl:
    """One row's events of one role: individual markers, or per-day counts when there are many."""
    when = _local_ns(log.when_ns[positions], tz)
    marker = {"symbol": ROLE_SYMBOL[role], "size": 11, "color": "#1B1F24", "line": {"width": 1.5, "color": "#FFFFFF"}}
    if len(positions) <= ROW_POINT_LIMIT:
        events = log.events(positions)
        hover = [
            f"<b>{_short(e.title, 90)}</b><br>{e.occurred}<br>{_short(e.source, 90)}<br><i>{ROLE_NAME[role]}</i> · {e.id}" for e in events
        ]
        custom = [e.id for e in events]
        return go.Scattergl(
            x=when,
            y=[row] * len(positions),
            mode="markers",
            marker=marker,
            name=ROLE_NAME[role],
            legendgroup=role,
            showlegend=show_legend,
            customdata=custom,
            hovertext=hover,
            hoverinfo="text",
        )
    days = when.normalize()
    counts = pd.Series(1, index=days).groupby(level=0).sum()
    sizes = np.clip(6 + 3 * np.sqrt(counts.to_numpy()), 6, 28)
    return go.Scattergl(
        x=counts.index,
        y=[row] * len(counts),
        mode="markers",
        marker={**marker, "size": sizes, "opacity": 0.75},
        name=ROLE_NAME[role],
        legendgroup=role,
        showlegend=show_legend,
        customdata=[f"day:{d:%Y-%m-%d}" for d in counts.index],
        hovertext=[f"<b>{n} events</b> on {d:%Y-%m-%d}<br><i>{ROLE_NAME[role]}</i> · click for the list" for d, n in counts.items()],
        hoverinfo="text",
    )


def _base_layout(fig: go.Figure, height: int, tz_name: str) -> None:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        font={"family": FONT, "size": 13, "color": "#1B1F24"},
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT, "size": 13}, "align": "left"},
        xaxis={"type": "date", "title": {"text": f"Date ({tz_name})"}, "gridcolor": "#E4E7EC", "showline": True, "linecolor": "#98A2B3"},
    )


def _as_of_line(fig: go.Figure, as_of: dt.datetime, tz: dt.tzinfo) -> None:
    x = _local([as_of], tz)[0]
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": "#B42318", "width": 2, "dash": "dot"})
    fig.add_annotation(
        x=x,
        y=1,
        yref="paper",
        text=f"as of {x:%Y-%m-%d %H:%M}",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        xshift=4,
        bgcolor="rgba(255,255,255,0.85)",
        font={"color": "#B42318", "size": 12},
    )


def timeline_figure(
    details: Sequence[ScenarioDetail],
    log: EventLog,
    other_events: np.ndarray,
    as_of: dt.datetime,
    tz: dt.tzinfo,
) -> go.Figure:
    """Every scenario from `opened` to its deadline (and on to the response due), its matched events,
    the other events on a row of their own, and a line at the as-of instant."""
    tz_name = getattr(tz, "key", "UTC")
    ordered = sorted(details, key=lambda d: (d.assessment.scenario.deadline_at, d.assessment.scenario.id))
    fig = go.Figure()
    windows: dict[str, list[tuple[str, dt.datetime, dt.datetime, str]]] = defaultdict(list)
    responses: dict[str, list[tuple[str, dt.datetime, dt.datetime, str]]] = defaultdict(list)
    for detail in ordered:
        a = detail.assessment
        s = a.scenario
        windows[a.status.value].append((s.id, s.opened_at, s.deadline_at, s.title))
        if a.response_due is not None and a.triggered_at is not None:
            responses[a.status.value].append((s.id, a.triggered_at, a.response_due, s.title))
    for status, st_style in STYLES.items():
        for rows, is_response in ((windows.get(status.value, []), False), (responses.get(status.value, []), True)):
            if not rows:
                continue
            starts = _local([r[1] for r in rows], tz)
            ends = _local([r[2] for r in rows], tz)
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=[r[0] for r in rows],
                    base=starts,
                    x=[(e - b).total_seconds() * 1000 for b, e in zip(starts, ends, strict=True)],
                    marker={
                        "color": st_style.colour,
                        "opacity": 0.45 if is_response else 0.9,
                        "line": {"color": "#344054", "width": 1},
                        "pattern": {"shape": "/" if is_response else ""},
                    },
                    name=f"{label(status)}" + (" (response window)" if is_response else ""),
                    legendgroup=status.value,
                    showlegend=not is_response,
                    hovertext=[
                        f"<b>{_short(r[3], 80)}</b><br>{label(status)}<br>"
                        + ("Response due " if is_response else "Tracking ")
                        + f"{b:%Y-%m-%d %H:%M} → {e:%Y-%m-%d %H:%M}"
                        for r, b, e in zip(rows, starts, ends, strict=True)
                    ],
                    hoverinfo="text",
                    width=0.55,
                )
            )
    shown_roles: set[str] = set()
    for detail in ordered:
        by_role: dict[str, list[int]] = defaultdict(list)
        for item in detail.matched:
            by_role[_role_key(item.role, item.direction)].append(item.position)
        for role, positions in by_role.items():
            unique = np.unique(np.array(positions, np.int64))
            fig.add_trace(_event_trace(log, unique, detail.assessment.scenario.id, role, tz, show_legend=role not in shown_roles))
            shown_roles.add(role)
    if len(other_events):
        fig.add_trace(_event_trace(log, other_events, OTHER_ROW, "other", tz, show_legend=True))
    categories = [d.assessment.scenario.id for d in ordered] + ([OTHER_ROW] if len(other_events) else [])
    ticktext = [f"{style(d.assessment.status).glyph} {_short(d.assessment.scenario.title)}" for d in ordered]
    if len(other_events):
        ticktext.append("Other events")
    _base_layout(fig, max(260, 90 + ROW_HEIGHT * len(categories)), tz_name)
    fig.update_layout(barmode="overlay", clickmode="event+select", dragmode="zoom")
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(reversed(categories)),
        tickmode="array",
        tickvals=categories,
        ticktext=ticktext,
        automargin=True,
        gridcolor="#F2F4F7",
    )
    _as_of_line(fig, as_of, tz)
    return fig


def signpost_figure(points: Sequence[SignpostPoint], as_of: dt.datetime, tz: dt.tzinfo) -> go.Figure:
    """Cumulative escalation vs de-escalation signposts over time (step lines, distinct dashes and markers)."""
    tz_name = getattr(tz, "key", "UTC")
    fig = go.Figure()
    if points:
        x = _local([p.when for p in points], tz)
        end = _local([as_of], tz)[0]
        for name, values, colour, dash, symbol in (
            ("Escalation signposts", [p.escalation for p in points], "#D55E00", "solid", "triangle-up"),
            ("De-escalation signposts", [p.de_escalation for p in points], "#0072B2", "dash", "triangle-down"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=[*x, max(end, x[-1])],
                    y=[*values, values[-1]],
                    mode="lines+markers",
                    line={"shape": "hv", "color": colour, "dash": dash, "width": 3},
                    marker={"symbol": symbol, "size": 9},
                    name=name,
                    customdata=[p.event_id for p in points] + [""],
                    hovertemplate="%{y} by %{x|%Y-%m-%d}<br>%{customdata}<extra>" + name + "</extra>",
                )
            )
    _base_layout(fig, 300, tz_name)
    fig.update_yaxes(title={"text": "Cumulative count"}, rangemode="tozero", gridcolor="#E4E7EC", dtick=1)
    _as_of_line(fig, as_of, tz)
    return fig


def scenario_timeline_figure(detail: ScenarioDetail, log: EventLog, as_of: dt.datetime, tz: dt.tzinfo) -> go.Figure:
    """One scenario's row of the timeline, for its page and for briefing slides."""
    fig = timeline_figure([detail], log, np.empty(0, np.int64), as_of, tz)
    fig.update_layout(height=190, showlegend=True)
    return fig
