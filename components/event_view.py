"""How one event, or a list of events, is shown: title, date, who, tags and the source as a link."""

from __future__ import annotations

import html
import re

import streamlit as st

from tracker.events import Event

_URL = re.compile(r"<?(https?://[^\s>]+)>?")


def source_markdown(source: str) -> str:
    """'Publisher: Title <https://...>' -> the citation with the URL as a link."""
    match = _URL.search(source)
    if not match:
        return html.escape(source) or "<i>no source given</i>"
    citation = source[: match.start()].strip() or match.group(1)
    return f'<a href="{html.escape(match.group(1))}" target="_blank" rel="noopener">{html.escape(citation)}</a>'


def event_card(event: Event, note: str = "") -> None:
    who = ", ".join(event.actors) or "—"
    whom = f" → {', '.join(event.targets)}" if event.targets else ""
    tags = " ".join(f"`{t}`" for t in event.tags)
    with st.container(border=True):
        st.markdown(f"**{event.title}**")
        st.markdown(f"{event.occurred} · {who}{whom} {tags}  \n" + (f"*{note}*" if note else ""))
        st.markdown(f"Source: {source_markdown(event.source)}", unsafe_allow_html=True)
        if event.notes:
            st.caption(event.notes)
        st.caption(f"id `{event.id}`")
