"""Raw rows → canonical customers: map columns, read values, and account for every row.

Every value arrives as text (lib/reading.py) and is converted by explicit rules (lib/values.py),
never by a sniffer's guess, so a bad value becomes a reported rejection instead of silently
changing a column's type. Every data row ends up in exactly one place: loaded (possibly summed
into the same customer's other rows), rejected with a reason, or skipped as blank.

Split by job: the mapping's checks are lib/mapping.py's (resolve_mapping), the one pass that
reads every value and gives each row its reason lib/staging.py's, the report lib/loadreport.py's;
this module builds the customers and the rejected rows from the staged values.

Why one module (past 400 lines, about 460): the customers, the rejected rows, the counts and
the report are made from the same staged rows in one order, and a deferred customers table
(`Pending`, written by lib/table_writer.py) is only safe because this order guarantees that no
row is rejected after it; splitting them would spread that guarantee over modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from lib import plain, staging, values
from lib.canonical import BY_NAME, COLUMNS, REQUIRED
from lib.errors import InputError
from lib.formatting import count, plural
from lib.layout import EXTRA, printable
from lib.loadreport import ANNUAL, BasisKind, LoadReport, RevenueBasis, repeated_ids
from lib.mapping import DATE, resolve_mapping, shown
from lib.reading import LINE, RAW, SourceInfo
from lib.sql import one_row, quote_ident
from lib.staging import (
    AMOUNT,
    BLANK,
    DATE_EMPTY,
    DATE_NOT_DATE,
    ID_EMPTY,
    MAX_REVENUE,
    REASON,
    REVENUE_EMPTY,
    REVENUE_NOT_FINITE,
    REVENUE_NOT_NUMBER,
    REVENUE_TOO_LARGE,
    ROW,
    STAGED,
    TOO_MANY_FIELDS,
    plain_reading_of,
    raw_columns,
    reading_of,
    stage,
    unread,
)

# Names callers know from here (the loader's words); they live in the modules named above.
__all__ = [
    "ANNUAL",
    "CUSTOMERS",
    "DATE_EMPTY",
    "DATE_NOT_DATE",
    "ID_EMPTY",
    "MAX_REVENUE",
    "REJECTED",
    "REVENUE_EMPTY",
    "REVENUE_NOT_FINITE",
    "REVENUE_NOT_NUMBER",
    "REVENUE_TOO_LARGE",
    "TOO_MANY_FIELDS",
    "BasisKind",
    "LoadReport",
    "RevenueBasis",
    "latest_date",
    "load_customers",
    "present_columns",
    "resolve_mapping",
]

CUSTOMERS = "customers"

REJECTED = "rejected_rows"

# Names of the two columns the rejected-rows table adds in front of the file's own columns;
# prefixed so that a file with a "Row" or "Reason" column cannot collide with them.
REJECTED_ROW = "__row"

REJECTED_REASON = "__reason"

CUSTOMER_TOO_LARGE = "the customer's annual revenue adds up to more than 10,000,000,000,000"

# A customer's revenue as stored: exact cents (DECIMAL(18, 2) is a 64-bit integer of cents).
REVENUE_TYPE = "DECIMAL(18, 2)"

IN_WINDOW = "__in_window"  # transactions: dated inside the trailing 12 months

DUPLICATE_IDS = "duplicate_ids"

WINDOW_DAYS = 365

# Columns derived from transaction files.
ORDER_COUNT = "order_count"

LAST_ORDER_DATE = "last_order_date"


def _revenue(basis: RevenueBasis) -> str:
    return f"{AMOUNT} * 12" if basis.kind == "monthly" else AMOUNT


def _to_the_cent(total: str) -> str:
    """SQL: a customer's exact revenue rounded once to the cent (half away from zero), or NULL
    when it is beyond MAX_REVENUE (the customer's rows are then rejected).

    Lines and MRR are summed and annualised exactly (DECIMAL), in any order, and rounded only
    here: 12 x 10.333 is 124.00, and ten lines of 0.001 are 0.01.
    """
    return f"CASE WHEN abs({total}) <= {MAX_REVENUE} THEN CAST({total} AS {REVENUE_TYPE}) END"


@dataclass(frozen=True)
class Pending:
    """The customers table, not yet written: its rows are `select`, over the staged view of RAW.

    Only for a file whose every row loads as it is, one row per customer, revenue as written: the
    table then holds exactly the rows `select` yields, in its order, and nothing read from the
    table can change the report. `write` (on the loader's connection, the only one that sees
    RAW) makes the table and drops the staged rows; lib/table_writer.py runs it behind the
    first page.
    """

    select: str

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"CREATE OR REPLACE TABLE {CUSTOMERS} AS {self.select}")
        staging.drop(con)


def _build_customers(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    mapping: dict[str, str],
    basis: RevenueBasis,
    *,
    defer: bool = False,
) -> Pending | None:
    """Build the customers table, or, with `defer` on a file whose every row loads (STAGED a
    view) with one row per customer and revenue as written, say how (`Pending`)."""
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
        return None
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
        con.execute(f"DROP TABLE {DUPLICATE_IDS}")
        # Revenue as written (not MRR x 12) and every row within MAX_REVENUE (STAGED is a view
        # only then): no customer can be rejected as oversized, so the table may come later.
        if defer and basis.kind == "annual" and staging.is_view(con):
            return Pending(single)
        con.execute(f"CREATE OR REPLACE TABLE {CUSTOMERS} AS {single}")
        return None
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
    return None


def _reject_oversized_customers(con: duckdb.DuckDBPyConnection) -> bool:
    """Reject every row of the customers whose revenue adds up beyond MAX_REVENUE.

    True when there were any (the customers and rejected rows must then be built again). Many
    lines or MRR x 12 can pass the bound that each row's figure is held to.
    """
    oversized = f"SELECT customer_id FROM {CUSTOMERS} WHERE annual_revenue IS NULL"
    if one_row(con.execute(f"SELECT count(*) FROM ({oversized})").fetchone())[0] == 0:
        return False
    staging.materialise(con)  # a view when every row was to load: its rows change now
    con.execute(
        f"UPDATE {STAGED} SET {REASON} = ? "
        f"WHERE {REASON} IS NULL AND NOT {BLANK} AND customer_id IN ({oversized})",
        [CUSTOMER_TOO_LARGE],
    )
    return True


def _build_rejected(con: duckdb.DuckDBPyConnection, rows: str, info: SourceInfo) -> None:
    columns = raw_columns(con)
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
    unread_counts = "".join(f", count(*) FILTER (WHERE {loaded} AND {unread(n)})" for n in optional)
    params: list[object] = []
    outside = "0"
    if basis.kind == "transactions":
        day = quote_ident(DATE)
        outside = f"count(*) FILTER (WHERE {loaded} AND NOT ({day} > ? AND {day} <= ?))"
        params = [_as_of(basis) - timedelta(days=WINDOW_DAYS), _as_of(basis)]
    read, blank, ok, outside_window, *unreadable = one_row(
        con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {BLANK}), count(*) FILTER (WHERE {loaded}), "
            f"{outside}{unread_counts} FROM ({rows})",
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


def latest_date(con: duckdb.DuckDBPyConnection, info: SourceInfo, header: str) -> date | None:
    """The latest date in a column, read with the column's own day/month order."""
    return date_range(con, info, header)[1]


def date_range(
    con: duckdb.DuckDBPyConnection, info: SourceInfo, header: str
) -> tuple[date | None, date | None]:
    """The earliest and the latest date in a column, read with its own day/month order."""
    style = values.detect_styles(con, RAW, [], [header], info.prefers_european)[header]
    day = reading_of(DATE, header, style)
    first, last = one_row(con.execute(f"SELECT min({day}), max({day}) FROM {RAW}").fetchone())
    return first, last


def _as_of(basis: RevenueBasis) -> date:
    """The last day of a transactions basis's window (set by `_with_as_of` before any sum)."""
    if basis.as_of is None:
        raise RuntimeError("a transactions basis reached its window without its end day")
    return basis.as_of


def _with_as_of(
    con: duckdb.DuckDBPyConnection,
    basis: RevenueBasis,
    mapping: dict[str, str],
    info: SourceInfo,
    read_plainly: frozenset[str] = frozenset(),
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
    if DATE in read_plainly:  # the same latest date, without detecting the day order
        latest = one_row(
            con.execute(
                f"SELECT max({plain_reading_of(DATE, mapping[DATE])}) FROM {RAW}"
            ).fetchone()
        )[0]
    else:
        latest = latest_date(con, info, mapping[DATE])
    if latest is None:
        raise InputError(
            f"No value in the column {shown(mapping[DATE])} reads as a date: choose the date "
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


@dataclass(frozen=True)
class Loaded:
    """What a load made: the report, the mapping applied and, if deferred, the table to write."""

    report: LoadReport
    mapping: dict[str, str]
    pending: Pending | None  # the customers table still to be written (Pending.write)


def load_customers(
    con: duckdb.DuckDBPyConnection,
    info: SourceInfo,
    mapping: Mapping[str, str] | None,
    basis: RevenueBasis = ANNUAL,
) -> tuple[LoadReport, dict[str, str]]:
    """Turn the raw table into the canonical customers table; report on every row.

    Returns the report and the mapping that was applied.
    """
    loaded = load(con, info, mapping, basis)
    return loaded.report, loaded.mapping


def load(
    con: duckdb.DuckDBPyConnection,
    info: SourceInfo,
    mapping: Mapping[str, str] | None,
    basis: RevenueBasis = ANNUAL,
    *,
    defer: bool = False,
) -> Loaded:
    """`load_customers`; with `defer`, a clean file's customers table may be left to write
    (`Loaded.pending`: RAW and the staged view stay until `Pending.write` has run)."""
    try:
        return _load_customers(con, info, mapping, basis, defer=defer)
    except duckdb.OutOfMemoryException:
        # The dataset's memory limit holds even for a file that fits no table (very wide, or
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
    *,
    defer: bool,
) -> Loaded:
    resolved = resolve_mapping(info.headers, mapping, basis)
    found = plain.check(con, resolved)
    styles = plain.styles(con, resolved, info.prefers_european, found.columns)
    read_plainly, rows_load = plain.readings(found, resolved, styles)
    basis = _with_as_of(con, basis, resolved, info, read_plainly)
    stage(con, resolved, info.headers, styles, plain=read_plainly, rows_load=rows_load)
    rows = f"SELECT * FROM {STAGED}"
    _build_rejected(con, rows, info)
    pending = _build_customers(con, rows, resolved, basis, defer=defer)
    if pending is None and _reject_oversized_customers(con):
        _build_rejected(con, rows, info)
        _build_customers(con, rows, resolved, basis)
    counts = _counts(con, rows, resolved, basis)
    rejected = dict(
        con.execute(
            f"SELECT {REJECTED_REASON}, count(*) FROM {REJECTED} GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    if pending is None:
        staging.drop(con)
        customers = one_row(con.execute(f"SELECT count(*) FROM {CUSTOMERS}").fetchone())[0]
    else:
        customers = counts.loaded  # one row per customer, every row loaded
    repeated, examples = repeated_ids(con, CUSTOMERS, basis, merged=counts.loaded - customers)
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
        repeated_ids=examples,
        repeated_customers=repeated,
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
    return Loaded(report, resolved, pending)


def present_columns(mapping: Mapping[str, str], basis: RevenueBasis) -> tuple[str, ...]:
    """Canonical columns the customers table has, in canonical order (+ derived ones)."""
    present = tuple(column.name for column in COLUMNS if column.name in mapping)
    if basis.kind == "transactions":
        return (*present, ORDER_COUNT, LAST_ORDER_DATE)
    return present
