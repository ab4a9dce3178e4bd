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
from lib.history_rules import ruled_tiering, tiering, tiers_over_time
from lib.history_tiering import Tiering, plain_tiering
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
    band_cents,
    day_number,
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
    "stability_with_and_without",
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
    """Transitions, per-period tier figures and flaps under `cuts` and `rules`
    (lib/history_tiering.py says how little work that is on a slider move)."""
    _check_flap_within(flap_within)
    return _measured(history, tiering(history, cuts, rules), flap_within)


def stability_with_and_without(
    history: History,
    cuts: Sequence[float],
    rules: Rules,
    flap_within: int = DEFAULT_FLAP_WITHIN,
) -> tuple[Stability, Stability]:
    """(without the rules, with them) — what the with / without comparison shows — from one
    plain tiering: the rules start from it. The same object twice when the rules are plain."""
    _check_flap_within(flap_within)
    plain = plain_tiering(history, cuts)
    without = _measured(history, plain, flap_within)
    if rules.is_plain:
        return without, without
    return without, _measured(history, ruled_tiering(history, plain, cuts, rules), flap_within)


def _check_flap_within(flap_within: int) -> None:
    if flap_within < 2:
        raise InputError(f"A flap takes at least 2 periods (away and back); got {flap_within}.")


def _measured(history: History, made: Tiering, flap_within: int) -> Stability:
    return Stability(
        periods=history.labels,
        transitions=tuple(_transition(history, made, p) for p in range(history.periods - 1)),
        flapped=_flapped(made.tiers, made.changed, flap_within),
        tiers=tuple(
            PeriodTiers(
                label=history.labels[p],
                customers=tuple(int(c) for c in made.customers[p, 1:]),
                revenue_cents=tuple(int(r) for r in made.revenue[p, 1:]),
            )
            for p in range(history.periods)
        ),
        flap_within=flap_within,
    )


def _transition(history: History, made: Tiering, p: int) -> Transition:
    """From period p to p + 1: the matrix as the tiering counted it, tiers from the top and
    "none" last."""
    customers, revenue = made.cells_customers[p], made.cells_revenue[p]
    order = [*range(1, made.side), 0]
    cells = tuple(
        Cell(a, b, int(customers[a, b]), int(revenue[a, b]))
        for a in order
        for b in order
        if (a, b) != (0, 0)
    )
    moving = [cell for cell in cells if cell.from_tier != cell.to_tier]
    return Transition(
        from_period=history.labels[p],
        to_period=history.labels[p + 1],
        customers=sum(cell.customers for cell in cells),
        changed_customers=sum(cell.customers for cell in moving),
        changed_revenue_cents=sum(cell.revenue_cents for cell in moving),
        cells=cells,
    )


def flapped(tiers: np.ndarray, within: int = DEFAULT_FLAP_WITHIN) -> int:
    """Accounts that left a tier for another tier and were back in it within `within` periods
    (customers in every period between)."""
    changed = [np.flatnonzero(tiers[p] != tiers[p + 1]) for p in range(len(tiers) - 1)]
    return _flapped(tiers, changed, within)


def _flapped(tiers: np.ndarray, changed: Sequence[np.ndarray], within: int) -> int:
    """`flapped`, from the accounts changing tier between consecutive periods: a flap from p
    back at q needs a change right after p and right before q, so only the accounts in both
    lists are looked at (found with a mark per account, in proportion to the lists)."""
    periods = len(tiers)
    accounts = tiers.shape[1] if tiers.ndim == 2 else 0
    flaps = np.zeros(accounts, dtype=bool)
    after_p = np.zeros(accounts, dtype=bool)
    for p in range(periods - 2):
        after_p[changed[p]] = True
        for q in range(p + 2, min(periods, p + within + 1)):
            before_q = changed[q - 1]
            both = before_q[after_p[before_q]]
            start = tiers[p][both]
            back = (start > 0) & (tiers[q][both] == start)
            for between in range(p + 1, q):
                back &= tiers[between][both] > 0
            flaps[both[back]] = True
        after_p[changed[p]] = False
    return int(np.count_nonzero(flaps))
