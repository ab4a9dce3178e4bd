"""lib.planning: which customers figures and teams are computed on, the cut-offs and plan a
view starts from (issue 14: these rules left ui/state.py and ui/plan.py)."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import planning, suggest
from lib.capacity import Plan
from lib.criteria import REVENUE_ONLY, Criteria
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.scenario import cut_bounds
from lib.slices import EVERYTHING, Slice
from lib.tiering import summarize

EMEA = Slice.of({"region": ["EMEA"]})
NPS = Criteria.score({"nps": 1.0})


@functools.cache
def sample_dataset() -> Dataset:
    return Dataset.from_file(SAMPLE_PATH)


@pytest.fixture
def sample() -> Dataset:
    return sample_dataset()


@pytest.fixture(scope="module")
def bare() -> Dataset:
    """Ids and revenue only: no score component but revenue."""
    return Dataset.from_file(b"customer_id,annual_revenue\na,100\nb,50\nc,5\n", "bare.csv")


def test_a_score_the_data_cannot_support_falls_back_to_revenue_and_says_why(bare) -> None:
    index, why = planning.tier_index(bare, EVERYTHING, NPS)
    assert index.key != "score"
    assert why is not None and why.endswith("Tiering by revenue meanwhile.")
    assert planning.in_effect(index, NPS) == REVENUE_ONLY


def test_a_supported_score_is_the_index_in_use(sample) -> None:
    index, why = planning.tier_index(sample, EMEA, NPS)
    assert why is None and index.key == "score"
    assert planning.in_effect(index, NPS) == NPS
    assert index.customers == sample.index_for(EMEA, NPS).customers


def test_the_whole_base_is_only_asked_for_under_a_slice(sample) -> None:
    assert planning.whole_index(sample, EVERYTHING, REVENUE_ONLY) is None
    assert planning.whole_summary(sample, EVERYTHING, REVENUE_ONLY, (55_000,)) is None
    whole = planning.whole_index(sample, EMEA, REVENUE_ONLY)
    assert whole is not None and whole.customers == sample.index.customers


@pytest.mark.parametrize("part", [EVERYTHING, EMEA], ids=["everyone", "a slice"])
def test_the_default_plan_is_sized_on_the_whole_base_whatever_the_slice(sample, part) -> None:
    cuts = planning.starting_cuts(sample, part, REVENUE_ONLY, 3)
    expected = Plan.default_for(summarize(sample.index, cuts))
    assert planning.default_plan(sample, REVENUE_ONLY, cuts) == expected


@given(tiers=st.integers(2, 5))
def test_starting_cut_offs_are_the_suggested_ones_within_their_bounds(tiers: int) -> None:
    dataset = sample_dataset()
    cuts = planning.starting_cuts(dataset, EVERYTHING, REVENUE_ONLY, tiers)
    assert cuts == suggest.default_cuts(dataset.index, tiers)
    low, high = cut_bounds(False)
    assert len(cuts) == tiers - 1 and all(low <= cut <= high for cut in cuts)


def test_under_a_slice_each_tier_has_its_share_of_the_team(sample) -> None:
    index = sample.index_for(EMEA, REVENUE_ONLY)
    summary = summarize(index, (55_000, 20_000))
    plan = planning.default_plan(sample, REVENUE_ONLY, summary.cuts)
    sliced = planning.capacities(sample, index, summary, plan, part=EMEA, criteria=REVENUE_ONLY)
    whole = planning.capacities(
        sample, sample.index, summarize(sample.index, summary.cuts), plan,
        part=EVERYTHING, criteria=REVENUE_ONLY,
    )  # fmt: skip
    assert all(c.is_slice_share for c in sliced) and not any(c.is_slice_share for c in whole)
    for part, everyone in zip(sliced, whole, strict=True):
        assert part.hours_available <= everyone.hours_available


def test_teams_are_fitted_on_the_whole_base_under_a_slice(sample) -> None:
    plan = planning.default_plan(sample, REVENUE_ONLY, (55_000, 20_000))
    index = sample.index_for(EMEA, REVENUE_ONLY)
    on_whole, _ = planning.fit_teams(index, plan, whole=sample.index)
    assert on_whole == planning.fit_teams(sample.index, plan)[0]
    hours, available = plan.matrix.hours_per_account(), plan.hours_available()
    assert on_whole == suggest.cuts_to_fit_teams(sample.index, hours, available)
