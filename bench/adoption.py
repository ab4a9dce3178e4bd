"""Benchmark: the tier of record at a million accounts — adopt, read back, list, and Who moves
against it (matching once per adoption x dataset, then a cut-off move); prints JSON.

The data is bench/data/customers-<rows>.csv (the sample's seeded generator, as `make bench`
makes it). The tier of record is that data's tier list with 5% of its accounts replaced by
others (gone since), so the data has 5% accounts new since. SQLite always; PostgreSQL when a
URL is given (a database of its own: the benchmark writes a scenario and an adoption to it).

    python -m bench.adoption [--rows 1000000] [--postgres postgresql://...] [--moves 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from bench.__main__ import data_file
from lib.adoption import TierList, tier_list_of
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.scenario import Scenario
from lib.scenario_store import ScenarioStore
from lib.scenario_store_sqlite import SqliteScenarioStore
from lib.slices import EVERYTHING
from lib.suggest import default_cuts

T = TypeVar("T")


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = work()
    return value, time.perf_counter() - start


def _store_figures(store: ScenarioStore, scenario: Scenario, tiers: TierList) -> dict:
    store.save("Bench plan", scenario, author="bench")
    _, adopt = _timed(lambda: store.adopt("Bench plan", tiers, "bench"))
    read, read_back = _timed(store.adopted)
    _, listed = _timed(store.adoptions)
    assert read is not None and len(read.ids) == len(tiers)
    return {"adopt_s": round(adopt, 3), "read_back_s": round(read_back, 3),
            "list_ms": round(listed * 1000, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--moves", type=int, default=30)
    args = parser.parse_args()

    dataset = Dataset.from_file(data_file(args.rows))
    cuts = default_cuts(dataset.index, 3)
    scenario = Scenario(tuple(cuts))
    tiers, made = _timed(lambda: tier_list_of(dataset, scenario))
    rng = np.random.default_rng(16)
    gone = rng.random(len(tiers)) < 0.05
    ids = tiers.ids.copy()
    ids[gone] = np.array([f"gone-{i}" for i in range(int(gone.sum()))], dtype=object)
    recorded = TierList(ids, tiers.tiers, tiers.cents)

    results: dict[str, object] = {"rows": len(tiers), "tier_list_s": round(made, 3)}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqliteScenarioStore(Path(folder) / "scenarios.sqlite3")
        results["sqlite"] = _store_figures(sqlite, scenario, recorded)
        blob = (Path(folder) / "scenarios.sqlite3").stat().st_size
        results["sqlite_file_mb"] = round(blob / 1e6, 1)
        adoption = sqlite.adopted()
    if args.postgres:
        from lib.scenario_store_pg import PostgresScenarioStore  # psycopg only when asked

        results["postgres"] = _store_figures(
            PostgresScenarioStore(args.postgres), scenario, recorded
        )
    assert adoption is not None
    baseline = adoption.baseline
    _, aligned = _timed(lambda: dataset.aligned(baseline))
    _, built = _timed(lambda: dataset.movers_index(EVERYTHING, REVENUE_ONLY, baseline))
    moves = []
    for step in range(args.moves):
        moved = (cuts[0] * (0.8 + 0.4 * step / max(1, args.moves - 1)), *cuts[1:])
        _, seconds = _timed(lambda m=moved: dataset.flows(EVERYTHING, REVENUE_ONLY, m, baseline))
        moves.append(seconds)
    results |= {
        "align_s": round(aligned, 3),
        "movers_index_s": round(built, 3),
        "flows_per_move_ms_median": round(statistics.median(moves) * 1000, 3),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
