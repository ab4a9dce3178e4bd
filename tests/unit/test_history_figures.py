"""lib.history_figures and lib.history_charts: what the Tiers over time page shows agrees with
lib.history's own figures, and the churn chart is a valid Plotly figure a room can read (the
flow chart: test_flow_chart.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib.history import History, Rules, Snapshot, flapped, stability, tiers_over_time
from lib.history_charts import churn_spec, churn_title
from lib.history_figures import (
    LoadedHistory,
    changed_revenue_share,
    churn_table,
    flapped_mask,
    flapped_table,
    new_and_churned,
    outcome,
    pair_migration,
)

QUARTER_ENDS = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]


def _history(rows: dict[str, list[float | None]]) -> History:
    """Accounts -> revenue per quarter (None: not a customer that quarter)."""
    snapshots = []
    for p, ends in enumerate(QUARTER_ENDS[: len(next(iter(rows.values())))]):
        here = {i: v[p] for i, v in rows.items() if v[p] is not None}
        snapshots.append(
            Snapshot(
                label=f"2026 Q{p + 1}",
                ends=ends,
                ids=np.array(list(here), dtype=object),
                cents=np.array([round(v * 100) for v in here.values()], dtype=np.int64),
            )
        )
    return History.of(snapshots)


SMALL = {
    "a": [100.0, 70.0, 100.0, 100.0],  # Tier 1, Tier 2, Tier 1: a flap
    "b": [60.0, 60.0, 60.0, 60.0],  # Tier 2 throughout
    "c": [10.0, 10.0, None, None],  # Tier 3, then churned
    "d": [None, 55.0, 55.0, 120.0],  # new in Q2
}
CUTS = (90.0, 50.0)


def test_the_flapped_mask_finds_the_account_that_left_tier_1_and_came_back():
    history = _history(SMALL)
    tiers = tiers_over_time(history, CUTS)
    mask = flapped_mask(tiers, 2)
    assert history.ids[mask].tolist() == ["a"]
    table = flapped_table(LoadedHistory(history, None, (), "test"), tiers, 2)
    assert table.to_dict("records") == [
        {"customer_id": "a", "2026 Q1": "Tier 1", "2026 Q2": "Tier 2", "2026 Q3": "Tier 1",
         "2026 Q4": "Tier 1"}
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    tiers=arrays(np.int8, st.tuples(st.integers(2, 6), st.integers(1, 30)), elements=st.integers(0, 3)),  # noqa: E501
    within=st.integers(2, 5),
)  # fmt: skip
def test_the_flapped_list_has_as_many_accounts_as_lib_history_counts(tiers, within):
    assert int(flapped_mask(tiers, within).sum()) == flapped(tiers, within)


def test_the_matrix_of_two_consecutive_periods_is_the_transition_lib_history_measures():
    history = _history(SMALL)
    rules = Rules(buffer=0.1)
    tiers = tiers_over_time(history, CUTS, rules)
    measured = stability(history, CUTS, rules)
    for p, transition in enumerate(measured.transitions):
        migration = pair_migration(history, tiers, p, p + 1)
        expected = {
            (cell.as_dict()["from"], cell.as_dict()["to"]): (cell.customers, cell.revenue_cents)
            for cell in transition.cells
            if cell.customers
        }
        got = {(f.source, f.target): (f.customers, round(f.revenue * 100)) for f in migration.flows}
        assert got == expected
        assert migration.moved_customers == transition.changed_customers


def test_the_matrix_of_any_two_periods_counts_new_and_churned_as_none():
    history = _history(SMALL)
    tiers = tiers_over_time(history, CUTS)
    migration = pair_migration(history, tiers, 0, 3)
    flows = {(f.source, f.target): f.customers for f in migration.flows}
    assert flows == {("Tier 1", "Tier 1"): 1, ("Tier 2", "Tier 2"): 1, ("Tier 3", "none"): 1,
                     ("none", "Tier 1"): 1}  # fmt: skip
    churned = migration.cell("Tier 3", "none")
    assert churned is not None and churned.revenue == 10.0  # its last revenue


def test_the_quarter_table_says_what_changed_who_arrived_and_who_left():
    history = _history(SMALL)
    measured = stability(history, CUTS)
    table = churn_table(measured)
    assert table["Quarter"].tolist() == ["2026 Q1 → 2026 Q2", "2026 Q2 → 2026 Q3",
                                         "2026 Q3 → 2026 Q4"]  # fmt: skip
    # Q1 -> Q2: a drops to Tier 2, d arrives: 2 of 4 accounts.
    first = table.iloc[0]
    assert (first["Accounts changing tier"], first["New"], first["Churned"]) == (2, 1, 0)
    assert first["Share of accounts"] == 0.5
    assert first["Revenue changing tier"] == 125.0  # a's 70 and d's 55
    assert first["Share of revenue"] == changed_revenue_share(measured.transitions[0])
    assert new_and_churned(measured.transitions[1]) == (0, 1)


def test_an_outcome_needs_hours_per_account_times_accounts_per_tier():
    history = _history(SMALL)
    result = outcome(history, CUTS, Rules(), (75.0, 12.0, 1.0), 2)
    assert result.hours_needed == (75 + 12 + 1, 12 * 3 + 1, 75 + 12 * 2, 75 * 2 + 12)
    assert result.top_tier_share == 220 / 280
    assert result.worst is not None and result.worst.to_period == "2026 Q2"
    assert result.quarters_over(0.2) == 3


def test_the_churn_chart_marks_the_cap_and_draws_the_plain_rules_for_comparison():
    history = _history(SMALL)
    plain = stability(history, CUTS)
    ruled = stability(history, CUTS, Rules(buffer=0.2))
    spec = churn_spec(ruled, 0.2, plain)
    go.Figure(spec)
    assert [t["name"] for t in spec["data"]] == [
        "Accounts changing tier",
        "Revenue changing tier",
        "Accounts, without the rules",
    ]
    assert spec["data"][0]["y"] == [round(t.changed_share * 100, 2) for t in ruled.transitions]
    assert spec["layout"]["shapes"][0]["y0"] == 20
    assert spec["layout"]["annotations"][0]["text"] == "20% cap"
    assert churn_title(plain, 0.2) == "3 of 3 quarters over the 20% cap"
    assert churn_title(plain, 0.6) == "Every quarter within the 60% cap"


@pytest.mark.parametrize("rules", [Rules(), Rules(buffer=0.1, min_stay=2)])
def test_an_outcome_s_matrix_of_neighbours_is_the_one_its_tiers_give(rules):
    history = _history(SMALL)
    result = outcome(history, CUTS, rules, (1.0, 1.0, 1.0), 2)
    assert "tiers" not in result.__dict__  # nothing asked for them yet
    neighbours = [result.migration(p, p + 1) for p in range(history.periods - 1)]
    assert "tiers" not in result.__dict__  # a slider move on the defaults never tiers again
    tiers = tiers_over_time(history, CUTS, rules)
    assert neighbours == [pair_migration(history, tiers, p, p + 1) for p in range(3)]
    assert result.migration(0, 3) == pair_migration(history, tiers, 0, 3)
    assert (result.tiers == tiers).all()


def test_the_pairs_sentence_calls_arrivals_and_departures_new_or_gone_not_a_change_of_tier() -> (
    None
):
    history = _history({"a": [100.0, 40.0], "b": [10.0, None], "c": [None, 60.0], "d": [None, 5.0]})
    tiers = tiers_over_time(history, (80.0, 50.0), Rules())
    sentence = pair_migration(history, tiers, 0, 1).headline("$")
    # a: Tier 1 -> Tier 3; b leaves ($10); c and d arrive ($60 + $5).
    assert sentence == (
        "1 account, $40 of revenue, moves down a tier; 3 accounts, $75 of revenue, are new or gone."
    )
