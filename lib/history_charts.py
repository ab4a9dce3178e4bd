"""The charts of the Tiers over time page: the flow of accounts across periods (a Sankey, one
column per period) and the share of accounts and revenue changing tier each quarter.

Built like lib/charts.py (its palette, font size, layout and `figure`): plain specs from a
`Stability`'s per-pair matrices — (tiers + 1)^2 numbers per pair of periods — so a chart costs
the same at 5,000 accounts as at a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lib.charts import (
    AXIS_FONTS,
    FONT_SIZE,
    MUTED_COLOR,
    OVER_CAPACITY_COLOR,
    SpecFigure,
    figure,
    tier_color,
)
from lib.formatting import cap_percent, churn_percent, count, money
from lib.history import Stability, Transition
from lib.history_figures import changed_revenue_share, tier_label

Spec = dict[str, Any]

FLOW_HEIGHT = 460
CHURN_HEIGHT = 360
NODE_GAP = 0.035  # of the chart's height between two tiers of a period
STAY_ALPHA = 0.22  # accounts that keep their tier: a quiet band
MOVE_ALPHA = 0.75  # accounts that change: the colour of the tier they go to, loud


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _color(tier: int) -> str:
    return MUTED_COLOR if tier == 0 else tier_color(tier)


def _value(cell_customers: int, cell_cents: int, by_revenue: bool) -> float:
    return cell_cents / 100 if by_revenue else float(cell_customers)


def _amount(value: float, by_revenue: bool, currency: str) -> str:
    return money(value, currency) if by_revenue else f"{count(value)} accounts"


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


def _node_values(
    transitions: Sequence[Transition], periods: int, by_revenue: bool
) -> list[dict[int, float]]:
    """Per period, each tier's (0: none) size in the chart: the larger of what flows in and out."""
    inflow: list[dict[int, float]] = [{} for _ in range(periods)]
    outflow: list[dict[int, float]] = [{} for _ in range(periods)]
    for p, transition in enumerate(transitions):
        for cell in transition.cells:
            value = _value(cell.customers, cell.revenue_cents, by_revenue)
            if value <= 0:
                continue
            outflow[p][cell.from_tier] = outflow[p].get(cell.from_tier, 0.0) + value
            inflow[p + 1][cell.to_tier] = inflow[p + 1].get(cell.to_tier, 0.0) + value
    return [
        {
            tier: max(inflow[p].get(tier, 0.0), outflow[p].get(tier, 0.0))
            for tier in sorted({*inflow[p], *outflow[p]}, key=lambda t: (t == 0, t))
        }
        for p in range(periods)
    ]


def flow_spec(stability: Stability, by_revenue: bool = False, currency: str = "$") -> Spec:
    """Accounts (or revenue) flowing from each period's tiers to the next's: periods as columns,
    Tier 1 on top, "none" (not a customer that period: new or churned) at the bottom in grey.
    Accounts that keep their tier are a quiet band in its colour; those that change, the colour
    of the tier they go to."""
    periods = len(stability.periods)
    values = _node_values(stability.transitions, periods, by_revenue)
    tallest = max((sum(column.values()) for column in values), default=0.0) or 1.0
    most_nodes = max((len(column) for column in values), default=1)
    room = max(0.2, 1 - NODE_GAP * (most_nodes - 1))  # of the height, for the nodes themselves
    index: dict[tuple[int, int], int] = {}
    labels: list[str] = []
    colors: list[str] = []
    hovers: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    named: set[int] = set()  # tiers labelled so far: each once, where it first has accounts
    for p, column in enumerate(values):
        above = 0.0
        for position, (tier, value) in enumerate(column.items()):
            index[(p, tier)] = len(labels)
            # In the first column a tier has accounts; a tier absent there (no one in Tier 4
            # yet, or every account "none" before a file starts) is named where it appears.
            labels.append("" if tier in named else tier_label(tier))
            named.add(tier)
            xs.append(0.001 + 0.998 * p / max(periods - 1, 1))
            ys.append(0.001 + (above + value / 2) / tallest * room + position * NODE_GAP)
            above += value
            colors.append(_color(tier))
            hovers.append(
                f"{stability.periods[p]} · {tier_label(tier)}: "
                f"{_amount(value, by_revenue, currency)}"
            )
    sources: list[int] = []
    targets: list[int] = []
    link_values: list[float] = []
    link_colors: list[str] = []
    link_hovers: list[str] = []
    for p, transition in enumerate(stability.transitions):
        for cell in transition.cells:
            value = _value(cell.customers, cell.revenue_cents, by_revenue)
            if value <= 0:
                continue
            sources.append(index[(p, cell.from_tier)])
            targets.append(index[(p + 1, cell.to_tier)])
            link_values.append(round(value, 2))
            moved = cell.from_tier != cell.to_tier
            link_colors.append(_rgba(_color(cell.to_tier), MOVE_ALPHA if moved else STAY_ALPHA))
            link_hovers.append(
                f"{transition.from_period} {tier_label(cell.from_tier)} → "
                f"{transition.to_period} {tier_label(cell.to_tier)}: "
                f"{_amount(value, by_revenue, currency)}"
            )
    annotations = [
        {
            "x": 0.001 + 0.998 * p / max(periods - 1, 1),
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
    trace = {
        "type": "sankey",
        "arrangement": "fixed",
        "domain": {"x": [0, 1], "y": [0, 0.93]},
        "textfont": {"size": FONT_SIZE},
        "node": {
            "label": labels,
            "x": xs,
            "y": ys,
            "color": colors,
            "pad": 12,
            "thickness": 18,
            "line": {"width": 0},
            "customdata": hovers,
            "hovertemplate": "%{customdata}<extra></extra>",
        },
        "link": {
            "source": sources,
            "target": targets,
            "value": link_values,
            "color": link_colors,
            "line": {"width": 0},
            "customdata": link_hovers,
            "hovertemplate": "%{customdata}<extra></extra>",
        },
    }
    layout = {
        "height": FLOW_HEIGHT,
        # Room above the period labels for the chart's toolbar (it covered the last label).
        "margin": {"l": 10, "r": 10, "t": 64, "b": 10},
        "font": {"size": FONT_SIZE},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "annotations": annotations,
    }
    return {"data": [trace], "layout": layout}


def flow_figure(stability: Stability, by_revenue: bool = False, currency: str = "$") -> SpecFigure:
    return figure(flow_spec(stability, by_revenue, currency))


def churn_title(stability: Stability, target: float) -> str:
    """The churn chart's finding: how many quarters are over the churn cap (the page's box;
    called the cap everywhere on the page, never a guideline or target)."""
    over = [t for t in stability.transitions if t.changed_share > target]
    if not stability.transitions:
        return "One period: no quarter to compare"
    if not over:
        return f"Every quarter within the {cap_percent(target)} cap"
    if len(stability.transitions) == 1:
        return f"The quarter is over the {cap_percent(target)} cap"
    return (
        f"{len(over)} of {len(stability.transitions)} quarters over the {cap_percent(target)} cap"
    )


def churn_spec(stability: Stability, target: float, plain: Stability | None = None) -> Spec:
    """The share of accounts (solid) and of revenue (dashed) changing tier each quarter, the
    cap as a vermillion line; `plain`: the same without the stability rules, in grey."""
    x = [t.to_period for t in stability.transitions]
    hover = "<b>%{fullData.name}</b>, %{x}: %{y:.1f}%<extra></extra>"
    traces: list[Spec] = [
        {
            "type": "scatter",
            "x": x,
            "y": [round(t.changed_share * 100, 2) for t in stability.transitions],
            "mode": "lines+markers",
            "name": "Accounts changing tier",
            "line": {"color": tier_color(1), "width": 4},
            "marker": {"size": 9},
            "hovertemplate": hover,
        },
        {
            "type": "scatter",
            "x": x,
            "y": [round(changed_revenue_share(t) * 100, 2) for t in stability.transitions],
            "mode": "lines+markers",
            "name": "Revenue changing tier",
            "line": {"color": tier_color(2), "width": 3, "dash": "dash"},
            "marker": {"size": 8},
            "hovertemplate": hover,
        },
    ]
    if plain is not None:
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": [round(t.changed_share * 100, 2) for t in plain.transitions],
                "mode": "lines+markers",
                "name": "Accounts, without the rules",
                "line": {"color": MUTED_COLOR, "width": 2.5, "dash": "dot"},
                "marker": {"size": 7},
                "hovertemplate": hover,
            }
        )
    highest = max((max(trace["y"], default=0.0) for trace in traces), default=0.0)
    top = max(target * 100 * 1.25, highest * 1.15, 5.0)
    layout = {
        "height": CHURN_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 8, "b": 10},
        "font": {"size": FONT_SIZE},
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "y": -0.2,
            "x": 0,
            "font": {"size": FONT_SIZE},
        },
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {**AXIS_FONTS, "type": "category", "fixedrange": True},
        "yaxis": {
            **AXIS_FONTS,
            "title": {"text": "Changing tier", "font": {"size": FONT_SIZE}},
            "range": [0, top],
            "ticksuffix": "%",
            "fixedrange": True,
        },
        "shapes": [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": target * 100,
                "y1": target * 100,
                "line": {"color": OVER_CAPACITY_COLOR, "width": 2.5, "dash": "dash"},
            }
        ],
        "annotations": [
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "yref": "y",
                "y": target * 100,
                "yanchor": "bottom",
                "text": f"{cap_percent(target)} cap",
                "showarrow": False,
                "font": {"size": FONT_SIZE, "color": OVER_CAPACITY_COLOR},
            }
        ],
    }
    return {"data": traces, "layout": layout}


def churn_figure(stability: Stability, target: float, plain: Stability | None = None) -> SpecFigure:
    return figure(churn_spec(stability, target, plain))
