"""Benchmark: invoice lines in PostgreSQL, summed per customer — today's COPY of every line into
DuckDB against the aggregation run inside PostgreSQL (issue 17); wall time and bytes transferred.

The lines are generated IN PostgreSQL (generate_series, never through Python) in a throwaway
server this script starts on a free loopback port in a temporary folder (as .ci/run does) and
removes afterwards, table and all: 50M lines take ~4 GB in PostgreSQL (and ~9 GB of DuckDB for
the copy) while it runs. Each line: a
customer id (1/50th of the line count by default, a few with many lines), name, segment and
region, an invoice date over the last two years (about half outside the trailing 12 months), an
amount (2% credit notes, 0.1% without an amount, 0.05% without a customer id).

Both paths read the same table with the same mapping and revenue basis (transactions, trailing
12 months ending AS_OF) into a Dataset, and must agree on the customers and their revenue to
the cent. Bytes are counted on the client's socket (the kernel's TCP_INFO bytes_received: what
the server sent, protocol included) and, beside them, the payload: the CSV that COPY sent, and
the Arrow size of the per-customer result.

    python -m bench.sources [--lines 50000000] [--customers N] [--runs 1] [--no-report]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import pwd
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
RESULTS = Path(__file__).resolve().parent / "sources_results.json"
BEGIN, END = "<!-- sources: begin -->", "<!-- sources: end -->"
AS_OF = date(2026, 11, 30)
TABLE = "invoice_lines"
MAPPING = (
    ("customer_id", "customer_id"),
    ("customer_name", "customer_name"),
    ("segment", "segment"),
    ("region", "region"),
    ("annual_revenue", "amount"),
    ("date", "invoice_date"),
)
SUPERUSER = "tierboard"
TCP_INFO_BYTES_RECEIVED = 128  # offset of tcpi_bytes_received (u64) in Linux's struct tcp_info


# ---------------------------------------------------------------------------------------------
# A throwaway PostgreSQL server.


def _binaries() -> Path:
    found = shutil.which("initdb")
    candidates = [Path(found).parent] if found else []
    candidates += [Path("/usr/local/bin")]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    sys.exit("PostgreSQL is not installed (initdb / pg_ctl): apt-get install postgresql")


@dataclass
class Server:
    folder: Path
    port: int
    binaries: Path
    uid: int | None

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        group = pwd.getpwuid(self.uid).pw_gid if self.uid is not None else None
        subprocess.run(
            [str(self.binaries / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            user=self.uid,
            group=group,
            extra_groups=[] if self.uid is not None else None,
            cwd=self.folder,
            env={**os.environ, "LC_ALL": "C"},
        )


@contextlib.contextmanager
def server() -> Iterator[Server]:
    """A PostgreSQL server of our own, stopped and deleted (data and all) on the way out."""
    folder = Path(tempfile.mkdtemp(prefix="tierboard-bench-pg-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uid = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else None  # never as root
    if uid is not None:
        os.chown(folder, uid, pwd.getpwuid(uid).pw_gid)
    pg = Server(folder, port, _binaries(), uid)
    data = str(folder / "data")
    try:
        pg.run("initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C")
        # A throwaway server: no durability; memory as a modest production server would have.
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=512MB "
            "-c max_parallel_workers_per_gather=2 -c max_wal_size=8GB"
        )
        pg.run("pg_ctl", "-D", data, "-l", str(folder / "server.log"), "-w", "-t", "120",
               "-o", options, "start")  # fmt: skip
        yield pg
    finally:
        with contextlib.suppress(Exception):
            pg.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def generate(url: str, lines: int, customers: int) -> dict[str, Any]:
    """`lines` invoice lines made by PostgreSQL itself (seeded); their size on disk."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute(f"DROP TABLE IF EXISTS {TABLE}")
        pg.execute(
            f"CREATE UNLOGGED TABLE {TABLE} (customer_id text, customer_name text, "
            "segment text, region text, invoice_date date, amount numeric(12, 2))"
        )
        pg.execute("SELECT setseed(0.17)")
        # A customer's number is skewed towards the low ones (u^2): a few customers have many
        # lines, most have few. Amounts: 10 to ~550 x e^(u*3), 2% credit notes (negative).
        pg.execute(
            f"""
            INSERT INTO {TABLE}
            SELECT CASE WHEN r.u_id < 0.0005 THEN '' ELSE 'C' || lpad(r.k::text, 8, '0') END,
                   'Customer ' || r.k,
                   (ARRAY['Enterprise', 'Mid-Market', 'SMB'])[1 + r.k % 3],
                   (ARRAY['EMEA', 'North America', 'APAC', 'LATAM'])[1 + r.k % 4],
                   DATE '{AS_OF.isoformat()}' - (r.u_date * 730)::int,
                   CASE WHEN r.u_amount < 0.001 THEN NULL
                        ELSE round((10 * exp(r.u_amount * 4))::numeric, 2)
                             * CASE WHEN r.u_sign < 0.02 THEN -1 ELSE 1 END END
            FROM (SELECT (floor({customers} * random() ^ 2))::bigint AS k, random() AS u_id,
                         random() AS u_date, random() AS u_amount, random() AS u_sign
                  FROM generate_series(1, {lines})) AS r
            """
        )
        pg.execute(f"ANALYZE {TABLE}")
        size = pg.execute(f"SELECT pg_total_relation_size('{TABLE}')").fetchone()
        pg.execute(f"SELECT count(*) FROM {TABLE}")  # read once: both paths start warm
    return {
        "generate_seconds": round(time.perf_counter() - started, 1),
        "table_bytes": int(size[0]) if size else 0,
    }


# ---------------------------------------------------------------------------------------------
# Counting what crosses the wire.


@dataclass
class Wire:
    """Bytes the server sent to every psycopg connection opened inside `counting()`."""

    sockets: list[socket.socket] = field(default_factory=list)

    def received(self) -> int:
        total = 0
        for sock in self.sockets:
            info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
            total += struct.unpack_from("Q", info, TCP_INFO_BYTES_RECEIVED)[0]
        return total


@contextlib.contextmanager
def counting() -> Iterator[Wire]:
    """Patch psycopg.connect (lib/sources.py and ibis both call it) to keep a duplicate of each
    connection's socket: its kernel counters outlive the connection's close."""
    import psycopg

    wire = Wire()
    original = psycopg.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        connection = original(*args, **kwargs)
        wire.sockets.append(socket.socket(fileno=os.dup(connection.pgconn.socket)))
        return connection

    psycopg.connect = connect  # type: ignore[assignment]
    try:
        yield wire
    finally:
        psycopg.connect = original  # type: ignore[assignment]
        for sock in wire.sockets:
            sock.close()


# ---------------------------------------------------------------------------------------------
# The two paths.


def _basis() -> Any:
    from lib.ingest import RevenueBasis

    return RevenueBasis("transactions", AS_OF)


def copy_path(url: str) -> tuple[Any, dict[str, int]]:
    """Today's path (before issue 17): every line COPY'd out as CSV into DuckDB, summed there."""
    from bench import copy_path as old

    dataset, sent = old.load(url, TABLE, dict(MAPPING), _basis())
    return dataset, {"payload_bytes": sent}


def engine_path(url: str) -> tuple[Any, dict[str, int]]:
    """The aggregation in PostgreSQL (lib/engine_source.py): one row per customer comes back."""
    import lib.engine_source
    from lib.sources import Source

    payload = {"payload_bytes": 0, "rows_fetched": 0}
    original = lib.engine_source.summarize

    def summarize(*args: Any, **kwargs: Any) -> Any:
        summary = original(*args, **kwargs)
        payload["payload_bytes"] = summary.customers.nbytes + summary.rejected.nbytes
        payload["rows_fetched"] = summary.rows_fetched
        return summary

    lib.engine_source.summarize = summarize
    try:
        return Source("postgresql", url, (TABLE,), MAPPING, _basis()).load(), payload
    finally:
        lib.engine_source.summarize = original


PATHS: dict[str, Callable[[str], tuple[Any, dict[str, int]]]] = {
    "copy": copy_path,
    "engine": engine_path,
}


def measure(name: str, url: str, runs: int) -> tuple[dict[str, Any], Any]:
    seconds: list[float] = []
    dataset = None
    figures: dict[str, Any] = {}
    for _ in range(runs):
        with counting() as wire:
            started = time.perf_counter()
            dataset, payload = PATHS[name](url)
            seconds.append(time.perf_counter() - started)
            figures = {"wire_bytes": wire.received(), **payload}
        print(f"  {name}: {seconds[-1]:.1f} s, {figures}", file=sys.stderr, flush=True)
    return {"seconds": round(min(seconds), 2), "runs_seconds": [round(s, 2) for s in seconds]} | {
        **figures,
        **_summary(dataset),
    }, dataset


def _summary(dataset: Any) -> dict[str, Any]:
    report = dataset.report
    return {
        "customers": report.customers,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "revenue": dataset.index.total_revenue,
    }


# ---------------------------------------------------------------------------------------------
# The report.


def _mib(value: int) -> str:
    return f"{value / 2**20:,.1f} MiB" if value >= 2**20 else f"{value / 2**10:,.1f} KiB"


def report_lines(results: dict[str, Any]) -> list[str]:
    lines = [
        BEGIN,
        "## Invoice lines in PostgreSQL: COPY vs in-engine aggregation "
        "(`python -m bench.sources`, `make bench-sources`)",
        "",
        "`bench/sources.py` generates the lines inside a throwaway PostgreSQL server "
        "(generate_series; 1 customer per 50 lines, half the lines outside the trailing 12 "
        "months, 2% credit notes, a few without an amount or a customer id) and reads them "
        "into a Dataset both ways, with the same mapping and basis; both must give the same "
        "customers and revenue. *Wire*: bytes the server sent on the client's sockets (TCP_INFO); "
        "*payload*: the CSV COPY sent, or the Arrow size of the per-customer result.",
        "",
        "| lines | customers | table on disk | path | wall time | wire | payload | rows read "
        "| customers loaded |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for key in sorted((k for k in results if k.isdigit()), key=int):
        case = results[key]
        for name, found in case["paths"].items():
            lines.append(
                f"| {int(key):,} | {case['customers']:,} | {_mib(case['table_bytes'])} | {name} | "
                f"{found['seconds']:.1f} s | {_mib(found['wire_bytes'])} | "
                f"{_mib(found['payload_bytes'])} | {found['rows_read']:,} | "
                f"{found['customers']:,} |"
            )
        if case.get("note"):
            lines.append(f"| {int(key):,} | | | *{case['note']}* | | | | | |")
        ratios = case.get("ratios")
        if ratios:
            lines.append(
                f"| | | | *engine vs copy* | *{1 / ratios['seconds']:.1f} x the time* | "
                f"*1/{ratios['wire_bytes']:,.0f} of the bytes* | | | |"
            )
    lines += [
        "",
        "Reproduce: `make bench-sources` (50M lines: ~4 GB of PostgreSQL table and ~9 GB of "
        "DuckDB for the copy while it runs, removed after) or `make bench-sources-quick` (1M "
        "lines, about a minute). "
        f"Last run: {results.get('machine', '')}.",
        END,
    ]
    return lines


def keep_in_report(results: dict[str, Any]) -> None:
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    block = "\n".join(report_lines(results))
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    BENCHMARKS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def saved_block() -> str:
    """This benchmark's block as last run ('' when never run): bench/report.py keeps it."""
    if not RESULTS.exists():
        return ""
    return "\n".join(report_lines(json.loads(RESULTS.read_text())))


def _agree(paths: dict[str, dict[str, Any]]) -> None:
    """Every path read the same customers and revenue (to the cent), or the figures are void."""
    first = next(iter(paths.values()))
    for name, found in paths.items():
        for key in ("customers", "rows_read", "rows_loaded"):
            if found[key] != first[key]:
                sys.exit(f"{name} disagrees on {key}: {found[key]} vs {first[key]}")
        if round(found["revenue"], 2) != round(first["revenue"], 2):
            sys.exit(f"{name} disagrees on revenue: {found['revenue']} vs {first['revenue']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: lines / 50")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated")
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()
    customers = args.customers or max(1, args.lines // 50)
    with server() as pg:
        print(f"generating {args.lines:,} lines in PostgreSQL ...", file=sys.stderr, flush=True)
        case: dict[str, Any] = {"customers_generated": customers} | generate(
            pg.url, args.lines, customers
        )
        print(f"  {case}", file=sys.stderr, flush=True)
        paths: dict[str, dict[str, Any]] = {}
        for name in args.paths.split(","):
            paths[name], _ = measure(name, pg.url, args.runs)
            _agree(paths)
            # Kept after each path: a long run that is stopped keeps what it measured.
            _keep(args, case, paths)
    print(json.dumps(case))


def _keep(args: argparse.Namespace, case: dict[str, Any], paths: dict[str, dict[str, Any]]) -> None:
    case["customers"] = next(iter(paths.values()))["customers"]
    case["paths"] = paths
    if "copy" in paths and "engine" in paths:
        case["ratios"] = {
            key: paths["copy"][key] / max(paths["engine"][key], 1e-9)
            for key in ("seconds", "wire_bytes")
        }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[str(args.lines)] = case
    results["machine"] = (
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, load "
        f"average {os.getloadavg()[0]:.1f} at the end"
    )
    if not args.no_report:
        keep_in_report(results)


if __name__ == "__main__":
    main()
