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
(without reduced months): lib/exact_split.py says how.

Per slider move: a code per account (renewal month x start day, lib/account_dates.py) is made
once per index, kept while the index lives; a move is one bincount over each tier's stretch of
the index but the widest, and a few hundred integer products (the split in whole units, not in
Fraction objects). A year once made is kept for its index, with everything it was made from
(`index_year`): a rerun that changes nothing it reads (another box on the page, coming back to
the page) makes none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from lib.account_dates import (
    ONBOARDING_DAYS,
    IndexDates,
    TierDates,
    index_dates,
    tier_dates,
)
from lib.books import tier_bounds
from lib.cache import BoundedCache, KeptWhileAlive
from lib.dataset import Dataset
from lib.exact_split import apportion, apportion_whole
from lib.formatting import count, percent, plural
from lib.months import MONTHS, first_month, month_label, window
from lib.service_matrix import ServiceMatrix
from lib.tiering import TierIndex, tier_name

DATED_CADENCES = frozenset({"renewal", "quarterly", "onboarding"})


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


# Every cadence's monthly weights in units of 1/180 of an account: 180 is the least common
# multiple of the denominators `_weights` uses (12 months, 4 for a quarter, 90 days).
_UNIT = 180


def _whole_weights(cadence: str, tier: TierDates) -> list[int]:
    """`_weights` x 180: whole numbers, the same ratios."""
    if cadence in ("renewal", "quarterly"):
        flat = tier.without_renewal * (_UNIT // MONTHS)
        if cadence == "renewal":
            return [tier.renewals[m] * _UNIT + flat for m in range(MONTHS)]
        phase = [sum(tier.renewals[p::3]) for p in range(3)]
        return [phase[m % 3] * (_UNIT // 4) + flat for m in range(MONTHS)]
    if cadence == "onboarding":
        flat = tier.without_start * (_UNIT // MONTHS)
        return [tier.starts[m] * (_UNIT // ONBOARDING_DAYS) + flat for m in range(MONTHS)]
    return [tier.accounts * (_UNIT // MONTHS)] * MONTHS  # monthly, spread


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
        return f"{head} {_over_text(over)}"

    def busiest(self) -> list[dict[str, object]]:
        """Per team, its busiest month (highest load; ties: the earlier), what it needs and has
        then, and how many months it is over capacity: the table under the chart."""
        rows = []
        for tier in self.tiers:
            month = max(range(MONTHS), key=lambda m: (tier.load(m), tier.hours[m], -m))
            load = tier.load(month)
            rows.append(
                {
                    "team": tier.name,
                    "busiest_month": month_label(self.months[month]),
                    "hours_needed": tier.hours[month],
                    "hours_available": tier.capacity[month],
                    "load": load if math.isfinite(load) else None,
                    "months_over": tier.months_over(),
                }
            )
        return rows

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

    def table(self) -> list[str]:
        """The months as lines of text (the CLI without --json): hours / capacity per tier."""
        lines = [f"{'Month':<10}" + "".join(f"{t.name + ' h / capacity':>28}" for t in self.tiers)]
        lines += [
            f"{month_label(first):<10}"
            + "".join(f"{f'{t.hours[m]:,.0f} / {t.capacity[m]:,.0f}':>28}" for t in self.tiers)
            for m, first in enumerate(self.months)
        ]
        return [*lines, "", self.peak_sentence(), *self.notices()]

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


def _over_text(over: Sequence[tuple[str, int]]) -> str:
    """ "Tier 1 and Tier 2 are over capacity in 2 months of 12." or, when the counts differ,
    "Over capacity: Tier 1 in 5 months, Tier 2 in 1 month (of 12)." """
    if len({n for _, n in over}) == 1:
        names = [name for name, _ in over]
        joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        verb = "is" if len(names) == 1 else "are"
        return f"{joined} {verb} over capacity in {plural(over[0][1], 'month')} of 12."
    spans = ", ".join(f"{name} in {plural(n, 'month')}" for name, n in over)
    return f"Over capacity: {spans} (of 12)."


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
        # Each month's load (hours x accounts served, summed over the services) as a whole
        # number of 1 / (180 x 2**k) hours: the hours are binary fractions, the weights
        # whole 180ths; `apportion_whole` needs only the ratios.
        hours = [Fraction(row[t]) for row in matrix.hours]
        scale = math.lcm(*(h.denominator for h in hours))
        load = [0] * MONTHS
        for service, each in zip(matrix.services, hours, strict=True):
            if each == 0:
                continue
            per_month = _whole_weights(service.cadence, tier)
            factor = each.numerator * (scale // each.denominator)
            load = [load[p] + factor * per_month[c] for p, c in enumerate(calendar)]
        annual = tier.accounts * per_account[t]  # as TierCapacity.hours_needed
        team = float(hours_available[t])
        full = all(share == 1 for share in shares)
        team_total = team if full else float(Fraction(team) * sum(shares) / MONTHS)
        out.append(
            TierYear(
                tier=t + 1,
                name=tier_name(t + 1),
                hours=apportion_whole(annual, load),
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


# Years made per index (its dates' codes: kept while the index lives), the last few of each.
YEARS_KEPT = 8
_YEARS: KeptWhileAlive[IndexDates, BoundedCache[tuple[object, ...], YearLoad]] = KeptWhileAlive()


def index_year(
    dates: IndexDates,
    bounds: Sequence[tuple[int, int]],
    matrix: ServiceMatrix,
    hours_available: Sequence[float],
    *,
    first: date,
    capacity: Sequence[Fraction] = (Fraction(1),) * MONTHS,
) -> YearLoad:
    """`year_load` for an index's tiers (their stretches `bounds`, top first); the same inputs
    give the year made before (a YearLoad is never changed)."""
    key = (
        tuple((int(low), int(high)) for low, high in bounds),
        matrix,
        tuple(float(h) for h in hours_available),
        first,
        tuple(Fraction(c) for c in capacity),
    )

    def build() -> YearLoad:
        return year_load(
            tier_dates(dates, bounds),
            matrix,
            hours_available,
            first,
            capacity,
            has_renewal=dates.has_renewal,
            has_since=dates.has_since,
        )

    years = _YEARS.get(dates, lambda: BoundedCache(YEARS_KEPT))
    return years.get(key, build)


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
