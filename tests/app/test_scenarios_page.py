"""The Scenarios page, headless: exports made for the view on screen; save, rename, delete."""

from __future__ import annotations

import io

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.conftest import page, press
from ui import scenarios


def _downloads(app: AppTest) -> list[str]:
    return [d.proto.label for d in app.get("download_button")]


def test_a_tier_list_is_prepared_for_the_view_on_screen_then_downloaded(app: AppTest) -> None:
    page(app, "scenarios")
    press(app, "Prepare the tier list (CSV)")
    assert _downloads(app) == ["Download the tier list (CSV)", "Meeting pack (HTML)"]
    made = app.session_state[scenarios.PREPARED]["tiers.csv"][1]
    table = pd.read_csv(io.BytesIO(made))
    assert len(table) == 5000 and (table["tier"] == "Tier 1").sum() > 0
    # Another view: the file made for the last one is never offered for it.
    app.select_slider(key="tb_cut_slider_0").set_value(70_000.0).run()
    assert _downloads(app) == ["Meeting pack (HTML)"]
    assert "Prepare the tier list (CSV)" in [b.label for b in app.button]


def test_every_download_button_gets_bytes_and_does_not_rerun_the_page(app: AppTest) -> None:
    # A callable (deferred download) can lose its answer to a rerun in Streamlit 1.67; a click
    # that reruns the page can replace the file it opens.
    page(app, "scenarios")
    press(app, "Prepare the tier list (CSV)")
    press(app, "Prepare the tier list (XLSX)")
    buttons = app.get("download_button")
    assert len(buttons) == 3
    for button in buttons:
        assert not button.proto.deferred_file_id, button.proto.label
        assert button.proto.ignore_rerun, button.proto.label


def test_the_meeting_pack_carries_the_title_typed(app: AppTest) -> None:
    page(app, "scenarios")
    app.text_input(key=scenarios.PACK_TITLE).input("Board meeting, 3 December").run()
    pack = app.session_state[scenarios.PACK][1].decode()
    assert "<h1>Board meeting, 3 December</h1>" in pack
