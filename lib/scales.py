"""Nice numbers for cut-offs: rounding for defaults and the log-spaced grid behind the sliders."""

from __future__ import annotations

import math

# Steps within each power of ten. Revenue is heavy-tailed (the largest account is often hundreds of
# times the median), so the slider moves on a log scale: each step is a 5-15% change in the
# cut-off, equally fine at $2K and at $2M, and every stop is a figure people say out loud.
MANTISSAS = (1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0, 2.2, 2.5, 2.8, 3.0, 3.5, 4.0, 4.5, 5.0,
             5.5, 6.0, 7.0, 8.0, 9.0)  # fmt: skip


def round_significant(value: float, digits: int = 2) -> float:
    """`value` rounded to `digits` significant figures (55,137 → 55,000)."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    return round(value / 10**exponent) * 10**exponent if exponent > 0 else round(value, -exponent)


def log_grid(low: float, high: float) -> list[float]:
    """Nice values from just below `low` to just above `high`, log-spaced (see MANTISSAS).

    Non-positive bounds are lifted to 1: a cut-off below every positive value already puts all
    paying customers above it, and zero or credit rows need no finer stops.
    """
    low = max(low, 1.0)
    high = max(high, low)
    grid: list[float] = []
    for exponent in range(math.floor(math.log10(low)), math.floor(math.log10(high)) + 2):
        for mantissa in MANTISSAS:
            value = round(mantissa * 10**exponent, 6)
            if grid and grid[-1] >= high:
                return grid
            if value > low or not grid:
                grid.append(value)
            else:
                grid[-1] = value
    return grid
