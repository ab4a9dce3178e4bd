"""lib.sample: the bundled sample is reproducible and shaped like a real customer base."""

import csv

import pytest

from lib import canonical
from lib.dataset import Dataset
from lib.sample import DEFAULT_ROWS, SAMPLE_PATH, generate, write_csv


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with SAMPLE_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_regenerating_reproduces_the_bundled_file_byte_for_byte(tmp_path):
    written = write_csv(tmp_path / "nested" / "customers.csv")
    assert written.read_bytes() == SAMPLE_PATH.read_bytes()


def test_the_generator_is_seeded():
    assert generate(40, seed=1) == generate(40, seed=1)
    assert generate(40, seed=1) != generate(40, seed=2)


def test_write_csv_writes_a_header_and_one_line_per_customer(tmp_path):
    path = write_csv(tmp_path / "small.csv", rows=25, seed=3)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 26
    assert lines[0].split(",")[:3] == ["customer_id", "customer_name", "annual_revenue"]


def test_the_sample_has_5000_customers_with_unique_ids(rows):
    assert len(rows) == DEFAULT_ROWS == 5000
    assert len({row["customer_id"] for row in rows}) == len(rows)


def test_the_sample_has_every_canonical_column(rows):
    assert set(rows[0]) == {column.name for column in canonical.COLUMNS}


def test_the_sample_loads_without_rejections():
    dataset = Dataset.from_csv(SAMPLE_PATH)
    assert dataset.report.customers == 5000
    assert dataset.report.rejected_rows == 0
    assert dataset.report.duplicates_merged == 0
    assert not [note for note in dataset.report.notes if "left empty" in note]
    assert dataset.columns == tuple(column.name for column in canonical.COLUMNS)
    dataset.close()


def test_current_tiers_are_the_three_usual_names(rows):
    assert {row["current_tier"] for row in rows} == {"Tier 1", "Tier 2", "Tier 3"}


def test_current_tier_is_not_a_clean_function_of_revenue(rows):
    by_tier: dict[str, list[float]] = {}
    for row in rows:
        by_tier.setdefault(row["current_tier"], []).append(float(row["annual_revenue"]))
    # Some customer sits in a lower tier than another customer with less revenue.
    assert max(by_tier["Tier 2"]) > min(by_tier["Tier 1"])
    assert max(by_tier["Tier 3"]) > min(by_tier["Tier 2"])


def test_the_sample_has_the_mess_of_a_real_base(rows):
    revenue = [float(row["annual_revenue"]) for row in rows]
    assert any(value == 0 for value in revenue)  # free pilots
    assert max(revenue) > 100 * sorted(revenue)[len(revenue) // 2]  # a heavy tail
    assert any(row["csm_owner"] == "" for row in rows)
    assert any(row["nps"] == "" for row in rows)
