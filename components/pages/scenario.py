"""Scenario: one scenario in full, with why it has its status and the events behind it."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st

from components import event_form, navigation
from components.context import SCENARIO_PARAM, Context, current, tick_interval, workspace
from components.event_view import event_card, source_columns
from components.git_views import history_section
from components.likelihood import likelihood_section
from components.widgets import explanation_block, problems_banner, replay_note
from tracker.engine.since import deciding_events
from tracker.engine.status import Assessment, Status, assess
from tracker.files import InputRefused, read_input
from tracker.problems import display_path
from tracker.report.figures import chart_config, scenario_timeline_figure, signpost_figure, timeline_table
from tracker.report.html import countdown_html, history_strip_html, source_html, status_chip_html
from tracker.report.tables import download_csv, download_name, source_cells
from tracker.report.views import (
    STALE_ICON,
    STALE_WORD,
    ReviewFacts,
    ScenarioDetail,
    countdown,
    deadline_texts,
    describe_rules,
    history_view,
    open_later_text,
    review_facts,
    scenario_detail,
    scenario_links,
    signpost_series,
)
from tracker.text import markdown_code, markdown_literal
from tracker.timeutil import UTC

_PICK = "scenario_pick"


def _pick(ctx: Context) -> Assessment | None:
    wanted = st.query_params.get(SCENARIO_PARAM)
    everything = sorted(ctx.assessments, key=lambda a: a.scenario.title.lower())
    # Scenarios not open yet at the as-of are not offered (a link that names one still opens it, as upcoming).
    items = [a for a in everything if a.status is not Status.UPCOMING or a.scenario.id == wanted]
    ids = [a.scenario.id for a in items]
    if wanted and wanted not in ids:
        broken = [p for p in ctx.problems if os.path.splitext(os.path.basename(p.path))[0] == wanted]
        if broken:
            st.error(
                f"Scenario **{markdown_literal(wanted)}** cannot be shown: its file has {len(broken)} problem(s), "
                f"e.g. {markdown_code(str(broken[0]))}. See Data health.",
                icon=":material/error:",
            )
        else:
            st.warning(f"There is no scenario with id **{markdown_literal(wanted)}**. Pick one below.", icon=":material/search_off:")
    if not items:
        st.info("No valid scenarios. See Data health.", icon=":material/info:")
        return None
    # The URL is the truth: after Back, Forward or a link it names the scenario, and the picker follows it rather than
    # keeping what was picked earlier in this session.
    if wanted in ids:
        st.session_state[_PICK] = wanted
    elif st.session_state.get(_PICK) not in ids:
        st.session_state[_PICK] = ids[0]

    def on_pick() -> None:
        st.query_params[SCENARIO_PARAM] = st.session_state[_PICK]

    chosen = st.selectbox(
        "Scenario",
        ids,
        format_func=lambda i: next(a.scenario.title for a in items if a.scenario.id == i),
        key=_PICK,
        on_change=on_pick,
    )
    if later := len(everything) - len(items):
        st.caption(f"{open_later_text(later)}: not listed until tracking starts.")
    return items[ids.index(chosen)]


def _review_line(review: ReviewFacts) -> None:
    due = f" · next due by {review.due}" if review.due else ""
    st.markdown(
        f"**Owner** {markdown_literal(review.owner)} · **Review** {review.cadence} · "
        f"**Last reviewed** {markdown_literal(review.last)}{due}",
        help="A scenario with `review_every` is stale while open once no assessment, matched event or commit to its file "
        "came within that long.",
    )


def _matched_table(detail: ScenarioDetail, ctx: Context) -> None:
    log = ctx.workspace.events
    rows = []
    trigger = detail.assessment.scenario.trigger
    trigger_word = "Averts" if trigger is not None and trigger.kind == "unless" else "Triggers"
    for item in sorted(detail.matched, key=lambda m: (int(log.when_ns[m.position]), m.position)):
        event = log.event(item.position)
        role = {"trigger": trigger_word, "response": "Response", "partial": "Partial response"}.get(
            item.role, f"Signpost ({item.direction}): {item.role}"
        )
        if item.note:
            role = f"No effect: {item.note}"
        rows.append(
            {
                "Date": event.occurred,
                "Role": role,
                "Event": event.title,
                **source_cells(event.source),
                "Id": event.id,
            }
        )
    if not rows:
        st.caption("No event has matched this scenario yet.")
        return
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={"Event": st.column_config.TextColumn(width="large"), **source_columns()},
    )


def _links(ctx: Context, assessment: Assessment) -> None:
    """The scenarios its trigger follows and those that follow it, each a link to its page at the same as-of."""
    links = scenario_links(assessment, ctx.assessments)
    sides = [(name, side) for name, side in (("Depends on", links.depends_on), ("Depended on by", links.depended_on_by)) if side]
    if not sides:
        return
    for column, (name, side) in zip(st.columns(len(sides)), sides, strict=True):
        column.markdown(f"**{name}**")
        for item in side:
            column.page_link(
                navigation.scenario_page(),
                label=f"{markdown_literal(item.scenario.title)} · {item.status_words}",
                query_params=navigation.scenario_params(item.scenario.id, ctx.as_of),
                icon=":material/link:",
            )


def _status(ctx: Context, assessment: Assessment) -> None:
    """Status, countdown, review, why and the status history; live, they follow the clock as the Board's cards do."""
    scenario = assessment.scenario
    live = ctx.as_of.live

    @st.fragment(run_every=tick_interval() if live else None)
    def head() -> None:
        # Live: assessed afresh at each tick (the log as now cached), so the countdown ticks and a deadline passing flips
        # the status on screen.
        log = workspace().events if live else ctx.workspace.events
        as_of = dt.datetime.now(UTC).astimezone(ctx.tz) if live else ctx.as_of.chosen
        item = assess(scenario, log, as_of, ctx.basis) if live else assessment
        left = countdown(item)
        own, viewer = deadline_texts(item, ctx.tz)
        review = review_facts(ctx.reviews([item])[scenario.id], scenario)
        columns = st.columns([2, 2, 3])
        stale = f"  \n:orange-badge[{STALE_ICON} {STALE_WORD}: due for review]" if review.stale else ""
        columns[0].markdown(status_chip_html(item.status, large=True, timing=item.timing) + stale, unsafe_allow_html=True)
        if left.target:
            columns[1].markdown(countdown_html(left, scenario.id, size="2.2rem"), unsafe_allow_html=True)
        columns[2].markdown(f"**Deadline** {own}" + ("  \n(your zone too)" if viewer == own else f"  \n{viewer} (your time)"))
        _review_line(review)
        explanation_block(item)
        st.header("Status history")
        st.markdown(history_strip_html(history_view(scenario, log, as_of, ctx.basis)), unsafe_allow_html=True)
        st.caption("From its opening to the as-of instant: each status, the day it began and how long it lasted; hover for why.")

    head()


def render(ctx: Context) -> None:
    problems_banner(ctx.problems)
    assessment = _pick(ctx)
    if assessment is None:
        return
    scenario = assessment.scenario
    log = ctx.workspace.events
    detail = scenario_detail(assessment, log)
    st.title(markdown_literal(scenario.title))
    st.caption(replay_note(ctx.as_of, ctx.tz))
    _status(ctx, assessment)
    deciding = deciding_events(assessment, log)
    if deciding:
        st.header("Deciding events")
        for event in deciding:
            event_card(event)
    st.header("What it says")
    if scenario.summary:
        st.markdown(markdown_literal(scenario.summary.strip()))
    for line in describe_rules(assessment):
        st.markdown(line)
    _links(ctx, assessment)
    facts = st.columns(3)
    facts[0].markdown("**Actors**  \n" + (markdown_literal(", ".join(scenario.actors)) or "—"))
    facts[1].markdown("**Targets**  \n" + (markdown_literal(", ".join(scenario.targets)) or "—"))
    facts[2].markdown("**Tags**  \n" + (" ".join(markdown_code(t) for t in scenario.tags) or "—"))
    chart_file = download_name(f"{scenario.id}-timeline", ctx.as_of.chosen)  # the PNG takes the same name
    st.plotly_chart(
        scenario_timeline_figure(detail, log, ctx.as_of.instant, ctx.tz),
        key="scenario_timeline",
        config=chart_config(chart_file.removesuffix(".csv")),
    )
    st.download_button(
        "Chart data (CSV)",
        download_csv(timeline_table([detail], log, ctx.tz)),
        file_name=chart_file,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        help="The bars, moved deadlines and events the chart draws. The toolbar's camera saves the chart as PNG.",
    )
    if scenario.signposts:
        st.header("Signposts")
        st.caption("Indicators that do not decide the status: escalation against de-escalation, counted as events are logged.")
        st.plotly_chart(
            signpost_figure(signpost_series(detail, log), ctx.as_of.instant, ctx.tz), key="signposts", config={"displaylogo": False}
        )
    likelihood_section(ctx, assessment)
    st.header("Matched events")
    _matched_table(detail, ctx)
    event_form.log_for_scenario(ctx, scenario)
    if scenario.sources:
        st.header("Sources")
        for source in scenario.sources:
            text = f"{source.title} <{source.url}>" if source.url else source.title
            st.markdown("- " + source_html(text), unsafe_allow_html=True)
    path = ctx.workspace.scenarios.files.get(scenario.id)
    if path is not None:
        with st.expander(f"File: {markdown_literal(display_path(path))}"):
            try:  # the file as it is now, never through a link swapped in since it loaded
                st.code(read_input(path).decode("utf-8", "replace"), language="yaml")
            except InputRefused as exc:
                st.warning(f"The file cannot be shown: {markdown_literal(str(exc))}", icon=":material/warning:")
            except OSError as exc:  # strerror only: str(exc) names the absolute path
                st.warning(f"The file cannot be shown: {markdown_literal(exc.strerror or 'it cannot be read')}", icon=":material/warning:")
        history_section(path)


render(current())
