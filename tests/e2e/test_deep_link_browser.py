"""A page's own address opened first, in a server nobody has visited yet, shows that page inside
app.py: tierboard's navigation and sidebar, not Streamlit's pages-directory mode (ui/entry.py)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import WAIT_MS, screenshot, start_app, stop_app, wait_until_idle

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


def _sidebar_values(tab: object) -> tuple[list[str], list[str]]:
    """The sidebar's radio choices and slider values, as a person reads them."""
    sidebar = tab.locator(SIDEBAR)
    checked = sidebar.locator('input[type="radio"]:checked')
    choices = [
        checked.nth(i).evaluate("e => e.closest('label').innerText") for i in range(checked.count())
    ]
    sliders = sidebar.get_by_role("slider")
    return choices, [sliders.nth(i).get_attribute("aria-valuetext") for i in range(sliders.count())]


@pytest.mark.parametrize("script", [None, "app.py"], ids=["launcher", "streamlit_run"])
def test_the_sidebar_shows_the_same_tiers_and_cut_offs_on_every_page_of_a_fresh_server(
    new_tab: object, script: str | None
) -> None:
    """The first session of a process: after a page switch the sidebar read 2 tiers and cut-offs
    at $450 while every figure used 3 tiers at $55K / $20K (the first run had drawn the sidebar
    in Streamlit's pages-directory mode)."""
    url, server = start_app(script=script)
    try:
        tab = new_tab()
        tab.goto(url)
        tab.locator(".tb-card").first.wait_for(timeout=WAIT_MS)
        tab.locator(SIDEBAR).get_by_role("slider").first.wait_for(timeout=WAIT_MS)
        wait_until_idle(tab)
        expected = (["Revenue", "3"], ["$55K", "$20K"])
        assert _sidebar_values(tab) == expected
        for page, heading in (("Plan", "Plan"), ("Who moves", "Who moves"), ("Tiers", "Tiers")):
            tab.get_by_role("link", name=page, exact=True).click()
            tab.get_by_role("heading", name=heading, exact=True).wait_for(timeout=WAIT_MS)
            wait_until_idle(tab)
            assert _sidebar_values(tab) == expected, page
    finally:
        stop_app(server)
