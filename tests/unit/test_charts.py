"""Chart specs: valid Plotly, one colour per tier, small payloads, titles that state the finding."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import charts
from lib.capacity import TeamPlan, tier_loads
from lib.tiering import TierIndex, summarize

VALUES = [float(v) for v in range(1, 1001)] + [50_000.0, 80_000.0]


@pytest.fixture
def index() -> TierIndex:
    return TierIndex.from_values(VALUES)


def test_every_spec_is_valid_plotly(index: TierIndex) -> None:
    """Specs skip validation at run time; here every property name and value is checked."""
    summary = summarize(index, [900, 300])
    loads = tier_loads(summary, TeamPlan((60.0, 12.0, 2.0), (1.0, 1.0, 0.0)))
    for spec in (
        charts.revenue_share_spec(summary),
        charts.pareto_spec(index.pareto, summary),
        charts.load_spec(loads),
    ):
        go.Figure(spec)  # raises on any invalid property


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.floats(-1e4, 1e7, allow_nan=False), min_size=1, max_size=200),
    cuts=st.lists(st.floats(-1e4, 1e7, allow_nan=False), min_size=1, max_size=4),
)
def test_specs_stay_valid_for_any_data_and_cuts(values: list[float], cuts: list[float]) -> None:
    index = TierIndex.from_values(values)
    summary = summarize(index, cuts)
    go.Figure(charts.revenue_share_spec(summary))
    go.Figure(charts.pareto_spec(index.pareto, summary))


def test_each_tier_keeps_its_colour_in_every_chart(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    share = charts.revenue_share_spec(summary)
    pareto = charts.pareto_spec(index.pareto, summary)
    for tier in (1, 2, 3):
        color = charts.tier_color(tier)
        assert share["data"][tier - 1]["marker"]["color"] == color
        assert pareto["data"][tier - 1]["line"]["color"] == color
    assert len(set(charts.TIER_COLORS)) == 5
    assert charts.OVER_CAPACITY_COLOR not in charts.TIER_COLORS


def test_share_chart_holds_each_tiers_shares_in_percent(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    spec = charts.revenue_share_spec(summary)
    for trace, tier in zip(spec["data"], summary.tiers, strict=True):
        assert trace["x"] == pytest.approx([tier.customer_share * 100, tier.revenue_share * 100])
    top = summary.tiers[0]
    assert spec["layout"]["title"]["text"].startswith("Tier 1: ")
    assert f"{top.revenue_share:.0%}" in spec["layout"]["title"]["text"]


def test_pareto_marks_each_cut_off_where_its_tier_ends(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    spec = charts.pareto_spec(index.pareto, summary)
    edges = [shape["x0"] for shape in spec["layout"]["shapes"]]
    tier_1 = summary.tiers[0].customer_share * 100
    assert edges == pytest.approx(
        [tier_1, tier_1 + summary.tiers[1].customer_share * 100], abs=1e-3
    )
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["Tier 1 ≥ $900", "Tier 2 ≥ $300"]


def test_charts_ship_kilobytes_whatever_the_number_of_customers() -> None:
    index = TierIndex.from_values([float(v % 9973) + 1 for v in range(200_000)])
    summary = summarize(index, [5000, 1000])
    payload = pio.to_json(charts.pareto_figure(index.pareto, summary).to_dict(), validate=False)
    assert len(payload) < 30_000


def test_load_chart_turns_an_over_capacity_tier_vermillion(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    loads = tier_loads(summary, TeamPlan((60.0, 12.0, 2.0), (100.0, 0.01, 0.0)))
    spec = charts.load_spec(loads)
    colors = spec["data"][1]["marker"]["color"]
    assert colors[0] == charts.tier_color(1)
    assert colors[1] == charts.OVER_CAPACITY_COLOR
    assert spec["data"][1]["text"][2] == "no team"
    assert "has no CSMs" in spec["layout"]["title"]["text"]


def test_a_spec_figure_hands_over_its_spec_with_the_default_template(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    figure = charts.revenue_share_figure(summary)
    as_dict = figure.to_dict()
    assert as_dict["data"][0]["name"] == "Tier 1"
    assert as_dict["layout"]["template"] == pio.templates[pio.templates.default].to_plotly_json()
    assert go.Figure(as_dict).layout.title.text.startswith("Tier 1")  # still valid Plotly
    assert pio.to_json(figure, validate=False).startswith("{")
