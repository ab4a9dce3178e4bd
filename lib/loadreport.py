"""What a load did with every row (LoadReport), and what the revenue column holds (RevenueBasis)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import duckdb

from lib.formatting import count, plural
from lib.layout import printable
from lib.sql import one_row

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
    # A few of the customers those rows went into, with their rows: which ids to look up
    repeated_ids: tuple[tuple[str, int], ...] = ()
    repeated_customers: int = 0  # customers made of more than one row
    rows_outside_window: int = 0  # transactions dated outside the trailing 12 months
    notes: tuple[str, ...] = ()  # how the file was read; optional values left empty
    basis: RevenueBasis = ANNUAL
    currency: str = "$"  # how money is shown: the data's currency symbol or code

    @property
    def rejected_rows(self) -> int:
        return sum(self.rejected.values())

    def merged_sentence(self) -> str:
        """Rows summed into an earlier row of the same customer, as a sentence, naming a few of
        those customers (e.g. "C-001: 2 rows") so the file can be checked."""
        sentence = (
            f"{plural(self.duplicates_merged, 'row')} repeated a customer id and "
            f"{'was' if self.duplicates_merged == 1 else 'were'} summed into that customer"
        )
        if not self.repeated_ids:
            return sentence + "."
        named = "; ".join(f"{_shown_id(i)}: {plural(rows, 'row')}" for i, rows in self.repeated_ids)
        customers = self.repeated_customers
        more = (
            "" if customers <= len(self.repeated_ids) else f"; {count(customers)} customers in all"
        )
        return f"{sentence} ({named}{more})."

    def rejected_sentences(self) -> list[str]:
        """One sentence per reason rows were rejected for, the commonest first."""
        return [
            f"Rejected, {reason}: {plural(rows, 'row')}."
            for reason, rows in sorted(self.rejected.items(), key=lambda item: -item[1])
        ]

    def sentences(self) -> list[str]:
        """The report as short sentences for a person."""
        lines = [
            f"{plural(self.rows_read, 'row')} read, {count(self.rows_loaded)} loaded as "
            f"{plural(self.customers, 'customer')}."
        ]
        if self.duplicates_merged and self.basis.kind == "transactions":
            lines.append(f"Lines of the same customer summed: {count(self.rows_loaded)}.")
        elif self.duplicates_merged:
            lines.append(self.merged_sentence())
        if self.rows_outside_window:
            lines.append(
                f"{plural(self.rows_outside_window, 'row')} dated outside the 12 months "
                "counted no revenue."
            )
        lines.extend(self.rejected_sentences())
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


_ID_SHOWN = 40  # characters of a customer id a sentence shows


def _shown_id(customer_id: str) -> str:
    text = printable(customer_id).strip()
    return text if len(text) <= _ID_SHOWN else text[: _ID_SHOWN - 1] + "…"


REPEATED_SHOWN = 3  # customers a load report names when rows repeat an id


def repeated_ids(
    con: duckdb.DuckDBPyConnection, customers: str, basis: RevenueBasis, *, merged: int
) -> tuple[int, tuple[tuple[str, int], ...]]:
    """How many customers more than one row went into, and the first few (most rows first):
    the report names them so a repeated id can be looked up. Not for transactions, where every
    customer has many lines by design."""
    if not merged or basis.kind == "transactions":
        return 0, ()
    where = f"FROM {customers} WHERE source_rows > 1"  # customers: a table name of ours
    total = one_row(con.execute(f"SELECT count(*) {where}").fetchone())[0]
    rows = con.execute(
        f"SELECT customer_id, source_rows {where} ORDER BY source_rows DESC, customer_id LIMIT ?",
        [REPEATED_SHOWN],
    ).fetchall()
    return int(total), tuple((str(i), int(n)) for i, n in rows)
