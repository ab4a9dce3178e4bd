"""The service matrix: the services a CS team delivers, and the hours each takes per account per
year in each tier (services × tiers), with the practice defaults for 2 to 5 tiers.

Each service also has a cadence: when in the year its hours land (lib/monthly_load.py).
The annual figures never depend on it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import pandas as pd

from lib.errors import InputError
from lib.tiering import MAX_TIERS, MIN_TIERS, tier_name

# Hours per account per year, by number of tiers, top first: a high-touch account takes ~60-75 h
# (onboarding, check-ins, QBRs, renewal); a tech-touch account ~1 h a quarter of pooled time.
# Each tuple is the column sums of ServiceMatrix.default(N): the two never disagree.
DEFAULT_HOURS_PER_ACCOUNT: dict[int, tuple[float, ...]] = {
    2: (40.0, 3.0),
    3: (60.0, 12.0, 2.0),
    4: (75.0, 25.0, 8.0, 2.0),
    5: (90.0, 40.0, 15.0, 5.0, 1.0),
}

# Bounds on every figure a person, a plan file or a link can set (issue 13, finding 7): beyond
# them a figure is a typo or a hostile link, and products of them (hours x accounts x cost) stay
# far from overflow. A year has at most 8,784 hours (a leap year): no CSM, and no service to one
# account, has more.
MAX_HOURS_PER_YEAR = 8_784.0
MAX_SERVICES = 100  # rows of a service matrix
MAX_SERVICE_NAME = 80  # characters of a service's name
MAX_SERVICE_DESCRIPTION = 300  # characters of its description


# When in the year a service's hours land (lib/monthly_load.py says how each is split):
# "renewal": in the account's renewal month; "quarterly": a quarter of them every three months,
# from the renewal month; "monthly": a twelfth every month; "onboarding": over the 90 days from
# the day of the year the account started (customer_since); "spread": evenly over the year (a
# twelfth a month, like "monthly", for work with no rhythm of its own).
Cadence = Literal["spread", "monthly", "quarterly", "renewal", "onboarding"]
CADENCES: tuple[Cadence, ...] = get_args(Cadence)
CADENCE_LABELS: dict[str, str] = {
    "spread": "Spread over the year",
    "monthly": "Every month",
    "quarterly": "Every quarter",
    "renewal": "Renewal month",
    "onboarding": "First 90 days",
}
# The practice defaults, by service: QBRs every quarter (from the renewal month, so the renewal
# quarter's QBR prepares the renewal), renewal work in the renewal month, onboarding in the first
# 90 days, automated reports every month; everything else spread over the year. A service
# outside this catalogue (or a plan file without cadences) is spread.
DEFAULT_CADENCES: dict[str, Cadence] = {
    "Onboarding": "onboarding",
    "QBR": "quarterly",
    "Renewal": "renewal",
    "Automated reports": "monthly",
}


def default_cadence(name: str) -> Cadence:
    """The cadence a service takes when none is given: the catalogue's, else spread."""
    return DEFAULT_CADENCES.get(name, "spread")


def checked_cadence(value: object, where: str) -> Cadence:
    """`value` as a cadence, or InputError naming `where` and the cadences there are."""
    for cadence in CADENCES:
        if value == cadence:
            return cadence
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    raise InputError(
        f"The cadence of {where} must be one of {', '.join(CADENCES)}; got {shown[:40]}."
    )


@dataclass(frozen=True)
class Service:
    """Something the CS team delivers to an account (a row of the service matrix), and when
    in the year its hours land (its cadence; "" takes the default for its name)."""

    name: str
    description: str = ""
    cadence: str = ""

    def __post_init__(self) -> None:
        # Filled in, so Service("QBR") and Service("QBR", cadence="quarterly") compare equal.
        cadence = (
            default_cadence(self.name)
            if self.cadence == ""
            else checked_cadence(self.cadence, f'"{self.name}"')
        )
        object.__setattr__(self, "cadence", cadence)

    def with_cadence(self, cadence: str) -> Service:
        return Service(self.name, self.description, cadence)


DEFAULT_SERVICES: tuple[Service, ...] = (
    Service("Named CSM", "The account's CSM: check-ins, email, account planning"),
    Service(
        "Onboarding", "Kick-off, set-up and training, amortised over the years an account stays"
    ),
    Service("QBR", "Quarterly business reviews, including preparation"),
    Service("Executive sponsor", "An executive's relationship with the customer's leadership"),
    Service("Health checks", "Proactive health reviews and risk calls"),
    Service("Renewal", "Renewal call and negotiation"),
    Service("Support escalations", "A CSM's hands-on help when a support ticket escalates"),
    Service(
        "Automated reports", "Usage reports and benchmark digests: CSM time to set up and review"
    ),
    Service("Office hours", "Open drop-in sessions, pooled across accounts"),
    Service("Webinars", "One-to-many training and product updates, pooled across accounts"),
)

# Default hours per account per year for each service, in columns named by their total: the
# default matrix for N tiers takes the columns DEFAULT_HOURS_PER_ACCOUNT[N] names. High-touch
# columns follow practitioners' enterprise breakdown (onboarding 8-10 h, monthly check-ins, QBRs of
# 2-3 h a quarter plus preparation, renewal 10-15 h); mid-touch columns keep a ~4 h QBR and lean on
# automation; tech-touch columns are pooled one-to-many time (webinars, office hours, reports).
# Quarter hours keep every sum exact in binary floating point.
_COLUMN_TOTALS = (90.0, 75.0, 60.0, 40.0, 25.0, 15.0, 12.0, 8.0, 5.0, 3.0, 2.0, 1.0)
_DEFAULT_HOURS: dict[str, tuple[float, ...]] = {
    #                       90    75    60    40    25    15    12     8     5     3     2     1
    "Named CSM":           (18,   15,   12,    8,    5,    3,    2,    1,    0,    0,    0,    0),
    "Onboarding":          (10,   10,    8,    6,    4,    3,    2,  1.5,    1,    1,  0.5, 0.25),
    "QBR":                 (20,   18,   16,   10,    6,    4,    4,    2,    0,    0,    0,    0),
    "Executive sponsor":   ( 8,    6,    4,    2,    0,    0,    0,    0,    0,    0,    0,    0),
    "Health checks":       ( 8,    6,    4,    3,    2,    1,    1,    1,    1,    0,    0,    0),
    "Renewal":             (15,   12,   10,    6,    4,    2,  1.5,    1,    1,  0.5,    0,    0),
    "Support escalations": ( 9,    6,    4,    3,    2,    1,  0.5,  0.5,  0.5,  0.5, 0.25,    0),
    "Automated reports":   ( 1,    1,    1,    1,    1,  0.5,  0.5,  0.5,  0.5, 0.25, 0.25, 0.25),
    "Office hours":        ( 0,    0,    0,    0,    0,    0,    0,    0,  0.5,  0.5,  0.5, 0.25),
    "Webinars":            ( 1,    1,    1,    1,    1,  0.5,  0.5,  0.5,  0.5, 0.25,  0.5, 0.25),
}  # fmt: skip


def _check_tier_count(tier_count: int) -> None:
    if not MIN_TIERS <= tier_count <= MAX_TIERS:
        raise InputError(f"Choose between {MIN_TIERS} and {MAX_TIERS} tiers; got {tier_count}.")


def _check_hours(value: float, where: str) -> float:
    """`value` as a float of hours, or InputError naming `where` (e.g. 'QBR in Tier 2')."""
    if not math.isfinite(value):
        raise InputError(f"The hours for {where} must be a finite number; got {value}.")
    if value < 0:
        raise InputError(f"The hours for {where} cannot be negative; got {value:g}.")
    if value > MAX_HOURS_PER_YEAR:
        raise InputError(
            f"The hours for {where} are at most {MAX_HOURS_PER_YEAR:,.0f} a year (every hour of "
            f"a year); got {value:g}."
        )
    return float(value)


@dataclass(frozen=True)
class ServiceMatrix:
    """Hours per account per year for each service (rows) in each tier (columns, top first).

    0 means the tier does not get the service. A tier's hours per account is its column's sum.
    """

    services: tuple[Service, ...]
    hours: tuple[tuple[float, ...], ...]  # hours[s][t]: service s in tier t + 1

    def __post_init__(self) -> None:
        if not self.services:
            raise InputError("The service matrix needs at least one service.")
        if len(self.hours) != len(self.services):
            raise ValueError("the service matrix needs one row of hours per service")
        if len(self.services) > MAX_SERVICES:
            raise InputError(
                f"The service matrix has {len(self.services):,} services; it takes at most "
                f"{MAX_SERVICES}."
            )
        _check_tier_count(len(self.hours[0]))
        seen: set[str] = set()  # a set: a list's count() made 40k services cost 14 s (issue 13)
        for service, row in zip(self.services, self.hours, strict=True):
            if not service.name.strip():
                raise InputError("Every service in the service matrix needs a name.")
            if len(service.name) > MAX_SERVICE_NAME:
                raise InputError(
                    f"A service's name is at most {MAX_SERVICE_NAME} characters; "
                    f'"{service.name[:30]}…" has {len(service.name):,}.'
                )
            if len(service.description) > MAX_SERVICE_DESCRIPTION:
                raise InputError(
                    f'The description of "{service.name}" is at most '
                    f"{MAX_SERVICE_DESCRIPTION} characters; it has {len(service.description):,}."
                )
            if service.name in seen:
                raise InputError(f'The service "{service.name}" is listed twice; keep one row.')
            seen.add(service.name)
            if len(row) != self.tier_count:
                raise InputError(
                    f'The service "{service.name}" has {len(row)} figures for '
                    f"{self.tier_count} tiers; give one per tier, Tier 1 first."
                )
        # Rows given as lists or ints are kept as tuples of floats: equal matrices compare equal.
        hours = tuple(
            tuple(
                _check_hours(value, f'"{service.name}" in {tier_name(tier)}')
                for tier, value in enumerate(row, start=1)
            )
            for service, row in zip(self.services, self.hours, strict=True)
        )
        object.__setattr__(self, "hours", hours)

    @property
    def tier_count(self) -> int:
        return len(self.hours[0])

    @classmethod
    def default(cls, tier_count: int) -> ServiceMatrix:
        """The practice defaults for `tier_count` tiers (column sums: DEFAULT_HOURS_PER_ACCOUNT)."""
        _check_tier_count(tier_count)
        columns = [_COLUMN_TOTALS.index(total) for total in DEFAULT_HOURS_PER_ACCOUNT[tier_count]]
        hours = tuple(
            tuple(float(_DEFAULT_HOURS[service.name][c]) for c in columns)
            for service in DEFAULT_SERVICES
        )
        return cls(services=DEFAULT_SERVICES, hours=hours)

    def hours_per_account(self) -> tuple[float, ...]:
        """Hours per account per year in each tier, top first: the column sums."""
        return tuple(math.fsum(column) for column in zip(*self.hours, strict=True))

    def to_frame(self) -> pd.DataFrame:
        """An editable table: one row per service (index), one column per tier ("Tier 1", ...)."""
        columns = [tier_name(t) for t in range(1, self.tier_count + 1)]
        index = pd.Index([service.name for service in self.services], name="Service")
        return pd.DataFrame(list(self.hours), index=index, columns=columns, dtype="float64")

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, services: Sequence[Service] = DEFAULT_SERVICES
    ) -> ServiceMatrix:
        """The matrix an edited `to_frame()` table describes; empty cells count as 0 hours.

        Rows must name services in `services` (pass the edited matrix's own services when they
        are not the default catalogue); columns must be "Tier 1" to "Tier N" for 2 to 5 tiers.
        """
        known = {service.name: service for service in services}
        columns = _tier_columns(frame)
        for label in frame.index:
            if not isinstance(label, str) or not label.strip():
                raise InputError("Every row of the service matrix needs the name of a service.")
            if label not in known:
                raise InputError(
                    f'The service matrix has a row "{label}", which is not one of its services '
                    f"({', '.join(known)})."
                )
        if frame.index.has_duplicates:
            twice = frame.index[frame.index.duplicated()][0]
            raise InputError(f'The service "{twice}" is listed twice; keep one row.')
        rows = tuple(
            tuple(_cell_hours(frame.at[label, column], label, column) for column in columns)
            for label in frame.index
        )
        return cls(services=tuple(known[label] for label in frame.index), hours=rows)

    def with_tier_count(self, tier_count: int) -> ServiceMatrix:
        """This matrix for another number of tiers, keeping what still applies.

        The practice defaults for one tier count become the practice defaults for the other.
        Tier 1 stays the top and the last tier stays the tail: the top tiers keep their columns
        by position, the tail keeps its column, and tiers in between that did not exist before
        take the practice defaults (0 for services outside the default catalogue).
        """
        defaults = ServiceMatrix.default(tier_count)
        if self == ServiceMatrix.default(self.tier_count):
            # Untouched practice defaults stay the practice defaults: the same tier count always
            # gives the same matrix, whatever counts were chosen before (issue 18, defect 6).
            return defaults
        default_rows = dict(
            zip((service.name for service in defaults.services), defaults.hours, strict=True)
        )
        sources = kept_columns(self.tier_count, tier_count)
        rows = []
        for service, row in zip(self.services, self.hours, strict=True):
            fallback = default_rows.get(service.name, (0.0,) * tier_count)
            rows.append(
                tuple(
                    row[old] if old is not None else fallback[new]
                    for new, old in enumerate(sources)
                )
            )
        return ServiceMatrix(services=self.services, hours=tuple(rows))


def kept_columns(old_count: int, new_count: int) -> tuple[int | None, ...]:
    """For each new tier, the old tier whose column it keeps (None: take the default)."""
    sources: list[int | None] = []
    for new in range(new_count):
        if new == new_count - 1:
            sources.append(old_count - 1)  # the tail stays the tail
        elif new < old_count - 1:
            sources.append(new)
        else:
            sources.append(None)
    return tuple(sources)


def _tier_columns(frame: pd.DataFrame) -> list[str]:
    """The frame's tier columns, Tier 1 first, or InputError for any other column."""
    expected = [tier_name(t) for t in range(1, MAX_TIERS + 1)]
    for column in frame.columns:
        if column not in expected:
            raise InputError(
                f'The service matrix has a column "{column}"; its columns are the tiers, '
                f'"Tier 1" to "Tier {MAX_TIERS}".'
            )
    count = len(frame.columns)
    _check_tier_count(count)
    if set(frame.columns) != set(expected[:count]):
        raise InputError(
            f'The service matrix needs the columns "Tier 1" to "Tier {count}"; '
            f"got {', '.join(str(column) for column in frame.columns)}."
        )
    return expected[:count]


def _cell_hours(cell: Any, service: str, column: str) -> float:
    """A cell of the edited matrix as hours: empty means 0, text must read as a number."""
    where = f'"{service}" in {column}'
    if isinstance(cell, str):
        cell = cell.strip() or None
    if cell is None or (pd.api.types.is_scalar(cell) and pd.isna(cell)):
        return 0.0
    try:
        value = float(cell)
    except (TypeError, ValueError):
        raise InputError(f'The hours for {where} must be a number; got "{cell}".') from None
    return _check_hours(value, where)
