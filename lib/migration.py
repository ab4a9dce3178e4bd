"""Who moves between tiers: from today's assignment (or a baseline) to the one on screen.

Tier changes are political: the matrix says how many accounts and how much revenue go from each
tier to each other, and the headline says it in one sentence ("212 accounts, $4.1M of revenue
move up a tier").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lib.books import tier_bounds
from lib.formatting import money, plural
from lib.slices import UNASSIGNED
from lib.tiering import TierIndex, tier_name

NONE = "none"  # no tier: an account new since a tier of record (from), or gone since (to)
# "Tier 1", "tier-1", "T1", "t 1", "1", "Tier1": all Tier 1.
TIER_LABEL = re.compile(r"^\s*(?:tier|t)?\s*[-_ ]?\s*(\d+)\s*$", re.IGNORECASE)


def normalize_tier(label: str) -> str:
    """A tier label as tierboard names tiers, when it reads as one ("T2" → "Tier 2").

    Anything else ("Strategic", "Gold") is kept as the data has it.
    """
    found = TIER_LABEL.match(label)
    return tier_name(int(found.group(1))) if found else label.strip()


def tier_number(label: str) -> int | None:
    found = re.fullmatch(r"Tier (\d+)", label)
    return int(found.group(1)) if found else None


def _label_order(label: str) -> tuple[int, int, str]:
    number = tier_number(label)
    if number is not None:
        return (0, number, "")
    return (2 if label == UNASSIGNED else 1, 0, label)


@dataclass(frozen=True)
class Flow:
    """Accounts (and their revenue) going from one tier to another."""

    source: str
    target: str
    customers: int
    revenue: float

    @property
    def moved(self) -> bool:
        return self.source != self.target

    @property
    def direction(self) -> str:
        """ "up", "down", "same", or "changed" when the source is not a numbered tier."""
        if not self.moved:
            return "same"
        before, after = tier_number(self.source), tier_number(self.target)
        if before is None or after is None:
            return "changed"
        return "up" if after < before else "down"


@dataclass(frozen=True)
class Migration:
    flows: tuple[Flow, ...]  # every non-empty source -> target pair, sources then targets in order
    of_record: bool = False  # from a tier of record: "none" is an account new or gone since

    def _total(self, direction: str | None = None) -> tuple[int, float]:
        chosen = [
            f for f in self.flows if f.moved and (direction is None or f.direction == direction)
        ]
        cents = sum(round(f.revenue * 100) for f in chosen)  # exact: each flow is whole cents
        return sum(f.customers for f in chosen), cents / 100

    @property
    def moved_customers(self) -> int:
        return self._total()[0]

    @property
    def moved_revenue(self) -> float:
        return self._total()[1]

    def sources(self) -> list[str]:
        return sorted({f.source for f in self.flows}, key=_label_order)

    def targets(self) -> list[str]:
        return sorted({f.target for f in self.flows}, key=_label_order)

    def reversed(self) -> Migration:
        """The same accounts going the other way (targets to sources): who moves from B to A is
        who moves from A to B, turned round. Not for a tier of record ("none" means new or gone
        since it, an order in time)."""
        if self.of_record:
            raise ValueError("a migration from a tier of record has a direction in time")
        flows = [Flow(f.target, f.source, f.customers, f.revenue) for f in self.flows]
        flows.sort(key=lambda f: (_label_order(f.source), _label_order(f.target)))
        return Migration(tuple(flows))

    def cell(self, source: str, target: str) -> Flow | None:
        return next((f for f in self.flows if f.source == source and f.target == target), None)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape `tierboard migrate --json` promises."""
        return {
            "matrix": [
                {"from": f.source, "to": f.target, "customers": f.customers, "revenue": f.revenue}
                for f in self.flows
            ],
            "moved_customers": self.moved_customers,
            "moved_revenue": self.moved_revenue,
        }

    def _changed_verb(self, customers: int) -> str:
        # Between two periods of a history every undirected move is an account arriving or
        # leaving: "change tier" would read as a move the matrix does not show. Against the tier
        # of record the sentence after says how many are new and gone.
        arrivals = all(
            NONE in (f.source, f.target) for f in self.flows if f.moved and f.direction == "changed"
        )
        if arrivals and not self.of_record:
            return "is new or gone" if customers == 1 else "are new or gone"
        return "changes tier" if customers == 1 else "change tier"

    def headline(self, currency: str) -> str:
        """One sentence: how many accounts and how much revenue move up, down, or change."""
        parts = []
        for direction, words in (("up", "up a tier"), ("down", "down a tier"), ("changed", "")):
            customers, revenue = self._total(direction)
            if customers:
                verb = (
                    ("moves" if customers == 1 else "move")
                    if words
                    else self._changed_verb(customers)
                )
                parts.append(
                    f"{plural(customers, 'account')}, {money(revenue, currency)} of revenue, "
                    f"{verb}{' ' + words if words else ''}"
                )
        if not parts:
            return "Nobody changes tier."
        sentence = "; ".join(parts)
        sentence = sentence[0].upper() + sentence[1:] + "."
        new = sum(f.customers for f in self.flows if f.source == NONE and f.target != NONE)
        gone = sum(f.customers for f in self.flows if f.target == NONE and f.source != NONE)
        if self.of_record and (new or gone):
            told = [
                f"{plural(new, 'account')} new" if new else "",
                f"{gone:,} gone" if gone else "",
            ]
            sentence += f" Of them, {' and '.join(t for t in told if t)} since the tier of record."
        return sentence


def migration_between(
    index: TierIndex, before: Sequence[float], after: Sequence[float]
) -> Migration:
    """The flows from the tiers of cut-offs `before` to those of `after`, for the customers of
    one index (one key: the same criteria and slice).

    Under either set of cut-offs a tier is a stretch of the sorted keys, so each flow is the
    overlap of two stretches: tiers x tiers binary searches and suffix sums, no customer
    touched. What `migrate` gives for the same customers, without a per-baseline index (the
    Scenarios page compares the cut-offs on screen, new on every move, with a saved plan's).
    """
    flows = []
    for a, (low_a, high_a) in enumerate(tier_bounds(index, before), start=1):
        for b, (low_b, high_b) in enumerate(tier_bounds(index, after), start=1):
            low, high = max(low_a, low_b), min(high_a, high_b)
            if high > low:
                revenue = index.revenue_between(low, high)
                flows.append(Flow(tier_name(a), tier_name(b), high - low, revenue))
    return Migration(tuple(flows))


def migrate(
    source_codes: np.ndarray,
    source_labels: Sequence[str],
    target_tiers: np.ndarray,
    revenue: np.ndarray,
) -> Migration:
    """The flows from each customer's source tier (codes into labels) to its new tier (1-based).

    Labels that read as tiers are normalised ("T1" and "Tier 1" are the same tier).
    """
    labels = [normalize_tier(label) for label in source_labels]
    merged = sorted(set(labels), key=_label_order)
    code_of = np.array([merged.index(label) for label in labels], dtype=np.int64)
    sources = code_of[source_codes] if labels else np.zeros(0, dtype=np.int64)
    width = int(target_tiers.max(initial=0)) + 1
    pair = sources * width + target_tiers
    counts = np.bincount(pair, minlength=len(merged) * width)
    # Summed in whole cents (integers, exact in a double below 2**53 cents), whatever the order:
    # summing the figures themselves leaves noise in a money figure's last digits.
    cents = np.bincount(pair, weights=np.rint(revenue * 100), minlength=len(merged) * width)
    flows = [
        Flow(
            merged[code // width],
            tier_name(code % width),
            int(counts[code]),
            float(cents[code] / 100),
        )
        for code in np.flatnonzero(counts).tolist()
    ]
    flows.sort(key=lambda f: (_label_order(f.source), _label_order(f.target)))
    return Migration(tuple(flows))
