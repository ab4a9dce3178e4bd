"""Nice numbers for cut-offs: rounding for defaults and the log-spaced grid behind the sliders."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

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


def _decade(value: float) -> int:
    """floor(log10(value)) for value > 0, exact even where log10 rounds up (999999999.9999999)."""
    exponent = math.floor(math.log10(value))
    return exponent - 1 if 10.0**exponent > value else exponent


def log_grid(low: float, high: float) -> list[float]:
    """Nice values from just below `low` to just above `high`, log-spaced (see MANTISSAS).

    Non-positive bounds are lifted to 1: a cut-off below every positive value already puts all
    paying customers above it, and zero or credit rows need no finer stops.
    """
    low = max(low, 1.0)
    high = max(high, low)
    grid: list[float] = []
    for exponent in range(_decade(low), _decade(high) + 2):
        for mantissa in MANTISSAS:
            value = round(mantissa * 10**exponent, 6)
            if grid and grid[-1] >= high:
                return grid
            if value > low or not grid:
                grid.append(value)
            else:
                grid[-1] = value
    return grid


def is_round(value: float, digits: int = 2) -> bool:
    """True for figures like 55,000 or 1,200,000 that `round_significant` leaves unchanged."""
    return round_significant(value, digits) == value


def cut_stops(
    low: float, high: float, current: Sequence[float], label: Callable[[float], str]
) -> list[float]:
    """The stops of a cut-off slider: the log grid over [low, high] plus the current cut-offs.

    Current values are kept exactly (a typed $123,456 stays a stop), so the slider always shows
    where a cut-off really is. No two stops share a `label` (a slider tells its stops apart by
    label); where they would, the current value wins.
    """
    by_label: dict[str, float] = {}
    for value in [*(float(v) for v in current), *log_grid(low, high)]:
        by_label.setdefault(label(value), value)
    return sorted(by_label.values())


def nearest(stops: Sequence[float], value: float) -> float:
    """The stop closest to `value` (the lower one on a tie)."""
    return min(stops, key=lambda stop: (abs(stop - value), stop))


SCORE_RANGE = (0.0, 100.0)


def score_label(value: float) -> str:
    """A score cut-off as a slider shows it: "62", "62.5"."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def score_stops(current: Sequence[float]) -> list[float]:
    """The stops of a score slider: every whole point of 0..100, plus the current cut-offs."""
    whole = (float(v) for v in range(int(SCORE_RANGE[0]), int(SCORE_RANGE[1]) + 1))
    by_label = {score_label(v): v for v in [*(float(c) for c in current), *whole]}
    return sorted(by_label.values())


def typed_cut(value: float, is_score: bool) -> float:
    """A cut-off as typed into an exact box: whole currency units (a cut-off to the cent means
    nothing to anyone in the meeting), scores to a tenth of a point."""
    return round(value, 1) if is_score else float(round(value))
