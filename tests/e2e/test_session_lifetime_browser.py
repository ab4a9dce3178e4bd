"""In a real server: a closed tab's upload leaves no database behind, and a killed server's
databases are swept when the next one starts (issue 13, finding 10)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import WAIT_MS, start_app, stop_app

CSV = "customer_id,annual_revenue\nA1,100\nA2,250\nA3,75\n"


def databases(tmp: Path, pid: int) -> list[Path]:
    """The database folders the server process `pid` has open under `tmp`."""
    return sorted((tmp / f"tierboard-pid-{pid}").glob("tierboard-*"))


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll for something the server does on its own time (after a disconnect)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_closed_tab_leaves_no_database_and_a_killed_servers_are_swept(
    browser: object, tmp_path: Path
) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tb-tmp-", dir=tmp_path))
    env = {"TMPDIR": str(tmp), "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "0"}
    url, server = start_app(env)
    try:
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(url)
        tab.locator('[data-tier="1"][data-figure="customers"]').wait_for(timeout=WAIT_MS)
        shared = databases(tmp, server.pid)  # the bundled sample, shared by every session
        path = tmp_path / "mine.csv"
        path.write_text(CSV, encoding="utf-8")
        tab.goto(url + "/upload")
        tab.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
        tab.get_by_role("button", name="Load", exact=True).click()
        tab.get_by_text("3 customers from 3 rows; 0 rows rejected.").wait_for(timeout=WAIT_MS)
        assert len(databases(tmp, server.pid)) > len(shared)
        context.close()  # the tab is gone: its websocket closes
        assert wait_until(lambda: databases(tmp, server.pid) == shared), databases(tmp, server.pid)
        killed = server.pid
    finally:
        server.kill()
        server.wait(timeout=30)
    assert databases(tmp, killed)  # a killed server cleans nothing up
    url, server = start_app(env)
    try:
        assert not (tmp / f"tierboard-pid-{killed}").exists()
    finally:
        stop_app(server)
