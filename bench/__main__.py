"""Run the benchmarks and rewrite BENCHMARKS.md.

Quick mode uses 100k generated customers; full mode 1M and 10M. Data is generated into
bench/data/ (not committed) by the same seeded generator as the bundled sample. Each benchmark
runs in a fresh process, so memory figures are its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from bench.report import Result, load_results, write_report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
# The naive peer takes seconds per move at 10M customers and is measured up to 1M only.
NAIVE_MAX_ROWS = 1_000_000
LOAD_RUNS = 3
SESSIONS = 20  # people on one server at once (issue 15)


def _seconds(run: dict) -> float:
    return run["seconds"]


def data_file(rows: int) -> Path:
    """A generated canonical customer file of `rows` customers (made once, then reused)."""
    from lib.sample import write_csv

    path = DATA / f"customers-{rows}.csv"
    if not path.exists():
        print(f"generating {rows:,} customers -> {path}", flush=True)
        write_csv(path.with_suffix(".tmp"), rows=rows)
        path.with_suffix(".tmp").rename(path)
    return path


def run_isolated(module: str, *args: str) -> dict:
    """Run one benchmark in a fresh Python process and parse the JSON it prints last."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine() -> dict[str, str]:
    cpus = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    chromium = subprocess.run(
        ["/usr/bin/chromium", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    packages = ("streamlit", "duckdb", "pandas", "numpy", "plotly", "playwright")
    # Shared machines (CI, several agents) skew every figure: say how busy it was.
    busy = f"load average {os.getloadavg()[0]:.1f} at the end"
    return {
        "machine": f"{platform.machine()}, {cpus} cores ({busy}), Python "
        f"{platform.python_version()}",
        "versions": ", ".join(f"{name} {version(name)}" for name in packages) + f", {chromium}",
    }


def measure_load(path: str) -> dict:
    """Load time swings by ~10% between runs on a shared machine: the median of a few fresh
    runs (each in its own process), every run's seconds kept beside it."""
    loads = sorted((run_isolated("bench.load", path) for _ in range(LOAD_RUNS)), key=_seconds)
    return {**loads[len(loads) // 2], "runs_seconds": [run["seconds"] for run in loads]}


def measure(rows: int, moves: int) -> Result:
    path = str(data_file(rows))
    steps = {"moves": str(moves)}
    print(f"[{rows:,}] load", flush=True)
    load = measure_load(path)
    print(f"[{rows:,}] slider moves under AppTest", flush=True)
    moves_ours = run_isolated("bench.slider", path, "--moves", steps["moves"])
    naive = rows <= NAIVE_MAX_ROWS
    moves_naive = (
        run_isolated("bench.slider", path, "--moves", steps["moves"], "--naive") if naive else None
    )
    print(f"[{rows:,}] every page under AppTest", flush=True)
    pages = run_isolated("bench.pages", path, "--moves", steps["moves"])
    print(f"[{rows:,}] {SESSIONS} concurrent sessions", flush=True)
    sessions = run_isolated("bench.sessions", path, "--sessions", str(SESSIONS))
    print(f"[{rows:,}] websocket round trips", flush=True)
    roundtrip = run_isolated("bench.roundtrip", path, "--moves", steps["moves"])
    print(f"[{rows:,}] natural breaks", flush=True)
    natural = run_isolated("bench.natural", path)
    print(f"[{rows:,}] Chromium", flush=True)
    browser = run_isolated("bench.browser", path, "--moves", steps["moves"])
    browser_naive = (
        run_isolated("bench.browser", path, "--moves", "5", "--naive") if naive else None
    )
    print(f"[{rows:,}] every page in Chromium", flush=True)
    browser_pages = run_isolated("bench.browser_pages", path)
    return Result(
        rows=rows,
        load=load,
        moves=moves_ours,
        naive_moves=moves_naive,
        roundtrip=roundtrip,
        browser=browser,
        naive_browser=browser_naive,
        pages=pages,
        sessions=sessions,
        natural=natural,
        browser_pages=browser_pages,
    )


def measure_parts(rows: int, moves: int, parts: list[str]) -> Result:
    """Only the per-page and concurrent-session figures, kept with the size's other results
    (a run of minutes instead of the whole suite's)."""
    path = str(data_file(rows))
    previous = load_results().get(rows)
    if previous is None:
        raise SystemExit(f"no earlier results for {rows:,} customers: run the whole benchmark")
    found = {}
    if "load" in parts:
        print(f"[{rows:,}] load", flush=True)
        found["load"] = measure_load(path)
    if "pages" in parts:
        print(f"[{rows:,}] every page under AppTest", flush=True)
        found["pages"] = run_isolated("bench.pages", path, "--moves", str(moves))
    if "sessions" in parts:
        print(f"[{rows:,}] {SESSIONS} concurrent sessions", flush=True)
        found["sessions"] = run_isolated("bench.sessions", path, "--sessions", str(SESSIONS))
    if "browser" in parts:
        print(f"[{rows:,}] every page in Chromium", flush=True)
        found["browser_pages"] = run_isolated("bench.browser_pages", path)
    if "natural" in parts:
        print(f"[{rows:,}] natural breaks", flush=True)
        found["natural"] = run_isolated("bench.natural", path)
    return replace(previous, **found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="100k customers (default)")
    mode.add_argument("--full", action="store_true", help="1M and 10M customers")
    parser.add_argument("--moves", type=int, default=16, help="distinct slider positions")
    parser.add_argument("--rows", type=int, nargs="+", help="measure only these sizes")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["load", "pages", "sessions", "natural", "browser"],
        help="measure only these parts (kept with the size's other, earlier results)",
    )
    args = parser.parse_args()
    sizes = args.rows or ([1_000_000, 10_000_000] if args.full else [100_000])
    command = "make bench-full" if args.full else "make bench"
    for rows in sizes:  # report after each size: a long run that fails keeps what it measured
        result = (
            measure_parts(rows, args.moves, args.only) if args.only else measure(rows, args.moves)
        )
        if args.only:
            command = f"python -m bench --rows {rows} --only {' '.join(args.only)}"
        write_report(ROOT / "BENCHMARKS.md", [result], machine(), command)
        print(f"wrote {ROOT / 'BENCHMARKS.md'}", flush=True)


if __name__ == "__main__":
    main()
