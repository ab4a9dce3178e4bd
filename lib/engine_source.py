"""Customers aggregated where the invoice lines live: one ibis expression for every engine.

A source table (PostgreSQL, a DuckDB file, Parquet files; Spark and the other engines ibis
speaks, once registered) is never copied line by line. One ibis expression reads every line's
values in the engine, gives each line its fate (loaded, rejected with the file loader's
reason, blank, outside the 12 months) and groups by customer id; only that one row per id
(with its lines' accounting) and, when there are any, up to REJECTED_SHOWN rejected rows come
back as Arrow, into the DuckDB CUSTOMERS / REJECTED tables the rest of the app uses, with the
LoadReport an upload gets.

Entry points:
- `BACKENDS` / `register_backend(scheme, engine, opener)`: the one registry of engines by URL
  scheme (`scheme_of`: "postgresql", "duckdb", "parquet" for paths, "local" for local[N]); an
  opener takes the URL and returns (an ibis backend, how messages name where the table is).
  lib/config accepts any scheme registered here for TIERBOARD_SOURCE.
- `open_table(url, table, name, files=None)` -> `EngineTable`: the table or view in its engine.
- `summarize(table, mapping, basis)` -> `Summary`: the aggregate run in the engine, its small
  result as Arrow tables. `customers_expression` is the one aggregate (one scan): a row per
  customer id with the accounting of its lines; the report's counts are its column sums.
  Besides it: the latest date when no --as-of is given (transactions), the rejected rows when
  there are any, the currency of a text revenue column from its first values.
- `load_dataset(table, mapping, basis)` -> `Dataset`: the summary in a DuckDB database of its
  own, as lib/ingest leaves an upload (`store_summary` does the storing).
- `count_rows(table)`: the row count, for `tierboard sources check` (lib/cli_sources.py).

What the engine reads (the file loader's rules, lib/values.py, are DuckDB SQL decided from the
whole column; the engine path takes the forms every SQL engine can check with one regular
expression): revenue from numeric columns (integer, decimal, float: NaN and infinities are
"not a finite number"), or from text holding a plain figure — an optional sign, currency
symbol ($ € £ ¥), digits grouped by commas or not, a decimal point, parentheses or a trailing
minus for negatives ("-$1,234.50", "(40.00)", "7-"); "nan"/"inf" are not finite. Other text (a
decimal comma, "1.234,50 €", a currency code, "1e3") is rejected as not a number: give such a
column a numeric type in a view. Dates from date or timestamp columns, or ISO text
("2026-03-05", optionally with a time), within the file loader's years; other text is "not a
date". Ids and texts are trimmed of spaces as the file reader trims them; a cell of spaces is
empty. Money is DECIMAL(38, 6) in the engine and rounded once to the cent per customer, as for
files. An optional attribute is the customer's smallest non-empty value: a table has no row
order to take the first from, and min() answers the same in every engine. Rejected rows carry
no row number, for the same reason.

Why one module (past 400 lines, about 800): the registry, the per-line reading, the two-level
aggregate and the storing of its result are one contract with the file loader — every reason,
count and rounding here mirrors lib/ingest.py and lib/staging.py, and the corpus tests check
them together; split, a change to one reading would have to be followed across files.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lib.canonical import BY_NAME, REQUIRED
from lib.errors import InputError
from lib.formatting import count, plural
from lib.ingest import (
    CUSTOMER_TOO_LARGE,
    CUSTOMERS,
    DATE_EMPTY,
    DATE_NOT_DATE,
    ID_EMPTY,
    LAST_ORDER_DATE,
    MAX_REVENUE,
    ORDER_COUNT,
    REJECTED,
    REJECTED_REASON,
    REJECTED_ROW,
    REVENUE_EMPTY,
    REVENUE_NOT_FINITE,
    REVENUE_NOT_NUMBER,
    REVENUE_TOO_LARGE,
    REVENUE_TYPE,
    WINDOW_DAYS,
    LoadReport,
    RevenueBasis,
    present_columns,
    resolve_mapping,
)
from lib.mapping import DATE
from lib.sql import quote_ident
from lib.values import DEFAULT_CURRENCY, SPECIAL, STYLE_SAMPLE, SYMBOLS, YEARS

REJECTED_SHOWN = 1000  # rejected rows brought back to be listed (all of them are counted)
MONEY = "decimal(38, 6)"
REASONS = (ID_EMPTY, REVENUE_EMPTY, REVENUE_NOT_NUMBER, REVENUE_NOT_FINITE, REVENUE_TOO_LARGE,
           DATE_EMPTY, DATE_NOT_DATE)  # fmt: skip
# Text revenue the engine reads: a plain figure (digits grouped by commas or not, decimals
# after a point) with an optional sign, currency symbol, parentheses or trailing minus.
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,24})(?:\.[0-9]{1,12})?"
_CUR = r"(?:[$€£¥] ?)?"
_FIGURE = rf"^(?:[-+]?{_CUR}[-+]?{_NUM}|{_CUR}\({_CUR}{_NUM}\)|{_CUR}{_NUM}-|{_NUM} ?[$€£¥]-?)$"
_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{1,2}:[0-9]{2}.*)?$"

# URL -> (an ibis backend, how messages name where the table is: "the DuckDB database x.duckdb").
# (ibis ships no type information: its backends are Any.)
Opener = Callable[[str], tuple[Any, str]]


# ---------------------------------------------------------------------------------------------
# Backends by URL scheme.


def _ibis() -> Any:
    try:
        import ibis  # noqa: PLC0415 -- only an engine source needs it
    except ImportError:
        raise InputError(
            "Reading a database or Parquet source needs the ibis package: install tierboard "
            "with `pip install 'ibis-framework[duckdb,postgres]>=12,<13'`."
        ) from None
    return ibis


def _open_postgres(url: str) -> tuple[Any, str]:
    import psycopg  # noqa: PLC0415

    from lib.postgres import connection_params, describe_database, short_reason  # noqa: PLC0415

    ibis = _ibis()
    params = {**connection_params(url), "client_encoding": "UTF8"}
    try:
        connection = psycopg.connect(**params, autocommit=True)
    except psycopg.OperationalError as error:
        raise InputError(
            f"The source database {describe_database(params)} cannot be reached "
            f"({short_reason(error, params)}); check TIERBOARD_SOURCE and that PostgreSQL is "
            "running."
        ) from None
    try:
        # Read only: a source is read, never written (a view's function cannot write either).
        connection.execute("SET default_transaction_read_only = on")
        backend = ibis.postgres.from_connection(connection)
    except BaseException:
        connection.close()
        raise
    return backend, f"the source database {describe_database(params)}"


def _open_duckdb(url: str) -> tuple[Any, str]:
    path = duckdb_path(url)
    if not Path(path).is_file():
        raise InputError(f"There is no DuckDB database at {path}.")
    try:
        return _duckdb(path, read_only=True), f"the DuckDB database {path}"
    except InputError:
        raise
    except Exception as error:
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        raise InputError(f"The DuckDB database {path} could not be opened ({detail}).") from None


def _open_parquet(url: str) -> tuple[Any, str]:
    return _duckdb(":memory:"), "the Parquet files"


def _duckdb(path: str, **options: Any) -> Any:
    """An ibis DuckDB backend within the memory an upload gets, spilling to a private folder
    (deleted with the backend) rather than to the working directory."""
    from lib.dataset import MEMORY_LIMIT, process_folder  # noqa: PLC0415

    folder = tempfile.mkdtemp(prefix="tierboard-engine-", dir=process_folder())
    try:
        backend = _ibis().duckdb.connect(
            path, memory_limit=MEMORY_LIMIT, temp_directory=folder, **options
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    weakref.finalize(backend, shutil.rmtree, folder, True)
    return backend


BACKENDS: dict[str, tuple[str, Opener]] = {
    "postgresql": ("PostgreSQL", _open_postgres),
    "postgres": ("PostgreSQL", _open_postgres),
    "duckdb": ("DuckDB", _open_duckdb),
    "parquet": ("DuckDB", _open_parquet),
}


def register_backend(scheme: str, engine: str, opener: Opener) -> None:
    """Read `scheme://...` URLs with `opener` (an ibis backend from the URL), named `engine`."""
    BACKENDS[scheme.lower()] = (engine, opener)


def scheme_of(url: str) -> str:
    """The registry key for a source URL: its scheme ("postgresql", "duckdb", "spark"), "local"
    for a Spark master like local[4]; a .duckdb path is "duckdb", any other path "parquet"
    (files, folders, globs)."""
    text = url.strip()
    if text.lower().startswith("local["):
        return "local"
    scheme = urlsplit(text).scheme.lower() if "://" in text else ""
    if scheme:
        return scheme
    return "duckdb" if text.lower().endswith(".duckdb") else "parquet"


def duckdb_path(url: str) -> str:
    text = url.strip()
    return text.split("://", 1)[1] if "://" in text else text


@dataclass
class EngineTable:
    """A table or view in an engine, ready to be summarized."""

    engine: str  # "PostgreSQL", "DuckDB", "Spark": for messages and the load report
    name: str  # how messages name the table (never with a password)
    table: Any  # the ibis table expression
    backend: Any  # the ibis backend that runs it
    shown: str = ""  # the table alone, as configured ("sales.customers")
    where: str = ""  # where it is ("the source database crm on db:5432")
    secret: str | None = None  # the URL's password: never in a message

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(self.table.columns)

    def close(self) -> None:
        disconnect = getattr(self.backend, "disconnect", None)
        if disconnect is not None:
            disconnect()


def open_table(
    url: str, table: tuple[str, ...], name: str, files: list[str] | None = None
) -> EngineTable:
    """The table `table` (("schema", "table") or ("table",)) of the engine at `url`; for
    Parquet, `files` are read as one table. InputError with one sentence when it cannot be."""
    scheme = scheme_of(url)
    if scheme not in BACKENDS:
        known = ", ".join(sorted(f"{s}://" for s in BACKENDS if s != "parquet"))
        raise InputError(
            f"TIERBOARD_SOURCE names an engine tierboard does not know ({scheme}://); it reads "
            f"{known} URLs and Parquet paths."
        )
    engine, opener = BACKENDS[scheme]
    backend, where = opener(url)
    shown = ".".join(table) or name
    secret = _password(url)
    try:
        if files is not None:
            found = backend.read_parquet(files, union_by_name=True)
        else:
            found = _table(backend, table, name, where)
    except InputError:
        _disconnect(backend)
        raise
    except Exception as error:
        _disconnect(backend)
        raise InputError(f"{name} could not be read ({_reason(error, secret)}).") from None
    if not found.columns:
        _disconnect(backend)
        raise InputError(f"{name} has no columns.")
    return EngineTable(engine, name, found, backend, shown, where, secret)


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password if "://" in url else None
    except ValueError:
        return None


def _reason(error: BaseException, secret: str | None) -> str:
    """The engine's reason in a few words, its first line, never the password."""
    text = (str(error).strip().splitlines() or [type(error).__name__])[0][:160].rstrip(".")
    return text.replace(secret, "***") if secret else text


def _disconnect(backend: Any) -> None:
    disconnect = getattr(backend, "disconnect", None)
    if disconnect is not None:
        disconnect()


def _table(backend: Any, table: tuple[str, ...], name: str, where: str) -> Any:
    if not table:
        raise InputError(
            f"{name}: set TIERBOARD_SOURCE_TABLE (or --source-table) to the table or view that "
            "holds the customers."
        )
    *schema, bare = table
    try:
        return backend.table(bare, database=schema[0] if schema else None)
    except InputError:
        raise  # a backend's own sentence (Spark: a Delta path cannot be read here)
    except Exception:
        raise InputError(
            f"There is no table or view {'.'.join(table)} in {where} (or this user cannot "
            "see it): check TIERBOARD_SOURCE_TABLE."
        ) from None


# ---------------------------------------------------------------------------------------------
# Reading values in the engine.


def _text(value: Any) -> Any:
    """Trimmed text, NULL when empty (the file reader's lib/values.text: spaces only)."""
    ibis = _ibis()
    if not value.type().is_string():
        value = value.cast("string")
    # Regular expressions only for the few values with a space at an edge: PostgreSQL repeats
    # a subquery's expression wherever the aggregate uses it (a dozen times per line).
    edged = value.startswith(" ") | value.endswith(" ")
    trimmed = ibis.ifelse(edged, value.re_replace(r"^ +", "").re_replace(r" +$", ""), value)
    return ibis.ifelse(trimmed == "", ibis.null("string"), trimmed)


def _cell(value: Any) -> Any:
    """A cell as the file reader lists a rejected row's: its text as written, NULL if empty."""
    text = value if value.type().is_string() else value.cast("string")
    return _ibis().ifelse(text == "", _ibis().null("string"), text)


@dataclass(frozen=True)
class _Amount:
    value: Any  # decimal(38, 6), NULL when not read
    present: Any  # boolean: the cell is not empty
    not_finite: Any  # boolean: NaN or infinite (only where value is NULL)


def _amount(column: Any, target: str = MONEY) -> _Amount:
    ibis = _ibis()
    kind = column.type()
    if kind.is_integer() or kind.is_decimal():
        return _Amount(column.cast(target), column.notnull(), ibis.literal(False))
    if kind.is_floating():
        bad = column.isnan() | column.isinf()
        value = ibis.ifelse(bad, ibis.null(target), column.cast(target))
        return _Amount(value, column.notnull(), column.notnull() & bad)
    if kind.is_boolean() or not kind.is_string():
        text = _text(column)
        return _Amount(ibis.null(target), text.notnull(), ibis.literal(False))
    text = _text(column)
    plain = text.re_replace(r"[-+$€£¥,() ]", "").cast(target)
    negative = text.contains("-") | text.contains("(")
    value = ibis.ifelse(
        text.re_search(_FIGURE), ibis.ifelse(negative, -plain, plain), ibis.null(target)
    )
    special = text.lower().isin(list(SPECIAL))
    return _Amount(value, text.notnull(), text.notnull() & special)


def _year_ok(day: Any) -> Any:
    return day.year().between(YEARS[0], YEARS[1])


def _date(column: Any) -> tuple[Any, Any]:
    """(the date or NULL, the cell is not empty)."""
    ibis = _ibis()
    kind = column.type()
    if kind.is_timestamp():
        day = column.date()
    elif kind.is_date():
        day = column
    elif kind.is_string():
        text = _text(column)
        iso = text.re_search(_ISO)
        year = ibis.ifelse(iso, text.substr(0, 4).cast("int32"), ibis.null("int32"))
        month = ibis.ifelse(iso, text.substr(5, 2).cast("int32"), ibis.null("int32"))
        dom = ibis.ifelse(iso, text.substr(8, 2).cast("int32"), ibis.null("int32"))
        leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
        days = ibis.cases(
            (month.isin([4, 6, 9, 11]), 30),
            (month == 2, ibis.ifelse(leap, 29, 28)),
            else_=31,
        )
        valid = (
            iso
            & year.between(YEARS[0], YEARS[1])
            & month.between(1, 12)
            & dom.between(1, 31)
            & (dom <= days)
        )
        made = ibis.date(year, month, dom)
        return ibis.ifelse(valid, made, ibis.null("date")), text.notnull()
    else:
        return ibis.null("date"), _text(column).notnull()
    return ibis.ifelse(_year_ok(day), day, ibis.null("date")), column.notnull()


def _number(column: Any) -> tuple[Any, Any]:
    """An optional number as a double: (value or NULL, the cell is not empty)."""
    amount = _amount(column, "float64")
    return amount.value, amount.present


@dataclass(frozen=True)
class _Lines:
    """Every line, read: the expression and the names of its derived columns."""

    table: Any  # ibis table: customer_id, __amount, the mapped values, __blank, __reason, ...
    optional: tuple[str, ...]  # canonical optional columns carried, in mapping order
    checked: tuple[str, ...]  # optional numbers and dates: unreadable ones are counted
    reason: Any  # the reason expression over the source table itself (for the rejected rows)
    blank: Any  # the blank-row test over the source table itself


def _read_lines(source: EngineTable, mapping: dict[str, str]) -> _Lines:
    ibis = _ibis()
    table = source.table
    ident = _text(table[mapping["customer_id"]])
    amount = _amount(table[mapping["annual_revenue"]])
    cells = [_text(table[name]).isnull() for name in table.columns]
    every_empty = functools.reduce(lambda a, b: a & b, cells)
    # Every cell is read only for the rare row without id and revenue (CASE: only there).
    blank = ibis.ifelse(ident.isnull() & ~amount.present, every_empty, ibis.literal(False))
    values: dict[str, Any] = {"customer_id": ident, "__amount": amount.value}
    checks: list[tuple[Any, str]] = [
        (ident.isnull(), ID_EMPTY),
        (~amount.present, REVENUE_EMPTY),
        (amount.value.isnull() & amount.not_finite, REVENUE_NOT_FINITE),
        (amount.value.isnull(), REVENUE_NOT_NUMBER),
        (amount.value.abs() > MAX_REVENUE, REVENUE_TOO_LARGE),
    ]
    if DATE in mapping:
        day, present = _date(table[mapping[DATE]])
        values[DATE] = day
        checks += [(~present, DATE_EMPTY), (day.isnull(), DATE_NOT_DATE)]
    optional = tuple(n for n in mapping if n not in REQUIRED and n != DATE)
    checked = []
    for name in optional:
        column = table[mapping[name]]
        kind = BY_NAME[name].kind
        if kind == "text":
            values[name] = _text(column)
            continue
        value, present = _number(column) if kind == "number" else _date(column)
        values[name] = value
        values[f"__unread_{name}"] = present & value.isnull()
        checked.append(name)
    reason = ibis.cases(*((test, ibis.literal(why)) for test, why in checks), else_=None)
    values["__blank"] = blank
    values["__reason"] = ibis.ifelse(blank, ibis.null("string"), reason)
    return _Lines(table.select(**values), optional, tuple(checked), values["__reason"], blank)


# ---------------------------------------------------------------------------------------------
# The aggregate.


def _window(lines: Any, basis: RevenueBasis) -> Any:
    ibis = _ibis()
    if basis.kind != "transactions":
        return ibis.literal(True)
    assert basis.as_of is not None
    start = basis.as_of - timedelta(days=WINDOW_DAYS)
    day = lines[DATE]
    return (day > ibis.literal(start)) & (day <= ibis.literal(basis.as_of))


def customers_expression(read: _Lines, basis: RevenueBasis) -> Any:
    """THE aggregate: one row per customer id (and one for the lines without an id), with the
    customer's exact revenue (unrounded), order count, last order date and attributes, and the
    accounting of its lines: read, blank, loaded, rejected by reason, outside the window,
    unreadable optional values. The counts of the load report are the sums of these columns,
    the customers the rows with a loaded line: one scan of the lines, in the engine.

    Two levels: the lines are first grouped by (customer, fate, inside the window), so each
    line's reading is computed once (PostgreSQL would otherwise repeat a subquery's expression
    in every aggregate that uses it: 1M lines took 23 s), then by customer over those few rows.
    """
    ibis = _ibis()
    lines = read.table.mutate(__inside=_window(read.table, basis))
    first: dict[str, Any] = {"__n": lines.count(), "__sum": lines["__amount"].sum()}
    if basis.kind == "transactions":
        assert basis.as_of is not None
        day = lines[DATE]
        first["__last"] = day.max(where=day <= ibis.literal(basis.as_of))
    for name in read.optional:
        first[name] = lines[name].min()
    for name in read.checked:
        first[f"__unread_{name}"] = lines.count(where=lines[f"__unread_{name}"])
    fates = lines.group_by(["customer_id", "__reason", "__blank", "__inside"]).aggregate(**first)
    blank, reason, inside, n = (
        fates["__blank"], fates["__reason"], fates["__inside"], fates["__n"]
    )  # fmt: skip
    loaded = reason.isnull() & ~blank

    def rows(where: Any) -> Any:
        return ibis.coalesce(n.sum(where=where), 0)

    metrics: dict[str, Any] = {
        "source_rows": rows(loaded),
        "__lines": n.sum(),
        "__blank_lines": rows(blank),
    }
    for i, why in enumerate(REASONS):
        metrics[f"__reason_{i}"] = rows(reason == why)
    for name in read.checked:
        metrics[f"__unread_{name}"] = ibis.coalesce(fates[f"__unread_{name}"].sum(where=loaded), 0)
    amount = fates["__sum"]
    if basis.kind == "transactions":
        total = amount.sum(where=loaded & inside)
        metrics["__total"] = ibis.coalesce(total, ibis.literal(0).cast(MONEY))
        metrics["__outside"] = rows(loaded & ~inside)
        metrics[ORDER_COUNT] = rows(loaded & inside)
        metrics[LAST_ORDER_DATE] = fates["__last"].max(where=loaded)
    else:
        metrics["__total"] = amount.sum(where=loaded)
    for name in read.optional:
        # The smallest non-empty value: a table has no row order to take the first from, and
        # min() gives the same answer in every engine.
        metrics[name] = fates[name].min(where=loaded)
    return fates.group_by("customer_id").aggregate(**metrics)


def _currency_expression(source: EngineTable, mapping: dict[str, str]) -> Any | None:
    """Text revenue: how often each currency symbol or code appears among its first values
    (as lib/values.currency_of looks at the first STYLE_SAMPLE values of a file)."""
    column = source.table[mapping["annual_revenue"]]
    if not column.type().is_string():
        return None
    sample = source.table.select(value=_text(column).upper()).limit(STYLE_SAMPLE)
    text = sample["value"]
    return sample.aggregate(
        **{f"c{i}": sample.count(where=text.contains(code)) for i, code in enumerate(SYMBOLS)}
    )


def _latest_expression(source: EngineTable, mapping: dict[str, str]) -> Any:
    day, _ = _date(source.table[mapping[DATE]])
    return day.max()


def _oversized(customers: pa.Table, basis: RevenueBasis) -> list[str]:
    """The customers whose revenue adds up beyond MAX_REVENUE (their lines are rejected)."""
    factor = " * 12" if basis.kind == "monthly" else ""
    with duckdb.connect() as con:
        con.register("totals", customers.select(["customer_id", "__total"]))
        found = con.execute(
            f"SELECT customer_id FROM totals WHERE abs(__total{factor}) > {MAX_REVENUE} "
            "ORDER BY customer_id"
        ).fetchall()
    return [row[0] for row in found]


def _counts(grouped: pa.Table, read: _Lines) -> dict[str, int]:
    """The load report's counts: sums over the aggregate's accounting columns."""

    def total(name: str) -> int:
        if name not in grouped.column_names:
            return 0
        return int(pc.sum(grouped[name]).as_py() or 0)

    counts = {
        "rows": total("__lines"),
        "blank": total("__blank_lines"),
        "loaded": total("source_rows"),
        "outside": total("__outside"),
    }
    for i in range(len(REASONS)):
        counts[f"reason_{i}"] = total(f"__reason_{i}")
    for name in read.checked:
        counts[f"unread_{name}"] = total(f"__unread_{name}")
    return counts


@dataclass
class Summary:
    """What came back from the engine: small Arrow tables and the figures of the report."""

    customers: pa.Table
    counts: dict[str, int]
    rejected: pa.Table
    basis: RevenueBasis
    mapping: dict[str, str]
    currency: str
    notes: tuple[str, ...]
    rows_fetched: int  # every row that came back from the engine, all queries together


def _basis_with_end(
    source: EngineTable, mapping: dict[str, str], basis: RevenueBasis
) -> RevenueBasis:
    if basis.kind != "transactions":
        return basis
    if basis.as_of is not None:
        first, last = YEARS
        if not first <= basis.as_of.year <= last:
            raise InputError(
                f"The 12 months must end on a day between {first} and {last} (not "
                f"{basis.as_of.isoformat()})."
            )
        return basis
    latest = _latest_expression(source, mapping).to_pyarrow().as_py()
    if latest is None:
        raise InputError(
            f"No value in the column “{mapping[DATE]}” reads as a date: choose the date column "
            "(the engine reads date columns and ISO dates such as 2026-03-05)."
        )
    if not isinstance(latest, date):
        raise RuntimeError("the engine's latest date is not a date")
    return RevenueBasis("transactions", latest)


def summarize(
    source: EngineTable, mapping: Mapping[str, str] | None, basis: RevenueBasis
) -> Summary:
    """Run the aggregate in the engine; InputError for a mapping or basis that cannot load."""
    resolved = resolve_mapping(source.headers, mapping, basis)
    basis = _basis_with_end(source, resolved, basis)
    read = _read_lines(source, resolved)
    grouped = customers_expression(read, basis).to_pyarrow()
    fetched = grouped.num_rows
    counts = _counts(grouped, read)
    keep = pc.and_(pc.greater(grouped["source_rows"], 0), pc.is_valid(grouped["customer_id"]))
    accounting = [name for name in grouped.column_names if name.startswith("__")]
    customers = grouped.filter(keep).drop_columns(
        [name for name in accounting if name != "__total"]
    )
    table = source.table
    rejected_rows = pa.table(
        {name: pa.array([], pa.string()) for name in ("__reason", *source.headers)}
    )
    oversized = _oversized(customers, basis)
    if oversized or any(counts[f"reason_{i}"] for i in range(len(REASONS))):
        # Listed only when there are any: clean data costs no second scan. The lines of a
        # customer whose revenue adds up beyond MAX_REVENUE are rejected as the file loader
        # rejects them (store_summary counts them).
        ibis = _ibis()
        reason = read.reason
        if oversized:
            ident = _text(table[resolved["customer_id"]])
            reason = ibis.ifelse(
                reason.isnull() & ident.isin(oversized), ibis.literal(CUSTOMER_TOO_LARGE), reason
            )
            reason = ibis.ifelse(read.blank, ibis.null("string"), reason)
        rejected = (
            table.select(__reason=reason, **{c: _cell(table[c]) for c in source.headers})
            .filter(lambda t: t["__reason"].notnull())
            .limit(REJECTED_SHOWN)
        )
        rejected_rows = rejected.to_pyarrow()
        fetched += rejected_rows.num_rows
    currency = DEFAULT_CURRENCY
    found = _currency_expression(source, resolved)
    if found is not None:
        tallies = found.to_pyarrow().to_pylist()[0]
        fetched += 1
        best = max(
            ((int(tallies[f"c{i}"] or 0), code) for i, code in enumerate(SYMBOLS)),
            key=lambda item: (item[0], -list(SYMBOLS).index(item[1])),
        )
        if best[0] > 0:
            currency = SYMBOLS.get(best[1], f"{best[1]} ")
    notes = []
    for name in read.checked:
        number = counts.get(f"unread_{name}", 0)
        if number:
            what = "numbers" if BY_NAME[name].kind == "number" else "dates"
            notes.append(
                f"{name}: {plural(number, 'value')} {'was' if number == 1 else 'were'} "
                f"not {what} and left empty."
            )
    return Summary(
        customers, counts, rejected_rows, basis, resolved, currency, tuple(notes), fetched
    )


# ---------------------------------------------------------------------------------------------
# Into the app's DuckDB tables.


def store_summary(
    con: duckdb.DuckDBPyConnection, summary: Summary, source: EngineTable
) -> LoadReport:
    """CUSTOMERS and REJECTED from the summary, in `con`; the load report."""
    counts = summary.counts
    con.register("engine_customers", summary.customers)
    casts = {
        name: "VARCHAR" if BY_NAME[name].kind == "text" else
        "DOUBLE" if BY_NAME[name].kind == "number" else "DATE"
        for name in summary.mapping
        if name not in REQUIRED and name != DATE
    }  # fmt: skip
    listed = "".join(
        f", CAST({quote_ident(name)} AS {kind}) AS {quote_ident(name)}"
        for name, kind in casts.items()
    )
    derived = ""
    if summary.basis.kind == "transactions":
        derived = f", {ORDER_COUNT}::BIGINT AS {ORDER_COUNT}, {LAST_ORDER_DATE}::DATE AS " \
            f"{LAST_ORDER_DATE}"  # fmt: skip
    factor = " * 12" if summary.basis.kind == "monthly" else ""
    total = f"(CAST(__total AS DECIMAL(38, 6)){factor})"
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {CUSTOMERS} AS "
            f"SELECT CAST(customer_id AS VARCHAR) AS customer_id, "
            f"CASE WHEN abs({total}) <= {MAX_REVENUE} THEN CAST({total} AS {REVENUE_TYPE}) END "
            f"AS annual_revenue, source_rows::BIGINT AS source_rows{listed}{derived} "
            f"FROM engine_customers ORDER BY customer_id"
        )
    finally:
        con.unregister("engine_customers")
    rejected = {
        why: counts[f"reason_{i}"] for i, why in enumerate(REASONS) if counts[f"reason_{i}"]
    }
    loaded, outside = counts["loaded"], counts.get("outside", 0)
    in_window = ORDER_COUNT if summary.basis.kind == "transactions" else "source_rows"
    too_large = con.execute(
        f"SELECT count(*), coalesce(sum(source_rows), 0), "
        f"coalesce(sum(source_rows - {in_window}), 0) "
        f"FROM {CUSTOMERS} WHERE annual_revenue IS NULL"
    ).fetchall()[0]
    if too_large[0]:
        rejected[CUSTOMER_TOO_LARGE] = int(too_large[1])
        loaded -= int(too_large[1])
        outside -= int(too_large[2])
        con.execute(f"DELETE FROM {CUSTOMERS} WHERE annual_revenue IS NULL").fetchall()
    con.register("engine_rejected", summary.rejected)
    try:
        columns = ", ".join(
            f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in source.headers
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {REJECTED} AS SELECT CAST(NULL AS BIGINT) AS "
            f"{REJECTED_ROW}, CAST(__reason AS VARCHAR) AS {REJECTED_REASON}, {columns} "
            f"FROM engine_rejected ORDER BY ALL"
        )
    finally:
        con.unregister("engine_rejected")
    customers = int(con.execute(f"SELECT count(*) FROM {CUSTOMERS}").fetchall()[0][0])
    rows_read = counts["rows"] - counts["blank"]
    report = LoadReport(
        source=source.name,
        rows_read=rows_read,
        rows_loaded=loaded,
        customers=customers,
        rejected=dict(sorted(rejected.items())),
        blank_lines=counts["blank"],
        duplicates_merged=loaded - customers,
        rows_outside_window=outside,
        notes=(
            f"Read from {source.engine} (summed there); revenue as {summary.basis.describe()}.",
            *summary.notes,
        ),
        basis=summary.basis,
        currency=summary.currency,
    )
    if counts["rows"] == 0:
        raise InputError(f"{source.name} has no rows: there are no customers to load.")
    if customers == 0:
        detail = "; ".join(f"{reason}: {count(n)}" for reason, n in report.rejected.items())
        raise InputError(
            f"{source.name} has no usable customer rows"
            + (f" ({detail})." if detail else ".")
            + " Each row needs a customer id and a numeric revenue: check the column choices."
        )
    return report


def load_dataset(
    source: EngineTable, mapping: Mapping[str, str] | None, basis: RevenueBasis
) -> Any:
    """The source's customers as a Dataset (lib/dataset.py), aggregated in its engine."""
    from lib.dataset import Dataset, open_database  # noqa: PLC0415 -- dataset imports sources

    summary: Summary = _run(lambda: summarize(source, mapping, basis), source)
    con, folder = open_database("tierboard-source-")
    try:
        report = store_summary(con, summary, source)
    except BaseException:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Dataset(
        con, report, present_columns(summary.mapping, report.basis), folder, summary.mapping
    )


def count_rows(source: EngineTable) -> int:
    """The table's row count, counted by the engine (`tierboard sources check`)."""
    counted = _run(lambda: source.table.count().to_pyarrow().as_py(), source)
    return int(counted)


def _run(work: Callable[[], Any], source: EngineTable) -> Any:
    """The engine's own errors (a view dividing by zero, a lost connection) as one sentence."""
    try:
        return work()
    except InputError:
        raise
    except Exception as error:
        raise InputError(
            f"Reading {source.shown} from {source.where} failed ({_reason(error, source.secret)})."
        ) from None
