"""PostgreSQL for a team: the shared scenario store under concurrency, customers read from a
table or view with the same figures as from the equivalent CSV, and clear, quick errors for a
bad URL or an unreachable server.

The store's full contract runs on PostgreSQL too, in tests/unit/test_scenarios.py (BACKENDS).
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from lib.config import load
from lib.dataset import Dataset
from lib.errors import InputError
from lib.ingest import RevenueBasis
from lib.sample import SAMPLE_PATH
from lib.scenario import Scenario
from lib.scenario_store import ScenarioConflict
from lib.scenario_store_pg import SCHEMA_VERSION, PostgresScenarioStore
from lib.scenario_store_sqlite import open_store
from lib.sources import LiveSource, Source, load_source
from tests.fixtures.datasets import assert_same_customers
from tests.fixtures.scenario_stores import save_in_another_process
from tests.integration.conftest import PostgresServer

# A generous bound for "gives up quickly": connect_timeout is 3 s; without it a server that
# accepts the connection but never answers would keep the app waiting for minutes.
QUICKLY = 10.0
DAY = timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# The scenario store.


def test_open_store_picks_postgres_when_configured(postgres_url, tmp_path):
    settings = load({"TIERBOARD_SCENARIO_STORE": postgres_url}, tmp_path)
    store = open_store(settings)
    assert isinstance(store, PostgresScenarioStore)
    store.save("Q3 plan", Scenario((55_000.0, 20_000.0)), author="ana@example.com")
    # Another app server (a new store on the same database) sees it, with who and when.
    other = PostgresScenarioStore(postgres_url)
    saved = other.get("Q3 plan")
    assert (saved.author, saved.version) == ("ana@example.com", 1)
    assert saved.scenario == Scenario((55_000.0, 20_000.0))


def test_the_schema_has_its_version_and_is_created_once(postgres_server, postgres_url):
    def open_one(_: int) -> PostgresScenarioStore:
        return PostgresScenarioStore(postgres_url)

    # Several app servers starting at once on an empty database: one migrates, none fails.
    with ThreadPoolExecutor(max_workers=4) as pool:
        stores = list(pool.map(open_one, range(4)))
    assert len(stores) == 4
    with psycopg.connect(postgres_url) as connection:
        versions = connection.execute("SELECT version FROM tierboard.schema_version").fetchall()
    assert versions == [(SCHEMA_VERSION,)]


def test_a_database_from_a_newer_tierboard_is_refused(postgres_server, postgres_url):
    PostgresScenarioStore(postgres_url)
    postgres_server.execute(
        postgres_url, f"UPDATE tierboard.schema_version SET version = {SCHEMA_VERSION + 1}"
    )
    with pytest.raises(InputError, match="newer tierboard"):
        PostgresScenarioStore(postgres_url)


def test_a_tierboard_schema_of_something_else_is_refused(postgres_server, postgres_url):
    postgres_server.execute(
        postgres_url, "CREATE SCHEMA tierboard", "CREATE TABLE tierboard.invoices (id int)"
    )
    with pytest.raises(InputError, match="holds something else"):
        PostgresScenarioStore(postgres_url)


def test_concurrent_edits_lose_no_update(postgres_url):
    """Each writer loads the scenario, adds one to it and saves over the version it loaded,
    retrying on a conflict: the end value counts every successful save."""
    store = PostgresScenarioStore(postgres_url)
    store.save("counter", Scenario((0.0,)))
    writers, increments = 4, 5

    def add_one(_: int) -> int:
        conflicts = 0
        for _ in range(increments):
            while True:
                loaded = store.get("counter")
                try:
                    store.save(
                        "counter",
                        Scenario((loaded.scenario.cuts[0] + 1,)),
                        expected_version=loaded.version,
                    )
                    break
                except ScenarioConflict:
                    conflicts += 1
        return conflicts

    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(add_one, range(writers)))
    final = store.get("counter")
    assert final.scenario.cuts == (float(writers * increments),)
    assert final.version == writers * increments + 1


@pytest.mark.parametrize("expected_version", [None, 1])
def test_two_processes_saving_at_once_have_exactly_one_winner(postgres_url, expected_version):
    store = PostgresScenarioStore(postgres_url)
    if expected_version is not None:
        store.save("Q3 plan", Scenario((5.0,)))
    context = multiprocessing.get_context("spawn")
    start, outcomes = context.Barrier(2), context.Queue()
    workers = [
        context.Process(
            target=save_in_another_process,
            kwargs={
                "url": postgres_url,
                "name": "Q3 plan",
                "author": f"user {i}",
                "expected_version": expected_version,
                "start": start,
                "outcomes": outcomes,
            },
        )
        for i in range(2)
    ]
    for worker in workers:
        worker.start()
    results = sorted(outcomes.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert results == ["conflict", "won"]
    assert store.get("Q3 plan").version == (expected_version or 0) + 1


# ---------------------------------------------------------------------------------------------
# Customers from a table or view.

SAMPLE_COLUMNS = SAMPLE_PATH.read_text(encoding="utf-8").splitlines()[0].split(",")


def copy_csv_into(url: str, table: str, path: Path) -> None:
    statement = f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
    with (
        psycopg.connect(url, autocommit=True) as connection,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        copy.write(path.read_bytes())


def test_a_table_of_text_gives_the_same_customers_as_the_csv(postgres_server, postgres_url):
    columns = ", ".join(f'"{name}" text' for name in SAMPLE_COLUMNS)
    postgres_server.execute(postgres_url, f"CREATE TABLE customers ({columns})")
    copy_csv_into(postgres_url, "customers", SAMPLE_PATH)
    dataset = Source("postgresql", postgres_url, ("public", "customers")).load()
    expected = Dataset.from_file(SAMPLE_PATH)
    assert_same_customers(dataset, expected)
    assert dataset.report.customers == 5000
    assert "customers in t_" in dataset.report.source


def test_a_typed_view_in_its_own_schema_gives_the_same_customers(postgres_server, postgres_url):
    """Numbers as numeric, dates as date, a quoted mixed-case schema and view name."""
    columns = ", ".join(f'"{name}" text' for name in SAMPLE_COLUMNS)
    numbers = {"annual_revenue", "nps", "health_score", "expansion_potential", "cost_to_serve"}
    dates = {"renewal_date", "customer_since"}

    def typed(name: str) -> str:
        kind = "numeric" if name in numbers else "date" if name in dates else None
        return f'NULLIF("{name}", \'\')::{kind} AS "{name}"' if kind else f'"{name}"'

    postgres_server.execute(
        postgres_url,
        f"CREATE TABLE staging ({columns})",
        'CREATE SCHEMA "Sales"',
        f'CREATE VIEW "Sales"."Accounts 2026" AS SELECT '
        f"{', '.join(typed(name) for name in SAMPLE_COLUMNS)} FROM staging",
    )
    copy_csv_into(postgres_url, "staging", SAMPLE_PATH)
    settings = load(
        {"TIERBOARD_SOURCE": postgres_url, "TIERBOARD_SOURCE_TABLE": '"Sales"."Accounts 2026"'},
        Path.cwd(),
    )
    dataset = load_source(settings)
    assert_same_customers(dataset, Dataset.from_file(SAMPLE_PATH))


def test_transactions_in_a_table_are_summed_over_12_months_as_from_csv(
    postgres_server, postgres_url, tmp_path
):
    # 300 invoice lines of 40 customers, every third day over two and a half years.
    lines = [
        (f"C{n % 40}", round(10 + (n * 37 % 500) + n / 100, 2), date(2024, 1, 1) + n * 3 * DAY)
        for n in range(300)
    ]
    path = tmp_path / "invoices.csv"
    path.write_text(
        "customer,amount,invoice_date\n"
        + "".join(f"{c},{a},{d.isoformat()}\n" for c, a, d in lines),
        encoding="utf-8",
    )
    postgres_server.execute(
        postgres_url,
        "CREATE TABLE invoices (customer text, amount numeric(12, 2), invoice_date date)",
    )
    copy_csv_into(postgres_url, "invoices", path)
    mapping = {"customer_id": "customer", "annual_revenue": "amount", "date": "invoice_date"}
    basis = RevenueBasis("transactions")
    source = Source("postgresql", postgres_url, ("invoices",), tuple(mapping.items()), basis)
    dataset = source.load()
    expected = Dataset.from_file(path, mapping=mapping, basis=basis)
    assert_same_customers(dataset, expected)
    assert dataset.report.rows_outside_window > 0  # the window really cut some lines
    assert dataset.has("order_count")
    latest = max(d for _, _, d in lines)
    assert dataset.report.basis.as_of == latest


def test_reload_picks_up_new_rows(postgres_server, postgres_url):
    postgres_server.execute(
        postgres_url,
        "CREATE TABLE accounts (account_id text, arr numeric)",
        "INSERT INTO accounts VALUES ('a', 100), ('b', 200)",
    )
    live = LiveSource(Source("postgresql", postgres_url, ("accounts",)))
    first = live.dataset()
    assert first.report.customers == 2
    postgres_server.execute(postgres_url, "INSERT INTO accounts VALUES ('c', 300)")
    assert live.dataset() is first  # a table cannot tell it changed: reload on request
    assert live.reload().report.customers == 3


def test_values_with_commas_quotes_line_breaks_and_nulls_arrive_intact(
    postgres_server, postgres_url
):
    postgres_server.execute(
        postgres_url,
        "CREATE TABLE accounts (account_id text, account_name text, arr double precision)",
        "INSERT INTO accounts VALUES ('a', 'Acme, Inc.', 1.5), ('b', 'The \"B\" Co', 2.25), "
        "('c', E'Line\\nbreak', 3), ('d', NULL, 4), (NULL, 'no id', 5), ('e', '', NULL)",
    )
    dataset = Source("postgresql", postgres_url, ("accounts",)).load()
    frame = dataset.tier_list([1.0]).set_index("customer_id")
    assert frame.loc["a", "customer_name"] == "Acme, Inc."
    assert frame.loc["b", "customer_name"] == 'The "B" Co'
    assert frame.loc["c", "customer_name"] == "Line\nbreak"
    assert frame["annual_revenue"].sum() == 1.5 + 2.25 + 3 + 4
    assert dataset.report.rejected == {"customer id is empty": 1, "revenue is empty": 1}


# ---------------------------------------------------------------------------------------------
# Errors a person can fix: clear, quick, and without the password.


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


def attempts(url: str) -> list:
    return [
        lambda: PostgresScenarioStore(url),
        lambda: Source("postgresql", url, ("customers",)).load(),
    ]


@pytest.mark.parametrize("what", ["dataset", "source"])
def test_an_unreachable_database_is_a_clear_quick_error(what):
    url = f"postgresql://ana:hunter2-secret@127.0.0.1:{closed_port()}/tierboard"
    started = time.monotonic()
    with pytest.raises(InputError) as raised:
        attempts(url)[what == "source"]()
    assert time.monotonic() - started < QUICKLY
    message = str(raised.value)
    assert "cannot be reached" in message
    assert "Connection refused" in message
    assert "tierboard on 127.0.0.1" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("what", ["dataset", "source"])
def test_a_server_that_never_answers_times_out(silent_server, what):
    url = f"postgresql://ana:hunter2-secret@127.0.0.1:{silent_server}/tierboard"
    started = time.monotonic()
    with pytest.raises(InputError) as raised:
        attempts(url)[what == "source"]()
    assert time.monotonic() - started < QUICKLY
    assert "timeout" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def counted_connects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the dataset's connection attempts (each still made)."""
    calls: list[int] = []
    connect = psycopg.connect

    def counting(*args, **kwargs):
        calls.append(1)
        return connect(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", counting)
    return calls


def test_a_database_that_timed_out_is_not_waited_for_again_at_once(silent_server, monkeypatch):
    """A page makes several dataset calls, every rerun anew: each waited the whole timeout."""
    calls = counted_connects(monkeypatch)
    url = f"postgresql://ana:hunter2-secret@127.0.0.1:{silent_server}/tierboard"
    with pytest.raises(InputError) as first:
        PostgresScenarioStore(url)
    started = time.monotonic()
    with pytest.raises(InputError) as again:
        PostgresScenarioStore(url)
    assert time.monotonic() - started < 0.5
    assert calls == [1]
    assert str(again.value) == str(first.value)
    assert "hunter2" not in str(again.value)


def test_a_database_is_tried_again_once_the_pause_is_over(monkeypatch):
    monkeypatch.setattr("lib.scenario_store_pg.RETRY_AFTER", 0.0)
    calls = counted_connects(monkeypatch)
    url = f"postgresql://ana:hunter2-secret@127.0.0.1:{closed_port()}/tierboard"
    for _ in range(2):
        with pytest.raises(InputError):
            PostgresScenarioStore(url)
    assert calls == [1, 1]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ana:hunter2@127.0.0.1:5432/db?sslmode=sometimes",
        "postgresql://ana:hunter2@127.0.0.1:5432/db?bogus_option=1",
    ],
)
def test_a_bad_url_is_a_clear_error_without_the_password(url):
    for attempt in attempts(url):
        with pytest.raises(InputError) as raised:
            attempt()
        assert "hunter2" not in str(raised.value)
        assert "PostgreSQL" in str(raised.value) or "cannot be" in str(raised.value)


def test_a_missing_database_or_table_says_which(postgres_server: PostgresServer, postgres_url):
    with pytest.raises(InputError) as raised:
        PostgresScenarioStore(postgres_server.url("no_such_db"))
    assert 'database "no_such_db" does not exist' in str(raised.value)
    with pytest.raises(InputError) as raised:
        Source("postgresql", postgres_url, ("sales", "customers")).load()
    assert str(raised.value).startswith("There is no table or view sales.customers in ")


def test_an_empty_table_loads_nothing_and_says_so(postgres_server, postgres_url):
    postgres_server.execute(postgres_url, "CREATE TABLE accounts (account_id text, arr numeric)")
    with pytest.raises(InputError, match="has no rows"):
        Source("postgresql", postgres_url, ("accounts",)).load()


def test_the_app_keeps_working_on_uploads_when_the_source_is_down(tmp_path):
    """A dead source raises InputError; loading a file afterwards works as ever."""
    url = f"postgresql://ana@127.0.0.1:{closed_port()}/crm"
    live = LiveSource(Source("postgresql", url, ("customers",)))
    with pytest.raises(InputError):
        live.dataset()
    assert Dataset.from_file(SAMPLE_PATH).report.customers == 5000


def test_a_save_blocked_by_another_too_long_says_busy(postgres_url):
    dataset = PostgresScenarioStore(postgres_url, lock_timeout=0.2)
    dataset.save("Q3 plan", Scenario((10.0,)))
    with psycopg.connect(postgres_url) as holder:  # a transaction holding the row's lock
        holder.execute("SELECT * FROM tierboard.scenarios WHERE name = 'Q3 plan' FOR UPDATE")
        with pytest.raises(InputError) as raised:
            dataset.save("Q3 plan", Scenario((20.0,)), expected_version=1)
    assert "is busy (another save is under way); try again" in str(raised.value)
    assert dataset.save("Q3 plan", Scenario((20.0,)), expected_version=1).version == 2


def test_a_thread_per_session_can_read_the_store_at_once(postgres_url):
    dataset = PostgresScenarioStore(postgres_url)
    dataset.save("shared", Scenario((10.0,)))
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(5):
                assert dataset.get("shared").version == 1
                assert [item.name for item in dataset.list()] == ["shared"]
        except BaseException as error:  # collected: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
