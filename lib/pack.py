"""The meeting pack: one self-contained HTML file with what was decided and what it means.

No scripts, no external files: the cards, bars and tables are the app's own HTML views, the
Pareto curve an inline SVG, so the file opens anywhere, prints on A4 and travels by email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

import numpy as np

from lib import views
from lib.capacity import Plan, TierCapacity
from lib.charts import tier_color
from lib.formatting import count, cut_label, money, percent
from lib.migration import Migration
from lib.tiering import ParetoCurve, TierFigures, TierSummary

CSS = """
body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2430;
       max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.4; }
h1 { font-size: 2rem; margin-bottom: 0.2rem; } h2 { font-size: 1.35rem; margin-top: 2rem;
     border-bottom: 2px solid #e6e6e6; padding-bottom: 0.2rem; }
.meta { color: #5c6370; } .note { color: #5c6370; font-size: 0.9rem; }
section { break-inside: avoid; } svg { max-width: 640px; display: block; margin-top: 1rem; }
table { font-size: 0.85rem !important; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; } h2 { break-after: avoid; }
  /* Paper cannot scroll sideways: the capacity table's 13 columns must fit A4's width. */
  div[style*="overflow-x"] { overflow: visible !important; }
  /* Only the wide tables (seven columns or more) shrink: the parameters stay legible. */
  table:has(th:nth-child(7)) { font-size: 7.5pt !important; table-layout: auto; }
  table:has(th:nth-child(7)) :is(th, td) { padding: 0.2rem 0.25rem !important; }
  table:has(th:nth-child(7)) th { white-space: normal !important; hyphens: auto; }
}
"""


@dataclass(frozen=True)
class PackContent:
    """Everything a pack shows; built by the page from the state on screen."""

    title: str
    dataset: str  # e.g. "customers.csv · 5,000 customers"
    scope: str  # "all customers" or the slice
    criteria: str  # "annual revenue" or "weighted score: Revenue 50%, ..."
    summary: TierSummary
    score: bool
    pareto: ParetoCurve
    capacities: Sequence[TierCapacity] | None = None
    unprofitable: Sequence[int] | None = None
    plan: Plan | None = None
    migration: Migration | None = None
    migration_against: str = "today's tiers"
    currency: str = "$"


TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _cut_label(tier: TierFigures, score: bool, currency: str) -> str:
    floor = tier.floor if tier.floor is not None else 0.0
    return f"{tier.name} from " + (f"score {floor:g}" if score else money(floor, currency))


def pareto_svg(
    curve: ParetoCurve,
    summary: TierSummary,
    width: int = 640,
    height: int = 320,
    *,
    score: bool = False,
    currency: str = "$",
) -> str:
    """The Pareto curve as a small inline SVG: each tier's stretch in its colour, both axes
    with their values (0-100%), and a marker at each cut-off naming it."""
    left, right, top, bottom = 52, 16, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(share: float) -> float:
        return left + share * plot_w

    def py(share: float) -> float:
        return top + plot_h - min(max(share, 0.0), 1.0) * plot_h

    x = curve.customer_share * plot_w + left
    y = top + plot_h - curve.revenue_share.clip(0, 1) * plot_h
    edges = np.concatenate([[0.0], np.cumsum([t.customer_share for t in summary.tiers])])
    parts = []
    for tick in TICKS:  # gridlines and both axes' values
        label = f"{tick:.0%}"
        parts.append(
            f'<line x1="{px(tick):.1f}" y1="{top}" x2="{px(tick):.1f}" y2="{top + plot_h}" '
            'stroke="#e3e3e3"/>'
            f'<line x1="{left}" y1="{py(tick):.1f}" x2="{left + plot_w}" y2="{py(tick):.1f}" '
            'stroke="#e3e3e3"/>'
            f'<text class="tick x" x="{px(tick):.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle" fill="#444">{label}</text>'
            f'<text class="tick y" x="{left - 6}" y="{py(tick) + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#444">{label}</text>'
        )
    for tier, start, end in zip(summary.tiers, edges[:-1], edges[1:], strict=True):
        inside = (curve.customer_share >= start) & (curve.customer_share <= end)
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x[inside], y[inside], strict=True))
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{tier_color(tier.tier)}" '
                'stroke-width="4"/>'
            )
    # A marker at each cut-off, where the tier above it ends: its figure above the plot (two
    # rows, so close cut-offs do not overlap); the sentence for it is under the chart.
    for k, (above, start) in enumerate(zip(summary.tiers[:-1], edges[1:-1], strict=True)):
        at_x = px(float(start))
        reached = float(np.interp(start, curve.customer_share, curve.revenue_share))
        row = top - 19 + 11 * (k % 2)
        label_x = min(max(at_x, left + 20), left + plot_w - 20)
        figure = f"{above.floor:g}" if score else money(above.floor or 0.0, currency)
        parts.append(
            f'<line class="cut" x1="{at_x:.1f}" y1="{row + 3}" x2="{at_x:.1f}" '
            f'y2="{top + plot_h}" stroke="{tier_color(above.tier)}" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>'
            f'<circle cx="{at_x:.1f}" cy="{py(reached):.1f}" r="3.5" '
            f'fill="{tier_color(above.tier)}"/>'
            f'<text class="cut-label" x="{label_x:.1f}" y="{row}" font-size="11" '
            f'text-anchor="middle" fill="#1f2430">{escape(figure)}</text>'
        )
    axes = (
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>'
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" font-size="13">'
        "Customers, ranked from the top</text>"
        f'<text x="13" y="{top + plot_h / 2}" font-size="13" '
        f'transform="rotate(-90 13 {top + plot_h / 2})" text-anchor="middle">'
        "Share of revenue</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Pareto curve">{axes}{"".join(parts)}</svg>'
    )


def cut_notes_html(
    curve: ParetoCurve, summary: TierSummary, score: bool = False, currency: str = "$"
) -> str:
    """Under the Pareto chart, what each dashed marker is: "Tier 1 from $55K: 6% of customers,
    40% of revenue" (the shares of the tiers from the top down to that cut-off)."""
    edges = np.cumsum([t.customer_share for t in summary.tiers])[:-1]
    notes = []
    for above, share in zip(summary.tiers[:-1], edges, strict=True):
        reached = float(np.interp(share, curve.customer_share, curve.revenue_share))
        notes.append(
            f'<span style="border-left:0.3rem solid {tier_color(above.tier)};padding-left:0.3rem">'
            f"{escape(_cut_label(above, score, currency))}: {percent(float(share))} of "
            f"customers, {percent(reached)} of revenue</span>"
        )
    return f'<p class="note cuts">Cut-offs (dashed): {" · ".join(notes)}</p>' if notes else ""


def _parameters(content: PackContent) -> str:
    cut_text = [
        f"{tier.name} from "
        + (f"score {tier.floor:g}" if content.score else cut_label(tier.floor, content.currency))
        for tier in content.summary.tiers
        if tier.floor is not None
    ]
    rows = [
        ["Data", escape(content.dataset)],
        ["Customers shown", escape(content.scope)],
        ["Tiered by", escape(content.criteria)],
        ["Cut-offs", escape("; ".join(cut_text))],
    ]
    if content.plan is not None:
        hours = " / ".join(f"{h:g} h" for h in content.plan.matrix.hours_per_account())
        team = " / ".join(f"{t.csms:g}" for t in content.plan.teams)
        rows += [["Hours per account", escape(hours)], ["CSMs per tier", escape(team)]]
    return views.table_html(["Setting", "Value"], rows)


def render(content: PackContent, generated: datetime) -> str:
    """The whole pack as one HTML document."""
    summary = content.summary
    top = summary.tiers[0]
    sections = [
        f"<h1>{escape(content.title)}</h1>",
        f'<p class="meta">{escape(content.dataset)} · generated {generated:%Y-%m-%d %H:%M} UTC</p>',
        f"<p><b>{escape(top.name)}: {percent(top.customer_share)} of customers bring "
        f"{percent(top.revenue_share)} of revenue "
        f"({money(top.revenue, content.currency)}).</b></p>",
        f"<section><h2>Parameters</h2>{_parameters(content)}</section>",
        f"<section><h2>Tiers</h2>"
        f"{views.tier_cards_html(summary, content.currency, score=content.score)}</section>",
        f"<section><h2>Revenue share</h2>{views.revenue_share_html(summary, content.currency)}"
        f"{pareto_svg(content.pareto, summary, score=content.score, currency=content.currency)}"
        f"{cut_notes_html(content.pareto, summary, content.score, content.currency)}</section>",
    ]
    if content.capacities is not None:
        sections.append(
            f"<section><h2>CSM load</h2>{views.load_html(content.capacities)}</section>"
        )
        if content.unprofitable is not None:
            sections.append(
                "<section><h2>Capacity, cost and margin</h2>"
                + views.capacity_table_html(
                    content.capacities, content.unprofitable, content.currency
                )
                + "</section>"
            )
    if content.migration is not None:
        sections.append(
            f"<section><h2>Who moves (from {escape(content.migration_against)})</h2>"
            f"<p>{escape(content.migration.headline(content.currency))}</p>"
            f"{views.migration_html(content.migration, content.currency)}</section>"
        )
    sections.append(
        f'<p class="note">{count(summary.customers)} customers, '
        f"{money(summary.total_revenue, content.currency)} "
        "annual revenue. Made with tierboard.</p>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(content.title)}</title><style>{CSS}</style></head>"
        f"<body>{''.join(sections)}</body></html>"
    )
