"""The tier of record as a person meets it in Chromium: adopt a saved plan, read "Tier of
record", then find it as Who moves' baseline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lib.adoption import day_text
from tests.e2e.conftest import WAIT_MS, screenshot, start_app, stop_app, wait_until_idle
from tests.e2e.test_scenarios_browser import _open, _save, _scenarios_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_app() -> object:
    # A store of its own per attempt: a retry must not find the failed attempt's adoption.
    url, server = start_app()
    yield url
    stop_app(server)


def test_adopting_a_plan_shows_the_tier_of_record_and_who_moves_compares_with_it(
    new_tab: object, own_app: str
) -> None:
    page = new_tab(width=1280, height=900)
    _scenarios_page(page, own_app)
    page.get_by_role("textbox", name="Your name (optional)").fill("ana")
    _save(page, "Q3 plan")
    today = day_text(datetime.now(UTC).date())
    _open(page, "Adopt this plan")
    sentence = f"Records 5,000 accounts’ tiers as the tier of record, dated {today}, by ana."
    page.get_by_text(sentence).wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Yes, adopt it").click()
    page.get_by_text("Adopted “Q3 plan”").wait_for(timeout=WAIT_MS)
    wait_until_idle(page)
    record = page.locator('[data-testid="stMarkdownContainer"]', has_text="Tier of record:").first
    assert record.inner_text() == f"Tier of record: “Q3 plan”, adopted {today} by ana"
    assert page.get_by_role("button", name="Yes, adopt it").is_hidden()  # the popover closed
    page.get_by_role("heading", name="Tier of record").scroll_into_view_if_needed()
    screenshot(page, "adopt-scenarios-1280")
    page.get_by_role("link", name="Who moves", exact=True).click(timeout=WAIT_MS)
    page.get_by_role("heading", name="Who moves", exact=True).wait_for(timeout=WAIT_MS)
    wait_until_idle(page)
    baseline = page.get_by_role("combobox", name="Compare with")
    assert baseline.input_value() == f"Tier of record (“Q3 plan”, adopted {today})"
    page.get_by_role("heading", name="Nobody changes tier.").wait_for(timeout=WAIT_MS)
    screenshot(page, "adopt-who-moves-1280")
