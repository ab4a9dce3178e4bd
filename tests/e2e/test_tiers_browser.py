"""The Tiers page in a real browser: it loads clean, and sliders move by keyboard and by mouse."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.formatting import count
from lib.sample import SAMPLE_PATH
from tests.e2e.conftest import WAIT_MS, figure, screenshot, wait_for_figure

pytestmark = pytest.mark.e2e
REVENUE = pd.read_csv(SAMPLE_PATH)["annual_revenue"]


def open_home(tab: object, url: str) -> None:
    tab.goto(url)
    wait_for_figure(tab, 1, "customers", count((REVENUE >= 55_000).sum()))
    tab.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=WAIT_MS)


def test_home_loads_on_the_sample_without_console_errors(page: object, app_url: str) -> None:
    open_home(page, app_url)
    assert page.get_by_role("heading", name="Tiers").is_visible()
    assert figure(page, 1, "revenue_share").inner_text() == "40%"
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    assert page.get_by_text("Tier 1: 6.0% of customers bring 40% of revenue").is_visible()
    assert page.get_by_text("Every tier fits its team's hours").is_visible()
    screenshot(page, "home")
    assert page.console_errors == []


def test_arrow_key_on_a_slider_moves_the_cut_off_and_the_figures(
    page: object, app_url: str
) -> None:
    open_home(page, app_url)
    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowRight")  # one stop up the log scale: $55K -> $60K
    wait_for_figure(page, 1, "customers", count((REVENUE >= 60_000).sum()))
    tier_2 = ((REVENUE >= 20_000) & (REVENUE < 60_000)).sum()
    wait_for_figure(page, 2, "customers", count(tier_2))
    screenshot(page, "after-arrow-key")


def test_dragging_a_slider_thumb_moves_the_cut_off(page: object, app_url: str) -> None:
    open_home(page, app_url)
    before = figure(page, 1, "customers").inner_text()
    thumb = page.get_by_role("slider").first
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 60, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    # Dragging left lowers the cut-off, so Tier 1 gains customers.
    page.wait_for_function(
        """(before) => {
            const value = document.querySelector('[data-tier="1"][data-figure="customers"]');
            return value && value.innerText !== before;
        }""",
        arg=before,
        timeout=WAIT_MS,
    )
    after = int(figure(page, 1, "customers").inner_text().replace(",", ""))
    assert after > int(before.replace(",", ""))


def test_a_messy_file_uploads_maps_and_tiers_in_the_browser(
    page: object, app_url: str, tmp_path: object
) -> None:
    path = tmp_path / "kunden.csv"
    path.write_bytes(
        "Kundennummer;Firma;Jahresumsatz\nK1;Müller GmbH;1.234,50\nK2;Bär AG;72.000,00\n"
        'K3;Öko KG;abc\n\n"Summe";;"73.234,50"\n'.encode("cp1252")
    )
    page.goto(app_url + "/upload")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    load = page.get_by_role("button", name="Load", exact=True)
    load.wait_for(timeout=WAIT_MS)
    page.get_by_text("Windows-1252, semicolon-separated: 3 rows").wait_for(timeout=WAIT_MS)
    screenshot(page, "upload-mapping")
    load.click()
    page.get_by_text("2 customers from 3 rows; 1 row rejected.").wait_for(timeout=WAIT_MS)
    page.get_by_text("Skipped: 1 footer line, 1 blank line.").wait_for(timeout=WAIT_MS)
    screenshot(page, "upload-loaded")
    page.get_by_role("link", name="See the tiers").click()
    wait_for_figure(page, 1, "customers", "1")
    page.get_by_text("kunden.csv · 2 customers").wait_for(timeout=WAIT_MS)
    screenshot(page, "tiers-after-upload")
