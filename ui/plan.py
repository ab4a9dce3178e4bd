"""The Plan page's parts: suggested cut-offs, the service matrix editor, plan files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import planning, suggest
from lib.capacity import MAX_PLAN_FILE_MB, Plan, TierCapacity
from lib.dataset import Dataset
from lib.errors import InputError
from lib.export import to_csv_bytes
from lib.formatting import hours, markdown_text, plural
from lib.service_matrix import CADENCE_LABELS, MAX_HOURS_PER_YEAR, ServiceMatrix
from lib.tiering import TierIndex, TierSummary, tier_name
from ui import books, keys, state, tables
from ui.keys import (
    LIST_UNPROFITABLE,
    PLAN_FILE,
    PLAN_FILE_ERROR,
    PLAN_FILE_OPENED,
    matrix_editor_key,
    target_share_key,
)
from ui.keys import SUGGESTION as EXPLANATION
from ui.keys import TOP_CUSTOMER_CAP as CAP

# The widgets above (and the target shares) show figures kept in keys.TYPED: see ui/state.py.


def _target_name(tier_count: int, tier: int) -> str:
    # Per tier count: 40% for Tier 1 of three tiers says nothing about Tier 1 of five.
    return f"target_share_{tier_count}_{tier}"


def _target(tier_count: int, tier: int) -> int:
    default = round(suggest.DEFAULT_TARGET_SHARES[tier_count][tier] * 100)
    return state.typed(_target_name(tier_count, tier), default)


def _cap() -> int:
    return state.typed("top_customer_cap", round(suggest.DEFAULT_MAX_TOP_CUSTOMER_SHARE * 100))


def _targets(tier_count: int) -> list[float]:
    return [_target(tier_count, t) / 100 for t in range(tier_count - 1)]


def target_shares(tier_count: int) -> list[float]:
    """The target revenue shares of Tier 1, 2, ... as typed on this page (or the defaults)."""
    return _targets(tier_count)


def _keep_typed(name: str, widget_key: str) -> None:
    """Store what was typed into `widget_key` as the figure `name` (a cleared box keeps it)."""
    value = st.session_state.get(widget_key)
    if value is not None:
        state.set_typed(name, value)


def _apply(cuts: tuple[float, ...], explanation: suggest.Explanation) -> None:
    state.set_cuts(cuts)
    st.session_state[EXPLANATION] = (tuple(cuts), explanation.sentences)


def _on_shares(index: TierIndex, tier_count: int, capped: bool) -> None:
    _apply(*suggest.for_shares(index, _targets(tier_count), _cap() / 100 if capped else None))


def _on_fit(index: TierIndex, plan: Plan, whole: TierIndex | None) -> None:
    _apply(*planning.fit_teams(index, plan, whole))


def suggestions(index: TierIndex, plan: Plan, whole: TierIndex | None = None) -> None:
    """Three one-click suggestions, applied to the sliders, and why they landed where they did.

    `whole`: under a slice, the whole base. Each team serves its whole tier and a slice gets
    its share of it pro rata (lib.capacity.slice_team_shares), so a slice's tier fits exactly
    when the whole tier fits: the teams are fitted on the whole base.
    """
    tier_count = plan.tier_count
    shares, fit, cap = st.columns(3, border=True)
    with shares:
        st.markdown("**Hit revenue shares**")
        for t in range(tier_count - 1):
            key = target_share_key(t)
            state.show(key, _target(tier_count, t))  # the figure lives in keys.TYPED
            st.number_input(
                f"{tier_name(t + 1)} share of revenue (%)",
                value=None,  # a cleared box: None, the figure kept (ui/state.py)
                key=key,
                min_value=0,
                max_value=100,
                step=5,
                on_change=_keep_typed,
                args=(_target_name(tier_count, t), key),
                help="The cut-off is the customer value whose tier comes closest to this share.",
            )
        st.button(
            "Suggest for these shares",
            on_click=_on_shares,
            args=(index, tier_count, False),
            width="stretch",
            help="Moves the sidebar cut-offs to the ones that come closest to these shares.",
        )
    with fit:
        st.markdown("**Fit the teams**")
        st.caption(
            "The lowest Tier 1 cut-off whose accounts the Tier 1 team can carry, then the same "
            "for each tier below, with the teams and service hours of this page."
            + (
                " Under a slice, each team still serves its whole tier: the cut-offs fit the "
                "whole base, and the slice gets its share of each team."
                if whole is not None
                else ""
            )
        )
        st.button(
            "Suggest to fit the teams",
            on_click=_on_fit,
            args=(index, plan, whole),
            width="stretch",
            help="Moves the sidebar cut-offs so that each tier's team can carry its accounts.",
        )
    with cap:
        st.markdown("**Shares, with a cap on Tier 1**")
        state.show(CAP, _cap())
        st.number_input(
            "Most customers in Tier 1 (%)",
            value=None,  # a cleared box: None, the figure kept (ui/state.py)
            key=CAP,
            min_value=0,
            max_value=100,
            step=1,
            on_change=_keep_typed,
            args=("top_customer_cap", CAP),
            help="Tier 1 may hold at most this share of customers; within that, its revenue "
            "share comes as close to the target as it can.",
        )
        st.button(
            "Suggest with the cap",
            on_click=_on_shares,
            args=(index, tier_count, True),
            width="stretch",
            help="Like the shares above, with Tier 1 held under the cap on its customers.",
        )
    applied = st.session_state.get(EXPLANATION)
    if applied and tuple(applied[0]) == tuple(state.cuts()):
        sentences = [markdown_text(sentence) for sentence in applied[1]]
        st.info("\n\n".join(sentences), icon=":material/lightbulb:")


CADENCE_COLUMN = "When"  # the editor's cadence column (lib.service_matrix.CADENCE_LABELS)


def editor_frame(matrix: ServiceMatrix) -> pd.DataFrame:
    """The matrix as the editor shows it: when each service lands, then its hours per tier.

    Made once per matrix (a slider move reads it back: it does not depend on the cut-offs) and
    never changed in place: an edit is folded into a fresh frame of the matrix.
    """
    kept = st.session_state.get(keys.MATRIX_FRAME)
    if kept is None or kept[0] != matrix:
        frame = matrix.to_frame()
        frame.insert(0, CADENCE_COLUMN, [CADENCE_LABELS[s.cadence] for s in matrix.services])
        kept = (matrix, frame)
        st.session_state[keys.MATRIX_FRAME] = kept
    return kept[1]


def _on_matrix_edit(editor_key: str, base: ServiceMatrix) -> None:
    """Fold the table editor's changes into the matrix (a fresh editor starts from it)."""
    edits = st.session_state[editor_key]
    frame = base.to_frame()
    services = list(base.services)
    by_label = {label: cadence for cadence, label in CADENCE_LABELS.items()}
    for row, changes in edits.get("edited_rows", {}).items():
        for column, value in changes.items():
            if column == CADENCE_COLUMN:  # a cleared choice keeps the cadence it had
                cadence = by_label.get(value, services[int(row)].cadence)
                services[int(row)] = services[int(row)].with_cadence(cadence)
                continue
            position = frame.columns.get_loc(column)
            assert isinstance(position, int), f"the matrix has one column named {column!r}"
            frame.iloc[int(row), position] = value
    try:
        state.set_matrix(ServiceMatrix.from_frame(frame, services=services))
    except InputError as error:
        st.session_state[PLAN_FILE_ERROR] = str(error)
        state.set_matrix(base)


def matrix_editor(plan: Plan) -> None:
    """The service matrix: services x tiers, hours per account per year (0 = not offered)."""
    version = st.session_state.get(keys.MATRIX_VERSION, 0)
    editor_key = matrix_editor_key(version)
    frame = editor_frame(plan.matrix)
    st.data_editor(
        frame,
        key=editor_key,
        on_change=_on_matrix_edit,
        args=(editor_key, plan.matrix),
        num_rows="fixed",
        width="stretch",
        column_config={
            column: st.column_config.NumberColumn(
                column,
                min_value=0.0,
                max_value=MAX_HOURS_PER_YEAR,
                step=0.25,
                format="%.2f h",
                help=f"Hours per account a year (0 to {MAX_HOURS_PER_YEAR:,.0f})",
            )
            for column in frame.columns
            if column != CADENCE_COLUMN
        }
        | {
            CADENCE_COLUMN: st.column_config.SelectboxColumn(
                CADENCE_COLUMN,
                options=list(CADENCE_LABELS.values()),
                required=True,
                help="When in the year the service's hours land (the Confidence page's months): "
                "in the renewal month, every quarter from it, every month, in the first 90 days "
                "after customer_since, or spread over the year. Annual hours stay the same.",
            )
        },
    )
    totals = " · ".join(
        f"{tier_name(t + 1)}: {hours(h)}" for t, h in enumerate(plan.matrix.hours_per_account())
    )
    st.caption(f"Hours per account per year (column sums): {totals}.")  # markdown-safe: hours
    left, right = st.columns(2)
    left.button(
        "Reset to practice defaults",
        on_click=lambda: state.set_matrix(ServiceMatrix.default(plan.tier_count)),
        help="Named CSM and a small book for the top tier, automation in the middle, "
        "self-service for the tail.",
    )
    right.download_button(
        "Download this plan (TOML)",
        data=books.plan_file_text(plan),
        file_name="tierboard-plan.toml",
        mime="application/toml",
        on_click="ignore",  # a rerun on the click could replace the file the click opens
        help="The service matrix and teams, to keep, share, or use with `tierboard summarize "
        "--plan`.",
    )


def _on_plan_file(dataset: Dataset) -> None:
    uploaded = st.session_state.get(PLAN_FILE)
    if uploaded is None:
        return
    try:
        loaded = Plan.from_toml(uploaded.getvalue().decode("utf-8"))
    except (InputError, UnicodeDecodeError) as error:
        st.session_state[PLAN_FILE_ERROR] = f"{uploaded.name}: {error}"
        st.session_state.pop(PLAN_FILE_OPENED, None)
        return
    if loaded.tier_count != st.session_state[keys.TIERS]:
        st.session_state[keys.TIERS] = loaded.tier_count
        state.reset_cuts(dataset, loaded.tier_count)  # cut-offs for that many tiers
    try:
        roster = books.roster_of_plan_file(uploaded.getvalue().decode("utf-8"))
    except InputError as error:
        st.session_state[PLAN_FILE_ERROR] = f"{uploaded.name}: {error}"
        st.session_state.pop(PLAN_FILE_OPENED, None)
        return
    st.session_state.pop(PLAN_FILE_ERROR, None)
    state.set_plan(loaded)
    if roster is not None:
        books.set_roster(dataset, roster)
    st.session_state[PLAN_FILE_OPENED] = plan_file_opened(uploaded.name, loaded)


def plan_file(dataset: Dataset) -> None:
    st.file_uploader(
        "Open a plan file",
        type=["toml"],
        key=PLAN_FILE,
        on_change=_on_plan_file,
        args=(dataset,),
        max_upload_size=MAX_PLAN_FILE_MB,
        help="A plan saved from this page (service matrix and teams).",
    )
    if st.session_state.get(PLAN_FILE_ERROR):
        st.error(markdown_text(st.session_state[PLAN_FILE_ERROR]), icon=":material/warning:")
    elif st.session_state.get(PLAN_FILE) is not None and st.session_state.get(PLAN_FILE_OPENED):
        st.success(markdown_text(st.session_state[PLAN_FILE_OPENED]), icon=":material/task_alt:")


def plan_file_opened(name: str, opened: Plan) -> str:
    """The confirmation a plan file gets: "Opened plan team.toml: 10 services, 3 tiers."."""
    services = plural(len(opened.matrix.services), "service")
    return f"Opened plan {name}: {services}, {plural(opened.tier_count, 'tier')}."


def unprofitable_list(dataset: Dataset, index: TierIndex, plan: Plan, counts: tuple) -> None:
    total = sum(counts)
    if not total:
        return
    if st.toggle(
        f"List the {plural(total, 'unprofitable account')}",
        key=LIST_UNPROFITABLE,
        help="Accounts whose revenue does not cover their cost: their tier's CSM hours at the "
        "team's cost per hour, plus any cost to serve in the data. Worst margin first.",
    ):
        frame = dataset.unprofitable(
            state.current_slice(dataset), state.criteria(), state.cuts(), plan
        )
        tables.show(frame.head(500), dataset.currency, height=260)
        st.download_button(
            "Download them (CSV)",
            # Bytes, not a callable: Streamlit 1.67 can lose a deferred download's answer to a
            # rerun that starts as it is pressed (see ui/scenarios.py, exports).
            data=to_csv_bytes(frame),
            file_name="unprofitable-accounts.csv",
            mime="text/csv",
            on_click="ignore",
            help="Every unprofitable account in this view (the table shows the first 500).",
        )


def capacities(
    dataset: Dataset, index: TierIndex, summary: TierSummary, current: Plan
) -> tuple[TierCapacity, ...]:
    """Load, cost and margin per tier on screen (lib.planning.capacities: under a slice, each
    tier's hours available are the slice's share of its team)."""
    part, criteria = state.current_slice(dataset), state.criteria()
    return planning.capacities(dataset, index, summary, current, part=part, criteria=criteria)


def whole_index(dataset: Dataset, index: TierIndex) -> TierIndex | None:
    """Under a slice, the whole base keyed like `index`; None without a slice."""
    criteria = planning.in_effect(index, state.criteria())
    return planning.whole_index(dataset, state.current_slice(dataset), criteria)
