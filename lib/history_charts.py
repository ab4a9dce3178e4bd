"""The churn chart of the Tiers over time page: the share of accounts and revenue changing tier
each quarter, against the cap (the flow across periods is lib/flow_chart.py).

Built like lib/charts.py (its palette, font size, layout and `figure`): plain specs from a
`Stability`'s per-pair matrices — (tiers + 1)^2 numbers per pair of periods — so a chart costs
the same at 5,000 accounts as at a million.
"""

from __future__ import annotations

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
from lib.formatting import cap_percent
from lib.history import Stability
from lib.history_figures import changed_revenue_share

Spec = dict[str, Any]

CHURN_HEIGHT = 360


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
