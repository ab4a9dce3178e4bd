"""Tiering a history, fast enough for a slider move at a million accounts x 8 quarters (issue 16):
each account's tier per period, and the figures stability needs — per period the accounts and
cents per tier, per pair of periods the from -> to matrix — with as little work as the move
allows. lib/history_tiers.py holds the history and the rules' definitions; lib/history.py turns a
`Tiering` into the `Stability` callers read.

How the work stays small:

- **Plain tiers** are one comparison per period and cut-off. A period's figures are binary
  searches in its sorted values; a pair's matrix is a bincount over the accounts whose tier
  differs (found in one pass), its diagonal the later period's figures less what entered.
- **A slider move** starts from the last plain tiering of the same history (`_LATEST`): only the
  accounts between a cut-off's old and new threshold change tier (a stretch of each period's
  sorted values), so the tiers and the lists of changes are corrected for those accounts alone,
  and the matrices are bincounts over the changes. A jump (cut-offs typed far away) tiers afresh.
- **The rules** start from the plain tiering: the bands touch only the stretches of values
  inside them, the accounts whose tier differs from the previous period are the plain changes
  corrected for the few accounts off their plain tier, and every figure is the plain one
  corrected for those few accounts.

Every index list here is sorted and lists an account once: reading the (periods x accounts)
arrays at sorted indices reads memory in order, which at this size is most of the cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from lib.cache import KeptWhileAlive, LatestWhileAlive
from lib.errors import InputError
from lib.history_tiers import NO_RULES, History, Rules, band_cents, decimal_of
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
    the matrix are binary searches in their sorted values (`_Ends`), so no list holds them.
    """

    tiers: np.ndarray
    thresholds: tuple[int, ...]  # the cut-offs as cents thresholds, from the top
    side: int
    customers: np.ndarray
    revenue: np.ndarray
    cells_customers: np.ndarray
    cells_revenue: np.ndarray
    changed: tuple[np.ndarray, ...]


def _frozen(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.flags.writeable = False


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


# --- plain tiers ------------------------------------------------------------------------------

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
            tiers[p] = _plain(history.cents[p], history.present[p], thresholds)
    customers, revenue = _plain_figures(history, tiers, thresholds, side)
    ends = _ends_of(history)
    changed = tuple(
        np.flatnonzero((tiers[p] != tiers[p + 1]) & ends.stay[p])
        for p in range(history.periods - 1)
    )
    cells = _matrices(
        history,
        tiers,
        changed,
        (customers, revenue),
        lambda q: ends.plain_rows(history, tiers, thresholds, q, side),
    )
    return _made(
        history,
        tiers,
        thresholds=thresholds,
        side=side,
        figures=(customers, revenue),
        cells=cells,
        changed=changed,
    )


def _made(
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
    _frozen(tiers, *figures, cells_customers, cells_revenue, *found.changed)
    return found


@dataclass(frozen=True, eq=False)
class _Ends:
    """Per pair of periods p -> p + 1, made once per history: who is a customer in both
    (`stay[p]`), who arrives (`arriving[p]`, sorted) with their values in p + 1 sorted and
    their prefix sums, and who leaves, with their values in p sorted and prefix sums."""

    stay: tuple[np.ndarray, ...]
    arriving: tuple[np.ndarray, ...]
    arrive_values: tuple[np.ndarray, ...]
    arrive_prefix: tuple[np.ndarray, ...]
    leaving: tuple[np.ndarray, ...]
    leave_values: tuple[np.ndarray, ...]
    leave_prefix: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, history: History) -> _Ends:
        parts: list[list[np.ndarray]] = [[] for _ in range(7)]
        for p in range(history.periods - 1):
            before, after = history.present[p], history.present[p + 1]
            arriving = np.flatnonzero(after & ~before)
            leaving = np.flatnonzero(before & ~after)
            arrive_values = np.sort(history.cents[p + 1][arriving])
            leave_values = np.sort(history.cents[p][leaving])
            for found, array in zip(
                parts,
                (
                    before & after,
                    arriving,
                    arrive_values,
                    _prefix(arrive_values),
                    leaving,
                    leave_values,
                    _prefix(leave_values),
                ),
                strict=True,
            ):
                array.flags.writeable = False
                found.append(array)
        return cls(*(tuple(found) for found in parts))

    def plain_rows(
        self, history: History, tiers: np.ndarray, thresholds: tuple[int, ...], p: int, side: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Arriving accounts and cents per tier in p + 1, leaving ones per tier in p (tiered
        plainly, or as recorded)."""
        arrive = _per_tier(
            history,
            tiers,
            p + 1,
            self.arriving[p],
            ranked=(self.arrive_values[p], self.arrive_prefix[p]),
            thresholds=thresholds,
            side=side,
        )
        leave = _per_tier(
            history,
            tiers,
            p,
            self.leaving[p],
            ranked=(self.leave_values[p], self.leave_prefix[p]),
            thresholds=thresholds,
            side=side,
        )
        return arrive[0], arrive[1], leave[0], leave[1]

    def ruled_rows(
        self, history: History, plain: Tiering, tiers: np.ndarray, off: np.ndarray, p: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The plain rows, the leaving ones corrected for the accounts that left off their
        plain tier (an arriving account is tiered plainly under any rules)."""
        side = plain.side
        arrive_n, arrive_c, leave_n, leave_c = self.plain_rows(
            history, plain.tiers, plain.thresholds, p, side
        )
        gone = off[~history.present[p + 1][off]]
        if len(gone):
            cents = history.cents[p][gone]
            was = plain.tiers[p][gone].astype(np.intp)
            now = tiers[p][gone].astype(np.intp)
            leave_n = leave_n + np.bincount(now, minlength=side) - np.bincount(was, minlength=side)
            leave_c = leave_c + _sums(history, now, cents, side) - _sums(history, was, cents, side)
        return arrive_n, arrive_c, leave_n, leave_c


_ENDS: KeptWhileAlive[History, _Ends] = KeptWhileAlive()


def _ends_of(history: History) -> _Ends:
    return _ENDS.get(history, lambda: _Ends.of(history))


def _prefix(values: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(values)]).astype(np.int64)


def _per_tier(
    history: History,
    tiers: np.ndarray,
    p: int,
    accounts: np.ndarray,
    *,
    ranked: tuple[np.ndarray, np.ndarray],
    thresholds: tuple[int, ...],
    side: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Accounts and cents per tier of `accounts` in period p (index 0 left 0): binary searches
    in their values sorted and those values' prefix sums (`ranked`: plain tiers are stretches
    of them), a count for recorded tiers."""
    values, prefix = ranked
    customers = np.zeros(side, dtype=np.int64)
    revenue = np.zeros(side, dtype=np.int64)
    if history.fixed[p] is not None:
        code = tiers[p][accounts].astype(np.intp)
        customers += np.bincount(code, minlength=side)
        revenue += _sums(history, code, history.cents[p][accounts], side)
        customers[0] = revenue[0] = 0
        return customers, revenue
    n = len(values)
    bounds = [n, *(int(i) for i in np.searchsorted(values, thresholds, side="left")), 0]
    for t in range(1, len(bounds)):
        high, low = bounds[t - 1], bounds[t]
        customers[t] = high - low
        revenue[t] = prefix[high] - prefix[low]
    return customers, revenue


def _plain(values: np.ndarray, here: np.ndarray, thresholds: Sequence[int]) -> np.ndarray:
    tiers = np.ones(len(values), dtype=np.int8)
    for threshold in thresholds:
        tiers += values < threshold
    tiers *= here
    return tiers


def _plain_figures(
    history: History, tiers: np.ndarray, thresholds: tuple[int, ...], side: int
) -> tuple[np.ndarray, np.ndarray]:
    """Accounts and cents per tier per period: binary searches in each period's sorted values
    (plain tiers are stretches of them), a count for recorded tiers."""
    customers = np.zeros((history.periods, side), dtype=np.int64)
    revenue = np.zeros((history.periods, side), dtype=np.int64)
    for p in range(history.periods):
        if history.fixed[p] is not None:
            here = history.present[p]
            code = tiers[p][here].astype(np.intp)
            customers[p] = np.bincount(code, minlength=side)
            revenue[p] = _sums(history, code, history.cents[p][here], side)
            continue
        ascending, prefix = history.ascending[p], history.prefix[p]
        n = len(ascending)
        # Tier t holds the sorted values bounds[t] : bounds[t - 1].
        bounds = [n, *(int(i) for i in np.searchsorted(ascending, thresholds, side="left")), 0]
        for t in range(1, len(bounds)):
            high, low = bounds[t - 1], bounds[t]
            customers[p, t] = high - low
            revenue[p, t] = prefix[high] - prefix[low]
    return customers, revenue


def _sums(history: History, code: np.ndarray, cents: np.ndarray, size: int) -> np.ndarray:
    """Sums of whole cents per code (int64), exact: in doubles when they fit, else integers."""
    if history.exact_in_doubles:
        sums = np.bincount(code, weights=cents, minlength=size)
        return np.rint(sums).astype(np.int64)
    exact = np.zeros(size, dtype=np.int64)
    np.add.at(exact, code, np.asarray(cents, dtype=np.int64))
    return exact


def _matrices(
    history: History,
    tiers: np.ndarray,
    changed: Sequence[np.ndarray],
    figures: tuple[np.ndarray, np.ndarray],
    ends: Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every pair's matrix (`_pair_cells`); `ends(p)`: pair p's arriving and leaving rows."""
    return [
        _pair_cells(history, tiers, p, changed[p], figures=figures, ends=ends(p))
        for p in range(len(changed))
    ]


def _pair_cells(
    history: History,
    tiers: np.ndarray,
    p: int,
    changed: np.ndarray,
    *,
    figures: tuple[np.ndarray, np.ndarray],
    ends: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """From p to p + 1: a bincount over the customers of both that change tier; the arrivals'
    and departures' rows as given (`ends`: accounts and cents per tier arriving, then leaving);
    those who stay are the later period's tier less those who entered it."""
    customers, revenue = figures
    side = customers.shape[1]
    code = tiers[p][changed].astype(np.intp) * side + tiers[p + 1][changed]
    moving = np.bincount(code, minlength=side * side).reshape(side, side)
    cents = _sums(history, code, history.cents[p + 1][changed], side * side).reshape(side, side)
    moving[0, :], cents[0, :], moving[:, 0], cents[:, 0] = ends
    for t in range(1, side):
        moving[t, t] = customers[p + 1, t] - moving[:, t].sum()
        cents[t, t] = revenue[p + 1, t] - cents[:, t].sum()
    return moving, cents


def _moved(history: History, last: Tiering, thresholds: tuple[int, ...]) -> Tiering | None:
    """`last` with its cut-offs moved to `thresholds`: in each period, the accounts between a
    cut-off's old and new threshold (a stretch of its sorted values) go one tier up or down; a
    pair's changes are the last ones corrected for those accounts, its matrix a bincount over
    them. None when there is too much to move (or another tier count)."""
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
    marks = np.zeros(history.accounts, dtype=bool)
    ends = _ends_of(history)
    touched = [_union(period, marks) for period in stretches]
    changed = [
        _changes_among(
            tiers,
            p,
            before,
            _union([touched[p], touched[p + 1]], marks),
            marks=marks,
            stay=ends.stay[p],
        )
        for p, before in enumerate(last.changed)
    ]
    figures = _plain_figures(history, tiers, thresholds, last.side)
    # The matrices afresh from the changes: a bincount over them reads memory in order, which
    # costs less than correcting the last ones for the accounts moved (read in any order).
    cells = _matrices(
        history,
        tiers,
        changed,
        figures,
        lambda q: ends.plain_rows(history, tiers, thresholds, q, last.side),
    )
    return _made(
        history,
        tiers,
        thresholds=thresholds,
        side=last.side,
        figures=figures,
        cells=cells,
        changed=changed,
    )


def _changes_among(
    tiers: np.ndarray,
    p: int,
    before: np.ndarray,
    redo: np.ndarray,
    *,
    marks: np.ndarray,
    stay: np.ndarray,
) -> np.ndarray:
    """The customers of both p and p + 1 (`stay`) whose tier differs, sorted: `before` (the
    changes when only the accounts of `redo` could be otherwise) less those of `redo`, plus
    those of `redo` whose tiers now differ."""
    marks[redo] = True
    kept = before[~marks[before]]
    marks[redo] = False
    now = np.sort(redo[(tiers[p][redo] != tiers[p + 1][redo]) & stay[redo]])
    # Two sorted runs: a stable sort of integers (timsort) merges them in one pass.
    return np.sort(np.concatenate([kept, now]), kind="stable")


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


def _union(arrays: Sequence[np.ndarray], marks: np.ndarray) -> np.ndarray:
    """The accounts of `arrays` (each listing an account at most once), each once, in no
    particular order; work in proportion to their lengths. `marks` is all False before and
    after."""
    parts = []
    for accounts in arrays:
        new = accounts[~marks[accounts]]
        marks[new] = True
        parts.append(new)
    found = np.concatenate(parts).astype(np.intp) if parts else np.zeros(0, dtype=np.intp)
    marks[found] = False
    return found


# --- the rules --------------------------------------------------------------------------------


def ruled_tiering(history: History, plain: Tiering, cuts: Sequence[float], rules: Rules) -> Tiering:
    """The rules applied from the second period on, to a copy of the plain tiering.

    Per period: the bands correct the accounts inside them (stretches of sorted values); the
    accounts whose tier differs from the previous period's are the plain ones corrected for
    the few off their plain tier; the demotions to hold back are among them. Then every figure
    is the plain one, corrected for the accounts off their plain tier, and each pair's matrix
    a bincount over its changes.
    """
    ordered = normalize_cuts(cuts)
    up = [band_cents(c, 1 + decimal_of(rules.buffer)) for c in ordered]
    down = [band_cents(c, 1 - decimal_of(rules.buffer)) for c in ordered]
    bands = list(zip(plain.thresholds, up, down, strict=True))
    if rules.protect_until_renewal and history.protected is None:
        raise InputError(
            "Protecting accounts until renewal needs their renewal dates: no period has a "
            "renewal_date column."
        )
    tiers = plain.tiers.copy()
    # The period each account entered its tier in: it has been p - entered periods in it.
    entered = np.zeros(history.accounts, dtype=np.int16) if rules.min_stay > 1 else None
    marks = np.zeros(history.accounts, dtype=bool)  # scratch, all False between uses
    ends = _ends_of(history)
    off: list[np.ndarray] = [np.zeros(0, dtype=np.intp)]
    changed: list[np.ndarray] = []
    for p in range(1, history.periods):
        now, previous = tiers[p], tiers[p - 1]  # views: corrected in place
        stay = ends.stay[p - 1]
        if history.fixed[p] is not None:  # recorded: as recorded
            off.append(np.zeros(0, dtype=np.intp))
            step = np.flatnonzero((now != previous) & stay)
        else:
            moved = _union(_band(history, p, now, previous, bands), marks)
            redo = _union([moved, off[p - 1]], marks)
            differ = _changes_among(
                tiers, p - 1, plain.changed[p - 1], redo, marks=marks, stay=stay
            )
            held = _hold(history, p, now, previous, rules, among=differ, entered=entered)
            maybe = _union([moved, held], marks)
            off.append(maybe[now[maybe] != plain.tiers[p][maybe]])
            # The held accounts keep their previous tier: the changes are the others.
            step = np.delete(differ, np.searchsorted(differ, held)) if len(held) else differ
        if entered is not None:  # in a tier since now: those changing, and those arriving
            entered[step] = p
            entered[ends.arriving[p - 1]] = p
        changed.append(step)
    figures = _ruled_figures(history, plain, tiers, off)
    cells = _matrices(
        history,
        tiers,
        changed,
        figures,
        lambda q: ends.ruled_rows(history, plain, tiers, off[q], q),
    )
    return _made(
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
        cents = history.cents[p][accounts]
        was = plain.tiers[p][accounts].astype(np.intp)
        now = tiers[p][accounts].astype(np.intp)
        customers[p] += np.bincount(now, minlength=side) - np.bincount(was, minlength=side)
        revenue[p] += _sums(history, now, cents, side) - _sums(history, was, cents, side)
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
        low, high = np.searchsorted(ascending, [fall, rise], side="left")
        if low >= high:
            continue
        inside = order[low:high]
        before = previous[inside]
        plain_above = ascending[low:high] >= at
        kept_above = np.where(before > 0, before <= j + 1, plain_above)
        change = plain_above.astype(np.int8) - kept_above.astype(np.int8)
        tiers[inside] += change
        moved.append(inside[change != 0])
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
