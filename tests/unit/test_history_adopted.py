"""Adopted tier lists as the periods of a history (lib/history_adopted.py): one period per day
with an adoption, tiers as recorded or recomputed from the revenue recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from lib import scenario_store_sql
from lib.adoption import TierList
from lib.history import Rules, stability
from lib.history_adopted import adopted_history, days_of_record, given_way
from lib.scenario import Scenario
from lib.scenario_store_sqlite import SqliteScenarioStore

IDS = np.array(["A", "B", "C", "D"], dtype=object)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqliteScenarioStore:
    made = SqliteScenarioStore(tmp_path / "scenarios.db")
    made.save("Three", Scenario(cuts=(1000.0, 100.0)))
    made.save("Four", Scenario(cuts=(5000.0, 1000.0, 100.0)))
    return made


def _adopt(store, monkeypatch, name: str, at: datetime, *, tiers: list[int], cents: list[int]):
    monkeypatch.setattr(scenario_store_sql, "now", lambda: at)
    return store.adopt(name, TierList(IDS[: len(tiers)], np.array(tiers), np.array(cents)))


DAY = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)


def test_each_day_keeps_its_last_adoption_oldest_day_first(store, monkeypatch) -> None:
    _adopt(store, monkeypatch, "Three", DAY, tiers=[1, 2, 3], cents=[200_000, 20_000, 100])
    _adopt(store, monkeypatch, "Three", DAY + timedelta(hours=3), tiers=[1, 1, 3], cents=[1, 2, 3])
    _adopt(
        store,
        monkeypatch,
        "Three",
        DAY + timedelta(days=92),
        tiers=[2, 2, 3, 3],
        cents=[1, 2, 3, 4],
    )
    kept = days_of_record(store.adoptions())
    assert [(i.adopted_at.hour, i.adopted_on.isoformat()) for i in kept] == [
        (12, "2026-09-30"),
        (9, "2026-12-31"),
    ]


def test_an_adoption_replaced_later_the_same_day_is_said(store, monkeypatch) -> None:
    _adopt(store, monkeypatch, "Three", DAY, tiers=[1, 2, 3], cents=[200_000, 20_000, 100])
    _adopt(store, monkeypatch, "Four", DAY + timedelta(hours=3), tiers=[1, 1, 3], cents=[1, 2, 3])
    _adopt(store, monkeypatch, "Three", DAY + timedelta(days=1), tiers=[1, 2], cents=[1, 2])
    assert given_way(store.adoptions()) == (
        "“Three”, adopted 09:00 UTC on 30 Sep 2026, gives way to “Four”, adopted later that "
        "day: a day of record keeps its last adoption (every adoption stays in the store).",
    )


def test_tiers_as_adopted_are_the_recorded_ones_and_recomputed_ones_come_from_the_cents(
    store, monkeypatch
) -> None:
    # Recorded tiers that the cut-offs on screen would not give: the history must keep them.
    _adopt(store, monkeypatch, "Three", DAY, tiers=[3, 3, 3], cents=[200_000, 20_000, 100])
    _adopt(
        store,
        monkeypatch,
        "Three",
        DAY + timedelta(days=92),
        tiers=[1, 1, 1, 1],
        cents=[1, 2, 3, 4],
    )
    adopted = adopted_history([store.adoption(i.id) for i in days_of_record(store.adoptions())])
    assert adopted.as_adopted.labels == ("2026 Q3", "2026 Q4")
    as_recorded = stability(adopted.as_adopted, (1000.0, 100.0), Rules())
    (step,) = as_recorded.transitions
    # A, B, C: Tier 3 -> Tier 1; D: none -> Tier 1.
    assert step.changed_customers == 4
    assert {(c.from_tier, c.to_tier): c.customers for c in step.cells if c.customers} == {
        (3, 1): 3,
        (0, 1): 1,
    }
    recomputed = stability(adopted.recomputed, (1000.0, 100.0), Rules())
    (step,) = recomputed.transitions
    # Under $1,000 / $100: A 2,000.00 -> T1 then 0.01 -> T3; B 200.00 -> T2 -> T3; C 1.00 T3.
    assert {(c.from_tier, c.to_tier): c.customers for c in step.cells if c.customers} == {
        (1, 3): 1,
        (2, 3): 1,
        (3, 3): 1,
        (0, 3): 1,
    }
    assert "“Three”, adopted 30 Sep 2026" in adopted.notes[0]


def test_tiers_as_adopted_need_the_screens_tier_count_and_say_why_when_they_cannot(
    store, monkeypatch
) -> None:
    _adopt(store, monkeypatch, "Three", DAY, tiers=[1, 2, 3], cents=[3, 2, 1])
    _adopt(store, monkeypatch, "Four", DAY + timedelta(days=1), tiers=[1, 2, 4], cents=[3, 2, 1])
    adopted = adopted_history([store.adoption(i.id) for i in days_of_record(store.adoptions())])
    history, why = adopted.for_tiers(3, as_adopted=True)
    assert history is adopted.recomputed
    assert why is not None and "have 4 tiers and the screen 3" in why
    assert adopted.for_tiers(3, as_adopted=False) == (adopted.recomputed, None)
    only_three = adopted_history([store.adoption(days_of_record(store.adoptions())[0].id)])
    assert only_three.for_tiers(3, as_adopted=True) == (only_three.as_adopted, None)
