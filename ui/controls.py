"""The sidebar controls every page shares: the data in use, the number of tiers, the cut-offs."""

from __future__ import annotations

import math

import streamlit as st

from lib.formatting import count, cut_label, money, plural
from lib.scales import cut_stops, nearest
from lib.store import CustomerStore
from lib.tiering import MAX_TIERS, MIN_TIERS, push_cuts, tier_name
from ui import state


def _on_tier_count(store: CustomerStore) -> None:
    state.reset_for(store, st.session_state[state.TIERS])


def _on_slider(cut: int) -> None:
    state.set_cuts(push_cuts(state.cuts(), cut, st.session_state[state.slider_key(cut)]))


def _on_exact(cut: int) -> None:
    typed = st.session_state[state.exact_key(cut)]
    if typed is None:  # the box was cleared: keep the cut-off where it was
        state.set_cuts(state.cuts())
        return
    # Whole currency units: a cut-off to the cent means nothing to anyone in the meeting.
    state.set_cuts(push_cuts(state.cuts(), cut, float(round(typed))))


def _on_reset(store: CustomerStore) -> None:
    state.reset_for(store, st.session_state[state.TIERS])


def _step(value: float) -> float:
    """A +/- step for the exact box: about a hundredth of the figure, a round number."""
    magnitude = abs(value)
    return float(10 ** max(0, math.floor(math.log10(magnitude)) - 2)) if magnitude >= 1 else 1.0


def data_summary(store: CustomerStore) -> None:
    rejected = store.report.rejected_rows
    st.sidebar.caption(
        f"**Data:** {store.source} · {count(store.index.customers)} customers · "
        f"{money(store.index.total_revenue)} annual revenue"
        + (f" · {plural(rejected, 'row')} rejected (see Upload)" if rejected else "")
    )


def cut_controls(store: CustomerStore) -> None:
    """Number of tiers and one log-scale slider per cut-off, plus exact boxes; updates state."""
    sidebar = st.sidebar
    sidebar.radio(
        "Number of tiers",
        options=list(range(MIN_TIERS, MAX_TIERS + 1)),
        key=state.TIERS,
        horizontal=True,
        on_change=_on_tier_count,
        args=(store,),
        help="Changing it starts again from suggested cut-offs for that many tiers.",
    )
    cuts = state.cuts()
    stops = cut_stops(store.index.min_positive_value, store.index.max_value, cuts, cut_label)
    for i in range(len(cuts)):
        key = state.slider_key(i)
        if st.session_state.get(key) not in stops:
            st.session_state[key] = nearest(stops, cuts[i])
        sidebar.select_slider(
            f"{tier_name(i + 1)} starts at",
            options=stops,
            key=key,
            format_func=cut_label,
            on_change=_on_slider,
            args=(i,),
            help=(
                f"Customers with annual revenue at or above this figure are in {tier_name(i + 1)}"
                f"{' (unless they reach a higher tier)' if i else ''}. The scale is logarithmic: "
                "each step moves the cut-off by a similar percentage. Arrow keys move one step."
            ),
        )
    with sidebar.expander("Type exact cut-offs"):
        for i, cut in enumerate(cuts):
            st.number_input(
                f"{tier_name(i + 1)} cut-off",
                key=state.exact_key(i),
                step=_step(cut),
                format="%.0f",
                on_change=_on_exact,
                args=(i,),
                help="An exact annual revenue figure. Moving it past another cut-off moves that "
                "one too.",
            )
    sidebar.button(
        "Reset to suggested cut-offs",
        on_click=_on_reset,
        args=(store,),
        help="Cut-offs that give about 40% of revenue to Tier 1 and 30% to Tier 2 (for 3 tiers).",
        width="stretch",
    )
