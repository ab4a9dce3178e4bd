"""One loaded dataset is read by every session's thread at once (the bundled sample, a configured
source): its cached indexes and scores stay consistent under contention (issue 13, finding 10)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from lib.criteria import REVENUE_ONLY, Criteria
from lib.dataset import MAX_CACHED_INDEXES, Dataset
from lib.sample import SAMPLE_PATH
from lib.slices import Slice
from lib.tiering import summarize

THREADS = 8
CALLS = 3000  # per thread


@pytest.fixture(scope="module")
def shared() -> Iterator[Dataset]:
    dataset = Dataset.from_file(SAMPLE_PATH)
    yield dataset
    dataset.close()


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads switch as often as the interpreter allows: races show within a few thousand
    calls instead of once in a blue moon."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def views(dataset: Dataset) -> list[tuple[Slice, Criteria]]:
    """More slices x criteria than the cache keeps, so that threads evict each other's."""
    regions = dataset.dimensions["region"].labels
    segments = dataset.dimensions["segment"].labels
    slices = [Slice.of({"region": [r], "segment": [s]}) for r in regions for s in segments]
    scores = [Criteria.score({"annual_revenue": 1, "nps": w}) for w in (1, 2, 3)]
    chosen = [(part, REVENUE_ONLY) for part in slices] + [(Slice(), c) for c in scores]
    assert len(chosen) > MAX_CACHED_INDEXES
    return chosen


@pytest.mark.usefixtures("busy_switching")
def test_many_threads_reading_one_store_never_see_a_broken_cache(shared: Dataset) -> None:
    chosen = views(shared)
    # What each view must give, computed alone (one thread).
    expected = {view: shared.index_for(*view).total_revenue for view in chosen}
    start = threading.Barrier(THREADS)

    def hammer(worker: int) -> list[str]:
        start.wait()
        problems = []
        for call in range(CALLS):
            view = chosen[(worker * 7 + call) % len(chosen)]
            try:
                index = shared.index_for(*view)
                summarize(index, [50_000.0, 20_000.0])
                if index.total_revenue != expected[view]:
                    problems.append(f"{view}: wrong index")
            except Exception as error:  # what breaks is what this test counts
                problems.append(f"{type(error).__name__}: {error}")
        return problems

    with ThreadPoolExecutor(THREADS) as pool:
        problems = [p for found in pool.map(hammer, range(THREADS)) for p in found]
    assert problems == [], f"{len(problems)} of {THREADS * CALLS} calls failed: {problems[:3]}"
