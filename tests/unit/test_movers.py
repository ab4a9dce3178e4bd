"""Who moves from sorted groups gives what every customer's tiers give (lib.migration.migrate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import movers
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.migration import Flow, migrate, migration_between, normalize_tier
from lib.movers import MoversIndex
from lib.sample import SAMPLE_PATH
from lib.slices import EVERYTHING
from lib.tiering import TierIndex, tier_name, tier_of

LABELS = ["Tier 1", "T2", "tier 3", "Strategic", "(none)", "2"]


@st.composite
def customers(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(0, 60))
    cents = draw(st.lists(st.integers(0, 10_000_000), min_size=n, max_size=n))
    codes = draw(st.lists(st.integers(0, len(LABELS) - 1), min_size=n, max_size=n))
    keep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    cuts = draw(st.lists(st.integers(1, 10_000_000), min_size=1, max_size=4, unique=True))
    return (
        np.array(cents, dtype=np.float64) / 100,
        np.array(codes, dtype=np.int64),
        np.array(keep, dtype=bool),
        sorted((c / 100 for c in cuts), reverse=True),
    )


def every_customer(revenue, codes, keep, cuts, keys=None):
    """The movers as the page built them before: every customer tiered, a loop for direction."""
    after = tier_of(revenue, cuts, in_cents=True) if keys is None else tier_of(keys, cuts)
    before = np.array([normalize_tier(label) for label in LABELS], dtype=object)[codes]
    names = np.array([tier_name(t) for t in after], dtype=object)
    moved = np.flatnonzero(keep & (before != names))
    moved = moved[np.argsort(-revenue[moved], kind="stable")]
    directions = [Flow(before[r], names[r], 0, 0.0).direction for r in moved]
    return moved, list(before[moved]), list(names[moved]), directions


@settings(max_examples=200, deadline=None)
@given(customers())
def test_flows_from_sorted_groups_are_those_of_every_customer(data) -> None:
    revenue, codes, keep, cuts = data
    index = MoversIndex.build(revenue, revenue, keep, LABELS, codes, in_cents=True)
    expected = migrate(
        codes[keep], LABELS, tier_of(revenue, cuts, in_cents=True)[keep], revenue[keep]
    )
    assert index.flows(cuts) == expected


@settings(max_examples=200, deadline=None)
@given(customers(), st.integers(1, 70))
def test_the_biggest_movers_are_the_head_of_every_mover_by_revenue(data, limit) -> None:
    revenue, codes, keep, cuts = data
    index = MoversIndex.build(revenue, revenue, keep, LABELS, codes, in_cents=True)
    rows, before, after, directions = every_customer(revenue, codes, keep, cuts)
    every = index.movers(cuts, ("up", "down", "changed"))
    assert every.rows.tolist() == rows.tolist()
    assert (list(every.before), list(every.after)) == (before, after)
    assert list(every.direction) == directions
    head = index.movers(cuts, ("up", "down", "changed"), limit=limit)
    assert head.rows.tolist() == rows[:limit].tolist()


@settings(max_examples=200, deadline=None)
@given(customers(), st.integers(1, 70), st.randoms(use_true_random=False))
def test_by_a_score_the_biggest_movers_are_those_of_every_customer(data, limit, rng) -> None:
    # A score key: tiers are not stretches of the revenue ranking, so the movers are scanned.
    revenue, codes, keep, cuts = data
    keys = np.array([rng.choice([0.0, 0.5, 1.0, rng.random()]) for _ in revenue]) * 1e7
    index = MoversIndex.build(keys, revenue, keep, LABELS, codes, in_cents=False)
    assert index.by_source is None or np.array_equal(keys[keep], revenue[keep])
    rows, before, after, _ = every_customer(revenue, codes, keep, cuts, keys=keys)
    every = index.movers(cuts, ("up", "down", "changed"))
    assert every.rows.tolist() == rows.tolist()
    assert (list(every.before), list(every.after)) == (before, after)
    head = index.movers(cuts, ("up", "down", "changed"), limit=limit)
    assert head.rows.tolist() == rows[:limit].tolist()


@settings(max_examples=100, deadline=None)
@given(customers(), st.sets(st.sampled_from(["up", "down", "changed"])))
def test_only_the_directions_shown_are_listed(data, shown) -> None:
    revenue, codes, keep, cuts = data
    index = MoversIndex.build(revenue, revenue, keep, LABELS, codes, in_cents=True)
    rows, _, _, directions = every_customer(revenue, codes, keep, cuts)
    listed = index.movers(cuts, tuple(shown), limit=10)
    expected = [r for r, d in zip(rows.tolist(), directions, strict=True) if d in shown][:10]
    assert listed.rows.tolist() == expected


def test_a_scan_in_small_chunks_finds_the_same_biggest_movers() -> None:
    rng = np.random.default_rng(7)
    revenue = rng.integers(0, 10_000_000, 500) / 100
    codes = rng.integers(0, len(LABELS), 500)
    keep = rng.random(500) < 0.8
    index = MoversIndex.build(revenue, revenue, keep, LABELS, codes, in_cents=True)
    whole = index.movers([60_000.0, 20_000.0], ("up", "down"), limit=40)
    before, movers.SCAN_CHUNK = movers.SCAN_CHUNK, 7
    try:
        chunked = index.movers([60_000.0, 20_000.0], ("up", "down"), limit=40)
    finally:
        movers.SCAN_CHUNK = before
    assert chunked.rows.tolist() == whole.rows.tolist()
    assert len(whole.rows) == 40


@pytest.mark.parametrize(
    ("shown", "limit", "baseline"),
    [
        (movers.DIRECTIONS[1:], 500, None),
        (("up",), 7, None),
        (movers.DIRECTIONS[1:], None, None),
        ((), 500, None),  # nothing shown: an empty table
        (movers.DIRECTIONS[1:], 40, (REVENUE_ONLY, (80_000.0, 30_000.0))),
    ],
)
def test_the_movers_table_is_the_one_built_column_by_column(shown, limit, baseline) -> None:
    # Dataset.movers adds its columns in Arrow and converts once (issue 15: four pandas
    # insertions were ~1.5 ms of each move): the same frame, dtypes included.
    data = Dataset.from_file(SAMPLE_PATH)
    cuts = (55_000.0, 20_000.0)
    found = data.movers_index(EVERYTHING, REVENUE_ONLY, baseline).movers(cuts, shown, limit)
    expected = data.rows(found.rows)
    expected["from"] = found.before
    expected["to"] = found.after
    expected["annual_revenue"] = data._arrays["annual_revenue"][found.rows]
    expected["direction"] = found.direction
    made = data.movers(EVERYTHING, REVENUE_ONLY, cuts, baseline, shown=shown, limit=limit)
    pd.testing.assert_frame_equal(made, expected)
    assert len(made) == (len(found.rows))


@pytest.mark.parametrize("count", [0, 1, 500])
def test_rows_with_columns_added_are_the_frame_built_column_by_column(count) -> None:
    data = Dataset.from_file(SAMPLE_PATH)
    rows = np.arange(count, dtype=np.int64)[::-1] * 3
    added = {
        "annual_revenue": np.linspace(0, 1, count),
        "nearest cut-off": np.full(count, 55_000.0),
        "label": np.array(["Tier 1"] * count, dtype=object),
    }
    expected = data.rows(rows)
    for name, values in added.items():
        expected[name] = values
    pd.testing.assert_frame_equal(data.rows(rows, added), expected)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10_000_000), max_size=60),
    st.lists(st.integers(0, 10_000_001), min_size=1, max_size=4, unique=True),
    st.lists(st.integers(0, 10_000_001), min_size=1, max_size=4, unique=True),
)
def test_flows_between_two_sets_of_cut_offs_are_those_of_every_customer(
    cents: list[int], before: list[int], after: list[int]
) -> None:
    # Ties and cut-offs on a value included (cut-offs drawn from the values' range).
    revenue = np.array(cents, dtype=np.float64) / 100
    cuts_before = sorted((c / 100 for c in before), reverse=True)
    cuts_after = sorted((c / 100 for c in after), reverse=True)
    was = tier_of(revenue, cuts_before, in_cents=True)
    labels = [tier_name(t) for t in range(1, len(cuts_before) + 2)]
    expected = migrate(was - 1, labels, tier_of(revenue, cuts_after, in_cents=True), revenue)
    found = migration_between(TierIndex.from_values(revenue), cuts_before, cuts_after)
    assert found == expected
