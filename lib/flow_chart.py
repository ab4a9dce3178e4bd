"""The flow of accounts across periods on the Tiers over time page: one column per period, a
block per tier, and a band from each tier to each tier of the next period, as wide as the
accounts (or the revenue) that go that way.

Drawn by the app, not by Plotly's Sankey: the Sankey animates every update over 500 ms (a
constant in plotly.js, not a figure setting), so the page took ~725 ms to settle after a
slider move in Chromium at 1M customers, against ~150 ms for the other pages. Here the
geometry is computed once (`flow_layout`, plain numbers a test can check) and drawn as layout
shapes, SVG paths with exact Bézier curves, which Plotly replaces without a transition; an
invisible marker trace along each band carries its hover text.

Built from a `Stability`'s per-pair matrices, (tiers + 1)^2 numbers per pair of periods, so it
costs the same at 5,000 accounts as at a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lib.charts import FONT_SIZE, MUTED_COLOR, SpecFigure, figure, tier_color
from lib.formatting import churn_percent, count, money
from lib.history import Stability, Transition
from lib.history_figures import changed_revenue_share, tier_label

Spec = dict[str, Any]

FLOW_HEIGHT = 460
NODE_GAP = 0.035  # of the chart's height between two tiers of a period
NODE_WIDTH = 0.014  # of the chart's width: a tier's block (~17 px at 1,200 px)
STAY_ALPHA = 0.22  # accounts that keep their tier: a quiet band
MOVE_ALPHA = 0.75  # accounts that change: the colour of the tier they go to, loud
HOVER_POINTS = (0.2, 0.5, 0.8)  # along a band, where its hover text answers a pointer
LABEL_GAP = 0.005  # of the chart's width between a block and its tier's name
LABEL_MARGIN = 64  # px left of the first column for the tiers' names ("Tier 1", "none")
PLOT_TOP = 0.93  # of the figure's height: the period labels sit above it


@dataclass(frozen=True)
class Node:
    """A tier (0: none) in one period's column. Heights run from 1 (the top) down to 0."""

    period: int
    tier: int
    value: float
    left: float
    right: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Band:
    """Accounts (or revenue) going from `source` in one period to `target` in the next: its
    top and bottom edge at each end."""

    source: Node
    target: Node
    value: float
    source_top: float
    source_bottom: float
    target_top: float
    target_bottom: float

    @property
    def moved(self) -> bool:
        return self.source.tier != self.target.tier


@dataclass(frozen=True)
class FlowLayout:
    nodes: tuple[Node, ...]
    bands: tuple[Band, ...]


def flow_title(stability: Stability, by_revenue: bool = False) -> str:
    """The flow chart's finding, as a heading: how many accounts (or how much revenue) changed
    tier, at worst."""
    if not stability.transitions:
        return f"{stability.periods[0]}: one period, nothing to compare yet"
    share = changed_revenue_share if by_revenue else (lambda t: t.changed_share)
    worst = max(stability.transitions, key=share)
    return (
        f"{stability.periods[0]} to {stability.periods[-1]}: at most "
        f"{churn_percent(share(worst))} of {'revenue' if by_revenue else 'accounts'} changed tier "
        f"in a quarter ({worst.to_period})"
    )


def _order(tier: int) -> tuple[bool, int]:
    """Tier 1 on top, "none" at the bottom."""
    return (tier == 0, tier)


def _value(customers: int, revenue_cents: int, by_revenue: bool) -> float:
    return revenue_cents / 100 if by_revenue else float(customers)


def _flows(
    transitions: Sequence[Transition], by_revenue: bool
) -> list[list[tuple[int, int, float]]]:
    """Per pair of periods, the (from tier, to tier, value) of every cell with accounts."""
    return [
        [
            (cell.from_tier, cell.to_tier, value)
            for cell in transition.cells
            if (value := _value(cell.customers, cell.revenue_cents, by_revenue)) > 0
        ]
        for transition in transitions
    ]


def _column_values(
    flows: list[list[tuple[int, int, float]]], periods: int
) -> list[dict[int, float]]:
    """Per period, each tier's size: the larger of what flows in and what flows out."""
    inflow: list[dict[int, float]] = [{} for _ in range(periods)]
    outflow: list[dict[int, float]] = [{} for _ in range(periods)]
    for p, pair in enumerate(flows):
        for source, target, value in pair:
            outflow[p][source] = outflow[p].get(source, 0.0) + value
            inflow[p + 1][target] = inflow[p + 1].get(target, 0.0) + value
    return [
        {
            tier: max(inflow[p].get(tier, 0.0), outflow[p].get(tier, 0.0))
            for tier in sorted({*inflow[p], *outflow[p]}, key=_order)
        }
        for p in range(periods)
    ]


def column_left(period: int, span: int) -> float:
    """The left edge of a period's blocks: the first at 0, the last ending at 1."""
    return (1 - NODE_WIDTH) * period / span


def _nodes(columns: list[dict[int, float]]) -> dict[tuple[int, int], Node]:
    """Each period's tiers stacked from the top, on one scale for every column."""
    tallest = max((sum(column.values()) for column in columns), default=0.0) or 1.0
    most_nodes = max((len(column) for column in columns), default=1)
    room = max(0.2, 1 - NODE_GAP * (most_nodes - 1))  # of the height, for the blocks themselves
    span = max(len(columns) - 1, 1)
    nodes: dict[tuple[int, int], Node] = {}
    for p, column in enumerate(columns):
        left = column_left(p, span)
        top = 1.0
        for tier, value in column.items():
            height = value / tallest * room
            nodes[(p, tier)] = Node(p, tier, value, left, left + NODE_WIDTH, top, top - height)
            top -= height + NODE_GAP
    return nodes


def flow_layout(stability: Stability, by_revenue: bool = False) -> FlowLayout:
    """Where every block and band of the flow chart goes. At each block the bands leaving it
    are stacked from its top in the order of the tier they go to, and the bands arriving in
    the order of the tier they come from, so no two bands cross inside a block."""
    flows = _flows(stability.transitions, by_revenue)
    nodes = _nodes(_column_values(flows, len(stability.periods)))
    scale = {key: (n.top - n.bottom) / n.value for key, n in nodes.items()}
    bands: list[Band] = []
    for p, pair in enumerate(flows):
        out_used: dict[int, float] = {}
        in_used: dict[int, float] = {}
        in_offsets: dict[tuple[int, int], float] = {}
        for source, target, value in sorted(pair, key=lambda f: (_order(f[1]), _order(f[0]))):
            in_offsets[(source, target)] = in_used.get(target, 0.0)
            in_used[target] = in_offsets[(source, target)] + value
        for source, target, value in sorted(pair, key=lambda f: (_order(f[0]), _order(f[1]))):
            start, end = nodes[(p, source)], nodes[(p + 1, target)]
            out_at = out_used.get(source, 0.0)
            out_used[source] = out_at + value
            in_at = in_offsets[(source, target)]
            source_scale, target_scale = scale[(p, source)], scale[(p + 1, target)]
            bands.append(
                Band(
                    start,
                    end,
                    value,
                    start.top - out_at * source_scale,
                    start.top - (out_at + value) * source_scale,
                    end.top - in_at * target_scale,
                    end.top - (in_at + value) * target_scale,
                )
            )
    return FlowLayout(tuple(nodes.values()), tuple(bands))


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _color(tier: int) -> str:
    return MUTED_COLOR if tier == 0 else tier_color(tier)


def _amount(value: float, by_revenue: bool, currency: str) -> str:
    return money(value, currency) if by_revenue else f"{count(value)} accounts"


def _band_path(band: Band) -> str:
    """The band as a closed SVG path: a Bézier curve along each edge, flat at both ends."""
    x0, x1 = band.source.right, band.target.left
    middle = (x0 + x1) / 2
    return (
        f"M{x0:.5f},{band.source_top:.5f} "
        f"C{middle:.5f},{band.source_top:.5f} {middle:.5f},{band.target_top:.5f} "
        f"{x1:.5f},{band.target_top:.5f} "
        f"L{x1:.5f},{band.target_bottom:.5f} "
        f"C{middle:.5f},{band.target_bottom:.5f} {middle:.5f},{band.source_bottom:.5f} "
        f"{x0:.5f},{band.source_bottom:.5f} Z"
    )


def _along(band: Band, fraction: float) -> tuple[float, float]:
    """The middle of the band `fraction` of the way along it (the curve's own easing)."""
    x0, x1 = band.source.right, band.target.left
    ease = fraction * fraction * (3 - 2 * fraction)  # the Bézier's height, nearly
    centre_start = (band.source_top + band.source_bottom) / 2
    centre_end = (band.target_top + band.target_bottom) / 2
    return x0 + (x1 - x0) * fraction, centre_start + (centre_end - centre_start) * ease


def _shapes(layout: FlowLayout) -> list[Spec]:
    bands = [
        {
            "type": "path",
            "path": _band_path(band),
            "xref": "x",
            "yref": "y",
            "fillcolor": _rgba(_color(band.target.tier), MOVE_ALPHA if band.moved else STAY_ALPHA),
            "line": {"width": 0},
            "layer": "below",
        }
        for band in layout.bands
    ]
    blocks = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": node.left,
            "x1": node.right,
            "y0": node.bottom,
            "y1": node.top,
            "fillcolor": _color(node.tier),
            "line": {"width": 0},
            "layer": "below",
        }
        for node in layout.nodes
    ]
    return bands + blocks


def _hover_trace(stability: Stability, layout: FlowLayout, by_revenue: bool, currency: str) -> Spec:
    """Invisible points along each band and on each block, each with what it stands for."""
    xs: list[float] = []
    ys: list[float] = []
    texts: list[str] = []
    periods = stability.periods
    for band in layout.bands:
        text = (
            f"{periods[band.source.period]} {tier_label(band.source.tier)} → "
            f"{periods[band.target.period]} {tier_label(band.target.tier)}: "
            f"{_amount(band.value, by_revenue, currency)}"
        )
        for fraction in HOVER_POINTS:
            x, y = _along(band, fraction)
            xs.append(round(x, 5))
            ys.append(round(y, 5))
            texts.append(text)
    for node in layout.nodes:
        xs.append(round((node.left + node.right) / 2, 5))
        ys.append(round((node.top + node.bottom) / 2, 5))
        texts.append(
            f"{periods[node.period]} · {tier_label(node.tier)}: "
            f"{_amount(node.value, by_revenue, currency)}"
        )
    return {
        "type": "scatter",
        "mode": "markers",
        "x": xs,
        "y": ys,
        "marker": {"size": 18, "opacity": 0},
        "customdata": texts,
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
    }


def _label_trace(layout: FlowLayout, periods: int) -> Spec:
    """Each tier's name once, where it first has accounts: left of the first column for most
    (in the margin, clear of the bands). A tier absent there (no one in Tier 4 yet, or every
    account "none" before a file starts) is named right of the block where it appears, or left
    of it in the last column, where the chart ends."""
    named: set[int] = set()
    xs: list[float] = []
    ys: list[float] = []
    texts: list[str] = []
    positions: list[str] = []
    for node in layout.nodes:
        if node.tier in named:
            continue
        named.add(node.tier)
        left = node.period in (0, periods - 1)
        # Plotly hides a text point outside the axis range even when it may draw outside the
        # plot (`cliponaxis`): the first column's names stand at 0, drawn leftwards from it.
        x = max(node.left - LABEL_GAP, 0.0) if left else node.right + LABEL_GAP
        xs.append(round(x, 5))
        ys.append(round((node.top + node.bottom) / 2, 5))
        texts.append(tier_label(node.tier))
        positions.append("middle left" if left else "middle right")
    return {
        "type": "scatter",
        "mode": "text",
        "x": xs,
        "y": ys,
        "text": texts,
        "textposition": positions,
        "textfont": {"size": FONT_SIZE},
        "cliponaxis": False,  # the first column's names sit in the left margin
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _period_labels(stability: Stability) -> list[Spec]:
    """Each period's name above its column: the first and last flush with the chart's edges."""
    periods = len(stability.periods)
    span = max(periods - 1, 1)
    return [
        {
            "x": 0 if p == 0 else 1 if p == periods - 1 else column_left(p, span) + NODE_WIDTH / 2,
            "y": 1.0,
            "xref": "paper",
            "yref": "paper",
            "yanchor": "bottom",
            "xanchor": "left" if p == 0 else "right" if p == periods - 1 else "center",
            "text": f"<b>{label}</b>",
            "showarrow": False,
            "font": {"size": FONT_SIZE},
        }
        for p, label in enumerate(stability.periods)
    ]


# Axes that only place the shapes: no ticks, no grid, no zoom; the ranges fixed, so nothing
# is measured or rescaled on an update.
_HIDDEN_AXIS = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}


def flow_spec(stability: Stability, by_revenue: bool = False, currency: str = "$") -> Spec:
    """Accounts (or revenue) flowing from each period's tiers to the next's: periods as columns,
    Tier 1 on top, "none" (not a customer that period: new or churned) at the bottom in grey.
    Accounts that keep their tier are a quiet band in its colour; those that change, the colour
    of the tier they go to."""
    layout = flow_layout(stability, by_revenue)
    return {
        "data": [
            _hover_trace(stability, layout, by_revenue, currency),
            _label_trace(layout, len(stability.periods)),
        ],
        "layout": {
            "height": FLOW_HEIGHT,
            # Room above the period labels for the chart's toolbar (it covered the last label).
            "margin": {"l": LABEL_MARGIN, "r": 10, "t": 64, "b": 10, "autoexpand": False},
            "font": {"size": FONT_SIZE},
            "hoverlabel": {"font": {"size": FONT_SIZE}},
            "hovermode": "closest",
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "xaxis": {**_HIDDEN_AXIS, "range": [0, 1]},
            "yaxis": {**_HIDDEN_AXIS, "range": [0, 1], "domain": [0, PLOT_TOP]},
            "shapes": _shapes(layout),
            "annotations": _period_labels(stability),
        },
    }


def flow_figure(stability: Stability, by_revenue: bool = False, currency: str = "$") -> SpecFigure:
    return figure(flow_spec(stability, by_revenue, currency))
