"""Natural-break cut-offs: where the data itself breaks (optimal 1-D k-means, Jenks' fit).

The cut-offs for k tiers minimise the within-tier sum of squared deviations of the tiering
value (Jenks' natural breaks, which in one dimension is k-means solved exactly): Ckmeans.1d.dp
(`ckwrap`), an exact O(k·n) dynamic programme, never a sampled or iterative one. It runs on the
index's distinct values weighted by how many customers hold each (the same objective as every
customer on its own, and customers with equal values can never be split between tiers).

Scale: revenue is heavy-tailed (the largest account is hundreds of times the median), so on
the values themselves the squared deviations of a few whales dominate and the breaks isolate
them; on the logarithm the breaks follow orders of magnitude, the way people talk about
accounts ($2K, $20K, $200K). Log is the default for revenue, linear for scores (0-100,
percentiles: not heavy-tailed).

Values of zero or less under `log` (free pilots, credits) have no logarithm. They are placed
in the last tier, which they would join under any positive cut-off, and left out of the fit —
not given an invented logarithm (log1p of a credit is undefined, and zeros at log1p(0) = 0 would
sit so far below the smallest paying account that they would claim a tier of their own). Each
suggestion says how many there are.

Cut-offs: tiers are by value >= cut-off (lib/tiering.py), and each cut-off is the lowest value
of the cluster above it, a customer's own value — exact to the cent for revenue — so the tiers
under the suggested cut-offs are exactly the clusters. When the data has fewer distinct values
(above zero, under log) than tiers, each value is a tier of its own (a perfect fit) and the tiers
below the lowest value are empty (their cut-offs equal that value).

Goodness of variance fit (GVF) = 1 - SDCM / SDAM on the chosen scale: SDCM the squared
deviations from each tier's mean, SDAM from the mean of all; 1 when every tier holds a single
value (and when there is no variance at all to explain), never NaN.

Speed: the fit for each tier count is made once per index and scale and kept while the index
lives (a WeakKeyDictionary, as lib/books.py::owner_runs), so a slider move never recomputes it.
"""

from __future__ import annotations

import itertools
import math
import threading
import weakref
from dataclasses import dataclass

import ckwrap
import numpy as np

from lib.criteria import REVENUE
from lib.errors import InputError
from lib.formatting import plural
from lib.tiering import MAX_TIERS, MIN_TIERS, TierIndex, tier_name

LOG = "log"
LINEAR = "linear"
SCALES = (LOG, LINEAR)

# How many tiers the data supports: the fewest after which one more tier raises the GVF by less
# than this (the "elbow" of the fit curve; Jenks' own rule of thumb is a GVF of 0.8 or more).
SMALL_GAIN = 0.05


def default_scale(key: str) -> str:
    """The scale natural breaks use unless told otherwise: log for revenue, linear for scores."""
    return LOG if key == REVENUE else LINEAR


@dataclass(frozen=True)
class NaturalBreaks:
    """The natural-break cut-offs for `tiers` tiers on `scale`, and how well they fit."""

    tiers: int
    scale: str
    cuts: tuple[float, ...]  # top first, one fewer than tiers; each a customer's value
    gvf: float  # goodness of variance fit, 0..1, on `scale`
    within: float  # SDCM: squared deviations from each tier's mean (on `scale`)
    total: float  # SDAM: squared deviations from the mean of every value fitted
    fitted: int  # customers fitted (all of them, but those left out under log)
    left_out: int  # customers with a value of zero or less under log: in the last tier
    distinct: int  # distinct values fitted
    key: str = REVENUE  # what the values are: "annual_revenue" or "score"

    @property
    def filled_tiers(self) -> int:
        """Tiers the fit fills (fewer than `tiers` when there are fewer distinct values)."""
        return min(self.tiers, self.distinct)

    def sentences(self) -> tuple[str, ...]:
        """What a person needs to read next to the suggestion, in a few sentences."""
        what = "revenue" if self.key == REVENUE else "score"
        on = f"the logarithm of {what}" if self.scale == LOG else what
        said = [
            f"Natural breaks on {on}: the cut-offs that make each tier as tight as it can be "
            f"(the least squared deviation from its tier's mean). Goodness of variance fit "
            f"{self.gvf:.2f} (1 = no spread left within the tiers)."
        ]
        if self.left_out:
            said.append(
                f"{plural(self.left_out, 'customer')} with {what} of zero or less "
                f"{'has' if self.left_out == 1 else 'have'} no logarithm: placed in "
                f"{tier_name(self.tiers)} and left out of the fit."
            )
        if self.filled_tiers < self.tiers:
            values = plural(self.distinct, "distinct value")
            above = " above zero" if self.scale == LOG else ""
            last = self.tiers - 1 if self.left_out else self.tiers  # the last holds those
            empty = [tier_name(t) for t in range(self.filled_tiers + 1, last + 1)]
            own = "it is Tier 1" if self.distinct == 1 else "each is a tier of its own"
            said.append(
                f"The data has only {values}{above}: {own}"
                + (
                    f", and {_listed(empty)} {'is' if len(empty) == 1 else 'are'} empty."
                    if empty
                    else "."
                )
            )
        return tuple(said)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True, eq=False)
class _Prepared:
    """An index's values ready to fit on one scale: distinct, weighted, transformed."""

    values: np.ndarray  # distinct values fitted, ascending
    weights: np.ndarray  # customers holding each
    x: np.ndarray  # the values on the scale (log or as they are)
    left_out: int


# Only the fits are kept (a few floats each), not the prepared arrays: at a million customers
# those are tens of MB per index and scale, and preparing them again costs milliseconds.
_FITS: weakref.WeakKeyDictionary[TierIndex, dict[tuple[str, int], NaturalBreaks]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()  # a shared dataset's indexes are read by every session's thread


def _check(index: TierIndex, tiers: int, scale: str) -> None:
    if not MIN_TIERS <= tiers <= MAX_TIERS:
        raise InputError(f"Choose between {MIN_TIERS} and {MAX_TIERS} tiers; got {tiers}.")
    if scale not in SCALES:
        raise InputError(f"The scale is log or linear; got {scale!r}.")
    if index.customers == 0:
        raise InputError("There are no customers to suggest cut-offs for.")


def _prepare(index: TierIndex, scale: str) -> _Prepared:
    ascending = index.ascending
    start = int(np.searchsorted(ascending, 0.0, side="right")) if scale == LOG else 0
    fitted = ascending[start:]
    if not len(fitted):
        what = "revenue" if index.key == REVENUE else "a score"
        raise InputError(
            f"No customer has {what} above zero, so there is no logarithm to find breaks in: "
            "choose the linear scale."
        )
    firsts = np.flatnonzero(np.r_[True, fitted[1:] != fitted[:-1]])
    values = fitted[firsts]
    weights = np.diff(np.r_[firsts, len(fitted)]).astype(np.float64)
    x = np.log(values) if scale == LOG else values.astype(np.float64)
    return _Prepared(values=values, weights=weights, x=x, left_out=start)


def _kept(index: TierIndex, scale: str, tiers: int) -> NaturalBreaks | None:
    with _LOCK:
        return _FITS.get(index, {}).get((scale, tiers))


def _keep(index: TierIndex, found: NaturalBreaks) -> NaturalBreaks:
    with _LOCK:  # two sessions may have made the same fit: the first one made is kept
        return _FITS.setdefault(index, {}).setdefault((found.scale, found.tiers), found)


def _squared_deviations(x: np.ndarray, weights: np.ndarray, starts: np.ndarray) -> float:
    """Weighted squared deviations of x from the mean of each run starting at `starts`."""
    # Shifted by each run's first value: a run of one value has no deviation at all (not the
    # float noise of a mean of equal logarithms), and large values lose no precision.
    sizes = np.diff(np.r_[starts, len(x)])
    shifted = x - np.repeat(x[starts], sizes)
    means = np.add.reduceat(shifted * weights, starts) / np.add.reduceat(weights, starts)
    return float(np.sum(weights * (shifted - np.repeat(means, sizes)) ** 2))


def _cluster_starts(prepared: _Prepared, clusters: int) -> np.ndarray:
    """Where each of `clusters` optimal clusters starts among the distinct values (ascending)."""
    if clusters >= len(prepared.x):
        return np.arange(len(prepared.x))
    if clusters == 1:
        return np.zeros(1, dtype=np.int64)
    labels = np.asarray(ckwrap.ckmeans(prepared.x, clusters, weights=prepared.weights).labels)
    # Sorted input gives contiguous clusters numbered from the lowest: a cluster starts where
    # the label changes.
    starts: np.ndarray = np.r_[0, np.flatnonzero(np.diff(labels)) + 1]
    assert len(starts) == clusters, "Ckmeans.1d.dp returns as many clusters as asked"
    return starts


def _fit(index: TierIndex, prepared: _Prepared, tiers: int, scale: str) -> NaturalBreaks:
    distinct = len(prepared.values)
    clusters = min(tiers, distinct)
    starts = _cluster_starts(prepared, clusters)
    lowest = float(prepared.values[0])
    # Top first: the lowest value of each cluster above the bottom one, then the lowest fitted
    # value again for tiers the data cannot fill (they stay empty).
    cuts = [float(prepared.values[s]) for s in starts[:0:-1]]
    cuts += [lowest] * (tiers - 1 - len(cuts))
    x, weights = prepared.x, prepared.weights
    within = _squared_deviations(x, weights, starts)
    total = _squared_deviations(x, weights, np.zeros(1, dtype=np.int64))
    gvf = 1.0 if not total > 0 else min(1.0, max(0.0, 1.0 - within / total))
    assert math.isfinite(gvf)
    return NaturalBreaks(
        tiers=tiers,
        scale=scale,
        cuts=tuple(cuts),
        gvf=gvf,
        within=within,
        total=total,
        fitted=int(weights.sum()),
        left_out=prepared.left_out,
        distinct=distinct,
        key=index.key,
    )


def natural_breaks(index: TierIndex, tiers: int, scale: str | None = None) -> NaturalBreaks:
    """The natural-break cut-offs of `index` for `tiers` tiers (2 to 5), on `scale`.

    `scale` is "log" or "linear"; None: log for revenue, linear for a score (`default_scale`).
    Made once per index, scale and tier count. Raises InputError for a tier count outside 2..5,
    no customers, or no value above zero on the log scale.
    """
    return fit_by_tiers(index, scale, (tiers,))[tiers]


def fit_by_tiers(
    index: TierIndex,
    scale: str | None = None,
    tier_counts: tuple[int, ...] = tuple(range(MIN_TIERS, MAX_TIERS + 1)),
) -> dict[int, NaturalBreaks]:
    """The natural breaks for each tier count (by default 2 to 5: how many tiers the data
    supports), each made once per index and scale."""
    chosen = scale if scale is not None else default_scale(index.key)
    for tiers in tier_counts:
        _check(index, tiers, chosen)
    fits = {tiers: _kept(index, chosen, tiers) for tiers in tier_counts}
    missing = [tiers for tiers, found in fits.items() if found is None]
    if missing:
        prepared = _prepare(index, chosen)
        for tiers in missing:
            fits[tiers] = _keep(index, _fit(index, prepared, tiers, chosen))
    return {tiers: found for tiers, found in fits.items() if found is not None}


def supported_tiers(fits: dict[int, NaturalBreaks]) -> int:
    """The fewest tiers after which one more raises the GVF by less than `SMALL_GAIN`."""
    counts = sorted(fits)
    for k, following in itertools.pairwise(counts):
        if fits[following].gvf - fits[k].gvf < SMALL_GAIN:
            return k
    return counts[-1]


def fit_sentence(fits: dict[int, NaturalBreaks]) -> str:
    """One sentence on how many tiers the data supports, from the GVF of each tier count."""
    k = supported_tiers(fits)
    gvf = fits[k].gvf
    if k == max(fits):
        return (
            f"The fit keeps improving up to {k} tiers ({gvf:.2f}): the data has no clear "
            "number of tiers of its own; choose by the service models you can run."
        )
    return (
        f"The data supports about {k} tiers: {k} tiers explain {gvf:.0%} of the variance, and "
        f"each tier beyond that adds less than {SMALL_GAIN * 100:.0f} points."
    )
