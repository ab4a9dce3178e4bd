"""Streamlit pieces the pages share: team inputs, and what the figures cover."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.capacity import Plan
from lib.criteria import COMPONENTS, weight_shares
from lib.dataset import Dataset
from lib.errors import InputError
from lib.formatting import count, markdown_text, money, percent
from lib.service_matrix import MAX_HOURS_PER_YEAR
from lib.team import MAX_COST_PER_HOUR, MAX_CSMS
from lib.tiering import TierIndex
from ui import state
from ui.keys import PREPARED_FILES, prepare_key


def _on_team(tier: int, field: str) -> None:
    widget_key = state.TEAM_FIELDS[field](tier)
    typed = st.session_state.get(widget_key)
    if typed is None:  # the box was cleared: the figure stays what it was
        state.set_input_error(widget_key, None)
        return
    try:
        state.set_team(tier, field, typed)
    except InputError as error:
        state.set_input_error(widget_key, f"{error} Kept at the figure before.")
        return
    state.set_input_error(widget_key, None)


def _number(
    label: str,
    tier: int,
    field: str,
    *,
    step: float,
    fmt: str,
    help_text: str,
    bounds: tuple[float, float],
) -> None:
    widget_key = state.TEAM_FIELDS[field](tier)
    # The figure lives in keys.TEAMS; this widget (one per page) is drawn from it.
    state.show(widget_key, getattr(state.teams()[tier], field))
    st.number_input(
        label,  # markdown-safe: label and help are constants
        value=None,  # a cleared box: None, the figure kept (ui/state.py)
        key=widget_key,
        min_value=bounds[0],
        max_value=bounds[1],
        step=step,
        format=fmt,
        on_change=_on_team,
        args=(tier, field),
        help=help_text,
    )
    error = state.input_error(widget_key)
    if error:
        st.caption(f":material/warning: {markdown_text(error)}")


def team_inputs(tier_count: int, detailed: bool = False) -> Plan:
    """Each tier's team (headcount; with `detailed`, hours per CSM and cost per hour too).

    Returns the plan in use: these teams and the service matrix. Every figure is bounded (a year
    has 8,784 hours; see lib/team.py) and the inputs say so.
    """
    for t, column in enumerate(st.columns(tier_count)):
        name = f"Tier {t + 1}"
        with column:
            _number(
                f"{name} CSMs",
                t,
                "csms",
                step=1.0,
                fmt="%.1f",
                bounds=(0.0, MAX_CSMS),
                help_text=f"Headcount serving {name}; fractions for CSMs shared with other "
                f"tiers (0 to {MAX_CSMS:,.0f}).",
            )
            if detailed:
                _number(
                    f"{name} hours per CSM",
                    t,
                    "hours_per_csm",
                    step=50.0,
                    fmt="%.0f",
                    bounds=(1.0, MAX_HOURS_PER_YEAR),
                    help_text="Customer-facing hours one CSM has in a year: ~1,650 working "
                    "hours, a third of which usually goes to admin and internal work (1 to "
                    f"{MAX_HOURS_PER_YEAR:,.0f}, the hours of a year).",
                )
                _number(
                    f"{name} cost per hour",
                    t,
                    "cost_per_hour",
                    step=5.0,
                    fmt="%.0f",
                    bounds=(0.0, MAX_COST_PER_HOUR),
                    help_text="Loaded cost of a CSM hour: ~$180K a year over ~1,650 working "
                    f"hours (0 to {MAX_COST_PER_HOUR:,.0f}).",
                )
    return state.plan(tier_count)


def scope_notice(dataset: Dataset, index: TierIndex, brief: bool = False) -> None:
    """Say plainly what the figures cover: a slice (never mistaken for everyone) and the key.

    `brief`: one caption for a shared screen, where every line of height counts.
    """
    part = state.current_slice(dataset)
    sliced = not part.is_everything and index.customers > 0  # else stop_if_nobody says it
    share = index.customers / dataset.index.customers if dataset.index.customers else 0.0
    scope = (
        f"**Slice: {markdown_text(part.describe())}** — {count(index.customers)} of "
        f"{count(dataset.index.customers)} customers ({percent(share)}), "
        f"{markdown_text(money(index.total_revenue, dataset.currency))} of "
        f"{markdown_text(money(dataset.index.total_revenue, dataset.currency))} revenue."
    )
    key = _score_key(dataset, brief) if index.key == "score" else ""
    if brief:
        if sliced or key:
            shown = [scope] if sliced else []
            st.caption(" ".join([*shown, key]) if key else scope)
        return
    if sliced:
        st.info(
            f"{scope} Every figure on this page covers this slice only.",
            icon=":material/filter_alt:",
        )
    if key:
        st.caption(key)


def stop_if_nobody(dataset: Dataset, index: TierIndex) -> None:
    """The empty state: a slice no customer matches says so, offers a way out, and the page
    stops (rather than drawing zeros and empty charts)."""
    if index.customers:
        return
    part = state.current_slice(dataset)
    st.warning(
        f"**No customer matches this slice** ({markdown_text(part.describe())}): each filter "
        "matches some customers, but none matches them all. Widen the slice in the sidebar, or "
        "clear it.",
        icon=":material/filter_alt_off:",
    )
    st.button(
        "Clear the slice",
        on_click=state.set_slice,
        args=({},),
        type="primary",
        help="Back to every customer; the cut-offs stay as they are.",
    )
    st.stop()


def _score_key(dataset: Dataset, brief: bool) -> str:
    """What the score is made of: "Tiered by weighted score (...): Revenue 50%, NPS 10%."."""
    criteria = state.criteria()
    scored = dataset.score(criteria)
    used = ", ".join(
        f"{markdown_text(COMPONENTS[c])} {share:.0%}"
        for c, share in weight_shares(criteria, scored).items()
    )
    neutral = [
        f"{markdown_text(COMPONENTS[c])} missing for {count(n)}"
        for c, n in scored.neutral_counts.items()
        if n
    ]
    said = f"Tiered by weighted score (0-100, percentiles): {used}."
    if neutral and not brief:
        said += f" Scored neutral (50) where {'; '.join(neutral)}."
    return said


def prepared_download(
    column: DeltaGenerator, made_from: tuple[object, ...], make: Callable[[], bytes], *,
    label: str, file_name: str, mime: str, help_text: str,
) -> None:  # fmt: skip
    """A file of the view on screen: "Prepare", then a download of the bytes made (not a callable).

    A tier list takes a second per 100k customers to write (XLSX more), and even the meeting
    pack (a few milliseconds) is too much for every slider move: each is made only when its
    button is pressed, and kept (in the session, with what it was made from) until the view
    changes. A deferred download (a callable as `data`) would be made on the click, but
    Streamlit 1.67 can lose its answer to a rerun that starts at that moment (the browser then
    spins for 3 minutes, "deferredFile timed out"). A file made in the run is a plain URL the
    click opens.
    """
    prepared = st.session_state.setdefault(PREPARED_FILES, {})
    slot = column.empty()
    if prepared.get(file_name, (None,))[0] != made_from:
        prepared.pop(file_name, None)  # made for another view: never offered for this one
        if not slot.button(
            f"Prepare the {label}",  # markdown-safe: label and help are constants
            key=prepare_key(file_name),
            width="stretch",
            help=f"Writes the {label} of the view on screen; its download button follows.",
        ):
            return
        with column, st.spinner(f"Writing the {label}…"):  # markdown-safe: a constant
            prepared[file_name] = (made_from, make())
    slot.download_button(
        f"Download the {label}",  # markdown-safe: label and help are constants
        data=prepared[file_name][1],
        file_name=file_name,
        mime=mime,
        on_click="ignore",  # a click that reruns the page would replace the file it opens
        help=help_text,
        width="stretch",
    )
