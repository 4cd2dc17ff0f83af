"""The Scenario page's likelihood: the analysts' assessments made by the as-of instant, and a form to record one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.context import Context, data_paths
from components.writing import identity_caption, logged_by_field, remember_name, write_gate
from tracker import config
from tracker.engine.status import Assessment
from tracker.judgement.model import CONFIDENCES
from tracker.judgement.record import AssessmentDraft, check_draft, record_assessment
from tracker.log.ids import new_event_id
from tracker.problems import TrackerError
from tracker.report.figures import likelihood_figure
from tracker.report.html import source_html
from tracker.report.views import likelihood_view
from tracker.text import html_literal, markdown_code, markdown_literal, without_link
from tracker.timeutil import now

_GENERATION = "assess:gen:{}"
_OUTCOME = "assess:outcome:{}"


def likelihood_section(ctx: Context, assessment: Assessment) -> None:
    scenario = assessment.scenario
    view = likelihood_view(ctx.workspace.judgements, assessment)
    st.header("Likelihood")
    if view.latest is None:
        st.caption("No analyst has assessed how likely this scenario is to end enacted" + (" by this date." if view.later else "."))
    else:
        st.markdown(f"**{markdown_literal(view.headline(ctx.tz))}**")
        note, link = without_link(view.latest.note)
        if note or link:
            st.caption(html_literal(note) + (" " + source_html(f"source <{link}>") if link else ""), unsafe_allow_html=True)
        st.plotly_chart(likelihood_figure(view, ctx.as_of.instant, ctx.tz), key="likelihood", config={"displaylogo": False})
        if view.decided_at is not None and view.latest.assessed_at >= view.decided_at:
            st.caption("The last assessment was made after the status was decided; calibration scores only those made before.")
        st.dataframe(
            pd.DataFrame(view.rows(ctx.tz)),
            hide_index=True,
            width="stretch",
            column_config={
                "Note": st.column_config.TextColumn(width="large"),
                "Source": st.column_config.LinkColumn("Source", display_text="open"),
            },
        )
    if view.later:
        st.caption(f"{view.later} later assessment(s) not shown: this is a replay of an earlier date.")
    _record_form(ctx, scenario.id)


def _record_form(ctx: Context, scenario_id: str) -> None:
    if st.query_params.get("mode") == "present":  # a slide shows no editing at all
        return
    with st.expander("Record an assessment", icon=":material/add_chart:"):
        access = write_gate(f"assess-{scenario_id}", "record assessments")
        if access is None:
            return
        outcome = st.session_state.pop(_OUTCOME.format(scenario_id), None)
        if outcome is not None:
            (st.success if outcome[0] == "success" else st.error)(
                outcome[1], icon=":material/check_circle:" if outcome[0] == "success" else ":material/error:"
            )
        generation = st.session_state.get(_GENERATION.format(scenario_id), 0)
        key = f"assess-{scenario_id}-{generation}"
        identity_caption(access, key)
        with st.form(key, border=False):
            probability = st.slider("Probability that it ends enacted (%)", 0, 100, 50, step=1, key=f"{key}-p")
            confidence = st.radio("Confidence", CONFIDENCES, index=1, horizontal=True, key=f"{key}-c")
            note = st.text_input("Note", key=f"{key}-n", placeholder="Why, in one line; a https:// link to a source is shown as a link")
            by = logged_by_field(access, f"{key}-by")
            submitted = st.form_submit_button("Save assessment", icon=":material/save:", type="primary")
        if submitted:
            _save(ctx, scenario_id, key, AssessmentDraft(scenario_id, str(probability), str(confidence), note), remember_name(by))
            st.rerun()


def _save(ctx: Context, scenario_id: str, key: str, draft: AssessmentDraft, by: str) -> None:
    when = now()
    path = config.assessments_path(data_paths()[1])
    known = {s.id for s in ctx.workspace.scenarios.scenarios}
    # The form's id is made once per form: a second click on Save is the same save retried, written once.
    row_id = st.session_state.setdefault(f"{key}:id", new_event_id(when))
    row, errors = check_draft(draft, scenarios=known, judgements=ctx.workspace.judgements, now=when, assessed_by=by, row_id=row_id)
    outcome_key = _OUTCOME.format(scenario_id)
    if errors:
        st.session_state[outcome_key] = ("error", markdown_literal("Not saved: " + "; ".join(e.message for e in errors)))
        return
    try:
        receipt = record_assessment(path, row, now=when)
    except TrackerError as exc:
        st.session_state[outcome_key] = ("error", markdown_literal(f"Not saved: {exc}"))
        return
    st.session_state[_GENERATION.format(scenario_id)] = st.session_state.get(_GENERATION.format(scenario_id), 0) + 1
    if receipt.already:
        st.session_state[outcome_key] = ("success", f"Already saved ({markdown_literal(receipt.already[0].place)}); not saved twice.")
        return
    st.session_state[outcome_key] = (
        "success",
        f"Saved assessment {markdown_code(row['id'])}: {row['probability']} % that it ends enacted.",
    )
