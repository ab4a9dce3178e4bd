"""Every page passes an axe-core scan with no serious or critical violation, light and dark.

axe-core (through axe-playwright-python, which ships its script: nothing is fetched) checks
what a screen reader or a low-vision viewer meets: contrast, names of controls, landmarks.
Moderate findings (heading order: Streamlit's subheaders are h3 under the page's h1) are
reported by the scan but do not fail it.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import WAIT_MS, wait_until_idle

pytestmark = pytest.mark.e2e

PAGES = ["", "plan", "confidence", "books", "changes", "history", "scenarios", "upload"]
BLOCKING = {"serious", "critical"}


def _settled(tab: object) -> None:
    """No rerun in flight and no fade-in running: a half-faded caption fails contrast."""
    wait_until_idle(tab)
    tab.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')", timeout=WAIT_MS
    )


def _scan(tab: object) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    _settled(tab)
    found = Axe().run(tab).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def _open(tab: object, url: str) -> None:
    tab.goto(url)
    tab.locator('[data-testid="stMain"] h1, [data-testid="stMain"] .tb-card').first.wait_for(
        timeout=WAIT_MS
    )
    wait_until_idle(tab)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_no_serious_accessibility_violation(
    browser: object, app_url: str, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, color_scheme=scheme)
    try:
        tab = context.new_page()
        problems = {}
        for path in PAGES:
            _open(tab, f"{app_url}/{path}")
            if found := _scan(tab):
                problems[path or "tiers"] = found
        assert problems == {}
    finally:
        context.close()


def test_presentation_mode_has_no_serious_accessibility_violation(
    browser: object, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        tab = context.new_page()
        _open(tab, f"{app_url}/?present=1")
        assert _scan(tab) == []
    finally:
        context.close()
