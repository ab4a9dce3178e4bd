"""The Plan page: where the lines should go, what the team can carry, what each tier costs."""

import streamlit as st

from lib import books, tiering, views
from ui import entry, natural, plan, session, state, widgets

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

st.subheader("Teams")
current = widgets.team_inputs(tier_count, detailed=True)

st.subheader("Service matrix")
st.caption("Hours per account per year each service takes in each tier; 0 = not offered.")
plan.matrix_editor(current)
plan.plan_file(dataset)

if "csm_owner" in dataset.dimensions:
    st.subheader("Books of business")
    hours = plan.books_inputs()
    owners = list(dataset.dimensions["csm_owner"].labels)
    first = books.books(index, summary.cuts, current, owners, hours)
    sizes = plan.pool_inputs({book.owner: book.csms for book in first if book.is_pool})
    book_list = books.books(index, summary.cuts, current, owners, hours, pool_csms=sizes)
    overloaded = sum(book.is_overloaded for book in book_list)
    st.caption(  # markdown-safe: counts
        f"{len(book_list)} books under the current cut-offs; {overloaded} need more hours than "
        "their CSMs have (most loaded first). A pooled team's load is over its headcount's hours."
    )
    st.html(views.books_table_html(book_list, tier_count, dataset.currency))
