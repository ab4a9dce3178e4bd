"""Every number a person, a file or a link can set is bounded, and said so (issue 13 finding 7,
issue 18 defects 3 and 6); a huge link is refused before it costs anything (finding 9)."""

import base64
import json
import re
import zlib
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import share_link
from lib.capacity import Plan
from lib.criteria import Criteria
from lib.errors import InputError
from lib.scenario import MAX_REVENUE_CUT, Scenario, bounded_cuts, cut_bounds
from lib.service_matrix import (
    DEFAULT_HOURS_PER_ACCOUNT,
    MAX_HOURS_PER_YEAR,
    MAX_SERVICES,
    Service,
    ServiceMatrix,
)
from lib.share_link import MAX_LINK_CHARS, from_query, to_query
from lib.team import Team

# --- the same tier count always gives the same service model (defect 6) -----------------------


@given(st.lists(st.integers(2, 5), min_size=1, max_size=8))
def test_the_default_matrix_for_a_tier_count_does_not_depend_on_the_counts_before(path):
    matrix = ServiceMatrix.default(3)
    for tiers in path:
        matrix = matrix.with_tier_count(tiers)
        assert matrix == ServiceMatrix.default(tiers)
        assert matrix.hours_per_account() == DEFAULT_HOURS_PER_ACCOUNT[tiers]


def test_three_two_four_five_three_gives_the_three_tier_hours_again():
    matrix = ServiceMatrix.default(3)
    for tiers in (2, 4, 5, 3):
        matrix = matrix.with_tier_count(tiers)
    assert matrix.hours_per_account() == (60.0, 12.0, 2.0)
    assert ServiceMatrix.default(3).with_tier_count(5).hours_per_account() == (
        90.0,
        40.0,
        15.0,
        5.0,
        1.0,
    )


@pytest.mark.parametrize("tiers", [2, 3, 4, 5])
def test_default_hours_per_account_fall_from_the_top_tier_down(tiers):
    hours = ServiceMatrix.default(tiers).hours_per_account()
    assert list(hours) == sorted(hours, reverse=True)


# --- bounds on the plan -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "said"),
    [
        ({"hours_per_csm": 1e308}, "Hours per CSM are at most 8,784 a year"),
        ({"hours_per_csm": 1e200}, "Hours per CSM are at most 8,784 a year"),
        ({"csms": 1e308}, "headcount is at most 100,000"),
        ({"cost_per_hour": 1e300}, "Cost per hour is at most 100,000"),
    ],
)
def test_a_team_beyond_its_bounds_says_the_bound(team, said):
    with pytest.raises(InputError, match=said):
        Team(**team)


def test_service_hours_beyond_a_year_are_refused_with_the_bound():
    with pytest.raises(InputError, match="at most 8,784 a year"):
        ServiceMatrix(services=(Service("QBR"),), hours=((1e308, 1.0),))
    assert ServiceMatrix(services=(Service("QBR"),), hours=((MAX_HOURS_PER_YEAR, 0.0),))


def test_a_matrix_takes_at_most_max_services_and_finds_a_duplicate_among_them():
    names = [f"Service {n}" for n in range(MAX_SERVICES)]
    full = ServiceMatrix(
        services=tuple(Service(n) for n in names), hours=tuple((1.0, 0.0) for _ in names)
    )
    assert len(full.services) == MAX_SERVICES
    with pytest.raises(InputError, match=f"at most {MAX_SERVICES}"):
        ServiceMatrix(
            services=tuple(Service(f"S{n}") for n in range(MAX_SERVICES + 1)),
            hours=tuple((1.0, 0.0) for _ in range(MAX_SERVICES + 1)),
        )
    with pytest.raises(InputError, match='"Service 3" is listed twice'):
        ServiceMatrix(
            services=tuple(Service(n) for n in [*names[:-1], "Service 3"]),
            hours=tuple((1.0, 0.0) for _ in names),
        )


# --- bounds on cut-offs, weights and links ------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"cuts": "1e308,1e307"}, "cut-offs are at most 1,000,000,000,000 (a trillion); got 1e308"),
        ({"cuts": "1e300"}, "at most 1,000,000,000,000"),
        ({"cuts": "-5"}, "cannot be negative; got -5"),
        ({"cuts": "50", "by": "score", "w": "nps:1e308"}, "weight for nps must be from 0 to 100"),
        ({"cuts": "50", "by": "score", "w": "nps:101"}, "weight for nps must be from 0 to 100"),
    ],
)
def test_a_poisoned_link_says_what_is_out_of_bounds(params, said):
    with pytest.raises(InputError, match=re.escape(said)) as raised:
        from_query(params)
    assert str(raised.value).startswith("The link")


def _pack(document: object) -> str:
    text = json.dumps(document, separators=(",", ":"))
    return base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).rstrip(b"=").decode()


@pytest.mark.parametrize("field", [0, 1, 2])
def test_a_link_with_plan_hours_of_1e308_is_refused(field):
    team = [5, 1100, 110]
    team[field] = 1e308
    plan = _pack({"v": 1, "s": ["QBR"], "h": [[1, 1]], "t": [team, [1, 1100, 110]]})
    with pytest.raises(InputError, match=r"The link.s plan is not usable: .*at most"):
        from_query({"cuts": "100", "plan": plan})


def _huge_link(services: int) -> dict[str, str]:
    """A real share link whose plan names `services` services (the 117 KB link of issue 13)."""
    document = {
        "v": 1,
        "s": [f"Service {n:05d}" for n in range(services)],
        "h": [[1, 1, 1] for _ in range(services)],
        "t": [[1, 1100, 110]] * 3,
    }
    return {"cuts": "55000,20000", "plan": _pack(document)}


def test_a_117_kb_link_is_refused_by_its_size_before_its_plan_is_unpacked(monkeypatch):
    params = _huge_link(40_000)
    assert len(urlencode(params)) > 100_000
    unpacked = []
    monkeypatch.setattr(share_link, "_unpack_plan", lambda *a: unpacked.append(a))
    with pytest.raises(InputError, match=f"at most {MAX_LINK_CHARS:,}"):
        from_query(params)
    assert not unpacked


def test_a_small_link_with_too_many_services_is_refused_by_their_number(monkeypatch):
    # Services of one repeated name pack small: the size passes, the count does not.
    document = {"v": 1, "s": ["A"] * 5000, "h": [[1, 1]] * 5000, "t": [[1, 1100, 110]] * 2}
    params = {"cuts": "100", "plan": _pack(document)}
    assert len(urlencode(params)) < MAX_LINK_CHARS
    with pytest.raises(InputError, match=f"5,000 services; a plan takes at most {MAX_SERVICES}"):
        from_query(params)


def test_a_link_of_the_largest_plan_fits_within_the_link_bound():
    names = [f"Custom service {n:03d}" for n in range(MAX_SERVICES)]
    matrix = ServiceMatrix(
        services=tuple(Service(n, "x" * 40) for n in names),
        hours=tuple((12.25, 3.5, 0.25) for _ in names),
    )
    plan = Plan(matrix=matrix, teams=(Team(18.5), Team(9), Team(4)))
    query = to_query(Scenario((55_000.0, 20_000.0), plan=plan))
    assert len(urlencode(query)) < MAX_LINK_CHARS
    assert from_query(parse_qs(urlencode(query))).plan == plan


@given(st.lists(st.floats(allow_nan=False), min_size=1, max_size=4), st.booleans())
def test_bounded_cuts_stay_within_the_bounds_and_keep_their_order(cuts, is_score):
    low, high = cut_bounds(is_score)
    held = bounded_cuts(sorted(cuts, reverse=True), is_score)
    assert all(low <= cut <= high for cut in held)
    assert list(held) == sorted(held, reverse=True)
    assert Scenario(held, Criteria.score({"nps": 1}) if is_score else Criteria())


def test_the_highest_revenue_cut_off_is_a_trillion():
    assert cut_bounds(False) == (0.0, MAX_REVENUE_CUT) == (0.0, 1e12)
    assert cut_bounds(True) == (0.0, 100.0)
