"""Who moves: the migration between tiers, and why any one account sits where it does."""

import streamlit as st

from ui import changes, entry, rules_compare, scenarios, session, state, widgets

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)

st.title("Who moves")
st.caption(
    "Which accounts change tier under the cut-offs on screen, how much revenue moves with them, "
    "and why any one account lands where it does."
)
widgets.scope_notice(dataset, index)
widgets.stop_if_nobody(dataset, index)

st.subheader("Migration")
record = next(iter(scenarios.adoptions()), None)  # the tier of record: the latest adoption
has_current = dataset.current_tiers is not None
baseline, against = changes.baseline_choice(scenarios.saved(), has_current, record)
changes.migration(dataset, baseline, against)

st.subheader("Explain a placement")
changes.placement(dataset, index)

st.subheader("Near a line")
changes.near_misses(dataset, index)

rules_compare.section(state.plan(len(state.cuts()) + 1))
