"""How one event, or a list of events, is shown: title, date, who, tags and the source as a link."""

from __future__ import annotations

import streamlit as st

from tracker.log.events import Event
from tracker.report.html import source_html


def event_card(event: Event, note: str = "") -> None:
    who = ", ".join(event.actors) or "—"
    whom = f" → {', '.join(event.targets)}" if event.targets else ""
    tags = " ".join(f"`{t}`" for t in event.tags)
    with st.container(border=True):
        st.markdown(f"**{event.title}**")
        st.markdown(f"{event.occurred} · {who}{whom} {tags}  \n" + (f"*{note}*" if note else ""))
        st.markdown(f"Source: {source_html(event.source)}", unsafe_allow_html=True)
        if event.notes:
            st.caption(event.notes)
        st.caption(f"id `{event.id}`")
