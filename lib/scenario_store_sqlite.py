"""The embedded scenario store (one SQLite file, the default), and `open_store`: the scenario
store the configuration names (this one, or PostgreSQL's).

The operations themselves are lib/scenario_store_sql.py's `SqlScenarioStore`, shared with the
PostgreSQL store; this module says how SQLite connects, locks and keeps its schema.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from lib import config
from lib.cache import BoundedCache
from lib.config import Settings, default_store_path
from lib.errors import InputError
from lib.scenario_store import ScenarioStore
from lib.scenario_store_sql import SqlScenarioStore, newer_schema

# Schema steps, applied in order on open (SqlScenarioStore._write_schema).
_SCHEMA: dict[int, tuple[str, ...]] = {
    1: (
        """
        CREATE TABLE scenarios (
            name       TEXT    NOT NULL PRIMARY KEY,   -- trimmed, NFC, 1-80 characters
            scenario   TEXT    NOT NULL,               -- Scenario.to_dict() as JSON
            author     TEXT,                           -- who saved it last (NULL: unknown)
            saved_at   TEXT    NOT NULL,               -- ISO 8601 UTC with microseconds
            version    INTEGER NOT NULL CHECK (version >= 1),  -- +1 on every save
            save_order INTEGER NOT NULL                -- rises with every save: newest first
        )
        """,
        "CREATE INDEX scenarios_by_save_order ON scenarios (save_order)",
    ),
    # The tier of record (lib/adoption.py): added on open to a store made before it.
    2: (
        """
        CREATE TABLE adoptions (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after a delete
            name          TEXT    NOT NULL,        -- the scenario's name when adopted
            scenario      TEXT    NOT NULL,        -- the scenario adopted, as JSON (a copy)
            version       INTEGER NOT NULL,        -- its version adopted
            adopted_by    TEXT,                    -- who adopted it (NULL: unknown)
            adopted_at    TEXT    NOT NULL,        -- ISO 8601 UTC with microseconds
            accounts      INTEGER NOT NULL CHECK (accounts >= 0),
            revenue_cents INTEGER NOT NULL         -- the accounts' revenue, whole cents
        )
        """,
        "CREATE INDEX adoptions_by_time ON adoptions (adopted_at, id)",
        """
        CREATE TABLE adoption_rows (
            adoption_id INTEGER NOT NULL PRIMARY KEY REFERENCES adoptions (id),
            format      INTEGER NOT NULL,          -- lib/adoption.ROWS_FORMAT
            tier_list   BLOB    NOT NULL           -- ids, tiers, cents: one Arrow IPC stream
        )
        """,
    ),
}
SCHEMA_VERSION = max(_SCHEMA)


class SqliteScenarioStore(SqlScenarioStore):
    """The embedded store: one SQLite file (WAL), one connection per operation, so any number
    of threads and processes can share it; each write is one transaction holding the write lock.
    """

    _table: ClassVar[str] = "scenarios"
    # Read while the write lock is held (BEGIN IMMEDIATE): no other save can take the same.
    _next_order: ClassVar[str] = "(SELECT COALESCE(MAX(save_order), 0) + 1 FROM scenarios)"
    _unique_violation: ClassVar[type[Exception]] = sqlite3.IntegrityError
    _adoptions: ClassVar[str] = "adoptions"
    _adoption_rows: ClassVar[str] = "adoption_rows"

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self._timeout = timeout  # how long an operation waits for another's write lock
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"Cannot create the folder for saved scenarios, {self.path.parent}: "
                f"{error.strerror or error}."
            ) from None
        self._migrate()

    def _stamp(self, saved_at: datetime) -> object:
        return saved_at.isoformat(timespec="microseconds")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection in autocommit mode (transactions are explicit), closed after."""
        try:
            connection = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise self._unusable(error) from None
        try:
            yield connection
        except sqlite3.DatabaseError as error:
            # Locked past the timeout, read-only, disk full, not a database: things a person
            # (or an administrator) can fix. Other subclasses (integrity, programming) are bugs.
            if type(error) not in (sqlite3.OperationalError, sqlite3.DatabaseError):
                raise
            raise self._unusable(error) from None
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction: committed on success, else rolled back.

        BEGIN IMMEDIATE takes the write lock first, so a read-check-write inside it cannot
        interleave with another thread's or process's.
        """
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _unusable(self, error: sqlite3.Error) -> InputError:
        reason = str(error).rstrip(".")
        if "locked" in reason or "busy" in reason:
            return InputError(
                f"The scenario database {self.path} is busy (another save is under way); try again."
            )
        return InputError(f"The scenario database {self.path} cannot be used: {reason}.")

    def _migrate(self) -> None:
        """Create the schema, or bring an older one up to date (WAL mode set once, kept)."""
        with self._connect() as connection:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            if self._schema_version(connection) == SCHEMA_VERSION:
                return
        with self._transaction() as connection:
            current = self._schema_version(connection)  # again: another process may have done it
            self._write_schema(connection, _SCHEMA, current, "schema_version")

    def _schema_version(self, connection: sqlite3.Connection) -> int:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "schema_version" not in tables:
            if tables:
                raise InputError(
                    f"The file {self.path} is a database of something else, not of saved "
                    "scenarios; choose another data folder."
                )
            return 0
        version = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if version > SCHEMA_VERSION:
            raise newer_schema(self.path, version, SCHEMA_VERSION)
        return int(version)


def open_store(settings: Settings | None = None) -> ScenarioStore:
    """The configured scenario store: PostgreSQL for a postgresql:// URL, else the SQLite file.

    Raises InputError when the configuration or the database cannot be used.
    """
    settings = config.load() if settings is None else settings
    if settings.scenario_store_is_postgres:
        return _postgres_store(settings.scenario_store)
    return _sqlite_store(default_store_path(settings))


# SQLite stores checked (schema, WAL) per file as it is: the store holds no connection, so one
# serves every session and page run (as `_postgres_store` does) until the file changes. Every
# write ends in a checkpoint that changes the file's modification time, so a schema written by
# another process (a newer tierboard) or a file deleted and made again is checked again.
_CHECKED: BoundedCache[tuple[object, ...], SqliteScenarioStore] = BoundedCache(4)


def _sqlite_store(path: Path) -> SqliteScenarioStore:
    try:
        found = path.stat()
    except OSError:  # not made yet (or unreadable): made and checked now, saying why if not
        return SqliteScenarioStore(path)
    key = (str(path), found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)
    return _CHECKED.get(key, lambda: SqliteScenarioStore(path))


@functools.cache
def _postgres_store(url: str) -> ScenarioStore:
    # One store per URL and process: the schema is checked once, not on every page run (the
    # store itself holds no connection). A failure is not cached, so the next call retries.
    from lib.scenario_store_pg import PostgresScenarioStore  # noqa: PLC0415 -- psycopg when used

    return PostgresScenarioStore(url)
