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
from lib.tiering import ParetoCurve, TierSummary

CSS = """
body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2430;
       max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.4; }
h1 { font-size: 2rem; margin-bottom: 0.2rem; } h2 { font-size: 1.35rem; margin-top: 2rem;
     border-bottom: 2px solid #e6e6e6; padding-bottom: 0.2rem; }
.meta { color: #5c6370; } .note { color: #5c6370; font-size: 0.9rem; }
section { break-inside: avoid; } svg { max-width: 640px; display: block; margin-top: 1rem; }
table { font-size: 0.85rem !important; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
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


def pareto_svg(
    curve: ParetoCurve, summary: TierSummary, width: int = 640, height: int = 300
) -> str:
    """The Pareto curve as a small inline SVG, each tier's stretch in its colour."""
    pad = 36
    x = curve.customer_share * (width - 2 * pad) + pad
    y = height - pad - curve.revenue_share.clip(0, 1) * (height - 2 * pad)
    edges = np.concatenate([[0.0], np.cumsum([t.customer_share for t in summary.tiers])])
    parts = []
    for tier, start, end in zip(summary.tiers, edges[:-1], edges[1:], strict=True):
        inside = (curve.customer_share >= start) & (curve.customer_share <= end)
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x[inside], y[inside], strict=True))
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{tier_color(tier.tier)}" '
                'stroke-width="4"/>'
            )
    axes = (
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#999"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>'
        f'<text x="{width / 2}" y="{height - 6}" text-anchor="middle" font-size="13">'
        "Customers, ranked from the top (0-100%)</text>"
        f'<text x="12" y="{height / 2}" font-size="13" transform="rotate(-90 12 {height / 2})" '
        'text-anchor="middle">Share of revenue</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Pareto curve">{axes}{"".join(parts)}</svg>'
    )


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
        f"{pareto_svg(content.pareto, summary)}</section>",
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
