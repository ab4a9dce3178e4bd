"""The single place where a name becomes SQL text (and where a query's one row is taken)."""

from typing import Any


def quote_ident(name: str) -> str:
    """Quote `name` as a DuckDB identifier, whatever characters it holds.

    Column names come from files people upload; doubling the quote character is the SQL standard's
    escape, so `Revenue "net"` stays one identifier and can never end the quoted name early.
    """
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL characters")
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal for one of tierboard's own constants (a regex, a format).

    Values from files are never written into SQL this way: they are bound parameters.
    """
    return "'" + text.replace("'", "''") + "'"


def one_row(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The row of a query that always returns exactly one (an aggregate, a PRAGMA).

    DuckDB's `fetchone()` is typed as "a row or None"; None here would be a bug in tierboard, not
    something a person can fix, so it is an error that says so rather than a `TypeError` later.
    """
    if row is None:
        raise RuntimeError("a query that always returns one row returned none")
    return row
