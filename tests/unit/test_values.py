"""lib.values: the SQL that reads numbers, money and dates as people type them, and the style
(decimal comma or point, day or month first) each column is read with."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import values
from lib.sql import quote_ident

CELL = quote_ident("cell")


@functools.cache
def database() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory database of this module's own (never a store's), opened once."""
    return duckdb.connect()


def evaluate(expression: Callable[[str], str], texts: list[str | None]) -> list[object]:
    """`expression` over a one-column table of `texts`, inserted as bound values."""
    con = database()
    con.execute(f"CREATE OR REPLACE TEMP TABLE cells (position INTEGER, {CELL} VARCHAR)")
    con.executemany("INSERT INTO cells VALUES (?, ?)", list(enumerate(texts)))
    rows = con.execute(f"SELECT {expression(CELL)} FROM cells ORDER BY position").fetchall()
    return [row[0] for row in rows]


def numbers(texts: list[str | None], decimal_comma: bool) -> list[float | None]:
    return evaluate(lambda cell: values.number(cell, decimal_comma), texts)


def number(text: str | None, decimal_comma: bool) -> float | None:
    return numbers([text], decimal_comma)[0]


def moneys(texts: list[str | None], decimal_comma: bool) -> list[Decimal | None]:
    return evaluate(lambda cell: values.money(cell, decimal_comma), texts)


def money(text: str | None, decimal_comma: bool) -> Decimal | None:
    return moneys([text], decimal_comma)[0]


def dates(texts: list[str | None], day_first: bool) -> list[dt.date | None]:
    return evaluate(lambda cell: values.date(cell, day_first), texts)


def date(text: str | None, day_first: bool) -> dt.date | None:
    return dates([text], day_first)[0]


# ---------------------------------------------------------------------------------------------
# Numbers and money.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", 1234.56),
        ("1,234.56", 1234.56),
        ("$1,234.56", 1234.56),
        ("1234.56 USD", 1234.56),
        ("EUR 1234.56", 1234.56),
        ("usd 5", 5.0),  # currency codes in any case
        ("5 Eur", 5.0),
        ("(1,200.50)", -1200.5),
        ("($1,200.50)", -1200.5),
        ("-1,200.50", -1200.5),
        ("-$5", -5.0),
        ("$-5", -5.0),
        ("1200.50-", -1200.5),
        ("−5", -5.0),  # U+2212, the typographic minus
        ("£99", 99.0),
        ("US$ 5", 5.0),
        (" 12 ", 12.0),
        ("\u00a012\u00a0", 12.0),
        ("+7", 7.0),
        ("1'234.50", 1234.5),  # Swiss
        ("1’234.50", 1234.5),
        ("1 234.50", 1234.5),
        ("1\u00a0234.50", 1234.5),
        ("1,234,567", 1234567.0),
        ("1,234", 1234.0),  # a point-decimal column groups by commas
        ("1.234", 1.234),
        ("1e3", 1000.0),
        ("0", 0.0),
        ("-0.5", -0.5),
    ],
)
def test_a_point_decimal_column_reads_what_people_type(text, expected):
    assert number(text, decimal_comma=False) == expected


@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("NaN", math.isnan),
        ("nan", math.isnan),
        ("inf", lambda value: value == math.inf),
        ("+inf", lambda value: value == math.inf),
        ("Infinity", lambda value: value == math.inf),
        ("-inf", lambda value: value == -math.inf),
        ("-Infinity", lambda value: value == -math.inf),
    ],
)
def test_nan_and_infinity_stay_non_finite_for_the_loader_to_reject(text, check, decimal_comma):
    assert check(number(text, decimal_comma))


@pytest.mark.parametrize(
    "text",
    ["abc", "12abc", "12 abc", "1,2,3", "1,23", "12,5", "1.2.3", "n/a", "", "  ", "$", "--5"],
)
def test_a_point_decimal_column_gives_null_for_what_is_not_a_number(text):
    assert number(text, decimal_comma=False) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", 1234.56),
        ("€ 1.234,56", 1234.56),
        ("1.234,56 €", 1234.56),
        ("EUR 1.234,56", 1234.56),
        ("1 234,56", 1234.56),
        ("1\u00a0234,56", 1234.56),
        ("1\u202f234,56", 1234.56),  # narrow no-break space (French)
        ("12,5", 12.5),
        ("0,5", 0.5),
        ("(1.200,50)", -1200.5),
        ("-1.234,56", -1234.56),
        ("1.234,56-", -1234.56),
        ("1.234", 1234.0),  # in a comma column the point groups thousands
        ("1.234.567", 1234567.0),
        ("1,234", 1.234),
        ("12", 12.0),
    ],
)
def test_a_comma_decimal_column_reads_what_people_type(text, expected):
    assert number(text, decimal_comma=True) == expected


@pytest.mark.parametrize(
    "text", ["1,2,3,4", "1.23", "1.234.56", "1,234.56", "1234.56", "abc", "", "€"]
)
def test_a_comma_decimal_column_gives_null_for_what_is_not_a_number(text):
    assert number(text, decimal_comma=True) is None


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_a_null_cell_reads_as_null(decimal_comma):
    assert number(None, decimal_comma) is None


def test_one_text_reads_by_its_columns_style():
    assert numbers(["1.234", "1,234"], decimal_comma=False) == [1.234, 1234.0]
    assert numbers(["1.234", "1,234"], decimal_comma=True) == [1234.0, 1.234]


@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize("text", ["1 2 3", "10 20", "1 2345"])
def test_digits_grouped_by_spaces_not_in_threes_are_not_a_number(text, decimal_comma):
    assert number(text, decimal_comma) is None


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_a_space_grouping_by_threes_is_a_thousands_separator(decimal_comma):
    # "100 200" is how French and Swedish exports write 100,200.
    assert number("100 200", decimal_comma) == 100_200


# How each locale writes money: (thousands separators, decimal separator).
POINT_LOCALES = [("", "."), (",", "."), ("'", "."), (" ", ".")]
COMMA_LOCALES = [("", ","), (".", ","), (" ", ","), ("\u00a0", ","), ("\u202f", ",")]
CURRENCIES = ["", "$", "€", "£", "USD", "EUR", "CHF", "eur"]


@st.composite
def money_texts(draw: st.DrawFn) -> tuple[str, bool, int]:
    """A cents amount written as one locale writes it; returns text, decimal_comma, cents."""
    cents = draw(st.integers(min_value=-(10**12), max_value=10**12))
    decimal_comma = draw(st.booleans())
    group, point = draw(st.sampled_from(COMMA_LOCALES if decimal_comma else POINT_LOCALES))
    units, rest = divmod(abs(cents), 100)
    digits = f"{units:,}".replace(",", group)
    figure = digits if rest == 0 and draw(st.booleans()) else f"{digits}{point}{rest:02d}"
    currency = draw(st.sampled_from(CURRENCIES))
    space = draw(st.sampled_from(["", " "])) if len(currency) == 1 else " " * bool(currency)
    before = draw(st.booleans())
    if cents < 0:
        # Every negative form accounting exports use: around everything, around the figure
        # inside the currency, a leading minus, a trailing one before or after the currency.
        form = draw(st.sampled_from(["(all)", "(figure)", "-all", "figure-", "all-"]))
        if form == "(figure)":
            figure = f"({figure})"
        elif form == "figure-":
            figure = f"{figure}-"
    text = f"{currency}{space}{figure}" if before else f"{figure}{space}{currency}"
    if cents < 0 and form == "(all)":
        text = f"({text})"
    elif cents < 0 and form == "-all":
        text = f"-{text}"
    elif cents < 0 and form == "all-":
        text = f"{text}-"
    return text, decimal_comma, cents


@given(money_texts())
def test_money_written_the_way_a_locale_writes_it_reads_back_to_the_cent(written):
    text, decimal_comma, cents = written
    assert number(text, decimal_comma) == cents / 100, text


@given(money_texts())
def test_money_reads_exactly_as_a_decimal_in_every_form_number_reads(written):
    text, decimal_comma, cents = written
    assert money(text, decimal_comma) == Decimal(cents) / 100, text


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("(500,00) €", True, -500.0),
        ("€ (500,00)", True, -500.0),
        ("500,00- €", True, -500.0),
        ("500,00 €-", True, -500.0),
        ("$(500.00)", False, -500.0),
        ("(500.00) USD", False, -500.0),
        ("$ (1,234.56)", False, -1234.56),
        ("(€1.234,56)", True, -1234.56),
        ("USD (7)", False, -7.0),
    ],
)
def test_accounting_negatives_read_with_the_currency_inside_or_outside(
    text, decimal_comma, expected
):
    assert number(text, decimal_comma) == expected
    assert money(text, decimal_comma) == Decimal(str(expected))


@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize("text", ["$ -", "$-", " $ - ", "€ -", "- €", "EUR -", "$ −"])
def test_excels_accounting_zero_reads_as_zero(text, decimal_comma):
    assert number(text, decimal_comma) == 0.0
    assert money(text, decimal_comma) == 0


@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize("text", ["-", "(5", "5)", "((5))", "5--", "( )", "$ --"])
def test_unbalanced_or_doubled_negative_marks_are_not_a_number(text, decimal_comma):
    assert number(text, decimal_comma) is None
    assert money(text, decimal_comma) is None


@pytest.mark.parametrize("decimal_comma", [False, True])
@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1e40", "abc", ""])
def test_money_is_null_where_no_exact_amount_exists(text, decimal_comma):
    assert money(text, decimal_comma) is None


def test_money_keeps_six_decimals_and_rounds_beyond_half_away_from_zero():
    assert moneys(["12.3456785", "-0.0000005", "0.1", "1e3"], decimal_comma=False) == [
        Decimal("12.345679"),
        Decimal("-0.000001"),
        Decimal("0.1"),
        Decimal("1000"),
    ]


# ---------------------------------------------------------------------------------------------
# Dates.


@pytest.mark.parametrize("day_first", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "2026-03-05",
        "2026-03-05 10:22:00",
        "2026-03-05T10:22:00Z",
        "2026-03-05T10:22:00.000+01:00",
        "2026-03-05 10:22:00 UTC",
        "2026/3/5",
        "2026-3-5",
        "20260305",
        "5 Mar 2026",
        "5 March 2026",
        "5-Mar-2026",
        "Mar 5, 2026",
        "March 5, 2026",
    ],
)
def test_an_unambiguous_date_reads_the_same_in_either_order(text, day_first):
    assert date(text, day_first) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("05.03.2026", True, dt.date(2026, 3, 5)),
        ("5.3.26", True, dt.date(2026, 3, 5)),
        ("31/12/2025 23:59:59", True, dt.date(2025, 12, 31)),
        ("03/05/2026", True, dt.date(2026, 5, 3)),
        ("03/05/2026", False, dt.date(2026, 3, 5)),
        ("03-05-2026", True, dt.date(2026, 5, 3)),
        ("03-05-2026", False, dt.date(2026, 3, 5)),
        ("12/31/2025 9:14 AM", False, dt.date(2025, 12, 31)),
        ("12/31/2025 9:14 PM", False, dt.date(2025, 12, 31)),
        ("2/29/2024", False, dt.date(2024, 2, 29)),
    ],
)
def test_day_or_month_first_follows_the_column(text, day_first, expected):
    assert date(text, day_first) == expected


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("3/5/26", False, dt.date(2026, 3, 5)),
        ("3/5/26", True, dt.date(2026, 5, 3)),
        ("05.03.26", True, dt.date(2026, 3, 5)),
        ("3/5/99", False, dt.date(1999, 3, 5)),
    ],
)
def test_a_two_digit_year_is_a_recent_year_not_the_year_26(text, day_first, expected):
    assert date(text, day_first) == expected


@pytest.mark.parametrize("day_first", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01",
        "2026-02-30",
        "31/02/2026",
        "13/13/2026",
        "0/5/2026",
        "0026-01-01",
        "0026/01/01",
        "1899-12-31",  # outside the years a customer's history can have
        "2201-01-01",
        "garbage",
        "45000",  # an Excel serial number is not a date in text
        "",
        None,
    ],
)
def test_an_impossible_or_out_of_range_date_is_null(text, day_first):
    assert date(text, day_first) is None


@pytest.mark.parametrize(
    ("text", "day_first"),
    [("12/31/2025 9:14 AM", True), ("2/29/2024", True)],
)
def test_a_date_that_only_reads_the_other_way_is_null(text, day_first):
    assert date(text, day_first) is None


def test_the_years_1900_and_2200_are_inside_the_range():
    assert dates(["1900-01-01", "2200-12-31"], day_first=False) == [
        dt.date(1900, 1, 1),
        dt.date(2200, 12, 31),
    ]


@pytest.mark.parametrize("day_first", [False, True])
def test_excels_day_month_name_two_digit_year_reads_as_this_century(day_first):
    assert date("5-Mar-26", day_first) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("text", ["2026-03-0512", "2026-03-05abc"])
def test_an_iso_date_followed_by_more_characters_is_not_a_date(text):
    assert date(text, day_first=False) is None


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[str, bool, dt.date]:
    day = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
    padded = draw(st.booleans())
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    form = draw(st.sampled_from(["iso", "day_first", "month_first"]))
    if form == "iso":
        return day.isoformat(), draw(st.booleans()), day
    separator = draw(st.sampled_from(["/", ".", "-"] if form == "day_first" else ["/", "-"]))
    if form == "day_first":
        return f"{d}{separator}{m}{separator}{day.year}", True, day
    return f"{m}{separator}{d}{separator}{day.year}", False, day


@given(written_dates())
def test_a_date_written_iso_or_in_the_columns_order_reads_back_to_itself(written):
    text, day_first, day = written
    assert date(text, day_first) == day, text


# ---------------------------------------------------------------------------------------------
# A column's style, from all its values.


def styles(cells: list[str], prefer_european: bool, kind: str = "number") -> values.ColumnStyle:
    """The style detect_styles gives a column of `cells` (a number or a date column)."""
    con = database()
    con.execute('CREATE OR REPLACE TEMP TABLE "raw table" ("Annual Revenue" VARCHAR)')
    if cells:
        con.executemany('INSERT INTO "raw table" VALUES (?)', [[cell] for cell in cells])
    column = ["Annual Revenue"]
    numbers_, dates_ = (column, []) if kind == "number" else ([], column)
    found = values.detect_styles(con, "raw table", numbers_, dates_, prefer_european)
    return found["Annual Revenue"]


@pytest.mark.parametrize("prefer_european", [False, True])
@pytest.mark.parametrize(
    ("cells", "decimal_comma"),
    [
        (["12,50", "1.234,56"], True),
        (["12,5", "7"], True),
        (["1.234.567"], True),
        (["1,234,567.89"], False),
        (["12.50", "1,234"], False),
        (["1,234.5"], False),
        (["12,50", "1.234,56", "1,234.56"], True),  # the majority of unambiguous values
    ],
    ids=str,
)
def test_unambiguous_values_decide_the_decimal_separator(cells, decimal_comma, prefer_european):
    assert styles(cells, prefer_european).decimal_comma is decimal_comma


@pytest.mark.parametrize("prefer_european", [False, True])
@pytest.mark.parametrize("cells", [["1,234", "5,000"], ["1.234"], ["12", "7"], []], ids=str)
def test_a_column_of_only_ambiguous_values_follows_the_files_hint(cells, prefer_european):
    assert styles(cells, prefer_european).decimal_comma is prefer_european


@pytest.mark.parametrize("prefer_european", [False, True])
@pytest.mark.parametrize(
    ("cells", "day_first"),
    [
        (["13/01/2026", "01/02/2026"], True),
        (["31-12-2025"], True),
        (["05.03.2026"], True),
        (["01/13/2026", "01/02/2026"], False),
        (["12/31/2025 9:14 AM"], False),
        (["13/01/2026", "01/13/2026", "01/14/2026"], False),
    ],
    ids=str,
)
def test_unambiguous_dates_decide_day_or_month_first(cells, day_first, prefer_european):
    assert styles(cells, prefer_european, kind="date").day_first is day_first


@pytest.mark.parametrize("prefer_european", [False, True])
@pytest.mark.parametrize(
    "cells",
    [["01/02/2026", "03/04/2026"], ["2026-01-31"], ["13/01/2026", "01/13/2026"]],
    ids=str,
)
def test_dates_without_a_majority_follow_the_files_hint(cells, prefer_european):
    assert styles(cells, prefer_european, kind="date").day_first is prefer_european


def test_the_style_of_one_column_does_not_leak_into_another():
    con = database()
    con.execute("CREATE OR REPLACE TEMP TABLE t (eu VARCHAR, us VARCHAR, due VARCHAR)")
    con.execute("INSERT INTO t VALUES (?, ?, ?)", ["1.234,56", "1,234.56", "31/01/2026"])
    found = values.detect_styles(con, "t", ["eu", "us"], ["due"], prefer_european=False)
    assert found == {
        "eu": values.ColumnStyle(decimal_comma=True, day_first=False),
        "us": values.ColumnStyle(decimal_comma=False, day_first=False),
        "due": values.ColumnStyle(decimal_comma=False, day_first=True),
    }


@pytest.mark.parametrize(
    ("cells", "prefer_european"),
    [
        (["12,50 €", "99,90 €"], False),
        (["(12,50)", "(7,25)"], False),
        (["12.50 USD", "7.25 USD"], True),
    ],
    ids=str,
)
def test_values_behind_a_currency_or_sign_still_decide_the_separator(cells, prefer_european):
    style = styles(cells, prefer_european)
    assert None not in numbers(cells, style.decimal_comma)


# --- the shortcut for plain ISO dates ---------------------------------------------------------

_DATE_CHARS = "0123456789-/.+ T:Zx"
# Texts of the shortcut's own shape (4-2-2 with dashes) whatever their characters, and others.
DATE_LIKE = st.one_of(
    st.builds(
        "{}-{}-{}".format,
        *(st.text(alphabet=_DATE_CHARS, min_size=n, max_size=n) for n in (4, 2, 2)),
    ),
    st.builds(
        "{}-{}-{}".format,
        *(st.text(alphabet="0123456789", min_size=n, max_size=n) for n in (4, 2, 2)),
    ),
    st.dates().map(dt.date.isoformat),  # years 1 to 9999: most are outside YEARS
    st.text(alphabet=_DATE_CHARS, min_size=8, max_size=12),
)
PLAIN_DATES = st.dates(dt.date(values.YEARS[0], 1, 1), dt.date(values.YEARS[1], 12, 31))


@given(st.lists(st.one_of(DATE_LIKE, PLAIN_DATES.map(dt.date.isoformat)), min_size=1, max_size=20),
       st.booleans())  # fmt: skip
def test_the_plain_date_shortcut_reads_every_text_as_the_full_reading_does(texts, day_first):
    # A clean column skips the regular expressions; a messy value still reads exactly as before.
    assert dates(texts, day_first) == evaluate(lambda c: values.messy_date(c, day_first), texts)


@given(st.lists(PLAIN_DATES, min_size=1, max_size=20))
def test_a_clean_iso_date_column_takes_the_shortcut_for_every_value(days):
    # The shortcut alone reads every value: COALESCE never evaluates the full reading for them.
    shortcut = evaluate(lambda c: values.plain_date(values.text(c)), [d.isoformat() for d in days])
    assert shortcut == days
