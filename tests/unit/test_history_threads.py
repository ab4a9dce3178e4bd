"""One history is read by every session's thread at once (the bundled history), and a slider move
starts from the last tiering of that history (lib/history_tiering.py keeps it per history): many
threads moving different sliders over one history each get exactly the figures of their own
cut-offs, whichever thread's tiering they started from."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from unittest.mock import patch

import numpy as np
import pytest

from lib import history_tiering
from lib.history import History, Rules, Snapshot, stability, stability_with_and_without

THREADS = 8
MOVES = 40  # per thread
RULES = Rules(buffer=0.1, min_stay=2)


def snapshots(seed: int = 7) -> list[Snapshot]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:05d}" for i in range(3000)], dtype=object)
    revenue = rng.lognormal(9.0, 1.2, len(ids))
    made = []
    for q, ends in enumerate(
        [
            date(2025, 3, 31),
            date(2025, 6, 30),
            date(2025, 9, 30),
            date(2025, 12, 31),
            date(2026, 3, 31),
        ]
    ):
        here = rng.random(len(ids)) > 0.05
        made.append(
            Snapshot(f"Q{q}", ends, ids[here], np.rint(revenue[here] * 100).astype(np.int64))
        )
        revenue *= rng.lognormal(0.0, 0.15, len(ids))
    return made


CUTS = [(float(20_000 + 700 * i), float(6_000 + 150 * i)) for i in range(16)]


@pytest.fixture
def busy_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_threads_moving_sliders_over_one_history_each_get_their_own_figures(
    busy_switching: None,
) -> None:
    # Computed alone, each on a fresh history (nothing to start from): the figures to expect.
    expected = {
        cuts: stability_with_and_without(History.of(snapshots()), cuts, RULES) for cuts in CUTS
    }
    shared = History.of(snapshots())

    def slider(seed: int) -> list[str]:
        order = random.Random(seed)
        wrong = []
        for _ in range(MOVES):
            cuts = order.choice(CUTS)
            if stability_with_and_without(shared, cuts, RULES) != expected[cuts]:
                wrong.append(f"{cuts} with and without")
            if stability(shared, cuts) != expected[cuts][0]:
                wrong.append(f"{cuts} plain")
        return wrong

    with (
        patch.object(history_tiering, "_MOVE_SHARE", 1.0),  # always from the last move
        ThreadPoolExecutor(THREADS) as pool,
    ):
        found = [problem for problems in pool.map(slider, range(THREADS)) for problem in problems]
    assert found == []
