"""How stable tiers stay over a history: from -> to matrices per pair of periods, each period's
tiers, flaps; and, re-exported, the history itself (lib/history_tiers.py: snapshots, rules, tiers
over time), so callers import everything from here (issue 16).

`stability` does no Python per account: per pair of periods one pass finds the accounts that
change tier; per-tier figures are binary searches in each period's sorted cents, corrected for
the accounts the rules hold off their plain tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lib.errors import InputError
from lib.history_tiers import (
    DEFAULT_FLAP_WITHIN,
    MAX_BUFFER,
    MAX_MIN_STAY,
    NO_DATE,
    NO_RULES,
    NONE,
    History,
    Rules,
    Snapshot,
    _plain,
    _Tiering,
    _tiering,
    band_cents,
    day_number,
    tiers_over_time,
)
from lib.tiering import tier_name

__all__ = [
    "DEFAULT_FLAP_WITHIN",
    "MAX_BUFFER",
    "MAX_MIN_STAY",
    "NONE",
    "NO_DATE",
    "NO_RULES",
    "Cell",
    "History",
    "PeriodTiers",
    "Rules",
    "Snapshot",
    "Stability",
    "Transition",
    "band_cents",
    "day_number",
    "flapped",
    "stability",
    "tiers_over_time",
]


@dataclass(frozen=True)
class Cell:
    """Accounts going from one tier to another between two periods (0 is "none")."""

    from_tier: int
    to_tier: int
    customers: int
    revenue_cents: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": _tier_label(self.from_tier),
            "to": _tier_label(self.to_tier),
            "customers": self.customers,
            "revenue": self.revenue_cents / 100,
        }


def _tier_label(tier: int) -> str:
    return NONE if tier == 0 else tier_name(tier)


@dataclass(frozen=True)
class Transition:
    """From one period to the next: the from -> to matrix and what changed.

    `customers` are the accounts present in either period (the matrix's total); an account
    changes tier when its tier differs, "none" included (a new or a churned account changes).
    """

    from_period: str
    to_period: str
    customers: int
    changed_customers: int
    changed_revenue_cents: int
    cells: tuple[Cell, ...]

    @property
    def changed_share(self) -> float:
        return self.changed_customers / self.customers if self.customers else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "from_period": self.from_period,
            "to_period": self.to_period,
            "changed_customers": self.changed_customers,
            "changed_share": self.changed_share,
            "changed_revenue": self.changed_revenue_cents / 100,
            "matrix": [cell.as_dict() for cell in self.cells],
        }


@dataclass(frozen=True)
class PeriodTiers:
    """One period's customers and revenue (cents) per tier, Tier 1 first."""

    label: str
    customers: tuple[int, ...]
    revenue_cents: tuple[int, ...]

    @property
    def total_customers(self) -> int:
        return sum(self.customers)

    @property
    def total_revenue_cents(self) -> int:
        return sum(self.revenue_cents)

    def revenue_share(self, tier: int) -> float:
        """Tier `tier`'s (1-based) share of the period's revenue (0 when the total is 0)."""
        total = self.total_revenue_cents
        return self.revenue_cents[tier - 1] / total if total else 0.0


@dataclass(frozen=True)
class Stability:
    """How stable the tiers are over a history: per pair of periods, per period, flaps.

    Revenue a transition counts for an account: the later period's; for an account that churned
    (tier -> "none"), its last revenue, the earlier period's. `flapped`: accounts that left a
    tier for another and were back in it within `flap_within` periods, customers throughout
    (churning and returning is not a flap).
    """

    periods: tuple[str, ...]
    transitions: tuple[Transition, ...]
    flapped: int
    tiers: tuple[PeriodTiers, ...]
    flap_within: int = DEFAULT_FLAP_WITHIN

    @property
    def worst_changed_share(self) -> float:
        """The largest share of accounts changing tier between two periods (0 for one period)."""
        return max((t.changed_share for t in self.transitions), default=0.0)

    def as_dict(self) -> dict[str, Any]:
        """The JSON `tierboard history --json` prints (issue 16's contract)."""
        return {
            "periods": list(self.periods),
            "transitions": [transition.as_dict() for transition in self.transitions],
            "flapped": self.flapped,
        }


def stability(
    history: History,
    cuts: Sequence[float],
    rules: Rules = NO_RULES,
    flap_within: int = DEFAULT_FLAP_WITHIN,
) -> Stability:
    """Transitions, per-period tier figures and flaps under `cuts` and `rules`.

    Work per call: the tiers (tiers_over_time), then per pair of periods one pass to find the
    accounts that change tier; everything else is binary searches and sums over the accounts
    that changed or are held off their plain tier.
    """
    if flap_within < 2:
        raise InputError(f"A flap takes at least 2 periods (away and back); got {flap_within}.")
    tiering = _tiering(history, cuts, rules)
    tiers = tiering.tiers
    count = max(len(tiering.plain) + 1, int(tiers.max(initial=0)))
    side = count + 1
    figures = [_period_figures(history, tiering, p, side) for p in range(history.periods)]
    changes = [tiers[p] != tiers[p + 1] for p in range(history.periods - 1)]
    transitions = [
        _transition(history, tiers, p, figures[p + 1], side, changes=changes[p])
        for p in range(history.periods - 1)
    ]
    return Stability(
        periods=history.labels,
        transitions=tuple(transitions),
        flapped=_flapped(tiers, changes, flap_within),
        tiers=tuple(
            PeriodTiers(
                label=history.labels[p],
                customers=tuple(int(c) for c in customers[1:]),
                revenue_cents=tuple(int(r) for r in revenue[1:]),
            )
            for p, (customers, revenue) in enumerate(figures)
        ),
        flap_within=flap_within,
    )


def _sums(history: History, code: np.ndarray, cents: np.ndarray, size: int) -> np.ndarray:
    """Sums of whole cents per code (int64), exact: in doubles when they fit, else integers."""
    if history.exact_in_doubles:
        sums = np.bincount(code, weights=cents, minlength=size)
        return np.rint(sums).astype(np.int64)
    exact = np.zeros(size, dtype=np.int64)
    np.add.at(exact, code, np.asarray(cents, dtype=np.int64))
    return exact


def _period_figures(
    history: History, tiering: _Tiering, p: int, side: int
) -> tuple[np.ndarray, np.ndarray]:
    """Customers and revenue cents per tier (index 0: "none", left 0) in period p."""
    tiers, values = tiering.tiers[p], history.cents[p]
    exceptions = tiering.exceptions[p]
    if exceptions is None:  # recorded tiers: count them all
        here = history.present[p]
        code = tiers[here].astype(np.intp)
        customers = np.bincount(code, minlength=side)
        revenue = _sums(history, code, values[here], side)
        return customers, revenue
    ascending, prefix = history.ascending[p], history.prefix[p]
    n = len(ascending)
    # Plain tiers are stretches of the sorted values: tier t holds bounds[t] : bounds[t - 1].
    bounds = [n, *(int(i) for i in np.searchsorted(ascending, tiering.plain, side="left")), 0]
    customers = np.zeros(side, dtype=np.int64)
    revenue = np.zeros(side, dtype=np.int64)
    for t in range(1, len(bounds)):
        high, low = bounds[t - 1], bounds[t]
        customers[t] = high - low
        revenue[t] = prefix[high] - prefix[low]
    if len(exceptions):
        held = values[exceptions]
        was = _plain(held, np.ones(len(held), dtype=bool), tiering.plain).astype(np.intp)
        now = tiers[exceptions].astype(np.intp)
        customers += np.bincount(now, minlength=side) - np.bincount(was, minlength=side)
        revenue += _sums(history, now, held, side) - _sums(history, was, held, side)
    return customers, revenue


def _transition(
    history: History,
    tiers: np.ndarray,
    p: int,
    after: tuple[np.ndarray, np.ndarray],
    side: int,
    *,
    changes: np.ndarray,
) -> Transition:
    changed = np.flatnonzero(changes)
    later = tiers[p + 1][changed]
    code = tiers[p][changed].astype(np.intp) * side + later
    # The later period's revenue; a churned account's (tier 0 later) last revenue.
    weights = history.cents[p + 1][changed]
    gone = np.flatnonzero(later == 0)
    weights[gone] = history.cents[p][changed[gone]]
    customers = np.bincount(code, minlength=side * side).reshape(side, side)
    revenue = _sums(history, code, weights, side * side).reshape(side, side)
    # Those who stay: the later period's tier less those who entered it.
    for t in range(1, side):
        customers[t, t] = after[0][t] - customers[:, t].sum()
        revenue[t, t] = after[1][t] - revenue[:, t].sum()
    order = [*range(1, side), 0]  # tiers from the top, "none" last
    cells = tuple(
        Cell(a, b, int(customers[a, b]), int(revenue[a, b]))
        for a in order
        for b in order
        if (a, b) != (0, 0)
    )
    return Transition(
        from_period=history.labels[p],
        to_period=history.labels[p + 1],
        customers=sum(cell.customers for cell in cells),
        changed_customers=len(changed),
        changed_revenue_cents=int(weights.sum()),
        cells=cells,
    )


def flapped(tiers: np.ndarray, within: int = DEFAULT_FLAP_WITHIN) -> int:
    """Accounts that left a tier for another tier and were back in it within `within` periods
    (customers in every period between)."""
    return _flapped(tiers, [tiers[p] != tiers[p + 1] for p in range(len(tiers) - 1)], within)


def _flapped(tiers: np.ndarray, changes: Sequence[np.ndarray], within: int) -> int:
    """`flapped`, from the changes between consecutive periods: a flap from p back at q needs
    a change right after p and right before q, so only those accounts are looked at."""
    periods = len(tiers)
    flaps = np.zeros(tiers.shape[1] if tiers.ndim == 2 else 0, dtype=bool)
    for p in range(periods - 2):
        for q in range(p + 2, min(periods, p + within + 1)):
            both = np.flatnonzero(changes[p] & changes[q - 1])
            start = tiers[p][both]
            back = (start > 0) & (tiers[q][both] == start)
            for between in range(p + 1, q):
                back &= tiers[between][both] > 0
            flaps[both[back]] = True
    return int(np.count_nonzero(flaps))
