"""The single place where a name becomes SQL text."""


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
