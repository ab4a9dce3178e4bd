"""The year month by month in a real browser: the peak in words, the chart, reduced months."""

from __future__ import annotations

from datetime import date

import pytest

from lib.capacity import tier_capacity
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.monthly_load import data_year
from lib.months import parse_capacity
from lib.planning import default_plan
from lib.sample import SAMPLE_PATH
from lib.suggest import default_cuts
from lib.tiering import summarize
from tests.e2e.conftest import WAIT_MS, screenshot, wait_until_idle

pytestmark = pytest.mark.e2e


def expected_peak(capacity: str = "") -> str:
    """The peak sentence computed in lib on the sample, with the app's default plan."""
    dataset = Dataset.from_csv(SAMPLE_PATH)
    cuts = default_cuts(dataset.index, 3)
    plan = default_plan(dataset, REVENUE_ONLY, cuts)
    capacities = tier_capacity(summarize(dataset.index, cuts), plan)
    year = data_year(
        dataset,
        dataset.index,
        cuts,
        plan.matrix,
        [c.hours_available for c in capacities],
        today=date.today(),
        capacity=parse_capacity(capacity),
    )
    return year.peak_sentence()


def open_year(tab: object, url: str) -> None:
    tab.goto(url)  # as a person does: the home page, then the page's link
    tab.get_by_role("link", name="Confidence").click()
    tab.get_by_role("heading", name="The year month by month").wait_for(timeout=WAIT_MS)
    tab.locator('[data-figure="year_peak"]').wait_for(timeout=WAIT_MS)
    tab.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)


def test_the_peak_sentence_reads_as_lib_computes_it(new_tab, app_url: str) -> None:
    tab = new_tab(width=1280, height=1400)
    open_year(tab, app_url)
    assert tab.locator('[data-figure="year_peak"]').inner_text() == expected_peak()
    assert tab.get_by_role("textbox", name="Months with less capacity").is_visible()
    screenshot(tab, "year-1280")
    assert tab.console_errors == []


def test_a_month_with_half_the_team_becomes_the_peak(new_tab, app_url: str) -> None:
    tab = new_tab(width=1280, height=1400)
    open_year(tab, app_url)
    box = tab.get_by_role("textbox", name="Months with less capacity")
    box.fill("August 50%")
    box.press("Enter")
    want = expected_peak("August 50%")
    assert want.startswith("Aug ")
    tab.locator('[data-figure="year_peak"]', has_text=want).wait_for(timeout=WAIT_MS)
    # The table under the chart says it too: a team's busiest month is now August.
    busiest = tab.get_by_role("table").filter(has_text="Busiest month")
    assert busiest.get_by_role("columnheader", name="Months over capacity").is_visible()
    assert busiest.get_by_role("cell", name=want[:8], exact=True).first.is_visible()  # "Aug 2027"
    # The typed months stay across pages (a key no widget owns).
    tab.get_by_role("link", name="Plan").click()
    tab.get_by_role("heading", name="Service matrix").wait_for(timeout=WAIT_MS)
    tab.get_by_role("link", name="Confidence").click()
    tab.locator('[data-figure="year_peak"]', has_text=want).wait_for(timeout=WAIT_MS)
    assert tab.get_by_role("textbox", name="Months with less capacity").input_value() == (
        "August 50%"
    )
    screenshot(tab, "year-august")
