"""Capacity under a slice: each tier's hours available are the slice's share of its team.

The defect: with "Enterprise only", each tier's hours were compared with its whole team
("Tier 3 26 h needed of 8,800 h", "every tier fits") while the banner said every figure covers
the slice only.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import views
from lib.capacity import Plan, slice_team_shares, tier_capacity
from lib.service_matrix import ServiceMatrix
from lib.team import Team
from lib.tiering import TierIndex, summarize
from tests.visible import visible_text


def summary_with_counts(*counts: int):
    """A summary whose tiers hold `counts` customers, top first (values 1000, 999, ...)."""
    values = [1000.0 - t for t, n in enumerate(counts) for _ in range(n)]
    cuts = [1000.0 - t for t in range(len(counts) - 1)]
    summary = summarize(TierIndex.from_values(values), cuts)
    assert [tier.customers for tier in summary.tiers] == list(counts)
    return summary


@given(
    st.lists(
        st.tuples(st.floats(1, 1e6, allow_nan=False), st.integers(0, 3)), min_size=1, max_size=60
    ),
    st.lists(st.floats(1, 1e6, allow_nan=False), min_size=2, max_size=2),
    st.lists(st.floats(0, 40), min_size=3, max_size=3),
)
def test_the_slice_capacities_of_a_partition_of_the_base_add_up_to_the_whole_team(
    rows, cuts, csms
) -> None:
    values, groups = [v for v, _ in rows], [g for _, g in rows]
    whole = summarize(TierIndex.from_values(values), cuts)
    parts = [
        summarize(TierIndex.from_values([v for v, k in rows if k == g]), cuts)
        for g in sorted(set(groups))
    ]
    plan = Plan(ServiceMatrix.default(3), tuple(Team(csms=n) for n in csms))
    team = [t.hours_available for t in tier_capacity(whole, plan)]
    by_slice = [tier_capacity(part, plan, whole=whole) for part in parts]
    for tier in range(3):
        total = math.fsum(caps[tier].hours_available for caps in by_slice)
        assert math.isclose(total, team[tier], rel_tol=1e-9, abs_tol=1e-9)


def test_a_representative_slice_has_the_whole_teams_load() -> None:
    # Each customer twice over: the slice (one of each pair) is half of each tier.
    values = [float(v) for v in range(1, 201)]
    whole = summarize(TierIndex.from_values(values * 2), [150, 50])
    half = summarize(TierIndex.from_values(values), [150, 50])
    plan = Plan(ServiceMatrix.default(3), (Team(csms=3), Team(csms=1), Team(csms=1)))
    everyone = tier_capacity(whole, plan)
    sliced = tier_capacity(half, plan, whole=whole)
    assert slice_team_shares(half, whole) == (0.5, 0.5, 0.5)
    for a, b in zip(everyone, sliced, strict=True):
        assert math.isclose(a.utilisation, b.utilisation)
        assert math.isclose(b.hours_available, a.hours_available / 2)
        assert b.is_slice_share and not a.is_slice_share
        assert b.team_hours == a.team_hours
        assert b.accounts_per_csm == pytest.approx(a.accounts_per_csm)


def test_a_slice_never_gets_the_whole_team_of_a_tier_it_barely_touches() -> None:
    whole = summary_with_counts(10, 100, 1000)
    part = summary_with_counts(10, 5, 13)
    plan = Plan(ServiceMatrix.default(3), (Team(csms=2), Team(csms=2), Team(csms=8)))
    _, middle, tail = tier_capacity(part, plan, whole=whole)
    assert tail.hours_available == pytest.approx(8 * 1100 * 13 / 1000)
    assert middle.hours_available == pytest.approx(2 * 1100 * 5 / 100)
    shown = visible_text(views.load_html(tier_capacity(part, plan, whole=whole)))
    assert "26 h needed of 114 h (this slice's 1.3% of the team's 8,800 h)" in shown
    assert "26 h needed of 8,800 h\n" not in shown
    assert "Under a slice, each tier's hours available are the slice's share" in shown
    table = visible_text(
        views.capacity_table_html(tier_capacity(part, plan, whole=whole), (0, 0, 0))
    )
    assert "Hours available (slice's share)" in table


def test_the_whole_base_keeps_the_whole_teams_words() -> None:
    whole = summary_with_counts(10, 100, 1000)
    plan = Plan(ServiceMatrix.default(3), (Team(csms=2), Team(csms=2), Team(csms=8)))
    caps = tier_capacity(whole, plan, whole=whole)  # the whole base as its own "slice"
    assert not any(c.is_slice_share for c in caps)
    shown = visible_text(views.load_html(caps))
    assert "share" not in shown


@given(
    st.lists(st.tuples(st.floats(1, 1e6, allow_nan=False), st.booleans()), min_size=1, max_size=60),
    st.lists(st.floats(1, 1e6, allow_nan=False), min_size=2, max_size=2),
    st.lists(st.floats(0.5, 40), min_size=3, max_size=3),
)
def test_a_slice_has_no_team_of_its_own_its_load_is_its_tiers_load(rows, cuts, csms) -> None:
    values = [v for v, _ in rows]
    mine = [v for v, kept in rows if kept]
    if not mine:
        return
    whole = summarize(TierIndex.from_values(values), cuts)
    part = summarize(TierIndex.from_values(mine), cuts)
    plan = Plan(ServiceMatrix.default(3), tuple(Team(csms=n) for n in csms))
    for everyone, sliced in zip(
        tier_capacity(whole, plan), tier_capacity(part, plan, whole=whole), strict=True
    ):
        if sliced.accounts:
            assert math.isclose(sliced.utilisation, everyone.utilisation, rel_tol=1e-9)
            assert sliced.is_over_capacity == everyone.is_over_capacity
