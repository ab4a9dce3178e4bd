"""The figures of the Tiers over time page, from a loaded history and its tiers per period.

lib/history.py tiers every period and measures stability; this module turns that into what the
page shows: one way of tiering's outcome (churn per quarter, flaps, Tier 1's revenue, CSM hours)
for the with-rules / without-rules comparison, the from -> to matrix of any two periods (as the
Who moves page's `Migration`), the accounts that flapped, and the per-quarter table. Everything
here is a few numpy passes over the (periods x accounts) arrays: cheap enough for a slider move;
the lists of accounts (`flapped_table`) are made only when someone asks for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from lib.history import (
    NO_RULES,
    NONE,
    History,
    Rules,
    Stability,
    Transition,
    stability,
    stability_with_and_without,
    tiers_over_time,
)
from lib.migration import Flow, Migration
from lib.tiering import tier_name

DEFAULT_CHURN_TARGET = 0.20  # the common guideline: at most ~20% of accounts change tier a quarter


def tier_label(tier: int) -> str:
    """ "Tier 2", or "none" for an account absent from a period (0)."""
    return NONE if tier == 0 else tier_name(tier)


@dataclass(frozen=True, eq=False)
class LoadedHistory:
    """A history as the page loaded it: the periods, the accounts' names, what each file gave.

    `names[i]` is account i's latest customer_name (None where no file names it; `names` is None
    when no file has the column); `notes`: one sentence per file or period, every row accounted
    for; `source`: what the history is, as a heading says it ("The bundled history").
    """

    history: History
    names: np.ndarray | None
    notes: tuple[str, ...]
    source: str
    warnings: tuple[str, ...] = ()  # what can make its figures mislead: shown above them


def changed_revenue_share(transition: Transition) -> float:
    """The share of the revenue the transition counts (every account in either period) that
    changes tier with its account."""
    total = sum(cell.revenue_cents for cell in transition.cells)
    return transition.changed_revenue_cents / total if total else 0.0


def new_and_churned(transition: Transition) -> tuple[int, int]:
    """Accounts that arrived ("none" -> a tier) and left (a tier -> "none") in the transition."""
    new = sum(c.customers for c in transition.cells if c.from_tier == 0 and c.to_tier != 0)
    churned = sum(c.customers for c in transition.cells if c.to_tier == 0 and c.from_tier != 0)
    return new, churned


@dataclass(frozen=True, eq=False)
class Outcome:
    """One way of tiering the history (under some rules): what it costs, and its tiers when
    something needs them account by account (`tiers`, made on first use)."""

    history: History
    cuts: tuple[float, ...]
    rules: Rules
    stability: Stability
    hours_needed: tuple[float, ...]  # CSM hours a year each period's tiers need, per period

    @cached_property
    def tiers(self) -> np.ndarray:
        """(periods, accounts), 0 = absent. stability() keeps only its figures, so the tiers
        are made again, only when asked for (a matrix of two periods apart, the flapped list):
        a slider move on the page's defaults never needs them."""
        return tiers_over_time(self.history, self.cuts, self.rules)

    def migration(self, first: int, second: int) -> Migration:
        """From -> to between periods `first` and `second`: a consecutive pair straight from
        the stability's transition, any other from the tiers (pair_migration)."""
        if second == first + 1:
            return _from_transition(self.stability.transitions[first])
        return pair_migration(self.history, self.tiers, first, second)

    @property
    def worst(self) -> Transition | None:
        """The transition where the largest share of accounts changes tier (the first of ties)."""
        if not self.stability.transitions:
            return None
        return max(self.stability.transitions, key=lambda t: t.changed_share)

    @property
    def mean_changed_share(self) -> float:
        shares = [t.changed_share for t in self.stability.transitions]
        return math.fsum(shares) / len(shares) if shares else 0.0

    def quarters_over(self, target: float) -> int:
        """Transitions where more than `target` (a share) of accounts change tier."""
        return sum(t.changed_share > target for t in self.stability.transitions)

    @property
    def top_tier_share(self) -> float:
        """Tier 1's share of revenue in the latest period."""
        return self.stability.tiers[-1].revenue_share(1)


def outcome(
    history: History,
    cuts: Sequence[float],
    rules: Rules,
    hours_per_account: Sequence[float],
    flap_within: int,
) -> Outcome:
    """Measure the history under `cuts` and `rules` (one stability pass), and the hours each
    period's tiers need under the service matrix."""
    return _outcome(
        history, cuts, rules, stability(history, cuts, rules, flap_within), hours_per_account
    )


def outcomes(
    history: History,
    cuts: Sequence[float],
    rules: Rules,
    hours_per_account: Sequence[float],
    flap_within: int,
) -> tuple[Outcome, Outcome]:
    """(without the rules, with them) from one plain tiering (lib.history's
    stability_with_and_without): what the page and every figure page's comparison show on a
    slider move. The same object twice when the rules are plain."""
    without, with_rules = stability_with_and_without(history, cuts, rules, flap_within)
    plain = _outcome(history, cuts, NO_RULES, without, hours_per_account)
    if with_rules is without:
        return plain, plain
    return plain, _outcome(history, cuts, rules, with_rules, hours_per_account)


def _outcome(
    history: History,
    cuts: Sequence[float],
    rules: Rules,
    measured: Stability,
    hours_per_account: Sequence[float],
) -> Outcome:
    hours = tuple(
        math.fsum(
            customers * hours
            for customers, hours in zip(period.customers, hours_per_account, strict=False)
        )
        for period in measured.tiers
    )
    return Outcome(history, tuple(cuts), rules, measured, hours)


def _from_transition(transition: Transition) -> Migration:
    flows = tuple(
        Flow(
            tier_label(cell.from_tier),
            tier_label(cell.to_tier),
            cell.customers,
            cell.revenue_cents / 100,
        )
        for cell in transition.cells
        if cell.customers
    )
    return Migration(flows=flows)


def pair_migration(history: History, tiers: np.ndarray, first: int, second: int) -> Migration:
    """From -> to between periods `first` and `second` (any two, in either order of date),
    "none" for an account absent from one of them; revenue as lib.history counts it (the later
    period's, or the last one an account had when it left)."""
    before, after = tiers[first], tiers[second]
    later, earlier = (second, first) if second >= first else (first, second)
    cents = np.where(history.present[later], history.cents[later], history.cents[earlier])
    side = int(max(before.max(initial=0), after.max(initial=0))) + 1
    code = before.astype(np.intp) * side + after.astype(np.intp)
    customers = np.bincount(code, minlength=side * side)
    revenue = np.bincount(code, weights=cents.astype(np.float64), minlength=side * side)
    order = [*range(1, side), 0]
    flows = tuple(
        Flow(
            tier_label(a),
            tier_label(b),
            int(customers[a * side + b]),
            round(float(revenue[a * side + b])) / 100,
        )
        for a in order
        for b in order
        if (a, b) != (0, 0) and customers[a * side + b]
    )
    return Migration(flows=flows)


def flapped_mask(tiers: np.ndarray, within: int) -> np.ndarray:
    """Which accounts flapped: left a tier for another and were back in it within `within`
    periods, customers in every period between (lib.history.flapped counts the same ones)."""
    periods, accounts = tiers.shape
    flaps = np.zeros(accounts, dtype=bool)
    for p in range(periods):
        start = tiers[p]
        here = start > 0
        away = np.zeros(accounts, dtype=bool)
        for q in range(p + 1, min(periods, p + within + 1)):
            here &= tiers[q] > 0
            if q - p >= 2:
                flaps |= here & away & (tiers[q] == start)
            away |= tiers[q] != start
    return flaps


def flapped_table(loaded: LoadedHistory, tiers: np.ndarray, within: int) -> pd.DataFrame:
    """Every account that flapped: id, name (when known), its tier in each period."""
    history = loaded.history
    rows = np.flatnonzero(flapped_mask(tiers, within))
    frame = pd.DataFrame({"customer_id": history.ids[rows].astype(str)})
    if loaded.names is not None:
        frame["customer_name"] = loaded.names[rows]
    labels = np.array([tier_label(t) for t in range(int(tiers.max(initial=0)) + 1)], dtype=object)
    for p, label in enumerate(history.labels):
        frame[label] = labels[tiers[p, rows]]
    return frame


def churn_table(stability: Stability) -> pd.DataFrame:
    """One row per quarter (from the second): accounts and revenue changing tier (revenue as
    whole cents / 100), new and churned accounts."""
    rows = []
    for transition in stability.transitions:
        new, churned = new_and_churned(transition)
        rows.append(
            {
                "Quarter": f"{transition.from_period} → {transition.to_period}",
                "Accounts changing tier": transition.changed_customers,
                "Share of accounts": transition.changed_share,
                "Revenue changing tier": transition.changed_revenue_cents / 100,
                "Share of revenue": changed_revenue_share(transition),
                "New": new,
                "Churned": churned,
            }
        )
    return pd.DataFrame(rows)
