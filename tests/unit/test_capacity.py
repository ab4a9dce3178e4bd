"""lib.capacity: the service matrix, teams, plan files, load, cost and margin per tier."""

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.capacity import (
    MAX_PLAN_FILE_MB,
    Plan,
    plan_file_roster,
    tier_capacity,
    unprofitable_threshold,
)
from lib.errors import InputError
from lib.service_matrix import (
    DEFAULT_HOURS_PER_ACCOUNT,
    DEFAULT_SERVICES,
    MAX_HOURS_PER_YEAR,
    Service,
    ServiceMatrix,
)
from lib.team import (
    DEFAULT_COST_PER_HOUR,
    DEFAULT_HOURS_PER_CSM,
    Team,
    TeamPlan,
    TierLoad,
    default_plan,
    tier_loads,
)
from lib.tiering import TierIndex, summarize


def summary_with_counts(*counts: int):
    """A summary whose tiers hold `counts` customers, top first (values 1000, 999, ...)."""
    values = [1000.0 - t for t, n in enumerate(counts) for _ in range(n)]
    cuts = [1000.0 - t for t in range(len(counts) - 1)]
    summary = summarize(TierIndex.from_values(values), cuts)
    assert [tier.customers for tier in summary.tiers] == list(counts)
    return summary


def load(needed: float, available: float, csms_needed: float = 0.0) -> TierLoad:
    return TierLoad("Tier 1", 1, needed, available, csms_needed)


def test_hours_needed_are_accounts_times_hours_per_account():
    summary = summary_with_counts(10, 40, 200)
    plan = TeamPlan(hours_per_account=(60.0, 12.0, 2.0), csms=(1.0, 0.5, 0.0), hours_per_csm=1000.0)
    loads = tier_loads(summary, plan)
    assert [item.name for item in loads] == ["Tier 1", "Tier 2", "Tier 3"]
    assert [item.accounts for item in loads] == [10, 40, 200]
    assert [item.hours_needed for item in loads] == [600.0, 480.0, 400.0]
    assert [item.hours_available for item in loads] == [1000.0, 500.0, 0.0]
    assert [item.csms_needed for item in loads] == [0.6, 0.48, 0.4]
    assert loads[0].utilisation == pytest.approx(0.6)
    assert loads[1].utilisation == pytest.approx(0.96)
    assert [item.is_over_capacity for item in loads] == [False, False, True]


def test_over_capacity_means_strictly_above_100_percent():
    assert load(1000.0, 1000.0).utilisation == 1.0
    assert not load(1000.0, 1000.0).is_over_capacity
    assert load(1000.5, 1000.0).is_over_capacity


def test_a_tier_with_work_and_no_team_is_infinitely_over_capacity():
    empty_team = load(10.0, 0.0)
    assert empty_team.utilisation == math.inf
    assert empty_team.is_over_capacity


def test_a_tier_with_no_work_and_no_team_is_at_zero_load():
    idle = load(0.0, 0.0)
    assert idle.utilisation == 0.0
    assert not idle.is_over_capacity


@pytest.mark.parametrize(
    ("csms_needed", "to_hire"),
    [(0.0, 0), (0.2, 1), (2.0, 2), (2.01, 3), (2.0000000001, 2), (1.9999999999, 2)],
)
def test_csms_to_hire_rounds_up_but_ignores_float_noise(csms_needed, to_hire):
    assert load(0.0, 0.0, csms_needed).csms_to_hire == to_hire


def test_float_noise_in_the_hours_does_not_add_a_csm():
    # 0.1 + 0.2 hours per account over 11,000 accounts is 3,300.0000000000005 hours: 3 CSMs.
    summary = summary_with_counts(11_000, 0)
    plan = TeamPlan(hours_per_account=(0.1 + 0.2, 1.0), csms=(3.0, 0.0), hours_per_csm=1100.0)
    (top, _) = tier_loads(summary, plan)
    assert top.csms_needed > 3.0
    assert top.csms_to_hire == 3


@pytest.mark.parametrize(
    "plan",
    [
        TeamPlan(hours_per_account=(1.0, 2.0), csms=(1.0, 1.0, 1.0)),
        TeamPlan(hours_per_account=(1.0, 2.0, 3.0), csms=(1.0, 1.0)),
    ],
)
def test_a_plan_needs_one_entry_per_tier(plan):
    with pytest.raises(ValueError, match="one entry per tier"):
        tier_loads(summary_with_counts(1, 2, 3), plan)


@pytest.mark.parametrize("hours_per_csm", [0.0, -10.0, float("nan")])
def test_a_plan_without_positive_hours_per_csm_is_refused_with_a_message(hours_per_csm):
    plan = TeamPlan(hours_per_account=(60.0, 0.0), csms=(1.0, 0.0), hours_per_csm=hours_per_csm)
    with pytest.raises(InputError, match="Hours per CSM must be above zero"):
        tier_loads(summary_with_counts(3, 2), plan)


@given(
    st.lists(st.floats(-1e4, 1e7), min_size=0, max_size=300),
    st.lists(st.floats(-1e4, 1e7), min_size=1, max_size=4),
)
def test_the_default_plan_keeps_every_tier_within_capacity(values, cuts):
    summary = summarize(TierIndex.from_values(values), cuts)
    plan = default_plan(summary)
    assert plan.hours_per_account == DEFAULT_HOURS_PER_ACCOUNT[len(summary.tiers)]
    assert plan.hours_per_csm == DEFAULT_HOURS_PER_CSM
    for tier, item in zip(summary.tiers, tier_loads(summary, plan), strict=True):
        assert item.utilisation <= 1.0
        assert not item.is_over_capacity
        assert (item.hours_available == 0) == (tier.customers == 0)


def test_the_default_plan_is_whole_csms():
    plan = default_plan(summary_with_counts(300, 1200, 3500))
    assert all(csms == int(csms) for csms in plan.csms)
    assert plan.csms == (18.0, 14.0, 7.0)  # 16.4, 13.1 and 6.4 CSMs of work, +5%


# ---------------------------------------------------------------------------------------------
# The service matrix.

HOURS = st.one_of(
    st.integers(0, 200).map(float),
    st.floats(0, MAX_HOURS_PER_YEAR, allow_nan=False, allow_infinity=False),
)
NAMES = st.text(min_size=1, max_size=20).filter(str.strip)


@st.composite
def matrices(draw, tiers: int | None = None) -> ServiceMatrix:
    tier_count = tiers or draw(st.integers(2, 5))
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    services = tuple(Service(name, draw(st.text(max_size=30))) for name in names)
    hours = tuple(tuple(draw(HOURS) for _ in range(tier_count)) for _ in names)
    return ServiceMatrix(services=services, hours=hours)


@st.composite
def plans(draw, shared_hours_per_csm: bool = False) -> Plan:
    matrix = draw(matrices())
    hours_per_csm = st.floats(0, 5000, exclude_min=True)
    shared = draw(hours_per_csm)
    teams = tuple(
        Team(
            csms=draw(st.one_of(st.integers(0, 40).map(float), st.floats(0, 1e4))),
            hours_per_csm=shared if shared_hours_per_csm else draw(hours_per_csm),
            cost_per_hour=draw(st.floats(0, 1000)),
        )
        for _ in range(matrix.tier_count)
    )
    return Plan(matrix=matrix, teams=teams)


def test_the_three_tier_default_matrix_adds_up_to_todays_hours_per_account():
    assert ServiceMatrix.default(3).hours_per_account() == (60.0, 12.0, 2.0)


@pytest.mark.parametrize("tiers", [2, 3, 4, 5])
def test_every_default_matrix_adds_up_to_the_default_hours_per_account(tiers):
    matrix = ServiceMatrix.default(tiers)
    assert matrix.tier_count == tiers
    assert matrix.hours_per_account() == DEFAULT_HOURS_PER_ACCOUNT[tiers]
    assert matrix.services == DEFAULT_SERVICES


@pytest.mark.parametrize("tiers", [2, 3, 4, 5])
def test_default_matrices_follow_the_practice(tiers):
    matrix = ServiceMatrix.default(tiers)
    per_account = matrix.hours_per_account()
    # Each tier down gets less time per account; the top is high-touch, the tail pooled.
    assert list(per_account) == sorted(per_account, reverse=True)
    assert len(set(per_account)) == tiers
    assert 40 <= per_account[0] <= 90
    assert per_account[-1] <= 3
    row = dict(zip((service.name for service in matrix.services), matrix.hours, strict=True))
    assert row["Named CSM"][0] > 0 and row["Named CSM"][-1] == 0
    assert row["QBR"][0] > 0 and row["QBR"][-1] == 0
    assert row["Webinars"][-1] > 0 and row["Office hours"][-1] > 0


def test_the_catalogue_lists_the_services_practitioners_name():
    names = {service.name for service in DEFAULT_SERVICES}
    assert len(names) == len(DEFAULT_SERVICES) >= 10
    assert {"Named CSM", "Onboarding", "QBR", "Executive sponsor", "Renewal"} <= names
    assert all(service.description for service in DEFAULT_SERVICES)


@pytest.mark.parametrize("tiers", [1, 6])
def test_a_default_matrix_needs_two_to_five_tiers(tiers):
    with pytest.raises(InputError, match="between 2 and 5 tiers"):
        ServiceMatrix.default(tiers)


def test_hours_per_account_are_the_column_sums():
    matrix = ServiceMatrix(
        services=(Service("A"), Service("B")), hours=((1.0, 2.0, 0.0), (0.5, 0.25, 3.0))
    )
    assert matrix.hours_per_account() == (1.5, 2.25, 3.0)


def test_a_matrix_keeps_its_hours_as_tuples_of_floats():
    matrix = ServiceMatrix(services=(Service("A"),), hours=([1, 2],))  # type: ignore[arg-type]
    assert matrix.hours == ((1.0, 2.0),)
    assert matrix == ServiceMatrix(services=(Service("A"),), hours=((1.0, 2.0),))


@pytest.mark.parametrize(
    ("services", "hours", "message"),
    [
        ((), (), "at least one service"),
        ((Service("A"),), ((1.0, -2.0),), r'"A" in Tier 2 cannot be negative'),
        ((Service("A"),), ((1.0, math.inf),), r'"A" in Tier 2 must be a finite number'),
        ((Service("A"),), ((math.nan, 1.0),), r'"A" in Tier 1 must be a finite number'),
        ((Service("A"), Service("A")), ((1.0, 1.0), (1.0, 1.0)), '"A" is listed twice'),
        ((Service(" "),), ((1.0, 1.0),), "needs a name"),
        ((Service("A"), Service("B")), ((1.0, 1.0), (1.0, 1.0, 1.0)), '"B" has 3 figures'),
        ((Service("A"),), ((1.0,),), "between 2 and 5 tiers"),
    ],
)
def test_a_bad_matrix_is_refused_with_a_sentence(services, hours, message):
    with pytest.raises(InputError, match=message):
        ServiceMatrix(services=services, hours=hours)


# ---------------------------------------------------------------------------------------------
# The matrix as an editable table.


def test_the_table_has_one_row_per_service_and_one_column_per_tier():
    frame = ServiceMatrix.default(3).to_frame()
    assert list(frame.columns) == ["Tier 1", "Tier 2", "Tier 3"]
    assert list(frame.index) == [service.name for service in DEFAULT_SERVICES]
    assert frame.loc["QBR", "Tier 1"] == 16.0
    assert frame.sum().tolist() == [60.0, 12.0, 2.0]


@given(matrices())
def test_a_matrix_survives_the_table_round_trip(matrix):
    assert ServiceMatrix.from_frame(matrix.to_frame(), matrix.services) == matrix


def test_an_edited_table_changes_the_hours_per_account():
    frame = ServiceMatrix.default(3).to_frame()
    frame.loc["QBR", "Tier 2"] = 10.0
    assert ServiceMatrix.from_frame(frame).hours_per_account() == (60.0, 18.0, 2.0)


def test_empty_cells_count_as_zero_hours_and_text_numbers_are_read():
    frame = pd.DataFrame(
        {"Tier 1": [None, " 2.5 "], "Tier 2": [math.nan, ""]},
        index=pd.Index(["QBR", "Renewal"], name="Service"),
        dtype=object,
    )
    matrix = ServiceMatrix.from_frame(frame)
    assert matrix.hours == ((0.0, 0.0), (2.5, 0.0))
    assert [service.name for service in matrix.services] == ["QBR", "Renewal"]


def test_the_table_may_list_tiers_in_any_order():
    frame = ServiceMatrix.default(2).to_frame()
    assert ServiceMatrix.from_frame(frame[["Tier 2", "Tier 1"]]) == ServiceMatrix.default(2)


def _frame(cells: dict[str, list], rows: list) -> pd.DataFrame:
    return pd.DataFrame(cells, index=pd.Index(rows, name="Service"), dtype=object)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_frame({"Tier 1": [1.0], "Tier 2": [-1.0]}, ["QBR"]), '"QBR" in Tier 2 cannot be neg'),
        (_frame({"Tier 1": [1.0], "Tier 2": [math.inf]}, ["QBR"]), "must be a finite number"),
        (_frame({"Tier 1": [1.0], "Tier 2": ["lots"]}, ["QBR"]), 'must be a number; got "lots"'),
        (_frame({"Tier 1": [1.0], "Notes": [1.0]}, ["QBR"]), 'has a column "Notes"'),
        (_frame({"Tier 1": [1.0], "Tier 3": [1.0]}, ["QBR"]), '"Tier 1" to "Tier 2"'),
        (_frame({"Tier 1": [1.0]}, ["QBR"]), "between 2 and 5 tiers"),
        (_frame({"Tier 1": [1.0], "Tier 2": [1.0]}, ["Yoga"]), 'a row "Yoga", which is not'),
        (_frame({"Tier 1": [1.0], "Tier 2": [1.0]}, [None]), "needs the name of a service"),
        (_frame({"Tier 1": [1, 2], "Tier 2": [1, 2]}, ["QBR", "QBR"]), '"QBR" is listed twice'),
    ],
)
def test_a_bad_table_is_refused_with_a_sentence(frame, message):
    with pytest.raises(InputError, match=message):
        ServiceMatrix.from_frame(frame)


# ---------------------------------------------------------------------------------------------
# Changing the number of tiers.


def _custom(tiers: int) -> ServiceMatrix:
    """The default matrix plus a service of the user's own, every cell typed in by hand."""
    default = ServiceMatrix.default(tiers)
    return ServiceMatrix(
        services=(*default.services, Service("Site visits")),
        hours=(
            *(tuple(h + 100 for h in row) for row in default.hours),
            tuple(float(t) for t in range(1, tiers + 1)),
        ),
    )


def test_growing_keeps_the_top_tiers_and_the_tail_and_adds_defaults_between():
    grown = _custom(3).with_tier_count(4)
    typed, default = _custom(3).to_frame(), ServiceMatrix.default(4).to_frame()
    frame = grown.to_frame()
    assert frame["Tier 1"].equals(typed["Tier 1"])
    assert frame["Tier 2"].equals(typed["Tier 2"])
    assert frame["Tier 4"].equals(typed["Tier 3"])  # the tail stays the tail
    assert frame["Tier 3"].drop("Site visits").equals(default["Tier 3"])
    assert frame.loc["Site visits", "Tier 3"] == 0.0  # not in the catalogue: no default


def test_shrinking_keeps_the_top_tiers_and_the_tail():
    frame = _custom(4).with_tier_count(3).to_frame()
    typed = _custom(4).to_frame()
    assert frame["Tier 1"].equals(typed["Tier 1"])
    assert frame["Tier 2"].equals(typed["Tier 2"])
    assert frame["Tier 3"].equals(typed["Tier 4"])


@given(matrices(), st.integers(2, 5))
def test_growing_then_shrinking_back_loses_nothing(matrix, tiers):
    assume(tiers >= matrix.tier_count)
    assert matrix.with_tier_count(tiers).with_tier_count(matrix.tier_count) == matrix


@given(st.integers(2, 5), st.integers(2, 5))
def test_a_default_matrix_resized_keeps_its_services(tiers, new_tiers):
    resized = ServiceMatrix.default(tiers).with_tier_count(new_tiers)
    assert resized.tier_count == new_tiers
    assert resized.services == DEFAULT_SERVICES


# ---------------------------------------------------------------------------------------------
# Teams and plans.


def test_the_default_cost_per_hour_is_a_loaded_csm_over_working_hours():
    assert DEFAULT_COST_PER_HOUR == 110.0
    assert abs(DEFAULT_COST_PER_HOUR - 180_000 / 1_650) < 1
    assert Team() == Team(csms=0.0, hours_per_csm=1100.0, cost_per_hour=110.0)


@pytest.mark.parametrize(
    ("team", "message"),
    [
        ({"csms": -1.0}, "headcount must be zero or more"),
        ({"csms": math.nan}, "headcount must be zero or more"),
        ({"hours_per_csm": 0.0}, "Hours per CSM must be above zero"),
        ({"hours_per_csm": math.inf}, "Hours per CSM must be above zero"),
        ({"cost_per_hour": -5.0}, "Cost per hour must be zero or more"),
    ],
)
def test_a_bad_team_is_refused_with_a_sentence(team, message):
    with pytest.raises(InputError, match=message):
        Team(**team)


def test_a_plan_needs_one_team_per_tier():
    with pytest.raises(InputError, match="2 teams for 3 tiers"):
        Plan(matrix=ServiceMatrix.default(3), teams=(Team(), Team()))


@given(
    st.lists(st.floats(-1e4, 1e7), min_size=0, max_size=300),
    st.lists(st.floats(-1e4, 1e7), min_size=1, max_size=4),
)
def test_the_default_plan_file_matches_the_default_team_plan(values, cuts):
    summary = summarize(TierIndex.from_values(values), cuts)
    plan = Plan.default_for(summary)
    assert plan.matrix == ServiceMatrix.default(len(summary.tiers))
    assert plan.to_team_plan() == default_plan(summary)


@given(plans(shared_hours_per_csm=True), st.data())
def test_the_team_plan_gives_the_same_load_figures_as_the_plan(plan, data):
    counts = data.draw(
        st.lists(st.integers(0, 5000), min_size=plan.tier_count, max_size=plan.tier_count)
    )
    summary = summary_with_counts(*counts)
    for load_, capacity in zip(
        tier_loads(summary, plan.to_team_plan()), tier_capacity(summary, plan), strict=True
    ):
        assert load_.accounts == capacity.accounts
        assert load_.hours_needed == capacity.hours_needed
        assert load_.hours_available == capacity.hours_available
        assert load_.csms_needed == capacity.csms_needed


def test_a_team_plan_of_teams_with_different_hours_keeps_the_hours_available():
    plan = Plan(
        matrix=ServiceMatrix.default(2),
        teams=(Team(csms=2.0, hours_per_csm=1000.0), Team(csms=3.0, hours_per_csm=1500.0)),
    )
    team_plan = plan.to_team_plan()
    assert team_plan.hours_per_csm == 1000.0
    assert [csms * team_plan.hours_per_csm for csms in team_plan.csms] == [2000.0, 4500.0]


def test_a_plan_resized_keeps_its_teams_by_the_matrix_rule():
    teams = (Team(csms=1.0), Team(csms=2.0), Team(csms=3.0))
    plan = Plan(matrix=ServiceMatrix.default(3), teams=teams)
    assert plan.with_tier_count(4).teams == (teams[0], teams[1], Team(), teams[2])
    assert plan.with_tier_count(2).teams == (teams[0], teams[2])
    assert plan.with_tier_count(4).matrix == plan.matrix.with_tier_count(4)


# ---------------------------------------------------------------------------------------------
# Plan files.

PLAN_FILE = """
# Our 2026 plan
[[service]]
name = "QBR"
hours = [16, 4]

[[service]]
name = "Hackathon"
description = "A day with their engineers"
hours = [8.5, 0]

[[team]]   # Tier 1
csms = 2.5
cost_per_hour = 150

[[team]]
csms = 1
hours_per_csm = 1200.0
"""


def test_a_hand_written_plan_file_is_read_with_defaults_for_what_it_leaves_out():
    plan = Plan.from_toml(PLAN_FILE)
    assert plan.matrix.services == (
        Service("QBR", ""),
        Service("Hackathon", "A day with their engineers"),
    )
    assert plan.matrix.hours_per_account() == (24.5, 4.0)
    assert plan.teams == (
        Team(csms=2.5, hours_per_csm=DEFAULT_HOURS_PER_CSM, cost_per_hour=150.0),
        Team(csms=1.0, hours_per_csm=1200.0, cost_per_hour=DEFAULT_COST_PER_HOUR),
    )


@given(
    st.lists(st.floats(0, 1e7), min_size=1, max_size=300),
    st.lists(st.floats(0, 1e7), min_size=1, max_size=4),
    st.data(),
)
def test_a_default_plan_under_any_matrix_keeps_every_tier_within_capacity(values, cuts, data):
    summary = summarize(TierIndex.from_values(values), cuts)
    matrix = data.draw(matrices(tiers=len(summary.tiers)))
    plan = Plan.default_for(summary, matrix)
    assert plan.matrix == matrix
    for load in tier_capacity(summary, plan):
        assert not load.is_over_capacity


def test_a_written_plan_file_is_documented_and_readable():
    text = Plan.default_for(summary_with_counts(100, 900, 4000)).to_toml()
    assert text.startswith("# tierboard plan")
    assert 'name = "QBR"\n' in text
    assert "hours = [16, 4, 0]  # Tier 1, Tier 2, Tier 3\n" in text
    assert "[[team]]  # Tier 1\ncsms = 6\nhours_per_csm = 1100\ncost_per_hour = 110\n" in text


@given(plans())
def test_a_plan_survives_the_toml_round_trip(plan):
    assert Plan.from_toml(plan.to_toml()) == plan


def _plan_file(services: str, teams: int = 2) -> str:
    return services + "\n[[team]]\ncsms = 1\n" * teams


GOOD_SERVICE = '[[service]]\nname = "QBR"\nhours = [1, 2]\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[service]\n", "not valid TOML"),
        ("tiers = 3\n" + _plan_file(GOOD_SERVICE), 'unknown key "tiers"'),
        (GOOD_SERVICE, r"no \[\[team\]\] tables"),
        (_plan_file(""), r"no \[\[service\]\] tables"),
        ("team = 3\n" + GOOD_SERVICE, r'"team" must be a list of \[\[team\]\] tables'),
        (_plan_file(GOOD_SERVICE, teams=1), r"1 \[\[team\]\] tables; give one per tier"),
        (_plan_file(GOOD_SERVICE.replace("[1, 2]", "[1, 2, 3, 4, 5, 6]"), 6), r"6 \[\[team\]\]"),
        (_plan_file("[[service]]\nhours = [1, 2]\n"), 'service 1 needs a "name"'),
        (_plan_file('[[service]]\nname = "QBR"\n'), '"QBR" needs "hours"'),
        (_plan_file(GOOD_SERVICE.replace("[1, 2]", "[1, 2, 3]")), '"QBR" gives 3 hours but'),
        (_plan_file(GOOD_SERVICE.replace("[1, 2]", "[1, -2]")), '"QBR" in Tier 2 cannot be neg'),
        (_plan_file(GOOD_SERVICE.replace("[1, 2]", '[1, "2"]')), "must be a number; got '2'"),
        (_plan_file(GOOD_SERVICE.replace("[1, 2]", "[1, nan]")), "must be a finite number"),
        (_plan_file(GOOD_SERVICE + "hour = 3\n"), '"QBR" has an unknown key "hour"'),
        (_plan_file(GOOD_SERVICE * 2), '"QBR" is listed twice'),
        (GOOD_SERVICE + "[[team]]\ncsms = 1\n[[team]]\nhours_per_csm = 9\n", 'Tier 2 needs "csms"'),
        (_plan_file(GOOD_SERVICE) + "cmss = 2\n", 'unknown key "cmss"'),
        (_plan_file(GOOD_SERVICE) + "hours_per_csm = 0\n", "hours per CSM must be above zero"),
        (_plan_file(GOOD_SERVICE, 1) + "[[team]]\ncsms = true\n", "must be a number; got True"),
        (
            _plan_file(GOOD_SERVICE, 1) + "[[team]]\ncsms = -1\n",
            "Tier 2: a team's headcount must be zero or more; got -1",
        ),
    ],
)
def test_a_bad_plan_file_is_refused_with_one_sentence(text, message):
    with pytest.raises(InputError, match=message) as refused:
        Plan.from_toml(text)
    assert "\n" not in str(refused.value)


# ---------------------------------------------------------------------------------------------
# Capacity, cost and margin per tier.


def _plan(hours: tuple[float, ...], *teams: Team) -> Plan:
    services = tuple(Service(f"S{t}") for t in range(len(hours)))
    rows = tuple(
        tuple(h if s == t else 0.0 for t in range(len(hours))) for s, h in enumerate(hours)
    )
    return Plan(matrix=ServiceMatrix(services=services, hours=rows), teams=teams)


def test_tier_capacity_sets_load_against_team_and_cost_against_revenue():
    index = TierIndex.from_values([1000.0] * 10 + [100.0] * 40 + [5.0] * 200)
    summary = summarize(index, [1000.0, 100.0])
    plan = _plan(
        (60.0, 12.0, 2.0),
        Team(csms=1.0, hours_per_csm=1000.0, cost_per_hour=100.0),
        Team(csms=0.5, hours_per_csm=1000.0, cost_per_hour=50.0),
        Team(csms=0.0),
    )
    top, middle, tail = tier_capacity(summary, plan, other_cost=[500.0, 0.0, 250.0])
    assert (top.tier, top.name, top.accounts, top.hours_per_account) == (1, "Tier 1", 10, 60.0)
    assert (top.hours_needed, top.hours_available) == (600.0, 1000.0)
    assert top.utilisation == pytest.approx(0.6)
    assert top.csms_needed == pytest.approx(0.6)
    assert top.csms_to_hire == 1
    assert top.accounts_per_csm == 10.0
    assert top.csm_cost == 60_000.0
    assert top.total_cost == 60_500.0
    assert top.revenue == 10_000.0
    assert top.margin == -50_500.0
    assert top.margin_share == pytest.approx(-5.05)
    assert not top.is_over_capacity

    assert middle.hours_needed == 480.0
    assert middle.accounts_per_csm == 80.0
    assert middle.csm_cost == 24_000.0
    assert middle.margin == 4000.0 - 24_000.0

    assert tail.hours_needed == 400.0
    assert tail.utilisation == math.inf
    assert tail.is_over_capacity
    assert tail.accounts_per_csm is None
    assert tail.csm_cost == 400.0 * DEFAULT_COST_PER_HOUR
    assert tail.total_cost == tail.csm_cost + 250.0


def test_without_a_cost_to_serve_column_only_csm_time_costs():
    summary = summary_with_counts(3, 7)
    (top, bottom) = tier_capacity(summary, _plan((10.0, 1.0), Team(csms=1.0), Team(csms=1.0)))
    assert top.other_cost == bottom.other_cost == 0.0
    assert top.total_cost == top.csm_cost == 30 * DEFAULT_COST_PER_HOUR


def test_a_tier_without_revenue_has_no_margin_share():
    summary = summarize(TierIndex.from_values([0.0, 0.0, 5.0]), [5.0])
    (top, bottom) = tier_capacity(summary, _plan((1.0, 1.0), Team(), Team()))
    assert top.margin_share == 1 - DEFAULT_COST_PER_HOUR / 5.0
    assert bottom.revenue == 0.0
    assert bottom.margin_share is None
    assert bottom.margin == -2 * DEFAULT_COST_PER_HOUR


def test_an_empty_tier_without_a_team_is_idle():
    summary = summarize(TierIndex.from_values([5.0, 6.0]), [10.0])
    (top, _) = tier_capacity(summary, _plan((60.0, 1.0), Team(), Team(csms=1.0)))
    assert (top.accounts, top.hours_needed, top.utilisation) == (0, 0.0, 0.0)
    assert not top.is_over_capacity
    assert top.csms_to_hire == 0


def test_csms_to_hire_in_tier_capacity_ignores_float_noise():
    summary = summary_with_counts(11_000, 0)
    plan = _plan((0.1 + 0.2, 1.0), Team(csms=3.0), Team())
    (top, _) = tier_capacity(summary, plan)
    assert top.csms_needed > 3.0
    assert top.csms_to_hire == 3


def test_fractional_csms_give_fractional_accounts_per_csm():
    (top, _) = tier_capacity(summary_with_counts(9, 1), _plan((1.0, 1.0), Team(1.5), Team(1.0)))
    assert top.accounts_per_csm == 6.0


@pytest.mark.parametrize(
    ("other_cost", "plan"),
    [
        ([1.0], _plan((1.0, 1.0), Team(), Team())),
        (None, _plan((1.0, 1.0, 1.0), Team(), Team(), Team())),
    ],
)
def test_tier_capacity_needs_one_entry_per_tier(other_cost, plan):
    with pytest.raises(ValueError, match="one entry per tier"):
        tier_capacity(summary_with_counts(1, 2), plan, other_cost)


def test_an_account_is_unprofitable_below_its_tiers_csm_cost():
    plan = _plan((60.0, 12.0), Team(cost_per_hour=100.0), Team(cost_per_hour=80.0))
    assert unprofitable_threshold(plan, 1) == 6000.0
    assert unprofitable_threshold(plan, 2) == 960.0
    with pytest.raises(ValueError, match="not one of the plan's 2 tiers"):
        unprofitable_threshold(plan, 3)


def test_the_default_plan_prices_a_top_tier_account_at_its_hours():
    plan = Plan.default_for(summary_with_counts(1, 1, 1))
    assert unprofitable_threshold(plan, 1) == 60.0 * DEFAULT_COST_PER_HOUR


def test_a_plan_file_past_the_cap_is_refused_before_it_is_parsed() -> None:
    # A valid TOML comment line repeated: without the cap the parser would read all of it.
    text = "# padding\n" * (MAX_PLAN_FILE_MB * 1024 * 1024 // 10 + 1)
    with pytest.raises(InputError, match=f"larger than {MAX_PLAN_FILE_MB} MB"):
        Plan.from_toml(text)
    assert plan_file_roster(text) is None


def test_a_plan_keeps_its_months_in_canonical_form_through_its_file() -> None:
    plan = Plan(ServiceMatrix.default(3), (Team(1),) * 3, months="dec 70%; Aug 50%")
    assert plan.months == "August 50%, December 70%"
    assert Plan.from_toml(plan.to_toml()) == plan
    assert Plan.from_toml(plan.to_toml()).month_shares()[7] == Fraction(1, 2)
    assert plan.with_tier_count(4).months == plan.months
    assert "capacity_by_month" not in Plan(ServiceMatrix.default(3), (Team(1),) * 3).to_toml()


def test_a_plan_file_whose_months_do_not_read_names_the_key() -> None:
    text = Plan(ServiceMatrix.default(3), (Team(1),) * 3).to_toml()
    with pytest.raises(InputError, match=r"capacity_by_month.*Augustus"):
        Plan.from_toml('capacity_by_month = "Augustus 50%"\n' + text)
    with pytest.raises(InputError, match="capacity_by_month is text"):
        Plan.from_toml("capacity_by_month = 50\n" + text)
