"""lib.natural_breaks: exact natural-break cut-offs (optimal 1-D k-means) and Jenks' fit."""

from __future__ import annotations

import gc
import math
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.errors import InputError
from lib.natural_breaks import (
    LINEAR,
    LOG,
    default_scale,
    fit_by_tiers,
    fit_sentence,
    natural_breaks,
    supported_tiers,
)
from lib.tiering import TierIndex, tier_of

# Revenue in whole cents, few enough distinct values that ties and duplicates are common;
# zeros and credits included (they have no logarithm).
CENTS = st.integers(-500, 5_000).map(lambda cents: cents / 100)
MONEY = st.one_of(
    st.lists(CENTS, min_size=1, max_size=25),
    st.lists(
        st.sampled_from([0.0, -2.5, 1.0, 3.0, 3.0, 250.0, 99_999.99]), min_size=1, max_size=25
    ),
    st.lists(st.integers(1, 10**9).map(lambda cents: cents / 100), min_size=1, max_size=25),
)
TIERS = st.integers(2, 5)
SCALES = st.sampled_from([LOG, LINEAR])


def on_scale(values: np.ndarray, scale: str) -> np.ndarray:
    return np.log(values) if scale == LOG else values


def exhaustive_optimum(x: list[float], clusters: int) -> float:
    """The least within-cluster sum of squares of sorted `x` in `clusters` contiguous groups,
    by the plain O(k·n²) dynamic programme (every split point tried)."""
    n = len(x)

    def cost(low: int, high: int) -> float:  # x[low:high]
        part = x[low:high]
        mean = math.fsum(part) / len(part)
        return math.fsum((value - mean) ** 2 for value in part)

    best = [[math.inf] * (n + 1) for _ in range(clusters + 1)]
    best[0][0] = 0.0
    for k in range(1, clusters + 1):
        for high in range(1, n + 1):
            best[k][high] = min(
                (best[k - 1][low] + cost(low, high) for low in range(k - 1, high)),
                default=math.inf,
            )
    return best[clusters][n]


def within_tiers(x: np.ndarray, tiers: np.ndarray) -> float:
    """Squared deviations of x from the mean of its tier."""
    return math.fsum(
        math.fsum((x[tiers == t] - x[tiers == t].mean()) ** 2) for t in np.unique(tiers)
    )


@given(MONEY, TIERS, SCALES)
def test_the_tiers_under_the_suggested_cuts_are_an_optimal_clustering(values, tiers, scale):
    array = np.array(values)
    fitted = array > 0 if scale == LOG else np.ones(len(array), dtype=bool)
    if not fitted.any():
        with pytest.raises(InputError, match="linear scale"):
            natural_breaks(TierIndex.from_values(values), tiers, scale)
        return
    found = natural_breaks(TierIndex.from_values(values), tiers, scale)
    assert len(found.cuts) == tiers - 1
    assert list(found.cuts) == sorted(found.cuts, reverse=True)
    assert set(found.cuts) <= set(values)  # a customer's own value: exact to the cent
    placed = tier_of(array, found.cuts, in_cents=True)
    x = on_scale(array[fitted], scale)
    distinct = len(np.unique(x))
    optimum = exhaustive_optimum(sorted(x.tolist()), min(tiers, distinct))
    achieved = within_tiers(x, placed[fitted])
    assert achieved == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    assert found.within == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    # Customers with no logarithm are in the last tier; nobody is left without a tier.
    assert (placed[~fitted] == tiers).all()
    assert found.left_out == int((~fitted).sum())
    assert found.fitted + found.left_out == len(values)
    # As many tiers hold fitted customers as the data has distinct values, up to `tiers`.
    assert len(np.unique(placed[fitted])) == min(tiers, distinct)


@given(MONEY, TIERS, SCALES)
def test_the_goodness_of_fit_is_between_0_and_1_and_1_when_every_value_is_a_tier(
    values, tiers, scale
):
    index = TierIndex.from_values(values)
    if scale == LOG and not any(value > 0 for value in values):
        return
    found = natural_breaks(index, tiers, scale)
    assert 0.0 <= found.gvf <= 1.0
    assert not math.isnan(found.gvf)
    if tiers >= found.distinct:
        assert found.gvf == 1.0
        assert found.within == 0.0


def test_the_fit_never_falls_as_tiers_are_added():
    values = np.random.default_rng(7).lognormal(9, 1.4, 2_000).round(2)
    fits = fit_by_tiers(TierIndex.from_values(values), LOG)
    gvfs = [fits[k].gvf for k in range(2, 6)]
    assert gvfs == sorted(gvfs)
    assert 0 < gvfs[0] < 1


def test_log_is_the_default_for_revenue_and_linear_for_scores():
    assert default_scale("annual_revenue") == LOG
    assert default_scale("score") == LINEAR
    revenue = TierIndex.from_values([100.0, 200.0, 5_000.0])
    assert natural_breaks(revenue, 2).scale == LOG
    score = TierIndex.from_values([10.0, 20.0, 90.0], key="score")
    assert natural_breaks(score, 2).scale == LINEAR


def test_log_follows_orders_of_magnitude_where_linear_isolates_the_largest_account():
    # Three bands a factor of ten apart; on the values themselves, $1K and $10K are both "small"
    # next to the top band, whose largest account gets a tier of its own.
    values = [1_000.0, 1_100.0, 1_200.0, 10_000.0, 11_000.0, 12_000.0]
    values += [100_000.0, 110_000.0, 120_000.0, 200_000.0]
    index = TierIndex.from_values(values)
    assert natural_breaks(index, 3, LINEAR).cuts == (200_000.0, 100_000.0)
    assert natural_breaks(index, 3, LOG).cuts == (100_000.0, 10_000.0)


def test_zero_and_credits_under_log_are_counted_placed_in_the_last_tier_and_said():
    values = [-120.0, 0.0, 0.0, 50.0, 60.0, 5_000.0, 6_000.0, 7_000.0]
    found = natural_breaks(TierIndex.from_values(values), 3, LOG)
    assert found.left_out == 3
    assert found.fitted == 5
    assert (tier_of(values, found.cuts)[:3] == 3).all()
    said = " ".join(found.sentences())
    assert "3 customers with revenue of zero or less have no logarithm" in said
    assert "placed in Tier 3" in said
    # Linear keeps them in the fit, and says nothing of the kind.
    linear = natural_breaks(TierIndex.from_values(values), 3, LINEAR)
    assert linear.left_out == 0
    assert "logarithm" not in " ".join(linear.sentences())


def test_no_value_above_zero_under_log_asks_for_the_linear_scale():
    with pytest.raises(InputError, match="choose the linear scale"):
        natural_breaks(TierIndex.from_values([0.0, -5.0]), 2, LOG)
    assert natural_breaks(TierIndex.from_values([0.0, -5.0]), 2, LINEAR).cuts == (0.0,)


def test_fewer_distinct_values_than_tiers_leaves_the_lower_tiers_empty_and_says_so():
    found = natural_breaks(TierIndex.from_values([10.0, 10.0, 300.0]), 4, LOG)
    assert found.cuts == (300.0, 10.0, 10.0)
    assert [int(t) for t in tier_of([10.0, 300.0], found.cuts)] == [2, 1]
    assert found.gvf == 1.0
    assert "only 2 distinct values above zero" in found.sentences()[-1]
    assert "Tier 3 and Tier 4 are empty" in found.sentences()[-1]


@pytest.mark.parametrize("values", [[42.0], [7.5] * 5])
def test_one_customer_or_all_equal_values_is_one_full_tier_with_a_perfect_fit(values):
    found = natural_breaks(TierIndex.from_values(values), 3)
    assert found.cuts == (values[0], values[0])
    assert (tier_of(values, found.cuts) == 1).all()
    assert found.gvf == 1.0
    assert "it is Tier 1" in found.sentences()[-1]


def test_revenue_cut_offs_are_exact_to_the_cent():
    values = [0.01, 0.02, 50_470.48, 50_470.49, 1_000_000.07]
    found = natural_breaks(TierIndex.from_values(values), 3, LINEAR)
    assert found.cuts == (1_000_000.07, 50_470.48)
    assert tier_of([50_470.48], found.cuts, in_cents=True)[0] == 2


def test_a_fit_is_made_once_per_index_and_scale():
    index = TierIndex.from_values([1.0, 2.0, 30.0, 400.0])
    assert natural_breaks(index, 3) is natural_breaks(index, 3)
    assert natural_breaks(index, 3, LINEAR) is not natural_breaks(index, 3, LOG)


def test_a_kept_fit_does_not_keep_its_index_alive():
    index = TierIndex.from_values([1.0, 2.0, 30.0, 400.0])
    natural_breaks(index, 2)
    gone = weakref.ref(index)
    del index
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize("tiers", [1, 6])
def test_tier_counts_outside_2_to_5_are_refused_in_a_sentence(tiers):
    with pytest.raises(InputError, match="between 2 and 5 tiers"):
        natural_breaks(TierIndex.from_values([1.0, 2.0]), tiers)


def test_no_customers_is_refused_in_a_sentence():
    with pytest.raises(InputError, match="no customers"):
        natural_breaks(TierIndex.from_values([]), 2)


def test_the_supported_number_of_tiers_is_where_one_more_adds_little():
    # Three tight bands: three tiers explain nearly everything, a fourth adds nothing much.
    values = [10.0, 11.0, 12.0, 1_000.0, 1_100.0, 1_200.0, 100_000.0, 110_000.0, 120_000.0]
    fits = fit_by_tiers(TierIndex.from_values(values), LOG)
    assert supported_tiers(fits) == 3
    assert fit_sentence(fits).startswith("The data supports about 3 tiers")
    smooth = np.random.default_rng(3).uniform(0, 100, 500)
    uniform = fit_by_tiers(TierIndex.from_values(smooth, key="score"), LINEAR)
    assert supported_tiers(uniform) in (3, 4, 5)
