"""lib.sensitivity: each bar of the tornado is the plan recomputed with one input changed,
the bars are ranked by effect, the sentence says the bars' own figures (issue 19, item 2)."""

from __future__ import annotations

import functools
import gc
import math
import re
import weakref
from datetime import date

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import account_dates, books, charts, monthly_load, planning, sensitivity
from lib.capacity import Plan
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.explain import near_boundary, near_counts
from lib.sample import SAMPLE_PATH
from lib.service_matrix import ServiceMatrix
from lib.slices import EVERYTHING, Slice
from lib.team import Team, whole_csms
from lib.tiering import TierIndex, push_cuts, summarize

REGIONS = ("EMEA", "APAC")


@functools.cache
def sample() -> Dataset:
    return Dataset.from_file(SAMPLE_PATH)


@functools.cache
def small() -> Dataset:
    """60 customers in two regions, revenue in whole dollars with ties, a cost to serve."""
    rng = np.random.default_rng(19)
    revenue = np.rint(rng.lognormal(9, 1.2, 60))
    revenue[:6] = revenue[6:12]  # ties
    lines = ["customer_id,annual_revenue,region,cost_to_serve"]
    for i, value in enumerate(revenue):
        lines.append(f"c{i},{value:.0f},{REGIONS[i % 2]},{(i * 37) % 900}")
    return Dataset.from_file("\n".join(lines).encode(), "small.csv")


def starting_view(dataset: Dataset) -> tuple[tuple[float, ...], Plan]:
    cuts = planning.starting_cuts(dataset, EVERYTHING, REVENUE_ONLY, 3)
    return cuts, planning.default_plan(dataset, REVENUE_ONLY, cuts)


def direct(dataset, index, cuts, plan, part) -> tuple:
    """The Plan page's capacity table for these inputs, computed as the page does."""
    summary = summarize(index, cuts)
    found = planning.capacities(dataset, index, summary, plan, part=part, criteria=REVENUE_ONLY)
    return summary, found


def gap(capacities) -> float:
    return math.fsum(c.csms_needed - c.hours_available / c.hours_per_csm for c in capacities)


def by_hand(cuts, plan: Plan, kind: str, tier: int, side: str):
    """The changed inputs, written out independently of lib.sensitivity.changed."""
    t = tier - 1
    sign = -1 if side == "low" else 1
    cuts = tuple(sorted(cuts, reverse=True))
    if kind == "cut":
        return push_cuts(cuts, t, cuts[t] + sign * 0.1 * abs(cuts[t])), plan
    teams = list(plan.teams)
    if kind == "hours_per_account":
        hours = tuple(
            tuple(h * (1 + sign * 0.2) if i == t else h for i, h in enumerate(row))
            for row in plan.matrix.hours
        )
        return cuts, Plan(ServiceMatrix(plan.matrix.services, hours), plan.teams)
    if kind == "hours_per_csm":
        team = teams[t]
        teams[t] = Team(team.csms, team.hours_per_csm * (1 + sign * 0.1), team.cost_per_hour)
    else:
        team = teams[t]
        teams[t] = Team(max(team.csms + sign, 0.0), team.hours_per_csm, team.cost_per_hour)
    return cuts, Plan(plan.matrix, tuple(teams))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tiers=st.integers(2, 5),
    cut_seeds=st.lists(st.floats(0, 1), min_size=4, max_size=4),
    csms=st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 7.0]), min_size=5, max_size=5),
    per_csm=st.lists(st.sampled_from([400.0, 1100.0, 1650.0]), min_size=5, max_size=5),
    scale=st.sampled_from([0.5, 1.0, 3.0]),
    sliced=st.booleans(),
)
def test_each_bar_is_the_plan_recomputed_with_that_input_changed(
    *, tiers, cut_seeds, csms, per_csm, scale, sliced
) -> None:
    dataset = small()
    part = Slice.of({"region": ["EMEA"]}) if sliced else EVERYTHING
    index = dataset.index_for(part, REVENUE_ONLY)
    values = dataset.index.ascending
    # Cut-offs at customers' values and between them, so ties and empty tiers come up.
    cuts = tuple(float(np.quantile(values, q)) for q in cut_seeds[: tiers - 1])
    matrix = ServiceMatrix.default(tiers)
    hours = tuple(tuple(h * scale for h in row) for row in matrix.hours)
    teams = tuple(Team(csms[t], per_csm[t]) for t in range(tiers))
    plan = Plan(ServiceMatrix(matrix.services, hours), teams)

    found = sensitivity.sensitivity(dataset, index, cuts, plan, part=part, criteria=REVENUE_ONLY)
    base_summary, base = direct(dataset, index, cuts, plan, part)
    assert found.base.capacities == base and found.base.summary == base_summary
    kinds = {(bar.assumption.kind, bar.assumption.tier) for bar in found.bars}
    expected_kinds = {("cut", t) for t in range(1, tiers) if sorted(cuts, reverse=True)[t - 1]}
    expected_kinds |= {
        (kind, t)
        for kind in ("hours_per_account", "hours_per_csm", "headcount")
        for t in range(1, tiers + 1)
    }
    assert kinds == expected_kinds
    for bar in found.bars:
        a = bar.assumption
        for side, outcome in (("low", bar.low), ("high", bar.high)):
            at_cuts, at_plan = by_hand(cuts, plan, a.kind, a.tier, side)
            summary, capacities = direct(dataset, index, at_cuts, at_plan, part)
            assert outcome.summary.tiers == summary.tiers
            assert [c.accounts for c in outcome.capacities] == [c.accounts for c in capacities]
            assert outcome.revenue_shares == tuple(t.revenue_share for t in summary.tiers)
            for mine, theirs in zip(outcome.capacities, capacities, strict=True):
                assert mine.hours_needed == pytest.approx(theirs.hours_needed, rel=1e-12)
                assert mine.hours_available == pytest.approx(theirs.hours_available, rel=1e-12)
                assert mine.csms_needed == pytest.approx(theirs.csms_needed, rel=1e-12)
            assert outcome.gap - found.base.gap == pytest.approx(
                gap(capacities) - gap(base), abs=1e-9
            )
        assert bar.effect == max(abs(bar.low_change), abs(bar.high_change))


def test_one_more_csm_on_a_team_closes_the_gap_by_one_csm() -> None:
    dataset = sample()
    cuts, plan = starting_view(dataset)
    found = sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY
    )
    headcounts = [bar for bar in found.bars if bar.assumption.kind == "headcount"]
    assert len(headcounts) == 3
    for bar in headcounts:
        assert bar.low_change == pytest.approx(1.0) and bar.high_change == pytest.approx(-1.0)


def test_twenty_percent_more_hours_per_account_need_twenty_percent_more_csms_in_that_tier():
    dataset = sample()
    cuts, plan = starting_view(dataset)
    found = sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY
    )
    for bar in found.bars:
        if bar.assumption.kind != "hours_per_account":
            continue
        t = bar.assumption.tier - 1
        before = found.base.csms_needed
        assert bar.high.csms_needed[t] == pytest.approx(before[t] * 1.2)
        assert bar.low.csms_needed[t] == pytest.approx(before[t] * 0.8)
        others = [n for i, n in enumerate(bar.high.csms_needed) if i != t]
        assert others == [n for i, n in enumerate(before) if i != t]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut_seeds=st.lists(st.floats(0, 1), min_size=1, max_size=4), scale=st.floats(0.2, 4))
def test_the_bars_come_largest_effect_first(cut_seeds, scale) -> None:
    dataset = small()
    cuts = tuple(float(np.quantile(dataset.index.ascending, q)) for q in cut_seeds)
    plan = Plan.default_for(summarize(dataset.index, cuts))
    matrix = plan.matrix
    plan = Plan(
        ServiceMatrix(matrix.services, tuple(tuple(h * scale for h in r) for r in matrix.hours)),
        plan.teams,
    )
    found = sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY
    )
    effects = [bar.effect for bar in found.bars]
    assert effects == sorted(effects, reverse=True)
    spec = charts.tornado_spec(found)
    go.Figure(spec)  # valid Plotly
    low, high = spec["data"]
    assert low["x"] == [round(bar.low_change, 3) for bar in found.bars]
    assert high["x"] == [round(bar.high_change, 3) for bar in found.bars]
    assert spec["layout"]["yaxis"]["autorange"] == "reversed"  # row 0 (largest) at the top
    finding = found.riskiest()
    if finding is not None:
        assert finding.bar is found.bars[0]


def test_the_sentence_says_the_figures_of_the_top_bar() -> None:
    dataset = sample()
    cuts, plan = starting_view(dataset)
    found = sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY
    )
    top = found.bars[0]
    assert (top.assumption.kind, top.assumption.tier) == ("hours_per_account", 1)
    sentence = found.sentence("$")
    matched = re.fullmatch(
        r"The plan's riskiest assumption is Tier 1's ([\d,.]+) hours per account: at ([\d,.]+) h "
        r"Tier 1 needs (\d+) CSMs, (\d+) more than at ([\d,.]+) h; its team has ([\d,.]+)\.",
        sentence,
    )
    assert matched, sentence
    base, at, total, more, again, team = (float(g.replace(",", "")) for g in matched.groups())
    assert base == again == top.assumption.base == 60
    assert at == top.assumption.high == pytest.approx(72)
    needed, before = top.high.csms_needed[0], found.base.csms_needed[0]
    assert more == whole_csms(needed) - whole_csms(before)
    assert total == whole_csms(needed)
    assert team == plan.teams[0].csms  # the whole base: the team's own headcount


def test_a_riskiest_headcount_says_the_load_its_team_would_carry() -> None:
    dataset = sample()
    cuts, plan = starting_view(dataset)
    # Next to nothing per account: only the headcounts move the gap.
    matrix = plan.matrix
    tiny = ServiceMatrix(
        matrix.services, tuple(tuple(h / 1000 for h in row) for row in matrix.hours)
    )
    plan = Plan(tiny, plan.teams)
    found = sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY
    )
    finding = found.riskiest()
    assert finding is not None and finding.bar.assumption.kind == "headcount"
    team = plan.teams[finding.tier - 1]
    sentence = found.sentence()
    assert sentence.startswith(
        f"The plan's riskiest assumption is Tier {finding.tier}'s headcount of "
        f"{team.csms:.0f} CSMs: with {team.csms - 1:.0f} CSMs Tier {finding.tier}'s team is at "
    )
    assert finding.load == finding.bar.low.loads[finding.tier - 1]


def test_a_cut_off_of_zero_has_only_the_customers_at_zero_near_it() -> None:
    index = TierIndex.from_values([-1.0, 0.0, 0.0, 1.0])
    assert near_counts(index, [0.0], 0.05) == (2,)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False),
            st.sampled_from([0.0, 95.0, 100.0, 105.0, 90.0, 110.0, 94.99999999999999]),
        ),
        min_size=1,
        max_size=80,
    ),
    cuts=st.lists(
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([0.0, 100.0])),
        min_size=1,
        max_size=4,
    ),
    within=st.sampled_from([0.01, 0.05, 0.1, 0.25, 0.3, 0.5]),
)
def test_near_counts_are_the_near_a_line_rule_per_cut_off(values, cuts, within) -> None:
    index = TierIndex.from_values(values)
    counted = near_counts(index, cuts, within)
    for cut, n in zip(sorted(cuts, reverse=True), counted, strict=True):
        assert n == int(near_boundary(index.ascending, [cut], within).sum())


def test_near_counts_on_the_chart_are_the_near_a_line_counts() -> None:
    dataset = sample()
    cuts, plan = starting_view(dataset)
    found = sensitivity.sensitivity(
        dataset, dataset.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY, within=0.1
    )
    labels = charts.tornado_spec(found)["layout"]["yaxis"]["ticktext"]
    for i, cut in enumerate(cuts):
        n = int(near_boundary(dataset.index.ascending, [cut], 0.1).sum())
        assert found.near[i] == n
        label = next(text for text in labels if text.startswith(f"Tier {i + 1} cut-off"))
        assert label.endswith(f"{n:,} accounts within ±10%")


def test_a_key_one_step_past_the_reach_of_a_cut_off_is_not_near_it() -> None:
    cut, within = 100.0, 0.05
    outside = [float(np.nextafter(95.0, -np.inf)), float(np.nextafter(105.0, np.inf))]
    index = TierIndex.from_values([*outside, 95.0, 100.0, 105.0])
    assert near_boundary(index.ascending, [cut], within).sum() == 3
    assert near_counts(index, [cut], within) == (3,)


def test_the_same_inputs_give_the_result_made_before_and_any_change_a_new_one() -> None:
    # Kept per index (issue 15: a rerun of the Confidence page that changes none of its inputs
    # recomputes none of its ~23 plans), and keyed by every input it reads.
    data = small()
    index = data.index_for(EVERYTHING, REVENUE_ONLY)
    cuts, plan = starting_view(data)
    inputs = {"index": index, "cuts": cuts, "plan": plan, "part": EVERYTHING, "within": 0.05}

    def found(**changed: object) -> sensitivity.Sensitivity:
        given = {**inputs, **changed}
        return sensitivity.sensitivity(
            data, given["index"], given["cuts"], given["plan"],
            part=given["part"], criteria=REVENUE_ONLY, within=given["within"],
        )  # fmt: skip

    def made_afresh(**changed: object) -> sensitivity.Sensitivity:
        given = {**inputs, **changed}
        return sensitivity._sensitivity(
            data, given["index"], given["cuts"], given["plan"],
            part=given["part"], criteria=REVENUE_ONLY, within=given["within"],
        )  # fmt: skip

    assert found() is found() and found() == made_afresh()
    teams = (*plan.teams[:-1], Team(csms=plan.teams[-1].csms + 3, hours_per_csm=1200.0))
    emea = Slice.of({"region": ["EMEA"]})
    for changed in (
        {"cuts": (cuts[0] * 1.3, *cuts[1:])},
        {"plan": Plan(plan.matrix, teams)},
        {"part": emea, "index": data.index_for(emea, REVENUE_ONLY)},
        {"within": 0.2},
    ):
        assert found(**changed) == made_afresh(**changed) != found(), changed
    assert len(sensitivity._MADE.get(index, dict)) <= sensitivity.KEPT


def test_what_is_kept_for_an_index_goes_with_it() -> None:
    # The results kept per index (sensitivity, a year's months, unprofitable counts) must not
    # hold their index: a million customers' index would then never be freed.
    data = small()
    cuts, plan = starting_view(data)
    index = TierIndex.from_values(
        data.keys(REVENUE_ONLY), columns={"profit": np.zeros(len(data.keys(REVENUE_ONLY)))}
    )
    sensitivity.sensitivity(data, index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY)
    books.unprofitable_counts(index, cuts, plan)
    year_dates = account_dates.IndexDates(account_dates.month_codes(None, None, 60), True, True)
    monthly_load.index_year(
        year_dates, books.tier_bounds(index, cuts), plan.matrix, plan.hours_available(),
        first=date(2027, 1, 1),
    )  # fmt: skip
    gone = weakref.ref(index), weakref.ref(year_dates)
    del index, year_dates
    gc.collect()
    assert [ref() for ref in gone] == [None, None]
