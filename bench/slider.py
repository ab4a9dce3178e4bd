"""Benchmark: server time per slider move on the full Tiers page, under Streamlit's AppTest.

Every move goes to a new, distinct cut-off (no per-value cache can hide a slow move) and is
checked to change the page's figures. Prints JSON with each move's milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.report import spread
from lib.formatting import cut_label
from lib.scales import log_grid
from tests.app.conftest import APP
from ui.internals import patch_apptest_navigation_only
from ui.keys import slider_key

NAIVE_APP = Path(__file__).resolve().parent / "naive" / "app.py"
SLIDER = slider_key(0)
NAIVE_SLIDER = "tier_1"
LOWEST_MOVE = 25_000


def _figures(at: AppTest) -> tuple:
    """What the page shows: metrics (the naive app) and HTML views (tierboard)."""
    return (*(m.value for m in at.metric), *(block.proto.body for block in at.get("html")))


def _chart_bytes(at: AppTest) -> int:
    charts = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    return charts + sum(len(block.proto.body) for block in at.get("html"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--naive", action="store_true", help="measure the naive peer app")
    args = parser.parse_args()
    os.environ["TIERBOARD_DATA"] = str(args.file)
    patch_apptest_navigation_only()  # every run through app.py (ui/internals.py)
    at = AppTest.from_file(str(NAIVE_APP if args.naive else APP), default_timeout=600)
    started = time.perf_counter()
    at.run()
    first_run = time.perf_counter() - started
    assert not at.exception, at.exception
    # Both apps get the same Tier-1 cut-offs: round figures between the Tier-2 default and the
    # largest customer (the naive app, like many, crashes when Tier 1 drops below Tier 2).
    if args.naive:
        top = at.slider(key=NAIVE_SLIDER).max
        stops = [value for value in log_grid(1, 1e12) if LOWEST_MOVE <= value < top]
    else:
        labels = set(at.select_slider(key=SLIDER).options)
        stops = [v for v in log_grid(1, 1e12) if cut_label(v) in labels and v >= LOWEST_MOVE]
    step = max(1, len(stops) // args.moves)
    positions = stops[::step][: args.moves]
    positions = positions[::2] + positions[1::2]  # distinct, in a scrambled order
    timings = []
    previous = _figures(at)
    for value in positions:
        slider = at.slider(key=NAIVE_SLIDER) if args.naive else at.select_slider(key=SLIDER)
        started = time.perf_counter()
        slider.set_value(int(value) // 1000 * 1000 if args.naive else value).run()
        timings.append((time.perf_counter() - started) * 1000)
        assert not at.exception, at.exception
        figures = _figures(at)
        if figures == previous:
            raise AssertionError(f"moving the slider to {value} did not change the figures")
        previous = figures
    print(
        json.dumps(
            {
                "first_run_seconds": round(first_run, 2),
                "moves_ms": [round(t, 2) for t in timings],
                "summary": spread(timings),
                "median_ms": statistics.median(timings),
                "chart_kib_per_move": round(_chart_bytes(at) / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
