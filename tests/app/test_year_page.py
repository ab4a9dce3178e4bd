"""The year month by month on the Confidence page, driven headless: what a leader reads there
is what lib computes for the plan on screen, and the months typed change it."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.capacity import Plan, tier_capacity
from lib.dataset import Dataset
from lib.formatting import hours
from lib.monthly_load import data_year
from lib.months import month_label, parse_capacity, window
from lib.sample import SAMPLE_PATH
from lib.service_matrix import ServiceMatrix
from lib.tiering import summarize
from tests.app.conftest import page
from tests.app.test_tiers_page import app_on_file  # noqa: F401 (a fixture)
from ui import keys
from ui import plan as plan_ui


def state_plan(app: AppTest) -> Plan:
    """The plan on screen: the matrix and the teams the app keeps."""
    return Plan(app.session_state[keys.MATRIX], tuple(app.session_state[keys.TEAMS]))


def peak(app: AppTest) -> str:
    return next(
        block.proto.body
        for block in app.get("html")
        if 'data-figure="year_peak"' in block.proto.body
    )


def chart(app: AppTest) -> dict:
    """The year's chart: lines, one pair per team (the page's tornado above it has bars)."""
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    (year,) = [spec for spec in specs if spec["data"][0]["type"] == "scatter"]
    return year


def expected(app: AppTest, capacity: str = "") -> object:
    """The year lib computes for the app's cut-offs and plan on the sample."""
    dataset = Dataset.from_csv(SAMPLE_PATH)
    cuts = app.session_state[keys.CUTS]
    matrix = app.session_state[keys.MATRIX]
    plan = state_plan(app)
    capacities = tier_capacity(summarize(dataset.index, cuts), plan)
    return data_year(
        dataset,
        dataset.index,
        cuts,
        matrix,
        [c.hours_available for c in capacities],
        today=date.today(),
        capacity=parse_capacity(capacity),
    )


def test_the_confidence_page_shows_the_peak_and_a_line_per_team(app: AppTest) -> None:
    page(app, "confidence")
    year = expected(app)
    assert year.peak_sentence() in peak(app)
    figure = chart(app)
    names = [trace["name"] for trace in figure["data"]]
    assert names == [f"Tier {t} {w}" for t in (1, 2, 3) for w in ("needs", "has")]
    labels = [month_label(m) for m in window(year.months[0])]
    assert figure["data"][0]["x"] == labels
    assert labels[0] == month_label(date(date.today().year + date.today().month // 12,
                                         date.today().month % 12 + 1, 1))  # fmt: skip
    # The chart shows each team's months; they add up to the Plan page's hours a year.
    sample = Dataset.from_csv(SAMPLE_PATH)
    plan = state_plan(app)
    summary = summarize(sample.index, app.session_state[keys.CUTS])
    hours_needed = [c.hours_needed for c in tier_capacity(summary, plan)]
    for t, tier in enumerate(year.tiers):
        assert sum(tier.hours) == hours_needed[t]
        assert figure["data"][2 * t]["y"] == [round(h, 1) for h in tier.hours]
        assert figure["data"][2 * t + 1]["line"]["dash"] == "dash"
        assert figure["data"][2 * t + 1]["line"]["color"] == figure["data"][2 * t]["line"]["color"]
    # Dated sample: no flat-year notice (the sensitivity section above says its riskiest input).
    assert not [box for box in app.info if "flat" in box.value]
    block = next(
        b.proto.body for b in app.get("html") if 'data-figure="busiest_load"' in b.proto.body
    )
    rows = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1])
    ]
    assert rows == [
        [
            want["team"],
            want["busiest_month"],
            hours(round(want["hours_needed"])),
            hours(round(want["hours_available"])),
            ("⚠ " if want["load"] > 1 else "") + f"{want['load']:.0%}",
            str(want["months_over"]),
        ]
        for want in year.busiest()
    ]
    assert [row[0] for row in rows] == ["Tier 1", "Tier 2", "Tier 3"]


def test_typing_a_month_at_half_capacity_moves_the_peak_and_stays(app: AppTest) -> None:
    page(app, "confidence")
    app.text_input(key=keys.YEAR_CAPACITY_INPUT).input("August 50%").run()
    want = expected(app, "August 50%").peak_sentence()
    assert want.startswith("Aug ")
    assert want in peak(app)
    page(app, "plan")
    page(app, "confidence")
    assert want in peak(app)
    assert app.text_input(key=keys.YEAR_CAPACITY_INPUT).value == "August 50%"


def test_months_that_do_not_read_say_why_and_keep_the_months_before(app: AppTest) -> None:
    page(app, "confidence")
    app.text_input(key=keys.YEAR_CAPACITY_INPUT).input("August 50%").run()
    before = peak(app)
    app.text_input(key=keys.YEAR_CAPACITY_INPUT).input("Agust 50%").run()
    assert not app.exception
    assert peak(app) == before
    assert any('"Agust" is not a month' in c.value for c in app.caption)
    assert app.text_input(key=keys.YEAR_CAPACITY_INPUT).value == "Agust 50%"


def test_data_without_dates_shows_a_flat_year_and_says_so(app_on_file) -> None:  # noqa: F811
    rows = "\n".join(f"c{n},{1000 * (n + 1)}" for n in range(40))
    at = app_on_file("plain.csv", f"customer_id,annual_revenue\n{rows}\n")
    page(at, "confidence")
    notices = [box.value for box in at.info]
    assert any(
        "no renewal_date or customer_since column, so the year is flat" in n for n in notices
    )
    for trace in chart(at)["data"]:
        assert len(set(trace["y"])) <= 2  # the same every month (to a rounding of the last bit)


def test_a_cadence_chosen_in_the_matrix_editor_moves_the_hours_not_the_totals(
    app: AppTest,
) -> None:
    page(app, "plan")
    table = next(frame.value for frame in app.data_editor if "When" in frame.value.columns)
    assert table.loc["QBR", "When"] == "Every quarter"
    assert table.loc["Renewal", "When"] == "Renewal month"
    # What the editor sends when "Renewal month" is chosen for QBR (AppTest cannot edit cells).
    base = ServiceMatrix.default(3)
    st.session_state["editor"] = {"edited_rows": {2: {"When": "Renewal month"}}}
    plan_ui._on_matrix_edit("editor", base)
    edited = st.session_state[keys.MATRIX]
    assert edited.services[2].cadence == "renewal"
    assert edited.hours == base.hours
    assert edited.hours_per_account() == base.hours_per_account()


def test_the_months_typed_travel_with_a_saved_scenario_and_survive_a_tier_count_change(
    app: AppTest,
) -> None:
    # Holidays belong to the team: saved with the plan, back when the scenario is opened.
    page(app, "confidence")
    app.text_input(key=keys.YEAR_CAPACITY_INPUT).input("dec 70%, August 50%").run()
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input("Holidays").run()
    next(b for b in app.button if b.label == "Save scenario").click().run()
    app.session_state[keys.YEAR_CAPACITY] = ""  # someone clears the months
    app.run()
    next(b for b in app.button if b.label == "Open").click().run()
    page(app, "confidence")
    assert app.text_input(key=keys.YEAR_CAPACITY_INPUT).value == "August 50%, December 70%"
    assert expected(app, "August 50%, December 70%").peak_sentence() in peak(app)
    app.sidebar.radio(key=keys.TIERS).set_value(4).run()  # a fresh default plan for 4 tiers
    page(app, "confidence")
    assert app.text_input(key=keys.YEAR_CAPACITY_INPUT).value == "August 50%, December 70%"
