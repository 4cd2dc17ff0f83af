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
/* Captions: Streamlit draws them at 60 % opacity, 4.26:1 on the sidebar's grey (WCAG AA needs 4.5); opaque grey is 6.3:1. */
[data-testid="stCaptionContainer"] { color: #555A61; opacity: 1; }
/* A keyboard focus ring that shows on every background: Streamlit's is a faint halo (1.1:1 on links), and its own
   rules set `outline: none` with more specific selectors, hence !important. #0B5CAD is 6.0:1 on the sidebar's grey. */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="button"]:focus-visible, [role="tab"]:focus-visible {
  outline: 3px solid #0B5CAD !important; outline-offset: 2px !important;
}
</style>
"""


def apply() -> None:
    st.html(_CSS)
