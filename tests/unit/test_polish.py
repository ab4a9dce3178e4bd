"""What a leader reads, item by item (issue 18, defect 13): each test reads the visible text."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import charts, views
from lib.books import Book, books, is_pool
from lib.canonical import COLUMNS, label
from lib.capacity import Plan, tier_capacity
from lib.explain import rank_distance
from lib.formatting import blanks_as_empty, hours, quantity
from lib.service_matrix import Service, ServiceMatrix
from lib.slices import UNASSIGNED
from lib.team import Team
from lib.tiering import TierIndex, summarize
from tests.visible import visible_text


def _summary(values, cuts):
    return summarize(TierIndex.from_values([float(v) for v in values]), cuts)


# --- cut-offs and tier ranges ----------------------------------------------------------------


def test_an_exact_cut_off_is_shown_as_typed_not_rounded_into_another_figure() -> None:
    summary = _summary([200_000, 130_000, 50_000, 10_000], [123_456, 20_000])
    cards = visible_text(views.tier_cards_html(summary))
    assert "$123,456 and up" in cards
    assert "$20K to $123,456" in cards
    assert "$123K" not in cards
    chart = charts.pareto_spec(TierIndex.from_values([1.0, 2.0]).pareto, summary)
    assert "Tier 1 ≥ $123,456" in [a["text"] for a in chart["layout"]["annotations"]]


def test_an_empty_tier_says_it_is_empty_not_twelve_k_to_twelve_k() -> None:
    summary = _summary([50_000, 20_000, 5_000], [12_000, 12_000])
    text = visible_text(views.tier_cards_html(summary))
    assert "$12K to $12K" not in text
    assert "empty: both cut-offs at $12K" in text


def test_a_tier_with_no_customers_in_its_range_says_so() -> None:
    summary = _summary([90_000, 5_000], [50_000, 20_000])
    assert "no customers: $20K to $50K" in visible_text(views.tier_cards_html(summary))


# --- hours with their decimals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(4.5, "4.5 h"), (0.25, "0.25 h"), (1100.0, "1,100 h"), (12.0, "12 h")]
)
def test_hours_keep_their_decimals(value: float, shown: str) -> None:
    assert hours(value) == shown


@given(st.floats(0, 10_000).map(lambda v: round(v * 4) / 4))
def test_quarter_hours_read_back_exactly(value: float) -> None:
    assert float(quantity(value).replace(",", "")) == value


def test_the_capacity_table_shows_a_four_and_a_half_hour_tier_as_4_5() -> None:
    summary = _summary([10, 20, 30], [25, 15])
    matrix = ServiceMatrix((Service("Named CSM"),), ((60.0, 4.5, 2.0),))
    plan = Plan(matrix, (Team(1),) * 3)
    table = visible_text(views.capacity_table_html(tier_capacity(summary, plan), (0, 0, 0)))
    assert "| Tier 2 | 1 | 4.5 |" in table


# --- over capacity is never colour alone -----------------------------------------------------


def test_over_capacity_has_a_cue_beyond_colour_and_every_caption_names_it_rightly() -> None:
    summary = _summary(range(1, 101), [90, 40])
    plan = Plan(ServiceMatrix.default(3), (Team(0.1), Team(10), Team(10)))
    loads = tier_capacity(summary, plan)
    html = views.load_html(loads)
    text = visible_text(html)
    assert re.search(r"⚠\s*\d+% load, over capacity", text)  # Tier 1, in words
    assert "repeating-linear-gradient" in html  # and striped, not only a colour
    assert "vermillion" in text and " red " not in f" {text} "
    table = visible_text(views.capacity_table_html(loads, (0, 0, 0)))
    assert "⚠" in table and "over" in table


def test_the_alert_colour_is_none_of_the_tier_colours() -> None:
    assert charts.OVER_CAPACITY_COLOR not in charts.TIER_COLORS


def test_the_load_is_said_once_where_a_heading_already_says_load() -> None:
    summary = _summary(range(1, 101), [90, 40])
    plan = Plan(ServiceMatrix.default(3), (Team(1), Team(1), Team(1)))
    (top, *_) = tier_capacity(summary, plan)
    assert views.load_label(top).endswith("%")
    table = visible_text(views.capacity_table_html(tier_capacity(summary, plan), (0, 0, 0)))
    assert "% load" not in table


# --- books: pools and unassigned accounts ----------------------------------------------------


def _books(owners: list[str], codes: list[int], sizes=None):
    revenue = np.arange(1.0, len(codes) + 1)
    index = TierIndex.from_values(
        revenue, revenue, columns={"owner": np.asarray(codes, dtype=np.int32), "revenue": revenue}
    )
    plan = Plan(ServiceMatrix.default(2), (Team(1), Team(1)))
    return books(index, [1e9], plan, owners, 100.0, pool_csms=sizes)


def test_a_pooled_teams_load_is_over_its_headcounts_hours_not_one_persons() -> None:
    owners = ["Ana", "Scale Team A", UNASSIGNED]
    # 2-tier default: 3 h per tail account; the pool has 63 accounts = 189 h.
    codes = [0] * 10 + [1] * 63 + [2] * 5
    by_owner = {b.owner: b for b in _books(owners, codes, {"Scale Team A": 3.0})}
    pool = by_owner["Scale Team A"]
    assert pool.hours_available == 300.0
    assert pool.utilisation == pytest.approx(189 / 300)
    text = visible_text(views.books_table_html(list(by_owner.values()), 2))
    assert "Scale Team A (pool of 3)" in text
    assert "189%" not in text and "63%" in text


def test_unassigned_accounts_are_unassigned_not_an_alert() -> None:
    owners = ["Ana", UNASSIGNED]
    listed = _books(owners, [0] * 3 + [1] * 5)
    assert listed[-1].is_unassigned and not listed[-1].is_overloaded
    html = views.books_table_html(listed, 2)
    row = next(line for line in visible_text(html).splitlines() if "Unassigned" in line)
    assert "no CSM assigned" in row and "no hours" not in row
    unassigned_cells = html[html.index("Unassigned") :]
    assert charts.OVER_CAPACITY_COLOR not in unassigned_cells and "⚠" not in unassigned_cells


@pytest.mark.parametrize(
    ("owner", "pooled"),
    [("Scale Team A", True), ("Tech-touch pool", True), ("Grace Kim", False), ("Teamster", False)],
)
def test_an_owner_named_like_a_team_is_a_pool(owner: str, pooled: bool) -> None:
    assert is_pool(owner) is pooled
    assert Book(owner, (1,), 1.0, 1.0, 1.0).is_pool is pooled


# --- words and labels ------------------------------------------------------------------------


def test_every_canonical_column_has_a_label_people_write() -> None:
    labels = {column.name: label(column.name) for column in COLUMNS}
    assert labels["nps"] == "NPS"
    assert labels["csm_owner"] == "CSM owner"
    assert labels["cost_to_serve"] == "Cost to serve"
    assert all("_" not in text for text in labels.values())


def test_a_placement_says_what_would_happen_not_overtaking() -> None:
    up = rank_distance("$5.2K", 2382, "up")
    assert up == "$5.2K more would lift it a tier; 2,382 customers sit between it and that cut-off."
    assert "overtaking" not in up
    assert rank_distance("$3K", 1, "down") == (
        "$3K less would drop it a tier; 1 customer of its tier sits below it."
    )


def test_blank_cells_show_empty_never_none() -> None:
    frame = pd.DataFrame({"a": ["x", None], "b": [None, "y"]}, dtype="str")
    shown = blanks_as_empty(frame)
    assert shown.to_dict("records") == [{"a": "x", "b": ""}, {"a": "", "b": "y"}]


def test_a_cut_off_label_far_right_sits_left_of_its_marker() -> None:
    values = [100.0] + [10.0] * 9 + [1.0]
    summary = _summary(values, [50, 5])  # Tier 2 ends at 91% of customers
    spec = charts.pareto_spec(TierIndex.from_values(values).pareto, summary)
    top, far = spec["layout"]["annotations"]
    assert top["x"] < charts.RIGHT_HALF and top["ax"] > 0
    assert far["x"] > charts.RIGHT_HALF and far["ax"] < 0


def test_cut_off_labels_each_keep_a_band_of_their_own_so_close_cuts_never_overlap() -> None:
    values = [float(v) for v in range(1, 1001)]
    summary = _summary(values, [900, 899, 898, 897])  # four cut-offs side by side
    spec = charts.pareto_spec(TierIndex.from_values(values).pareto, summary)
    bands = [a["ay"] for a in spec["layout"]["annotations"]]
    assert all(a["ayref"] == "y" for a in spec["layout"]["annotations"])
    assert all(b - a >= charts.LABEL_BAND for a, b in itertools.pairwise(bands))
    assert min(bands) > 0 and max(bands) < 100


@pytest.mark.parametrize(
    ("currency", "shown"), [("$", "dollar"), ("€", "euro"), ("CHF ", "CHF %,.2f"), ("%", "%%%,.2f")]
)
def test_tables_show_money_in_the_datas_currency(currency: str, shown: str) -> None:
    from lib.formatting import money_format

    assert money_format(currency) == shown


def test_the_capacity_figures_come_as_two_tables_narrow_enough_for_a_1280px_screen() -> None:
    # Thirteen columns in one table pushed Margin and Unprofitable out of sight at 1280 px.
    summary = _summary([10, 20, 30], [25, 15])
    plan = Plan(ServiceMatrix.default(3), (Team(1),) * 3)
    html = views.capacity_table_html(tier_capacity(summary, plan), (0, 1, 2))
    tables = re.findall(r"<thead><tr>(.*?)</tr></thead>", html)
    assert len(tables) == 2
    assert all(header.count("<th") <= 8 for header in tables)
    text = visible_text(html)
    assert "Load and staffing" in text and "Cost and margin" in text
    assert "Margin" in tables[1] and "Unprofitable" in tables[1]
