"""The app's own always-on stylesheet: what Streamlit's theme options cannot say.

Streamlit draws captions in a grey (#828180 on white, 3.9:1) below the 4.5:1 that WCAG AA asks
of body text; an accessibility scan (tests/e2e/test_accessibility_browser.py) flags it on every
page. Captions carry real content here (what a figure covers, what a slice means), so they
inherit the text colour, softened by opacity: 5.3:1 on the light theme, more on the dark one.
A slider's value above its thumb is drawn in the accent blue, 3.5:1 on the dark page: it is the
cut-off itself, so it takes the text colour.
"""

from __future__ import annotations

import streamlit as st

CSS = """<style>
[data-testid="stCaptionContainer"] { color: inherit !important; opacity: 0.78; }
[data-testid="stSliderThumbValue"] { color: inherit !important; }
</style>"""


def style() -> None:
    """Once per run, in the event container: a style-only st.html takes no room on the page."""
    st.html(CSS)
