"""The Books page's lib side: the roster (rows, checks, inference), every CSM's book before and
after, the chart of the most loaded, and the roster kept in a scenario (issue 20)."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import charts, views
from lib.books import BookFigures, CsmBook, books, csm_books
from lib.capacity import Plan
from lib.errors import InputError
from lib.roster import Roster, RosterEntry
from lib.scenario import Scenario
from lib.tiering import TierIndex, summarize
from tests.visible import visible_text

CUTS = (55_000.0, 20_000.0)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5_000_000), st.integers(0, 3)), min_size=1, max_size=60),
    st.lists(st.integers(1, 5_000_000), min_size=2, max_size=2, unique=True),
)
def test_todays_books_per_roster_csm_are_the_books_of_the_owner_runs(customers, cuts) -> None:
    owners = ["Ana", "Ben", "Scale Team A", "(none)"]
    revenue = np.array([c for c, _ in customers], dtype=np.float64) / 100
    owner = np.array([o for _, o in customers], dtype=np.int32)
    index = TierIndex.from_values(revenue, revenue, columns={"owner": owner, "revenue": revenue})
    levels = sorted((c / 100 for c in cuts), reverse=True)
    plan = Plan.default_for(summarize(index, levels))
    roster = [RosterEntry("Ana", (1,), 100.0), RosterEntry("Zed", (2,), 50.0)]
    listed = {b.csm: b for b in csm_books(index, levels, plan, owners, roster)}
    for book in books(index, levels, plan, owners, 100.0):
        mine = listed[book.owner]
        assert (mine.before.accounts, mine.before.revenue) == (book.accounts, book.revenue)
        assert mine.in_roster == (book.owner in {"Ana", "(none)"})
    assert listed["Zed"].before == BookFigures.empty(3)  # in the roster, no account today
    assert sum(sum(b.before.accounts) for b in listed.values()) == len(customers)


def _book(name: str, hours: float, capacity: float, after: float | None = None) -> CsmBook:
    figures = BookFigures((1, 0, 0), 1000.0, hours)
    later = None if after is None else BookFigures((1, 0, 0), 1000.0, after)
    return CsmBook(name, (1,), 1.0, capacity, figures, later)


def test_the_chart_draws_the_most_loaded_csms_marks_capacity_and_says_how_many_more() -> None:
    listed = [_book(f"CSM {i}", 1_500 - 10 * i, 1_100) for i in range(30)]
    spec = charts.books_spec(listed, after=False, shown=20)
    go.Figure(spec)  # a valid Plotly figure
    (bars,) = spec["data"]
    assert bars["y"][0] == "CSM 0" and len(bars["y"]) == 20
    assert bars["marker"]["color"][0] == charts.OVER_CAPACITY_COLOR
    assert bars["text"][0] == "136% ⚠"
    assert spec["layout"]["shapes"][0]["x0"] == 100  # the capacity line
    assert charts.books_more(listed, 20) == (
        "10 more CSMs, less loaded, are in the table below (10 of them over capacity)."
    )
    assert charts.books_title(listed, after=False) == "30 of 30 CSMs over capacity today"


def test_after_a_proposal_the_chart_has_today_faded_beside_the_proposal() -> None:
    listed = [_book("Grace", 1_400, 1_100, after=1_000), _book("Mei", 200, 1_100, after=900)]
    spec = charts.books_spec(listed, after=True)
    go.Figure(spec)
    today, proposed = spec["data"]
    assert (today["name"], proposed["name"]) == ("Today", "Proposed")
    assert today["marker"]["color"][0] == charts.OVER_CAPACITY_COLOR
    assert proposed["text"] == ["91%", "82%"]
    assert charts.books_title(listed, after=True) == (
        "1 of 2 CSMs over capacity today; none after the proposal"
    )


def test_the_books_table_escapes_names_and_flags_over_capacity_in_words() -> None:
    listed = [_book("<b>Eve</b>", 1_400, 1_100, after=1_000)]
    html = views.csm_books_html(listed, 3, after=True)
    assert "<b>Eve</b>" not in html
    text = visible_text(html)
    assert "| <b>Eve</b> | T1 | 1,100 | 1 → 1 | 1 / 0 / 0 | $1K | 1,000 | ⚠ 127% → 91%" in text
    assert len(text.splitlines()[0].split(" | ")) == 8  # fits a 1280-pixel screen


def test_a_scenario_keeps_its_roster_and_refuses_a_bad_one_in_a_sentence() -> None:
    roster = Roster(
        (RosterEntry("Ana", (1, 2), 1_100.0, region="EMEA"), RosterEntry("=Pool", (3,), 900.0, 4))
    )
    saved = Scenario(CUTS, roster=roster)
    assert saved.to_dict()["roster"].startswith("csm,tiers,hours,headcount,region,account_cap\n")
    assert Scenario.from_dict(json.loads(json.dumps(saved.to_dict()))) == saved
    assert "roster" not in Scenario(CUTS).to_dict()  # the data's own roster: nothing to keep
    bad = {**saved.to_dict(), "roster": "csm,tiers,hours\nAna,Tier 7,1\n"}
    with pytest.raises(
        InputError, match=r'The scenario.s roster: Line 2 of the roster: unknown tier "Tier 7"'
    ):
        Scenario.from_dict(bad)
    with pytest.raises(InputError, match="roster must be the text of a roster CSV"):
        Scenario.from_dict({**saved.to_dict(), "roster": [1, 2]})


def test_pinned_accounts_are_read_from_lines_and_a_bad_line_is_one_sentence() -> None:
    from ui.book_adapter import parse_pins

    assert parse_pins('customer_id,csm\nC-1, Mei Lin\n\n"C-2",Grace Kim\n') == {
        "C-1": "Mei Lin",
        "C-2": "Grace Kim",
    }
    with pytest.raises(InputError, match="Pinned accounts: line 2 should be customer_id,csm"):
        parse_pins("C-1,Mei Lin\nC-2\n")


def test_a_scenario_keeps_a_roster_serving_more_tiers_than_its_cut_offs_make() -> None:
    # Edited under three tiers, then the tier count dropped to two: the Books page keeps the
    # roster (and says which entry to fix); saving it must neither crash nor lose Tier 3.
    roster = Roster((RosterEntry("Ana", (1, 2), 1_100.0), RosterEntry("Pool", (3,), 900.0, 4)))
    saved = Scenario((55_000.0,), roster=roster)
    assert "Pool,Tier 3,900,4" in saved.to_dict()["roster"]
    assert Scenario.from_dict(json.loads(json.dumps(saved.to_dict()))) == saved
    with pytest.raises(InputError, match="Pool serves Tier 3, but the cut-offs make 2 tiers"):
        roster.check_tiers(2)
