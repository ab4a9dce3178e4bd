"""Where the Tiers over time page's periods come from: the bundled history, snapshot files the
person uploads (one per quarter), or one transactions file cut at quarter ends.

A history is built once per load and kept: the bundled one once per server (read-only, the
same for everyone: `st.cache_resource`), an upload's in this session's state until another
is built. A slider move reads it and never loads anything. Files go through the loader the
Upload page uses (lib.dataset.Upload via lib.history_inputs, within server.maxUploadSize); a
file that cannot be used gets one sentence and the others are used.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import streamlit as st

from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.errors import InputError
from lib.formatting import count, markdown_text, plural
from lib.history import History, Snapshot
from lib.history_figures import LoadedHistory
from lib.ingest import LoadReport
from lib.sample_history import history_files, quarters
from ui import keys, state

SOURCES = {
    "bundled": "The bundled history (eight quarters of the sample)",
    "snapshots": "Snapshot files, one per quarter",
    "transactions": "One transactions file, cut at quarter ends",
}
# The seam for the adopted tier lists (the scenario store's tier of record): add a source here
# and a branch in `loaded()` that builds a LoadedHistory from them (Snapshot.fixed_tiers).


def load_note(name: str, label: str, report: LoadReport) -> str:
    """What the loader did with every row of one period's file, in a sentence."""
    return (
        f"{name} → {label}: {count(report.customers)} customers from "
        f"{plural(report.rows_read, 'row')}, {plural(report.rejected_rows, 'row')} rejected."
    )


def _snapshot(dataset: Dataset, label: str, ends: date) -> tuple[Snapshot, np.ndarray | None]:
    ids = np.asarray(dataset.identities().column("customer_id").to_numpy(zero_copy_only=False))
    names = None
    if dataset.has("customer_name"):
        names = np.asarray(
            dataset.identities().column("customer_name").to_numpy(zero_copy_only=False),
            dtype=object,
        )
    cents = np.rint(dataset.keys(REVENUE_ONLY) * 100).astype(np.int64)
    snapshot = Snapshot(
        label=label,
        ends=ends,
        ids=ids.astype(object),
        cents=cents,
        renewals=dataset.day_numbers("renewal_date"),
        currency=dataset.currency,
        columns=dataset.columns,
        source=dataset.source,
    )
    return snapshot, names


def names_of(history: History, snapshots: list[tuple[Snapshot, np.ndarray | None]]) -> np.ndarray:
    """Each account's latest name (as the periods' files give it), aligned with history.ids."""
    position = {customer_id: i for i, customer_id in enumerate(history.ids.tolist())}
    names = np.full(history.accounts, None, dtype=object)
    for snapshot, named in sorted(snapshots, key=lambda pair: pair[0].ends):
        if named is None:
            continue
        where = np.fromiter((position[i] for i in snapshot.ids.tolist()), dtype=np.intp)
        names[where] = named
    return names


@st.cache_resource(show_spinner="Reading the bundled history…", max_entries=1)
def bundled() -> LoadedHistory:
    """The bundled history (data/sample/history), loaded once per server: read-only."""
    made, notes = [], []
    for quarter, path in zip(quarters(), history_files(), strict=True):
        dataset = Dataset.from_file(path)
        try:
            made.append(_snapshot(dataset, quarter.label, quarter.ends))
            notes.append(load_note(path.name, quarter.label, dataset.report))
        finally:
            dataset.close()
    history = History.of([snapshot for snapshot, _ in made])
    return LoadedHistory(history, names_of(history, made), tuple(notes), "the bundled history")


def source_choice() -> str:
    """Which periods the page shows (kept in keys.TYPED: the radio is drawn from it)."""
    chosen = state.typed("history_source", "bundled")
    state.show(keys.HISTORY_SOURCE, chosen)
    st.radio(
        "Periods from",
        options=list(SOURCES),
        format_func=SOURCES.__getitem__,
        key=keys.HISTORY_SOURCE,
        horizontal=True,
        on_change=lambda: state.set_typed("history_source", st.session_state[keys.HISTORY_SOURCE]),
        help="The bundled sample's eight quarters, your own snapshots (one file per quarter), "
        "or one file of invoice lines spanning years.",
    )
    return str(st.session_state[keys.HISTORY_SOURCE])


def loaded(choice: str) -> LoadedHistory | None:
    """The history of the chosen source, or None until one is built (said on screen)."""
    if choice == "bundled":
        try:
            return bundled()
        except InputError as error:  # a bundled file edited by hand: say it, keep the page
            st.error(markdown_text(error), icon=":material/warning:")
            return None
    return st.session_state.get(keys.HISTORY_UPLOADED, {}).get(choice)


def uploads(choice: str) -> None:
    """The uploaders of the chosen source (none for the bundled history)."""
    if choice == "bundled":
        return
    st.info("Uploads arrive with lib.history_inputs.", icon=":material/info:")


def notes(loaded: LoadedHistory) -> None:
    """What the history is made of: periods, accounts, and every file's rows, on request."""
    history = loaded.history
    with st.expander(
        f"{markdown_text(loaded.source).capitalize()}: {plural(history.periods, 'period')}, "
        f"{count(history.accounts)} accounts in at least one of them"
    ):
        st.markdown("\n".join(f"- {markdown_text(note)}" for note in loaded.notes))
