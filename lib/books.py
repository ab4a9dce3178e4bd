"""Per-tier figures that need each customer, not just sums: cost, unprofitable accounts, books.

They work on the arrays the tier index keeps in key order, one slice per tier, so a slider move
costs one pass over the customers in numpy (a few milliseconds at a million), never a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.capacity import Plan, unprofitable_threshold
from lib.slices import UNASSIGNED
from lib.tiering import TierIndex, normalize_cuts


def tier_bounds(index: TierIndex, cuts: Sequence[float]) -> list[tuple[int, int]]:
    """(low, high) positions in key order of each tier, top first."""
    ordered = normalize_cuts(cuts)
    edges = [index.customers, *(int(p) for p in index.positions(ordered)), 0]
    return [(edges[t + 1], edges[t]) for t in range(len(ordered) + 1)]


def tier_measure(index: TierIndex, cuts: Sequence[float], name: str) -> tuple[float, ...] | None:
    """Each tier's sum of a measure (e.g. cost_to_serve); None when the data has no such column."""
    if name not in index.measures:
        return None
    return tuple(index.measure_between(name, low, high) for low, high in tier_bounds(index, cuts))


def unprofitable_counts(index: TierIndex, cuts: Sequence[float], plan: Plan) -> tuple[int, ...]:
    """Accounts per tier whose revenue minus cost to serve does not cover their CSM time.

    An account is unprofitable when revenue - cost_to_serve < hours per account x cost per hour
    of its tier (lib.capacity.unprofitable_threshold).
    """
    profit = index.columns["profit"]
    return tuple(
        int(np.count_nonzero(profit[low:high] < unprofitable_threshold(plan, tier)))
        for tier, (low, high) in enumerate(tier_bounds(index, cuts), start=1)
    )


@dataclass(frozen=True)
class Book:
    """One CSM's book of business under the current cut-offs."""

    owner: str
    accounts: tuple[int, ...]  # per tier, top first
    revenue: float
    hours_needed: float
    hours_available: float

    @property
    def utilisation(self) -> float:
        if self.hours_available > 0:
            return self.hours_needed / self.hours_available
        return float("inf") if self.hours_needed > 0 else 0.0

    @property
    def is_overloaded(self) -> bool:
        return self.hours_needed > self.hours_available


def books(
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    owners: Sequence[str],
    hours_per_csm: float,
) -> list[Book]:
    """Every CSM's book — accounts per tier, hours needed vs one CSM's hours, revenue — the most
    loaded first. Unassigned accounts form their own book ("(none)"), with no hours available.
    """
    codes = index.columns["owner"]
    revenue = index.columns["revenue"]
    bounds = tier_bounds(index, cuts)
    hours = plan.matrix.hours_per_account()
    counts = np.zeros((len(owners), len(bounds)), dtype=np.int64)
    money = np.zeros(len(owners))
    for tier, (low, high) in enumerate(bounds):
        counts[:, tier] = np.bincount(codes[low:high], minlength=len(owners))
        # In whole cents: exact whatever the order (revenue is whole cents, lib/tiering).
        cents = np.rint(revenue[low:high] * 100)
        money += np.bincount(codes[low:high], weights=cents, minlength=len(owners))
    out = [
        Book(
            owner=name,
            accounts=tuple(int(n) for n in counts[code]),
            revenue=float(money[code] / 100),
            hours_needed=float(counts[code] @ np.asarray(hours)),
            hours_available=0.0 if name == UNASSIGNED else hours_per_csm,
        )
        for code, name in enumerate(owners)
        if counts[code].sum()
    ]
    return sorted(out, key=lambda book: (-book.utilisation, -book.hours_needed, book.owner))
