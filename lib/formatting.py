"""Figures as people read them: $1.2M, $48.5K, 42.1%, 5,000."""

from __future__ import annotations

import math

from lib.scales import round_significant

_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def money(value: float, currency: str = "$") -> str:
    """Compact money: $1.2M, $48.5K, $950, -$3.4K (at most one decimal)."""
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    # Round to three significant figures before choosing the unit, so 999,950 reads "$1M".
    magnitude = round_significant(abs(value), 3)
    for size, unit in _UNITS:
        if magnitude >= size:
            scaled = magnitude / size
            text = f"{scaled:.0f}" if scaled >= 100 else f"{scaled:.1f}".removesuffix(".0")
            return f"{sign}{currency}{text}{unit}"
    if magnitude < 100 and magnitude != int(magnitude):
        return f"{sign}{currency}{magnitude:.2f}".rstrip("0").rstrip(".")
    return f"{sign}{currency}{magnitude:,.0f}"


def money_exact(value: float, currency: str = "$") -> str:
    """Money to the unit with thousands separators: $1,234,567."""
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.0f}"


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


def count(value: int | float) -> str:
    """A count with thousands separators: 5,000."""
    return f"{value:,.0f}"


def cut_label(value: float, currency: str = "$") -> str:
    """A cut-off as a slider shows it: compact when it is a round figure, exact otherwise.

    "$55K" for 55,000 but "$55,010" for 55,010, so two different cut-offs never share a label.
    """
    if round_significant(value, 2) == value:
        return money(value, currency)
    return money_exact(value, currency)
