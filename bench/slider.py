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


def app_test(path: Path = APP) -> AppTest:
    """An AppTest of `path`, every run through app.py (ui/internals.py's AppTest patch): every
    bench module gets its AppTest from this one."""
    patch_apptest_navigation_only()
    return AppTest.from_file(str(path), default_timeout=600)


def figures(at: AppTest, page_only: bool = False) -> tuple:
    """What the page shows: metrics (the naive app) and HTML views (tierboard); with
    `page_only`, the main area's text and tables too, without the sidebar's."""
    if not page_only:
        return (*(m.value for m in at.metric), *(block.proto.body for block in at.get("html")))
    main = at.main
    return (
        *(m.value for m in main.metric),
        *(block.proto.body for block in main.get("html")),
        *(text.value for text in (*main.markdown, *main.caption, *main.subheader)),
        *(frame.value.to_json() for frame in main.dataframe),
    )


def tier_one_stops(at: AppTest, moves: int) -> list[float]:
    """`moves` distinct Tier-1 cut-offs offered by the slider, round figures, scrambled."""
    labels = set(at.select_slider(key=SLIDER).options)
    stops = [v for v in log_grid(1, 1e12) if cut_label(v) in labels and v >= LOWEST_MOVE]
    step = max(1, len(stops) // moves)
    positions = stops[::step][:moves]
    return positions[::2] + positions[1::2]  # distinct, in a scrambled order


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
    at = app_test(NAIVE_APP if args.naive else APP)
    started = time.perf_counter()
    at.run()
    first_run = time.perf_counter() - started
    assert not at.exception, at.exception
    # Both apps get the same Tier-1 cut-offs: round figures between the Tier-2 default and the
    # largest customer (the naive app, like many, crashes when Tier 1 drops below Tier 2).
    if args.naive:
        top = at.slider(key=NAIVE_SLIDER).max
        stops = [value for value in log_grid(1, 1e12) if LOWEST_MOVE <= value < top]
        step = max(1, len(stops) // args.moves)
        positions = stops[::step][: args.moves]
        positions = positions[::2] + positions[1::2]  # distinct, in a scrambled order
    else:
        positions = tier_one_stops(at, args.moves)
    timings = []
    previous = figures(at)
    for value in positions:
        slider = at.slider(key=NAIVE_SLIDER) if args.naive else at.select_slider(key=SLIDER)
        started = time.perf_counter()
        slider.set_value(int(value) // 1000 * 1000 if args.naive else value).run()
        timings.append((time.perf_counter() - started) * 1000)
        assert not at.exception, at.exception
        shown = figures(at)
        if shown == previous:
            raise AssertionError(f"moving the slider to {value} did not change the figures")
        previous = shown
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
