"""The sidebar controls every page shares: the data in use, the number of tiers, the cut-offs."""

from __future__ import annotations

import functools
import math

import streamlit as st

from lib.criteria import COMPONENTS, MAX_WEIGHT, missing_components
from lib.dataset import Dataset
from lib.formatting import count, cut_label, markdown_text, money, plural
from lib.scales import cut_stops, nearest, score_label, score_stops, typed_cut
from lib.scenario import cut_bounds
from lib.slices import DIMENSIONS
from lib.tiering import MAX_TIERS, MIN_TIERS, push_cuts, tier_name
from ui import keys, presentation, session, state


def _on_tier_count(dataset: Dataset) -> None:
    state.reset_for(dataset, st.session_state[keys.TIERS])


def _on_slider(cut: int) -> None:
    state.set_cuts(push_cuts(state.cuts(), cut, st.session_state[keys.slider_key(cut)]))


def _on_exact(cut: int, is_score: bool = False) -> None:
    typed = st.session_state[keys.exact_key(cut)]
    if typed is None:  # the box was cleared: keep the cut-off where it was
        state.set_cuts(state.cuts())
        return
    # Beyond the box's bounds the browser says "Number is outside the allowed range" under it
    # and sends nothing (Streamlit turns any value sent beyond them into the box's default), so
    # `typed` is within cut_bounds.
    state.set_cuts(push_cuts(state.cuts(), cut, typed_cut(typed, is_score)))


def _on_reset(dataset: Dataset) -> None:
    # Cut-offs only, as the button says: the teams and the service matrix stay (defect 7).
    state.reset_cuts(dataset, st.session_state[keys.TIERS])


def _step(value: float) -> float:
    """A +/- step for the exact box: about a hundredth of the figure, a round number."""
    magnitude = abs(value)
    return float(10 ** max(0, math.floor(math.log10(magnitude)) - 2)) if magnitude >= 1 else 1.0


def data_summary(dataset: Dataset) -> None:
    rejected = dataset.report.rejected_rows
    st.sidebar.caption(
        f"**Data:** {markdown_text(dataset.source)} · {count(dataset.index.customers)} customers · "
        f"{money(dataset.index.total_revenue, dataset.currency)} annual revenue"
        + (f" · {plural(rejected, 'row')} rejected (see Upload)" if rejected else "")
    )
    if not session.has_upload():
        _source_controls(dataset)


def _source_controls(dataset: Dataset) -> None:
    """For a configured source: when it was read, whether a re-read failed, and a reload."""
    live = session.live_source()
    if live is None or not live.is_loaded or dataset.lineage is None:
        return  # no source, or it failed and the sample is showing (the page says why)
    sidebar = st.sidebar
    if live.loaded_at is not None:
        sidebar.caption(f"Read {live.loaded_at:%Y-%m-%d %H:%M} UTC.")
    if live.last_error is not None:
        sidebar.warning(
            f"New files could not be read: {markdown_text(live.last_error)} "
            "The data above stays in use.",
            icon=":material/warning:",
        )
    sidebar.button(
        "Reload the data",
        on_click=session.reload_source,
        icon=":material/refresh:",
        help="Read the configured source again now: new and changed rows for everyone. "
        "Cut-offs stay as they are.",
    )
    notice = st.session_state.pop(keys.RELOAD_NOTICE, None)
    if notice is not None:
        kind, message = notice
        getattr(sidebar, kind)(markdown_text(message))


def cut_controls(dataset: Dataset) -> None:
    """Number of tiers and one log-scale slider per cut-off, plus exact boxes; updates state."""
    sidebar = st.sidebar
    sidebar.radio(
        "Number of tiers",
        options=list(range(MIN_TIERS, MAX_TIERS + 1)),
        key=keys.TIERS,
        horizontal=True,
        on_change=_on_tier_count,
        args=(dataset,),
        help="Changing it starts again from suggested cut-offs for that many tiers, with the "
        "practice service matrix and teams sized to them.",
    )
    notice = st.session_state.pop(keys.STATE_NOTICE, None)
    if notice:
        sidebar.info(markdown_text(notice), icon=":material/restart_alt:")
    cuts = state.cuts()
    tiered = state.index(dataset)
    is_score = tiered.key == "score"
    label = score_label if is_score else functools.partial(cut_label, currency=dataset.currency)
    stops = (
        score_stops(cuts)
        if is_score
        else cut_stops(tiered.min_positive_value, tiered.max_value, cuts, label)
    )
    for i in range(len(cuts)):
        key = keys.slider_key(i)
        if st.session_state.get(key) not in stops:
            st.session_state[key] = nearest(stops, cuts[i])
        sidebar.select_slider(
            f"{tier_name(i + 1)} starts at",
            options=stops,
            key=key,
            format_func=label,
            on_change=_on_slider,
            args=(i,),
            help=(
                f"Customers with {'a score' if is_score else 'annual revenue'} at or above this "
                f"figure are in {tier_name(i + 1)}"
                f"{' (unless they reach a higher tier)' if i else ''}. "
                + (
                    "Scores run from 0 to 100; arrow keys move one point."
                    if is_score
                    else "The scale is logarithmic: each step moves the cut-off by a similar "
                    "percentage. Arrow keys move one step."
                )
            ),
        )
    if presentation.is_on():  # fewer controls on a shared screen: the sliders say enough
        return
    low, high = cut_bounds(is_score)
    with sidebar.expander("Type exact cut-offs"):
        for i, cut in enumerate(cuts):
            key = keys.exact_key(i)
            state.show(key, cut)  # from the cut-offs: hidden in presentation mode, it lost them
            st.number_input(
                f"{tier_name(i + 1)} cut-off",
                value=None,  # a cleared box: None, the figure kept (ui/state.py)
                key=key,
                min_value=low,
                max_value=high,
                step=1.0 if is_score else _step(cut),
                format="%.1f" if is_score else "%.0f",
                on_change=_on_exact,
                args=(i, is_score),
                # markdown-safe: figures
                help=f"An exact {'score' if is_score else 'annual revenue figure'}, from "
                f"{label(low)} to {label(high)}. Moving it past another cut-off moves that one "
                "too.",
            )
    sidebar.button(
        "Reset to suggested cut-offs",
        on_click=_on_reset,
        args=(dataset,),
        help="Cut-offs that give about 40% of revenue to Tier 1 and 30% to Tier 2 (for 3 tiers). "
        "The teams and the service matrix stay as they are.",
        width="stretch",
    )


def criteria_controls(dataset: Dataset) -> None:
    """Tier by revenue or by a weighted score; the weights, with what the data cannot support."""
    sidebar = st.sidebar
    sidebar.radio(
        "Tier by",
        options=["revenue", "score"],
        format_func={"revenue": "Revenue", "score": "Weighted score"}.get,
        key=keys.BY,
        horizontal=True,
        help="Revenue: cut-offs are annual revenue. Weighted score: each customer gets 0-100 "
        "from the components below (as percentiles), and cut-offs apply to that score.",
    )
    if st.session_state.get(keys.BY) != "score" or presentation.is_on():
        return
    missing = missing_components(dataset.columns)
    with sidebar.expander("Score weights", expanded=True):
        weights = state.weights()
        for component, name in COMPONENTS.items():
            key = keys.weight_key(component)
            state.show(key, int(weights[component]))  # the weights live in keys.WEIGHTS
            st.slider(
                name,  # markdown-safe: a component's name (constant)
                min_value=0,
                max_value=int(MAX_WEIGHT),
                step=5,
                key=key,
                on_change=_on_weight,
                args=(component,),
                disabled=component in missing,
                help=f"Not available: {markdown_text(missing[component])}."
                if component in missing
                else "Relative weight; the score divides by the sum of the weights used.",
            )
        if missing:
            st.caption(
                "Left out for lack of data: "
                + "; ".join(markdown_text(f"{COMPONENTS[c]} ({why})") for c, why in missing.items())
                + "."
            )


def _on_weight(component: str) -> None:
    state.set_weights({**state.weights(), component: st.session_state[keys.weight_key(component)]})


def _on_slice(dim: str) -> None:
    chosen = dict(st.session_state.get(keys.SLICE, {}))
    state.set_slice({**chosen, dim: list(st.session_state[keys.slice_key(dim)])})


def slice_controls(dataset: Dataset) -> None:
    """Restrict every figure to some segments, regions, industries or CSMs."""
    if not dataset.dimensions or presentation.is_on():
        return
    with st.sidebar.expander("Slice", expanded=not state.current_slice(dataset).is_everything):
        for dim, dimension in dataset.dimensions.items():
            state.show(keys.slice_key(dim), state.chosen_labels(dataset, dim))  # from keys.SLICE
            st.multiselect(
                DIMENSIONS[dim],
                options=list(dimension.labels),
                key=keys.slice_key(dim),
                on_change=_on_slice,
                args=(dim,),
                placeholder="All",
                help=f"Show only customers with these {DIMENSIONS[dim].lower()} values; every "
                "figure and chart follows, and the page says which slice it shows.",
            )
