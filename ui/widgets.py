"""Streamlit inputs that feed lib: the team behind each tier."""

from __future__ import annotations

import streamlit as st

from lib.capacity import TeamPlan
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
