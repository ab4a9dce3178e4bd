"""Benchmark: load a canonical CSV through the real ingest path; print time and peak RSS as JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from lib.dataset import Dataset


def main() -> None:
    path = Path(sys.argv[1])
    started = time.perf_counter()
    dataset = Dataset.from_csv(path)
    _ = dataset.index.pareto  # built on first view; part of what a load costs the first page
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "peak_rss_mib": round(peak_kib / 1024, 1),
                "megabytes": round(path.stat().st_size / 1e6, 1),
                "customers": dataset.index.customers,
            }
        )
    )


if __name__ == "__main__":
    main()
