"""The Scenarios page, headless: exports made for the view on screen; save, rename, delete."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import briefing
from tests.app.conftest import page, press
from ui import keys, scenarios


def _downloads(app: AppTest) -> list[str]:
    return [d.proto.label for d in app.get("download_button")]


def test_a_tier_list_is_prepared_for_the_view_on_screen_then_downloaded(app: AppTest) -> None:
    page(app, "scenarios")
    press(app, "Prepare the tier list (CSV)")
    assert _downloads(app) == ["Download the tier list (CSV)"]
    made = app.session_state[keys.PREPARED_FILES]["tiers.csv"][1]
    table = pd.read_csv(io.BytesIO(made))
    assert len(table) == 5000 and (table["tier"] == "Tier 1").sum() > 0
    # Another view: the file made for the last one is never offered for it.
    app.select_slider(key=keys.slider_key(0)).set_value(70_000.0).run()
    assert _downloads(app) == []
    assert "Prepare the tier list (CSV)" in [b.label for b in app.button]


def test_every_download_button_gets_bytes_and_does_not_rerun_the_page(app: AppTest) -> None:
    # A callable (deferred download) can lose its answer to a rerun in Streamlit 1.67; a click
    # that reruns the page can replace the file it opens.
    page(app, "scenarios")
    press(app, "Prepare the tier list (CSV)")
    press(app, "Prepare the tier list (XLSX)")
    press(app, "Prepare the meeting pack (HTML)")
    buttons = app.get("download_button")
    assert len(buttons) == 3
    for button in buttons:
        assert not button.proto.deferred_file_id, button.proto.label
        assert button.proto.ignore_rerun, button.proto.label


def _without_time(pack: bytes) -> bytes:
    return re.sub(rb"generated [0-9-]+ [0-9:]+ UTC", b"generated", pack)


def _pack(app: AppTest) -> bytes:
    return app.session_state[keys.PREPARED_FILES][scenarios.PACK_FILE_NAME][1]


def test_the_meeting_pack_carries_the_title_typed(app: AppTest) -> None:
    page(app, "scenarios")
    app.text_input(key=keys.PACK_TITLE).input("Board meeting, 3 December").run()
    press(app, "Prepare the meeting pack (HTML)")
    assert "<h1>Board meeting, 3 December</h1>" in _pack(app).decode()


def test_the_meeting_pack_is_made_when_pressed_not_on_every_move(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Made on every rerun it cost each slider move ~5 ms at any size (issue 15).
    made: list[tuple[tuple, bytes]] = []
    real = scenarios.pack_bytes

    def counted(*args: object) -> bytes:
        made.append((args, real(*args)))
        return made[-1][1]

    monkeypatch.setattr(scenarios, "pack_bytes", counted)
    page(app, "scenarios")
    for cut in (70_000.0, 80_000.0):
        app.select_slider(key=keys.slider_key(0)).set_value(cut).run()
    assert made == [] and _downloads(app) == []
    press(app, "Prepare the meeting pack (HTML)")
    assert len(made) == 1 and _downloads(app) == ["Download the meeting pack (HTML)"]
    (data, scenario, title), built = made[0]
    # The file offered is the pack of the view on screen, byte for byte.
    assert _pack(app) == built and built.startswith(b"<!DOCTYPE html>")
    assert scenario.cuts[0] == 80_000.0 and title == "Customer tiers"
    assert _without_time(built) == _without_time(briefing.pack_html(data, scenario, title).encode())
    assert app.get("download_button")[0].proto.url.endswith(".html")
    app.run()  # a rerun on the same view keeps the file, made once
    assert len(made) == 1 and _downloads(app) == ["Download the meeting pack (HTML)"]
    # Another view, or another title: the pack made for the last one is never offered.
    app.select_slider(key=keys.slider_key(0)).set_value(90_000.0).run()
    assert _downloads(app) == [] and len(made) == 1
    press(app, "Prepare the meeting pack (HTML)")
    app.text_input(key=keys.PACK_TITLE).input("Board").run()
    assert _downloads(app) == [] and len(made) == 2


# --- rename and delete (issue 18, defect 8) -------------------------------------------------------


def _save(app: AppTest, name: str) -> None:
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input(name).run()
    press(app, "Save scenario")


def _saved_names(app: AppTest) -> list[str]:
    return list(app.selectbox(key=keys.SAVED_PICK).options)


def test_deleting_closes_the_popover_says_so_and_can_be_undone(app: AppTest) -> None:
    _save(app, "First")
    _save(app, "Second")
    app.selectbox(key=keys.SAVED_PICK).set_value("Second").run()
    app.session_state[keys.DELETE_POPOVER] = True  # the person opens "Delete"
    app.run()
    assert any("Delete “Second”" in m.value for m in app.markdown)
    press(app, "Yes, delete it")
    assert [n.split(" — ")[0] for n in _saved_names(app)] == ["First"]
    # Closed: deleting "First" now takes opening the popover and a yes of its own.
    assert app.session_state[keys.DELETE_POPOVER] is False
    assert any("Deleted “Second”." in s.value for s in app.success)
    press(app, "Undo: restore “Second”")
    assert sorted(n.split(" — ")[0] for n in _saved_names(app)) == ["First", "Second"]
    assert any("Restored “Second”." in s.value for s in app.success)
    assert "Undo: restore “Second”" not in [b.label for b in app.button]


def test_yes_deletes_the_scenario_the_question_named(app: AppTest) -> None:
    _save(app, "Keep me")
    _save(app, "Drop me")
    app.selectbox(key=keys.SAVED_PICK).set_value("Drop me").run()
    yes = next(b for b in app.button if b.label == "Yes, delete it")
    app.selectbox(key=keys.SAVED_PICK).set_value("Keep me")  # picked again, not yet redrawn
    yes.click().run()
    assert [n.split(" — ")[0] for n in _saved_names(app)] == ["Keep me"]


def test_renaming_to_a_taken_name_keeps_the_popover_open_and_says_why(app: AppTest) -> None:
    _save(app, "Alpha")
    _save(app, "Beta")
    app.selectbox(key=keys.SAVED_PICK).set_value("Beta").run()
    app.text_input(key=keys.RENAME_TO).input("Alpha")  # typed, then clicked at once (a form)
    press(app, "Rename it")
    assert app.session_state[keys.RENAME_POPOVER] is True
    assert any("Alpha" in e.value and "already exists" in e.value for e in app.error), [
        e.value for e in app.error
    ]
    assert sorted(n.split(" — ")[0] for n in _saved_names(app)) == ["Alpha", "Beta"]


def test_a_renamed_scenario_stays_picked_and_compared(app: AppTest) -> None:
    _save(app, "Draft")
    app.multiselect(key=keys.COMPARE).set_value(["(on screen)", "Draft"]).run()
    app.text_input(key=keys.RENAME_TO).input("Final")
    press(app, "Rename it")
    assert app.multiselect(key=keys.COMPARE).value == ["(on screen)", "Final"]
    assert app.selectbox(key=keys.SAVED_PICK).value == "Final"
    assert app.session_state[keys.RENAME_POPOVER] is False
    assert any("Renamed “Draft” to “Final”." in s.value for s in app.success)
    assert any(m.value.startswith("**From") and "Final" in m.value for m in app.markdown)


def test_a_prepared_tier_list_survives_a_team_edit_it_does_not_depend_on(app: AppTest) -> None:
    page(app, "scenarios")
    press(app, "Prepare the tier list (CSV)")
    app.session_state[keys.csms_key(0)] = 12.0  # the team changes the plan, not the tier list
    app.run()
    assert "Download the tier list (CSV)" in _downloads(app)
