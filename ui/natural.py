"""The Plan page's natural-break suggestion: the scale, the fit per tier count, one click."""

from __future__ import annotations

import streamlit as st

from lib import natural_breaks
from lib.charts import TIER_COLORS
from lib.criteria import REVENUE
from lib.errors import InputError
from lib.formatting import markdown_text
from lib.natural_breaks import LINEAR, LOG, NaturalBreaks
from lib.tiering import TierIndex, tier_name
from ui import state
from ui.keys import NATURAL_SCALE
from ui.keys import SUGGESTION as EXPLANATION

SCALE_LABELS = {LOG: "Log", LINEAR: "Linear"}


def _scale_name(index: TierIndex) -> str:
    # Per criteria: a scale chosen for revenue says nothing about a 0-100 score.
    return f"natural_scale_{index.key}"


def _on_scale(name: str) -> None:
    value = st.session_state.get(NATURAL_SCALE)
    if value is not None:
        state.set_typed(name, value)


def _on_apply(found: NaturalBreaks) -> None:
    state.set_cuts(found.cuts)
    st.session_state[EXPLANATION] = (tuple(found.cuts), found.sentences())


def cut_text(value: float, is_money: bool, currency: str) -> str:
    """A suggested cut-off as exact as it is: money to the cent, a score to its decimals."""
    if not is_money:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    sign = "-" if value < 0 else ""
    cents = f"{abs(value):,.2f}"
    return f"{sign}{currency}{cents.removesuffix('.00')}"


def fit_table_html(fits: dict[int, NaturalBreaks], tier_count: int) -> str:
    """Goodness of variance fit per tier count as labelled bars; the tiers on screen in bold."""
    rows = []
    for k, fit in fits.items():
        weight = "700" if k == tier_count else "400"
        width = f"{fit.gvf * 100:.1f}%"
        rows.append(
            f'<tr data-tiers="{k}" style="font-weight:{weight}">'
            f'<th scope="row" style="text-align:left;padding:2px 12px 2px 0;'
            f'font-weight:{weight};white-space:nowrap">{k} tiers</th>'
            f'<td style="width:100%;padding:2px 0"><div aria-hidden="true" '
            f'style="height:14px;width:{width};background:{TIER_COLORS[0]};'
            f'border-radius:3px"></div></td>'
            f'<td data-figure="gvf" style="text-align:right;padding:2px 0 2px 12px;'
            f'font-variant-numeric:tabular-nums">{fit.gvf:.2f}</td></tr>'
        )
    return (
        '<table class="tb-natural-fit" style="width:100%;border-collapse:collapse;'
        'font-size:1.05rem" aria-label="Goodness of variance fit by number of tiers">'
        '<caption style="text-align:left;padding-bottom:4px">Goodness of variance fit '
        "by number of tiers</caption>" + "".join(rows) + "</table>"
    )


def suggestion(index: TierIndex, tier_count: int, currency: str) -> None:
    """Natural breaks for the tiers on screen, their fit for 2 to 5 tiers, and an Apply button."""
    name = _scale_name(index)
    scale = state.typed(name, natural_breaks.default_scale(index.key))
    with st.container(border=True):
        st.markdown("**Natural breaks: where the data itself breaks**")
        st.caption(
            "The cut-offs that make each tier as tight as it can be: the least squared "
            "deviation from each tier's mean, found exactly (Jenks' natural breaks). "
            + (
                "Log is the default for revenue, which is heavy-tailed: on the values "
                "themselves a few of the largest accounts would decide every break."
                if index.key == REVENUE
                else "Linear is the default for a score (0-100, not heavy-tailed)."
            )
        )
        state.show(NATURAL_SCALE, scale)
        # A radio, not a segmented control: the latter's chosen segment fails the contrast
        # check in the dark theme (tests/e2e/test_accessibility_browser.py).
        st.radio(
            "Scale",
            options=(LOG, LINEAR),
            horizontal=True,
            format_func=SCALE_LABELS.__getitem__,
            key=NATURAL_SCALE,
            on_change=_on_scale,
            args=(name,),
            help="Log: breaks between orders of magnitude ($2K, $20K, $200K). Linear: breaks "
            "in the values themselves.",
        )
        try:
            fits = natural_breaks.fit_by_tiers(index, scale)
        except InputError as error:
            st.warning(markdown_text(str(error)), icon=":material/warning:")
            return
        found = fits[tier_count]
        is_money = index.key == REVENUE
        cuts = " · ".join(
            f"{tier_name(t + 1)} ≥ {cut_text(cut, is_money, currency)}"
            for t, cut in enumerate(found.cuts)
        )
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{tier_count:d} tiers:** {markdown_text(cuts)}")
            for sentence in found.sentences()[1:]:
                st.caption(markdown_text(sentence))
            st.button(
                f"Suggest natural breaks ({tier_count:d} tiers)",
                on_click=_on_apply,
                args=(found,),
                width="stretch",
                help="Moves the sidebar cut-offs to these natural breaks.",
            )
        with right:
            st.html(fit_table_html(fits, tier_count))
            st.caption(markdown_text(natural_breaks.fit_sentence(fits)))
