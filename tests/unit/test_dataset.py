"""lib.dataset: one loaded dataset per in-memory database, its tier list and rejected rows."""

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import ingest
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.suggest import default_cuts
from lib.tiering import summarize, tier_name, tier_of


@pytest.fixture(scope="module")
def sample() -> Iterator[Dataset]:
    dataset = Dataset.from_csv(SAMPLE_PATH)
    yield dataset
    dataset.close()


def test_a_store_knows_its_source_columns_and_index(write_csv):
    dataset = Dataset.from_csv(write_csv("customer_id,annual_revenue\nA,3\nB,4\n", "a.csv"))
    assert dataset.source == "a.csv"
    assert dataset.has("annual_revenue")
    assert not dataset.has("customer_name")
    assert dataset.index.customers == 2
    assert dataset.index.total_revenue == 7.0


def test_two_stores_never_see_each_others_data(write_csv):
    first = Dataset.from_csv(write_csv("customer_id,annual_revenue\nA,1\nB,2\n", "a.csv"))
    second = Dataset.from_csv(write_csv("customer_id,annual_revenue\nZ,900\n", "z.csv"))
    assert first.tier_list([1.5])["customer_id"].tolist() == ["B", "A"]
    assert second.tier_list([1.5])["customer_id"].tolist() == ["Z"]
    second.close()
    assert first.tier_list([1.5])["customer_id"].tolist() == ["B", "A"]
    assert first.index.total_revenue == 3.0
    first.close()


def test_the_tier_list_has_the_tiers_of_tier_of_top_tier_first(sample):
    cuts = default_cuts(sample.index, 3)
    frame = sample.tier_list(cuts)
    assert list(frame.columns) == ["customer_id", "customer_name", "annual_revenue", "tier"]
    assert len(frame) == sample.index.customers
    expected = [tier_name(t) for t in tier_of(frame["annual_revenue"].to_numpy(), cuts)]
    assert frame["tier"].tolist() == expected
    numbers = frame["tier"].str.removeprefix("Tier ").astype(int)
    assert numbers.is_monotonic_increasing
    assert frame["tier"].iloc[0] == "Tier 1"
    for _, tier in frame.groupby("tier"):
        assert tier["annual_revenue"].is_monotonic_decreasing


@given(st.lists(st.floats(-1e4, 2e6), min_size=1, max_size=4))
def test_the_tier_list_agrees_with_tier_of_for_any_cuts(sample, cuts):
    frame = sample.tier_list(cuts)
    expected = [tier_name(t) for t in tier_of(frame["annual_revenue"].to_numpy(), cuts)]
    assert frame["tier"].tolist() == expected


def test_the_tier_list_has_no_name_column_without_names(write_csv):
    dataset = Dataset.from_csv(write_csv("customer_id,annual_revenue\nA,3\nB,4\n"))
    frame = dataset.tier_list([3.5, 1.0])
    assert list(frame.columns) == ["customer_id", "annual_revenue", "tier"]
    assert frame["tier"].tolist() == ["Tier 1", "Tier 2"]


def test_rejected_rows_lists_each_rejected_row_with_its_row_and_reason(write_csv):
    text = "customer_id,annual_revenue,note\nA,1,ok\nB,abc,typo\n,5,no id\nC,nan,x\n"
    frame = Dataset.from_csv(write_csv(text)).rejected_rows()
    assert list(frame.columns[:2]) == ["row", "reason"]
    assert frame["row"].tolist() == [3, 4, 5]  # lines as a text editor shows them: header is 1
    assert frame["reason"].tolist() == [
        ingest.REVENUE_NOT_NUMBER,
        ingest.ID_EMPTY,
        ingest.REVENUE_NOT_FINITE,
    ]
    assert frame["note"].tolist() == ["typo", "no id", "x"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cents=st.lists(st.integers(-(10**7), 10**9), min_size=1, max_size=120),
    cut_cents=st.lists(st.integers(-(10**7), 10**9), min_size=1, max_size=4),
)
def test_the_fast_path_matches_a_straightforward_duckdb_query(tmp_path, cents, cut_cents):
    """Sorted index + binary search (the slider path) == GROUP BY over the same file in SQL."""
    path = tmp_path / "random.csv"
    path.write_text(
        "customer_id,annual_revenue\n"
        + "".join(f"c{i},{c / 100:.2f}\n" for i, c in enumerate(cents))
    )
    cuts = sorted((c / 100 for c in cut_cents), reverse=True)
    summary = summarize(Dataset.from_csv(path).index, cuts)
    tier_sql = " ".join(f"WHEN annual_revenue >= ? THEN {t + 1}" for t in range(len(cuts)))
    rows = {
        tier: (customers, revenue)
        for tier, customers, revenue in duckdb.connect()
        .execute(
            f"SELECT CASE {tier_sql} ELSE {len(cuts) + 1} END AS tier, count(*), "
            "sum(annual_revenue::DECIMAL(18, 2)) "
            "FROM read_csv(?, header = true, columns = {'customer_id': 'VARCHAR', "
            "'annual_revenue': 'DOUBLE'}) GROUP BY tier",
            [*cuts, str(path)],
        )
        .fetchall()
    }
    for tier in summary.tiers:
        customers, revenue = rows.get(tier.tier, (0, 0))
        assert tier.customers == customers
        assert tier.revenue == pytest.approx(float(revenue), abs=0.005)


def test_a_file_larger_than_the_memory_limit_loads(tmp_path, monkeypatch):
    """DuckDB's default read buffer (16 of the longest lines allowed: 256 MiB) was one block
    beyond a dataset's memory limit: every CSV over 256 MiB failed, 10M customers included. The
    same failure, scaled down: a 175 MB file under a 160MB limit (room for the three 32 MiB
    buffers DuckDB may hold at once, which a 100MB limit did not always leave)."""
    monkeypatch.setattr("lib.dataset.MEMORY_LIMIT", "160MB")
    path = tmp_path / "wide.csv"
    notes = "x" * 180
    rows = 900_000
    with path.open("w", encoding="utf-8") as out:
        out.write("customer_id,annual_revenue,notes\n")
        out.writelines(f"C{i},{i % 997 + 1},{notes}\n" for i in range(rows))
    assert path.stat().st_size > 170_000_000
    dataset = Dataset.from_csv(path)
    assert dataset.index.customers == rows
    assert dataset.report.rows_loaded == rows


def test_unprofitable_margins_are_to_the_cent(tmp_path):
    from lib.capacity import Plan
    from lib.criteria import REVENUE_ONLY
    from lib.slices import EVERYTHING

    rows = "".join(f"C{i},{0.1 * i + 0.2:.2f},{0.1 * (i % 7):.2f}\n" for i in range(40))
    path = tmp_path / "c.csv"
    path.write_text("customer_id,annual_revenue,cost_to_serve\n" + rows)
    dataset = Dataset.from_file(path)
    plan = Plan.default_for(summarize(dataset.index, [3.0, 1.0]))
    frame = dataset.unprofitable(EVERYTHING, REVENUE_ONLY, [3.0, 1.0], plan)
    assert len(frame)
    for column in ("annual_revenue", "cost_to_serve", "csm_cost", "margin"):
        assert all(len(repr(float(v)).partition(".")[2]) <= 2 for v in frame[column]), column


def test_flows_alone_are_the_flows_of_the_migration() -> None:
    from lib.criteria import REVENUE_ONLY
    from lib.sample import SAMPLE_PATH
    from lib.slices import EVERYTHING

    data = Dataset.from_csv(SAMPLE_PATH)
    for baseline in (None, (REVENUE_ONLY, (80_000.0, 25_000.0))):
        flows, _ = data.migration(EVERYTHING, REVENUE_ONLY, (55_000.0, 20_000.0), baseline)
        assert data.flows(EVERYTHING, REVENUE_ONLY, (55_000.0, 20_000.0), baseline) == flows
