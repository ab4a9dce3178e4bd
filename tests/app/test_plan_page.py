"""The Plan page driven headless: suggestions move the sliders, the service model moves the load."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.sample import SAMPLE_PATH
from lib.service_matrix import ServiceMatrix
from tests.app.conftest import page, press
from tests.app.test_tiers_page import cut_sliders, metrics
from ui import keys

SAMPLE = pd.read_csv(SAMPLE_PATH)
REVENUE = SAMPLE["annual_revenue"]


def plan_page(app: AppTest) -> AppTest:
    return page(app, "plan")


def explanation(app: AppTest) -> str:
    return next(box.value for box in app.info if "Tier" in box.value)


def test_suggesting_for_revenue_shares_moves_the_sliders_and_says_how_close(app: AppTest) -> None:
    plan_page(app)
    app.number_input(key=keys.target_share_key(0)).set_value(50).run()
    press(app, "Suggest for these shares")
    cut = cut_sliders(app)[0]
    assert cut in set(REVENUE)  # a customer's value
    share = REVENUE[cut <= REVENUE].sum() / REVENUE.sum()
    assert abs(share - 0.5) < 0.01
    assert "target 50%" in explanation(app)
    app.switch_page("pages/tiers.py").run()
    assert metrics(app)["Tier 1 customers"] == f"{(cut <= REVENUE).sum():,}"


def test_fitting_the_teams_puts_every_tier_within_its_team(app: AppTest) -> None:
    plan_page(app)
    app.number_input(key=keys.csms_key(0)).set_value(4.0).run()
    press(app, "Suggest to fit the teams")
    cut = cut_sliders(app)[0]
    tier_1 = (cut <= REVENUE).sum()
    assert tier_1 * 60 <= 4 * 1100  # 60 h a Tier 1 account, 4 CSMs x 1,100 h
    assert "fits its team" in explanation(app)


def test_the_cap_keeps_tier_1_under_its_share_of_customers(app: AppTest) -> None:
    plan_page(app)
    app.number_input(key=keys.target_share_key(0)).set_value(60).run()
    app.number_input(key=keys.TOP_CUSTOMER_CAP).set_value(5).run()
    press(app, "Suggest with the cap")
    cut = cut_sliders(app)[0]
    assert (cut <= REVENUE).mean() <= 0.05
    assert "(cap 5.0%)" in explanation(app)


def test_an_edited_service_matrix_changes_the_load(app: AppTest) -> None:
    before = metrics(app)["Tier 1 load"]
    plan_page(app)
    matrix = app.session_state[keys.MATRIX]
    hours = [list(row) for row in matrix.hours]
    hours[0][0] += 60  # the named CSM spends 60 more hours on each Tier 1 account
    app.session_state[keys.MATRIX] = ServiceMatrix(matrix.services, tuple(map(tuple, hours)))
    app.run()
    assert any("Tier 1: 120 h" in caption.value for caption in app.caption)
    app.switch_page("pages/tiers.py").run()
    after = metrics(app)["Tier 1 load"]
    tier_1 = (REVENUE >= 55_000).sum()
    assert after == f"{tier_1 * 120 / (18 * 1100):.0%} load" != before


def test_capacity_table_counts_unprofitable_accounts(app: AppTest) -> None:
    plan_page(app)
    body = "".join(block.proto.body for block in app.get("html"))
    counts = [int(n) for n in re.findall(r'data-figure="unprofitable">([\d,]+)<', body)]
    cost = SAMPLE["cost_to_serve"].fillna(0)
    tiers = [(REVENUE >= 55_000), (REVENUE >= 20_000) & (REVENUE < 55_000), REVENUE < 20_000]
    expected = [
        int(((REVENUE - cost)[mask] < hours * 110).sum())
        for mask, hours in zip(tiers, (60, 12, 2), strict=True)
    ]
    assert counts == expected


def test_the_matrix_editor_is_made_once_per_matrix_and_shows_an_edit_at_once(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It does not depend on the cut-offs: made on every slider move it cost ~2.6 ms of each
    # move at any size (issue 15).
    made = []
    real = ServiceMatrix.to_frame
    monkeypatch.setattr(ServiceMatrix, "to_frame", lambda m: made.append(m) or real(m))
    plan_page(app)
    before = len(made)
    for cut in (70_000.0, 80_000.0):
        app.select_slider(key=keys.slider_key(0)).set_value(cut).run()
        assert not app.exception
    assert len(made) == before
    editor = next(f for f in app.dataframe if "When" in f.value.columns)
    matrix = app.session_state[keys.MATRIX]
    hours = [list(row) for row in matrix.hours]
    hours[0][0] += 60
    app.session_state[keys.MATRIX] = ServiceMatrix(matrix.services, tuple(map(tuple, hours)))
    app.run()
    shown = next(f for f in app.dataframe if "When" in f.value.columns).value
    assert shown.iloc[0, 1] == editor.value.iloc[0, 1] + 60
