"""lib.formatting: figures as people read them."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.formatting import count, cut_label, money, money_exact, percent


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "$0"),
        (950, "$950"),
        (999, "$999"),
        (999.6, "$1K"),
        (1000, "$1K"),
        (12.5, "$12.5"),
        (48_500, "$48.5K"),
        (123_456, "$123K"),
        (999_950, "$1M"),
        (1_234_567, "$1.2M"),
        (2.5e9, "$2.5B"),
        (-3_400, "-$3.4K"),
        (-950, "-$950"),
    ],
)
def test_money_is_compact_with_at_most_one_decimal(value, text):
    assert money(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_money_shows_a_dash_for_non_finite_values(value):
    assert money(value) == "—"
    assert money_exact(value) == "—"


def test_money_takes_another_currency_symbol():
    assert money(1_234_567, "€") == "€1.2M"
    assert money_exact(1_234, "£") == "£1,234"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "$0"), (1_234_567, "$1,234,567"), (55_010.4, "$55,010"), (-1_234.4, "-$1,234")],
)
def test_money_exact_shows_whole_units_with_separators(value, text):
    assert money_exact(value) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0, "0%"),
        (0.0004, "<0.1%"),
        (-0.0004, ">-0.1%"),
        (0.004, "0.4%"),
        (0.042, "4.2%"),
        (0.42, "42%"),
        (0.09996, "10%"),
        (1.0, "100%"),
        (math.nan, "—"),
    ],
)
def test_percent_has_the_precision_the_share_deserves(share, text):
    assert percent(share) == text


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (5_000, "5,000"), (1_234_567, "1,234,567")])
def test_count_uses_thousands_separators(value, text):
    assert count(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (55_000, "$55K"),
        (55_010, "$55,010"),
        (1_200_000, "$1.2M"),
        (123_456, "$123,456"),
        (950, "$950"),
        (0, "$0"),
        (-20_000, "-$20K"),
    ],
)
def test_cut_label_is_compact_for_round_figures_and_exact_otherwise(value, text):
    assert cut_label(value) == text


@given(st.integers(-(10**12), 10**12), st.integers(-(10**12), 10**12))
def test_different_whole_number_cut_offs_never_share_a_label(a, b):
    assume(a != b)
    assert cut_label(float(a)) != cut_label(float(b))


@given(st.integers(-(10**12), 10**12))
def test_a_cut_label_is_a_money_label(value):
    label = cut_label(float(value))
    assert label.lstrip("-").startswith("$")
    assert label.startswith("-") == (value < 0)


def test_money_takes_numpy_floats_and_rounds_halves_up():
    import numpy as np

    assert money(np.float64(1250.0)) == "$1.3K"
    assert money(np.float64(1350.0)) == "$1.4K"
    assert money(np.float64(0.15) * 1000) == "$150"
