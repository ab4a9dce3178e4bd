"""One loaded dataset is read by every session's thread at once (the bundled sample, a configured
source): its cached indexes, scores and movers stay consistent and bounded under contention
(issue 13, finding 10; issue 15: a KeyError with 8 threads over 43 slices, scores never freed)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from lib.cache import BoundedCache
from lib.criteria import REVENUE_ONLY, Criteria
from lib.dataset import MAX_CACHED_INDEXES, MAX_CACHED_SCORES, Dataset
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


def test_the_score_cache_keeps_the_last_few_weightings_only(shared: Dataset) -> None:
    tried = [Criteria.score({"annual_revenue": 1, "nps": w}) for w in range(1, 12)]
    for criteria in tried:
        shared.score(criteria)
    assert len(shared._scores) == MAX_CACHED_SCORES  # 48 MB each at a million customers
    assert shared._scores.keys() == tried[-MAX_CACHED_SCORES:]  # the most recent stay


@pytest.mark.usefixtures("busy_switching")
def test_a_bounded_cache_stays_whole_and_within_its_bound_under_many_threads() -> None:
    cache: BoundedCache[int, tuple[int, ...]] = BoundedCache(limit=5)
    start = threading.Barrier(THREADS)
    built: list[int] = []

    def hammer(worker: int) -> list[str]:
        start.wait()
        problems = []
        for call in range(CALLS):
            key = (worker * 3 + call) % 17  # more keys than the bound: threads evict each other's
            try:
                value = cache.get(key, lambda k=key: built.append(k) or (k, k * 2))
                if value != (key, key * 2):
                    problems.append(f"{key}: got {value}")
            except Exception as error:  # what breaks is what this test counts
                problems.append(f"{type(error).__name__}: {error}")
            if (kept := len(cache)) > cache.limit:  # read under the cache's lock
                problems.append(f"{kept} entries kept, bound {cache.limit}")
        return problems

    with ThreadPoolExecutor(THREADS) as pool:
        problems = [p for found in pool.map(hammer, range(THREADS)) for p in found]
    assert problems == [], f"{len(problems)} of {THREADS * CALLS} calls failed: {problems[:3]}"


@pytest.mark.usefixtures("busy_switching")
def test_sessions_asking_at_once_for_one_entry_build_it_once() -> None:
    cache: BoundedCache[str, np.ndarray] = BoundedCache(limit=4)
    start = threading.Barrier(THREADS)
    builds = []

    def build() -> np.ndarray:
        builds.append(1)
        return np.sort(np.random.default_rng(1).random(200_000))  # a sort, as an index is

    def ask(_: int) -> np.ndarray:
        start.wait()
        return cache.get("the index", build)

    with ThreadPoolExecutor(THREADS) as pool:
        found = list(pool.map(ask, range(THREADS)))
    assert len(builds) == 1
    assert all(value is found[0] for value in found)


@pytest.mark.usefixtures("busy_switching")
def test_many_threads_reading_scores_and_movers_of_one_dataset_agree(shared: Dataset) -> None:
    weightings = [Criteria.score({"annual_revenue": 1, "nps": w}) for w in range(1, 8)]
    expected = {c: shared.score(c).values.sum() for c in weightings}
    flows = shared.flows(Slice(), REVENUE_ONLY, [50_000.0, 20_000.0])
    start = threading.Barrier(THREADS)

    def hammer(worker: int) -> list[str]:
        start.wait()
        problems = []
        for call in range(300):
            criteria = weightings[(worker + call) % len(weightings)]
            try:
                if shared.score(criteria).values.sum() != expected[criteria]:
                    problems.append(f"{criteria}: wrong score")
                if shared.flows(Slice(), REVENUE_ONLY, [50_000.0, 20_000.0]) != flows:
                    problems.append("wrong flows")
                shared.movers(Slice(), REVENUE_ONLY, [50_000.0, 20_000.0], limit=5)
            except Exception as error:  # what breaks is what this test counts
                problems.append(f"{type(error).__name__}: {error}")
        return problems

    with ThreadPoolExecutor(THREADS) as pool:
        problems = [p for found in pool.map(hammer, range(THREADS)) for p in found]
    assert problems == [], f"{len(problems)} calls failed: {problems[:3]}"
