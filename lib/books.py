"""Per-tier figures that need each customer, not just sums: cost, unprofitable accounts, books.

They work on the arrays the tier index keeps in key order, one slice per tier, so a slider move
costs at most one pass over the customers in numpy (a few milliseconds at a million), never a
query, and the unprofitable counts of a tier whose stretch did not move are kept; books, asked
twice a move on the Plan page, search runs sorted once per index (`owner_runs`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from lib.cache import BoundedCache, KeptWhileAlive
from lib.capacity import Plan, unprofitable_threshold
from lib.slices import UNASSIGNED
from lib.team import DEFAULT_UTILISATION
from lib.tiering import TierIndex, normalize_cuts


@dataclass(frozen=True, eq=False)
class OwnerRuns:
    """An index's customers grouped by owner, in key order within each owner: each owner's
    accounts between two positions of the index are a binary search, not a pass over all."""

    keys: np.ndarray  # owner code x stride + position in the index, ascending
    cents: np.ndarray  # revenue in whole cents summed along `keys` (len n + 1, first 0)
    stride: int


_RUNS: KeptWhileAlive[TierIndex, OwnerRuns] = KeptWhileAlive()  # read by every session's thread


def owner_runs(index: TierIndex) -> OwnerRuns:
    """The owner runs of `index`: made once per index (a sort), kept while the index lives."""
    return _RUNS.get(index, lambda: _owner_runs(index))


def _owner_runs(index: TierIndex) -> OwnerRuns:
    codes = index.columns["owner"].astype(np.int64)
    stride = index.customers + 1
    order = np.argsort(codes, kind="stable")  # by owner; positions ascending within each
    cents = np.zeros(len(order) + 1)
    cents[1:] = np.cumsum(np.rint(index.columns["revenue"][order] * 100))
    return OwnerRuns(keys=codes[order] * stride + order, cents=cents, stride=stride)


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
    counted = _UNPROFITABLE.get(index, lambda: BoundedCache(UNPROFITABLE_KEPT))

    def count(low: int, high: int, threshold: float) -> int:
        return counted.get(
            (low, high, threshold),
            lambda: int(np.count_nonzero(profit[low:high] < threshold)),
        )

    return tuple(
        count(low, high, unprofitable_threshold(plan, tier))
        for tier, (low, high) in enumerate(tier_bounds(index, cuts), start=1)
    )


# A tier's count kept per stretch of the index and threshold: moving one cut-off changes the
# stretches of the two tiers beside it, and the others (the bottom tier, most of the accounts)
# are not counted again. The last few per index, dropped with it.
UNPROFITABLE_KEPT = 16
_UNPROFITABLE: KeptWhileAlive[TierIndex, BoundedCache[tuple[int, int, float], int]] = (
    KeptWhileAlive()
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


def owner_figures(
    index: TierIndex, cuts: Sequence[float], plan: Plan, owners: Sequence[str]
) -> list[BookFigures]:
    """Each owner's accounts per tier, revenue and hours needed under `cuts`, in `owners` order
    (the codes of the index's owner column): one binary search per owner and tier. No owners
    (the data has no csm_owner column): no figures."""
    if not owners:
        return []
    runs = owner_runs(index)
    bounds = tier_bounds(index, cuts)
    hours = np.asarray(plan.matrix.hours_per_account())
    counts = np.zeros((len(owners), len(bounds)), dtype=np.int64)
    money = np.zeros(len(owners))
    starts = np.arange(len(owners), dtype=np.int64) * runs.stride
    for tier, (low, high) in enumerate(bounds):
        first = np.searchsorted(runs.keys, starts + low, "left")
        last = np.searchsorted(runs.keys, starts + high, "left")
        counts[:, tier] = last - first
        # In whole cents: exact whatever the order (revenue is whole cents, lib/tiering).
        money += runs.cents[last] - runs.cents[first]
    return [
        BookFigures(
            accounts=tuple(int(n) for n in counts[code]),
            revenue=float(money[code] / 100),
            hours=float(counts[code] @ hours),
        )
        for code in range(len(owners))
    ]


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
    sizes = pool_csms or {}
    out = []
    for name, figures in zip(owners, owner_figures(index, cuts, plan, owners), strict=True):
        if not sum(figures.accounts):
            continue
        needed = figures.hours
        if name == UNASSIGNED:
            csms = 0.0
        elif is_pool(name):
            csms = float(sizes.get(name, default_pool_csms(needed, hours_per_csm)))
        else:
            csms = 1.0
        out.append(
            Book(
                owner=name,
                accounts=figures.accounts,
                revenue=figures.revenue,
                hours_needed=needed,
                hours_available=csms * hours_per_csm,
                csms=csms,
            )
        )
    return sorted(
        out,
        key=lambda book: (book.is_unassigned, -book.utilisation, -book.hours_needed, book.owner),
    )


# --- before and after a proposal: one row per CSM of the roster ----------------------------


@dataclass(frozen=True)
class BookFigures:
    """One book's size: accounts per tier (top first), revenue, hours its accounts need."""

    accounts: tuple[int, ...]
    revenue: float
    hours: float

    @staticmethod
    def empty(tier_count: int) -> BookFigures:
        return BookFigures(accounts=(0,) * tier_count, revenue=0.0, hours=0.0)


def utilisation(hours: float, capacity: float) -> float:
    """Hours needed over hours available (inf when hours are needed and none are there)."""
    if capacity > 0:
        return hours / capacity
    return float("inf") if hours > 0 else 0.0


@dataclass(frozen=True)
class CsmBook:
    """One CSM (or pooled team) of the roster: what they serve, their hours, their book today
    (`before`, from the data's csm_owner) and under a proposal (`after`, None until one)."""

    csm: str
    tiers: tuple[int, ...]  # the tiers they serve (1 is the top)
    headcount: float  # 1 for a named CSM, N for a pool
    capacity_hours: float  # customer-facing hours a year of the whole headcount
    before: BookFigures
    after: BookFigures | None = None
    in_roster: bool = True  # False: owns accounts today, but the roster has no such CSM

    @property
    def is_unassigned(self) -> bool:
        return self.csm == UNASSIGNED

    @property
    def is_pool(self) -> bool:
        return self.headcount != 1 or is_pool(self.csm)

    def utilisation(self, after: bool = False) -> float:
        figures = self.after if after and self.after is not None else self.before
        return utilisation(figures.hours, self.capacity_hours)

    def is_over(self, after: bool = False) -> bool:
        if self.is_unassigned:
            return False
        figures = self.after if after and self.after is not None else self.before
        return figures.hours > self.capacity_hours


class RosterMember(Protocol):
    """What a book needs of a roster entry (lib.roster.RosterEntry)."""

    @property
    def csm(self) -> str: ...
    @property
    def tiers(self) -> tuple[int, ...]: ...
    @property
    def headcount(self) -> float: ...
    @property
    def capacity_hours(self) -> float: ...


def csm_books(
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    owners: Sequence[str],
    roster: Sequence[RosterMember],
    *,
    after: Mapping[str, BookFigures] | None = None,
) -> list[CsmBook]:
    """Every roster CSM's book today (the fast owner runs: no solver) and, given a proposal's
    books (`after`), under it; owners of today who are not in the roster, and the unassigned
    accounts ("(none)", no hours, listed last), too. Most loaded first (after a proposal: by
    the proposal's load)."""
    tier_count = len(tier_bounds(index, cuts))
    today = dict(zip(owners, owner_figures(index, cuts, plan, owners), strict=True))
    empty = BookFigures.empty(tier_count)
    out = []
    for line in roster:
        out.append(
            CsmBook(
                csm=line.csm,
                tiers=line.tiers,
                headcount=line.headcount,
                capacity_hours=line.capacity_hours,
                before=today.get(line.csm, empty),
                after=None if after is None else after.get(line.csm, empty),
            )
        )
    named = {line.csm for line in roster}
    for owner, figures in today.items():
        if owner in named or not sum(figures.accounts):
            continue
        out.append(
            CsmBook(
                csm=owner,
                tiers=(),
                headcount=0.0,
                capacity_hours=0.0,
                before=figures,
                after=None if after is None else after.get(owner, empty),
                in_roster=owner == UNASSIGNED,
            )
        )
    shown_after = after is not None
    return sorted(
        out,
        key=lambda book: (
            book.is_unassigned,
            -book.utilisation(shown_after),
            -(book.after or book.before).hours,
            book.csm,
        ),
    )
