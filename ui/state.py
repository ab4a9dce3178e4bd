"""Names of everything tierboard keeps in `st.session_state`, and how it is (re)initialised.

The cut-offs live under one plain key (`CUTS`), not in a widget: widget values vanish when the
page that drew them is left, the decision must not.
"""

from __future__ import annotations

import streamlit as st

from lib.capacity import Plan, ServiceMatrix, Team
from lib.criteria import COMPONENTS, DEFAULT_WEIGHTS, REVENUE_ONLY, Criteria
from lib.errors import InputError
from lib.slices import EVERYTHING, Slice
from lib.store import CustomerStore
from lib.suggest import default_cuts
from lib.tiering import DEFAULT_TIERS, TierIndex, summarize

CUTS = "tb_cuts"  # tuple[float, ...], top first
DATASET = "tb_dataset"  # fingerprint of the data (and key) the state above was made for
TIERS = "tb_tiers"  # the number-of-tiers widget
MATRIX = "tb_matrix"  # ServiceMatrix: hours per account per service and tier, edits applied
MATRIX_VERSION = "tb_matrix_version"  # bumped when MATRIX changes: a fresh table editor
BY = "tb_tier_by"  # the tier-by widget: "revenue" | "score"


def weight_key(component: str) -> str:
    return f"tb_weight_{component}"


def slice_key(dimension: str) -> str:
    return f"tb_slice_{dimension}"


def criteria() -> Criteria:
    """What the cut-offs apply to, from the sidebar: revenue, or the weighted score."""
    if st.session_state.get(BY, "revenue") != "score":
        return REVENUE_ONLY
    return Criteria.score(
        {c: st.session_state.get(weight_key(c), DEFAULT_WEIGHTS[c]) for c in COMPONENTS}
    )


def current_slice(store: CustomerStore) -> Slice:
    return Slice.of({dim: st.session_state.get(slice_key(dim), []) for dim in store.dimensions})


def index(store: CustomerStore) -> TierIndex:
    """The index every figure uses: this slice of `store`, keyed by the chosen criteria.

    A score the data cannot support (no weighted component present) falls back to revenue,
    with the reason on screen.
    """
    try:
        return store.index_for(current_slice(store), criteria())
    except InputError as error:
        st.warning(f"{error} Tiering by revenue meanwhile.", icon=":material/warning:")
        return store.index_for(current_slice(store), REVENUE_ONLY)


def slider_key(cut: int) -> str:
    return f"tb_cut_slider_{cut}"


def exact_key(cut: int) -> str:
    return f"tb_cut_exact_{cut}"


def csms_key(tier: int) -> str:
    return f"tb_csms_{tier}"


def hours_per_csm_key(tier: int) -> str:
    return f"tb_hours_per_csm_{tier}"


def cost_key(tier: int) -> str:
    return f"tb_cost_per_hour_{tier}"


def fingerprint(store: CustomerStore) -> tuple[object, ...]:
    # id(): two uploads of the same file are two datasets (each starts from suggested cut-offs),
    # but a reloaded source is the same data, renewed (its lineage): the view stays. The
    # criteria: revenue cut-offs mean nothing on a 0-100 score, and back.
    identity = store.lineage or (store.source, store.index.customers, id(store))
    return (identity, criteria().by)


def cuts() -> tuple[float, ...]:
    return st.session_state[CUTS]


def set_cuts(values: tuple[float, ...]) -> None:
    """Store the cut-offs and move every cut-off widget to match."""
    st.session_state[CUTS] = values
    for i, value in enumerate(values):
        st.session_state[slider_key(i)] = value
        st.session_state[exact_key(i)] = value


def plan(tier_count: int) -> Plan:
    """The service model in use: the service matrix and each tier's team, from the widgets."""
    teams = tuple(
        Team(
            csms=st.session_state[csms_key(t)],
            hours_per_csm=st.session_state[hours_per_csm_key(t)],
            cost_per_hour=st.session_state[cost_key(t)],
        )
        for t in range(tier_count)
    )
    return Plan(matrix=st.session_state[MATRIX], teams=teams)


def set_matrix(matrix: ServiceMatrix) -> None:
    st.session_state[MATRIX] = matrix
    st.session_state[MATRIX_VERSION] = st.session_state.get(MATRIX_VERSION, 0) + 1


def set_plan(new: Plan) -> None:
    """Put a plan in place: its matrix, and its teams into the team widgets."""
    set_matrix(new.matrix)
    for t, team in enumerate(new.teams):
        st.session_state[csms_key(t)] = team.csms
        st.session_state[hours_per_csm_key(t)] = team.hours_per_csm
        st.session_state[cost_key(t)] = team.cost_per_hour


def reset_for(store: CustomerStore, tier_count: int) -> None:
    """Suggested cut-offs and a team sized to them for `tier_count` tiers on `store`.

    The service matrix is the organisation's, not the data's: edits to it are kept (resized to
    the number of tiers).
    """
    start = default_cuts(index(store), tier_count)
    set_cuts(start)
    set_plan(plan_sized_to(store, start))


def plan_sized_to(store: CustomerStore, start: tuple[float, ...]) -> Plan:
    """Teams sized to the tiers these cut-offs make, with the service matrix in use.

    On the whole base, under a slice too: a team serves its whole tier, and a slice gets its
    share of it (lib.capacity.slice_team_shares).
    """
    in_use = st.session_state.get(MATRIX)
    matrix = None if in_use is None else in_use.with_tier_count(len(start) + 1)
    sized_on = index(store)
    if not current_slice(store).is_everything:
        by = criteria() if sized_on.key == "score" else REVENUE_ONLY
        sized_on = store.index_for(EVERYTHING, by)
    return Plan.default_for(summarize(sized_on, start), matrix)


def ensure_for(store: CustomerStore) -> None:
    """Initialise the state on first run and whenever the data changes."""
    if st.session_state.get(DATASET) != fingerprint(store):
        st.session_state[DATASET] = fingerprint(store)
        st.session_state[TIERS] = st.session_state.get(TIERS, DEFAULT_TIERS)
        reset_for(store, st.session_state[TIERS])
