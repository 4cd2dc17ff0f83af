"""Calibration: how well the analysts' probabilities foretold the scenarios decided by the as-of instant."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import streamlit as st

from components import navigation
from components.context import Context, current
from components.widgets import problems_banner, replay_note
from tracker.engine.calibration import Calibration, Score, calibration
from tracker.report.calibration import (
    BIN_RULE,
    HOW_TO_ASSESS,
    RULE,
    last_text,
    not_yet_text,
    outcome_text,
    owner_rows,
    reliability_rows,
    score_text,
    unassessed_text,
)
from tracker.report.figures import reliability_figure
from tracker.text import markdown_literal

WHICH = {"all": "All assessments before the decision", "last": "Each scenario's last assessment before it"}


def _metrics(result: Calibration) -> None:
    overall = result.overall
    cells = st.columns(4)
    for cell, (name, value, count) in zip(
        cells,
        (
            ("Brier, last before decision", score_text(overall.last.value), f"over {overall.last.count} scenario(s)"),
            ("Brier, all before decision", score_text(overall.all.value), f"over {overall.all.count} assessment(s)"),
            ("Resolved scenarios", str(overall.resolved), f"{overall.assessed} assessed before the decision"),
            ("Not scored", str(len(result.left_out) + len(result.not_yet)), f"{len(result.left_out)} left out, {len(result.not_yet)} open"),
        ),
        strict=True,
    ):
        cell.metric(name, value)
        cell.caption(count)
    st.caption(RULE)


def _reliability(result: Calibration) -> None:
    st.header("Reliability")
    groups: dict[str, Score] = {"Overall": result.overall, **{score.name: score for score in result.owners}}
    row = st.columns([2, 3])
    whose = row[0].selectbox("Whose", list(groups), key="calibration_whose")
    which = row[1].radio("Which assessments", list(WHICH), format_func=WHICH.__getitem__, horizontal=True, key="calibration_which")
    score = groups[whose or "Overall"]
    bins = score.reliability_last if which == "last" else score.reliability_all
    chart, table = st.columns(2)
    chart.plotly_chart(reliability_figure(bins), key="reliability", config={"displaylogo": False})
    table.dataframe(reliability_rows(bins), hide_index=True, width="stretch")
    table.caption(f"{BIN_RULE} Observed: the share of the bin's assessments whose scenario was enacted (enacted of all in the bin).")


def _scenarios(ctx: Context, result: Calibration) -> None:
    st.header(f"Resolved scenarios ({len(result.scored)})")
    widths = [4, 2, 3, 1, 1, 2]
    header = st.columns(widths)
    for cell, name in zip(
        header, ("Scenario", "Outcome", "Last assessment before decision", "Brier, last", "Brier, all", "Assessments"), strict=True
    ):
        cell.markdown(f"**{name}**")
    for item in sorted(result.scored, key=lambda s: s.assessment.scenario.title.casefold()):
        cells = st.columns(widths, vertical_alignment="center")
        cells[0].page_link(
            navigation.scenario_page(),
            label=markdown_literal(item.assessment.scenario.title),
            query_params=navigation.scenario_params(item.scenario_id, ctx.as_of),
        )
        cells[1].markdown(markdown_literal(outcome_text(item)))
        cells[2].markdown(markdown_literal(last_text(item)))
        cells[3].markdown(score_text(item.brier_last))
        cells[4].markdown(score_text(item.brier_all.value))
        cells[5].markdown(str(item.brier_all.count))
    if result.unassessed:
        st.caption(markdown_literal(f"{unassessed_text(len(result.unassessed))}: they are listed, and not in any score."))


def _left_out(result: Calibration) -> None:
    st.header(f"Left out ({len(result.left_out)})")
    if not result.left_out:
        st.markdown("No withdrawn, overdue or partly-enacted scenario.")
    for item in result.left_out:
        st.markdown(f"- **{markdown_literal(item.assessment.scenario.title)}**: {markdown_literal(item.reason)}")
    if result.not_yet:
        st.caption(markdown_literal(not_yet_text(result.not_yet) + ": they are scored once decided."))


def render(ctx: Context) -> None:
    st.title("Calibration")
    st.caption(replay_note(ctx.as_of, ctx.tz))
    problems_banner(ctx.problems)
    result = calibration(ctx.assessments, ctx.workspace.judgements)
    if result.nothing_to_score:
        st.info(
            f"Nothing to score yet: no assessment was made before the decision of any of the {result.overall.resolved} "
            f"resolved scenario(s). {HOW_TO_ASSESS}",
            icon=":material/target:",
        )
    else:
        _metrics(result)
        st.header("Per owner")
        st.dataframe(owner_rows(result), hide_index=True, width="stretch")
        _reliability(result)
    if result.scored:
        _scenarios(ctx, result)
    _left_out(result)


render(current())
