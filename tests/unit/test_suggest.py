"""lib.suggest: cut-offs from revenue-share targets, a cap, the team's capacity; explanations."""

import math
from collections.abc import Iterator
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.capacity import Plan, tier_capacity
from lib.dataset import Dataset
from lib.errors import InputError
from lib.sample import SAMPLE_PATH
from lib.scales import is_round
from lib.service_matrix import Service, ServiceMatrix
from lib.suggest import (
    DEFAULT_TARGET_SHARES,
    cuts_for_revenue_shares,
    cuts_to_fit_teams,
    default_cuts,
    explain,
    for_shares,
)
from lib.team import Team
from lib.tiering import TierIndex, summarize

FINITE = st.floats(-1e6, 1e9, allow_nan=False, allow_infinity=False)
CENTS = st.integers(-(10**6), 10**11).map(lambda cents: cents / 100)
SMALL_WHOLE = st.integers(-3, 12).map(float)
VALUES = st.one_of(
    st.lists(FINITE, min_size=1, max_size=300),
    st.lists(CENTS, min_size=1, max_size=300),
    st.lists(SMALL_WHOLE, min_size=1, max_size=300),
)
TARGETS = st.lists(st.floats(0, 1), min_size=1, max_size=4)


@pytest.fixture(scope="module")
def sample_index() -> Iterator[TierIndex]:
    dataset = Dataset.from_csv(SAMPLE_PATH)
    yield dataset.index
    dataset.close()


def share_at_or_above(values: list[float], cut: float, total: float) -> float:
    return math.fsum(value for value in values if value >= cut) / total


@given(VALUES, TARGETS)
def test_every_suggested_cut_is_one_of_the_values(values, targets):
    cuts = cuts_for_revenue_shares(TierIndex.from_values(values), targets)
    assert len(cuts) == len(targets)
    assert set(cuts) <= set(values)


@given(VALUES, TARGETS)
def test_later_cuts_are_at_or_below_earlier_ones(values, targets):
    cuts = cuts_for_revenue_shares(TierIndex.from_values(values), targets)
    assert list(cuts) == sorted(cuts, reverse=True)


@given(VALUES, st.floats(0, 1))
def test_tier_1_share_is_never_farther_from_the_target_than_any_other_value(values, target):
    index = TierIndex.from_values(values)
    total = index.total_revenue
    scale = math.fsum(abs(value) for value in values)
    assume(abs(total) > 1e-6 * scale)
    (cut,) = cuts_for_revenue_shares(index, [target])
    chosen = abs(share_at_or_above(values, cut, total) - target)
    tolerance = 1e-9 * scale / abs(total)
    for candidate in set(values):
        assert chosen <= abs(share_at_or_above(values, candidate, total) - target) + tolerance


def test_ties_go_to_the_higher_cut_off():
    # 4 alone is 50% of revenue, 4 and the 2s are 100%: both 25 points from a 75% target.
    assert cuts_for_revenue_shares(TierIndex.from_values([4.0, 2.0, 2.0]), [0.75]) == (4.0,)


def test_with_zero_total_revenue_the_highest_value_is_the_cut():
    assert cuts_for_revenue_shares(TierIndex.from_values([0.0, 5.0, -5.0]), [0.4]) == (5.0,)


def test_each_later_cut_aims_at_its_own_tiers_share():
    index = TierIndex.from_values([40.0, 30.0, 20.0, 10.0])
    assert cuts_for_revenue_shares(index, [0.4, 0.3]) == (40.0, 30.0)
    assert cuts_for_revenue_shares(index, [0.4, 0.3, 0.2]) == (40.0, 30.0, 20.0)


@pytest.mark.parametrize("targets", [[], [0.1, 0.1, 0.1, 0.1, 0.1]])
def test_zero_or_five_targets_raise_input_error(targets):
    with pytest.raises(InputError, match="target shares"):
        cuts_for_revenue_shares(TierIndex.from_values([1.0, 2.0]), targets)


def test_no_customers_raises_input_error():
    with pytest.raises(InputError, match="no customers"):
        cuts_for_revenue_shares(TierIndex.from_values([]), [0.4])


def test_default_cuts_on_the_sample_give_the_classic_three_tier_shape(sample_index):
    summary = summarize(sample_index, default_cuts(sample_index, 3))
    top, middle, _ = summary.tiers
    assert 0.35 <= top.revenue_share <= 0.45
    assert top.customer_share < 0.10
    assert 0.25 <= middle.revenue_share <= 0.35


@pytest.mark.parametrize("tiers", [2, 3, 4, 5])
def test_default_cuts_are_strictly_descending_and_round(sample_index, tiers):
    cuts = default_cuts(sample_index, tiers)
    assert len(cuts) == tiers - 1 == len(DEFAULT_TARGET_SHARES[tiers])
    assert all(high > low for high, low in pairwise(cuts))
    assert all(is_round(cut) for cut in cuts)


def test_default_cuts_stay_exact_where_rounding_would_merge_them():
    # The exact cuts, 1,040 and 1,020, would both round to 1,000.
    index = TierIndex.from_values([1040.0, 1020.0, 600.0])
    assert cuts_for_revenue_shares(index, DEFAULT_TARGET_SHARES[3]) == (1040.0, 1020.0)
    assert default_cuts(index, 3) == (1040.0, 1020.0)


# ---------------------------------------------------------------------------------------------
# A cap on Tier 1's share of customers.

CAPS = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]))


def customer_share_at_or_above(values: list[float], cut: float) -> float:
    return sum(1 for value in values if value >= cut) / len(values)


@given(VALUES, CAPS)
def test_with_a_cap_tier_1_holds_at_most_that_share_of_customers(values, cap):
    index = TierIndex.from_values(values)
    (cut,) = cuts_for_revenue_shares(index, [0.4], max_top_customer_share=cap)
    assert summarize(index, [cut]).tiers[0].customer_share <= cap
    assert cut in values or cut == math.nextafter(max(values), math.inf)


@given(VALUES, st.floats(0, 1), CAPS)
def test_with_a_cap_no_value_within_the_cap_is_closer_to_the_target(values, target, cap):
    index = TierIndex.from_values(values)
    total = index.total_revenue
    scale = math.fsum(abs(value) for value in values)
    assume(abs(total) > 1e-6 * scale)
    (cut,) = cuts_for_revenue_shares(index, [target], max_top_customer_share=cap)
    within = [c for c in set(values) if customer_share_at_or_above(values, c) <= cap]
    if not within:
        assert cut > max(values)
        return
    chosen = abs(share_at_or_above(values, cut, total) - target)
    tolerance = 1e-9 * scale / abs(total)
    for candidate in within:
        assert chosen <= abs(share_at_or_above(values, candidate, total) - target) + tolerance


@given(VALUES, TARGETS)
def test_a_cap_of_everyone_changes_nothing(values, targets):
    index = TierIndex.from_values(values)
    uncapped = cuts_for_revenue_shares(index, targets)
    assert cuts_for_revenue_shares(index, targets, max_top_customer_share=1.0) == uncapped
    assert cuts_for_revenue_shares(index, targets, max_top_customer_share=None) == uncapped


def test_a_cap_moves_tier_1_up_when_the_target_would_take_too_many_customers():
    # Ten customers: 60% of revenue comes closest with the top three (30% of customers).
    index = TierIndex.from_values([30.0, 15.0, 10.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    assert cuts_for_revenue_shares(index, [0.6]) == (10.0,)
    assert cuts_for_revenue_shares(index, [0.6], max_top_customer_share=0.2) == (15.0,)


def test_a_cap_below_the_largest_customers_leaves_tier_1_empty():
    index = TierIndex.from_values([9.0, 9.0, 1.0, 1.0])  # the two 9s are 50% of customers
    (cut, lower) = cuts_for_revenue_shares(index, [0.4, 0.3], max_top_customer_share=0.25)
    assert cut == math.nextafter(9.0, math.inf)
    assert summarize(index, [cut, lower]).tiers[0].customers == 0
    assert lower == 9.0  # Tier 2 then aims for its own 30%, among all customers


@pytest.mark.parametrize("cap", [-0.1, math.nan, math.inf])
def test_a_bad_cap_raises_input_error(cap):
    with pytest.raises(InputError, match="cap on Tier 1"):
        cuts_for_revenue_shares(TierIndex.from_values([1.0]), [0.4], max_top_customer_share=cap)


# ---------------------------------------------------------------------------------------------
# Fit the team.

HOURS_PER_ACCOUNT = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 12.0, 60.0, 0.1 + 0.2]), st.floats(0, 100)
)
HOURS_AVAILABLE = st.one_of(st.integers(0, 60).map(float), st.floats(0, 2000))


@st.composite
def teams(draw) -> tuple[list[float], list[float]]:
    tiers = draw(st.integers(2, 5))
    hours = [draw(HOURS_PER_ACCOUNT) for _ in range(tiers)]
    available = [draw(HOURS_AVAILABLE) for _ in range(tiers)]
    return hours, available


def accounts_between(values: list[float], low: float, high: float) -> int:
    return sum(1 for value in values if low <= value < high)


def ceilings(values: list[float], cuts: tuple[float, ...]) -> list[float]:
    """The cut-off above each tier that has one (just above the largest value for Tier 1)."""
    return [math.nextafter(max(values), math.inf), *cuts[:-1]]


@given(VALUES, teams())
def test_fitted_cuts_are_customer_values_in_order(values, team):
    cuts = cuts_to_fit_teams(TierIndex.from_values(values), *team)
    assert len(cuts) == len(team[0]) - 1
    assert list(cuts) == sorted(cuts, reverse=True)
    assert set(cuts) <= {*values, math.nextafter(max(values), math.inf)}


@given(VALUES, teams())
def test_fit_the_team_never_overloads_a_team(values, team):
    hours, available = team
    cuts = cuts_to_fit_teams(TierIndex.from_values(values), hours, available)
    for t, (cut, ceiling) in enumerate(zip(cuts, ceilings(values, cuts), strict=True)):
        assert accounts_between(values, cut, ceiling) * hours[t] <= available[t]
    summary = summarize(TierIndex.from_values(values), cuts)
    plan = Plan(
        matrix=ServiceMatrix(services=(Service("All"),), hours=(tuple(hours),)),
        teams=tuple(Team(csms=a, hours_per_csm=1.0) for a in available),
    )
    for capacity in tier_capacity(summary, plan)[:-1]:
        assert not capacity.is_over_capacity


@given(VALUES, teams())
def test_lowering_any_fitted_cut_one_value_would_overload_its_team(values, team):
    hours, available = team
    cuts = cuts_to_fit_teams(TierIndex.from_values(values), hours, available)
    for t, (cut, ceiling) in enumerate(zip(cuts, ceilings(values, cuts), strict=True)):
        lower = [value for value in values if value < cut]
        if lower:
            assert accounts_between(values, max(lower), ceiling) * hours[t] > available[t]


@given(VALUES, teams())
def test_fitted_cuts_match_a_brute_force_search(values, team):
    hours, available = team
    expected = []
    ceiling = math.nextafter(max(values), math.inf)
    for h, a in zip(hours[:-1], available[:-1], strict=True):
        fitting = [
            c
            for c in {*values, ceiling}
            if c <= ceiling and accounts_between(values, c, ceiling) * h <= a
        ]
        ceiling = min(fitting)
        expected.append(ceiling)
    assert cuts_to_fit_teams(TierIndex.from_values(values), hours, available) == tuple(expected)


def test_customers_with_equal_values_are_never_split():
    # Room for three accounts: 10 and the three 5s would be four, so the 5s all stay out.
    index = TierIndex.from_values([10.0, 5.0, 5.0, 5.0, 1.0])
    assert cuts_to_fit_teams(index, [1.0, 1.0], [3.0, 0.0]) == (10.0,)
    assert cuts_to_fit_teams(index, [1.0, 1.0], [4.0, 0.0]) == (5.0,)


def test_each_lower_tier_fits_its_own_team_below_the_tier_above():
    index = TierIndex.from_values([float(v) for v in range(1, 101)])  # 1..100
    # Tier 1: 5 accounts × 60 h in 300 h; Tier 2: 25 accounts × 12 h in 300 h.
    assert cuts_to_fit_teams(index, [60.0, 12.0, 2.0], [300.0, 300.0, 0.0]) == (96.0, 71.0)


def test_a_team_of_nobody_leaves_its_tier_empty():
    index = TierIndex.from_values([1.0, 2.0, 3.0])
    top, middle = cuts_to_fit_teams(index, [60.0, 12.0, 2.0], [0.0, 24.0, 0.0])
    assert top == math.nextafter(3.0, math.inf)
    assert middle == 2.0
    assert summarize(index, [top, middle]).tiers[0].customers == 0


def test_zero_hours_per_account_fit_any_number_of_accounts():
    index = TierIndex.from_values([1.0, 2.0, 3.0])
    assert cuts_to_fit_teams(index, [0.0, 1.0], [0.0, 0.0]) == (1.0,)


def test_float_noise_never_puts_a_fitted_tier_over_capacity():
    # 11,000 accounts × (0.1 + 0.2) h is 3,300.0000000000005 h: over 3,300, so one fewer fits.
    index = TierIndex.from_values([float(v) for v in range(12_000)])
    (cut,) = cuts_to_fit_teams(index, [0.1 + 0.2, 1.0], [3300.0, 0.0])
    assert index.count_at_or_above(cut) == 10_999


@pytest.mark.parametrize(
    ("hours", "available", "message"),
    [
        ([1.0], [1.0], "hours for 2 to 5 tiers"),
        ([1.0, 1.0], [1.0], "same tiers"),
        ([1.0, -1.0], [1.0, 1.0], "zero or more"),
        ([1.0, 1.0], [math.nan, 1.0], "zero or more"),
    ],
)
def test_bad_team_hours_raise_input_error(hours, available, message):
    with pytest.raises(InputError, match=message):
        cuts_to_fit_teams(TierIndex.from_values([1.0]), hours, available)


def test_fitting_without_customers_raises_input_error():
    with pytest.raises(InputError, match="no customers"):
        cuts_to_fit_teams(TierIndex.from_values([]), [1.0, 1.0], [1.0, 1.0])


# ---------------------------------------------------------------------------------------------
# Explanations.


def test_a_target_met_exactly_is_said_plainly():
    index = TierIndex.from_values([40.0, 30.0, 20.0, 10.0])
    explanation = explain(index, (40.0, 30.0), targets=(0.4, 0.3))
    assert explanation.sentences == (
        "Tier 1: 40% of revenue (target 40%).",
        "Tier 2: 30% of revenue (target 30%).",
    )
    assert str(explanation) == "\n".join(explanation.sentences)


def test_a_target_missed_says_it_is_the_closest_a_cut_off_can_get():
    index = TierIndex.from_values([40.0, 30.0, 20.0, 10.0])
    cuts = cuts_for_revenue_shares(index, (0.35, 0.25))
    assert explain(index, cuts, targets=(0.35, 0.25)).sentences == (
        "Tier 1: 40% of revenue (target 35%) — the closest a cut-off can get, since revenue "
        "comes in whole customers.",
        "Tier 2: 30% of revenue (target 25%) — the closest a cut-off can get below Tier 1's.",
    )


def test_cut_offs_moved_by_hand_are_not_called_the_closest():
    index = TierIndex.from_values([40.0, 30.0, 20.0, 10.0])
    assert explain(index, (30.0,), targets=(0.35,)).sentences == (
        "Tier 1: 70% of revenue (target 35%).",
    )


def test_the_cap_is_explained_with_what_it_changed():
    index = TierIndex.from_values([30.0, 15.0, 10.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    cuts = cuts_for_revenue_shares(index, [0.6], max_top_customer_share=0.2)
    assert explain(index, cuts, targets=[0.6], max_top_customer_share=0.2).sentences == (
        "Tier 1: 50% of revenue (target 60%) — the closest the 20% cap on customers allows.",
        "Tier 1 holds 20% of customers (cap 20%). Without the cap it would hold 30% of customers "
        "and 61% of revenue.",
    )


def test_a_cap_that_does_not_bind_is_just_stated():
    index = TierIndex.from_values([float(v) for v in range(1, 1001)])
    cuts = cuts_for_revenue_shares(index, [0.1], max_top_customer_share=0.1)
    (_, cap) = explain(index, cuts, targets=[0.1], max_top_customer_share=0.1).sentences
    assert cap == "Tier 1 holds 5.1% of customers (cap 10%)."


def test_an_empty_tier_1_under_the_cap_says_why():
    index = TierIndex.from_values([9.0, 9.0, 1.0, 1.0])
    cuts = cuts_for_revenue_shares(index, [0.4], max_top_customer_share=0.25)
    assert explain(index, cuts, max_top_customer_share=0.25).sentences == (
        "Tier 1 is empty: the largest customers alone would be 50% of customers, over the 25% cap.",
    )


def test_fit_the_team_is_explained_tier_by_tier():
    index = TierIndex.from_values([float(v) for v in range(1, 101)])
    hours, available = [60.0, 12.0, 2.0], [330.0, 300.0, 100.0]
    cuts = cuts_to_fit_teams(index, hours, available)
    explanation = explain(index, cuts, hours_per_account=hours, hours_available=available)
    assert explanation.sentences == (
        "Tier 1 fits its team: 300 h needed of 330 h; one more customer step down would need "
        "360 h.",
        "Tier 2 fits its team: 300 h needed of 300 h; one more customer step down would need "
        "312 h.",
        "Tier 3 takes the rest: 140 h needed of 100 h — over its team's capacity.",
    )


def test_a_tier_left_empty_for_lack_of_a_team_says_why():
    index = TierIndex.from_values([5.0, 5.0, 1.0])
    hours, available = [60.0, 12.0], [100.0, 1000.0]
    cuts = cuts_to_fit_teams(index, hours, available)
    (top, rest) = explain(index, cuts, hours_per_account=hours, hours_available=available).sentences
    assert top == (
        "Tier 1 is empty: its team has 100 h, and even the next 2 customers (tied) down would "
        "need 120 h."
    )
    assert rest == "Tier 2 takes the rest: 36 h needed of 1,000 h."


def test_a_tier_over_capacity_after_a_slider_move_is_called_out():
    index = TierIndex.from_values([float(v) for v in range(1, 101)])
    sentences = explain(
        index, (50.0,), hours_per_account=[60.0, 1.0], hours_available=[600.0, 49.0]
    )
    assert sentences.sentences == (
        "Tier 1 is over its team's capacity: 3,060 h needed of 600 h.",
        "Tier 2 takes the rest: 49 h needed of 49 h.",
    )


def test_equally_close_candidates_go_to_the_higher_cut_off_despite_float_noise():
    # Tier 2 at 30 holds 30% and at 20 holds 50%: both 10 points from 40%; float arithmetic
    # makes them differ in the 17th digit, which must not decide.
    index = TierIndex.from_values([40.0, 30.0, 20.0, 10.0])
    assert cuts_for_revenue_shares(index, (0.35, 0.4)) == (40.0, 30.0)


@given(values=st.lists(CENTS, min_size=1, max_size=40), cap=st.none() | st.floats(0.05, 1))
def test_a_suggestion_for_shares_is_those_cut_offs_and_their_explanation(values, cap):
    index = TierIndex.from_values(values)
    cuts, why = for_shares(index, [0.4, 0.3], cap)
    assert cuts == cuts_for_revenue_shares(index, [0.4, 0.3], max_top_customer_share=cap)
    assert why == explain(index, cuts, targets=[0.4, 0.3], max_top_customer_share=cap)
