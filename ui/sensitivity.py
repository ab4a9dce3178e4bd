"""The Confidence page's "How sure is this plan?": the tornado, the riskiest assumption, the
accounts near each line, and every recomputation in figures."""

from __future__ import annotations

from html import escape

import streamlit as st

from lib import charts, sensitivity, views
from lib.capacity import Plan
from lib.dataset import Dataset
from lib.formatting import cut_label, markdown_text, percent, plural
from lib.sensitivity import Outcome, Sensitivity
from lib.tiering import TierIndex
from ui import keys, state

WITHIN_PERCENT = round(sensitivity.DEFAULT_WITHIN * 100)
MAX_WITHIN_PERCENT = round(sensitivity.MAX_WITHIN * 100)


def within() -> int:
    """The "near a line" distance typed on this page, in % of a cut-off (a key no widget owns)."""
    return int(st.session_state.get(keys.SENSITIVITY_WITHIN, WITHIN_PERCENT))


def _on_within() -> None:
    typed = st.session_state.get(keys.SENSITIVITY_WITHIN_INPUT)
    if typed is not None:  # a cleared box keeps the figure it had
        st.session_state[keys.SENSITIVITY_WITHIN] = int(typed)


def within_input() -> int:
    state.show(keys.SENSITIVITY_WITHIN_INPUT, within())
    box, _ = st.columns([2, 3])
    box.number_input(
        "Near a line: within this distance of a cut-off (%)",
        value=None,  # a cleared box: None, the figure kept (ui/state.py)
        key=keys.SENSITIVITY_WITHIN_INPUT,
        min_value=1,
        max_value=MAX_WITHIN_PERCENT,
        step=1,
        on_change=_on_within,
        help="Relative to the cut-off: 5% of $50K is $2.5K either side. The accounts this close "
        "to a line change tier with a small change of their revenue.",
    )
    return within()


def compute(dataset: Dataset, index: TierIndex, plan: Plan, percent_within: int) -> Sensitivity:
    """The plan on screen moved input by input (lib.sensitivity), on this view's slice."""
    return sensitivity.sensitivity(
        dataset,
        index,
        state.cuts(),
        plan,
        part=state.current_slice(dataset),
        criteria=state.criteria(),
        within=percent_within / 100,
    )


def _currency(dataset: Dataset, index: TierIndex) -> str | None:
    return None if index.key == "score" else dataset.currency


def section(dataset: Dataset, index: TierIndex, plan: Plan) -> None:
    """How sure is this plan? The sentence, the tornado with the near-line counts, the figures."""
    st.subheader("How sure is this plan?")
    percent_within = within_input()
    found = compute(dataset, index, plan, percent_within)
    currency = _currency(dataset, index)
    st.info(markdown_text(found.sentence(currency)), icon=":material/crisis_alert:")
    title = charts.tornado_title(found)
    st.html(views.chart_title_html(title, "tornado_title"))
    st.plotly_chart(
        charts.tornado_figure(found, currency),
        key=keys.SENSITIVITY_CHART,
        alt=title,
        config={"displayModeBar": False},
    )
    near = " · ".join(
        f"{assumption_cut(found, i, currency)}: {plural(n, 'account')}"
        for i, n in enumerate(found.near)
    )
    st.caption(  # markdown-safe: constant wording, figures
        markdown_text(
            f"Each input moved on its own, the rest of the plan as it is: cut-offs ±10%, hours "
            f"per account ±20%, hours per CSM ±10%, headcount ±1. {sensitivity.EFFECT_MEASURE} "
            f"The plan's gap today: {gap_words(found.base)}. Near a line (within "
            f"±{percent_within}%): {near}."
        )
    )
    with st.expander("Every recomputation, in figures"):
        st.html(table_html(found, currency))


def assumption_cut(found: Sensitivity, i: int, currency: str | None) -> str:
    cut = found.base.cuts[i]
    value = cut_label(cut, currency) if currency is not None else f"score {cut:g}"
    return f"Tier {i + 1} line at {value}"


def gap_words(outcome: Outcome) -> str:
    gap = round(outcome.gap, 1)
    if gap > 0:
        return f"{gap:,.1f} CSMs short"
    if gap < 0:
        return f"{-gap:,.1f} CSMs to spare"
    return "the teams exactly fit"


def signed(change: float) -> str:
    """+1.8 / −1.5 (a true minus sign, as on the chart)."""
    return f"{change:+,.1f}".replace("-", "−")


def _load_cell(load: float) -> str:
    """A team's load; over its hours in the alert colour with the alert sign (never colour
    alone), as in the Plan page's table."""
    text = escape(sensitivity.load_text(load))
    if load <= 1:
        return text
    return (
        f'<span style="color:{charts.OVER_CAPACITY_COLOR};font-weight:700">'
        f'<span aria-hidden="true">{views.ALERT_SIGN} </span>{text}</span>'
    )


def _per_tier(values: tuple[float, ...], text) -> str:
    return " · ".join(escape(text(v)) for v in values)


def table_html(found: Sensitivity, currency: str | None) -> str:
    """The plan, then each input low and high: revenue share per tier, load per team, CSMs
    needed per tier, and the change in the CSM gap."""
    headers = (
        "Input",
        "At",
        "Revenue share per tier",
        "Load per team",
        "CSMs needed per tier",
        "Change in CSMs short",
    )

    def row(name: str, at: str, outcome: Outcome, change: str) -> list[str]:
        return [
            escape(name),
            escape(at),
            _per_tier(outcome.revenue_shares, percent),
            " · ".join(_load_cell(load) for load in outcome.loads),
            _per_tier(outcome.csms_needed, lambda v: f"{v:,.1f}"),
            escape(change),
        ]

    rows = [row("The plan", "as it is", found.base, gap_words(found.base))]
    for bar in found.bars:
        a = bar.assumption
        for side, outcome, change in (
            ("low", bar.low, bar.low_change),
            ("high", bar.high, bar.high_change),
        ):
            value = a.low if side == "low" else a.high
            rows.append(row(a.name(), a.value_text(value, currency), outcome, signed(change)))
    return views.table_html(headers, rows)
