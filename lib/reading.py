"""Bytes → a table of text in DuckDB: whatever a CRM, billing or accounting tool exported.

Handles CSV/TSV/TXT in UTF-8 (with or without BOM), UTF-16 and cp1252/Latin-1, any of `,` `;`
tab `|` as delimiter or columns aligned with runs of spaces, quoted newlines, title lines above
the header, report footers below the data (Salesforce's "Grand Totals", copyright and "Generated
By" lines), XLSX / XLS / ODS workbooks (the most plausible sheet picked; read in a child process,
lib/workbook.py) and Parquet. Every value lands as text in `RAW`, with the line of the file (or
row of the sheet) it came from; turning text into numbers and dates is lib/values.py's job,
deciding what is a customer lib/ingest.py's.

The text-file path is split by step: lib/charsets.py (encoding), lib/delimiters.py,
lib/scanning.py (where records start), lib/textfile.py (the read itself); lib/raw.py holds
RAW and SourceInfo. This module picks the reader and holds the workbook and Parquet ones.

Nothing a file holds may crash, hang or exhaust the server: every failure is one InputError
sentence, never an engine's message or a path. `tests/unit/test_fuzz_loader.py` holds the line.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from pathlib import Path

import duckdb

from lib import workbook
from lib.errors import InputError
from lib.formatting import plural
from lib.layout import (
    EXTRA,
    LINE,
    cell_text,
    footer_length,
    header_index,
    printable,
    unique_headers,
)
from lib.raw import (
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    RAW,
    READ_BUFFER_BYTES,
    Kind,
    RecordLines,
    SourceInfo,
    check_width,
    unreadable,
)
from lib.sql import one_row, quote_ident
from lib.textfile import HEAD_BYTES, read_text

__all__ = [
    "LINE",
    "MAX_COLUMNS",
    "RAW",
    "Kind",
    "RecordLines",
    "SourceInfo",
    "cell_text",
    "footer_length",
    "header_index",
    "read",
    "unique_headers",
]

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # an XLSX/ODS inflating beyond this is refused (zip bomb)
MAX_ZIP_ENTRIES = 20_000
MAX_RATIO = 200  # an XLSX compresses ~10:1; a part inflating 200-fold and beyond is a bomb
RATIO_CHECK_BYTES = 20 * 1024 * 1024
SPREADSHEET_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError,
              NotImplementedError, KeyError, OverflowError, OSError, RuntimeError)  # fmt: skip


def read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    sheet: str | None = None,
    workdir: Path | None = None,
) -> SourceInfo:
    """Read the file at `path` (uploaded as `name`) into the RAW table of `con`.

    RAW holds one text column per header, plus LINE: the line of the file (row of the sheet)
    each record starts on, as a person sees it. A transcoded copy, when one is needed, goes to
    `workdir` (never beside the user's file).
    """
    name = printable(name)
    if not path.is_file():
        raise InputError(f"There is no file at {printable(str(path))}.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name} is empty: export the data again, with its header row.")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    kind = _kind(head, name)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        if kind in ("xlsx", "xls", "ods"):
            info = _read_workbook(con, path, name, kind, sheet=sheet, scratch=Path(scratch))
        elif kind == "parquet":
            info = _read_parquet(con, path, name)
        else:
            info = read_text(con, path, name, head, Path(scratch))
    if info.rows == 0:
        where = f"Sheet “{info.sheet}” of {name}" if info.sheet else name
        raise InputError(
            f"{where} has a header but no data rows below it. Export it again with its data."
        )
    return info


def _kind(head: bytes, name: str) -> Kind:
    suffix = Path(name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "ods" if SPREADSHEET_MIME in head[:200] or suffix == ".ods" else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    if suffix in (".xlsx", ".xlsm", ".ods"):
        raise InputError(
            f"{name} is not a valid {suffix[1:].upper()} file (it is not a zip archive). Open it "
            "in your spreadsheet program and save it again, or export it as CSV."
        )
    # Many tools save tab-separated text under an .xls name: the content decides.
    if suffix == ".parquet":
        raise InputError(f"{name} is not a valid Parquet file. Export it again, or as CSV.")
    return "csv"


# --- spreadsheets -------------------------------------------------------------------------------


def _damaged(name: str) -> InputError:
    return InputError(
        f"{name} is damaged or not a real spreadsheet. Save it again, or export it as CSV."
    )


def _check_zip(path: Path, name: str) -> None:
    """Refuse archives that would inflate to absurd sizes before any XML parser sees them."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except ZIP_ERRORS:
        raise _damaged(name) from None
    unzipped = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    bomb = unzipped > RATIO_CHECK_BYTES and unzipped / packed > MAX_RATIO
    if len(entries) > MAX_ZIP_ENTRIES or unzipped > MAX_UNZIPPED_BYTES or bomb:
        raise InputError(
            f"{name} would unpack to {unzipped / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB in "
            f"{plural(len(entries), 'part')}: too large or too compressed to be a real spreadsheet "
            "(a zip bomb). Export it as CSV instead."
        )


def _read_workbook(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    kind: Kind,
    *,
    sheet: str | None,
    scratch: Path,
) -> SourceInfo:
    if kind in ("xlsx", "ods"):
        _check_zip(path, name)
    rows_path = scratch / "sheet.csv"
    try:
        if kind == "xlsx":
            workbook.check_extent(path, name)
        table = workbook.read(path, name, sheet, rows_path)
    except workbook.WorkbookError as error:
        raise InputError(str(error)) from None
    except ZIP_ERRORS:  # the scan met a damaged entry (a lying size, a bad checksum)
        raise _damaged(name) from None
    if table.rows:
        _load_sheet_rows(con, name, rows_path, table.header)
    else:
        columns = ", ".join(f"{quote_ident(h)} VARCHAR" for h in table.header)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW} ({LINE} BIGINT, {columns})")
    return SourceInfo(
        name=name,
        kind=kind,
        headers=table.header,
        rows=table.rows,
        sheet=table.sheet,
        sheets=table.sheets,
        title_lines=table.title_lines,
        footer_lines=table.footer_lines,
        blank_lines=table.blank_lines,
    )


def _load_sheet_rows(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, header: tuple[str, ...]
) -> None:
    """The child's CSV (sheet row, then one field per column) into RAW."""
    columns = {LINE: "BIGINT"} | {f"c{i}": "VARCHAR" for i in range(len(header))}
    selected = ", ".join(f'"c{i}" AS {quote_ident(h)}' for i, h in enumerate(header))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {LINE}, {selected} FROM read_csv(?, "
            "auto_detect = false, header = false, quote = '\"', escape = '\"', delim = ',', "
            f"strict_mode = false, null_padding = true, parallel = false, "
            f"max_line_size = {2 * MAX_LINE_BYTES + 2**16}, buffer_size = {READ_BUFFER_BYTES}, "
            "columns = ?)",
            [str(path), columns],
        )
    except duckdb.Error as error:
        raise unreadable(name, error) from None


# --- parquet ------------------------------------------------------------------------------------


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> SourceInfo:
    try:
        described = con.execute(
            "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))", [str(path)]
        ).fetchall()
        check_width(name, len(described))
        headers = tuple(unique_headers(str(row[0]) for row in described))
        # Columns by position (`#n`): a name in the file may hold characters no SQL name can.
        selected = ", ".join(
            f"CAST(#{i + 1} AS VARCHAR) AS {quote_ident(h)}" for i, h in enumerate(headers)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {selected}, "
            f"file_row_number + 1 AS {LINE} FROM read_parquet(?, file_row_number = true)",
            [str(path)],
        )
    except duckdb.Error as error:
        raise unreadable(name, error) from None
    rows = int(one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0])
    return SourceInfo(name=name, kind="parquet", headers=headers, rows=rows)


def raw_headers(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The file's columns in RAW, without tierboard's own."""
    described = con.execute(f"DESCRIBE {RAW}").fetchall()
    return tuple(row[0] for row in described if row[0] not in (LINE, EXTRA))
