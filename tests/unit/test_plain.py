"""lib.plain: a clean column read by a bare cast, a clean file staged as a view — and everything a
load shows the same as through the full reading: customers, cents, rejected rows, notes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import ingest, plain, staging, values
from lib.dataset import Upload
from lib.errors import InputError
from lib.loadreport import ANNUAL, RevenueBasis

# Values the full reading handles and a bare cast does not, or reads differently: currency,
# grouping, accounting negatives, decimal commas, Unicode spaces, day-first dates, a trailing
# space inside an ISO date's ten characters, years outside 1900-2200, words.
MESSY = (
    "$1,234.50", "1.234,56", "(5)", "5-", "€ 12", "12 USD", "n/a", "-", "", "   ", "\u00a012",
    "12\u00a0", "\u202f7", "12 ", " 12", "\t12", "12\t", "+5", ".5", "5.", "1e3", "1_000", "nan",
    "inf", "-0", "99999999999999", "1e400", "31/01/2026", "01/02/2026", "2026-01-1 ",
    " 2026-01-01", "2026-01-01 ", "2026/01/01", "2026-01-01 10:00", "0001-01-01", "1899-12-31",
    "2026-02-30", "20260101", "3 Mar 2026", "Acme", "0x10",
)  # fmt: skip
GAPS = ("", " ", "  ", "\t", "\n", "\u00a0", "\u2007", "\u3000", "\r")

plain_numbers = st.one_of(
    st.integers(-(10**15), 10**15).map(str),
    st.decimals(-(10**14), 10**14, places=2).map(str),
    st.decimals(-1000, 1000, places=7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(MESSY),
)
dates = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)
texts = st.one_of(
    plain_numbers,
    dates,
    st.text(alphabet="0123456789.,-+eE_ $()€'", max_size=12),
    st.text(max_size=6),
)
spaced = st.tuples(st.sampled_from(GAPS), texts, st.sampled_from(GAPS)).map("".join)


def _read(expressions: list[str], cells: list[str]) -> list[tuple]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(cells)))
    selected = ", ".join(expressions)
    return con.execute(f"SELECT {selected} FROM t ORDER BY i").fetchall()


def _same(a: object, b: object) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a + b))


@given(st.lists(spaced, min_size=1, max_size=30))
def test_a_value_the_bare_cast_reads_is_read_the_same_by_the_full_reading(cells):
    # The two lines lib/plain.py rests on, over text of every shape: (1) where the bare cast
    # reads a value, the full reading reads the same; (2) where a value is empty or spaces
    # only, both read nothing. A column is plain when every value is one of these.
    rows = _read(
        [
            "TRY_CAST(v AS DOUBLE)",
            values.number("v", decimal_comma=False),
            f"TRY_CAST(v AS {values.MONEY})",
            values.money("v", decimal_comma=False),
            values.plain_date("v"),
            values.date("v", day_first=False),
            values.date("v", day_first=True),
            "trim(v) = ''",
            "v LIKE ' %' OR v LIKE '% '",
        ],
        cells,
    )
    for cell, (cast, number, exact, money, day, date_mdy, date_dmy, blank, edged) in zip(
        cells, rows, strict=True
    ):
        if cast is not None:
            assert _same(number, cast), cell
        if exact is not None:
            assert money == exact, cell
        if day is not None and not edged:
            assert date_mdy == day == date_dmy, cell
        if blank:
            assert (cast, number, exact, money, day, date_mdy) == (None,) * 6, cell


@given(st.lists(spaced, min_size=1, max_size=40), st.booleans())
def test_plain_values_hold_no_evidence_for_a_decimal_comma_or_a_day_first_order(cells, european):
    # Why style detection is skipped for plain columns (plain.styles): it would find a tie,
    # settled by the file's hint (a number's decimal point still counts in a ";" file).
    con = duckdb.connect()
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [(cell,) for cell in cells])
    for table, name in (("n", "nps"), ("d", "renewal_date")):
        con.execute(
            f"CREATE TABLE {table} AS SELECT v FROM t WHERE NOT {plain._not_plain(name, 'v')}"
        )
    if not european:
        assert not values.detect_styles(con, "n", ["v"], [], european)["v"].decimal_comma
    assert values.detect_styles(con, "d", [], ["v"], european)["v"] == values.ColumnStyle(
        decimal_comma=european, day_first=european
    )


# --- whole loads: the fast path against the full one, on generated files ---------------------

HEADERS = (
    "customer_id", "annual_revenue", "customer_name", "segment", "nps", "cost_to_serve",
    "renewal_date",
)  # fmt: skip


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, RevenueBasis]:
    """A customer file (text, delimiter, basis): clean, or with a few messy cells injected."""
    basis_kind = draw(st.sampled_from(["annual", "annual", "monthly", "transactions"]))
    headers = [*HEADERS, "invoice_date"] if basis_kind == "transactions" else list(HEADERS)
    ids = draw(st.integers(1, 40))
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        row = [
            f"C-{draw(st.integers(1, ids))}",
            draw(st.one_of(st.integers(-500, 10**6), st.decimals(-500, 10**6, places=2)).map(str)),
            draw(st.sampled_from(["Acme", "Beta GmbH", "", "Zed & Co"])),
            draw(st.sampled_from(["SMB", "Enterprise", ""])),
            draw(st.sampled_from(["", "0", "7", "10", "8.5"])),
            draw(st.sampled_from(["", "120.50", "3000", "-4"])),
            draw(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)).map(str) | st.just("")),
        ]  # fmt: skip
        if basis_kind == "transactions":
            row.append(
                draw(st.sampled_from(["2025-03-01", "2025-11-30", "2026-01-15", "2024-06-01"]))
            )
        rows.append(row)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3]))):  # a few messy cells, or none
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(MESSY))
    if draw(st.integers(0, 9)) == 0:
        draw(st.sampled_from(rows)).append("7,000")  # a field beyond the header
    if draw(st.integers(0, 9)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), [""] * len(headers))  # a blank row
    if draw(st.integers(0, 9)) == 0:
        draw(st.sampled_from(rows))[1] = "9999999999999.99"  # sums beyond MAX_REVENUE
    delimiter = draw(st.sampled_from([",", ",", ";"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    as_of = draw(st.sampled_from([None, dt.date(2026, 1, 31)]))
    basis = RevenueBasis(basis_kind, as_of if basis_kind == "transactions" else None)
    return out.getvalue(), delimiter, basis


def _outcome(con: duckdb.DuckDBPyConnection, upload: Upload, basis: RevenueBasis) -> object:
    """Everything a load shows: the report, and both tables (columns, types, rows in order)."""
    try:
        report, applied = ingest.load_customers(con, upload.info, None, basis)
    except InputError as error:
        return ("InputError", str(error))
    tables = []
    for table in (ingest.CUSTOMERS, ingest.REJECTED):
        described = con.execute(f"DESCRIBE {table}").fetchall()
        rows = [tuple(map(repr, row)) for row in con.execute(f"SELECT * FROM {table}").fetchall()]
        # Customers summed from several rows come out of a GROUP BY, in no set order (either
        # path, from one run to the next); a customer per row keeps the file's order.
        grouped = table == ingest.CUSTOMERS and (
            basis.kind == "transactions" or report.duplicates_merged
        )
        tables.append((described, sorted(rows) if grouped else rows))
    return report, applied, tables


def _full_path(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> plain.Plain:
    return plain.Plain(frozenset(), rows_load=False)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_the_fast_path_loads_what_the_full_reading_loads(tmp_path_factory, file):
    text, _, basis = file
    path = tmp_path_factory.mktemp("plain") / "customers.csv"
    path.write_text(text, encoding="utf-8")
    try:
        upload = Upload.open(path)
    except InputError:
        return
    try:
        con = upload._con
        fast = _outcome(con, upload, basis)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(plain, "check", _full_path)
            full = _outcome(con, upload, basis)
        assert fast == full
    finally:
        upload.close()


def _upload(tmp_path: Path, text: str) -> Upload:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    return Upload.open(path)


def test_a_clean_file_is_staged_as_a_view_and_read_by_casts(tmp_path, monkeypatch):
    upload = _upload(
        tmp_path,
        "customer_id,annual_revenue,nps,renewal_date,customer_name\n"
        "A,10.50,7,2027-01-31, Acme \nB,20,,2026-12-01,Beta\nC,-3,10,,\n",
    )
    mapping = ingest.resolve_mapping(upload.info.headers, None, ANNUAL)
    found = plain.check(upload._con, mapping)
    assert found == plain.Plain(frozenset({"annual_revenue", "nps", "renewal_date"}), True)
    views = []
    monkeypatch.setattr(staging, "drop", lambda con: views.append(staging.is_view(con)))
    report, _ = ingest.load_customers(upload._con, upload.info, None)
    assert views[-1:] == [True]  # when dropped at the end of the load
    assert (report.customers, report.rejected) == (3, {})
    upload.close()


@pytest.mark.parametrize(
    ("cell", "plain_columns", "rows_load"),
    [
        ("$10", frozenset({"nps"}), False),  # revenue not plain: every row takes the full path
        ("", frozenset({"annual_revenue", "nps"}), False),  # an empty revenue: a rejected row
        ("1e14", frozenset({"annual_revenue", "nps"}), False),  # beyond MAX_REVENUE
        ("12 ", frozenset({"annual_revenue", "nps"}), True),  # the cast reads around spaces
    ],
)
def test_a_value_that_would_be_rejected_or_is_not_plain_takes_the_full_path(
    tmp_path, cell, plain_columns, rows_load
):
    upload = _upload(tmp_path, f"customer_id,annual_revenue,nps\nA,10,7\nB,{cell},8\n")
    mapping = ingest.resolve_mapping(upload.info.headers, None, ANNUAL)
    assert plain.check(upload._con, mapping) == plain.Plain(plain_columns, rows_load)
    upload.close()


def test_a_missing_id_or_a_field_beyond_the_header_stops_the_view(tmp_path):
    for text in (
        "customer_id,annual_revenue\nA,1\n ,2\n",
        "customer_id,annual_revenue\nA,1\nB,2,3\n",
    ):
        upload = _upload(tmp_path, text)
        mapping = ingest.resolve_mapping(upload.info.headers, None, ANNUAL)
        assert not plain.check(upload._con, mapping).rows_load
        upload.close()


def test_a_date_with_a_space_inside_its_ten_characters_is_not_plain(tmp_path):
    upload = _upload(
        tmp_path, "customer_id,annual_revenue,renewal_date\nA,1,2026-01-1 \nB,2,2026-01-02\n"
    )
    mapping = ingest.resolve_mapping(upload.info.headers, None, ANNUAL)
    assert "renewal_date" not in plain.check(upload._con, mapping).columns
    upload.close()


def test_a_load_after_one_cut_short_replaces_the_staged_view_or_table(tmp_path, monkeypatch):
    # A load that stops between staging and the end (memory, say) leaves STAGED behind; the
    # next attempt, with another mapping or basis, may need the other kind.
    upload = _upload(tmp_path, "customer_id,annual_revenue\nA,1\nB,2\n")
    mapping = ingest.resolve_mapping(upload.info.headers, None, ANNUAL)
    for rows_load, check in ((True, _full_path), (False, plain.check)):
        staging.stage(upload._con, mapping, upload.info.headers, {}, rows_load=rows_load)
        with monkeypatch.context() as patch:
            patch.setattr(plain, "check", check)
            report, _ = ingest.load_customers(upload._con, upload.info, None)
        assert report.customers == 2
    upload.close()


def test_customers_summing_beyond_the_bound_are_rejected_on_the_fast_path_too(tmp_path):
    # Every row is within the bound, so the rows are staged as a view; the sum is not, so the
    # view becomes a table whose rows get their reason.
    upload = _upload(tmp_path, "customer_id,annual_revenue\nA,9999999999999.99\nA,0.02\nB,5\n")
    report, _ = ingest.load_customers(upload._con, upload.info, None)
    assert (report.customers, report.rejected) == (1, {ingest.CUSTOMER_TOO_LARGE: 2})
    rejected = upload._con.execute(f"SELECT __row FROM {ingest.REJECTED}").fetchall()
    assert rejected == [(2,), (3,)]
    upload.close()
