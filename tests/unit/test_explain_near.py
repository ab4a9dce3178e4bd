"""Near a line: which customers sit close to a cut-off, and how far, without a division by 0."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lib.explain import near_boundary, nearest_cut


def test_a_cut_off_of_zero_gives_its_customers_a_distance_of_zero_not_nan() -> None:
    keys = np.array([0.0, 0.0, 54_000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "invalid value encountered in divide" fails the test
        nearest, distance = nearest_cut(keys, [55_000.0, 0.0])
    assert nearest.tolist() == [0.0, 0.0, 55_000.0]
    assert distance.tolist() == [0.0, 0.0, -1_000 / 55_000]


@given(
    st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=50),
    st.lists(st.floats(0, 1e9), min_size=1, max_size=4),
)
def test_every_customer_near_a_line_has_a_finite_signed_distance(keys, cuts) -> None:
    values = np.asarray(keys)[near_boundary(np.asarray(keys), cuts, 0.05)]
    nearest, distance = nearest_cut(values, cuts)
    assert np.isfinite(distance).all()
    assert ((distance >= 0) == (values >= nearest)).all()  # + above its cut-off, - below
