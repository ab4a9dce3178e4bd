"""lib.tiering: the tier rule (Tier 1 from c1 up, ...), its sorted index, and the Pareto curve."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.errors import InputError
from lib.tiering import (
    TierIndex,
    cut_cents,
    normalize_cuts,
    pareto_curve,
    push_cuts,
    service_model,
    summarize,
    tier_name,
    tier_of,
)

FINITE = st.floats(-1e6, 1e9, allow_nan=False, allow_infinity=False)
CENTS = st.integers(-(10**8), 10**11).map(lambda cents: cents / 100)
SMALL_WHOLE = st.integers(-3, 12).map(float)  # many ties, and values exactly at the cut-offs
VALUES = st.one_of(
    st.lists(FINITE, max_size=300),
    st.lists(CENTS, max_size=300),
    st.lists(SMALL_WHOLE, max_size=300),
)


@st.composite
def values_and_cuts(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    """Customer values and 1..4 cut-offs, often equal to a value (ties at the cut-off)."""
    values = draw(VALUES)
    cut = st.one_of(FINITE, SMALL_WHOLE, st.sampled_from(values)) if values else FINITE
    cuts = draw(st.lists(cut, min_size=1, max_size=4))
    return values, cuts


def sum_abs(values: list[float]) -> float:
    return math.fsum(abs(value) for value in values)


def plain_tier_revenue(values: list[float], floor: float | None, ceiling: float | None) -> float:
    """A tier's revenue straight from the tier rule: floor <= value < ceiling."""
    return math.fsum(
        value
        for value in values
        if (floor is None or value >= floor) and (ceiling is None or value < ceiling)
    )


# --- The tier rule -----------------------------------------------------------------------------


def test_each_value_goes_to_the_tier_whose_floor_it_reaches():
    values = [100.0, 50.0, 49.99, 20.0, 19.99, 0.0]
    assert tier_of(values, [50, 20]).tolist() == [1, 1, 2, 2, 3, 3]
    summary = summarize(TierIndex.from_values(values), [50, 20])
    assert [tier.customers for tier in summary.tiers] == [2, 2, 2]
    assert [tier.revenue for tier in summary.tiers] == [150.0, 69.99, 19.99]


def test_a_value_exactly_at_a_cut_off_goes_to_the_higher_tier():
    index = TierIndex.from_values([10.0, 20.0, 30.0])
    summary = summarize(index, [30.0, 20.0])
    assert [tier.customers for tier in summary.tiers] == [1, 1, 1]
    assert tier_of([30.0, 20.0], [30.0, 20.0]).tolist() == [1, 2]


def test_a_tier_can_be_empty():
    summary = summarize(TierIndex.from_values([1.0, 2.0, 100.0]), [50.0, 10.0])
    middle = summary.tiers[1]
    assert (middle.customers, middle.revenue) == (0, 0.0)
    assert (middle.customer_share, middle.revenue_share) == (0.0, 0.0)


def test_equal_cut_offs_leave_the_tier_between_them_empty():
    values = [5.0, 50.0, 60.0, 100.0]
    summary = summarize(TierIndex.from_values(values), [50.0, 50.0])
    assert [tier.customers for tier in summary.tiers] == [3, 0, 1]
    assert 2 not in tier_of(values, [50.0, 50.0]).tolist()


def test_cut_offs_in_any_order_are_sorted_from_the_top_down():
    assert normalize_cuts([20, 50, 35]) == (50.0, 35.0, 20.0)
    index = TierIndex.from_values([10.0, 25.0, 40.0, 70.0])
    assert summarize(index, [20, 50, 35]) == summarize(index, [50, 35, 20])
    assert tier_of([70.0, 10.0], [20, 50]).tolist() == [1, 3]


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_one_to_four_cut_offs_make_two_to_five_tiers(count):
    cuts = [100.0 * (count - i) for i in range(count)]
    summary = summarize(TierIndex.from_values([1.0, 150.0, 250.0, 1000.0]), cuts)
    assert [tier.name for tier in summary.tiers] == [tier_name(t + 1) for t in range(count + 1)]
    assert [tier.floor for tier in summary.tiers] == [*cuts, None]
    assert [tier.ceiling for tier in summary.tiers] == [None, *cuts]


@pytest.mark.parametrize("cuts", [[], [5.0, 4.0, 3.0, 2.0, 1.0]])
def test_zero_or_five_cut_offs_raise_input_error(cuts):
    with pytest.raises(InputError, match="cut-offs"):
        normalize_cuts(cuts)
    with pytest.raises(InputError):
        summarize(TierIndex.from_values([1.0]), cuts)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_cut_offs_raise_input_error(bad):
    with pytest.raises(InputError, match="finite"):
        normalize_cuts([100.0, bad])
    with pytest.raises(InputError):
        tier_of([1.0], [bad])


@pytest.mark.parametrize("values", [[0.0, 0.0, 0.0], [5.0, -5.0]])
def test_zero_total_revenue_gives_zero_revenue_shares(values):
    summary = summarize(TierIndex.from_values(values), [1.0])
    assert summary.total_revenue == 0.0
    assert [tier.revenue_share for tier in summary.tiers] == [0.0, 0.0]
    assert math.fsum(tier.customer_share for tier in summary.tiers) == 1.0


def test_negative_revenue_credits_are_allowed_and_counted():
    index = TierIndex.from_values([-100.0, 50.0, 200.0])
    summary = summarize(index, [100.0, 0.0])
    assert summary.customers == 3
    assert summary.total_revenue == 150.0
    assert [tier.customers for tier in summary.tiers] == [1, 1, 1]
    assert summary.tiers[2].revenue == -100.0
    assert summary.tiers[2].revenue_share == pytest.approx(-100.0 / 150.0)
    assert index.min_value == -100.0


def test_an_empty_index_has_no_customers_and_empty_tiers():
    index = TierIndex.from_values([])
    assert (index.customers, index.total_revenue) == (0, 0.0)
    assert (index.min_value, index.max_value, index.min_positive_value) == (0.0, 0.0, 1.0)
    summary = summarize(index, [10.0, 5.0])
    assert summary.customers == 0
    for tier in summary.tiers:
        assert (tier.customers, tier.revenue) == (0, 0.0)
        assert (tier.customer_share, tier.revenue_share) == (0.0, 0.0)
    assert index.pareto.customer_share.tolist() == [0.0]
    assert index.pareto.revenue_share.tolist() == [0.0]


def test_an_index_refuses_non_finite_values():
    with pytest.raises(ValueError, match="finite"):
        TierIndex.from_values([1.0, math.nan])


def test_summary_as_dict_has_the_cli_shape():
    summary = summarize(TierIndex.from_values([10.0, 30.0]), [20.0])
    assert summary.as_dict() == {
        "customers": 2,
        "total_revenue": 40.0,
        "cuts": [20.0],
        "tiers": [
            {
                "name": "Tier 1",
                "customers": 1,
                "customer_share": 0.5,
                "revenue": 30.0,
                "revenue_share": 0.75,
            },
            {
                "name": "Tier 2",
                "customers": 1,
                "customer_share": 0.5,
                "revenue": 10.0,
                "revenue_share": 0.25,
            },
        ],
    }


def test_service_models_name_the_top_and_bottom_tiers():
    assert service_model(1, 3) == "High-touch"
    assert service_model(3, 3) == "Tech-touch"
    assert service_model(1, 5) == "Strategic"


# --- TierIndex arithmetic ------------------------------------------------------------------------


def test_whole_cent_values_are_summed_exactly_in_cents():
    index = TierIndex.from_values([0.1] * 10 + [0.2])
    assert index.divisor == 100.0
    assert sum([0.1] * 10) != 1.0  # what a float running sum gives
    assert index.total_revenue == 1.2
    assert index.revenue_at_or_above(0.15) == 0.2
    assert summarize(index, [0.15]).tiers[1].revenue == 1.0


@given(
    cents=st.lists(st.integers(-(10**8), 10**11), min_size=1, max_size=300),
    cut_cents=st.lists(st.integers(-(10**8), 10**11), min_size=1, max_size=4),
)
def test_tier_revenue_of_cent_values_equals_the_sum_rounded_to_the_cent(cents, cut_cents):
    values = [c / 100 for c in cents]
    index = TierIndex.from_values(values)
    assert index.divisor == 100.0
    assert index.total_revenue == round(math.fsum(values), 2)
    for tier in summarize(index, [c / 100 for c in cut_cents]).tiers:
        assert tier.revenue == round(plain_tier_revenue(values, tier.floor, tier.ceiling), 2)


def test_values_with_more_decimals_still_sum_with_divisor_one():
    values = [0.001, 1.2345, 10.0]
    index = TierIndex.from_values(values)
    assert index.divisor == 1.0
    assert index.total_revenue == pytest.approx(11.2355)
    assert summarize(index, [1.0]).tiers[0].revenue == pytest.approx(11.2345)


def test_min_positive_value_skips_zero_and_credits():
    assert TierIndex.from_values([-5.0, 0.0, 3.0, 0.5]).min_positive_value == 0.5
    assert TierIndex.from_values([-5.0, 0.0]).min_positive_value == 1.0


def test_counts_and_revenue_at_or_above_a_cut_off():
    index = TierIndex.from_values([1.0, 2.0, 2.0, 5.0])
    assert index.count_at_or_above(2.0) == 3
    assert index.revenue_at_or_above(2.0) == 9.0
    assert index.count_at_or_above(6.0) == 0
    assert index.revenue_at_or_above(6.0) == 0.0
    assert (index.min_value, index.max_value) == (1.0, 5.0)


# --- Properties ---------------------------------------------------------------------------------


@given(values_and_cuts())
def test_every_customer_is_in_exactly_one_tier(case):
    values, cuts = case
    summary = summarize(TierIndex.from_values(values), cuts)
    counts = [tier.customers for tier in summary.tiers]
    assert sum(counts) == len(values) == summary.customers
    tiers = tier_of(values, cuts)
    assert all(1 <= t <= len(counts) for t in tiers.tolist())
    assert np.bincount(tiers, minlength=len(counts) + 1)[1:].tolist() == counts


@given(values_and_cuts())
def test_customer_shares_sum_to_one(case):
    values, cuts = case
    assume(values)
    summary = summarize(TierIndex.from_values(values), cuts)
    assert math.fsum(tier.customer_share for tier in summary.tiers) == pytest.approx(1.0, abs=1e-12)


@given(values_and_cuts())
def test_revenue_shares_sum_to_one(case):
    values, cuts = case
    summary = summarize(TierIndex.from_values(values), cuts)
    assume(summary.total_revenue != 0)
    total_share = math.fsum(tier.revenue_share for tier in summary.tiers)
    # The shares are exact up to rounding on the scale of the values, not of their (possibly
    # nearly cancelling) total.
    assert abs(total_share - 1.0) * abs(summary.total_revenue) <= 1e-9 * sum_abs(values)


@given(values_and_cuts())
def test_tier_revenue_equals_a_plain_sum_over_the_rule(case):
    values, cuts = case
    summary = summarize(TierIndex.from_values(values), cuts)
    tolerance = 1e-9 * sum_abs(values) + 1e-9
    for tier in summary.tiers:
        expected = plain_tier_revenue(values, tier.floor, tier.ceiling)
        assert abs(tier.revenue - expected) <= tolerance
    array = np.asarray(values, dtype=np.float64)
    tiers = tier_of(values, cuts)
    for tier in summary.tiers:
        assert abs(tier.revenue - float(array[tiers == tier.tier].sum())) <= tolerance


@given(values_and_cuts(), st.floats(0, 1e9), st.data())
def test_raising_a_cut_never_adds_customers_above_it(case, rise, data):
    values, cuts = case
    index = TierIndex.from_values(values)
    before = normalize_cuts(cuts)
    moved = data.draw(st.integers(0, len(before) - 1))
    after = push_cuts(before, moved, before[moved] + rise)
    for old, new in zip(before, after, strict=True):
        assert index.count_at_or_above(new) <= index.count_at_or_above(old)
    tier_one = [summarize(index, cut).tiers[0].customers for cut in (before, after)]
    assert tier_one[1] <= tier_one[0]


@given(VALUES, FINITE, st.floats(0, 1e9))
def test_the_count_at_or_above_a_cut_never_grows_as_the_cut_rises(values, cut, rise):
    index = TierIndex.from_values(values)
    assert index.count_at_or_above(cut + rise) <= index.count_at_or_above(cut)
    assert index.count_at_or_above(cut) == sum(value >= cut for value in values)


@given(
    st.lists(FINITE, min_size=1, max_size=4).map(lambda cuts: sorted(cuts, reverse=True)),
    st.data(),
    FINITE,
)
def test_push_cuts_keeps_the_order_descending_and_sets_the_moved_cut_exactly(cuts, data, value):
    moved = data.draw(st.integers(0, len(cuts) - 1))
    pushed = push_cuts(cuts, moved, value)
    assert len(pushed) == len(cuts)
    assert pushed[moved] == value
    assert list(pushed) == sorted(pushed, reverse=True)
    for i, cut in enumerate(cuts):
        if i < moved:
            assert pushed[i] == max(cut, value)
        elif i > moved:
            assert pushed[i] == min(cut, value)


def test_push_cuts_lifts_the_cut_above_instead_of_swapping_tiers():
    assert push_cuts((50.0, 20.0), 1, 80.0) == (80.0, 80.0)
    assert push_cuts((50.0, 20.0, 10.0), 0, 15.0) == (15.0, 15.0, 10.0)


@given(st.lists(st.floats(0.01, 1e9), min_size=1, max_size=300))
def test_pareto_curve_rises_from_origin_to_one_one(values):
    curve = pareto_curve(TierIndex.from_values(values))
    x, y = curve.customer_share, curve.revenue_share
    assert (x[0], y[0]) == (0.0, 0.0)
    assert (x[-1], y[-1]) == (1.0, 1.0)
    assert np.all(np.diff(x) > 0)
    assert np.all(np.diff(y) >= 0)
    assert len(x) == len(y) <= 250


def test_pareto_curve_has_at_most_250_points_for_100k_customers():
    values = np.random.default_rng(7).lognormal(9, 1.2, 100_000)
    index = TierIndex.from_values(values)
    curve = index.pareto
    assert len(curve.customer_share) == len(curve.revenue_share) <= 250
    assert curve.revenue_share[-1] == 1.0
    assert index.pareto is curve  # computed once per index


def test_pareto_curve_with_zero_total_is_flat():
    curve = pareto_curve(TierIndex.from_values([0.0, 0.0, 0.0]))
    assert curve.customer_share[-1] == 1.0
    assert np.all(curve.revenue_share == 0.0)


def test_a_small_tier_stays_exact_beside_a_total_beyond_2_53_cents():
    # Ten customers at the largest revenue a file may hold ($10 trillion) and one at $1.23: the
    # total is 10**16 cents and more, past what a double holds to the cent; the sums are integer
    # cents, so the small tier's revenue is still exact.
    index = TierIndex.from_values([1e13] * 10 + [1.23, 0.01])
    assert index.divisor == 100.0
    tiers = summarize(index, [100.0]).tiers
    assert (tiers[0].customers, tiers[0].revenue) == (10, 1e14)
    assert tiers[1].revenue == 1.24


@pytest.mark.parametrize(
    ("cut", "tier"),
    [
        (50470.48, 1),  # typed: exactly the customer's revenue
        (50470.479999999996, 1),  # below it (what a float sum gives)
        (float(np.nextafter(50470.48, math.inf)), 2),  # the least double above it
        (50470.481, 2),
    ],
)
def test_a_revenue_cut_off_is_compared_in_cents_as_written(cut, tier):
    index = TierIndex.from_values([50470.48, 100.0])
    top = summarize(index, [cut]).tiers[0]
    assert (top.customers, top.revenue) == ((1, 50470.48) if tier == 1 else (0, 0.0))
    assert tier_of([50470.48], [cut], in_cents=True).tolist() == [tier]
    assert cut_cents(cut) == (5047048 if tier == 1 else 5047049)


def test_cut_cents_is_the_first_whole_cent_at_or_above_the_cut_off():
    assert cut_cents(50470.48) == 5047048
    assert cut_cents(0.1 + 0.2) == 31  # 0.30000000000000004 is above 30 cents
    assert cut_cents(-0.005) == 0
    assert cut_cents(-0.015) == -1
    assert cut_cents(1e300) == 2**63 - 1
