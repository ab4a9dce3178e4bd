"""Near a line: which customers sit close to a cut-off, and how far, without a division by 0."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.explain import near_boundary, near_misses, near_misses_of_runs, nearest_cut
from lib.tiering import TierIndex


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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2_000_000), min_size=0, max_size=80),
    st.lists(st.integers(1, 2_000_000), min_size=1, max_size=3, unique=True),
    st.integers(1, 25),
    st.integers(1, 30),
)
def test_the_nearest_listed_are_those_a_pass_over_every_customer_finds(
    cents, cuts, within, limit
) -> None:
    keys = np.asarray(cents, dtype=np.float64) / 100
    levels = [c / 100 for c in cuts]
    index = TierIndex.from_values(keys)
    found = near_misses(index, levels, within / 100, limit)
    # Every customer, as the page did before: the mask, the distances, a full sort.
    every = index.ascending[near_boundary(index.ascending, levels, within / 100)]
    _, distance = nearest_cut(every, levels)
    expected = sorted(zip(np.abs(distance).tolist(), every.tolist(), strict=True))[:limit]
    assert found.count == len(every)
    assert list(zip(np.abs(found.distance).tolist(), found.keys.tolist(), strict=True)) == expected
    assert (index.ascending[found.positions] == found.keys).all()


def test_near_a_line_lists_the_nearest_first_and_counts_them_all() -> None:
    index = TierIndex.from_values([100.0, 98.0, 103.0, 50.0, 51.0, 20.0, 104.9, 95.0])
    found = near_misses(index, [100.0, 50.0], 0.05, limit=3)
    assert found.count == 7  # 95, 98, 100, 103, 104.9 near 100; 50 and 51 near 50; not 20
    assert found.keys.tolist() == [50.0, 100.0, 51.0]  # 0%, 0% (the lower key first), +2%
    assert found.nearest.tolist() == [50.0, 100.0, 50.0]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.integers(-5, 400), min_size=0, max_size=300),
    st.lists(st.tuples(st.integers(0, 400), st.sampled_from([0.0, 0.5])), min_size=1, max_size=4),
    st.integers(1, 25),
    st.integers(1, 40),
)
def test_looking_only_near_each_cut_off_finds_what_every_customer_of_the_runs_gives(
    values, cuts, within, limit
) -> None:
    # Issue 15: the runs held tens of thousands of customers at 1M; when they stay apart only
    # `limit` places either side of each cut-off are looked at. Same list, same order, same
    # count, ties (many equal keys, on a cut-off or beside it) included, whichever way each
    # call goes.
    index = TierIndex.from_values(np.asarray(values, dtype=np.float64) * 7.5)
    levels = [(c + half) * 7.5 for c, half in cuts]
    found = near_misses(index, levels, within / 100, limit)
    every = near_misses_of_runs(index, levels, within / 100, limit)
    assert found.count == every.count
    for field in ("positions", "keys", "nearest", "distance"):
        assert getattr(found, field).tolist() == getattr(every, field).tolist(), field


def test_of_tied_keys_below_a_cut_off_the_lower_copies_are_listed_first() -> None:
    index = TierIndex.from_values([10.0] * 6 + [50.0])
    found = near_misses(index, [10.5, 50.0], 0.1, limit=2)
    assert found.positions.tolist() == [6, 0]  # 50 (0%), then the first copy of 10 (-4.8%)
    assert found.count == 7
