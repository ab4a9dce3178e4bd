"""A PostgreSQL table aggregated in PostgreSQL (lib/engine_source.py): the corpus's figures, as
from the CSV, for text and typed tables on every basis; and the proof that the work stays in
the server: what comes back over the wire is one row per customer, not one per line."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import pytest

from lib import engine_source
from lib.cli import main
from lib.dataset import Dataset
from lib.sources import Source
from tests.fixtures import engine_corpus as corpus
from tests.fixtures.datasets import assert_same_customers
from tests.fixtures.wire import counting_proxy
from tests.integration.conftest import PostgresServer
from tests.unit.test_engine_source import BASES, TRANSACTIONS, assert_corpus_figures

CUSTOMERS = 50


def source(url: str, table: str = "invoice_lines", mapping=None, basis=TRANSACTIONS) -> Source:
    mapping = corpus.MAPPING if mapping is None else mapping
    return Source("postgresql", url, (table,), tuple(mapping.items()), basis)


def test_a_table_of_text_gives_the_corpus_figures(postgres_server: PostgresServer, postgres_url):
    postgres_server.execute(postgres_url, *corpus.postgres_statements())
    dataset = source(postgres_url).load()
    assert_corpus_figures(dataset)
    assert "invoice_lines in t_" in dataset.report.source


@pytest.mark.parametrize("typed", [False, True], ids=["text", "typed"])
@pytest.mark.parametrize("basis", list(BASES))
def test_postgres_gives_what_the_csv_gives(postgres_server, postgres_url, tmp_path, typed, basis):
    postgres_server.execute(postgres_url, *corpus.postgres_statements(typed=typed))
    mapping, revenue_basis = BASES[basis]
    lines = corpus.typed_csv_lines() if typed else corpus.LINES
    expected = Dataset.from_file(
        corpus.write_csv(tmp_path / "lines.csv", lines), mapping=mapping, basis=revenue_basis
    )
    assert_same_customers(
        source(postgres_url, mapping=mapping, basis=revenue_basis).load(), expected
    )


# ---------------------------------------------------------------------------------------------
# The work stays in the engine.


def invoice_lines(postgres_server: PostgresServer, url: str, lines: int) -> None:
    """`lines` invoice lines of CUSTOMERS customers over two years, made by the server."""
    postgres_server.execute(
        url,
        "CREATE TABLE IF NOT EXISTS invoice_lines (customer text, amount numeric(12, 2), "
        "invoice_date date, segment text)",
        f"INSERT INTO invoice_lines SELECT 'C' || (n % {CUSTOMERS}), (n % 997) + 0.25, "
        f"date '2024-07-01' + (n % 730), 'SMB' FROM generate_series(1, {lines}) AS n",
    )


def through(proxy_port: int, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy_port}"))


def test_only_one_row_per_customer_comes_back_over_the_wire(postgres_server, postgres_url):
    """Bytes counted on the wire by a proxy: ten times the lines cost (almost) nothing more.

    Copying the lines (COPY, or a SELECT of every row) would send at least ~20 bytes a line:
    180,000 more lines would be over 3 MB more, against the few hundred bytes that longer sums
    take.
    """
    invoice_lines(postgres_server, postgres_url, 20_000)
    port = urlsplit(postgres_url).port
    assert port is not None
    with counting_proxy(port) as proxy:
        url = through(proxy.port, postgres_url)
        table = source(url).engine_table()
        try:
            summary = engine_source.summarize(table, corpus.MAPPING, TRANSACTIONS)
        finally:
            table.close()
        small = proxy.received
        assert summary.customers.num_rows == CUSTOMERS
        # One row per customer (with its lines' accounting), and no rejected rows to list:
        # nothing else was fetched.
        assert summary.rows_fetched == CUSTOMERS
        invoice_lines(postgres_server, postgres_url, 180_000)
        before = proxy.received
        dataset = source(url).load()
        large = proxy.received - before
    assert dataset.report.rows_read == 200_000
    assert dataset.report.customers == CUSTOMERS
    assert small < 20_000 * 5  # less than 5 bytes a line, all queries together
    assert abs(large - small) < 2_000


# ---------------------------------------------------------------------------------------------
# The command line.


def test_the_cli_reads_a_postgres_table_as_the_file_of_its_lines(
    postgres_server, postgres_url, tmp_path, capsys
):
    postgres_server.execute(postgres_url, *corpus.postgres_statements())
    flags = [f"--map={name}={column}" for name, column in corpus.MAPPING.items()]
    argv = ["summarize", "--json", "--cuts", "1000,100", *flags]
    assert main([*argv, "--source", postgres_url, "--source-table", "invoice_lines"]) == 0
    from_table = json.loads(capsys.readouterr().out)
    assert main([*argv, str(corpus.write_csv(tmp_path / "lines.csv"))]) == 0
    assert from_table == json.loads(capsys.readouterr().out)
    assert (
        main(["sources", "check", "--source", postgres_url, "--source-table", "invoice_lines"]) == 0
    )
    checked = capsys.readouterr().out
    assert "engine:   PostgreSQL" in checked
    assert f"rows:     {len(corpus.LINES)}" in checked
