"""The Plan page's natural-break suggestion in a real browser: what a person reads, and Apply."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.formatting import count
from lib.natural_breaks import fit_by_tiers
from lib.sample import SAMPLE_PATH
from lib.tiering import TierIndex
from tests.e2e.conftest import WAIT_MS, screenshot, wait_for_figure, wait_until_idle

pytestmark = pytest.mark.e2e
REVENUE = pd.read_csv(SAMPLE_PATH)["annual_revenue"]
FITS = fit_by_tiers(TierIndex.from_values(REVENUE.to_numpy()), "log")


def test_the_natural_breaks_read_as_cut_offs_to_the_cent_with_their_fit_and_apply(
    new_tab: object, app_url: str
) -> None:
    tab = new_tab(width=1280, height=900)
    tab.goto(app_url)
    wait_for_figure(tab, 1, "customers", count((REVENUE >= 55_000).sum()))
    tab.get_by_role("link", name="Plan", exact=True).first.click()
    button = tab.get_by_role("button", name="Suggest natural breaks (3 tiers)")
    button.wait_for(timeout=3 * WAIT_MS)
    wait_until_idle(tab)
    c1, c2 = FITS[3].cuts
    main = tab.locator('[data-testid="stMain"]')
    assert f"3 tiers: Tier 1 ≥ ${c1:,.2f} · Tier 2 ≥ ${c2:,.2f}" in main.inner_text()
    table = tab.get_by_role("table", name="Goodness of variance fit by number of tiers")
    rows = [" ".join(row.split()) for row in table.locator("tr").all_inner_texts()]
    assert rows == [f"{k} tiers {fit.gvf:.2f}" for k, fit in FITS.items()]
    assert tab.get_by_text("The data supports about").is_visible()
    table.scroll_into_view_if_needed()
    screenshot(tab, "plan-natural-breaks")

    button.click()
    tab.get_by_text("Natural breaks on the logarithm of revenue").wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    screenshot(tab, "plan-natural-breaks-applied")
    tab.get_by_role("link", name="Tiers", exact=True).first.click()
    wait_for_figure(tab, 1, "customers", count((c1 <= REVENUE).sum()))
    wait_for_figure(tab, 3, "customers", count((c2 > REVENUE).sum()))
    assert tab.locator('[data-testid="stException"]').count() == 0
    assert tab.console_errors == []
