"""The year month by month: each team's load and capacity over the next 12 months, from the
service matrix's cadences and the data's renewal_date / customer_since.

When the work lands (a service's cadence, lib/service_matrix.py):

- renewal: in the calendar month of the account's renewal_date. Contracts renew yearly, so a
  renewal date past or more than a year out still names the month (2025-03-10 renews in March).
- quarterly: a quarter of the hours in the renewal month and every three months from it.
- onboarding: over the 90 days from the account's customer_since, by the day of the year: the
  matrix's onboarding hours are amortised over the years an account stays, and the start dates
  of today's base say when in the year new accounts arrive. 90 days from 15 November land in
  November, December, January and February, the last two at the window's start (the work of
  the year before, the same every year).
- monthly and spread: a twelfth in every month.

An account without the date (or data without the column) has that work spread evenly: a flat
year for it, which `notices` says with the count. The window is the 12 months after the data's
as-of day (transactions summed up to a day) or after today (`first_month`).

Exact: every tier's 12 months add up to its annual figure (accounts x hours per account, as the
Plan page shows it) in any order of addition, and its 12 capacities to the team's hours a year
(without reduced months). The split is worked out in exact fractions, then the annual figure's
binary units are handed out to the months (largest remainder): every month and every partial
sum is a whole number of those units below 2**53, which a double holds exactly.

Per slider move: a code per account (renewal month x start day) is made once per index, kept
while the index lives; a move is one bincount over each tier's stretch of the index (one numpy
pass) and a few hundred fractions.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np

from lib.books import tier_bounds
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.errors import InputError
from lib.formatting import count, percent, plural
from lib.service_matrix import ServiceMatrix
from lib.tiering import TierIndex, tier_name

MONTHS = 12
ONBOARDING_DAYS = 90
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # a 365-day year
_YEAR_DAYS = sum(_MONTH_DAYS)
RENEWAL_BINS = MONTHS + 1  # calendar month 0-11; 12: no renewal date
START_BINS = _YEAR_DAYS + 1  # day of the year 0-364 (29 February counts as the 28th); 365: none
MAX_CAPACITY_SHARE = 2  # a month's capacity at most 200% of a normal month (contractors, overtime)
DATED_CADENCES = frozenset({"renewal", "quarterly", "onboarding"})


def _onboarding_days() -> np.ndarray:
    """days[d, m]: of the 90 days from day d of the year, how many fall in calendar month m."""
    month_of_day = np.repeat(np.arange(MONTHS), _MONTH_DAYS)
    days = np.zeros((_YEAR_DAYS, MONTHS), dtype=np.int64)
    for start in range(_YEAR_DAYS):
        window = month_of_day[(start + np.arange(ONBOARDING_DAYS)) % _YEAR_DAYS]
        days[start] = np.bincount(window, minlength=MONTHS)
    days.flags.writeable = False
    return days


ONBOARDING_DAYS_IN = _onboarding_days()


def month_label(first: date) -> str:
    """A month as the chart and the sentences name it: "Jan 2027"."""
    return f"{MONTH_NAMES[first.month - 1][:3]} {first.year}"


def first_month(as_of: date | None, today: date) -> date:
    """The first month of the window: the month after the data's as-of day, else after today."""
    day = as_of or today
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def window(first: date) -> tuple[date, ...]:
    """The first day of each of the 12 months from `first`."""
    return tuple(
        date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
        for k in range(MONTHS)
    )


# ---------------------------------------------------------------------------------------------
# Each account's code: its renewal month and its start day, made once per index.


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
        days = np.full(size, _YEAR_DAYS, dtype=np.int64)
    else:
        stamps = np.asarray(since, dtype="datetime64[D]")
        month = stamps.astype("datetime64[M]").astype(np.int64) % MONTHS
        day = (stamps - stamps.astype("datetime64[M]")).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(_MONTH_DAYS)[:-1]])
        # 29 February counts as the 28th: a 365-day year.
        days = starts[month] + np.minimum(day, np.asarray(_MONTH_DAYS)[month] - 1)
        days[np.isnat(stamps)] = _YEAR_DAYS
    return (months * START_BINS + days).astype(np.int16)


@dataclass(frozen=True, eq=False)
class IndexDates:
    """An index's accounts by renewal month and start day, in key order (`month_codes`)."""

    codes: np.ndarray
    has_renewal: bool  # the data has a renewal_date column
    has_since: bool  # the data has a customer_since column


_DATASET_CODES: weakref.WeakKeyDictionary[Dataset, IndexDates] = weakref.WeakKeyDictionary()
_INDEX_CODES: weakref.WeakKeyDictionary[TierIndex, IndexDates] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # a shared dataset's indexes are read by every session's thread


def dataset_dates(dataset: Dataset) -> IndexDates:
    """Every customer's code in table order: read once per dataset (two date columns)."""
    with _LOCK:
        found = _DATASET_CODES.get(dataset)
    if found is not None:
        return found
    renewal, since = dataset.dates("renewal_date"), dataset.dates("customer_since")
    size = len(dataset.keys(REVENUE_ONLY))
    made = IndexDates(month_codes(renewal, since, size), renewal is not None, since is not None)
    with _LOCK:
        return _DATASET_CODES.setdefault(dataset, made)


def index_dates(dataset: Dataset, index: TierIndex) -> IndexDates:
    """The codes of `index`'s customers in its key order: made once per index."""
    with _LOCK:
        found = _INDEX_CODES.get(index)
    if found is not None:
        return found
    table = dataset_dates(dataset)
    made = IndexDates(table.codes[index.columns["row"]], table.has_renewal, table.has_since)
    with _LOCK:
        return _INDEX_CODES.setdefault(index, made)


@dataclass(frozen=True)
class TierDates:
    """One tier's accounts by renewal month and by start day."""

    accounts: int
    renewals: tuple[int, ...]  # per calendar month, January first
    without_renewal: int
    starts: tuple[int, ...]  # onboarding days per calendar month (90 per dated account)
    without_start: int


def tier_dates(dates: IndexDates, bounds: Sequence[tuple[int, int]]) -> tuple[TierDates, ...]:
    """Each tier's counts, from its (low, high) stretch of the index (lib.books.tier_bounds)."""
    out = []
    for low, high in bounds:
        counts = np.bincount(dates.codes[low:high], minlength=RENEWAL_BINS * START_BINS)
        grid = counts.reshape(RENEWAL_BINS, START_BINS)
        renewals = grid.sum(axis=1)
        starts = grid.sum(axis=0)
        days = starts[:_YEAR_DAYS] @ ONBOARDING_DAYS_IN
        out.append(
            TierDates(
                accounts=high - low,
                renewals=tuple(int(n) for n in renewals[:MONTHS]),
                without_renewal=int(renewals[MONTHS]),
                starts=tuple(int(n) for n in days),
                without_start=int(starts[_YEAR_DAYS]),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The year: exact splits.


def _weights(cadence: str, tier: TierDates) -> list[Fraction]:
    """Accounts served in each calendar month by a service of `cadence` (sums to the accounts)."""
    if cadence in ("renewal", "quarterly"):
        flat = Fraction(tier.without_renewal, MONTHS)
        if cadence == "renewal":
            return [tier.renewals[m] + flat for m in range(MONTHS)]
        phase = [sum(tier.renewals[p::3]) for p in range(3)]
        return [Fraction(phase[m % 3], 4) + flat for m in range(MONTHS)]
    if cadence == "onboarding":
        flat = Fraction(tier.without_start, MONTHS)
        return [Fraction(tier.starts[m], ONBOARDING_DAYS) + flat for m in range(MONTHS)]
    return [Fraction(tier.accounts, MONTHS)] * MONTHS  # monthly, spread


def apportion(total: float, weights: Sequence[Fraction]) -> tuple[float, ...]:
    """`total` split in proportion to `weights`, so that the parts add up to `total` exactly in
    any order (the module's docstring says how)."""
    whole = sum(weights, Fraction(0))
    if total == 0 or whole == 0:
        return (0.0,) * len(weights)
    if not math.isfinite(total) or total < 0 or any(w < 0 for w in weights):
        raise ValueError("apportion takes a finite total >= 0 and weights >= 0")
    exponent = max(math.frexp(total)[1] - 53, -1074)
    units = int(math.ldexp(total, -exponent))  # total = units x 2**exponent, units < 2**53
    ideal = [w * units / whole for w in weights]
    parts = [math.floor(share) for share in ideal]
    left = units - sum(parts)
    by_remainder = sorted(range(len(ideal)), key=lambda i: (parts[i] - ideal[i], i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return tuple(math.ldexp(part, exponent) for part in parts)


@dataclass(frozen=True)
class TierYear:
    """One tier's load and its team's capacity, month by month over the window."""

    tier: int
    name: str
    hours: tuple[float, ...]  # hours needed in each month of the window
    capacity: tuple[float, ...]  # hours the team has in each month

    def load(self, month: int) -> float:
        """Hours needed over hours available in month `month` (inf: needed, none there)."""
        needed, available = self.hours[month], self.capacity[month]
        if available > 0:
            return needed / available
        return math.inf if needed > 0 else 0.0

    def months_over(self) -> int:
        return sum(self.hours[m] > self.capacity[m] for m in range(MONTHS))


@dataclass(frozen=True)
class YearLoad:
    """Every team's year, month by month, and what the figures rest on."""

    months: tuple[date, ...]  # the first day of each month of the window
    tiers: tuple[TierYear, ...]
    accounts: int
    without_renewal: int  # accounts whose renewal month is unknown (all, without the column)
    without_start: int  # accounts whose start day is unknown
    has_renewal: bool
    has_since: bool
    dated_hours: bool  # the plan has hours under a renewal, quarterly or onboarding cadence

    def peak(self) -> tuple[int, TierYear] | None:
        """The month (0-11) and tier with the highest load; None when no month has any hours.
        Ties: the earlier month, then the higher tier."""
        best: tuple[float, float, int, int] | None = None
        for t, tier in enumerate(self.tiers):
            for m in range(MONTHS):
                if tier.hours[m] <= 0:
                    continue
                key = (tier.load(m), tier.hours[m], -m, -t)
                if best is None or key > best:
                    best = key
        if best is None:
            return None
        return -best[2], self.tiers[-best[3]]

    def peak_sentence(self) -> str:
        """The peak in words: "Mar 2027 is the peak: Tier 1 needs 1,420 h and has 1,100 h
        (129%)."; over capacity anywhere, in how many months."""
        found = self.peak()
        if found is None:
            return "The plan puts no hours on any team in any month."
        month, tier = found
        when = month_label(self.months[month])
        needed, available = _hours(tier.hours[month]), _hours(tier.capacity[month])
        over = [(t.name, t.months_over()) for t in self.tiers if t.months_over()]
        if tier.capacity[month] <= 0:
            head = f"{when} is the peak: {tier.name} needs {needed} and has no hours (no CSMs)."
        elif tier.hours[month] > tier.capacity[month]:
            head = (
                f"{when} is the peak: {tier.name} needs {needed} and has {available} "
                f"({_load_text(tier.load(month))})."
            )
        else:
            return (
                f"{when} is the busiest month: {tier.name} needs {needed} of its {available} "
                f"({_load_text(tier.load(month))}); every team has the hours every month."
            )
        spans = "; ".join(f"{name} in {plural(n, 'month')} of 12" for name, n in over)
        return f"{head} Over capacity: {spans}."

    def notices(self) -> list[str]:
        """What the months rest on when dates are missing: a flat year, said with the count."""
        said = []
        if not self.has_renewal and not self.has_since:
            return [
                "The data has no renewal_date or customer_since column, so the year is flat: "
                "every service's hours are spread evenly over the 12 months. Add those columns "
                "to see when the load lands."
            ]
        if not self.has_renewal:
            said.append(
                "The data has no renewal_date column: renewal and quarterly work is spread "
                "evenly over the 12 months (flat)."
            )
        elif self.without_renewal:
            said.append(
                f"{count(self.without_renewal)} of {plural(self.accounts, 'account')} have no "
                "renewal date: their renewal and quarterly work is spread evenly over the year."
            )
        if not self.has_since:
            said.append(
                "The data has no customer_since column: onboarding is spread evenly over the "
                "12 months (flat)."
            )
        elif self.without_start:
            said.append(
                f"{count(self.without_start)} of {plural(self.accounts, 'account')} have no "
                "customer_since date: their onboarding is spread evenly over the year."
            )
        if not self.dated_hours:
            said.append(
                "No service in the plan follows renewals, quarters or onboarding: every month "
                "carries the same load."
            )
        return said

    def as_dicts(self) -> list[dict[str, object]]:
        """The CLI's "months": [{"month": "2027-01", "tiers": [{name, hours, capacity_hours}]}]."""
        return [
            {
                "month": f"{first.year:04d}-{first.month:02d}",
                "tiers": [
                    {"name": t.name, "hours": t.hours[m], "capacity_hours": t.capacity[m]}
                    for t in self.tiers
                ],
            }
            for m, first in enumerate(self.months)
        ]


def _hours(value: float) -> str:
    return f"{count(value)} h"  # whole hours: a month's load is read, not audited


def _load_text(load: float) -> str:
    return percent(load) if math.isfinite(load) else "no hours"


def year_load(
    tiers: Sequence[TierDates],
    matrix: ServiceMatrix,
    hours_available: Sequence[float],
    first: date,
    capacity: Sequence[Fraction] = (Fraction(1),) * MONTHS,
    *,
    has_renewal: bool = True,
    has_since: bool = True,
) -> YearLoad:
    """Each tier's load and capacity over the 12 months from `first`.

    `hours_available`: each team's hours a year (under a slice, its share: TierCapacity);
    `capacity`: each calendar month's capacity as a share of a normal month, January first
    (`parse_capacity`). A tier's months add up to accounts x hours per account exactly, and its
    capacities to `hours_available` exactly when no month is reduced.
    """
    if len(tiers) != matrix.tier_count or len(hours_available) != matrix.tier_count:
        raise ValueError("year_load needs one entry per tier of the matrix")
    months = window(first)
    calendar = [d.month - 1 for d in months]  # window position -> calendar month
    per_account = matrix.hours_per_account()
    shares = [Fraction(capacity[c]) for c in calendar]
    out = []
    for t, tier in enumerate(tiers):
        load = [Fraction(0)] * MONTHS
        for service, row in zip(matrix.services, matrix.hours, strict=True):
            if row[t] == 0:
                continue
            per_month = _weights(service.cadence, tier)
            hours_each = Fraction(row[t])
            load = [load[p] + hours_each * per_month[c] for p, c in enumerate(calendar)]
        annual = tier.accounts * per_account[t]  # as TierCapacity.hours_needed
        team = float(hours_available[t])
        full = all(share == 1 for share in shares)
        team_total = team if full else float(Fraction(team) * sum(shares) / MONTHS)
        out.append(
            TierYear(
                tier=t + 1,
                name=tier_name(t + 1),
                hours=apportion(annual, load),
                capacity=apportion(team_total, shares),
            )
        )
    dated = any(
        service.cadence in DATED_CADENCES and any(row)
        for service, row in zip(matrix.services, matrix.hours, strict=True)
    )
    return YearLoad(
        months=months,
        tiers=tuple(out),
        accounts=sum(tier.accounts for tier in tiers),
        without_renewal=sum(tier.without_renewal for tier in tiers),
        without_start=sum(tier.without_start for tier in tiers),
        has_renewal=has_renewal,
        has_since=has_since,
        dated_hours=dated,
    )


def index_year(
    dates: IndexDates,
    bounds: Sequence[tuple[int, int]],
    matrix: ServiceMatrix,
    hours_available: Sequence[float],
    *,
    first: date,
    capacity: Sequence[Fraction] = (Fraction(1),) * MONTHS,
) -> YearLoad:
    """`year_load` for an index's tiers (their stretches `bounds`, top first)."""
    return year_load(
        tier_dates(dates, bounds),
        matrix,
        hours_available,
        first,
        capacity,
        has_renewal=dates.has_renewal,
        has_since=dates.has_since,
    )


# ---------------------------------------------------------------------------------------------
# Reduced months, as a CS leader types them: "August 50%, December 70%".

_ENTRY = re.compile(r"^\s*([A-Za-z]+)\.?\s*[:=]?\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*$")


def parse_capacity(text: str) -> tuple[Fraction, ...]:
    """Each calendar month's capacity as a share of a normal month (January first), from text
    such as "August 50%, December 70%" (months by name or first three letters; "," or ";"
    between them). Months not named keep 100%. InputError says what does not read."""
    shares = [Fraction(1)] * MONTHS
    named: set[int] = set()
    for part in filter(str.strip, re.split(r"[;,\n]", text)):
        match = _ENTRY.match(part)
        if match is None:
            raise InputError(
                f'"{part.strip()[:40]}" does not read as a month and its capacity; write them '
                'like "August 50%, December 70%".'
            )
        word, figure = match.group(1).lower(), match.group(2).replace(",", ".")
        month = next(
            (
                m
                for m, name in enumerate(MONTH_NAMES)
                if len(word) >= 3 and name.lower().startswith(word)
            ),
            None,
        )
        if month is None:
            raise InputError(f'"{match.group(1)[:20]}" is not a month; write "August" or "Aug".')
        if month in named:
            raise InputError(f"{MONTH_NAMES[month]} is given twice; give each month once.")
        share = Fraction(figure) / 100
        if share > MAX_CAPACITY_SHARE:
            raise InputError(
                f"{MONTH_NAMES[month]}'s capacity is at most {MAX_CAPACITY_SHARE:.0%} of a "
                f"normal month; got {figure}%."
            )
        named.add(month)
        shares[month] = share
    return tuple(shares)


def capacity_text(shares: Sequence[Fraction]) -> str:
    """The reduced months as `parse_capacity` reads them back: "August 50%, December 70%"."""
    return ", ".join(
        f"{MONTH_NAMES[m]} {float(share * 100):g}%" for m, share in enumerate(shares) if share != 1
    )


def data_year(
    dataset: Dataset,
    index: TierIndex,
    cuts: Sequence[float],
    matrix: ServiceMatrix,
    hours_available: Sequence[float],
    *,
    today: date,
    capacity: Sequence[Fraction] = (Fraction(1),) * MONTHS,
) -> YearLoad:
    """The year of `index` (a slice of `dataset`) under `cuts`: the window starts the month
    after the data's as-of day (transactions), else after `today`."""
    return index_year(
        index_dates(dataset, index),
        tier_bounds(index, cuts),
        matrix,
        hours_available,
        first=first_month(dataset.report.basis.as_of, today),
        capacity=capacity,
    )
