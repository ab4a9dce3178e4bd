"""lib.sql: the one place a name becomes SQL text."""

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.sql import one_row, quote_ident


def test_a_double_quote_is_doubled_so_the_name_cannot_end_early():
    assert quote_ident('Revenue "net"') == '"Revenue ""net"""'
    assert quote_ident('x"; DROP TABLE customers; --') == '"x""; DROP TABLE customers; --"'


def test_a_nul_character_is_refused():
    with pytest.raises(ValueError, match="NUL"):
        quote_ident("a\x00b")


@given(st.text(min_size=1, max_size=30).filter(lambda name: "\x00" not in name))
def test_any_name_round_trips_through_duckdb_as_one_identifier(name):
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"CREATE TABLE t ({quote_ident(name)} INTEGER)")
        assert [row[0] for row in con.execute("DESCRIBE t").fetchall()] == [name]
    finally:
        con.close()


def test_one_row_returns_the_row_of_an_aggregate():
    con = duckdb.connect()
    assert one_row(con.execute("SELECT count(*), 7 FROM range(3)").fetchone()) == (3, 7)


def test_one_row_says_it_is_a_bug_when_a_query_returns_no_row():
    con = duckdb.connect()
    with pytest.raises(RuntimeError, match="always returns one row"):
        one_row(con.execute("SELECT 1 WHERE false").fetchone())
