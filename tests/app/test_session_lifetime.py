"""A browser session's data lives as long as the session: closed (memory and database folder)
once its browser is gone past the reconnect window; a killed server's folders are swept at the
next start (issue 13, finding 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.runtime.caching import clear_session_resource_cache
from streamlit.testing.v1 import AppTest

from lib import dataset as store_module
from lib.dataset import Dataset, Upload, sweep_stale_folders
from tests.app.conftest import APP, TIMEOUT, press
from tests.app.test_upload_page import GERMAN, upload, upload_page
from ui import internals, keys, session
from ui.session import Lease, SessionData
from ui.upload import PENDING

CSV = b"customer_id,annual_revenue\nA,10\nB,20\n"
APPTEST_SESSION = "test session id"  # streamlit/testing/v1/local_script_runner.py


class Clock:
    """Collects what SessionData schedules; the test decides when the time has come."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, action: Callable[[], None]) -> None:
        self.pending.append((delay, action))

    def run_all(self) -> None:
        pending, self.pending = self.pending, []
        for _, action in pending:
            action()


def folder_of(resource: Dataset | Upload) -> Path:
    return resource._discard.peek()[2][1]  # (self, _discard, (con, folder), {})


def test_a_session_gone_past_the_grace_has_its_upload_closed_and_its_folder_deleted() -> None:
    clock = Clock()
    gone: list[str] = []
    sessions = SessionData(clock, gone=gone.append)
    lease = sessions.arrived("s1")
    uploaded = Dataset.from_file(CSV, "mine.csv")
    pending = Upload.open(CSV, "next.csv")
    sessions.own("s1", uploaded)
    sessions.own("s1", pending)
    folders = [folder_of(uploaded), folder_of(pending)]
    assert all(folder.is_dir() for folder in folders)

    sessions.left(lease, grace=150.0)
    assert [delay for delay, _ in clock.pending] == [150.0]
    assert not uploaded.is_closed  # nothing happens before the grace is over
    clock.run_all()
    assert uploaded.is_closed
    assert not any(folder.exists() for folder in folders)
    assert sessions.sessions() == 0
    assert gone == ["s1"]  # Streamlit is asked to shut the session down (its uploaded bytes)


def test_a_session_that_reconnects_in_time_keeps_its_upload() -> None:
    clock = Clock()
    gone: list[str] = []
    sessions = SessionData(clock, gone=gone.append)
    first = sessions.arrived("s1")
    uploaded = Dataset.from_file(CSV, "mine.csv")
    sessions.own("s1", uploaded)
    sessions.left(first, grace=150.0)
    again = sessions.arrived("s1")  # the browser came back: its next run made a new lease
    clock.run_all()
    assert not uploaded.is_closed
    assert gone == []
    sessions.left(again, grace=150.0)  # ... and left for good
    clock.run_all()
    assert uploaded.is_closed


def test_what_a_session_let_go_of_is_not_kept_alive() -> None:
    sessions = SessionData(Clock())
    sessions.arrived("s1")
    sessions.own("s1", Dataset.from_file(CSV, "mine.csv"))  # replaced, dropped at once
    assert sessions.sessions() == 0


def test_a_closed_tab_releases_the_file_it_uploaded_and_the_one_it_was_mapping(
    navigation_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(session, "SESSIONS", SessionData(clock))
    # Every AppTest is the session "test session id": forget the lease an earlier test made.
    clear_session_resource_cache(APPTEST_SESSION)
    clock.pending.clear()
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    upload(upload_page(app), "kunden.csv", GERMAN)
    press(app, "Load")
    loaded = app.session_state[keys.UPLOADED_DATASET]
    upload(app, "next.csv", CSV)  # a second file, read and waiting for its mapping
    waiting = app.session_state[PENDING]
    folders = [folder_of(loaded), folder_of(waiting)]
    assert all(folder.is_dir() for folder in folders)
    # The browser disconnects: Streamlit releases the session's session-scoped lease.
    lease = Lease(APPTEST_SESSION, session.SESSIONS._generations[APPTEST_SESSION])
    session._release(lease)
    assert [delay for delay, _ in clock.pending] == [150.0]  # 120 s reconnect window x 1.25
    clock.run_all()
    assert loaded.is_closed
    assert not any(folder.exists() for folder in folders)
    app.switch_page("pages/tiers.py").run()  # a late run of that session: a sentence, no crash
    assert not app.exception, app.exception
    assert "Your upload was released" in app.info[0].value
    assert "customers.csv · 5,000 customers" in app.sidebar.caption[0].value


# --- a killed server's leftovers ---------------------------------------------------------------


def test_a_killed_servers_folders_are_swept_and_running_ones_are_not(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"{store_module.PROCESS_FOLDER_PREFIX}{int(dead.stdout)}"
    (stale / "tierboard-abc").mkdir(parents=True)
    (stale / "tierboard-abc" / "customers.duckdb").write_bytes(b"customer data")
    mine = store_module.process_folder(tmp_path)
    alive = tmp_path / f"{store_module.PROCESS_FOLDER_PREFIX}1"  # init: always running
    alive.mkdir()
    other = tmp_path / "tierboard-unrelated"
    other.mkdir()
    assert sweep_stale_folders(tmp_path) == [stale]
    assert not stale.exists()
    assert mine.is_dir() and alive.is_dir() and other.is_dir()


def test_every_database_lives_in_the_folder_of_its_process() -> None:
    uploaded = Dataset.from_file(CSV, "mine.csv")
    try:
        assert folder_of(uploaded).parent.name == f"tierboard-pid-{os.getpid()}"
    finally:
        uploaded.close()


def test_a_session_gone_for_good_is_shut_down_in_streamlit_and_its_files_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Streamlit keeps an expired session's uploaded bytes until it is shut down, which a
    session that expired while disconnected never is: ask for both."""
    calls: list[tuple[str, str]] = []

    class Files:
        def remove_session_files(self, session_id: str) -> None:
            calls.append(("files", session_id))

    class FakeRuntime:
        uploaded_file_mgr = Files()

        @staticmethod
        def exists() -> bool:
            return True

        @staticmethod
        def instance() -> FakeRuntime:
            return FakeRuntime()

        def clear_user_info_for_session(self, session_id: str) -> None:
            calls.append(("close", session_id))

    monkeypatch.setattr(internals, "Runtime", FakeRuntime)
    session._shut_down("s1")
    assert calls == [("close", "s1"), ("files", "s1")]
