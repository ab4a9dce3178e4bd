"""lib.cache.KeptWhileAlive: one value per tier index or dataset, shared by every thread."""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor

from lib.cache import KeptWhileAlive


class Key:  # weakly referenceable, as a tier index is
    pass


def test_a_value_kept_while_alive_is_built_once_shared_by_threads_and_dropped_with_its_key():
    kept: KeptWhileAlive[Key, list[int]] = KeptWhileAlive()
    key = Key()
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda k: kept.get(k, lambda: [1]), [key] * 64))
    assert all(value is got[0] for value in got)  # every thread gets the one kept
    assert kept.get(key, lambda: [2]) == [1]  # never rebuilt while the key lives
    gone = weakref.ref(key)
    del key
    gc.collect()
    assert gone() is None
    assert not kept._items  # dropped with its key
