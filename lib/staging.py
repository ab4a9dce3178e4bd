"""Raw text rows → staged rows: every value converted once, and the reason a row is rejected.

One pass over RAW does all the reading (lib/values.py's rules); lib/ingest.py then builds the
customers, the rejected rows and the counts from the staged values.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from lib import values
from lib.canonical import BY_NAME, REQUIRED
from lib.layout import EXTRA
from lib.mapping import DATE
from lib.raw import RAW
from lib.reading import LINE
from lib.sql import literal, quote_ident

ID_EMPTY = "customer id is empty"
REVENUE_EMPTY = "revenue is empty"
REVENUE_NOT_NUMBER = "revenue is not a number"
REVENUE_NOT_FINITE = "revenue is not a finite number"
# Money is exact to the cent from load to export. A figure above ten trillion (in the file's
# currency) is no revenue: it is rejected, so no sum can overflow and every customer's revenue,
# as a double on its way to charts, still holds each cent exactly (2**53 cents is ~9.0e13).
MAX_REVENUE = 10**13
REVENUE_TOO_LARGE = "revenue is too large (above 10,000,000,000,000)"
DATE_EMPTY = "date is empty"
DATE_NOT_DATE = "date is not a date"
TOO_MANY_FIELDS = "the row has more values than the header (a figure like $7,000 not in quotes?)"
ROW = "__row"  # the line of the file (row of the sheet) the record starts on, as people see it
REASON = "__reason"  # why a row is rejected; NULL when it is loaded (or blank)
BLANK = "__blank"  # every cell of the row is empty
AMOUNT = "__amount"  # the row's revenue figure, as read (before annualising), exact
REVENUE_TEXT = "__revenue_text"  # the revenue cell as written (to say why it is not read)
STAGED = "staged_rows"


def unread(name: str) -> str:
    return quote_ident(f"__unread_{name}")


def reading_of(name: str, source: str, style: values.ColumnStyle) -> str:
    """SQL: the text column `source` read as the canonical column `name` is (number, date, text)."""
    kind = "date" if name == DATE else BY_NAME[name].kind
    column = quote_ident(source)
    if kind == "number":
        return values.number(column, style.decimal_comma)
    if kind == "date":
        return values.date(column, style.day_first)
    return values.text(column)


def plain_reading_of(name: str, source: str) -> str:
    """SQL: the text column `source` read by a bare cast as the canonical number or date `name`
    is; agrees with `reading_of` only on a column whose every value is plain (lib/plain.py)."""
    column = quote_ident(source)
    if name == DATE or BY_NAME[name].kind == "date":
        return values.plain_date(column)
    return f"TRY_CAST({column} AS {values.MONEY if name == 'annual_revenue' else 'DOUBLE'})"


def stage(
    con: duckdb.DuckDBPyConnection,
    mapping: dict[str, str],
    headers: tuple[str, ...],
    styles: dict[str, values.ColumnStyle],
    *,
    plain: frozenset[str] = frozenset(),
    rows_load: bool = False,
) -> None:
    """Convert every row once into STAGED: row number, canonical values, blank flag, reason.

    One pass does all the reading (the expensive part: ~0.1 s per column per million rows);
    customers, rejections and counts then read the staged values.

    The columns in `plain` are read by a bare cast (`plain_reading_of`): lib/plain.py found every
    value of them plain, read by the cast as the full reading reads it. When `rows_load` as well
    (lib/plain.py found that no row can be rejected or blank), STAGED is a view with the same
    columns instead of a table: no reason, no blank row, and the values computed where they are
    read, so the customers are built from the file's text in one pass (1M rows: ~2 s of
    materialising 14 columns saved).
    """

    def converted(name: str) -> str:
        if name in plain:
            return plain_reading_of(name, mapping[name])
        style = styles.get(mapping[name], values.ColumnStyle())
        if name == "annual_revenue":  # money, read exactly
            return values.money(quote_ident(mapping[name]), style.decimal_comma)
        return reading_of(name, mapping[name], style)

    revenue_style = styles.get(mapping["annual_revenue"], values.ColumnStyle())
    # Only for rows whose revenue did not read (CASE evaluates it there alone): why not.
    as_double = values.number(REVENUE_TEXT, revenue_style.decimal_comma)

    def present(name: str) -> str:
        return f"({values.column_text(mapping[name])} IS NOT NULL)"

    names = [AMOUNT if name == "annual_revenue" else name for name in mapping]
    checked = [n for n in mapping if n not in REQUIRED and n != DATE and BY_NAME[n].kind != "text"]
    values_read = [
        f"{converted(n)} AS {quote_ident(alias)}" for n, alias in zip(mapping, names, strict=True)
    ]
    columns = raw_columns(con)
    line = quote_ident(LINE) if LINE in columns else "rowid + 1"
    drop(con)
    if rows_load:
        present_optional = {n: present(n) for n in checked}
        _stage_view(con, line, values_read, present_optional, converted=converted, plain=plain)
        return
    inner = [
        *values_read,
        *(f"{present(n)} AS {quote_ident('__has_' + n)}" for n in [*checked, "annual_revenue"]),
        f"{quote_ident(mapping['annual_revenue'])} AS {REVENUE_TEXT}",
    ]
    date_checks = ""
    if DATE in mapping:
        inner.append(f"{present(DATE)} AS __has_date")
        date_checks = (
            f"WHEN NOT __has_date THEN '{DATE_EMPTY}' "
            f"WHEN {quote_ident(DATE)} IS NULL THEN '{DATE_NOT_DATE}' "
        )
    # Only a row without id and revenue can be blank: checking every cell of every row would be
    # the slowest part of a load, so the full check runs for those few rows only.
    # One flat call, not a chain of ANDs: a 1,000-column file took seconds to plan that way.
    # Cells of spaces only are empty, and so is their concatenation.
    cells = ", ".join(quote_ident(h) for h in headers)
    every_cell_empty = f"(trim(concat_ws('', {cells})) = '')"
    blank = (
        f"CASE WHEN {values.column_text(mapping['customer_id'])} IS NULL "
        f"AND NOT {present('annual_revenue')} THEN {every_cell_empty} ELSE false END"
    )
    # Optional numbers and dates present but unreadable: counted for the report's notes.
    unreadable = "".join(
        f", {quote_ident('__has_' + n)} AND {quote_ident(n)} IS NULL AS {unread(n)}"
        for n in checked
    )
    kept = ", ".join(quote_ident(n) for n in [ROW, *names, BLANK])
    extra = ""
    if EXTRA in columns:
        # A row with a field beyond the header's width: its values sit under the wrong headers.
        inner.append(f"{quote_ident(EXTRA)} IS NOT NULL AS __extra")
        kept += ", __extra"
        extra = f"WHEN __extra THEN {literal(TOO_MANY_FIELDS)} "
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STAGED} AS
        SELECT {kept}{unreadable},
            CASE
                {extra}
                WHEN {BLANK} THEN NULL
                WHEN customer_id IS NULL THEN '{ID_EMPTY}'
                WHEN NOT __has_annual_revenue THEN '{REVENUE_EMPTY}'
                WHEN {AMOUNT} IS NULL THEN (CASE
                    WHEN {as_double} IS NULL THEN '{REVENUE_NOT_NUMBER}'
                    WHEN NOT isfinite({as_double}) THEN '{REVENUE_NOT_FINITE}'
                    WHEN abs({as_double}) > {MAX_REVENUE} THEN '{REVENUE_TOO_LARGE}'
                    ELSE '{REVENUE_NOT_NUMBER}' END)
                WHEN abs({AMOUNT}) > {MAX_REVENUE} THEN '{REVENUE_TOO_LARGE}'
                {date_checks}
            END AS {REASON}
        FROM (
            SELECT {line} AS {ROW}, {", ".join(inner)}, ({blank}) AS {BLANK} FROM {RAW}
        )
        """
    )


def _stage_view(
    con: duckdb.DuckDBPyConnection,
    line: str,
    values_read: list[str],
    present: dict[str, str],
    *,
    converted: Callable[[str], str],
    plain: frozenset[str],
) -> None:
    """STAGED as a view of RAW for a file whose every row loads: the table's columns, in its
    order, with no reason and no blank row (the rows the table would hold, value for value)."""
    extra = ", false AS __extra" if EXTRA in raw_columns(con) else ""
    # An optional number or date left empty: never for a plain column (a value the cast does
    # not read is not plain), else as the table computes it.
    unreadable = "".join(
        f", {'false' if n in plain else f'({present[n]} AND ({converted(n)}) IS NULL)'} "
        f"AS {unread(n)}"
        for n in present
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {STAGED} AS
        SELECT {line} AS {ROW}, {", ".join(values_read)}, false AS {BLANK}{extra}{unreadable},
            CAST(NULL AS VARCHAR) AS {REASON}
        FROM {RAW}
        """
    )


def is_view(con: duckdb.DuckDBPyConnection) -> bool:
    """True when STAGED is a view (`stage` with `rows_load`)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [STAGED]
    ).fetchone()
    return bool(found and found[0])


def materialise(con: duckdb.DuckDBPyConnection) -> None:
    """STAGED as a table (from the view), for the loader to change rows of it."""
    if is_view(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED}_table AS SELECT * FROM {STAGED}")
        con.execute(f"DROP VIEW {STAGED}")
        con.execute(f"ALTER TABLE {STAGED}_table RENAME TO {STAGED}")


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop STAGED, the view or the table, if there is one (a load cut short leaves it behind,
    and neither kind can replace the other)."""
    con.execute(f"DROP {'VIEW' if is_view(con) else 'TABLE IF EXISTS'} {STAGED}")


def raw_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE {RAW}").fetchall()}
