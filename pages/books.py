"""The Books page: every CSM's book of business today and under a proposed assignment."""

import streamlit as st

from ui import books, entry, rules_compare, session, state, widgets

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)
tier_count = len(state.cuts()) + 1

st.title("Books")
st.caption(
    "Who serves which account: every CSM's book under the cut-offs on screen, today and under a "
    "proposed assignment that fits every CSM's hours with the fewest handovers."
)
widgets.scope_notice(dataset, index)
widgets.stop_if_nobody(dataset, index)
if "csm_owner" not in dataset.dimensions:
    st.info(
        "This data has no csm_owner column: every account is unassigned today. Type a roster "
        "below and propose an assignment.",
        icon=":material/info:",
    )
plan = state.plan(tier_count)
roster = books.current_roster(dataset, index, plan)

st.subheader("Proposal")
books.roster_note(roster, plan)
rules = books.rule_inputs(dataset)
made = books.proposal_in_use(dataset, index, plan, roster, rules)
if made is not None:
    books.say_proposal(made, dataset.currency)

st.subheader("Books today" if made is None else "Books today and proposed")
book_list = books.books_view(dataset, index, plan, roster, made)
books.show_books(book_list, tier_count, dataset.currency, after=made is not None)

if made is not None:
    st.subheader("Who changes hands, and why")
    books.movers(made, dataset.currency)

rules_compare.section(plan)

st.subheader("Roster")
st.caption(
    "Every CSM or pooled team, the tiers they serve and their customer-facing hours. It starts "
    "from the data (each csm_owner, the tiers of the accounts they own, the teams' hours on the "
    "Plan page); edit it, or open a roster CSV."
)
books.roster_editor(dataset, roster, tier_count)
