"""A total split in proportion to weights so that the parts add up to the total exactly, in any
order of addition (the months of a year's load, lib/monthly_load.py).

The split is worked out in exact fractions, then the total's binary units are handed out to the
parts (largest remainder): every part and every partial sum is a whole number of those units
below 2**53, which a double holds exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def apportion(total: float, weights: Sequence[Fraction]) -> tuple[float, ...]:
    """`total` split in proportion to `weights`, so that the parts add up to `total` exactly in
    any order (this module's docstring says how)."""
    scale = math.lcm(*(Fraction(w).denominator for w in weights)) if weights else 1
    return apportion_whole(total, [int(w * scale) for w in weights])


def apportion_whole(total: float, weights: Sequence[int]) -> tuple[float, ...]:
    """`apportion` for whole-number weights: the same split (it depends on the weights' ratios
    only), in integer arithmetic — a slider move makes a few hundred of these splits."""
    whole = sum(weights)
    if total == 0 or whole == 0:
        return (0.0,) * len(weights)
    if not math.isfinite(total) or total < 0 or any(w < 0 for w in weights):
        raise ValueError("apportion takes a finite total >= 0 and weights >= 0")
    exponent = max(math.frexp(total)[1] - 53, -1074)
    units = int(math.ldexp(total, -exponent))  # total = units x 2**exponent, units < 2**53
    # The ideal part w x units / whole is floor + remainder / whole: the largest remainders
    # (ties: the earlier part) get the units left.
    split = [divmod(w * units, whole) for w in weights]
    parts = [part for part, _ in split]
    left = units - sum(parts)
    by_remainder = sorted(range(len(split)), key=lambda i: (-split[i][1], i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return tuple(math.ldexp(part, exponent) for part in parts)
