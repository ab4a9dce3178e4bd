"""Books from owner runs (binary searches) count what a pass over every customer counts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.books import books, tier_bounds, unprofitable_counts
from lib.capacity import Plan, unprofitable_threshold
from lib.tiering import TierIndex, summarize, tier_of

OWNERS = ["Ana", "Ben", "Scale Team A", "(none)"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5_000_000), st.integers(0, 3)), min_size=1, max_size=60),
    st.lists(st.integers(1, 5_000_000), min_size=2, max_size=2, unique=True),
)
def test_each_books_accounts_and_revenue_are_those_of_its_customers(customers, cuts) -> None:
    revenue = np.array([c for c, _ in customers], dtype=np.float64) / 100
    owner = np.array([o for _, o in customers], dtype=np.int32)
    index = TierIndex.from_values(revenue, revenue, columns={"owner": owner, "revenue": revenue})
    levels = sorted((c / 100 for c in cuts), reverse=True)
    plan = Plan.default_for(summarize(index, levels))
    tiers = tier_of(revenue, levels, in_cents=True)
    for book in books(index, levels, plan, OWNERS, 1100.0):
        mine = owner == OWNERS.index(book.owner)
        assert book.accounts == tuple(int(((tiers == t) & mine).sum()) for t in (1, 2, 3))
        assert round(book.revenue * 100) == int(np.rint(revenue[mine] * 100).sum())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 500_000), st.integers(-200_000, 500_000)), max_size=60),
    st.lists(
        st.tuples(st.lists(st.integers(1, 500_000), min_size=2, max_size=2, unique=True),
                  st.sampled_from([0.5, 1.0, 3.0])),
        min_size=1, max_size=6,
    ),
)  # fmt: skip
def test_unprofitable_counts_kept_per_tier_are_those_of_a_pass_over_every_customer(
    customers, views
) -> None:
    # Kept per stretch of the index and threshold (issue 15: a move of one cut-off recounts
    # only the tiers beside it); any change of cut-offs or plan gives the count of a fresh pass.
    revenue = np.array([c for c, _ in customers], dtype=np.float64) / 100
    profit = np.array([p for _, p in customers], dtype=np.float64) / 100
    index = TierIndex.from_values(revenue, revenue, columns={"profit": profit})
    profit_in_order = index.columns["profit"]
    for cents, scale in views:
        levels = sorted((c / 100 for c in cents), reverse=True)
        base = Plan.default_for(summarize(index, levels))
        teams = tuple(replace(t, cost_per_hour=t.cost_per_hour * scale) for t in base.teams)
        plan = Plan(base.matrix, teams)
        expected = tuple(
            int((profit_in_order[low:high] < unprofitable_threshold(plan, tier)).sum())
            for tier, (low, high) in enumerate(tier_bounds(index, levels), start=1)
        )
        assert unprofitable_counts(index, levels, plan) == expected
