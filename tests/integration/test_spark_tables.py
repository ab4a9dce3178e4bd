"""Spark local: the session lib/spark.py uses, and the tables a Spark source names (Parquet paths
and the Spark catalog), with one sentence when there is no such table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib import spark
from lib.errors import InputError
from tests.integration.spark_session import MARKS

pytestmark = list(MARKS)


def test_sources_reuse_the_running_session(spark_session: Any) -> None:
    # One JVM per process: a source on another local master gets the session already there.
    assert spark.session("local[4]") is spark_session


def test_parquet_files_whose_newer_ones_gained_a_column_read_as_one_table(
    spark_session: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "lines"
    folder.mkdir()
    pq.write_table(pa.table({"customer_id": ["A"], "amount": [10.5]}), folder / "2025.parquet")
    pq.write_table(
        pa.table({"customer_id": ["B"], "amount": [2.0], "region": ["EMEA"]}),
        folder / "2026.parquet",
    )
    table = spark.table(spark.backend("local[2]"), str(folder))
    rows = table.order_by("customer_id").to_pyarrow().to_pylist()
    assert rows == [
        {"customer_id": "A", "amount": 10.5, "region": None},
        {"customer_id": "B", "amount": 2.0, "region": "EMEA"},
    ]


def test_a_catalog_table_is_found_by_database_and_name(spark_session: Any) -> None:
    spark_session.sql("CREATE DATABASE IF NOT EXISTS billing")
    spark_session.createDataFrame([("A", 1.0)], "customer_id string, amount double").write.mode(
        "overwrite"
    ).saveAsTable("billing.catalog_lines")
    con = spark.backend("local[2]")
    for name in ("billing.catalog_lines", "spark_catalog.billing.catalog_lines"):
        assert spark.table(con, name).count().to_pyarrow().as_py() == 1


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("billing.no_such_table", "There is no table or view billing.no_such_table in the Spark "
         "catalog."),
        ("no_such_db.lines", "There is no table or view no_such_db.lines in the Spark catalog."),
        ("a.b.c.d", "'a.b.c.d' has too many parts for a Spark table"),
        ("billing..lines", "'billing..lines' is not a Spark table name"),
    ],
)  # fmt: skip
def test_a_missing_catalog_table_is_one_sentence(
    spark_session: Any, name: str, sentence: str
) -> None:
    with pytest.raises(InputError) as raised:
        spark.table(spark.backend("local[2]"), name)
    assert str(raised.value).startswith(sentence)


def test_a_path_without_parquet_files_is_one_sentence(spark_session: Any, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^Spark found no Parquet files it can read at /"):
        spark.table(spark.backend("local[2]"), str(tmp_path / "nothing"))


def test_a_delta_table_says_it_cannot_be_read_here(spark_session: Any, tmp_path: Path) -> None:
    (tmp_path / "lines" / "_delta_log").mkdir(parents=True)
    with pytest.raises(InputError, match="is a Delta table, which tierboard cannot read"):
        spark.table(spark.backend("local[2]"), str(tmp_path / "lines"))


def test_a_configured_delta_source_says_why_it_cannot_be_read(
    spark_session: Any, tmp_path: Path
) -> None:
    from lib import engine_source

    (tmp_path / "lines" / "_delta_log").mkdir(parents=True)
    with pytest.raises(InputError, match="is a Delta table, which tierboard cannot read"):
        engine_source.open_table("local[2]", (str(tmp_path / "lines"),), "the invoice lines")
