"""Benchmark: many people on one server at once, each moving a cut-off.

`--sessions` AppTest sessions (20 by default) run in threads of this one process, so they share
its dataset exactly as a server's browser sessions share the configured data (one
`st.cache_resource` copy). Each session opens a page (the pages app.py registers, in turn: the
sessions spread over every page), then moves the Tier-1 slider to distinct cut-offs, one move
every `--interval` seconds from a random start, as people in a meeting do; all sessions move
during the same window. A move's server time is its rerun's wall time in its thread, contention
with the other sessions included. Memory: the process's RSS once one session has run, and once
every session has; their difference over the extra sessions is what each one costs. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from pathlib import Path
from unittest.mock import MagicMock

from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from bench.pages import registered_pages
from bench.report import spread
from bench.slider import SLIDER, app_test, tier_one_stops


def rss_mib() -> float:
    """This process's resident memory now (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _RuntimeSlot:
    """Where AppTest puts its mock Runtime before a run and None after: here, harmlessly.

    AppTest sets the process-wide `Runtime._instance` for the length of a run and clears it
    after, so one session finishing would pull the runtime from under the others still running
    (RuntimeError: Runtime hasn't been created!). The sessions share the first run's mock
    runtime instead, as a server's sessions share its one Runtime.
    """

    _instance: object = None


def share_one_runtime() -> None:
    """One mock Runtime for every session's runs, made as AppTest makes its own."""
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = DataframeSourceManager()
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    runtime.bidi_component_registry = components
    Runtime._instance = runtime
    app_test_module.Runtime = _RuntimeSlot  # AppTest's set-and-clear lands here from now on


def open_sessions(
    count: int, moves: int, errors: list[str]
) -> tuple[list[tuple[str, AppTest]], list[float], float]:
    """`count` sessions, one after another, spread over the app's pages; the Tier-1 stops to
    move to, and the process's RSS once the first session has run and moved once."""
    pages = registered_pages()
    sessions = []
    stops: list[float] = []
    rss_one = 0.0
    for number in range(count):
        at = app_test()
        at.run()
        title, path = pages[number % len(pages)]
        at.switch_page(path).run()
        if at.exception:
            errors.append(f"session {number} on {title}: {at.exception}")
        sessions.append((title, at))
        if number == 0:
            stops = tier_one_stops(at, moves)
            at.select_slider(key=SLIDER).set_value(stops[-1]).run()  # one move: caches warm
            rss_one = rss_mib()
    return sessions, stops, rss_one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--moves", type=int, default=10, help="per session")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between moves")
    args = parser.parse_args()
    os.environ["TIERBOARD_DATA"] = str(args.file)
    share_one_runtime()
    errors: list[str] = []
    sessions, stops, rss_one = open_sessions(args.sessions, args.moves * 2, errors)
    timings: list[tuple[str, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(sessions))

    def person(number: int) -> None:
        title, at = sessions[number]
        pace = random.Random(number)
        mine = stops[number % len(stops) :] + stops[: number % len(stops)]
        start.wait()
        time.sleep(pace.uniform(0, args.interval))  # people do not move in step
        for value in mine[: args.moves]:
            started = time.perf_counter()
            try:
                at.select_slider(key=SLIDER).set_value(value).run()
                problem = str(at.exception) if at.exception else None
            except Exception as error:  # what breaks is what this benchmark counts
                problem = f"{type(error).__name__}: {error}"
            took = (time.perf_counter() - started) * 1000
            with lock:
                timings.append((title, took))
                if problem:
                    errors.append(f"session {number} on {title} at {value}: {problem}")
            time.sleep(max(0.0, args.interval - took / 1000))

    threads = [threading.Thread(target=person, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rss_all = rss_mib()
    overall = spread([t for _, t in timings])
    by_page = {
        title: spread([t for page, t in timings if page == title])
        for title in dict.fromkeys(title for title, _ in sessions)
    }
    print(
        json.dumps(
            {
                "sessions": len(sessions),
                "moves_per_session": args.moves,
                "interval_seconds": args.interval,
                "median_ms": overall["median"],
                "p90_ms": overall["p90"],
                "max_ms": overall["max"],
                "by_page": by_page,
                "errors": len(errors),
                "error_samples": errors[:5],
                "rss_one_session_mib": round(rss_one, 1),
                "rss_all_sessions_mib": round(rss_all, 1),
                "mib_per_extra_session": round((rss_all - rss_one) / max(1, len(sessions) - 1), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
