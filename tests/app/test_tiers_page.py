"""The Tiers page driven headless: sliders, exact inputs, tier count, team inputs, data source."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.formatting import count, money, percent
from lib.sample import SAMPLE_PATH
from tests.app.conftest import APP, TIMEOUT
from ui import keys

SAMPLE = pd.read_csv(SAMPLE_PATH, dtype={"customer_id": str})


FIGURE = re.compile(
    r'data-tier="(\d)" data-figure="(\w+)"(?: data-over="(\w+)")?>([^<]*)<', re.ASCII
)
LABELS = {
    "customers": "customers",
    "customer_share": "% of customers",
    "revenue": "revenue",
    "revenue_share": "% of revenue",
    "load": "load",
    "csms_needed": "CSMs needed",
}


def metrics(at: AppTest) -> dict[str, str]:
    """Every figure the page shows, by label ("Tier 1 customers": "299"), read from its HTML."""
    shown = {}
    for block in at.get("html"):
        for tier, name, _, value in FIGURE.findall(html.unescape(block.proto.body)):
            if name in LABELS:
                shown[f"Tier {tier} {LABELS[name]}"] = value
    return shown


def is_over_capacity(at: AppTest, tier: int) -> bool:
    for block in at.get("html"):
        for found, name, over, _ in FIGURE.findall(block.proto.body):
            if found == str(tier) and name == "load":
                return over == "true"
    raise LookupError(f"no load shown for Tier {tier}")


def load_title(at: AppTest) -> str:
    for block in at.get("html"):
        found = re.search(r'data-figure="load_title">([^<]*)<', block.proto.body)
        if found:
            return html.unescape(found.group(1))
    raise LookupError("no load chart on the page")


def expected_cards(values: pd.Series, cuts: list[float]) -> dict[str, str]:
    """The tier cards computed independently with pandas, formatted as the page shows them."""
    bounds = [float("inf"), *cuts, float("-inf")]
    total, n = values.sum(), len(values)
    cards = {}
    for tier in range(1, len(bounds)):
        # Tier t: values in [bounds[t], bounds[t-1]); the last tier takes everything below.
        upper, lower = bounds[tier - 1], bounds[tier]
        inside = values[(values < upper) & (values >= lower)]
        cards[f"Tier {tier} customers"] = count(len(inside))
        cards[f"Tier {tier} % of customers"] = percent(len(inside) / n)
        cards[f"Tier {tier} revenue"] = money(inside.sum())
        cards[f"Tier {tier} % of revenue"] = percent(inside.sum() / total)
    return cards


def assert_cards(at: AppTest, values: pd.Series, cuts: list[float]) -> None:
    shown = metrics(at)
    for label, value in expected_cards(values, cuts).items():
        assert shown[label] == value, label


def cut_sliders(at: AppTest) -> list[float]:
    return [slider.value for slider in at.sidebar.select_slider]


def test_home_opens_on_the_sample_with_the_classic_shape(app: AppTest) -> None:
    assert app.title[0].value == "Tiers"
    assert cut_sliders(app) == [55_000, 20_000]
    assert_cards(app, SAMPLE["annual_revenue"], [55_000, 20_000])
    shown = metrics(app)
    assert shown["Tier 1 % of revenue"] == "40%"
    assert float(shown["Tier 1 % of customers"].rstrip("%")) < 10
    assert "5,000 customers" in app.sidebar.caption[0].value


def test_moving_the_tier_1_slider_updates_every_card(app: AppTest) -> None:
    app.select_slider(key=keys.slider_key(0)).set_value(100_000.0).run()
    assert not app.exception
    assert cut_sliders(app) == [100_000, 20_000]
    assert_cards(app, SAMPLE["annual_revenue"], [100_000, 20_000])


def figure_blocks(app: AppTest) -> list[str]:
    """The HTML blocks that draw figures (cards, share, load), not the Pareto chart's title nor
    the app's stylesheet (ui/theme.py)."""
    return [
        block.proto.body
        for block in app.get("html")
        if 'data-figure="pareto_title"' not in block.proto.body
        and not block.proto.body.lstrip().startswith("<style>")
    ]


def test_moving_the_tier_2_slider_updates_every_chart(app: AppTest) -> None:
    before = figure_blocks(app)
    pareto_before = app.get("plotly_chart")[0].proto.spec
    title_before = pareto_title(app)
    app.select_slider(key=keys.slider_key(1)).set_value(8_000.0).run()
    after = figure_blocks(app)
    assert all(a != b for a, b in zip(after, before, strict=True))  # cards, share, load
    assert pareto_title(app) == title_before  # Tier 1 did not change
    pareto = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert json.dumps(pareto) != pareto_before
    tier_2 = SAMPLE["annual_revenue"].between(8_000, 55_000, inclusive="left")
    revenue_share = SAMPLE["annual_revenue"][tier_2].sum() / SAMPLE["annual_revenue"].sum()
    assert "Tier 1: " in html.unescape(after[1])
    assert f">{percent(revenue_share)}<" in after[1]
    annotations = [a["text"] for a in pareto["layout"]["annotations"]]
    assert annotations == ["Tier 1 ≥ $55K", "Tier 2 ≥ $8K"]


def pareto_title(app: AppTest) -> str:
    (title,) = [
        html.unescape(block.proto.body)
        for block in app.get("html")
        if 'data-figure="pareto_title"' in block.proto.body
    ]
    return title


def test_moving_the_tier_1_slider_restates_the_pareto_finding(app: AppTest) -> None:
    app.select_slider(key=keys.slider_key(0)).set_value(100_000.0).run()
    top = SAMPLE["annual_revenue"] >= 100_000
    share = SAMPLE["annual_revenue"][top].sum() / SAMPLE["annual_revenue"].sum()
    assert f">Top {percent(top.mean())} of customers hold {percent(share)} of revenue<" in (
        pareto_title(app)
    )


def test_typing_an_exact_cut_off_moves_its_slider(app: AppTest) -> None:
    app.number_input(key=keys.exact_key(1)).set_value(23_456.0).run()
    assert cut_sliders(app) == [55_000, 23_456]
    assert_cards(app, SAMPLE["annual_revenue"], [55_000, 23_456])


def test_a_cut_off_typed_above_the_one_above_pushes_it_up(app: AppTest) -> None:
    app.number_input(key=keys.exact_key(1)).set_value(70_000.0).run()
    assert cut_sliders(app) == [70_000, 70_000]
    shown = metrics(app)
    assert shown["Tier 2 customers"] == "0"
    assert_cards(app, SAMPLE["annual_revenue"], [70_000, 70_000])


def test_choosing_four_tiers_gives_four_cards_and_three_sliders(app: AppTest) -> None:
    app.radio(key=keys.TIERS).set_value(4).run()
    assert not app.exception
    assert len(app.sidebar.select_slider) == 3
    cuts = cut_sliders(app)
    assert cuts == sorted(cuts, reverse=True)
    assert_cards(app, SAMPLE["annual_revenue"], cuts)
    assert "Tier 4 customers" in metrics(app)
    assert "Tier 5 customers" not in metrics(app)


@pytest.mark.parametrize("tiers", [2, 4, 5])
def test_a_new_tier_count_starts_with_teams_that_fit(app: AppTest, tiers: int) -> None:
    app.radio(key=keys.TIERS).set_value(tiers).run()
    assert load_title(app) == "Every tier fits its team's hours"


def test_reset_returns_to_the_suggested_cut_offs(app: AppTest) -> None:
    app.select_slider(key=keys.slider_key(0)).set_value(200_000.0).run()
    app.button[0].click().run()
    assert cut_sliders(app) == [55_000, 20_000]


def test_too_few_csms_turns_the_tier_load_red(app: AppTest) -> None:
    assert not is_over_capacity(app, 1)
    assert load_title(app) == "Every tier fits its team's hours"
    app.number_input(key=keys.csms_key(0)).set_value(5.0).run()
    # 299 accounts x 60 h against 5 CSMs x 1,100 h.
    assert metrics(app)["Tier 1 load"] == f"{299 * 60 / (5 * 1100):.0%} load"
    assert is_over_capacity(app, 1)
    assert not is_over_capacity(app, 2)
    assert load_title(app).startswith("Tier 1 is over capacity: 326%")
    assert metrics(app)["Tier 1 CSMs needed"] == "16.3 CSMs needed (17 to staff it)"


def test_team_inputs_survive_a_slider_move(app: AppTest) -> None:
    app.number_input(key=keys.csms_key(1)).set_value(20.0).run()
    app.select_slider(key=keys.slider_key(0)).set_value(60_000.0).run()
    assert app.number_input(key=keys.csms_key(1)).value == 20.0
    tier_2 = SAMPLE["annual_revenue"].between(20_000, 60_000, inclusive="left").sum()
    # 12 h per Tier 2 account (the default service matrix) against 20 CSMs x 1,100 h.
    assert metrics(app)["Tier 2 load"] == f"{tier_2 * 12 / (20 * 1100):.0%} load"


def points_in(array: list | dict) -> int:
    """Length of a Plotly array, plain or typed ({"dtype": "f8", "bdata": base64})."""
    if isinstance(array, dict):
        return len(base64.b64decode(array["bdata"])) // np.dtype(array["dtype"]).itemsize
    return len(array)


def test_the_pareto_chart_ships_a_downsampled_curve(app: AppTest) -> None:
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    points = sum(points_in(trace["x"]) for trace in figure["data"])
    assert 50 < points < 400  # a curve, not 5,000 raw customers


@pytest.fixture
def app_on_file(navigation_only: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run the app with TIERBOARD_DATA pointing at a file holding `text`."""

    def run(name: str, text: str) -> AppTest:
        path = tmp_path / name
        path.write_text(text)
        monkeypatch.setenv("TIERBOARD_DATA", str(path))
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        assert not at.exception
        return at

    return run


def test_tierboard_data_points_the_app_at_another_file(app_on_file) -> None:
    at = app_on_file("few.csv", "customer_id,annual_revenue\na,100\nb,300\nc,600\nd,1000\n")
    assert "few.csv" in at.sidebar.caption[0].value
    assert "4 customers" in at.sidebar.caption[0].value
    assert_cards(at, pd.Series([100.0, 300.0, 600.0, 1000.0]), cut_sliders(at))


def test_a_bad_tierboard_data_file_says_so_and_shows_the_sample(app_on_file) -> None:
    at = app_on_file("bad.csv", "colour,shape\nred,round\n")
    assert "customer_id" in at.error[0].value
    assert "annual_revenue" in at.error[0].value
    assert "customers.csv" in at.sidebar.caption[0].value


def test_tiering_by_score_moves_the_cut_offs_to_a_0_to_100_scale(app: AppTest) -> None:
    app.radio(key=keys.BY).set_value("score").run()
    assert not app.exception
    cuts = cut_sliders(app)
    assert all(0 <= cut <= 100 for cut in cuts)
    assert "score" in metrics_bounds(app)[1]
    assert any("Tiered by weighted score" in caption.value for caption in app.caption)
    breakdown = next(b.proto.body for b in app.get("html") if "Average score" in b.proto.body)
    assert "Revenue (points)" in breakdown and "NPS (points)" in breakdown
    shown = metrics(app)
    assert sum(int(shown[f"Tier {t} customers"].replace(",", "")) for t in (1, 2, 3)) == 5000


def test_a_zero_weight_component_leaves_the_score(app: AppTest) -> None:
    app.radio(key=keys.BY).set_value("score").run()
    app.slider(key=keys.weight_key("nps")).set_value(0).run()
    assert not app.exception
    breakdown = next(b.proto.body for b in app.get("html") if "Average score" in b.proto.body)
    assert "NPS (points)" not in breakdown


def metrics_bounds(app: AppTest) -> dict[int, str]:
    found = {}
    for block in app.get("html"):
        for tier, value in re.findall(
            r'data-tier="(\d)" data-figure="bounds">([^<]*)<', block.proto.body
        ):
            found[int(tier)] = html.unescape(value)
    return found


def test_a_slice_restricts_every_figure_and_says_so(app: AppTest) -> None:
    app.multiselect(key=keys.slice_key("region")).select("EMEA").run()
    assert not app.exception
    emea = SAMPLE[SAMPLE["region"] == "EMEA"]["annual_revenue"]
    assert "Slice: Region: EMEA" in app.info[0].value
    assert f"{len(emea):,} of 5,000 customers" in app.info[0].value
    assert_cards(app, emea, cut_sliders(app))
