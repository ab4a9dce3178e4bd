"""The Tiers page (home): per-tier figures, revenue share, Pareto curve and CSM load, live."""

import streamlit as st

from lib import charts, tiering, views
from lib.criteria import COMPONENTS
from lib.formatting import count, hours
from ui import entry, keys, plan, presentation, rules_compare, session, state, widgets

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)
summary = tiering.summarize(index, state.cuts())
by_score = index.key == "score"


def presented() -> None:
    """The shared screen: figures, revenue share and load, nothing to scroll to."""
    widgets.scope_notice(dataset, index, brief=True)
    widgets.stop_if_nobody(dataset, index)
    st.html(views.tier_cards_html(summary, dataset.currency, score=by_score, paired=True))
    share, load = st.columns(2)
    share.html(views.revenue_share_html(summary, dataset.currency))
    loads = plan.capacities(dataset, index, summary, state.plan(len(summary.tiers)))
    # Hours per tier are in the hover: with them, five tiers would not fit one 720-pixel screen.
    load.html(views.load_html(loads, compact=True))


def full() -> None:
    """The working view: everything, with the team inputs."""
    st.caption(
        "How your customers, revenue and CSM hours split across service tiers. "
        "Drag a cut-off in the sidebar: every figure follows."
    )
    widgets.scope_notice(dataset, index)
    widgets.stop_if_nobody(dataset, index)
    st.html(views.tier_cards_html(summary, dataset.currency, score=by_score))
    if by_score:
        with st.expander("What the score is made of, per tier"):
            st.html(views.score_breakdown_html(summary, index, COMPONENTS))
            st.caption(
                "Each component adds points (its percentile x its weight); the points add up to "
                "the score."
            )

    # Share and load on the left, the Pareto curve beside them: the whole story fits one
    # 1920x1080 screen; the team inputs that drive the load follow below.
    left, pareto = st.columns(2)
    left.html(views.revenue_share_html(summary, dataset.currency))
    loads = plan.capacities(dataset, index, summary, state.plan(len(summary.tiers)))
    left.html(views.load_html(loads))
    pareto.html(views.chart_title_html(charts.pareto_title(summary), "pareto_title"))
    pareto.plotly_chart(
        charts.pareto_figure(
            index.pareto, summary, dataset.currency, ranked_by="score" if by_score else "revenue"
        ),
        key=keys.PARETO_CHART,
    )

    rules_compare.section(state.plan(len(summary.tiers)))

    st.subheader("CSM teams")
    in_use = widgets.team_inputs(len(summary.tiers))
    per_account = " / ".join(hours(h) for h in in_use.matrix.hours_per_account())
    st.caption(  # markdown-safe: hours and counts
        f"The load above comes from these headcounts and the service matrix: {per_account} per "
        f"account per year; {count(in_use.teams[0].hours_per_csm)} customer-facing hours per CSM."
    )
    st.page_link("pages/plan.py", label="Edit the service model", icon=":material/tune:")


if presentation.is_on():  # the headlines say it all; the page title would cost a screen row
    presented()
else:
    st.title("Tiers")
    full()
