"""Figures as people read them: $1.2M, $48.5K, 42.1%, 5,000."""

from __future__ import annotations

import functools
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from lib.scales import round_significant

if TYPE_CHECKING:
    import pandas as pd

_UNITS = ((1.0, ""), (1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T"))


def _half_up(value: float, places: int) -> Decimal:
    # Half away from zero, as people round: 1,250 reads "$1.3K" like 1,350 reads "$1.4K".
    # (Python's round() rounds half to even on the binary value, which looks random on screen.)
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: float, currency: str = "$") -> str:
    """Compact money: $1.2M, $48.5K, $950, -$3.4K (at most one decimal above $100)."""
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    unit_index = max((i for i, (size, _) in enumerate(_UNITS) if magnitude >= size), default=0)
    while True:
        size, unit = _UNITS[unit_index]
        scaled = magnitude / size
        places = 0 if scaled >= 100 else (1 if unit else 2)
        rounded = _half_up(scaled, places)
        # 999,960 rounds to "1000K": say "$1M" instead.
        if rounded >= 1000 and unit_index + 1 < len(_UNITS):
            unit_index += 1
            continue
        text = f"{rounded:,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{sign}{currency}{text}{unit}"


def money_exact(value: float, currency: str = "$") -> str:
    """Money to the unit with thousands separators: $1,234,567."""
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.0f}"


def money_cents(value: float, currency: str = "$") -> str:
    """Money to the cent with thousands separators: $54,999.50, -$1,234.00."""
    return f"{'-' if value < 0 else ''}{currency}{abs(value):,.2f}"


def percent(share: float) -> str:
    """A 0..1 share as a percentage with the precision it deserves: 42%, 4.2%, 0.4%, <0.1%."""
    if not math.isfinite(share):
        return "—"
    value = round(share * 100, 1)
    if value == 0 and share != 0:
        return "<0.1%" if share > 0 else ">-0.1%"
    if value == 0:
        return "0%"
    if abs(value) >= 10:
        return f"{value:.0f}%"
    return f"{value:.1f}%"


def distance_text(share: float) -> str:
    """How far a value is from its nearest cut-off, as a share of the cut-off, in words a
    table cell can hold: "0.12% above", "<0.01% below", "on the line"."""
    if not math.isfinite(share):
        return "—"
    if share == 0:
        return "on the line"
    side = "above" if share > 0 else "below"
    if abs(share) < 0.00005:  # rounds to 0.00%: still on one side of the line
        return f"<0.01% {side}"
    return f"{abs(share):.2%} {side}"


def churn_percent(share: float) -> str:
    """A churn share to a tenth of a point, always: 19.6%, 20.4%, 9.8%. Churn is read against a
    cap (20%), so "20%" for 20.4% beside "1 quarter passes the 20% cap" would contradict itself;
    the CLI prints the same precision."""
    if not math.isfinite(share):
        return "—"
    if share == 0:
        return "0%"  # exactly none: no tenth to show
    value = round(share * 100, 1)
    if value == 0:
        return "<0.1%" if share > 0 else ">-0.1%"
    return f"{value:.1f}%"


def points_between(share: float, base: float) -> float:
    """How many points `share` is above `base` as churn_percent shows both (to a tenth): the
    difference of the shown figures, so 11.1% against 10.7% is -0.4, never the -0.3 of the
    unrounded shares."""
    return round(round(share * 100, 1) - round(base * 100, 1), 1)


def cap_percent(share: float) -> str:
    """A cap typed in whole percents as typed: 20%, 1% (percent() would say "1.0%")."""
    return f"{share * 100:.10g}%"


def count(value: int | float) -> str:
    """A count with thousands separators: 5,000."""
    return f"{value:,.0f}"


@functools.lru_cache(maxsize=8192)  # a slider labels its ~200 stops on every rerun
def cut_label(value: float, currency: str = "$") -> str:
    """A cut-off as a slider shows it: compact when it is a round figure, exact otherwise.

    "$55K" for 55,000 but "$55,010" for 55,010, so two different cut-offs never share a label.
    """
    if round_significant(value, 2) == value:
        return money(value, currency)
    return money_exact(value, currency)


def quantity(value: float, places: int = 2) -> str:
    """A figure with the decimals it has, up to `places`: 4.5, 0.25, 1,100 (never 4.5 as "4")."""
    if not math.isfinite(value):
        return "—"
    text = f"{_half_up(value, places):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def hours(value: float) -> str:
    """Hours as people read them: "4.5 h", "1,100 h", "0.25 h"."""
    return f"{quantity(value)} h"


# Table cells in $, € or ¥ use the browser's own currency formats: "-$13,578.72", where a printf
# prefix would read "$-13,578.72".
_NAMED_MONEY_FORMATS = {"$": "dollar", "€": "euro", "¥": "yen"}


def money_format(currency: str) -> str:
    """How a table shows money: "dollar" ($22,775.66), "euro", or a printf format with the
    currency in front for any other ("CHF %,.2f": CHF 22,775.66)."""
    named = _NAMED_MONEY_FORMATS.get(currency.strip())
    return named or currency.replace("%", "%%") + "%,.2f"


def blanks_as_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """A table of text with its missing cells shown empty, never "None" or "<NA>"."""
    shown = frame.astype(object)
    return shown.where(shown.notna(), "")


def plural(number: int, word: str, many: str | None = None) -> str:
    """ "1 row", "2 rows", "1,234 customers"."""
    return f"{count(number)} {word if number == 1 else (many or word + 's')}"


# Characters that start Markdown (and Streamlit's) inline constructs wherever they stand:
# escape, code, emphasis, strike-through, links / images / `:color[...]` directives (all need
# "["), HTML and autolinks ("<"), tables, `$` maths, entities ("&"), e-mail autolinks ("@");
# "_" only at a word's edge (inside a word, as in annual_revenue, it never emphasises).
# In CommonMark a backslash before ASCII punctuation is that character, literally.
_MARKDOWN_INLINE = re.compile(r"([\\`*~\[\]<>|$&@]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
# Bare web addresses become links (GFM autolink literals): break "://" and "www.".
_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?i:(?<=www))(\.)")
# At the start of a value (the start of a line, or of a list item's text): headings, quotes,
# list items, setext underlines.
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def markdown_text(value: object) -> str:
    """`value` as literal text inside Markdown (st.markdown, captions, alerts, labels, help).

    Data — a customer name, a CSM, a slice label from a link, a scenario name, a file name, an
    error that quotes a file — is shown as the characters it holds, never as formatting: line
    breaks become spaces (a value is one line of text) and every character that could start a
    link, an image, a directive, maths, HTML or emphasis is escaped; ordinary punctuation
    (".", ",", "-", ":", "/") is left alone, so the Markdown source stays readable.
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match[str]) -> str:
    space, marker = match.group(1), match.group(2)
    return f"{space}{marker}\\" if marker[0].isdigit() else f"{space}\\{marker}"
