"""How one event, or a list of events, is shown: title, date, who, tags and the source as a link."""

from __future__ import annotations

import streamlit as st

from tracker.log.events import Event
from tracker.report.html import source_html
from tracker.report.tables import LINK_HOST
from tracker.text import markdown_code, markdown_literal


def source_columns() -> dict[str, st.column_config.ColumnConfig]:
    """The column configuration of tracker.report.tables.source_cells: the link named by its site, then the words."""
    return {
        "Source": st.column_config.LinkColumn("Source", display_text=LINK_HOST, width=165, help="The source's first https:// link"),
        "Cited as": st.column_config.TextColumn("Cited as", width="medium", help="The source as logged, without its link"),
    }


def event_card(event: Event, note: str = "") -> None:
    who = markdown_literal(", ".join(event.actors)) or "—"
    whom = f" → {markdown_literal(', '.join(event.targets))}" if event.targets else ""
    tags = " ".join(markdown_code(t) for t in event.tags)
    with st.container(border=True):
        st.markdown(f"**{markdown_literal(event.title)}**")
        st.markdown(f"{markdown_literal(event.occurred)} · {who}{whom} {tags}  \n" + (f"*{markdown_literal(note)}*" if note else ""))
        st.markdown(f"Source: {source_html(event.source)}", unsafe_allow_html=True)
        if event.notes:
            st.caption(markdown_literal(event.notes))
        st.caption(f"id {markdown_code(event.id)}")
