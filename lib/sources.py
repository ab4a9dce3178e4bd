"""Customer data from where it lives: Parquet files, a DuckDB database, a PostgreSQL table.

A configured source (TIERBOARD_SOURCE, lib/config.py) is aggregated in its own engine by one
ibis expression (lib/engine_source.py): the same column mapping (TIERBOARD_SOURCE_MAP, or the
automatic one), revenue bases and row accounting as an upload, computed where the rows are;
only one row per customer and the counts come back, into a database of the dataset's own
(lib/dataset.py). Parquet files (a file, a folder of *.parquet, or a glob; union_by_name, so a
newer file with an extra column still reads as one table) are read by DuckDB the same way.

`LiveSource` holds the source's current customers for every session and swaps in new data on
`reload()` (or by itself, for Parquet files, when the files change).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lib import engine_source
from lib.config import Settings
from lib.dataset import Dataset
from lib.errors import InputError
from lib.ingest import ANNUAL, RevenueBasis

CHECK_EVERY_SECONDS = 30.0  # how often Parquet files are looked at for changes
# "parquet", "postgresql", "duckdb", or the scheme of an engine registered in
# lib/engine_source.BACKENDS ("spark", "local" for local[N]).
SourceKind = str
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
        scheme = engine_source.scheme_of(settings.source)
        kind: SourceKind = "postgresql" if settings.source_is_postgres else scheme
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
        if self.kind != "postgresql":
            from lib.config import redact_url  # noqa: PLC0415

            return f"{'.'.join(self.table)} in {redact_url(self.location)}"
        from lib.postgres import connection_params, describe_database  # noqa: PLC0415

        return f"{'.'.join(self.table)} in {describe_database(connection_params(self.location))}"

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
