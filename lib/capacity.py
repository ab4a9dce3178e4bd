"""CSM load per tier: hours the tiers need against the hours the team has."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lib.errors import InputError
from lib.tiering import TierSummary

# Productive (customer-facing) hours a CSM has in a year: ~1,650 working hours, of which about a
# third goes to admin and internal work (PRODUCT.md's practitioner figures).
DEFAULT_HOURS_PER_CSM = 1100.0

# Hours per account per year, by number of tiers, top first: a high-touch account takes ~60-75 h
# (onboarding, check-ins, QBRs, renewal); a tech-touch account ~1 h a quarter of pooled time.
DEFAULT_HOURS_PER_ACCOUNT: dict[int, tuple[float, ...]] = {
    2: (40.0, 3.0),
    3: (60.0, 12.0, 2.0),
    4: (75.0, 25.0, 8.0, 2.0),
    5: (90.0, 40.0, 15.0, 5.0, 1.0),
}


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

    @property
    def utilisation(self) -> float:
        """Hours needed over hours available (inf when work has no one to do it)."""
        if self.hours_available > 0:
            return self.hours_needed / self.hours_available
        return math.inf if self.hours_needed > 0 else 0.0

    @property
    def is_over_capacity(self) -> bool:
        return self.hours_needed > self.hours_available

    @property
    def csms_to_hire(self) -> int:
        return math.ceil(round(self.csms_needed, 9))


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


def default_plan(summary: TierSummary) -> TeamPlan:
    """A starting plan: practice hours per account, and a team just big enough for `summary`.

    The headcount is a starting point sized to the default cut-offs (so the first picture is
    not all red); people then type in their real team.
    """
    hours = DEFAULT_HOURS_PER_ACCOUNT[len(summary.tiers)]
    csms = tuple(
        float(math.ceil(tier.customers * h / DEFAULT_HOURS_PER_CSM / 0.95))
        for tier, h in zip(summary.tiers, hours, strict=True)
    )
    return TeamPlan(hours_per_account=hours, csms=csms)
