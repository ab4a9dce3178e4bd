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
STAGED = "staged_rows"
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


def _stage(con: duckdb.DuckDBPyConnection, mapping: dict[str, str], headers: list[str]) -> None:
    columns = [
        f"{_converted(name, source)} AS {quote_ident(name)}" for name, source in mapping.items()
    ]
    texts = [
        f"{_text(source)} AS {quote_ident(name + '__text')}" for name, source in mapping.items()
    ]
    blank = " AND ".join(f"{_text(header)} IS NULL" for header in headers)
    revenue = quote_ident("annual_revenue")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STAGED} AS
        SELECT *,
            CASE
                WHEN is_blank THEN NULL
                WHEN customer_id IS NULL THEN '{ID_EMPTY}'
                WHEN annual_revenue__text IS NULL THEN '{REVENUE_EMPTY}'
                WHEN {revenue} IS NULL THEN '{REVENUE_NOT_NUMBER}'
                WHEN NOT isfinite({revenue}) THEN '{REVENUE_NOT_FINITE}'
            END AS reject_reason
        FROM (
            SELECT rowid + 1 AS source_row, {", ".join(columns + texts)}, ({blank}) AS is_blank
            FROM {RAW}
        )
        """
    )


def _build_customers(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> None:
    # A customer's other attributes come from its first row that has them: exports list the
    # freshest record first far more often than last, and "first" is easy to explain.
    others = [
        f"arg_min({quote_ident(name)}, source_row) FILTER (WHERE {quote_ident(name)} IS NOT NULL)"
        f" AS {quote_ident(name)}"
        for name in mapping
        if name not in REQUIRED
    ]
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CUSTOMERS} AS
        SELECT customer_id, sum(annual_revenue) AS annual_revenue,
            count(*) AS source_rows{"".join(", " + other for other in others)}
        FROM {STAGED}
        WHERE NOT is_blank AND reject_reason IS NULL
        GROUP BY customer_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {REJECTED} AS
        SELECT s.source_row AS {REJECTED_ROW}, s.reject_reason AS {REJECTED_REASON}, r.*
        FROM {STAGED} s JOIN {RAW} r ON r.rowid = s.source_row - 1
        WHERE s.reject_reason IS NOT NULL
        ORDER BY s.source_row
        """
    )


def _notes(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> tuple[str, ...]:
    notes = []
    for name in mapping:
        kind = BY_NAME[name].kind
        if name in REQUIRED or kind == "text":
            continue
        unread = con.execute(
            f"SELECT count(*) FROM {STAGED} WHERE reject_reason IS NULL AND NOT is_blank "
            f"AND {quote_ident(name + '__text')} IS NOT NULL AND {quote_ident(name)} IS NULL"
        ).fetchone()[0]
        if unread:
            what = "numbers" if kind == "number" else "dates"
            notes.append(
                f"{name}: {plural(unread, 'value')} {'was' if unread == 1 else 'were'} not {what} "
                "and left empty."
            )
    return tuple(notes)


def load_customers(
    con: duckdb.DuckDBPyConnection,
    headers: list[str],
    mapping: Mapping[str, str] | None,
    source: str,
) -> LoadReport:
    """Turn the raw table into the canonical customers table and report on every row."""
    resolved = canonical_mapping(headers, mapping)
    _stage(con, resolved, headers)
    _build_customers(con, resolved)
    rows_read, blank, loaded = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE is_blank), "
        f"count(*) FILTER (WHERE reject_reason IS NULL AND NOT is_blank) FROM {STAGED}"
    ).fetchone()
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
        notes=_notes(con, resolved),
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
