"""Streamlit inputs that feed lib: the team behind each tier."""

from __future__ import annotations

import streamlit as st

from lib.capacity import TeamPlan
from lib.criteria import COMPONENTS, Criteria, Score
from lib.formatting import count, money, percent
from lib.store import CustomerStore
from lib.tiering import TierIndex
from ui import state


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


def scope_notice(store: CustomerStore, index: TierIndex) -> None:
    """Say plainly what the figures cover: a slice (never mistaken for everyone) and the key."""
    part = state.current_slice(store)
    if not part.is_everything:
        share = index.customers / store.index.customers if store.index.customers else 0.0
        st.info(
            f"**Slice: {part.describe()}** — {count(index.customers)} of "
            f"{count(store.index.customers)} customers ({percent(share)}), "
            f"{money(index.total_revenue)} of {money(store.index.total_revenue)} revenue. "
            "Every figure on this page covers this slice only.",
            icon=":material/filter_alt:",
        )
    if index.key == "score":
        criteria = state.criteria()
        scored = store.score(criteria)
        used = ", ".join(
            f"{COMPONENTS[c]} {w / sum(scored_weights(criteria, scored).values()):.0%}"
            for c, w in scored_weights(criteria, scored).items()
        )
        neutral = [
            f"{COMPONENTS[c]} missing for {count(n)}" for c, n in scored.neutral_counts.items() if n
        ]
        st.caption(
            f"Tiered by weighted score (0-100, percentiles): {used}."
            + (f" Scored neutral (50) where {'; '.join(neutral)}." if neutral else "")
        )


def scored_weights(criteria: Criteria, scored: Score) -> dict[str, float]:
    """The weights actually used (components with data and a weight above zero)."""
    return {c: w for c, w in criteria.weight_map().items() if c in scored.contributions}
