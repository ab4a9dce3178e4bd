"""Cut-offs from targets: revenue shares per tier, and the app's default cut-offs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lib.errors import InputError
from lib.scales import round_significant
from lib.tiering import MAX_TIERS, MIN_TIERS, TierIndex

# Revenue share each tier above the last aims for, by number of tiers. Three tiers follow the
# classic shape: ~40% of revenue in the top tier, ~30% in the middle, the rest in the tail.
DEFAULT_TARGET_SHARES: dict[int, tuple[float, ...]] = {
    2: (0.5,),
    3: (0.4, 0.3),
    4: (0.4, 0.25, 0.2),
    5: (0.35, 0.25, 0.2, 0.1),
}


def cuts_for_revenue_shares(index: TierIndex, targets: Sequence[float]) -> tuple[float, ...]:
    """Cut-offs whose tiers' revenue shares come as close as possible to `targets`, top first.

    c1 is the customer value that brings Tier 1's share closest to targets[0] (on a tie, the
    higher cut-off); then c2, at or below c1, brings Tier 2's share closest to targets[1], and so
    on. Every cut-off is one of the customers' values.
    """
    if not MIN_TIERS - 1 <= len(targets) <= MAX_TIERS - 1:
        raise InputError(f"Give 1 to {MAX_TIERS - 1} target shares; got {len(targets)}.")
    if index.customers == 0:
        raise InputError("There are no customers to suggest cut-offs for.")
    ascending = index.ascending
    # Distinct values, from the highest down, and the revenue at or above each of them.
    starts = np.flatnonzero(np.r_[True, ascending[1:] != ascending[:-1]])[::-1]
    candidates = ascending[starts]
    revenue_at_or_above = index.revenue_from(starts)
    total = index.total_revenue
    cuts: list[float] = []
    revenue_above = 0.0
    for target in targets:
        allowed = candidates <= cuts[-1] if cuts else np.ones(len(candidates), dtype=bool)
        share = (revenue_at_or_above - revenue_above) / total if total else np.zeros(len(starts))
        distance = np.where(allowed, np.abs(share - target), np.inf)
        best = int(np.argmin(distance))  # first minimum = the highest cut-off among ties
        cuts.append(float(candidates[best]))
        revenue_above = float(revenue_at_or_above[best])
    return tuple(cuts)


def default_cuts(index: TierIndex, tiers: int) -> tuple[float, ...]:
    """The cut-offs the app starts with: the target shares' cut-offs, rounded to nice figures.

    Rounding to two significant figures ($55,137 → $55K) keeps the figures people discuss easy to
    say; it is skipped where it would merge two cut-offs.
    """
    if tiers not in DEFAULT_TARGET_SHARES:
        raise InputError(f"Choose between {MIN_TIERS} and {MAX_TIERS} tiers; got {tiers}.")
    exact = cuts_for_revenue_shares(index, DEFAULT_TARGET_SHARES[tiers])
    rounded = tuple(round_significant(cut, 2) for cut in exact)
    return rounded if len(set(rounded)) == len(set(exact)) else exact
