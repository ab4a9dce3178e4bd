"""lib/spark.py without a JVM: which masters and tables it accepts, and the one sentence a person
gets when PySpark or Java is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lib import spark
from lib.errors import InputError


@pytest.mark.parametrize(
    "master",
    ["local", "local[2]", "local[*]", "local[4,2]", "spark://spark-master:7077",
     "spark://a.example.com:7077,b.example.com:7077", " local[2] "],
)  # fmt: skip
def test_spark_masters_are_recognised(master: str) -> None:
    assert spark.is_master(master)


@pytest.mark.parametrize(
    "text",
    ["postgresql://db/x", "local[]", "local[x]", "spark://", "yarn", "/data/lines", "sparkle://h"],
)
def test_other_sources_are_not_spark_masters(text: str) -> None:
    assert not spark.is_master(text)


@pytest.mark.parametrize(
    ("table", "is_path"),
    [
        ("/lake/invoice_lines", True),
        ("~/lines/*.parquet", True),
        ("./lines", True),
        ("s3a://bucket/lines/", True),
        ("file:///lake/lines", True),
        ("hdfs://nn:8020/lake/lines", True),
        ("invoice_lines", False),
        ("billing.invoice_lines", False),
        ("spark_catalog.billing.invoice_lines", False),
    ],
)
def test_a_spark_table_is_a_path_or_a_catalog_name(table: str, is_path: bool) -> None:
    assert spark.is_path(table) is is_path


def test_without_pyspark_a_spark_source_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes `import pyspark...` raise ImportError, as on a small install.
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(InputError) as raised:
        spark.session("local[2]")
    assert str(raised.value) == (
        "Spark sources need the spark extra: pip install 'tierboard[spark]'."
    )


def test_without_java_a_spark_source_says_to_install_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark", reason="the Java check comes after PySpark's import")
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    with pytest.raises(InputError, match=r"need a Java runtime \(17 or newer\)"):
        spark.session("local[2]")


def test_java_home_prefers_java_home_over_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\n")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    assert spark.java_home() == str(tmp_path / "jdk")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nothing-here"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert spark.java_home() is None
