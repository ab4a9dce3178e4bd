"""The Upload page driven headless: upload → check → map → load → report, and bad files."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import xlsxwriter
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TIMEOUT, press
from tests.app.test_tiers_page import metrics
from ui import keys

GERMAN = (
    "Kundennummer;Firma;Jahresumsatz\n"
    "K1;Müller GmbH;1.234,50\n"
    "K2;Bär AG;72.000,00\n"
    "K3;Öko KG;abc\n"
    "K1;Müller GmbH;765,50\n"
).encode("cp1252")


def upload_page(app: AppTest) -> AppTest:
    return app.switch_page("pages/upload.py").run()


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader[0].upload(name, data).run()
    assert not app.exception, app.exception
    return app


def data_caption(app: AppTest) -> str:
    return app.sidebar.caption[0].value


def test_a_messy_german_export_is_read_mapped_and_loaded(app: AppTest) -> None:
    upload(upload_page(app), "kunden.csv", GERMAN)
    assert "Windows-1252, semicolon-separated: 4 rows" in app.caption[1].value
    chosen = {box.label: box.value for box in app.selectbox}
    assert chosen["Customer id (required)"] == "Kundennummer"
    assert chosen["Revenue (required)"] == "Jahresumsatz"
    assert app.radio(key=keys.UPLOAD_BASIS).value == "annual"
    press(app, "Load")
    assert "kunden.csv · 2 customers · $74K" in data_caption(app)
    report = app.markdown[0].value
    assert "4 rows read, 3 loaded as 2 customers." in report
    assert "Rejected, revenue is not a number: 1 row." in report
    assert "decimal comma" in report
    assert app.warning[0].value.startswith("2 customers from 4 rows; 1 row rejected.")
    assert [b.label for b in app.button if b.label.startswith("Prepare")] == [
        "Prepare the 1 rejected row with reasons (CSV)"
    ]


def test_the_tiers_page_shows_the_uploaded_customers(app: AppTest) -> None:
    upload(upload_page(app), "kunden.csv", GERMAN)
    press(app, "Load")
    app.switch_page("pages/tiers.py").run()
    cuts = [slider.value for slider in app.sidebar.select_slider]
    values = pd.Series([2000.0, 72000.0])  # K1's two rows summed
    shown = metrics(app)
    bounds = zip([float("inf"), *cuts], [*cuts, float("-inf")], strict=True)
    for tier, (upper, lower) in enumerate(bounds, 1):
        inside = values[(values < upper) & (values >= lower)]
        assert shown[f"Tier {tier} customers"] == f"{len(inside):,}"


def test_a_binary_file_is_refused_and_the_data_in_use_stays(app: AppTest) -> None:
    upload(upload_page(app), "customers.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    assert "binary file" in app.error[0].value
    assert "The data in use has not changed." in app.error[0].value
    assert "5,000 customers" in data_caption(app)
    assert not [b for b in app.button if b.label == "Load"]


def test_a_mapping_that_fails_keeps_the_data_and_can_be_fixed(app: AppTest) -> None:
    upload(upload_page(app), "kunden.csv", GERMAN)
    app.selectbox(key=keys.map_key("annual_revenue")).set_value("Firma").run()
    press(app, "Load")
    assert "chosen for both annual_revenue and customer_name" in app.error[0].value
    app.selectbox(key=keys.map_key("customer_name")).set_value("(not in this file)").run()
    press(app, "Load")
    assert "no usable customer rows" in app.error[0].value
    assert "5,000 customers" in data_caption(app)
    app.selectbox(key=keys.map_key("annual_revenue")).set_value("Jahresumsatz").run()
    press(app, "Load")
    assert not app.error
    assert "kunden.csv" in data_caption(app)


def test_an_mrr_column_suggests_monthly_figures(app: AppTest) -> None:
    upload(upload_page(app), "mrr.csv", b"Customer ID,MRR\na,100\nb,50\n")
    assert app.radio(key=keys.UPLOAD_BASIS).value == "monthly"
    press(app, "Load")
    assert "2 customers · $1.8K" in data_caption(app)


def test_invoice_lines_suggest_transactions_ending_at_the_latest_date(app: AppTest) -> None:
    lines = (
        "Customer,Invoice Date,Amount\n"
        "a,2026-10-31,100\na,2026-01-15,200\na,2025-06-01,900\n"  # the last one: too old
        "b,2026-05-05,40\nb,2026-06-05,40\n"
    )
    upload(upload_page(app), "invoices.csv", lines.encode())
    assert app.radio(key=keys.UPLOAD_BASIS).value == "transactions"
    assert str(app.date_input(key=keys.UPLOAD_AS_OF).value) == "2026-10-31"
    press(app, "Load")
    assert "2 customers · $380" in data_caption(app)
    assert "1 row dated outside the 12 months counted no revenue." in app.markdown[0].value


def _workbook() -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        notes = book.add_worksheet("Notes")
        notes.write(0, 0, "Exported from the CRM")
        data = book.add_worksheet("Customers")
        data.write_row(0, 0, ["Account ID", "Account Name", "ARR"])
        data.write_row(1, 0, ["A1", "Acme", 1200.5])
        data.write_row(2, 0, ["A2", "Beta", 300])
    return buffer.getvalue()


def test_a_workbook_opens_on_its_customer_sheet(app: AppTest) -> None:
    upload(upload_page(app), "export.xlsx", _workbook())
    assert app.selectbox(key=keys.UPLOAD_SHEET).value == "Customers"
    press(app, "Load")
    assert "export.xlsx · 2 customers · $1.5K" in data_caption(app)


def test_back_to_the_sample(app: AppTest) -> None:
    upload(upload_page(app), "mrr.csv", b"Customer ID,MRR\na,100\nb,50\n")
    press(app, "Load")
    press(app, "Use the bundled sample again")
    assert "customers.csv · 5,000 customers" in data_caption(app)


def test_one_sessions_upload_is_invisible_to_another(navigation_only: None) -> None:
    first = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    second = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    upload(upload_page(first), "kunden.csv", GERMAN)
    press(first, "Load")
    second.run()
    assert "kunden.csv" in data_caption(first)
    assert "customers.csv · 5,000 customers" in data_caption(second)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("header.csv", b"customer_id,annual_revenue\n", "no data rows"),
        ("broken.xlsx", b"this is not a zip", "not a valid XLSX"),
    ],
)
def test_unusable_files_say_why(app: AppTest, name: str, data: bytes, message: str) -> None:
    upload(upload_page(app), name, data)
    assert message in app.error[0].value
    assert "5,000 customers" in data_caption(app)


def test_the_uploader_states_the_configured_size_limit(app: AppTest) -> None:
    config = (APP.parent / ".streamlit" / "config.toml").read_text()
    assert "maxUploadSize = 200" in config
    assert "Up to 200 MB." in upload_page(app).file_uploader[0].help


def test_rejected_rows_download_is_formula_safe(app: AppTest) -> None:
    upload(
        upload_page(app), "evil.csv", b"customer_id,annual_revenue\n=cmd|'/c calc'!A1,abc\nA,5\n"
    )
    press(app, "Load")
    assert not app.get("download_button")  # made when pressed: not on every rerun
    press(app, "Prepare the 1 rejected row with reasons (CSV)")
    payload = app.get("download_button")[0].proto
    assert payload.label == "Download the 1 rejected row with reasons (CSV)"
    table = app.dataframe[0].value
    assert table["customer_id"].tolist() == ["=cmd|'/c calc'!A1"]  # shown as text on the page
    app.run()  # a rerun (a slider move) keeps the file made for this data
    assert app.get("download_button")[0].proto.label == payload.label
