"""lib.flow_chart: the flow across periods is drawn to scale — every band as wide as its
accounts (or revenue), inside its two blocks, bands stacked without gaps or overlaps — and is a
valid Plotly figure with no animated trace, whose names and hover text a room can read."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.flow_chart import FlowLayout, flow_layout, flow_spec, flow_title
from lib.history import Stability, stability
from tests.unit.test_history import cuts_strategy, history_of, periods_strategy
from tests.unit.test_history_figures import CUTS, SMALL, _history

EPSILON = 1e-9


def _cells(measured: Stability, by_revenue: bool) -> list[float]:
    """Every cell with accounts, in the chart's unit, pair by pair."""
    return [
        c.revenue_cents / 100 if by_revenue else float(c.customers)
        for t in measured.transitions
        for c in t.cells
        if (c.revenue_cents if by_revenue else c.customers) > 0
    ]


def _check_geometry(layout: FlowLayout) -> None:
    nodes = {(n.period, n.tier): n for n in layout.nodes}
    # One scale for every block and band: height per account (or per dollar).
    scales = [(n.top - n.bottom) / n.value for n in layout.nodes]
    scale = scales[0] if scales else 0.0
    assert scales == pytest.approx([scale] * len(scales), rel=1e-9)
    for n in layout.nodes:
        assert 0 - EPSILON <= n.bottom < n.top <= 1 + EPSILON
        assert 0 - EPSILON <= n.left < n.right <= 1 + EPSILON
    columns: dict[int, list] = defaultdict(list)
    for n in layout.nodes:
        columns[n.period].append(n)
    for column in columns.values():  # top to bottom: Tier 1 first, "none" last, no overlap
        tiers = [n.tier for n in column]
        assert tiers == sorted(tiers, key=lambda t: (t == 0, t))
        for upper, lower in pairwise(column):
            assert lower.top < upper.bottom
    leaving: dict[tuple[int, int], list] = defaultdict(list)
    arriving: dict[tuple[int, int], list] = defaultdict(list)
    for band in layout.bands:
        assert band.target.period == band.source.period + 1
        assert nodes[(band.source.period, band.source.tier)] is band.source
        for top, bottom in (
            (band.source_top, band.source_bottom),
            (band.target_top, band.target_bottom),
        ):
            assert top - bottom == pytest.approx(band.value * scale, rel=1e-9)
        leaving[(band.source.period, band.source.tier)].append(
            (band.source_top, band.source_bottom, band.target.tier)
        )
        arriving[(band.target.period, band.target.tier)].append(
            (band.target_top, band.target_bottom, band.source.tier)
        )
    for key, unordered in [*leaving.items(), *arriving.items()]:
        node = nodes[key]
        edges = sorted(unordered, reverse=True)
        # Top to bottom in the order of the tier at the other end: no two cross in a block.
        others = [other for _, _, other in edges]
        assert others == sorted(others, key=lambda t: (t == 0, t))
        assert edges[0][0] == pytest.approx(node.top, abs=EPSILON)  # from the block's top
        for (_, bottom, _), (top, _, _) in pairwise(edges):
            assert top == pytest.approx(bottom, abs=EPSILON)  # no gap, no overlap
        assert edges[-1][1] >= node.bottom - EPSILON  # inside the block


@settings(max_examples=60, deadline=None)
@given(periods_strategy, cuts_strategy, st.booleans())
def test_every_band_is_to_scale_inside_its_blocks_and_they_add_up_to_the_matrices(
    periods, cuts, by_revenue
):
    measured = stability(history_of(periods), [float(c) for c in cuts])
    layout = flow_layout(measured, by_revenue)
    assert sorted(b.value for b in layout.bands) == sorted(_cells(measured, by_revenue))
    for p, transition in enumerate(measured.transitions):
        pair = [b for b in layout.bands if b.source.period == p]
        total = sum(c.revenue_cents for c in transition.cells) / 100 if by_revenue else None
        assert sum(b.value for b in pair) == pytest.approx(
            total if by_revenue else transition.customers
        )
    _check_geometry(layout)
    spec = flow_spec(measured, by_revenue)
    go.Figure(spec)  # validates every property
    assert all(trace["type"] == "scatter" for trace in spec["data"])  # no Sankey: no animation


def test_the_chart_names_each_tier_once_labels_each_period_and_says_what_each_band_is():
    measured = stability(_history(SMALL), CUTS)
    spec = flow_spec(measured)
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        f"<b>2026 Q{q}</b>" for q in (1, 2, 3, 4)
    ]
    names = next(t for t in spec["data"] if t["mode"] == "text")
    assert names["text"] == ["Tier 1", "Tier 2", "Tier 3", "none"]  # each once, top to bottom
    # Plotly hides a text point outside the axis range, even one allowed outside the plot.
    assert all(0 <= x <= 1 for x in names["x"]) and names["cliponaxis"] is False
    hover = next(t for t in spec["data"] if t["mode"] == "markers")
    # a: Tier 1 in Q1, Tier 2 in Q2; b stays in Tier 2; d arrives in Q2 (from "none").
    assert "2026 Q1 Tier 1 → 2026 Q2 Tier 2: 1 accounts" in hover["customdata"]
    assert "2026 Q1 none → 2026 Q2 Tier 2: 1 accounts" in hover["customdata"]
    assert "2026 Q2 · Tier 2: 3 accounts" in hover["customdata"]
    bands = [s for s in spec["layout"]["shapes"] if s["type"] == "path"]
    assert len(bands) == len(_cells(measured, by_revenue=False))
    assert spec["layout"]["font"]["size"] >= 15
    by_revenue = flow_spec(measured, by_revenue=True, currency="€")
    go.Figure(by_revenue)
    hover = next(t for t in by_revenue["data"] if t["mode"] == "markers")
    assert "2026 Q1 Tier 1 → 2026 Q2 Tier 2: €70" in hover["customdata"]


def test_a_band_that_changes_tier_is_loud_in_its_new_tier_s_colour_and_one_that_stays_quiet():
    measured = stability(_history(SMALL), CUTS)
    layout = flow_layout(measured)
    shapes = [s for s in flow_spec(measured)["layout"]["shapes"] if s["type"] == "path"]
    for band, shape in zip(layout.bands, shapes, strict=True):
        alpha = float(shape["fillcolor"].rsplit(",", 1)[1].rstrip(")"))
        assert alpha == (0.75 if band.moved else 0.22)


def test_a_tier_absent_from_the_first_period_is_named_where_it_first_appears():
    # Every account "none" before a transactions file starts, then tiers later: each named
    # once, where it first has accounts.
    history = _history({"a": [None, 20.0, 120.0], "b": [None, 60.0, 60.0]})
    names = next(t for t in flow_spec(stability(history, CUTS))["data"] if t["mode"] == "text")
    assert names["text"] == ["none", "Tier 2", "Tier 3", "Tier 1"]
    # Nobody in Tier 1 in Q1: a reaches it in Q2; c arrives in Q3, so "none" is first in Q2.
    history = _history({"a": [60.0, 100.0, 100.0], "b": [10.0, 10.0, 10.0], "c": [None, None, 5]})
    spec = flow_spec(stability(history, CUTS))
    names = next(t for t in spec["data"] if t["mode"] == "text")
    assert names["text"] == ["Tier 2", "Tier 3", "Tier 1", "none"]
    # The first column's names in the margin left of it; a later one right of its block, or
    # left of it in the last column (the chart ends right of it).
    assert names["textposition"] == ["middle left"] * 2 + ["middle right"] * 2
    last = stability(_history({"a": [60.0, 100.0], "b": [10.0, 10.0]}), CUTS)
    names = next(t for t in flow_spec(last)["data"] if t["mode"] == "text")
    assert names["text"] == ["Tier 2", "Tier 3", "Tier 1"]
    assert names["textposition"] == ["middle left"] * 3


def test_the_title_says_the_worst_quarter_by_accounts_or_by_revenue():
    measured = stability(_history(SMALL), CUTS)
    assert flow_title(measured) == (
        "2026 Q1 to 2026 Q4: at most 50.0% of accounts changed tier in a quarter (2026 Q2)"
    )
    assert flow_title(measured, by_revenue=True) == (
        "2026 Q1 to 2026 Q4: at most 64.1% of revenue changed tier in a quarter (2026 Q2)"
    )


def test_one_period_draws_nothing_and_the_title_says_so():
    measured = stability(_history({"a": [100.0], "b": [10.0]}), CUTS)
    assert flow_layout(measured) == FlowLayout((), ())
    go.Figure(flow_spec(measured))
    assert flow_title(measured) == "2026 Q1: one period, nothing to compare yet"
