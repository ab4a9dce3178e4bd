"""The SQL both scenario stores share: list, get, save, rename and delete, written once.

`SqlScenarioStore` keeps the contract of lib/scenario_store.py over one table; the SQLite store
(lib/scenario_store_sqlite.py) and the PostgreSQL one (lib/scenario_store_pg.py) say only how
they connect, lock and keep their schema, and the few SQL details that differ.

Adoptions (the tier of record, lib/adoption.py) are kept here too, in two tables of their own.

Why one module (past 400 lines): adoptions use the same connections, transactions, SQL
placeholders and readers of stored rows as the saves; apart, each half would import the other's
private helpers.
"""

from __future__ import annotations

import builtins
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar, Protocol

from lib.adoption import (
    ROWS_FORMAT,
    Adoption,
    AdoptionInfo,
    TierList,
    check_fits,
    rows_blob,
    rows_from_blob,
)
from lib.cache import BoundedCache
from lib.errors import InputError
from lib.scenario import Scenario, lower_first
from lib.scenario_store import (
    NAME_LIMIT,
    LastSave,
    SavedScenario,
    ScenarioList,
    Unreadable,
    changed_since,
    check_expected_version,
    checked_author,
    checked_name,
    clean_text,
    missing,
    name_taken,
)


def _listed(
    rows: Iterable[tuple[Any, ...]], read: Callable[[tuple[Any, ...]], SavedScenario]
) -> ScenarioList:
    """Every row read with `read`; a row that cannot be read goes to `unreadable` with its
    reason (what `list` does)."""
    readable, unreadable = [], []
    for row in rows:
        try:
            readable.append(read(row))
        except InputError as error:
            unreadable.append(Unreadable(clean_text(str(row[0]), NAME_LIMIT), str(error)))
    return ScenarioList(readable, unreadable)


# Scenarios read back, by their stored text: every page lists the saved scenarios and the
# adoptions on every rerun (a slider move too), and parsing each one's JSON and plan TOML cost
# more than the query. A Scenario is immutable, so one object serves every session's thread.
_PARSED: BoundedCache[tuple[str, str], Scenario] = BoundedCache(512)
_PARSED_TEXT_LIMIT = 256 * 1024  # a larger text (a long roster) is parsed each time, not kept


def _scenario_from_json(name: str, text: str) -> Scenario:
    """The scenario stored as JSON text under `name`; InputError naming it when damaged."""
    if len(text) > _PARSED_TEXT_LIMIT:
        return _parsed(name, text)
    return _PARSED.get((name, text), lambda: _parsed(name, text))


def _parsed(name: str, text: str) -> Scenario:
    try:
        return Scenario.from_dict(json.loads(text))
    except ValueError:
        raise InputError(f'The saved scenario "{name}" cannot be read: it is not JSON.') from None
    except InputError as error:
        raise InputError(
            f'The saved scenario "{name}" cannot be opened: {lower_first(str(error))}'
        ) from None


def _stored_author(author: object) -> str | None:
    """An author read back from a store, bounded and cleaned as a new save's would be (a row
    written before that rule, or by hand, shows no megabyte of name either)."""
    return checked_author(author) if isinstance(author, str) else None


def newer_schema(where: object, version: int, latest: int) -> InputError:
    """The error for a database whose schema a newer tierboard wrote."""
    return InputError(
        f"The scenario database {where} was made by a newer tierboard (schema {version}; "
        f"this one reads up to {latest}); update tierboard."
    )


class Cursor(Protocol):
    """What the stores read from a DB-API cursor (sqlite3's and psycopg's alike)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> builtins.list[Any]: ...


class Connection(Protocol):
    """What the stores use of a DB-API connection (sqlite3's and psycopg's alike)."""

    def execute(self, query: str, params: Sequence[Any] = ..., /) -> Cursor: ...


class SqlScenarioStore(ABC):
    """A scenario store over one SQL table `scenarios` (name, scenario, author, saved_at,
    version, save_order): the contract's operations, written once.

    A subclass gives its table, placeholder, the SQL of the JSON parameter and column and of the
    next save order, the error a unique name raises, and how it connects (`_connect`: one fresh
    connection per operation, in autocommit mode; `_transaction`: inside one write transaction,
    committed on success, else rolled back). Statements here are written with `?` placeholders,
    `{table}`, `{json}` and `{order}`; `_sql` puts in the subclass's.
    """

    _table: ClassVar[str]  # the scenarios table, schema-qualified where the store has one
    _param: ClassVar[str] = "?"  # the driver's placeholder
    _json_param: ClassVar[str] = "?"  # the scenario's JSON text as a parameter
    _json_column: ClassVar[str] = "scenario"  # the scenario read back as JSON text
    _next_order: ClassVar[str]  # SQL for the next save order (rises with every save)
    _unique_violation: ClassVar[type[Exception]]  # what a name already taken raises
    _adoptions: ClassVar[str]  # the adoptions table (one row each, without the tier list)
    _adoption_rows: ClassVar[str]  # each adoption's tier list: one compact blob (lib/adoption)

    @abstractmethod
    def _connect(self) -> AbstractContextManager[Connection]:
        """A fresh connection in autocommit mode, closed after."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Connection]:
        """A connection inside one write transaction: committed on success, else rolled back."""

    def _savepoint(self, connection: Connection) -> AbstractContextManager[object]:
        """Around a statement that may break a unique name: what keeps the transaction usable
        after it (SQLite's stays usable; PostgreSQL needs a savepoint)."""
        return nullcontext()

    def _stamp(self, saved_at: datetime) -> object:
        """A save time as the database takes it."""
        return saved_at

    def _sql(self, statement: str) -> str:
        return statement.format(
            table=self._table,
            json=self._json_param,
            order=self._next_order,
            adoptions=self._adoptions,
            rows=self._adoption_rows,
        ).replace("?", self._param)

    # -- the contract -------------------------------------------------------------------------

    def list(self) -> ScenarioList:
        columns = f"name, {self._json_column}, author, saved_at, version"
        with self._connect() as connection:
            rows = connection.execute(
                self._sql(f"SELECT {columns} FROM {{table}} ORDER BY save_order DESC")
            ).fetchall()
        return _listed(rows, _saved)

    def get(self, name: str) -> SavedScenario:
        name = checked_name(name)
        columns = f"name, {self._json_column}, author, saved_at, version"
        with self._connect() as connection:
            row = connection.execute(
                self._sql(f"SELECT {columns} FROM {{table}} WHERE name = ?"), [name]
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
            # Inside the transaction: where the store holds the write lock from its start
            # (SQLite), the time and order below are this save's own.
            saved_at = datetime.now(UTC)
            if expected_version is None:
                # Of two sessions creating one name, the second waits for the first to commit,
                # inserts nothing (rowcount 0) and is told who won.
                inserted = connection.execute(
                    self._sql(
                        "INSERT INTO {table} (name, scenario, author, saved_at, version, "
                        "save_order) VALUES (?, {json}, ?, ?, 1, {order}) "
                        "ON CONFLICT (name) DO NOTHING"
                    ),
                    [name, text, author, self._stamp(saved_at)],
                ).rowcount
                if inserted != 1:
                    last = self._last_save(connection, name)
                    raise name_taken(name, last, "or load it and save over it")
                version = 1
            else:
                # The second of two writers of one version waits for the first's lock, finds
                # the version moved on (rowcount 0), and is told.
                updated = connection.execute(
                    self._sql(
                        "UPDATE {table} SET scenario = {json}, author = ?, saved_at = ?, "
                        "version = version + 1, save_order = {order} "
                        "WHERE name = ? AND version = ?"
                    ),
                    [text, author, self._stamp(saved_at), name, expected_version],
                ).rowcount
                if updated != 1:
                    last = self._last_save(connection, name)
                    raise changed_since(name, expected_version, last)
                version = expected_version + 1
        return SavedScenario(name, scenario, author, saved_at, version)

    def rename(self, old: str, new: str) -> None:
        old, new = checked_name(old), checked_name(new)
        with self._transaction() as connection:
            try:
                with self._savepoint(connection):
                    renamed = connection.execute(
                        self._sql("UPDATE {table} SET name = ? WHERE name = ?"), [new, old]
                    ).rowcount
            except self._unique_violation:
                last = self._last_save(connection, new)
                raise name_taken(new, last, "or delete that one first") from None
            if renamed != 1:
                raise missing(old)

    def delete(self, name: str) -> None:
        name = checked_name(name)
        with self._transaction() as connection:
            deleted = connection.execute(
                self._sql("DELETE FROM {table} WHERE name = ?"), [name]
            ).rowcount
            if deleted != 1:
                raise missing(name)

    # -- the tier of record -------------------------------------------------------------------

    def adopt(
        self,
        name: str,
        tier_list: TierList,
        adopted_by: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> Adoption:
        name = checked_name(name)
        adopted_by = checked_author(adopted_by)
        check_expected_version(expected_version)
        if not isinstance(tier_list, TierList):
            raise TypeError(f"tier_list must be a TierList, not {type(tier_list).__name__}")
        # The heavy part (a second at 1M accounts) before the transaction, not holding its lock.
        blob = rows_blob(tier_list)
        revenue_cents = int(tier_list.cents.sum(dtype=object)) if len(tier_list) else 0
        columns = f"name, {self._json_column}, author, saved_at, version"
        with self._transaction() as connection:
            row = connection.execute(
                self._sql(f"SELECT {columns} FROM {{table}} WHERE name = ?"), [name]
            ).fetchone()
            if row is None:
                raise missing(name)
            saved = _saved(row)
            if expected_version is not None and saved.version != expected_version:
                # Saved again since the tier list was made: it would record the other cut-offs.
                last = (saved.author, saved.saved_at, saved.version)
                raise changed_since(name, expected_version, last)
            check_fits(tier_list, saved.scenario.tier_count)
            text = json.dumps(saved.scenario.to_dict(), ensure_ascii=False)
            adopted_at = now()
            inserted = connection.execute(
                self._sql(
                    "INSERT INTO {adoptions} (name, scenario, version, adopted_by, adopted_at, "
                    "accounts, revenue_cents) VALUES (?, {json}, ?, ?, ?, ?, ?) RETURNING id"
                ),
                [
                    name,
                    text,
                    saved.version,
                    adopted_by,
                    self._stamp(adopted_at),
                    len(tier_list),
                    revenue_cents,
                ],
            ).fetchone()
            adoption_id = int(inserted[0])
            connection.execute(
                self._sql("INSERT INTO {rows} (adoption_id, format, tier_list) VALUES (?, ?, ?)"),
                [adoption_id, ROWS_FORMAT, blob],
            )
        info = AdoptionInfo(
            adoption_id,
            name,
            saved.scenario,
            saved.version,
            adopted_by,
            adopted_at,
            len(tier_list),
            revenue_cents,
        )
        return Adoption(info, tier_list.ids, tier_list.tiers, tier_list.cents)

    def _info_sql(self, where: str = "", limit: str = "") -> str:
        columns = (
            f"id, name, {self._json_column}, version, adopted_by, adopted_at, accounts, "
            "revenue_cents"
        )
        return self._sql(
            f"SELECT {columns} FROM {{adoptions}} {where} ORDER BY adopted_at DESC, id DESC {limit}"
        )

    def adoptions(self) -> builtins.list[AdoptionInfo]:
        with self._connect() as connection:
            rows = connection.execute(self._info_sql()).fetchall()
        return [_adoption_info(row) for row in rows]

    def adopted(self, on: date | None = None) -> Adoption | None:
        if on is not None and not isinstance(on, date):
            raise TypeError(f"on must be a date or None, not {type(on).__name__}")
        if isinstance(on, datetime):
            on = on.astimezone(UTC).date()
        with self._connect() as connection:
            if on is None:
                row = connection.execute(self._info_sql(limit="LIMIT 1")).fetchone()
            else:
                # Before the start (UTC) of the next day: the day's own adoptions count.
                before = datetime.combine(on + timedelta(days=1), time(), UTC)
                row = connection.execute(
                    self._info_sql("WHERE adopted_at < ?", "LIMIT 1"), [self._stamp(before)]
                ).fetchone()
            return None if row is None else self._with_rows(connection, _adoption_info(row))

    def adoption(self, adoption_id: int) -> Adoption:
        if not isinstance(adoption_id, int) or isinstance(adoption_id, bool):
            raise TypeError(f"adoption_id must be an int, not {type(adoption_id).__name__}")
        with self._connect() as connection:
            row = connection.execute(self._info_sql("WHERE id = ?"), [adoption_id]).fetchone()
            if row is None:
                raise InputError(f"There is no adoption number {adoption_id}.")
            return self._with_rows(connection, _adoption_info(row))

    def _with_rows(self, connection: Connection, info: AdoptionInfo) -> Adoption:
        row = connection.execute(
            self._sql("SELECT format, tier_list FROM {rows} WHERE adoption_id = ?"), [info.id]
        ).fetchone()
        if row is None:
            raise InputError(
                f"The adoption of “{info.name}” cannot be read: its tier list is missing."
            )
        ids, tiers, cents = rows_from_blob(row[1], int(row[0]), info)
        return Adoption(info, ids, tiers, cents)

    def _last_save(self, connection: Connection, name: str) -> LastSave | None:
        """Who saved `name` last, when, and its version (None: no such scenario)."""
        row = connection.execute(
            self._sql("SELECT author, saved_at, version FROM {table} WHERE name = ?"), [name]
        ).fetchone()
        return None if row is None else (row[0], _saved_at(name, row[1]), row[2])

    # -- the schema ---------------------------------------------------------------------------

    def _write_schema(
        self,
        connection: Connection,
        steps: Mapping[int, tuple[str, ...]],
        current: int,
        version_table: str,
    ) -> None:
        """Apply the schema steps after `current`, in order, and record the version reached.

        Steps are applied in order on open: a later version appends step 2 (ALTER TABLE ...),
        and a database at step 1 is brought up to date in one transaction.
        """
        latest = max(steps)
        for step in range(current + 1, latest + 1):
            for statement in steps[step]:
                connection.execute(statement)
        connection.execute(f"CREATE TABLE IF NOT EXISTS {version_table} (version integer NOT NULL)")
        connection.execute(f"DELETE FROM {version_table}")
        connection.execute(
            f"INSERT INTO {version_table} (version) VALUES ({self._param})", [latest]
        )


def now() -> datetime:
    """The time of a save or an adoption (UTC); the tests set the clock here."""
    return datetime.now(UTC)


def _adoption_info(row: tuple[Any, ...]) -> AdoptionInfo:
    adoption_id, name, text, version, adopted_by, stamp, accounts, revenue_cents = row
    if not isinstance(text, str):
        raise InputError(f'The adoption of "{name}" cannot be read: it is not JSON text.')
    return AdoptionInfo(
        int(adoption_id),
        str(name),
        _scenario_from_json(name, text),
        int(version),
        _stored_author(adopted_by),
        _saved_at(name, stamp),
        int(accounts),
        int(revenue_cents),
    )


def _saved(row: tuple[Any, ...]) -> SavedScenario:
    name, text, author, stamp, version = row
    if not isinstance(text, str):  # SQLite keeps what it was given: a BLOB, a number
        raise InputError(f'The saved scenario "{name}" cannot be read: it is not JSON text.')
    scenario = _scenario_from_json(name, text)
    return SavedScenario(
        name, scenario, _stored_author(author), _saved_at(name, stamp), int(version)
    )


def _saved_at(name: object, stamp: object) -> datetime:
    """A stored save time in UTC: PostgreSQL gives a datetime, SQLite the ISO text it was given
    (no time zone: UTC)."""
    if isinstance(stamp, datetime):
        saved_at = stamp
    else:
        try:
            saved_at = datetime.fromisoformat(stamp if isinstance(stamp, str) else "")
        except ValueError:
            raise InputError(
                f'The saved scenario "{name}" cannot be read: its save time is damaged.'
            ) from None
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    return saved_at.astimezone(UTC)
