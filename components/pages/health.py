"""Data health: every validation problem, located to file, line and column."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import streamlit as st

from components.context import Context, current, data_paths
from components.writing import startup_notice
from tracker.problems import display_path
from tracker.text import markdown_code


def render(ctx: Context) -> None:
    st.title("Data health")
    startup_notice()
    scenarios, events = data_paths()
    ws = ctx.workspace
    errors = [p for p in ctx.problems if p.severity == "error"]
    warnings = [p for p in ctx.problems if p.severity == "warning"]
    cols = st.columns(4)
    cols[0].metric("Valid scenarios", len(ws.scenarios.scenarios))
    cols[1].metric("Valid events", f"{len(ws.events):,}")
    cols[2].metric("Errors", len(errors))
    cols[3].metric("Warnings", len(warnings))
    st.caption(
        f"Scenarios from {markdown_code(display_path(scenarios))} · events from {markdown_code(display_path(events))}. "
        "Files are re-read when they change."
    )
    if not ctx.problems:
        st.success("No problems: every scenario file and event row is valid.", icon=":material/check_circle:")
        return
    st.markdown("Files or rows with errors are left out; everything else is shown on the other pages.")
    st.dataframe(
        [{"Where": f"{p.path}:{p.line}:{p.column}", "Severity": p.severity, "Problem": p.message} for p in ctx.problems],
        hide_index=True,
        width="stretch",
        column_config={
            "Where": st.column_config.TextColumn("Where", width="medium", help="file:line:column"),
            "Severity": st.column_config.TextColumn("Severity", width="small"),
            "Problem": st.column_config.TextColumn("Problem", width="large"),
        },
    )
    with st.expander("As plain text (copy into an editor or an issue)"):
        st.code("\n".join(str(p) for p in ctx.problems), language="text")


render(current())
