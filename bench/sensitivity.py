"""Benchmark: the Confidence page's sensitivity computation (lib.sensitivity) per cut-off move.

Every input of the plan moved either way and the plan recomputed, plus the accounts near each
cut-off, as the page does on each rerun, on the dataset's tier index (no reload). Target:
<= 50 ms at 1M customers (issue 19). Prints JSON: {"customers", "tiers", "inputs", "ms",
"summary"}. Usage: python -m bench.sensitivity FILE [--moves N] [--tiers K] [--slice].
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.report import spread
from lib import planning, sensitivity
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.scales import log_grid
from lib.slices import EVERYTHING, Slice


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--moves", type=int, default=16)
    parser.add_argument("--tiers", type=int, default=5, help="5: the most inputs (19)")
    parser.add_argument("--slice", action="store_true", help="one region: teams shared pro rata")
    args = parser.parse_args()
    dataset = Dataset.from_file(args.file)
    part = EVERYTHING
    if args.slice and "region" in dataset.dimensions:
        part = Slice.of({"region": [dataset.dimensions["region"].labels[0]]})
    index = planning.tier_index(dataset, part, REVENUE_ONLY)[0]
    cuts = planning.starting_cuts(dataset, part, REVENUE_ONLY, args.tiers)
    plan = planning.default_plan(dataset, REVENUE_ONLY, cuts)
    stops = [v for v in log_grid(cuts[1] * 1.01, cuts[0] * 20) if v > cuts[1]]
    step = max(1, len(stops) // args.moves)
    positions = stops[::step][: args.moves]
    sensitivity.sensitivity(dataset, index, cuts, plan, part=part, criteria=REVENUE_ONLY)  # warm
    timings = []
    inputs = 0
    for top in positions:
        moved = (top, *cuts[1:])
        started = time.perf_counter()
        found = sensitivity.sensitivity(
            dataset, index, moved, plan, part=part, criteria=REVENUE_ONLY
        )
        timings.append((time.perf_counter() - started) * 1000)
        inputs = len(found.bars)
    print(
        json.dumps(
            {
                "customers": index.customers,
                "tiers": args.tiers,
                "inputs": inputs,
                "sliced": not part.is_everything,
                "ms": [round(t, 2) for t in timings],
                "summary": spread(timings),
            }
        )
    )


if __name__ == "__main__":
    main()
