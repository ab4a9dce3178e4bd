"""A page's own address opened first, in a server nobody has visited yet, shows that page inside
app.py: tierboard's navigation and sidebar, not Streamlit's pages-directory mode (ui/entry.py)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import WAIT_MS, screenshot, start_app, stop_app

SIDEBAR = '[data-testid="stSidebar"]'


@pytest.mark.parametrize("script", [None, "app.py"], ids=["launcher", "streamlit_run"])
def test_a_deep_link_opened_first_in_a_fresh_server_shows_the_page_with_our_sidebar(
    new_tab: object, script: str | None
) -> None:
    url, server = start_app(script=script)  # a fresh process: no session has run app.py yet
    try:
        tab = new_tab()
        tab.goto(url + "/upload")
        tab.get_by_role("heading", name="Upload customers").wait_for(timeout=WAIT_MS)
        sidebar = tab.locator(SIDEBAR)
        sidebar.get_by_role("slider").first.wait_for(timeout=WAIT_MS)  # the cut-offs
        nav = sidebar.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text("Who moves", exact=True).wait_for(timeout=WAIT_MS)  # st.navigation
        screenshot(tab, "deep-link-upload-" + ("launcher" if script is None else "streamlit-run"))
        links = nav.inner_text()
        assert "changes" not in links and "app" not in links.split(), links  # no file names
        assert tab.locator('[data-testid="stException"]').count() == 0
        assert urlparse(tab.url).path == "/upload"
    finally:
        stop_app(server)
