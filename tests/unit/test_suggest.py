"""lib.suggest: cut-offs that hit revenue-share targets, and the app's default cut-offs."""

import math
from collections.abc import Iterator
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.errors import InputError
from lib.sample import SAMPLE_PATH
from lib.scales import is_round
from lib.store import CustomerStore
from lib.suggest import DEFAULT_TARGET_SHARES, cuts_for_revenue_shares, default_cuts
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
    store = CustomerStore.from_csv(SAMPLE_PATH)
    yield store.index
    store.close()


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
