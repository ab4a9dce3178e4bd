"""Spark local as a source: the invoice-line corpus (tests/fixtures/engine_corpus.py) from Parquet
files and from a Spark catalog table gives the figures the same lines give from a CSV file, as on
DuckDB and PostgreSQL; and only one row per customer leaves Spark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lib import engine_source, spark
from lib.dataset import Dataset
from lib.ingest import RevenueBasis
from lib.sources import Source
from tests.fixtures import engine_corpus as corpus
from tests.fixtures.datasets import assert_same_customers
from tests.integration.spark_session import MARKS
from tests.unit.test_engine_source import BASES, TRANSACTIONS, assert_corpus_figures

pytestmark = list(MARKS)


def load_on_spark(
    table: str,
    mapping: dict[str, str] = corpus.MAPPING,
    basis: RevenueBasis = TRANSACTIONS,
) -> Dataset:
    source = engine_source.open_table("local[2]", (table,), f"{table} in Spark")
    try:
        return engine_source.load_dataset(source, mapping, basis)
    finally:
        source.close()


def test_parquet_files_of_text_on_spark_give_the_corpus_figures(
    spark_session: Any, tmp_path: Path
) -> None:
    dataset = load_on_spark(str(corpus.write_parquet(tmp_path / "lines.parquet")))
    assert_corpus_figures(dataset)
    assert dataset.has("order_count") and dataset.has("segment")
    assert "Read from Spark (summed there)" in dataset.report.notes[0]


def test_typed_parquet_on_spark_gives_what_the_csv_gives_on_every_basis(
    spark_session: Any, tmp_path: Path
) -> None:
    """Decimal amounts and date columns; the trailing 12 months, a given end, annual, monthly."""
    csv = corpus.write_csv(tmp_path / "typed.csv", corpus.typed_csv_lines())
    parquet = str(corpus.write_parquet(tmp_path / "typed.parquet", typed=True))
    for mapping, basis in BASES.values():
        expected = Dataset.from_file(csv, mapping=mapping, basis=basis)
        assert_same_customers(load_on_spark(parquet, mapping, basis), expected)


def test_a_spark_catalog_table_gives_the_corpus_figures(spark_session: Any) -> None:
    spark_session.sql("CREATE DATABASE IF NOT EXISTS billing")
    spark_session.createDataFrame(corpus.arrow_table().to_pandas()).write.mode(
        "overwrite"
    ).saveAsTable("billing.invoice_lines")
    assert_corpus_figures(load_on_spark("billing.invoice_lines"))


def test_a_configured_spark_source_loads_and_keeps_the_session_for_the_next_read(
    spark_session: Any, tmp_path: Path
) -> None:
    path = str(corpus.write_parquet(tmp_path / "lines.parquet"))
    source = Source("local", "local[2]", (path,), tuple(corpus.MAPPING.items()), TRANSACTIONS)
    assert_corpus_figures(source.load())
    # The session outlives the read: a reload (or another browser session) reuses the JVM.
    assert spark.session("local[2]") is spark_session
    assert not spark_session.sparkContext._jsc.sc().isStopped()


# The proof that the work stays in Spark needs many more lines than customers: 600 lines of 30
# customers, a few rejected (fewer rows than customers), credit notes, two and a half years.
CUSTOMERS = 30
LINES = 600


def many_lines(path: Path) -> Path:
    rows = []
    for n in range(LINES):
        customer = None if n % 97 == 11 else f"C{n % CUSTOMERS:02d}"
        amount = Decimal(10 + (n * 37 % 500)) + Decimal(n % 100) / 100
        rows.append((customer, -amount if n % 13 == 5 else amount,
                     date(2024, 3, 1) + timedelta(days=n + n // 2)))  # fmt: skip
    pq.write_table(
        pa.table(
            {
                "customer": pa.array([r[0] for r in rows], pa.string()),
                "amount": pa.array([r[1] for r in rows], pa.decimal128(12, 2)),
                "invoice_date": pa.array([r[2] for r in rows], pa.date32()),
            }
        ),
        path,
    )
    return path


@contextmanager
def collected_from_spark(session: Any) -> Iterator[list[tuple[int, str]]]:
    """Every result Python collects from Spark while inside: (rows, the executed plan)."""
    DataFrame = type(session.range(1))  # noqa: N806 -- PySpark 4's classic DataFrame class

    seen: list[tuple[int, str]] = []
    names = ("toPandas", "toArrow", "collect", "take", "tail", "toLocalIterator")
    originals = {name: getattr(DataFrame, name) for name in names}

    def spy(name: str) -> Any:
        def collect(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = originals[name](self, *args, **kwargs)
            if name == "toLocalIterator":
                result = list(result)
            rows = result.num_rows if hasattr(result, "num_rows") else len(result)
            seen.append((rows, self._jdf.queryExecution().executedPlan().toString()))
            return iter(result) if name == "toLocalIterator" else result

        return collect

    for name in originals:
        setattr(DataFrame, name, spy(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(DataFrame, name, original)


def test_only_one_row_per_customer_leaves_spark(spark_session: Any, tmp_path: Path) -> None:
    path = str(many_lines(tmp_path / "lines.parquet"))
    mapping = {k: v for k, v in corpus.MAPPING.items() if k != "segment"}
    with collected_from_spark(spark_session) as seen:
        dataset = load_on_spark(path, mapping)
    assert seen, "nothing was collected from Spark"
    # The largest result is one row per customer id (600 lines would be far more; the lines
    # without an id are one more group, for their accounting), aggregated in Spark.
    rows, plan = max(seen)
    assert dataset.report.customers == CUSTOMERS
    assert CUSTOMERS <= rows <= CUSTOMERS + 1
    assert "HashAggregate" in plan or "ObjectHashAggregate" in plan or "SortAggregate" in plan
    assert sum(rows for rows, _ in seen) < LINES / 4
