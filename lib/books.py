"""Per-tier figures that need each customer, not just sums: cost, unprofitable accounts, books.

They work on the arrays the tier index keeps in key order, one slice per tier, so a slider move
costs one pass over the customers in numpy (a few milliseconds at a million), never a query.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lib.capacity import Plan, unprofitable_threshold
from lib.slices import UNASSIGNED
from lib.team import DEFAULT_UTILISATION
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


# A csm_owner that names a team rather than a person ("Scale Team A", "Tech-touch pool"): its
# book is shared by several CSMs, so its load is over its headcount's hours, not one person's.
POOL_WORDS = frozenset({"team", "pool", "pod", "squad", "desk", "queue", "group", "crew"})


def is_pool(owner: str) -> bool:
    """Whether a csm_owner names a pooled team ("Scale Team A") rather than one CSM."""
    return owner != UNASSIGNED and bool(POOL_WORDS & set(re.findall(r"[a-z]+", owner.lower())))


@dataclass(frozen=True)
class Book:
    """One CSM's (or one pooled team's) book of business under the current cut-offs."""

    owner: str
    accounts: tuple[int, ...]  # per tier, top first
    revenue: float
    hours_needed: float
    hours_available: float
    csms: float = 1.0  # headcount sharing the book: 1 for a person, the pool's size for a pool

    @property
    def is_unassigned(self) -> bool:
        """Accounts with no csm_owner: nobody's book, so no load to speak of."""
        return self.owner == UNASSIGNED

    @property
    def is_pool(self) -> bool:
        return is_pool(self.owner)

    @property
    def utilisation(self) -> float:
        if self.hours_available > 0:
            return self.hours_needed / self.hours_available
        return float("inf") if self.hours_needed > 0 else 0.0

    @property
    def is_overloaded(self) -> bool:
        return not self.is_unassigned and self.hours_needed > self.hours_available


def default_pool_csms(hours_needed: float, hours_per_csm: float) -> float:
    """A starting headcount for a pool: the whole CSMs its book needs at the default utilisation
    (like the default tier teams); people then type the pool's real headcount."""
    return float(max(math.ceil(hours_needed / hours_per_csm / DEFAULT_UTILISATION), 1))


def books(
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    owners: Sequence[str],
    hours_per_csm: float,
    *,
    pool_csms: Mapping[str, float] | None = None,
) -> list[Book]:
    """Every CSM's book — accounts per tier, hours needed vs its CSMs' hours, revenue — the most
    loaded first. A pooled team (is_pool) has the headcount `pool_csms` gives it (by default
    default_pool_csms); one CSM has `hours_per_csm`. Unassigned accounts form their own book
    ("(none)"), with no hours and no load, listed last.
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
    sizes = pool_csms or {}
    out = []
    for code, name in enumerate(owners):
        if not counts[code].sum():
            continue
        needed = float(counts[code] @ np.asarray(hours))
        if name == UNASSIGNED:
            csms = 0.0
        elif is_pool(name):
            csms = float(sizes.get(name, default_pool_csms(needed, hours_per_csm)))
        else:
            csms = 1.0
        out.append(
            Book(
                owner=name,
                accounts=tuple(int(n) for n in counts[code]),
                revenue=float(money[code] / 100),
                hours_needed=needed,
                hours_available=csms * hours_per_csm,
                csms=csms,
            )
        )
    return sorted(
        out,
        key=lambda book: (book.is_unassigned, -book.utilisation, -book.hours_needed, book.owner),
    )
