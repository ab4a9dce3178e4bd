"""Tier colours and the Plotly charts: the Pareto curve with the cut-offs marked, the tornado of
the plan's sensitivity, the year month by month (each team's load against its capacity), and
the books of business (each CSM's load against their hours).

Inputs are per-tier figures and a downsampled curve — a few hundred numbers at most — so the
chart costs the same at 5,000 customers as at ten million, and the browser gets kilobytes.
The bar charts and tier cards are HTML (lib/views.py): Streamlit remounts a Plotly chart whenever
its figure changes, which costs ~35 ms per chart per slider move (BENCHMARKS.md).

Each figure is built as a plain spec (dicts and lists) and handed over as a `SpecFigure`, which
skips Plotly's object model: building a `go.Figure` validates and deep-copies the spec (~3 ms per
chart, on every slider move). The unit tests validate every spec instead
(`plotly.graph_objects.Figure(spec)`), so a typo still fails loudly.

Why one module (past 400 lines): every chart of the app shares one palette, one font size and
one layout (`_layout`, `_axis`, `figure`), so that a room reads the Pareto curve, the tornado, the
year and the books alike; each chart is a short spec function next to the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from lib.formatting import cut_label, percent, plural
from lib.months import month_label
from lib.tiering import ParetoCurve, TierSummary

if TYPE_CHECKING:  # the charts need the figures, not the modules that compute them
    from lib.books import CsmBook
    from lib.monthly_load import YearLoad
    from lib.sensitivity import Bar, Sensitivity

Spec = dict[str, Any]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and on light or
# dark backgrounds. Vermillion is kept out of the tiers: it means "over capacity".
TIER_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
OVER_CAPACITY_COLOR = "#D55E00"
MUTED_COLOR = "#8C8C8C"
FONT_SIZE = 15
RIGHT_HALF = 50.0  # % of customers: a cut-off marker past it is labelled on its left
LABEL_BAND = 11.0  # % of the revenue axis each cut-off label has to itself (~35 px)
PERCENT_AXIS = {
    "range": [0, 102],
    "tickvals": [0, 25, 50, 75, 100],
    "ticktext": ["0%", "25%", "50%", "75%", "100%"],
    "fixedrange": True,
}
# An axis that does not grow the chart's margins to fit its labels: the margins are set to fit
# them instead. Plotly's automatic margins measure the labels and redraw the chart on every
# update; on the Tiers page's Pareto chart that was ~20 ms of each slider move in Chromium
# (drawing 107-109 -> 85-90 ms, median of 8 moves, two runs each in turn, 1M customers).
FIXED_MARGIN_AXIS = {"automargin": False}
# Explicit sizes: readable on a screen shared across a meeting room.
AXIS_FONTS = {"tickfont": {"size": FONT_SIZE - 1}, "title": {"font": {"size": FONT_SIZE}}}


def tier_color(tier: int) -> str:
    """The colour of a 1-based tier, the same in every chart, metric and export."""
    return TIER_COLORS[(tier - 1) % len(TIER_COLORS)]


# Plotly ships neither stubs nor a py.typed marker, so `go.Figure` is `Any` to mypy.
class SpecFigure(go.Figure):  # type: ignore[misc]
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


def figure(spec: Spec) -> SpecFigure:
    """Wrap a spec as it is, without a template.

    Streamlit's frontend themes the chart itself (light or dark), so the template a
    `go.Figure` would carry is redundant: most of the chart's bytes on every move, and the
    screenshots with and without it are pixel-identical. Without it, Chromium settles a move
    ~9 ms sooner at 1M customers (three alternating runs each, BENCHMARKS.md machine).
    """
    return SpecFigure(spec)


def _axis(title: str | None = None, **settings: Any) -> Spec:
    return {**AXIS_FONTS, "title": {"text": title, "font": {"size": FONT_SIZE}}, **settings}


def _layout(height: int, **settings: Any) -> Spec:
    # No Plotly title: it cannot wrap and is cut off in a narrow column. The finding is an HTML
    # heading above the chart instead (pareto_title), styled like every other chart's.
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 8, "b": 10},
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


def pareto_title(summary: TierSummary) -> str:
    """The Pareto chart's finding: "Top 6.0% of customers hold 40% of revenue"."""
    top = summary.tiers[0]
    return (
        f"Top {percent(top.customer_share)} of customers hold "
        f"{percent(top.revenue_share)} of revenue"
    )


def pareto_spec(
    curve: ParetoCurve, summary: TierSummary, currency: str = "$", ranked_by: str = "revenue"
) -> Spec:
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
    shapes, annotations = _cut_markers(
        summary, edges, np.interp(edges, x, y), currency if ranked_by == "revenue" else None
    )
    layout = _layout(
        height=340,
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        xaxis=_axis(f"Customers, ranked by {ranked_by}", **PERCENT_AXIS, **FIXED_MARGIN_AXIS),
        yaxis=_axis(
            "Cumulative share of revenue", **{**PERCENT_AXIS, "range": None}, **FIXED_MARGIN_AXIS
        ),
        # Room for the percent ticks ("100%") and the axis titles, fixed: see FIXED_MARGIN_AXIS.
        margin={"l": 72, "r": 12, "t": 8, "b": 60, "autoexpand": False},
    )
    return {"data": traces, "layout": layout}


def _cut_markers(
    summary: TierSummary, edges: np.ndarray, heights: np.ndarray, currency: str | None
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
                "text": f"{tier.name} ≥ {_cut_text(tier.floor or 0.0, currency)}",
                "showarrow": True,
                "arrowhead": 0,
                # A label right of a marker far to the right runs off the chart's edge and is
                # clipped ("Tier 2 ≥ $2"): past the middle it sits left of its marker.
                "ax": 40 if edge <= RIGHT_HALF else -40,
                # Each label in a band of its own near the bottom (in % of revenue): two cut-offs
                # close together never stack their labels on each other, whatever the curve.
                "ayref": "y",
                "ay": LABEL_BAND * tier.tier - LABEL_BAND / 2,
                "font": {"color": color, "size": FONT_SIZE},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    return shapes, annotations


def _cut_text(value: float, currency: str | None) -> str:
    """A cut-off as money, or as a score when the tiers are cut on a score (no currency)."""
    return cut_label(value, currency) if currency is not None else f"score {value:g}"


def _translucent(hex_color: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def pareto_figure(
    curve: ParetoCurve, summary: TierSummary, currency: str = "$", ranked_by: str = "revenue"
) -> SpecFigure:
    return figure(pareto_spec(curve, summary, currency, ranked_by))


# --- the tornado: how far the plan moves when each input does (lib/sensitivity.py) ----------

# A bar that leaves the plan short of more CSMs takes the over-capacity colour; one that frees
# CSMs is muted. The two sides of an input are told apart by their labels (the input's value).
TORNADO_ROW = 58  # px per input: two lines of 15 px labels with air between them
TORNADO_WIDTHS = {"low": 0.78, "high": 0.5}  # overlaid: a side never hides the other


def tornado_label(bar: Bar, currency: str | None, near: int | None, within: float) -> str:
    """A row's label: the input, its value and range, and the accounts near a cut-off."""
    assumption = bar.assumption
    first = f"{assumption.name()} {assumption.value_text(assumption.base, currency)}"
    second = f"moved {assumption.step}"
    if near is not None:
        second += f" · {near:,} account{'' if near == 1 else 's'} within ±{within:.0%}"
    return f"{first}<br>{second}"


def tornado_title(sensitivity: Sensitivity) -> str:
    """The chart's finding and accessible name: which input moves the plan most, by how much."""
    if not sensitivity.bars or sensitivity.bars[0].effect <= 0:
        return "No input moved within its range changes the CSMs the plan needs"
    top = sensitivity.bars[0]
    return (
        f"{top.assumption.name()} moves the plan most: up to "
        f"{_csms(top.effect)} CSM{'' if top.effect == 1 else 's'} either way"
    )


def _csms(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _signed(value: float) -> str:
    rounded = round(value, 1)
    if rounded == 0:
        return "±0"
    return ("+" if rounded > 0 else "−") + _csms(abs(rounded))


def tornado_spec(sensitivity: Sensitivity, currency: str | None = "$") -> Spec:
    """Horizontal bars, one row per input, largest effect at the top: the change in the plan's
    CSM gap with the input low and high, around the plan (0). Cut-off rows say how many
    accounts sit within ±x% of the line."""
    bars = sensitivity.bars
    near = {i + 1: n for i, n in enumerate(sensitivity.near)}
    labels = [
        tornado_label(
            bar,
            currency,
            near.get(bar.assumption.tier) if bar.assumption.kind == "cut" else None,
            sensitivity.within,
        )
        for bar in bars
    ]
    rows = list(range(len(bars)))
    traces = []
    for side in ("low", "high"):
        changes = [bar.low_change if side == "low" else bar.high_change for bar in bars]
        values = [bar.assumption.low if side == "low" else bar.assumption.high for bar in bars]
        words = [
            bar.assumption.value_text(v, currency) for bar, v in zip(bars, values, strict=True)
        ]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": "Input lower" if side == "low" else "Input higher",
                "y": rows,
                "x": [round(c, 3) for c in changes],
                "width": TORNADO_WIDTHS[side],
                "marker": {
                    "color": [OVER_CAPACITY_COLOR if c > 0.0005 else MUTED_COLOR for c in changes]
                },
                "text": [f"{w}: {_signed(c)}" for w, c in zip(words, changes, strict=True)],
                "textposition": "outside",
                "cliponaxis": False,
                "textfont": {"size": FONT_SIZE - 1},
                "customdata": [bar.assumption.name() for bar in bars],
                "hovertemplate": "<b>%{customdata}</b> at %{text} CSMs<extra></extra>",
            }
        )
    reach = max([bar.effect for bar in bars] + [0.5])
    layout = _layout(
        height=70 + TORNADO_ROW * max(len(bars), 1),
        barmode="overlay",
        showlegend=False,
        bargap=0.2,
        # Room for the value labels outside the longest bars.
        xaxis=_axis(
            "Change in CSMs short (+ more needed, − to spare)",
            range=[-reach * 1.6, reach * 1.6],
            zeroline=True,
            zerolinewidth=2,
            zerolinecolor=MUTED_COLOR,
            fixedrange=True,
        ),
        yaxis={
            **AXIS_FONTS,
            "tickvals": rows,
            "ticktext": labels,
            "autorange": "reversed",  # the largest effect at the top
            "fixedrange": True,
            "automargin": True,
        },
        margin={"l": 10, "r": 10, "t": 8, "b": 10},
    )
    return {"data": traces, "layout": layout}


def tornado_figure(sensitivity: Sensitivity, currency: str | None = "$") -> SpecFigure:
    return figure(tornado_spec(sensitivity, currency))


def year_spec(year: YearLoad) -> Spec:
    """Each team's hours needed month by month (solid, its tier's colour) against the hours it
    has (dashed, the same colour); a month over capacity gets a large vermillion marker."""
    labels = [month_label(first) for first in year.months]
    traces: list[Spec] = []
    for tier in year.tiers:
        color = tier_color(tier.tier)
        over = [needed > has for needed, has in zip(tier.hours, tier.capacity, strict=True)]
        loads = [percent(tier.load(m)) if tier.capacity[m] > 0 else "no hours" for m in range(12)]
        traces.append(
            {
                "type": "scatter",
                "x": labels,
                "y": [round(value, 1) for value in tier.hours],
                "customdata": loads,
                "mode": "lines+markers",
                "name": f"{tier.name} needs",
                "legendgroup": tier.name,
                "line": {"color": color, "width": 4},
                "marker": {
                    "color": [OVER_CAPACITY_COLOR if o else color for o in over],
                    "size": [14 if o else 8 for o in over],
                    "line": {"width": 0},
                },
                "hovertemplate": (
                    f"<b>{tier.name}</b>, %{{x}}<br>needs %{{y:,.0f}} h "
                    "(%{customdata} of its hours)<extra></extra>"
                ),
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": labels,
                "y": [round(value, 1) for value in tier.capacity],
                "mode": "lines",
                "name": f"{tier.name} has",
                "legendgroup": tier.name,
                # A month's hours hold for the whole month: steps, not slopes between months.
                "line": {"color": color, "width": 2.5, "dash": "dash", "shape": "hvh"},
                "hovertemplate": (
                    f"<b>{tier.name}</b>, %{{x}}<br>has %{{y:,.0f}} h<extra></extra>"
                ),
            }
        )
    layout = _layout(
        height=400,
        showlegend=True,
        xaxis=_axis(None, fixedrange=True, type="category"),
        yaxis=_axis("Hours per month", rangemode="tozero", tickformat=",.0f", fixedrange=True),
    )
    layout["legend"] = {**layout["legend"], "y": -0.14}
    return {"data": traces, "layout": layout}


def year_figure(year: YearLoad) -> SpecFigure:
    return figure(year_spec(year))


# --- books of business: one bar per CSM -----------------------------------------------------

BOOKS_SHOWN = 20  # CSMs drawn: a room reads 20 names; the table below lists every CSM
UTILISATION_AXIS_MAX = 300.0  # % drawn at most: a bar past it is cut there, its label says more
_BAR_ROW_PX = 34  # per CSM and bar: names and labels in the chart's large type never overlap


def book_label(book: CsmBook) -> str:
    """How a CSM is named on the chart and in the table: a pool says its headcount."""
    if book.is_pool and book.in_roster:
        return f"{book.csm} (pool of {book.headcount:g})"
    return book.csm


def books_title(books: Sequence[CsmBook], after: bool) -> str:
    """The chart's finding: "3 of 27 CSMs over capacity today" (and after the proposal)."""
    people = [b for b in books if not b.is_unassigned]
    today = sum(b.is_over() for b in people)
    title = f"{today} of {plural(len(people), 'CSM')} over capacity today"
    if after:
        proposed = sum(b.is_over(after=True) for b in people)
        title += f"; {proposed or 'none'} after the proposal"
    return title


def _utilisation_text(value: float) -> str:
    return "no hours" if math.isinf(value) else f"{value:.0%}"


def _book_bars(books: Sequence[CsmBook], after: bool, name: str, faded: bool) -> Spec:
    values = [b.utilisation(after) for b in books]
    over = [b.is_over(after) for b in books]
    colours = [
        OVER_CAPACITY_COLOR if is_over else (MUTED_COLOR if faded else tier_color(1))
        for is_over in over
    ]
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "y": [book_label(b) for b in books],
        "x": [round(min(v * 100, UTILISATION_AXIS_MAX), 1) for v in values],
        "text": [
            _utilisation_text(v) + (" ⚠" if o else "") for v, o in zip(values, over, strict=True)
        ],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {
            "color": colours,
            "opacity": 0.55 if faded else 1.0,
            # Over capacity is striped as well as vermillion: never colour alone.
            "pattern": {"shape": ["/" if o else "" for o in over], "solidity": 0.6},
        },
        "customdata": [
            [b.capacity_hours, (b.after if after and b.after else b.before).hours] for b in books
        ],
        "hovertemplate": (
            f"<b>%{{y}}</b><br>{name}: %{{text}} of their hours<br>"
            "%{customdata[1]:,.0f} h needed of %{customdata[0]:,.0f} h<extra></extra>"
        ),
    }


def books_spec(books: Sequence[CsmBook], after: bool, shown: int = BOOKS_SHOWN) -> Spec:
    """Each CSM's load as a % of their hours, the most loaded on top, the capacity (100%) marked;
    over capacity in vermillion, striped. After a proposal, today's bar (faded) sits beside the
    proposed one. Only the `shown` most loaded are drawn (books_more says how many are not)."""
    people = [b for b in books if not b.is_unassigned][:shown]
    traces = [_book_bars(people, False, "Today", faded=after)]
    if after:
        traces.append(_book_bars(people, True, "Proposed", faded=False))
    bars = len(people) * len(traces)
    top = max([100.0, *(x for trace in traces for x in trace["x"])])
    layout = _layout(
        height=max(240, 120 + _BAR_ROW_PX * bars),
        barmode="group",
        bargap=0.25,
        showlegend=after,
        legend={
            "orientation": "h",
            "y": 1.0,
            "yanchor": "bottom",
            "x": 0,
            "font": {"size": FONT_SIZE},
        },
        margin={"l": 10, "r": 60, "t": 56 if after else 30, "b": 10},
        xaxis=_axis(
            "Hours needed, % of the CSM's hours",
            ticksuffix="%",
            range=[0, top * 1.15],
            gridcolor="rgba(128,128,128,0.2)",
        ),
        yaxis=_axis(None, autorange="reversed", automargin=True, tickfont={"size": FONT_SIZE}),
        shapes=[
            {
                "type": "line",
                "x0": 100,
                "x1": 100,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": OVER_CAPACITY_COLOR, "width": 2, "dash": "dash"},
            }
        ],
        annotations=[
            {
                "x": 100,
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "left",
                "text": "capacity",
                "showarrow": False,
                "font": {"color": OVER_CAPACITY_COLOR, "size": FONT_SIZE},
            }
        ],
    )
    return {"data": traces, "layout": layout}


def books_more(books: Sequence[CsmBook], shown: int = BOOKS_SHOWN) -> str | None:
    """What the chart leaves out: "7 more CSMs, less loaded, are in the table below."."""
    people = [b for b in books if not b.is_unassigned]
    hidden = len(people) - shown
    if hidden <= 0:
        return None
    over = sum(b.is_over(after=b.after is not None) for b in people[shown:])
    verb = "is" if hidden == 1 else "are"
    more = f"{plural(hidden, 'more CSM')}, less loaded, {verb} in the table below"
    return more + (f" ({over} of them over capacity)." if over else ".")


def books_figure(books: Sequence[CsmBook], after: bool, shown: int = BOOKS_SHOWN) -> SpecFigure:
    return figure(books_spec(books, after, shown))
