"""lib.history: tiers over time under stability rules, transitions, flaps (issue 16)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import history_tiering
from lib.errors import InputError
from lib.history import (
    NO_DATE,
    History,
    Rules,
    Snapshot,
    day_number,
    flapped,
    stability,
    stability_with_and_without,
    tiers_over_time,
)
from lib.tiering import tier_of

QUARTER_ENDS = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]
QUARTER_ENDS += [d.replace(year=2026) for d in QUARTER_ENDS]


def snap(label: str, ends: date, rows: dict[str, int], **extra) -> Snapshot:
    ids = np.array(list(rows), dtype=object)
    cents = np.array(list(rows.values()), dtype=np.int64)
    return Snapshot(label, ends, ids, cents, **extra)


def history_of(periods: list[dict[str, int]], **extra) -> History:
    return History.of(
        [snap(f"P{p}", QUARTER_ENDS[p], rows, **extra) for p, rows in enumerate(periods)]
    )


def column(history: History, tiers: np.ndarray, customer: str) -> list[int]:
    where = list(history.ids).index(customer)
    return [int(t) for t in tiers[:, where]]


# --- a reference: one account at a time, in exact fractions --------------------------------


def reference_tiers(
    history: History, cuts: list[float], rules: Rules
) -> np.ndarray:  # pragma: no cover - the slow twin of tiers_over_time
    ordered = sorted((Fraction(repr(c)) for c in cuts), reverse=True)
    band = Fraction(repr(rules.buffer))
    out = np.zeros(history.cents.shape, dtype=np.int8)
    for i in range(history.accounts):
        stay = 0
        for p in range(history.periods):
            if not history.present[p, i]:
                out[p, i], stay = 0, 0
                continue
            value = Fraction(int(history.cents[p, i]), 100)
            previous = int(out[p - 1, i]) if p else 0
            if history.fixed[p] is not None:  # a recorded tier list: as recorded
                tier = int(history.fixed[p][i])
                stay = stay + 1 if tier == previous else 1
                out[p, i] = tier
                continue
            plain = 1 + sum(value < c for c in ordered)
            if previous == 0:
                tier = plain
            else:
                tier = 1
                for j, c in enumerate(ordered, start=1):
                    above = value >= c * (1 - band) if previous <= j else value >= c * (1 + band)
                    tier += not above
                demoted = tier > previous
                protected = (
                    rules.protect_until_renewal
                    and history.protected is not None
                    and bool(history.protected[p, i])
                )
                if demoted and ((rules.min_stay > 1 and stay < rules.min_stay) or protected):
                    tier = previous
            stay = stay + 1 if tier == previous else 1
            out[p, i] = tier
    return out


values = st.integers(0, 30_000)  # cents: $0 to $300
periods_strategy = st.lists(
    st.dictionaries(st.sampled_from("abcdefgh"), values, min_size=1, max_size=8),
    min_size=1,
    max_size=6,
)
cuts_strategy = st.lists(st.integers(1, 300), min_size=1, max_size=4)
buffers = st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0])


@given(periods_strategy, cuts_strategy, buffers, st.integers(0, 4))
def test_tiers_over_time_equal_the_rules_applied_one_account_at_a_time(
    periods, cuts, buffer, min_stay
):
    history = history_of(periods)
    rules = Rules(buffer=buffer, min_stay=min_stay)
    np.testing.assert_array_equal(
        tiers_over_time(history, cuts, rules), reference_tiers(history, cuts, rules)
    )


@given(periods_strategy, cuts_strategy)
def test_without_rules_every_period_is_tiered_plainly(periods, cuts):
    history = history_of(periods)
    tiers = tiers_over_time(history, cuts, Rules(buffer=0.0))
    for p in range(history.periods):
        here = history.present[p]
        expected = tier_of(history.cents[p][here] / 100, cuts, in_cents=True)
        np.testing.assert_array_equal(tiers[p][here], expected)
        assert (tiers[p][~here] == 0).all()


def tier_steps(tiers: np.ndarray) -> int:
    """Cut-offs crossed between consecutive periods, among accounts present in both."""
    both = (tiers[1:] > 0) & (tiers[:-1] > 0)
    return int(np.abs(tiers[1:].astype(int) - tiers[:-1])[both].sum())


def tier_changes(tiers: np.ndarray) -> int:
    return int((tiers[1:] != tiers[:-1]).sum())


@given(periods_strategy, st.integers(1, 300), buffers, buffers)
def test_a_wider_band_never_adds_tier_changes_with_two_tiers(periods, cut, one, other):
    history = history_of(periods)
    narrow, wide = sorted((one, other))
    assert tier_changes(tiers_over_time(history, [cut], Rules(buffer=wide))) <= tier_changes(
        tiers_over_time(history, [cut], Rules(buffer=narrow))
    )


@given(periods_strategy, cuts_strategy, buffers, buffers)
def test_a_wider_band_never_adds_cut_off_crossings(periods, cuts, one, other):
    # With several cut-offs each one is its own switch: a wider band never makes an account
    # cross more cut-offs, though it may cross them one at a time (Tier 3 -> 2 -> 1 where a
    # narrower band went 3 -> 1 at once), see the next test.
    history = history_of(periods)
    narrow, wide = sorted((one, other))
    assert tier_steps(tiers_over_time(history, cuts, Rules(buffer=wide))) <= tier_steps(
        tiers_over_time(history, cuts, Rules(buffer=narrow))
    )


def test_a_band_can_split_one_move_of_two_tiers_into_two_moves():
    history = history_of([{"a": 40_00}, {"a": 110_00}, {"a": 125_00}])
    assert column(history, tiers_over_time(history, [100, 50]), "a") == [3, 1, 1]
    banded = tiers_over_time(history, [100, 50], Rules(buffer=0.2))
    assert column(history, banded, "a") == [3, 2, 1]  # 110 clears 50 x 1.2, not 100 x 1.2


def test_the_band_promotes_at_exactly_its_upper_edge_and_demotes_just_below_its_lower():
    cut, rules = [100], Rules(buffer=0.1)
    rising = history_of([{"a": 50_00, "b": 50_00}, {"a": 110_00, "b": 109_99}])
    assert column(rising, tiers_over_time(rising, cut, rules), "a") == [2, 1]
    assert column(rising, tiers_over_time(rising, cut, rules), "b") == [2, 2]
    falling = history_of([{"a": 150_00, "b": 150_00}, {"a": 90_00, "b": 89_99}])
    assert column(falling, tiers_over_time(falling, cut, rules), "a") == [1, 1]
    assert column(falling, tiers_over_time(falling, cut, rules), "b") == [1, 2]


def test_a_band_on_a_cut_off_with_cents_is_exact_decimals():
    # 0.1 x 0.1 is not 0.01 in binary; the band's edges are the decimals written.
    rising = history_of([{"a": 0}, {"a": 110_11}, {"a": 90_09}, {"a": 90_08}])
    tiers = tiers_over_time(rising, [100.1], Rules(buffer=0.1))
    assert column(rising, tiers, "a") == [2, 1, 1, 2]  # 110.11 = 100.1 x 1.1; 90.09 lower


def test_the_first_period_is_tiered_plainly_whatever_the_band():
    history = history_of([{"a": 101_00, "b": 99_00}])
    assert column(history, tiers_over_time(history, [100], Rules(buffer=0.5)), "a") == [1]
    assert column(history, tiers_over_time(history, [100], Rules(buffer=0.5)), "b") == [2]


def test_an_account_that_comes_back_starts_plainly():
    history = history_of([{"a": 150_00, "x": 1}, {"x": 1}, {"a": 95_00, "x": 1}])
    tiers = tiers_over_time(history, [100], Rules(buffer=0.1))
    assert column(history, tiers, "a") == [1, 0, 2]  # not held in Tier 1 by the band


def test_minimum_stay_holds_a_demotion_until_the_account_has_been_k_periods_in_its_tier():
    history = history_of([{"a": 50_00}, {"a": 150_00}, *[{"a": 50_00}] * 3])
    assert column(history, tiers_over_time(history, [100]), "a") == [2, 1, 2, 2, 2]
    assert column(history, tiers_over_time(history, [100], Rules(min_stay=2)), "a") == [
        2,
        1,
        1,
        2,
        2,
    ]
    assert column(history, tiers_over_time(history, [100], Rules(min_stay=3)), "a") == [
        2,
        1,
        1,
        1,
        2,
    ]


def test_minimum_stay_never_holds_back_a_promotion():
    history = history_of([{"a": 150_00}, {"a": 50_00}, {"a": 150_00}])
    assert column(history, tiers_over_time(history, [100], Rules(min_stay=1)), "a") == [1, 2, 1]


def test_protection_until_renewal_holds_a_demotion_until_the_renewal_recorded_before():
    q1, q2, q3 = QUARTER_ENDS[:3]
    after_q2 = day_number(date(2025, 8, 15))  # renews during Q3
    snapshots = [
        snap("Q1", q1, {"a": 150_00, "b": 150_00, "c": 150_00}),
        snap("Q2", q2, {"a": 50_00, "b": 50_00, "c": 50_00}),
        snap("Q3", q3, {"a": 50_00, "b": 50_00, "c": 50_00}),
    ]
    renewals = np.array([after_q2, NO_DATE, day_number(q2)], dtype=np.int32)
    snapshots = [Snapshot(s.label, s.ends, s.ids, s.cents, renewals=renewals) for s in snapshots]
    history = History.of(snapshots)
    tiers = tiers_over_time(history, [100], Rules(protect_until_renewal=True))
    assert column(history, tiers, "a") == [1, 1, 2]  # renews in Q3: demoted then
    assert column(history, tiers, "b") == [1, 2, 2]  # no renewal date: not protected
    assert column(history, tiers, "c") == [1, 2, 2]  # renewed on Q2's last day


def test_protection_without_renewal_dates_says_so():
    history = history_of([{"a": 1}, {"a": 2}])
    with pytest.raises(InputError, match="renewal"):
        tiers_over_time(history, [100], Rules(protect_until_renewal=True))


def test_recorded_tiers_are_taken_as_they_are_and_the_rules_go_on_from_them():
    first = Snapshot(
        "Q1",
        QUARTER_ENDS[0],
        np.array(["a", "b"], dtype=object),
        np.array([10_00, 500_00]),
        fixed_tiers=np.array([1, 2]),
    )
    second = snap("Q2", QUARTER_ENDS[1], {"a": 95_00, "b": 105_00})
    history = History.of([second, first])
    tiers = tiers_over_time(history, [100], Rules(buffer=0.1))
    assert column(history, tiers, "a") == [1, 1]  # recorded Tier 1, inside the band
    assert column(history, tiers, "b") == [2, 2]


def test_periods_are_ordered_by_date_not_by_the_order_given():
    later = snap("2026 Q1", date(2026, 3, 31), {"a": 1})
    earlier = snap("2025 Q4", date(2025, 12, 31), {"a": 2})
    assert History.of([later, earlier]).labels == ("2025 Q4", "2026 Q1")


def test_two_snapshots_of_one_period_are_refused_with_a_sentence():
    one = snap("2026 Q1", date(2026, 3, 31), {"a": 1}, source="jan.csv")
    two = snap("2026 Q1", date(2026, 3, 31), {"a": 1}, source="mar.csv")
    with pytest.raises(InputError, match=r"jan\.csv.*mar\.csv.*same period"):
        History.of([one, two])


def test_snapshots_in_different_currencies_are_refused_with_a_sentence():
    one = snap("2026 Q1", date(2026, 3, 31), {"a": 1}, currency="$")
    two = snap("2026 Q2", date(2026, 6, 30), {"a": 1}, currency="€")
    with pytest.raises(InputError, match="different currencies"):
        History.of([one, two])


def test_snapshots_with_different_columns_say_which_and_still_make_a_history():
    one = snap("2026 Q1", date(2026, 3, 31), {"a": 1}, columns=("customer_id", "nps"))
    two = snap("2026 Q2", date(2026, 6, 30), {"a": 1}, columns=("customer_id", "region"))
    history = History.of([one, two])
    assert history.notes == (
        "2026 Q2 lacks nps and has region too, unlike 2026 Q1: tiers use the revenue alone, "
        "but figures from other columns differ between periods.",
    )


def test_a_customer_listed_twice_in_one_period_is_refused():
    twice = Snapshot("Q1", QUARTER_ENDS[0], np.array(["a", "a"], dtype=object), np.array([1, 2]))
    with pytest.raises(InputError, match="Customer a is listed twice in Q1"):
        History.of([twice])


# --- stability ------------------------------------------------------------------------------


def cells(transition) -> dict[tuple[str, str], tuple[int, float]]:
    return {(c["from"], c["to"]): (c["customers"], c["revenue"]) for c in transition["matrix"]}


def test_new_and_churned_accounts_are_counted_as_none_to_tier_and_tier_to_none():
    history = history_of(
        [{"a": 150_00, "b": 50_00, "gone": 20_00}, {"a": 150_00, "b": 50_00, "new": 300_00}]
    )
    found = stability(history, [100]).as_dict()
    (move,) = found["transitions"]
    matrix = cells(move)
    assert matrix[("Tier 2", "none")] == (1, 20.0)  # churned: its last revenue
    assert matrix[("none", "Tier 1")] == (1, 300.0)  # new: this period's revenue
    assert matrix[("Tier 1", "Tier 1")] == (1, 150.0)
    assert move["changed_customers"] == 2
    assert move["changed_share"] == pytest.approx(2 / 4)
    assert move["changed_revenue"] == 320.0
    assert ("none", "none") not in matrix
    assert len(matrix) == 3 * 3 - 1


def test_the_json_has_exactly_the_keys_of_the_contract():
    history = history_of([{"a": 1}, {"a": 2}])
    found = stability(history, [100, 50]).as_dict()
    assert set(found) == {"periods", "transitions", "flapped"}
    assert set(found["transitions"][0]) == {
        "from_period",
        "to_period",
        "changed_customers",
        "changed_share",
        "changed_revenue",
        "matrix",
    }
    assert {key for cell in found["transitions"][0]["matrix"] for key in cell} == {
        "from",
        "to",
        "customers",
        "revenue",
    }


@given(periods_strategy, cuts_strategy, buffers, st.integers(0, 3))
def test_matrices_add_up_to_each_periods_tiers_and_revenue_to_the_cent(
    periods, cuts, buffer, min_stay
):
    history = history_of(periods)
    rules = Rules(buffer=buffer, min_stay=min_stay)
    found = stability(history, cuts, rules)
    tiers = tiers_over_time(history, cuts, rules)
    for p, figures in enumerate(found.tiers):
        for t, (customers, revenue) in enumerate(
            zip(figures.customers, figures.revenue_cents, strict=True), start=1
        ):
            assert customers == int((tiers[p] == t).sum())
            assert revenue == int(history.cents[p][tiers[p] == t].sum())
    for p, move in enumerate(found.transitions):
        assert move.customers == int((history.present[p] | history.present[p + 1]).sum())
        assert move.changed_customers == int((tiers[p] != tiers[p + 1]).sum())
        counted = np.where(history.present[p + 1], history.cents[p + 1], history.cents[p])
        for cell in move.cells:
            here = (tiers[p] == cell.from_tier) & (tiers[p + 1] == cell.to_tier)
            assert cell.customers == int(here.sum())
            assert cell.revenue_cents == int(counted[here].sum())


def test_flaps_are_accounts_that_leave_a_tier_and_come_back_within_n_periods():
    tiers = np.array(
        [
            [1, 1, 1, 1, 1, 2],
            [2, 2, 0, 1, 2, 1],
            [1, 3, 1, 1, 2, 2],
            [1, 1, 1, 1, 1, 3],
        ],
        dtype=np.int8,
    )
    # a: 1-2-1 flaps. b: 1-2-3-1 back after 3 periods. c: 1-none-1 churned and returned.
    # d never moves. e: 1-2-2-1 after 3. f: 2-1-2 flaps.
    assert flapped(tiers, 2) == 2
    assert flapped(tiers, 3) == 4


def test_a_band_removes_the_flap_of_an_account_hovering_at_a_cut_off():
    history = history_of([{"a": 101_00}, {"a": 99_00}, {"a": 101_00}, {"a": 99_00}])
    assert stability(history, [100]).flapped == 1
    assert stability(history, [100], Rules(buffer=0.05)).flapped == 0
    assert stability(history, [100], Rules(buffer=0.05)).worst_changed_share == 0


def test_a_single_period_has_its_tiers_and_no_transition():
    found = stability(history_of([{"a": 150_00, "b": 5_00}]), [100])
    assert found.transitions == ()
    assert found.tiers[0].customers == (1, 1)
    assert found.tiers[0].revenue_cents == (150_00, 5_00)


def test_a_buffer_outside_0_to_100_percent_is_refused_in_a_sentence():
    with pytest.raises(InputError, match="fraction between 0 and 1"):
        Rules(buffer=10)
    with pytest.raises(InputError, match="minimum stay is 0 to 100"):
        Rules(min_stay=-1)


# --- stable suggestions ----------------------------------------------------------------------

from hypothesis import settings  # noqa: E402

from lib.history_suggest import (  # noqa: E402
    BUFFER_STEPS,
    buffer_grid,
    smallest_stable_buffer,
    stable_cuts_for_shares,
    worst_churn,
)
from lib.suggest import TIE_TOLERANCE  # noqa: E402

churn_targets = st.sampled_from([0.0, 0.1, 0.2, 0.34, 0.5, 1.0])


@settings(max_examples=25)
@given(periods_strategy, cuts_strategy, churn_targets, st.integers(0, 3))
def test_the_smallest_stable_buffer_is_the_first_grid_step_that_meets_the_target(
    periods, cuts, target, min_stay
):
    history = history_of(periods)
    found = smallest_stable_buffer(history, cuts, target, min_stay)
    every = [
        worst_churn(history, cuts, Rules(buffer_grid(step), min_stay))
        for step in range(BUFFER_STEPS + 1)
    ]
    meeting = [step for step, churn in enumerate(every) if churn <= target]
    if meeting:
        assert found.buffer == buffer_grid(meeting[0])
        assert found.churn == every[meeting[0]]
    else:
        assert found.buffer is None
        assert found.churn == min(every)
        assert "No buffer band" in found.sentence


def test_a_band_brings_a_hovering_history_within_the_target_and_says_so():
    history = history_of(
        [{"a": 101_00, "b": 10_00}, {"a": 96_00, "b": 10_00}, {"a": 101_00, "b": 10_00}]
    )
    found = smallest_stable_buffer(history, [100], 0.2)
    assert found.buffer == 0.04  # 96 is demoted below 100 x (1 - b): b < 4%
    assert "A buffer band of 4% keeps tier churn at or below 20%" in found.sentence


def test_the_suggestion_names_the_other_rules_it_was_found_under():
    # Plain tiering flaps a (2 changes of 2 accounts: 50%); a 2-period minimum stay keeps it
    # in Tier 1, so no band is needed *with that rule*: the sentence must not pass for plain.
    history = history_of(
        [{"a": 101_00, "b": 10_00}, {"a": 96_00, "b": 10_00}, {"a": 101_00, "b": 10_00}]
    )
    found = smallest_stable_buffer(history, [100], 0.2, min_stay=2)
    assert found.buffer == 0
    assert found.sentence.startswith("With a 2-period minimum stay and no buffer band, ")
    plain = smallest_stable_buffer(history, [100], 0.2)
    assert "(with" not in plain.sentence and "minimum stay" not in plain.sentence


def test_churn_from_new_and_departing_accounts_cannot_be_buffered_away():
    history = history_of([{"a": 10_00, "b": 10_00}, {"a": 10_00, "c": 10_00}])
    found = smallest_stable_buffer(history, [100], 0.2)
    assert found.buffer is None
    assert "new and departing accounts alone are 66.7%" in found.sentence


def brute_stable_cuts(history, targets, cap, rules):
    """Every candidate value for each cut-off in turn, as the definition says."""
    last = history.periods - 1
    here = history.present[last]
    cents = [int(c) for c in history.cents[last][here]]
    total = sum(cents)
    values = sorted(set(cents), reverse=True)
    cuts: list[float] = []
    for t, share in enumerate(targets):
        ceiling = round(cuts[-1] * 100) if cuts else None
        above_ceiling = sum(c for c in cents if ceiling is not None and c >= ceiling)
        feasible = []
        for value in values:
            if ceiling is not None and value > ceiling:
                continue
            revenue = sum(c for c in cents if c >= value) - above_ceiling
            gap = abs((revenue / total if total else 0.0) - share)
            if worst_churn(history, [*cuts, value / 100], rules) <= cap:
                feasible.append((gap, value))
        if not feasible:
            return None
        least = min(gap for gap, _ in feasible)
        cuts.append(max(v for gap, v in feasible if gap <= least + TIE_TOLERANCE) / 100)
        del t
    return tuple(cuts)


@settings(max_examples=40)
@given(
    periods_strategy,
    st.lists(st.sampled_from([0.5, 0.4, 0.3, 0.2]), min_size=1, max_size=3),
    churn_targets,
    buffers,
)
def test_stable_share_cut_offs_equal_a_search_over_every_candidate(periods, targets, cap, buffer):
    history = history_of(periods)
    if not history.present[-1].any():
        return
    rules = Rules(buffer=buffer)
    found = stable_cuts_for_shares(history, targets, cap, rules)
    assert found.cuts == brute_stable_cuts(history, targets, cap, rules)
    if found.cuts is not None:
        assert found.churn is not None and found.churn <= cap


def reference_flaps(tiers: np.ndarray, within: int) -> int:
    """An account flaps when it is in tier A at p, another tier in between (a customer
    throughout) and A again at q, with q - p <= within."""
    count = 0
    for account in tiers.T:
        found = False
        for p in range(len(account)):
            for q in range(p + 2, min(len(account), p + within + 1)):
                between = account[p + 1 : q]
                if (
                    account[p] > 0
                    and account[q] == account[p]
                    and (between > 0).all()
                    and (between != account[p]).any()
                ):
                    found = True
        count += found
    return count


@given(
    st.lists(st.lists(st.integers(0, 3), min_size=6, max_size=6), min_size=1, max_size=7),
    st.integers(2, 5),
)
def test_flaps_equal_their_definition_account_by_account(rows, within):
    tiers = np.array(rows, dtype=np.int8).T.copy()  # periods x accounts
    assert flapped(tiers, within) == reference_flaps(tiers, within)


# --- stability against the tiers made one account at a time --------------------------------

renewal_offsets = st.lists(st.integers(-200, 200), min_size=8, max_size=8)


def history_with_renewals(
    periods: list[dict[str, int]], offsets: list[int], recorded: int | None = None
) -> History:
    """Each account's renewal `offsets[k]` days after its period's end (k: its letter); period
    `recorded` (if any) an adopted tier list (tiers 1 to 4 made from the offsets)."""
    snapshots = []
    for p, rows in enumerate(periods):
        ends = QUARTER_ENDS[p]
        letters = ["abcdefgh".index(c) for c in rows]
        renewals = np.array([day_number(ends) + offsets[k] for k in letters], dtype=np.int32)
        fixed = np.array([1 + offsets[k] % 4 for k in letters]) if p == recorded else None
        snapshots.append(snap(f"P{p}", ends, rows, renewals=renewals, fixed_tiers=fixed))
    return History.of(snapshots)


def dense_transitions(history: History, tiers: np.ndarray) -> list[tuple]:
    """Each pair of periods' accounts, changes and cells, counted over every account."""
    found = []
    for p in range(history.periods - 1):
        counted = np.where(history.present[p + 1], history.cents[p + 1], history.cents[p])
        changed = tiers[p] != tiers[p + 1]
        cells = {}
        for a, b in zip(tiers[p].tolist(), tiers[p + 1].tolist(), strict=True):
            cells[a, b] = cells.get((a, b), 0) + 1
        revenue = {
            key: int(counted[(tiers[p] == key[0]) & (tiers[p + 1] == key[1])].sum())
            for key in cells
        }
        found.append(
            (
                int((history.present[p] | history.present[p + 1]).sum()),
                int(changed.sum()),
                int(counted[changed].sum()),
                {k: (v, revenue[k]) for k, v in cells.items() if k != (0, 0)},
            )
        )
    return found


def measured_transitions(found) -> list[tuple]:
    return [
        (
            t.customers,
            t.changed_customers,
            t.changed_revenue_cents,
            {
                (c.from_tier, c.to_tier): (c.customers, c.revenue_cents)
                for c in t.cells
                if c.customers
            },
        )
        for t in found.transitions
    ]


rules_strategy = st.builds(
    Rules, buffer=buffers, min_stay=st.integers(0, 4), protect_until_renewal=st.booleans()
)


@given(periods_strategy, cuts_strategy, rules_strategy, renewal_offsets, st.integers(2, 4))
def test_stability_equals_the_figures_of_the_tiers_made_one_account_at_a_time(
    periods, cuts, rules, offsets, within
):
    """stability() looks only at the accounts that can change; here every account is counted,
    from the slow reference's tiers: the same matrices, changes, revenue, flaps and tiers."""
    history = history_with_renewals(periods, offsets, recorded=offsets[0] % 7 - 1)
    tiers = reference_tiers(history, cuts, rules)
    found = stability(history, cuts, rules, within)
    assert measured_transitions(found) == dense_transitions(history, tiers)
    assert found.flapped == reference_flaps(tiers, within)
    for p, figures in enumerate(found.tiers):
        for t, (customers, revenue) in enumerate(
            zip(figures.customers, figures.revenue_cents, strict=True), start=1
        ):
            assert customers == int((tiers[p] == t).sum())
            assert revenue == int(history.cents[p][tiers[p] == t].sum())


@given(periods_strategy, cuts_strategy, rules_strategy, renewal_offsets)
def test_measuring_with_and_without_rules_at_once_equals_measuring_each_apart(
    periods, cuts, rules, offsets
):
    history = history_with_renewals(periods, offsets)
    without, with_rules = stability_with_and_without(history, cuts, rules)
    assert without == stability(history, cuts, Rules())
    assert with_rules == stability(history, cuts, rules)
    assert (with_rules is without) == rules.is_plain


same_length_cuts = st.integers(1, 4).flatmap(
    lambda k: st.lists(
        st.lists(st.integers(1, 300), min_size=k, max_size=k), min_size=2, max_size=6
    )
)


@given(periods_strategy, same_length_cuts, rules_strategy, renewal_offsets)
def test_a_slider_s_moves_from_the_last_tiers_equal_tiering_afresh(periods, moves, rules, offsets):
    """plain_tiering starts each move from the last one's tiers (the accounts between the old
    and new lines moved); after every move, the figures are those of the slow reference."""
    history = history_with_renewals(periods, offsets, recorded=offsets[1] % 7 - 1)
    with patch.object(history_tiering, "_MOVE_SHARE", 1.0):  # always from the last move
        for cuts in moves:
            found = stability(history, cuts, rules)
            tiers = reference_tiers(history, cuts, rules)
            assert measured_transitions(found) == dense_transitions(history, tiers)
            assert found.flapped == reference_flaps(tiers, 2)
            np.testing.assert_array_equal(tiers_over_time(history, cuts, rules), tiers)


@given(st.lists(st.sets(st.integers(0, 30), max_size=8), max_size=5), st.booleans())
def test_union_lists_each_account_once_and_leaves_marks_clear(sets: list[set[int]], apart: bool):
    """`union` of arrays (each account at most once per array) is their set union; with
    `disjoint`, which the caller asserts only for arrays sharing no account, the same."""
    from lib.history_counts import union

    if apart:  # make the arrays disjoint: each keeps only accounts no earlier one has
        seen: set[int] = set()
        disjoint_sets = []
        for s in sets:
            disjoint_sets.append(s - seen)
            seen |= s
        sets = disjoint_sets
    marks = np.zeros(31, dtype=bool)
    arrays = [np.array(sorted(s), dtype=np.intp) for s in sets]
    found = union(arrays, marks, disjoint=apart)
    assert sorted(found.tolist()) == sorted(set().union(*sets))
    assert found.dtype == np.intp
    assert not marks.any()
