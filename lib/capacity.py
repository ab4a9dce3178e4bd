"""Capacity planning: the plan (the service matrix and the team serving each tier, as a TOML plan
file) and what it gives per tier: load against the team's hours, cost-to-serve and margin.

A plan file is TOML, one `[[service]]` table per service and one `[[team]]` table per tier, Tier 1
(the top) first. Hours are per account per year, one figure per tier (0: not offered):

    [[service]]
    name = "QBR"
    description = "Quarterly business reviews, including preparation"
    cadence = "quarterly"  # when in the year: spread, monthly, quarterly, renewal, onboarding
    hours = [16, 4, 0]

    [[team]]  # Tier 1
    csms = 18             # headcount; fractions allowed (a CSM shared between tiers)
    hours_per_csm = 1100  # customer-facing hours one CSM has in a year (optional)
    cost_per_hour = 110   # fully loaded cost of one CSM hour (optional)

`description`, `cadence`, `hours_per_csm` and `cost_per_hour` may be left out (defaults:
lib/team.py; a service without a cadence takes its default, lib/service_matrix.py, so plan files
saved before cadences existed open as they were).
The matrix itself is lib/service_matrix.py; a team and its load, lib/team.py.

Why one module (past 400 lines, about 440): the plan, its TOML file (with its roster and months)
and the per-tier capacity it gives are read and written together; every plan-file key is
checked next to the field it fills.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import tomli_w

from lib.errors import InputError
from lib.months import capacity_text, parse_capacity
from lib.service_matrix import Service, ServiceMatrix, checked_cadence, kept_columns
from lib.team import LoadMeasures, Team, TeamPlan, default_csms
from lib.tiering import MAX_TIERS, MIN_TIERS, TierSummary, tier_name


@dataclass(frozen=True)
class Plan:
    """A service model (the matrix) and the team serving each tier, tiers from the top down."""

    matrix: ServiceMatrix
    teams: tuple[Team, ...]
    # The months whose capacity differs from a normal month, as lib/months reads them ("August
    # 50%, December 70%"): holidays belong to the team, so they travel with the plan (plan
    # files, scenarios, links). Kept in canonical form, so equal months compare equal.
    months: str = ""

    def __post_init__(self) -> None:
        if len(self.teams) != self.matrix.tier_count:
            raise InputError(
                f"The plan has {len(self.teams)} teams for {self.matrix.tier_count} tiers; "
                "give one team per tier."
            )
        object.__setattr__(self, "months", capacity_text(parse_capacity(self.months)))

    def month_shares(self) -> tuple[Fraction, ...]:
        """Each calendar month's capacity as a share of a normal month, January first."""
        return parse_capacity(self.months)

    @property
    def tier_count(self) -> int:
        return self.matrix.tier_count

    @classmethod
    def default_for(cls, summary: TierSummary, matrix: ServiceMatrix | None = None) -> Plan:
        """Whole-CSM teams sized for `summary` like default_plan, under `matrix` (by default
        the practice matrix)."""
        matrix = matrix or ServiceMatrix.default(len(summary.tiers))
        csms = default_csms(summary, matrix.hours_per_account())
        return cls(matrix=matrix, teams=tuple(Team(csms=n) for n in csms))

    def hours_available(self) -> tuple[float, ...]:
        """Each tier's team hours per year, top first."""
        return tuple(team.hours_available for team in self.teams)

    def with_tier_count(self, tier_count: int) -> Plan:
        """This plan for another number of tiers: the matrix as `ServiceMatrix.with_tier_count`,
        teams kept by the same rule; a new tier gets an empty default team, to be filled in."""
        sources = kept_columns(self.tier_count, tier_count)
        teams = tuple(Team() if old is None else self.teams[old] for old in sources)
        return Plan(self.matrix.with_tier_count(tier_count), teams, self.months)

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
# [[service]]: hours per account per year the service takes, one figure per tier (0: not offered);
# cadence: when in the year they land (spread, monthly, quarterly, renewal, onboarding).
# [[team]]: one per tier, in order. csms: headcount (fractions allowed); hours_per_csm:
# customer-facing hours one CSM has in a year; cost_per_hour: fully loaded cost of one CSM hour.
"""
_SERVICE_KEYS = {"name", "description", "cadence", "hours"}
# A plan file may carry the Books page's roster, as the text of its CSV (lib/roster.py reads it;
# a plan without one, or a command that only needs the plan, ignores it).
ROSTER_KEY = "roster"
MONTHS_KEY = "capacity_by_month"  # Plan.months: "August 50%, December 70%"
# A plan with a roster of 10,000 CSMs is under 1 MB; the cap keeps a hostile upload from making
# the TOML parser (pure Python) spend minutes and gigabytes before anything can be said.
MAX_PLAN_FILE_MB = 5
_TEAM_KEYS = {"csms", "hours_per_csm", "cost_per_hour"}


def plan_file_roster(text: str) -> str | None:
    """The roster CSV a plan file carries (None: none); InputError when it is not text."""
    if _too_big(text):
        return None  # _plan_from_toml says why the file is refused
    roster = tomllib.loads(text).get(ROSTER_KEY)
    if roster is not None and not isinstance(roster, str):
        raise InputError(f'In the plan file, "{ROSTER_KEY}" must be the text of a roster CSV.')
    return roster


def with_roster(plan_text: str, roster_csv: str) -> str:
    """A plan file's text with a roster: the key goes first (a TOML key after a table header
    would belong to that table)."""
    return tomli_w.dumps({ROSTER_KEY: roster_csv}) + plan_text


def _toml_number(value: float) -> str:
    # Whole figures read as people write them ("12", not "12.0"); below 2**53 they are exact.
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _plan_to_toml(plan: Plan) -> str:
    tiers = ", ".join(tier_name(t) for t in range(1, plan.tier_count + 1))
    chunks = [_HEADER]
    if plan.months:  # a top-level key: before the first table header, or it would belong to it
        chunks.append(
            "# capacity_by_month: months with less (or more) than a twelfth of a team's year.\n"
            + tomli_w.dumps({MONTHS_KEY: plan.months})
        )
    for service, hours in zip(plan.matrix.services, plan.matrix.hours, strict=True):
        fields = tomli_w.dumps(
            {"name": service.name, "description": service.description, "cadence": service.cadence}
        )
        figures = ", ".join(_toml_number(value) for value in hours)
        chunks.append(f"\n[[service]]\n{fields}hours = [{figures}]  # {tiers}\n")
    for tier, team in enumerate(plan.teams, start=1):
        fields = "".join(
            f"{key} = {_toml_number(getattr(team, key))}\n"
            for key in ("csms", "hours_per_csm", "cost_per_hour")
        )
        chunks.append(f"\n[[team]]  # {tier_name(tier)}\n{fields}")
    return "".join(chunks)


def _too_big(text: str) -> bool:
    return len(text) > MAX_PLAN_FILE_MB * 1024 * 1024


def _plan_from_toml(text: str) -> Plan:
    if _too_big(text):
        raise InputError(
            f"The plan file is larger than {MAX_PLAN_FILE_MB} MB; a plan file saved from the Plan "
            "page is a few kilobytes."
        )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"The plan file is not valid TOML: {error}.") from None
    for key in document:
        if key not in {"service", "team", ROSTER_KEY, MONTHS_KEY}:
            raise InputError(
                f'The plan file has an unknown key "{key}"; it takes [[service]] and [[team]] '
                f"tables (and {MONTHS_KEY}, {ROSTER_KEY})."
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
    teams_read = tuple(_team_from_toml(t, n) for n, t in enumerate(teams, 1))
    return Plan(matrix=matrix, teams=teams_read, months=_months_from_toml(document))


def _months_from_toml(document: Mapping[str, Any]) -> str:
    months = document.get(MONTHS_KEY, "")
    if not isinstance(months, str):
        raise InputError(f'In the plan file, {MONTHS_KEY} is text like "August 50%, December 70%".')
    try:
        return capacity_text(parse_capacity(months))
    except InputError as error:
        raise InputError(f"In the plan file's {MONTHS_KEY}: {error}") from None


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
    cadence = table.get("cadence", "")  # absent: the default (a file saved before cadences)
    if "cadence" in table:
        try:
            cadence = checked_cadence(cadence, where.removeprefix("the service "))
        except InputError as error:
            raise InputError(f"In the plan file, {_lower_first(str(error))}") from None
    return Service(name, description, cadence), figures


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


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
class TierCapacity(LoadMeasures):
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
    def csms_needed(self) -> float:
        """CSMs the load takes, fractional."""
        return self.hours_needed / self.hours_per_csm

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
