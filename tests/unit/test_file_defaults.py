"""lib.file_defaults: how a file is loaded until someone says otherwise (the Upload page's presets,
`tierboard summarize FILE` without options, the configured data file)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lib.dataset import Upload
from lib.file_defaults import (
    TRANSACTION_REPEAT_SHARE,
    defaults_for,
    is_invoice_lines,
    load_as_suggested,
)
from lib.ingest import RevenueBasis
from tests.fixtures import corpus

INVOICES = (
    "Customer,Invoice Date,Amount\n"
    "a,2026-10-31,100\na,2026-01-15,200\na,2025-06-01,900\n"  # the last one: too old
    "b,2026-05-05,40\nb,2026-06-05,40\n"
)


def defaults(text: str, name: str = "file.csv", today: date | None = None):
    upload = Upload.open(text.encode(), name)
    try:
        return defaults_for(upload, today)
    finally:
        upload.close()


def test_invoice_lines_default_to_the_12_months_up_to_their_latest_date() -> None:
    chosen = defaults(INVOICES)
    assert chosen.basis == RevenueBasis("transactions", date(2026, 10, 31))
    assert chosen.mapping == {
        "customer_id": "Customer",
        "annual_revenue": "Amount",
        "date": "Invoice Date",
    }


def test_two_years_of_invoices_load_as_the_trailing_12_months_not_all_of_them() -> None:
    dataset = load_as_suggested(corpus.TWO_YEARS.encode(), "invoices.csv")
    # Months 13..24 (2025-01-15 .. 2025-12-15) of four customers: 100*(1+k) + month each.
    expected = sum(100 * (1 + k) + month for k in range(4) for month in range(13, 25))
    assert dataset.report.basis == RevenueBasis("transactions", date(2025, 12, 15))
    assert dataset.index.total_revenue == expected
    assert dataset.report.customers == 4


def test_an_mrr_column_defaults_to_monthly_figures() -> None:
    chosen = defaults("Customer ID,MRR\na,100\nb,50\n")
    assert chosen.basis == RevenueBasis("monthly")
    assert load_as_suggested(b"Customer ID,MRR\na,100\nb,50\n").index.total_revenue == 1800


def test_a_customer_list_with_dates_stays_annual_and_loads_without_its_date() -> None:
    chosen = defaults(corpus.RENEWALS)
    assert chosen.basis == RevenueBasis("annual")
    assert "date" in chosen.suggested  # preset on the page, should transactions be chosen
    assert "date" not in chosen.mapping
    assert chosen.as_of == date(2026, 5, 1)


def test_a_date_column_without_a_readable_date_is_no_invoice_file() -> None:
    chosen = defaults(corpus.UNDATED_LINES, today=date(2026, 12, 2))
    assert chosen.basis == RevenueBasis("annual")
    assert chosen.as_of == date(2026, 12, 2)  # where the 12 months would end: today
    assert load_as_suggested(corpus.UNDATED_LINES.encode()).index.total_revenue == 380


def test_a_list_without_dates_ends_its_would_be_12_months_today() -> None:
    chosen = defaults("id,revenue\na,1\na,2\n", today=date(2026, 1, 1))
    assert chosen.basis == RevenueBasis("annual")
    assert chosen.as_of == date(2026, 1, 1)


@given(share=st.floats(0, 1), day=st.none() | st.dates())
def test_invoice_lines_need_both_repeated_ids_and_a_readable_date(
    share: float, day: date | None
) -> None:
    assert is_invoice_lines(share, day) == (day is not None and share >= TRANSACTION_REPEAT_SHARE)
