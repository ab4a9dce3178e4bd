"""One SparkSession for the whole test run: Spark local on two threads, quiet, no UI, two shuffle
partitions, a warehouse (the Spark catalog's tables) in a temporary folder.

Tests that use it are marked `spark` and share the xdist group "spark", so under
`pytest -n 2 --dist loadgroup` (make test) they run on one worker and the JVM starts once.
Without Java or PySpark they skip, saying why, except where CI or TIERBOARD_REQUIRE_SPARK is set
(.ci/run): there they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REQUIRE_ENVS = ("CI", "TIERBOARD_REQUIRE_SPARK")
MARKS = (pytest.mark.spark, pytest.mark.xdist_group("spark"))


def required() -> bool:
    return any(os.environ.get(name, "").strip() for name in REQUIRE_ENVS)


def unavailable(reason: str) -> None:
    """Skip with `reason` on a developer's machine; fail where Spark is required."""
    if required():
        pytest.fail(f"{reason} ({' or '.join(REQUIRE_ENVS)} is set, so this cannot skip).")
    pytest.skip(reason)


def missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed: pip install -e '.[dev,spark]' (make test does)"
    from lib.spark import java_home

    if java_home() is None:
        return (
            "No Java runtime for Spark (JAVA_HOME or java on PATH): "
            "apt-get install default-jre-headless"
        )
    return None


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The run's SparkSession (local[2]); lib.spark.session() finds and reuses it."""
    reason = missing()
    if reason is not None:
        unavailable(reason)
    from pyspark.sql import SparkSession

    folder: Path = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tierboard-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
        # C1 only: a JVM that lives a minute starts faster without the optimising compiler.
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dderby.system.home={folder / 'derby'} -XX:TieredStopAtLevel=1",
        )
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
