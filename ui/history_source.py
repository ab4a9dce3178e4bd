"""Where the Tiers over time page's periods come from: the bundled history, snapshot files the
person uploads (one per quarter), or one transactions file cut at quarter ends.

A history is built once per load and kept: the bundled one once per server (read-only, the
same for everyone: `st.cache_resource`), an upload's in this session's state until another
is built. A slider move reads it and never loads anything. Files go through the loader the
Upload page uses (lib.dataset.Upload via lib.history_inputs, within server.maxUploadSize); a
file that cannot be used gets one sentence and the others are used.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from lib.dataset import Upload
from lib.errors import InputError
from lib.file_defaults import defaults_for
from lib.formatting import count, markdown_text, plural
from lib.history import History, Snapshot
from lib.history_figures import LoadedHistory
from lib.history_inputs import (
    MAX_QUARTERS,
    ImportOptions,
    LoadedPeriod,
    load_periods,
    load_quarters,
    parse_period,
    partial_warning,
    period_in_name,
    rejected_sentence,
)
from lib.ingest import LoadReport
from lib.layout import printable
from lib.sample_history import history_files
from ui import history_adopted, keys, state
from ui.upload import FILE_TYPES

SOURCES = {
    "bundled": "The bundled history (eight quarters of the sample)",
    "snapshots": "Snapshot files, one per quarter",
    "transactions": "One transactions file, cut at quarter ends",
    "adopted": "The tier of record (plans adopted on the Scenarios page)",
}


def load_note(name: str, period: LoadedPeriod) -> str:
    """What the loader did with every row of one period's file: counts, each reason, the lines
    rejected (by number), rows summed into one customer, and the period's own note."""
    report = period.report
    return f"{name} → {period.snapshot.label}: " + _file_report(report, period)


def _reasons(report: LoadReport) -> str:
    return "".join(f" {sentence}" for sentence in report.rejected_sentences())


def _file_report(report: LoadReport, period: LoadedPeriod) -> str:
    reasons = _reasons(report)
    lines = (
        " " + rejected_sentence(period.rejected_lines, report.rejected_rows)
        if period.rejected_lines
        else ""
    )
    merged = (
        f" {report.merged_sentence()}"
        if report.duplicates_merged and report.basis.kind != "transactions"
        else ""
    )
    return (
        f"{count(report.customers)} customers from {plural(report.rows_read, 'row')}, "
        f"{plural(report.rejected_rows, 'row')} rejected.{reasons}{lines}{merged}"
        + (f" {period.note}" if period.note else "")
    )


def transactions_notes(name: str, periods: list[LoadedPeriod]) -> list[str]:
    """A transactions file's report once (every quarter reads the same lines), then each
    quarter's customers and what to know about its figures."""
    last = periods[-1]
    report = last.report
    reasons = _reasons(report)
    said = [
        f"{name}: {plural(report.rows_read, 'row')} read, {count(report.rejected_rows)} "
        f"rejected.{reasons}"
    ]
    if last.rejected_lines:
        said[0] += " " + rejected_sentence(last.rejected_lines, report.rejected_rows)
    for period in periods:
        said.append(
            f"{period.snapshot.label}: {plural(len(period.snapshot.ids), 'customer')} with a "
            f"line in the 12 months to {period.snapshot.ends.isoformat()}."
            + (f" {period.note}" if period.note else "")
        )
    return said


def _bundled_names(history: History) -> np.ndarray:
    """Each account's latest name in the bundled files (ours, id and name first on each line)."""
    names: dict[str, str] = {}
    for path in history_files():  # oldest first: a later name wins
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names[row["customer_id"]] = row["customer_name"]
    found = np.array([names.get(str(i)) for i in history.ids.tolist()], dtype=object)
    found.flags.writeable = False  # shared by every session, like the history
    return found


@st.cache_resource(show_spinner="Reading the bundled history…", max_entries=1)
def bundled() -> LoadedHistory:
    """The bundled history (data/sample/history), loaded once per server: read-only. Its files
    go through the loader `tierboard history` uses, like any snapshot file."""
    periods = load_periods(history_files(), ImportOptions())
    history = History.of([period.snapshot for period in periods])
    notes = tuple(
        load_note(path.name, period) for path, period in zip(history_files(), periods, strict=True)
    )
    return LoadedHistory(history, _bundled_names(history), notes, "The bundled history")


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
    if choice == "adopted":
        return history_adopted.for_screen()
    if choice == "bundled":
        try:
            return bundled()
        except InputError as error:  # a bundled file edited by hand: say it, keep the page
            st.error(markdown_text(error), icon=":material/warning:")
            return None
    return st.session_state.get(keys.HISTORY_UPLOADED, {}).get(choice)


def loaded_quietly() -> LoadedHistory | None:
    """The history the Tiers over time page shows now (its source as last chosen there), or
    None, drawing nothing: for the other pages' with / without rules summary. A history that
    cannot be read is said on that page, not here."""
    choice = state.typed("history_source", "bundled")
    if choice == "adopted":
        return history_adopted.quietly()
    if choice == "bundled":
        try:
            return bundled()
        except InputError:
            return None
    found: LoadedHistory | None = st.session_state.get(keys.HISTORY_UPLOADED, {}).get(choice)
    return found


def _generation() -> int:
    return int(st.session_state.get(keys.HISTORY_FILES_GENERATION, 0))


def _period_of(name: str, typed: str) -> tuple[str, date] | None:
    return parse_period(typed) if typed.strip() else period_in_name(name)


def _about(name: str, error: InputError) -> str:
    """The loader's sentence, with the file's name in front unless it names the file already."""
    sentence = str(error)
    return sentence if name in sentence else f"{name}: {sentence}"


def _load_snapshots(files: list[UploadedFile], periods: list[str]) -> LoadedHistory | None:
    """Each file as one period (the period typed, else the one its name gives); a file that
    cannot be used is one sentence in keys.HISTORY_UPLOAD_ERROR and the others are used."""
    made, notes, problems = [], [], []
    for file, typed in zip(files, periods, strict=True):
        name = printable(file.name)
        if _period_of(file.name, typed) is None:
            problems.append(
                f"{name}: type its period (like 2026 Q3)"
                + (": “" + printable(typed) + "” is not one." if typed.strip() else ".")
            )
            continue
        try:
            period = load_periods(
                [(file.name, file.getvalue())], ImportOptions(), [typed] if typed.strip() else None
            )[0]
        except InputError as error:
            problems.append(_about(name, error))
            continue
        made.append(period.snapshot)
        notes.append(load_note(name, period))
    return _built(made, notes, problems, "Your snapshot files")


def _load_transactions(file: UploadedFile, quarters: int) -> LoadedHistory | None:
    """`quarters` quarter-end snapshots of one transactions file (lib.history_inputs)."""
    name = printable(file.name)
    try:
        upload = Upload.open(file.getvalue(), file.name)
        try:
            is_transactions = defaults_for(upload).basis.kind == "transactions"
        finally:
            upload.close()
        if not is_transactions:
            raise InputError(
                "it does not read as transactions: a transactions file has a date on every "
                "line and several lines per customer. Load one file per quarter instead."
            )
        periods = load_quarters((file.name, file.getvalue()), ImportOptions(), quarters)
    except InputError as error:
        return _built([], [], [_about(name, error)], "")
    notes = transactions_notes(name, periods)
    made = _built([p.snapshot for p in periods], notes, [], f"{name}, cut at quarter ends")
    warning = partial_warning(periods)
    return made if made is None or warning is None else replace(made, warnings=(warning,))


def _built(
    snapshots: list[Snapshot], notes: list[str], problems: list[str], source: str
) -> LoadedHistory | None:
    """The history of the snapshots that loaded; what went wrong, in keys.HISTORY_UPLOAD_ERROR."""
    made = None
    if snapshots:
        try:
            made = LoadedHistory(History.of(snapshots), None, tuple(notes), source)
        except InputError as error:
            problems.append(str(error))
    elif not problems:
        problems.append("No file could be used.")
    if problems:
        st.session_state[keys.HISTORY_UPLOAD_ERROR] = problems
    return made


def _keep(choice: str, made: LoadedHistory) -> None:
    st.session_state[keys.HISTORY_UPLOADED] = {
        **st.session_state.get(keys.HISTORY_UPLOADED, {}),
        choice: made,
    }


DEFAULT_QUARTERS = 8  # two years: enough pairs of quarters to see flaps


def _say_quarters_built(quarters: int, ready: bool) -> None:
    """The file is gone from the uploader once built: a new count of quarters needs it again."""
    built = st.session_state.get(keys.HISTORY_QUARTERS_BUILT)
    if built is not None and built != quarters and not ready:
        st.caption(  # markdown-safe: counts
            f":material/info: The history below was cut at {built} quarters: add the file again "
            f"and press Build the history to cut it at {quarters}."
        )


def _snapshot_inputs(choice: str, key: str, limit: int) -> tuple[list[UploadedFile], list[str]]:
    """The snapshot files and the period typed (or read from its name) for each."""
    files = (
        st.file_uploader(
            "Snapshot files",
            type=FILE_TYPES,
            accept_multiple_files=True,
            key=key,
            help="One customer file per quarter (CSV, Excel or Parquet, read as on the Upload "
            f"page), up to {limit:d} MB each. Its period comes from its name "
            "(customers-2026-Q3.csv) or is typed below.",
        )
        or []
    )
    periods = []
    for position, file in enumerate(files):
        found = period_in_name(file.name)
        periods.append(
            st.text_input(
                f"Period of {markdown_text(printable(file.name))}",
                value=found[0] if found else "",
                key=keys.history_period_key(choice, _generation(), position),
                placeholder="2026 Q3",
                help="A quarter (2026 Q3, Q3 2026) or a day (2026-09-30).",
            )
        )
    return files, periods


def _transactions_inputs(key: str, limit: int) -> tuple[UploadedFile | None, int]:
    """The transactions file and how many quarter ends to cut it at (kept in keys.TYPED)."""
    lines = st.file_uploader(
        "Transactions file",
        type=FILE_TYPES,
        key=key,
        help="Invoice or order lines spanning years: a date and an amount on every line, "
        f"up to {limit:d} MB. Each quarter end gets the trailing 12 months of revenue.",
    )
    st.number_input(
        "Quarters",
        value=None,  # a cleared box: None, the figure kept (ui/state.py)
        min_value=2,
        max_value=MAX_QUARTERS,
        step=1,
        key=keys.HISTORY_QUARTERS,
        on_change=state.keep_typed,
        args=state.drawn_typed("history_quarters", keys.HISTORY_QUARTERS, DEFAULT_QUARTERS),
        help="How many quarter ends, up to the latest date in the file; used when the history "
        "is built.",
    )
    return lines, int(state.typed("history_quarters", DEFAULT_QUARTERS))


def _build(
    choice: str, load: Callable[[], LoadedHistory | None], quarters: int | None = None
) -> None:
    """Read the files into a history kept for `choice`; a fresh uploader when every file
    was used (with a problem the files stay, so a period can be typed again)."""
    st.session_state.pop(keys.HISTORY_UPLOAD_ERROR, None)
    with st.spinner("Reading the files: checking every value…"):
        made = load()
    if made is None:
        return
    _keep(choice, made)
    if quarters is not None:
        st.session_state[keys.HISTORY_QUARTERS_BUILT] = quarters
    if not st.session_state.get(keys.HISTORY_UPLOAD_ERROR):
        st.session_state[keys.HISTORY_FILES_GENERATION] = _generation() + 1
        st.rerun()


def uploads(choice: str) -> None:
    """The uploaders of the chosen source (none for the bundled history), and Build."""
    if choice == "bundled":
        return
    if choice == "adopted":
        history_adopted.controls()
        return
    limit = st.get_option("server.maxUploadSize")
    key = keys.history_file_key(choice, _generation())
    if choice == "snapshots":
        files, periods = _snapshot_inputs(choice, key, limit)
        ready = bool(files)
    else:
        lines, quarters = _transactions_inputs(key, limit)
        ready = lines is not None
        _say_quarters_built(quarters, ready)
    if not ready:  # the files that went wrong were removed: so are their messages
        st.session_state.pop(keys.HISTORY_UPLOAD_ERROR, None)
    if ready and st.button(
        "Build the history",
        type="primary",
        help="Read every file (as the Upload page reads one) and tier its periods.",
    ):
        if choice == "snapshots":
            _build(choice, lambda: _load_snapshots(files, periods))
        else:
            assert lines is not None
            _build(choice, lambda: _load_transactions(lines, quarters), quarters)
    for problem in st.session_state.get(keys.HISTORY_UPLOAD_ERROR, []):
        st.error(markdown_text(problem), icon=":material/warning:")
    if loaded(choice) is None:
        st.info(
            ("Add the files" if choice == "snapshots" else "Add the file")
            + ", then Build the history."
            if not ready
            else "Press Build the history to read them.",
            icon=":material/info:",
        )


def notes(loaded: LoadedHistory) -> None:
    """What the history is made of: periods, accounts, and every file's rows, on request."""
    history = loaded.history
    for warning in loaded.warnings:
        st.warning(markdown_text(warning), icon=":material/warning:")
    for note in history.notes:  # files whose columns differ: said, and the history still built
        st.info(markdown_text(note), icon=":material/info:")
    with st.expander(
        f"{markdown_text(loaded.source)}: {plural(history.periods, 'period')}, "
        f"{count(history.accounts)} accounts in at least one of them"
    ):
        st.markdown("\n".join(f"- {markdown_text(note)}" for note in loaded.notes))
