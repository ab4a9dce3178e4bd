"""lib.ingest through Dataset.from_csv: mapping, cleaning, and an account of every row."""

import csv
import datetime as dt
import io
import math
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import ingest
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.errors import InputError
from lib.export import to_csv_bytes
from lib.slices import EVERYTHING
from lib.tiering import summarize

HEADER = "customer_id,annual_revenue\n"


def load(write_csv, text: str, **kwargs) -> Dataset:
    return Dataset.from_csv(write_csv(text), **kwargs)


def revenue_by_id(dataset: Dataset) -> dict[str, float]:
    frame = dataset.tier_list([0.0])
    return dict(zip(frame["customer_id"], frame["annual_revenue"], strict=True))


def test_canonical_headers_match_ignoring_case_spaces_and_dashes(write_csv):
    dataset = load(write_csv, " Customer ID ,ANNUAL-REVENUE,Customer  Name\nA,10,Acme\nB,20,Beta\n")
    assert dataset.columns == ("customer_id", "annual_revenue", "customer_name")
    frame = dataset.tier_list([15.0])
    assert frame.to_dict("records") == [
        {"customer_id": "B", "customer_name": "Beta", "annual_revenue": 20.0, "tier": "Tier 1"},
        {"customer_id": "A", "customer_name": "Acme", "annual_revenue": 10.0, "tier": "Tier 2"},
    ]


def test_rows_of_one_customer_are_summed_and_counted_as_merged(write_csv):
    dataset = load(write_csv, HEADER + "A,1.5\nB,3\nA,2.25\n A ,1\n")
    report = dataset.report
    assert (report.rows_read, report.rows_loaded, report.customers) == (4, 4, 2)
    assert report.duplicates_merged == 2
    assert revenue_by_id(dataset) == {"A": 4.75, "B": 3.0}
    assert dataset.index.total_revenue == 7.75


def test_other_attributes_come_from_the_first_row_that_has_them(write_csv):
    text = "customer_id,annual_revenue,customer_name\nA,1,\nA,2,Acme\nA,3,Acme Later\nB,5,Beta\n"
    frame = load(write_csv, text).tier_list([4.0])
    assert dict(zip(frame["customer_id"], frame["customer_name"], strict=True)) == {
        "A": "Acme",
        "B": "Beta",
    }


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",10", ingest.ID_EMPTY),
        ("  ,10", ingest.ID_EMPTY),
        ("X,", ingest.REVENUE_EMPTY),
        ("X,   ", ingest.REVENUE_EMPTY),
        ("X,abc", ingest.REVENUE_NOT_NUMBER),
        ('X,"1,0,0"', ingest.REVENUE_NOT_NUMBER),
        ("X,12abc", ingest.REVENUE_NOT_NUMBER),
        ("X,nan", ingest.REVENUE_NOT_FINITE),
        ("X,inf", ingest.REVENUE_NOT_FINITE),
        ("X,-Infinity", ingest.REVENUE_NOT_FINITE),
    ],
)
def test_unusable_rows_are_rejected_with_a_reason(write_csv, row, reason):
    report = load(write_csv, HEADER + "A,5\n" + row + "\n").report
    assert report.rejected == {reason: 1}
    assert (report.rows_read, report.rows_loaded, report.customers) == (2, 1, 1)
    assert any(reason in sentence for sentence in report.sentences())


@pytest.mark.parametrize(
    "text", ["A, 12.5 ", "A,1.25e1", "A,-12.5", "A,0", 'A,"$12.50"', "A,(12.5)", "A,12.5 USD"]
)
def test_revenue_text_is_read_as_a_plain_number(write_csv, text):
    dataset = load(write_csv, HEADER + text + "\n")
    assert dataset.report.rejected_rows == 0
    expected = -12.5 if "-" in text or "(" in text else 0.0 if text == "A,0" else 12.5
    assert dataset.index.total_revenue == expected


def test_a_row_of_empty_fields_is_a_blank_line(write_csv):
    report = load(write_csv, HEADER + 'A,1\n,\n  ,  \n"",""\nB,2\n').report
    assert report.blank_lines == 3
    assert report.rejected == {}
    assert (report.rows_read, report.rows_loaded) == (2, 2)  # blank rows are not data rows
    assert "Skipped: 3 blank lines." in report.sentences()


def test_an_empty_line_is_counted_as_a_blank_line(write_csv):
    report = load(write_csv, HEADER + "A,1\n\nB,2\n").report
    assert report.blank_lines == 1
    assert report.rows_read == 2


ID_CELLS = st.sampled_from(["A", "B", "c", " A", "d d", "", " "])
REVENUE_CELLS = st.one_of(
    st.integers(-(10**6), 10**9).map(str),
    st.floats(-1e6, 1e9).map(lambda value: f"{value:.2f}"),
    st.sampled_from(["", " ", "abc", "nan", "inf", "-inf", " 7 "]),
)
ROWS = st.lists(st.tuples(ID_CELLS, REVENUE_CELLS), max_size=25)


def expected_outcome(customer_id: str, revenue: str) -> str | float | None:
    """What the loading rules make of one row: None for blank, a reason, or the revenue."""
    customer_id, revenue = customer_id.strip(), revenue.strip()
    if not customer_id and not revenue:
        return None
    if not customer_id:
        return ingest.ID_EMPTY
    if not revenue:
        return ingest.REVENUE_EMPTY
    if revenue == "abc":
        return ingest.REVENUE_NOT_NUMBER
    value = float(revenue)
    return value if math.isfinite(value) else ingest.REVENUE_NOT_FINITE


@settings(max_examples=60)
@given(ROWS)
def test_every_data_row_is_loaded_rejected_or_blank(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["customer_id", "annual_revenue"])
    writer.writerows(rows)
    outcomes = [expected_outcome(*row) for row in rows]
    loaded = [
        (row[0].strip(), out)
        for row, out in zip(rows, outcomes, strict=True)
        if isinstance(out, float)
    ]
    rejected: dict[str, int] = {}
    for out in outcomes:
        if isinstance(out, str):
            rejected[out] = rejected.get(out, 0) + 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        if not loaded:
            with pytest.raises(InputError, match=r"no usable customer rows|no data rows"):
                Dataset.from_csv(path)
            return
        dataset = Dataset.from_csv(path)
    report = dataset.report
    assert report.rows_read == len(rows) - outcomes.count(None)
    assert report.rows_read == report.rows_loaded + report.rejected_rows
    assert report.rows_loaded == len(loaded)
    assert report.rejected == rejected
    assert report.blank_lines == outcomes.count(None)
    assert report.customers == len({customer for customer, _ in loaded})
    assert report.duplicates_merged == len(loaded) - report.customers
    expected_total = math.fsum(value for _, value in loaded)
    scale = math.fsum(abs(value) for _, value in loaded)
    assert abs(dataset.index.total_revenue - expected_total) <= 1e-9 * scale
    dataset.close()


def test_bad_optional_values_are_left_empty_and_noted(write_csv):
    text = (
        "customer_id,annual_revenue,nps,health_score,renewal_date,customer_name\n"
        "A,1,abc,80,2026-13-01,Acme\n"
        "B,2,5,n/a,2026-01-31,\n"
        "C,3,,,,\n"
    )
    report = load(write_csv, text).report
    assert (report.rows_loaded, report.rejected_rows) == (3, 0)
    notes = " ".join(report.notes)
    assert "nps" in notes
    assert "health_score" in notes
    assert "renewal_date" in notes
    assert "customer_name" not in notes  # text is never unreadable
    assert all(note in report.sentences() for note in report.notes)


def test_a_file_with_no_usable_rows_raises_a_readable_input_error(write_csv):
    with pytest.raises(InputError, match="no usable customer rows") as error:
        load(write_csv, HEADER + "A,abc\n,5\n")
    message = str(error.value)
    assert ingest.REVENUE_NOT_NUMBER in message
    assert ingest.ID_EMPTY in message
    assert "\n" not in message


def test_a_file_with_only_a_header_raises_input_error(write_csv):
    with pytest.raises(InputError, match="has a header but no data rows"):
        load(write_csv, HEADER)


def test_a_missing_file_raises_a_readable_input_error(tmp_path):
    missing = tmp_path / "nowhere" / "customers.csv"
    with pytest.raises(InputError, match="no file") as error:
        Dataset.from_csv(missing)
    assert str(missing) in str(error.value)


def test_a_file_without_annual_revenue_raises_a_readable_input_error(write_csv):
    with pytest.raises(InputError, match="annual_revenue") as error:
        load(write_csv, "customer_id,colour\nA,1\n")
    assert "colour" in str(error.value)
    assert "\n" not in str(error.value)


def test_an_empty_file_raises_input_error(write_csv):
    with pytest.raises(InputError, match="is empty"):
        load(write_csv, "")


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"customer_id": "id", "annual_revenue": "arr", "favourite": "id"}, "Unknown column"),
        ({"customer_id": "id", "annual_revenue": "ARR total"}, "no column"),
        ({"customer_id": "id"}, "annual_revenue"),
    ],
)
def test_a_mapping_that_does_not_fit_the_file_raises_input_error(write_csv, mapping, message):
    with pytest.raises(InputError, match=message):
        load(write_csv, "id,arr\nA,1\n", mapping=mapping)


SQL_HEADER = 'x"; DROP TABLE customers; --'


def test_a_header_with_quotes_and_sql_text_is_only_a_name(write_csv):
    quoted = '"' + SQL_HEADER.replace('"', '""') + '"'
    text = f"id,{quoted},segment\nA,10,SMB\nB,abc,SMB\nC,30,Ent\n"
    dataset = load(write_csv, text, mapping={"customer_id": "id", "annual_revenue": SQL_HEADER})
    assert dataset.report.customers == 2
    assert dataset.report.rejected == {ingest.REVENUE_NOT_NUMBER: 1}
    assert revenue_by_id(dataset) == {"A": 10.0, "C": 30.0}


def test_an_unmapped_header_with_quotes_and_sql_text_is_harmless(write_csv):
    quoted = '"' + SQL_HEADER.replace('"', '""') + '"'
    dataset = load(write_csv, f"customer_id,annual_revenue,{quoted}\nA,10,x\nB,20,\n")
    assert dataset.report.customers == 2
    assert dataset.columns == ("customer_id", "annual_revenue")


def test_the_load_report_reads_as_sentences(write_csv):
    text = HEADER + "A,1\nA,2\nA,3\nB,4\nB,x\n,\n,\n"
    dataset = load(write_csv, text, source="export.csv")
    assert dataset.source == "export.csv"
    sentences = dataset.report.sentences()
    assert sentences[0] == "5 rows read, 4 loaded as 2 customers."
    assert (
        "2 rows repeated a customer id and were summed into that customer (A: 3 rows)." in sentences
    )
    assert f"Rejected, {ingest.REVENUE_NOT_NUMBER}: 1 row." in sentences
    assert "Skipped: 2 blank lines." in sentences


# ---------------------------------------------------------------------------------------------
# Money: exact to the cent from load to export, whatever the order of the lines.

# Ten invoice lines of one customer that add up to exactly 50,470.48, although a float running
# sum in this order gives 50470.479999999996 (issue 18, defect 9).
TEN_LINES = ("7980.26", "4714.25", "4952.85", "6833.44", "3981.55",
             "8271.36", "2202.53", "985.18", "5116.54", "5432.52")  # fmt: skip
TIE = Decimal("50470.48")


def ten_lines_csv(write_csv, dated: bool) -> Path:
    header = "customer_id,annual_revenue" + (",invoice_date" if dated else "")
    day = ",2026-03-01" if dated else ""
    rows = [f"A,{amount}{day}" for amount in TEN_LINES] + [f"B,100.00{day}"]
    return write_csv("\n".join([header, *rows]) + "\n")


def test_the_ten_lines_really_drift_when_summed_as_floats():
    running = 0.0
    for amount in TEN_LINES:
        running += float(amount)
    assert running != 50470.48
    assert sum(Decimal(amount) for amount in TEN_LINES) == TIE


@pytest.mark.parametrize("dated", [False, True], ids=["repeated ids", "invoice lines"])
def test_a_customer_summing_exactly_to_a_typed_cut_off_is_in_the_higher_tier(write_csv, dated):
    path = ten_lines_csv(write_csv, dated)
    mapping = {"customer_id": "customer_id", "annual_revenue": "annual_revenue"}
    if dated:
        mapping["date"] = "invoice_date"
    basis = ingest.RevenueBasis("transactions") if dated else ingest.ANNUAL
    dataset = Dataset.from_file(path, mapping=mapping, basis=basis)
    summary = summarize(dataset.index, [50470.48])
    assert (summary.tiers[0].customers, summary.tiers[0].revenue) == (1, 50470.48)
    assert summary.total_revenue == 50570.48
    frame = dataset.tier_list([50470.48])
    assert frame["tier"].tolist() == ["Tier 1", "Tier 2"]
    assert frame["annual_revenue"].tolist() == [50470.48, 100.0]
    table = dataset.tier_table(EVERYTHING, REVENUE_ONLY, [50470.48])
    assert table["tier"].tolist() == ["Tier 1", "Tier 2"]


LINE_CENTS = st.integers(-(10**9), 10**11)  # -$10M .. $1B a line, in cents
LINES = st.lists(st.tuples(st.sampled_from("ABCDE"), LINE_CENTS), min_size=1, max_size=40)


def cents_text(cents: int) -> str:
    return str(Decimal(cents) / 100)


@settings(max_examples=40)
@given(
    lines=LINES,
    order=st.randoms(use_true_random=False),
    cut_cents=st.lists(st.integers(-(10**9), 10**12), min_size=1, max_size=3),
    dated=st.booleans(),
)
def test_tier_totals_and_exported_revenue_are_exact_decimal_sums_in_any_order(
    lines, order, cut_cents, dated
):
    shuffled = list(lines)
    order.shuffle(shuffled)
    header = "customer_id,annual_revenue" + (",invoice_date" if dated else "")
    day = ",2026-03-01" if dated else ""
    text = "\n".join([header, *(f"{c},{cents_text(v)}{day}" for c, v in shuffled)]) + "\n"
    mapping = {"customer_id": "customer_id", "annual_revenue": "annual_revenue"}
    if dated:
        mapping["date"] = "invoice_date"
    basis = ingest.RevenueBasis("transactions") if dated else ingest.ANNUAL
    dataset = Dataset.from_file(text.encode(), "lines.csv", mapping=mapping, basis=basis)
    exact: dict[str, Decimal] = {}
    for customer, cents in lines:
        exact[customer] = exact.get(customer, Decimal(0)) + Decimal(cents) / 100
    cuts = sorted((Decimal(c) / 100 for c in cut_cents), reverse=True)
    summary = summarize(dataset.index, [float(c) for c in cuts])
    bounds = [None, *cuts, None]
    for t, tier in enumerate(summary.tiers):
        ceiling, floor = bounds[t], bounds[t + 1]
        members = [
            value
            for value in exact.values()
            if (floor is None or value >= floor) and (ceiling is None or value < ceiling)
        ]
        assert tier.customers == len(members)
        assert Decimal(repr(tier.revenue)) == sum(members, Decimal(0))
    assert Decimal(repr(summary.total_revenue)) == sum(exact.values(), Decimal(0))
    written = to_csv_bytes(dataset.tier_list([float(c) for c in cuts])).decode()
    exported = {
        row["customer_id"]: Decimal(row["annual_revenue"])
        for row in csv.DictReader(io.StringIO(written))
    }
    assert exported == exact


def test_mrr_is_annualised_exactly_then_rounded_once_to_the_cent(write_csv):
    dataset = load(write_csv, HEADER + "A,10.333\nB,0.001\nB,0.001\nB,0.003\n")
    assert revenue_by_id(dataset) == {"A": 10.33, "B": 0.01}  # 0.005 rounds half away from zero
    monthly = Dataset.from_file(
        write_csv(HEADER + "A,10.333\nC,-0.0004\n"), basis=ingest.RevenueBasis("monthly")
    )
    assert revenue_by_id(monthly) == {"A": 124.0, "C": -0.0}  # 12 x 10.333 = 123.996


def test_sub_cent_lines_are_summed_before_rounding(write_csv):
    dataset = load(write_csv, HEADER + "".join("A,0.001\n" for _ in range(10)))
    assert revenue_by_id(dataset) == {"A": 0.01}


@pytest.mark.parametrize(
    ("text", "basis", "reason", "rejected"),
    [
        ("A,1.7e308\nB,1.7e308\n", "annual", ingest.REVENUE_TOO_LARGE, 2),
        ("A,9e307\nA,9e307\n", "annual", ingest.REVENUE_TOO_LARGE, 2),
        ("A,1e308\n", "monthly", ingest.REVENUE_TOO_LARGE, 1),
        ("A,1.79e308\n", "annual", ingest.REVENUE_TOO_LARGE, 1),
        ("A,1e40\n", "annual", ingest.REVENUE_TOO_LARGE, 1),
        ("A,10000000000000.01\n", "annual", ingest.REVENUE_TOO_LARGE, 1),
        ("A,6000000000000\nA,6000000000000\n", "annual", ingest.CUSTOMER_TOO_LARGE, 2),
        ("A,900000000000\n", "monthly", ingest.CUSTOMER_TOO_LARGE, 1),
    ],
    ids=[
        "two ids at 1.7e308",
        "a duplicate id summing to inf",
        "--monthly with 1e308",
        "1.79e308",
        "1e40",
        "a cent above the bound",
        "a sum above the bound",
        "MRR x 12 above the bound",
    ],
)
def test_a_figure_too_large_to_be_a_revenue_is_a_rejected_row(
    write_csv, text, basis, reason, rejected
):
    dataset = Dataset.from_file(
        write_csv(HEADER + "Z,5\n" + text), basis=ingest.RevenueBasis(basis)
    )
    assert dataset.report.rejected == {reason: rejected}
    assert revenue_by_id(dataset) == {"Z": 60.0 if basis == "monthly" else 5.0}
    rows = dataset.rejected_rows()
    # Lines of the file as an editor shows them: the header is line 1, Z line 2.
    assert rows["row"].tolist() == list(range(3, 3 + rejected))
    assert set(rows["reason"]) == {reason}
    assert math.isfinite(dataset.index.total_revenue)


def test_the_largest_revenue_allowed_loads_to_the_cent(write_csv):
    dataset = load(write_csv, HEADER + "A,10000000000000\nB,9999999999999.99\nC,-10000000000000\n")
    assert dataset.report.rejected == {}
    assert revenue_by_id(dataset) == {"A": 1e13, "B": 9999999999999.99, "C": -1e13}
    assert summarize(dataset.index, [9999999999999.99]).tiers[0].customers == 2


CLEAN_ROWS = st.lists(
    st.tuples(
        st.integers(-(10**9), 10**11),  # cents
        st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
        st.sampled_from(["SMB", "Mid-Market", "Enterprise"]),
    ),
    min_size=1,
    max_size=30,
)


def customers_of(path: Path) -> list[tuple]:
    dataset = Dataset.from_csv(path)
    try:
        return (
            dataset._cursor()
            .execute(
                "SELECT customer_id, annual_revenue, renewal_date, segment "
                f"FROM {ingest.CUSTOMERS} "
                "ORDER BY customer_id"
            )
            .fetchall()
        )
    finally:
        dataset.close()


@settings(max_examples=25, deadline=None)
@given(CLEAN_ROWS, st.data())
def test_one_messy_row_and_a_repeated_id_change_nothing_the_clean_reading_gives(rows, data):
    # A clean file takes the shortcuts (plain ISO dates, every id once: one pass); the same
    # customers written the messy way ($1,234.50, 03/05/2026) and with an id repeated on a
    # zero line take the full readings and must give exactly the same customers, to the cent.
    header = "customer_id,annual_revenue,renewal_date,segment\n"
    clean = [f"C-{i},{cents / 100:.2f},{day.isoformat()},{seg}" for i, (cents, day, seg) in
             enumerate(rows)]  # fmt: skip
    messy = list(clean)
    i = data.draw(st.integers(0, len(rows) - 1))
    cents, day, segment = rows[i]
    sign = "-" if cents < 0 else ""
    messy[i] = f'C-{i},"{sign}${abs(cents) / 100:,.2f}",{day:%m/%d/%Y},{segment}'
    messy.append(f"C-{i},0,,")
    with tempfile.TemporaryDirectory() as folder:
        clean_path, messy_path = Path(folder) / "clean.csv", Path(folder) / "messy.csv"
        clean_path.write_text(header + "\n".join(clean) + "\n", encoding="utf-8")
        messy_path.write_text(header + "\n".join(messy) + "\n", encoding="utf-8")
        expected = [(f"C-{i}", Decimal(c) / 100, d, s) for i, (c, d, s) in enumerate(rows)]
        assert customers_of(clean_path) == sorted(expected)
        assert customers_of(messy_path) == sorted(expected)


def test_the_report_names_the_customers_whose_rows_were_summed(write_csv):
    text = HEADER + "A,1\nB,2\nA,3\nC,4\nD,5\nC,6\nE,7\nE,8\nE,9\nF,1\nF,1\n"
    report = load(write_csv, text).report
    assert report.duplicates_merged == 5
    assert report.repeated_customers == 4
    assert report.repeated_ids == (("E", 3), ("A", 2), ("C", 2))  # most rows first, then by id
    assert report.merged_sentence().endswith(
        "(E: 3 rows; A: 2 rows; C: 2 rows; 4 customers in all)."
    )
