"""The meeting pack as Chromium prints it: five tier cards on one A4 row, every figure inside."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib import pack, tiering
from lib.sample import SAMPLE_PATH
from lib.store import CustomerStore
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

A4_CONTENT_PX = 718  # 210 mm less 2 x 14 mm of margin, at 96 px an inch
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
    store = CustomerStore.from_csv(SAMPLE_PATH)
    content = pack.PackContent(
        title="Customer tiers",
        dataset="customers.csv · 5,000 customers",
        scope="all customers",
        criteria="annual revenue",
        summary=tiering.summarize(store.index, [100_000, 55_000, 20_000, 8_000]),
        score=False,
        pareto=store.index.pareto,
    )
    path = tmp_path / "pack.html"
    path.write_text(pack.render(content, datetime(2026, 11, 25, tzinfo=UTC)), encoding="utf-8")
    tab = new_tab(A4_CONTENT_PX, 1000)
    tab.emulate_media(media="print")
    tab.goto(path.as_uri())
    tab.evaluate("document.fonts.ready")
    screenshot(tab, "pack-five-tiers-print")
    cards = tab.locator(".tb-card")
    assert cards.count() == 5
    assert len({round(card.bounding_box()["y"]) for card in cards.all()}) == 1
    assert tab.evaluate(OUTSIDE_JS) == []
    assert tab.console_errors == []
