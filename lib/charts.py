"""Plotly figures from small summaries: tier colours, revenue share, Pareto curve, CSM load.

Inputs are per-tier figures and a downsampled curve — a few hundred numbers at most — so a chart
costs the same at 5,000 customers as at ten million, and the browser gets kilobytes, not rows.

Each figure is built as a plain spec (dicts and lists) and handed over as a `SpecFigure`, which
skips Plotly's object model: building a `go.Figure` validates and deep-copies the spec (~3 ms per
chart, on every slider move). The unit tests validate every spec instead
(`plotly.graph_objects.Figure(spec)`), so a typo still fails loudly.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from lib.capacity import TierLoad
from lib.formatting import count, money, percent
from lib.tiering import ParetoCurve, TierSummary

Spec = dict[str, Any]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and on light or
# dark backgrounds. Vermillion is kept out of the tiers: it means "over capacity".
TIER_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
OVER_CAPACITY_COLOR = "#D55E00"
MUTED_COLOR = "#8C8C8C"
FONT_SIZE = 15
PERCENT_AXIS = {
    "range": [0, 102],
    "tickvals": [0, 25, 50, 75, 100],
    "ticktext": ["0%", "25%", "50%", "75%", "100%"],
    "fixedrange": True,
}
# Explicit sizes: readable on a screen shared across a meeting room.
AXIS_FONTS = {"tickfont": {"size": FONT_SIZE - 1}, "title": {"font": {"size": FONT_SIZE}}}


def tier_color(tier: int) -> str:
    """The colour of a 1-based tier, the same in every chart, metric and export."""
    return TIER_COLORS[(tier - 1) % len(TIER_COLORS)]


class SpecFigure(go.Figure):
    """A Plotly figure that is just its spec: `to_dict()` returns it as it is.

    That is all `st.plotly_chart` and `plotly.io` ask of a figure. The base initialiser is
    skipped on purpose (see the module docstring); use `go.Figure(fig.to_dict())` to edit one.
    """

    def __init__(self, spec: Spec) -> None:  # no super().__init__(): no validation, no copies
        self._spec = spec

    def to_dict(self) -> Spec:
        return self._spec

    def to_plotly_json(self) -> Spec:
        return self._spec


@functools.cache
def _template(name: str) -> Spec:
    return pio.templates[name].to_plotly_json()


def figure(spec: Spec) -> SpecFigure:
    """Wrap a spec, with the current default template (Streamlit's theme when in the app)."""
    layout = spec.setdefault("layout", {})
    if "template" not in layout and pio.templates.default:
        layout["template"] = _template(pio.templates.default)
    return SpecFigure(spec)


def _axis(title: str | None = None, **settings: Any) -> Spec:
    return {**AXIS_FONTS, "title": {"text": title, "font": {"size": FONT_SIZE}}, **settings}


def _layout(title: str, height: int, **settings: Any) -> Spec:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": FONT_SIZE + 3}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 56, "b": 10},
        "font": {"size": FONT_SIZE},
        "legend": {
            "orientation": "h",
            "y": -0.18,
            "x": 0,
            "traceorder": "normal",
            "font": {"size": FONT_SIZE},
        },
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        **settings,
    }


def revenue_share_spec(summary: TierSummary, currency: str = "$") -> Spec:
    """Two stacked bars — share of customers, share of revenue — one colour per tier."""
    traces = [
        {
            "type": "bar",
            "name": tier.name,
            "y": ["Customers", "Revenue"],
            "x": [tier.customer_share * 100, tier.revenue_share * 100],
            "orientation": "h",
            "marker": {"color": tier_color(tier.tier)},
            "text": [percent(tier.customer_share), percent(tier.revenue_share)],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textangle": 0,
            "textfont": {"size": FONT_SIZE + 1},
            "customdata": [
                [count(tier.customers), "customers"],
                [money(tier.revenue, currency), "revenue"],
            ],
            "hovertemplate": (
                f"<b>{tier.name}</b><br>%{{customdata[0]}} %{{customdata[1]}}"
                "<br>%{text} of the total<extra></extra>"
            ),
        }
        for tier in summary.tiers
    ]
    top = summary.tiers[0]
    title = (
        f"{top.name}: {percent(top.customer_share)} of customers bring "
        f"{percent(top.revenue_share)} of revenue"
    )
    layout = _layout(
        title,
        height=300,
        barmode="stack",
        bargap=0.35,
        # Labels that do not fit their bar are hidden rather than shrunk or rotated.
        uniformtext={"minsize": 11, "mode": "hide"},
        xaxis=_axis(**PERCENT_AXIS),
        yaxis=_axis(autorange="reversed", fixedrange=True),
    )
    return {"data": traces, "layout": layout}


def pareto_spec(curve: ParetoCurve, summary: TierSummary, currency: str = "$") -> Spec:
    """Cumulative revenue share against customers ranked by value, each tier's stretch coloured."""
    x = curve.customer_share * 100
    y = curve.revenue_share * 100
    # Where each tier starts and ends along the ranked customers (in % of customers).
    edges = np.concatenate([[0.0], np.cumsum([t.customer_share for t in summary.tiers]) * 100])
    edges[-1] = 100.0
    traces = []
    for tier, start, end in zip(summary.tiers, edges[:-1], edges[1:], strict=True):
        xs = np.concatenate([[start], x[(x > start) & (x < end)], [end]])
        color = tier_color(tier.tier)
        traces.append(
            {
                "type": "scatter",
                "x": np.round(xs, 3).tolist(),
                "y": np.round(np.interp(xs, x, y), 3).tolist(),
                "mode": "lines",
                "name": tier.name,
                "line": {"color": color, "width": 4},
                "fill": "tozeroy",
                "fillcolor": _translucent(color),
                "hovertemplate": (
                    f"<b>{tier.name}</b><br>top %{{x:.1f}}% of customers<br>"
                    "hold %{y:.1f}% of revenue<extra></extra>"
                ),
            }
        )
    shapes, annotations = _cut_markers(summary, edges, np.interp(edges, x, y), currency)
    top = summary.tiers[0]
    title = (
        f"Top {percent(top.customer_share)} of customers hold "
        f"{percent(top.revenue_share)} of revenue"
    )
    layout = _layout(
        title,
        height=380,
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        xaxis=_axis("Customers, ranked by revenue", **PERCENT_AXIS),
        yaxis=_axis("Cumulative share of revenue", **{**PERCENT_AXIS, "range": None}),
    )
    return {"data": traces, "layout": layout}


def _cut_markers(
    summary: TierSummary, edges: np.ndarray, heights: np.ndarray, currency: str
) -> tuple[list[Spec], list[Spec]]:
    # Layout shapes, not add_vline: a shape is a few bytes of spec and no extra trace.
    shapes: list[Spec] = []
    annotations: list[Spec] = []
    rounded = zip(
        np.round(edges[1:-1], 3).tolist(), np.round(heights[1:-1], 3).tolist(), strict=True
    )
    for tier, (edge, height) in zip(summary.tiers[:-1], rounded, strict=True):
        color = tier_color(tier.tier)
        shapes.append(
            {
                "type": "line",
                "x0": edge,
                "x1": edge,
                "y0": 0,
                "y1": height,
                "line": {"color": color, "width": 2, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": edge,
                "y": height,
                "text": f"{tier.name} ≥ {money(tier.floor or 0.0, currency)}",
                "showarrow": True,
                "arrowhead": 0,
                "ax": 40,
                "ay": 30 + 30 * (tier.tier - 1),
                "font": {"color": color, "size": FONT_SIZE},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    return shapes, annotations


def _translucent(hex_color: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def load_spec(loads: Sequence[TierLoad]) -> Spec:
    """Hours needed against hours available per tier; over-capacity tiers in vermillion."""
    names = [load.name for load in loads]
    available = {
        "type": "bar",
        "name": "Hours available",
        "x": names,
        "y": [load.hours_available for load in loads],
        "marker": {"color": "rgba(0,0,0,0)", "line": {"color": MUTED_COLOR, "width": 2}},
        "hovertemplate": "%{x}: %{y:,.0f} h available<extra></extra>",
    }
    needed = {
        "type": "bar",
        "name": "Hours needed",
        "x": names,
        "y": [load.hours_needed for load in loads],
        "marker": {
            "color": [
                OVER_CAPACITY_COLOR if load.is_over_capacity else tier_color(i + 1)
                for i, load in enumerate(loads)
            ]
        },
        "text": [_utilisation_label(load) for load in loads],
        "textposition": "outside",
        "textfont": {"size": FONT_SIZE + 1},
        "cliponaxis": False,
        "hovertemplate": "%{x}: %{y:,.0f} h needed (%{text})<extra></extra>",
    }
    layout = _layout(
        _load_title(loads),
        height=360,
        barmode="group",
        bargap=0.3,
        bargroupgap=0.05,
        xaxis=_axis(fixedrange=True),
        yaxis=_axis("Hours per year", fixedrange=True, rangemode="tozero"),
    )
    return {"data": [available, needed], "layout": layout}


def _utilisation_label(load: TierLoad) -> str:
    if load.hours_available <= 0:
        return "no team" if load.hours_needed > 0 else "—"
    return f"{load.utilisation:.0%} load"


def _load_title(loads: Sequence[TierLoad]) -> str:
    over = [load for load in loads if load.is_over_capacity]
    if not over:
        return "Every tier fits its team's hours"
    worst = max(over, key=lambda load: load.utilisation)
    if worst.hours_available <= 0:
        return f"{worst.name} needs {count(worst.hours_needed)} h a year and has no CSMs"
    return f"{worst.name} is over capacity: {worst.utilisation:.0%} of its team's hours"


def revenue_share_figure(summary: TierSummary, currency: str = "$") -> SpecFigure:
    return figure(revenue_share_spec(summary, currency))


def pareto_figure(curve: ParetoCurve, summary: TierSummary, currency: str = "$") -> SpecFigure:
    return figure(pareto_spec(curve, summary, currency))


def load_figure(loads: Sequence[TierLoad]) -> SpecFigure:
    return figure(load_spec(loads))
