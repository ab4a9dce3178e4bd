"""Deciding together, headless: share links, saved scenarios, who moves, explanations, exports."""

from __future__ import annotations

from html import unescape

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.migration import normalize_tier
from lib.sample import SAMPLE_PATH
from tests.app.conftest import APP, TIMEOUT, movers_grid, page, press
from tests.app.test_tiers_page import assert_cards, cut_sliders, metrics
from ui import changes, keys

SAMPLE = pd.read_csv(SAMPLE_PATH)
REVENUE = SAMPLE["annual_revenue"]


def opened(navigation_only: None, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


# --- share links ---------------------------------------------------------------------------------


def test_a_link_opens_its_cut_offs_and_figures(navigation_only: None) -> None:
    at = opened(navigation_only, {"cuts": "100000,30000"})
    assert cut_sliders(at) == [100_000, 30_000]
    assert_cards(at, REVENUE, [100_000, 30_000])
    assert "Opened the shared view" in at.info[0].value


def test_a_link_opens_a_score_view_of_a_slice_with_its_weights(navigation_only: None) -> None:
    link = {"cuts": "80,60", "by": "score", "w": "annual_revenue:100", "slice": "region:EMEA"}
    at = opened(navigation_only, link)
    assert cut_sliders(at) == [80, 60]
    assert at.slider(key=keys.weight_key("annual_revenue")).value == 100
    assert at.multiselect(key=keys.slice_key("region")).value == ["EMEA"]
    assert any("Slice: Region: EMEA" in box.value for box in at.info)


def test_the_address_bar_follows_every_change(app: AppTest) -> None:
    assert app.query_params["cuts"] == "55000,20000"
    app.select_slider(key=keys.slider_key(0)).set_value(70_000.0).run()
    assert app.query_params["cuts"] == "70000,20000"
    app.radio(key=keys.TIERS).set_value(4).run()
    assert len(app.query_params["cuts"].split(",")) == 3


def test_a_link_round_trips_into_a_fresh_session(app: AppTest, navigation_only: None) -> None:
    app.select_slider(key=keys.slider_key(1)).set_value(12_000.0).run()
    app.number_input(key=keys.csms_key(0)).set_value(7.0).run()
    link = dict(app.query_params)
    fresh = opened(navigation_only, link)
    assert cut_sliders(fresh) == cut_sliders(app)
    assert metrics(fresh) == metrics(app)
    assert fresh.number_input(key=keys.csms_key(0)).value == 7.0


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ({"cuts": "abc"}, "not numbers"),
        ({"cuts": "50000", "by": "magic"}, "magic"),
        ({"cuts": "50000", "plan": "not-a-plan"}, "plan"),
    ],
)
def test_a_bad_link_says_why_and_leaves_a_usable_page(navigation_only, link, says) -> None:
    at = opened(navigation_only, link)
    assert "This link could not be opened" in at.error[0].value
    assert says in at.error[0].value
    assert cut_sliders(at) == [55_000, 20_000]
    assert "Tier 1 customers" in metrics(at)


NOBODY = {"cuts": "55000,20000", "slice": "segment:SMB;csm_owner:Grace Kim"}  # no SMB in her book


@pytest.mark.parametrize("name", ["tiers", "plan", "changes"])
def test_a_slice_nobody_matches_says_so_and_clears_in_one_click(
    navigation_only: None, name: str
) -> None:
    at = page(opened(navigation_only, NOBODY), name)
    assert "No customer matches this slice" in at.warning[0].value
    assert not metrics(at)  # no zeros, no empty charts
    # The link still holds the view (in its canonical order: it is written on this run too).
    assert set(at.query_params["slice"].split(";")) == set(NOBODY["slice"].split(";"))
    press(at, "Clear the slice")
    assert not at.warning
    assert at.multiselect(key=keys.slice_key("segment")).value == []
    assert "slice" not in at.query_params
    if name == "tiers":
        assert_cards(at, REVENUE, [55_000, 20_000])


def test_a_link_made_on_other_data_warns(navigation_only: None) -> None:
    at = opened(navigation_only, {"cuts": "100000,30000", "data": "0123456789ab"})
    assert "made on other data" in at.warning[0].value
    assert cut_sliders(at) == [100_000, 30_000]


# --- saved scenarios -----------------------------------------------------------------------------


def save(app: AppTest, name: str, overwrite: bool = False) -> AppTest:
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input(name)
    app.checkbox(key=keys.SAVE_OVERWRITE).set_value(overwrite)
    app.run()
    return press(app, "Save scenario")


def test_a_saved_scenario_survives_a_restart_with_identical_figures(
    app: AppTest, navigation_only: None
) -> None:
    app.select_slider(key=keys.slider_key(0)).set_value(90_000.0).run()
    app.radio(key=keys.BY).set_value("revenue").run()
    before = metrics(app)
    save(app, "Q3 proposal")
    assert "Saved “Q3 proposal” (version 1)." in app.success[0].value
    restarted = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()  # a new session
    assert cut_sliders(restarted) == [55_000, 20_000]
    page(restarted, "scenarios")
    restarted.selectbox(key=keys.SAVED_PICK).set_value("Q3 proposal").run()
    press(restarted, "Open")
    assert cut_sliders(restarted) == [90_000, 20_000]
    assert metrics(page(restarted, "tiers")) == before


def test_saving_a_taken_name_is_a_conflict_unless_replaced(app: AppTest) -> None:
    save(app, "Board deck")
    app.select_slider(key=keys.slider_key(0)).set_value(80_000.0).run()
    save(app, "Board deck")
    assert "Tick “Replace”" in app.error[0].value
    save(app, "Board deck", overwrite=True)
    assert "(version 2)" in app.success[0].value


def test_two_scenarios_compare_side_by_side(app: AppTest) -> None:
    save(app, "Tight")
    app.select_slider(key=keys.slider_key(0)).set_value(120_000.0).run()
    page(app, "scenarios")
    app.multiselect(key=keys.COMPARE).set_value(["(on screen)", "Tight"]).run()
    table = next(b.proto.body for b in app.get("html") if "Set-up" in b.proto.body)
    assert "cut-offs $120K / $20K" in unescape(table)
    assert "cut-offs $55K / $20K" in unescape(table)
    tier_1 = (REVENUE >= 120_000).sum()
    assert f"{tier_1:,} (" in table


# --- who moves and why ---------------------------------------------------------------------------


def test_the_migration_matches_a_plain_count_against_current_tier(app: AppTest) -> None:
    page(app, "changes")
    new = np.where(REVENUE >= 55_000, "Tier 1", np.where(REVENUE >= 20_000, "Tier 2", "Tier 3"))
    old = SAMPLE["current_tier"].map(normalize_tier).to_numpy()
    rank = {"Tier 1": 1, "Tier 2": 2, "Tier 3": 3}
    up = np.array([rank[n] < rank[o] for n, o in zip(new, old, strict=True)])
    headline = app.markdown[0].value
    assert headline.startswith(f"### {up.sum()} accounts")
    movers = movers_grid(app)
    assert len(movers) == min(500, int((new != old).sum()))
    assert set(movers["direction"]) <= {"up", "down"}


def test_the_movers_file_is_written_only_when_asked_and_lists_every_mover(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []
    monkeypatch.setattr(
        changes, "to_csv_bytes", lambda frame: written.append(frame) or b"customer_id\n"
    )
    page(app, "changes")
    app.select_slider(key=keys.slider_key(0)).set_value(60_000.0).run()  # a slider move: no file
    assert written == [] and app.get("download_button") == []
    new = np.where(REVENUE >= 60_000, "Tier 1", np.where(REVENUE >= 20_000, "Tier 2", "Tier 3"))
    moved = int((new != SAMPLE["current_tier"].map(normalize_tier).to_numpy()).sum())
    press(app, f"Prepare the {moved:,} movers (CSV)")
    assert len(written) == 1 and len(written[0]) == moved
    assert [d.proto.label for d in app.get("download_button")] == [
        f"Download the {moved:,} movers (CSV)"
    ]
    app.run()  # a rerun on the same view offers the same file, without writing it again
    assert len(written) == 1 and len(app.get("download_button")) == 1


def test_finding_a_customer_explains_its_placement(app: AppTest) -> None:
    page(app, "changes")
    whale = SAMPLE.loc[REVENUE.idxmax()]
    app.text_input(key=keys.EXPLAIN_QUERY).input(whale["customer_id"]).run()
    assert not app.exception
    text = " ".join(md.value for md in app.markdown)
    assert f"**{whale['customer_id']}**" in text
    assert "is in **Tier 1**" in text and "rank 1 of 5,000" in text
    assert "Already in the top tier." in text


def test_near_boundary_accounts_are_counted(app: AppTest) -> None:
    page(app, "changes")
    app.slider(key=keys.NEAR_WITHIN).set_value(5).run()
    near = ((REVENUE - 55_000).abs() <= 0.05 * 55_000) | ((REVENUE - 20_000).abs() <= 0.05 * 20_000)
    assert any(f"{near.sum():,} customers within 5%" in c.value for c in app.caption)


# --- exports -------------------------------------------------------------------------------------


def test_the_exports_are_offered_for_the_view_on_screen(app: AppTest) -> None:
    page(app, "scenarios")
    labels = [d.proto.label for d in app.get("download_button")]
    assert labels == []  # each file is prepared on request, then downloaded
    buttons = [b.label for b in app.button]
    assert "Prepare the tier list (CSV)" in buttons and "Prepare the tier list (XLSX)" in buttons
    assert "Prepare the meeting pack (HTML)" in buttons


def test_tiering_by_score_under_a_slice_nobody_matches_neither_fails_nor_loses_the_link(
    navigation_only: None,
) -> None:
    # It raised "There are no customers to suggest cut-offs for." as an exception box, and the
    # page's early stop kept the address bar on the revenue cut-offs.
    at = opened(navigation_only, NOBODY)
    at.radio(key=keys.BY).set_value("score").run()
    assert not at.exception, at.exception
    assert "No customer matches this slice" in at.warning[0].value
    cuts = [float(c) for c in at.query_params["cuts"].split(",")]
    assert cuts == list(at.session_state[keys.CUTS])
    assert all(cut <= 100 for cut in cuts)  # score cut-offs, from the whole base
