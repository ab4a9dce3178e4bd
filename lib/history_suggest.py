"""Stable suggestions over a history (issue 16): the smallest buffer band that keeps tier churn
at or below a target, and revenue-share cut-offs within the same churn cap — exact, by checking
every candidate that can change the outcome.

Tier churn of a pair of periods is `Transition.changed_share`: accounts whose tier differs (new
and churned accounts included) over the accounts present in either period. A history meets a
target when every pair of periods does (its worst pair is at or below it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.errors import InputError
from lib.formatting import cap_percent, churn_percent, percent
from lib.history import NO_RULES, History, Rules
from lib.history_rules import tiers_over_time
from lib.suggest import TIE_TOLERANCE
from lib.tiering import MAX_TIERS, MIN_TIERS, normalize_cuts, tier_name

DEFAULT_CHURN_TARGET = 0.2  # practitioners' guideline: at most ~20% of accounts a quarter
BUFFER_STEPS = 1000  # buffers are searched on a grid of 0.1% from 0% to 100%


def buffer_grid(step: int) -> float:
    """The buffer of grid step `step` (0.1% each): 0.0, 0.001, ..., 1.0."""
    return step / BUFFER_STEPS


def worst_churn(history: History, cuts: Sequence[float], rules: Rules = NO_RULES) -> float:
    """The largest share of accounts changing tier between two consecutive periods (0 with one
    period): what the churn target is held against."""
    tiers = tiers_over_time(history, cuts, rules)
    worst = 0.0
    for p in range(history.periods - 1):
        customers = int(np.count_nonzero(history.present[p] | history.present[p + 1]))
        changed = int(np.count_nonzero(tiers[p] != tiers[p + 1]))
        if customers:
            worst = max(worst, changed / customers)
    return worst


def _arrivals_and_departures(history: History) -> float:
    """The worst share of accounts new or gone between two periods: no rule changes those."""
    worst = 0.0
    for p in range(history.periods - 1):
        either = history.present[p] | history.present[p + 1]
        only = history.present[p] ^ history.present[p + 1]
        customers = int(np.count_nonzero(either))
        if customers:
            worst = max(worst, int(np.count_nonzero(only)) / customers)
    return worst


@dataclass(frozen=True)
class StableBuffer:
    """The smallest buffer band (on the 0.1% grid) keeping churn at or below `target`."""

    buffer: float | None  # None: no band up to 100% meets the target
    target: float
    churn: float  # the worst pair's churn at `buffer` (or at the best band when None)
    best_buffer: float  # the band with the least churn (the smallest such), for "cannot"
    sentence: str


def buffer_candidates(history: History, cuts: Sequence[float]) -> np.ndarray:
    """Grid steps at which the tiers can differ from the step before, and step 0, ascending.

    An account at value v crosses a cut-off c upwards while v >= c x (1 + b), i.e. up to
    b = v / c - 1, and downwards while v < c x (1 - b), i.e. below b = 1 - v / c: between two
    consecutive candidates every decision, and so every tier, stays the same. The ratios are
    taken in doubles and each one's neighbouring steps added, so none is missed by rounding.
    """
    ordered = normalize_cuts(cuts)
    if any(cut <= 0 for cut in ordered):  # bands around zero or below: check every step
        return np.arange(BUFFER_STEPS + 1)
    flips = [np.array([0])]
    for cut in ordered:
        scale = float(cut) * 100  # the cut-off in cents
        for p in range(1, history.periods):
            if history.fixed[p] is not None:
                continue
            ratio = (history.ascending[p] - scale) / scale * BUFFER_STEPS
            ratio = ratio[np.abs(ratio) <= BUFFER_STEPS + 2]
            # Promotion holds up to floor(ratio): it changes at floor + 1. Demotion holds below
            # -ratio: it changes at ceil(-ratio).
            both = np.concatenate([np.floor(ratio) + 1, np.ceil(-ratio)]).astype(np.int64)
            flips.append(np.unique(both))
    found = np.unique(np.concatenate(flips))
    # Each flip's neighbours too: the doubles' rounding never hides a step.
    steps = np.unique(np.concatenate([found - 1, found, found + 1, [0]]))
    return steps[(steps >= 0) & (steps <= BUFFER_STEPS)]


def smallest_stable_buffer(
    history: History,
    cuts: Sequence[float],
    target: float = DEFAULT_CHURN_TARGET,
    min_stay: int = 0,
    protect_until_renewal: bool = False,
) -> StableBuffer:
    """The smallest buffer band b on the 0.1% grid (0% to 100%) with which no pair of periods
    has more than `target` of its accounts changing tier, under `cuts` and the other rules.

    Exact over the grid: only the candidate steps (`buffer_candidates`) can change the tiers,
    so they are checked in order and the first that meets the target is the smallest. When no
    band does, `buffer` is None and the sentence says the least churn any band reaches. Churn
    is not monotone in the band with three tiers or more (a band can turn one move of two tiers
    into two moves of one), hence every candidate rather than a bisection. Cost: one tiering
    pass per candidate checked (at most 1,001): run it on demand, not on a slider move.
    """
    if not (math.isfinite(target) and 0 <= target <= 1):
        raise InputError(f"The churn cap is a share from 0 to 1 (0.2 is 20%); got {target:g}.")
    best_step, best_churn = 0, math.inf
    for step in buffer_candidates(history, cuts):
        rules = Rules(buffer_grid(int(step)), min_stay, protect_until_renewal)
        churn = worst_churn(history, cuts, rules)
        if churn <= target:
            band = buffer_grid(int(step))
            met = _met(band, target, churn, _other_rules(min_stay, protect_until_renewal))
            return StableBuffer(band, target, churn, band, met)
        if churn < best_churn:
            best_step, best_churn = int(step), churn
    best = buffer_grid(best_step)
    floor = _arrivals_and_departures(history)
    sentence = (
        f"No buffer band up to 100% keeps tier churn at or below {cap_percent(target)} in every "
        f"period: the least is {churn_percent(best_churn)}, with a band of {percent(best)}"
    )
    if floor > target:
        sentence += f"; new and departing accounts alone are {churn_percent(floor)} of a period"
    return StableBuffer(None, target, best_churn, best, sentence + ".")


def _other_rules(min_stay: int, protect_until_renewal: bool) -> str:
    """The rules searched under besides the band, as a clause ("" when none): a figure found
    with a minimum stay differs from the plain one, and the sentence must not pass for it."""
    rules = []
    if min_stay > 0:
        rules.append(f"a {min_stay}-period minimum stay")
    if protect_until_renewal:
        rules.append("protection until renewal")
    return " and ".join(rules)


def _met(band: float, target: float, churn: float, others: str = "") -> str:
    if band == 0:
        start = f"With {others} and no buffer band" if others else "Without a buffer band"
        return (
            f"{start}, tier churn is at most {churn_percent(churn)} a period, within the "
            f"{cap_percent(target)} target."
        )
    under = f" (with {others})" if others else ""
    return (
        f"A buffer band of {band * 100:g}%{under} keeps tier churn at or below "
        f"{cap_percent(target)} in every period (at most {churn_percent(churn)}); any smaller "
        "band does not."
    )


@dataclass(frozen=True)
class StableCuts:
    """Revenue-share cut-offs within a churn cap, or None with the reason."""

    cuts: tuple[float, ...] | None
    churn: float | None  # the worst pair's churn under `cuts`
    sentence: str


def stable_cuts_for_shares(
    history: History,
    targets: Sequence[float],
    target: float = DEFAULT_CHURN_TARGET,
    rules: Rules = NO_RULES,
) -> StableCuts:
    """Cut-offs for target revenue shares in the latest period, each within the churn cap.

    As lib.suggest.cuts_for_revenue_shares, one cut-off at a time from the top: c1 is the value
    of a customer of the latest period that brings Tier 1's share closest to targets[0] (ties:
    the higher) among those whose two tiers keep every period's churn at or below `target`;
    then c2 (at or below c1) the closest for Tier 2 among those with which c1, c2 keep it; and
    so on. Exact: every candidate value is considered. None, with a sentence, when no value
    keeps a cut-off within the cap.

    Cost: one tiering pass over the history per candidate checked, closest first, stopping at
    the first within the cap: immediate when the closest values keep it, long at a million
    customers when thousands of them do not (run it on demand, not on a slider move).
    """
    if not MIN_TIERS - 1 <= len(targets) <= MAX_TIERS - 1:
        raise InputError(f"Give 1 to {MAX_TIERS - 1} target shares; got {len(targets)}.")
    last = history.periods - 1
    ascending, prefix = history.ascending[last], history.prefix[last]
    if not len(ascending):
        raise InputError("The latest period has no customers to suggest cut-offs for.")
    total = int(prefix[-1])
    starts = np.flatnonzero(np.r_[True, ascending[1:] != ascending[:-1]])[::-1]
    values = ascending[starts]  # distinct values, from the top
    above = prefix[-1] - prefix[starts]  # revenue at or above each value
    cuts: list[float] = []
    taken = 0  # revenue (cents) of the tiers above
    for t, share in enumerate(targets):
        allowed = values <= round(cuts[-1] * 100) if cuts else np.ones(len(values), dtype=bool)
        revenue = (above - taken) / total if total else np.zeros(len(values))
        distance = np.where(allowed, np.abs(revenue - share), np.inf)
        chosen = _closest_within(history, cuts, values, distance, target=target, rules=rules)
        if chosen is None:
            return StableCuts(
                None,
                None,
                f"No cut-off for {tier_name(t + 1)} keeps tier churn at or below "
                f"{cap_percent(target)} in every period"
                + (" with the cut-offs above it." if cuts else "."),
            )
        cuts.append(float(values[chosen]) / 100)
        taken = int(above[chosen])
    churn = worst_churn(history, cuts, rules)
    return StableCuts(
        tuple(cuts),
        churn,
        f"These cut-offs come closest to the target shares with tier churn at most "
        f"{churn_percent(churn)} a period (cap {cap_percent(target)}).",
    )


def _closest_within(
    history: History,
    cuts: list[float],
    values: np.ndarray,
    distance: np.ndarray,
    *,
    target: float,
    rules: Rules,
) -> int | None:
    """The index of the closest candidate (ties within TIE_TOLERANCE: the higher value, which
    comes first) whose cut-offs keep churn within the target; None when none does."""
    order = np.lexsort((np.arange(len(values)), distance))
    best: float | None = None
    chosen: int | None = None
    for index in order:
        gap = float(distance[index])
        if not math.isfinite(gap) or (best is not None and gap > best + TIE_TOLERANCE):
            break
        if chosen is not None and index > chosen:
            continue  # a lower value within the tie: the higher one stays
        if worst_churn(history, [*cuts, float(values[index]) / 100], rules) <= target:
            if best is None:
                best = gap
            chosen = int(index)
    return chosen
