"""How each status looks: word, icon and colour together, never colour alone.

Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies; every use pairs them with the status word and an icon.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.engine.status import Status


@dataclass(frozen=True)
class StatusStyle:
    word: str  # as shown to people
    icon: str  # Streamlit material icon, for st.badge and markdown
    glyph: str  # plain Unicode, for Plotly text and plain strings
    colour: str  # fill colour
    badge: str  # st.badge colour name
    ink: str  # text colour on ``colour`` with at least 4.5:1 contrast


STYLES: dict[Status, StatusStyle] = {
    Status.OVERDUE: StatusStyle("Overdue", ":material/alarm:", "⏰", "#D55E00", "red", "#000000"),
    Status.TRIGGERED: StatusStyle("Triggered", ":material/bolt:", "⚡", "#E69F00", "orange", "#000000"),
    Status.DUE_SOON: StatusStyle("Due soon", ":material/hourglass_bottom:", "⏳", "#F0E442", "yellow", "#000000"),
    Status.WATCHING: StatusStyle("Watching", ":material/visibility:", "👁", "#56B4E9", "blue", "#000000"),
    Status.PARTLY_ENACTED: StatusStyle("Partly enacted", ":material/incomplete_circle:", "◐", "#CC79A7", "primary", "#000000"),
    Status.ENACTED: StatusStyle("Enacted", ":material/check_circle:", "✔", "#009E73", "green", "#000000"),
    Status.AVERTED: StatusStyle("Averted", ":material/shield:", "🛡", "#0072B2", "violet", "#FFFFFF"),
    Status.LAPSED: StatusStyle("Lapsed", ":material/history_toggle_off:", "⌛", "#999999", "gray", "#000000"),
    Status.WITHDRAWN: StatusStyle("Withdrawn", ":material/block:", "⊘", "#CCCCCC", "gray", "#000000"),
    Status.UPCOMING: StatusStyle("Upcoming", ":material/schedule:", "◷", "#E8E8E8", "gray", "#000000"),
}


def style(status: Status | str) -> StatusStyle:
    return STYLES[Status(status)]


def label(status: Status | str) -> str:
    """'⚡ Triggered' — glyph and word, for places that take plain text."""
    s = style(status)
    return f"{s.glyph} {s.word}"
