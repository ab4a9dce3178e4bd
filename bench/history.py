"""Benchmark: tiers over time (issue 16) at a million customers x 8 quarters; print the figures
as JSON and keep them in BENCHMARKS.md.

The history is generated here (seeded): 1M customers in the first quarter, revenue log-normal;
each quarter every account's revenue drifts (log-normal, sigma 0.1; 3% of accounts jump by a
factor of 0.5 to 2), 2% churn and new accounts join (2.5% of the base). Build once (`History.of`
over the 8 snapshots, ids as the loader gives them), then a move: `tiers_over_time` +
`stability` on fresh cut-offs each time, median of the runs, with and without rules (10% band,
minimum stay of 2 quarters). Target: a move <= 50 ms. `make bench` runs it.

    python -m bench.history [--rows 1000000] [--periods 8] [--runs 15] [--no-report]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from lib.history import History, Rules, Snapshot, stability, tiers_over_time
from lib.history_inputs import quarter_ends

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
RESULTS = Path(__file__).resolve().parent / "history_results.json"
BEGIN, END = "<!-- history: begin -->", "<!-- history: end -->"
RULES = Rules(buffer=0.1, min_stay=2)


def generated(rows: int, periods: int, seed: int = 16) -> list[Snapshot]:
    """`periods` quarterly snapshots of about `rows` customers (see the docstring)."""
    rng = np.random.default_rng(seed)
    capacity = int(rows * (1 + 0.03 * periods))
    ids = np.array([f"CUST-{i:08d}" for i in range(capacity)], dtype=object)
    revenue = rng.lognormal(9.0, 1.4, capacity)
    alive = np.zeros(capacity, dtype=bool)
    alive[:rows] = True
    joined = rows
    snapshots = []
    for ends in quarter_ends(date(2026, 12, 31), periods):
        here = np.flatnonzero(alive)
        cents = np.rint(revenue[here] * 100).astype(np.int64)
        label = f"{ends.year} Q{(ends.month - 1) // 3 + 1}"
        snapshots.append(Snapshot(label, ends, ids[here], cents, currency="$"))
        revenue *= rng.lognormal(0.0, 0.1, capacity)
        jumps = rng.random(capacity) < 0.03
        revenue[jumps] *= rng.uniform(0.5, 2.0, int(jumps.sum()))
        alive &= rng.random(capacity) >= 0.02
        new = min(capacity - joined, int(rows * 0.025))
        alive[joined : joined + new] = True
        joined += new
    return snapshots


def cut_offs(history: History, runs: int) -> list[tuple[float, float]]:
    """A slider's worth of cut-offs: Tier 1 around the top 5%, Tier 2 around the top 30%."""
    last = history.ascending[-1]
    n = len(last)
    return [
        (
            float(last[int(n * (0.95 - 0.002 * i))]) / 100,
            float(last[int(n * (0.7 - 0.01 * i))]) / 100,
        )
        for i in range(runs)
    ]


def moves(history: History, runs: int, rules: Rules) -> dict[str, object]:
    tiers_ms, stability_ms, total_ms = [], [], []
    found = None
    for cuts in cut_offs(history, runs):
        started = time.perf_counter()
        tiers_over_time(history, cuts, rules)
        middle = time.perf_counter()
        found = stability(history, cuts, rules)
        ended = time.perf_counter()
        tiers_ms.append((middle - started) * 1000)
        stability_ms.append((ended - middle) * 1000)
        total_ms.append((ended - started) * 1000)
    assert found is not None
    # The page's move is stability() alone (it computes the tiers itself): its median is the
    # figure held to the target; tiers_over_time + stability as the brief times it is listed.
    return {
        "stability_ms": round(statistics.median(stability_ms), 1),
        "stability_min_ms": round(min(stability_ms), 1),
        "tiers_ms": round(statistics.median(tiers_ms), 1),
        "both_ms": round(statistics.median(total_ms), 1),
        "worst_churn": round(found.worst_changed_share, 4),
        "flapped": found.flapped,
    }


def measure(rows: int, periods: int, runs: int) -> dict[str, object]:
    snapshots = generated(rows, periods)
    started = time.perf_counter()
    history = History.of(snapshots)
    build = time.perf_counter() - started
    return {
        "rows": rows,
        "periods": periods,
        "accounts": history.accounts,
        "runs": runs,
        "build_seconds": round(build, 2),
        "plain": moves(history, runs, Rules()),
        "rules": moves(history, runs, RULES),
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
    }


def report_lines(found: dict) -> list[str]:
    def row(name: str, figures: dict) -> str:
        return (
            f"| {name} | {figures['stability_ms']:.1f} ms ({figures['stability_min_ms']:.1f}) | "
            f"{figures['tiers_ms']:.1f} ms | "
            f"{figures['both_ms']:.1f} ms | {figures['worst_churn']:.1%} | {figures['flapped']:,} |"
        )

    return [
        BEGIN,
        "## Tiers over time (`python -m bench.history`, run by `make bench`)",
        "",
        f"`bench/history.py`: a generated history of {found['rows']:,} customers x "
        f"{found['periods']} quarters ({found['accounts']:,} accounts in all: 2% churn and 2.5% "
        "new a quarter, revenue drifting), built once with `History.of` in "
        f"{found['build_seconds']:.2f} s; then per move (median of {found['runs']} moves, each "
        "on new cut-offs; the fastest in brackets, nearer what a quiet machine does) "
        "`stability` (what the page calls: tiers, matrices, per-period figures, flaps), "
        "`tiers_over_time` alone, and the two one after the other.",
        "",
        "| rules | stability | tiers_over_time | both | worst churn | flapped |",
        "|---|---:|---:|---:|---:|---:|",
        row("none", found["plain"]),
        row("10% band, minimum stay 2", found["rules"]),
        "",
        f"Target (issue 16): a move on the history page <= 50 ms. Machine: {found['machine']}.",
        END,
    ]


def keep_in_report(found: dict) -> None:
    RESULTS.write_text(json.dumps(found, indent=1))
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    block = "\n".join(report_lines(found))
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    BENCHMARKS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def saved_block() -> str:
    """The block as BENCHMARKS.md has it now ('' when never run): bench/report.py keeps it."""
    if not BENCHMARKS.exists():
        return ""
    found = re.search(
        re.escape(BEGIN) + ".*?" + re.escape(END), BENCHMARKS.read_text(encoding="utf-8"), re.S
    )
    return found.group(0) if found else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-report", action="store_true", help="print only, keep BENCHMARKS.md")
    args = parser.parse_args(argv)
    found = measure(args.rows, args.periods, args.runs)
    if not args.no_report:
        keep_in_report(found)
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
