"""The Upload page in Chromium against a real server: hostile files cost one sentence, never
the server (issue 13, finding 1)."""

from __future__ import annotations

import urllib.request

import pytest

from tests.e2e.conftest import WAIT_MS, screenshot, start_app, stop_app
from tests.fixtures import fuzz

UPLOADER = '[data-testid="stFileUploader"] input[type=file]'


@pytest.fixture(scope="module")
def own_app():
    """A server of this module's own: if a file kills it, no other test is blamed."""
    url, server = start_app()
    yield url, server
    stop_app(server)


def _alive(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        return response.status == 200


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param((
            "far.xlsx",
            fuzz.raw_xlsx({"A1": "customer_id", "B1": "annual_revenue", "A2": "C-1", "B2": "10",
                           "XFD1048576": "1"}),
            "has something in column XFD"),
            id="cell_at_XFD1048576",
        ),
        pytest.param((
            "unreferenced.xlsx",
            fuzz.unreferenced_far_workbook(),
            "needs more memory or time to read"),
            id="far_cells_without_references",
        ),
    ],
)  # fmt: skip
def test_a_hostile_workbook_costs_one_sentence_and_the_server_keeps_serving(
    own_app, new_tab, tmp_path, hostile
):
    name, data, sentence = hostile
    url, server = own_app
    path = tmp_path / name
    path.write_bytes(data)
    tab = new_tab()
    tab.goto(url + "/upload")
    tab.locator(UPLOADER).set_input_files(str(path))
    alert = tab.get_by_role("alert").filter(has_text=sentence)
    alert.wait_for(timeout=WAIT_MS)
    text = alert.inner_text()
    assert "Traceback" not in text and "/tmp" not in text, text
    assert tab.locator('[data-testid="stException"]').count() == 0
    screenshot(tab, f"upload-hostile-{name}")
    assert server.poll() is None and _alive(url)
    # The same session goes on: a good file uploads and loads.
    good = tmp_path / "good.csv"
    good.write_text("customer_id,annual_revenue\nC-1,1000\nC-2,250\n", encoding="utf-8")
    tab.locator(UPLOADER).set_input_files(str(good))
    load = tab.get_by_role("button", name="Load", exact=True)
    load.wait_for(timeout=WAIT_MS)
    load.click()
    tab.get_by_text("2 customers from 2 rows").wait_for(timeout=WAIT_MS)
    # And another person's session is served too.
    other = new_tab()
    other.goto(url)
    other.locator('[data-tier="1"][data-figure="customers"]').first.wait_for(timeout=WAIT_MS)
