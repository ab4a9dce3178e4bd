"""The Tiers page (home): per-tier figures, revenue share, Pareto curve and CSM load, live."""

import streamlit as st

from lib import capacity, charts, tiering, views
from ui import entry, session, state, widgets

entry.require_app()
store = session.dataset()
summary = tiering.summarize(store.index, state.cuts())

st.title("Tiers")
st.caption(
    "How your customers, revenue and CSM hours split across service tiers. "
    "Drag a cut-off in the sidebar: every figure follows."
)
st.html(views.tier_cards_html(summary))

share, pareto = st.columns(2)
share.html(views.revenue_share_html(summary))
pareto.plotly_chart(charts.pareto_figure(store.index.pareto, summary), key="tb_pareto_chart")

st.subheader("CSM load")
st.caption("Hours each tier needs in a year (accounts × hours per account) against its team's.")
plan = widgets.team_inputs(len(summary.tiers))
st.html(views.load_html(capacity.tier_loads(summary, plan)))
