"""The tier of record as Who moves' baseline: per account id, new accounts from "none", gone
accounts to "none", never dropped (lib.adoption.align, MoversIndex, Dataset.flows/movers)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.adoption import Adoption, AdoptionInfo, TierList, tier_list_of
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.migration import NONE
from lib.movers import MoversIndex, align
from lib.scenario import Scenario
from lib.slices import EVERYTHING, Slice
from lib.tiering import tier_name, tier_of


def adoption_of(ids, tiers, cents, cuts=(50.0, 10.0), slice_=EVERYTHING) -> Adoption:
    scenario = Scenario(tuple(cuts), slice=slice_)
    info = AdoptionInfo(7, "Q3 plan", scenario, 1, "ana", datetime(2026, 9, 30, tzinfo=UTC),
                        len(ids), int(sum(cents)))  # fmt: skip
    listed = TierList(np.array(ids, dtype=object), tiers, np.array(cents, np.int64))
    return Adoption(info, listed.ids, listed.tiers, listed.cents)


def brute_force(adoption: Adoption, ids, revenue, cuts) -> dict[tuple[str, str], tuple[int, int]]:
    """Every account one by one: its tier of record (or none) -> its tier now (or none)."""
    recorded = {i: (int(t), int(c)) for i, t, c in zip(adoption.ids, adoption.tiers, adoption.cents,
                                                       strict=True)}  # fmt: skip
    after = tier_of(np.asarray(revenue), cuts, in_cents=True)
    customers: Counter = Counter()
    cents: Counter = Counter()
    for account, value, tier in zip(ids, revenue, after, strict=True):
        before = tier_name(recorded[account][0]) if account in recorded else NONE
        customers[before, tier_name(int(tier))] += 1
        cents[before, tier_name(int(tier))] += round(value * 100)
    for account, (tier, amount) in recorded.items():
        if account not in set(ids):
            customers[tier_name(tier), NONE] += 1
            cents[tier_name(tier), NONE] += amount
    return {pair: (customers[pair], cents[pair]) for pair in customers}


@st.composite
def histories(draw: st.DrawFn) -> tuple:
    pool = [f"C{i}" for i in range(30)]
    recorded = draw(st.lists(st.sampled_from(pool), unique=True, max_size=30))
    now = draw(st.lists(st.sampled_from(pool), unique=True, max_size=30))
    tiers = draw(st.lists(st.integers(1, 3), min_size=len(recorded), max_size=len(recorded)))
    cents = draw(st.lists(st.integers(0, 10_000), min_size=len(recorded), max_size=len(recorded)))
    revenue = draw(st.lists(st.integers(0, 10_000), min_size=len(now), max_size=len(now)))
    cuts = sorted(draw(st.lists(st.integers(1, 100), min_size=1, max_size=3, unique=True)))[::-1]
    return recorded, tiers, cents, now, [c / 100 for c in revenue], [float(c) for c in cuts]


@settings(max_examples=200, deadline=None)
@given(histories())
def test_flows_from_a_tier_of_record_count_every_account_new_and_gone(history) -> None:
    recorded, tiers, cents, now, revenue, cuts = history
    adoption = adoption_of(recorded, tiers, cents)
    aligned = align(adoption.baseline, pa.array(now, pa.string()))
    values = np.array(revenue, dtype=np.float64)
    everyone = np.ones(len(now), bool)
    index = MoversIndex.build(values, values, everyone, aligned.labels, aligned.codes,
                              in_cents=True, gone=aligned.gone, of_record=True)  # fmt: skip
    flows = index.flows(cuts)
    got = {(f.source, f.target): (f.customers, round(f.revenue * 100)) for f in flows.flows}
    assert got == brute_force(adoption, now, revenue, cuts)
    assert sum(f.customers for f in flows.flows) == len(set(now) | set(recorded))


def test_the_headline_says_how_many_are_new_and_gone() -> None:
    adoption = adoption_of(["A", "B", "C"], [1, 2, 3], [9_000, 2_000, 100])
    aligned = align(adoption.baseline, pa.array(["A", "B", "D"]))
    values = np.array([90.0, 60.0, 5.0])  # A stays in Tier 1, B moves up, D is new
    index = MoversIndex.build(values, values, np.ones(3, bool), aligned.labels, aligned.codes,
                              in_cents=True, gone=aligned.gone, of_record=True)  # fmt: skip
    headline = index.flows((50.0, 10.0)).headline("$")
    assert headline == (
        "1 account, $60 of revenue, moves up a tier; 2 accounts, $6 of revenue, change tier. "
        "Of them, 1 account new and 1 gone since the tier of record."
    )


def test_who_moves_against_a_tier_of_record_on_new_data(write_csv) -> None:
    first = Dataset.from_csv(write_csv(
        "customer_id,annual_revenue,region\nA,90,EMEA\nB,20,EMEA\nC,5,US\nD,60,US\n", "q2.csv"
    ))  # fmt: skip
    scenario = Scenario((50.0, 10.0))
    listed = tier_list_of(first, scenario)
    assert dict(zip(listed.ids, listed.tiers.tolist(), strict=True)) == {
        "A": 1, "B": 2, "C": 3, "D": 1,
    }  # fmt: skip
    assert listed.cents.tolist() == [9_000, 2_000, 500, 6_000]
    adoption = adoption_of(listed.ids, listed.tiers, listed.cents, scenario.cuts)
    later = Dataset.from_csv(write_csv(
        "customer_id,annual_revenue,region\nA,95,EMEA\nB,70,EMEA\nE,30,US\n", "q3.csv"
    ))  # fmt: skip
    flows = later.flows(EVERYTHING, REVENUE_ONLY, (50.0, 10.0), adoption.baseline)
    cells = {(f.source, f.target): (f.customers, f.revenue) for f in flows.flows}
    assert cells == {
        ("Tier 1", "Tier 1"): (1, 95.0),
        ("Tier 2", "Tier 1"): (1, 70.0),
        ("Tier 1", NONE): (1, 60.0),  # D: gone, its revenue of record
        ("Tier 3", NONE): (1, 5.0),  # C: gone
        (NONE, "Tier 2"): (1, 30.0),  # E: new since the adoption
    }
    movers = later.movers(EVERYTHING, REVENUE_ONLY, (50.0, 10.0), adoption.baseline)
    assert movers["customer_id"].tolist() == ["B", "E", "D", "C"]
    assert movers["to"].tolist() == ["Tier 1", "Tier 2", NONE, NONE]
    # Under another slice the gone accounts cannot be placed: not counted there.
    us = Slice.of({"region": ["US"]})
    sliced = later.flows(us, REVENUE_ONLY, (50.0, 10.0), adoption.baseline)
    assert {(f.source, f.target) for f in sliced.flows} == {(NONE, "Tier 2")}
