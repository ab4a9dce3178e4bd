"""With and without the stability rules, on every figure page (issue 16): the Tiers over time
page's comparison — tier churn, flaps, Tier 1's revenue, CSM hours — for the cut-offs and the
service model on screen, under the rules last set on that page.

An expander that tracks its state, so nothing is measured while it is closed (a slider move on a
closed one costs nothing); its being open is kept in keys.TYPED, so it stays open from page to
page. The history is the one the Tiers over time page shows (its source as chosen there).
"""

from __future__ import annotations

import streamlit as st

from lib.capacity import Plan
from lib.formatting import count, markdown_text, plural
from ui import history, history_source, keys, state

LABEL = "Stability over time: with and without rules"
HISTORY_PAGE = "pages/history.py"


def _keep_open() -> None:
    state.set_typed("rules_compare_open", bool(st.session_state.get(keys.RULES_COMPARE)))


def section(plan: Plan) -> None:
    """The expander; inside it, once opened, both rows of figures (or why there are none)."""
    if state.criteria().is_score:
        return  # a history is tiered on revenue: the Tiers over time page says so
    state.show(keys.RULES_COMPARE, bool(state.typed("rules_compare_open", False)))
    box = st.expander(  # markdown-safe: a constant
        LABEL, key=keys.RULES_COMPARE, on_change=_keep_open, icon=":material/history:"
    )
    with box:
        if box.open:
            _inside(plan)


def _inside(plan: Plan) -> None:
    loaded = history_source.loaded_quietly()
    if loaded is None:
        st.markdown(
            "No history of periods yet: build one from snapshot files or a transactions file "
            "(or adopt plans) on the Tiers over time page, and its figures show here."
        )
        _history_link("Tiers over time")
        return
    found = loaded.history
    if found.periods < 2:
        st.markdown("The history has one period only: add another to see who changes tier.")
        _history_link("Tiers over time")
        return
    rules, flap_within, target = history.typed_rules(loaded)
    plain, ruled = history.outcomes(loaded, state.cuts(), rules, plan, flap_within)
    st.caption(  # markdown-safe: the source is escaped, the rest are counts and labels of lib's
        f"{markdown_text(loaded.source)}: {plural(found.periods, 'period')} "
        f"({markdown_text(found.labels[0])} to {markdown_text(found.labels[-1])}), "
        f"{count(found.accounts)} accounts, tiered under the cut-offs on screen; churn: accounts "
        f"changing tier from one period to the next, flaps within {flap_within} periods. Every "
        "account of the periods counts (the sidebar's slice does not apply)."
    )
    history.comparison(plain, ruled, rules, plan, target, where="on the Tiers over time page")
    _history_link("Set the stability rules, and see every period")


def _history_link(label: str) -> None:
    st.page_link(HISTORY_PAGE, label=label, icon=":material/history:")  # markdown-safe: constants
