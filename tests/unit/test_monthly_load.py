"""lib.monthly_load: the year month by month, exact to the annual figures; cadences in plans."""

from __future__ import annotations

import json
import math
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import account_dates as ad
from lib import monthly_load as ml
from lib import months
from lib.books import tier_bounds
from lib.capacity import Plan, tier_capacity
from lib.cli import main
from lib.dataset import Dataset
from lib.errors import InputError
from lib.scenario import Scenario
from lib.service_matrix import CADENCES, DEFAULT_SERVICES, Service, ServiceMatrix
from lib.share_link import from_query, to_query
from lib.team import Team
from lib.tiering import TierIndex, summarize

JAN_2027 = date(2027, 1, 1)


def dates(*texts: str | None) -> np.ndarray:
    return np.array([t or "NaT" for t in texts], dtype="datetime64[D]")


def only(cadence: str, hours: float = 12.0, tiers: int = 2) -> ServiceMatrix:
    """A matrix with one service of `cadence` taking `hours` in Tier 1 (0 elsewhere)."""
    return ServiceMatrix((Service("Work", cadence=cadence),), ((hours,) + (0.0,) * (tiers - 1),))


def one_tier_year(
    cadence: str,
    renewal: np.ndarray | None,
    since: np.ndarray | None,
    hours: float = 12.0,
    first: date = JAN_2027,
) -> ml.YearLoad:
    """Every account in Tier 1 (a second, empty tier), one service of `cadence`."""
    size = len(renewal if renewal is not None else since)  # type: ignore[arg-type]
    codes = ad.month_codes(renewal, since, size)
    year_dates = ad.IndexDates(codes, renewal is not None, since is not None)
    return ml.index_year(
        year_dates,
        [(0, size), (0, 0)],
        only(cadence, hours),
        (1100.0, 1100.0),
        first=first,
    )


def month_hours(year: ml.YearLoad) -> dict[str, float]:
    return {months.month_label(m): h for m, h in zip(year.months, year.tiers[0].hours, strict=True)}


# --- where the hours land ----------------------------------------------------------------------


def test_a_customer_renewing_in_march_puts_its_renewal_hours_in_march() -> None:
    year = one_tier_year("renewal", dates("2027-03-15"), None, hours=10.0)
    assert month_hours(year) == {
        months.month_label(m): (10.0 if m.month == 3 else 0.0) for m in year.months
    }


def test_a_renewal_date_in_the_past_or_years_out_still_names_the_renewal_month() -> None:
    year = one_tier_year("renewal", dates("2024-03-01", "2031-03-31"), None, hours=10.0)
    assert month_hours(year)["Mar 2027"] == 20.0
    assert sum(year.tiers[0].hours) == 20.0


def test_the_window_starts_where_it_is_told_and_wraps_the_calendar() -> None:
    year = one_tier_year("renewal", dates("2027-03-15"), None, first=date(2026, 11, 1))
    assert [months.month_label(m) for m in year.months][:3] == ["Nov 2026", "Dec 2026", "Jan 2027"]
    assert month_hours(year)["Mar 2027"] == 12.0


def test_quarterly_work_lands_every_three_months_from_the_renewal_month() -> None:
    year = one_tier_year("quarterly", dates("2027-02-10"), None, hours=8.0)
    hours = month_hours(year)
    assert {label for label, h in hours.items() if h} == {
        "Feb 2027",
        "May 2027",
        "Aug 2027",
        "Nov 2027",
    }
    assert hours["Feb 2027"] == 2.0


def test_onboarding_spreads_over_the_90_days_from_the_start_day_across_months() -> None:
    # 15 November: 16 days of November, 31 of December, 31 of January, 12 of February.
    year = one_tier_year("onboarding", None, dates("2019-11-15"), hours=90.0)
    hours = month_hours(year)
    assert hours["Nov 2027"] == 16.0
    assert hours["Dec 2027"] == 31.0
    assert hours["Jan 2027"] == 31.0  # the start of the window: last year's onboarding
    assert hours["Feb 2027"] == 12.0
    assert sum(h for label, h in hours.items() if label[:3] not in "NovDecJanFeb") == 0


def test_a_start_on_29_february_counts_as_the_28th() -> None:
    year = one_tier_year("onboarding", None, dates("2020-02-29"), hours=90.0)
    assert month_hours(year)["Feb 2027"] == 1.0  # the 28th only


def test_without_dates_the_year_is_flat_and_says_so() -> None:
    renewal = None
    since = None
    codes = ad.month_codes(renewal, since, 24)
    year = ml.index_year(
        ad.IndexDates(codes, False, False),
        [(0, 24), (0, 0)],
        ServiceMatrix.default(2),
        (1100.0, 1100.0),
        first=JAN_2027,
    )
    annual = 24 * ServiceMatrix.default(2).hours_per_account()[0]
    assert year.tiers[0].hours == (annual / 12,) * 12
    assert year.notices() == [
        "The data has no renewal_date or customer_since column, so the year is flat: every "
        "service's hours are spread evenly over the 12 months. Add those columns to see when "
        "the load lands."
    ]


def test_accounts_without_a_date_are_spread_and_counted() -> None:
    year = one_tier_year(
        "renewal", dates("2027-03-01", None, None), dates("2020-01-01", "2020-01-01", None)
    )
    assert month_hours(year)["Mar 2027"] == 12.0 + 2.0  # one renewal + two twelfths
    assert year.notices() == [
        "2 of 3 accounts have no renewal date: their renewal and quarterly work is spread "
        "evenly over the year.",
        "1 of 3 accounts have no customer_since date: their onboarding is spread evenly over "
        "the year.",
    ]


def test_a_plan_without_dated_cadences_says_every_month_carries_the_same_load() -> None:
    year = one_tier_year("spread", dates("2027-03-01"), dates("2020-01-01"))
    assert set(year.tiers[0].hours) == {1.0}
    assert year.notices() == [
        "No service in the plan follows renewals, quarters or onboarding: every month carries "
        "the same load."
    ]


# --- exact to the annual figures ---------------------------------------------------------------

HOURS = st.one_of(
    st.sampled_from([0.0, 0.25, 0.5, 1.0, 12.0, 60.0]),
    st.floats(0, 8784, allow_nan=False, allow_infinity=False),
)


@st.composite
def plans_and_cuts(draw: st.DrawFn) -> tuple[Plan, TierIndex, ad.IndexDates, tuple[float, ...]]:
    tiers = draw(st.integers(2, 5))
    names = draw(
        st.lists(st.text("abcdefgh", min_size=1, max_size=6), min_size=1, max_size=6, unique=True)
    )
    services = tuple(Service(name, cadence=draw(st.sampled_from(CADENCES))) for name in names)
    hours = tuple(tuple(draw(HOURS) for _ in range(tiers)) for _ in names)
    teams = tuple(
        Team(csms=draw(st.floats(0, 50)), hours_per_csm=draw(st.floats(1, 8784)))
        for _ in range(tiers)
    )
    size = draw(st.integers(0, 60))
    revenue = draw(st.lists(st.integers(0, 10**7), min_size=size, max_size=size))
    index = TierIndex.from_values(np.array(revenue, dtype=float) / 100)
    day = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 12, 31)))
    renewal = dates(
        *(str(d) if d else None for d in draw(st.lists(day, min_size=size, max_size=size)))
    )
    since = dates(
        *(str(d) if d else None for d in draw(st.lists(day, min_size=size, max_size=size)))
    )
    codes = ad.month_codes(renewal if size else None, since if size else None, size)
    cuts = tuple(
        sorted(
            draw(st.lists(st.integers(0, 10**5), min_size=tiers - 1, max_size=tiers - 1)),
            reverse=True,
        )
    )
    return (
        Plan(ServiceMatrix(services, hours), teams),
        index,
        ad.IndexDates(codes, True, True),
        cuts,
    )


@settings(max_examples=150, deadline=None)
@given(plans_and_cuts(), st.dates(date(2020, 1, 1), date(2035, 12, 1)))
def test_the_12_months_add_up_to_the_annual_figures_exactly(case, today) -> None:
    plan, index, year_dates, cuts = case
    summary = summarize(index, cuts)
    capacity = tier_capacity(summary, plan)
    year = ml.index_year(
        year_dates,
        tier_bounds(index, cuts),
        plan.matrix,
        [c.hours_available for c in capacity],
        first=months.first_month(None, today),
    )
    for tier, figures in zip(year.tiers, capacity, strict=True):
        for order in (tier.hours, tier.hours[::-1]):
            assert sum(order) == figures.hours_needed  # any order of addition
        assert math.fsum(tier.hours) == figures.hours_needed
        assert sum(tier.capacity) == figures.hours_available
        assert sum(tier.capacity[::-1]) == figures.hours_available
        assert all(h >= 0 for h in tier.hours)


@settings(max_examples=60, deadline=None)
@given(plans_and_cuts())
def test_every_month_is_within_a_hair_of_the_exact_split(case) -> None:
    plan, index, year_dates, cuts = case
    bounds = tier_bounds(index, cuts)
    per_tier = ad.tier_dates(year_dates, bounds)
    year = ml.index_year(year_dates, bounds, plan.matrix, plan.hours_available(), first=JAN_2027)
    for t, tier in enumerate(year.tiers):
        exact = [Fraction(0)] * 12
        for service, row in zip(plan.matrix.services, plan.matrix.hours, strict=True):
            weights = ml._weights(service.cadence, per_tier[t])
            exact = [e + Fraction(row[t]) * w for e, w in zip(exact, weights, strict=True)]
        total = float(sum(exact))
        for got, want in zip(tier.hours, exact, strict=True):
            assert math.isclose(got, float(want), rel_tol=1e-12, abs_tol=1e-9 * (1 + total))


def test_reduced_months_take_their_share_of_the_team() -> None:
    year = ml.index_year(
        ad.IndexDates(ad.month_codes(None, None, 10), False, False),
        [(0, 10), (0, 0)],
        only("spread"),
        (1200.0, 600.0),
        first=JAN_2027,
        capacity=months.parse_capacity("August 50%, Dec 70%"),
    )
    assert year.tiers[0].capacity[7] == 50.0
    assert year.tiers[0].capacity[11] == 70.0
    assert year.tiers[0].capacity[0] == 100.0
    assert sum(year.tiers[0].capacity) == 1200.0 * (10 + 0.5 + 0.7) / 12


def test_changing_cadences_never_changes_the_annual_figures() -> None:
    index = TierIndex.from_values(np.arange(1, 101, dtype=float) * 1000)
    summary = summarize(index, (80_000.0, 30_000.0))
    matrix = ServiceMatrix.default(3)
    moved = ServiceMatrix(tuple(s.with_cadence("renewal") for s in matrix.services), matrix.hours)
    teams = (Team(5), Team(5), Team(5))
    assert tier_capacity(summary, Plan(matrix, teams)) == tier_capacity(summary, Plan(moved, teams))


# --- the peak in words -------------------------------------------------------------------------


def year_of(hours: list[float], capacity: list[float]) -> ml.YearLoad:
    tier = ml.TierYear(1, "Tier 1", tuple(hours), tuple(capacity))
    other = ml.TierYear(2, "Tier 2", (10.0,) * 12, (100.0,) * 12)
    return ml.YearLoad(months.window(JAN_2027), (tier, other), 10, 0, 0, True, True, True)


def test_the_peak_sentence_names_the_month_the_team_and_the_overload() -> None:
    hours = [1000.0] * 12
    hours[2], hours[3] = 1420.0, 1200.0
    year = year_of(hours, [1100.0] * 12)
    assert year.peak_sentence() == (
        "Mar 2027 is the peak: Tier 1 needs 1,420 h and has 1,100 h (129%). "
        "Tier 1 is over capacity in 2 months of 12."
    )


def test_teams_over_capacity_are_counted_in_one_sentence() -> None:
    hours = [1000.0] * 12
    hours[2] = 1420.0
    year = year_of(hours, [1100.0] * 12)
    other = ml.TierYear(2, "Tier 2", (200.0,) * 12, (100.0,) * 12)
    both = ml.YearLoad(year.months, (year.tiers[0], other), 10, 0, 0, True, True, True)
    assert both.peak_sentence() == (
        "Jan 2027 is the peak: Tier 2 needs 200 h and has 100 h (200%). "
        "Over capacity: Tier 1 in 1 month, Tier 2 in 12 months (of 12)."
    )


def test_each_team_s_busiest_month_is_its_highest_load() -> None:
    hours = [1000.0] * 12
    hours[2] = 1420.0
    rows = year_of(hours, [1100.0] * 12).busiest()
    assert rows[0] == {
        "team": "Tier 1",
        "busiest_month": "Mar 2027",
        "hours_needed": 1420.0,
        "hours_available": 1100.0,
        "load": 1420.0 / 1100.0,
        "months_over": 1,
    }
    assert rows[1]["busiest_month"] == "Jan 2027"  # the same every month: the first


def test_a_year_that_fits_says_its_busiest_month() -> None:
    hours = [500.0] * 12
    hours[9] = 1020.0
    assert year_of(hours, [1100.0] * 12).peak_sentence() == (
        "Oct 2027 is the busiest month: Tier 1 needs 1,020 h of its 1,100 h (93%); every team "
        "has the hours every month."
    )


def test_a_team_with_no_hours_is_the_peak_wherever_it_has_work() -> None:
    hours = [0.0] * 12
    hours[4] = 30.0
    assert (
        year_of(hours, [0.0] * 12)
        .peak_sentence()
        .startswith("May 2027 is the peak: Tier 1 needs 30 h and has no hours (no CSMs).")
    )


# --- reduced months as typed -------------------------------------------------------------------


def test_capacity_reads_as_a_cs_leader_types_it() -> None:
    shares = months.parse_capacity("August 50%, dec: 70 %; Jul 62.5")
    assert shares[7] == Fraction(1, 2)
    assert shares[11] == Fraction(7, 10)
    assert shares[6] == Fraction(5, 8)
    assert shares[0] == 1
    assert months.capacity_text(shares) == "July 62.5%, August 50%, December 70%"
    assert months.parse_capacity(months.capacity_text(shares)) == shares
    assert months.parse_capacity("") == (Fraction(1),) * 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Augst 50%", '"Augst" is not a month'),
        ("August", "does not read as a month and its capacity"),
        ("August 50%, Aug 40%", "August is given twice"),
        ("March 250%", "at most 200%"),
        ("Ma 50%", '"Ma" is not a month'),
    ],
)
def test_capacity_that_does_not_read_says_why(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        months.parse_capacity(text)


# --- cadences in plan files, scenarios and links -----------------------------------------------


def test_the_defaults_put_qbrs_quarterly_renewal_onboarding_and_the_rest_spread() -> None:
    cadences = {service.name: service.cadence for service in DEFAULT_SERVICES}
    assert cadences["QBR"] == "quarterly"
    assert cadences["Renewal"] == "renewal"
    assert cadences["Onboarding"] == "onboarding"
    assert cadences["Named CSM"] == "spread"
    assert Service("QBR") == Service("QBR", cadence="quarterly")
    assert Service("Something else").cadence == "spread"


OLD_PLAN = """
[[service]]
name = "QBR"
hours = [16, 4]

[[service]]
name = "Renewal"
hours = [10, 1]

[[service]]
name = "Custom"
hours = [1, 1]

[[team]]
csms = 2

[[team]]
csms = 3
"""


def test_a_plan_file_saved_before_cadences_opens_with_the_defaults() -> None:
    plan = Plan.from_toml(OLD_PLAN)
    assert [s.cadence for s in plan.matrix.services] == ["quarterly", "renewal", "spread"]


def edited_plan() -> Plan:
    matrix = ServiceMatrix.default(3)
    services = tuple(
        s.with_cadence(
            "monthly" if s.name == "QBR" else "onboarding" if s.name == "Webinars" else s.cadence
        )
        for s in matrix.services
    )
    return Plan(ServiceMatrix(services, matrix.hours), (Team(3), Team(4), Team(5)))


def test_the_cadence_column_round_trips_through_plan_files() -> None:
    plan = edited_plan()
    assert 'cadence = "monthly"' in plan.to_toml()
    assert Plan.from_toml(plan.to_toml()) == plan


def test_the_cadence_column_round_trips_through_scenarios_and_links() -> None:
    scenario = Scenario((55_000.0, 20_000.0), plan=edited_plan())
    assert Scenario.from_dict(json.loads(json.dumps(scenario.to_dict()))) == scenario
    assert from_query(to_query(scenario)) == scenario
    default = Scenario((55_000.0, 20_000.0), plan=Plan(ServiceMatrix.default(3), (Team(1),) * 3))
    assert from_query(to_query(default)) == default


def test_a_link_made_before_cadences_opens_with_the_defaults() -> None:
    import base64
    import zlib

    document = {"v": 1, "s": ["QBR", "Renewal"], "h": [[16, 4], [10, 1]], "t": [[2, 1100, 110]] * 2}
    packed = base64.urlsafe_b64encode(zlib.compress(json.dumps(document).encode())).rstrip(b"=")
    scenario = from_query({"cuts": "50000", "plan": packed.decode()})
    assert scenario.plan is not None
    assert [s.cadence for s in scenario.plan.matrix.services] == ["quarterly", "renewal"]


def test_a_bad_cadence_in_a_plan_file_says_which_service_and_the_choices() -> None:
    with pytest.raises(InputError, match=r'cadence of "QBR" must be one of spread, monthly'):
        Plan.from_toml(OLD_PLAN.replace("hours = [16, 4]", 'hours = [16, 4]\ncadence = "weekly"'))


# --- on loaded data, and the CLI ---------------------------------------------------------------

DATED = """customer_id,annual_revenue,renewal_date,customer_since,region
A,90000,2026-03-15,2019-11-15,EMEA
B,80000,2027-03-02,,EMEA
C,5000,,2020-06-01,APAC
D,4000,2026-07-31,2021-07-01,APAC
"""


def test_a_dataset_s_dates_follow_each_customer_into_any_index(write_csv) -> None:
    from lib.criteria import REVENUE_ONLY
    from lib.slices import Slice

    dataset = Dataset.from_file(write_csv(DATED))
    emea = dataset.index_for(Slice.of({"region": ["EMEA"]}), REVENUE_ONLY)
    year = ml.data_year(
        dataset, emea, (50_000.0,), only("renewal", 10.0), (1.0, 1.0), today=date(2026, 12, 2)
    )
    assert month_hours(year)["Mar 2027"] == 20.0  # both EMEA accounts renew in March
    assert year.without_renewal == 0 and year.without_start == 1
    whole = ml.data_year(
        dataset,
        dataset.index,
        (50_000.0,),
        only("renewal", 10.0),
        (1.0, 1.0),
        today=date(2026, 12, 2),
    )
    assert whole.tiers[0].hours == year.tiers[0].hours
    assert whole.without_renewal == 1  # C


def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(Plan(ServiceMatrix.default(3), (Team(18), Team(9), Team(8))).to_toml())
    return path


def test_summarize_monthly_load_json_adds_months_and_keeps_every_key(tmp_path, capsys) -> None:
    from lib.sample import SAMPLE_PATH

    plan = str(plan_file(tmp_path))
    assert main(["summarize", str(SAMPLE_PATH), "--plan", plan, "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["summarize", str(SAMPLE_PATH), "--plan", plan, "--monthly-load", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    rows_by_month = after.pop("months")
    assert after == before
    first = months.first_month(None, date.today())
    assert [m["month"] for m in rows_by_month] == [
        f"{d.year:04d}-{d.month:02d}" for d in months.window(first)
    ]
    for t, tier in enumerate(before["tiers"]):
        rows = [m["tiers"][t] for m in rows_by_month]
        assert {row["name"] for row in rows} == {tier["name"]}
        assert set(rows[0]) == {"name", "hours", "capacity_hours"}
        assert sum(row["hours"] for row in rows) == tier["hours"]
        assert sum(row["capacity_hours"] for row in rows) == tier["hours_available"]


def test_monthly_load_takes_the_plan_files_months_with_less_capacity(tmp_path, capsys) -> None:
    from lib.sample import SAMPLE_PATH

    path = tmp_path / "holidays.toml"
    teams = (Team(18), Team(9), Team(8))
    path.write_text(Plan(ServiceMatrix.default(3), teams, months="August 50%").to_toml())
    assert (
        main(["summarize", str(SAMPLE_PATH), "--plan", str(path), "--monthly-load", "--json"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)["months"]
    august = next(m for m in rows if m["month"].endswith("-08"))
    other = next(m for m in rows if m["month"].endswith("-09"))
    top = teams[0].hours_available / 12
    assert august["tiers"][0]["capacity_hours"] == top / 2
    assert other["tiers"][0]["capacity_hours"] == top


def test_monthly_load_without_a_plan_says_it_needs_one(capsys) -> None:
    from lib.sample import SAMPLE_PATH

    assert main(["summarize", str(SAMPLE_PATH), "--monthly-load", "--json"]) == 2
    assert "--monthly-load needs --plan" in capsys.readouterr().err


def test_the_year_chart_is_a_valid_figure_with_months_named_and_overloads_in_vermillion() -> None:
    import plotly.graph_objects as go

    from lib.charts import OVER_CAPACITY_COLOR, tier_color, year_spec

    hours = [1000.0] * 12
    hours[2] = 1420.0
    spec = year_spec(year_of(hours, [1100.0] * 12))
    go.Figure(spec)  # validates every property
    needs, has = spec["data"][0], spec["data"][1]
    assert needs["x"][:3] == ["Jan 2027", "Feb 2027", "Mar 2027"]
    assert needs["marker"]["color"][2] == OVER_CAPACITY_COLOR
    assert needs["marker"]["color"][1] == tier_color(1)
    assert has["line"] == {"color": tier_color(1), "width": 2.5, "dash": "dash", "shape": "hvh"}


# --- per slider move: less counting, whole numbers, a year kept per inputs (issue 15) ----------


def _fraction_apportion(total: float, weights: list[Fraction]) -> tuple[float, ...]:
    """The split as it was first written, in Fraction objects: the reference."""
    whole = sum(weights, Fraction(0))
    if total == 0 or whole == 0:
        return (0.0,) * len(weights)
    exponent = max(math.frexp(total)[1] - 53, -1074)
    units = int(math.ldexp(total, -exponent))
    ideal = [w * units / whole for w in weights]
    parts = [math.floor(share) for share in ideal]
    left = units - sum(parts)
    for i in sorted(range(len(ideal)), key=lambda i: (parts[i] - ideal[i], i))[:left]:
        parts[i] += 1
    return tuple(math.ldexp(part, exponent) for part in parts)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.sampled_from([0.0, 1.0, 12.0, 1e-300]), st.floats(0, 1e12)),
    st.lists(st.fractions(min_value=0, max_value=10**6, max_denominator=360), max_size=14),
)
def test_the_split_in_whole_units_is_the_split_in_fractions(total, weights) -> None:
    assert ml.apportion(total, weights) == _fraction_apportion(total, weights)
    scale = math.lcm(*(w.denominator for w in weights)) if weights else 1
    whole = [int(w * scale) for w in weights]
    assert ml.apportion_whole(total, whole) == _fraction_apportion(total, weights)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, ad.RENEWAL_BINS * ad.START_BINS - 1), max_size=80),
    st.lists(st.integers(0, 80), max_size=4),
)
def test_a_tier_counted_as_the_rest_has_the_counts_of_its_own_stretch(codes, edges) -> None:
    # The widest tier is every account's counts minus the other tiers': the same figures.
    size = len(codes)
    cut = sorted({min(e, size) for e in edges}, reverse=True)
    walls = [size, *cut, 0]
    bounds = [(walls[t + 1], walls[t]) for t in range(len(walls) - 1)]
    year_dates = ad.IndexDates(np.array(codes, dtype=np.int16), True, True)
    one_by_one = [ad.tier_dates(year_dates, [stretch])[0] for stretch in bounds]
    assert list(ad.tier_dates(year_dates, bounds)) == one_by_one


def test_the_same_inputs_give_the_year_made_before_and_any_change_a_new_one() -> None:
    rng = np.random.default_rng(5)
    renewal = np.datetime64("2026-01-01") + rng.integers(0, 365, 200).astype("timedelta64[D]")
    since = np.datetime64("2020-01-01") + rng.integers(0, 2000, 200).astype("timedelta64[D]")
    year_dates = ad.IndexDates(ad.month_codes(renewal, since, 200), True, True)
    matrix = ServiceMatrix.default(2)
    inputs = {
        "bounds": [(120, 200), (0, 120)],
        "matrix": matrix,
        "hours_available": (1100.0, 900.0),
        "first": JAN_2027,
        "capacity": months.parse_capacity(""),
    }

    def year(**changed: object) -> ml.YearLoad:
        given = {**inputs, **changed}
        bounds, matrix, available = given["bounds"], given["matrix"], given["hours_available"]
        return ml.index_year(
            year_dates, bounds, matrix, available,
            first=given["first"], capacity=given["capacity"],
        )  # fmt: skip

    def made_afresh(**changed: object) -> ml.YearLoad:
        given = {**inputs, **changed}
        return ml.year_load(
            ad.tier_dates(year_dates, given["bounds"]), given["matrix"],
            given["hours_available"], given["first"], given["capacity"],
        )  # fmt: skip

    assert year() is year() and year() == made_afresh()
    doubled = ServiceMatrix(matrix.services, tuple(tuple(2 * h for h in r) for r in matrix.hours))
    for changed in (
        {"bounds": [(100, 200), (0, 100)]},
        {"matrix": doubled},
        {"hours_available": (1100.0, 450.0)},
        {"first": date(2027, 6, 1)},
        {"capacity": months.parse_capacity("August 50%")},
    ):
        assert year(**changed) == made_afresh(**changed) != year(), changed
    assert len(ml._YEARS.get(year_dates, dict)) <= ml.YEARS_KEPT
