"""Benchmark: natural-break cut-offs (lib/natural_breaks.py) on a loaded dataset; JSON out.

Each run starts from a fresh tier index of the dataset's revenue (nothing cached): the time to
the suggestion for the default number of tiers on the default (log) scale — what the Plan page
and `tierboard suggest --method natural` wait for — then the fit for every tier count (2 to 5,
the Plan page's goodness-of-fit table), then the same suggestion again (cached: what a slider
move costs). The median of RUNS runs counts.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from lib.dataset import Dataset
from lib.natural_breaks import fit_by_tiers, natural_breaks
from lib.tiering import DEFAULT_TIERS, TierIndex

RUNS = 3


def _once(values: np.ndarray) -> dict[str, float]:
    index = TierIndex.from_values(values)
    started = time.perf_counter()
    found = natural_breaks(index, DEFAULT_TIERS)
    suggestion = time.perf_counter() - started
    fit_by_tiers(index, found.scale)
    table = time.perf_counter() - started
    again = time.perf_counter()
    natural_breaks(index, DEFAULT_TIERS)
    cached = time.perf_counter() - again
    return {
        "suggestion_seconds": suggestion,
        "all_tier_counts_seconds": table,
        "cached_ms": cached * 1000,
        "distinct": found.distinct,
    }


def main() -> None:
    dataset = Dataset.from_csv(Path(sys.argv[1]))
    values = dataset.index.ascending
    runs = [_once(values) for _ in range(RUNS)]

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 3)

    print(
        json.dumps(
            {
                "customers": dataset.index.customers,
                "distinct_values": int(runs[0]["distinct"]),
                "tiers": DEFAULT_TIERS,
                "suggestion_seconds": median("suggestion_seconds"),
                "all_tier_counts_seconds": median("all_tier_counts_seconds"),
                "cached_ms": median("cached_ms"),
                "runs_suggestion_seconds": [round(r["suggestion_seconds"], 3) for r in runs],
            }
        )
    )


if __name__ == "__main__":
    main()
