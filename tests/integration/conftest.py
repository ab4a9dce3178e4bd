"""A throwaway PostgreSQL server for the tests that need one.

The session fixture `postgres_server` uses the server `.ci/run` started (its admin URL in
TIERBOARD_TEST_POSTGRES_URL), or starts its own with initdb / pg_ctl in a temporary folder on a
free loopback port, and stops it at the end. Each test then asks for a database of its own
(`new_database()`), so tests never see each other's scenarios or tables.

Without PostgreSQL binaries the tests skip, saying why, except where CI or
TIERBOARD_REQUIRE_POSTGRES is set: there a missing server must fail, not silently skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

EXTERNAL_ENV = "TIERBOARD_TEST_POSTGRES_URL"
REQUIRE_ENVS = ("CI", "TIERBOARD_REQUIRE_POSTGRES")
SUPERUSER = "tierboard"
START_TIMEOUT = 60  # seconds for pg_ctl to see the server accept connections


@dataclass
class PostgresServer:
    """A running server: its admin URL, and where its files are when we started it."""

    admin_url: str  # a database to run CREATE DATABASE from, as a superuser
    folder: Path | None = None  # None: started by someone else (.ci/run), not ours to stop
    run_as: int | None = None  # the uid our server runs as (PostgreSQL refuses root)
    binaries: Path | None = None

    def url(self, database: str) -> str:
        """The admin URL, for another database on the same server."""
        return urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{database}"))

    def new_database(self) -> str:
        """A fresh, empty database of the test's own; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def execute(self, url: str, *statements: str) -> None:
        """Run SQL statements (setting up tables) in the database at `url`."""
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
            for statement in statements:
                connection.execute(statement)


def required() -> bool:
    return any(os.environ.get(name, "").strip() for name in REQUIRE_ENVS)


def unavailable(reason: str) -> None:
    """Skip with `reason` on a developer's machine; fail where PostgreSQL is required."""
    if required():
        pytest.fail(f"{reason} ({' or '.join(REQUIRE_ENVS)} is set, so this cannot skip).")
    pytest.skip(reason)


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH, /usr/local/bin, or Debian's newest."""
    found = shutil.which("initdb")
    candidates = [Path(found).parent] if found else []
    candidates.append(Path("/usr/local/bin"))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> int | None:
    """PostgreSQL will not run as root: as root, run it as `postgres` (else `nobody`)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_uid
    return None


def _run(server: PostgresServer, *args: str) -> None:
    assert server.binaries is not None and server.folder is not None
    command = [str(server.binaries / args[0]), *args[1:]]
    user = server.run_as
    group = pwd.getpwuid(user).pw_gid if user is not None else None
    finished = subprocess.run(
        command,
        capture_output=True,
        text=True,
        user=user,
        group=group,
        extra_groups=[] if user is not None else None,
        env={**os.environ, "LC_ALL": "C"},
        cwd=server.folder,
        timeout=START_TIMEOUT + 30,
        check=False,
    )
    if finished.returncode != 0:
        log = server.folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        pytest.fail(f"{' '.join(args[:1])} failed: {finished.stderr or finished.stdout}\n{detail}")


def start_server(binaries: Path) -> PostgresServer:
    folder = Path(tempfile.mkdtemp(prefix="tierboard-pg-"))
    port = free_port()
    admin_url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
    server = PostgresServer(admin_url, folder, _server_user(), binaries)
    if server.run_as is not None:
        os.chown(folder, server.run_as, pwd.getpwuid(server.run_as).pw_gid)
    data = str(folder / "data")
    _run(server, "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8")
    # Durability is worthless for a throwaway server: fsync off makes CREATE DATABASE fast.
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    _run(server, "pg_ctl", "-D", data, "-l", str(folder / "server.log"), "-w", "-t",
         str(START_TIMEOUT), "-o", options, "start")  # fmt: skip
    return server


def stop_server(server: PostgresServer) -> None:
    if server.folder is None:
        return
    with contextlib.suppress(BaseException):  # a failed stop must not hide the tests' outcome
        _run(server, "pg_ctl", "-D", str(server.folder / "data"), "-m", "immediate", "-w", "stop")
    shutil.rmtree(server.folder, ignore_errors=True)


class _Shared:
    """One server per test process, however many fixture registrations ask for it (the scenario
    store's contract tests in tests/unit import the fixture too): started on first use, stopped
    when the last user's session ends."""

    server: PostgresServer | None = None
    users = 0
    pinned = False  # shared_server() holds it until the run ends


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    if _Shared.server is None:
        external = os.environ.get(EXTERNAL_ENV, "").strip()
        if external:
            _Shared.server = PostgresServer(external)
        else:
            binaries = find_binaries()
            if binaries is None:
                unavailable(
                    "PostgreSQL is not installed (no initdb / pg_ctl on PATH, in /usr/local/bin "
                    "or /usr/lib/postgresql/*/bin): apt-get install postgresql"
                )
            assert binaries is not None
            _Shared.server = start_server(binaries)
    server = _Shared.server
    _Shared.users += 1
    try:
        yield server
    finally:
        _Shared.users -= 1
        if _Shared.users == 0:
            stop_server(server)
            _Shared.server = None


def shared_server(config: pytest.Config) -> PostgresServer:
    """The process's server for code that is not a fixture (tests/unit's store contract):
    started on first use, stopped when the test run ends."""
    if not _Shared.pinned:
        held = running_server()
        server = held.__enter__()
        config.add_cleanup(lambda: held.__exit__(None, None, None))
        _Shared.pinned = True
        return server
    assert _Shared.server is not None
    return _Shared.server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server (skips, or fails in CI, without the binaries)."""
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a fresh database of this test's own."""
    return postgres_server.new_database()


# The run's one SparkSession (Spark local), for the tests marked `spark`.
from tests.integration.spark_session import spark_session  # noqa: E402, F401
