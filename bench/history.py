"""Benchmark: tiers over time (issue 16) at a million customers x 8 quarters; print the figures
as JSON and keep them in BENCHMARKS.md.

The history is generated here (seeded): 1M customers in the first quarter, revenue log-normal;
each quarter every account's revenue drifts (log-normal, sigma 0.1; 3% of accounts jump by a
factor of 0.5 to 2), 2% churn and new accounts join (2.5% of the base). Build once (`History.of`
over the 8 snapshots, ids as the loader gives them), then what the page computes on a move
(lib.history_figures.outcomes: without the rules and with them), on fresh cut-offs each time:
slider moves (near the last cut-offs) and jumps (far from them), median of the runs, with plain
rules and with a 10% band + minimum stay of 2 quarters. Target: a move <= 50 ms. `make bench`
runs it.

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

from lib.history import DEFAULT_FLAP_WITHIN, History, Rules, Snapshot
from lib.history_figures import outcomes
from lib.history_inputs import quarter_ends

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
RESULTS = Path(__file__).resolve().parent / "history_results.json"
BEGIN, END = "<!-- history: begin -->", "<!-- history: end -->"
RULES = Rules(buffer=0.1, min_stay=2)
TARGET_MS = 50.0
HOURS_PER_ACCOUNT = (60.0, 12.0, 2.0)  # the sample's service matrix, Tier 1 to 3


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


def jumps(history: History, runs: int) -> list[tuple[float, float]]:
    """Cut-offs typed far from the last ones each time (Tier 1 between the top 2% and 15%,
    Tier 2 between the top 25% and 60%, alternating): nothing to start from."""
    last = history.ascending[-1]
    n = len(last)
    return [
        (
            float(last[int(n * (0.98 - 0.13 * (i % 2) - 0.001 * i))]) / 100,
            float(last[int(n * (0.75 - 0.35 * (i % 2) - 0.001 * i))]) / 100,
        )
        for i in range(runs)
    ]


def page_moves(history: History, cuts_list: list, rules: Rules) -> dict[str, object]:
    """What the page computes on a move (lib.history_figures.outcomes: without the rules and
    with them, from one plain tiering), each on new cut-offs: wall and CPU time."""
    wall_ms, cpu_ms = [], []
    found = None
    for cuts in cuts_list:
        started, cpu = time.perf_counter(), time.process_time()
        found = outcomes(history, cuts, rules, HOURS_PER_ACCOUNT, DEFAULT_FLAP_WITHIN)
        wall_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
    assert found is not None
    ruled = found[1].stability
    return {
        "move_ms": round(statistics.median(wall_ms), 1),
        "move_min_ms": round(min(wall_ms), 1),
        "move_cpu_ms": round(statistics.median(cpu_ms), 1),
        "worst_churn": round(ruled.worst_changed_share, 4),
        "flapped": ruled.flapped,
    }


def measure(rows: int, periods: int, runs: int) -> dict[str, object]:
    snapshots = generated(rows, periods)
    started = time.perf_counter()
    history = History.of(snapshots)
    build = time.perf_counter() - started
    found: dict[str, object] = {
        "rows": rows,
        "periods": periods,
        "accounts": history.accounts,
        "runs": runs,
        "build_seconds": round(build, 2),
    }
    for name, rules in (("plain", Rules()), ("rules", RULES)):
        outcomes(history, jumps(history, 1)[0], rules, HOURS_PER_ACCOUNT, DEFAULT_FLAP_WITHIN)
        found[name] = page_moves(history, cut_offs(history, runs), rules)
        found[f"{name}_jump"] = page_moves(history, jumps(history, runs), rules)
    found["machine"] = f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    return found


def median_run(runs: list[dict]) -> dict:
    """The run whose move with the rules is the median one, with every run's figure beside it:
    on a shared 2-core machine whole runs of the same code differ by a third (48 to 70 ms seen),
    so one run alone says little about a 50 ms target."""
    ranked = sorted(runs, key=lambda run: run["rules"]["move_ms"])
    kept = dict(ranked[(len(ranked) - 1) // 2])
    kept["rules_move_ms_by_run"] = [run["rules"]["move_ms"] for run in runs]
    return kept


def report_lines(found: dict) -> list[str]:
    def cell(figures: dict) -> str:
        return (
            f"{figures['move_ms']:.1f} ms ({figures['move_min_ms']:.1f}; CPU "
            f"{figures['move_cpu_ms']:.1f})"
        )

    def row(name: str, key: str) -> str:
        move, jump = found[key], found[f"{key}_jump"]
        return (
            f"| {name} | {cell(move)} | {cell(jump)} | {move['worst_churn']:.1%} | "
            f"{move['flapped']:,} |"
        )

    return [
        BEGIN,
        "## Tiers over time (`python -m bench.history`, run by `make bench`)",
        "",
        f"`bench/history.py`: a generated history of {found['rows']:,} customers x "
        f"{found['periods']} quarters ({found['accounts']:,} accounts in all: 2% churn and 2.5% "
        "new a quarter, revenue drifting), built once with `History.of` in "
        f"{found['build_seconds']:.2f} s. Then what the page computes on a move "
        "(`lib.history_figures.outcomes`: every figure without the rules and with them — tiers, "
        "matrices, per-period figures, flaps), median of "
        f"{found['runs']} moves, each on new cut-offs (the fastest and the median CPU time in "
        "brackets). A slider move starts from the last move's tiers (only the accounts between "
        "the old and the new lines are tiered again); a jump — cut-offs typed far from the last "
        "ones — tiers every period afresh.",
        "",
        "| rules | a slider move | a jump | worst churn | flapped |",
        "|---|---:|---:|---:|---:|",
        row("none", "plain"),
        row("10% band, minimum stay 2", "rules"),
        "",
        f"Target (issue 16): a move on the history page <= {TARGET_MS:.0f} ms, with the rules: "
        + ("met" if found["rules"]["move_ms"] <= TARGET_MS else "**not met**")
        + f" ({found['rules']['move_ms']:.1f} ms"
        + _by_run(found)
        + f"). Machine: {found['machine']}.",
        END,
    ]


def _by_run(found: dict) -> str:
    figures = found.get("rules_move_ms_by_run", [])
    if len(figures) < 2:
        return ""
    listed = ", ".join(f"{ms:.1f}" for ms in figures)
    return f", the median of {len(figures)} whole runs: {listed} ms"


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
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="whole runs; the one with the median rules move is kept",
    )
    args = parser.parse_args(argv)
    found = median_run([measure(args.rows, args.periods, args.runs) for _ in range(args.repeat)])
    if not args.no_report:
        keep_in_report(found)
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
