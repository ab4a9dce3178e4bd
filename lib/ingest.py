"""Raw rows → canonical customers: map columns, read values, and account for every row.

Every value arrives as text (lib/reading.py) and is converted by explicit rules (lib/values.py),
never by a sniffer's guess, so a bad value becomes a reported rejection instead of silently
changing a column's type. Every data row ends up in exactly one place: loaded (possibly summed
into the same customer's other rows), rejected with a reason, or skipped as blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import duckdb

from lib import values
from lib.canonical import BY_NAME, COLUMNS, REQUIRED
from lib.errors import InputError
from lib.formatting import count, plural
from lib.layout import EXTRA, printable
from lib.mapping import DATE, suggest
from lib.reading import LINE, RAW, SourceInfo
from lib.sql import literal, one_row, quote_ident

CUSTOMERS = "customers"
REJECTED = "rejected_rows"
# Names of the two columns the rejected-rows table adds in front of the file's own columns;
# prefixed so that a file with a "Row" or "Reason" column cannot collide with them.
REJECTED_ROW = "__row"
REJECTED_REASON = "__reason"

ID_EMPTY = "customer id is empty"
REVENUE_EMPTY = "revenue is empty"
REVENUE_NOT_NUMBER = "revenue is not a number"
REVENUE_NOT_FINITE = "revenue is not a finite number"
# Money is exact to the cent from load to export. A figure above ten trillion (in the file's
# currency) is no revenue: it is rejected, so no sum can overflow and every customer's revenue,
# as a double on its way to charts, still holds each cent exactly (2**53 cents is ~9.0e13).
MAX_REVENUE = 10**13
REVENUE_TOO_LARGE = "revenue is too large (above 10,000,000,000,000)"
CUSTOMER_TOO_LARGE = "the customer's annual revenue adds up to more than 10,000,000,000,000"
# A customer's revenue as stored: exact cents (DECIMAL(18, 2) is a 64-bit integer of cents).
REVENUE_TYPE = "DECIMAL(18, 2)"
DATE_EMPTY = "date is empty"
DATE_NOT_DATE = "date is not a date"
TOO_MANY_FIELDS = "the row has more values than the header (a figure like $7,000 not in quotes?)"

ROW = "__row"  # the line of the file (row of the sheet) the record starts on, as people see it
REASON = "__reason"  # why a row is rejected; NULL when it is loaded (or blank)
BLANK = "__blank"  # every cell of the row is empty
AMOUNT = "__amount"  # the row's revenue figure, as read (before annualising), exact
REVENUE_TEXT = "__revenue_text"  # the revenue cell as written (to say why it is not read)
IN_WINDOW = "__in_window"  # transactions: dated inside the trailing 12 months
DUPLICATE_IDS = "duplicate_ids"
STAGED = "staged_rows"
WINDOW_DAYS = 365

# Columns derived from transaction files.
ORDER_COUNT = "order_count"
LAST_ORDER_DATE = "last_order_date"

BasisKind = Literal["annual", "monthly", "transactions"]


@dataclass(frozen=True)
class RevenueBasis:
    """What the revenue column holds: annual figures, monthly ones (x12), or dated lines."""

    kind: BasisKind = "annual"
    as_of: date | None = None  # transactions: the last day of the trailing 12 months

    def describe(self) -> str:
        if self.kind == "monthly":
            return "monthly figures (MRR), annualised x 12"
        if self.kind == "transactions":
            end = self.as_of.isoformat() if self.as_of else "the latest date"
            return f"transactions, trailing 12 months ending {end}"
        return "annual figures"


ANNUAL = RevenueBasis()


@dataclass(frozen=True)
class LoadReport:
    """What happened to every row of a file."""

    source: str
    rows_read: int  # data rows (after the header; not blank, title or footer lines)
    rows_loaded: int  # rows that became (part of) a customer
    customers: int
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> rows
    blank_lines: int = 0
    footer_lines: int = 0
    title_lines: int = 0
    duplicates_merged: int = 0  # rows summed into an earlier row of the same customer
    rows_outside_window: int = 0  # transactions dated outside the trailing 12 months
    notes: tuple[str, ...] = ()  # how the file was read; optional values left empty
    basis: RevenueBasis = ANNUAL
    currency: str = "$"  # how money is shown: the data's currency symbol or code

    @property
    def rejected_rows(self) -> int:
        return sum(self.rejected.values())

    def sentences(self) -> list[str]:
        """The report as short sentences for a person."""
        lines = [
            f"{plural(self.rows_read, 'row')} read, {count(self.rows_loaded)} loaded as "
            f"{plural(self.customers, 'customer')}."
        ]
        if self.duplicates_merged and self.basis.kind == "transactions":
            lines.append(f"Lines of the same customer summed: {count(self.rows_loaded)}.")
        elif self.duplicates_merged:
            lines.append(
                f"{plural(self.duplicates_merged, 'row')} repeated a customer id and "
                f"{'was' if self.duplicates_merged == 1 else 'were'} summed into that customer."
            )
        if self.rows_outside_window:
            lines.append(
                f"{plural(self.rows_outside_window, 'row')} dated outside the 12 months "
                "counted no revenue."
            )
        lines.extend(
            f"Rejected, {reason}: {plural(rows, 'row')}."
            for reason, rows in sorted(self.rejected.items(), key=lambda item: -item[1])
        )
        skipped = [
            plural(n, what)
            for n, what in (
                (self.title_lines, "title line"),
                (self.footer_lines, "footer line"),
                (self.blank_lines, "blank line"),
            )
            if n
        ]
        if skipped:
            lines.append(f"Skipped: {', '.join(skipped)}.")
        lines.extend(self.notes)
        return lines


LISTED_HEADERS = 12  # a message names this many of a file's columns, then says how many more


def _shown(header: str) -> str:
    """A header as a message quotes it: printable, and not a page long."""
    text = printable(header)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _listed(headers: tuple[str, ...] | list[str]) -> str:
    names = [printable(h) if len(h) <= 60 else printable(h)[:57] + "..." for h in headers]
    shown = ", ".join(names[:LISTED_HEADERS])
    more = len(names) - LISTED_HEADERS
    return f"{shown} and {more:,} more" if more > 0 else shown


def resolve_mapping(
    headers: tuple[str, ...] | list[str],
    mapping: Mapping[str, str] | None,
    basis: RevenueBasis,
) -> dict[str, str]:
    """Check a canonical-name → header mapping (or suggest one) and return it."""
    if mapping is None:
        resolved = suggest(headers).mapping
        if basis.kind != "transactions":
            resolved.pop(DATE, None)
    else:
        resolved = dict(mapping)
    unknown = sorted(set(resolved) - set(BY_NAME) - {DATE})
    if unknown:
        raise InputError(
            f"Unknown column {_shown(unknown[0])}: use one of {', '.join([*BY_NAME, DATE])}."
        )
    absent = sorted(header for header in resolved.values() if header not in headers)
    if absent:
        raise InputError(
            f"The file has no column {_shown(absent[0])}; its columns are {_listed(headers)}."
        )
    chosen: dict[str, str] = {}
    for canonical, header in resolved.items():
        if header in chosen:
            raise InputError(
                f"The column {_shown(header)} is chosen for both {chosen[header]} and {canonical}: "
                "pick one column for each."
            )
        chosen[header] = canonical
    missing = [name for name in REQUIRED if name not in resolved]
    if missing:
        what = " and ".join(missing)
        raise InputError(
            f"Choose the column that holds {what} (the file has {_listed(headers) or 'none'})."
        )
    if basis.kind == "transactions" and DATE not in resolved:
        raise InputError("Transactions need a date column: choose which column holds the date.")
    if basis.kind != "transactions":
        resolved.pop(DATE, None)
    return resolved


def _unread(name: str) -> str:
    return quote_ident(f"__unread_{name}")


def _converted(name: str, source: str, style: values.ColumnStyle) -> str:
    kind = "date" if name == DATE else BY_NAME[name].kind
    column = quote_ident(source)
    if kind == "number":
        return values.number(column, style.decimal_comma)
    if kind == "date":
        return values.date(column, style.day_first)
    return values.text(column)


def _stage(
    con: duckdb.DuckDBPyConnection,
    mapping: dict[str, str],
    headers: tuple[str, ...],
    styles: dict[str, values.ColumnStyle],
) -> None:
    """Convert every row once into STAGED: row number, canonical values, blank flag, reason.

    One pass does all the reading (the expensive part: ~0.1 s per column per million rows);
    customers, rejections and counts then read the staged values. STAGED lives in the store's
    database file, so DuckDB keeps it compressed and within its memory limit.
    """

    def converted(name: str) -> str:
        style = styles.get(mapping[name], values.ColumnStyle())
        if name == "annual_revenue":  # money, read exactly
            return values.money(quote_ident(mapping[name]), style.decimal_comma)
        return _converted(name, mapping[name], style)

    revenue_style = styles.get(mapping["annual_revenue"], values.ColumnStyle())
    # Only for rows whose revenue did not read (CASE evaluates it there alone): why not.
    as_double = values.number(REVENUE_TEXT, revenue_style.decimal_comma)

    def present(name: str) -> str:
        return f"({values.column_text(mapping[name])} IS NOT NULL)"

    names = [AMOUNT if name == "annual_revenue" else name for name in mapping]
    checked = [n for n in mapping if n not in REQUIRED and n != DATE and BY_NAME[n].kind != "text"]
    inner = [
        *(
            f"{converted(n)} AS {quote_ident(alias)}"
            for n, alias in zip(mapping, names, strict=True)
        ),
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
    unread = "".join(
        f", {quote_ident('__has_' + n)} AND {quote_ident(n)} IS NULL AS {_unread(n)}"
        for n in checked
    )
    kept = ", ".join(quote_ident(n) for n in [ROW, *names, BLANK])
    columns = _raw_columns(con)
    line = quote_ident(LINE) if LINE in columns else "rowid + 1"
    extra = ""
    if EXTRA in columns:
        # A row with a field beyond the header's width: its values sit under the wrong headers.
        inner.append(f"{quote_ident(EXTRA)} IS NOT NULL AS __extra")
        kept += ", __extra"
        extra = f"WHEN __extra THEN {literal(TOO_MANY_FIELDS)} "
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STAGED} AS
        SELECT {kept}{unread},
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


def _revenue(basis: RevenueBasis) -> str:
    return f"{AMOUNT} * 12" if basis.kind == "monthly" else AMOUNT


def _to_the_cent(total: str) -> str:
    """SQL: a customer's exact revenue rounded once to the cent (half away from zero), or NULL
    when it is beyond MAX_REVENUE (the customer's rows are then rejected).

    Lines and MRR are summed and annualised exactly (DECIMAL), in any order, and rounded only
    here: 12 x 10.333 is 124.00, and ten lines of 0.001 are 0.01.
    """
    return f"CASE WHEN abs({total}) <= {MAX_REVENUE} THEN CAST({total} AS {REVENUE_TYPE}) END"


def _build_customers(
    con: duckdb.DuckDBPyConnection, rows: str, mapping: dict[str, str], basis: RevenueBasis
) -> None:
    loaded = f"SELECT * FROM ({rows}) WHERE {REASON} IS NULL AND NOT {BLANK}"
    others = [quote_ident(n) for n in mapping if n not in REQUIRED and n != DATE]
    # Each other attribute comes from the customer's first row that has it: exports list the
    # freshest record first far more often than last, and "first" is easy to explain.
    merged = "".join(
        f", arg_min({name}, {ROW}) FILTER (WHERE {name} IS NOT NULL) AS {name}" for name in others
    )
    if basis.kind == "transactions":
        day = quote_ident(DATE)
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {CUSTOMERS} AS
            SELECT customer_id,
                {_to_the_cent(f"coalesce(sum({AMOUNT}) FILTER (WHERE {IN_WINDOW}), 0)")}
                    AS annual_revenue,
                count(*) AS source_rows,
                count(*) FILTER (WHERE {IN_WINDOW}) AS {ORDER_COUNT},
                max({day}) FILTER (WHERE {day} <= ?) AS {LAST_ORDER_DATE}{merged}
            FROM (SELECT *, {day} > ? AND {day} <= ? AS {IN_WINDOW} FROM ({loaded}))
            GROUP BY customer_id
            """,
            [_as_of(basis), _as_of(basis) - timedelta(days=WINDOW_DAYS), _as_of(basis)],
        )
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {DUPLICATE_IDS} AS "
        f"SELECT customer_id FROM ({loaded}) GROUP BY customer_id HAVING count(*) > 1"
    )
    listed = "".join(f", {name}" for name in others)
    single = (
        f"SELECT customer_id, {_to_the_cent(_revenue(basis))} AS annual_revenue, "
        f"1 AS source_rows{listed} FROM ({loaded})"
    )
    if one_row(con.execute(f"SELECT count(*) FROM {DUPLICATE_IDS}").fetchone())[0] == 0:
        # The common case, a customer list: every row is its customer, in one streaming pass
        # (no second scan, no lookup of each id among the repeated ones).
        con.execute(f"CREATE OR REPLACE TABLE {CUSTOMERS} AS {single}")
        con.execute(f"DROP TABLE {DUPLICATE_IDS}")
        return
    # Most customers have one row: they are copied as they are, streaming. Only the ids that
    # repeat go through an aggregation, which sums their revenue.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CUSTOMERS} AS
        SELECT customer_id, {_to_the_cent(_revenue(basis))} AS annual_revenue,
            1 AS source_rows{listed}
        FROM ({loaded}) WHERE customer_id NOT IN (SELECT customer_id FROM {DUPLICATE_IDS})
        UNION ALL
        SELECT customer_id, {_to_the_cent(f"sum({_revenue(basis)})")}, count(*){merged}
        FROM ({loaded}) WHERE customer_id IN (SELECT customer_id FROM {DUPLICATE_IDS})
        GROUP BY customer_id
        """
    )
    con.execute(f"DROP TABLE {DUPLICATE_IDS}")


def _reject_oversized_customers(con: duckdb.DuckDBPyConnection) -> bool:
    """Reject every row of the customers whose revenue adds up beyond MAX_REVENUE.

    True when there were any (the customers and rejected rows must then be built again). Many
    lines or MRR x 12 can pass the bound that each row's figure is held to.
    """
    oversized = f"SELECT customer_id FROM {CUSTOMERS} WHERE annual_revenue IS NULL"
    if one_row(con.execute(f"SELECT count(*) FROM ({oversized})").fetchone())[0] == 0:
        return False
    con.execute(
        f"UPDATE {STAGED} SET {REASON} = ? "
        f"WHERE {REASON} IS NULL AND NOT {BLANK} AND customer_id IN ({oversized})",
        [CUSTOMER_TOO_LARGE],
    )
    return True


def _raw_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE {RAW}").fetchall()}


def _build_rejected(con: duckdb.DuckDBPyConnection, rows: str, info: SourceInfo) -> None:
    columns = _raw_columns(con)
    own = [quote_ident(c) for c in (LINE, EXTRA) if c in columns]
    line = f"raw.{quote_ident(LINE)}" if LINE in columns else "raw.rowid + 1"
    shown = f"raw.* EXCLUDE ({', '.join(own)})" if own else "raw.*"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {REJECTED} AS
        SELECT r.{ROW} AS {REJECTED_ROW}, r.{REASON} AS {REJECTED_REASON}, {shown}
        FROM ({rows}) r JOIN {RAW} raw ON {line} = r.{ROW}
        WHERE r.{REASON} IS NOT NULL
        ORDER BY r.{ROW}
        """
    )
    if LINE not in columns and info.lines is not None:
        info.lines.renumber(con, REJECTED, REJECTED_ROW)  # record numbers -> lines of the file


@dataclass(frozen=True)
class _Counts:
    read: int
    blank: int
    loaded: int
    outside_window: int
    notes: tuple[str, ...]


def _counts(
    con: duckdb.DuckDBPyConnection, rows: str, mapping: dict[str, str], basis: RevenueBasis
) -> _Counts:
    """Rows read, blank, loaded, outside the window, unreadable optional values: one pass."""
    optional = [n for n in mapping if n not in REQUIRED and n != DATE and BY_NAME[n].kind != "text"]
    loaded = f"{REASON} IS NULL AND NOT {BLANK}"
    unread = "".join(f", count(*) FILTER (WHERE {loaded} AND {_unread(n)})" for n in optional)
    params: list[object] = []
    outside = "0"
    if basis.kind == "transactions":
        day = quote_ident(DATE)
        outside = f"count(*) FILTER (WHERE {loaded} AND NOT ({day} > ? AND {day} <= ?))"
        params = [_as_of(basis) - timedelta(days=WINDOW_DAYS), _as_of(basis)]
    read, blank, ok, outside_window, *unreadable = one_row(
        con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {BLANK}), count(*) FILTER (WHERE {loaded}), "
            f"{outside}{unread} FROM ({rows})",
            params,
        ).fetchone()
    )
    notes = []
    for name, number in zip(optional, unreadable, strict=True):
        if number:
            what = "numbers" if BY_NAME[name].kind == "number" else "dates"
            notes.append(
                f"{name}: {plural(number, 'value')} {'was' if number == 1 else 'were'} "
                f"not {what} and left empty."
            )
    return _Counts(read, blank, ok, outside_window, tuple(notes))


def _styles(
    con: duckdb.DuckDBPyConnection, mapping: dict[str, str], info: SourceInfo
) -> dict[str, values.ColumnStyle]:
    def kind(name: str) -> str:
        return "date" if name == DATE else BY_NAME[name].kind

    numbers = [src for name, src in mapping.items() if kind(name) == "number"]
    dates = [src for name, src in mapping.items() if kind(name) == "date"]
    return values.detect_styles(con, RAW, numbers, dates, info.prefers_european)


def latest_date(con: duckdb.DuckDBPyConnection, info: SourceInfo, header: str) -> date | None:
    """The latest date in a column, read with the column's own day/month order."""
    style = values.detect_styles(con, RAW, [], [header], info.prefers_european)[header]
    latest: date | None = one_row(
        con.execute(f"SELECT max({_converted(DATE, header, style)}) FROM {RAW}").fetchone()
    )[0]
    return latest


def _as_of(basis: RevenueBasis) -> date:
    """The last day of a transactions basis's window (set by `_with_as_of` before any sum)."""
    if basis.as_of is None:
        raise RuntimeError("a transactions basis reached its window without its end day")
    return basis.as_of


def _with_as_of(
    con: duckdb.DuckDBPyConnection, basis: RevenueBasis, mapping: dict[str, str], info: SourceInfo
) -> RevenueBasis:
    """Transactions without an end date end on the latest date in the file."""
    if basis.kind != "transactions":
        return basis
    if basis.as_of is not None:
        first, last = values.YEARS
        if not first <= basis.as_of.year <= last:
            # Dates outside these years are read as typos; 0001-01-01 also had no year before.
            raise InputError(
                f"The 12 months must end on a day between {first} and {last} (not "
                f"{basis.as_of.isoformat()})."
            )
        return basis
    latest = latest_date(con, info, mapping[DATE])
    if latest is None:
        raise InputError(
            f"No value in the column {_shown(mapping[DATE])} reads as a date: choose the date "
            "column."
        )
    return RevenueBasis("transactions", latest)


def _style_notes(mapping: dict[str, str], styles: dict[str, values.ColumnStyle]) -> list[str]:
    notes = []
    revenue = styles.get(mapping["annual_revenue"])
    if revenue and revenue.decimal_comma:
        notes.append(f"{mapping['annual_revenue']}: read with a decimal comma (1.234,56).")
    if DATE in mapping and styles.get(mapping[DATE], values.ColumnStyle()).day_first:
        notes.append(f"{mapping[DATE]}: read day first (31/01/2026).")
    return notes


def load_customers(
    con: duckdb.DuckDBPyConnection,
    info: SourceInfo,
    mapping: Mapping[str, str] | None,
    basis: RevenueBasis = ANNUAL,
) -> tuple[LoadReport, dict[str, str]]:
    """Turn the raw table into the canonical customers table; report on every row.

    Returns the report and the mapping that was applied.
    """
    try:
        return _load_customers(con, info, mapping, basis)
    except duckdb.OutOfMemoryException:
        # The store's memory limit holds even for a file that fits no table (very wide, or
        # huge cells): the person hears it in a sentence, the server keeps its memory.
        raise InputError(
            f"{printable(info.name)} is too large to load within the memory tierboard gives one "
            "file. Export fewer columns (or rows) and upload it again."
        ) from None


def _load_customers(
    con: duckdb.DuckDBPyConnection,
    info: SourceInfo,
    mapping: Mapping[str, str] | None,
    basis: RevenueBasis,
) -> tuple[LoadReport, dict[str, str]]:
    resolved = resolve_mapping(info.headers, mapping, basis)
    styles = _styles(con, resolved, info)
    basis = _with_as_of(con, basis, resolved, info)
    _stage(con, resolved, info.headers, styles)
    rows = f"SELECT * FROM {STAGED}"
    _build_rejected(con, rows, info)
    _build_customers(con, rows, resolved, basis)
    if _reject_oversized_customers(con):
        _build_rejected(con, rows, info)
        _build_customers(con, rows, resolved, basis)
    counts = _counts(con, rows, resolved, basis)
    con.execute(f"DROP TABLE {STAGED}")
    rejected = dict(
        con.execute(
            f"SELECT {REJECTED_REASON}, count(*) FROM {REJECTED} GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    customers = one_row(con.execute(f"SELECT count(*) FROM {CUSTOMERS}").fetchone())[0]
    how = [f"Read as {info.describe()}; revenue as {basis.describe()}."]
    currency = values.currency_of(con, RAW, resolved["annual_revenue"])
    report = LoadReport(
        source=info.name,
        rows_read=counts.read - counts.blank,
        rows_loaded=counts.loaded,
        customers=customers,
        rejected=rejected,
        blank_lines=info.blank_lines + counts.blank,
        footer_lines=info.footer_lines,
        title_lines=info.title_lines,
        duplicates_merged=counts.loaded - customers,
        rows_outside_window=counts.outside_window,
        notes=(*how, *_style_notes(resolved, styles), *counts.notes),
        basis=basis,
        currency=currency,
    )
    if customers == 0:
        detail = "; ".join(f"{reason}: {count(n)}" for reason, n in rejected.items())
        raise InputError(
            f"{info.name} has no usable customer rows"
            + (f" ({detail})." if detail else ".")
            + " Each row needs a customer id and a numeric revenue: check the column choices."
        )
    return report, resolved


def present_columns(mapping: Mapping[str, str], basis: RevenueBasis) -> tuple[str, ...]:
    """Canonical columns the customers table has, in canonical order (+ derived ones)."""
    present = tuple(column.name for column in COLUMNS if column.name in mapping)
    if basis.kind == "transactions":
        return (*present, ORDER_COUNT, LAST_ORDER_DATE)
    return present
