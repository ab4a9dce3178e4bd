"""Which customers a view's figures and teams are computed on: the tier index in use, the whole
base a slice's teams serve, the cut-offs and the plan a view starts from.

One rule for every page, the share link, Compare and the meeting pack: a team serves its whole
tier, so teams are sized on the whole base's tiers, and under a slice the slice gets its share of
each team (lib.capacity.slice_team_shares).
"""

from __future__ import annotations

from collections.abc import Sequence

from lib import books, capacity, suggest
from lib.capacity import Plan, TierCapacity
from lib.criteria import REVENUE_ONLY, Criteria
from lib.dataset import Dataset
from lib.errors import InputError
from lib.scenario import bounded_cuts
from lib.slices import EVERYTHING, Slice
from lib.suggest import default_cuts
from lib.tiering import TierIndex, TierSummary, summarize


def tier_index(dataset: Dataset, part: Slice, criteria: Criteria) -> tuple[TierIndex, str | None]:
    """The index figures use: the slice keyed by the criteria; a score the data cannot support
    (no weighted component present) falls back to revenue, with a sentence saying why."""
    try:
        return dataset.index_for(part, criteria), None
    except InputError as error:
        return dataset.index_for(part, REVENUE_ONLY), f"{error} Tiering by revenue meanwhile."


def in_effect(index: TierIndex, criteria: Criteria) -> Criteria:
    """The criteria `index` is keyed by: `criteria`, or revenue when the score fell back."""
    return criteria if index.key == "score" else REVENUE_ONLY


def whole_index(dataset: Dataset, part: Slice, criteria: Criteria) -> TierIndex | None:
    """Under a slice, the whole base keyed by `criteria` (the one its teams serve); None
    without a slice."""
    if part.is_everything:
        return None
    return tier_index(dataset, EVERYTHING, criteria)[0]


def whole_summary(
    dataset: Dataset, part: Slice, criteria: Criteria, cuts: Sequence[float]
) -> TierSummary | None:
    """Under a slice, the whole base's tiers under `cuts`; None without a slice."""
    whole = whole_index(dataset, part, criteria)
    return None if whole is None else summarize(whole, cuts)


def starting_cuts(
    dataset: Dataset, part: Slice, criteria: Criteria, tier_count: int
) -> tuple[float, ...]:
    """The suggested cut-offs a view of `tier_count` tiers starts from, within their bounds.

    A slice nobody matches has nothing to suggest from: the whole base's suggestion is used
    (the page says the slice is empty and offers to clear it; a choice made meanwhile, such as
    tiering by score, must not fail)."""
    index = tier_index(dataset, part, criteria)[0]
    if index.customers == 0:
        index = tier_index(dataset, EVERYTHING, criteria)[0]
    return bounded_cuts(default_cuts(index, tier_count), criteria.is_score)


def default_plan(dataset: Dataset, criteria: Criteria, cuts: Sequence[float]) -> Plan:
    """The practice service matrix, and whole-CSM teams sized to the tiers `cuts` make on the
    whole base, whatever the slice (issue 18, defect 6: the same tier count always gets the
    same defaults, whatever was chosen before)."""
    return Plan.default_for(summarize(tier_index(dataset, EVERYTHING, criteria)[0], cuts))


def capacities(
    dataset: Dataset,
    index: TierIndex,
    summary: TierSummary,
    plan: Plan,
    *,
    part: Slice,
    criteria: Criteria,
) -> tuple[TierCapacity, ...]:
    """Load, cost and margin per tier of `summary` (the slice `part` of `index`); under a slice
    each tier's hours available are the slice's share of its team, never the whole team."""
    other_cost = books.tier_measure(index, summary.cuts, "cost_to_serve")
    whole = whole_summary(dataset, part, in_effect(index, criteria), summary.cuts)
    return capacity.tier_capacity(summary, plan, other_cost, whole)


def fit_teams(
    index: TierIndex, plan: Plan, whole: TierIndex | None = None
) -> tuple[tuple[float, ...], suggest.Explanation]:
    """Cut-offs each tier's team can carry under `plan`, and why.

    `whole`: under a slice, the whole base. Each team serves its whole tier and a slice gets its
    share pro rata, so a slice's tier fits exactly when the whole tier fits: the teams are
    fitted on the whole base.
    """
    fit_on = index if whole is None else whole
    hours, available = plan.matrix.hours_per_account(), plan.hours_available()
    cuts = suggest.cuts_to_fit_teams(fit_on, hours, available)
    why = suggest.explain(fit_on, cuts, hours_per_account=hours, hours_available=available)
    return cuts, why
