"""Cut-offs from targets: revenue shares, a cap on the top tier, the team's capacity; and why.

Every suggested cut-off is one of the customers' values, so customers with equal values are always
all in a tier or all out of it. The one exception: when no customer value works for Tier 1 (its
team cannot carry even the largest customer, or the cap excludes it), the cut-off goes just above
the largest value and Tier 1 is empty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.errors import InputError
from lib.formatting import count, percent
from lib.scales import round_significant
from lib.tiering import MAX_TIERS, MIN_TIERS, TierIndex, summarize, tier_name

# Revenue share each tier above the last aims for, by number of tiers. Three tiers follow the
# classic shape: ~40% of revenue in the top tier, ~30% in the middle, the rest in the tail.
DEFAULT_TARGET_SHARES: dict[int, tuple[float, ...]] = {
    2: (0.5,),
    3: (0.4, 0.3),
    4: (0.4, 0.25, 0.2),
    5: (0.35, 0.25, 0.2, 0.1),
}

# Practitioners' common cap: Tier 1 under 10% of customers (it is often 5-10% of accounts).
DEFAULT_MAX_TOP_CUSTOMER_SHARE = 0.10
TIE_TOLERANCE = 1e-12  # shares closer than this to each other are equally close to a target


def _above_max(index: TierIndex) -> float:
    """The cut-off that leaves Tier 1 empty: the smallest float above the largest value."""
    return float(np.nextafter(index.max_value, math.inf))


def _distinct_from_top(index: TierIndex) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values from the highest down, and the first position of each in `ascending`."""
    ascending = index.ascending
    starts = np.flatnonzero(np.r_[True, ascending[1:] != ascending[:-1]])[::-1]
    return ascending[starts], starts


def cuts_for_revenue_shares(
    index: TierIndex,
    targets: Sequence[float],
    max_top_customer_share: float | None = None,
) -> tuple[float, ...]:
    """Cut-offs whose tiers' revenue shares come as close as possible to `targets`, top first.

    c1 is the customer value that brings Tier 1's share closest to targets[0] (on a tie, the
    higher cut-off); then c2, at or below c1, brings Tier 2's share closest to targets[1], and so
    on. Every cut-off is one of the customers' values.

    With `max_top_customer_share` (a 0..1 share), c1 is chosen only among the values that keep
    Tier 1 at or under that share of customers; when none does, c1 goes just above the largest
    value and Tier 1 is empty.
    """
    if not MIN_TIERS - 1 <= len(targets) <= MAX_TIERS - 1:
        raise InputError(f"Give 1 to {MAX_TIERS - 1} target shares; got {len(targets)}.")
    if index.customers == 0:
        raise InputError("There are no customers to suggest cut-offs for.")
    _check_share_cap(max_top_customer_share)
    candidates, starts = _distinct_from_top(index)
    revenue_at_or_above = index.revenue_from(starts)
    total = index.total_revenue
    n = index.customers
    cuts: list[float] = []
    revenue_above = 0.0
    for target in targets:
        if cuts:
            allowed = candidates <= cuts[-1]
        elif max_top_customer_share is None:
            allowed = np.ones(len(candidates), dtype=bool)
        else:
            # Same arithmetic as TierFigures.customer_share, so "at most 10%" means what it shows.
            allowed = (n - starts) / n <= max_top_customer_share
            if not allowed.any():
                cuts.append(_above_max(index))
                continue
        share = (revenue_at_or_above - revenue_above) / total if total else np.zeros(len(starts))
        distance = np.where(allowed, np.abs(share - target), np.inf)
        # Ties go to the highest cut-off (the first candidate). "Tie" allows for float noise:
        # 0.1 - 0.4 and 0.5 - 0.4 differ in the 17th digit, and should not decide anything.
        closest = distance.min()
        best = int(np.flatnonzero(distance <= closest + TIE_TOLERANCE)[0])
        cuts.append(float(candidates[best]))
        revenue_above = float(revenue_at_or_above[best])
    return tuple(cuts)


def _check_share_cap(cap: float | None) -> None:
    if cap is not None and not (math.isfinite(cap) and cap >= 0):
        raise InputError(f"The cap on Tier 1's share of customers must be 0% or more; got {cap}.")


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


# ---------------------------------------------------------------------------------------------
# Fit the team.


def _accounts_that_fit(hours_per_account: float, hours_available: float, limit: int) -> int:
    """How many accounts (at most `limit`) fit in `hours_available`.

    "Fit" is the test `TierCapacity.is_over_capacity` applies, accounts × hours <= hours
    available, float for float, so a suggested tier is never shown over capacity by a rounding.
    """
    if hours_per_account == 0:
        return limit
    ratio = hours_available / hours_per_account
    fitting = limit if ratio >= limit else math.floor(ratio)
    while fitting < limit and (fitting + 1) * hours_per_account <= hours_available:
        fitting += 1
    while fitting > 0 and fitting * hours_per_account > hours_available:
        fitting -= 1
    return fitting


def _check_capacity_inputs(
    index: TierIndex, hours_per_account: Sequence[float], hours_available: Sequence[float]
) -> None:
    if not MIN_TIERS <= len(hours_per_account) <= MAX_TIERS:
        raise InputError(
            f"Give hours for {MIN_TIERS} to {MAX_TIERS} tiers; got {len(hours_per_account)}."
        )
    if len(hours_available) != len(hours_per_account):
        raise InputError("Give the hours per account and the team hours for the same tiers.")
    for value in (*hours_per_account, *hours_available):
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"Hours must be zero or more; got {value}.")
    if index.customers == 0:
        raise InputError("There are no customers to suggest cut-offs for.")


def cuts_to_fit_teams(
    index: TierIndex, hours_per_account: Sequence[float], hours_available: Sequence[float]
) -> tuple[float, ...]:
    """The lowest cut-offs whose tiers' load fits each tier's team, top first.

    `hours_per_account` and `hours_available` have one entry per tier (2 to 5 tiers); the last
    tier takes the rest, so its entries do not move a cut-off. c1 is the lowest customer value
    whose accounts at or above it × hours_per_account[0] fit in hours_available[0]; c2 (<= c1) the
    lowest whose accounts in [c2, c1) fit team 2; and so on. A tier whose team cannot carry even
    the next customers down is left empty (c1 just above the largest value; c2 = c1).
    """
    _check_capacity_inputs(index, hours_per_account, hours_available)
    cuts: list[float] = []
    for hours, available in zip(hours_per_account[:-1], hours_available[:-1], strict=True):
        ceiling = cuts[-1] if cuts else _above_max(index)
        cuts.append(_lowest_cut_that_fits(index, ceiling, hours, available))
    return tuple(cuts)


def _lowest_cut_that_fits(
    index: TierIndex, ceiling: float, hours: float, available: float
) -> float:
    """The lowest customer value c <= `ceiling` whose customers in [c, ceiling) fit the team.

    `ceiling` itself (an empty tier) when no customer value below it fits.
    """
    ascending = index.ascending
    high = int(index.positions([ceiling])[0])  # the tier can take ascending[:high]
    low = high - _accounts_that_fit(hours, available, high)  # ...at most ascending[low:high]
    if low >= high:
        return ceiling
    value = ascending[low]
    if int(index.positions([value])[0]) < low:
        # Customers equal to `value` straddle the limit: all in would overload the team, so they
        # all stay out and the cut-off moves up to the next distinct value.
        low = int(np.searchsorted(ascending, value, side="right"))
        if low >= high:
            return ceiling
    return float(ascending[low])


# ---------------------------------------------------------------------------------------------
# Explanations.


@dataclass(frozen=True)
class Explanation:
    """Why the cut-offs are where they are: short sentences for a person, tiers from the top."""

    cuts: tuple[float, ...]
    sentences: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.sentences)


def _hours(value: float) -> str:
    return f"{count(value)} h"


def explain(
    index: TierIndex,
    cuts: Sequence[float],
    *,
    targets: Sequence[float] | None = None,
    max_top_customer_share: float | None = None,
    hours_per_account: Sequence[float] | None = None,
    hours_available: Sequence[float] | None = None,
) -> Explanation:
    """Sentences explaining `cuts` against whichever goals are given.

    `targets` (revenue shares, top first): how close each tier came, and whether that is the
    closest a cut-off can get. `max_top_customer_share`: Tier 1's share of customers against the
    cap, and what the cap changed. `hours_per_account` with `hours_available` (one per tier): each
    tier's load against its team. "Closest" and "lowest" are only claimed when the cut-offs are
    the ones the suggestion functions give for these goals (not after a slider moved).
    """
    ordered = tuple(sorted((float(cut) for cut in cuts), reverse=True))
    sentences: list[str] = []
    if targets is not None:
        sentences += _target_sentences(index, ordered, targets, max_top_customer_share)
    if max_top_customer_share is not None:
        sentences += _cap_sentences(index, ordered, targets, max_top_customer_share)
    if hours_per_account is not None and hours_available is not None:
        sentences += _fit_sentences(index, ordered, hours_per_account, hours_available)
    return Explanation(cuts=ordered, sentences=tuple(sentences))


def _target_sentences(
    index: TierIndex, cuts: tuple[float, ...], targets: Sequence[float], cap: float | None
) -> list[str]:
    summary = summarize(index, cuts)
    suggested = cuts_for_revenue_shares(index, targets, cap) if index.customers else ()
    sentences = []
    for t, target in enumerate(targets[: len(cuts)]):
        share = summary.tiers[t].revenue_share
        text = f"{tier_name(t + 1)}: {percent(share)} of revenue (target {percent(target)})"
        is_suggested = suggested[: t + 1] == cuts[: t + 1]
        if percent(share) != percent(target) and is_suggested:
            if t == 0 and cap is not None and suggested[0] != _uncapped_top_cut(index, targets):
                text += f" — the closest the {percent(cap)} cap on customers allows"
            elif t == 0:
                text += " — the closest a cut-off can get, since revenue comes in whole customers"
            else:
                text += f" — the closest a cut-off can get below {tier_name(t)}'s"
        sentences.append(text + ".")
    return sentences


def _uncapped_top_cut(index: TierIndex, targets: Sequence[float]) -> float:
    return cuts_for_revenue_shares(index, targets[:1])[0]


def _cap_sentences(
    index: TierIndex, cuts: tuple[float, ...], targets: Sequence[float] | None, cap: float
) -> list[str]:
    top = summarize(index, cuts).tiers[0]
    largest = index.count_at_or_above(index.max_value)
    if top.customers == 0 and index.customers and largest / index.customers > cap:
        return [
            f"Tier 1 is empty: the largest customer{'s' if largest > 1 else ''} alone would be "
            f"{percent(largest / index.customers)} of customers, over the {percent(cap)} cap."
        ]
    text = f"Tier 1 holds {percent(top.customer_share)} of customers (cap {percent(cap)})."
    if targets and cuts[0] != _uncapped_top_cut(index, targets):
        uncapped = summarize(index, (_uncapped_top_cut(index, targets),)).tiers[0]
        text += (
            f" Without the cap it would hold {percent(uncapped.customer_share)} of customers "
            f"and {percent(uncapped.revenue_share)} of revenue."
        )
    return [text]


def _fit_sentences(
    index: TierIndex,
    cuts: tuple[float, ...],
    hours_per_account: Sequence[float],
    hours_available: Sequence[float],
) -> list[str]:
    summary = summarize(index, cuts)
    sentences = []
    for t, (tier, hours, available) in enumerate(
        zip(summary.tiers, hours_per_account, hours_available, strict=True)
    ):
        needed = tier.customers * hours
        load = f"{_hours(needed)} needed of {_hours(available)}"
        step = _accounts_one_step_down(index, cuts, t) if t < len(cuts) else None
        wider = None if step is None else step * hours
        if t == len(cuts):
            over = " — over its team's capacity" if needed > available else ""
            sentences.append(f"{tier.name} takes the rest: {load}{over}.")
        elif needed > available:
            sentences.append(f"{tier.name} is over its team's capacity: {load}.")
        elif wider is None or wider <= available:
            sentences.append(f"{tier.name} fits its team: {load}.")
        elif tier.customers == 0:
            assert step is not None, "only the last tier has no step down, and it was handled"
            who = "customer" if step == 1 else f"{count(step)} customers (tied)"
            sentences.append(
                f"{tier.name} is empty: its team has {_hours(available)}, and even the next "
                f"{who} down would need {_hours(wider)}."
            )
        else:
            sentences.append(
                f"{tier.name} fits its team: {load}; one more customer step down would need "
                f"{_hours(wider)}."
            )
    return sentences


def _accounts_one_step_down(index: TierIndex, cuts: tuple[float, ...], t: int) -> int | None:
    """Tier t's accounts (0-based) with its cut-off lowered to the next customer value below it.

    Lowering takes in every customer tied at that value; None when no customer is below.
    """
    below = index.ascending[: int(index.positions([cuts[t]])[0])]
    if not len(below):
        return None
    ceiling = cuts[t - 1] if t else _above_max(index)
    return index.count_at_or_above(float(below[-1])) - index.count_at_or_above(ceiling)


def for_shares(
    index: TierIndex, targets: Sequence[float], max_top_customer_share: float | None = None
) -> tuple[tuple[float, ...], Explanation]:
    """Cut-offs for target revenue shares (within an optional cap on Tier 1's customers), and
    why they landed there: what the Plan page's buttons and `tierboard suggest` apply."""
    cuts = cuts_for_revenue_shares(index, targets, max_top_customer_share=max_top_customer_share)
    why = explain(index, cuts, targets=targets, max_top_customer_share=max_top_customer_share)
    return cuts, why
