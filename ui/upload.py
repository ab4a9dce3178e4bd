"""The Upload page's steps: read a file, map its columns, choose the revenue basis, load, report.

Nothing replaces the data in use until "Load" succeeds: a file that cannot be read, or a mapping
that does not work, leaves an error on screen and the previous data on every page.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from lib import briefing
from lib.canonical import COLUMNS, REQUIRED, label
from lib.dataset import Dataset, Upload
from lib.errors import InputError
from lib.export import to_csv_bytes
from lib.file_defaults import defaults_for
from lib.formatting import blanks_as_empty, count, markdown_text, plural
from lib.ingest import RevenueBasis
from lib.mapping import DATE, describe
from ui import session, widgets
from ui.keys import UPLOAD_AS_OF as AS_OF
from ui.keys import UPLOAD_BASIS as BASIS
from ui.keys import UPLOAD_ERROR as LOAD_ERROR
from ui.keys import UPLOAD_GENERATION as GENERATION
from ui.keys import UPLOAD_PENDING as PENDING
from ui.keys import UPLOAD_PENDING_KEY as PENDING_KEY
from ui.keys import UPLOAD_SHEET as SHEET
from ui.keys import (
    map_key,
    upload_file_key,
)

NOT_IN_FILE = "(not in this file)"
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "parquet"]
BASES = {
    "annual": "Annual figures (ARR)",
    "monthly": "Monthly figures (MRR x 12)",
    "transactions": "Transactions / invoice lines (trailing 12 months)",
}

REJECTED_PREVIEW = 200  # rejected rows shown on the page; the file has every one


def file_key() -> str:
    return upload_file_key(st.session_state.get(GENERATION, 0))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _discard_pending() -> None:
    pending = st.session_state.pop(PENDING, None)
    if pending is not None:
        pending.close()
    st.session_state.pop(PENDING_KEY, None)


def _suggest(upload: Upload) -> None:
    """Preset the mapping, basis and as-of widgets from what the file looks like (lib.file_defaults:
    the same defaults `tierboard summarize FILE` loads with)."""
    chosen = defaults_for(upload)
    for column in [*(c.name for c in COLUMNS), DATE]:
        st.session_state[map_key(column)] = chosen.suggested.get(column, NOT_IN_FILE)
    st.session_state[BASIS] = chosen.basis.kind
    st.session_state[AS_OF] = chosen.as_of


def pending_upload() -> Upload | None:
    """The Upload for the file in the uploader (read once per file and sheet), or None."""
    file = st.session_state.get(file_key())
    if file is None:
        _discard_pending()
        return None
    data = file.getvalue()
    key = (_digest(data), st.session_state.get(SHEET))
    if st.session_state.get(PENDING_KEY) == key:
        return st.session_state[PENDING]
    _discard_pending()
    with st.spinner(f"Reading {markdown_text(file.name)}…"):
        upload = Upload.open(data, file.name, sheet=key[1])
    st.session_state[PENDING] = upload
    session.own(upload)  # closed with its folder once the browser session is gone
    st.session_state[PENDING_KEY] = key
    _suggest(upload)
    return upload


def _on_new_file() -> None:
    st.session_state.pop(SHEET, None)
    st.session_state.pop(LOAD_ERROR, None)


def uploader() -> None:
    # The server refuses bigger files itself (server.maxUploadSize in .streamlit/config.toml).
    limit = st.get_option("server.maxUploadSize")
    st.file_uploader(
        "Customer file",
        type=FILE_TYPES,
        key=file_key(),
        on_change=_on_new_file,
        help="A CSV/TSV/TXT export (any common encoding and delimiter), an Excel or "
        f"OpenDocument workbook, or Parquet. Up to {limit:d} MB.",
    )


def how_it_was_read(upload: Upload) -> None:
    info = upload.info
    skipped = [
        plural(n, what)
        for n, what in (
            (info.title_lines, "title line"),
            (info.footer_lines, "footer line"),
            (info.blank_lines, "blank line"),
        )
        if n
    ]
    st.caption(
        f"Read as {markdown_text(info.describe())}: {plural(info.rows, 'row')}, "
        f"{plural(len(info.headers), 'column')}"
        + (f"; skipped {', '.join(skipped)}" if skipped else "")
        + "."
    )
    if len(info.sheets) > 1 and info.sheet is not None:  # a workbook's info names its sheet
        st.selectbox(
            "Sheet",
            options=info.sheets,
            index=info.sheets.index(info.sheet),
            key=SHEET,
            help="The workbook has several sheets; the one that looks most like a customer table "
            "is chosen for you.",
        )
    preview = blanks_as_empty(upload.preview())
    st.dataframe(preview, hide_index=True, height=min(260, 35 * (len(preview) + 1) + 3))


def _column_select(upload: Upload, canonical: str, label: str) -> None:
    st.selectbox(
        label,  # markdown-safe: labels and descriptions are constants
        options=[NOT_IN_FILE, *upload.info.headers],
        key=map_key(canonical),
        help=describe(canonical),
    )


def mapping_step(upload: Upload) -> None:
    st.subheader("Which column is which")
    left, right = st.columns(2)
    with left:
        _column_select(upload, "customer_id", "Customer id (required)")
    with right:
        _column_select(upload, "annual_revenue", "Revenue (required)")
    st.radio(
        "The revenue column holds",
        options=list(BASES),
        format_func=BASES.get,
        key=BASIS,
        horizontal=True,
        help="Monthly figures are multiplied by 12. Transactions (several dated rows per "
        "customer) are summed over the 12 months ending on the chosen day.",
    )
    if st.session_state[BASIS] == "transactions":
        left, right = st.columns(2)
        with left:
            _column_select(upload, DATE, "Date of each line (required for transactions)")
        with right:
            st.date_input(
                "Trailing 12 months ending",
                key=AS_OF,
                help="Revenue counts lines dated in the 365 days up to and including this day; "
                "it starts at the latest date in the file.",
            )
    optional = [c.name for c in COLUMNS if c.name not in REQUIRED]
    found = sum(st.session_state.get(map_key(c)) not in (None, NOT_IN_FILE) for c in optional)
    with st.expander(f"Optional columns ({found:d} of {len(optional)} found)"):
        columns = st.columns(3)
        for i, canonical in enumerate(optional):
            with columns[i % 3]:
                _column_select(upload, canonical, label(canonical))


def chosen_mapping() -> dict[str, str]:
    names = [
        *(c.name for c in COLUMNS),
        *([DATE] if st.session_state[BASIS] == "transactions" else []),
    ]
    chosen = {name: st.session_state.get(map_key(name), NOT_IN_FILE) for name in names}
    return {name: header for name, header in chosen.items() if header != NOT_IN_FILE}


def chosen_basis() -> RevenueBasis:
    kind = st.session_state[BASIS]
    return RevenueBasis(kind, st.session_state.get(AS_OF) if kind == "transactions" else None)


def _load() -> bool:
    """Load the pending upload with the chosen mapping; on failure keep the current data."""
    upload: Upload = st.session_state[PENDING]
    try:
        dataset = upload.load(chosen_mapping(), chosen_basis())
    except InputError as error:
        st.session_state[LOAD_ERROR] = str(error)
        return False
    st.session_state.pop(LOAD_ERROR, None)
    st.session_state.pop(PENDING, None)  # the dataset owns its database now
    st.session_state.pop(PENDING_KEY, None)
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    session.use_upload(dataset)
    return True


def load_button(upload: Upload) -> None:
    """Load, with a spinner while it works (seconds for a million rows), then every page
    redrawn on the new data."""
    # Not an on_click callback: a callback runs before the page is drawn, with no way to say
    # what is happening meanwhile.
    if st.button(
        "Load",
        type="primary",
        help="Replace the data on every page with this file, mapped as above.",
    ):
        rows = plural(upload.info.rows, "row")
        name = markdown_text(upload.info.name)
        with st.spinner(f"Loading {rows} of {name}: checking every value…"):
            loaded = _load()
        if loaded:
            st.rerun()  # the sidebar was drawn on the old data: draw everything again
    if st.session_state.get(LOAD_ERROR):
        st.error(markdown_text(st.session_state[LOAD_ERROR]), icon=":material/warning:")


def load_report(dataset: Dataset) -> None:
    """What happened to every row of the data in use, and its rejected rows to download."""
    report = dataset.report
    st.subheader(f"In use: {markdown_text(dataset.source)}")
    headline = (
        f"{count(report.customers)} customers from {plural(report.rows_read, 'row')}; "
        f"{plural(report.rejected_rows, 'row')} rejected."
    )
    (st.warning if report.rejected_rows else st.success)(headline, icon=":material/fact_check:")
    st.markdown("\n".join(f"- {markdown_text(sentence)}" for sentence in report.sentences()))
    if report.rejected_rows:
        shown = dataset.rejected_rows(limit=REJECTED_PREVIEW)
        text = [c for c in shown.columns if c != "row"]
        shown[text] = blanks_as_empty(shown[text])  # an empty cell is empty, not "None"
        st.dataframe(  # the file's own columns as the file names them, after line and reason
            shown,
            hide_index=True,
            height=min(220, 38 + 35 * len(shown)),  # no blank rows under a short list
            column_config={
                "row": st.column_config.NumberColumn(
                    "Line",
                    format="%d",
                    help="The line a text editor shows the row on (a workbook: the sheet's row).",
                ),
                "reason": st.column_config.TextColumn("Reason"),
            },
        )
        # Made when pressed: every rejected row of a messy million-row file is seconds of
        # work, and the sidebar's cut-offs rerun this page too.
        widgets.prepared_download(
            st.container(),
            ("rejected", briefing.fingerprint(dataset)),
            lambda: to_csv_bytes(dataset.rejected_rows()),
            label=f"{plural(report.rejected_rows, 'rejected row')} with reasons (CSV)",
            file_name=f"rejected-{dataset.source.rsplit('.', 1)[0]}.csv",
            mime="text/csv",
            help_text="Every row that was not loaded, with its row number and the reason; "
            "spreadsheet formulas are neutralised.",
        )
