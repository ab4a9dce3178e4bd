"""Plain columns: every value already in the form a bare cast reads exactly as lib/values.py does.

Clean exports are the common case: revenue written `50470.48`, dates `2027-08-09`, ids present.
For such a column the full reading (trim, currency, separators, accounting negatives, a dozen
date formats) gives what a bare `TRY_CAST` gives, value for value; one pass over RAW checks that,
and the loader then reads the column with the cast (lib/staging.py). When, besides, no row can be
rejected or blank, the staged rows need not be materialised at all. A column with a single value
that is not plain keeps the full reading, and a file with a row to reject the full staging.

Why a bare cast agrees with the full reading (`tests/unit/test_plain.py` holds both lines):
- numbers and money: the full reading starts with `TRY_CAST(trim(value))`. DuckDB's cast skips
  ASCII whitespace (space, tab, newline, vertical tab, form feed, return) around the figure, and
  `trim` removes spaces and Unicode space separators: the only character both know is the space,
  so a value the bare cast reads trims to a value it reads the same way.
- dates: `values.plain_date` on a value without a space at either end is the full reading's own
  first step (trimming changes nothing).
- a value that is empty or spaces only reads as missing either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lib import values
from lib.canonical import BY_NAME
from lib.layout import EXTRA
from lib.mapping import DATE
from lib.raw import RAW
from lib.sql import one_row, quote_ident
from lib.staging import MAX_REVENUE, plain_reading_of, raw_columns


@dataclass(frozen=True)
class Plain:
    """What one pass over RAW found for a mapping."""

    columns: frozenset[str]  # canonical number/date columns whose every value is plain or empty
    # No row can be rejected or blank: ids present, revenue (and a transaction's date) present,
    # plain and within bounds, no field beyond the header. Valid only when revenue (and the
    # date) are read plainly, i.e. not with a decimal comma.
    rows_load: bool


def kind_of(name: str) -> str:
    """The kind of a canonical column (or of the transactions date): text, number or date."""
    return "date" if name == DATE else BY_NAME[name].kind


def _not_plain(name: str, source: str) -> str:
    """SQL: true for a value the plain reading does not read as the full one (CASE keeps the
    trim, the costly part, to the few values the cast does not read)."""
    column = quote_ident(source)
    read = f"{plain_reading_of(name, source)} IS NOT NULL"
    if kind_of(name) == "date":
        read += f" AND NOT ({column} LIKE ' %' OR {column} LIKE '% ')"
    return f"(CASE WHEN {column} IS NULL OR ({read}) THEN false ELSE trim({column}) <> '' END)"


def check(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> Plain:
    """Which mapped number and date columns are plain, and whether every row loads: one pass."""
    checked = [n for n in mapping if kind_of(n) != "text"]
    counts = [f"count(*) FILTER (WHERE {_not_plain(n, mapping[n])})" for n in checked]
    revenue = plain_reading_of("annual_revenue", mapping["annual_revenue"])
    # Rows that could not load even if every column were plain (counted together).
    failing = [
        f"{values.column_text(mapping['customer_id'])} IS NULL",
        f"NOT coalesce(abs({revenue}) <= {MAX_REVENUE}, false)",
    ]
    if DATE in mapping:
        failing.append(f"{plain_reading_of(DATE, mapping[DATE])} IS NULL")
    if EXTRA in raw_columns(con):
        failing.append(f"{quote_ident(EXTRA)} IS NOT NULL")
    either = " OR ".join(f"({condition})" for condition in failing)
    found = one_row(
        con.execute(
            f"SELECT count(*) FILTER (WHERE {either}){''.join(', ' + c for c in counts)} FROM {RAW}"
        ).fetchone()
    )
    columns = frozenset(n for n, bad in zip(checked, found[1:], strict=True) if bad == 0)
    essential = {"annual_revenue", DATE} & set(mapping)
    return Plain(columns, found[0] == 0 and essential <= columns)


def styles(
    con: duckdb.DuckDBPyConnection,
    mapping: dict[str, str],
    european: bool,
    columns: frozenset[str] = frozenset(),
) -> dict[str, values.ColumnStyle]:
    """Each mapped number and date header's style (values.detect_styles), detected only where
    the `columns` found plain do not settle it."""

    def settled(source: str) -> bool:
        # Plain values hold no evidence either way (no comma in a figure a cast reads, no day
        # or month above 12 up front in an ISO date): detection would find a tie, settled by
        # the file's hint. Except a plain figure's decimal point, which outvotes a ";" file's
        # hint: numbers in such files are still counted.
        uses = [n for n, s in mapping.items() if s == source and kind_of(n) != "text"]
        return all(n in columns and not (european and kind_of(n) == "number") for n in uses)

    numbers = [src for name, src in mapping.items() if kind_of(name) == "number"]
    dates = [src for name, src in mapping.items() if kind_of(name) == "date"]
    found = values.detect_styles(
        con,
        RAW,
        [src for src in numbers if not settled(src)],
        [src for src in dates if not settled(src)],
        european,
    )
    tie = values.ColumnStyle(decimal_comma=european, day_first=european)
    return found | {src: tie for src in numbers + dates if settled(src)}


def readings(
    found: Plain, mapping: dict[str, str], styles: dict[str, values.ColumnStyle]
) -> tuple[frozenset[str], bool]:
    """The columns to read by a bare cast, and whether every row loads: a plain number is read
    by the cast only in a column that reads with a decimal point (a decimal-comma column's
    "1.234" is a thousand)."""
    cast = frozenset(
        n for n in found.columns if kind_of(n) == "date" or not styles[mapping[n]].decimal_comma
    )
    return cast, found.rows_load and {"annual_revenue", DATE} & set(mapping) <= cast
