"""Run the benchmarks and rewrite BENCHMARKS.md.

Quick mode uses 100k generated customers; full mode 1M and 10M. Data is generated into
bench/data/ (not committed) by the same seeded generator as the bundled sample.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from bench.report import Result, write_report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"


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
    """Run one benchmark in a fresh Python process (clean memory figures) and parse its JSON."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine() -> dict[str, str]:
    cpus = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "machine": f"{platform.machine()}, {cpus} cores, Python {platform.python_version()}",
        "versions": ", ".join(
            f"{name} {version(name)}"
            for name in ("streamlit", "duckdb", "pandas", "numpy", "plotly")
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="100k customers (default)")
    mode.add_argument("--full", action="store_true", help="1M and 10M customers")
    parser.add_argument("--moves", type=int, default=20, help="distinct slider positions")
    args = parser.parse_args()
    sizes = [1_000_000, 10_000_000] if args.full else [100_000]
    results: list[Result] = []
    for rows in sizes:
        path = data_file(rows)
        load = run_isolated("bench.load", str(path))
        moves = run_isolated("bench.slider", str(path), "--moves", str(args.moves))
        results.append(Result(rows=rows, file=path, load=load, moves=moves))
        print(json.dumps({"rows": rows, "load": load, "moves": moves["summary"]}), flush=True)
    command = "make bench-full" if args.full else "make bench"
    write_report(ROOT / "BENCHMARKS.md", results, machine(), command)
    print(f"wrote {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main()
