"""Presentation mode, headless: the shared-screen view, its controls, and its place in the link."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.sample import SAMPLE_PATH
from tests.app.test_decisions import opened
from tests.app.test_tiers_page import assert_cards, cut_sliders, load_title, metrics
from ui import keys

REVENUE = pd.read_csv(SAMPLE_PATH)["annual_revenue"]
TEAM_INPUT = keys.csms_key(0)


def present(app: AppTest, on: bool = True) -> AppTest:
    app.toggle(key=keys.PRESENT).set_value(on).run()
    assert not app.exception, app.exception
    return app


def number_input_keys(at: AppTest) -> set[str]:
    return {widget.key for widget in at.number_input}


def expander_labels(at: AppTest) -> set[str]:
    return {expander.label for expander in at.expander}


def test_presentation_mode_keeps_every_figure_and_drops_the_working_controls(
    app: AppTest,
) -> None:
    before = metrics(app)
    assert TEAM_INPUT in number_input_keys(app)
    assert "Type exact cut-offs" in expander_labels(app)
    present(app)
    assert metrics(app) == before  # the same figures: cards, shares, load, CSMs needed
    assert "every tier fits" in load_title(app).lower()
    assert not number_input_keys(app)  # no team inputs, no exact cut-off boxes
    assert "Type exact cut-offs" not in expander_labels(app)
    assert not app.title  # the headlines carry the page
    assert cut_sliders(app) == [55_000, 20_000]  # the sliders stay: the room still decides


def test_the_sliders_still_drive_every_figure_in_presentation_mode(app: AppTest) -> None:
    present(app)
    app.select_slider(key=keys.slider_key(0)).set_value(90_000.0).run()
    assert_cards(app, REVENUE, [90_000, 20_000])


def test_leaving_presentation_mode_brings_the_controls_back_with_the_team_unchanged(
    app: AppTest,
) -> None:
    app.number_input(key=TEAM_INPUT).set_value(9.0).run()
    present(app)
    present(app, on=False)
    assert app.number_input(key=TEAM_INPUT).value == 9.0
    assert app.title[0].value == "Tiers"


def test_the_share_link_carries_presentation_mode(app: AppTest, navigation_only: None) -> None:
    assert "present" not in app.query_params
    present(app)
    assert app.query_params["present"] == "1"
    fresh = opened(navigation_only, dict(app.query_params))
    assert fresh.toggle(key=keys.PRESENT).value is True
    assert metrics(fresh) == metrics(app)
    assert not number_input_keys(fresh)
    # On a shared screen the "opened from the link" note is a toast, not a line of the page.
    assert not fresh.info
    assert any("Opened the shared view" in toast.value for toast in fresh.toast)
    present(app, on=False)
    assert "present" not in app.query_params


def test_a_link_without_a_service_model_gets_a_team_for_every_tier(navigation_only: None) -> None:
    cuts = [100_000, 55_000, 20_000, 8_000]
    for mode in ({}, {"present": "1"}):
        at = opened(navigation_only, {"cuts": ",".join(map(str, cuts)), **mode})
        assert_cards(at, REVENUE, cuts)
        assert "Tier 5 load" in metrics(at)


def test_a_link_with_only_the_mode_or_a_tracking_tag_opens_without_an_error(
    navigation_only: None,
) -> None:
    # `?present=1` is how a meeting room opens the app: no view to restore, nothing wrong.
    for params in ({"present": "1"}, {"utm_source": "slack"}):
        at = opened(navigation_only, params)
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        assert at.toggle(key=keys.PRESENT).value is (params.get("present") == "1")
        assert_cards(at, REVENUE, [55_000, 20_000])  # the suggested cut-offs
