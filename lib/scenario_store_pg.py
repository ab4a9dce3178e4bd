"""Saved scenarios in PostgreSQL: the team's shared store, with the SQLite store's exact contract.

`PostgresScenarioStore(url)` keeps scenarios in the schema `tierboard` of the database the URL
names (created, or brought up to date, when the store opens). Like the embedded store it opens
one connection per operation, so any number of threads and processes (app servers) share it
and a restarted database costs nothing but the operations made while it was down (and, after
a failed connection, those of the next RETRY_AFTER seconds, which fail at once, not slowly).

The operations are lib/scenario_store_sql.py's `SqlScenarioStore`, written once for both stores;
no lost update, whatever runs at the same time: creating a name is `INSERT ... ON CONFLICT DO
NOTHING` and overwriting is `UPDATE ... WHERE name = %s AND version = %s`, each told apart by
its rowcount, each waiting for the other's row lock.

Every message names the database as "db on host:port", never with its password
(lib/postgres.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

import psycopg
from psycopg import errors

from lib.errors import InputError
from lib.postgres import CONNECT_TIMEOUT, connection_params, describe_database, short_reason
from lib.scenario_store_sql import Connection, SqlScenarioStore, newer_schema

SCHEMA = "tierboard"  # one schema of our own: the database may hold other applications' tables
# After a failed connection, operations on that database fail at once for this long instead of
# each waiting CONNECT_TIMEOUT again: a page makes several, and every rerun makes them anew.
RETRY_AFTER = 10.0
LOCK_TIMEOUT = 10.0  # seconds a save waits for another's row lock (as SQLite's busy timeout)
MIGRATION_LOCK = 7_363_626_840_011  # pg_advisory_xact_lock key: one migration at a time

# Schema steps, applied in order on open, each database once (SqlScenarioStore._write_schema).
_SCHEMA: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE SEQUENCE tierboard.save_order",
        """
        CREATE TABLE tierboard.scenarios (
            name       text        NOT NULL PRIMARY KEY,  -- trimmed, NFC, 1-80 characters
            -- Scenario.to_dict() as JSON. json, not jsonb: it keeps the text as written (float
            -- digits, key order) and takes the \\u0000 escape that jsonb refuses.
            scenario   json        NOT NULL,
            author     text,                              -- who saved it last (NULL: unknown)
            saved_at   timestamptz NOT NULL,
            version    integer     NOT NULL CHECK (version >= 1),  -- +1 on every save
            save_order bigint      NOT NULL DEFAULT nextval('tierboard.save_order')  -- newest first
        )
        """,
        "CREATE INDEX scenarios_by_save_order ON tierboard.scenarios (save_order)",
    ),
    # The tier of record (lib/adoption.py): added on open to a database made before it.
    2: (
        """
        CREATE TABLE tierboard.adoptions (
            id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name          text        NOT NULL,  -- the scenario's name when adopted
            scenario      json        NOT NULL,  -- the scenario adopted (a copy)
            version       integer     NOT NULL,  -- its version adopted
            adopted_by    text,                  -- who adopted it (NULL: unknown)
            adopted_at    timestamptz NOT NULL,
            accounts      integer     NOT NULL CHECK (accounts >= 0),
            revenue_cents bigint      NOT NULL   -- the accounts' revenue, whole cents
        )
        """,
        "CREATE INDEX adoptions_by_time ON tierboard.adoptions (adopted_at, id)",
        """
        CREATE TABLE tierboard.adoption_rows (
            adoption_id bigint  NOT NULL PRIMARY KEY REFERENCES tierboard.adoptions (id),
            format      integer NOT NULL,        -- lib/adoption.ROWS_FORMAT
            tier_list   bytea   NOT NULL         -- ids, tiers, cents: one Arrow IPC stream
        )
        """,
    ),
}
SCHEMA_VERSION = max(_SCHEMA)
# Per process, shared by its sessions: database ("db on host:port") -> (retry after, message).
_unreachable: dict[str, tuple[float, str]] = {}


class PostgresScenarioStore(SqlScenarioStore):
    """Named scenarios in a PostgreSQL database, shared by every user of every app server."""

    _table: ClassVar[str] = f"{SCHEMA}.scenarios"
    _param: ClassVar[str] = "%s"
    # json, not jsonb: it keeps the text as written (float digits, key order).
    _json_param: ClassVar[str] = "%s::json"
    _json_column: ClassVar[str] = "scenario::text"
    _next_order: ClassVar[str] = f"nextval('{SCHEMA}.save_order')"
    _unique_violation: ClassVar[type[Exception]] = errors.UniqueViolation
    _adoptions: ClassVar[str] = f"{SCHEMA}.adoptions"
    _adoption_rows: ClassVar[str] = f"{SCHEMA}.adoption_rows"

    def __init__(
        self, url: str, connect_timeout: int = CONNECT_TIMEOUT, lock_timeout: float = LOCK_TIMEOUT
    ) -> None:
        self._params = connection_params(url, connect_timeout)
        self._lock_timeout_ms = max(1, round(lock_timeout * 1000))
        self.where = describe_database(self._params)  # for messages: no password in it
        self._migrate()

    def _savepoint(self, connection: Connection) -> AbstractContextManager[object]:
        # A unique violation aborts a PostgreSQL transaction: the savepoint keeps the rest usable.
        assert isinstance(connection, psycopg.Connection)
        return connection.transaction()

    # -- the database -------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        """A fresh connection in autocommit mode (transactions are explicit), closed after."""
        retry_after, message = _unreachable.get(self.where, (0.0, ""))
        if time.monotonic() < retry_after:
            raise InputError(message)
        try:
            connection = psycopg.connect(**self._params, autocommit=True)
        except psycopg.OperationalError as error:
            message = (
                f"The scenario database {self.where} cannot be reached "
                f"({short_reason(error, self._params)}); check its URL (TIERBOARD_SCENARIO_STORE) "
                "and that PostgreSQL is running."
            )
            _unreachable[self.where] = (time.monotonic() + RETRY_AFTER, message)
            raise InputError(message) from None
        _unreachable.pop(self.where, None)
        try:
            yield connection
        except (psycopg.OperationalError, errors.InsufficientPrivilege) as error:
            # Lost connection, lock timeout, permissions: for an administrator to fix. Other
            # errors (syntax, integrity) are bugs and propagate as they are.
            raise self._unusable(error) from None
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection inside one transaction: committed on success, else rolled back."""
        with self._connect() as connection, connection.transaction():
            # SET LOCAL rather than a startup option: connection poolers (PgBouncer) refuse those.
            connection.execute(f"SET LOCAL lock_timeout = {self._lock_timeout_ms:d}")
            yield connection

    def _unusable(self, error: psycopg.Error) -> InputError:
        if isinstance(error, errors.LockNotAvailable):
            return InputError(
                f"The scenario database {self.where} is busy (another save is under way); "
                "try again."
            )
        reason = short_reason(error, self._params)
        return InputError(f"The scenario database {self.where} cannot be used: {reason}.")

    def _migrate(self) -> None:
        """Create the schema, or bring an older one up to date (one server at a time)."""
        with self._connect() as connection:
            if _schema_version(connection, self.where) == SCHEMA_VERSION:
                return
        with self._transaction() as connection:
            # Two app servers starting together: the second waits here, then finds it done.
            connection.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            current = _schema_version(connection, self.where)
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            self._write_schema(connection, _SCHEMA, current, f"{SCHEMA}.schema_version")


def _schema_version(connection: psycopg.Connection[Any], where: str) -> int:
    tables = {
        row[0]
        for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", [SCHEMA]
        )
    }
    if "schema_version" not in tables:
        if tables:
            raise InputError(
                f"The schema {SCHEMA} of the database {where} holds something else than saved "
                "scenarios; use another database."
            )
        return 0
    row = connection.execute("SELECT max(version) FROM tierboard.schema_version").fetchone()
    version = int(row[0] or 0) if row else 0
    if version > SCHEMA_VERSION:
        raise newer_schema(where, version, SCHEMA_VERSION)
    return version
