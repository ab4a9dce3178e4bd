"""The Confidence page: how sure the plan is, and when in the year its load lands."""

import streamlit as st

from lib import tiering
from ui import entry, rules_compare, sensitivity, session, state, widgets, year

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)
summary = tiering.summarize(index, state.cuts())

st.title("Confidence")
st.caption(
    "How much does the plan change if our assumptions are a little wrong, and when in the year "
    "does the load land?"
)
widgets.scope_notice(dataset, index)
widgets.stop_if_nobody(dataset, index)
current = state.plan(len(summary.tiers))

sensitivity.section(dataset, index, current)
year.section(dataset, index, summary, current)
rules_compare.section(current)
