"""Benchmark: from a key press on the Tier-1 slider to the page settled, in Chromium.

"Settled" is the last DOM change before a quiet period: every figure and chart updated, not just
the first number. A MutationObserver stamps each change; the key press is stamped by a keydown
listener, on the same clock. Each press moves the cut-off one stop up (distinct positions) and is
checked to change the Tier-1 figures. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from bench.report import spread
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

QUIET_MS = 600  # no DOM change for this long = settled
WATCH = """
window.__tb = {last: 0, key: 0};
new MutationObserver(() => { window.__tb.last = performance.now(); }).observe(
    document.body, {subtree: true, childList: true, characterData: true, attributes: true});
document.addEventListener('keydown', (event) => { window.__tb.key = event.timeStamp; }, true);
"""
SETTLED = f"""() => window.__tb.last > window.__tb.key &&
    performance.now() - window.__tb.last > {QUIET_MS}"""
TIER_1 = """() => {
    const naive = [...document.querySelectorAll('[data-testid="stMetric"]')]
        .find(m => m.innerText.includes('Tier 1 customers'));
    const value = naive ? naive.querySelector('[data-testid="stMetricValue"]')
        : document.querySelector('[data-tier="1"][data-figure="customers"]');
    return value.innerText;
}"""


def open_app(
    playwright: Playwright, url: str, before_load: str | None = None
) -> tuple[Browser, Page]:
    """Debian's Chromium on the app at `url`, its first chart drawn (`before_load`: a script
    the page runs before its own code)."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    if before_load is not None:
        page.add_init_script(before_load)
    page.goto(url)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=600_000)
    return browser, page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--moves", type=int, default=16)
    parser.add_argument("--naive", action="store_true", help="measure the naive peer app")
    args = parser.parse_args()
    naive = str(Path(__file__).resolve().parent / "naive" / "app.py") if args.naive else None
    url, server = start_app({"TIERBOARD_DATA": str(args.file.resolve())}, naive)
    settle, first_change = [], []
    try:
        with sync_playwright() as playwright:
            browser, page = open_app(playwright, url)
            page.wait_for_timeout(2000)
            page.evaluate(WATCH)
            thumb = page.get_by_role("slider").first
            thumb.focus()
            for _ in range(args.moves):
                before = page.evaluate(TIER_1)
                thumb.press("ArrowRight")
                changed = time.perf_counter()
                page.wait_for_function(
                    f"() => ({TIER_1})() !== {json.dumps(before)}", timeout=60_000, polling=5
                )
                first_change.append((time.perf_counter() - changed) * 1000)
                page.wait_for_function(SETTLED, timeout=120_000, polling=50)
                stamps = page.evaluate("window.__tb")
                settle.append(stamps["last"] - stamps["key"])
            browser.close()
    finally:
        stop_app(server)
    print(
        json.dumps(
            {
                "settled_ms": [round(s, 1) for s in settle],
                "summary": spread(settle),
                "first_figure_ms": spread(first_change),
                "app": "naive" if args.naive else "tierboard",
            }
        )
    )


if __name__ == "__main__":
    main()
