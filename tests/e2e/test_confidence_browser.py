"""The Confidence page in a real browser: the riskiest assumption in words, and the tornado chart
named for a screen reader by its finding."""

from __future__ import annotations

import pytest

from lib import charts, planning, sensitivity
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.slices import EVERYTHING
from tests.e2e.conftest import WAIT_MS, screenshot, wait_until_idle

pytestmark = pytest.mark.e2e


def expected() -> sensitivity.Sensitivity:
    """The sample's starting view, recomputed here: what the page must say."""
    dataset = Dataset.from_csv(SAMPLE_PATH)
    cuts = planning.starting_cuts(dataset, EVERYTHING, REVENUE_ONLY, 3)
    plan = planning.default_plan(dataset, REVENUE_ONLY, cuts)
    return sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY
    )


def open_confidence(tab: object, url: str) -> None:
    # Through the sidebar, as a person does (a deep link makes Streamlit probe
    # /confidence/_stcore/health first: two 404s in the console).
    tab.goto(url)
    tab.get_by_role("link", name="Confidence", exact=True).click(timeout=WAIT_MS)
    tab.get_by_role("heading", name="How sure is this plan?").wait_for(timeout=WAIT_MS)
    tab.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)


def test_confidence_says_the_riskiest_assumption_and_names_its_chart(
    new_tab: object, app_url: str
) -> None:
    tab = new_tab(1280, 900)
    open_confidence(tab, app_url)
    found = expected()
    sentence = found.sentence()
    assert sentence.startswith("The plan's riskiest assumption is Tier 1's 60 hours per account")
    assert tab.get_by_text(sentence).is_visible()
    chart = tab.get_by_role("figure", name=charts.tornado_title(found))
    assert chart.is_visible()
    # The near-line counts are on the chart's own labels, in the words a room reads.
    labels = chart.locator(".ytick").all_text_contents()
    assert any(f"{found.near[0]:,} accounts within ±5%" in label for label in labels), labels
    assert tab.get_by_role("heading", name="Confidence").is_visible()
    screenshot(tab, "confidence-1280")
    assert tab.console_errors == []


def test_a_wider_near_line_distance_counts_more_accounts_on_the_chart(
    new_tab: object, app_url: str
) -> None:
    tab = new_tab(1280, 900)
    open_confidence(tab, app_url)
    box = tab.get_by_role("spinbutton", name="Near a line: within this distance of a cut-off (%)")
    box.fill("10")
    box.press("Enter")
    tab.locator(".ytick", has_text="within ±10%").first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    labels = tab.locator('[data-testid="stPlotlyChart"] .ytick').all_text_contents()
    assert not any("±5%" in label for label in labels)
    # The figure typed stays when the person goes to another page and comes back (a keyed
    # widget alone would come back at its default: PITFALLS, "A keyed widget rendered ...").
    tab.get_by_role("link", name="Plan", exact=True).click(timeout=WAIT_MS)
    tab.get_by_role("heading", name="Plan", exact=True).first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    tab.get_by_role("link", name="Confidence", exact=True).click(timeout=WAIT_MS)
    tab.locator(".ytick", has_text="within ±10%").first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    box = tab.get_by_role("spinbutton", name="Near a line: within this distance of a cut-off (%)")
    assert box.input_value() == "10"
