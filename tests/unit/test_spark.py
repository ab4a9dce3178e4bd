"""lib/spark.py without a JVM: which masters and tables it accepts, and the one sentence a person
gets when PySpark or Java is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib import spark
from lib.config import load
from lib.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


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


def configured(tmp_path: Path, source: str, table: str) -> subprocess.CompletedProcess[str]:
    """lib.config.load in a fresh interpreter (nothing imported lib.spark beforehand)."""
    empty = tmp_path / "tierboard.toml"
    empty.write_text("", encoding="utf-8")
    env = {**os.environ, "TIERBOARD_CONFIG": str(empty), "TIERBOARD_SOURCE": source,
           "TIERBOARD_SOURCE_TABLE": table}  # fmt: skip
    code = "from lib.config import load; s = load(); print(s.source, s.source_table)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("master", ["local[2]", "spark://spark-master:7077"])
def test_the_configuration_accepts_a_spark_master_with_its_table(
    tmp_path: Path, master: str
) -> None:
    done = configured(tmp_path, master, "billing.invoice_lines")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{master} ('billing', 'invoice_lines')"


@pytest.mark.parametrize(
    "path", ["/Lake/Invoice Lines/2026.parquet", '"/lake/lines"', "s3a://Bucket/lines.v2/"]
)
def test_a_spark_source_s_parquet_path_is_kept_as_written(tmp_path: Path, path: str) -> None:
    # Not folded to lower case, nor split at its dots as schema.table would be.
    settings = load({"TIERBOARD_SOURCE": "local[2]", "TIERBOARD_SOURCE_TABLE": path}, tmp_path)
    assert settings.source_table == (path.strip('"'),)


def test_a_spark_source_without_pyspark_is_the_extra_s_sentence_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lib import engine_source

    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    for master in ("local[2]", "spark://spark-master:7077"):
        with pytest.raises(InputError) as raised:
            engine_source.open_table(master, ("billing", "invoice_lines"), "invoice lines")
        assert str(raised.value) == spark.MISSING_EXTRA
