"""Small CSS adjustments Streamlit's theme cannot express (kept minimal and documented)."""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
/* Scenario titles on cards are links: let them wrap instead of being cut off. */
[data-testid="stPageLink"] a p { white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid="stPageLink"] a { height: auto; }
/* A tighter top so the board's first row is visible without scrolling. */
.block-container { padding-top: 2.2rem; }
.countdown { font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.countdown-caption { color: #475467; font-size: 0.85rem; }
</style>
"""


def apply() -> None:
    st.html(_CSS)
