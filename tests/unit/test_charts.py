"""Chart specs: valid Plotly, one colour per tier, small payloads, titles that state the finding."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import charts, views
from lib.formatting import percent
from lib.tiering import TierIndex, summarize

VALUES = [float(v) for v in range(1, 1001)] + [50_000.0, 80_000.0]


@pytest.fixture
def index() -> TierIndex:
    return TierIndex.from_values(VALUES)


def test_the_pareto_spec_is_valid_plotly(index: TierIndex) -> None:
    """Specs skip validation at run time; here every property name and value is checked."""
    go.Figure(charts.pareto_spec(index.pareto, summarize(index, [900, 300])))


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.floats(-1e4, 1e7, allow_nan=False), min_size=1, max_size=200),
    cuts=st.lists(st.floats(-1e4, 1e7, allow_nan=False), min_size=1, max_size=4),
)
def test_specs_stay_valid_for_any_data_and_cuts(values: list[float], cuts: list[float]) -> None:
    index = TierIndex.from_values(values)
    go.Figure(charts.pareto_spec(index.pareto, summarize(index, cuts)))


def test_each_tier_keeps_its_colour_in_every_chart(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    pareto = charts.pareto_spec(index.pareto, summary)
    cards = views.tier_cards_html(summary)
    share = views.revenue_share_html(summary)
    for tier in (1, 2, 3):
        color = charts.tier_color(tier)
        assert pareto["data"][tier - 1]["line"]["color"] == color
        assert f"border-top-color:{color}" in cards
        assert f"background:{color}" in share
    assert len(set(charts.TIER_COLORS)) == 5
    assert charts.OVER_CAPACITY_COLOR not in charts.TIER_COLORS


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


def test_a_spec_figure_hands_over_its_spec_without_a_template(index: TierIndex) -> None:
    """Streamlit's frontend themes the chart; a template would be most of its bytes per move."""
    summary = summarize(index, [900, 300])
    figure = charts.pareto_figure(index.pareto, summary)
    as_dict = figure.to_dict()
    assert as_dict["data"][0]["name"] == "Tier 1"
    assert "template" not in as_dict["layout"]
    assert len(pio.to_json(figure, validate=False)) < 8_000
    assert go.Figure(as_dict).layout.height == 340  # still valid Plotly
    assert pio.to_json(figure, validate=False).startswith("{")


def test_the_pareto_finding_is_a_heading_that_wraps_not_a_plotly_title(index: TierIndex) -> None:
    """A Plotly title cannot wrap: in a narrow column it was cut off mid-word."""
    summary = summarize(index, [900, 300])
    assert "title" not in charts.pareto_spec(index.pareto, summary)["layout"]
    top = summary.tiers[0]
    assert charts.pareto_title(summary) == (
        f"Top {percent(top.customer_share)} of customers hold {percent(top.revenue_share)} "
        "of revenue"
    )
    heading = views.chart_title_html(charts.pareto_title(summary), "pareto_title")
    assert 'data-figure="pareto_title"' in heading and "white-space:nowrap" not in heading
