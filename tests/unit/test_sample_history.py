"""lib.sample_history: the bundled history is reproducible, small, and moves like a real base."""

import csv
import itertools
from pathlib import Path

import pytest

from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.sample_history import HISTORY_DIR, history_files, quarters, write_history


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["customer_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def periods() -> list[dict[str, dict[str, str]]]:
    return [_rows(path) for path in history_files()]


def test_regenerating_reproduces_the_bundled_files_byte_for_byte(tmp_path):
    written = write_history(tmp_path / "history")
    assert [path.name for path in written] == [path.name for path in history_files()]
    for made, bundled in zip(written, history_files(), strict=True):
        assert made.read_bytes() == bundled.read_bytes(), made.name


def test_the_history_is_eight_quarters_from_2025_q1_to_2026_q4():
    assert [q.label for q in quarters()] == [
        f"{year} Q{n}" for year in (2025, 2026) for n in (1, 2, 3, 4)
    ]
    assert [q.ends.isoformat() for q in quarters()[:4]] == [
        "2025-03-31",
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
    ]
    assert sorted(path.name for path in HISTORY_DIR.iterdir()) == [
        path.name for path in history_files()
    ]


def test_the_bundled_history_stays_small():
    assert sum(path.stat().st_size for path in history_files()) < 2.2e6


def test_the_last_quarter_is_the_bundled_sample(periods):
    sample = _rows(SAMPLE_PATH)
    last = periods[-1]
    assert set(last) == set(sample)
    assert all(last[i]["annual_revenue"] == sample[i]["annual_revenue"] for i in sample)
    assert all(last[i]["customer_name"] == sample[i]["customer_name"] for i in sample)


def test_every_quarter_some_accounts_are_new_and_some_churned(periods):
    for before, after in itertools.pairwise(periods):
        new, churned = set(after) - set(before), set(before) - set(after)
        assert 20 <= len(new) <= 200
        assert 20 <= len(churned) <= 200


def test_revenue_drifts_with_a_spread_around_the_cut_offs(periods):
    # Accounts cross $20K both ways each quarter: the flaps stability rules are for.
    for before, after in itertools.pairwise(periods):
        both = set(before) & set(after)
        up = sum(
            float(before[i]["annual_revenue"]) < 20_000 <= float(after[i]["annual_revenue"])
            for i in both
        )
        down = sum(
            float(after[i]["annual_revenue"]) < 20_000 <= float(before[i]["annual_revenue"])
            for i in both
        )
        assert up >= 50 and down >= 30


def test_renewal_dates_come_after_each_quarter_s_end_within_a_year(periods):
    for quarter, rows in zip(quarters(), periods, strict=True):
        days = [row["renewal_date"] for row in rows.values()]
        assert min(days) > quarter.ends.isoformat()
        assert max(days) <= quarter.ends.replace(year=quarter.ends.year + 1).isoformat()


@pytest.mark.parametrize("path", history_files()[:1] + history_files()[-1:], ids=lambda p: p.name)
def test_a_quarter_loads_without_rejections(path):
    dataset = Dataset.from_file(path)
    try:
        assert dataset.report.rejected_rows == 0
        assert dataset.report.customers == len(_rows(path))
        assert dataset.has("renewal_date")
    finally:
        dataset.close()
