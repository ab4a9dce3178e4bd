"""The meeting pack as Chromium prints it: five tier cards on one A4 row, every figure inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib import books, capacity, tiering
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from tests.e2e.conftest import printed_pack, sample_pack_content, screenshot

pytestmark = pytest.mark.e2e

# Each card's figures must sit inside it: text wider than its box is cut off on paper.
OUTSIDE_JS = """() => [...document.querySelectorAll('.tb-card .tb-value')].flatMap(value => {
    const range = document.createRange();
    range.selectNodeContents(value);
    const text = range.getBoundingClientRect();
    const card = value.closest('.tb-card').getBoundingClientRect();
    const outside = text.right > card.right - 1;
    return outside ? [`${value.innerText} ends at ${text.right} > ${card.right}`] : [];
})"""


def test_a_five_tier_pack_prints_its_cards_on_one_row(new_tab: object, tmp_path: Path) -> None:
    content = sample_pack_content([100_000, 55_000, 20_000, 8_000])
    tab = printed_pack(new_tab, content, tmp_path)
    screenshot(tab, "pack-five-tiers-print")
    cards = tab.locator(".tb-card")
    assert cards.count() == 5
    assert len({round(card.bounding_box()["y"]) for card in cards.all()}) == 1
    assert tab.evaluate(OUTSIDE_JS) == []
    assert tab.console_errors == []


# Every header of every table, and every value on both chart axes, must be on the paper:
# inside the page, and not hidden by a box that would scroll on screen (paper cannot scroll).
CLIPPED_JS = """() => [...document.querySelectorAll('th, svg text')].flatMap(node => {
    const box = node.getBoundingClientRect();
    const problems = [];
    if (box.width === 0 || box.right > window.innerWidth + 0.5 || box.left < -0.5)
        problems.push(`${node.textContent} at ${box.left}-${box.right} of ${window.innerWidth}`);
    for (let up = node.parentElement; up; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX !== 'visible' && up.scrollWidth > up.clientWidth + 1)
            problems.push(`${node.textContent}: ${up.scrollWidth} wide, ${up.clientWidth} shown`);
    }
    return problems;
})"""


def test_a_printed_pack_shows_every_capacity_column_and_both_axes(
    new_tab: object, tmp_path: Path
) -> None:
    dataset = Dataset.from_csv(SAMPLE_PATH)
    summary = tiering.summarize(dataset.index, [100_000, 55_000, 20_000, 8_000])
    plan = capacity.Plan.default_for(summary)
    costs = books.tier_measure(dataset.index, summary.cuts, "cost_to_serve")
    content = sample_pack_content(
        [100_000, 55_000, 20_000, 8_000],
        capacities=capacity.tier_capacity(summary, plan, costs),
        unprofitable=books.unprofitable_counts(dataset.index, summary.cuts, plan),
        plan=plan,
    )
    tab = printed_pack(new_tab, content, tmp_path)
    screenshot(tab, "pack-capacity-print")
    headers = tab.locator("th").all_inner_texts()
    for wanted in ("Tier", "Accounts", "Load", "CSM cost", "Revenue", "Margin", "Unprofitable"):
        assert any(" ".join(h.split()) == wanted for h in headers), (wanted, headers)
    assert tab.evaluate(CLIPPED_JS) == []
    ticks = ["0%", "25%", "50%", "75%", "100%"]
    assert tab.locator("svg text.tick.x").all_text_contents() == ticks
    assert tab.locator("svg text.tick.y").all_text_contents() == ticks
    assert tab.locator("svg text.cut-label").all_text_contents() == ["$100K", "$55K", "$20K", "$8K"]
    assert tab.locator("svg line.cut").count() == 4
    notes = " ".join(tab.locator("p.cuts").inner_text().split())
    assert "Tier 2 from $55K: 6.0% of customers, 40% of revenue" in notes
    assert tab.console_errors == []
