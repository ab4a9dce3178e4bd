"""The service model: services × tiers, the team serving each tier, load, cost-to-serve and margin.

A plan file is TOML, one `[[service]]` table per service and one `[[team]]` table per tier, Tier 1
(the top) first. Hours are per account per year, one figure per tier (0: not offered):

    [[service]]
    name = "QBR"
    description = "Quarterly business reviews, including preparation"
    hours = [16, 4, 0]

    [[team]]  # Tier 1
    csms = 18             # headcount; fractions allowed (a CSM shared between tiers)
    hours_per_csm = 1100  # customer-facing hours one CSM has in a year (optional)
    cost_per_hour = 110   # fully loaded cost of one CSM hour (optional)

`description`, `hours_per_csm` and `cost_per_hour` may be left out (defaults below).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import tomli_w

from lib.errors import InputError
from lib.tiering import MAX_TIERS, MIN_TIERS, TierSummary, tier_name

# Productive (customer-facing) hours a CSM has in a year: ~1,650 working hours, of which about a
# third goes to admin and internal work (practitioners' figures: 1,500-1,800 h, 30-40% internal).
DEFAULT_HOURS_PER_CSM = 1100.0

# What one CSM hour costs: a fully loaded CSM (salary, benefits, tools, space) is ~$180K a year,
# spread over ~1,650 working hours ≈ $109, rounded to $110. Charging it per *customer-facing* hour
# prices the time a tier actually uses; a leader who wants admin time allocated too can type
# $180K / 1,100 h ≈ $164.
DEFAULT_CSM_COST_PER_YEAR = 180_000.0
WORKING_HOURS_PER_YEAR = 1650.0
DEFAULT_COST_PER_HOUR = round(DEFAULT_CSM_COST_PER_YEAR / WORKING_HOURS_PER_YEAR, -1)

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
MAX_CSMS = 100_000.0  # headcount of one tier's team
MAX_COST_PER_HOUR = 100_000.0  # cost of one CSM hour, in the data's currency
MAX_SERVICES = 100  # rows of a service matrix
MAX_SERVICE_NAME = 80  # characters of a service's name
MAX_SERVICE_DESCRIPTION = 300  # characters of its description

# The default team is sized so its tier's load fills at most 95% of it: the first picture is not
# all red, and a few accounts more do not tip it over.
DEFAULT_UTILISATION = 0.95


@dataclass(frozen=True)
class Service:
    """Something the CS team delivers to an account (a row of the service matrix)."""

    name: str
    description: str = ""


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


# ---------------------------------------------------------------------------------------------
# The simple plan the app started with (one hours-per-CSM figure, no services, no costs).


@dataclass(frozen=True)
class TeamPlan:
    """Who serves each tier and how much time each account takes, tiers from the top down."""

    hours_per_account: tuple[float, ...]
    csms: tuple[float, ...]  # headcount per tier (fractions allowed: shared CSMs)
    hours_per_csm: float = DEFAULT_HOURS_PER_CSM


@dataclass(frozen=True)
class TierLoad:
    name: str
    accounts: int
    hours_needed: float
    hours_available: float
    csms_needed: float  # fractional; round up to hire

    team_share = 1.0  # the whole team (TierCapacity may hold a slice's share of it)
    is_slice_share = False

    @property
    def team_hours(self) -> float:
        return self.hours_available

    @property
    def utilisation(self) -> float:
        """Hours needed over hours available (inf when work has no one to do it)."""
        return _utilisation(self.hours_needed, self.hours_available)

    @property
    def is_over_capacity(self) -> bool:
        return self.hours_needed > self.hours_available

    @property
    def csms_to_hire(self) -> int:
        return _whole_csms(self.csms_needed)


def _utilisation(needed: float, available: float) -> float:
    if available > 0:
        return needed / available
    return math.inf if needed > 0 else 0.0


def _whole_csms(fractional: float) -> int:
    # 2.0000000001 CSMs is float noise from hours like 0.1 + 0.2, not a third person to hire.
    return math.ceil(round(fractional, 9))


def tier_loads(summary: TierSummary, plan: TeamPlan) -> tuple[TierLoad, ...]:
    """Load per tier: accounts x hours per account, against headcount x hours per CSM."""
    if len(plan.hours_per_account) != len(summary.tiers) or len(plan.csms) != len(summary.tiers):
        raise ValueError("the team plan needs one entry per tier")
    if not plan.hours_per_csm > 0:
        raise InputError("Hours per CSM must be above zero.")
    loads = []
    for tier, hours, csms in zip(summary.tiers, plan.hours_per_account, plan.csms, strict=True):
        needed = tier.customers * hours
        loads.append(
            TierLoad(
                name=tier.name,
                accounts=tier.customers,
                hours_needed=needed,
                hours_available=csms * plan.hours_per_csm,
                csms_needed=needed / plan.hours_per_csm,
            )
        )
    return tuple(loads)


def _default_csms(summary: TierSummary, hours_per_account: Sequence[float]) -> tuple[float, ...]:
    """Whole CSMs per tier, just enough for the tier's load at DEFAULT_UTILISATION."""

    def csms(needed: float) -> float:
        # Any work at all needs someone, even when the division rounds to nothing.
        return float(
            max(math.ceil(needed / DEFAULT_HOURS_PER_CSM / DEFAULT_UTILISATION), needed > 0)
        )

    return tuple(
        csms(tier.customers * hours)
        for tier, hours in zip(summary.tiers, hours_per_account, strict=True)
    )


def default_plan(summary: TierSummary) -> TeamPlan:
    """A starting plan: practice hours per account, and a team just big enough for `summary`.

    The headcount is a starting point sized to the default cut-offs (so the first picture is
    not all red); people then type in their real team.
    """
    hours = DEFAULT_HOURS_PER_ACCOUNT[len(summary.tiers)]
    return TeamPlan(hours_per_account=hours, csms=_default_csms(summary, hours))


# ---------------------------------------------------------------------------------------------
# The service matrix.


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
        sources = _kept_columns(self.tier_count, tier_count)
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


def _kept_columns(old_count: int, new_count: int) -> tuple[int | None, ...]:
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


# ---------------------------------------------------------------------------------------------
# Teams and plans.


@dataclass(frozen=True)
class Team:
    """The CSMs serving one tier."""

    csms: float = 0.0  # headcount; fractions allowed (a CSM shared between tiers)
    hours_per_csm: float = DEFAULT_HOURS_PER_CSM  # customer-facing hours per CSM per year
    cost_per_hour: float = DEFAULT_COST_PER_HOUR  # fully loaded cost of one CSM hour

    def __post_init__(self) -> None:
        for key in ("csms", "hours_per_csm", "cost_per_hour"):
            object.__setattr__(self, key, float(getattr(self, key)))
        if not (math.isfinite(self.csms) and self.csms >= 0):
            raise InputError(f"A team's headcount must be zero or more; got {self.csms:g}.")
        if self.csms > MAX_CSMS:
            raise InputError(f"A team's headcount is at most {MAX_CSMS:,.0f}; got {self.csms:g}.")
        if not (math.isfinite(self.hours_per_csm) and self.hours_per_csm > 0):
            raise InputError(f"Hours per CSM must be above zero; got {self.hours_per_csm:g}.")
        if self.hours_per_csm > MAX_HOURS_PER_YEAR:
            raise InputError(
                f"Hours per CSM are at most {MAX_HOURS_PER_YEAR:,.0f} a year (every hour of a "
                f"year); got {self.hours_per_csm:g}."
            )
        if not (math.isfinite(self.cost_per_hour) and self.cost_per_hour >= 0):
            raise InputError(f"Cost per hour must be zero or more; got {self.cost_per_hour:g}.")
        if self.cost_per_hour > MAX_COST_PER_HOUR:
            raise InputError(
                f"Cost per hour is at most {MAX_COST_PER_HOUR:,.0f}; got {self.cost_per_hour:g}."
            )

    @property
    def hours_available(self) -> float:
        return self.csms * self.hours_per_csm


@dataclass(frozen=True)
class Plan:
    """A service model (the matrix) and the team serving each tier, tiers from the top down."""

    matrix: ServiceMatrix
    teams: tuple[Team, ...]

    def __post_init__(self) -> None:
        if len(self.teams) != self.matrix.tier_count:
            raise InputError(
                f"The plan has {len(self.teams)} teams for {self.matrix.tier_count} tiers; "
                "give one team per tier."
            )

    @property
    def tier_count(self) -> int:
        return self.matrix.tier_count

    @classmethod
    def default_for(cls, summary: TierSummary, matrix: ServiceMatrix | None = None) -> Plan:
        """Whole-CSM teams sized for `summary` like default_plan, under `matrix` (by default
        the practice matrix)."""
        matrix = matrix or ServiceMatrix.default(len(summary.tiers))
        csms = _default_csms(summary, matrix.hours_per_account())
        return cls(matrix=matrix, teams=tuple(Team(csms=n) for n in csms))

    def hours_available(self) -> tuple[float, ...]:
        """Each tier's team hours per year, top first."""
        return tuple(team.hours_available for team in self.teams)

    def with_tier_count(self, tier_count: int) -> Plan:
        """This plan for another number of tiers: the matrix as `ServiceMatrix.with_tier_count`,
        teams kept by the same rule; a new tier gets an empty default team, to be filled in."""
        sources = _kept_columns(self.tier_count, tier_count)
        teams = tuple(Team() if old is None else self.teams[old] for old in sources)
        return Plan(matrix=self.matrix.with_tier_count(tier_count), teams=teams)

    def to_team_plan(self) -> TeamPlan:
        """The plan in the simpler TeamPlan shape (one hours-per-CSM figure for every tier).

        Exact when every team has the same hours per CSM (the default). Otherwise headcounts are
        restated in CSMs of Tier 1's hours, so every tier's hours available stay right.
        """
        hours_per_csm = self.teams[0].hours_per_csm
        if all(team.hours_per_csm == hours_per_csm for team in self.teams):
            csms = tuple(team.csms for team in self.teams)
        else:
            csms = tuple(team.hours_available / hours_per_csm for team in self.teams)
        return TeamPlan(
            hours_per_account=self.matrix.hours_per_account(),
            csms=csms,
            hours_per_csm=hours_per_csm,
        )

    def to_toml(self) -> str:
        """The plan as a human-editable TOML plan file (format: this module's docstring)."""
        return _plan_to_toml(self)

    @classmethod
    def from_toml(cls, text: str) -> Plan:
        """The plan a TOML plan file describes; InputError says what is wrong with a bad file."""
        return _plan_from_toml(text)


# ---------------------------------------------------------------------------------------------
# Plan files (TOML).

_HEADER = """\
# tierboard plan: the service model and the team serving each tier, Tier 1 (the top) first.
# [[service]]: hours per account per year the service takes, one figure per tier (0: not offered).
# [[team]]: one per tier, in order. csms: headcount (fractions allowed); hours_per_csm:
# customer-facing hours one CSM has in a year; cost_per_hour: fully loaded cost of one CSM hour.
"""
_SERVICE_KEYS = {"name", "description", "hours"}
_TEAM_KEYS = {"csms", "hours_per_csm", "cost_per_hour"}


def _toml_number(value: float) -> str:
    # Whole figures read as people write them ("12", not "12.0"); below 2**53 they are exact.
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _plan_to_toml(plan: Plan) -> str:
    tiers = ", ".join(tier_name(t) for t in range(1, plan.tier_count + 1))
    chunks = [_HEADER]
    for service, hours in zip(plan.matrix.services, plan.matrix.hours, strict=True):
        fields = tomli_w.dumps({"name": service.name, "description": service.description})
        figures = ", ".join(_toml_number(value) for value in hours)
        chunks.append(f"\n[[service]]\n{fields}hours = [{figures}]  # {tiers}\n")
    for tier, team in enumerate(plan.teams, start=1):
        fields = "".join(
            f"{key} = {_toml_number(getattr(team, key))}\n"
            for key in ("csms", "hours_per_csm", "cost_per_hour")
        )
        chunks.append(f"\n[[team]]  # {tier_name(tier)}\n{fields}")
    return "".join(chunks)


def _plan_from_toml(text: str) -> Plan:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"The plan file is not valid TOML: {error}.") from None
    for key in document:
        if key not in {"service", "team"}:
            raise InputError(
                f'The plan file has an unknown key "{key}"; it takes [[service]] and [[team]] '
                "tables."
            )
    teams = _tables(document, "team")
    if not MIN_TIERS <= len(teams) <= MAX_TIERS:
        raise InputError(
            f"The plan file has {len(teams)} [[team]] tables; give one per tier "
            f"({MIN_TIERS} to {MAX_TIERS} tiers), Tier 1 first."
        )
    services = _tables(document, "service")
    matrix_rows = [_service_from_toml(table, n, len(teams)) for n, table in enumerate(services, 1)]
    matrix = ServiceMatrix(
        services=tuple(service for service, _ in matrix_rows),
        hours=tuple(hours for _, hours in matrix_rows),
    )
    return Plan(matrix=matrix, teams=tuple(_team_from_toml(t, n) for n, t in enumerate(teams, 1)))


def _tables(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    tables = document.get(key)
    if tables is None:
        raise InputError(f"The plan file has no [[{key}]] tables.")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise InputError(f'In the plan file, "{key}" must be a list of [[{key}]] tables.')
    return tables


def _number(value: Any, where: str) -> float:
    # bool is an int in Python, but `csms = true` is a mistake, not one CSM.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"In the plan file, {where} must be a number; got {value!r}.")
    return float(value)


def _unknown_key(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(
                f'In the plan file, {where} has an unknown key "{key}"; '
                f"it takes {', '.join(sorted(allowed))}."
            )


def _service_from_toml(
    table: Mapping[str, Any], number: int, tier_count: int
) -> tuple[Service, tuple[float, ...]]:
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f'In the plan file, service {number} needs a "name" (text).')
    where = f'the service "{name}"'
    _unknown_key(table, _SERVICE_KEYS, where)
    description = table.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"In the plan file, the description of {where} must be text.")
    hours = table.get("hours")
    if not isinstance(hours, list):
        raise InputError(
            f'In the plan file, {where} needs "hours": a list of numbers, one per tier.'
        )
    if len(hours) != tier_count:
        raise InputError(
            f"In the plan file, {where} gives {len(hours)} hours but there are {tier_count} "
            "[[team]] tables; give one figure per tier, Tier 1 first."
        )
    figures = tuple(
        _number(value, f"the hours of {where} in {tier_name(t)}")
        for t, value in enumerate(hours, 1)
    )
    return Service(name, description), figures


def _team_from_toml(table: Mapping[str, Any], tier: int) -> Team:
    where = f"the [[team]] of {tier_name(tier)}"
    _unknown_key(table, _TEAM_KEYS, where)
    if "csms" not in table:
        raise InputError(f'In the plan file, {where} needs "csms" (its headcount).')
    values = {key: _number(value, f'"{key}" of {where}') for key, value in table.items()}
    try:
        return Team(**values)
    except InputError as error:
        reason = str(error)
        raise InputError(f"In the plan file, {where}: {reason[:1].lower()}{reason[1:]}") from None


# ---------------------------------------------------------------------------------------------
# Capacity, cost and margin per tier.


@dataclass(frozen=True)
class TierCapacity:
    """One tier's load against its team, and what serving it costs against what it brings in."""

    tier: int  # 1-based, 1 is the top
    name: str
    accounts: int
    hours_per_account: float
    csms: float
    hours_per_csm: float
    cost_per_hour: float
    other_cost: float  # the data's cost_to_serve for the tier's customers (0 without the column)
    revenue: float
    # Under a slice, the share of the tier's team that serves the slice (slice_team_shares);
    # 1.0 for the whole base. `csms` stays the whole team's headcount.
    team_share: float = 1.0

    @property
    def is_slice_share(self) -> bool:
        """Whether the hours available are a slice's share of the team, not the whole team."""
        return self.team_share != 1.0

    @property
    def team_hours(self) -> float:
        """The whole team's hours a year (under a slice too)."""
        return self.csms * self.hours_per_csm

    @property
    def hours_needed(self) -> float:
        return self.accounts * self.hours_per_account

    @property
    def hours_available(self) -> float:
        """The team's hours a year; under a slice, the slice's share of them."""
        return self.team_hours * self.team_share

    @property
    def utilisation(self) -> float:
        """Hours needed over hours available (inf when work has no team, 0 when neither)."""
        return _utilisation(self.hours_needed, self.hours_available)

    @property
    def is_over_capacity(self) -> bool:
        return self.hours_needed > self.hours_available

    @property
    def csms_needed(self) -> float:
        """CSMs the load takes, fractional."""
        return self.hours_needed / self.hours_per_csm

    @property
    def csms_to_hire(self) -> int:
        """The whole headcount the load takes (not the gap to today's team)."""
        return _whole_csms(self.csms_needed)

    @property
    def accounts_per_csm(self) -> float | None:
        """Accounts per CSM of today's team (under a slice, of its share of the team); None when
        the tier has no CSM serving these accounts."""
        serving = self.csms * self.team_share
        return self.accounts / serving if serving > 0 else None

    @property
    def csm_cost(self) -> float:
        return self.hours_needed * self.cost_per_hour

    @property
    def total_cost(self) -> float:
        return self.csm_cost + self.other_cost

    @property
    def margin(self) -> float:
        return self.revenue - self.total_cost

    @property
    def margin_share(self) -> float | None:
        """Margin over revenue; None when the tier brings in no revenue."""
        return self.margin / self.revenue if self.revenue else None


def slice_team_shares(part: TierSummary, whole: TierSummary) -> tuple[float, ...]:
    """The share of each tier's team that serves a slice of the customer base, top first.

    A team serves its whole tier; a slice (EMEA only, Enterprise only) takes the team pro rata to
    the tier's accounts in it: the tier's accounts in the slice over the tier's accounts in the
    whole base. With one figure of hours per account per tier, a slice's load % is then its
    tier's load % on the whole team (a slice has no team of its own: what it shows is its part
    of the hours), and the shares of slices that partition the base add up to the whole team.
    A tier empty in the whole base falls back to the slice's share of all customers (so the
    shares still add up, and an idle team is shared like the rest).
    """
    if len(part.tiers) != len(whole.tiers):
        raise ValueError("the slice and the whole base need the same tiers")
    overall = part.customers / whole.customers if whole.customers else 0.0
    return tuple(
        mine.customers / everyone.customers if everyone.customers else overall
        for mine, everyone in zip(part.tiers, whole.tiers, strict=True)
    )


def tier_capacity(
    summary: TierSummary,
    plan: Plan,
    other_cost: Sequence[float] | None = None,
    whole: TierSummary | None = None,
) -> tuple[TierCapacity, ...]:
    """Load, capacity, cost and margin per tier, top first.

    `other_cost` is, per tier, the sum of the data's cost_to_serve column over the tier's
    customers (None when the data has no such column: no cost beyond CSM time). `whole`: when
    `summary` is a slice, the same cut-offs on the whole base; each tier's hours available are
    then the slice's share of its team (slice_team_shares), never the whole team.
    """
    tiers = len(summary.tiers)
    if plan.tier_count != tiers:
        raise ValueError("the plan needs one entry per tier")
    if other_cost is not None and len(other_cost) != tiers:
        raise ValueError("other_cost needs one entry per tier")
    costs = [0.0] * tiers if other_cost is None else [float(cost) for cost in other_cost]
    shares = (1.0,) * tiers if whole is None else slice_team_shares(summary, whole)
    return tuple(
        TierCapacity(
            tier=tier.tier,
            name=tier.name,
            accounts=tier.customers,
            hours_per_account=hours,
            csms=team.csms,
            hours_per_csm=team.hours_per_csm,
            cost_per_hour=team.cost_per_hour,
            other_cost=cost,
            revenue=tier.revenue,
            team_share=share,
        )
        for tier, hours, team, cost, share in zip(
            summary.tiers, plan.matrix.hours_per_account(), plan.teams, costs, shares, strict=True
        )
    )


def unprofitable_threshold(plan: Plan, tier: int) -> float:
    """The CSM cost of one account of `tier` (1-based) a year: hours per account × cost per hour.

    An account in that tier is unprofitable when its revenue − cost_to_serve is below this.
    """
    if not 1 <= tier <= plan.tier_count:
        raise ValueError(f"tier {tier} is not one of the plan's {plan.tier_count} tiers")
    return plan.matrix.hours_per_account()[tier - 1] * plan.teams[tier - 1].cost_per_hour
