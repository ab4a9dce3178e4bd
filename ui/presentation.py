"""Presentation mode: the view for a shared screen — large figures, fewer controls, high contrast.

The main view (per-tier figures, revenue share, load) fits a 1280x720 screen without scrolling.
The mode is part of the share link (`present=1`), so a link opens the way it was shown.
"""

from __future__ import annotations

import streamlit as st

from ui.keys import (
    PRESENT,
)

# Our own stylesheet (no user text): bigger figures, tighter page, stronger contrast.
CSS = """
<style>
.block-container { padding-top: 3.75rem !important; padding-bottom: 0.5rem !important; }
.block-container [data-testid="stVerticalBlock"] { gap: 0.75rem !important; }
/* Sized to the card (a size container), so five tiers fit as well as three. */
.tb-value { font-size: clamp(1.6rem, 19cqi, 3rem) !important; font-weight: 600;
            line-height: 1.1 !important; }
.tb-share { font-size: clamp(1.1rem, 11cqi, 1.7rem) !important; font-weight: 600;
            opacity: 1 !important; }
.tb-label { font-size: 1.05rem !important; opacity: 1 !important; }
/* Stronger sides; the top keeps its tier colour (one colour per tier, on every screen). */
.tb-card { border-width: 2px !important; border-top-width: 0.5rem !important;
           border-left-color: rgba(128,128,128,0.7) !important;
           border-right-color: rgba(128,128,128,0.7) !important;
           border-bottom-color: rgba(128,128,128,0.7) !important; }
.tb-chart-title { font-size: 1.4rem !important; }
.tb-chart { font-size: 1.1rem !important; margin-bottom: 0 !important; }
.tb-detail { font-size: 0.95rem !important; line-height: 1.3 !important; opacity: 0.95 !important; }
</style>
"""


def is_on() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def toggle() -> None:
    st.sidebar.toggle(
        "Presentation mode",
        key=PRESENT,
        help="For a shared screen: large figures, fewer controls, high contrast; the main view "
        "fits a 1280x720 screen. Kept in the share link.",
    )


def style() -> None:
    if is_on():  # in the sidebar: an element in the main column would cost it a row gap
        st.sidebar.markdown(CSS, unsafe_allow_html=True)  # markdown-safe: our own constant
