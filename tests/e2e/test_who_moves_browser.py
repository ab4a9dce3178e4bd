"""Who moves in Chromium as a person reads it: the ten largest movers and the ten accounts
nearest a line as tables, and the grids of the first 500 a toggle away, kept through a trip to
Tiers and back."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import WAIT_MS, screenshot, wait_until_idle

pytestmark = pytest.mark.e2e

MOVERS_GRID = "Browse the first 500 movers in a grid"
NEAR_GRID = "Browse the first 500 in a grid"


def open_who_moves(tab: object) -> None:
    tab.get_by_role("link", name="Who moves", exact=True).click()
    tab.get_by_role("heading", name="Who moves", exact=True).wait_for(timeout=WAIT_MS)
    tab.get_by_role("heading", name="Near a line").wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)


def test_the_lists_read_as_tables_and_the_grids_stay_on_once_asked_for(
    new_tab, app_url: str
) -> None:
    tab = new_tab(width=1280, height=1000)
    tab.goto(app_url)
    open_who_moves(tab)
    movers = tab.get_by_role("table").filter(has_text="Direction")
    assert movers.get_by_role("columnheader", name="Customer name").is_visible()
    assert movers.locator("tbody tr").count() == 10
    near = tab.get_by_role("table").filter(has_text="Nearest cut-off")
    assert near.locator("tbody tr").count() == 10
    assert tab.locator('[data-testid="stDataFrame"]').count() == 0
    assert tab.get_by_text("The 10 with the most revenue of the", exact=False).is_visible()
    screenshot(tab, "who-moves-1280")

    tab.get_by_role("switch", name=MOVERS_GRID).click(force=True)
    tab.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    assert tab.get_by_role("table").filter(has_text="Direction").count() == 0
    tab.get_by_role("link", name="Tiers", exact=True).click()
    tab.get_by_role("heading", name="Tiers", exact=True).wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    open_who_moves(tab)
    tab.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=WAIT_MS)
    assert tab.get_by_role("switch", name=MOVERS_GRID).is_checked()
    assert not tab.get_by_role("switch", name=NEAR_GRID).is_checked()
    assert tab.console_errors == []
