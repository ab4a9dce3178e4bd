"""The tier of record (lib/adoption.py) in the scenario store: the contract every store keeps
(SQLite and PostgreSQL alike, through test_scenarios' BACKENDS), and old stores migrated."""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import scenario_store_sql
from lib.adoption import Adoption, AdoptionInfo, TierList, rows_blob, rows_from_blob
from lib.errors import InputError
from lib.scenario import Scenario
from lib.scenario_store import ScenarioConflict, ScenarioStore
from lib.scenario_store_sqlite import _SCHEMA, SCHEMA_VERSION, SqliteScenarioStore
from lib.slices import Slice
from tests.unit.test_scenarios import BACKENDS, assert_readable, rich_scenario


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ScenarioStore]:
    yield BACKENDS[request.param](request, tmp_path)


class Clock:
    """The store's clock, set by the test (every backend reads lib.scenario_store_sql.now)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
        monkeypatch.setattr(scenario_store_sql, "now", lambda: self.at)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def tier_list(n: int = 5, seed: int = 0, tiers: int = 3) -> TierList:
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:05d}" for i in range(n)], dtype=object)
    return TierList(ids, rng.integers(1, tiers + 1, n), rng.integers(0, 10**9, n))


def assert_same_rows(adoption: Adoption, expected: TierList) -> None:
    assert adoption.ids.tolist() == expected.ids.tolist()
    assert adoption.tiers.dtype == np.int8
    assert adoption.cents.dtype == np.int64
    assert adoption.tiers.tolist() == expected.tiers.tolist()
    assert adoption.cents.tolist() == expected.cents.tolist()


def test_an_adoption_records_the_tier_list_the_scenario_and_who_when(store, clock):
    scenario = rich_scenario()
    store.save("Q3 plan", scenario, author="lee")
    listed = tier_list(7)
    made = store.adopt("Q3 plan", listed, adopted_by="ana@example.com")
    assert made.name == "Q3 plan"
    assert made.adopted_by == "ana@example.com"
    assert made.adopted_at == clock.at
    assert made.adopted_on == date(2026, 9, 30)
    assert made.info.version == 1
    assert made.info.accounts == 7
    assert made.info.revenue_cents == int(listed.cents.sum())
    assert made.scenario == scenario
    assert made.info.cuts == scenario.cuts
    assert made.info.criteria == scenario.criteria
    assert made.info.slice == scenario.slice
    assert made.tier_count == 3
    read = store.adoption(made.id)
    assert read.info == made.info
    assert read.adopted_at.utcoffset() == timedelta(0)
    assert_same_rows(read, listed)
    assert_same_rows(store.adopted(), listed)


def test_adoptions_are_never_overwritten_and_listed_latest_first(store, clock):
    store.save("Q2 plan", Scenario((50_000.0, 20_000.0)))
    store.save("Q3 plan", Scenario((60_000.0,)))
    first = store.adopt("Q2 plan", tier_list(4, seed=1), adopted_by="ana")
    clock.at += timedelta(days=92)
    second = store.adopt("Q3 plan", tier_list(6, seed=2, tiers=2), adopted_by="bo")
    third = store.adopt("Q3 plan", tier_list(6, seed=3, tiers=2))  # the same day, again
    assert [info.id for info in store.adoptions()] == [third.id, second.id, first.id]
    assert len({first.id, second.id, third.id}) == 3
    assert store.adoptions()[2] == first.info
    assert_same_rows(store.adoption(first.id), tier_list(4, seed=1))
    assert store.adoptions()[0].adopted_by is None


def test_the_tier_of_record_on_a_day_is_the_latest_adoption_on_or_before_it(store, clock):
    store.save("Q3 plan", Scenario((60_000.0,)))
    assert store.adopted() is None
    clock.at = datetime(2026, 7, 1, 23, 59, 59, 999_999, tzinfo=UTC)
    july = store.adopt("Q3 plan", tier_list(3, seed=1, tiers=2))
    clock.at = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)
    october = store.adopt("Q3 plan", tier_list(3, seed=2, tiers=2))
    assert store.adopted(date(2026, 6, 30)) is None  # before the first
    assert store.adopted(date(2026, 7, 1)).id == july.id  # its own day counts
    assert store.adopted(date(2026, 9, 30)).id == july.id
    assert store.adopted(date(2026, 10, 1)).id == october.id
    assert store.adopted(date(2030, 1, 1)).id == october.id
    assert store.adopted().id == october.id


def test_an_adoption_outlives_a_save_rename_or_delete_of_its_scenario(store, clock):
    store.save("Q3 plan", Scenario((60_000.0,)), author="ana")
    made = store.adopt("Q3 plan", tier_list(3, tiers=2), adopted_by="ana")
    store.save("Q3 plan", Scenario((10_000.0, 5_000.0)), expected_version=1)
    store.rename("Q3 plan", "Old plan")
    store.delete("Old plan")
    kept = store.adoption(made.id)
    assert kept.name == "Q3 plan"
    assert kept.scenario == Scenario((60_000.0,))
    assert kept.info.version == 1


def test_adopting_checks_the_name_the_author_and_the_list(store):
    with pytest.raises(InputError) as raised:
        store.adopt("Nothing here", tier_list(2))
    assert "no saved scenario" in str(raised.value)
    store.save("Two tiers", Scenario((60_000.0,)))
    with pytest.raises(InputError) as raised:
        store.adopt("Two tiers", tier_list(50, tiers=3))  # Tier 3 in a two-tier scenario
    assert_readable(str(raised.value))
    twice = TierList(np.array(["A", "A"], dtype=object), [1, 2], [5, 6])
    with pytest.raises(InputError) as raised:
        store.adopt("Two tiers", twice)
    assert "twice" in str(raised.value)
    made = store.adopt("  Two tiers ", tier_list(2, tiers=2), adopted_by="x\n" + "y" * 500)
    assert made.name == "Two tiers"
    assert made.adopted_by is not None and len(made.adopted_by) <= 120
    assert "\n" not in made.adopted_by
    assert [info.id for info in store.adoptions()] == [made.id]  # the refused ones left nothing


def test_adopting_a_version_saved_over_since_is_a_conflict(store):
    store.save("Q3 plan", Scenario((60_000.0,)), author="ana")
    store.save("Q3 plan", Scenario((70_000.0,)), author="bo", expected_version=1)
    with pytest.raises(ScenarioConflict) as raised:
        store.adopt("Q3 plan", tier_list(3, tiers=2), expected_version=1)
    assert "bo" in str(raised.value)
    assert store.adoptions() == []
    made = store.adopt("Q3 plan", tier_list(3, tiers=2), expected_version=2)
    assert made.scenario == Scenario((70_000.0,))


def test_ids_from_data_are_kept_as_data(store):
    store.save("Plan", Scenario((1.0,)))
    awkward = ["'; DROP TABLE adoptions; --", "東京", "a\x00b", "  padded  ", "%s", "?"]
    listed = TierList(np.array(awkward, dtype=object), [1, 2, 1, 2, 1, 2], [0, 1, 2, 3, 4, -5])
    made = store.adopt("Plan", listed)
    assert_same_rows(store.adoption(made.id), listed)


def test_an_empty_tier_list_is_an_adoption_of_no_accounts(store):
    store.save("Plan", Scenario((1.0,)))
    made = store.adopt("Plan", TierList(np.array([], dtype=object), [], np.array([], np.int64)))
    assert store.adoption(made.id).ids.tolist() == []
    assert made.info.revenue_cents == 0


def test_a_missing_adoption_is_an_input_error(store):
    with pytest.raises(InputError) as raised:
        store.adoption(12345)
    assert_readable(str(raised.value))


@given(
    st.lists(st.text(min_size=1, max_size=8), unique=True, max_size=40).flatmap(
        lambda ids: st.tuples(
            st.just(ids),
            st.lists(st.integers(1, 5), min_size=len(ids), max_size=len(ids)),
            st.lists(st.integers(-(2**53), 2**53), min_size=len(ids), max_size=len(ids)),
        )
    )
)
def test_the_stored_rows_read_back_exactly(rows):
    ids, tiers, cents = rows
    listed = TierList(np.array(ids, dtype=object), tiers, np.array(cents, np.int64))
    info = AdoptionInfo(1, "P", Scenario((4.0, 3.0, 2.0, 1.0)), 1, None, datetime.now(UTC),
                        len(ids), 0)  # fmt: skip
    back = rows_from_blob(rows_blob(listed, 5), 1, info)
    assert back[0].tolist() == ids
    assert back[1].tolist() == tiers
    assert back[2].tolist() == cents


def test_a_damaged_tier_list_names_the_adoption(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    store = SqliteScenarioStore(path)
    store.save("Q3 plan", Scenario((1.0,)))
    made = store.adopt("Q3 plan", tier_list(3, tiers=2))
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE adoption_rows SET tier_list = ?", [b"not arrow"])
    connection.close()
    with pytest.raises(InputError) as raised:
        store.adoption(made.id)
    assert "“Q3 plan”" in str(raised.value)
    assert_readable(str(raised.value))


# ---------------------------------------------------------------------------------------------
# A store made by an earlier tierboard (schema 1: scenarios only) learns adoptions on open.


def test_an_sqlite_store_from_before_adoptions_is_migrated_on_open(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    connection = sqlite3.connect(path)
    with connection:
        for statement in _SCHEMA[1]:
            connection.execute(statement)
        connection.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (1)")
        connection.execute(
            "INSERT INTO scenarios VALUES (?, ?, ?, ?, 1, 1)",
            ["Old plan", '{"cuts": [60000]}', "ana", "2026-05-03T14:03:00.000000+00:00"],
        )
    connection.close()
    store = SqliteScenarioStore(path)
    assert store.get("Old plan").scenario == Scenario((60_000.0,))
    made = store.adopt("Old plan", tier_list(3, tiers=2), adopted_by="ana")
    assert store.adopted().id == made.id
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
    finally:
        connection.close()


def test_a_slice_scenario_keeps_its_slice_in_the_adoption(store):
    chosen = Slice.of({"region": ["EMEA"]})
    store.save("EMEA plan", Scenario((1_000.0,), slice=chosen))
    made = store.adopt("EMEA plan", tier_list(2, tiers=2))
    assert store.adoptions()[0].slice == chosen
    assert made.info.slice == chosen


def test_a_postgres_store_from_before_adoptions_is_migrated_on_open(request):
    from lib.scenario_store_pg import _SCHEMA as PG_SCHEMA
    from lib.scenario_store_pg import PostgresScenarioStore
    from tests.integration.conftest import shared_server

    server = shared_server(request.config)
    url = server.new_database()
    server.execute(
        url,
        "CREATE SCHEMA tierboard",
        *PG_SCHEMA[1],
        "CREATE TABLE tierboard.schema_version (version integer NOT NULL)",
        "INSERT INTO tierboard.schema_version VALUES (1)",
        "INSERT INTO tierboard.scenarios (name, scenario, author, saved_at, version) VALUES "
        "('Old plan', '{\"cuts\": [60000]}', 'ana', now(), 1)",
    )
    store = PostgresScenarioStore(url)
    assert store.get("Old plan").scenario == Scenario((60_000.0,))
    made = store.adopt("Old plan", tier_list(3, tiers=2), adopted_by="ana")
    assert store.adopted().id == made.id
    assert [info.id for info in store.adoptions()] == [made.id]


def test_what_adopting_records_is_said_in_one_sentence():
    from lib.adoption import confirmation, record_words

    today = date(2026, 12, 2)
    assert confirmation(5000, "ana", today) == (
        "Records 5,000 accounts’ tiers as the tier of record, dated 2 Dec 2026, by ana."
    )
    assert confirmation(1, None, today) == (
        "Records 1 account’s tiers as the tier of record, dated 2 Dec 2026, by anonymous."
    )
    info = AdoptionInfo(1, "Q3 plan", Scenario((1.0,)), 1, "ana",
                        datetime(2026, 12, 2, 9, tzinfo=UTC), 5000, 0)  # fmt: skip
    assert record_words(info) == "“Q3 plan”, adopted 2 Dec 2026 by ana"
    assert record_words(info, by=False) == "“Q3 plan”, adopted 2 Dec 2026"


def test_adoptions_made_at_once_are_all_kept(store):
    from concurrent.futures import ThreadPoolExecutor

    store.save("Q3 plan", Scenario((60_000.0,)))

    def adopt(seed: int) -> int:
        return store.adopt("Q3 plan", tier_list(5, seed=seed, tiers=2), adopted_by=f"u{seed}").id

    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(adopt, range(8)))
    assert len(set(made)) == 8
    assert sorted(info.id for info in store.adoptions()) == sorted(made)
    for seed, adoption_id in enumerate(made):
        assert_same_rows(store.adoption(adoption_id), tier_list(5, seed=seed, tiers=2))
        assert store.adoption(adoption_id).adopted_by == f"u{seed}"


@pytest.mark.parametrize(
    ("ids", "tiers", "cents"),
    [
        (["A", "B"], [1], [1, 2]),  # lengths differ
        (["A"], [0], [1]),  # no Tier 0
        (["A"], [6], [1]),  # at most 5 tiers
        (["A"], [1.5], [1]),  # tiers are whole numbers
        (["A"], [1], [1.25]),  # cents are whole cents
    ],
)
def test_a_malformed_tier_list_is_a_bug_in_the_caller(ids, tiers, cents):
    with pytest.raises(ValueError):
        TierList(np.array(ids, dtype=object), np.array(tiers), np.array(cents))
