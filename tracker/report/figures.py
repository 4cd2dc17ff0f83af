"""Plotly figure builders: plain functions from core data to figures, testable without a browser.

Large logs stay responsive by aggregation: up to POINT_LIMIT events are drawn one marker each;
beyond, one marker per row and day (or week, month, quarter: the finest that keeps markers under
BIN_LIMIT), sized by the count. With the count of markers bounded, SVG beats WebGL: browsers without
a GPU (VMs, many meeting-room PCs) render WebGL in software, and measured slower here.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tracker.engine.calibration import Bin
from tracker.engine.status import Assessment
from tracker.judgement.model import Judgement
from tracker.log.events import EventLog
from tracker.report.style import STYLES, style
from tracker.report.views import LikelihoodView, MatchedEvent, ScenarioDetail, SignpostPoint, TimeRange, time_range
from tracker.scenario.model import DeadlineSpell, deadline_text
from tracker.text import source_words, without_link

POINT_LIMIT = 3000  # events drawn one marker each; beyond, one marker per row and period...
BIN_LIMIT = 4000  # ...with the finest period that keeps the markers under this
OTHER_ROW = "__other_events__"
ROW_HEIGHT = 34  # the least pitch of a timeline row
LINE_HEIGHT = 16  # one line of a wrapped row label, at the chart's 13 px font
LABEL_WIDTH = 34  # characters per line of a row label: long titles wrap, whole, rather than being cut
HOVER_WIDTH = 70  # characters per line of a hover text
TIMELINE_HEIGHT = (300, 4000)  # the least and the most a timeline is drawn, in px: a few rows stay legible, thousands scroll
ROLE_SYMBOL = {
    "trigger": "diamond",
    "response": "star",
    "partial": "star-open",
    "no-effect": "x-thin-open",
    "escalation": "triangle-up",
    "de-escalation": "triangle-down",
    "other": "circle",
}
ROLE_NAME = {
    "trigger": "Trigger event",
    "response": "Response event",
    "partial": "Partial response event",
    "no-effect": "Matched, outside its window",
    "escalation": "Signpost: escalation",
    "de-escalation": "Signpost: de-escalation",
    "other": "Other event",
}
MOVED_NAME = "Earlier deadline (moved)"
FONT = "Inter, 'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif"


def _local(instants: Sequence[dt.datetime] | pd.DatetimeIndex, tz: dt.tzinfo) -> list[dt.datetime]:
    """Naive local times for the axis: Plotly draws wall-clock times, so we convert first."""
    return [pd.Timestamp(t).tz_convert(tz).tz_localize(None).to_pydatetime() for t in instants]


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def label_lines(text: str, width: int = LABEL_WIDTH) -> list[str]:
    """A label broken into lines of at most ``width`` characters (a longer word on a line of its own), every word kept:
    two titles that differ only at their end still read differently."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _wrapped(text: str, width: int = LABEL_WIDTH) -> str:
    """User text for Plotly on several lines: each line escaped as `_text` does, joined by Plotly's line break."""
    return "<br>".join(_text(line) for line in label_lines(text, width))


def _text(value: str, limit: int | None = None) -> str:
    """User text for Plotly, the one way every trace name, tick label, hover text and annotation gets it: Plotly reads
    a pseudo-HTML there (``<a href>`` makes a link, ``<b>``, ``<br>``...), so the text is shortened, then escaped, and
    a ``<`` or ``&`` in a title shows as written."""
    return html.escape(_short(value, limit) if limit else value, quote=False)


# What a clicked marker stands for, as its customdata: a kind, then its values, each in a field of its own, so that no
# event id (whatever it holds) can be read as anything but an id.
EVENT_POINT, RANGE_POINT = "event", "range"


@dataclass(frozen=True)
class PickedEvent:
    event_id: str


@dataclass(frozen=True)
class PickedRange:
    """An aggregated marker: the events of one row between two local dates."""

    row: str
    first: dt.date
    last: dt.date


def picked_point(customdata: object) -> PickedEvent | PickedRange | None:
    """The event or the range a clicked timeline marker stands for; None for a point that is neither (a bar, a tick)."""
    if not isinstance(customdata, list | tuple) or not customdata or not all(isinstance(v, str) for v in customdata):
        return None
    kind, *values = customdata
    if kind == EVENT_POINT and len(values) == 1:
        return PickedEvent(values[0])
    if kind == RANGE_POINT and len(values) == 3:
        try:
            return PickedRange(values[0], dt.date.fromisoformat(values[1]), dt.date.fromisoformat(values[2]))
        except ValueError:
            return None
    return None


def _day_words(spell: DeadlineSpell) -> str:
    """A deadline's day for a label: 2025-09-02, or "about 8 Aug 2025" for one given roughly."""
    day = spell.due_day
    return f"about {day.day} {day:%b %Y}" if spell.approximate else day.isoformat()


def _deadline_words(spell: DeadlineSpell) -> str:
    """A deadline in full, in its scenario's zone and in the project's one notation (24:00); roughly given: "about 8 Aug 2025"."""
    return _day_words(spell) if spell.approximate else spell.due_text


def _set_day(spell: DeadlineSpell) -> str:
    return spell.set_at.astimezone(spell.tz).date().isoformat()


def replaced_deadlines(assessment: Assessment) -> list[tuple[DeadlineSpell, DeadlineSpell]]:
    """The deadlines announced by the as-of instant and replaced since, each with the one that replaced it, in the order
    announced. A deadline announced after the as-of is not among them: a replay never shows what was not known yet."""
    known = [spell for spell in assessment.scenario.schedule if spell.set_at <= assessment.as_of]
    return list(pairwise(known))


def _role_key(item: MatchedEvent) -> str:
    if item.role in ("trigger", "response", "partial"):
        return item.role if item.counts else "no-effect"
    return item.direction or "other"


def _column(log: EventLog, name: str, positions: np.ndarray) -> list[str]:
    return [str(v) for v in log.table.column(name).take(positions).to_pylist()]


# Bins tried in order when a timeline has too many events to draw one marker each.
BINS = (("D", "day"), ("W", "week"), ("M", "month"), ("Q", "quarter"))


def _event_traces(log: EventLog, rows: np.ndarray, roles: np.ndarray, positions: np.ndarray, tz: dt.tzinfo) -> list[go.Scatter]:
    """One trace per role. Up to POINT_LIMIT events: a marker each, with its title, date and
    source on hover. Beyond: one marker per row and day (or week, month...), sized by the count."""
    if not len(positions):
        return []
    when = log.wall_clock(positions, tz)  # a date-only event on its own date, in any zone
    traces = []
    if len(positions) <= POINT_LIMIT:
        ids, titles = _column(log, "id", positions), _column(log, "title", positions)
        occurred, sources = _column(log, "occurred", positions), _column(log, "source", positions)
        for role in ROLE_SYMBOL:
            pick = np.flatnonzero(roles == role)
            if not len(pick):
                continue
            traces.append(
                go.Scatter(
                    x=when[pick],
                    y=rows[pick],
                    mode="markers",
                    marker={**_marker(role), "size": 11},
                    name=ROLE_NAME[role],
                    legendgroup=role,
                    customdata=[[EVENT_POINT, ids[k]] for k in pick],  # not shown: the page looks the clicked event up by it
                    hovertext=[
                        f"<b>{_wrapped(titles[k], HOVER_WIDTH)}</b><br>{_text(occurred[k])}"
                        f"<br>{_wrapped(source_words(sources[k]), HOVER_WIDTH)}"
                        f"<br><i>{ROLE_NAME[role]}</i> · {_text(ids[k])}"
                        for k in pick
                    ],
                    hoverinfo="text",
                )
            )
        return traces
    frame = pd.DataFrame({"row": rows, "role": roles, "when": when})
    unit = BINS[-1][1]
    for freq, unit in BINS:  # noqa: B007 - the unit of the bin that fits is used below
        frame["bin"] = frame["when"].dt.to_period(freq)
        groups = frame.groupby(["role", "row", "bin"], sort=False).size()
        if len(groups) <= BIN_LIMIT:
            break
    for role in ROLE_SYMBOL:
        if role not in groups.index.get_level_values(0):
            continue
        part: pd.Series = groups.loc[role]  # type: ignore[assignment]  # a MultiIndex level, not a scalar
        periods = pd.PeriodIndex(part.index.get_level_values("bin"))
        starts, ends = periods.start_time, periods.end_time
        counts = part.to_numpy()
        row_ids = part.index.get_level_values("row")
        traces.append(
            go.Scatter(
                x=starts,
                y=row_ids,
                mode="markers",
                marker={**_marker(role), "size": np.clip(6 + 2.5 * np.sqrt(counts), 6, 26), "opacity": 0.75},
                name=f"{ROLE_NAME[role]} (count per {unit})",
                legendgroup=role,
                customdata=[[RANGE_POINT, str(r), f"{a:%Y-%m-%d}", f"{b:%Y-%m-%d}"] for r, a, b in zip(row_ids, starts, ends, strict=True)],
                hovertext=[
                    f"<b>{n} events</b>, {a:%Y-%m-%d} to {b:%Y-%m-%d}<br><i>{ROLE_NAME[role]}</i> · click for the list"
                    for n, a, b in zip(counts, starts, ends, strict=True)
                ],
                hoverinfo="text",
            )
        )
    return traces


def _marker(role: str) -> dict[str, object]:
    if role == "no-effect":  # an open mark: visibly not a deciding event
        return {"symbol": ROLE_SYMBOL[role], "color": "#667085", "line": {"width": 2, "color": "#667085"}}
    return {"symbol": ROLE_SYMBOL[role], "color": "#1B1F24", "line": {"width": 1.5, "color": "#FFFFFF"}}


def _house_style(fig: go.Figure, height: int) -> None:
    """The look every chart shares: font, white ground, margins, a legend above the plot."""
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        font={"family": FONT, "size": 13, "color": "#1B1F24"},
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT, "size": 13}, "align": "left"},
    )


def _base_layout(fig: go.Figure, height: int, tz_name: str) -> None:
    """The house style with a date axis in the viewer's zone."""
    _house_style(fig, height)
    fig.update_layout(
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
    *,
    view: str = "fit",
) -> go.Figure:
    """Every scenario from `opened` to the deadline in force at its as-of instant (and on to the response due), the
    deadlines announced by then and replaced since as marks with their dates, its matched events, the other events on a
    row of their own, and a line at the as-of instant. ``view`` picks the x range (`time_range`'s choices)."""
    tz_name = getattr(tz, "key", "UTC")
    ordered = sorted(details, key=lambda d: (d.assessment.deadline_spell.due_at, d.assessment.scenario.id))
    fig = go.Figure()
    # (row, start, end, title, what the span is) per status
    windows: dict[str, list[tuple[str, dt.datetime, dt.datetime, str, str]]] = defaultdict(list)
    responses: dict[str, list[tuple[str, dt.datetime, dt.datetime, str, str]]] = defaultdict(list)
    for detail in ordered:
        a = detail.assessment
        s = a.scenario
        spell = a.deadline_spell
        about = f"Deadline {_text(_deadline_words(spell))}" + (f", set {_set_day(spell)}" if spell.set_written is not None else "")
        moves = replaced_deadlines(a)
        if moves:
            old, new = moves[-1]
            about += f"<br>Moved from {_text(_day_words(old))} on {_set_day(new)}" + (
                f" ({_text(new.publisher, 60)})" if new.publisher else ""
            )
        # A series draws its current cycle's window: the earlier ones ended, as its Scenario page's past cycles list.
        windows[a.status.value].append((s.id, a.assessed_scenario.opened_at, spell.due_at, s.title, about))
        if a.response_due is not None and a.triggered_at is not None:
            due = f"Response due {_text(deadline_text(a.response_due, tz))}"
            responses[a.status.value].append((s.id, a.triggered_at, a.response_due, s.title, due))
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
                    # The status word, no glyph: the Timeline draws in any browser, with no emoji font.
                    name=st_style.word + (" (response window)" if is_response else ""),
                    legendgroup=status.value,
                    showlegend=not is_response,
                    hovertext=[
                        f"<b>{_wrapped(r[3], HOVER_WIDTH)}</b><br>{st_style.word}<br>"
                        + ("Triggered " if is_response else "Tracking from ")
                        + f"{b:%Y-%m-%d %H:%M} ({_text(tz_name)})<br>{r[4]}"
                        for r, b in zip(rows, starts, strict=True)
                    ],
                    hoverinfo="text",
                    width=0.55,
                )
            )
    ticks = _moved_deadlines(fig, ordered, tz)
    marker_rows: list[str] = []
    marker_roles: list[str] = []
    marker_positions: list[int] = []
    for detail in ordered:
        seen: set[tuple[str, int]] = set()
        for item in detail.matched:
            key = (_role_key(item), item.position)
            if key not in seen:
                seen.add(key)
                marker_rows.append(detail.assessment.scenario.id)
                marker_roles.append(key[0])
                marker_positions.append(item.position)
    marker_rows += [OTHER_ROW] * len(other_events)
    marker_roles += ["other"] * len(other_events)
    marker_positions += [int(p) for p in other_events]
    for trace in _event_traces(
        log, np.array(marker_rows, dtype=object), np.array(marker_roles, dtype=object), np.array(marker_positions, np.int64), tz
    ):
        fig.add_trace(trace)
    categories = [d.assessment.scenario.id for d in ordered] + ([OTHER_ROW] if len(other_events) else [])
    labels = [label_lines(f"{style(d.assessment.status).word} · {d.assessment.scenario.title}") for d in ordered]
    if len(other_events):
        labels.append(["Other events"])
    pitch = max(ROW_HEIGHT, LINE_HEIGHT * max((len(lines) for lines in labels), default=1) + 10)
    low, high = TIMELINE_HEIGHT
    _base_layout(fig, min(high, max(low, 180 + pitch * len(categories))), tz_name)
    fig.update_layout(
        barmode="overlay",
        clickmode="event+select",
        dragmode="zoom",
        # Below the plot, where neither the bars nor the toolbar (top right) can cover it; the dates go on top instead.
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "xanchor": "left", "x": 0},
        margin={"l": 10, "r": 10, "t": 34, "b": 10},  # the top: room for the toolbar above the dates
    )
    fig.update_xaxes(side="top", automargin=True)
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(reversed(categories)),
        tickmode="array",
        tickvals=categories,
        ticktext=["<br>".join(_text(line) for line in lines) for lines in labels],
        automargin=True,
        gridcolor="#F2F4F7",
    )
    shown = _show_range(fig, as_of, tz, view)
    _label_moved(fig, ticks, shown)
    return fig


def chart_config(file_stem: str) -> dict[str, object]:
    """Plotly's config for a chart on a page: no Plotly logo, and the toolbar's camera saves a PNG named ``file_stem``,
    at twice the screen's resolution for slides and print; it draws in the browser, so it works offline."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": file_stem, "scale": 2}}


def timeline_table(
    details: Sequence[ScenarioDetail], log: EventLog, tz: dt.tzinfo, other_events: np.ndarray | Sequence[int] = ()
) -> pd.DataFrame:
    """What `timeline_figure` draws, a row per bar, moved deadline and event marker, for a CSV download: the chart's
    rows in its order, times on the viewer's clock, and each event's date as logged (a date stays a date)."""
    tz_name = getattr(tz, "key", "UTC")
    start, end = f"From ({tz_name})", f"To ({tz_name})"

    def when(instant: dt.datetime) -> str:
        return f"{instant.astimezone(tz):%Y-%m-%d %H:%M}"

    rows: list[dict[str, str]] = []
    events: list[tuple[dict[str, str], int]] = []  # (its row's cells, the event's position), filled in below in one read
    for detail in sorted(details, key=lambda d: (d.assessment.deadline_spell.due_at, d.assessment.scenario.id)):
        a = detail.assessment
        head = {"Scenario": a.scenario.id, "Title": a.scenario.title, "Status": style(a.status).word}
        rows.append({**head, "Drawn as": "Tracking window", start: when(a.assessed_scenario.opened_at), end: when(a.deadline_spell.due_at)})
        if a.response_due is not None and a.triggered_at is not None:
            rows.append({**head, "Drawn as": "Response window", start: when(a.triggered_at), end: when(a.response_due)})
        rows += [{**head, "Drawn as": MOVED_NAME, start: when(old.due_at)} for old, _ in replaced_deadlines(a)]
        seen: set[tuple[str, int]] = set()
        for item in detail.matched:
            key = (_role_key(item), item.position)
            if key not in seen:
                seen.add(key)
                events.append(({**head, "Drawn as": ROLE_NAME[key[0]]}, item.position))
    events += [({"Title": "Other events", "Drawn as": ROLE_NAME["other"]}, int(p)) for p in other_events]
    positions = np.array([p for _, p in events], np.int64)
    cells = zip(*(_column(log, name, positions) for name in ("occurred", "id", "title", "source")), strict=True)
    for (row, _), (occurred, event_id, title, source) in zip(events, cells, strict=True):
        rows.append({**row, start: occurred.strip(), "Event id": event_id, "Event": title, "Source": source_words(source)})
    columns = ["Scenario", "Title", "Status", "Drawn as", start, end, "Event id", "Event", "Source"]
    return pd.DataFrame(rows, columns=columns, dtype=object).fillna("")  # object: a missing number shows as "", not NaN


def _show_range(fig: go.Figure, as_of: dt.datetime, tz: dt.tzinfo, view: str) -> TimeRange:
    """Sets the x range `time_range` picks for ``view``, then draws the as-of line in it, or, when the as-of lies beyond,
    an arrow at that edge with its date."""
    span = _span(fig)
    x = _local([as_of], tz)[0]
    shown = time_range((span[0].to_pydatetime(), span[1].to_pydatetime()) if span else None, x, view)
    fig.update_xaxes(range=[shown.start, shown.end])
    if shown.as_of_beyond is None:
        _as_of_line(fig, as_of, tz)
    else:
        after = shown.as_of_beyond == "after"
        fig.add_annotation(
            x=1 if after else 0,
            xref="paper",
            y=1,
            yref="paper",
            yanchor="top",
            text=f"as of {x:%Y-%m-%d %H:%M}",
            showarrow=True,  # pointing at the edge the as-of lies beyond
            ax=-70 if after else 70,
            ay=0,
            arrowhead=2,
            arrowwidth=2,
            arrowcolor="#B42318",
            bgcolor="rgba(255,255,255,0.85)",
            font={"color": "#B42318", "size": 12},
        )
    return shown


def _moved_deadlines(fig: go.Figure, ordered: Sequence[ScenarioDetail], tz: dt.tzinfo) -> list[tuple[dt.datetime, str, str]]:
    """A tick on each scenario's row at every deadline announced by its as-of and replaced since; returns where each
    tick stands (on the chart's clock), its row and its label, for `_label_moved` once the chart's span is known."""
    rows: list[str] = []
    spells: list[DeadlineSpell] = []
    labels: list[str] = []
    hovers: list[str] = []
    for detail in ordered:
        scenario = detail.assessment.scenario
        for old, new in replaced_deadlines(detail.assessment):
            moved = f"moved on {_set_day(new)}"
            rows.append(scenario.id)
            spells.append(old)
            labels.append(f"deadline {_text(_day_words(old))}, {moved}")
            hovers.append(
                f"<b>{_text(scenario.title, 80)}</b><br>Earlier deadline {_text(_deadline_words(old))}"
                + (f", set {_set_day(old)}" if old.set_written is not None else "")
                + f"<br>{moved.capitalize()} to {_text(_deadline_words(new))}"
                + (f"<br>{_text(source_words(new.source, 80))}" if new.source else "")
            )
    if not rows:
        return []
    x = _local([s.due_at for s in spells], tz)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=rows,
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 20, "color": "#1B1F24", "line": {"width": 3, "color": "#1B1F24"}},
            name=MOVED_NAME,
            legendgroup="moved-deadline",
            hovertext=hovers,
            hoverinfo="text",
        )
    )
    return list(zip(x, rows, labels, strict=True))


def _span(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last instant the chart's traces draw."""
    points: list[pd.Timestamp] = []
    for trace in fig.data:
        if isinstance(trace, go.Bar) and trace.base is not None:
            starts = pd.to_datetime(list(trace.base))
            points += [*starts, *(starts + pd.to_timedelta(list(trace.x), unit="ms"))]
        elif trace.x is not None and len(trace.x):
            points += list(pd.to_datetime(list(trace.x)))
    return (min(points), max(points)) if points else None


def _label_moved(fig: go.Figure, ticks: Sequence[tuple[dt.datetime, str, str]], shown: TimeRange) -> None:
    """Each moved deadline's date, between its row and the one above (clear of both rows' bars), on a light ground so
    lines do not cross the words; it reads away from the nearer edge of the range shown, so it is not cut off there."""
    if not ticks:
        return
    order = list(fig.layout.yaxis.categoryarray)  # bottom row first: its serial numbers on the axis
    for x, row, text in ticks:
        towards_left = x - shown.start > (shown.end - shown.start) / 2
        fig.add_annotation(
            x=x,
            y=order.index(row) + 0.5,
            text=text,
            showarrow=False,
            xanchor="right" if towards_left else "left",
            xshift=2 if towards_left else -2,
            yanchor="middle",
            bgcolor="rgba(255,255,255,0.85)",
            font={"color": "#344054", "size": 11},
        )
    if any(order.index(row) == len(order) - 1 for _, row, _ in ticks):
        # A label above the top row (always, on a one-row chart): room for it below the as-of line's annotation.
        fig.update_yaxes(range=[-0.5, len(order) - 0.5 + 0.6])


def _steps(
    x: Sequence[dt.datetime],
    y: Sequence[float],
    end: dt.datetime,
    *,
    name: str,
    look: tuple[str, str, str],
    hover: Sequence[str],
    template: str,
    size: int,
) -> go.Scatter:
    """A step line through the points, held at its last value to ``end``; ``look`` is (colour, dash, marker symbol)."""
    colour, dash, symbol = look
    return go.Scatter(
        x=[*x, max(end, x[-1])],
        y=[*y, y[-1]],
        mode="lines+markers",
        line={"shape": "hv", "color": colour, "dash": dash, "width": 3},
        marker={"symbol": symbol, "size": [size] * len(x) + [0]},  # the last point only holds the line to the end
        name=name,
        customdata=[*hover, ""],
        hovertemplate=template + "<extra>" + name + "</extra>",
    )


def signpost_figure(points: Sequence[SignpostPoint], as_of: dt.datetime, tz: dt.tzinfo) -> go.Figure:
    """Cumulative escalation vs de-escalation signposts over time (step lines, distinct dashes and markers)."""
    tz_name = getattr(tz, "key", "UTC")
    fig = go.Figure()
    if points:
        x = [p.local_when(tz) for p in points]
        end = _local([as_of], tz)[0]
        for name, values, colour, dash, symbol in (
            ("Escalation signposts", [p.escalation for p in points], "#D55E00", "solid", "triangle-up"),
            ("De-escalation signposts", [p.de_escalation for p in points], "#0072B2", "dash", "triangle-down"),
        ):
            hover = [_text(p.event_id) for p in points]
            fig.add_trace(
                _steps(
                    x,
                    values,
                    end,
                    name=name,
                    look=(colour, dash, symbol),
                    hover=hover,
                    template="%{y} by %{x|%Y-%m-%d}<br>%{customdata}",
                    size=9,
                )
            )
    _base_layout(fig, 300, tz_name)
    fig.update_yaxes(title={"text": "Cumulative count"}, rangemode="tozero", gridcolor="#E4E7EC", dtick=1)
    _as_of_line(fig, as_of, tz)
    return fig


def scenario_timeline_figure(detail: ScenarioDetail, log: EventLog, as_of: dt.datetime, tz: dt.tzinfo) -> go.Figure:
    """One scenario's row of the timeline, for its page and for briefing slides."""
    fig = timeline_figure([detail], log, np.empty(0, np.int64), as_of, tz)
    # One row: the dates below and the legend above, as slides and the pack (`pack.one_row`) expect.
    fig.update_xaxes(side="bottom")
    fig.update_layout(
        height=190,
        showlegend=True,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0},
    )
    return fig


# Okabe-Ito colours with a distinct dash and marker each: assessors stay apart in grey print and for colour-blind readers.
ASSESSOR_STYLES = (
    ("#0072B2", "solid", "circle"),
    ("#D55E00", "dash", "square"),
    ("#009E73", "dot", "diamond"),
    ("#CC79A7", "dashdot", "triangle-up"),
    ("#E69F00", "longdash", "x"),
    ("#56B4E9", "longdashdot", "star"),
)


def likelihood_figure(view: LikelihoodView, as_of: dt.datetime, tz: dt.tzinfo) -> go.Figure:
    """Each assessor's probability that the scenario ends enacted, over time: a step line per assessor, held to the
    decision (or the as-of instant). Assessors are not averaged: each one's judgement is their own."""
    tz_name = getattr(tz, "key", "UTC")
    fig = go.Figure()
    end = _local([min(view.decided_at, as_of) if view.decided_at is not None else as_of], tz)[0]
    by: dict[str, list[Judgement]] = {}
    for judgement in view.made:
        by.setdefault(judgement.assessed_by or "unnamed", []).append(judgement)
    for index, (name, made) in enumerate(by.items()):
        colour, dash, symbol = ASSESSOR_STYLES[index % len(ASSESSOR_STYLES)]
        x = [j.assessed_at.replace(tzinfo=None) if j.date_only else _local([j.assessed_at], tz)[0] for j in made]
        y = [j.probability for j in made]
        hover = [_text(f"{j.probability:g} % ({j.confidence} confidence)") + "<br>" + _text(without_link(j.note)[0], 80) for j in made]
        shown = _text(name, 40)
        fig.add_trace(
            _steps(x, y, end, name=shown, look=(colour, dash, symbol), hover=hover, template="%{x|%Y-%m-%d}: %{customdata}", size=11)
        )
    _base_layout(fig, 300, tz_name)
    fig.update_yaxes(title={"text": "Enacted (%)"}, range=[-3, 103], gridcolor="#E4E7EC", ticksuffix=" %", dtick=25)
    if view.decided_at is not None:
        decided = _local([view.decided_at], tz)[0]
        fig.add_shape(type="line", x0=decided, x1=decided, y0=0, y1=1, yref="paper", line={"color": "#475467", "width": 2, "dash": "dash"})
        fig.add_annotation(x=decided, y=0, yref="paper", text="decided", showarrow=False, xanchor="right", yanchor="bottom", xshift=-4)
    _as_of_line(fig, as_of, tz)
    return fig


def reliability_figure(bins: Sequence[Bin]) -> go.Figure:
    """Predicted against observed: each non-empty bin at its mean probability and the share of its assessments whose
    scenario was enacted, labelled and sized by its count, against the diagonal of perfect calibration."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 100],
            y=[0, 100],
            mode="lines",
            line={"color": "#667085", "dash": "dash", "width": 2},
            name="Perfectly calibrated",
            hoverinfo="skip",
        )
    )
    shown = [b for b in bins if b.count and b.mean_predicted is not None and b.observed is not None]
    counts = np.array([b.count for b in shown], dtype=float)
    fig.add_trace(
        go.Scatter(
            x=[100 * b.mean_predicted for b in shown if b.mean_predicted is not None],
            y=[100 * b.observed for b in shown if b.observed is not None],
            mode="markers+text",
            marker={"size": np.clip(10 + 4 * np.sqrt(counts), 10, 40), "color": "#0072B2", "line": {"width": 1.5, "color": "#FFFFFF"}},
            text=[f"n={b.count}" for b in shown],
            textposition="top center",
            textfont={"size": 12, "color": "#1B1F24"},
            name="Assessments per bin (n = count)",
            hovertext=[
                f"<b>{b.label}</b>: {b.count} assessment(s)<br>Mean predicted {100 * (b.mean_predicted or 0):.0f}%"
                f"<br>Enacted {b.enacted} of {b.count} ({100 * (b.observed or 0):.0f}%)"
                for b in shown
            ],
            hoverinfo="text",
        )
    )
    axis = {"dtick": 10, "gridcolor": "#E4E7EC", "showline": True, "linecolor": "#98A2B3", "zeroline": False}
    _house_style(fig, 460)
    fig.update_layout(
        xaxis={**axis, "range": [-3, 103], "title": {"text": "Predicted: probability of enactment (%)"}},
        yaxis={**axis, "range": [-5, 110], "title": {"text": "Observed: share enacted (%)"}},  # room for the counts above
    )
    return fig
