"""Customer data from where it lives: Parquet files or a PostgreSQL table, read like an upload.

A configured source (TIERBOARD_SOURCE, lib/config.py) lands in the same RAW table of text an
uploaded file does, in a database of its own (lib/dataset.py), and is then loaded by the same
lib/ingest.load_customers: the same column mapping (TIERBOARD_SOURCE_MAP, or the automatic one),
revenue bases and row accounting. Transactions are summed over the trailing 12 months by DuckDB
SQL over RAW, as for uploads.

- Parquet: a file, a folder (every *.parquet below it) or a glob, read by DuckDB's
  read_parquet with union_by_name (a nightly extract whose newer files gained a column still
  reads as one table); every column as text, as lib/reading reads one Parquet upload.
- PostgreSQL: the table or view streamed out of the server with `COPY ... TO STDOUT (FORMAT
  csv)` through psycopg, a chunk at a time into DuckDB's CSV reader. DuckDB's postgres extension
  would read it directly, but no Python package of that extension exists for the DuckDB this
  project runs (2.x: duckdb-extension-postgres stops at 1.5, duckdb-ext-postgres at 1.4), and
  installing it at run time would download from the network, which a server may not reach.

`LiveSource` holds the source's current customers for every session and swaps in new data on
`reload()` (or by itself, for Parquet files, when the files change).
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

import duckdb

from lib import engine_source, reading
from lib.config import Settings
from lib.dataset import Dataset, Upload, open_database
from lib.errors import InputError
from lib.ingest import ANNUAL, RevenueBasis
from lib.reading import RAW, SourceInfo
from lib.sql import one_row, quote_ident

CHECK_EVERY_SECONDS = 30.0  # how often Parquet files are looked at for changes
CHUNK_BYTES = 32 * 1024 * 1024  # CSV from PostgreSQL handed to DuckDB this much at a time
CSV_OPTIONS = (
    "header = false, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
    "auto_detect = true, strict_mode = false, max_line_size = 16777216, names = ?"
)
SourceKind = Literal["parquet", "postgresql", "duckdb"]
_WILDCARD = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Source:
    """Where the customers are, and how to read them (from Settings.source and friends)."""

    kind: SourceKind
    location: str  # Parquet: an absolute file, folder or glob; PostgreSQL: the URL
    table: tuple[str, ...] = ()  # PostgreSQL: ("schema", "table") or ("table",)
    mapping: tuple[tuple[str, str], ...] = ()  # canonical -> column; () = automatic
    basis: RevenueBasis = ANNUAL

    @classmethod
    def from_settings(cls, settings: Settings) -> Source | None:
        """The configured source, or None when the app runs on a file or the sample."""
        if settings.source is None:
            return None
        kind: SourceKind = "postgresql" if settings.source_is_postgres else "parquet"
        return cls(
            kind,
            settings.source,
            settings.source_table,
            settings.source_map,
            RevenueBasis(settings.source_basis),
        )

    @property
    def name(self) -> str:
        """How messages and the load report name the data (never with a password)."""
        if self.kind == "parquet":
            return self.location
        if self.kind == "duckdb":
            return f"{'.'.join(self.table)} in {engine_source.duckdb_path(self.location)}"
        from lib.postgres import connection_params, describe_database  # noqa: PLC0415

        return f"{'.'.join(self.table)} in {describe_database(connection_params(self.location))}"

    def open(self) -> Upload:
        """The source read into a database of its own, waiting for its mapping (as an upload)."""
        con, folder = open_database("tierboard-source-")
        try:
            if self.kind == "parquet":
                info = _read_parquet(con, self)
            else:
                info = _read_postgres(con, self, folder)
        except BaseException:
            con.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return Upload(con, folder, info)

    def load(self) -> Dataset:
        """The source's customers, mapped and accounted for; InputError when it cannot be.

        Aggregated in the source's engine (lib/engine_source.py): only one row per customer
        and the counts come back.
        """
        table = self.engine_table()
        try:
            loaded: Dataset = engine_source.load_dataset(
                table, dict(self.mapping) or None, self.basis
            )
            return loaded
        finally:
            table.close()

    def engine_table(self) -> engine_source.EngineTable:
        """The source's table in its engine (Parquet: DuckDB over the files)."""
        if self.kind == "parquet":
            files = [str(path) for path in _parquet_files(self.location)]
            return engine_source.open_table("parquet://", (), self.name, files)
        return engine_source.open_table(self.location, self.table, self.name)

    def stamp(self) -> str | None:
        """Changes when the data may have changed: Parquet files' names, sizes and times.

        None for a database table (only a reload can tell) or when the files cannot be listed.
        """
        if self.kind != "parquet":
            return None
        try:
            files = _parquet_files(self.location)
            listed = [f"{path}\0{path.stat().st_size}\0{path.stat().st_mtime_ns}" for path in files]
        except (InputError, OSError):
            return None
        return hashlib.sha256("\n".join(listed).encode()).hexdigest()[:16]


def load_source(settings: Settings) -> Dataset:
    """The configured source's customers, freshly read; InputError if none is configured."""
    source = Source.from_settings(settings)
    if source is None:
        raise InputError("No data source is configured (TIERBOARD_SOURCE).")
    return source.load()


class LiveSource:
    """The source's current customers, shared by every session, and how to renew them.

    A reload reads the source into a new dataset and swaps it in only once it loaded: sessions
    keep using the previous dataset meanwhile (it is released when the last one lets go), and a
    failed reload leaves it in place.
    """

    def __init__(self, source: Source, check_every: float = CHECK_EVERY_SECONDS) -> None:
        self.source = source
        self.loaded_at: datetime | None = None  # UTC, of the dataset in use
        self.last_error: InputError | None = None  # why the last automatic reload failed
        self._store: Dataset | None = None
        self._stamp: str | None = None
        self._check_every = check_every
        self._checked = -math.inf  # time.monotonic() of the last look at the files
        self._lock = threading.Lock()  # one load at a time; the others wait for its result
        # Why the first read failed, and until when (time.monotonic()) that answer stands: a
        # broken source is asked again every `check_every` seconds, not on every slider move
        # of every session (a view that fails after a long scan would cost each of them).
        self._failed: tuple[InputError, float] | None = None

    @property
    def is_loaded(self) -> bool:
        return self._store is not None

    def dataset(self) -> Dataset:
        """The customers; read on first use, and again when Parquet files changed.

        The files are looked at no more than every `check_every` seconds: a slider move must
        not list a folder. Raises InputError when the first read fails, and the same error
        again, without asking the source, for the next `check_every` seconds. A failed
        automatic re-read keeps the data in use and sets `last_error`.
        """
        with self._lock:
            if self._store is None:
                if self._failed is not None and time.monotonic() < self._failed[1]:
                    raise self._failed[0]
                try:
                    self._replace(self.source.stamp())
                except InputError as error:
                    self._failed = (error, time.monotonic() + self._check_every)
                    raise
            elif time.monotonic() - self._checked >= self._check_every:
                stamp = self.source.stamp()
                if stamp is not None and stamp != self._stamp:
                    try:
                        self._replace(stamp)
                    except InputError as error:
                        self.last_error = error
                self._checked = time.monotonic()
            assert self._store is not None
            return self._store

    def reload(self) -> Dataset:
        """Read the source again now (new rows, changed values); InputError keeps the old data."""
        with self._lock:
            self._replace(self.source.stamp())
            assert self._store is not None
            return self._store

    def _replace(self, stamp: str | None) -> None:
        dataset = self.source.load()
        # The same lineage across reloads: sessions keep their cut-offs on the renewed data.
        dataset.lineage = f"source:{self.source.name}"
        self._store, self._stamp = dataset, stamp
        self._checked = time.monotonic()
        self.loaded_at = datetime.now(UTC)
        self.last_error = None
        self._failed = None


def _raw_info(con: duckdb.DuckDBPyConnection, name: str, kind: str) -> SourceInfo:
    headers = tuple(row[0] for row in con.execute(f"DESCRIBE {RAW}").fetchall())
    rows = one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0]
    if rows == 0:
        raise InputError(f"{name} has no rows: there are no customers to load.")
    # "postgresql" is not (yet) one of lib.reading.Kind's values; describe() prints any kind.
    return SourceInfo(name=name, kind=cast(reading.Kind, kind), headers=headers, rows=rows)


# ---------------------------------------------------------------------------------------------
# Parquet files.


def _parquet_files(location: str) -> list[Path]:
    """The Parquet files a location names, sorted (so rows keep one order between reads)."""
    parts = Path(location).parts
    wild = next((i for i, part in enumerate(parts) if _WILDCARD.search(part)), None)
    if wild is not None:
        # Path.glob takes a relative pattern: split the location at its first wildcard.
        base, pattern = Path(*parts[:wild]), str(Path(*parts[wild:]))
        files = [path for path in base.glob(pattern) if path.is_file()]
        if not files:
            raise InputError(f"No files match {location}.")
        return sorted(files)
    path = Path(location)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"There is no folder or file at {location}.")
    files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
    if not files:
        raise InputError(f"The folder {location} has no .parquet files.")
    return files


def _read_parquet(con: duckdb.DuckDBPyConnection, source: Source) -> SourceInfo:
    files = [str(path) for path in _parquet_files(source.location)]
    scan = "read_parquet(?, union_by_name = true)"
    try:
        columns = [
            row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {scan}", [files]).fetchall()
        ]
        _check_width(len(columns), source.name)
        selected = ", ".join(
            f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in columns
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {selected} FROM {scan}", [files])
    except duckdb.Error as error:
        detail = str(error).strip().splitlines()[0][:160]
        raise InputError(
            f"The Parquet files at {source.name} could not be read ({detail})."
        ) from None
    return _raw_info(con, source.name, "parquet")


def _check_width(columns: int, name: str) -> None:
    if columns == 0:
        raise InputError(f"{name} has no columns.")
    if columns > reading.MAX_COLUMNS:
        raise InputError(
            f"{name} has {columns:,} columns; tierboard reads at most {reading.MAX_COLUMNS:,}."
        )


# ---------------------------------------------------------------------------------------------
# A PostgreSQL table or view.


def _read_postgres(con: duckdb.DuckDBPyConnection, source: Source, folder: Path) -> SourceInfo:
    import psycopg  # noqa: PLC0415 -- only a database source needs the driver

    from lib.postgres import connection_params, describe_database, short_reason  # noqa: PLC0415

    params = {**connection_params(source.location), "client_encoding": "UTF8"}
    where = describe_database(params)
    table = ".".join(quote_ident(part) for part in source.table)
    shown = ".".join(source.table)
    with _database(params, where, shown) as pg, pg.transaction():
        # Text as lib/values reads it: ISO dates, UTC times, shortest exact floats.
        pg.execute("SET TRANSACTION READ ONLY")
        pg.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        pg.execute("SET LOCAL TimeZone = 'UTC'")
        pg.execute("SET LOCAL extra_float_digits = 1")
        try:
            described = pg.execute(f"SELECT * FROM {table} LIMIT 0").description or []
        except psycopg.errors.UndefinedTable:
            raise InputError(
                f"There is no table or view {shown} in the database {where}."
            ) from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise InputError(
                f"The database {where} does not let this user read {shown} "
                f"({short_reason(error, params)})."
            ) from None
        headers = reading.unique_headers(column.name for column in described)
        _check_width(len(headers), source.name)
        _create_raw(con, headers)
        _copy_rows(pg, con, f"COPY (SELECT * FROM {table}) TO STDOUT (FORMAT csv)", headers, folder)
    return _raw_info(con, source.name, "postgresql")


@contextmanager
def _database(params: dict[str, Any], where: str, shown: str) -> Iterator[Any]:
    """A read connection to the source database; InputError (no password) when it fails, or
    when reading `shown` (the table or view, for messages) from it does."""
    import psycopg  # noqa: PLC0415

    from lib.postgres import short_reason  # noqa: PLC0415

    try:
        connection = psycopg.connect(**params)
    except psycopg.OperationalError as error:
        raise InputError(
            f"The source database {where} cannot be reached ({short_reason(error, params)}); "
            "check TIERBOARD_SOURCE and that PostgreSQL is running."
        ) from None
    try:
        yield connection
    except psycopg.Error as error:
        # Whatever the server reports while it runs the table or view — a lost connection, a
        # permission, a division by zero or a value that is not UTF-8 inside a view — is about
        # that database, for its administrator to fix; the app falls back meanwhile.
        raise InputError(
            f"Reading {shown} from the source database {where} failed "
            f"({short_reason(error, params)})."
        ) from None
    finally:
        connection.close()


def _create_raw(con: duckdb.DuckDBPyConnection, headers: list[str]) -> None:
    columns = ", ".join(f"{quote_ident(header)} VARCHAR" for header in headers)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW} ({columns})")


def _copy_rows(
    pg: Any, con: duckdb.DuckDBPyConnection, copy_sql: str, headers: list[str], folder: Path
) -> None:
    """Stream the COPY's CSV into RAW, CHUNK_BYTES at a time (memory stays flat).

    PostgreSQL sends one row per COPY message, so a chunk always ends between rows.
    """
    spool = folder / "chunk.csv"
    pending: list[bytes] = []
    size = 0
    with pg.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= CHUNK_BYTES:
                _append_csv(con, spool, pending, headers)
                pending, size = [], 0
    if pending:
        _append_csv(con, spool, pending, headers)
    spool.unlink(missing_ok=True)


def _append_csv(
    con: duckdb.DuckDBPyConnection, spool: Path, chunk: list[bytes], headers: list[str]
) -> None:
    spool.write_bytes(b"".join(chunk))
    query = f"INSERT INTO {RAW} SELECT * FROM read_csv(?, {CSV_OPTIONS}"
    try:
        try:
            con.execute(query + ")", [str(spool), headers])
        except duckdb.Error as error:
            if "parallel" not in str(error):
                raise
            # Values with line breaks need DuckDB's single-threaded reader (as in lib/reading).
            con.execute(query + ", parallel = false)", [str(spool), headers])
    except duckdb.Error as error:
        # E.g. out of memory or disk for the copy: the data in use stays, and the page says why.
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        raise InputError(f"The rows of the source could not be stored ({detail}).") from None
