"""File → canonical customers: read rows as text, map columns, clean, and account for every row.

Every value is read as text first and converted by explicit rules here, never by a sniffer's guess,
so a bad value becomes a reported rejection instead of silently changing a column's type.
Every data row ends up in exactly one place: loaded (possibly merged into another row of the same
customer), rejected with a reason, or skipped as a blank line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from lib.canonical import BY_NAME, COLUMNS, REQUIRED, identity_mapping
from lib.errors import InputError
from lib.formatting import count, plural
from lib.sql import quote_ident

RAW = "raw_rows"
CUSTOMERS = "customers"
REJECTED = "rejected_rows"
# Names of the two columns the rejected-rows table adds in front of the file's own columns;
# prefixed so that a file with a "Row" or "Reason" column cannot collide with them.
REJECTED_ROW = "__row"
REJECTED_REASON = "__reason"

REVENUE_EMPTY = "revenue is empty"
REVENUE_NOT_NUMBER = "revenue is not a number"
REVENUE_NOT_FINITE = "revenue is not a finite number"
ID_EMPTY = "customer id is empty"


@dataclass(frozen=True)
class LoadReport:
    """What happened to every row of a file."""

    source: str
    rows_read: int  # data rows in the file, blank lines included
    rows_loaded: int  # rows that became (part of) a customer
    customers: int
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> rows
    blank_lines: int = 0
    duplicates_merged: int = 0  # rows summed into an earlier row of the same customer
    notes: tuple[str, ...] = ()  # optional values that could not be read (left empty)

    @property
    def rejected_rows(self) -> int:
        return sum(self.rejected.values())

    def sentences(self) -> list[str]:
        """The report as short sentences for a person."""
        lines = [
            f"{plural(self.rows_read, 'row')} read, {count(self.rows_loaded)} loaded as "
            f"{plural(self.customers, 'customer')}."
        ]
        if self.duplicates_merged:
            lines.append(
                f"{plural(self.duplicates_merged, 'row')} repeated a customer id and "
                f"{'was' if self.duplicates_merged == 1 else 'were'} summed into that customer."
            )
        lines.extend(
            f"Rejected, {reason}: {plural(rows, 'row')}."
            for reason, rows in sorted(self.rejected.items(), key=lambda item: -item[1])
        )
        if self.blank_lines:
            lines.append(f"{plural(self.blank_lines, 'blank line')} skipped.")
        lines.extend(self.notes)
        return lines


def read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Read a delimited text file into the raw table, every value as text; return its headers."""
    if not path.is_file():
        raise InputError(f"There is no file at {path}.")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {RAW} AS "
            "SELECT * FROM read_csv(?, all_varchar = true, header = true, null_padding = true)",
            [str(path)],
        )
    except duckdb.Error as error:
        raise InputError(
            f"{path.name} could not be read as a CSV file ({_first_line(error)}). "
            "Save it as UTF-8 CSV with one header row and try again."
        ) from error
    return [row[0] for row in con.execute(f"DESCRIBE {RAW}").fetchall()]


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200]


def canonical_mapping(headers: list[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Check a canonical-name → header mapping (or derive it from the headers) and return it."""
    resolved = dict(mapping) if mapping is not None else identity_mapping(headers)
    unknown = sorted(set(resolved) - set(BY_NAME))
    if unknown:
        raise InputError(f"Unknown column {unknown[0]!r}: use one of {', '.join(BY_NAME)}.")
    absent = sorted(source for source in resolved.values() if source not in headers)
    if absent:
        raise InputError(
            f"The file has no column {absent[0]!r}; its columns are {', '.join(headers)}."
        )
    missing = [name for name in REQUIRED if name not in resolved]
    if missing:
        raise InputError(
            f"The file needs {' and '.join(missing)} column{'s' if len(missing) > 1 else ''}; "
            f"its columns are {', '.join(headers) or 'none'}."
        )
    return resolved


def _text(source: str) -> str:
    return f"NULLIF(trim(CAST({quote_ident(source)} AS VARCHAR)), '')"


def _converted(name: str, source: str) -> str:
    kind = BY_NAME[name].kind
    text = _text(source)
    if kind == "number":
        return f"TRY_CAST({text} AS DOUBLE)"
    if kind == "date":
        return f"TRY_CAST({text} AS DATE)"
    return text


ROW = "__row"  # 1-based data row of the file
REASON = "__reason"  # why a row is rejected; NULL when it is loaded (or blank)
BLANK = "__blank"  # every cell of the row is empty
DUPLICATE_IDS = "duplicate_ids"


def _unread(name: str) -> str:
    return quote_ident(f"__unread_{name}")


def _rows_sql(mapping: dict[str, str], headers: list[str]) -> str:
    """A query over the raw table: row number, canonical columns, blank flag, reject reason.

    It is never materialised: each statement below streams through it, so loading holds the raw
    table and the result, not a converted copy of every row as well.
    """
    columns = [f"{_converted(name, src)} AS {quote_ident(name)}" for name, src in mapping.items()]
    # Optional numbers and dates that are present but unreadable: counted for the report's notes.
    unread = [
        f"({_text(src)} IS NOT NULL AND {_converted(name, src)} IS NULL) AS {_unread(name)}"
        for name, src in mapping.items()
        if name not in REQUIRED and BY_NAME[name].kind != "text"
    ]
    revenue_text = _text(mapping["annual_revenue"])
    id_text = _text(mapping["customer_id"])
    # Only a row without id and revenue can be blank: checking every cell of every row is the
    # slowest part of a load, so the full check runs for those few rows only.
    every_cell_empty = " AND ".join(f"{_text(header)} IS NULL" for header in headers)
    blank = (
        f"CASE WHEN {id_text} IS NULL AND {revenue_text} IS NULL "
        f"THEN {every_cell_empty} ELSE false END"
    )
    revenue = quote_ident("annual_revenue")
    return f"""
        SELECT *,
            CASE
                WHEN {BLANK} THEN NULL
                WHEN customer_id IS NULL THEN '{ID_EMPTY}'
                WHEN __revenue_text IS NULL THEN '{REVENUE_EMPTY}'
                WHEN {revenue} IS NULL THEN '{REVENUE_NOT_NUMBER}'
                WHEN NOT isfinite({revenue}) THEN '{REVENUE_NOT_FINITE}'
            END AS {REASON}
        FROM (
            SELECT rowid + 1 AS {ROW}, {", ".join([*columns, *unread])},
                {revenue_text} AS __revenue_text, ({blank}) AS {BLANK}
            FROM {RAW}
        )
    """


def _build_customers(con: duckdb.DuckDBPyConnection, rows: str, mapping: dict[str, str]) -> None:
    loaded = f"SELECT * FROM ({rows}) WHERE {REASON} IS NULL AND NOT {BLANK}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {DUPLICATE_IDS} AS "
        f"SELECT customer_id FROM ({loaded}) GROUP BY customer_id HAVING count(*) > 1"
    )
    others = [quote_ident(name) for name in mapping if name not in REQUIRED]
    # Most customers have one row: they are copied as they are, streaming. Only the ids that
    # repeat go through an aggregation, which sums their revenue and takes each other attribute
    # from the first row that has it (exports list the freshest record first far more often
    # than last, and "first" is easy to explain).
    merged = [
        f"arg_min({name}, {ROW}) FILTER (WHERE {name} IS NOT NULL) AS {name}" for name in others
    ]
    listed = "".join(f", {name}" for name in others)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CUSTOMERS} AS
        SELECT customer_id, annual_revenue, 1 AS source_rows{listed}
        FROM ({loaded}) WHERE customer_id NOT IN (SELECT customer_id FROM {DUPLICATE_IDS})
        UNION ALL
        SELECT customer_id, sum(annual_revenue), count(*){"".join(", " + m for m in merged)}
        FROM ({loaded}) WHERE customer_id IN (SELECT customer_id FROM {DUPLICATE_IDS})
        GROUP BY customer_id
        """
    )
    con.execute(f"DROP TABLE {DUPLICATE_IDS}")


def _build_rejected(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {REJECTED} AS
        SELECT r.{ROW} AS {REJECTED_ROW}, r.{REASON} AS {REJECTED_REASON}, raw.*
        FROM ({rows}) r JOIN {RAW} raw ON raw.rowid + 1 = r.{ROW}
        WHERE r.{REASON} IS NOT NULL
        ORDER BY r.{ROW}
        """
    )


def _counts(
    con: duckdb.DuckDBPyConnection, rows: str, mapping: dict[str, str]
) -> tuple[int, int, int, tuple[str, ...]]:
    """Rows read, blank and loaded, and notes on unreadable optional values, in one pass."""
    optional = [name for name in mapping if name not in REQUIRED and BY_NAME[name].kind != "text"]
    loaded = f"{REASON} IS NULL AND NOT {BLANK}"
    unread = "".join(f", count(*) FILTER (WHERE {loaded} AND {_unread(name)})" for name in optional)
    read, blank, ok, *unreadable = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {BLANK}), count(*) FILTER (WHERE {loaded})"
        f"{unread} FROM ({rows})"
    ).fetchone()
    notes = []
    for name, number in zip(optional, unreadable, strict=True):
        if number:
            what = "numbers" if BY_NAME[name].kind == "number" else "dates"
            notes.append(
                f"{name}: {plural(number, 'value')} {'was' if number == 1 else 'were'} "
                f"not {what} and left empty."
            )
    return read, blank, ok, tuple(notes)


def load_customers(
    con: duckdb.DuckDBPyConnection,
    headers: list[str],
    mapping: Mapping[str, str] | None,
    source: str,
) -> LoadReport:
    """Turn the raw table into the canonical customers table and report on every row."""
    resolved = canonical_mapping(headers, mapping)
    rows = _rows_sql(resolved, headers)
    _build_customers(con, rows, resolved)
    _build_rejected(con, rows)
    rows_read, blank, loaded, notes = _counts(con, rows, resolved)
    rejected = dict(
        con.execute(
            f"SELECT {REJECTED_REASON}, count(*) FROM {REJECTED} GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    customers = con.execute(f"SELECT count(*) FROM {CUSTOMERS}").fetchone()[0]
    report = LoadReport(
        source=source,
        rows_read=rows_read,
        rows_loaded=loaded,
        customers=customers,
        rejected=rejected,
        blank_lines=blank,
        duplicates_merged=loaded - customers,
        notes=notes,
    )
    if customers == 0:
        detail = "; ".join(f"{reason}: {count(rows)}" for reason, rows in rejected.items())
        raise InputError(
            f"{source} has no usable customer rows"
            + (f" ({detail})." if detail else ".")
            + " Each row needs a customer id and a numeric annual revenue."
        )
    return report


def present_columns(mapping: Mapping[str, str]) -> tuple[str, ...]:
    """Canonical columns a mapping provides, in canonical order."""
    return tuple(column.name for column in COLUMNS if column.name in mapping)
