"""What a leader reads on the pages: figures and words as shown, read from the page's text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.sample import SAMPLE_PATH
from lib.scenario import Scenario
from lib.scenario_store_sqlite import SqliteScenarioStore
from tests.app.conftest import page, press
from tests.visible import visible_text
from ui import keys

SAMPLE = pd.read_csv(SAMPLE_PATH, dtype={"customer_id": str})


def shown(app: AppTest) -> str:
    """Every text the page shows: its HTML blocks' visible text, markdown, captions, info."""
    parts = [visible_text(block.proto.body) for block in app.get("html")]
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        parts += [element.value for element in getattr(app, kind)]
    return "\n".join(parts)


def _team_hours(app: AppTest, tier: int) -> float:
    team = app.session_state[keys.TEAMS][tier]  # ui/state.py TEAMS: the teams as typed
    return team.csms * team.hours_per_csm


def test_a_slices_load_is_against_its_share_of_each_team_on_every_page(app: AppTest) -> None:
    app.multiselect(key=keys.slice_key("segment")).select("Enterprise").run()
    text = shown(app)
    cuts = app.session_state[keys.CUTS]
    revenue, segment = SAMPLE["annual_revenue"], SAMPLE["segment"]
    tail_all = (revenue < cuts[-1]).sum()
    tail_slice = ((revenue < cuts[-1]) & (segment == "Enterprise")).sum()
    share = _team_hours(app, 2) * tail_slice / tail_all
    assert f"of {share:,.0f} h (this slice's" in text
    assert f"needed of {_team_hours(app, 2):,.0f} h\n" not in text  # never the whole team
    assert "its share of the team's hours" in text  # the load's heading says whose hours
    page(app, "plan")
    text = shown(app)
    assert "Hours available (slice's share)" in text
    assert "Under a slice, each tier's hours available are the slice's share" in text
    page(app, "tiers")
    app.toggle(key=keys.PRESENT).set_value(True).run()
    assert "Slice: hours are each team's share" in shown(app)


# --- money in the data's currency ------------------------------------------------------------


def _euro_csv() -> bytes:
    """100 customers in euros (1.000,00 € to 100.000,00 €); today's tiers upside down."""
    rows = ["customer_id;annual_revenue;current_tier"]
    for i in range(100):
        amount = f"{(i + 1) * 1000:,}.00".replace(",", " ").replace(".", ",").replace(" ", ".")
        rows.append(f"C{i};{amount} €;{'Tier 3' if i >= 50 else 'Tier 1'}")
    return ("\n".join(rows) + "\n").encode()


def _load_euros(app: AppTest) -> AppTest:
    page(app, "upload")
    app.file_uploader[0].upload("euro.csv", _euro_csv()).run()
    assert not app.exception, app.exception
    press(app, "Load")
    return app


def test_who_moves_says_its_revenue_in_the_datas_currency(app: AppTest) -> None:
    page(_load_euros(app), "changes")
    headline = next(m.value for m in app.markdown if m.value.startswith("### "))
    assert "€" in headline and "of revenue" in headline
    assert "$" not in headline


def _save_elsewhere(data_dir: Path, name: str, currency: str) -> None:
    SqliteScenarioStore(data_dir / "scenarios.sqlite3").save(
        name, Scenario((80_000.0, 25_000.0), dataset="0123456789ab", currency=currency)
    )


def test_compare_refuses_a_scenario_made_in_another_currency(
    app: AppTest, private_data_dir: Path
) -> None:
    _save_elsewhere(private_data_dir, "Sample plan", "$")
    page(_load_euros(app), "scenarios")
    text = shown(app)
    assert "Made on data in $: its cut-offs are not in €, so it is not compared" in text
    table = next(visible_text(b.proto.body) for b in app.get("html") if "Made on" in b.proto.body)
    figures = [line.split(" | ") for line in table.splitlines() if line.startswith("| Tier")]
    assert figures and all(row[2] == "—" for row in figures)  # no figure made up for it
    assert all(row[1] != "—" for row in figures)
    assert "not shown: one of them was made on data in another currency" in text


def test_compare_says_when_a_scenario_was_made_on_other_data(
    app: AppTest, private_data_dir: Path
) -> None:
    _save_elsewhere(private_data_dir, "Last year", "$")
    page(app, "scenarios")  # the sample, in dollars, but not the data it was made on
    text = shown(app)
    assert "Made on other data: these are its cut-offs applied to this data" in text
    assert "Last year ⚠" in text
    table = next(visible_text(b.proto.body) for b in app.get("html") if "Made on" in b.proto.body)
    assert "| Tier 1 load | " in table
    assert "% load" not in table  # "Tier 1 load: 91% load" said the word twice


# --- the polish list -------------------------------------------------------------------------


def test_hours_per_account_keep_their_decimals_in_every_caption(app: AppTest) -> None:
    from lib.service_matrix import Service, ServiceMatrix

    app.session_state[keys.MATRIX] = ServiceMatrix((Service("Named CSM"),), ((60.0, 4.5, 2.0),))
    app.run()
    assert "60 h / 4.5 h / 2 h per account per year" in shown(app)
    page(app, "plan")
    assert "Tier 2: 4.5 h" in shown(app)


def test_a_plan_file_opened_says_what_it_opened(app: AppTest) -> None:
    from lib.capacity import Plan
    from lib.service_matrix import ServiceMatrix
    from lib.team import Team

    plan = Plan(ServiceMatrix.default(4), (Team(3), Team(5), Team(6), Team(2)))
    page(app, "plan")
    opener = next(u for u in app.file_uploader if u.label == "Open a plan file")
    opener.upload("team.toml", plan.to_toml().encode()).run()
    assert not app.exception, app.exception
    assert "Opened plan team.toml: 10 services, 4 tiers." in [s.value for s in app.success]


def _column_headings(app: AppTest, index: int = 0) -> dict[str, str]:
    import json

    config = json.loads(app.dataframe[index].proto.columns or "{}")
    return {name.removeprefix("col:name:"): spec.get("label") for name, spec in config.items()}


def test_tables_people_read_have_human_headings_and_money_formats(app: AppTest) -> None:
    page(app, "plan")
    app.toggle(key=keys.LIST_UNPROFITABLE).set_value(True).run()
    headings = _column_headings(app)
    assert headings["customer_id"] == "Customer id"
    assert headings["cost_to_serve"] == "Cost to serve"
    assert headings["csm_cost"] == "CSM cost"
    import json

    spec = json.loads(app.dataframe[0].proto.columns)
    assert spec["annual_revenue"]["type_config"]["format"] == "dollar"


def test_mapping_labels_and_the_preview_read_as_people_write(app: AppTest) -> None:
    page(app, "upload")
    data = b"id,revenue,nps,csm_owner\nA,100,9,\nB,200,,Ana\n"
    app.file_uploader[0].upload("small.csv", data).run()
    labels = {box.label for box in app.selectbox}
    assert {"NPS", "CSM owner"} <= labels
    assert not {"Nps", "Csm owner"} & labels
    preview = app.dataframe[0].value
    assert not preview.isna().any().any()
    assert "None" not in preview.astype(str).to_numpy().ravel().tolist()


def test_a_placement_says_what_would_happen(app: AppTest) -> None:
    page(app, "changes")
    middling = SAMPLE.sort_values("annual_revenue").iloc[len(SAMPLE) // 2]
    app.text_input(key=keys.EXPLAIN_QUERY).input(middling["customer_id"]).run()
    text = shown(app)
    assert "more would lift it a tier;" in text and "between it and that cut-off" in text
    assert "overtaking" not in text


def test_a_saved_scenario_is_described_in_its_own_currency(
    app: AppTest, private_data_dir: Path
) -> None:
    _save_elsewhere(private_data_dir, "Sample plan", "$")
    page(_load_euros(app), "scenarios")
    picker = app.selectbox(key=keys.SAVED_PICK)
    assert "cut-offs $80K / $25K" in picker.options[0]


def test_opening_a_scenario_made_in_another_currency_says_so(
    app: AppTest, private_data_dir: Path
) -> None:
    _save_elsewhere(private_data_dir, "Sample plan", "$")
    page(_load_euros(app), "scenarios")
    press(app, "Open")
    # The warning's Markdown escapes data ("\\$"); a person reads the characters.
    said = [w.value.replace("\\", "") for w in app.warning]
    assert any("made on data in $: its cut-offs are read as € here" in w for w in said)


def test_fitting_the_teams_under_a_slice_fits_the_whole_base(app: AppTest) -> None:
    from lib import suggest
    from lib.dataset import Dataset

    page(app, "plan")
    app.multiselect(key=keys.slice_key("segment")).select("Enterprise").run()
    press(app, "Suggest to fit the teams")
    plan = app.session_state[keys.MATRIX].hours_per_account()
    teams = [_team_hours(app, t) for t in range(3)]
    whole = Dataset.from_file(SAMPLE_PATH).index
    assert tuple(app.session_state[keys.CUTS]) == suggest.cuts_to_fit_teams(whole, plan, teams)
    assert "Under a slice, each team still serves its whole tier" in shown(app)


def test_a_link_with_a_slice_and_no_team_sizes_the_teams_to_the_whole_base(
    navigation_only: None,
) -> None:
    from tests.app.conftest import APP, TIMEOUT

    fresh = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    fresh.query_params["cuts"] = "55000,20000"
    fresh.query_params["slice"] = "segment:Enterprise"
    fresh.run()
    assert not fresh.exception, fresh.exception
    # The default team fits the whole base's tiers (95%), so every slice's load fits too.
    assert "Every tier fits its share of the team's hours" in shown(fresh)
    assert fresh.session_state[keys.csms_key(0)] == 18.0  # as on the whole sample
