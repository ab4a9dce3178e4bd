"""Months as a CS leader names them: the 12-month window, "Jan 2027", and the capacity of
reduced months typed as "August 50%, December 70%"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from lib.errors import InputError

MONTHS = 12

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MAX_CAPACITY_SHARE = 2  # a month's capacity at most 200% of a normal month (contractors, overtime)


def month_label(first: date) -> str:
    """A month as the chart and the sentences name it: "Jan 2027"."""
    return f"{MONTH_NAMES[first.month - 1][:3]} {first.year}"


def first_month(as_of: date | None, today: date) -> date:
    """The first month of the window: the month after the data's as-of day, else after today."""
    day = as_of or today
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def window(first: date) -> tuple[date, ...]:
    """The first day of each of the 12 months from `first`."""
    return tuple(
        date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
        for k in range(MONTHS)
    )


_ENTRY = re.compile(r"^\s*([A-Za-z]+)\.?\s*[:=]?\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*$")


def parse_capacity(text: str) -> tuple[Fraction, ...]:
    """Each calendar month's capacity as a share of a normal month (January first), from text
    such as "August 50%, December 70%" (months by name or first three letters; "," or ";"
    between them). Months not named keep 100%. InputError says what does not read."""
    shares = [Fraction(1)] * MONTHS
    named: set[int] = set()
    for part in filter(str.strip, re.split(r"[;,\n]", text)):
        match = _ENTRY.match(part)
        if match is None:
            raise InputError(
                f'"{part.strip()[:40]}" does not read as a month and its capacity; write them '
                'like "August 50%, December 70%".'
            )
        word, figure = match.group(1).lower(), match.group(2)
        month = next(
            (
                m
                for m, name in enumerate(MONTH_NAMES)
                if len(word) >= 3 and name.lower().startswith(word)
            ),
            None,
        )
        if month is None:
            raise InputError(f'"{match.group(1)[:20]}" is not a month; write "August" or "Aug".')
        if month in named:
            raise InputError(f"{MONTH_NAMES[month]} is given twice; give each month once.")
        share = Fraction(figure) / 100
        if share > MAX_CAPACITY_SHARE:
            raise InputError(
                f"{MONTH_NAMES[month]}'s capacity is at most {MAX_CAPACITY_SHARE:.0%} of a "
                f"normal month; got {figure}%."
            )
        named.add(month)
        shares[month] = share
    return tuple(shares)


def capacity_text(shares: Sequence[Fraction]) -> str:
    """The reduced months as `parse_capacity` reads them back: "August 50%, December 70%"."""
    return ", ".join(
        f"{MONTH_NAMES[m]} {float(share * 100):g}%" for m, share in enumerate(shares) if share != 1
    )
