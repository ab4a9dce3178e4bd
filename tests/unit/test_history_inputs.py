"""lib.history_inputs: period labels, periods in file names, quarter ends (issue 16)."""

from __future__ import annotations

from datetime import date

import pytest

from lib.history import History
from lib.history_inputs import (
    ImportOptions,
    load_periods,
    parse_period,
    period_in_name,
    period_label,
    quarter_ends,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026 Q3", ("2026 Q3", date(2026, 9, 30))),
        ("2026-Q3", ("2026 Q3", date(2026, 9, 30))),
        ("2026q1", ("2026 Q1", date(2026, 3, 31))),
        ("Q4 2025", ("2025 Q4", date(2025, 12, 31))),
        ("2026-09-30", ("2026 Q3", date(2026, 9, 30))),
        ("2026-08-15", ("2026-08-15", date(2026, 8, 15))),
        ("2026-02-30", None),
        ("autumn", None),
        ("2026 Q5", None),
    ],
)
def test_periods_are_read_as_people_write_them(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("customers-2026-Q3.csv", ("2026 Q3", date(2026, 9, 30))),
        ("export_2026-06-30.xlsx", ("2026 Q2", date(2026, 6, 30))),
        ("Q1_2026 accounts.csv", ("2026 Q1", date(2026, 3, 31))),
        ("customers.csv", None),
        ("2026-Q1 to 2026-Q2.csv", None),  # two periods: none is taken
        ("accounts-12345678.csv", None),
    ],
)
def test_a_file_name_gives_its_period_only_when_it_names_one(name, expected):
    assert period_in_name(name) == expected


def test_a_quarters_last_day_is_labelled_by_its_quarter():
    assert period_label(date(2025, 12, 31)) == "2025 Q4"
    assert period_label(date(2025, 12, 30)) == "2025-12-30"


def test_quarter_ends_run_back_from_the_last_complete_quarter():
    assert quarter_ends(date(2026, 6, 30), 3) == [
        date(2025, 12, 31),
        date(2026, 3, 31),
        date(2026, 6, 30),
    ]
    assert quarter_ends(date(2026, 2, 10), 2) == [date(2025, 9, 30), date(2025, 12, 31)]


def test_uploads_given_as_name_and_bytes_become_snapshots_in_cents():
    files = [
        ("accounts-2026-Q2.csv", b"Customer ID,ARR\nA,100.10\nB,5\n"),
        ("accounts-2026-Q1.csv", b"Customer ID,ARR\nA,90\n"),
    ]
    loaded = load_periods(files, ImportOptions())
    assert [period.snapshot.label for period in loaded] == ["2026 Q2", "2026 Q1"]
    assert list(loaded[0].snapshot.cents) == [10010, 500]
    assert loaded[0].report.customers == 2
    history = History.of([period.snapshot for period in loaded])
    assert history.labels == ("2026 Q1", "2026 Q2")
    assert history.currency == "$"
