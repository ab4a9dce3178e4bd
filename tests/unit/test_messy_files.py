"""Real-world exports through Dataset.from_file: hand-counted figures, every row accounted
for, and one readable InputError for a file that cannot be used at all (tests/fixtures/messy.py)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.dataset import Dataset
from lib.errors import InputError
from lib.ingest import RevenueBasis
from tests.fixtures import messy

CASES = messy.cases()
COUNTS = (
    "footer_lines",
    "title_lines",
    "duplicates_merged",
    "blank_lines",
    "rows_outside_window",
)


@contextmanager
def loaded(
    source: bytes | Path,
    name: str,
    mapping: dict[str, str] | None = None,
    basis: RevenueBasis | None = None,
) -> Iterator[Dataset]:
    dataset = Dataset.from_file(
        source, name=name, mapping=mapping, basis=basis or RevenueBasis("annual")
    )
    try:
        yield dataset
    finally:
        close = getattr(dataset, "close", None)
        if close is not None:
            close()


def figures(dataset: Dataset, expected: messy.Expected) -> dict[str, object]:
    """The dataset's figures for everything `expected` checks, named as in the contract."""
    report = dataset.report
    actual: dict[str, object] = {
        "customers": report.customers,
        "index.customers": dataset.index.customers,
        "total_revenue": dataset.index.total_revenue,
        "rejected": dict(report.rejected),
        "rows_read": report.rows_read,
    }
    actual.update(
        {name: getattr(report, name) for name in COUNTS if getattr(expected, name) is not None}
    )
    return actual


def wanted(expected: messy.Expected) -> dict[str, object]:
    values: dict[str, object] = {
        "customers": expected.customers,
        "index.customers": expected.customers,
        "total_revenue": pytest.approx(expected.total_revenue, abs=0.01),
        "rejected": expected.rejected,
        "rows_read": expected.rows_read,
    }
    values.update(
        {name: getattr(expected, name) for name in COUNTS if getattr(expected, name) is not None}
    )
    return values


def assert_every_row_accounted_for(dataset: Dataset) -> None:
    report = dataset.report
    assert report.rows_read == report.rows_loaded + report.rejected_rows
    assert report.rejected_rows == sum(report.rejected.values())
    assert report.customers <= report.rows_loaded


def assert_rejected_rows_listed(dataset: Dataset, rejected: dict[str, int]) -> None:
    frame = dataset.rejected_rows()
    assert list(frame.columns[:2]) == ["row", "reason"]
    assert len(frame) == sum(rejected.values())
    assert dict(Counter(frame["reason"])) == rejected
    assert frame["row"].is_unique


# ---------------------------------------------------------------------------------------------
# The corpus.


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_messy_export_gives_the_figures_counted_by_hand(case: messy.Case):
    with loaded(case.data, case.filename, case.mapping, case.basis) as dataset:
        assert figures(dataset, case.expected) == wanted(case.expected), case.shape
        assert_every_row_accounted_for(dataset)
        assert_rejected_rows_listed(dataset, case.expected.rejected)


@pytest.mark.parametrize("name", ["cp1252", "xlsx_two_sheets", "invoices_eu_slashes"])
def test_a_file_on_disk_loads_like_its_bytes(tmp_path: Path, name: str):
    case = next(case for case in CASES if case.name == name)
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    with loaded(path, case.filename, case.mapping, case.basis) as dataset:
        assert figures(dataset, case.expected) == wanted(case.expected)


def test_rejected_rows_keep_the_files_own_values_beside_the_reason():
    case = next(case for case in CASES if case.name == "rejects")
    with loaded(case.data, case.filename, case.mapping, case.basis) as dataset:
        frame = dataset.rejected_rows()
    by_reason = frame.groupby("reason")
    assert sorted(by_reason.get_group(messy.ID_EMPTY)["customer_name"]) == [
        "Nameless Ltd",
        "Spaces Only Ltd",
    ]
    assert list(by_reason.get_group(messy.REVENUE_NOT_NUMBER)["annual_revenue"]) == ["abc"]
    assert list(by_reason.get_group(messy.REVENUE_EMPTY)["customer_id"]) == ["C-3001"]
    assert sorted(by_reason.get_group(messy.REVENUE_NOT_FINITE)["customer_id"]) == [
        "C-3003",
        "C-3004",
        "C-3005",
    ]


def test_an_ods_spreadsheet_loads_or_is_refused_with_a_sentence():
    # ODS is optional in the contract ("where a well-kept reader supports it"): either the
    # figures are right, or the person is told what to do instead.
    case = messy.ods_case()
    try:
        with loaded(case.data, case.filename, case.mapping, case.basis) as dataset:
            assert figures(dataset, case.expected) == wanted(case.expected)
            assert_every_row_accounted_for(dataset)
    except InputError as error:
        assert_readable(str(error))


# The fixtures' own checks: what each file holds adds up to its expected figures, read back
# with the standard library and independent readers (never the code under test).


def test_fixture_case_names_and_files_are_distinct():
    assert len({case.name for case in CASES}) == len(CASES)
    assert all(case.data and Path(case.filename).suffix for case in CASES)
    assert all(case.expected.rows_read >= case.expected.customers for case in CASES)


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "style"),
    [
        ("utf8", "utf-8", ",", messy.PLAIN),
        ("utf8_bom", "utf-8-sig", ",", messy.PLAIN),
        ("utf16le_bom_tab", "utf-16", "\t", messy.PLAIN),
        ("cp1252", "cp1252", ",", messy.PLAIN),
        ("latin1", "latin-1", ",", messy.PLAIN),
        ("german_export", "cp1252", ";", messy.EU),
        ("nbsp_thousands", "utf-8", ";", messy.FR_NBSP),
        ("pound_whole", "utf-8", ",", messy.Money(group=",", prefix="£", whole=True)),
        ("parentheses_negative", "utf-8", ",", messy.Money(group=",", parentheses=True)),
        ("quoted_newlines_and_delimiters", "utf-8", ",", messy.PLAIN),
        ("salesforce_report_footer", "utf-8", ",", messy.US),
    ],
)
def test_fixture_text_files_hold_their_expected_total(name, encoding, delimiter, style):
    case = next(case for case in CASES if case.name == name)
    records = list(
        csv.reader(io.StringIO(case.data.decode(encoding), newline=""), delimiter=delimiter)
    )
    header, data = records[0], records[1 : 1 + case.expected.rows_read]
    revenue = next(
        i
        for i, title in enumerate(header)
        if "revenue" in title.lower() or "umsatz" in title.lower()
    )
    total = sum(messy.parse_money(record[revenue], style) for record in data)
    assert float(total) == pytest.approx(case.expected.total_revenue, abs=0.001)


def test_fixture_workbook_picks_out_as_expected_with_openpyxl():
    case = next(case for case in CASES if case.name == "xlsx_two_sheets")
    book = openpyxl.load_workbook(io.BytesIO(case.data), read_only=True)
    assert book.sheetnames == ["Notes", "Customers"]
    rows = list(book["Customers"].iter_rows(values_only=True))
    assert rows[1] == ("Customer ID", "Customer Name", "Annual Revenue", "Segment")
    revenues = [row[2] for row in rows[2:]]
    assert sum(isinstance(value, str) for value in revenues) == 1  # the text-formatted number
    total = sum(Decimal(str(value)) for value in revenues)
    assert float(total) == pytest.approx(case.expected.total_revenue, abs=0.001)


def test_fixture_parquet_files_hold_their_expected_total():
    for name, column in [("parquet", "annual_revenue"), ("parquet_typed", "ARR")]:
        case = next(case for case in CASES if case.name == name)
        frame = pd.read_parquet(io.BytesIO(case.data))
        total = sum(Decimal(str(value)) for value in frame[column].dropna())
        assert float(total) == pytest.approx(case.expected.total_revenue, abs=0.001)


def test_fixture_ods_content_holds_its_expected_total():
    case = messy.ods_case()
    with zipfile.ZipFile(io.BytesIO(case.data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        root = ET.fromstring(archive.read("content.xml"))
    office = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    sheet = root.findall(f".//{table}table")[1]
    values = []
    for row in sheet.findall(f"{table}table-row")[2:]:
        cell = row.findall(f"{table}table-cell")[2]
        values.append(cell.get(f"{office}value") or "".join(cell.itertext()))
    assert float(sum(Decimal(value) for value in values)) == pytest.approx(
        case.expected.total_revenue, abs=0.001
    )


# ---------------------------------------------------------------------------------------------
# Files that cannot be used: one sentence for a person, never another exception.

# What a message may not look like: a class name, a traceback, a library's own wording.
TECHNICAL = re.compile(
    r"Error:|[A-Za-z]+(?:Error|Exception)\b|Traceback|BadZipFile|File \"|line \d+, in|errno",
)
# ...and what it must do: tell the person what to do next.
ADVICE = re.compile(
    r"\b(save|export|check|try|use|upload|choose|pick|select|map|add|remove|convert|open|"
    r"make sure|split|reduce|include|give|put)\b",
    re.IGNORECASE,
)


def assert_readable(message: str) -> None:
    assert message.strip() == message
    assert message.endswith("."), message
    assert "\n" not in message, message
    assert not TECHNICAL.search(message), message
    assert ADVICE.search(message), message
    assert len(message) < 600, message


@pytest.mark.parametrize(
    ("data", "name"),
    [pytest.param(f.data, f.filename, id=f.name) for f in messy.unusable_files()],
)
def test_a_file_that_cannot_be_used_raises_one_readable_sentence(data: bytes, name: str):
    with pytest.raises(InputError) as error:
        Dataset.from_file(data, name=name, mapping=None, basis=RevenueBasis("annual"))
    assert_readable(str(error.value))


def test_a_zip_bomb_named_xlsx_is_refused_by_its_size():
    with pytest.raises(InputError) as error:
        Dataset.from_file(messy.zip_bomb_xlsx(), name="customers.xlsx")
    message = str(error.value)
    assert_readable(message)
    assert re.search(r"size|large|big|uncompressed|expands?|[KMG]B\b", message, re.I), message


def test_a_very_wide_file_loads_or_is_refused_with_a_sentence():
    try:
        with loaded(messy.wide_csv(), "wide.csv") as dataset:
            assert dataset.report.customers == 3
            assert dataset.index.total_revenue == pytest.approx(4480.0, abs=0.01)
            assert_every_row_accounted_for(dataset)
    except InputError as error:
        assert_readable(str(error))


# ---------------------------------------------------------------------------------------------
# Properties: anything at all gives a dataset or an InputError; clean files lose no row.

CSV_ALPHABET = "aZx09 ,;|\t\"'\n\r$€£.-()é\u00a0"
CELLS = st.text(alphabet=CSV_ALPHABET, max_size=8)
HEADERS = st.one_of(
    st.just(["customer_id", "annual_revenue"]),
    st.just(["Account ID", "Account Name", "ARR"]),
    st.lists(CELLS, min_size=1, max_size=4),
)


@st.composite
def csv_like_files(draw: st.DrawFn) -> bytes:
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    # Joined by hand, not with the csv module: broken quoting is part of the input space.
    text = newline.join(delimiter.join(cells) for cells in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return text.encode(encoding)


def assert_store_or_input_error(data: bytes, name: str = "x.csv") -> None:
    try:
        with loaded(data, name) as dataset:
            assert_every_row_accounted_for(dataset)
    except InputError as error:
        assert str(error).strip()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_give_a_store_or_an_input_error(data: bytes):
    assert_store_or_input_error(data)


@settings(max_examples=60, deadline=None)
@given(csv_like_files())
def test_random_csv_like_text_gives_a_store_or_an_input_error(data: bytes):
    assert_store_or_input_error(data)


STYLES = [messy.PLAIN, messy.US, messy.EU, messy.FR_SPACE, messy.FR_NBSP]
IDS = st.sampled_from(["A", "B", "C", "NA", "007", "7"])  # few ids: duplicates happen
AMOUNTS = st.decimals(
    min_value=Decimal("-1000000"),
    max_value=Decimal("100000000"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
BAD_CELLS = {
    "": messy.REVENUE_EMPTY,
    "abc": messy.REVENUE_NOT_NUMBER,
    "NaN": messy.REVENUE_NOT_FINITE,
}


@st.composite
def clean_files(draw: st.DrawFn) -> tuple[bytes, str, list[tuple[str, Decimal | str]]]:
    """A varied but well-formed CSV: one number style and delimiter per file, some bad cells.

    Returns the bytes, the file name and, per data row, its id and amount or bad cell.
    """
    style = draw(st.sampled_from(STYLES))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    valid = st.tuples(IDS, AMOUNTS)
    cells = st.one_of(AMOUNTS, AMOUNTS, st.sampled_from(list(BAD_CELLS)))
    rows = [draw(valid), *draw(st.lists(st.tuples(IDS, cells), max_size=20))]
    written = [
        (customer, value if isinstance(value, str) else messy.money(value, style))
        for customer, value in rows
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["customer_id", "annual_revenue"])
    writer.writerows(written)
    name = draw(st.sampled_from(["clean.csv", "clean.txt"]))
    return buffer.getvalue().encode(), name, rows


# 40 examples: each load opens its own database (~0.1 s), and the two properties above already
# spend 120 loads on the same file (the whole suite must stay fast).
@settings(max_examples=40, deadline=None)
@given(clean_files())
def test_every_row_of_a_clean_file_is_loaded_or_reported(file):
    data, name, rows = file
    amounts = [(customer, value) for customer, value in rows if not isinstance(value, str)]
    rejected = dict(Counter(BAD_CELLS[value] for _, value in rows if isinstance(value, str)))
    with loaded(data, name) as dataset:
        report = dataset.report
        assert report.rows_read == len(rows)
        assert report.rows_read == report.rows_loaded + report.rejected_rows
        assert report.rows_loaded == len(amounts)
        assert report.rejected == rejected
        assert report.customers == len({customer for customer, _ in amounts})
        total = float(sum((value for _, value in amounts), Decimal(0)))
        assert dataset.index.total_revenue == pytest.approx(total, abs=0.01)
