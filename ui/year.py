"""The year month by month (Confidence page): each team's load and capacity over 12 months, the
peak in words, the months with less capacity as typed, and what the months rest on."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib import charts, views
from lib.capacity import Plan
from lib.dataset import Dataset
from lib.errors import InputError
from lib.formatting import markdown_text
from lib.monthly_load import data_year
from lib.months import capacity_text, month_label, parse_capacity
from lib.tiering import TierIndex, TierSummary
from ui import plan as plan_ui
from ui import state
from ui.keys import YEAR_CAPACITY, YEAR_CAPACITY_ERROR, YEAR_CAPACITY_INPUT, YEAR_CHART


def _on_capacity() -> None:
    """Keep what was typed; a text that does not read keeps the months before, and says why."""
    typed = st.session_state.get(YEAR_CAPACITY_INPUT) or ""
    try:
        shares = parse_capacity(typed)
    except InputError as error:
        st.session_state[YEAR_CAPACITY_ERROR] = (typed, f"{error} The months before are kept.")
        return
    st.session_state.pop(YEAR_CAPACITY_ERROR, None)
    st.session_state[YEAR_CAPACITY] = capacity_text(shares)


def capacity_input() -> str:
    """The months with less (or more) capacity, as typed; returns the text in use."""
    in_use = st.session_state.get(YEAR_CAPACITY, "")
    # The figure lives in YEAR_CAPACITY (a key no widget owns); the box is drawn from it, or,
    # when what was typed does not read, from that text, to be corrected.
    error = st.session_state.get(YEAR_CAPACITY_ERROR)
    state.show(YEAR_CAPACITY_INPUT, error[0] if error else in_use)
    st.text_input(
        "Months with less capacity (% of a normal month)",
        key=YEAR_CAPACITY_INPUT,
        placeholder="e.g. August 50%, December 70%",
        on_change=_on_capacity,
        help="Each team has its hours a year / 12 in a normal month. Name the months that "
        "differ and their share of a normal month: holidays (August 50%), a hiring wave "
        "(March 120%). From 0 to 200%.",
    )
    if error:
        st.caption(f":material/warning: {markdown_text(error[1])}")
    return in_use


def section(dataset: Dataset, index: TierIndex, summary: TierSummary, plan: Plan) -> None:
    """The year month by month for the tiers on screen (under a slice, its share of each team)."""
    st.subheader("The year month by month")
    # The finding first; the months typed below it were read by their callback before this run.
    in_use = st.session_state.get(YEAR_CAPACITY, "")
    capacities = plan_ui.capacities(dataset, index, summary, plan)
    year = data_year(
        dataset,
        index,
        summary.cuts,
        plan.matrix,
        [c.hours_available for c in capacities],
        today=date.today(),
        capacity=parse_capacity(in_use),
    )
    st.html(views.chart_title_html(year.peak_sentence(), "year_peak"))
    st.plotly_chart(charts.year_figure(year), key=YEAR_CHART, width="stretch")
    # The page's own HTML, not st.dataframe: a row per team reads at the cards' size, and the
    # browser settles a move ~90 ms sooner (the grid redraws its canvas and hidden table last).
    st.html(views.busiest_months_html(year.busiest()))
    first, last = month_label(year.months[0]), month_label(year.months[-1])
    start = "the month after the data's as-of day" if dataset.report.basis.as_of else "next month"
    st.caption(  # markdown-safe: month names and constant wording
        f"{first} to {last} (from {start}). Solid: the hours each tier's accounts need in the "
        "month, from each service's cadence on the Plan page (renewal month, every quarter, "
        "first 90 days, every month, spread); dashed: the hours its team has (a twelfth of a "
        "year's, times the month's share below). A large vermillion dot: over capacity. The 12 "
        "months add up to the Plan page's hours a year."
    )
    for notice in year.notices():
        st.info(markdown_text(notice), icon=":material/calendar_month:")
    capacity_input()
