"""Small UI pieces shared by the pages: status badges, the as-of control, the problems banner."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from components.context import AsOf, Context, set_as_of, set_basis
from tracker.engine.status import Assessment, Basis, format_instant
from tracker.problems import Problem
from tracker.report.html import status_chip_html
from tracker.report.style import style
from tracker.text import html_literal, markdown_literal
from tracker.timeutil import as_of_text

STEPS = {"1h": dt.timedelta(hours=1), "1d": dt.timedelta(days=1), "1w": dt.timedelta(weeks=1), "30d": dt.timedelta(days=30)}


def as_of_control(ctx: Context, period: tuple[dt.date, dt.date]) -> None:
    """Sidebar control of the as-of instant: date, time, steps, a slider over the data's period, and Now."""
    as_of, tz = ctx.as_of, ctx.tz
    current = as_of.instant
    # Widgets keyed by the instant they show: when the instant changes from elsewhere
    # (a link, a step button), they are recreated with the new value.
    stamp = current.isoformat()
    with st.sidebar:
        st.markdown("#### As of")
        if as_of.live:
            st.markdown(f":green-badge[:material/radio_button_checked: Live] &nbsp; {format_instant(current, tz)}")
        else:
            st.markdown(f":orange-badge[:material/history: Replay] &nbsp; {as_of_words(as_of, tz)}")
        if as_of.problem:
            st.warning(markdown_literal(as_of.problem), icon=":material/link_off:")

        def on_date() -> None:
            day = st.session_state[f"asof_date_{stamp}"]
            if day is None:
                return
            # A date stays a date (each scenario's end of that day); a chosen time of day is kept.
            set_as_of(day if as_of.live or as_of.day is not None else dt.datetime.combine(day, current.timetz()))

        def on_time() -> None:
            moment = st.session_state[f"asof_time_{stamp}"]
            if moment is not None:
                set_as_of(dt.datetime.combine(current.date(), moment, tzinfo=tz))

        low, high = period[0] - dt.timedelta(days=365), period[1] + dt.timedelta(days=365 * 5)
        cols = st.columns([3, 2])
        cols[0].date_input(
            "Date",
            value=min(max(current.date(), low), high),
            min_value=low,
            max_value=high,
            key=f"asof_date_{stamp}",
            on_change=on_date,
            format="YYYY-MM-DD",
        )
        cols[1].time_input(
            "Time", value=current.time().replace(second=0, microsecond=0), key=f"asof_time_{stamp}", on_change=on_time, step=3600
        )
        step_name = st.segmented_control("Step", list(STEPS), default="1d", key="asof_step", label_visibility="collapsed") or "1d"
        step = STEPS[step_name]
        back, now, forward = st.columns(3)
        if back.button("Back", help=f"Back {step_name}", width="stretch", key="asof_back"):
            set_as_of(_stepped(as_of, -step))
            st.rerun()
        if forward.button("Next", help=f"Forward {step_name}", width="stretch", key="asof_forward"):
            set_as_of(_stepped(as_of, step))
            st.rerun()
        if now.button("Now", help="Back to live: now, with ticking countdowns", width="stretch", key="asof_now", disabled=as_of.live):
            set_as_of(None)
            st.rerun()
        start, end = period
        if start < end:
            day = min(max(current.date(), start), end)

            def on_slide() -> None:
                set_as_of(st.session_state[f"asof_slider_{stamp}"])

            st.slider(
                "Replay the period covered by the data",
                min_value=start,
                max_value=end,
                value=day,
                format="YYYY-MM-DD",
                key=f"asof_slider_{stamp}",
                on_change=on_slide,
            )
        basis_control(ctx)
        st.caption(
            f"Times in your zone, {ctx.tz_name}. A date means the end of that day in each scenario's own zone, "
            "so a shared link shows the same everywhere. The address bar holds this view: copy it to share."
        )


def _stepped(as_of: AsOf, step: dt.timedelta) -> dt.date | dt.datetime:
    """One step from the as-of: whole days move a chosen date by days (it stays a date); other steps move the instant."""
    if as_of.day is not None and step % dt.timedelta(days=1) == dt.timedelta(0):
        return as_of.day + step
    return as_of.instant + step


BASIS_WORDS = {
    Basis.OCCURRED: "When they occurred",
    Basis.KNOWN: "When they were logged (what we knew)",
}


def basis_control(ctx: Context) -> None:
    """Count events by when they occurred, or only once logged (`basis=known`: what we knew then)."""
    stamp = ctx.basis.value

    def on_change() -> None:
        set_basis(st.session_state[f"basis_{stamp}"])

    st.radio(
        "Count events",
        list(BASIS_WORDS),
        index=list(BASIS_WORDS).index(ctx.basis),
        format_func=BASIS_WORDS.__getitem__,
        key=f"basis_{stamp}",
        on_change=on_change,
        help="What we knew then: an event counts only from when it was logged, and scenarios are read as committed in git by then.",
    )
    if ctx.basis_problem:
        st.warning(markdown_literal(ctx.basis_problem), icon=":material/link_off:")
    elif ctx.scenarios_note:
        st.caption(markdown_literal(ctx.scenarios_note))


def problems_banner(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return
    files = sorted({p.path for p in errors})
    st.error(
        f"**{len(errors)} problem(s) in {len(files)} file(s)** ({markdown_literal(', '.join(files[:3]))}{'…' if len(files) > 3 else ''}). "
        "Everything else is shown; see **Data health** for each problem's line and column.",
        icon=":material/error:",
    )


def explanation_block(assessment: Assessment) -> None:
    s = style(assessment.status)
    st.markdown(
        f'<div role="note" style="border-left:6px solid {s.colour};padding:0.4rem 0.8rem;background:#F7F8FA;">'
        f"{status_chip_html(assessment.status)}&nbsp; {html_literal(assessment.explanation)}</div>",
        unsafe_allow_html=True,
    )


def as_of_words(as_of: AsOf, tz: dt.tzinfo) -> str:
    """'2021-12-20 (end of day in each scenario's zone)' for a chosen date; the instant in the viewer's zone otherwise."""
    return as_of_text(as_of.day) if as_of.day is not None else format_instant(as_of.instant, tz)


def replay_note(as_of: AsOf, tz: dt.tzinfo) -> str:
    if as_of.live:
        return f"Live — now, {format_instant(as_of.instant, tz)}"
    return f"Replay — the world as it stood at {as_of_words(as_of, tz)}"
