"""Tiers over time: each account's tier across periods under the cut-offs on screen, how stable
the tiers stay, and what buffer bands, minimum stays and renewal protection change."""

import streamlit as st

from ui import entry, history, history_source, session, state
from ui import plan as plan_ui

entry.require_app()
dataset = session.dataset()

st.title("Tiers over time")
st.caption(
    "Each account's tier quarter by quarter under the cut-offs on screen: who changes tier, who "
    "flaps, and what stability rules (a buffer band, a minimum stay, protection until renewal) "
    "would change."
)


def show() -> None:
    """The page below its title. Early returns, not st.stop(): a stopped run drops the address
    bar's update that app.py makes after the page (the link would keep the view before it)."""
    source = history_source.source_choice()
    history_source.uploads(source)
    loaded = history_source.loaded(source)
    if loaded is None:
        return
    if state.criteria().is_score:
        st.info(
            "The history is tiered on revenue, and the sidebar tiers on a weighted score: choose "
            "Tier by revenue in the sidebar to see it.",
            icon=":material/info:",
        )
        return
    history_source.notes(loaded)
    if not state.current_slice(dataset).is_everything:
        st.caption(
            "The history covers every account of its periods: the sidebar's slice does not apply "
            "here (snapshot files carry no segments)."
        )
    if loaded.history.periods < 2:  # nothing changes tier yet: no figure to show but zeros
        history.one_period(source, loaded.history.labels[0])
        return
    currency = loaded.history.currency or dataset.currency
    cuts = state.cuts()
    plan = state.plan(len(cuts) + 1)

    rules, flap_within, target = history.rules_controls(loaded)
    plain, ruled = history.outcomes(loaded, cuts, rules, plan, flap_within)
    history.headline(ruled, rules, target)
    history.suggestion(loaded, cuts, rules, target, plan_ui.target_shares(len(cuts) + 1))

    st.subheader("Flow across periods")
    history.flow(ruled, currency)

    # What each file is made from; `loaded` is compared by identity. The quarter table does
    # not depend on the flap window, the flapped list does.
    quarters_from = (loaded, tuple(cuts), rules)
    st.subheader("Changing tier, quarter by quarter")
    history.churn(ruled, plain, target, currency, quarters_from)

    st.subheader("With and without the rules")
    history.comparison(plain, ruled, rules, plan, target)

    st.subheader("Flapped accounts")
    made_from = (*quarters_from, flap_within)
    history.flapped(loaded, ruled, flap_within, made_from)

    st.subheader("From one period to another")
    history.pair(loaded, ruled, currency)


show()
