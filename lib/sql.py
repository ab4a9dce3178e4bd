"""The single place where a name becomes SQL text."""


def quote_ident(name: str) -> str:
    """Quote `name` as a DuckDB identifier, whatever characters it holds.

    Column names come from files people upload; doubling the quote character is the SQL standard's
    escape, so `Revenue "net"` stays one identifier and can never end the quoted name early.
    """
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL characters")
    return '"' + name.replace('"', '""') + '"'
