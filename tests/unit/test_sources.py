"""lib.sources with Parquet files: the same customers, totals and rejections as the same rows
uploaded as a CSV file; clear errors for missing or empty locations; reloading new data.

(A PostgreSQL table as a source: tests/integration/test_postgres.py.)
"""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib.config import Settings, load
from lib.dataset import Dataset
from lib.errors import InputError
from lib.ingest import RevenueBasis
from lib.sources import LiveSource, Source, load_source
from lib.tiering import summarize
from tests.fixtures.datasets import assert_same_customers

MESSY = """\
Account ID,Account Name,ARR,Segment
A-1,Acme,"1,200.50",SMB
A-2,Beta,300,SMB
,Nobody,50,SMB
A-3,Gamma,abc,Enterprise
A-1,Acme again,100,SMB
A-4,Delta,,Mid-Market
A-5,Epsilon,99.5,Mid-Market
A-6,Zeta,(20),SMB
"""


def rows_of(text: str) -> tuple[list[str], list[list[str | None]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, [[cell or None for cell in row] for row in rows]


def write_parquet(path: Path, header: list[str], rows: list[list[str | None]]) -> Path:
    """The rows as a Parquet file of text columns (empty cells as nulls, as in a warehouse)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}), path)
    return path


def revenue_by_customer(dataset: Dataset) -> dict[str, float]:
    listed = dataset.tier_list([1.0])
    return dict(zip(listed["customer_id"], listed["annual_revenue"], strict=True))


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(MESSY, encoding="utf-8")
    return path


def split_into_files(folder: Path, text: str, sizes: tuple[int, ...]) -> None:
    header, rows = rows_of(text)
    start = 0
    for number, size in enumerate(sizes):
        write_parquet(folder / f"part-{number:03}.parquet", header, rows[start : start + size])
        start += size
    assert start == len(rows)


def test_a_folder_of_parquet_files_loads_as_the_same_csv_would(tmp_path, messy_csv):
    split_into_files(tmp_path / "extract", MESSY, (3, 4, 1))
    dataset = Source("parquet", str(tmp_path / "extract")).load()
    expected = Dataset.from_file(messy_csv)
    assert_same_customers(dataset, expected)
    assert dataset.report.customers == 4  # A-1 (two rows summed), A-2, A-5, A-6
    assert dataset.report.rejected == {
        "customer id is empty": 1,
        "revenue is empty": 1,
        "revenue is not a number": 1,
    }
    assert dataset.report.source == str(tmp_path / "extract")


def test_a_glob_picks_the_files_it_matches(tmp_path, messy_csv):
    split_into_files(tmp_path / "extract", MESSY, (5, 3))
    (tmp_path / "extract" / "_SUCCESS").write_text("")  # a marker file: not matched
    dataset = Source("parquet", str(tmp_path / "extract" / "part-*.parquet")).load()
    assert_same_customers(dataset, Dataset.from_file(messy_csv))


def test_files_in_subfolders_are_read_with_the_folder(tmp_path, messy_csv):
    header, rows = rows_of(MESSY)
    write_parquet(tmp_path / "extract" / "day=1" / "a.parquet", header, rows[:4])
    write_parquet(tmp_path / "extract" / "day=2" / "b.parquet", header, rows[4:])
    dataset = Source("parquet", str(tmp_path / "extract")).load()
    assert dataset.report.customers == Dataset.from_file(messy_csv).report.customers


def test_a_newer_file_with_an_extra_column_reads_as_one_table(tmp_path):
    header, rows = rows_of(MESSY)
    write_parquet(tmp_path / "x" / "1.parquet", header, rows[:4])
    write_parquet(
        tmp_path / "x" / "2.parquet", [*header, "Region"], [[*row, "EMEA"] for row in rows[4:]]
    )
    dataset = Source("parquet", str(tmp_path / "x")).load()
    assert dataset.has("region")
    assert "EMEA" in dataset.dimensions["region"].labels
    assert dataset.report.customers == 4


def test_typed_transactions_are_summed_over_12_months_as_from_csv(tmp_path):
    lines = [
        ("C1", 100.0, date(2026, 6, 30)),
        ("C1", 50.25, date(2025, 7, 1)),  # inside: the window is the 365 days to 2026-06-30
        ("C1", 999.0, date(2025, 6, 30)),  # outside
        ("C2", 10.0, date(2026, 1, 15)),
        ("C2", 20.0, date(2026, 2, 15)),
        ("C3", 5.0, date(2024, 1, 1)),  # outside: a customer with no revenue in the window
    ]
    table = pa.table(
        {
            "customer": pa.array([line[0] for line in lines]),
            "amount": pa.array([line[1] for line in lines], pa.float64()),
            "invoice_date": pa.array([line[2] for line in lines], pa.date32()),
        }
    )
    pq.write_table(table, tmp_path / "lines.parquet")
    text = "customer,amount,invoice_date\n" + "".join(
        f"{c},{a},{d.isoformat()}\n" for c, a, d in lines
    )
    (tmp_path / "lines.csv").write_text(text, encoding="utf-8")
    mapping = {"customer_id": "customer", "annual_revenue": "amount", "date": "invoice_date"}
    basis = RevenueBasis("transactions")
    source = Source("parquet", str(tmp_path / "lines.parquet"), (), tuple(mapping.items()), basis)
    dataset = source.load()
    expected = Dataset.from_file(tmp_path / "lines.csv", mapping=mapping, basis=basis)
    assert_same_customers(dataset, expected)
    revenue = revenue_by_customer(dataset)
    assert revenue == {"C1": 150.25, "C2": 30.0, "C3": 0.0}
    assert dataset.report.rows_outside_window == 2
    assert dataset.report.basis.as_of == date(2026, 6, 30)


def test_the_configured_source_is_read_with_its_mapping(tmp_path):
    _, rows = rows_of(MESSY)
    renamed = ["Kunde", "Name", "Umsatz pro Monat", "Segment"]
    write_parquet(tmp_path / "extract" / "a.parquet", renamed, rows)
    (tmp_path / "tierboard.toml").write_text(
        'source = "extract"\nsource_basis = "monthly"\n'
        '[source_map]\ncustomer_id = "Kunde"\nannual_revenue = "Umsatz pro Monat"\n',
        encoding="utf-8",
    )
    dataset = load_source(load({}, tmp_path))
    revenue = revenue_by_customer(dataset)
    assert revenue["A-2"] == 300 * 12
    assert dataset.mapping == {"customer_id": "Kunde", "annual_revenue": "Umsatz pro Monat"}


# ---------------------------------------------------------------------------------------------
# Errors: one sentence, and nothing half-loaded.


@pytest.mark.parametrize(
    ("make", "location", "expected"),
    [
        (lambda root: root.joinpath("empty").mkdir(), "empty", "has no .parquet files"),
        (lambda root: None, "nowhere", "There is no folder or file at"),
        (lambda root: root.joinpath("x").mkdir(), "x/*.parquet", "No files match"),
        (
            lambda root: root.joinpath("bad.parquet").write_bytes(b"PAR1 not really"),
            "bad.parquet",
            "could not be read",
        ),
        (
            lambda root: write_parquet(root / "none.parquet", ["id", "arr"], []),
            "none.parquet",
            "has no rows",
        ),
    ],
)
def test_a_source_that_cannot_be_read_says_why(tmp_path, make, location, expected):
    make(tmp_path)
    with pytest.raises(InputError) as raised:
        Source("parquet", str(tmp_path / location)).load()
    assert expected in str(raised.value)
    assert str(raised.value).endswith(".")


def test_without_a_source_there_is_nothing_to_load():
    assert Source.from_settings(Settings()) is None
    with pytest.raises(InputError, match="No data source is configured"):
        load_source(Settings())


# ---------------------------------------------------------------------------------------------
# Reloading.


def test_new_files_are_picked_up_and_a_bad_one_keeps_the_data_in_use(tmp_path):
    header, rows = rows_of(MESSY)
    folder = tmp_path / "extract"
    write_parquet(folder / "1.parquet", header, rows[:2])
    live = LiveSource(Source("parquet", str(folder)), check_every=0)
    first = live.dataset()
    assert first.report.customers == 2
    assert live.dataset() is first  # nothing changed: nothing read again
    assert live.loaded_at is not None

    write_parquet(folder / "2.parquet", header, rows[2:])
    second = live.dataset()
    assert second is not first
    assert second.report.customers == 4

    folder.joinpath("3.parquet").write_bytes(b"half-written")
    assert live.dataset() is second  # the data in use stays
    assert live.last_error is not None
    assert "could not be read" in str(live.last_error)
    with pytest.raises(InputError):
        live.reload()
    assert live.dataset() is second

    folder.joinpath("3.parquet").unlink()
    assert live.reload().report.customers == 4
    assert live.last_error is None


def test_files_are_looked_at_only_every_so_often_and_a_reload_keeps_the_lineage(tmp_path):
    header, rows = rows_of(MESSY)
    folder = tmp_path / "extract"
    write_parquet(folder / "1.parquet", header, rows[:2])
    live = LiveSource(Source("parquet", str(folder)), check_every=3600)
    assert not live.is_loaded
    first = live.dataset()
    assert live.is_loaded
    write_parquet(folder / "2.parquet", header, rows[2:])
    assert live.dataset() is first  # a slider move does not list the folder
    second = live.reload()
    assert second.report.customers == 4
    assert second.lineage == first.lineage == f"source:{folder}"


def test_the_first_read_of_a_broken_source_is_an_input_error(tmp_path):
    live = LiveSource(Source("parquet", str(tmp_path / "missing")))
    with pytest.raises(InputError, match="There is no folder or file"):
        live.dataset()


@pytest.mark.parametrize("kind", [pa.float64(), pa.decimal128(12, 2)], ids=["double", "decimal"])
def test_typed_money_from_parquet_lines_sums_exactly_to_the_cent(tmp_path, kind):
    # Ten lines a float running sum makes 50470.479999999996: a customer exactly at a cut-off.
    amounts = ["7980.26", "4714.25", "4952.85", "6833.44", "3981.55",
               "8271.36", "2202.53", "985.18", "5116.54", "5432.52"]  # fmt: skip
    values = [float(a) if kind == pa.float64() else Decimal(a) for a in amounts]
    table = pa.table(
        {
            "customer": pa.array(["A"] * 10 + ["B"]),
            "amount": pa.array([*values, values[0]], kind),
            "invoice_date": pa.array([date(2026, 3, 1)] * 11, pa.date32()),
        }
    )
    pq.write_table(table, tmp_path / "lines.parquet")
    mapping = {"customer_id": "customer", "annual_revenue": "amount", "date": "invoice_date"}
    source = Source(
        "parquet", str(tmp_path / "lines.parquet"), (), tuple(mapping.items()),
        RevenueBasis("transactions"),
    )  # fmt: skip
    dataset = source.load()
    assert revenue_by_customer(dataset) == {"A": 50470.48, "B": 7980.26}
    assert summarize(dataset.index, [50470.48]).tiers[0].customers == 1
