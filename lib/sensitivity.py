"""How sure the plan is: each input moved a little either way, the plan recomputed, ranked.

The inputs are the cut-offs (each ±10%), each tier's hours per account (±20%, every service of
the tier's column scaled), each team's customer-facing hours per CSM (±10%) and each team's
headcount (±1). For every input two plans are recomputed — the input low, the input high,
everything else as it is — on exactly the code path the Plan page's capacity table uses
(lib.tiering.summarize, then lib.planning.capacities), so each bar of the tornado is a direct
recomputation with the changed input, by construction.

The effect measure is the plan's **CSM gap**: over the teams, the CSMs their tiers' load needs
minus the CSMs they have (under a slice, the slice's share of each team), in CSMs; positive:
short of people, negative: spare. An input's effect is the larger of its two changes of the gap
(in absolute value); the largest effect comes first. One figure for every kind of input: a
headcount of one more or one fewer CSM moves the gap by one CSM, a Tier 1 line 10% lower moves
it by the CSMs the accounts it takes in need minus those they free in Tier 2.

Speed: every recomputation is a summary (one binary search per cut-off) and a few sums per tier:
O(tiers x inputs) binary searches, never a pass over the customers. The accounts near each
cut-off are counted by binary search too (lib.explain.near_counts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from lib import planning
from lib.cache import BoundedCache, KeptWhileAlive
from lib.capacity import Plan, TierCapacity
from lib.criteria import Criteria
from lib.dataset import Dataset
from lib.explain import near_counts
from lib.formatting import count, cut_label, hours, percent, quantity
from lib.service_matrix import MAX_HOURS_PER_YEAR, ServiceMatrix
from lib.slices import Slice
from lib.team import MAX_CSMS, whole_csms
from lib.tiering import TierIndex, TierSummary, normalize_cuts, push_cuts, summarize, tier_name

CUT_STEP = 0.10  # each cut-off ±10%
HOURS_PER_ACCOUNT_STEP = 0.20  # each tier's hours per account ±20%
HOURS_PER_CSM_STEP = 0.10  # each team's customer-facing hours per CSM ±10%
HEADCOUNT_STEP = 1.0  # each team's headcount ±1 CSM
DEFAULT_WITHIN = 0.05  # "near a line": within 5% of a cut-off
MAX_WITHIN = 0.5

Kind = Literal["cut", "hours_per_account", "hours_per_csm", "headcount"]

EFFECT_MEASURE = (
    "Effect: the change in the CSM gap, the CSMs the tiers' load needs minus the CSMs on the "
    "teams, summed over the teams (more: short of people; fewer: to spare)."
)


@dataclass(frozen=True)
class Outcome:
    """One plan's figures: tiers, load against the teams, CSMs needed."""

    cuts: tuple[float, ...]
    plan: Plan
    summary: TierSummary
    capacities: tuple[TierCapacity, ...]

    @property
    def revenue_shares(self) -> tuple[float, ...]:
        return tuple(tier.revenue_share for tier in self.summary.tiers)

    @property
    def loads(self) -> tuple[float, ...]:
        """Hours needed over hours available, per team (inf: work and no team)."""
        return tuple(c.utilisation for c in self.capacities)

    @property
    def csms_needed(self) -> tuple[float, ...]:
        """CSMs each tier's load needs, fractional."""
        return tuple(c.csms_needed for c in self.capacities)

    @property
    def gaps(self) -> tuple[float, ...]:
        """Per team: CSMs needed minus the CSMs serving these accounts (fractional)."""
        return tuple(c.csms_needed - c.hours_available / c.hours_per_csm for c in self.capacities)

    @property
    def gap(self) -> float:
        """The plan's CSM gap: the teams' gaps summed (positive: short of people)."""
        return math.fsum(self.gaps)


@dataclass(frozen=True)
class Assumption:
    """One input of the plan and the two values it is tried at."""

    kind: Kind
    tier: int  # 1-based; a cut-off's tier is the one it is the floor of (cuts[0]: Tier 1)
    base: float
    low: float
    high: float

    @property
    def step(self) -> str:
        """How far it is moved: "±10%", "±1"."""
        steps = {
            "cut": CUT_STEP,
            "hours_per_account": HOURS_PER_ACCOUNT_STEP,
            "hours_per_csm": HOURS_PER_CSM_STEP,
        }
        return "±1" if self.kind == "headcount" else f"±{steps[self.kind]:.0%}"

    def name(self) -> str:
        """What it is: "Tier 1 cut-off", "Tier 2 hours per account"."""
        words = {
            "cut": "cut-off",
            "hours_per_account": "hours per account",
            "hours_per_csm": "hours per CSM",
            "headcount": "headcount",
        }
        return f"{tier_name(self.tier)} {words[self.kind]}"

    def value_text(self, value: float, currency: str | None) -> str:
        """A value of this input as people read it: $50K, 60 h, 18 CSMs (score 72 on a score)."""
        if self.kind == "cut":
            return cut_label(value, currency) if currency is not None else f"score {value:g}"
        if self.kind == "headcount":
            return f"{quantity(value, 1)} CSM{'' if value == 1 else 's'}"
        return hours(round(value, 2))

    def phrase(self, currency: str | None) -> str:
        """The assumption in a sentence: "Tier 1's 60 hours per account"."""
        value = self.value_text(self.base, currency)
        tier = f"{tier_name(self.tier)}'s"
        if self.kind == "cut":
            return f"{tier} cut-off at {value}"
        if self.kind == "hours_per_account":
            return f"{tier} {value.removesuffix(' h')} hours per account"
        if self.kind == "hours_per_csm":
            return f"{tier} {value.removesuffix(' h')} customer-facing hours per CSM"
        return f"{tier} headcount of {value}"


@dataclass(frozen=True)
class Bar:
    """One input's two recomputations around the plan, and their effect."""

    assumption: Assumption
    low: Outcome
    high: Outcome
    base_gap: float

    @property
    def low_change(self) -> float:
        """Change of the CSM gap with the input low."""
        return self.low.gap - self.base_gap

    @property
    def high_change(self) -> float:
        return self.high.gap - self.base_gap

    @property
    def effect(self) -> float:
        """The larger of the two changes, in absolute CSMs: what the bars are ranked by."""
        return max(abs(self.low_change), abs(self.high_change))

    @property
    def worse(self) -> Literal["low", "high"]:
        """The side that leaves the plan shorter of people (ties: the low side)."""
        return "high" if self.high_change > self.low_change else "low"


@dataclass(frozen=True)
class Finding:
    """The riskiest assumption, with the figures its sentence says."""

    bar: Bar
    side: Literal["low", "high"]
    value: float  # the input at that side
    tier: int  # the tier whose team it hits hardest (1-based)
    more_csms: float  # CSMs that tier needs beyond the plan's (whole when >= 1, else fractional)
    load: float  # that tier's load at that side (hours needed over hours available)


@dataclass(frozen=True)
class Sensitivity:
    """The plan, each input's two recomputations (largest effect first), the accounts near each
    cut-off."""

    base: Outcome
    bars: tuple[Bar, ...]
    near: tuple[int, ...]  # accounts within `within` of each cut-off, top cut-off first
    within: float

    def riskiest(self) -> Finding | None:
        """The input with the largest effect, at its worse side; None when nothing moves."""
        if not self.bars or self.bars[0].effect <= 0:
            return None
        bar = self.bars[0]
        side = bar.worse
        outcome = bar.low if side == "low" else bar.high
        value = bar.assumption.low if side == "low" else bar.assumption.high
        rises = [
            after - before
            for after, before in zip(outcome.csms_needed, self.base.csms_needed, strict=True)
        ]
        if bar.assumption.kind == "headcount" or max(rises) <= 0:
            tier = bar.assumption.tier  # a headcount or hours per CSM moved: its own team
        else:
            tier = 1 + max(range(len(rises)), key=lambda t: rises[t])
        t = tier - 1
        whole = whole_csms(outcome.csms_needed[t]) - whole_csms(self.base.csms_needed[t])
        more = float(whole) if whole else rises[t]
        return Finding(bar, side, value, tier, more, outcome.loads[t])

    def sentence(self, currency: str | None = "$") -> str:
        """The riskiest assumption in words, every figure from the bars:

        "The plan's riskiest assumption is Tier 1's 60 hours per account: at 72 h Tier 1 needs
        20 CSMs, 3 more than at 60 h; its team has 18."

        (The "more" is against the plan's own need, not its headcount: a team of 18 that needs 17
        at 60 h is 2 short at 72 h, so the sentence names all three figures.)
        """
        found = self.riskiest()
        if found is None:
            return (
                "No input moved within these ranges changes how many CSMs the plan needs: "
                "the plan holds."
            )
        assumption = found.bar.assumption
        at = (
            f"with {assumption.value_text(found.value, currency)}"
            if assumption.kind == "headcount"
            else f"at {assumption.value_text(found.value, currency)}"
        )
        name = tier_name(found.tier)
        outcome = found.bar.low if found.side == "low" else found.bar.high
        if assumption.kind == "headcount" or round(found.more_csms, 1) <= 0:
            consequence = f"{name}'s team is at {load_text(found.load)} of its hours"
        else:
            t = found.tier - 1
            total = whole_csms(outcome.csms_needed[t])
            capacity = outcome.capacities[t]
            team = capacity.hours_available / capacity.hours_per_csm
            consequence = (
                f"{name} needs {count(total)} CSM{'' if total == 1 else 's'}, "
                f"{csms_text(found.more_csms)} more than at "
                f"{assumption.value_text(assumption.base, currency)}; its team has "
                f"{csms_text(round(team, 1))}"
            )
        return (
            f"The plan's riskiest assumption is {assumption.phrase(currency)}: {at} {consequence}."
        )


def load_text(load: float) -> str:
    return "no team" if math.isinf(load) else percent(load)


def csms_text(value: float) -> str:
    """3 (whole) or 0.4 (a part of one CSM)."""
    return count(value) if float(value).is_integer() else quantity(value, 1)


def _scaled_matrix(matrix: ServiceMatrix, tier: int, factor: float) -> ServiceMatrix:
    """`matrix` with every service's hours in `tier` (0-based) times `factor` (within bounds)."""
    hours = tuple(
        tuple(min(h * factor, MAX_HOURS_PER_YEAR) if t == tier else h for t, h in enumerate(row))
        for row in matrix.hours
    )
    return ServiceMatrix(services=matrix.services, hours=hours)


def _with_team(plan: Plan, tier: int, **changes: float) -> Plan:
    teams = list(plan.teams)
    teams[tier] = replace(teams[tier], **changes)
    return Plan(matrix=plan.matrix, teams=tuple(teams))


def assumptions(cuts: Sequence[float], plan: Plan) -> tuple[Assumption, ...]:
    """Every input of the plan and the two values it is tried at; inputs that cannot move
    (a cut-off or hours of 0) are left out."""
    found: list[Assumption] = []
    for i, cut in enumerate(normalize_cuts(cuts)):
        reach = CUT_STEP * abs(cut)
        found.append(Assumption("cut", i + 1, cut, cut - reach, cut + reach))
    for t, per_account in enumerate(plan.matrix.hours_per_account()):
        low = _scaled_matrix(plan.matrix, t, 1 - HOURS_PER_ACCOUNT_STEP).hours_per_account()[t]
        high = _scaled_matrix(plan.matrix, t, 1 + HOURS_PER_ACCOUNT_STEP).hours_per_account()[t]
        found.append(Assumption("hours_per_account", t + 1, per_account, low, high))
    for t, team in enumerate(plan.teams):
        base = team.hours_per_csm
        high = min(base * (1 + HOURS_PER_CSM_STEP), MAX_HOURS_PER_YEAR)
        found.append(
            Assumption("hours_per_csm", t + 1, base, base * (1 - HOURS_PER_CSM_STEP), high)
        )
    for t, team in enumerate(plan.teams):
        low = max(team.csms - HEADCOUNT_STEP, 0.0)
        high = min(team.csms + HEADCOUNT_STEP, MAX_CSMS)
        found.append(Assumption("headcount", t + 1, team.csms, low, high))
    return tuple(a for a in found if a.low != a.high)


def changed(
    cuts: Sequence[float], plan: Plan, assumption: Assumption, side: Literal["low", "high"]
) -> tuple[tuple[float, ...], Plan]:
    """The cut-offs and plan with `assumption` at its `side`, everything else as it is.

    A cut-off moves like a slider's thumb (lib.tiering.push_cuts: the others keep their order);
    hours per account scale every service of the tier alike.
    """
    ordered = normalize_cuts(cuts)
    value = assumption.low if side == "low" else assumption.high
    t = assumption.tier - 1
    if assumption.kind == "cut":
        return push_cuts(ordered, t, value), plan
    if assumption.kind == "hours_per_account":
        factor = 1 - HOURS_PER_ACCOUNT_STEP if side == "low" else 1 + HOURS_PER_ACCOUNT_STEP
        return ordered, Plan(matrix=_scaled_matrix(plan.matrix, t, factor), teams=plan.teams)
    if assumption.kind == "hours_per_csm":
        return ordered, _with_team(plan, t, hours_per_csm=value)
    return ordered, _with_team(plan, t, csms=value)


def outcome(
    dataset: Dataset,
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    *,
    part: Slice,
    criteria: Criteria,
) -> Outcome:
    """The plan's figures under `cuts`: the Plan page's own code path (summarize, capacities)."""
    summary = summarize(index, cuts)
    found = planning.capacities(dataset, index, summary, plan, part=part, criteria=criteria)
    return Outcome(summary.cuts, plan, summary, found)


def sensitivity(
    dataset: Dataset,
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    *,
    part: Slice,
    criteria: Criteria,
    within: float = DEFAULT_WITHIN,
) -> Sensitivity:
    """Every input moved either way and the plan recomputed, largest effect first; and the
    accounts within `within` (a share, 0.05 = 5%) of each cut-off. The same inputs on the same
    index give the result made before (a Sensitivity is never changed)."""
    key = (tuple(float(c) for c in cuts), plan, part, criteria, float(within))
    # An index belongs to one dataset (Dataset.index_for), as in lib/account_dates.py.
    made = _MADE.get(index, lambda: BoundedCache(KEPT))
    return made.get(
        key,
        lambda: _sensitivity(
            dataset, index, cuts, plan, part=part, criteria=criteria, within=within
        ),
    )


# What `sensitivity` made per index (kept while it lives), the last few of each: a rerun that
# changes none of its inputs (the months typed below it, coming back to the page) makes none.
KEPT = 8
_MADE: KeptWhileAlive[TierIndex, BoundedCache[tuple[object, ...], Sensitivity]] = KeptWhileAlive()


def _sensitivity(
    dataset: Dataset,
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    *,
    part: Slice,
    criteria: Criteria,
    within: float,
) -> Sensitivity:
    summaries: dict[tuple[float, ...], TierSummary] = {}

    def figures(at_cuts: Sequence[float], at_plan: Plan) -> Outcome:
        # `outcome`'s code path, a summary made once per set of cut-offs: only the cut-off
        # inputs move them, the hours and headcount inputs keep the plan's.
        if tuple(at_cuts) not in summaries:
            summaries[tuple(at_cuts)] = summarize(index, at_cuts)
        summary = summaries[tuple(at_cuts)]
        found = planning.capacities(dataset, index, summary, at_plan, part=part, criteria=criteria)
        return Outcome(summary.cuts, at_plan, summary, found)

    base = figures(cuts, plan)
    bars = []
    for assumption in assumptions(base.cuts, plan):
        low = figures(*changed(base.cuts, plan, assumption, "low"))
        high = figures(*changed(base.cuts, plan, assumption, "high"))
        bars.append(Bar(assumption, low, high, base.gap))
    ranked = sorted(bars, key=lambda bar: -bar.effect)  # stable: ties keep the inputs' order
    near = near_counts(index, base.cuts, within)
    return Sensitivity(base=base, bars=tuple(ranked), near=near, within=within)
