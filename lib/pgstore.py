"""Saved scenarios in PostgreSQL: the team's shared store, with the SQLite store's exact contract.

`PostgresScenarioStore(url)` keeps scenarios in the schema `tierboard` of the database the URL
names (created, or brought up to date, when the store opens). Like the embedded store it opens
one connection per operation, so any number of threads and processes (app servers) share it
and a restarted database costs nothing but the operations made while it was down (and, after
a failed connection, those of the next RETRY_AFTER seconds, which fail at once, not slowly).

No lost update, whatever runs at the same time:
- creating a name is `INSERT ... ON CONFLICT DO NOTHING`: of two sessions saving one new name,
  the second waits for the first to commit, inserts nothing (rowcount 0) and is told who won;
- overwriting is `UPDATE ... WHERE name = %s AND version = %s`: the second of two writers of one
  version waits for the first's row lock, finds the version moved on (rowcount 0), and is told.

Every message names the database as "db on host:port", never with its password.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict

from lib.errors import InputError
from lib.scenarios import (
    LastSave,
    SavedScenario,
    Scenario,
    ScenarioList,
    changed_since,
    check_expected_version,
    checked_author,
    checked_name,
    listed,
    missing,
    name_taken,
    scenario_from_json,
    stored_author,
)

SCHEMA = "tierboard"  # one schema of our own: the database may hold other applications' tables
CONNECT_TIMEOUT = 3  # seconds to give up on an unreachable server (libpq: whole seconds, >= 2)
# After a failed connection, operations on that database fail at once for this long instead of
# each waiting CONNECT_TIMEOUT again: a page makes several, and every rerun makes them anew.
RETRY_AFTER = 10.0
LOCK_TIMEOUT = 10.0  # seconds a save waits for another's row lock (as SQLite's busy timeout)
MIGRATION_LOCK = 7_363_626_840_011  # pg_advisory_xact_lock key: one migration at a time

# Schema steps, applied in order on open, each database once (see lib/scenarios.py's _SCHEMA).
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
}
SCHEMA_VERSION = max(_SCHEMA)
_COLUMNS = "name, scenario::text, author, saved_at, version"
# Per process, shared by its sessions: database ("db on host:port") -> (retry after, message).
_unreachable: dict[str, tuple[float, str]] = {}


class PostgresScenarioStore:
    """Named scenarios in a PostgreSQL database, shared by every user of every app server."""

    def __init__(
        self, url: str, connect_timeout: int = CONNECT_TIMEOUT, lock_timeout: float = LOCK_TIMEOUT
    ) -> None:
        self._params = connection_params(url, connect_timeout)
        self._lock_timeout_ms = max(1, round(lock_timeout * 1000))
        self.where = describe_database(self._params)  # for messages: no password in it
        self._migrate()

    def list(self) -> ScenarioList:
        with self._connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM tierboard.scenarios ORDER BY save_order DESC"
            ).fetchall()
        return listed(rows, _saved)

    def get(self, name: str) -> SavedScenario:
        name = checked_name(name)
        with self._connect() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM tierboard.scenarios WHERE name = %s", [name]
            ).fetchone()
        if row is None:
            raise missing(name)
        return _saved(row)

    def save(
        self,
        name: str,
        scenario: Scenario,
        author: str | None = None,
        expected_version: int | None = None,
    ) -> SavedScenario:
        name = checked_name(name)
        author = checked_author(author)
        check_expected_version(expected_version)
        text = json.dumps(scenario.to_dict(), ensure_ascii=False)
        with self._transaction() as connection:
            saved_at = datetime.now(UTC)
            if expected_version is None:
                inserted = connection.execute(
                    "INSERT INTO tierboard.scenarios (name, scenario, author, saved_at, version) "
                    "VALUES (%s, %s::json, %s, %s, 1) ON CONFLICT (name) DO NOTHING",
                    [name, text, author, saved_at],
                ).rowcount
                if inserted != 1:
                    last = _last_save(connection, name)
                    raise name_taken(name, last, "or load it and save over it")
                version = 1
            else:
                updated = connection.execute(
                    "UPDATE tierboard.scenarios SET scenario = %s::json, author = %s, "
                    "saved_at = %s, version = version + 1, "
                    "save_order = nextval('tierboard.save_order') "
                    "WHERE name = %s AND version = %s",
                    [text, author, saved_at, name, expected_version],
                ).rowcount
                if updated != 1:
                    raise changed_since(name, expected_version, _last_save(connection, name))
                version = expected_version + 1
        return SavedScenario(name, scenario, author, saved_at, version)

    def rename(self, old: str, new: str) -> None:
        old, new = checked_name(old), checked_name(new)
        with self._transaction() as connection:
            try:
                with connection.transaction():  # a savepoint: the clash leaves the rest usable
                    renamed = connection.execute(
                        "UPDATE tierboard.scenarios SET name = %s WHERE name = %s", [new, old]
                    ).rowcount
            except errors.UniqueViolation:
                last = _last_save(connection, new)
                raise name_taken(new, last, "or delete that one first") from None
            if renamed != 1:
                raise missing(old)

    def delete(self, name: str) -> None:
        name = checked_name(name)
        with self._transaction() as connection:
            deleted = connection.execute(
                "DELETE FROM tierboard.scenarios WHERE name = %s", [name]
            ).rowcount
            if deleted != 1:
                raise missing(name)

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
            for step in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _SCHEMA[step]:
                    connection.execute(statement)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS tierboard.schema_version (version integer NOT NULL)"
            )
            connection.execute("DELETE FROM tierboard.schema_version")
            connection.execute(
                "INSERT INTO tierboard.schema_version (version) VALUES (%s)", [SCHEMA_VERSION]
            )


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
        raise InputError(
            f"The scenario database {where} was made by a newer tierboard (schema {version}; "
            f"this one reads up to {SCHEMA_VERSION}); update tierboard."
        )
    return version


def _last_save(connection: psycopg.Connection[Any], name: str) -> LastSave | None:
    """Who saved `name` last, when, and its version (None: no such scenario)."""
    row = connection.execute(
        "SELECT author, saved_at, version FROM tierboard.scenarios WHERE name = %s", [name]
    ).fetchone()
    return None if row is None else (row[0], row[1].astimezone(UTC), row[2])


def _saved(row: tuple[Any, ...]) -> SavedScenario:
    name, text, author, saved_at, version = row
    return SavedScenario(
        name,
        scenario_from_json(name, text),
        stored_author(author),
        saved_at.astimezone(UTC),
        version,
    )


# ---------------------------------------------------------------------------------------------
# Connection parameters and messages (shared with lib/sources.py).


def connection_params(url: str, connect_timeout: int = CONNECT_TIMEOUT) -> dict[str, Any]:
    """libpq parameters from a URL, with tierboard's timeouts; InputError for a bad URL."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise InputError(
            "The PostgreSQL URL cannot be read; write it as "
            "postgresql://user:password@host:5432/database."
        ) from None
    params["connect_timeout"] = str(max(2, int(connect_timeout)))
    params.setdefault("application_name", "tierboard")
    return params


def describe_database(params: dict[str, Any]) -> str:
    """ "tierboard on db.example.com:5432": which database, without user or password."""
    host = params.get("host") or params.get("hostaddr") or "the local socket"
    port = params.get("port") or "5432"
    where = host if host.startswith("/") or host == "the local socket" else f"{host}:{port}"
    return f"{params.get('dbname') or params.get('user') or 'postgres'} on {where}"


def short_reason(error: BaseException, params: dict[str, Any]) -> str:
    """libpq's reason, short: "Connection refused", "timeout expired", never the password."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    match = re.search(r".*failed:\s*(?:FATAL:\s*)?(.+)$", first)  # the last "failed:"
    reason = (match.group(1) if match else first).strip().rstrip(".")
    password = params.get("password")
    if password:
        reason = reason.replace(str(password), "***")
    return reason
