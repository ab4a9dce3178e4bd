"""The Who-moves page's parts: the migration, the movers, one customer's placement, near misses."""

from __future__ import annotations

import streamlit as st

from lib import views
from lib.adoption import AdoptionInfo, record_words
from lib.criteria import COMPONENTS
from lib.dataset import Baseline, Dataset
from lib.errors import InputError
from lib.explain import near_misses as near_misses_of
from lib.explain import place, rank_distance
from lib.export import to_csv_bytes
from lib.formatting import count, markdown_text, money, percent, plural
from lib.tiering import TierIndex, tier_name
from ui import keys, state, tables
from ui import scenarios as ui_scenarios
from ui.keys import (
    EXPLAIN_PICK,
    EXPLAIN_QUERY,
    MIGRATION_BASELINE,
    MOVER_DIRECTIONS,
    MOVERS_FILE,
    MOVERS_GRID,
    NEAR_GRID,
    NEAR_WITHIN,
)

DIRECTIONS = {"up": "Up a tier", "down": "Down a tier", "changed": "Changed tier"}


# The tier of record among the options: no scenario name holds a control character.
RECORD = "\x1ftier of record"
PREVIEW = 500  # movers and near misses listed in the grid; the download has every mover
# Rows of a list shown as the page's own table: what a room reads (the largest movers, the
# nearest to a line). The grid of the first PREVIEW is a toggle away: glide-data-grid redraws
# its canvas and its hidden table last, and two of them cost ~195 ms of each slider move in
# Chromium at 1M customers (settled 312 -> 117 ms without them; bench/browser_pages.py).
SHORT_LIST = 10


def grid_toggle(name: str, widget_key: str, label: str) -> bool:
    """Whether to list the first PREVIEW rows in a grid (sort, search, scroll) rather than the
    SHORT_LIST in a table; the choice stays through a trip to another page (`TYPED`)."""
    return st.toggle(  # markdown-safe: the callers' constant labels, counts in the help
        label,
        key=widget_key,
        on_change=state.keep_typed,
        args=state.drawn_typed(name, widget_key, False),
        help=f"A grid of the first {PREVIEW:,} you can sort, search and scroll; off: the first "
        f"{SHORT_LIST} as a table, quicker to redraw on each slider move and larger to read.",
    )


def migration(dataset: Dataset, baseline: Baseline | None, against: str) -> None:
    """The from -> to matrix, its headline, and the movers, filterable and downloadable.

    A move costs a binary search per tier of origin and a look at the biggest accounts until
    500 movers are found (lib/movers.py); every mover is listed only for the download, on
    request.
    """
    part, criteria, cuts = state.current_slice(dataset), state.criteria(), state.cuts()
    try:
        flows = dataset.flows(part, criteria, cuts, baseline)
    except InputError as error:
        st.info(markdown_text(error), icon=":material/info:")
        return
    st.markdown(f"### {markdown_text(flows.headline(dataset.currency))}")
    st.caption(
        f"From {markdown_text(against)} to the cut-offs on screen; green moves up, orange down."
    )
    st.html(views.migration_html(flows, dataset.currency))
    present = {f.direction for f in flows.flows if f.moved}
    options = [d for d in DIRECTIONS if d in present]
    if not options:
        return
    shown = st.multiselect(
        "Show movers",
        options=options,
        default=options,
        format_func=DIRECTIONS.__getitem__,
        key=MOVER_DIRECTIONS,
        help="Which movers to list and download.",
    )
    listed = sum(f.customers for f in flows.flows if f.moved and f.direction in shown)
    grid = listed > SHORT_LIST and grid_toggle(
        "movers_grid", MOVERS_GRID, f"Browse the first {PREVIEW:,} movers in a grid"
    )
    preview = dataset.movers(
        part, criteria, cuts, baseline, shown=shown, limit=PREVIEW if grid else SHORT_LIST
    )
    if grid:
        tables.show(preview, dataset.currency, height=280)
    else:
        st.html(views.rows_html(preview, dataset.currency, money_columns=("annual_revenue",)))
        if listed > SHORT_LIST:
            st.caption(  # markdown-safe: counts
                f"The {SHORT_LIST} with the most revenue of the {plural(listed, 'mover')} "
                "listed: every one is in the CSV below."
            )
    made_from = (state.fingerprint(dataset), part, criteria, tuple(cuts), baseline, tuple(shown))
    _movers_file(dataset, made_from, listed)


def _movers_file(dataset: Dataset, made_from: tuple, listed: int) -> None:
    """ "Prepare", then the download of every mover listed (bytes, not a callable: see
    ui/scenarios.py's tier lists). Writing 100k movers takes seconds: never on a slider move."""
    if not listed:
        return
    slot = st.empty()
    kept = st.session_state.get(MOVERS_FILE)
    if kept is None or kept[0] != made_from:
        st.session_state.pop(MOVERS_FILE, None)  # made for another view: never offered here
        if not slot.button(
            f"Prepare the {plural(listed, 'mover')} (CSV)",
            key=keys.PREPARE_MOVERS,
            help="Writes every mover listed above (not just the first 500); its download "
            "button follows.",
        ):
            return
        part, criteria, cuts, baseline, shown = made_from[1:]
        with st.spinner(f"Writing the {plural(listed, 'mover')}…"):
            movers = dataset.movers(part, criteria, cuts, baseline, shown=shown)
            kept = (made_from, to_csv_bytes(movers))
        st.session_state[MOVERS_FILE] = kept
    slot.download_button(
        f"Download the {plural(listed, 'mover')} (CSV)",
        data=kept[1],
        file_name="movers.csv",
        mime="text/csv",
        on_click="ignore",  # a rerun on the click could replace the file the click opens
        help="Every customer listed above (not just the first 500), formula-safe.",
    )


def _distance(
    gap: float | None, ranks: int | None, score: bool, towards: str, currency: str
) -> str:
    if gap is None or ranks is None:
        return f"Already in the {'top' if towards == 'up' else 'last'} tier."
    amount = f"{gap:.1f} points" if score else money(gap, currency)
    return rank_distance(amount, ranks, towards)


def placement(dataset: Dataset, index: TierIndex) -> None:
    """Search a customer; say where it sits, why, and how far from the tiers around it."""
    text = st.text_input(
        "Find a customer",
        key=EXPLAIN_QUERY,
        placeholder="Customer id or name",
        help="Any part of the id or the name, in any case.",
    )
    if not text.strip():
        return
    found = dataset.find(text)
    if found.empty:
        st.info(
            f"No customer's id or name contains “{markdown_text(text)}”.",
            icon=":material/search_off:",
        )
        return
    labels = {
        int(row): f"{customer_id} — {name}" if isinstance(name, str) else str(customer_id)
        for row, customer_id, name in zip(
            found["row"].tolist(),
            found["customer_id"].tolist(),
            found["customer_name"].tolist(),
            strict=True,
        )
    }
    row = st.selectbox(
        "Customer",
        options=list(labels),
        format_func=labels.__getitem__,
        key=EXPLAIN_PICK,
        help="The customers whose id or name matches the search above.",
    )
    if row is not None:  # always, in fact: the options are not empty and none is unselected
        _placement_card(dataset, index, row)


def _share_of_customers(share: float) -> str:
    # "above 100% of customers" would be wrong for the top account: keep the digits that matter.
    return f"{share * 100:.2f}%" if 0.995 <= share < 1 else percent(share)


def _placement_card(dataset: Dataset, index: TierIndex, row: int) -> None:
    criteria = state.criteria()
    value = float(dataset.keys(criteria)[row])
    where = place(index, state.cuts(), value)
    record = dataset.customer(row)
    score = index.key == "score"
    shown = f"score {value:.1f}" if score else money(value, dataset.currency)
    st.markdown(
        f"**{markdown_text(record['customer_id'])}** "
        f"{markdown_text(record.get('customer_name') or '')} is in "
        f"**{markdown_text(where.tier_name)}** with {markdown_text(shown)}: rank "
        f"{count(where.rank)} of "
        f"{count(where.customers)}, above {_share_of_customers(where.percentile)} of customers."
    )
    lines = [
        f"- {tier_name(t + 1)} starts at {f'{cut:g}' if score else money(cut, dataset.currency)}: "
        f"{'at or above' if value >= cut else 'below'}."
        for t, cut in enumerate(state.cuts())
    ]
    lines.append(f"- Up: {_distance(where.up_gap, where.up_ranks, score, 'up', dataset.currency)}")
    lines.append(
        f"- Down: {_distance(where.down_gap, where.down_ranks, score, 'down', dataset.currency)}"
    )
    st.markdown("\n".join(lines))
    if score:
        scored = dataset.score(criteria)
        parts = {COMPONENTS[c]: float(points[row]) for c, points in scored.contributions.items()}
        st.html(views.score_parts_html(parts, float(scored.values[row])))
    st.caption(
        "Current tier in the data: "
        + markdown_text(record.get("current_tier") or "none")
        + (f" · Owner: {markdown_text(record['csm_owner'])}" if record.get("csm_owner") else "")
    )


def near_misses(dataset: Dataset, index: TierIndex) -> None:
    """Customers within a chosen distance of a cut-off: the ones people argue about."""
    within = st.slider(
        "Within this distance of a cut-off (%)",
        min_value=1,
        max_value=25,
        value=5,
        key=NEAR_WITHIN,
        help="Relative to the cut-off: 5% of $50K is $2.5K either side.",
    )
    found = near_misses_of(index, state.cuts(), within / 100, SHORT_LIST)
    grid = found.count > SHORT_LIST and grid_toggle(
        "near_grid", NEAR_GRID, f"Browse the first {PREVIEW:,} in a grid"
    )
    if grid:
        found = near_misses_of(index, state.cuts(), within / 100, PREVIEW)
    nearest = "" if grid or found.count <= SHORT_LIST else f"; the {SHORT_LIST} nearest below"
    said = f"{plural(found.count, 'customer')} within {within:d}% of a cut-off{nearest}."
    st.caption(said)  # markdown-safe: counts and a constant phrase
    if not found.count:
        return
    by_score = index.key == "score"
    frame = dataset.rows(
        index.columns["row"][found.positions],
        {
            "score" if by_score else "annual_revenue": found.keys,
            "nearest cut-off": found.nearest,
            "distance": found.distance,
        },
    )
    if grid:
        tables.show(
            frame,
            dataset.currency,
            money=() if by_score else ("nearest cut-off",),
            height=260,
            column_config={"distance": st.column_config.NumberColumn("Distance", format="percent")},
        )
        return
    money_columns = () if by_score else ("annual_revenue", "nearest cut-off")
    st.html(views.rows_html(frame, dataset.currency, money_columns, distance_columns=("distance",)))


def baseline_choice(
    scenarios: list, has_current: bool, record: AdoptionInfo | None = None
) -> tuple[Baseline | None, str]:
    """Compare against the tier of record (the default, when a plan was adopted), the data's
    current tiers or a saved scenario; returns (baseline, words)."""
    options = (
        ([RECORD] if record is not None else [])
        + (["current"] if has_current else [])
        + [s.name for s in scenarios]
    )
    if not options:
        return None, "today's tiers"
    recorded = f"Tier of record ({record_words(record, by=False)})" if record is not None else ""
    choice = st.selectbox(
        "Compare with",
        options=options,
        format_func=lambda o: (
            recorded
            if o == RECORD
            else "Today's tiers (the file's current tier column)"
            if o == "current"
            else f"Saved: {o}"
        ),
        key=MIGRATION_BASELINE,
        help="The tier of record (the plan last adopted, account by account), today's "
        "assignment from the data, or the cut-offs of a saved scenario.",
    )
    if choice == RECORD and record is not None:
        baseline = ui_scenarios.record_baseline(record)
        if baseline is not None:
            return baseline, f"the tier of record ({record_words(record, by=False)})"
        return None, "today's tiers"
    if choice == "current":
        return None, "today's tiers"
    saved = next(s for s in scenarios if s.name == choice)
    return (saved.scenario.criteria, saved.scenario.cuts), f"“{choice}”"
