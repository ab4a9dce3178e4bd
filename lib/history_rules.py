"""The stability rules applied to a plain tiering (lib/history_tiering.py), and the way in:
`tiering` (plain, then the rules) and `tiers_over_time`. The rules themselves are defined in
lib/history_tiers.py.

The rules start from the plain tiering: the bands touch only the stretches of values inside
them, the accounts whose tier differs from the previous period are one pass over the two
periods' tiers, and every figure is the plain one corrected for the few accounts off their plain
tier.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lib.errors import InputError
from lib.history_counts import cents_sums, changes, ends_of, matrices, union
from lib.history_tiering import Tiering, plain_tiering, tiering_of
from lib.history_tiers import NO_RULES, History, Rules, band_cents, decimal_of
from lib.tiering import normalize_cuts


def ruled_tiering(history: History, plain: Tiering, cuts: Sequence[float], rules: Rules) -> Tiering:
    """The rules applied from the second period on, to a copy of the plain tiering.

    Per period: the bands correct the accounts inside them (stretches of sorted values); the
    accounts whose tier differs from the previous period's are found in one pass; the
    demotions to hold back are among them. Then every figure
    is the plain one, corrected for the accounts off their plain tier, and each pair's matrix
    a bincount over its changes.
    """
    ordered = normalize_cuts(cuts)
    up = [band_cents(c, 1 + decimal_of(rules.buffer)) for c in ordered]
    down = [band_cents(c, 1 - decimal_of(rules.buffer)) for c in ordered]
    bands = list(zip(plain.thresholds, up, down, strict=True))
    # Bands that share no value move disjoint stretches of accounts: no union needed.
    apart = all(down[j] >= up[j + 1] for j in range(len(bands) - 1))
    if rules.protect_until_renewal and history.protected is None:
        raise InputError(
            "Protecting accounts until renewal needs their renewal dates: no period has a "
            "renewal_date column."
        )
    tiers = plain.tiers.copy()
    # The period each account entered its tier in: it has been p - entered periods in it.
    entered = np.zeros(history.accounts, dtype=np.int16) if rules.min_stay > 1 else None
    marks = np.zeros(history.accounts, dtype=bool)  # all False between uses (union)
    scratch = np.empty(history.accounts, dtype=bool)
    ends = ends_of(history)
    off: list[np.ndarray] = [np.zeros(0, dtype=np.intp)]
    changed: list[np.ndarray] = []
    for p in range(1, history.periods):
        now, previous = tiers[p], tiers[p - 1]  # views: corrected in place
        stay = ends.stay[p - 1]
        if history.fixed[p] is not None:  # recorded: as recorded
            off.append(np.zeros(0, dtype=np.intp))
            step = np.flatnonzero((now != previous) & stay)
        else:
            moved = union(_band(history, p, now, previous, bands), marks, disjoint=apart)
            differ = changes(tiers, p - 1, stay, scratch)
            held = _hold(history, p, now, previous, rules, among=differ, entered=entered)
            maybe = union([moved, held], marks)
            off.append(maybe[now[maybe] != plain.tiers[p][maybe]])
            # The held accounts keep their previous tier: the changes are the others.
            step = np.delete(differ, np.searchsorted(differ, held)) if len(held) else differ
        if entered is not None:  # in a tier since now: those changing, and those arriving
            entered[step] = p
            entered[ends.arriving[p - 1]] = p
        changed.append(step)
    figures = _ruled_figures(history, plain, tiers, off)
    cells = matrices(
        history,
        tiers,
        changed,
        figures,
        lambda q: ends.ruled_rows(
            history,
            ends.plain_rows(history, plain.tiers, plain.thresholds, q, plain.side),
            plain=plain.tiers,
            tiers=tiers,
            off=off[q],
            p=q,
        ),
    )
    return tiering_of(
        history,
        tiers,
        thresholds=plain.thresholds,
        side=plain.side,
        figures=figures,
        cells=cells,
        changed=changed,
    )


def _ruled_figures(
    history: History, plain: Tiering, tiers: np.ndarray, off: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The plain figures, corrected in each period for the accounts off their plain tier."""
    customers, revenue = plain.customers.copy(), plain.revenue.copy()
    side = plain.side
    for p, accounts in enumerate(off):
        if not len(accounts):
            continue
        # One bincount over (plain, ruled) pairs: its column sums are what the accounts
        # brought to their ruled tiers, its row sums what they took from their plain ones.
        code = plain.tiers[p][accounts].astype(np.intp) * side + tiers[p][accounts]
        counts = np.bincount(code, minlength=side * side).reshape(side, side)
        sums = cents_sums(history, code, history.cents[p][accounts], side * side)
        sums = sums.reshape(side, side)
        customers[p] += counts.sum(axis=0) - counts.sum(axis=1)
        revenue[p] += sums.sum(axis=0) - sums.sum(axis=1)
    return customers, revenue


def _band(
    history: History,
    p: int,
    tiers: np.ndarray,
    previous: np.ndarray,
    bands: Sequence[tuple[int, int, int]],
) -> list[np.ndarray]:
    """Correct plain tiers for the buffer band, in place, and return the accounts moved, per
    cut-off (an account moved by two is in two lists): only accounts inside a band (a stretch
    of the period's accounts sorted by value) can differ, and each cut-off is passed or not on
    its own (lib/history_tiers.py)."""
    ascending, order = history.ascending[p], history.order[p]
    moved = []
    for j, (at, rise, fall) in enumerate(bands):
        low, split, high = np.searchsorted(ascending, [fall, at, rise], side="left")
        if low >= high:
            continue
        # Plainly below the cut-off, in the band: back above it if it was above before (tier
        # number j + 1 or less). Plainly above: back below if it was below before. Only those
        # few are written (a scatter over the whole band cost more than the band's tests).
        under, over = order[low:split], order[split:high]
        was = previous[under]
        raised = under[(was > 0) & (was <= j + 1)]
        lowered = over[previous[over] > j + 1]
        tiers[raised] -= 1
        tiers[lowered] += 1
        moved.append(np.concatenate([raised, lowered]))
    return moved


def _hold(
    history: History,
    p: int,
    tiers: np.ndarray,
    previous: np.ndarray,
    rules: Rules,
    *,
    among: np.ndarray,
    entered: np.ndarray | None,
) -> np.ndarray:
    """Hold back demotions, in place: before the minimum stay (`entered`: the period each
    account entered its tier in), or until renewal. `among`: every account whose tier differs
    from its previous one. Returns the accounts held."""
    if entered is None and not rules.protect_until_renewal:
        return np.zeros(0, dtype=np.intp)
    before = previous[among]
    demoted = among[(tiers[among] > before) & (before > 0)]
    blocked = np.zeros(len(demoted), dtype=bool)
    if entered is not None:
        blocked |= entered[demoted] > p - rules.min_stay
    if rules.protect_until_renewal and history.protected is not None:
        blocked |= history.protected[p][demoted]
    held: np.ndarray = demoted[blocked]
    tiers[held] = previous[held]
    return held


def tiering(history: History, cuts: Sequence[float], rules: Rules) -> Tiering:
    """The plain tiering, then (rules not plain) the rules applied to it."""
    plain = plain_tiering(history, cuts)
    return plain if rules.is_plain else ruled_tiering(history, plain, cuts, rules)


def tiers_over_time(history: History, cuts: Sequence[float], rules: Rules = NO_RULES) -> np.ndarray:
    """Each account's tier in each period, (periods, accounts) int8: 1 is the top, 0 absent.

    The first period (and any period with recorded tiers) is tiered plainly or as recorded;
    the rules (lib/history_tiers.py) apply from the second on.
    """
    return tiering(history, cuts, rules).tiers
