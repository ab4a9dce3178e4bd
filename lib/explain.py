"""Why an account sits where it does: its tier, the cut-offs around it, how far from the next.

The accounts people argue about are the ones near a line: `near_boundary` says which,
`near_misses` lists the nearest of a slice without a pass over every customer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.formatting import plural
from lib.tiering import TierIndex, normalize_cuts, tier_name


@dataclass(frozen=True)
class Placement:
    """Where one value lands among the customers of an index, under a set of cut-offs."""

    value: float
    tier: int
    rank: int  # 1 = the highest value
    customers: int
    percentile: float  # share of customers below this value, 0..1
    up_cut: float | None  # the cut-off of the tier above (None in Tier 1)
    up_gap: float | None  # how much more it needs to reach it
    up_ranks: int | None  # customers between it and that cut-off (it would overtake them)
    down_cut: float | None  # its own tier's cut-off (None in the last tier)
    down_gap: float | None  # how much less would drop it a tier
    down_ranks: int | None  # customers of its tier below it (they would overtake it)

    @property
    def tier_name(self) -> str:
        return tier_name(self.tier)


def place(index: TierIndex, cuts: Sequence[float], value: float) -> Placement:
    """The tier, rank, percentile and distances to the tiers around `value`."""
    ordered = normalize_cuts(cuts)
    keys = index.ascending
    n = index.customers
    above = n - int(np.searchsorted(keys, value, side="right"))  # strictly higher values
    below = int(np.searchsorted(keys, value, side="left"))  # strictly lower values
    tier = 1 + sum(value < cut for cut in ordered)
    up_cut = ordered[tier - 2] if tier > 1 else None
    down_cut = ordered[tier - 1] if tier <= len(ordered) else None

    def between(low: float, high: float) -> int:
        """Customers with low <= key < high."""
        return int(np.searchsorted(keys, high, "left") - np.searchsorted(keys, low, "left"))

    return Placement(
        value=value,
        tier=tier,
        rank=above + 1,
        customers=n,
        percentile=below / n if n else 0.0,
        up_cut=up_cut,
        up_gap=None if up_cut is None else up_cut - value,
        up_ranks=None if up_cut is None else between(np.nextafter(value, np.inf), up_cut),
        down_cut=down_cut,
        down_gap=None if down_cut is None else value - down_cut,
        down_ranks=None if down_cut is None else between(down_cut, value),
    )


def rank_distance(amount: str, ranks: int, towards: str) -> str:
    """How far a customer is from the next tier up or down, in words a leader reads:

    "$5.2K more would lift it a tier; 2,382 customers sit between it and that cut-off."
    "$3K less would drop it a tier; 120 customers of its tier sit below it."
    """
    sit = "sits" if ranks == 1 else "sit"
    if towards == "up":
        return (
            f"{amount} more would lift it a tier; {plural(ranks, 'customer')} {sit} between it "
            "and that cut-off."
        )
    return (
        f"{amount} less would drop it a tier; {plural(ranks, 'customer')} of its tier {sit} "
        "below it."
    )


def near_boundary(keys: np.ndarray, cuts: Sequence[float], within: float) -> np.ndarray:
    """Which customers sit within `within` (a share, e.g. 0.05 = 5%) of any cut-off.

    Distance is relative to the cut-off (|key - cut| <= within x |cut|), so "5%" means the same at
    $2K as at $2M, and on a score.
    """
    keep = np.zeros(len(keys), dtype=bool)
    for cut in normalize_cuts(cuts):
        keep |= np.abs(keys - cut) <= within * abs(cut)
    return keep


def nearest_cut(keys: np.ndarray, cuts: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """For each key: the cut-off nearest it, and its distance from it relative to that cut-off
    (+0.03 = 3% above). A cut-off of 0 has only the customers exactly at it near it: 0%, never
    a division by zero."""
    levels = np.asarray(normalize_cuts(cuts), dtype=np.float64)
    nearest = levels[np.argmin(np.abs(keys[:, None] - levels[None, :]), axis=1)]
    distance = np.divide(
        keys - nearest, np.abs(nearest), out=np.zeros(len(keys)), where=nearest != 0
    )
    return nearest, distance


@dataclass(frozen=True)
class NearMisses:
    """The customers within a distance of a cut-off: how many, and the nearest few."""

    count: int  # every customer within the distance
    positions: np.ndarray  # the nearest `limit` of them, nearest first: positions in the index
    keys: np.ndarray  # their key (revenue or score)
    nearest: np.ndarray  # the cut-off nearest each
    distance: np.ndarray  # signed, relative to that cut-off (+0.03 = 3% above)


def near_misses(
    index: TierIndex, cuts: Sequence[float], within: float, limit: int = 500
) -> NearMisses:
    """The customers of `index` within `within` (a share) of a cut-off (as `near_boundary`
    says), and the `limit` nearest by distance (ties: the lower key first).

    Only the customers near a line are looked at: they sit in one run of the sorted keys per
    cut-off, found by binary search, never by a pass over every customer. When the runs stay
    clear of one another (each cut-off's reach short of half the gap to the next: the usual
    case), every customer in a run has that cut-off as its nearest, and the `limit` nearest of
    a run are within `limit` places either side of the cut-off: only those are looked at,
    however many customers the runs hold (tens of thousands at a million customers).
    """
    ordered = normalize_cuts(cuts)
    keys = index.ascending
    if _runs_apart(ordered, within):
        runs = _near_runs(keys, ordered, within)
        windows = [
            _nearest_of_run(keys, c, run, limit) for c, run in zip(ordered, runs, strict=True)
        ]
        candidates = np.sort(np.concatenate(windows)) if windows else np.zeros(0, np.int64)
        count = sum(high - low for low, high in runs)  # the runs are apart: none counted twice
        return _nearest(keys, cuts, within, candidates, count=count, limit=limit)
    return near_misses_of_runs(index, cuts, within, limit)


def near_misses_of_runs(
    index: TierIndex, cuts: Sequence[float], within: float, limit: int = 500
) -> NearMisses:
    """`near_misses` from every customer of every run (runs close enough to overlap, where a
    customer near one cut-off can be nearer another)."""
    keys = index.ascending
    runs = []
    for cut in normalize_cuts(cuts):
        reach = within * abs(cut)
        low = int(np.searchsorted(keys, np.nextafter(cut - reach, -np.inf), "left"))
        high = int(np.searchsorted(keys, np.nextafter(cut + reach, np.inf), "right"))
        runs.append(np.arange(low, high))
    candidates = np.unique(np.concatenate(runs)) if runs else np.zeros(0, np.int64)
    return _nearest(keys, cuts, within, candidates, count=None, limit=limit)


def _runs_apart(ordered: Sequence[float], within: float) -> bool:
    """Whether each cut-off's reach stays well short of half the gap to the cut-offs next to it
    (a margin, so that no rounding can make a customer of one run nearer another cut-off)."""
    levels = sorted(ordered)
    for lower, upper in itertools.pairwise(levels):
        clear = (upper - lower) * 0.49
        if not (within * abs(lower) < clear and within * abs(upper) < clear):
            return False
    return True


def _near_runs(keys: np.ndarray, ordered: Sequence[float], within: float) -> list[tuple[int, int]]:
    """Per cut-off, the run [low, high) of sorted keys within `within` of it, exactly by the
    rule of `near_boundary`: bounds a hair wide, then the few keys at their edges checked (a
    distinct value at a time)."""
    runs = []
    for cut in ordered:
        reach = within * abs(cut)

        def is_near(key: float, cut: float = cut, reach: float = reach) -> bool:
            return bool(np.abs(np.float64(key) - cut) <= reach)

        low = int(np.searchsorted(keys, np.nextafter(cut - reach, -np.inf), "left"))
        high = int(np.searchsorted(keys, np.nextafter(cut + reach, np.inf), "right"))
        while low < high and not is_near(keys[low]):
            low = int(np.searchsorted(keys, keys[low], "right"))
        while high > low and not is_near(keys[high - 1]):
            high = int(np.searchsorted(keys, keys[high - 1], "left"))
        runs.append((low, high))
    return runs


def _nearest_of_run(keys: np.ndarray, cut: float, run: tuple[int, int], limit: int) -> np.ndarray:
    """Positions of a run that can be among its `limit` nearest to `cut`: `limit` places either
    side of it, and every key equal to the farthest of those below it (a tie goes to the lower
    key, so the lower copies of a tied value come first)."""
    low, high = run
    at = min(max(int(np.searchsorted(keys, cut, "left")), low), high)
    start = max(low, at - limit)
    if start > low:
        start = max(low, int(np.searchsorted(keys, keys[start], "left")))
    return np.arange(start, min(high, at + limit))


def _nearest(
    keys: np.ndarray,
    cuts: Sequence[float],
    within: float,
    candidates: np.ndarray,
    *,
    count: int | None,
    limit: int,
) -> NearMisses:
    """The `limit` nearest of `candidates` (positions in order, no repeats) by the exact rule;
    `count`: every customer near a line, when the candidates are only some of them."""
    positions = candidates[near_boundary(keys[candidates], cuts, within)]
    nearest, distance = nearest_cut(keys[positions], cuts)
    apart = np.abs(distance)
    chosen = np.arange(len(positions))
    if len(positions) > limit:  # only the nearest `limit` (and ties) are sorted, not all
        chosen = np.flatnonzero(apart <= np.partition(apart, limit - 1)[limit - 1])
    order = chosen[np.lexsort((positions[chosen], apart[chosen]))][:limit]
    return NearMisses(
        count=len(positions) if count is None else count,
        positions=positions[order],
        keys=keys[positions[order]],
        nearest=nearest[order],
        distance=distance[order],
    )


def near_counts(index: TierIndex, cuts: Sequence[float], within: float) -> tuple[int, ...]:
    """How many customers sit within `within` (a share) of each cut-off, top cut-off first, by
    the rule of `near_boundary` — by binary search alone, whatever the number of customers.

    |key - cut| only grows as a key moves away from the cut-off, so the customers near it are
    one run of the sorted keys: bounds a hair wide, then the few keys at their edges checked
    with the exact rule (a distinct value at a time).
    """
    runs = _near_runs(index.ascending, normalize_cuts(cuts), within)
    return tuple(high - low for low, high in runs)
