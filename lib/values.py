"""Reading values people type: numbers in any common locale, money, dates — as DuckDB SQL.

Every rule here becomes a SQL expression over a text column, so a million values are converted
by the engine, not by Python. Each column gets one reading (decimal comma or point, day or month
first), decided from the whole column's evidence, so "1.234" means the same on every row.
Regular expressions and formats are tierboard's own constants; no value from a file ever becomes
SQL text (the column itself is referenced through `quote_ident`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lib.sql import literal, one_row, quote_ident

# Currency symbols, and the ISO codes exports actually use (a list, so "12abc" is not "12 ABC").
CODES = (
    "USD|EUR|GBP|CHF|CAD|AUD|NZD|JPY|CNY|INR|SEK|NOK|DKK|PLN|CZK|HUF|BRL|MXN|ZAR|SGD|HKD|KRW|"
    "TRY|AED|SAR|ILS|RON|BGN|ISK"
)
CURRENCY = rf"(?:(?i:{CODES})|[A-Z]{{1,2}}\$|[$€£¥₹₩₽¢])"
SPECIAL = ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
# Negatives as accounting exports write them: a leading or trailing minus, or parentheses, with
# the currency before or after, inside or outside: -$5, $-5, 5-, (5), ($5), $(5), (5) USD,
# € (500,00), 500,00- €. Groups: an opening parenthesis, a sign, the digits, a trailing sign,
# a closing parenthesis, a sign after the trailing currency.
_GAP = r"[\s\x{00A0}\x{202F}]*"
_CUR = rf"{_GAP}{CURRENCY}?{_GAP}"
NUMBER = (
    rf"^{_CUR}(\()?{_CUR}([-−+])?{_CUR}"
    r"([0-9][0-9.,'’ \x{00A0}\x{202F}]*)"
    rf"{_CUR}([-−])?{_GAP}(\))?{_CUR}([-−])?{_GAP}$"
)
# Excel's accounting format writes zero as a dash next to the currency: "$ -", "- €".
ACCOUNTING_ZERO = rf"^{_GAP}(?:{CURRENCY}{_GAP}[-−]|[-−]{_GAP}{CURRENCY}){_GAP}$"
GROUP_SEPARATORS = r"[ '’\x{00A0}\x{202F}]"
TRAILING_GAP = r"[\s\x{00A0}\x{202F}]+$"
# Digits after separators were removed: a plain number, or one grouped by threes.
# The digits as written: plain, or grouped by threes with the column's grouping mark or a space /
# apostrophe (Swiss 1'234.50, French 1 234,56). "1 2 3" and "12,34,5" are not numbers.
_SEP = r"[ '’\x{00A0}\x{202F}]"
POINT_DECIMAL = rf"^[0-9]{{1,3}}((,|{_SEP})[0-9]{{3}})+(\.[0-9]+)?$|^[0-9]+(\.[0-9]+)?$"
COMMA_DECIMAL = rf"^[0-9]{{1,3}}((\.|{_SEP})[0-9]{{3}})+(,[0-9]+)?$|^[0-9]+(,[0-9]+)?$"
# Evidence for a column's decimal separator (values that can be read only one way).
COMMA_EVIDENCE = r"[0-9],[0-9]{1,2}$|[0-9]\.[0-9]{3}\.|[0-9]\.[0-9]{3},[0-9]"
POINT_EVIDENCE = r"[0-9]\.[0-9]{1,2}$|[0-9],[0-9]{3},|[0-9],[0-9]{3}\.[0-9]"
TIME_SUFFIX = (
    r"(?:[T ]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:[AaPp][Mm])?"
    r"\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}|UTC)?)$"
)
DAY_FIRST_EVIDENCE = r"^(1[3-9]|2[0-9]|3[01])[/.-]|^[0-9]{1,2}\.[0-9]{1,2}\."
MONTH_FIRST_EVIDENCE = r"^[0-9]{1,2}[/-](1[3-9]|2[0-9]|3[01])[/-]"
ISO_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d %b %y", "%d %b %Y", "%d %B %Y",
               "%b %d, %Y", "%B %d, %Y", "%d-%b-%y", "%d-%b-%Y")  # fmt: skip
# Two-digit years first: DuckDB's %Y also takes "26", and "3/5/26" must not become the year 26.
DAY_FIRST = ("%d/%m/%y", "%d.%m.%y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")
MONTH_FIRST = ("%m/%d/%y", "%m/%d/%Y", "%m-%d-%Y")
YEARS = (1900, 2200)
# An ISO date, alone or followed by a time: cast directly ("2026-03-0512" is not one).
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{1,2}:[0-9]{2}.*)?"
# Values a column's style is decided from: plenty for evidence, and a bounded cost per column.
STYLE_SAMPLE = 200_000  # a date outside these years is a typo, not a customer's history


def text(expression: str) -> str:
    """SQL: the trimmed text of `expression`, NULL when empty.

    Plain trim() (spaces): trimming a character list costs three times as much on every cell,
    and no-break spaces at the edges are handled where they matter, in numbers.
    """
    return f"NULLIF(trim(CAST({expression} AS VARCHAR)), '')"


def column_text(name: str) -> str:
    return text(quote_ident(name))


# Money is read exactly: DECIMAL with six decimals (sub-cent amounts such as unit prices keep
# their precision until the loader rounds a customer's total to the cent). 38 digits hold any
# figure the loader accepts (lib/ingest.MAX_REVENUE) and any sum of them.
MONEY = "DECIMAL(38, 6)"


def _reading(expression: str, decimal_comma: bool, sql_type: str) -> str:
    """SQL: the text `expression` read as a person meant it, cast to `sql_type` (NULL if none)."""
    value = text(expression)
    parts = (
        f"regexp_extract({value}, {literal(NUMBER)}, "
        "['open', 'neg', 'num', 'trail', 'close', 'after'])"
    )
    negative = (
        f"({parts}.open <> '' OR {parts}.neg IN ('-', '−') "
        f"OR {parts}.trail <> '' OR {parts}.after <> '')"
    )
    # Parentheses come in pairs; one trailing minus, before or after the currency.
    balanced = (
        f"(({parts}.open = '') = ({parts}.close = '') "
        f"AND NOT ({parts}.trail <> '' AND {parts}.after <> ''))"
    )
    written = f"regexp_replace({parts}.num, {literal(TRAILING_GAP)}, '')"
    digits = f"regexp_replace({written}, {literal(GROUP_SEPARATORS)}, '', 'g')"
    if decimal_comma:
        valid, plain = COMMA_DECIMAL, f"replace(replace({digits}, '.', ''), ',', '.')"
    else:
        valid, plain = POINT_DECIMAL, f"replace({digits}, ',', '')"
    cast = f"TRY_CAST({plain} AS {sql_type})"
    # No subquery: DuckDB would plan it as a join over every row, even where never needed.
    return (
        f"CASE WHEN {balanced} AND regexp_full_match({written}, {literal(valid)}) "
        f"THEN (CASE WHEN {negative} THEN -{cast} ELSE {cast} END) "
        f"WHEN regexp_full_match({value}, {literal(ACCOUNTING_ZERO)}) THEN CAST(0 AS {sql_type}) "
        "END"
    )


def _read(expression: str, decimal_comma: bool, sql_type: str, special: str) -> str:
    value = text(expression)
    tokens = ", ".join(literal(token) for token in SPECIAL)
    read = (
        f"(CASE WHEN {value} IS NULL THEN NULL "
        f"WHEN lower({value}) IN ({tokens}) THEN {special} "
        f"ELSE {_reading(expression, decimal_comma, sql_type)} END)"
    )
    if decimal_comma:  # in a comma column "1.234" is a thousand, not one: always parse
        return read
    # Most values in most files are plain numbers: read those directly, parse only the rest.
    # COALESCE evaluates its second argument only where the first is NULL, so a plain number
    # costs one trim and one cast (a CASE would repeat the trim in every branch it tries).
    return f"coalesce(TRY_CAST({value} AS {sql_type}), {read})"


def number(expression: str, decimal_comma: bool) -> str:
    """SQL: the number a person meant by the text `expression`, as a DOUBLE (NULL if none).

    Handles currency symbols and codes before or after, spaces and apostrophes as thousands
    separators, a decimal comma or point (as the column reads), a leading or trailing minus and
    parentheses for negatives (accounting style, inside or outside the currency), and Excel's
    accounting zero ("$ -"). "1e3", "NaN" and "inf" read as DuckDB reads them (and non-finite
    values are rejected by the loader).
    """
    return _read(expression, decimal_comma, "DOUBLE", f"TRY_CAST({text(expression)} AS DOUBLE)")


def money(expression: str, decimal_comma: bool) -> str:
    """SQL: the amount a person meant by the text `expression`, exactly, as DECIMAL(38, 6).

    Read as `number` reads (every form it takes), but exactly: "50470.48" is 50470.48, never the
    nearest binary fraction, so sums are exact whatever their order. Digits beyond the sixth
    decimal are rounded half away from zero. NULL when the text is not a number, is NaN or
    infinite, or is too large for 38 digits: `number` tells these apart for the load report.
    """
    return _read(expression, decimal_comma, MONEY, "NULL")


def date(expression: str, day_first: bool) -> str:
    """SQL: the date in the text `expression` (NULL when it is not one); a time part is ignored."""
    value = text(expression)
    # COALESCE evaluates the full reading only where the plain one is NULL: a clean column
    # costs one pattern test and one cast per value, not a regular expression (1M values x 2
    # date columns: ~0.3 s of a load saved).
    return f"coalesce({plain_date(value)}, {messy_date(expression, day_first)})"


def messy_date(expression: str, day_first: bool) -> str:
    """SQL: `date` without its shortcut for plain ISO dates: every form, by regular expression
    and formats (the reading `date` falls back on, and what its shortcut is tested against)."""
    value = text(expression)
    bare = f"regexp_replace({value}, {literal(TIME_SUFFIX)}, '')"
    formats = (DAY_FIRST if day_first else MONTH_FIRST) + ISO_FORMATS
    listed = ", ".join(literal(f) for f in formats)
    parsed = f"CAST(try_strptime({bare}, [{listed}]) AS DATE)"
    # ISO dates (most exports) are cast directly: trying a list of formats costs ~1 s per
    # million values, the cast a few milliseconds.
    iso = f"TRY_CAST(left({value}, 10) AS DATE)"
    return (
        f"(CASE WHEN regexp_full_match({value}, {literal(ISO_DATE)}) "
        f"THEN (CASE WHEN year({iso}) BETWEEN {YEARS[0]} AND {YEARS[1]} THEN {iso} END) "
        f"WHEN year({parsed}) BETWEEN {YEARS[0]} AND {YEARS[1]} THEN {parsed} END)"
    )


def plain_date(value: str) -> str:
    """SQL: the date in the trimmed text `value` when it is a plain ISO date (2026-03-05) within
    YEARS, else NULL: what `date` reads for it, without a regular expression (tested to agree)."""
    cast = f"TRY_CAST({value} AS DATE)"
    return (
        f"(CASE WHEN {value} LIKE '____-__-__' AND year({cast}) BETWEEN {YEARS[0]} AND {YEARS[1]} "
        f"THEN {cast} END)"
    )


@dataclass(frozen=True)
class ColumnStyle:
    """How one column's values are written."""

    decimal_comma: bool = False
    day_first: bool = False


def detect_styles(
    con: duckdb.DuckDBPyConnection,
    table: str,
    numbers: list[str],
    dates: list[str],
    prefer_european: bool,
) -> dict[str, ColumnStyle]:
    """Decide each column's decimal separator / day order from all its values.

    Unambiguous values vote ("12,50" can only be a decimal comma, "1,234,567" only grouping by
    commas; "31/01" only day-first). A tie — no unambiguous value at all — goes to the file's
    own hint (`prefer_european`: semicolon-separated or decimal-comma files).
    """
    styles: dict[str, ColumnStyle] = {}
    for name in dict.fromkeys(numbers + dates):
        value = column_text(name)
        # Evidence is read from the figure alone: "12,50 €" and "(12,50)" vote like "12,50".
        figure = f"regexp_replace({value}, '[^0-9.,]', '', 'g')"
        # Only the evidence the column's kind uses: regular expressions are most of the cost.
        is_number, is_date = name in numbers, name in dates
        votes = (
            (figure, COMMA_EVIDENCE, is_number),
            (figure, POINT_EVIDENCE, is_number),
            (value, DAY_FIRST_EVIDENCE, is_date),
            (value, MONTH_FIRST_EVIDENCE, is_date),
        )
        counted = ", ".join(
            f"count(*) FILTER (WHERE regexp_matches({text_of}, {literal(pattern)}))"
            if used
            else "0"
            for text_of, pattern, used in votes
        )
        row = con.execute(
            f"""
            SELECT {counted}
            FROM (SELECT {quote_ident(name)} FROM {quote_ident(table)}
                  WHERE {quote_ident(name)} IS NOT NULL LIMIT {STYLE_SAMPLE})
            """
        ).fetchone()
        comma, point, day, month = one_row(row)
        styles[name] = ColumnStyle(
            decimal_comma=comma > point or (comma == point and prefer_european),
            day_first=day > month or (day == month and prefer_european),
        )
    return styles


# How a currency found in the data is written on screen: the symbol people expect, else the code.
SYMBOLS = {"$": "$", "USD": "$", "€": "€", "EUR": "€", "£": "£", "GBP": "£", "¥": "¥", "JPY": "¥",
           "₹": "₹", "INR": "₹", "₩": "₩", "KRW": "₩", "₽": "₽"}  # fmt: skip
DEFAULT_CURRENCY = "$"


def currency_of(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    """The currency a money column is written in, as shown on screen ("$", "€", "CHF ").

    The most frequent symbol or code among the first values that carry one; "$" when none does
    (exports of plain figures are most often in dollars, and any symbol beats none on screen).
    """
    found = con.execute(
        f"""
        SELECT code, count(*) AS n FROM (
            SELECT upper(regexp_extract({column_text(column)}, {literal(CURRENCY_FOUND)}, 1))
                AS code
            FROM (SELECT {quote_ident(column)} FROM {quote_ident(table)}
                  WHERE {quote_ident(column)} IS NOT NULL LIMIT {STYLE_SAMPLE})
        ) WHERE code <> '' GROUP BY code ORDER BY n DESC, code LIMIT 1
        """
    ).fetchone()
    if found is None:
        return DEFAULT_CURRENCY
    return SYMBOLS.get(found[0], f"{found[0]} ")


CURRENCY_FOUND = rf"([$€£¥₹₩₽]|\b(?i:{CODES})\b)"
