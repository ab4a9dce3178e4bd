"""A text file (CSV, TSV, TXT, aligned report) into RAW: encoding, delimiter, header, footer.

The steps in order: the encoding (lib/charsets.py), the delimiter (lib/delimiters.py), the
header below any title lines and the footer (lib/layout.py), where each record starts
(lib/scanning.py), then one DuckDB read of every record as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from lib import charsets, delimiters
from lib.errors import InputError
from lib.layout import (
    EXTRA,
    VALUE_LIKE,
    filled,
    footer_length,
    header_index,
    unique_headers,
)
from lib.raw import (
    MAX_LINE_BYTES,
    RAW,
    READ_BUFFER_BYTES,
    SPACES,
    RecordLines,
    SourceInfo,
    check_width,
    unreadable,
)
from lib.scanning import Scan, Scanner, record_lines
from lib.sql import one_row, quote_ident

HEAD_BYTES = 256 * 1024  # enough to see title lines, the header and the first rows
TAIL_BYTES = 64 * 1024  # enough to see a report's footer block


def read_text(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, head: bytes, scratch: Path
) -> SourceInfo:
    encoding = charsets.detect(path, head, name)
    utf8 = path if encoding == "utf-8" else charsets.to_utf8(path, encoding, scratch / "utf8.csv")
    lines = _head_lines(utf8)
    if not any(line.strip() for line in lines):
        raise InputError(f"{name} has no text in it: export the data again, with its header row.")
    delimiter = delimiters.detect(lines)
    shown = delimiter
    if delimiter.startswith(SPACES):
        utf8 = delimiters.align(utf8, scratch / "aligned.tsv", single=delimiter == SPACES + SPACES)
        delimiter, shown = "\t", SPACES
        lines = _head_lines(utf8)
    head_records = delimiters.split_records("\n".join(lines), delimiter)
    if not head_records:
        raise InputError(
            f"{name} could not be read as a table: its first lines are not rows of values. "
            "Check that it is a CSV/TSV export with one header row, or upload it as XLSX."
        )
    header_at = header_index([r for r, _ in head_records])
    header, header_end = head_records[header_at]
    check_width(name, len(header))
    headers = tuple(unique_headers(header))
    skip = header_at + 1
    if _is_data(header):
        # No header at all (the public CDNOW transactions ship so): the first line is data, and
        # the columns are named by position for the person to map.
        headers = tuple(f"column{i + 1}" for i in range(len(header)))
        skip, header_end = header_at, head_records[header_at - 1][1] if header_at else 0
    tail_records = [r for r, _ in delimiters.split_records(_tail_text(utf8), delimiter)]
    footer, footer_blank = footer_length(tail_records, len(header))
    scan = Scanner(delimiter, header_end).scan(utf8)
    if scan.longest > MAX_LINE_BYTES:
        what = "line" if scan.starts is None else "record"
        raise InputError(
            f"Line {scan.longest_at:,} of {name} is longer than {MAX_LINE_BYTES // 2**20} MB"
            + (" (a quoted value that never ends?)" if what == "record" else "")
            + f"; tierboard reads lines of up to {MAX_LINE_BYTES // 2**20} MB. Check the export: "
            "no customer's data is that long."
        )
    record_lines = _load_csv(con, utf8, name, delimiter, skip=skip, headers=headers, scan=scan)
    # DuckDB skips truly empty lines but keeps `""` or `,,` lines as rows: drop those too.
    empty_in_footer = sum(1 for r in tail_records[len(tail_records) - footer :] if not r)
    rows = _drop_last(con, footer - empty_in_footer)
    blank = scan.blank + footer_blank - empty_in_footer
    return SourceInfo(
        name=name,
        kind="csv",
        headers=headers,
        rows=rows,
        encoding={"utf-8-sig": "UTF-8 (BOM)", "cp1252": "Windows-1252"}.get(
            encoding, encoding.upper()
        ),
        delimiter=shown,
        title_lines=sum(1 for r, _ in head_records[:header_at] if filled(r)),
        footer_lines=footer - footer_blank,
        blank_lines=max(0, blank),
        prefers_european=delimiter == ";",
        lines=record_lines,
    )


def _is_data(record: Sequence[str]) -> bool:
    """True for a first record of figures and dates only: no header names, all values."""
    cells = [cell for cell in record if cell.strip()]
    return len(cells) >= 2 and all(VALUE_LIKE.match(cell) for cell in cells)


def _head_lines(path: Path) -> list[str]:
    """The first lines of the file (split on newlines only, as the CSV reader does)."""
    with path.open("rb") as handle:
        raw = handle.read(HEAD_BYTES)
        if raw.count(b"\n") < 2:  # a header longer than the usual sample: read all of it
            raw += handle.read(2 * MAX_LINE_BYTES)
    text = raw.decode("utf-8", errors="replace")
    if raw.endswith(b"\n") or len(raw) < HEAD_BYTES:
        complete = text
    else:  # cut at the last complete line
        complete = text[: text.rfind("\n") + 1] or text
    return [line.removesuffix("\r") for line in complete.split("\n")[:-1] or [complete]]


def _tail_text(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        raw = handle.read()
    text = raw.decode("utf-8", errors="replace")
    return text[text.find("\n") + 1 :] if size > TAIL_BYTES else text


def _load_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    delimiter: str,
    *,
    skip: int,
    headers: tuple[str, ...],
    scan: Scan,
) -> RecordLines:
    """Every record after the header into RAW as text; returns where each record starts.

    No detection at all (DuckDB's type sniffing is quadratic on long digit runs: a 1 MB number
    took 6 s): the columns are declared, all text. One spare column catches a row with more
    fields than the header (an unquoted "$7,000"): ingest rejects that row, with its line.
    RAW's records are in file order (its rowid); their lines are joined on only for the rows
    that need one, the rejected ones: joining a line number on to every record cost ~40% of
    the read (1M rows: 1.3 -> 2.1 s).
    """
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))} | {EXTRA: "VARCHAR"}
    options = (
        "auto_detect = false, header = false, quote = '\"', escape = '\"', null_padding = true, "
        f"strict_mode = false, max_line_size = {2 * MAX_LINE_BYTES}, "
        f"buffer_size = {READ_BUFFER_BYTES}, skip = ?, delim = ?, columns = ?"
    )
    params: list[object] = [str(path), skip, delimiter, columns]
    selected = ", ".join(f'"c{i}" AS {quote_ident(h)}' for i, h in enumerate(headers))
    query = (
        f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {selected}, {EXTRA} "
        f"FROM read_csv(?, {options}"
    )
    try:
        _execute_csv(con, query, params)
        read = int(one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0])
    except duckdb.Error as error:
        raise unreadable(name, error) from None
    return record_lines(path, delimiter, scan, read)


def _execute_csv(
    con: duckdb.DuckDBPyConnection, query: str, params: list[object], closing: str = ")"
) -> None:
    """`query` + `closing`, where the query ends inside read_csv(: in parallel if possible."""
    try:
        con.execute(query + closing, params)
    except duckdb.Error as error:
        if "parallel" not in str(error):
            raise
        # Quoted newlines need the single-threaded reader; most files do not have them.
        con.execute(query + ", parallel = false" + closing, params)


def _drop_last(con: duckdb.DuckDBPyConnection, rows: int) -> int:
    """Delete the last `rows` rows of RAW (a footer) and return how many rows remain."""
    total = int(one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0])
    if rows > 0:
        # RAW's rows are the file's records in order: the last ones are the footer's.
        con.execute(f"DELETE FROM {RAW} WHERE rowid >= ?", [total - rows])
    return total - min(max(rows, 0), total)
