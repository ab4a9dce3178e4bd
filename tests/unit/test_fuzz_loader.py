"""Nothing a file holds crashes, hangs or exhausts the loader: fuzzed files of every format.

Each case (tests/fixtures/fuzz.py, seeded) is uploaded and loaded in a worker process of its own
under a memory limit, so an abort is a counted failure, not a dead test run; a case that takes
longer than CASE_SECONDS is a hang. Every case must end in a load or in tierboard's own
one-sentence InputError. A few hundred cases run in the suite; `make fuzz` runs thousands
(FUZZ_CASES, FUZZ_SEED) and prints the outcome counts per class.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import fuzz

ROOT = Path(__file__).resolve().parents[2]
CASES = int(os.environ.get("FUZZ_CASES", "200"))
SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
BIG = CASES > 1000 or bool(os.environ.get("FUZZ_BIG"))  # megabyte cells and lines too
CASE_SECONDS = 60
MAX_RSS_MB = 1500
# What a sentence for a person never holds: a path, an engine's name or message, a traceback.
LEAKS = re.compile(
    r"/tmp|/work|/home|/usr|site-packages|\.py\b|duckdb|calamine|Error when|Traceback|"
    r"Exception|Errno|sniff|\bline \d+ column|\x1b",
    re.IGNORECASE,
)


class Worker:
    """tests/fixtures/fuzz_worker.py in a process of its own, restarted after an abort."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIERBOARD_")}
        return subprocess.Popen(
            [sys.executable, "-m", "tests.fixtures.fuzz_worker"],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1,
        )  # fmt: skip

    def ask(self, request: dict) -> dict:
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        process = self.process
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], CASE_SECONDS)
        if not ready:
            self.stop()
            return {"outcome": "hang", "message": f"no answer within {CASE_SECONDS} s"}
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            self.process = None
            return {"outcome": "abort", "message": f"worker died with exit code {code}"}
        return json.loads(line)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[tuple[fuzz.FuzzCase, dict]]]:
    folder = tmp_path_factory.mktemp("fuzz")
    worker = Worker()
    results = []
    try:
        for case in fuzz.cases(SEED, CASES, big=BIG):
            path = folder / f"case-{case.number}"
            path.write_bytes(case.data)
            request = {"path": str(path), "name": case.name, "basis": case.basis,
                       "as_of": case.as_of}  # fmt: skip
            results.append((case, worker.ask(request)))
            path.unlink()
    finally:
        worker.stop()
    print(summary(results))
    if report := os.environ.get("FUZZ_REPORT"):  # every case's outcome, for a closer look
        Path(report).write_text(
            "\n".join(json.dumps({"case": repr(c), "kind": c.kind, **r}) for c, r in results)
        )
    yield results


def summary(results: list[tuple[fuzz.FuzzCase, dict]]) -> str:
    """Outcome counts per class, for `make fuzz` to print."""
    outcomes = ("load", "error", "traceback", "abort", "hang")
    by_kind: dict[str, Counter] = {}
    for case, result in results:
        by_kind.setdefault(case.kind, Counter())[result["outcome"]] += 1
    total = Counter(result["outcome"] for _, result in results)
    width = max(len(kind) for kind in by_kind)
    lines = [f"\nfuzz: {len(results)} cases, seed {SEED}" + (" (big)" if BIG else "")]
    lines.append(f"{'class':<{width}}" + "".join(f"{o:>11}" for o in outcomes))
    for kind, counts in [*by_kind.items(), ("all", total)]:
        lines.append(f"{kind:<{width}}" + "".join(f"{counts[o]:>11}" for o in outcomes))
    peak = max((result.get("rss_mb", 0) for _, result in results), default=0)
    lines.append(f"peak RSS of one case: {peak:,.0f} MB")
    return "\n".join(lines)


def _failures(results: list[tuple[fuzz.FuzzCase, dict]]) -> list[str]:
    return [
        f"{case!r}: {result['outcome']}: {result['message'][-1500:]}"
        for case, result in results
        if result["outcome"] not in ("load", "error")
    ]


def test_every_fuzzed_file_loads_or_says_one_sentence(outcomes):
    failures = _failures([(c, r) for c, r in outcomes if c.kind != fuzz.OVERFLOW])
    assert not failures, "\n\n".join(failures[:10])


def test_overflowing_revenue_loads_or_says_one_sentence(outcomes):
    # Exact decimals with a bound (lib/ingest.py MAX_REVENUE): 1e308 is a rejected row.
    failures = _failures([(c, r) for c, r in outcomes if c.kind == fuzz.OVERFLOW])
    assert not failures, "\n\n".join(failures[:5])


def test_no_message_shows_a_path_an_engines_text_or_a_second_line(outcomes):
    leaks = [
        f"{case!r}: {result['message']!r}"
        for case, result in outcomes
        if result["outcome"] == "error"
        and (LEAKS.search(result["message"]) or "\n" in result["message"])
    ]
    assert not leaks, "\n".join(leaks[:10])


def test_no_fuzzed_file_takes_more_than_the_memory_bound(outcomes):
    heavy = [
        f"{case!r}: {result['rss_mb']:,.0f} MB"
        for case, result in outcomes
        if result.get("rss_mb", 0) > MAX_RSS_MB
    ]
    assert not heavy, "\n".join(heavy)


def test_the_fuzz_tries_every_class_of_trouble(outcomes):
    assert {case.kind for case, _ in outcomes} == set(fuzz.MAKERS)
