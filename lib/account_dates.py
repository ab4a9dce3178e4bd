"""Each account's renewal month and start day, as one small code per account: made once per
dataset (two date columns) and per index (its key order), counted per tier on each slider move
(one bincount over each tier's stretch of the index, but the widest: the whole index's counts,
made once, minus the others'). lib/monthly_load.py turns the counts into the year month by month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lib.cache import KeptWhileAlive
from lib.criteria import REVENUE_ONLY
from lib.months import MONTHS
from lib.tiering import TierIndex

if TYPE_CHECKING:  # a dataset is only read here: lib/months.py stays free of DuckDB
    from lib.dataset import Dataset

ONBOARDING_DAYS = 90
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # a 365-day year
YEAR_DAYS = sum(MONTH_DAYS)
RENEWAL_BINS = MONTHS + 1  # calendar month 0-11; 12: no renewal date
START_BINS = YEAR_DAYS + 1  # day of the year 0-364 (29 February counts as the 28th); 365: none


def _onboarding_days() -> np.ndarray:
    """days[d, m]: of the 90 days from day d of the year, how many fall in calendar month m."""
    month_of_day = np.repeat(np.arange(MONTHS), MONTH_DAYS)
    days = np.zeros((YEAR_DAYS, MONTHS), dtype=np.int64)
    for start in range(YEAR_DAYS):
        window = month_of_day[(start + np.arange(ONBOARDING_DAYS)) % YEAR_DAYS]
        days[start] = np.bincount(window, minlength=MONTHS)
    days.flags.writeable = False
    return days


ONBOARDING_DAYS_IN = _onboarding_days()


def month_codes(renewal: np.ndarray | None, since: np.ndarray | None, size: int) -> np.ndarray:
    """Each account's code, renewal bin x START_BINS + start bin (RENEWAL_BINS, START_BINS):
    datetime64 arrays (NaT: no date), or None when the data has no such column."""
    if renewal is None:
        months = np.full(size, MONTHS, dtype=np.int64)
    else:
        stamps = np.asarray(renewal, dtype="datetime64[D]")
        months = stamps.astype("datetime64[M]").astype(np.int64) % MONTHS
        months[np.isnat(stamps)] = MONTHS
    if since is None:
        days = np.full(size, YEAR_DAYS, dtype=np.int64)
    else:
        stamps = np.asarray(since, dtype="datetime64[D]")
        month = stamps.astype("datetime64[M]").astype(np.int64) % MONTHS
        day = (stamps - stamps.astype("datetime64[M]")).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(MONTH_DAYS)[:-1]])
        # 29 February counts as the 28th: a 365-day year.
        days = starts[month] + np.minimum(day, np.asarray(MONTH_DAYS)[month] - 1)
        days[np.isnat(stamps)] = YEAR_DAYS
    return (months * START_BINS + days).astype(np.int16)


@dataclass(frozen=True, eq=False)
class IndexDates:
    """An index's accounts by renewal month and start day, in key order (`month_codes`)."""

    codes: np.ndarray
    has_renewal: bool  # the data has a renewal_date column
    has_since: bool  # the data has a customer_since column


# A shared dataset and its indexes are read by every session's thread.
_DATASET_CODES: KeptWhileAlive[Dataset, IndexDates] = KeptWhileAlive()
_INDEX_CODES: KeptWhileAlive[TierIndex, IndexDates] = KeptWhileAlive()


def dataset_dates(dataset: Dataset) -> IndexDates:
    """Every customer's code in table order: read once per dataset (two date columns)."""
    return _DATASET_CODES.get(dataset, lambda: _dataset_dates(dataset))


def _dataset_dates(dataset: Dataset) -> IndexDates:
    renewal, since = dataset.dates("renewal_date"), dataset.dates("customer_since")
    size = len(dataset.keys(REVENUE_ONLY))
    return IndexDates(month_codes(renewal, since, size), renewal is not None, since is not None)


def index_dates(dataset: Dataset, index: TierIndex) -> IndexDates:
    """The codes of `index`'s customers in its key order: made once per index."""

    def build() -> IndexDates:
        table = dataset_dates(dataset)
        return IndexDates(table.codes[index.columns["row"]], table.has_renewal, table.has_since)

    return _INDEX_CODES.get(index, build)


@dataclass(frozen=True)
class TierDates:
    """One tier's accounts by renewal month and by start day."""

    accounts: int
    renewals: tuple[int, ...]  # per calendar month, January first
    without_renewal: int
    starts: tuple[int, ...]  # onboarding days per calendar month (90 per dated account)
    without_start: int


def _counted(dates: IndexDates, bounds: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    """Each stretch's codes counted. When the stretches cover the index once (the tiers of a
    cut), the widest (usually the bottom tier, most of the accounts) is every account's counts,
    made once per index, minus the others': a slider move counts the smaller tiers only."""
    size = RENEWAL_BINS * START_BINS
    widths = [high - low for low, high in bounds]
    if not bounds or not _covers(bounds, len(dates.codes)):
        return [np.bincount(dates.codes[low:high], minlength=size) for low, high in bounds]
    widest = max(range(len(bounds)), key=lambda t: widths[t])
    counts = {
        t: np.bincount(dates.codes[low:high], minlength=size)
        for t, (low, high) in enumerate(bounds)
        if t != widest
    }
    rest = _all_counts(dates) - sum(counts.values(), np.zeros(size, dtype=np.int64))
    return [rest if t == widest else counts[t] for t in range(len(bounds))]


def _covers(bounds: Sequence[tuple[int, int]], size: int) -> bool:
    """Whether the stretches follow on from one another over all `size` positions."""
    edge = 0
    for low, high in sorted(bounds):
        if low != edge or high < low:
            return False
        edge = high
    return edge == size


def _all_counts(dates: IndexDates) -> np.ndarray:
    """Every account's code counted: one pass, once per index while it lives."""

    def build() -> np.ndarray:
        counts = np.bincount(dates.codes, minlength=RENEWAL_BINS * START_BINS)
        counts.flags.writeable = False
        return counts

    return _ALL_COUNTS.get(dates, build)


_ALL_COUNTS: KeptWhileAlive[IndexDates, np.ndarray] = KeptWhileAlive()


def tier_dates(dates: IndexDates, bounds: Sequence[tuple[int, int]]) -> tuple[TierDates, ...]:
    """Each tier's counts, from its (low, high) stretch of the index (lib.books.tier_bounds)."""
    out = []
    for counts, (low, high) in zip(_counted(dates, bounds), bounds, strict=True):
        grid = counts.reshape(RENEWAL_BINS, START_BINS)
        renewals = grid.sum(axis=1)
        starts = grid.sum(axis=0)
        days = starts[:YEAR_DAYS] @ ONBOARDING_DAYS_IN
        out.append(
            TierDates(
                accounts=high - low,
                renewals=tuple(int(n) for n in renewals[:MONTHS]),
                without_renewal=int(renewals[MONTHS]),
                starts=tuple(int(n) for n in days),
                without_start=int(starts[YEAR_DAYS]),
            )
        )
    return tuple(out)
