"""Rendering of lib results: tier cards, team inputs, load figures. Numbers in, elements out."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lib.capacity import TeamPlan, TierLoad
from lib.charts import tier_color
from lib.formatting import count, money, percent
from lib.tiering import TierFigures, TierSummary, service_model
from ui import state


def _tier_heading(tier: TierFigures, tier_count: int) -> None:
    # Our own strings only (tier names, money figures): no uploaded text reaches this HTML.
    if tier.floor is None:
        bounds = f"below {money(tier.ceiling or 0.0)}"
    elif tier.ceiling is None:
        bounds = f"{money(tier.floor)} and up"
    else:
        bounds = f"{money(tier.floor)} to {money(tier.ceiling)}"
    st.markdown(
        f'<div class="tb-tier-heading" style="border-left: 0.45rem solid {tier_color(tier.tier)};'
        f' padding-left: 0.6rem"><span style="font-size: 1.35rem; font-weight: 700">'
        f"{tier.name}</span> · {service_model(tier.tier, tier_count)}"
        f'<br><span style="opacity: 0.75">{bounds}</span></div>',
        unsafe_allow_html=True,
    )


# Above this many tiers a card is too narrow for two metrics side by side ("$2…"): stack them.
SIDE_BY_SIDE_MAX_TIERS = 3


def tier_cards(summary: TierSummary) -> None:
    """One bordered card per tier: customers, revenue and their shares as large metrics."""
    tier_count = len(summary.tiers)
    for column, tier in zip(st.columns(tier_count), summary.tiers, strict=True):
        with column.container(border=True, key=f"tb_tier_card_{tier.tier}"):
            _tier_heading(tier, tier_count)
            if tier_count <= SIDE_BY_SIDE_MAX_TIERS:
                left, right = st.columns(2)
            else:
                left = right = st.container()
            left.metric(f"{tier.name} customers", count(tier.customers))
            right.metric(f"{tier.name} % of customers", percent(tier.customer_share))
            left.metric(f"{tier.name} revenue", money(tier.revenue))
            right.metric(f"{tier.name} % of revenue", percent(tier.revenue_share))


def team_inputs(tier_count: int) -> TeamPlan:
    """Hours per account and CSM headcount per tier, plus hours per CSM; returns the plan."""
    columns = st.columns(tier_count + 1)
    for t, column in enumerate(columns[:tier_count]):
        name = f"Tier {t + 1}"
        column.number_input(
            f"{name} hours per account",
            key=state.hours_key(t),
            min_value=0.0,
            step=1.0,
            format="%.1f",
            persist_state="session",
            help=f"CSM hours a {name} account takes in a year (onboarding, check-ins, QBRs...).",
        )
        column.number_input(
            f"{name} CSMs",
            key=state.csms_key(t),
            min_value=0.0,
            step=1.0,
            format="%.1f",
            persist_state="session",
            help=f"Headcount serving {name}; fractions for CSMs shared with other tiers.",
        )
    columns[-1].number_input(
        "Hours per CSM per year",
        key=state.HOURS_PER_CSM,
        min_value=1.0,
        step=50.0,
        format="%.0f",
        persist_state="session",
        help="Customer-facing hours one CSM has in a year: ~1,650 working hours, a third of "
        "which usually goes to admin and internal work.",
    )
    return state.team_plan(tier_count)


def load_metrics(loads: Sequence[TierLoad]) -> None:
    """Per tier: load % (red above 100%) and CSMs needed against the team."""
    for column, load in zip(st.columns(len(loads)), loads, strict=True):
        if load.hours_available > 0:
            column.metric(
                f"{load.name} load",
                f"{load.utilisation:.0%}",
                delta=f"{load.utilisation - 1:+.0%} vs capacity",
                delta_color="inverse",  # above capacity is bad: red
                help=f"{count(load.hours_needed)} h needed of {count(load.hours_available)} h.",
            )
        else:
            column.metric(
                f"{load.name} load",
                "no team" if load.hours_needed else "—",
                delta="no CSMs assigned" if load.hours_needed else None,
                delta_color="inverse",
                delta_arrow="off",
            )
        column.metric(
            f"{load.name} CSMs needed",
            f"{load.csms_needed:,.1f}",
            delta=f"{load.csms_to_hire:,} to staff it",
            delta_color="off",
            delta_arrow="off",
            help="Hours needed divided by hours per CSM; the second figure rounds up.",
        )
