"""A meeting in a real browser: share links, two sessions side by side, the shared screen."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from lib.charts import tier_color
from lib.formatting import count, percent
from lib.sample import SAMPLE_PATH
from tests.e2e.conftest import WAIT_MS, figure, screenshot, wait_for_figure, wait_until_idle

pytestmark = pytest.mark.e2e
REVENUE = pd.read_csv(SAMPLE_PATH)["annual_revenue"]
SAMPLE_SUMMARY = "customers.csv · 5,000 customers"

# Every figure the main area shows, by "tier:figure", as the reader sees it.
FIGURES_JS = """() => Object.fromEntries(
    [...document.querySelectorAll('[data-testid="stMain"] [data-tier][data-figure]')]
        .map(e => [e.dataset.tier + ':' + e.dataset.figure, e.innerText.trim()]))"""

# What a shared 1280x720 screen would hide: a scrolling main area, figures outside the viewport
# or sticking out of their card, numbers wider than their box. Toasts are not figures. With
# `onScreen` false, only what would be cut off on a page one may scroll (a narrow window).
CUT_OFF_JS = """(onScreen = true) => {
    const main = document.querySelector('[data-testid="stMain"]');
    const problems = [];
    if (onScreen && main.scrollHeight > main.clientHeight + 1) {
        problems.push(`the main area scrolls: ${main.scrollHeight} > ${main.clientHeight} px`);
    }
    const [width, height] = [window.innerWidth, window.innerHeight];
    for (const e of main.querySelectorAll('[data-figure]')) {
        const box = e.getBoundingClientRect();
        const name = `${e.dataset.tier || '-'}:${e.dataset.figure} "${e.innerText.trim()}"`;
        if (box.width === 0 || box.height === 0) problems.push(`${name} is not drawn`);
        if (box.left < 0 || box.right > width ||
            (onScreen && (box.top < 0 || box.bottom > height))) {
            problems.push(`${name} is outside the ${width}x${height} viewport: ` +
                `top ${box.top}, left ${box.left}, bottom ${box.bottom}, right ${box.right}`);
        }
        if (e.classList.contains('tb-value') && e.scrollWidth > e.clientWidth + 1) {
            problems.push(`${name} is clipped: ${e.scrollWidth} > ${e.clientWidth} px`);
        }
        const card = e.closest('.tb-card')?.getBoundingClientRect();
        if (card && (box.left < card.left - 1 || box.right > card.right + 1)) {
            problems.push(`${name} sticks out of its card: ${box.left}-${box.right} px ` +
                `in ${card.left}-${card.right} px`);
        }
    }
    return problems;
}"""


# Share-bar labels drawn wider than their segment (so cut off), as "label: text px > box px".
CLIPPED_LABELS_JS = """bars => [...bars.querySelectorAll('[class^="tb-fit-"]')].flatMap(label => {
    const range = document.createRange();
    range.selectNodeContents(label);
    const text = range.getBoundingClientRect().width;
    const box = label.parentElement.getBoundingClientRect().width;
    const shown = getComputedStyle(label).visibility !== 'hidden';
    return shown && text > box ? [`${label.textContent}: ${text} px > ${box} px`] : [];
})"""


def figures(tab: object) -> dict[str, str]:
    return tab.evaluate(FIGURES_JS)


def sidebar(tab: object) -> object:
    return tab.locator('[data-testid="stSidebar"]')


def data_summary(tab: object) -> object:
    """The sidebar's "Data: file · N customers · revenue" line."""
    return sidebar(tab).locator('[data-testid="stCaptionContainer"]', has_text="Data:")


def slider(tab: object, tier: int) -> object:
    return sidebar(tab).get_by_role("slider", name=f"Tier {tier} starts at")


def team_inputs(tab: object) -> object:
    return tab.locator('[data-testid="stMain"] input[type="number"]')


# An element of the current run: while a rerun is under way under load, the previous run's
# element can still be on the page beside its replacement, marked stale.
FRESH = '[data-testid="stMain"] [data-testid="stElementContainer"][data-stale="false"]'


def share_bars(tab: object) -> object:
    """The revenue-share chart (an HTML block titled "Tier 1: x% of customers bring ...")."""
    return tab.locator(f'{FRESH} .tb-chart[aria-label^="Tier 1:"]')


def pareto(tab: object) -> object:
    return tab.locator(f'{FRESH} [data-testid="stPlotlyChart"]')


def cut_off_labels(tab: object, cuts: int) -> list[str]:
    """What the cut-off sliders show ("$60K", ...), once all `cuts` of them are drawn."""
    sliders = sidebar(tab).get_by_role("slider")
    expect(sliders).to_have_count(cuts, timeout=WAIT_MS)
    return [s.get_attribute("aria-valuetext") for s in sliders.all()]


def wait_for_fonts(tab: object) -> None:
    """Text is measured in its final font: a fallback font has other widths."""
    tab.evaluate("document.fonts.ready.then(() => true)")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def step_cut_off(tab: object, tier: int, key: str) -> None:
    """Move a cut-off slider one stop by keyboard, and wait until Tier `tier`'s count moved."""
    before = figure(tab, tier, "customers").inner_text()
    slider(tab, tier).focus()
    slider(tab, tier).press(key)
    expect(figure(tab, tier, "customers")).not_to_have_text(before, timeout=WAIT_MS)


def wait_for_link(tab: object, old_url: str) -> str:
    """The address bar after the app rewrote it (it does so at the end of each run that changes
    the view), different from `old_url`."""
    tab.wait_for_function("(old) => location.href !== old", arg=old_url, timeout=WAIT_MS)
    wait_until_idle(tab)
    return tab.url


def open_sample_home(tab: object, url: str) -> None:
    tab.goto(url)
    wait_for_figure(tab, 1, "customers", count((REVENUE >= 55_000).sum()))
    expect(data_summary(tab)).to_contain_text(SAMPLE_SUMMARY, timeout=WAIT_MS)
    # The address bar holds the view (with its dataset fingerprint) once the first run is over.
    expect(tab).to_have_url(re.compile(r"[?&]data="), timeout=WAIT_MS)
    wait_until_idle(tab)


def test_a_share_link_opens_the_same_view_in_a_fresh_browser(new_tab: object, app_url: str) -> None:
    sharer = new_tab()
    open_sample_home(sharer, app_url)
    url = sharer.url
    sharer.get_by_role("radio", name="4", exact=True).check(force=True)
    figure(sharer, 4, "customers").wait_for(timeout=WAIT_MS)
    url = wait_for_link(sharer, url)
    step_cut_off(sharer, 1, "ArrowRight")
    url = wait_for_link(sharer, url)
    step_cut_off(sharer, 3, "ArrowLeft")
    url = wait_for_link(sharer, url)
    shared = figures(sharer)
    cut_offs = cut_off_labels(sharer, 3)
    assert len(query(url)["cuts"][0].split(",")) == 3, url
    assert {f"{tier}:customers" for tier in range(1, 5)} <= shared.keys()
    screenshot(sharer, "share-link-sharer")

    viewer = new_tab()  # a new browser context: no cookies, no session in common
    viewer.goto(url)
    viewer.get_by_text("Opened the shared view from the link.", exact=True).wait_for(
        timeout=WAIT_MS
    )
    try:
        viewer.wait_for_function(
            f"""(shared) => {{
                const shown = ({FIGURES_JS})();
                return Object.keys(shown).length === Object.keys(shared).length
                    && Object.entries(shared).every(([key, text]) => shown[key] === text);
            }}""",
            arg=shared,
            timeout=WAIT_MS,
        )
    finally:
        screenshot(viewer, "share-link-viewer")
    wait_until_idle(viewer)
    assert figures(viewer) == shared
    assert cut_off_labels(viewer, 3) == cut_offs
    assert viewer.get_by_role("radio", name="4", exact=True).is_checked()
    # Same sample, so no "made on other data" warning; and the viewer's bar holds the same view.
    assert viewer.locator('[data-testid="stAlertContentWarning"]').count() == 0
    assert query(viewer.url) == query(url)
    assert sharer.console_errors == [] and viewer.console_errors == []


def upload_file(tab: object, app_url: str, path: object) -> None:
    """Upload through the real uploader, map the two required columns by hand, Load."""
    tab.goto(app_url + "/upload")
    tab.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    tab.get_by_text("comma-separated: 4 rows").wait_for(timeout=WAIT_MS)
    for label, header in (("Customer id (required)", "Ref"), ("Revenue (required)", "Yearly take")):
        tab.get_by_role("combobox", name=label).click()
        tab.get_by_role("option", name=header, exact=True).click()
        expect(tab.get_by_role("combobox", name=label)).to_have_value(header, timeout=WAIT_MS)
    tab.get_by_role("button", name="Load", exact=True).click()
    tab.get_by_text("4 customers from 4 rows; 0 rows rejected.").wait_for(timeout=WAIT_MS)


def test_two_sessions_with_different_data_never_see_each_others(
    new_tab: object, app_url: str, tmp_path: object
) -> None:
    path = tmp_path / "team-a.csv"
    # Headers no alias matches: the columns have to be mapped on screen.
    path.write_text(
        "Ref,Company,Yearly take\nA1,Alpha,250000\nA2,Beta,90000\nA3,Gamma,30000\nA4,Delta,4000\n"
    )
    uploader, sampler = new_tab(), new_tab()
    open_sample_home(sampler, app_url)
    sample_tier_1 = figure(sampler, 1, "customers").inner_text()

    upload_file(uploader, app_url, path)
    expect(data_summary(uploader)).to_contain_text("team-a.csv · 4 customers", timeout=WAIT_MS)
    uploader.get_by_role("link", name="See the tiers").click()
    expect(figure(uploader, 1, "customers")).to_have_text(re.compile(r"^[1-4]$"), timeout=WAIT_MS)
    wait_until_idle(uploader)
    uploaded_tier_1 = figure(uploader, 1, "customers").inner_text()
    assert uploaded_tier_1 != sample_tier_1
    pareto(uploader).locator(".main-svg").first.wait_for(timeout=WAIT_MS)
    screenshot(uploader, "two-sessions-uploader")

    # The other session, still open, reruns and reloads on the sample.
    step_cut_off(sampler, 1, "ArrowRight")
    wait_for_figure(sampler, 1, "customers", count((REVENUE >= 60_000).sum()))
    expect(data_summary(sampler)).to_contain_text(SAMPLE_SUMMARY)
    sampler.reload()
    open_sample_home(sampler, app_url)
    expect(data_summary(sampler)).not_to_contain_text("team-a.csv")
    screenshot(sampler, "two-sessions-sampler")

    # And the uploader, rerun after all that, still has its own file.
    uploader.get_by_role("radio", name="2", exact=True).check(force=True)
    expect(uploader.locator('[data-tier="3"][data-figure="customers"]')).to_have_count(
        0, timeout=WAIT_MS
    )
    wait_until_idle(uploader)
    expect(data_summary(uploader)).to_contain_text("team-a.csv · 4 customers")
    assert int(figure(uploader, 1, "customers").inner_text()) <= 4
    assert figure(uploader, 1, "customers").inner_text() != sample_tier_1


PRESENTED = {
    "3-tiers": "cuts=55000,20000",
    "5-tiers": "cuts=100000,55000,20000,8000",
    "5-tiers-score-slice": (
        "cuts=80,60,40,20&by=score&slice=region:EMEA;segment:Enterprise|Mid-Market"
    ),
}


@pytest.mark.parametrize("how", ["link", "toggle"])
@pytest.mark.parametrize("view", list(PRESENTED))
def test_presentation_mode_fits_a_1280x720_screen_with_nothing_cut_off(
    new_tab: object, app_url: str, view: str, how: str
) -> None:
    tab = new_tab(1280, 720)
    link = PRESENTED[view]
    tiers = len(query(f"/?{link}")["cuts"][0].split(",")) + 1
    if how == "link":
        tab.goto(f"{app_url}/?present=1&{link}")
    else:
        tab.goto(f"{app_url}/?{link}")
        figure(tab, tiers, "customers").wait_for(timeout=WAIT_MS)
        expect(tab).to_have_url(re.compile(r"[?&]data="), timeout=WAIT_MS)
        wait_until_idle(tab)
        expect(team_inputs(tab)).to_have_count(tiers, timeout=WAIT_MS)  # the working view
        sidebar(tab).get_by_role("switch", name="Presentation mode").click(force=True)
    # The app rewrites the address bar at the end of the run; the mode stays in the link.
    expect(tab).to_have_url(re.compile(r"[?&]data=.*present=1"), timeout=WAIT_MS)
    wait_until_idle(tab)
    # The presented view is drawn: every tier, the load chart; the working view's parts are gone.
    figure(tab, tiers, "revenue_share").wait_for(timeout=WAIT_MS)
    tab.locator('[data-figure="load_title"]').wait_for(timeout=WAIT_MS)
    expect(tab.get_by_role("heading", name="Tiers", exact=True)).to_have_count(0)
    expect(pareto(tab)).to_have_count(0)
    expect(team_inputs(tab)).to_have_count(0)
    wait_for_fonts(tab)
    assert query(tab.url)["present"] == ["1"]
    assert query(tab.url)["cuts"] == query(f"/?{link}")["cuts"]
    assert tab.locator('[data-testid="stMain"] [data-figure]').count() == 7 * tiers + 1
    screenshot(tab, f"present-1280x720-{view}-{how}")
    assert tab.evaluate(CUT_OFF_JS) == []
    # High contrast must not cost the cards their tier colour.
    assert card_colours(tab) == [rgb(tier_color(tier)) for tier in range(1, tiers + 1)]
    assert tab.console_errors == []


def card_colours(tab: object) -> list[str]:
    return tab.locator(f"{FRESH} .tb-card").evaluate_all(
        "cards => cards.map(card => getComputedStyle(card).borderTopColor)"
    )


def rgb(hex_color: str) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_normal_mode_at_1920x1080_shows_cards_and_charts_without_scrolling(
    new_tab: object, app_url: str
) -> None:
    tab = new_tab(1920, 1080)
    open_sample_home(tab, app_url)
    pareto(tab).locator(".main-svg").first.wait_for(timeout=WAIT_MS)
    wait_for_fonts(tab)
    shown = {
        "tier cards": tab.locator(".tb-card"),
        "revenue-share bars": share_bars(tab),
        "Pareto chart": pareto(tab),
    }
    screenshot(tab, "normal-1920x1080")
    assert tab.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
    assert tab.locator(".tb-card").count() == 3
    for name, elements in shown.items():
        assert elements.count() >= 1, name
        for element in elements.all():
            box = element.bounding_box()
            assert box is not None and box["width"] > 0, name
            assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, (name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1920, (name, box)
    assert tab.console_errors == []


def test_in_a_narrow_window_five_cards_wrap_and_keep_their_figures_inside(
    new_tab: object, app_url: str
) -> None:
    """A 900-pixel window (a split screen): five cards once shrank until "$18.4M" overlapped
    its neighbour and the Pareto title was cut off mid-word."""
    tab = new_tab(900, 1000)
    tab.goto(f"{app_url}/?{PRESENTED['5-tiers']}")
    expect(tab.locator(f"{FRESH} .tb-card")).to_have_count(5, timeout=WAIT_MS)
    pareto(tab).locator(".main-svg").first.wait_for(timeout=WAIT_MS)
    wait_for_fonts(tab)
    screenshot(tab, "narrow-900-five-tiers")
    tops = {round(card.bounding_box()["y"]) for card in tab.locator(f"{FRESH} .tb-card").all()}
    assert len(tops) == 2, tops  # two rows of cards
    assert tab.evaluate(CUT_OFF_JS, False) == []
    title = tab.locator(f'{FRESH} [data-figure="pareto_title"]')
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth")
    # A share label too wide for its segment on this screen hides; it was clipped ("15%" -> "5%").
    assert share_bars(tab).evaluate(CLIPPED_LABELS_JS) == []
    assert tab.console_errors == []


def test_a_slider_move_redraws_the_charts_not_only_the_cards(page: object, app_url: str) -> None:
    open_sample_home(page, app_url)
    bars = share_bars(page)
    pareto_title = page.locator(f'{FRESH} [data-figure="pareto_title"]')
    expect(pareto_title).to_have_text("Top 6.0% of customers hold 40% of revenue", timeout=WAIT_MS)
    bars_before = bars.inner_html()
    step_cut_off(page, 1, "ArrowRight")  # $55K -> $60K
    top = REVENUE >= 60_000
    customers, revenue = percent(top.mean()), percent(REVENUE[top].sum() / REVENUE.sum())
    expect(bars).to_have_attribute(
        "aria-label",
        f"Tier 1: {customers} of customers bring {revenue} of revenue",
        timeout=WAIT_MS,
    )
    expect(pareto_title).to_have_text(
        f"Top {customers} of customers hold {revenue} of revenue", timeout=WAIT_MS
    )
    # The cut-off's marker on the curve moved too, not only the title.
    expect(pareto(page).locator(".annotation-text").first).to_have_text(
        "Tier 1 ≥ $60K", timeout=WAIT_MS
    )
    # The segments themselves were redrawn (polled: the last message may still be arriving).
    page.wait_for_function(
        "([bars, before]) => bars.innerHTML !== before",
        arg=[bars.element_handle(), bars_before],
        timeout=WAIT_MS,
    )
    wait_until_idle(page)
    screenshot(page, "charts-after-arrow-key")
