"""The main views look as they did: screenshots compared with committed baselines.

A layout that breaks (a card pushed to a second row, a chart gone blank, a table cut short)
changes a large share of the pixels; anti-aliasing and font hinting change a few. A view fails
when more than `TOLERANCE` of its pixels differ noticeably from its baseline in
tests/e2e/baselines/. After a deliberate change of look, rewrite the baselines with
`TIERBOARD_UPDATE_BASELINES=1 pytest tests/e2e/test_visual_browser.py`, look at each picture,
and commit them with the change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.e2e.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    figure,
    printed_pack,
    sample_pack_content,
    wait_until_idle,
)

pytestmark = pytest.mark.e2e

BASELINES = Path(__file__).parent / "baselines"
TOLERANCE = 0.02  # share of pixels allowed to differ
NOTICEABLE = 48  # a channel difference (0-255) a person would see
UPDATE = os.environ.get("TIERBOARD_UPDATE_BASELINES") == "1"

VIEWS = {
    "tiers-1920x1080": ((1920, 1080), "/?cuts=55000,20000"),
    "tiers-1280x720": ((1280, 720), "/?cuts=55000,20000"),
    "present-1280x720": ((1280, 720), "/?cuts=100000,55000,20000,8000&present=1"),
}


def differing_share(picture: Path, baseline: Path) -> float:
    """The share of pixels whose colour differs noticeably (1.0 when the sizes differ)."""
    with Image.open(picture) as new, Image.open(baseline) as old:
        if new.size != old.size:
            return 1.0
        difference = ImageChops.difference(new.convert("RGB"), old.convert("RGB"))
    strongest = difference.convert("L").point(lambda v: 255 if v >= NOTICEABLE else 0)
    histogram = strongest.histogram()
    return histogram[255] / (strongest.width * strongest.height)


def compare(tab: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    picture = SCREENSHOTS / f"visual-{name}.png"
    tab.screenshot(path=str(picture), animations="disabled", caret="hide")
    print(f"screenshot: {picture}")
    baseline = BASELINES / f"{name}.png"
    if UPDATE:
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(picture.read_bytes())
        return
    assert baseline.exists(), f"no baseline for {name}: run with TIERBOARD_UPDATE_BASELINES=1"
    share = differing_share(picture, baseline)
    assert share <= TOLERANCE, f"{name}: {share:.1%} of the pixels differ from {baseline}"


def settle(tab: object, app: bool = True) -> None:
    if app:
        wait_until_idle(tab)
    tab.evaluate("document.fonts.ready.then(() => true)")
    tab.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')", timeout=WAIT_MS
    )


@pytest.mark.parametrize("name", list(VIEWS))
def test_the_main_views_look_as_their_baselines(new_tab: object, app_url: str, name: str) -> None:
    (width, height), link = VIEWS[name]
    tab = new_tab(width, height)
    tab.goto(f"{app_url}{link}")
    figure(tab, 3, "customers").wait_for(timeout=WAIT_MS)
    if "present" not in link:
        tab.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=WAIT_MS)
    # A link opened in presentation mode says so in a toast that fades by itself: the view is
    # what the room sees once it has.
    if "present=1" in link:
        toast = tab.locator('[data-testid="stToast"]').first
        toast.wait_for(timeout=WAIT_MS)
        toast.wait_for(state="detached", timeout=WAIT_MS)
    settle(tab)
    compare(tab, name)


def test_the_printed_meeting_pack_looks_as_its_baseline(new_tab: object, tmp_path: Path) -> None:
    content = sample_pack_content([55_000, 20_000])
    tab = printed_pack(new_tab, content, tmp_path, height=1400)
    settle(tab, app=False)
    compare(tab, "pack-print")


def test_the_comparison_tells_a_broken_layout_from_anti_aliasing(tmp_path: Path) -> None:
    base = Image.new("RGB", (200, 100), "white")
    for x in range(20, 180):
        base.putpixel((x, 50), (0, 114, 178))
    base.save(tmp_path / "base.png")
    blurred = base.copy()
    for x in range(20, 180, 4):  # a few pixels a shade off, as font hinting does
        blurred.putpixel((x, 51), (200, 220, 235))
    blurred.save(tmp_path / "blurred.png")
    broken = Image.new("RGB", (200, 100), (0, 114, 178))  # the layout filled with a colour
    broken.save(tmp_path / "broken.png")
    assert differing_share(tmp_path / "blurred.png", tmp_path / "base.png") <= TOLERANCE
    assert differing_share(tmp_path / "broken.png", tmp_path / "base.png") > TOLERANCE
