"""Sources aggregated in their engine (lib/engine_source.py) on DuckDB: a DuckDB database and
Parquet files give the same customers, revenue to the cent and rejected rows by reason as the
same lines uploaded as a CSV file; bad configuration is one sentence naming the key.

(PostgreSQL, and the proof that only one row per customer travels: tests/integration.)
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import engine_source
from lib.config import load
from lib.dataset import Dataset
from lib.errors import InputError
from lib.ingest import RevenueBasis
from lib.sources import Source, load_source
from tests.fixtures import engine_corpus as corpus
from tests.fixtures.datasets import assert_same_customers

TRANSACTIONS = RevenueBasis("transactions")
BASES = {
    "trailing 12 months": (corpus.MAPPING, TRANSACTIONS),
    "12 months ending 2026-04-30": (
        corpus.MAPPING,
        RevenueBasis("transactions", date(2026, 4, 30)),
    ),
    "annual": ({k: v for k, v in corpus.MAPPING.items() if k != "date"}, RevenueBasis()),
    "monthly": ({k: v for k, v in corpus.MAPPING.items() if k != "date"}, RevenueBasis("monthly")),
}


def revenue_of(dataset: Dataset) -> dict[str, Decimal]:
    listed = dataset.tier_list([1.0])
    return {
        customer: Decimal(str(revenue)).quantize(Decimal("0.01"))
        for customer, revenue in zip(listed["customer_id"], listed["annual_revenue"], strict=True)
    }


def assert_corpus_figures(dataset: Dataset) -> None:
    """The corpus's figures, written out: what every way of reading it must give."""
    report = dataset.report
    assert revenue_of(dataset) == corpus.REVENUE
    assert report.rejected == corpus.REJECTED
    assert (report.rows_read, report.rows_loaded) == (corpus.ROWS_READ, corpus.ROWS_LOADED)
    assert report.rows_outside_window == corpus.OUTSIDE
    assert report.blank_lines == corpus.BLANK
    assert report.basis.as_of == corpus.LATEST
    frame = dataset.tier_list([1.0]).set_index("customer_id")
    assert list(frame.index.sort_values()) == sorted(corpus.REVENUE)


def duckdb_source(tmp_path: Path, typed: bool = False, **kwargs: object) -> Source:
    path = corpus.write_duckdb(tmp_path / "billing.duckdb", typed=typed)
    mapping = kwargs.pop("mapping", corpus.MAPPING)
    basis = kwargs.pop("basis", TRANSACTIONS)
    return Source(
        "duckdb",
        f"duckdb://{path}",
        ("invoice_lines",),
        tuple(mapping.items()),
        basis,  # type: ignore[union-attr]
    )


def test_the_csv_of_the_corpus_gives_its_figures(tmp_path):
    csv = corpus.write_csv(tmp_path / "lines.csv")
    assert_corpus_figures(Dataset.from_file(csv, mapping=corpus.MAPPING, basis=TRANSACTIONS))


def test_a_duckdb_table_of_text_gives_the_corpus_figures(tmp_path):
    dataset = duckdb_source(tmp_path).load()
    assert_corpus_figures(dataset)
    assert dataset.has("order_count") and dataset.has("segment")


def test_parquet_files_of_text_give_the_corpus_figures(tmp_path):
    path = corpus.write_parquet(tmp_path / "lines.parquet")
    source = Source("parquet", str(path), (), tuple(corpus.MAPPING.items()), TRANSACTIONS)
    assert_corpus_figures(source.load())


@pytest.mark.parametrize("basis", list(BASES))
def test_duckdb_and_parquet_give_what_the_csv_gives_on_every_basis(tmp_path, basis):
    mapping, revenue_basis = BASES[basis]
    expected = Dataset.from_file(
        corpus.write_csv(tmp_path / "lines.csv"), mapping=mapping, basis=revenue_basis
    )
    parquet = corpus.write_parquet(tmp_path / "lines.parquet")
    for source in (
        duckdb_source(tmp_path, mapping=mapping, basis=revenue_basis),
        Source("parquet", str(parquet), (), tuple(mapping.items()), revenue_basis),
    ):
        assert_same_customers(source.load(), expected)


@pytest.mark.parametrize("basis", list(BASES))
def test_typed_columns_give_what_the_csv_of_the_same_lines_gives(tmp_path, basis):
    """Decimal amounts and date columns, read as such by the engine."""
    mapping, revenue_basis = BASES[basis]
    expected = Dataset.from_file(
        corpus.write_csv(tmp_path / "typed.csv", corpus.typed_csv_lines()),
        mapping=mapping,
        basis=revenue_basis,
    )
    parquet = corpus.write_parquet(tmp_path / "typed.parquet", typed=True)
    for source in (
        duckdb_source(tmp_path, typed=True, mapping=mapping, basis=revenue_basis),
        Source("parquet", str(parquet), (), tuple(mapping.items()), revenue_basis),
    ):
        assert_same_customers(source.load(), expected)


def test_revenue_is_summed_exactly_in_the_engine(tmp_path):
    dataset = duckdb_source(tmp_path).load()
    assert revenue_of(dataset)["E5"] == Decimal("0.30")
    assert dataset.index.total_revenue == pytest.approx(2084.25 + 250.10 - 40 + 0.30, abs=1e-9)


def test_a_duckdb_source_is_configured_by_url_and_table(tmp_path):
    path = corpus.write_duckdb(tmp_path / "billing.duckdb")
    settings = load(
        {
            "TIERBOARD_SOURCE": "billing.duckdb",
            "TIERBOARD_SOURCE_TABLE": "invoice_lines",
            "TIERBOARD_SOURCE_MAP": "customer_id=customer,annual_revenue=amount,"
            "date=invoice_date,segment=segment",
        },
        tmp_path,
    )
    assert settings.source == f"duckdb://{path}"
    assert_corpus_figures(load_source(settings))


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"TIERBOARD_SOURCE": "duckdb:///x/billing.duckdb"}, "TIERBOARD_SOURCE_TABLE"),
        ({"TIERBOARD_SOURCE": "oracle://db/x", "TIERBOARD_SOURCE_TABLE": "t"}, "TIERBOARD_SOURCE"),
        ({"TIERBOARD_SOURCE_TABLE": "t"}, "TIERBOARD_SOURCE_TABLE"),
        ({"TIERBOARD_SOURCE_MAP": "customer_id=id"}, "TIERBOARD_SOURCE_MAP"),
    ],
)
def test_bad_source_configuration_is_one_sentence_naming_the_key(tmp_path, env, key):
    with pytest.raises(InputError) as raised:
        load(env, tmp_path)
    message = str(raised.value)
    assert key in message
    assert "\n" not in message


def test_a_missing_table_names_the_key_to_fix(tmp_path):
    path = corpus.write_duckdb(tmp_path / "billing.duckdb")
    with pytest.raises(InputError) as raised:
        Source("duckdb", f"duckdb://{path}", ("no_such",)).load()
    message = str(raised.value)
    assert message.startswith("There is no table or view no_such in the DuckDB database ")
    assert "TIERBOARD_SOURCE_TABLE" in message


def test_a_mapping_naming_a_missing_column_is_one_sentence(tmp_path):
    source = duckdb_source(tmp_path, mapping={"customer_id": "customer", "annual_revenue": "arr"})
    with pytest.raises(InputError, match="arr"):
        source.load()


def test_engines_are_found_by_url_scheme_and_new_ones_register_in_one_place():
    assert engine_source.scheme_of("postgresql://u@h/db") == "postgresql"
    assert engine_source.scheme_of("duckdb:///data/billing.duckdb") == "duckdb"
    assert engine_source.scheme_of("/data/billing.duckdb") == "duckdb"
    assert engine_source.scheme_of("/data/extract/*.parquet") == "parquet"
    assert engine_source.scheme_of("local[4]") == "local"
    assert engine_source.scheme_of("spark://master:7077") == "spark"
    opened = []

    def opener(url: str) -> tuple[object, str]:
        opened.append(url)
        raise InputError("stop here")

    engine_source.register_backend("fake", "Fake", opener)
    try:
        with pytest.raises(InputError, match="stop here"):
            engine_source.open_table("fake://cluster", ("t",), "t")
    finally:
        del engine_source.BACKENDS["fake"]
    assert opened == ["fake://cluster"]


def test_an_engine_nobody_registered_is_one_sentence():
    with pytest.raises(InputError, match=r"does not know \(oracle://\)"):
        engine_source.open_table("oracle://db", ("t",), "t")


def test_without_ibis_a_source_is_one_sentence_saying_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ibis", None)  # import ibis -> ImportError
    with pytest.raises(InputError) as raised:
        duckdb_source(tmp_path).load()
    message = str(raised.value)
    assert "needs the ibis package" in message
    assert "pip install 'ibis-framework[duckdb,postgres]>=12,<13'" in message
    assert "\n" not in message


# ---------------------------------------------------------------------------------------------
# The invariant: whatever the lines, the engine's figures are the file loader's.

IDS = ("A", " A ", "B", "C ", "", "  ", None)
AMOUNTS = ("10", "1,234.50", "-5.25", "(3.10)", "0.10", "$12.00", "7-", "", None, "abc", "nan")
DATES = ("2026-01-15", "2025-06-30", "2025-07-01", "2026-06-30", "2026-02-30", "2024-02-29",
         "2023-02-29", "1899-12-31", "", None)  # fmt: skip


@st.composite
def invoice_lines(draw: st.DrawFn) -> tuple[tuple[str | None, ...], ...]:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        customer = draw(st.sampled_from(IDS))
        # One segment per customer (or none): which of two differing values is "first" is
        # what a table cannot say (the engine takes the smallest).
        segment = draw(st.sampled_from((None, "", f"seg-{(customer or '').strip()}")))
        lines.append(
            (customer, draw(st.sampled_from(AMOUNTS)), draw(st.sampled_from(DATES)), segment)
        )
    return tuple(lines)


def same_outcome(engine: Source, csv: Path, mapping, basis) -> None:
    try:
        expected = Dataset.from_file(csv, mapping=mapping, basis=basis)
    except InputError:
        with pytest.raises(InputError):
            engine.load()
        return
    assert_same_customers(engine.load(), expected)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=invoice_lines(), basis=st.sampled_from(list(BASES)))
def test_any_lines_give_the_engine_what_they_give_the_file_loader(tmp_path_factory, lines, basis):
    folder = tmp_path_factory.mktemp("lines")
    mapping, revenue_basis = BASES[basis]
    csv = corpus.write_csv(folder / "lines.csv", lines)
    table = pa.table(
        {name: pa.array([line[i] for line in lines], pa.string()) for i, name in
         enumerate(corpus.HEADER)}
    )  # fmt: skip
    parquet = folder / "lines.parquet"
    pq.write_table(table, parquet)
    source = Source("parquet", str(parquet), (), tuple(mapping.items()), revenue_basis)
    same_outcome(source, csv, mapping, revenue_basis)


@pytest.mark.parametrize("basis", ["annual", "monthly"])
def test_a_customer_adding_up_beyond_the_limit_is_rejected_as_the_file_rejects_it(tmp_path, basis):
    lines = (("X", "6000000000000", None, None), ("X", "5000000000000", None, None),
             ("M", "900000000000", None, None), ("ok", "10", None, None))  # fmt: skip
    mapping = {"customer_id": "customer", "annual_revenue": "amount"}
    revenue_basis = RevenueBasis(basis)
    csv = corpus.write_csv(tmp_path / "lines.csv", lines)
    parquet = tmp_path / "lines.parquet"
    pq.write_table(
        pa.table({name: pa.array([line[i] for line in lines], pa.string())
                  for i, name in enumerate(corpus.HEADER)}),
        parquet,
    )  # fmt: skip
    source = Source("parquet", str(parquet), (), tuple(mapping.items()), revenue_basis)
    dataset = source.load()
    assert_same_customers(dataset, Dataset.from_file(csv, mapping=mapping, basis=revenue_basis))
    assert set(revenue_of(dataset)) == ({"ok"} if basis == "monthly" else {"M", "ok"})
