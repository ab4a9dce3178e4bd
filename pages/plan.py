"""The Plan page: where the lines should go, what the team can carry, what each tier costs."""

import streamlit as st

from lib import books, tiering, views
from ui import entry, natural, plan, rules_compare, session, state, widgets

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)
summary = tiering.summarize(index, state.cuts())
tier_count = len(summary.tiers)

st.title("Plan")
st.caption(
    "Suggest cut-offs from revenue targets or from what your team can carry; set the service "
    "model — who gets which service, how many hours it takes — and see load, cost and margin."
)
widgets.scope_notice(dataset, index)
widgets.stop_if_nobody(dataset, index)
current = state.plan(tier_count)

st.subheader("Suggested cut-offs")
plan.suggestions(index, current, plan.whole_index(dataset, index))
natural.suggestion(index, tier_count, dataset.currency)

st.subheader("Capacity, cost and margin")
capacities = plan.capacities(dataset, index, summary, current)
has_cost = "cost_to_serve" in index.measures
losing = books.unprofitable_counts(index, summary.cuts, current)
st.html(views.capacity_table_html(capacities, losing, dataset.currency))
st.caption(  # markdown-safe: constant wording and counts
    "Load: hours needed (accounts × hours per account) over the team's hours"
    + (f". {views.SLICE_CAPACITY_NOTE}" if any(c.is_slice_share for c in capacities) else "")
    + f"; {views.OVER_CAPACITY_TABLE_KEY}. Cost: CSM hours × cost per hour"
    + (", plus the data's cost to serve." if has_cost else " (no cost_to_serve column).")
    + " Unprofitable: accounts whose revenue does not cover their cost to serve and CSM time."
)
plan.unprofitable_list(dataset, index, current, losing)
rules_compare.section(current)

st.subheader("Teams")
current = widgets.team_inputs(tier_count, detailed=True)

st.subheader("Service matrix")
st.caption("Hours per account per year each service takes in each tier; 0 = not offered.")
plan.matrix_editor(current)
plan.plan_file(dataset)

st.page_link(
    "pages/books.py",
    label="Books of business: who serves which account, and a proposed assignment",
    icon=":material/groups:",
)
