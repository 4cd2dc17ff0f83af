"""How each status looks: word, icon and colour together, never colour alone.

Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies; every use pairs them with the status word and an icon. The icon is a
Material Symbol: drawn as SVG in HTML (tracker.report.html), by Streamlit's own font in
Streamlit elements. Plain text (tables, CSV, the command line, Plotly text) gets
the word alone: no character there may need a font a reader's machine lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.engine.status import Status


@dataclass(frozen=True)
class StatusStyle:
    word: str  # as shown to people
    symbol: str  # Material Symbols name: tracker.report.icons.PATHS for SVG, Streamlit's :material/...: otherwise
    colour: str  # fill colour
    badge: str  # st.badge colour name
    ink: str  # text colour on ``colour`` with at least 4.5:1 contrast

    @property
    def icon(self) -> str:
        """The Streamlit material icon, for st.badge and markdown."""
        return f":material/{self.symbol}:"


STYLES: dict[Status, StatusStyle] = {
    Status.OVERDUE: StatusStyle("Overdue", "alarm", "#D55E00", "red", "#000000"),
    Status.TRIGGERED: StatusStyle("Triggered", "bolt", "#E69F00", "orange", "#000000"),
    Status.DUE_SOON: StatusStyle("Due soon", "hourglass_bottom", "#F0E442", "yellow", "#000000"),
    Status.WATCHING: StatusStyle("Watching", "visibility", "#56B4E9", "blue", "#000000"),
    Status.PARTLY_ENACTED: StatusStyle("Partly enacted", "incomplete_circle", "#CC79A7", "primary", "#000000"),
    Status.ENACTED: StatusStyle("Enacted", "check_circle", "#009E73", "green", "#000000"),
    Status.AVERTED: StatusStyle("Averted", "shield", "#0072B2", "violet", "#FFFFFF"),
    Status.LAPSED: StatusStyle("Lapsed", "history_toggle_off", "#999999", "gray", "#000000"),
    Status.WITHDRAWN: StatusStyle("Withdrawn", "block", "#CCCCCC", "gray", "#000000"),
    Status.UPCOMING: StatusStyle("Upcoming", "schedule", "#E8E8E8", "gray", "#000000"),
}


def style(status: Status | str) -> StatusStyle:
    return STYLES[Status(status)]


def label(status: Status | str) -> str:
    """'Triggered': the status for places that take plain text, the word alone (see the module's docstring)."""
    return style(status).word
