"""Make sure every page runs inside app.py, even when a page's own URL is opened first.

With a `pages/` folder, Streamlit starts each process (and AppTest each run) in its old "pages
directory" mode: until some session calls `st.navigation`, a deep link such as /upload runs
pages/upload.py alone — no sidebar, no cut-offs, a bare page list. A page that finds it ran
without app.py calls `st.navigation`, which is documented to end that mode for every session,
and reruns: the rerun goes through app.py. No private Streamlit code is touched, and in a server
this happens at most once (the first run of the process). AppTest goes back to that mode before
every run (Streamlit issue 9446, PR 14217), which a rerun cannot mend without losing the run's
clicks: tests and bench use `ui.internals.patch_apptest_navigation_only` instead.
tests/app/test_entry.py fails when Streamlit stops needing either.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.keys import ENTRY_RAN as _RAN

PAGES = Path(__file__).resolve().parent.parent / "pages"


def pages() -> list[st.Page]:
    """tierboard's pages, in the order of the navigation."""
    return [
        st.Page(PAGES / "tiers.py", title="Tiers", icon=":material/bar_chart:", default=True),
        st.Page(PAGES / "plan.py", title="Plan", icon=":material/tune:"),
        st.Page(PAGES / "confidence.py", title="Confidence", icon=":material/verified:"),
        st.Page(PAGES / "books.py", title="Books", icon=":material/groups:"),
        st.Page(PAGES / "changes.py", title="Who moves", icon=":material/swap_vert:"),
        st.Page(PAGES / "history.py", title="Tiers over time", icon=":material/timeline:"),
        st.Page(PAGES / "scenarios.py", title="Scenarios", icon=":material/bookmarks:"),
        st.Page(PAGES / "upload.py", title="Upload", icon=":material/upload_file:"),
    ]


def navigation() -> st.Page:
    """The page this run shows: st.navigation over `pages()` (app.py, after the sidebar)."""
    return st.navigation(pages())


def run(page: st.Page) -> None:
    """Run the page st.navigation picked, marked as run from inside app.py."""
    st.session_state[_RAN] = True
    page.run()


def require_app() -> None:
    """Call first on every page: if this run started at the page, rerun it through app.py."""
    if st.session_state.pop(_RAN, False):
        return
    # Documented: "As soon as any session of your app executes the st.navigation command, your
    # app will ignore the pages/ directory (across all sessions)". The rerun then goes through
    # app.py; nothing of this run is lost, since the page has drawn nothing yet.
    st.navigation(pages(), position="hidden")
    st.rerun()
