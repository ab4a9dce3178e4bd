"""A PostgreSQL source that fails while it is read (a view dividing by zero, text that is not
UTF-8) is one sentence and the bundled sample, never a traceback on every page (issue 13, #8)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from lib.errors import InputError
from lib.sources import LiveSource, Source
from tests.app.conftest import APP, TIMEOUT, navigation_only  # noqa: F401 -- a fixture
from tests.app.test_tiers_page import metrics
from tests.integration.conftest import PostgresServer


def sql_ascii_database(server: PostgresServer) -> str:
    """A database that stores any bytes as text (SQL_ASCII), as some old CRMs' do."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server.admin_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute(
            f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0 "
            "LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    return server.url(name)


@pytest.fixture
def dividing_view(postgres_server: PostgresServer, postgres_url: str) -> str:
    postgres_server.execute(
        postgres_url,
        "CREATE TABLE accounts (account_id text, arr numeric)",
        "INSERT INTO accounts VALUES ('a', 100), ('b', 0)",
        "CREATE VIEW per_unit AS SELECT account_id, 1 / arr AS arr FROM accounts",
    )
    return postgres_url


@pytest.fixture
def latin1_bytes(postgres_server: PostgresServer) -> str:
    url = sql_ascii_database(postgres_server)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SET client_encoding TO SQL_ASCII")
        connection.execute("CREATE TABLE accounts (account_id text, arr numeric)")
        connection.execute(b"INSERT INTO accounts VALUES ('caf\xe9', 1), ('b', 2)")
    return url


def test_a_view_that_divides_by_zero_is_one_sentence_naming_the_view(dividing_view: str) -> None:
    with pytest.raises(InputError) as raised:
        Source("postgresql", dividing_view, ("per_unit",)).load()
    message = str(raised.value)
    assert message.startswith("Reading per_unit from the source database ")
    assert "(division by zero)" in message
    assert "\n" not in message


def test_text_that_is_not_utf8_is_one_sentence(latin1_bytes: str) -> None:
    with pytest.raises(InputError) as raised:
        Source("postgresql", latin1_bytes, ("accounts",)).load()
    assert "invalid byte sequence" in str(raised.value)


def test_a_failing_reload_keeps_the_data_in_use(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    postgres_server.execute(
        postgres_url,
        "CREATE TABLE accounts (account_id text, arr numeric)",
        "INSERT INTO accounts VALUES ('a', 100), ('b', 5)",
        "CREATE VIEW per_unit AS SELECT account_id, 100 / arr AS arr FROM accounts",
    )
    live = LiveSource(Source("postgresql", postgres_url, ("per_unit",)))
    first = live.dataset()
    postgres_server.execute(postgres_url, "INSERT INTO accounts VALUES ('c', 0)")
    with pytest.raises(InputError, match="division by zero"):
        live.reload()
    assert live.dataset() is first


@pytest.mark.usefixtures("navigation_only")
@pytest.mark.parametrize("broken", ["dividing_view", "latin1_bytes"])
def test_the_app_shows_the_sample_with_the_reason_when_the_source_fails(
    broken: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = request.getfixturevalue(broken)
    monkeypatch.setenv("TIERBOARD_SOURCE", url)
    monkeypatch.setenv(
        "TIERBOARD_SOURCE_TABLE", "per_unit" if broken == "dividing_view" else "accounts"
    )
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert "The configured data source could not be read" in at.error[0].value
    assert metrics(at)["Tier 1 customers"] == "299"  # the bundled sample


def fix_the_view(server: PostgresServer, url: str) -> None:
    server.execute(url, "CREATE OR REPLACE VIEW per_unit AS SELECT account_id, arr FROM accounts")


def test_a_failed_source_is_not_asked_again_on_every_page_view(
    postgres_server: PostgresServer, dividing_view: str
) -> None:
    live = LiveSource(Source("postgresql", dividing_view, ("per_unit",)))
    with pytest.raises(InputError) as first:
        live.dataset()
    fix_the_view(postgres_server, dividing_view)
    with pytest.raises(InputError) as again:
        live.dataset()  # every rerun of every session: the same answer, the database not asked
    assert again.value is first.value
    assert live.reload().report.customers == 2  # "Reload the data" asks at once


def test_a_failed_source_is_asked_again_once_the_pause_is_over(
    postgres_server: PostgresServer, dividing_view: str
) -> None:
    live = LiveSource(Source("postgresql", dividing_view, ("per_unit",)), check_every=0)
    with pytest.raises(InputError):
        live.dataset()
    fix_the_view(postgres_server, dividing_view)
    assert live.dataset().report.customers == 2
