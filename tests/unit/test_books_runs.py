"""Books from owner runs (binary searches) count what a pass over every customer counts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.books import books
from lib.capacity import Plan
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
