"""The Confidence page: how sure the plan is — here, when in the year its load lands."""

import streamlit as st

from lib import tiering
from ui import entry, session, state, widgets, year

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)
summary = tiering.summarize(index, state.cuts())

st.title("Confidence")
st.caption(
    "Before defending a plan: when in the year its load lands, team by team, against the hours "
    "each team has."
)
widgets.scope_notice(dataset, index)
widgets.stop_if_nobody(dataset, index)
year.section(dataset, index, summary, state.plan(len(summary.tiers)))
