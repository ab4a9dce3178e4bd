"""lib.capacity: hours the tiers need against the hours the team has."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.capacity import (
    DEFAULT_HOURS_PER_ACCOUNT,
    DEFAULT_HOURS_PER_CSM,
    TeamPlan,
    TierLoad,
    default_plan,
    tier_loads,
)
from lib.errors import InputError
from lib.tiering import TierIndex, summarize


def summary_with_counts(*counts: int):
    """A summary whose tiers hold `counts` customers, top first (values 1000, 999, ...)."""
    values = [1000.0 - t for t, n in enumerate(counts) for _ in range(n)]
    cuts = [1000.0 - t for t in range(len(counts) - 1)]
    summary = summarize(TierIndex.from_values(values), cuts)
    assert [tier.customers for tier in summary.tiers] == list(counts)
    return summary


def load(needed: float, available: float, csms_needed: float = 0.0) -> TierLoad:
    return TierLoad("Tier 1", 1, needed, available, csms_needed)


def test_hours_needed_are_accounts_times_hours_per_account():
    summary = summary_with_counts(10, 40, 200)
    plan = TeamPlan(hours_per_account=(60.0, 12.0, 2.0), csms=(1.0, 0.5, 0.0), hours_per_csm=1000.0)
    loads = tier_loads(summary, plan)
    assert [item.name for item in loads] == ["Tier 1", "Tier 2", "Tier 3"]
    assert [item.accounts for item in loads] == [10, 40, 200]
    assert [item.hours_needed for item in loads] == [600.0, 480.0, 400.0]
    assert [item.hours_available for item in loads] == [1000.0, 500.0, 0.0]
    assert [item.csms_needed for item in loads] == [0.6, 0.48, 0.4]
    assert loads[0].utilisation == pytest.approx(0.6)
    assert loads[1].utilisation == pytest.approx(0.96)
    assert [item.is_over_capacity for item in loads] == [False, False, True]


def test_over_capacity_means_strictly_above_100_percent():
    assert load(1000.0, 1000.0).utilisation == 1.0
    assert not load(1000.0, 1000.0).is_over_capacity
    assert load(1000.5, 1000.0).is_over_capacity


def test_a_tier_with_work_and_no_team_is_infinitely_over_capacity():
    empty_team = load(10.0, 0.0)
    assert empty_team.utilisation == math.inf
    assert empty_team.is_over_capacity


def test_a_tier_with_no_work_and_no_team_is_at_zero_load():
    idle = load(0.0, 0.0)
    assert idle.utilisation == 0.0
    assert not idle.is_over_capacity


@pytest.mark.parametrize(
    ("csms_needed", "to_hire"),
    [(0.0, 0), (0.2, 1), (2.0, 2), (2.01, 3), (2.0000000001, 2), (1.9999999999, 2)],
)
def test_csms_to_hire_rounds_up_but_ignores_float_noise(csms_needed, to_hire):
    assert load(0.0, 0.0, csms_needed).csms_to_hire == to_hire


def test_float_noise_in_the_hours_does_not_add_a_csm():
    # 0.1 + 0.2 hours per account over 11,000 accounts is 3,300.0000000000005 hours: 3 CSMs.
    summary = summary_with_counts(11_000, 0)
    plan = TeamPlan(hours_per_account=(0.1 + 0.2, 1.0), csms=(3.0, 0.0), hours_per_csm=1100.0)
    (top, _) = tier_loads(summary, plan)
    assert top.csms_needed > 3.0
    assert top.csms_to_hire == 3


@pytest.mark.parametrize(
    "plan",
    [
        TeamPlan(hours_per_account=(1.0, 2.0), csms=(1.0, 1.0, 1.0)),
        TeamPlan(hours_per_account=(1.0, 2.0, 3.0), csms=(1.0, 1.0)),
    ],
)
def test_a_plan_needs_one_entry_per_tier(plan):
    with pytest.raises(ValueError, match="one entry per tier"):
        tier_loads(summary_with_counts(1, 2, 3), plan)


@pytest.mark.parametrize("hours_per_csm", [0.0, -10.0, float("nan")])
def test_a_plan_without_positive_hours_per_csm_is_refused_with_a_message(hours_per_csm):
    plan = TeamPlan(hours_per_account=(60.0, 0.0), csms=(1.0, 0.0), hours_per_csm=hours_per_csm)
    with pytest.raises(InputError, match="Hours per CSM must be above zero"):
        tier_loads(summary_with_counts(3, 2), plan)


@given(
    st.lists(st.floats(-1e4, 1e7), min_size=0, max_size=300),
    st.lists(st.floats(-1e4, 1e7), min_size=1, max_size=4),
)
def test_the_default_plan_keeps_every_tier_within_capacity(values, cuts):
    summary = summarize(TierIndex.from_values(values), cuts)
    plan = default_plan(summary)
    assert plan.hours_per_account == DEFAULT_HOURS_PER_ACCOUNT[len(summary.tiers)]
    assert plan.hours_per_csm == DEFAULT_HOURS_PER_CSM
    for tier, item in zip(summary.tiers, tier_loads(summary, plan), strict=True):
        assert item.utilisation <= 1.0
        assert not item.is_over_capacity
        assert (item.hours_available == 0) == (tier.customers == 0)


def test_the_default_plan_is_whole_csms():
    plan = default_plan(summary_with_counts(300, 1200, 3500))
    assert all(csms == int(csms) for csms in plan.csms)
    assert plan.csms == (18.0, 14.0, 7.0)  # 16.4, 13.1 and 6.4 CSMs of work, +5%
