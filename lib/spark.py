"""Apache Spark sources: a Spark master (`spark://host:port` or `local[N]`), its SparkSession, and
the invoice lines or customers as an ibis table from the Spark catalog or a Parquet path.

PySpark is an optional extra (`pip install 'tierboard[spark]'`, ~450 MB) and needs a Java runtime:
without either, a source names what to install in one sentence. The session is the process's
own (`SparkSession.builder.getOrCreate()`): every load and reload of a source reuses it, so the
JVM starts once, and it is never stopped here (ibis's `disconnect()` would stop it for everyone).

Delta tables are not read: Spark needs the Delta Lake jars (io.delta:delta-spark), which PyPI
does not ship and which Spark would download from Maven at run time.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lib.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# local, local[4], local[*], local[4,2] (with retries), spark://host:7077, spark://a:7077,b:7077
_MASTER = re.compile(
    r"local(\[(\d+|\*)(,\d+)?\])?|spark://[A-Za-z0-9.\-\[\]:]+(,[A-Za-z0-9.\-\[\]:]+)*",
)
# A source table that is a path: absolute, ~, ./, or a filesystem URL (file:, hdfs:, s3a:...).
_PATH = re.compile(r"^(/|~|\.{1,2}/|[A-Za-z][A-Za-z0-9+.\-]*:/)")
MISSING_EXTRA = "Spark sources need the spark extra: pip install 'tierboard[spark]'."
MISSING_JAVA = (
    "Spark sources need a Java runtime (17 or newer) on this machine: install one "
    "(apt-get install default-jre-headless) or set JAVA_HOME."
)
NO_DELTA = (
    "{table} is a Delta table, which tierboard cannot read through Spark here (it needs the "
    "Delta Lake jars, which Spark would download at run time): point the source at Parquet "
    "files or at a table in the Spark catalog."
)
_starting = threading.Lock()  # one session start at a time (each would launch a JVM)


def is_master(text: str) -> bool:
    """Whether `text` is a Spark master tierboard accepts: local[N] or spark://host:port."""
    return _MASTER.fullmatch(text.strip()) is not None


def is_path(table: str) -> bool:
    """Whether a Spark source's table is a path to Parquet files rather than a catalog name."""
    return _PATH.match(table.strip()) is not None


def java_home() -> str | None:
    """Where PySpark will find `java`: JAVA_HOME's, else the one on PATH; None without one."""
    home = os.environ.get("JAVA_HOME", "").strip()
    if home and (Path(home) / "bin" / "java").is_file():
        return home
    found = shutil.which("java")
    return str(Path(found).resolve().parent.parent) if found else None


def session(master: str) -> SparkSession:
    """The process's SparkSession on `master` (started on first use, then shared).

    InputError when PySpark is not installed, when there is no Java, or when Spark cannot start.
    A session already running (another source, the tests' fixture) is reused as it is.
    """
    try:
        from pyspark.errors import PySparkException  # noqa: PLC0415 -- the optional extra
        from pyspark.sql import SparkSession  # noqa: PLC0415
    except ImportError:
        raise InputError(MISSING_EXTRA) from None
    with _starting:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        if java_home() is None:
            raise InputError(MISSING_JAVA)
        builder: Any = SparkSession.builder.master(master.strip()).appName("tierboard")
        # Arrow: the per-customer result comes back as columns, not one Python row at a time.
        builder = (
            builder.config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
        if master.strip().startswith("local"):
            # On one machine the driver needs no address but loopback (a host name that
            # resolves to 127.0.0.1 otherwise makes Spark pick another interface, and warn).
            builder = builder.config("spark.driver.host", "127.0.0.1").config(
                "spark.driver.bindAddress", "127.0.0.1"
            )
        try:
            started: SparkSession = builder.getOrCreate()
        except (PySparkException, OSError) as error:
            raise InputError(
                f"Spark could not start on the master {master.strip()} "
                f"({type(error).__name__}); check the master's address and that Spark "
                "runs there."
            ) from None
        started.sparkContext.setLogLevel("ERROR")
        return started


def backend(master: str) -> Any:
    """An ibis PySpark backend on the process's session for `master` (see `session`)."""
    spark = session(master)
    import ibis  # noqa: PLC0415

    return ibis.pyspark.connect(spark)


def table(con: Any, name: str) -> Any:
    """The ibis table a Spark source names: Parquet files at a path, or a catalog table
    (`table`, `database.table` or `catalog.database.table`). InputError when there is none."""
    from ibis.common.exceptions import TableNotFound  # noqa: PLC0415
    from pyspark.errors import AnalysisException  # noqa: PLC0415

    name = name.strip()
    if is_path(name):
        local = Path(name).expanduser() if not re.match(r"^[A-Za-z][\w+.\-]*:/", name) else None
        if local is not None and (local / "_delta_log").is_dir():
            raise InputError(NO_DELTA.format(table=name))
        location = str(local) if local is not None else name
        view = "tierboard_parquet_" + hashlib.sha256(location.encode()).hexdigest()[:12]
        try:
            # mergeSchema: files whose newer ones gained a column read as one table (as
            # DuckDB's union_by_name does for Parquet sources).
            return con.read_parquet(location, table_name=view, mergeSchema="true")
        except AnalysisException:
            raise InputError(
                f"Spark found no Parquet files it can read at {name}; check the path and "
                "that every Spark worker can reach it."
            ) from None
    parts = [part.strip("`") for part in name.split(".")]
    if not all(parts):
        raise InputError(
            f"{name!r} is not a Spark table name: write table, database.table or "
            "catalog.database.table, or a path to Parquet files."
        )
    database: str | tuple[str, ...] | None = None
    if len(parts) == 2:
        database = parts[0]
    elif len(parts) == 3:
        database = (parts[0], parts[1])
    elif len(parts) > 3:
        raise InputError(
            f"{name!r} has too many parts for a Spark table: write table, database.table or "
            "catalog.database.table."
        )
    try:
        return con.table(parts[-1], database=database)
    except (AnalysisException, TableNotFound):
        raise InputError(f"There is no table or view {name} in the Spark catalog.") from None


def open_backend(master: str) -> tuple[Any, str]:
    """lib/engine_source's opener for a Spark source at `master`: the ibis backend (see
    `SharedSession`), and how messages name where its tables are."""
    return SharedSession(backend(master)), f"Spark (master {master.strip()})"


class SharedSession:
    """An ibis PySpark backend on the process's SparkSession, lent to one read of a source.

    It answers as the backend does, except that `disconnect()` leaves the session running
    (ibis's would stop it, and its JVM, for every other source and browser session), and that
    `table(name, database)` reads what a Spark source names: a Parquet path or a catalog table.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def disconnect(self) -> None:
        """Nothing to release: the session stays for the next read."""

    def table(self, name: str, database: str | tuple[str, ...] | None = None) -> Any:
        parts = [database] if isinstance(database, str) else list(database or ())
        return table(self._inner, ".".join([*parts, name]))


def register() -> None:
    """Make `spark://` and `local[N]` sources readable (lib/engine_source's registry of
    engines); PySpark itself is imported only when such a source is read."""
    from lib import engine_source  # noqa: PLC0415 -- engine_source may import this module

    for scheme in ("spark", "local"):
        engine_source.register_backend(scheme, "Spark", open_backend)


register()
