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
from lib.books import (
    BookFigures,
    CsmBook,
    RosterLine,
    books,
    csm_books,
    inferred_roster,
    roster_lines_from_rows,
    roster_rows,
)
from lib.capacity import Plan
from lib.dataset import Dataset
from lib.errors import InputError
from lib.sample import SAMPLE_PATH
from lib.scenario import Scenario
from lib.tiering import TierIndex, summarize
from tests.visible import visible_text

SAMPLE = Dataset.from_csv(str(SAMPLE_PATH), source=SAMPLE_PATH.name)
CUTS = (55_000.0, 20_000.0)
PLAN = Plan.default_for(summarize(SAMPLE.index, CUTS))
OWNERS = list(SAMPLE.dimensions["csm_owner"].labels)


def test_the_inferred_roster_has_every_owner_once_and_a_pool_serves_its_own_tier() -> None:
    roster = {line.csm: line for line in inferred_roster(SAMPLE.index, CUTS, PLAN, OWNERS)}
    assert set(roster) == set(OWNERS) - {"(none)"}  # the unassigned accounts are nobody's
    team = roster["Scale Team A"]
    assert team.tiers == ("Tier 3",)  # its handful of Tier 1/2 strays do not count
    assert team.headcount == 2.0 and team.hours == 1_100.0  # sized to its book, like the teams
    assert all(line.headcount == 1.0 for name, line in roster.items() if "Team" not in name)


@pytest.mark.parametrize(
    ("rows", "sentence"),
    [
        ([{"csm": "Ana", "tiers": "Tier 4", "hours": 1100}], "Ana serves 'Tier 4', which is not"),
        ([{"csm": "Ana", "tiers": "", "hours": 1100}], "Ana serves no tier"),
        ([{"csm": "Ana", "tiers": "Tier 1", "hours": -1}], "Ana's hours must be a number"),
        ([{"csm": "Ana", "tiers": "Tier 1", "hours": "lots"}], "Ana's hours must be a number"),
        ([{"csm": "Ana", "tiers": "Tier 1", "hours": 9_000}], "from 0 to 8,784"),
        (
            [{"csm": "Ana", "tiers": "Tier 1", "hours": 1}, {"csm": "Ana", "tiers": "Tier 2"}],
            "Ana is in the roster twice",
        ),
        ([{"csm": "", "tiers": "Tier 1", "hours": 1}], "Row 1 of the roster has no CSM name."),
        ([], "The roster has no CSM"),
    ],
)
def test_a_roster_row_a_person_must_fix_is_one_sentence(rows, sentence) -> None:
    with pytest.raises(InputError, match=sentence.replace("(", r"\(")):
        roster_lines_from_rows(rows, 3)


def test_a_roster_reads_back_what_it_writes_and_accepts_light_spelling() -> None:
    rows = [
        {"csm": " Ana ", "tiers": "tier 1; Tier 2", "hours": "1,100", "headcount": ""},
        {"csm": "Pool", "tiers": "3", "hours": 900, "headcount": 4, "region": "EMEA"},
        {"csm": None, "tiers": None, "hours": None},  # the editor's empty new row
    ]
    roster = roster_lines_from_rows(rows, 3)
    assert roster == (
        RosterLine("Ana", ("Tier 1", "Tier 2"), 1.0, 1_100.0),
        RosterLine("Pool", ("Tier 3",), 4.0, 900.0, "EMEA"),
    )
    assert roster_lines_from_rows(roster_rows(roster), 3) == roster


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
    roster = [RosterLine("Ana", ("Tier 1",), 1.0, 100.0), RosterLine("Zed", ("Tier 2",), 1.0, 50.0)]
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
    return CsmBook(name, ("Tier 1",), 1.0, capacity, figures, later)


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
    assert "| <b>Eve</b> | Tier 1 | 1,100 | 1 / 0 / 0 | $1K | 1,400 | ⚠ 127% over |" in text
    assert text.splitlines()[-1].endswith("| 1,000 | 91%")


def test_a_scenario_keeps_its_roster_and_refuses_a_bad_one_in_a_sentence() -> None:
    roster = (RosterLine("Ana", ("Tier 1",), 1.0, 1_100.0, "EMEA"),)
    saved = Scenario(CUTS, roster=roster)
    assert Scenario.from_dict(json.loads(json.dumps(saved.to_dict()))) == saved
    assert "roster" not in Scenario(CUTS).to_dict()  # the data's own roster: nothing to keep
    bad = {**saved.to_dict(), "roster": [{"csm": "Ana", "tiers": "Tier 7", "hours": 1}]}
    with pytest.raises(InputError, match="The scenario's roster: Ana serves 'Tier 7'"):
        Scenario.from_dict(bad)
