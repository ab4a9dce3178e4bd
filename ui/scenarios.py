"""Scenarios in the app: the one on screen, saved ones, share links, comparison, exports.

The state on screen is always a `Scenario`; the address bar always holds its link (rewritten on
every run), and a session opened from a link starts from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import briefing
from lib.adoption import AdoptionInfo, confirmation, day_text, record_words, tier_list_of
from lib.cache import BoundedCache
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.errors import InputError
from lib.export import to_csv_bytes, xlsx_bytes
from lib.formatting import count, markdown_text, money
from lib.movers import AccountBaseline
from lib.scenario import Scenario
from lib.scenario_store import SavedScenario, ScenarioStore, checked_name
from lib.scenario_store_sqlite import open_store
from lib.share_link import QUERY_KEYS, from_query, to_query
from ui import books, keys, presentation, session, state, widgets
from ui.keys import (
    ADOPT_POPOVER,
    COMPARE,
    DELETE_POPOVER,
    HISTORY_ADOPTED,
    LINK_CHECKED,
    PACK_TITLE,
    RENAME_ERROR,
    RENAME_FORM,
    RENAME_POPOVER,
    RENAME_TO,
)
from ui.keys import DELETED_SCENARIO as DELETED
from ui.keys import LOADED_SCENARIO as LOADED
from ui.keys import MIGRATION_BASELINE as BASELINE
from ui.keys import SAVED_PICK as PICK
from ui.keys import SCENARIO_NOTICE as NOTICE

PRESENT_PARAM = "present"  # the link opens in presentation mode
PACK_FILE_NAME = "tierboard-pack.html"
# Tiers of record read back as Who moves' baselines (1M accounts: ~8 MB stored, a few tenths of a
# second to read, ~25 MB kept): adoptions never change, so one read per process serves every
# session and rerun.
_ADOPTIONS: BoundedCache[tuple[str, tuple[object, ...]], AccountBaseline] = BoundedCache(2)


def scenario_store() -> ScenarioStore:
    # Opened per use: a path, or a PostgreSQL store made once per process; every operation has
    # its own connection. The session's configuration: no file read on every rerun.
    return open_store(session.settings())


def saved() -> list[SavedScenario]:
    """Saved scenarios, newest first (empty, with the reason on screen, if the store fails)."""
    try:
        listed = scenario_store().list()
    except InputError as error:
        st.error(
            f"Saved scenarios are not available: {markdown_text(error)}",
            icon=":material/warning:",
        )
        return []
    for unreadable in listed.unreadable:  # one damaged row hides nothing but itself
        st.warning(markdown_text(unreadable.reason), icon=":material/warning:")
    return listed


def current(data: Dataset) -> Scenario:
    """The scenario on screen: cut-offs, criteria, slice, service model, and which data."""
    cuts = state.cuts()
    return Scenario(
        cuts=tuple(cuts),
        criteria=state.criteria(),
        plan=state.plan(len(cuts) + 1),
        slice=state.current_slice(data),
        dataset=briefing.fingerprint(data),
        currency=data.currency,
        roster=books.edited_roster(data),
    )


def apply(scenario: Scenario, data: Dataset) -> list[str]:
    """Put a scenario on screen (call before the widgets are drawn); returns warnings.

    What it puts there (the slice this data has, a plan sized to its tiers) is
    lib.briefing.opening's decision; this writes it into the session.
    """
    opened = briefing.opening(scenario, data)
    st.session_state[keys.TIERS] = scenario.tier_count
    st.session_state[keys.BY] = scenario.criteria.by
    if opened.weights is not None:
        state.set_weights(opened.weights)
    state.set_slice(opened.slice)
    state.set_cuts(tuple(scenario.cuts))
    state.set_plan(opened.plan)
    if scenario.roster is not None:
        books.set_roster(data, scenario.roster)
    st.session_state[keys.DATASET] = state.fingerprint(data)  # no reset for the new criteria
    return list(opened.warnings)


def restore_link_once(data: Dataset) -> None:
    """On a session's first run, open the scenario in the address bar, if there is one."""
    if st.session_state.get(LINK_CHECKED):
        return
    st.session_state[LINK_CHECKED] = True
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state[keys.PRESENT] = params.get(PRESENT_PARAM, [""])[-1] == "1"
    if not any(key in params for key in QUERY_KEYS):
        # No view in it (`?present=1` alone, or a chat tool's `utm_source`): nothing to restore,
        # and nothing wrong with the link — the suggested cut-offs are the view.
        return
    try:
        warnings = apply(from_query(params), data)
    except InputError as error:
        st.session_state[NOTICE] = (
            "error",
            f"This link could not be opened: {error} Showing the suggested cut-offs instead.",
        )
        return
    note = " ".join(["Opened the shared view from the link.", *warnings])
    st.session_state[NOTICE] = ("warning" if warnings else "info", note)


def sync_link(data: Dataset) -> None:
    """Write the scenario on screen into the address bar (only when it changed).

    Every figure it reads is held within the bounds a scenario takes (lib/scenario.py,
    lib/team.py, lib/service_matrix.py) by the inputs and their callbacks, so this cannot fail
    on a typed value.
    """
    wanted = to_query(current(data))
    if presentation.is_on():
        wanted[PRESENT_PARAM] = "1"
    if {key: st.query_params.get(key) for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def notice() -> None:
    """Show, once, what happened when a link or a scenario was opened."""
    shown = st.session_state.pop(NOTICE, None)
    if shown is not None:
        kind, message = shown
        message = markdown_text(message)  # names a scenario, a link's slice: data, as text
        if kind == "info" and presentation.is_on():  # a toast keeps the shared screen unscrolled
            st.toast(message, icon=":material/link:")
        else:
            getattr(st, kind)(message, icon=":material/link:")


def _made_from(data: Dataset, scenario: Scenario, *extra: str) -> tuple[str, ...]:
    """What a file was made from: the data, the scenario on screen (its link) and `extra`."""
    return (
        briefing.fingerprint(data),
        *sorted(f"{k}={v}" for k, v in to_query(scenario).items()),
        *extra,
    )


def _tier_list_file(
    data: Dataset, scenario: Scenario, column: DeltaGenerator, *, label: str,
    write: Callable[[pd.DataFrame], bytes], file_name: str, mime: str, help_text: str,
) -> None:  # fmt: skip
    """A tier list of the view on screen (it has no plan in it), prepared on request."""
    widgets.prepared_download(  # markdown-safe: label and help are the callers' constants
        column,
        _made_from(data, replace(scenario, plan=None)),
        lambda: write(data.tier_table(scenario.slice, scenario.criteria, scenario.cuts)),
        label=label, file_name=file_name, mime=mime, help_text=help_text,
    )  # fmt: skip


def pack_bytes(data: Dataset, scenario: Scenario, title: str) -> bytes:
    """The meeting pack of `scenario` under `title`, as the file the download gives."""
    return briefing.pack_html(data, scenario, title).encode("utf-8")


def exports(data: Dataset) -> None:
    """Downloads: the tier list (CSV, XLSX) and the meeting pack, each prepared on request.

    Every download button gets bytes, never a callable, and does not rerun the page when
    pressed: the file is at its URL whatever else reruns meanwhile (a title being committed
    as the button is pressed, say).
    """
    scenario = current(data)
    title = st.session_state.get(PACK_TITLE) or "Customer tiers"
    csv_column, xlsx_column, pack_column = st.columns(3)
    _tier_list_file(
        data, scenario, csv_column, label="tier list (CSV)", write=to_csv_bytes,
        file_name="tiers.csv", mime="text/csv",
        help_text="One row per customer for CRM re-import: id, name, tier, revenue, previous tier.",
    )  # fmt: skip
    _tier_list_file(
        data, scenario, xlsx_column, label="tier list (XLSX)", write=xlsx_bytes,
        file_name="tiers.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help_text="The same list as an Excel workbook; text stays text, figures stay numbers.",
    )  # fmt: skip
    widgets.prepared_download(
        pack_column,
        _made_from(data, scenario, title),
        lambda: pack_bytes(data, scenario, title),
        label="meeting pack (HTML)",
        file_name=PACK_FILE_NAME,
        mime="text/html",
        help_text="One self-contained page: parameters, tiers, charts, load, cost and who moves. "
        "Prints on A4; attach it to an email.",
    )


def _renamed(old: str, new: str) -> None:
    """Every place this session names a scenario follows a rename: the pick, Compare, the
    scenario opened, the Who-moves baseline."""
    state = st.session_state
    if state.get(PICK) == old:
        state[PICK] = new
    if old in state.get(COMPARE, []):
        state[COMPARE] = [new if name == old else name for name in state[COMPARE]]
    if state.get(LOADED) and state[LOADED][0] == old:
        state[LOADED] = (new, state[LOADED][1])
    if state.get(BASELINE) == old:
        state[BASELINE] = new


def _rename(old: str) -> None:
    new = st.session_state.get(RENAME_TO) or ""
    try:
        scenario_store().rename(old, new)
        new = checked_name(new)
    except InputError as error:  # a taken name included: the popover stays open and says why
        st.session_state[RENAME_ERROR] = str(error)
        st.session_state[RENAME_POPOVER] = True
        return
    st.session_state.pop(RENAME_ERROR, None)
    st.session_state[RENAME_POPOVER] = False
    st.session_state[RENAME_TO] = ""
    _renamed(old, new)
    st.session_state[NOTICE] = ("success", f"Renamed “{old}” to “{new}”.")


def rename_popover(column: DeltaGenerator, chosen: str) -> None:
    """Rename the scenario picked; a name that cannot be used is said inside the popover."""
    with column.popover("Rename", width="stretch", key=RENAME_POPOVER, on_change="rerun"):
        # A form sends the typed name with the click: a name typed and "Rename it" clicked at
        # once otherwise raced the text box's own rerun, and the click found an empty name.
        with st.form(RENAME_FORM, border=False, enter_to_submit=True):
            st.text_input(
                f"New name for “{markdown_text(chosen)}”",
                key=RENAME_TO,
                help="Its versions and author stay as they are. Enter renames it too.",
            )
            st.form_submit_button(
                "Rename it",
                on_click=_rename,
                args=(chosen,),
                help="Renames it for everyone who uses this store.",
            )
        if st.session_state.get(RENAME_ERROR):
            st.error(markdown_text(st.session_state[RENAME_ERROR]), icon=":material/warning:")


def _delete(name: str) -> None:
    st.session_state[DELETE_POPOVER] = False  # each delete is asked for, one at a time
    try:
        item = scenario_store().get(name)
        scenario_store().delete(name)
    except InputError as error:
        st.session_state[NOTICE] = ("error", str(error))
        return
    st.session_state[DELETED] = item
    if st.session_state.get(PICK) == name:
        del st.session_state[PICK]
    st.session_state[COMPARE] = [n for n in st.session_state.get(COMPARE, []) if n != name]
    st.session_state[NOTICE] = ("success", f"Deleted “{name}”.")


def delete_popover(column: DeltaGenerator, chosen: str) -> None:
    """Delete the scenario picked, after a yes in the popover; the popover then closes."""
    with column.popover("Delete", width="stretch", key=DELETE_POPOVER, on_change="rerun"):
        st.write(f"Delete “{markdown_text(chosen)}” for everyone who uses this store?")
        st.button(
            "Yes, delete it",
            on_click=_delete,
            args=(chosen,),  # the scenario the question names, whatever is picked by then
            help="Undo restores it until you delete another one.",
        )


def _undo() -> None:
    item = st.session_state.pop(DELETED, None)
    if item is None:
        return
    try:
        restored = scenario_store().save(item.name, item.scenario, item.author)
    except InputError as error:  # saved again under that name meanwhile: say by whom
        st.session_state[NOTICE] = ("error", f"“{item.name}” could not be restored: {error}")
        return
    st.session_state[PICK] = restored.name
    st.session_state[NOTICE] = ("success", f"Restored “{restored.name}”.")


def undo_offer() -> None:
    """After a delete: Undo, which saves the deleted scenario again under its name."""
    item = st.session_state.get(DELETED)
    if item is not None:
        st.button(
            f"Undo: restore “{markdown_text(item.name)}”",
            on_click=_undo,
            icon=":material/undo:",
            help="Saves the deleted scenario again, with its author.",
        )


# ---------------------------------------------------------------------------------------------
# The tier of record: "Adopt this plan", and what was adopted (lib/adoption.py).


def _store_where(store: ScenarioStore) -> str:
    """Which store (a file or a database), for the cache of adoptions read back."""
    return str(getattr(store, "path", "") or getattr(store, "where", ""))


def adoptions() -> list[AdoptionInfo]:
    """Every adoption, the latest first (empty if the store cannot be read: `saved` says why)."""
    try:
        return scenario_store().adoptions()
    except InputError:
        return []


def record_baseline(info: AdoptionInfo) -> AccountBaseline | None:
    """The tier of record's rows as Who moves' baseline (read once per process), or None with
    the reason on screen when they cannot be read."""
    store = scenario_store()
    try:
        return _ADOPTIONS.get(
            (_store_where(store), info.key), lambda: store.adoption(info.id).baseline
        )
    except InputError as error:
        st.warning(markdown_text(error), icon=":material/warning:")
        return None


def _adopt(item: SavedScenario, data: Dataset, who: str | None) -> None:
    st.session_state[ADOPT_POPOVER] = False
    try:
        tiers = tier_list_of(data, item.scenario)
        made = scenario_store().adopt(item.name, tiers, who, expected_version=item.version)
    except InputError as error:  # saved again since it was listed, or the store failed
        st.session_state[NOTICE] = ("error", f"“{item.name}” was not adopted: {error}")
        return
    st.session_state.pop(HISTORY_ADOPTED, None)  # Tiers over time reads the adoptions anew
    st.session_state[NOTICE] = (
        "success",
        f"Adopted “{made.name}”: {count(made.info.accounts)} accounts’ tiers are the tier of "
        f"record from {day_text(made.adopted_on)}.",
    )


def adopt_popover(
    column: DeltaGenerator, item: SavedScenario, data: Dataset, who: str | None
) -> None:
    """ "Adopt this plan": says what it records, then records it after a yes."""
    everyone = len(data.keys(REVENUE_ONLY))
    accounts = int(item.scenario.slice.mask(data.dimensions, everyone).sum())
    with column.popover("Adopt this plan", width="stretch", key=ADOPT_POPOVER, on_change="rerun"):
        today = datetime.now(UTC).date()
        st.write(markdown_text(confirmation(accounts, who, today)))
        st.caption(
            f"Each account's tier under “{markdown_text(item.name)}” on the data in use, with "
            "its revenue. Who moves then compares with it by default; earlier adoptions stay."
        )
        st.button(
            "Yes, adopt it",
            on_click=_adopt,
            args=(item, data, who),
            type="primary",
            help="Records the tier list for everyone who uses this store; it is never overwritten.",
        )


def tier_of_record(data: Dataset) -> None:
    """ "Tier of record: “Q3 plan”, adopted 2 Dec 2026 by ana", and every past adoption."""
    listed = adoptions()
    if not listed:
        st.caption(
            "No plan adopted yet: “Adopt this plan” on a saved scenario records its tiers as the "
            "tier of record."
        )
        return
    st.markdown(f"**Tier of record:** {markdown_text(record_words(listed[0]))}")
    table = pd.DataFrame(
        {
            "Adopted": [day_text(info.adopted_on) for info in listed],
            "Scenario": [info.name for info in listed],
            "By": [info.adopted_by or "anonymous" for info in listed],
            "Accounts": [info.accounts for info in listed],
            "Revenue": [
                money(info.revenue_cents / 100, info.scenario.currency or data.currency)
                for info in listed
            ],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"Accounts": st.column_config.NumberColumn("Accounts", format="%,d")},
    )
