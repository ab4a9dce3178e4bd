"""Tiering a history, fast enough for a slider move at a million accounts x 8 quarters (issue 16):
each account's plain tier per period, and the figures stability needs — per period the accounts
and cents per tier, per pair of periods the from -> to matrix — with as little work as the move
allows. lib/history_tiers.py holds the history and the rules' definitions, lib/history_rules.py
applies the rules to a plain tiering, lib/history_counts.py does the counting, and
lib/history.py turns a `Tiering` into the `Stability` callers read.

- **Plain tiers** are one comparison per period and cut-off. A period's figures are binary
  searches in its sorted values; a pair's matrix is a bincount over the accounts whose tier
  differs (found in one pass), its diagonal the later period's figures less what entered.
- **A slider move** starts from the last plain tiering of the same history (`_LATEST`): only the
  accounts between a cut-off's old and new threshold change tier (a stretch of each period's
  sorted values), so the tiers are corrected for those accounts alone; the lists of changes are
  one pass per pair and the matrices bincounts over them. A jump (cut-offs typed far away)
  tiers afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from lib.cache import LatestWhileAlive
from lib.history_counts import changes, ends_of, matrices, plain_figures
from lib.history_tiers import History, band_cents
from lib.tiering import normalize_cuts

# From the last tiering when the accounts between the old and new lines are at most this share
# of all: past it, scattering them costs more than a fresh pass over every period.
_MOVE_SHARE = 0.25


@dataclass(frozen=True, eq=False)
class Tiering:
    """Each account's tier per period, and the figures of those tiers. Read-only: a tiering is
    shared by the threads of every session showing the same history.

    `side` is the number of tiers + 1 (index 0 is "none": absent from the period);
    `customers[p, t]` / `revenue[p, t]`: accounts and cents in tier t in period p (0 for t = 0);
    `cells_customers[p, a, b]` / `cells_revenue[p, a, b]`: accounts going from tier a in period
    p to tier b in p + 1, and their cents (p + 1's; for a churned account, b = 0, p's), the
    (0, 0) cell left 0; `changed[p]`: the accounts customers in both p and p + 1 whose tier
    differs (sorted). Accounts arriving or leaving are most of the changes and never depend on
    the rules (an account arriving is tiered plainly, one leaving goes to "none"): their rows of
    the matrix are binary searches in their sorted values (`Ends`), so no list holds them.
    """

    tiers: np.ndarray
    thresholds: tuple[int, ...]  # the cut-offs as cents thresholds, from the top
    side: int
    customers: np.ndarray
    revenue: np.ndarray
    cells_customers: np.ndarray
    cells_revenue: np.ndarray
    changed: tuple[np.ndarray, ...]


def frozen(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.flags.writeable = False


def tiering_of(
    history: History,
    tiers: np.ndarray,
    *,
    thresholds: tuple[int, ...],
    side: int,
    figures: tuple[np.ndarray, np.ndarray],
    cells: Sequence[tuple[np.ndarray, np.ndarray]],
    changed: Sequence[np.ndarray],
) -> Tiering:
    shape = (len(cells), side, side)
    cells_customers = np.stack([c for c, _ in cells]) if cells else np.zeros(shape, np.int64)
    cells_revenue = np.stack([r for _, r in cells]) if cells else np.zeros(shape, np.int64)
    found = Tiering(
        tiers=tiers,
        thresholds=thresholds,
        side=side,
        customers=figures[0],
        revenue=figures[1],
        cells_customers=cells_customers,
        cells_revenue=cells_revenue,
        changed=tuple(changed),
    )
    frozen(tiers, *figures, cells_customers, cells_revenue, *found.changed)
    return found


# The last plain tiering of each history: a slider move starts from it (`_moved`).
_LATEST: LatestWhileAlive[History, Tiering] = LatestWhileAlive()


def plain_tiering(history: History, cuts: Sequence[float]) -> Tiering:
    """Every period tiered plainly (recorded tiers as recorded): afresh, or — when this
    history's last cut-offs were near these, as on a slider move — the last tiering corrected
    for the accounts between the old and the new lines."""
    thresholds = tuple(band_cents(c, Decimal(1)) for c in normalize_cuts(cuts))
    last = _LATEST.latest(history)
    if last is not None and last.thresholds == thresholds:
        return last
    made = None if last is None else _moved(history, last, thresholds)
    if made is None:
        made = _fresh(history, thresholds)
    _LATEST.put(history, made)
    return made


def _side(history: History, thresholds: tuple[int, ...]) -> int:
    """Tiers + 1: the cut-offs' tiers, or more in a recorded tier list."""
    recorded = [int(f.max(initial=0)) for f in history.fixed if f is not None]
    return max([len(thresholds) + 1, *recorded]) + 1


def _fresh(history: History, thresholds: tuple[int, ...]) -> Tiering:
    side = _side(history, thresholds)
    tiers = np.empty(history.cents.shape, dtype=np.int8)
    for p in range(history.periods):
        fixed = history.fixed[p]
        if fixed is not None:
            tiers[p] = fixed
        else:
            tiers[p] = plain_tiers(history.cents[p], history.present[p], thresholds)
    customers, revenue = plain_figures(history, tiers, thresholds, side)
    ends = ends_of(history)
    scratch = np.empty(history.accounts, dtype=bool)
    changed = tuple(changes(tiers, p, ends.stay[p], scratch) for p in range(history.periods - 1))
    cells = matrices(
        history,
        tiers,
        changed,
        (customers, revenue),
        lambda q: ends.plain_rows(history, tiers, thresholds, q, side),
    )
    return tiering_of(
        history,
        tiers,
        thresholds=thresholds,
        side=side,
        figures=(customers, revenue),
        cells=cells,
        changed=changed,
    )


def plain_tiers(values: np.ndarray, here: np.ndarray, thresholds: Sequence[int]) -> np.ndarray:
    tiers = np.ones(len(values), dtype=np.int8)
    for threshold in thresholds:
        tiers += values < threshold
    tiers *= here
    return tiers


def _moved(history: History, last: Tiering, thresholds: tuple[int, ...]) -> Tiering | None:
    """`last` with its cut-offs moved to `thresholds`: in each period, the accounts between a
    cut-off's old and new threshold (a stretch of its sorted values) go one tier up or down; a
    pair's changes are one pass over the two periods' tiers (lib.history_counts.changes), its
    matrix a bincount over them. None when there is too much to move (or another tier count)."""
    if len(thresholds) != len(last.thresholds) or _side(history, thresholds) != last.side:
        return None
    stretches = _stretches(history, last.thresholds, thresholds)
    if sum(len(a) for period in stretches for a in period) > _MOVE_SHARE * history.cents.size:
        return None
    tiers = last.tiers.copy()
    for p, period in enumerate(stretches):
        for (old, new), accounts in zip(
            zip(last.thresholds, thresholds, strict=True), period, strict=True
        ):
            tiers[p, accounts] += np.int8(1 if new > old else -1)  # value < new, not < old
    scratch = np.empty(history.accounts, dtype=bool)
    ends = ends_of(history)
    changed = [changes(tiers, p, ends.stay[p], scratch) for p in range(history.periods - 1)]
    figures = plain_figures(history, tiers, thresholds, last.side)
    # The matrices afresh from the changes: a bincount over them reads memory in order, which
    # costs less than correcting the last ones for the accounts moved (read in any order).
    cells = matrices(
        history,
        tiers,
        changed,
        figures,
        lambda q: ends.plain_rows(history, tiers, thresholds, q, last.side),
    )
    return tiering_of(
        history,
        tiers,
        thresholds=thresholds,
        side=last.side,
        figures=figures,
        cells=cells,
        changed=changed,
    )


def _stretches(
    history: History, old: tuple[int, ...], new: tuple[int, ...]
) -> list[list[np.ndarray]]:
    """Per period, per cut-off, the accounts whose value lies between its old and new
    threshold (none for a period of recorded tiers)."""
    empty = np.zeros(0, dtype=np.int32)
    found = []
    for p in range(history.periods):
        if history.fixed[p] is not None:
            found.append([empty for _ in old])
            continue
        ascending, order = history.ascending[p], history.order[p]
        period = []
        for before, after in zip(old, new, strict=True):
            low, high = np.searchsorted(ascending, sorted((before, after)), side="left")
            period.append(order[low:high])
        found.append(period)
    return found
