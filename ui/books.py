"""The Books page's parts: the roster (edited, uploaded, downloaded), the rules, the proposal
on demand, every CSM's book before and after, and the movers file.

Everything a person sets lives under keys no widget owns (ui/keys.py: ROSTER, BOOK_RULES,
PROPOSAL): the widgets are drawn from it and write back to it, so a roster edit survives
Tiers -> Books -> Plan -> Books in the browser (PITFALLS: a keyed widget's value is dropped when a
page without it runs). The proposal is made only when "Propose assignment" is pressed and kept
with what it was made for; a rerun (a slider move) compares that, never calls the solver.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lib import charts, views
from lib.accounts import accounts_of
from lib.books import CsmBook, csm_books
from lib.capacity import Plan, plan_file_roster, with_roster
from lib.dataset import Dataset
from lib.errors import InputError
from lib.export import to_csv_bytes, xlsx_bytes
from lib.formatting import cut_label, markdown_text, plural
from lib.roster import COLUMNS as ROSTER_COLUMNS
from lib.roster import (
    MAX_ROSTER_FILE_MB,
    Roster,
    against_teams,
    every_tier_name,
    infer_roster,
    read_roster_csv,
    roster_csv,
    tier_names_for,
)
from lib.tiering import TierIndex, tier_name
from lib.views import ALERT_SIGN
from ui import book_adapter, keys, state, tables

PREVIEW = 200  # movers listed on the page; the files have every one
RENEWAL_DAYS = 60  # the default: never move an account renewing within 60 days
# A pins file lands in a text box: 1M pins are ~30 MB, more than a browser box should hold.
MAX_PINS_FILE_MB = 20


# --- the roster -------------------------------------------------------------------------------


def tier_names(tier_count: int) -> list[str]:
    return [tier_name(t) for t in range(1, tier_count + 1)]


def owners(dataset: Dataset) -> list[str]:
    """Today's owners (the index's owner codes name them)."""
    found = dataset.dimensions.get("csm_owner")
    return list(found.labels) if found is not None else []


def _data_of(dataset: Dataset) -> object:
    return state.fingerprint(dataset)[0]  # the data, whatever the criteria


def current_roster(dataset: Dataset, index: TierIndex, plan: Plan) -> Roster:
    """The roster in use: inferred from the data the first time (and again for a new number of
    tiers until someone edits it), then as edited, uploaded or opened with a scenario."""
    kept = st.session_state.get(keys.ROSTER)
    tier_count = len(state.cuts()) + 1
    if kept is None or kept[0] != _data_of(dataset) or (not kept[3] and kept[1] != tier_count):
        inferred = infer_roster(
            accounts_of(dataset, index),
            state.cuts(),
            plan.matrix.hours_per_account(),
            [team.hours_per_csm for team in plan.teams],
        )
        kept = (_data_of(dataset), tier_count, inferred, False)
        st.session_state[keys.ROSTER] = kept
        _fresh_editor()
    return kept[2]


def edited_roster(dataset: Dataset) -> Roster | None:
    """The roster someone edited, uploaded or opened for this data (None: the data's own)."""
    kept = st.session_state.get(keys.ROSTER)
    if kept is None or kept[0] != _data_of(dataset) or not kept[3]:
        return None
    return kept[2]


def plan_file_text(plan: Plan) -> str:
    """The plan file (TOML) the Plan page offers, with the roster when someone edited it."""
    kept = st.session_state.get(keys.ROSTER)
    if kept is None or not kept[3]:
        return plan.to_toml()
    return with_roster(plan.to_toml(), roster_bytes(kept[2], plan.tier_count).decode("utf-8"))


def roster_of_plan_file(text: str) -> Roster | None:
    """The roster a plan file carries (None: none); InputError with the reason."""
    found = plan_file_roster(text)
    if found is None:
        return None
    try:
        # As saved: a roster kept through a drop in the tier count names the tiers it serves.
        return read_roster_csv(found.encode("utf-8"), every_tier_name())
    except InputError as error:
        raise InputError(f"its roster: {error}") from None


def set_roster(dataset: Dataset, value: Roster) -> None:
    """Put a roster in use, as typed (a new number of tiers keeps it)."""
    st.session_state[keys.ROSTER] = (_data_of(dataset), len(state.cuts()) + 1, value, True)
    _fresh_editor()


def _fresh_editor() -> None:
    st.session_state[keys.ROSTER_VERSION] = st.session_state.get(keys.ROSTER_VERSION, 0) + 1


def roster_frame(value: Roster, tier_count: int) -> pd.DataFrame:
    """The roster as the editor shows it: one row per CSM or pool, the CSV's columns.

    Made once per roster (it does not depend on the cut-offs: a slider move reads it back) and
    never changed in place: the editor's callback edits a copy.
    """
    kept = st.session_state.get(keys.ROSTER_FRAME)
    if kept is None or kept[0] != (value, tier_count):
        text = roster_bytes(value, tier_count).decode("utf-8")
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        for column in ("hours", "headcount"):
            frame[column] = pd.to_numeric(frame[column])
        kept = ((value, tier_count), frame[list(ROSTER_COLUMNS)])
        st.session_state[keys.ROSTER_FRAME] = kept
    return kept[1]


def roster_bytes(value: Roster, tier_count: int) -> bytes:
    """The roster's CSV (what `tierboard assign --roster` reads): written once per roster.
    A roster typed for more tiers than the cut-offs make now keeps its tiers (the proposal
    then says which entry to fix)."""
    kept = st.session_state.get(keys.ROSTER_CSV)
    if kept is None or kept[0] != (value, tier_count):
        kept = ((value, tier_count), roster_csv(value, tier_names_for(value, tier_count)))
        st.session_state[keys.ROSTER_CSV] = kept
    return kept[1]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # an empty cell
        return ""
    return str(value).strip()


def _on_roster_edit(dataset: Dataset, editor_key: str, base: pd.DataFrame, tiers: int) -> None:
    """Fold the editor's changes into the roster, through the roster CSV's own checks."""
    edits = st.session_state[editor_key]
    frame = base.copy()
    for row, changes in edits.get("edited_rows", {}).items():
        for column, value in changes.items():
            frame.loc[frame.index[int(row)], column] = value
    frame = frame.drop(index=[frame.index[int(row)] for row in edits.get("deleted_rows", [])])
    added = [r for r in edits.get("added_rows", []) if any(_cell(v) for v in r.values())]
    if added:
        frame = pd.concat([frame, pd.DataFrame(added)], ignore_index=True)
    rows = [[_cell(v) for v in row] for row in frame[list(ROSTER_COLUMNS)].itertuples(index=False)]
    text = pd.DataFrame(rows, columns=list(ROSTER_COLUMNS)).to_csv(index=False)
    try:
        set_roster(dataset, read_roster_csv(text.encode("utf-8"), tier_names(tiers)))
        st.session_state.pop(keys.ROSTER_ERROR, None)
    except InputError as error:
        st.session_state[keys.ROSTER_ERROR] = str(error)
        _fresh_editor()  # the editor shows the roster in use again, not the refused edit


def _on_roster_file(dataset: Dataset, tiers: int) -> None:
    uploaded = st.session_state.get(keys.ROSTER_FILE)
    if uploaded is None:
        return
    try:
        loaded = read_roster_csv(uploaded.getvalue(), tier_names(tiers))
    except InputError as error:
        st.session_state[keys.ROSTER_ERROR] = f"{uploaded.name}: {error}"
        return
    set_roster(dataset, loaded)
    st.session_state.pop(keys.ROSTER_ERROR, None)


def _on_roster_reset() -> None:
    st.session_state.pop(keys.ROSTER, None)
    st.session_state.pop(keys.ROSTER_ERROR, None)
    _fresh_editor()


def roster_editor(dataset: Dataset, value: Roster, tier_count: int) -> None:
    """The roster, editable: rows added or deleted, tiers, hours and headcounts typed."""
    editor_key = keys.roster_editor_key(st.session_state.get(keys.ROSTER_VERSION, 0))
    frame = roster_frame(value, tier_count)
    st.data_editor(
        frame,
        key=editor_key,
        on_change=_on_roster_edit,
        args=(dataset, editor_key, frame, tier_count),
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        column_config={
            "csm": st.column_config.TextColumn("CSM", help="A person, or a pooled team"),
            "tiers": st.column_config.TextColumn(
                "Tiers served", help='"Tier 1", or several: "Tier 2;Tier 3"'
            ),
            "hours": st.column_config.NumberColumn(
                "Hours a year (each)",
                min_value=0.0,
                step=50.0,
                format="%.0f",
                help="Customer-facing hours a year of one person",
            ),
            "headcount": st.column_config.NumberColumn(
                "Headcount",
                min_value=0.0,
                step=1.0,
                format="%g",
                help="1 for a person, N for a pool",
            ),
            "region": st.column_config.TextColumn("Region", help="Optional: the region they cover"),
            "account_cap": st.column_config.TextColumn(
                "Account cap", help="Optional: at most this many accounts in the book"
            ),
        },
    )
    if st.session_state.get(keys.ROSTER_ERROR):
        st.error(markdown_text(st.session_state[keys.ROSTER_ERROR]), icon=":material/warning:")
    upload, download, reset = st.columns(3)
    upload.file_uploader(
        "Open a roster (CSV)",
        type=["csv"],
        key=keys.ROSTER_FILE,
        max_upload_size=MAX_ROSTER_FILE_MB,
        on_change=_on_roster_file,
        args=(dataset, tier_count),
        help="Columns csm, tiers, hours; optional headcount (default 1), region, account_cap.",
    )
    download.download_button(
        "Download the roster (CSV)",
        # Bytes, not a callable: Streamlit 1.67 can lose a deferred download's answer to a
        # rerun that starts as it is pressed (PITFALLS); written once per roster.
        data=roster_bytes(value, tier_count),
        file_name="roster.csv",
        mime="text/csv",
        on_click="ignore",
        help="The roster as edited here, to keep or for `tierboard assign --roster`.",
    )
    reset.button(
        "Start again from the data",
        key=keys.ROSTER_RESET,
        on_click=_on_roster_reset,
        help="Every csm_owner, the tiers of the accounts they own today, the teams' hours.",
    )


# --- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleChoice:
    """The rules as the person set them (kept in BOOK_RULES)."""

    keep_region: bool = False
    renewal_days: int = RENEWAL_DAYS
    max_moves: int = 0  # 0: no cap
    revenue_weighted: bool = False
    pins: str = ""  # "customer_id,csm" lines


def rules_choice() -> RuleChoice:
    """The rules in use (the defaults until someone changes one)."""
    return st.session_state.get(keys.BOOK_RULES, RuleChoice())


def _on_rule(field: str, widget_key: str) -> None:
    value = st.session_state[widget_key]
    current = rules_choice()
    st.session_state[keys.BOOK_RULES] = RuleChoice(**{**asdict(current), field: value})


def _on_pins_file() -> None:
    uploaded = st.session_state.get(keys.PINS_FILE)
    if uploaded is None:
        return
    if uploaded.size > MAX_PINS_FILE_MB * 1024 * 1024:
        st.session_state[keys.PINS_ERROR] = (
            f"{uploaded.name} is larger than {MAX_PINS_FILE_MB} MB; give the pinned accounts only."
        )
        return
    try:
        text = uploaded.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        st.session_state[keys.PINS_ERROR] = f"{uploaded.name}: save the pins as CSV (UTF-8)."
        return
    st.session_state.pop(keys.PINS_ERROR, None)
    current = rules_choice()
    st.session_state[keys.BOOK_RULES] = RuleChoice(**{**asdict(current), "pins": text.strip()})


def rule_inputs(dataset: Dataset) -> RuleChoice:
    """The rules the proposal follows; each widget drawn from BOOK_RULES, written back to it."""
    choice = rules_choice()
    left, middle, right = st.columns(3)
    if "region" in dataset.dimensions:
        state.show(keys.RULE_REGION, choice.keep_region)
        left.toggle(
            "Keep accounts in their region",
            key=keys.RULE_REGION,
            on_change=_on_rule,
            args=("keep_region", keys.RULE_REGION),
            help="An account moves only to a CSM who covers its region (roster column region).",
        )
    state.show(keys.RULE_WEIGHTED, choice.revenue_weighted)
    left.toggle(
        "Least ARR moved",
        key=keys.RULE_WEIGHTED,
        on_change=_on_rule,
        args=("revenue_weighted", keys.RULE_WEIGHTED),
        help="Minimise the revenue changing hands instead of the number of accounts.",
    )
    if "renewal_date" in dataset.columns:
        state.show(keys.RULE_RENEWAL, choice.renewal_days)
        middle.number_input(
            "Never move an account renewing within (days)",
            value=None,  # a cleared box: None, the figure kept (ui/state.py)
            key=keys.RULE_RENEWAL,
            min_value=0,
            max_value=3650,
            step=15,
            on_change=_on_rule,
            args=("renewal_days", keys.RULE_RENEWAL),
            help="0 lets any account move, whatever its renewal date.",
        )
    state.show(keys.RULE_MAX_MOVES, choice.max_moves)
    middle.number_input(
        "Cap on moves (0 = no cap)",
        value=None,  # a cleared box: None, the figure kept (ui/state.py)
        key=keys.RULE_MAX_MOVES,
        min_value=0,
        max_value=10_000_000,
        step=10,
        on_change=_on_rule,
        args=("max_moves", keys.RULE_MAX_MOVES),
        help="At most this many accounts change hands.",
    )
    state.show(keys.PINS_TEXT, choice.pins)
    right.text_area(
        "Pinned accounts (customer_id,csm a line)",
        key=keys.PINS_TEXT,
        on_change=_on_rule,
        args=("pins", keys.PINS_TEXT),
        height=90,
        help="These accounts go to (or stay with) the CSM named, whatever else moves.",
    )
    right.file_uploader(
        "…or open a pins file (CSV)",
        type=["csv"],
        key=keys.PINS_FILE,
        max_upload_size=MAX_PINS_FILE_MB,
        on_change=_on_pins_file,
        help="Two columns: customer_id, csm.",
    )
    if st.session_state.get(keys.PINS_ERROR):
        st.error(markdown_text(st.session_state[keys.PINS_ERROR]), icon=":material/warning:")
    return rules_choice()


# --- the proposal ---------------------------------------------------------------------------


def _made_for(dataset: Dataset, plan: Plan, value: Roster, choice: RuleChoice) -> tuple[Any, ...]:
    """What a proposal depends on: when any of it changes, the proposal is out of date."""
    return (
        state.fingerprint(dataset),
        tuple(state.cuts()),
        state.criteria(),
        state.current_slice(dataset),
        tuple(plan.matrix.hours_per_account()),
        value,
        choice,
    )


def _on_propose(
    dataset: Dataset, index: TierIndex, plan: Plan, value: Roster, choice: RuleChoice
) -> None:
    made_for = _made_for(dataset, plan, value, choice)
    try:
        made = book_adapter.propose(dataset, index, state.cuts(), plan, value, choice=choice)
    except InputError as error:
        st.session_state[keys.PROPOSAL_ERROR] = str(error)
        return
    st.session_state.pop(keys.PROPOSAL_ERROR, None)
    st.session_state[keys.PROPOSAL] = (made_for, tuple(state.cuts()), made)
    st.session_state.pop(keys.BOOK_MOVER_FILES, None)


def proposal_in_use(
    dataset: Dataset,
    index: TierIndex,
    plan: Plan,
    value: Roster,
    choice: RuleChoice,
) -> Any | None:
    """The proposal made for what is on screen, or None; a button to make one (again), and
    when the one kept is out of date, a sentence saying so and for which cut-offs it was made."""
    kept = st.session_state.get(keys.PROPOSAL)
    if kept is not None and kept[0][0][0] != _data_of(dataset):
        # Made on other data (a file loaded since): not this data's proposal, out of date or not.
        st.session_state.pop(keys.PROPOSAL, None)
        st.session_state.pop(keys.BOOK_MOVER_FILES, None)
        kept = None
    current = kept is not None and kept[0] == _made_for(dataset, plan, value, choice)
    stale = kept is not None and not current
    if kept is not None and stale:
        made_at = " / ".join(cut_label(c, dataset.currency) for c in kept[1])
        st.warning(
            markdown_text(
                f"The proposal is out of date: it was made for cut-offs {made_at}, and the "
                "cut-offs, the roster or the rules have changed since. The figures below are "
                "today's books; propose again to see who would serve which account now."
            ),
            icon=":material/update:",
        )
    st.button(
        "Propose again" if stale else "Propose assignment",
        type="primary",
        key=keys.PROPOSE,
        on_click=_on_propose,
        args=(dataset, index, plan, value, choice),
        help="Every account to one CSM who serves its tier and has the hours, with the fewest "
        "handovers.",
    )
    if st.session_state.get(keys.PROPOSAL_ERROR):
        st.error(markdown_text(st.session_state[keys.PROPOSAL_ERROR]), icon=":material/warning:")
    return kept[2] if kept is not None and current else None


def books_view(
    dataset: Dataset, index: TierIndex, plan: Plan, value: Roster, made: Any | None
) -> list[CsmBook]:
    """Every CSM's book today (lib.books' owner runs: no solver) and under the proposal."""
    after = None if made is None else book_adapter.after_books(made, len(plan.teams))
    return csm_books(index, state.cuts(), plan, owners(dataset), value.entries, after=after)


def show_books(books: list[CsmBook], tier_count: int, currency: str, after: bool) -> None:
    """The chart a room reads (the most loaded CSMs) and the table of every CSM."""
    if not books:  # no csm_owner and no roster yet: an empty chart and table say nothing
        st.caption("No books yet: nobody owns an account in this data and the roster is empty.")
        return
    st.html(views.chart_title_html(charts.books_title(books, after), "books_title"))
    st.plotly_chart(charts.books_figure(books, after), key=keys.BOOKS_CHART)
    more = charts.books_more(books)
    if more:
        st.caption(more)  # markdown-safe: counts
    st.html(views.csm_books_html(books, tier_count, currency, after=after))
    st.caption(  # markdown-safe: constant wording
        f"{ALERT_SIGN} and vermillion mark a CSM over capacity: their accounts need more hours "
        "than they have (a pool: its headcount's hours). Load: hours needed over hours available."
    )


def roster_note(value: Roster, plan: Plan) -> None:
    """Say when the roster's hours are not the Plan page's teams' (lib.roster.against_teams)."""
    sentence = against_teams(value, plan.teams) if value.entries else None  # empty: said above
    if sentence is not None:  # a box, not a caption: it explains why these books differ from
        # the Tiers and Plan pages' load (a new-user walk read the two as a contradiction)
        st.info(sentence, icon=":material/groups:")  # markdown-safe: headcounts and hours


def say_proposal(made: Any, currency: str) -> None:
    """The proposal in sentences: what changes hands, how good it is, hires when short."""
    for kind, sentence in book_adapter.sentences(made, currency):
        getattr(st, kind)(markdown_text(sentence))


def movers(made: Any, currency: str) -> None:
    """A bounded preview of the movers, and the full file as CSV or XLSX, made when pressed."""
    frame = book_adapter.movers_frame(made)
    if frame.empty:
        st.caption("No account changes hands.")
        return
    shown = min(len(frame), PREVIEW)
    st.caption(  # markdown-safe: counts
        f"{plural(len(frame), 'account')} change hands"
        + (
            f"; the first {shown} are listed, the files have every one."
            if shown < len(frame)
            else "."
        )
    )
    tables.show(frame.head(PREVIEW), currency, height=320)
    files = st.session_state.setdefault(keys.BOOK_MOVER_FILES, {})
    csv_slot, xlsx_slot = st.columns(2)
    for slot, kind, make, mime in (
        (csv_slot, "CSV", to_csv_bytes, "text/csv"),
        (xlsx_slot, "XLSX", lambda f: xlsx_bytes(f, sheet="Movers"), XLSX_MIME),
    ):
        name = f"book-movers.{kind.lower()}"
        if kind not in files:
            if not slot.button(
                f"Prepare the movers ({kind})",  # markdown-safe: constant wording
                key=keys.prepare_key(name),
                help="Writes every account that changes hands (not just the first "
                f"{PREVIEW}); its download button follows.",
            ):
                continue
            files[kind] = make(frame)
        slot.download_button(
            f"Download the movers ({kind})",  # markdown-safe: constant wording
            data=files[kind],
            file_name=name,
            mime=mime,
            on_click="ignore",  # a rerun on the click could replace the file the click opens
            help="Every account whose owner changes: id, name, tier, from, to, ARR, renewal, "
            "reason. Formula-safe.",
        )


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
