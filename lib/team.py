"""The team serving a tier, and the load it carries: a Team (headcount, hours per CSM, cost per
hour, with their defaults and bounds), how much of its hours a load takes, the headcount a load
needs, and TeamPlan, the simple plan (one hours-per-account figure per tier, no services, no
costs) the app started with. The full plan is lib/capacity.py's Plan."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from lib.errors import InputError
from lib.service_matrix import DEFAULT_HOURS_PER_ACCOUNT, MAX_HOURS_PER_YEAR
from lib.tiering import TierSummary

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

# Bounds, as the service matrix's (lib/service_matrix.py): beyond them a figure is a typo.
MAX_CSMS = 100_000.0  # headcount of one tier's team
MAX_COST_PER_HOUR = 100_000.0  # cost of one CSM hour, in the data's currency

# The default team is sized so its tier's load fills at most 95% of it: the first picture is not
# all red, and a few accounts more do not tip it over.
DEFAULT_UTILISATION = 0.95


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


# ---------------------------------------------------------------------------------------------
# A load against a team's hours, and the simple plan the app started with.


class _Load(Protocol):
    @property
    def hours_needed(self) -> float: ...

    @property
    def hours_available(self) -> float: ...

    @property
    def csms_needed(self) -> float: ...  # fractional


class LoadMeasures:
    """What a load says against its team's hours, the same for TierLoad and TierCapacity."""

    @property
    def utilisation(self: _Load) -> float:
        """Hours needed over hours available (inf when work has no team, 0 when neither)."""
        return utilisation(self.hours_needed, self.hours_available)

    @property
    def is_over_capacity(self: _Load) -> bool:
        return self.hours_needed > self.hours_available

    @property
    def csms_to_hire(self: _Load) -> int:
        """The whole headcount the load takes (not the gap to today's team)."""
        return whole_csms(self.csms_needed)


@dataclass(frozen=True)
class TeamPlan:
    """Who serves each tier and how much time each account takes, tiers from the top down."""

    hours_per_account: tuple[float, ...]
    csms: tuple[float, ...]  # headcount per tier (fractions allowed: shared CSMs)
    hours_per_csm: float = DEFAULT_HOURS_PER_CSM


@dataclass(frozen=True)
class TierLoad(LoadMeasures):
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


def utilisation(needed: float, available: float) -> float:
    """Hours needed over hours available (inf when work has no one to do it, 0 when neither)."""
    if available > 0:
        return needed / available
    return math.inf if needed > 0 else 0.0


def whole_csms(fractional: float) -> int:
    """The whole headcount a fractional one takes."""
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


def default_csms(summary: TierSummary, hours_per_account: Sequence[float]) -> tuple[float, ...]:
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
    return TeamPlan(hours_per_account=hours, csms=default_csms(summary, hours))
