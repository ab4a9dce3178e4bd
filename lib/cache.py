"""A small thread-safe LRU cache for what a shared dataset computes once and every session reads.

One loaded dataset (the bundled sample, a configured source) serves every browser session, each
in its own thread: a cache of it must never be read while another thread inserts or evicts (a
review reproduced a KeyError with 8 threads over 43 slices), must stay bounded (a weighted score
is 48 MB at a million customers), and should build each entry once even when many sessions ask
for it at the same moment. Builds run outside the cache's lock, so a slow build (a sort of a
million customers) never holds up the sessions whose entries are already there.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most `limit` entries; the least recently used goes first."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a cache keeps at least one entry")
        self.limit = limit
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()
        self._building: dict[K, threading.Lock] = {}  # one gate per key being built

    def get(self, key: K, build: Callable[[], V]) -> V:
        """The entry for `key`, built by `build()` (once, whoever asks meanwhile) if missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._building.setdefault(key, threading.Lock())
        with gate:  # another thread building this key: wait for it, then take its entry
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
            try:
                value = build()
                with self._lock:
                    self._items[key] = value
                    self._items.move_to_end(key)
                    while len(self._items) > self.limit:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._building.pop(key, None)
            return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def keys(self) -> list[K]:
        """The keys, least recently used first (a copy)."""
        with self._lock:
            return list(self._items)


W = TypeVar("W")  # a weakly referenced key: a tier index, a dataset


class KeptWhileAlive(Generic[W, V]):
    """One value per object, made on first use and dropped with the object (a weak key):
    for what is built once per tier index or dataset and read by every session's thread.

    Two threads may build the same value at once; the first one kept wins, so every caller
    gets the same object. (Unlike BoundedCache, no gate: these builds are a sort or a gather,
    and the objects they hang on bound how many there are.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: weakref.WeakKeyDictionary[W, V] = weakref.WeakKeyDictionary()

    def get(self, key: W, build: Callable[[], V]) -> V:
        """The value for `key`, built by `build()` when there is none yet."""
        with self._lock:
            found = self._items.get(key)
        if found is not None:
            return found
        made = build()
        with self._lock:
            return self._items.setdefault(key, made)


class LatestWhileAlive(Generic[W, V]):
    """The latest value put for each object, dropped with the object (a weak key): what the
    next request can start from (the tiers of the last cut-offs, so a slider's next move redoes
    only the accounts between the old and the new line). Values must be immutable: another
    thread may be reading one while a newer is put."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: weakref.WeakKeyDictionary[W, V] = weakref.WeakKeyDictionary()

    def latest(self, key: W) -> V | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: W, value: V) -> None:
        with self._lock:
            self._items[key] = value
