"""Names of everything tierboard keeps in `st.session_state`, and how it is (re)initialised.

Every value a person sets lives under a key no widget owns (`CUTS`, `TEAMS`, `WEIGHTS`,
`SLICE`, `TYPED`, `MATRIX`); widgets are drawn from it (`show`) and write back to it from their
`on_change` callbacks. Why not let the widgets hold the values (issue 18, defect 1): in
Streamlit 1.67 a widget's element id includes the *page* it is drawn on
(`compute_and_register_element_id` adds `active_script_hash` even when a key is given), so
"Tier 1 CSMs" on Tiers and on Plan are two widgets sharing one key, and a keyed widget's state is
dropped, or with `persist_state` carried over, only at the *end* of a run that does not draw it
(`SessionState._remove_stale_widgets` in streamlit/runtime/state/session_state.py). Opening
Plan registers Plan's widget as new: during that run it takes its default (0.0, the minimum) and
is sent with `set_value` false (nothing was set through st.session_state in that run), so the
browser shows 0.0; the figures, read before it from the Tiers widget's value, still show the old
team; the end-of-run cleanup then copies the Tiers value onto the Plan widget's id — after the
page was sent — and the next edit in the browser sends 0.0 back. AppTest has no browser: its
`number_input(...).value` reads the server's session state *after* the run, cleanup included,
so it saw 18 and sent 18 back (measured: on Plan the proto held value 0.0, set_value false,
while AppTest's value was 18). tests/e2e/test_journeys_browser.py walks the journey in Chromium.

Every number box is drawn with `value=None`: a box drawn with a value (even from the state)
has that value's twin, the widget default (its `min_value`), and a person who clears the box
and presses Enter sends that default, silently — a cleared "Tier 1 cut-off" set Tier 1 (and,
pushed, Tier 2) to $0. With `value=None` the browser sends None, each `on_change` keeps the
figure it had, and `show` puts the figure back in the box on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st

from lib import planning
from lib.capacity import Plan
from lib.criteria import COMPONENTS, DEFAULT_WEIGHTS, REVENUE_ONLY, Criteria
from lib.dataset import Dataset
from lib.formatting import markdown_text
from lib.scenario import bounded_cuts
from lib.service_matrix import ServiceMatrix
from lib.slices import Slice, known_labels
from lib.team import Team
from lib.tiering import DEFAULT_TIERS, TierIndex
from ui.keys import (
    BY,
    CUTS,
    CUTS_BY_TIERS,
    DATASET,
    DEFAULT_PLAN,
    INPUT_ERRORS,
    MATRIX,
    MATRIX_VERSION,
    SLICE,
    TEAMS,
    TIERS,
    TYPED,
    WEIGHTS,
    YEAR_CAPACITY,
    YEAR_CAPACITY_ERROR,
    cost_key,
    csms_key,
    exact_key,
    hours_per_csm_key,
    slider_key,
)
from ui.keys import STATE_NOTICE as NOTICE

TEAM_FIELDS: dict[str, Callable[[int], str]] = {
    "csms": csms_key,
    "hours_per_csm": hours_per_csm_key,
    "cost_per_hour": cost_key,
}


# --- widgets drawn from the state -----------------------------------------------------------


def show(widget_key: str, value: Any) -> None:
    """Give the widget `widget_key` its value from the state; call just before drawing it.

    On every run, not only when the value changed: the same key may name a widget the browser
    has never seen (another page's twin, or one a run without it dropped), and a value set here
    is one Streamlit sends to the browser (see this module's docstring).
    """
    st.session_state[widget_key] = value


def keep_typed(name: str, widget_key: str) -> None:
    """A widget's on_change: its value into `TYPED` under `name` (a cleared box, None, keeps
    the figure before)."""
    value = st.session_state.get(widget_key)
    if value is not None:
        set_typed(name, value)


def drawn_typed(name: str, widget_key: str, default: Any) -> tuple[str, str]:
    """Give the widget its value from `TYPED` (`default` until one is typed); returns
    (name, widget key): `keep_typed`'s arguments."""
    show(widget_key, typed(name, default))
    return name, widget_key


def typed(name: str, default: Any) -> Any:
    """A figure typed on a page (`TYPED`), or `default` until someone types one."""
    return st.session_state.get(TYPED, {}).get(name, default)


def set_typed(name: str, value: Any) -> None:
    st.session_state[TYPED] = {**st.session_state.get(TYPED, {}), name: value}


def input_error(widget_key: str) -> str | None:
    """Why the value last typed into `widget_key` was not used (None: it was)."""
    return st.session_state.get(INPUT_ERRORS, {}).get(widget_key)


def set_input_error(widget_key: str, message: str | None) -> None:
    errors = {k: v for k, v in st.session_state.get(INPUT_ERRORS, {}).items() if k != widget_key}
    if message is not None:
        errors[widget_key] = message
    st.session_state[INPUT_ERRORS] = errors


def say(message: str) -> None:
    """Say once, next to the tier controls, what a change reset."""
    st.session_state[NOTICE] = message


# --- the criteria and the slice --------------------------------------------------------------


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **st.session_state.get(WEIGHTS, {})}


def set_weights(values: dict[str, float]) -> None:
    st.session_state[WEIGHTS] = {c: float(values.get(c, DEFAULT_WEIGHTS[c])) for c in COMPONENTS}


def criteria() -> Criteria:
    """What the cut-offs apply to, from the sidebar: revenue, or the weighted score."""
    if st.session_state.get(BY, "revenue") != "score":
        return REVENUE_ONLY
    return Criteria.score(weights())


def chosen_labels(dataset: Dataset, dimension: str) -> list[str]:
    """The labels chosen for `dimension`, among those this data has."""
    chosen = st.session_state.get(SLICE, {}).get(dimension, [])
    return known_labels(dataset.dimensions, dimension, chosen)


def set_slice(chosen: dict[str, list[str]]) -> None:
    st.session_state[SLICE] = {dim: list(labels) for dim, labels in chosen.items() if labels}


def current_slice(dataset: Dataset) -> Slice:
    return Slice.of({dim: chosen_labels(dataset, dim) for dim in dataset.dimensions})


def index(dataset: Dataset) -> TierIndex:
    """The index every figure uses: this slice of `dataset`, keyed by the chosen criteria.

    A score the data cannot support falls back to revenue (lib.planning.tier_index), with the
    reason on screen.
    """
    found, fallback = planning.tier_index(dataset, current_slice(dataset), criteria())
    if fallback is not None:
        st.warning(markdown_text(fallback), icon=":material/warning:")
    return found


def fingerprint(dataset: Dataset) -> tuple[object, ...]:
    # id(): two uploads of the same file are two datasets (each starts from suggested cut-offs),
    # but a reloaded source is the same data, renewed (its lineage): the view stays. The
    # criteria: revenue cut-offs mean nothing on a 0-100 score, and back.
    identity = dataset.lineage or (dataset.source, dataset.index.customers, id(dataset))
    return (identity, criteria().by)


# --- cut-offs --------------------------------------------------------------------------------


def cuts() -> tuple[float, ...]:
    return st.session_state[CUTS]


def set_cuts(values: tuple[float, ...]) -> None:
    """Store the cut-offs (within their bounds) and move every cut-off widget to match."""
    values = bounded_cuts(values, criteria().is_score)
    st.session_state[CUTS] = values
    for i, value in enumerate(values):
        st.session_state[slider_key(i)] = value
        st.session_state[exact_key(i)] = value


# --- the plan: service matrix and teams ------------------------------------------------------


def teams() -> tuple[Team, ...]:
    return st.session_state[TEAMS]


def set_team(tier: int, field: str, value: float) -> None:
    """One figure of one tier's team, as typed (InputError: out of its bounds, nothing kept)."""
    changed = list(teams())
    changed[tier] = replace(changed[tier], **{field: value})
    st.session_state[TEAMS] = tuple(changed)


def plan(tier_count: int) -> Plan:
    """The service model in use: the service matrix, each tier's team, the months with less
    capacity (typed on the Confidence page)."""
    return Plan(st.session_state[MATRIX], tuple(teams()[:tier_count]), _months())


def _months() -> str:
    return st.session_state.get(YEAR_CAPACITY, "")


def set_matrix(matrix: ServiceMatrix) -> None:
    st.session_state[MATRIX] = matrix
    st.session_state[MATRIX_VERSION] = st.session_state.get(MATRIX_VERSION, 0) + 1


def set_plan(new: Plan) -> None:
    """Put a plan in place: its matrix, its teams and its months."""
    set_matrix(new.matrix)
    st.session_state[TEAMS] = tuple(new.teams)
    st.session_state[YEAR_CAPACITY] = new.months
    st.session_state.pop(YEAR_CAPACITY_ERROR, None)


def is_plan_edited() -> bool:
    """Whether the plan in use differs from the defaults last put in place."""
    default = st.session_state.get(DEFAULT_PLAN)
    in_use = (st.session_state[MATRIX], tuple(teams()))
    return default is None or in_use != (default.matrix, default.teams)


def default_plan_for(dataset: Dataset, start: tuple[float, ...]) -> Plan:
    """The defaults for the tiers `start` makes, by the chosen criteria: lib.planning's rule
    (teams sized on the whole base, whatever the slice). The months typed stay: holidays
    describe the team, not the data or the number of tiers."""
    return replace(planning.default_plan(dataset, criteria(), start), months=_months())


def _starting_cuts(dataset: Dataset, tier_count: int) -> tuple[float, ...]:
    return planning.starting_cuts(dataset, current_slice(dataset), criteria(), tier_count)


def reset_cuts(dataset: Dataset, tier_count: int) -> None:
    """Suggested cut-offs for `tier_count` tiers; the plan stays as it is."""
    set_cuts(_starting_cuts(dataset, tier_count))


def reset_for(dataset: Dataset, tier_count: int) -> None:
    """Start `tier_count` tiers: the cut-offs last used with that many tiers on this data, else
    suggested ones; the default plan sized to them.

    Said on screen when it replaces a plan someone edited: a team typed for three tiers does not
    say who serves a fourth.
    """
    edited = TEAMS in st.session_state and is_plan_edited()
    # The cut-offs last used with each tier count on this data come back with it: typed $80K,
    # then 2 tiers and back to 3, is $80K again (it was the suggestion, with no word said).
    data = fingerprint(dataset)
    kept = {
        key: value
        for key, value in st.session_state.get(CUTS_BY_TIERS, {}).items()
        if key[0] == data  # other data's (an earlier upload's) are dropped: at most 4 kept
    }
    if CUTS in st.session_state:
        kept[(data, len(cuts()) + 1)] = cuts()
    st.session_state[CUTS_BY_TIERS] = kept
    again = kept.get((data, tier_count))
    start = again or _starting_cuts(dataset, tier_count)
    set_cuts(start)
    fresh = default_plan_for(dataset, start)
    set_plan(fresh)
    st.session_state[DEFAULT_PLAN] = fresh
    if edited:
        say(
            f"{tier_count} tiers start from "
            + ("the cut-offs they had before" if again else "the suggested cut-offs")
            + ", the practice service matrix and teams sized to them: the teams and service "
            "hours edited before were reset."
        )


def ensure_for(dataset: Dataset) -> None:
    """Initialise the state on first run and whenever the data (or the criteria) changes.

    New data or criteria need new cut-offs; a plan someone edited stays (it describes their
    team, not the data), an untouched default one is sized to the new tiers.
    """
    if st.session_state.get(DATASET) == fingerprint(dataset):
        return
    st.session_state[DATASET] = fingerprint(dataset)
    tier_count = st.session_state.setdefault(TIERS, DEFAULT_TIERS)
    if TEAMS in st.session_state and len(teams()) == tier_count and is_plan_edited():
        reset_cuts(dataset, tier_count)
        return
    start = _starting_cuts(dataset, tier_count)
    set_cuts(start)
    fresh = default_plan_for(dataset, start)
    set_plan(fresh)
    st.session_state[DEFAULT_PLAN] = fresh
