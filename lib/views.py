"""HTML views of the per-tier figures: tier cards, the revenue-share bars, the CSM-load bars.

Why HTML and not Streamlit metrics and Plotly: on a slider move the browser redraws everything
that changed, and that redraw — not the server — is what people wait for. One HTML block costs
the browser about a millisecond; each `st.metric` is one more message to decode and render, and
each Plotly chart is remounted from scratch (~35 ms). Measured in BENCHMARKS.md.

Every text here is tierboard's own (tier names, formatted figures) and is escaped anyway.
Values carry `data-tier` / `data-figure` attributes so tests and tools can read them back.

Why one module (past 400 lines): it is the one place figures become HTML. Cards, bars and
tables share its vocabulary (the inline styles, tier colours and text colours on them, the
over-capacity marks and the slice's share of a team), and each view is a few dozen lines;
split by view, every file would import the same vocabulary back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any, cast

import numpy as np
import pandas as pd

from lib.books import Book, BookFigures, CsmBook
from lib.canonical import label
from lib.capacity import TierCapacity
from lib.charts import MUTED_COLOR, OVER_CAPACITY_COLOR, book_label, tier_color
from lib.formatting import (
    churn_percent,
    count,
    cut_label,
    distance_text,
    hours,
    money,
    money_cents,
    percent,
    quantity,
)
from lib.history import Stability
from lib.history_figures import changed_revenue_share, new_and_churned
from lib.migration import Migration
from lib.tiering import TierFigures, TierIndex, TierSummary, service_model

# Above this many tiers a card is too narrow for two figures side by side: stack them.
SIDE_BY_SIDE_MAX_TIERS = 3
# A bar segment narrower than this per character of its label hides the label (the hover has
# it): "9.2%" needs 12% of the bar, "15%" 9% (at the large type of presentation mode too).
SHARE_PER_LABEL_CHARACTER = 0.03

_BOX = "font-size:1rem;line-height:1.35;margin:0.25rem 0 0.75rem 0"
_TITLE = "font-weight:700;font-size:1.15rem;margin-bottom:0.6rem"
_ROW = "display:flex;align-items:center;gap:0.75rem;margin:0.45rem 0"
_ROW_LABEL = "flex:0 0 6.5rem;opacity:0.8"
_TRACK = (
    "flex:1;display:flex;height:2.6rem;border-radius:0.3rem;overflow:hidden;"
    "background:rgba(128,128,128,0.12)"
)
_SEGMENT = (
    "display:flex;align-items:center;justify-content:center;overflow:hidden;white-space:nowrap;"
    "font-weight:600;font-size:1.05rem"
)
_CARD = (
    "border:1px solid rgba(128,128,128,0.35);border-radius:0.6rem;padding:0.8rem 1rem 0.4rem;"
    "border-top-width:0.45rem"
)
_LABEL = "font-size:0.9rem;opacity:0.75"
_VALUE = "font-size:2.3rem;line-height:1.15;margin-bottom:0.55rem;font-variant-numeric:tabular-nums"
# Cards wrap onto a second row rather than get narrower than this (a laptop window, a split
# screen): two figures side by side need the wider card.
_CARD_MIN_WIDTH = {1: "7.5rem", 2: "13rem"}
# Large figures shrink with their card (a size container) so the longest one never leaves it.
# A figure's characters average under 0.55 em, so n of them fit a card's width at 180/n % of
# it a em (one figure a row), or at 85/n % (two side by side). Measured in Chromium.
_CARD_WIDTH_PER_CHARACTER = {1: 170, 2: 85}


def _value_size(texts: Sequence[str], columns: int) -> str:
    longest = max(map(len, texts), default=1)
    return f"clamp(1.2rem,{_CARD_WIDTH_PER_CHARACTER[columns] / longest:.1f}cqi,2.3rem)"


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (WCAG relative luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


def tier_bounds(tier: TierFigures, currency: str = "$", score: bool = False) -> str:
    """A tier's range in words: "$55K and up", "$20K to $55K", "below $20K", "score 62 and up".

    A cut-off shows as typed ("$123,456 and up", never rounded into another figure); a tier
    with no customers says so ("empty: both cut-offs at $12K", "no customers: $12K to $20K").
    """

    def shown(value: float | None) -> str:
        return f"{value or 0.0:g}" if score else cut_label(value or 0.0, currency)

    prefix = "score " if score else ""
    if tier.floor is None:
        said = f"{prefix}below {shown(tier.ceiling)}"
    elif tier.ceiling is None:
        said = f"{prefix}{shown(tier.floor)} and up"
    elif tier.floor >= tier.ceiling:
        return f"empty: both cut-offs at {prefix}{shown(tier.floor)}"
    else:
        said = f"{prefix}{shown(tier.floor)} to {shown(tier.ceiling)}"
    if tier.customers == 0:
        return f"no customers: {said}"
    return said


def _figure(tier: int, name: str, label: str, value: str, size: str) -> str:
    return (
        f'<div><div class="tb-label" style="{_LABEL}">{escape(label)}</div>'
        f'<div class="tb-value" style="{_VALUE};font-size:{size}" data-tier="{tier}" '
        f'data-figure="{name}">'
        f"{escape(value)}</div></div>"
    )


def _paired(tier: int, name: str, label: str, value: str, *, share_name: str, share: str) -> str:
    """A figure with its share beside it: "299  6.0%" (the large-type, shared-screen layout)."""
    return (
        f'<div><div class="tb-label" style="{_LABEL}">{escape(label)}</div>'
        f'<div style="display:flex;align-items:baseline;column-gap:0.6rem;flex-wrap:wrap;'
        'margin-bottom:0.55rem">'
        f'<span class="tb-value" style="{_VALUE};margin-bottom:0" data-tier="{tier}" '
        f'data-figure="{name}">'
        f"{escape(value)}</span>"
        f'<span class="tb-share" style="font-size:1.5rem;opacity:0.85" data-tier="{tier}" '
        f'data-figure="{share_name}">{escape(share)}</span></div></div>'
    )


def _card_heading(name: str, model: str, tier_count: int) -> str:
    """ "Tier 1 · High-touch" on one line; on narrow cards the service model gets its own line."""
    bold = f'<span style="font-size:1.4rem;font-weight:700">{escape(name)}</span>'
    if tier_count > SIDE_BY_SIDE_MAX_TIERS:
        return f"<div>{bold}</div><div>{escape(model)}</div>"
    return f"<div>{bold} · {escape(model)}</div>"


def _figures(tier: TierFigures, currency: str) -> tuple[tuple[str, str, str], ...]:
    """A card's figures: (name, label, value as shown)."""
    return (
        ("customers", "Customers", count(tier.customers)),
        ("customer_share", "% of customers", percent(tier.customer_share)),
        ("revenue", "Revenue", money(tier.revenue, currency)),
        ("revenue_share", "% of revenue", percent(tier.revenue_share)),
    )


def _card(
    tier: TierFigures, tier_count: int, currency: str, score: bool, paired: bool, *, size: str
) -> str:
    columns = _figure_columns(tier_count, paired)
    shown = _figures(tier, currency)
    if paired:  # customers, then revenue, each with its share beside it
        (customers, customer_share, revenue, revenue_share) = shown
        figures = "".join(
            _paired(tier.tier, name, label, value, share_name=share_name, share=share)
            for (name, label, value), (share_name, _, share) in (
                (customers, customer_share),
                (revenue, revenue_share),
            )
        )
    else:
        figures = "".join(_figure(tier.tier, *figure, size) for figure in shown)
    return (
        f'<section class="tb-card" aria-label="{escape(tier.name)}" style="{_CARD};'
        # The card is a size container so large type can shrink with it (presentation mode).
        "container-type:inline-size;"
        f'border-top-color:{tier_color(tier.tier)}">'
        f"{_card_heading(tier.name, service_model(tier.tier, tier_count), tier_count)}"
        f'<div style="opacity:0.75;margin-bottom:0.6rem" data-tier="{tier.tier}" '
        f'data-figure="bounds">{escape(tier_bounds(tier, currency, score))}</div>'
        f'<div style="display:grid;grid-template-columns:repeat({columns},minmax(0,1fr));'
        f'column-gap:0.75rem">{figures}</div></section>'
    )


def tier_cards_html(
    summary: TierSummary, currency: str = "$", score: bool = False, paired: bool = False
) -> str:
    """One card per tier, side by side: customers, % of customers, revenue, % of revenue.

    `paired` puts each share beside its figure (two rows a card): the layout for large type.
    """
    tiers = len(summary.tiers)
    columns = _figure_columns(tiers, paired)
    # One size for every card, set by the longest figure on any of them.
    texts = [value for tier in summary.tiers for _, _, value in _figures(tier, currency)]
    size = _value_size(texts, columns)
    cards = "".join(
        _card(tier, tiers, currency, score, paired, size=size) for tier in summary.tiers
    )
    narrowest = _CARD_MIN_WIDTH[columns]
    return (
        f'<div style="display:grid;grid-template-columns:repeat(auto-fit,'
        f'minmax(min({narrowest},100%),1fr));gap:0.9rem">{cards}</div>'
    )


def _figure_columns(tier_count: int, paired: bool) -> int:
    """Figures side by side in a card: two for up to three tiers, else one under the other."""
    return 1 if paired or tier_count > SIDE_BY_SIDE_MAX_TIERS else 2


def _share_row(label: str, shares: list[tuple[int, str, float, str]]) -> str:
    # Credits can make a tier's revenue negative: widths use the positive part, labels the truth.
    total = sum(max(share, 0.0) for _, _, share, _ in shares) or 1.0
    segments = []
    for tier, name, share, detail in shares:
        width = max(share, 0.0) / total * 100
        color = tier_color(tier)
        text = percent(share) if label_fits(percent(share), width / 100) else ""
        # A size container: the label hides when the segment is too narrow on this screen.
        badge = f'<span class="tb-fit-{len(text)}">{escape(text)}</span>' if text else ""
        segments.append(
            f'<div title="{escape(f"{name}: {detail} ({percent(share)})")}" '
            f'style="{_SEGMENT};width:{width:.3f}%;background:{color};color:{text_color(color)};'
            f'container-type:inline-size">{badge}</div>'
        )
    return (
        f'<div style="{_ROW}"><div style="{_ROW_LABEL}">{escape(label)}</div>'
        f'<div style="{_TRACK}">{"".join(segments)}</div></div>'
    )


# A label of n characters needs about 0.62 em each plus a little air: below that width its
# segment (a size container, whose own font size the em refers to) hides it rather than clip
# "15%" to "5%". The share of the bar (label_fits) decides on the server; this, on the screen.
_LABEL_FIT_CSS = "<style>{}</style>".format(
    "".join(
        f"@container (max-width:{0.62 * n + 0.4:.2f}em){{.tb-fit-{n}{{visibility:hidden}}}}"
        for n in range(1, 8)
    )
)


def label_fits(text: str, share_of_bar: float) -> bool:
    """Whether `text` fits inside a bar segment `share_of_bar` (0-1) of the bar wide."""
    return share_of_bar >= len(text) * SHARE_PER_LABEL_CHARACTER


def _legend(tiers: Sequence[TierFigures]) -> str:
    items = "".join(
        f'<span style="margin-right:1.2rem;white-space:nowrap"><span style="display:inline-block;'
        f"width:0.9rem;height:0.9rem;border-radius:0.15rem;background:{tier_color(t.tier)};"
        f'vertical-align:-0.1rem;margin-right:0.35rem"></span>{escape(t.name)}</span>'
        for t in tiers
    )
    return f'<div style="margin-top:0.5rem;font-size:0.95rem">{items}</div>'


def chart_title_html(title: str, figure: str) -> str:
    """A chart's finding as a heading that wraps, for a chart drawn by Plotly."""
    return (
        f'<div class="tb-chart-title" style="{_TITLE}" data-figure="{figure}">{escape(title)}</div>'
    )


def revenue_share_title(summary: TierSummary) -> str:
    top = summary.tiers[0]
    return (
        f"{top.name}: {percent(top.customer_share)} of customers bring "
        f"{percent(top.revenue_share)} of revenue"
    )


def revenue_share_html(summary: TierSummary, currency: str = "$") -> str:
    """Two 100% stacked bars — share of customers, share of revenue — one colour per tier."""
    customers = [
        (t.tier, t.name, t.customer_share, f"{count(t.customers)} customers") for t in summary.tiers
    ]
    revenue = [
        (t.tier, t.name, t.revenue_share, f"{money(t.revenue, currency)} revenue")
        for t in summary.tiers
    ]
    title = revenue_share_title(summary)
    return (
        f'<div class="tb-chart" role="img" aria-label="{escape(title)}" style="{_BOX}">'
        f'<div class="tb-chart-title" style="{_TITLE}">{escape(title)}</div>'
        f"{_LABEL_FIT_CSS}{_share_row('Customers', customers)}{_share_row('Revenue', revenue)}"
        f"{_legend(summary.tiers)}</div>"
    )


def _sliced(loads: Sequence[TierCapacity]) -> bool:
    return any(load.is_slice_share for load in loads)


def load_title(loads: Sequence[TierCapacity]) -> str:
    over = [load for load in loads if load.is_over_capacity]
    hours = "its share of the team's hours" if _sliced(loads) else "its team's hours"
    if not over:
        return f"Every tier fits {hours}"
    worst = max(over, key=lambda load: load.utilisation)
    if worst.hours_available <= 0:
        return f"{worst.name} needs {count(worst.hours_needed)} h a year and has no CSMs"
    return f"{worst.name} is over capacity: {worst.utilisation:.0%} of {hours}"


def load_label(load: TierCapacity) -> str:
    """The load of a tier where a heading already says "load": "91%", "no team"."""
    if load.hours_available <= 0:
        return "no team" if load.hours_needed > 0 else "no work, no team"
    return f"{load.utilisation:.0%}"


def load_words(load: TierCapacity) -> str:
    """The load of a tier standing alone: "91% load", "no team"."""
    if load.hours_available <= 0:
        return load_label(load)
    return f"{load_label(load)} load"


# Over capacity is never colour alone (vermillion is close to Tier 2's orange for many
# colour-blind viewers): the bar is striped, and the words say "over capacity" with a sign.
ALERT_SIGN = "⚠"
_OVER_STRIPES = (
    f"repeating-linear-gradient(135deg,{OVER_CAPACITY_COLOR} 0 0.45rem,"
    "rgba(0,0,0,0.55) 0.45rem 0.7rem)"
)
OVER_CAPACITY_KEY = f"striped vermillion and {ALERT_SIGN} mark a tier over capacity"
OVER_CAPACITY_TABLE_KEY = f"{ALERT_SIGN} and vermillion mark a tier over capacity"


def hours_words(load: TierCapacity) -> str:
    """ "2,600 h needed of 8,800 h"; under a slice, whose hours those are."""
    if load.hours_available <= 0:
        return f"{count(load.hours_needed)} h needed, no CSMs"
    said = f"{count(load.hours_needed)} h needed of {count(load.hours_available)} h"
    if load.is_slice_share:
        said += (
            f" (this slice's {percent(load.team_share)} of the team's {count(load.team_hours)} h)"
        )
    return said


SLICE_CAPACITY_NOTE = (
    "Under a slice, each tier's hours available are the slice's share of its team: the team's "
    "hours × the tier's accounts in the slice ÷ the tier's accounts in the whole base."
)


def _load_row(tier: int, load: TierCapacity, scale: float, compact: bool) -> str:
    over = load.is_over_capacity
    fill = _OVER_STRIPES if over else tier_color(tier)
    filled = min(load.utilisation, scale) / scale * 100
    hours = hours_words(load)
    # A sliver of work is "<0.1", never "0.0 CSMs needed" next to "1 to staff it".
    needed = "<0.1" if 0 < load.csms_needed < 0.05 else f"{load.csms_needed:,.1f}"
    staff = f"{needed} CSMs needed ({load.csms_to_hire:,} to staff it)"
    sign = f'<span aria-hidden="true">{ALERT_SIGN} </span>' if over else ""
    return (
        f'<div style="{_ROW}{";margin:0.2rem 0" if compact else ""}" '
        f'title="{escape(f"{load.name}: {hours}; {staff}")}">'
        f'<div style="flex:0 0 4.5rem;opacity:0.8">{escape(load.name)}</div>'
        f'<div style="{_TRACK};position:relative;height:2.3rem;min-width:6rem">'
        f'<div style="width:{filled:.3f}%;background:{fill}"></div>'
        f'<div style="position:absolute;left:{100 / scale:.3f}%;top:0;bottom:0;'
        f'border-left:3px solid {MUTED_COLOR}"></div></div>'
        f'<div style="flex:0 1 15rem;min-width:9rem">'
        f'<span style="font-size:1.35rem;line-height:1.25;font-weight:700;'
        f'color:{OVER_CAPACITY_COLOR if over else "inherit"}">{sign}<span data-tier="{tier}" '
        f'data-figure="load" data-over="{str(over).lower()}">{escape(load_words(load))}</span>'
        f"{', over capacity' if over and load.hours_available > 0 else ''}</span>"
        f'<div class="tb-detail" style="font-size:0.85rem;opacity:0.8">'
        f"{'' if compact else escape(hours) + '<br>'}"
        f'<span data-tier="{tier}" data-figure="csms_needed">{escape(staff)}</span></div></div>'
        "</div>"
    )


def load_html(loads: Sequence[TierCapacity], compact: bool = False) -> str:
    """Per tier: hours needed as a share of the team's hours (a grey line at 100%), CSMs needed.

    `compact` leaves the hours and the key to the hover (for a screen with no room to spare);
    under a slice it still says, in one line, whose hours the bars compare with.
    """
    finite = [load.utilisation for load in loads if math.isfinite(load.utilisation)]
    # Room for the worst tier up to 3x capacity; beyond that the bar is full and the label says.
    scale = min(max([1.0, *finite]) * 1.05, 3.0)
    title = load_title(loads)
    rows = "".join(_load_row(i + 1, load, scale, compact) for i, load in enumerate(loads))
    sliced = _sliced(loads)
    line = "each tier's share of its team's hours" if sliced else "each team's hours"
    key = f"The grey line marks {line} (100%); {OVER_CAPACITY_KEY}."
    if sliced:
        key += " " + SLICE_CAPACITY_NOTE
    note_style = "font-size:0.85rem;opacity:0.75;margin-top:0.3rem"
    if not compact:
        shown_key = f'<div class="tb-detail" style="{note_style}">{escape(key)}</div>'
    elif sliced:
        shown_key = (
            f'<div style="{note_style}">Slice: hours are each team\'s share '
            "for these accounts (pro rata to its tier's accounts).</div>"
        )
    else:
        shown_key = ""
    return (
        f'<div class="tb-chart" role="img" aria-label="{escape(title)}" title="{escape(key)}" '
        f'style="{_BOX}">'
        f'<div class="tb-chart-title" style="{_TITLE}" data-figure="load_title">{escape(title)}'
        f"</div>{rows}{shown_key}</div>"
    )


# --- tables --------------------------------------------------------------------------------------

_TABLE = "border-collapse:collapse;width:100%;font-size:1rem;font-variant-numeric:tabular-nums"
_CELL = (
    "padding:0.4rem 0.6rem;border-bottom:1px solid rgba(128,128,128,0.25);text-align:right;"
    "white-space:nowrap"
)
# Headings may wrap ("Hours / available"): a wide table then still fits a laptop screen.
_HEAD = f"{_CELL};font-weight:600;opacity:0.8;white-space:normal;vertical-align:bottom"


def table_html(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    first_left: bool = True,
    left: Sequence[int] = (),
) -> str:
    """A table; numbers right-aligned, the first column (`first_left`) and the columns at
    `left` (text: names, tiers) left-aligned."""

    def cell(text: str, i: int, tag: str, style: str) -> str:
        align = ";text-align:left" if (i == 0 and first_left) or i in left else ""
        return f'<{tag} style="{style}{align}">{text}</{tag}>'

    head = "".join(cell(escape(h), i, "th", _HEAD) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell(value, i, "td", _CELL) for i, value in enumerate(row)) + "</tr>"
        for row in rows
    )
    # A wide table scrolls sideways inside its box rather than running off the page.
    return (
        f'<div style="overflow-x:auto"><table style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _flag(text: str, over: bool) -> str:
    """A cell in the alert colour with the alert sign when `over` (never colour alone)."""
    if not over:
        return f"<span>{escape(text)}</span>"
    return (
        f'<span style="color:{OVER_CAPACITY_COLOR};font-weight:700">'
        f'<span aria-hidden="true">{ALERT_SIGN} </span>{escape(text)}</span>'
    )


def _tier_cell(tier: TierCapacity) -> str:
    return (
        f'<span style="border-left:0.35rem solid {tier_color(tier.tier)};'
        f'padding-left:0.4rem;font-weight:700">{escape(tier.name)}</span>'
    )


def _staffing_row(tier: TierCapacity) -> list[str]:
    per_csm = tier.accounts_per_csm
    return [
        _tier_cell(tier),
        escape(count(tier.accounts)),
        escape(quantity(tier.hours_per_account)),
        escape(count(tier.hours_needed)),
        f'<span data-tier="{tier.tier}" data-figure="hours_available">'
        f"{escape(count(tier.hours_available))}</span>",
        _flag(load_label(tier) + (" over" if tier.is_over_capacity else ""), tier.is_over_capacity),
        escape(f"{tier.csms_needed:,.1f} ({tier.csms_to_hire:,})"),
        escape("—" if per_csm is None else count(per_csm)),
    ]


def _money_row(tier: TierCapacity, losing: int, currency: str) -> list[str]:
    margin = "—" if tier.margin_share is None else percent(tier.margin_share)
    return [
        _tier_cell(tier),
        escape(money(tier.csm_cost, currency)),
        escape(money(tier.other_cost, currency)),
        escape(money(tier.revenue, currency)),
        _flag(f"{money(tier.margin, currency)} ({margin})", tier.margin < 0),
        f'<span data-tier="{tier.tier}" data-figure="unprofitable">{escape(count(losing))}</span>',
    ]


def capacity_table_html(
    capacities: Sequence[TierCapacity], unprofitable: Sequence[int], currency: str = "$"
) -> str:
    """Per tier: load against the team and staffing, then cost to serve and margin; over capacity
    in vermillion with the alert sign. Under a slice, hours available are the slice's share.

    Two tables, not one: thirteen columns do not fit a 1280 px screen at a size a room can read
    (the last ones, margin among them, scrolled out of sight)."""
    available = "Hours available (slice's share)" if _sliced(capacities) else "Hours available"
    load_headers = (
        "Tier", "Accounts", "h / account", "Hours needed", available, "Load",
        "CSMs needed", "Accounts / CSM",
    )  # fmt: skip
    money_headers = ("Tier", "CSM cost", "Other cost", "Revenue", "Margin", "Unprofitable")
    pairs = list(zip(capacities, unprofitable, strict=True))
    return (
        _table_title("Load and staffing")
        + table_html(load_headers, [_staffing_row(tier) for tier, _ in pairs])
        + _table_title("Cost and margin")
        + table_html(money_headers, [_money_row(t, losing, currency) for t, losing in pairs])
    )


def _table_title(text: str) -> str:
    return f'<p style="font-weight:600;margin:1rem 0 0.25rem 0">{escape(text)}</p>'


def books_table_html(books: Sequence[Book], tier_count: int, currency: str = "$") -> str:
    """Each CSM's book under the current cut-offs, the most loaded first; overloaded in
    vermillion with the alert sign. A pool's load is over its headcount's hours; unassigned
    accounts are said to be unassigned, in neutral type (not an alert)."""
    headers = ("CSM", *(f"Tier {t} accounts" for t in range(1, tier_count + 1)),
               "Revenue", "Hours needed", "Hours available", "Load")  # fmt: skip
    rows = []
    for book in books:
        if book.is_unassigned:
            owner, available, load = "Unassigned accounts", "—", "<span>no CSM assigned</span>"
        else:
            owner = f"{book.owner} (pool of {quantity(book.csms)})" if book.is_pool else book.owner
            available = count(book.hours_available)
            shown = f"{book.utilisation:.0%}" + (" over" if book.is_overloaded else "")
            load = _flag(shown, book.is_overloaded)
        rows.append(
            [
                escape(owner),
                *(escape(count(n)) for n in book.accounts),
                escape(money(book.revenue, currency)),
                escape(count(book.hours_needed)),
                escape(available),
                f'<span data-figure="book_load">{load}</span>',
            ]
        )
    return table_html(headers, rows)


def score_breakdown_html(summary: TierSummary, index: TierIndex, names: dict[str, str]) -> str:
    """Per tier, the average score and the points each component adds to it (tiering by score)."""
    components = [c for c in names if f"score:{c}" in index.measures]
    bounds = [index.customers, *(int(p) for p in index.positions(summary.cuts)), 0]
    rows = []
    for t, tier in enumerate(summary.tiers):
        low, high = bounds[t + 1], bounds[t]
        n = max(high - low, 1)
        points = [index.measure_between(f"score:{c}", low, high) / n for c in components]
        rows.append(
            [
                escape(tier.name),
                f'<span data-tier="{tier.tier}" data-figure="score">{sum(points):.1f}</span>',
                *(f"{p:.1f}" for p in points),
            ]
        )
    headers = ["Tier", "Average score", *(f"{names[c]} (points)" for c in components)]
    return table_html(headers, rows)


def migration_html(migration: Migration, currency: str = "$") -> str:
    """From -> to matrix of accounts and revenue; the darker the cell, the more accounts move."""
    sources, targets = migration.sources(), migration.targets()
    largest = max((f.customers for f in migration.flows if f.moved), default=1)
    rows = []
    for source in sources:
        cells = [f"<b>{escape(source)}</b>"]
        for target in targets:
            flow = migration.cell(source, target)
            if flow is None:
                cells.append('<span style="opacity:0.35">—</span>')
                continue
            shade = 0.08 + 0.5 * flow.customers / largest if flow.moved else 0.0
            colour = {"up": "0,158,115", "down": "213,94,0"}.get(flow.direction, "128,128,128")
            style = (
                f"display:block;background:rgba({colour},{shade:.2f});border-radius:0.25rem;"
                "padding:0.2rem 0.4rem"
            )
            cells.append(
                f'<span title="{escape(f"{flow.source} → {flow.target}")}" style="{style}"'
                f' data-from="{escape(flow.source)}" data-to="{escape(flow.target)}">'
                f"{escape(count(flow.customers))}<br><small>{escape(money(flow.revenue, currency))}"
                "</small></span>"
            )
        rows.append(cells)
    headers = ["From \\ to", *targets]
    return table_html(headers, rows)


def quarters_html(stability: Stability, cap: float, currency: str = "$") -> str:
    """One row per quarter: accounts and revenue changing tier, their shares, the new and the
    churned; a share of accounts over the churn cap flagged (the sign, not colour alone)."""
    rows = []
    for transition in stability.transitions:
        new, churned = new_and_churned(transition)
        share = transition.changed_share
        flagged = _flag(churn_percent(share), share > cap)
        rows.append(
            [
                escape(f"{transition.from_period} → {transition.to_period}"),
                escape(count(transition.changed_customers)),
                f'<span data-figure="quarter_share">{flagged}</span>',
                escape(money(transition.changed_revenue_cents / 100, currency)),
                escape(churn_percent(changed_revenue_share(transition))),
                escape(count(new)),
                escape(count(churned)),
            ]
        )
    headers = [
        "Quarter",
        "Accounts changing tier",
        "Share of accounts",
        "Revenue changing tier",
        "Share of revenue",
        "New",
        "Churned",
    ]
    return table_html(headers, rows)


def busiest_months_html(rows: Sequence[Mapping[str, Any]]) -> str:
    """Per team (`MonthlyYear.busiest`'s rows): its busiest month, the hours it needs and has
    then, its load (flagged over capacity; none without hours) and its months over capacity."""
    body = []
    for row in rows:
        load = row["load"]
        shown = _flag("no hours" if load is None else f"{load:.0%}", load is not None and load > 1)
        body.append(
            [
                escape(str(row["team"])),
                escape(str(row["busiest_month"])),
                escape(hours(round(row["hours_needed"]))),
                escape(hours(round(row["hours_available"]))),
                f'<span data-figure="busiest_load">{shown}</span>',
                escape(count(row["months_over"])),
            ]
        )
    headers = ["Team", "Busiest month", "Needs", "Has", "Load", "Months over capacity"]
    return table_html(headers, body)


def rows_html(
    frame: pd.DataFrame,
    currency: str = "$",
    money_columns: Sequence[str] = (),
    share_columns: Sequence[str] = (),
    distance_columns: Sequence[str] = (),
) -> str:
    """A short list of `frame`'s rows as a table a room can read: headings as people read them
    (lib.canonical.label), money to the cent in the data's currency, shares as percentages,
    distances from a cut-off with their side ("0.12% below"), other numbers with separators (a
    score to two places), blanks blank; every value is text, escaped."""

    # Money to the cent: near a line, $54,999.50 is not $55,000.
    formats: dict[str, Callable[[float], str]] = {
        **dict.fromkeys(money_columns, lambda amount: money_cents(amount, currency)),
        **dict.fromkeys(share_columns, percent),
        **dict.fromkeys(distance_columns, distance_text),
    }

    def shown(name: str, value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if name in formats:
            return formats[name](float(cast(float, value)))
        if isinstance(value, int | np.integer):
            return count(int(value))
        if isinstance(value, float | np.floating):
            return quantity(float(value))  # a score: 81.25
        return str(value)

    columns = list(frame.columns)
    rows = [
        [escape(shown(name, value)) for name, value in zip(columns, row, strict=True)]
        for row in frame.itertuples(index=False, name=None)
    ]
    text = [i for i, name in enumerate(columns) if not pd.api.types.is_numeric_dtype(frame[name])]
    return table_html([label(name) for name in columns], rows, left=text)


def score_parts_html(parts: dict[str, float], total: float) -> str:
    """One customer's score, component by component (points add up to the score)."""
    rows = [[escape(name), f"{points:.1f}"] for name, points in parts.items()]
    rows.append(["<b>Score</b>", f"<b>{total:.1f}</b>"])
    return table_html(["Component", "Points"], rows)


def _load_text(book: CsmBook, after: bool, words: bool = True) -> str:
    value = book.utilisation(after)
    if math.isinf(value):
        return "no hours in the roster" if words else "no hours"
    return f"{value:.0%}" + (" over" if words and book.is_over(after) else "")


def _load_cell(book: CsmBook, after: bool) -> str:
    if book.is_unassigned:
        return "<span>no CSM assigned</span>"
    shown = _flag(_load_text(book, after), book.is_over(after))
    return f'<span data-figure="book_load">{shown}</span>'


def _load_change(book: CsmBook) -> str:
    """ "⚠ 113% → 91%": today's load, then the proposal's, each flagged when over (the sign and
    the heading's "over capacity" key say it without the word: the column stays narrow)."""
    if book.is_unassigned:
        return "<span>no CSM assigned</span>"
    today = _flag(_load_text(book, False, words=False), book.is_over())
    proposed = _flag(_load_text(book, True, words=False), book.is_over(after=True))
    # Two lines in one cell (today, then the proposal): the table stays within a laptop screen.
    then = f'<span style="{_NEXT_LINE}">→ {proposed}</span>'
    return f'<span data-figure="book_load">{today} {then}</span>'


_NEXT_LINE = "display:block;white-space:nowrap"


def _book_cells(book: CsmBook, figures: BookFigures, after: bool, currency: str) -> list[str]:
    return [
        escape(" / ".join(count(n) for n in figures.accounts)),
        escape(money(figures.revenue, currency)),
        escape(count(figures.hours)),
    ]


def csm_books_html(
    books: Sequence[CsmBook], tier_count: int, currency: str = "$", after: bool = False
) -> str:
    """Every CSM of the roster as a row: the tiers they serve, their hours, and their book
    (accounts per tier, revenue, hours needed, load): today's, or after a proposal the
    proposal's, with the accounts and load going from today's to the proposal's. Over capacity
    in vermillion with the alert sign; a pool is one row with its headcount; unassigned
    accounts are said to be unassigned, in neutral type (not an alert)."""
    split = " / ".join(f"T{t}" for t in range(1, tier_count + 1))
    headers = ["CSM", "Serves", "Hours available"]
    if after:  # eight columns: the table fits a 1280-pixel screen
        headers += ["Accounts: today → proposed", f"Proposed: accounts ({split})"]
        headers += ["Proposed: revenue", "Proposed: hours needed", "Load: today → proposed"]
    else:
        headers += [f"Accounts ({split})", "Revenue", "Hours needed", "Load"]
    rows = []
    for book in books:
        if book.is_unassigned:
            name, serves, available = "Unassigned accounts", "—", "—"
        else:
            name = escape(book_label(book))
            if not book.in_roster:
                name += " <small>(not in the roster)</small>"
            name = f'<span style="white-space:normal">{name}</span>'  # a long name wraps
            # "T1, T2" like the accounts' headings: the table fits a 1280-pixel screen.
            serves = escape(", ".join(f"T{t}" for t in book.tiers) or "—")
            available = escape(count(book.capacity_hours))
        row = [name, serves, available]
        if after:
            proposed = book.after or book.before
            moved = (
                f"{escape(count(sum(book.before.accounts)))} "
                f'<span style="{_NEXT_LINE}">→ {escape(count(sum(proposed.accounts)))}</span>'
            )
            row += [moved, *_book_cells(book, proposed, True, currency)]
            row.append(_load_change(book))
        else:
            row += [*_book_cells(book, book.before, False, currency), _load_cell(book, False)]
        rows.append(row)
    return table_html(headers, rows)
