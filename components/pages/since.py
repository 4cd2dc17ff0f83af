"""Since last briefing: statuses that changed, events logged and deadlines moved between two instants."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from components.context import Context, commits, current
from components.event_view import source_columns
from components.handouts import handout_buttons
from components.widgets import problems_banner
from tracker.engine.since import SinceReport, since_report
from tracker.engine.status import AsOf as AsOfValue
from tracker.engine.status import format_instant
from tracker.git.history import git_deadline_moves
from tracker.log.events import Event
from tracker.report.html import status_chip_html
from tracker.report.tables import source_cells
from tracker.report.views import STALE_ICON, STALE_WORD
from tracker.text import html_literal, markdown_literal
from tracker.timeutil import as_of_text, parse_as_of

SINCE_PARAM = "since"
DEFAULT_GAP = dt.timedelta(days=7)


def _since(ctx: Context) -> AsOfValue:
    """The last briefing: `since` from the URL (a date means its end in each scenario's zone), else a week before."""
    text = st.query_params.get(SINCE_PARAM)
    if text:
        try:
            return parse_as_of(text)
        except ValueError as exc:
            st.warning(markdown_literal(f"The link's since could not be read: {exc}. Showing the week before."), icon=":material/link_off:")
    chosen = ctx.as_of.chosen
    return chosen - DEFAULT_GAP if not isinstance(chosen, dt.datetime) else chosen.astimezone(ctx.tz) - DEFAULT_GAP


def _words(value: AsOfValue, ctx: Context) -> str:
    return as_of_text(value) if not isinstance(value, dt.datetime) else format_instant(value, ctx.tz)


def _pick(ctx: Context, since: AsOfValue) -> None:
    def on_pick() -> None:
        day = st.session_state["since_date"]
        if day is not None:
            st.query_params[SINCE_PARAM] = day.isoformat()

    row = st.columns([2, 5], vertical_alignment="bottom")
    day = since.astimezone(ctx.tz).date() if isinstance(since, dt.datetime) else since
    row[0].date_input("Last briefing", value=day, key="since_date", on_change=on_pick, format="YYYY-MM-DD")
    row[1].markdown(f"From **{_words(since, ctx)}** to **{_words(ctx.as_of.chosen, ctx)}** (the as-of: move it in the sidebar).")


def _changes(report: SinceReport) -> None:
    st.header(f"Status changes ({len(report.changes)})")
    if not report.changes:
        st.markdown(f"No scenario changed status ({report.unchanged} unchanged).")
        return
    for change in report.changes:
        with st.container(border=True):
            st.markdown(
                f'<div class="status-change" data-scenario="{html.escape(change.scenario.id)}">'
                f"{status_chip_html(change.before)} &rarr; {status_chip_html(change.after)} &nbsp; "
                f"<b>{html_literal(change.scenario.title)}</b>"
                f"{f' &nbsp;({html_literal(change.cycles)})' if change.cycles else ''}</div>",
                unsafe_allow_html=True,
            )
            st.caption(markdown_literal(change.now.explanation))
    st.caption(f"{report.unchanged} other scenario(s) kept their status.")


def _stale(report: SinceReport) -> None:
    if report.stale is None:  # no scenario asks to be reviewed
        return
    st.header(f"Stale at the end ({len(report.stale)})")
    if not report.stale:
        st.markdown("No scenario is stale: each was looked at within its `review_every`.")
        return
    for item in report.stale:
        owner = f" · owner {markdown_literal(item.scenario.owner)}" if item.scenario.owner else ""
        st.markdown(
            f":orange-badge[{STALE_ICON} {STALE_WORD}] **{markdown_literal(item.scenario.title)}**{owner}  \n"
            f"{markdown_literal(item.words[0].upper() + item.words[1:])}."
        )


def _events(report: SinceReport, ctx: Context) -> None:
    log = ctx.workspace.events
    events = log.events(report.events.tolist())
    st.header(f"Events logged ({len(events)})")
    if not events:
        st.markdown("No events in this period.")
    else:
        _event_table(events, key="since_logged")
    if len(report.occurred):
        st.markdown(f"**Occurred in the period but logged outside it ({len(report.occurred)})**")
        _event_table(log.events(report.occurred.tolist()), key="since_occurred")


def _event_table(events: list[Event], *, key: str) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Date": e.occurred,
                    "Event": e.title,
                    **source_cells(e.source),
                    "Id": e.id,
                }
                for e in events
            ]
        ),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={"Event": st.column_config.TextColumn(width="large"), **source_columns()},
    )


def _moves(report: SinceReport, ctx: Context) -> None:
    st.header("Deadlines moved")
    if report.deadline_moves is None:
        st.info(markdown_literal(report.history_note[0].upper() + report.history_note[1:] + "."), icon=":material/history:")
    elif not report.deadline_moves:
        st.markdown("No deadline was moved.")
    else:
        for move in report.deadline_moves:
            extra = f" ({move.revision}{': ' + move.note if move.note else ''})" if move.revision else f" ({move.note})"
            moved = f"{move.before} → {move.after}, {format_instant(move.changed_at, ctx.tz)}{extra}"
            st.markdown(f"- **{markdown_literal(move.scenario_id)}**: {markdown_literal(moved)}")
        if report.history_note:
            st.caption(
                markdown_literal(report.history_note[0].upper() + report.history_note[1:] + "; the moves above are those the files record.")
            )


def render(ctx: Context) -> None:
    st.title("Since last briefing")
    problems_banner(ctx.problems)
    since = _since(ctx)
    _pick(ctx, since)
    until = ctx.as_of.chosen
    try:
        report = since_report(
            ctx.workspace.scenarios.scenarios,
            ctx.workspace.events,
            since,
            until,
            deadline_moves=git_deadline_moves(ctx.workspace.scenarios.files),
            tz=ctx.tz,
            basis=ctx.basis,
            judgements=ctx.workspace.judgements,
            commits=commits(ctx.workspace),
        )
    except ValueError:
        st.warning(
            f"The last briefing ({_words(since, ctx)}) must be before the as-of ({_words(until, ctx)}).", icon=":material/event_busy:"
        )
        return
    counts = st.columns(3)
    counts[0].metric("Status changes", len(report.changes))
    counts[1].metric("Events logged", len(report.events))
    counts[2].metric("Deadlines moved", "—" if report.deadline_moves is None else len(report.deadline_moves))
    _changes(report)
    _stale(report)
    _events(report, ctx)
    _moves(report, ctx)
    st.header("Hand-outs")
    st.caption("The briefing pack includes this report. Everything is as of the as-of instant.")
    handout_buttons(ctx, report, key="since_handouts")


render(current())
