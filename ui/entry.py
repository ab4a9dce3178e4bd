"""Make sure every page runs inside app.py, even when a page's own URL is opened first.

With a `pages/` folder, Streamlit starts in its old "pages directory" mode until app.py has run
once (st.navigation switches it off): the first visitor of a deep link such as /upload would get
the page without app.py — no sidebar, no cut-offs, a bare page list. The launcher (ui/serve.py)
switches that mode off before the server starts; this guard covers a bare `streamlit run app.py`.
(streamlit issue 9446; tests/app/conftest.py has the AppTest side of it.)
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import state


def use_navigation_only() -> None:
    """Turn Streamlit's pages-directory mode off for this process."""
    PagesManager.uses_pages_directory = False


def require_app() -> None:
    """Call first on every page: reruns through app.py if this run skipped it."""
    if state.CUTS not in st.session_state:
        use_navigation_only()
        st.rerun()
