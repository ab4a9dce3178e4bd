"""The Tiers page (home): per-tier figures, revenue share, Pareto curve and CSM load, live."""

import streamlit as st

from lib import capacity, charts, tiering, views
from ui import entry, session, state, widgets

entry.require_app()
store = session.dataset()
index = state.index(store)
summary = tiering.summarize(index, state.cuts())
by_score = index.key == "score"

st.title("Tiers")
st.caption(
    "How your customers, revenue and CSM hours split across service tiers. "
    "Drag a cut-off in the sidebar: every figure follows."
)
widgets.scope_notice(store, index)
st.html(views.tier_cards_html(summary, score=by_score))

share, pareto = st.columns(2)
share.html(views.revenue_share_html(summary))
pareto.plotly_chart(
    charts.pareto_figure(index.pareto, summary, ranked_by="score" if by_score else "revenue"),
    key="tb_pareto_chart",
)

st.subheader("CSM load")
st.caption("Hours each tier needs in a year (accounts × hours per account) against its team's.")
plan = widgets.team_inputs(len(summary.tiers))
st.html(views.load_html(capacity.tier_loads(summary, plan)))
