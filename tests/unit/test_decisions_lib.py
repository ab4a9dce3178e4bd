"""Migration, explanations, tier lists and the meeting pack, from lib directly."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import books, capacity, pack
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.explain import near_boundary, place
from lib.export import to_csv_bytes, xlsx_bytes
from lib.migration import migrate, normalize_tier
from lib.sample import SAMPLE_PATH
from lib.slices import EVERYTHING
from lib.tiering import TierIndex, summarize, tier_of


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return Dataset.from_file(SAMPLE_PATH)


@pytest.mark.parametrize(
    ("label", "name"),
    [("Tier 1", "Tier 1"), ("tier-2", "Tier 2"), ("T3", "Tier 3"), ("1", "Tier 1"),
     ("Tier1", "Tier 1"), (" t 2 ", "Tier 2"), ("Gold", "Gold"), ("Strategic ", "Strategic")],
)  # fmt: skip
def test_tier_labels_that_read_as_tiers_are_normalised(label, name):
    assert normalize_tier(label) == name


def test_a_migration_counts_accounts_and_revenue_per_flow():
    flows = migrate(
        np.array([0, 0, 1, 2, 1]), ["T1", "Tier 2", "Gold"], np.array([1, 2, 1, 3, 2]),
        np.array([10.0, 20.0, 30.0, 40.0, 50.0]),
    )  # fmt: skip
    matrix = {
        (f["from"], f["to"]): (f["customers"], f["revenue"]) for f in flows.as_dict()["matrix"]
    }
    assert matrix == {
        ("Tier 1", "Tier 1"): (1, 10.0),
        ("Tier 1", "Tier 2"): (1, 20.0),
        ("Tier 2", "Tier 1"): (1, 30.0),
        ("Tier 2", "Tier 2"): (1, 50.0),
        ("Gold", "Tier 3"): (1, 40.0),
    }
    assert flows.moved_customers == 3 and flows.moved_revenue == 90.0
    assert flows.headline("$") == (
        "1 account, $30 of revenue, moves up a tier; 1 account, $20 of revenue, moves down a "
        "tier; 1 account, $40 of revenue, changes tier."
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1e6)), min_size=1, max_size=200),
    st.lists(st.floats(1, 1e6), min_size=1, max_size=3),
)
def test_every_customer_is_in_exactly_one_flow(rows, cuts):
    codes = np.array([code for code, _ in rows])
    revenue = np.array([value for _, value in rows])
    targets = tier_of(revenue, cuts)
    flows = migrate(codes, ["Tier 1", "Tier 2", "Tier 3", "Gold"], targets, revenue)
    assert sum(f.customers for f in flows.flows) == len(rows)
    assert sum(f.revenue for f in flows.flows) == pytest.approx(revenue.sum(), abs=0.01 * len(rows))


def test_the_stores_migration_matches_pandas(sample):
    flows, movers = sample.migration(EVERYTHING, REVENUE_ONLY, (55_000, 20_000))
    frame = pd.read_csv(SAMPLE_PATH)
    revenue = frame.annual_revenue
    frame["new"] = np.where(
        revenue >= 55_000, "Tier 1", np.where(revenue >= 20_000, "Tier 2", "Tier 3")
    )
    moved = frame[frame["new"] != frame["current_tier"]]
    assert flows.moved_customers == len(moved) == len(movers)
    assert flows.moved_revenue == pytest.approx(moved.annual_revenue.sum(), abs=0.01)
    assert set(movers["customer_id"]) == set(moved["customer_id"])


def test_a_placement_says_how_far_from_each_neighbouring_tier():
    index = TierIndex.from_values([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    where = place(index, [45, 25], 30.0)
    assert (where.tier, where.rank, where.percentile) == (2, 4, pytest.approx(2 / 6))
    assert (where.up_gap, where.up_ranks) == (15.0, 1)  # 40 is between it and the cut-off
    assert (where.down_gap, where.down_ranks) == (5.0, 0)
    top = place(index, [45, 25], 60.0)
    assert top.up_cut is None and top.rank == 1


def test_near_boundary_is_relative_to_the_cut_off():
    keys = np.array([95.0, 104.0, 106.0, 19_000.0, 21_500.0])
    assert near_boundary(keys, [20_000, 100], 0.05).tolist() == [True, True, False, True, False]


def test_the_tier_list_opens_with_pandas_and_openpyxl_and_holds_every_customer(sample):
    table = sample.tier_table(EVERYTHING, REVENUE_ONLY, (55_000, 20_000))
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(table)))
    assert list(csv.columns) == ["customer_id", "customer_name", "tier", "annual_revenue",
                                 "previous_tier"]  # fmt: skip
    revenue = pd.read_csv(SAMPLE_PATH)["annual_revenue"]
    assert len(csv) == 5000 and (csv["tier"] == "Tier 1").sum() == (revenue >= 55_000).sum()
    assert csv["tier"].is_monotonic_increasing
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table))).active
    assert sheet.max_row == 5001 and [c.value for c in sheet[1]] == list(csv.columns)


def test_the_tier_list_is_formula_safe():
    dataset = Dataset.from_file(
        b"customer_id,customer_name,annual_revenue\n=1+1,@evil,5\n", "x.csv"
    )
    csv = to_csv_bytes(dataset.tier_table(EVERYTHING, REVENUE_ONLY, (3,))).decode()
    assert "'=1+1" in csv and "'@evil" in csv


def test_the_meeting_pack_is_self_contained_and_complete(sample):
    summary = summarize(sample.index, (55_000, 20_000))
    plan = capacity.Plan.default_for(summary)
    caps = capacity.tier_capacity(
        summary, plan, books.tier_measure(sample.index, summary.cuts, "cost_to_serve")
    )
    migration, _ = sample.migration(EVERYTHING, REVENUE_ONLY, summary.cuts)
    content = pack.PackContent(
        title="Q3 <tiering>", dataset="customers.csv", scope="all customers",
        criteria="annual revenue", summary=summary, score=False, pareto=sample.index.pareto,
        capacities=caps, unprofitable=books.unprofitable_counts(sample.index, summary.cuts, plan),
        plan=plan, migration=migration,
    )  # fmt: skip
    html = pack.render(content, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    assert "<title>Q3 &lt;tiering&gt;</title>" in html
    assert "<script" not in html
    assert not re.search(r'(src|href)="http', html)  # nothing to fetch
    for part in ("Parameters", "Tiers", "Revenue share", "CSM load", "Who moves", "<svg"):
        assert part in html
    assert "@page" in html and "A4" in html


CENT_VALUES = st.lists(st.integers(-(10**8), 10**11), min_size=1, max_size=60)


@settings(max_examples=60)
@given(cents=CENT_VALUES, data=st.data())
def test_migration_and_book_revenue_are_exact_decimal_sums_of_the_cents(cents, data):
    n = len(cents)
    revenue = np.array([c / 100 for c in cents])
    sources = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    owners = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    cut = data.draw(st.integers(-(10**8), 10**11)) / 100
    targets = tier_of(revenue, [cut], in_cents=True)
    flows = migrate(sources, ["Tier 1", "Tier 2", "Tier 3"], targets, revenue)
    exact: dict[tuple[str, str], Decimal] = {}
    for source, target, c in zip(sources, targets, cents, strict=True):
        key = (f"Tier {source + 1}", f"Tier {target}")
        exact[key] = exact.get(key, Decimal(0)) + Decimal(c) / 100
    assert {(f.source, f.target): Decimal(repr(f.revenue)) for f in flows.flows} == exact
    moved = sum((v for (s, t), v in exact.items() if s != t), Decimal(0))
    assert Decimal(repr(flows.moved_revenue)) == moved
    index = TierIndex.from_values(revenue, revenue, columns={"owner": owners, "revenue": revenue})
    plan = capacity.Plan.default_for(summarize(index, [cut]))
    names = ["a", "b", "c", "d"]
    by_owner = {
        book.owner: Decimal(repr(book.revenue))
        for book in books.books(index, [cut], plan, names, 1100.0)
    }
    expected: dict[str, Decimal] = {}
    for owner, c in zip(owners, cents, strict=True):
        expected[names[owner]] = expected.get(names[owner], Decimal(0)) + Decimal(c) / 100
    assert by_owner == expected
