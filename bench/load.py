"""Benchmark: load a canonical CSV through the real ingest path; print time and peak RSS as JSON.

`--naive` measures the naive peer's load instead (bench/naive/app.py: `pd.read_csv`), in the
same form, for the side-by-side figure issue 15 asks for.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path


def _peak_rss_kib() -> int:
    """This process's peak resident memory since it started (VmHWM, in KiB).

    Not getrusage's ru_maxrss: Linux keeps that across exec, so a process started by a parent
    that had just generated the 10M-row file reported the parent's 9.7 GiB as its own peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--naive", action="store_true", help="the naive peer's pd.read_csv")
    args = parser.parse_args()
    path: Path = args.file
    if args.naive:
        import pandas as pd  # imported before the clock starts, as Dataset's modules are
    else:
        from lib.dataset import Dataset
    started, cpu_started = time.perf_counter(), time.process_time()
    if args.naive:
        customers = len(pd.read_csv(path))
    else:
        dataset = Dataset.from_csv(path)
        _ = dataset.index.pareto  # built on first view; part of what a load costs the first page
        customers = dataset.index.customers
    seconds = time.perf_counter() - started
    # CPU time of every thread (DuckDB's included): steadier than wall time when the machine
    # is shared, and what a load costs a server that has cores to spare.
    cpu_seconds = time.process_time() - cpu_started
    peak_kib = _peak_rss_kib()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu_seconds, 3),
                "peak_rss_mib": round(peak_kib / 1024, 1),
                "megabytes": round(path.stat().st_size / 1e6, 1),
                "customers": customers,
            }
        )
    )


if __name__ == "__main__":
    main()
