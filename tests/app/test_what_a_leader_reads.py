"""What a leader reads on the pages: figures and words as shown, read from the page's text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.sample import SAMPLE_PATH
from lib.scenarios import Scenario, SqliteScenarioStore
from tests.app.conftest import page, press
from tests.visible import visible_text

SAMPLE = pd.read_csv(SAMPLE_PATH, dtype={"customer_id": str})


def shown(app: AppTest) -> str:
    """Every text the page shows: its HTML blocks' visible text, markdown, captions, info."""
    parts = [visible_text(block.proto.body) for block in app.get("html")]
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        parts += [element.value for element in getattr(app, kind)]
    return "\n".join(parts)


def _team_hours(app: AppTest, tier: int) -> float:
    return app.session_state[f"tb_csms_{tier}"] * app.session_state[f"tb_hours_per_csm_{tier}"]


def test_a_slices_load_is_against_its_share_of_each_team_on_every_page(app: AppTest) -> None:
    app.multiselect(key="tb_slice_segment").select("Enterprise").run()
    text = shown(app)
    cuts = app.session_state["tb_cuts"]
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
    app.toggle(key="tb_present").set_value(True).run()
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
