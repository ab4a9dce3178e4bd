"""lib.scales: nice rounding, the log-spaced slider grid, and slider stops."""

import math
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.formatting import cut_label
from lib.scales import (
    MANTISSAS,
    cut_stops,
    is_round,
    log_grid,
    nearest,
    round_significant,
    typed_cut,
)

# Bounds as they come from data: whole cents (see the xfail below for 999999999.9999999).
BOUND = st.integers(-(10**5), 10**11).map(lambda cents: cents / 100)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (55_137, 2, 55_000),
        (1_234_567, 2, 1_200_000),
        (-55_137, 2, -55_000),
        (0.012345, 2, 0.012),
        (9.96, 2, 10.0),
        (99_600, 2, 100_000),
        (999.6, 3, 1000.0),
        (48_549, 3, 48_500),
        (7, 2, 7),
        (0, 2, 0),
    ],
)
def test_round_significant_keeps_the_leading_digits(value, digits, expected):
    assert round_significant(value, digits) == expected


def test_round_significant_leaves_non_finite_values_alone():
    assert round_significant(math.inf) == math.inf
    assert math.isnan(round_significant(math.nan))


@given(st.floats(1e-3, 1e12) | st.floats(-1e12, -1e-3))
def test_round_significant_is_close_and_idempotent(value):
    rounded = round_significant(value, 2)
    assert abs(rounded - value) <= 0.05 * abs(value) * (1 + 1e-9)
    assert round_significant(rounded, 2) == rounded
    assert is_round(rounded)


def test_is_round_tells_round_figures_from_exact_ones():
    assert is_round(55_000)
    assert is_round(1_200_000)
    assert not is_round(55_010)
    assert not is_round(123_456)


@given(BOUND, BOUND)
def test_log_grid_is_strictly_increasing_and_covers_the_range(low, high):
    grid = log_grid(low, high)
    lifted_low = max(low, 1.0)
    assert grid
    assert all(a < b for a, b in pairwise(grid))
    assert grid[0] <= lifted_low
    assert grid[-1] >= max(high, lifted_low)


@given(BOUND, BOUND)
def test_log_grid_stops_are_nice_figures(low, high):
    nice = {round(m * 10**e, 6) for m in MANTISSAS for e in range(12)}
    assert set(log_grid(low, high)) <= nice


def test_log_grid_starts_at_or_below_a_low_just_under_a_power_of_ten():
    low = 999_999_999.9999999
    assert log_grid(low, 2e9)[0] <= low


def test_log_grid_lifts_non_positive_bounds_to_one():
    assert log_grid(0, 3)[0] == 1.0
    assert log_grid(-500, 3)[0] == 1.0
    assert log_grid(-500, -100) == [1.0]


def test_log_grid_of_a_single_value():
    assert log_grid(5, 5) == [5.0]
    assert log_grid(55_000, 55_000) == [55_000.0]
    grid = log_grid(1234, 1234)
    assert grid[0] <= 1234 <= grid[-1]
    assert len(grid) == 2


def test_log_grid_between_two_nice_values():
    assert log_grid(1000, 2000) == [1000, 1100, 1200, 1300, 1400, 1500, 1600, 1800, 2000]


@given(
    BOUND,
    BOUND,
    st.lists(st.integers(-(10**4), 10**9).map(float), min_size=1, max_size=4)
    | st.lists(
        st.integers(-(10**6), 10**11).map(lambda cents: cents / 100), min_size=1, max_size=4
    ),
)
def test_cut_stops_keep_every_current_value_and_never_repeat_a_label(low, high, current):
    # Two current values sharing a label ($55,010.20 and $55,010.40) cannot both be told apart.
    assume(len({cut_label(value) for value in current}) == len(set(current)))
    stops = cut_stops(low, high, current, cut_label)
    assert set(current) <= set(stops)
    labels = [cut_label(stop) for stop in stops]
    assert len(labels) == len(set(labels))
    assert stops == sorted(stops)


def test_cut_stops_keep_a_typed_value_and_drop_the_grid_stop_sharing_its_label():
    stops = cut_stops(100, 2000, [123_456.0, 950.4], cut_label)
    assert 123_456.0 in stops
    assert 950.4 in stops
    assert 950.0 not in stops  # "$950" is the typed 950.4's label now
    assert 1000.0 in stops


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1.0, 1.0), (1.04, 1.0), (1.06, 1.1), (1.05, 1.0), (0.0, 1.0), (99.0, 5.0)],
)
def test_nearest_picks_the_closest_stop_and_the_lower_on_a_tie(value, expected):
    assert nearest([1.0, 1.1, 2.0, 5.0], value) == expected


@pytest.mark.parametrize(
    ("typed", "is_score", "used"),
    [(55_000.4, False, 55_000.0), (19_999.51, False, 20_000.0),
     (62.345, True, 62.3), (62.36, True, 62.4), (0.04, True, 0.0)],
)  # fmt: skip
def test_a_typed_cut_off_is_kept_in_whole_units_or_tenths_of_a_point(typed, is_score, used):
    assert typed_cut(typed, is_score) == used
