"""The tier of record, headless: "Adopt this plan" on the Scenarios page, then Who moves
compares with it by default, account by account."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.adoption import day_text
from lib.formatting import markdown_text, money
from lib.sample import SAMPLE_PATH
from lib.scenario_store_sqlite import open_store
from tests.app.conftest import movers_grid, page, press
from tests.app.test_service import ALICE, as_user
from ui import changes, keys

SAMPLE = pd.read_csv(SAMPLE_PATH)
REVENUE = SAMPLE["annual_revenue"]


def _adopt(app: AppTest, name: str, author: str) -> None:
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input(name).run()
    app.text_input(key=keys.SAVE_AUTHOR).input(author).run()
    press(app, "Save scenario")
    app.session_state[keys.ADOPT_POPOVER] = True  # the person opens "Adopt this plan"
    app.run()


def test_adopting_says_what_it_records_then_shows_the_tier_of_record(app: AppTest) -> None:
    _adopt(app, "Q3 plan", "ana")
    today = day_text(datetime.now(UTC).date())
    text = [m.value for m in app.markdown]
    assert f"Records 5,000 accounts’ tiers as the tier of record, dated {today}, by ana." in text
    assert not any("Tier of record:" in t for t in text)
    press(app, "Yes, adopt it")
    assert app.session_state[keys.ADOPT_POPOVER] is False
    text = [m.value for m in app.markdown]
    assert f"**Tier of record:** “Q3 plan”, adopted {today} by ana" in text
    past = app.dataframe[-1].value
    assert past.to_dict("records") == [
        {
            "Adopted": today,
            "Scenario": "Q3 plan",
            "By": "ana",
            "Accounts": 5000,
            "Revenue": f"${REVENUE.sum() / 1e6:.1f}M",
        }
    ]
    # What was recorded: each sample account under the cut-offs on screen (55K / 20K).
    adoption = open_store().adopted()
    assert adoption is not None and adoption.adopted_by == "ana"
    expected = np.where(REVENUE >= 55_000, 1, np.where(REVENUE >= 20_000, 2, 3))
    recorded = dict(zip(adoption.ids, adoption.tiers.tolist(), strict=True))
    assert [recorded[i] for i in SAMPLE["customer_id"]] == expected.tolist()


def test_who_moves_compares_with_the_tier_of_record_by_default(app: AppTest) -> None:
    _adopt(app, "Q3 plan", "ana")
    press(app, "Yes, adopt it")
    page(app, "changes")
    choice = app.selectbox(key=keys.MIGRATION_BASELINE)
    today = day_text(datetime.now(UTC).date())
    assert choice.value == changes.RECORD
    assert choice.format_func(choice.value) == f"Tier of record (“Q3 plan”, adopted {today})"
    assert app.markdown[0].value == "### Nobody changes tier."
    # Raise Tier 1's cut-off: the accounts between 55K and 60K move down from their record.
    app.select_slider(key=keys.slider_key(0)).set_value(60_000.0).run()
    down = (REVENUE >= 55_000) & (REVENUE < 60_000)
    revenue = REVENUE[down].sum()
    assert app.markdown[0].value == (
        f"### {down.sum():,} accounts, \\${revenue / 1e6:.1f}M of revenue, move down a tier."
    )
    assert any("From the tier of record (“Q3 plan”" in c.value for c in app.caption)
    movers = movers_grid(app)
    assert set(movers["customer_id"]) == set(SAMPLE.loc[down, "customer_id"])
    assert set(movers["from"]) == {"Tier 1"} and set(movers["to"]) == {"Tier 2"}
    # Today's tiers and the saved scenarios stay choices.
    assert choice.options[1:] == [
        "Today's tiers (the file's current tier column)",
        "Saved: Q3 plan",
    ]


def test_a_signed_in_user_adopts_under_their_own_name(
    monkeypatch: pytest.MonkeyPatch, navigation_only: None
) -> None:
    monkeypatch.setenv("TIERBOARD_AUTH", "oidc")
    monkeypatch.setenv("TIERBOARD_ALLOWED_DOMAINS", "example.com")
    at = as_user(ALICE, "scenarios")
    at.text_input(key=keys.SAVE_NAME).input("Alice's plan").run()
    press(at, "Save scenario")
    at.session_state[keys.ADOPT_POPOVER] = True
    at.run()
    today = day_text(datetime.now(UTC).date())
    assert any(
        m.value == f"Records 5,000 accounts’ tiers as the tier of record, dated {today}, by Alice "
        "Martin."
        for m in at.markdown
    )
    press(at, "Yes, adopt it")
    assert any(
        m.value == f"**Tier of record:** “Alice's plan”, adopted {today} by Alice Martin"
        for m in at.markdown
    )
    assert open_store().adopted().adopted_by == "Alice Martin"


def test_a_hostile_plan_name_and_author_are_text_when_adopted(app: AppTest) -> None:
    from tests.app.test_markdown_safety import IMAGE, LINK, _assert_inert

    _adopt(app, LINK, IMAGE)
    _assert_inert(app, LINK, IMAGE)  # the confirmation names the author
    press(app, "Yes, adopt it")
    _assert_inert(app, LINK, IMAGE)  # the tier of record names both
    page(app, "changes")
    _assert_inert(app, LINK)  # the caption names the plan


def test_next_quarters_data_counts_new_and_gone_accounts_against_the_tier_of_record(
    app: AppTest,
) -> None:
    _adopt(app, "Q3 plan", "ana")
    press(app, "Yes, adopt it")
    # Next quarter: ten accounts have left, three are new (revenue in Tier 1, 2 and 3).
    later = SAMPLE.iloc[10:].copy()
    new = pd.DataFrame({"customer_id": ["NEW-1", "NEW-2", "NEW-3"],
                        "annual_revenue": [90_000.0, 30_000.0, 1_000.0]})  # fmt: skip
    later = pd.concat([later, new], ignore_index=True)
    page(app, "upload")
    app.file_uploader[0].upload("q4.csv", later.to_csv(index=False).encode()).run()
    press(app, "Load")
    page(app, "changes")
    for position, cut in enumerate((55_000.0, 20_000.0)):  # the adopted plan's cut-offs
        app.select_slider(key=keys.slider_key(position)).set_value(cut).run()
    gone = SAMPLE.iloc[:10]["annual_revenue"].sum()
    changed = gone + new["annual_revenue"].sum()
    assert app.markdown[0].value == (
        f"### 13 accounts, {markdown_text(money(changed))} of revenue, change tier. "
        "Of them, 3 accounts new and 10 gone since the tier of record."
    )
    movers = movers_grid(app)
    assert set(movers["customer_id"]) == {*new["customer_id"], *SAMPLE["customer_id"][:10]}
    cells = {(m["from"], m["to"]) for m in movers.to_dict("records")}
    assert ("none", "Tier 1") in cells and ("none", "Tier 3") in cells
    assert {to for source, to in cells if source != "none"} == {"none"}


def test_the_plan_just_saved_is_the_one_offered_and_the_author_stays(app: AppTest) -> None:
    _adopt(app, "Plan A", "ana")
    page(app, "tiers")  # a trip away used to empty "Your name": the adoption read "anonymous"
    page(app, "scenarios")
    assert app.text_input(key=keys.SAVE_AUTHOR).value == "ana"
    app.text_input(key=keys.SAVE_NAME).input("Plan B").run()
    press(app, "Save scenario")
    assert app.selectbox(key=keys.SAVED_PICK).value == "Plan B"  # it stayed on Plan A
    app.session_state[keys.ADOPT_POPOVER] = True
    app.run()
    press(app, "Yes, adopt it")
    adoption = open_store().adopted()
    assert adoption is not None and adoption.name == "Plan B" and adoption.adopted_by == "ana"
