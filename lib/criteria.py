"""What tiers are cut on: annual revenue, or a weighted score built from the columns present.

A score makes "strategic" concrete: revenue, expansion potential, NPS, health and profitability,
each turned into a percentile (0-100: "better than x% of customers") so heavy-tailed money and
0-10 survey answers weigh alike, then averaged with the weights people choose. A customer with no
value for a component (NPS unanswered) sits at the 50th percentile for it: neutral, neither
rewarded nor punished — and the page says how many that is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib.errors import InputError

REVENUE = "annual_revenue"
PROFITABILITY = "profitability"  # revenue - cost_to_serve
NEUTRAL = 50.0

COMPONENTS: dict[str, str] = {
    REVENUE: "Revenue",
    "expansion_potential": "Expansion potential",
    "nps": "NPS",
    "health_score": "Health score",
    PROFITABILITY: "Profitability",
}
# The columns each component needs.
NEEDS: dict[str, tuple[str, ...]] = {
    REVENUE: (REVENUE,),
    "expansion_potential": ("expansion_potential",),
    "nps": ("nps",),
    "health_score": ("health_score",),
    PROFITABILITY: (REVENUE, "cost_to_serve"),
}
# Weights are relative, set on 0-100 sliders; a link or a scenario gives at most this too (a
# weight of 1e308 made the sum of weights overflow: issue 13, finding 7).
MAX_WEIGHT = 100.0
DEFAULT_WEIGHTS: dict[str, float] = {
    REVENUE: 50.0,
    "expansion_potential": 20.0,
    "health_score": 15.0,
    "nps": 10.0,
    PROFITABILITY: 5.0,
}


@dataclass(frozen=True)
class Criteria:
    """Tier by revenue (the default) or by a weighted score; weights are relative."""

    by: str = "revenue"  # "revenue" | "score"
    weights: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    @property
    def is_score(self) -> bool:
        return self.by == "score"

    def weight_map(self) -> dict[str, float]:
        return dict(self.weights)

    @classmethod
    def score(cls, weights: Mapping[str, float]) -> Criteria:
        return cls("score", tuple(sorted((k, float(v)) for k, v in weights.items())))


REVENUE_ONLY = Criteria()


def missing_components(columns: tuple[str, ...]) -> dict[str, str]:
    """Components the data cannot support, with what is missing: {"nps": "no nps column"}."""
    missing = {}
    for component, needed in NEEDS.items():
        absent = [column for column in needed if column not in columns]
        if absent:
            missing[component] = f"no {' or '.join(absent)} column"
    return missing


def percentile(values: np.ndarray) -> np.ndarray:
    """Each value's percentile among the present values (0..100, ties averaged); NaN → 50."""
    ranks = pd.Series(values).rank(pct=True, method="average").to_numpy()
    present = ~np.isnan(values)
    count = int(present.sum())
    out = np.full(len(values), NEUTRAL)
    if count > 1:
        # rank(pct) gives 1/count..1; rescale so the lowest is 0 and the highest 100.
        out[present] = (ranks[present] * count - 1) / (count - 1) * 100
    return out


@dataclass(frozen=True)
class Score:
    """Each customer's score and each component's share of it (same order as the input)."""

    values: np.ndarray
    contributions: dict[str, np.ndarray]  # component -> points it adds to each score
    neutral_counts: dict[str, int]  # component -> customers without a value (scored 50)
    ignored: dict[str, str]  # component with a weight but no data -> why


def score(data: Mapping[str, np.ndarray], columns: tuple[str, ...], criteria: Criteria) -> Score:
    """Weighted score (0..100) of every customer from the component columns in `data`.

    Components without the data they need are ignored (and listed); the remaining weights are
    used as given, relative to their sum. Raises InputError when no weighted component is left.
    """
    missing = missing_components(columns)
    weights = {c: w for c, w in criteria.weight_map().items() if w > 0 and c in COMPONENTS}
    usable = {c: w for c, w in weights.items() if c not in missing}
    if not usable:
        raise InputError(
            "Give a weight above zero to at least one score component the data has "
            f"({', '.join(COMPONENTS[c] for c in COMPONENTS if c not in missing)})."
        )
    total = sum(usable.values())
    contributions, neutral = {}, {}
    for component, weight in usable.items():
        raw = (
            data[REVENUE] - np.nan_to_num(data["cost_to_serve"])
            if component == PROFITABILITY
            else np.asarray(data[component], dtype=np.float64)
        )
        neutral[component] = int(np.isnan(raw).sum())
        contributions[component] = percentile(raw) * weight / total
    values = np.sum(list(contributions.values()), axis=0)
    ignored = {c: missing[c] for c in weights if c in missing}
    return Score(
        values=values, contributions=contributions, neutral_counts=neutral, ignored=ignored
    )


def weight_shares(criteria: Criteria, scored: Score) -> dict[str, float]:
    """Each weight's share of the score (fractions adding up to 1), over the weights it
    actually used: components with data and a weight above zero."""
    used = {c: w for c, w in criteria.weight_map().items() if c in scored.contributions}
    total = sum(used.values())
    return {c: w / total for c, w in used.items()} if total else {}
