"""A clean file's customers table written behind the first page (lib/table_writer.py).

The first figures are read from the rows the table will hold; these tests hold that they are the
table's, that every later query sees the finished table, that a failed write says so in a
sentence, that closing mid-write neither hangs nor leaves files, and that every other kind of
file still loads the table before the dataset exists.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import ingest
from lib.dataset import Dataset
from lib.errors import InputError
from lib.loadreport import RevenueBasis
from lib.table_writer import WRITE_FAILED

HEADER = [
    "customer_id",
    "customer_name",
    "annual_revenue",
    "segment",
    "region",
    "nps",
    "health_score",
    "current_tier",
]
SEGMENTS = st.sampled_from(["SMB", "Mid-Market", "Enterprise", ""])
REGIONS = st.sampled_from(["EMEA", "AMER", "APAC", " "])
TIERS = st.sampled_from(["Tier 1", "Tier 2", "Tier 3", ""])


@st.composite
def clean_rows(draw: st.DrawFn) -> list[list[str]]:
    """Rows of a clean export: unique ids, revenue to the cent, text and number attributes."""
    count = draw(st.integers(min_value=1, max_value=40))
    ids = draw(st.lists(st.integers(0, 10**6), min_size=count, max_size=count, unique=True))
    rows = []
    for customer in ids:
        cents = draw(st.integers(min_value=0, max_value=10**10))
        rows.append(
            [
                f"C{customer:07d}",
                f"Customer {customer}",
                f"{cents // 100}.{cents % 100:02d}",
                draw(SEGMENTS),
                draw(REGIONS),
                str(draw(st.integers(-100, 100))),
                str(draw(st.integers(0, 100))),
                draw(TIERS),
            ]
        )
    return rows


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def database_folder(dataset: Dataset) -> Path:
    # The folder _discard deletes (asked of the finalizer: the connection is the writer's now).
    found = dataset._discard.peek()
    assert found is not None
    return Path(found[2][1])


def assert_same_arrays(dataset: Dataset) -> None:
    """The arrays read before the table existed equal the ones the written table gives."""
    dataset.wait_until_written()
    numbers, dimensions = dataset._read_arrays()
    assert numbers.keys() == dataset._arrays.keys()
    for name, values in numbers.items():
        np.testing.assert_array_equal(dataset._arrays[name], values, err_msg=name)
    before = {**dataset.dimensions}
    if dataset.current_tiers is not None:
        before["current_tier"] = dataset.current_tiers
    assert before.keys() == dimensions.keys()
    for name, dimension in dimensions.items():
        assert before[name].labels == dimension.labels, name
        np.testing.assert_array_equal(before[name].codes, dimension.codes, err_msg=name)


@settings(max_examples=25, deadline=None)
@given(clean_rows())
def test_the_first_figures_are_the_written_tables(tmp_path_factory, rows):
    path = write(tmp_path_factory.mktemp("clean") / "customers.csv", rows)
    dataset = Dataset.from_csv(path)
    try:
        assert dataset._writer is not None  # a clean file: the deferred path
        assert_same_arrays(dataset)
        assert dataset.report.customers == len(rows)
        assert dataset.report.rows_loaded == len(rows)
        found = dataset._cursor().execute(f"SELECT count(*) FROM {ingest.CUSTOMERS}").fetchone()
        assert found == (len(rows),)
    finally:
        dataset.close()


def test_queries_right_after_a_load_see_the_whole_table(tmp_path):
    rows = [
        [f"C{i:05d}", f"Name {i}", f"{i}.25", "SMB", "EMEA", "1", "50", ""] for i in range(5000)
    ]
    dataset = Dataset.from_csv(write(tmp_path / "customers.csv", rows))
    try:
        # Asked at once, before the writer has had time: each query waits for the table.
        assert dataset.find("C04999", limit=5)["customer_id"].tolist() == ["C04999"]
        assert dataset.rejected_rows().empty
        assert dataset._writer is not None and dataset._writer.done
        customer = dataset.customer(0)
        assert customer["customer_id"] == "C00000"
        # The file's text and staged rows are gone once the table is written.
        tables = {
            t
            for (t,) in dataset._cursor()
            .execute("SELECT table_name FROM duckdb_tables()")
            .fetchall()
        }
        assert "raw" not in {t.lower() for t in tables}
    finally:
        dataset.close()


def test_closing_during_a_long_write_interrupts_it(tmp_path, monkeypatch):
    started = threading.Event()

    def endless(self, con):
        started.set()
        con.execute("SELECT sum(i) FROM range(10000000000000) t(i)").fetchall()  # ~hours

    monkeypatch.setattr(ingest.Pending, "write", endless)
    rows = [["C1", "One", "10.00", "SMB", "EMEA", "1", "5", ""]]
    dataset = Dataset.from_csv(write(tmp_path / "customers.csv", rows))
    folder = database_folder(dataset)
    assert started.wait(10)
    assert dataset._writer is not None and not dataset._writer.done
    dataset.close()  # interrupts the query and waits for its thread, then deletes the folder
    assert dataset._writer.done
    assert not folder.exists()


@pytest.mark.parametrize(
    "error",
    [
        duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block"),
        RuntimeError("Out of Memory: an error nobody expected"),  # logged, still a sentence
    ],
)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_failed_write_is_a_sentence_on_the_next_query(tmp_path, monkeypatch, error):
    def fail(self, con):
        raise error

    monkeypatch.setattr(ingest.Pending, "write", fail)
    rows = [["C1", "One", "10.00", "SMB", "EMEA", "1", "5", ""]]
    dataset = Dataset.from_csv(write(tmp_path / "customers.csv", rows))
    try:
        assert dataset.index.total_revenue == 10.0  # the first page's figures stand
        with pytest.raises(InputError) as raised:
            dataset.find("C1")
        assert str(raised.value) == WRITE_FAILED
        assert "Out of Memory" not in str(raised.value)
    finally:
        dataset.close()


def test_closing_mid_write_neither_hangs_nor_leaves_files(tmp_path):
    rows = [
        [f"C{i:06d}", f"N{i}", f"{i % 997}.10", "SMB", "EMEA", "3", "40", ""]
        for i in range(200_000)
    ]
    dataset = Dataset.from_csv(write(tmp_path / "customers.csv", rows))
    folder = database_folder(dataset)
    assert folder.exists()
    dataset.close()  # most likely while the table is still being written
    assert not folder.exists()
    assert dataset._writer is not None and dataset._writer.done


@pytest.mark.parametrize(
    ("header", "rows", "basis"),
    [
        # A repeated id: its rows are merged, so the table is built before the report.
        (["customer_id", "annual_revenue"], [["A", "1"], ["A", "2"], ["B", "3"]], None),
        # A messy value: a row is rejected with its reason.
        (["customer_id", "annual_revenue"], [["A", "1"], ["B", "n/a"]], None),
        # A money style a bare cast does not read.
        (["customer_id", "annual_revenue"], [["A", "$1,000.50"], ["B", "$2"]], None),
        # Monthly revenue: x 12, checked against the largest figure after the table is built.
        (["customer_id", "mrr"], [["A", "100"], ["B", "200"]], "monthly"),
    ],
)
def test_other_files_write_the_table_before_the_dataset_exists(tmp_path, header, rows, basis):
    path = write(tmp_path / "customers.csv", rows, header)
    mapping = {"customer_id": "customer_id", "annual_revenue": "mrr"} if basis else None
    dataset = Dataset.from_file(path, mapping=mapping, basis=RevenueBasis(basis or "annual"))
    try:
        assert dataset._writer is None
        total = dataset._cursor().execute(f"SELECT count(*) FROM {ingest.CUSTOMERS}").fetchone()
        assert total == (dataset.report.customers,)
        assert_same_arrays(dataset)
    finally:
        dataset.close()
