"""lib.formatting: figures as people read them."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.formatting import (
    churn_percent,
    count,
    cut_label,
    markdown_text,
    money,
    money_exact,
    percent,
    points_between,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "$0"),
        (950, "$950"),
        (999, "$999"),
        (999.6, "$1K"),
        (1000, "$1K"),
        (12.5, "$12.5"),
        (48_500, "$48.5K"),
        (123_456, "$123K"),
        (999_950, "$1M"),
        (1_234_567, "$1.2M"),
        (2.5e9, "$2.5B"),
        (-3_400, "-$3.4K"),
        (-950, "-$950"),
    ],
)
def test_money_is_compact_with_at_most_one_decimal(value, text):
    assert money(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_money_shows_a_dash_for_non_finite_values(value):
    assert money(value) == "—"
    assert money_exact(value) == "—"


def test_money_takes_another_currency_symbol():
    assert money(1_234_567, "€") == "€1.2M"
    assert money_exact(1_234, "£") == "£1,234"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "$0"), (1_234_567, "$1,234,567"), (55_010.4, "$55,010"), (-1_234.4, "-$1,234")],
)
def test_money_exact_shows_whole_units_with_separators(value, text):
    assert money_exact(value) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0, "0%"),
        (0.0004, "<0.1%"),
        (-0.0004, ">-0.1%"),
        (0.004, "0.4%"),
        (0.042, "4.2%"),
        (0.42, "42%"),
        (0.09996, "10%"),
        (1.0, "100%"),
        (math.nan, "—"),
    ],
)
def test_percent_has_the_precision_the_share_deserves(share, text):
    assert percent(share) == text


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (5_000, "5,000"), (1_234_567, "1,234,567")])
def test_count_uses_thousands_separators(value, text):
    assert count(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (55_000, "$55K"),
        (55_010, "$55,010"),
        (1_200_000, "$1.2M"),
        (123_456, "$123,456"),
        (950, "$950"),
        (0, "$0"),
        (-20_000, "-$20K"),
    ],
)
def test_cut_label_is_compact_for_round_figures_and_exact_otherwise(value, text):
    assert cut_label(value) == text


@given(st.integers(-(10**12), 10**12), st.integers(-(10**12), 10**12))
def test_different_whole_number_cut_offs_never_share_a_label(a, b):
    assume(a != b)
    assert cut_label(float(a)) != cut_label(float(b))


@given(st.integers(-(10**12), 10**12))
def test_a_cut_label_is_a_money_label(value):
    label = cut_label(float(value))
    assert label.lstrip("-").startswith("$")
    assert label.startswith("-") == (value < 0)


def test_money_takes_numpy_floats_and_rounds_halves_up():
    import numpy as np

    assert money(np.float64(1250.0)) == "$1.3K"
    assert money(np.float64(1350.0)) == "$1.4K"
    assert money(np.float64(0.15) * 1000) == "$150"


# --- data as literal text in Markdown (issue 13, finding 5) ---------------------------------------

import re  # noqa: E402

# CommonMark: a backslash before ASCII punctuation is that character, literally.
ASCII_PUNCTUATION = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
ALWAYS_ESCAPED = "\\`*~[]<>|$&@"


def _unescaped(text: str) -> str:
    """What CommonMark shows for `text`: each backslash-escaped punctuation mark as itself."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _live(text: str) -> list[str]:
    """Constructs left live in `text`: an unescaped character that starts one, an unescaped
    "_" at a word's edge, "://" or "www." unbroken, a block marker at the start."""
    found, i, plain = [], 0, []  # plain: (index, character) of unescaped characters
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ASCII_PUNCTUATION:
            plain.append((i, None))
            i += 2
            continue
        plain.append((i, text[i]))
        i += 1
    chars = [c for _, c in plain]
    for k, c in enumerate(chars):
        before = chars[k - 1] if k else None
        after = chars[k + 1] if k + 1 < len(chars) else None
        if c is not None and c in ALWAYS_ESCAPED:
            found.append(c)
        if c == "_" and not (str(before).isalnum() and str(after).isalnum()):
            found.append("_ at a word's edge")
    joined = "".join(c if c is not None else "\0" for c in chars)
    if "://" in joined or "www." in joined.lower():
        found.append("autolink")
    if re.match(r"\s*([#>+=-]|\d+[.)])", joined):
        found.append("block marker")
    return found


@pytest.mark.parametrize(
    "hostile",
    [
        "![x](http://evil.example/pixel.png)",
        "[Your session expired - sign in again](http://evil.example/login)",
        ":red[Overdue] :material/warning: :smile:",
        "$x^2$ and $$\\int$$",
        "<img src=x onerror=alert(1)> &amp; <http://evil.example>",
        "# Heading\n- item\n1. first\n> quote",
        "**bold** _it_ ~~gone~~ `code` | a | b |",
        "www.evil.example, WWW.EVIL.EXAMPLE and https://evil.example, me@evil.example",
        "back\\slash\\",
        "- a list item",
        "12) numbered",
    ],
)
def test_markdown_text_leaves_no_markup_in_hostile_values(hostile):
    text = markdown_text(hostile)
    assert _live(text) == []
    assert "\n" not in text and "\r" not in text
    assert _unescaped(text) == " ".join(hostile.splitlines())


@given(st.text())
def test_markdown_text_reads_as_the_value_itself_with_nothing_live(value):
    text = markdown_text(value)
    assert _live(text) == []
    assert _unescaped(text) == re.sub(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]", " ", value)


def test_markdown_text_keeps_ordinary_text_readable():
    assert markdown_text("Müller GmbH, Region: EMEA · customers.csv") == (
        "Müller GmbH, Region: EMEA · customers.csv"
    )
    assert markdown_text("annual_revenue") == "annual_revenue"
    assert markdown_text(42) == "42"


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (0.0004, "<0.1%"),
        (0.098, "9.8%"),
        (0.2, "20.0%"),
        (0.204, "20.4%"),  # percent() says "20%": beside a 20% cap that reads as within it
        (0.1996, "20.0%"),
        (1.0, "100.0%"),
        (float("nan"), "—"),
    ],
)
def test_churn_is_shown_to_a_tenth_of_a_point_so_it_reads_against_the_cap(share, text):
    assert churn_percent(share) == text


@pytest.mark.parametrize(
    ("share", "base", "points"),
    [
        (0.1074, 0.1106, -0.4),  # shown 10.7% and 11.1%: -0.4, not the unrounded -0.32
        (0.437, 0.402, 3.5),
        (0.2, 0.2, 0.0),
        (0.20004, 0.19996, 0.0),  # both shown as 20.0%: no change
    ],
)
def test_a_change_in_points_is_the_difference_of_the_shown_shares(share, base, points):
    assert points_between(share, base) == points
    assert points_between(share, base) == round(
        float(churn_percent(share).rstrip("%")) - float(churn_percent(base).rstrip("%")), 1
    )


def test_a_distance_from_a_line_says_its_side_even_when_it_rounds_to_nothing() -> None:
    from lib.formatting import distance_text

    assert distance_text(0.0012) == "0.12% above"
    assert distance_text(-0.0012) == "0.12% below"
    assert distance_text(-0.00001) == "<0.01% below"  # $62,999.35 against $63,000
    assert distance_text(0.0) == "on the line"
    assert distance_text(float("nan")) == "—"
