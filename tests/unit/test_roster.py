"""lib/roster.py: the CSM roster read from messy CSV, written back, and inferred from the data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.accounts import Accounts
from lib.errors import InputError
from lib.roster import (
    MAX_ROSTER_FILE_MB,
    Roster,
    RosterEntry,
    against_teams,
    infer_roster,
    read_roster_csv,
    roster_csv,
)
from lib.team import Team

TIERS = ("Tier 1", "Tier 2", "Tier 3")


def test_a_roster_csv_reads_tiers_hours_headcount_region_and_cap() -> None:
    data = (
        b"CSM,Tiers,Hours,Headcount,Region,Account cap\n"
        b"Grace Kim,Tier 1,1100,,EMEA,25\n"
        b'Scale Team C,"Tier 2;Tier 3","1,050",4,,\n'
    )
    roster = read_roster_csv(data, TIERS)
    assert roster.entries == (
        RosterEntry("Grace Kim", (1,), 1100.0, 1.0, "EMEA", 25),
        RosterEntry("Scale Team C", (2, 3), 1050.0, 4.0, None, None),
    )
    assert roster.entries[1].capacity_hours == 4200.0


def test_a_semicolon_latin_1_roster_with_decimal_commas_reads() -> None:
    data = "csm;tiers;hours\nJosé Núñez;T2|T3;1100,5\n".encode("cp1252")
    (entry,) = read_roster_csv(data, TIERS).entries
    assert (entry.csm, entry.tiers, entry.hours) == ("José Núñez", (2, 3), 1100.5)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"csm,tiers,hours\nA,Tier 1,100\nB,Tier 4,100\n",
            'Line 3 of the roster: unknown tier "Tier 4"',
        ),
        (
            b"csm,tiers,hours\nA,Tier 1,-5\n",
            'Line 2 of the roster: hours must be a number of zero or more; got "-5"',
        ),
        (
            b"csm,tiers,hours\nA,Tier 1,lots\n",
            'Line 2 of the roster: hours must be a number of zero or more; got "lots"',
        ),
        (
            b"csm,tiers,hours\nA,Tier 1,10\n\nA,Tier 2,10\n",
            "Line 4 of the roster: A is already on line 2",
        ),
        (b"csm,tiers\nA,Tier 1\n", 'The roster has no "hours" column'),
        (b"csm,tiers,hours\n,Tier 1,10\n", "Line 2 of the roster: no CSM name"),
        (b"csm,tiers,hours\nA,,10\n", "Line 2 of the roster: no tier"),
        (
            b"csm,tiers,hours,account_cap\nA,Tier 1,10,2.5\n",
            "Line 2 of the roster: account_cap must be a whole number",
        ),
        (
            b"csm,tiers,hours\nA,Tier 1,99999\n",
            "Line 2 of the roster: A's hours must be between 0 and 8,784",
        ),
        (b"", "The roster file is empty"),
    ],
)
def test_a_bad_roster_line_is_named_with_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_roster_csv(body, TIERS)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


NAMES = st.text(
    st.characters(categories=["L", "N", "P", "Zs"], exclude_characters="\r\n\x0b\x0c"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s != "")


@given(
    st.lists(
        st.tuples(
            NAMES,
            st.sets(st.integers(1, 3), min_size=1),
            st.floats(0, 8784, allow_nan=False),
            st.sampled_from([1.0, 2.5, 12.0]),
            st.one_of(st.none(), NAMES),
            st.one_of(st.none(), st.integers(0, 500)),
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda row: row[0],
    )
)
def test_roster_csv_round_trips(rows: list[tuple]) -> None:
    roster = Roster(
        tuple(
            RosterEntry(name, tuple(sorted(tiers)), hours, headcount, region, cap)
            for name, tiers, hours, headcount, region, cap in rows
        )
    )
    assert read_roster_csv(roster_csv(roster, TIERS), TIERS) == roster


def test_roster_csv_cells_are_formula_safe() -> None:
    roster = Roster((RosterEntry("=HYPERLINK(1)", (1,), 10, region="+cmd"),))
    text = roster_csv(roster, TIERS).decode()
    assert "'=HYPERLINK(1)" in text and "'+cmd" in text
    guarded = Roster((RosterEntry("'=x", (1,), 10),))
    assert read_roster_csv(roster_csv(guarded, TIERS), TIERS) == guarded


def test_the_inferred_roster_serves_the_tiers_holding_its_book_with_the_plan_hours() -> None:
    revenue = [2000.0] * 2 + [50.0] * 8 + [50.0] * 30 + [500.0]
    owners = ["Grace Kim"] * 10 + ["Scale Team C"] * 30 + [None]
    regions = ["EMEA"] * 6 + ["APAC"] * 4 + ["APAC"] * 30 + [None]
    accounts = Accounts.from_columns(
        [f"c{i}" for i in range(len(revenue))], revenue, csm_owner=owners, region=regions
    )
    roster = infer_roster(accounts, (1000.0, 100.0), (60.0, 12.0, 2.0), (1000.0, 1100.0, 1200.0))
    grace, team = roster.entries
    # Grace: 2 Tier 1 accounts (120 h, 88% of her hours) and 8 Tier 3 (16 h, 80% of accounts).
    assert (grace.csm, grace.tiers, grace.hours, grace.headcount) == (
        "Grace Kim",
        (1, 3),
        1000.0,
        1.0,
    )
    assert grace.region == "EMEA"
    # A pool: Tier 3 only, Tier 3's hours, the headcount its 60 hours need (1).
    assert (team.tiers, team.hours, team.headcount, team.region) == ((3,), 1200.0, 1.0, "APAC")
    sized = infer_roster(
        accounts, (1000.0, 100.0), (60.0, 12.0, 2.0), (1000.0,) * 3, pool_csms={"Scale Team C": 3}
    )
    assert sized.entries[1].headcount == 3.0


def test_a_roster_naming_a_csm_twice_is_input_error() -> None:
    with pytest.raises(InputError, match="on the roster twice"):
        Roster((RosterEntry("A", (1,), 1), RosterEntry("A", (2,), 1)))


def test_an_owner_whose_book_spans_regions_covers_every_region() -> None:
    # 5 of 9 accounts in EMEA (56%) is its largest region but not its region: keeping accounts
    # in their region must not send away the APAC accounts it serves today.
    regions = ["EMEA"] * 5 + ["APAC"] * 4 + ["EMEA"] * 3 + ["APAC"] * 2
    accounts = Accounts.from_columns(
        [f"c{i}" for i in range(len(regions))],
        [100.0] * len(regions),
        csm_owner=["Omar Haddad"] * 9 + ["Mei Lin"] * 5,
        region=regions,
    )
    roster = infer_roster(accounts, (1000.0,), (12.0, 2.0), (1100.0, 1100.0))
    by_name = {entry.csm: entry.region for entry in roster.entries}
    assert by_name == {"Omar Haddad": None, "Mei Lin": "EMEA"}  # 3 of 5: 60%


def test_the_roster_is_compared_with_the_plan_pages_teams_only_when_their_hours_differ() -> None:
    roster = Roster((RosterEntry("Grace Kim", (1,), 1100.0), RosterEntry("Pool", (2,), 1000, 2)))
    same = (Team(csms=1, hours_per_csm=1100.0), Team(csms=2, hours_per_csm=1000.0))
    assert against_teams(roster, same) is None
    more = (Team(csms=3, hours_per_csm=1100.0), Team(csms=2, hours_per_csm=1000.0))
    assert against_teams(roster, more) == (
        "The roster has 2 CSMs and pools, 3 people with 3,100 h a year; the Plan page's teams "
        "count 5 CSMs with 5,300 h. Proposals are made over the roster: edit it below to plan "
        "with another headcount."
    )


def test_a_roster_file_past_the_cap_is_refused_before_it_is_read() -> None:
    header = b"csm,tiers,hours\n"
    line = b"Ana,Tier 1,1200\n"
    huge = header + line * (MAX_ROSTER_FILE_MB * 1024 * 1024 // len(line) + 1)
    with pytest.raises(InputError, match=f"larger than {MAX_ROSTER_FILE_MB} MB"):
        read_roster_csv(huge, TIERS)
