"""The raw table every reader fills: RAW, what was read (SourceInfo), where records start.

Shared by the readers (lib/textfile.py, lib/reading.py for workbooks and Parquet, lib/sources.py)
and the loader (lib/ingest.py), so none of them imports another's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa

from lib import workbook
from lib.errors import InputError
from lib.sql import quote_ident

RAW = "raw_rows"
Kind = Literal["csv", "xlsx", "xls", "ods", "parquet"]
SPACES = " "  # the delimiter of a whitespace-aligned report (runs of spaces, rewritten to tabs)

# The longest record (line, or lines of one quoted value) tierboard reads: pages of notes fit;
# a longer one is a damaged file or an attack (DuckDB's reader holds lines whole).
MAX_LINE_BYTES = 4 * 2**20
READ_BUFFER_BYTES = 4 * MAX_LINE_BYTES  # per reading thread; must hold the longest line

# The widest table tierboard reads. Every column costs DuckDB buffers while a file is read
# within the dataset's memory limit: measured in tests/unit/test_reading.py at this width.
MAX_COLUMNS = workbook.MAX_COLUMNS


@dataclass(frozen=True)
class RecordLines:
    """The line of the file each record in RAW starts on, for a table without a LINE column.

    Record n (RAW's rowid + 1, the records in file order) starts on `starts[n - 1]`, or on line
    n + `offset` when the records could not be located in the bytes. Looked up only for the
    rows that need a line number (rejected ones): most files have none.
    """

    starts: np.ndarray | None
    offset: int = 0

    def renumber(self, con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
        """Replace the record numbers in `column` of `table` by the lines they start on."""
        if self.starts is None:
            con.execute(f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = "
                        f"{quote_ident(column)} + ?", [self.offset])  # fmt: skip
            return
        found = con.execute(f"SELECT DISTINCT {quote_ident(column)} FROM {quote_ident(table)}")
        records = np.asarray(next(iter(found.fetchnumpy().values())), dtype=np.int64)
        if not records.size:
            return
        known = records[(records >= 1) & (records <= len(self.starts))]
        con.register("tierboard_lines", pa.table({"record": known, "line": self.starts[known - 1]}))
        try:
            con.execute(
                f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = l.line "
                f"FROM tierboard_lines l WHERE {quote_ident(column)} = l.record"
            )
        finally:
            con.unregister("tierboard_lines")


@dataclass(frozen=True)
class SourceInfo:
    """What was read, and how: everything the load report and the mapping step need."""

    name: str
    kind: Kind
    headers: tuple[str, ...]
    rows: int  # data rows in the raw table
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    title_lines: int = 0
    footer_lines: int = 0
    blank_lines: int = 0  # empty lines between the header and the footer, skipped
    prefers_european: bool = False  # ";"-separated: ambiguous "1.234" / "01/02" read the EU way
    # RAW without a LINE column (text files): where its records start, looked up on demand.
    lines: RecordLines | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """How the file was read, in one line: "CSV, UTF-8, ';'-separated, sheet ..."."""
        parts = [self.kind.upper()]
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter == SPACES:
            parts.append("columns aligned with spaces")
        elif self.delimiter:
            shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.delimiter]
            parts.append(f"{shown}-separated")
        if self.sheet:
            parts.append(f"sheet “{self.sheet}”")
        return ", ".join(parts)


def check_width(name: str, width: int) -> None:
    if width > MAX_COLUMNS:
        raise InputError(
            f"{name} has {width:,} columns; tierboard reads at most {MAX_COLUMNS:,}. "
            "Export only the columns you need."
        )


def unreadable(name: str, error: Exception) -> InputError:
    # Never the engine's own text: it names temporary paths and internals ("Error when
    # sniffing file /tmp/..."), which mean nothing to the person and leak the server's layout.
    if isinstance(error, duckdb.OutOfMemoryException):
        return InputError(
            f"{name} is too large to read within the memory tierboard gives one file. Export "
            "fewer columns (or rows), or upload it as CSV."
        )
    return InputError(
        f"{name} could not be read as a table. Check that it is a CSV/TSV export with one "
        "header row, or upload it as XLSX."
    )
