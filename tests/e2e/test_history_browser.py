"""Tiers over time in a real browser: what a person reads (the finding, the flow chart's period
columns, the with / without figures, the matrix), and a rule typed there surviving a trip to
Tiers (another tier count) and Plan."""

from __future__ import annotations

import pytest

from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.formatting import churn_percent
from lib.history import History, Rules, stability
from lib.history_inputs import ImportOptions, load_periods
from lib.planning import starting_cuts
from lib.sample import SAMPLE_PATH
from lib.sample_history import history_files
from lib.slices import EVERYTHING
from tests.e2e.conftest import WAIT_MS, screenshot, wait_until_idle

pytestmark = pytest.mark.e2e


def expected_headline(tiers: int, rules: Rules, words: str) -> str:
    """The page's finding, computed here from lib on the bundled history and the sample's
    suggested cut-offs."""
    dataset = Dataset.from_csv(SAMPLE_PATH)
    cuts = starting_cuts(dataset, EVERYTHING, REVENUE_ONLY, tiers)
    dataset.close()
    history = History.of([p.snapshot for p in load_periods(history_files(), ImportOptions())])
    shares = [t.changed_share for t in stability(history, cuts, rules).transitions]
    worst = stability(history, cuts, rules).transitions[shares.index(max(shares))]
    return (
        f"{words}, {churn_percent(sum(shares) / len(shares))} of accounts change tier in an "
        f"average quarter; at most {churn_percent(max(shares))} ({worst.to_period})."
    )


def open_history(tab: object, url: str | None = None) -> None:
    if url is not None:
        tab.goto(url)  # as a person does: the home page, then the page's link
    tab.get_by_role("link", name="Tiers over time").click()
    tab.get_by_role("heading", name="Tiers over time", exact=True).wait_for(timeout=WAIT_MS)
    tab.get_by_role("heading", name="Flow across periods").wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)


def test_a_person_reads_the_finding_the_flow_and_the_comparison(new_tab, app_url: str) -> None:
    tab = new_tab(width=1280, height=1000)
    open_history(tab, app_url)
    want = expected_headline(3, Rules(), "Without stability rules")
    tab.get_by_role("heading", name=want).wait_for(timeout=WAIT_MS)
    chart = tab.locator('[data-testid="stPlotlyChart"]').first
    chart.locator("text", has_text="2025 Q1").first.wait_for(timeout=WAIT_MS)  # Plotly drew it
    drawn = chart.inner_text()
    for label in ("2025 Q1", "2025 Q3", "2026 Q4", "Tier 1", "Tier 3", "none"):
        assert label in drawn, (label, drawn)
        # Drawn where a person sees it (Plotly keeps a hidden text point in the page).
        assert chart.get_by_text(label, exact=True).first.is_visible(), label
    for label in ("Worst quarter", "Flapped", "Tier 1 revenue", "CSM hours"):
        assert tab.get_by_text(label, exact=True).first.is_visible(), label
    assert tab.get_by_role("button", name="Find the smallest stable buffer").is_visible()
    assert tab.get_by_role("columnheader", name="none").first.is_visible()  # the matrix
    quarters = tab.get_by_role("table").filter(has_text="Share of accounts")  # the quarter table
    assert quarters.get_by_role("cell", name="2025 Q1 → 2025 Q2", exact=True).is_visible()
    tab.set_viewport_size({"width": 1280, "height": 4200})
    wait_until_idle(tab)
    screenshot(tab, "history-1280")
    assert tab.console_errors == []


def test_a_rule_typed_here_stays_through_tiers_and_plan(new_tab, app_url: str) -> None:
    tab = new_tab(width=1280, height=1000)
    open_history(tab, app_url)
    stay = tab.get_by_role("spinbutton", name="Minimum stay (periods)")
    stay.fill("2")
    stay.press("Enter")
    want = expected_headline(3, Rules(min_stay=2), "With a 2-period minimum stay")
    tab.get_by_role("heading", name=want).wait_for(timeout=WAIT_MS)
    assert tab.get_by_text("With a 2-period minimum stay", exact=True).is_visible()
    # Four tiers on Tiers, then back: the history is tiered with the four, the rule kept.
    tab.get_by_role("link", name="Tiers", exact=True).click()
    tab.get_by_role("heading", name="Tiers", exact=True).wait_for(timeout=WAIT_MS)
    tab.get_by_role("radio", name="4", exact=True).check(force=True)
    tab.get_by_text("Tier 4").first.wait_for(timeout=WAIT_MS)
    wait_until_idle(tab)
    open_history(tab)
    want = expected_headline(4, Rules(min_stay=2), "With a 2-period minimum stay")
    tab.get_by_role("heading", name=want).wait_for(timeout=WAIT_MS)
    assert tab.get_by_role("spinbutton", name="Minimum stay (periods)").input_value() == "2"
    assert tab.get_by_role("columnheader", name="Tier 4").first.is_visible()
    tab.get_by_role("link", name="Plan", exact=True).click()
    tab.get_by_role("heading", name="Service matrix").wait_for(timeout=WAIT_MS)
    open_history(tab)
    tab.get_by_role("heading", name=want).wait_for(timeout=WAIT_MS)
    assert tab.get_by_role("spinbutton", name="Minimum stay (periods)").input_value() == "2"
    assert tab.console_errors == []


def test_the_rules_set_over_time_are_compared_on_plan_and_tiers(new_tab, app_url: str) -> None:
    """A person sets a minimum stay over time, opens "with and without rules" on Plan, reads
    both rows, and finds it open on Tiers too."""
    tab = new_tab(width=1280, height=1000)
    open_history(tab, app_url)
    stay = tab.get_by_role("spinbutton", name="Minimum stay (periods)")
    stay.fill("2")
    stay.press("Enter")
    tab.get_by_text("With a 2-period minimum stay", exact=True).wait_for(timeout=WAIT_MS)
    tab.get_by_role("link", name="Plan", exact=True).click()
    tab.get_by_role("heading", name="Service matrix").wait_for(timeout=WAIT_MS)
    label = "Stability over time: with and without rules"
    tab.get_by_text(label).click()
    tab.get_by_text("With a 2-period minimum stay", exact=True).wait_for(timeout=WAIT_MS)
    assert tab.get_by_text("Without rules", exact=True).is_visible()
    assert tab.get_by_text("Worst quarter", exact=True).first.is_visible()
    wait_until_idle(tab)
    tab.get_by_text(label).scroll_into_view_if_needed()
    screenshot(tab, "plan-rules-1280")
    tab.get_by_role("link", name="Tiers", exact=True).click()
    tab.get_by_role("heading", name="CSM teams").wait_for(timeout=WAIT_MS)
    tab.get_by_text("With a 2-period minimum stay", exact=True).wait_for(timeout=WAIT_MS)
    assert tab.get_by_text("Flapped", exact=True).first.is_visible()
    assert tab.console_errors == []
