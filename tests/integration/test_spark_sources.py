"""Spark local as a source: invoice lines from Parquet files and from a Spark catalog table give
the figures the same lines give from a CSV file, and only one row per customer leaves Spark.

One corpus: 600 lines of 30 customers over two and a half years (so the trailing 12 months cut
some off), credit notes (negative amounts), lines without an amount or without a customer id,
and ids with surrounding spaces (trimmed, as the file reader trims them).
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
import pytest

from lib import engine_source, spark
from lib.dataset import Dataset
from lib.ingest import RevenueBasis
from lib.sources import Source
from tests.fixtures.datasets import assert_same_customers
from tests.integration.spark_session import MARKS

pytestmark = list(MARKS)

CUSTOMERS = 30
LINES = 600
MAPPING = {
    "customer_id": "customer",
    "annual_revenue": "amount",
    "date": "invoice_date",
    "region": "region",
}
BASIS = RevenueBasis("transactions")
REGIONS = ("EMEA", "North America", "APAC", None)


def corpus() -> list[tuple[str | None, Decimal | None, date, str | None]]:
    lines = []
    for n in range(LINES):
        number = n % CUSTOMERS
        customer: str | None = f"C{number:02d}"
        if n % 50 == 7:
            customer = f"  {customer} "  # surrounding spaces: the same customer
        if n % 97 == 11:
            customer = None  # rejected: no customer id
        amount: Decimal | None = Decimal(10 + (n * 37 % 500)) + Decimal(n % 100) / 100
        if n % 13 == 5:
            amount = -amount  # a credit note
        if n % 61 == 3:
            amount = None  # rejected: no revenue
        day = date(2024, 3, 1) + timedelta(days=n + n // 2)  # 2024-03-01 .. 2026-08-20
        lines.append((customer, amount, day, REGIONS[number % 4]))
    return lines


@pytest.fixture(scope="module")
def lines_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The corpus as a folder of two Parquet files (typed: decimal amounts, dates), and as CSV."""
    folder = tmp_path_factory.mktemp("spark-lines")
    rows = corpus()
    parquet = folder / "lines"
    parquet.mkdir()
    for part, chunk in enumerate((rows[: LINES // 2], rows[LINES // 2 :])):
        pq.write_table(
            pa.table(
                {
                    "customer": pa.array([r[0] for r in chunk], pa.string()),
                    "amount": pa.array([r[1] for r in chunk], pa.decimal128(12, 2)),
                    "invoice_date": pa.array([r[2] for r in chunk], pa.date32()),
                    "region": pa.array([r[3] for r in chunk], pa.string()),
                }
            ),
            parquet / f"part-{part}.parquet",
        )
    csv = folder / "lines.csv"
    csv.write_text(
        "customer,amount,invoice_date,region\n"
        + "".join(
            f"{c if c is not None else ''},{a if a is not None else ''},{d.isoformat()},{r or ''}\n"
            for c, a, d, r in rows
        ),
        encoding="utf-8",
    )
    return parquet, csv


@pytest.fixture(scope="module")
def expected(lines_files: tuple[Path, Path]) -> Dataset:
    return Dataset.from_file(lines_files[1], mapping=MAPPING, basis=BASIS)


def load_on_spark(table: str) -> Dataset:
    source = engine_source.open_table("local[2]", (table,), f"{table} in Spark")
    try:
        return engine_source.load_dataset(source, MAPPING, BASIS)
    finally:
        source.close()


def test_the_corpus_exercises_every_case(expected: Dataset) -> None:
    report = expected.report
    assert report.customers == CUSTOMERS
    assert report.rows_outside_window > 0
    assert set(report.rejected) == {"customer id is empty", "revenue is empty"}


def test_parquet_files_on_spark_give_the_csv_figures(
    spark_session: Any, lines_files: tuple[Path, Path], expected: Dataset
) -> None:
    dataset = load_on_spark(str(lines_files[0]))
    assert_same_customers(dataset, expected)
    assert dataset.report.basis == expected.report.basis
    assert "Read from Spark (summed there)" in dataset.report.notes[0]


def test_a_spark_catalog_table_gives_the_csv_figures(
    spark_session: Any, lines_files: tuple[Path, Path], expected: Dataset
) -> None:
    spark_session.sql("CREATE DATABASE IF NOT EXISTS billing")
    spark_session.read.parquet(str(lines_files[0])).write.mode("overwrite").saveAsTable(
        "billing.invoice_lines"
    )
    assert_same_customers(load_on_spark("billing.invoice_lines"), expected)


def test_a_configured_spark_source_loads_through_the_app_s_source(
    spark_session: Any, lines_files: tuple[Path, Path], expected: Dataset
) -> None:
    source = Source("local", "local[2]", (str(lines_files[0]),), tuple(MAPPING.items()), BASIS)
    dataset = source.load()
    assert_same_customers(dataset, expected)
    # The session outlives the read: a reload (or another browser session) reuses the JVM.
    assert spark.session("local[2]") is spark_session
    assert not spark_session.sparkContext._jsc.sc().isStopped()


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


def test_only_one_row_per_customer_leaves_spark(
    spark_session: Any, lines_files: tuple[Path, Path]
) -> None:
    with collected_from_spark(spark_session) as seen:
        dataset = load_on_spark(str(lines_files[0]))
    assert seen, "nothing was collected from Spark"
    # The largest result is the customers (600 lines would be far more), aggregated in Spark.
    rows, plan = max(seen)
    assert rows == dataset.report.customers == CUSTOMERS
    assert "HashAggregate" in plan or "ObjectHashAggregate" in plan or "SortAggregate" in plan
    assert sum(rows for rows, _ in seen) < LINES / 4
