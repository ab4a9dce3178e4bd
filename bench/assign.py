"""Benchmark: propose books of business (issue 20) at a million accounts and 200 CSMs, and on
the bundled sample; print the figures as JSON and keep them in BENCHMARKS.md.

The large case is generated here (seeded): revenue log-normal, tiers by cut-offs at the top
0.5% and 5%, 200 roster entries (90 Tier 1 CSMs, 20 of them on Tier 2 too; 80 Tier 2 CSMs; 30
pooled Tier 3 teams of 3-5), four regions, today's owners drawn from last year's tiers (so
tier changes force moves) with uneven books (some CSMs over their hours), 2% unassigned,
renewals spread over the coming year (60 days: ~16% locked). `make bench` runs it.

    python -m bench.assign [--rows 1000000] [--csms 200] [--runs 3] [--no-report]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lib.accounts import Accounts, accounts_of
from lib.assignment import Proposal, Rules, headline, propose
from lib.capacity import Plan
from lib.dataset import Dataset
from lib.roster import Roster, RosterEntry, infer_roster
from lib.sample import SAMPLE_PATH
from lib.suggest import default_cuts
from lib.tiering import summarize

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
RESULTS = Path(__file__).resolve().parent / "assign_results.json"
BEGIN, END = "<!-- assign: begin -->", "<!-- assign: end -->"
AS_OF = date(2026, 12, 1)
HOURS = (20.0, 2.0, 0.1)  # per account: Tier 1, Tier 2, Tier 3 (pooled tech-touch)
REGIONS = ("APAC", "EMEA", "LATAM", "North America")


def generated(rows: int, csms: int, seed: int = 20) -> tuple[Accounts, tuple[float, float], Roster]:
    """`rows` accounts, their cut-offs and a roster of `csms` entries (see the docstring)."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(9.0, 1.4, rows), 2)
    ordered = np.sort(revenue)
    cuts = (float(ordered[int(rows * 0.995)]), float(ordered[int(rows * 0.95)]))
    old = (cuts[0] * 1.1, cuts[1] * 0.95)  # last year's cut-offs: some accounts changed tier
    old_tier = 1 + (revenue < old[0]).astype(int) + (revenue < old[1]).astype(int)
    new_tier = 1 + (revenue < cuts[0]).astype(int) + (revenue < cuts[1]).astype(int)
    n1, n12, n2 = round(csms * 0.45), round(csms * 0.10), round(csms * 0.40)
    n3 = csms - n1 - n2
    names = [f"CSM {i:03d}" for i in range(n1 + n2)] + [f"Scale Team {i:02d}" for i in range(n3)]
    tiers = [(1, 2) if i < n12 else (1,) for i in range(n1)] + [(2,)] * n2 + [(3,)] * n3
    region_of = [REGIONS[i % len(REGIONS)] if i % 5 else None for i in range(csms)]
    heads = [1.0] * (n1 + n2) + [float(rng.integers(3, 6)) for _ in range(n3)]
    # Today's owners: an entry serving the account's old tier, in its region when it has one,
    # with uneven weights so that some books are over their hours.
    region_codes = rng.integers(0, len(REGIONS), rows)
    owners = np.empty(rows, dtype=object)
    for tier in (1, 2, 3):
        serving = [i for i in range(csms) if tier in tiers[i]]
        weights = rng.gamma(20.0, 1.0, len(serving))
        mine = np.flatnonzero(old_tier == tier)
        picked = rng.choice(len(serving), size=len(mine), p=weights / weights.sum())
        owners[mine] = np.array([names[serving[p]] for p in picked], dtype=object)
    owners[rng.random(rows) < 0.02] = None
    # Hours: 115% of the load, shared by headcount: the named CSMs (Tiers 1-2) share the
    # load of Tiers 1 and 2, the pools that of Tier 3.
    load = [float((new_tier == t).sum()) * HOURS[t - 1] for t in (1, 2, 3)]
    named = float(n1 + n2)
    pooled = float(sum(heads[n1 + n2 :]))
    hours = [
        round(min(1.15 * (load[0] + load[1]) / named, 8000.0), 1)
        if i < n1 + n2
        else round(min(1.15 * load[2] / pooled, 8000.0), 1)
        for i in range(csms)
    ]
    roster = Roster(
        tuple(
            RosterEntry(names[i], tiers[i], hours[i], heads[i], region_of[i]) for i in range(csms)
        )
    )
    days = rng.integers(-30, 365, rows)
    accounts = Accounts.from_columns(
        [f"A{i:07d}" for i in range(rows)],
        revenue,
        csm_owner=owners.tolist(),
        region=[REGIONS[c] for c in region_codes],
        renewal_date=[AS_OF + timedelta(days=int(d)) for d in days],
    )
    return accounts, cuts, roster


def _figures(proposal: Proposal, seconds: list[float]) -> dict[str, object]:
    return {
        "seconds": round(min(seconds), 3),
        "runs_seconds": [round(s, 3) for s in seconds],
        "status": proposal.status,
        "proven_optimal": proposal.is_proven_optimal,
        "moves": proposal.moves,
        "lower_bound_moves": proposal.lower_bound_moves,
        "moved_revenue": round(proposal.moved_revenue, 2),
        "max_utilisation": round(proposal.max_utilisation, 4),
        "max_utilisation_before": round(proposal.max_utilisation_before, 4),
        "solver_columns": proposal.solver_columns,
        "solver_rows": proposal.solver_rows,
        "headline": headline(proposal),
    }


def timed(runs: int, make: object) -> tuple[Proposal, list[float]]:
    seconds, proposal = [], None
    for _ in range(runs):
        started = time.perf_counter()
        proposal = make()
        seconds.append(time.perf_counter() - started)
    assert isinstance(proposal, Proposal)
    return proposal, seconds


def large(
    case: tuple[Accounts, tuple[float, float], Roster], runs: int, rules: Rules
) -> dict[str, object]:
    accounts, cuts, roster = case
    proposal, seconds = timed(
        runs, lambda: propose(accounts, cuts, HOURS, roster, rules, as_of=AS_OF)
    )
    return {"rows": accounts.customers, "csms": len(roster.entries)} | _figures(proposal, seconds)


def sample(runs: int) -> dict[str, object]:
    """The bundled sample as the Books page starts: default cut-offs, the Plan page's default
    plan, the roster inferred from csm_owner."""
    dataset = Dataset.from_file(SAMPLE_PATH)
    index = dataset.index
    cuts = default_cuts(index, 3)
    plan = Plan.default_for(summarize(index, cuts))
    hours = plan.matrix.hours_per_account()
    started = time.perf_counter()
    accounts = accounts_of(dataset, index)
    roster = infer_roster(accounts, cuts, hours, [t.hours_per_csm for t in plan.teams])
    first = time.perf_counter() - started
    proposal, seconds = timed(
        runs, lambda: propose(accounts, cuts, hours, roster, Rules(), as_of=AS_OF)
    )
    return {
        "rows": index.customers,
        "csms": len(roster.entries),
        "accounts_and_roster_seconds": round(first, 3),
    } | _figures(proposal, seconds)


def report_lines(results: dict[str, dict]) -> list[str]:
    """The BENCHMARKS.md block (kept between BEGIN and END when the report is rewritten)."""
    lines = [
        BEGIN,
        "## Books of business (`python -m bench.assign`, run by `make bench`)",
        "",
        "`bench/assign.py`: `lib.assignment.propose` timed in one process (best of "
        "the runs; every run listed), after the accounts are gathered (once per index).",
        "",
        "| case | accounts x CSMs | proposal | status | proven | moves (bound) | "
        "worst utilisation before -> after | MIP columns x rows |",
        "|---|---:|---:|---|:---:|---:|---:|---:|",
    ]
    for name, found in results.items():
        if name == "machine":
            continue
        runs = ", ".join(f"{s:.2f}" for s in found["runs_seconds"])
        lines.append(
            f"| {name} | {found['rows']:,} x {found['csms']} | {found['seconds']:.2f} s "
            f"({runs}) | {found['status']} | {'yes' if found['proven_optimal'] else 'no'} | "
            f"{found['moves']:,} ({found['lower_bound_moves']:,}) | "
            f"{found['max_utilisation_before']:.0%} -> {found['max_utilisation']:.0%} | "
            f"{found['solver_columns']:,} x {found['solver_rows']:,} |"
        )
    lines += [
        "",
        "Targets (issue 20): 1M accounts x 200 CSMs <= 5 s, proven optimal; the sample well "
        f"under a second. Machine: {results.get('machine', '')}.",
        END,
    ]
    return lines


def keep_in_report(results: dict[str, dict]) -> None:
    RESULTS.write_text(json.dumps(results, indent=1))
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    block = "\n".join(report_lines(results))
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    BENCHMARKS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def saved_block() -> str:
    """The books block as BENCHMARKS.md has it now ('' when never run): bench/report.py keeps
    it when it rewrites the file."""
    if not RESULTS.exists():
        return ""
    return "\n".join(report_lines(json.loads(RESULTS.read_text())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csms", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    results["sample, fewest moves"] = sample(args.runs)
    print(json.dumps(results["sample, fewest moves"]), file=sys.stderr, flush=True)
    name = f"generated {args.rows:,}"
    case = generated(args.rows, args.csms)
    for label, rules in (
        ("fewest moves", Rules()),
        ("fewest moves, keep region", Rules(keep_region=True)),
        ("least revenue moved", Rules(weigh_revenue=True)),
    ):
        results[f"{name}, {label}"] = large(case, args.runs, rules)
        print(json.dumps(results[f"{name}, {label}"]), file=sys.stderr, flush=True)
    cpus = os.cpu_count()
    results["machine"] = f"{cpus} cores, load average {os.getloadavg()[0]:.1f} at the end"
    if not args.no_report:
        keep_in_report(results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
