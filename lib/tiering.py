"""Cut-offs → tiers: the sorted index built once per load, per-tier summaries, the Pareto curve.

The tier rule: with cut-offs c1 >= c2 >= ..., a customer is in Tier 1 if its value >= c1,
in Tier 2 if c2 <= value < c1, and so on; the last tier takes the rest. Equal cut-offs are allowed
and leave the tier between them empty; cut-offs given in any order are sorted from the top down.

Money: revenue arrives exact to the cent (lib/ingest sums DECIMAL), as the nearest doubles to
whole cents. Tier revenue is summed in integer cents, so it is exact whatever the order of the
customers, and cut-offs on revenue are compared in cents: a cut-off means the decimal it is
written as (its shortest form: 50470.48, not the binary fraction nearest to it), a customer is
at or above it when its cents are at least the cut-off x 100 rounded up, so a customer at exactly
the cut-off is in the higher tier.

Speed: `TierIndex` sorts the values once. Summarising a set of cut-offs is then one binary search
per cut-off plus arithmetic on suffix sums — microseconds, whatever the number of customers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, overload

import numpy as np

from lib.errors import InputError

MIN_TIERS = 2
MAX_TIERS = 5
DEFAULT_TIERS = 3

# What each tier is usually called in customer-success practice, by number of tiers.
SERVICE_MODELS: dict[int, tuple[str, ...]] = {
    2: ("High-touch", "Tech-touch"),
    3: ("High-touch", "Mid-touch", "Tech-touch"),
    4: ("Strategic", "High-touch", "Mid-touch", "Tech-touch"),
    5: ("Strategic", "High-touch", "Mid-touch", "Low-touch", "Tech-touch"),
}


def tier_name(tier: int) -> str:
    """The display name of a 1-based tier number: "Tier 1" is the top."""
    return f"Tier {tier}"


def service_model(tier: int, tier_count: int) -> str:
    """The usual service-model name of `tier` among `tier_count` tiers (e.g. "High-touch")."""
    return SERVICE_MODELS[tier_count][tier - 1]


def normalize_cuts(cuts: Sequence[float]) -> tuple[float, ...]:
    """Validate cut-offs and return them sorted from the top down.

    Raises InputError for a count outside 2..5 tiers or a value that is not a finite number.
    """
    if not MIN_TIERS - 1 <= len(cuts) <= MAX_TIERS - 1:
        raise InputError(
            f"Give between {MIN_TIERS - 1} and {MAX_TIERS - 1} cut-offs "
            f"({MIN_TIERS} to {MAX_TIERS} tiers); got {len(cuts)}."
        )
    values = [float(cut) for cut in cuts]
    if not all(math.isfinite(value) for value in values):
        raise InputError("Every cut-off must be a finite number.")
    return tuple(sorted(values, reverse=True))


INT64_CENTS = 2**63 - 1
_CENTS_AS_DOUBLES = 2**53 / 100  # below this, a double holds every cent of a figure exactly


def cut_cents(cut: float) -> int:
    """The fewest whole cents at or above a revenue cut-off: value >= cut <=> cents >= this.

    The cut-off is the decimal its shortest form writes (what the person typed, 50470.48),
    not the binary fraction nearest to it, which may lie a hair above it.
    """
    if not math.isfinite(cut):
        return INT64_CENTS if cut > 0 else -INT64_CENTS
    cents = math.ceil(Decimal(repr(float(cut))) * 100)
    return max(-INT64_CENTS, min(INT64_CENTS, cents))


def _is_a_cents_double(cut: float) -> bool:
    """True when `cut` is its own threshold: far beyond any revenue, or a whole cent's double."""
    if abs(cut) >= _CENTS_AS_DOUBLES:
        return True
    return not math.isnan(cut) and round(cut * 100) / 100 == cut


def thresholds(cuts: Sequence[float], in_cents: bool) -> np.ndarray:
    """What values are compared with (value >= threshold is at or above a cut-off).

    For values in whole cents, each cut-off's first whole cent (`cut_cents`) as a double: the
    same double as a customer's figure of that many cents, so the comparison is in exact cents
    at no cost per customer.
    """
    array = np.asarray(cuts, dtype=np.float64)
    if not in_cents:
        return array
    # Most cut-offs (typed, from a slider, a customer's value) are already a whole cent's
    # double, which is its own threshold: only the others go through exact decimals. A few
    # floats in plain Python: this runs on every slider move.
    listed = array.tolist()
    if all(_is_a_cents_double(c) for c in listed):
        return array
    return np.array(
        [cut_cents(c) / 100 if abs(c) < _CENTS_AS_DOUBLES else c for c in listed],
        dtype=np.float64,
    ).reshape(array.shape)


def push_cuts(cuts: Sequence[float], moved: int, value: float) -> tuple[float, ...]:
    """Set cut-off `moved` (0-based) to `value`, pushing the others so the order holds.

    Like the thumbs of one multi-handle slider: dragging Tier 2's cut-off above Tier 1's lifts
    Tier 1's with it (leaving Tier 2 empty) instead of silently swapping the tiers' meaning.
    """
    pushed = list(cuts)
    pushed[moved] = float(value)
    for above in range(moved):
        pushed[above] = max(pushed[above], pushed[moved])
    for below in range(moved + 1, len(pushed)):
        pushed[below] = min(pushed[below], pushed[moved])
    return tuple(pushed)


@dataclass(frozen=True)
class TierFigures:
    """One tier's share of the customer base under a set of cut-offs."""

    tier: int  # 1-based, 1 is the top
    name: str
    customers: int
    customer_share: float  # 0..1
    revenue: float
    revenue_share: float  # 0..1 of total revenue; 0 when the total is 0
    floor: float | None  # the cut-off a customer must reach to be in this tier; None: last tier
    ceiling: float | None  # the cut-off of the tier above (exclusive); None for Tier 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "customers": self.customers,
            "customer_share": self.customer_share,
            "revenue": self.revenue,
            "revenue_share": self.revenue_share,
        }


@dataclass(frozen=True)
class TierSummary:
    """Per-tier figures for one set of cut-offs, tiers from the top down."""

    cuts: tuple[float, ...]
    tiers: tuple[TierFigures, ...]
    customers: int
    total_revenue: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape the CLI promises (shares as fractions)."""
        return {
            "customers": self.customers,
            "total_revenue": self.total_revenue,
            "cuts": list(self.cuts),
            "tiers": [tier.as_dict() for tier in self.tiers],
        }


@dataclass(frozen=True)
class ParetoCurve:
    """Cumulative share of revenue against share of customers ranked by value (downsampled)."""

    customer_share: np.ndarray
    revenue_share: np.ndarray


def _is_whole_cents(values: np.ndarray) -> bool:
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.array_equal(np.rint(values * 100) / 100, values))


def _suffix_sums(values: np.ndarray) -> tuple[np.ndarray, float]:
    """Suffix sums of `values` (len n + 1, last 0), in cents when every value is whole cents.

    Returns the sums and their divisor: 100 when kept in integer cents (int64: exact, whatever
    the order, up to ~$46 quadrillion of absolute revenue) — so a tier's revenue is exact to the
    cent — else 1 (floats). Accumulated from the end (the top of the ranking), so the top tiers,
    which people read most closely, carry the least rounding when floats are summed.
    """
    absolute = float(np.abs(values).sum()) * 100
    exact = _is_whole_cents(values) and absolute < 2**62
    if exact:
        units = np.rint(values * 100).astype(np.int64)
        # Doubles hold whole numbers exactly below 2**53 and are faster to read on every move.
        kind = np.float64 if absolute < 2**53 else np.int64
        suffix = np.zeros(len(values) + 1, dtype=kind)
    else:
        units, suffix = values, np.zeros(len(values) + 1, dtype=np.float64)
    suffix[:-1] = np.cumsum(units[::-1])[::-1]
    suffix.flags.writeable = False
    return suffix, 100.0 if exact else 1.0


def _measure_sums(values: np.ndarray) -> np.ndarray:
    """Suffix sums of a measure (missing values count as 0), in its own units."""
    suffix, divisor = _suffix_sums(np.nan_to_num(np.asarray(values, dtype=np.float64)))
    return suffix / divisor


@dataclass(frozen=True, eq=False)
class TierIndex:
    """Customers sorted once by the tiering key, with suffix sums, for binary-search summaries.

    The key is what cut-offs apply to: annual revenue by default, or a score. `ascending[i]` is
    the i-th smallest key; `suffix[i] / divisor` is the revenue of customers `i:` in that order
    (`suffix[n]` is 0). The customers at or above a cut-off c are those from
    `i = searchsorted(ascending, c, "left")`: `n - i` customers holding `revenue_from(i)`.
    `measures` hold suffix sums of other figures (e.g. cost to serve) in the same order, and
    `columns` per-customer arrays in that order (e.g. profit, CSM owner codes) for counts.
    """

    ascending: np.ndarray = field(repr=False)
    suffix: np.ndarray = field(repr=False)
    divisor: float = 1.0
    key: str = "annual_revenue"  # what the cut-offs apply to: "annual_revenue" or "score"
    measures: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    columns: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    in_cents: bool = False  # the keys are money in whole cents: cut-offs compare to the cent

    @classmethod
    def from_values(
        cls,
        values: Sequence[float] | np.ndarray,
        revenue: Sequence[float] | np.ndarray | None = None,
        *,
        key: str = "annual_revenue",
        measures: Mapping[str, np.ndarray] | None = None,
        columns: Mapping[str, np.ndarray] | None = None,
    ) -> TierIndex:
        """Sort customers by `values` (the key); revenue defaults to the key itself."""
        keys = np.asarray(values, dtype=np.float64)
        if not np.isfinite(keys).all():
            raise ValueError("TierIndex values must be finite; reject bad rows at load")
        if revenue is None and not measures and not columns:
            ascending, ordered_revenue = np.sort(keys), None
        else:
            order = np.argsort(keys, kind="stable")
            ascending = keys[order]
            ordered_revenue = None if revenue is None else np.asarray(revenue, np.float64)[order]
        suffix, divisor = _suffix_sums(ascending if ordered_revenue is None else ordered_revenue)
        ascending.flags.writeable = False
        sums = {name: _measure_sums(array[order]) for name, array in (measures or {}).items()}
        ordered = {name: np.asarray(array)[order] for name, array in (columns or {}).items()}
        in_cents = key == "annual_revenue" and _is_whole_cents(ascending)
        return cls(ascending, suffix, divisor, key, sums, ordered, in_cents)

    def measure_between(self, name: str, low: int, high: int) -> float:
        """Sum of measure `name` over customers `low:high` in key order."""
        sums = self.measures[name]
        return float(sums[low] - sums[high])

    @overload
    def revenue_from(self, positions: int) -> float: ...
    @overload
    def revenue_from(self, positions: np.ndarray) -> np.ndarray: ...
    def revenue_from(self, positions: np.ndarray | int) -> np.ndarray | float:
        """Revenue of the customers at or above each position of `ascending`."""
        revenue: np.ndarray | float = self.suffix[positions] / self.divisor
        return revenue

    def revenue_between(self, low: int, high: int) -> float:
        """Revenue of `ascending[low:high]`, exact to the cent when the values are cents."""
        return float((self.suffix[low] - self.suffix[high]) / self.divisor)

    @property
    def customers(self) -> int:
        return len(self.ascending)

    @property
    def total_revenue(self) -> float:
        return float(self.suffix[0] / self.divisor)

    @property
    def min_value(self) -> float:
        return float(self.ascending[0]) if self.customers else 0.0

    @property
    def min_positive_value(self) -> float:
        """The smallest value above zero (1 when there is none): where a log scale can start."""
        positive = self.ascending[np.searchsorted(self.ascending, 0.0, side="right") :]
        return float(positive[0]) if len(positive) else 1.0

    @property
    def max_value(self) -> float:
        return float(self.ascending[-1]) if self.customers else 0.0

    def positions(self, cuts: Sequence[float]) -> np.ndarray:
        """Index into `ascending` of the first customer at or above each cut-off."""
        return np.searchsorted(self.ascending, thresholds(cuts, self.in_cents), side="left")

    def count_at_or_above(self, cut: float) -> int:
        return self.customers - int(self.positions([cut])[0])

    def revenue_at_or_above(self, cut: float) -> float:
        return float(self.revenue_from(int(self.positions([cut])[0])))

    @cached_property
    def pareto(self) -> ParetoCurve:
        return pareto_curve(self)


def summarize(index: TierIndex, cuts: Sequence[float]) -> TierSummary:
    """Per-tier customers and revenue (and their shares) for `cuts`, tiers from the top down."""
    ordered = normalize_cuts(cuts)
    n = index.customers
    total = index.total_revenue
    # Boundaries in `ascending`, from the top: tier t holds ascending[bounds[t + 1] : bounds[t]].
    bounds = [n, *(int(p) for p in index.positions(ordered)), 0]
    tiers = []
    for t in range(len(ordered) + 1):
        high, low = bounds[t], bounds[t + 1]
        customers = high - low
        revenue = index.revenue_between(low, high)
        tiers.append(
            TierFigures(
                tier=t + 1,
                name=tier_name(t + 1),
                customers=customers,
                customer_share=customers / n if n else 0.0,
                revenue=revenue,
                revenue_share=revenue / total if total else 0.0,
                floor=ordered[t] if t < len(ordered) else None,
                ceiling=ordered[t - 1] if t > 0 else None,
            )
        )
    return TierSummary(cuts=ordered, tiers=tuple(tiers), customers=n, total_revenue=total)


def tier_of(
    values: Sequence[float] | np.ndarray, cuts: Sequence[float], in_cents: bool = False
) -> np.ndarray:
    """The 1-based tier of each value under `cuts` (same rule as `summarize`).

    `in_cents`: the values are money in whole cents, compared with cut-offs to the cent.
    """
    array = np.asarray(values, dtype=np.float64)
    tiers = np.ones(array.shape, dtype=np.int64)
    for threshold in thresholds(normalize_cuts(cuts), in_cents):
        tiers += array < threshold
    return tiers


def pareto_curve(index: TierIndex, points: int = 240) -> ParetoCurve:
    """The Pareto curve with about `points` points, dense at the head where it bends most.

    Charts get these few hundred points, never the raw customers: the curve is concave, so
    linear interpolation between samples is visually exact.
    """
    n = index.customers
    if n == 0:
        return ParetoCurve(np.array([0.0]), np.array([0.0]))
    linear = np.linspace(0, n, points // 2)
    head = np.geomspace(1, n, points // 2)
    ranks = np.unique(np.rint(np.concatenate([[0, n], linear, head])).astype(np.int64))
    top_revenue = index.revenue_from(n - ranks)
    total = index.total_revenue
    revenue_share = top_revenue / total if total else np.zeros(len(ranks))
    return ParetoCurve(customer_share=ranks / n, revenue_share=revenue_share)
