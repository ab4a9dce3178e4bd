"""The bundled sample: a seeded, reproducible B2B SaaS customer base in the canonical shape.

Run `python -m lib.sample` to rewrite `data/sample/customers.csv` (byte for byte the same for the
same seed and size). Benchmarks use `--rows 1000000` to make large files on the fly.

Only Python's own `random.Random` is used: unlike NumPy's generators, its stream is stable across
versions, which is what keeps the committed file reproducible.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DEFAULT_ROWS = 5000
DEFAULT_SEED = 20261124
SAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "sample" / "customers.csv"

COLUMNS = (
    "customer_id",
    "customer_name",
    "annual_revenue",
    "segment",
    "region",
    "industry",
    "csm_owner",
    "current_tier",
    "nps",
    "health_score",
    "expansion_potential",
    "cost_to_serve",
    "renewal_date",
    "customer_since",
)


@dataclass(frozen=True)
class Segment:
    name: str
    share: float  # of customers
    median_revenue: float
    spread: float  # sigma of log revenue
    tier_bonus: float  # how much the segment sways today's (human) tier assignment
    owners: tuple[str, ...]


SEGMENTS = (
    Segment(
        "Enterprise",
        0.08,
        60_000,
        0.6,
        0.9,
        (
            "Avery Chen",
            "Jordan Okafor",
            "Priya Raman",
            "Lucas Moreau",
            "Hannah Weiss",
            "Noah Fischer",
            "Amara Nwosu",
            "Liam O'Connor",
            "Mei Lin",
            "Carlos Mendes",
            "Ingrid Larsen",
            "Ravi Shah",
            "Zoe Dubois",
            "Kenji Watanabe",
        ),
    ),
    Segment(
        "Mid-Market",
        0.24,
        18_000,
        0.7,
        0.3,
        (
            "Mateo Silva",
            "Grace Kim",
            "Omar Haddad",
            "Sofia Rossi",
            "Ethan Brooks",
            "Yuki Tanaka",
            "Chloe Martin",
            "Daniel Novak",
        ),
    ),
    Segment(
        "SMB",
        0.68,
        4_200,
        0.85,
        0.0,
        ("Scale Team A", "Scale Team B", "Scale Team C", "Scale Team D"),
    ),
)

REGIONS = (("North America", 0.45), ("EMEA", 0.33), ("APAC", 0.15), ("LATAM", 0.07))
INDUSTRIES = (
    ("Software", 0.24),
    ("Financial Services", 0.14),
    ("Healthcare", 0.12),
    ("Retail", 0.11),
    ("Manufacturing", 0.11),
    ("Education", 0.08),
    ("Media", 0.07),
    ("Logistics", 0.07),
    ("Public Sector", 0.06),
)
NAME_FIRST = (
    "North", "Blue", "Silver", "Red", "Iron", "Bright", "Clear", "Summit", "Harbor", "Cedar",
    "Maple", "Granite", "Atlas", "Nova", "Vertex", "Pioneer", "Lumen", "Orbit", "Falcon", "Willow",
    "Quartz", "Aspen", "Beacon", "Crest", "Delta", "Ember", "Fjord", "Golden", "Horizon", "Juniper",
)  # fmt: skip
NAME_SECOND = (
    "wind", "field", "stone", "bridge", "point", "gate", "wave", "path", "peak", "river",
    "light", "forge", "works", "line", "view", "spring", "rock", "shore", "brook", "crest",
)  # fmt: skip
NAME_KIND = (
    "Analytics", "Logistics", "Health", "Foods", "Labs", "Systems", "Capital", "Media",
    "Retail", "Energy", "Robotics", "Software", "Partners", "Bank", "Learning", "Motors",
)  # fmt: skip
NAME_SUFFIX = ("Inc.", "LLC", "GmbH", "Ltd", "S.A.", "B.V.", "Pty Ltd", "AB", "Corp.", "")
WHALES = 4  # a few accounts far above everyone else, as every SaaS base has
PILOT_SHARE = 0.01  # free pilots: customers with zero revenue, as in any real base
UNASSIGNED_SHARE = 0.02  # accounts nobody owns yet: an empty csm_owner
NPS_MISSING_SHARE = 0.35  # most customers never answer the survey
TODAY = date(2026, 11, 1)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    names = [name for name, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(names, weights=weights, k=1)[0]


def _company_name(rng: random.Random, index: int, taken: set[str]) -> str:
    core = rng.choice(NAME_FIRST) + rng.choice(NAME_SECOND)
    name = f"{core} {rng.choice(NAME_KIND)} {rng.choice(NAME_SUFFIX)}".strip()
    if name in taken:  # real bases have namesakes; the sample keeps names unique, ids anyway are
        name = f"{name} #{index + 1}"
    taken.add(name)
    return name


def _revenue(rng: random.Random, segment: Segment, index: int) -> float:
    if index < WHALES:
        return round(rng.uniform(640_000, 1_600_000), 2)
    if rng.random() < PILOT_SHARE and segment.name != "Enterprise":
        return 0.0
    value = rng.lognormvariate(math.log(segment.median_revenue), segment.spread)
    return round(max(value, 480.0), 2)


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _health(rng: random.Random) -> int:
    return int(min(100, max(5, round(rng.gauss(70, 16)))))


def _nps(rng: random.Random, health: int) -> str:
    if rng.random() < NPS_MISSING_SHARE:
        return ""
    score = round(health / 10 + rng.gauss(0, 1.8))
    return str(min(10, max(0, score)))


def _cost_to_serve(rng: random.Random, segment: Segment, revenue: float) -> float:
    # Support and infrastructure cost: a fixed floor per account plus a share of usage. The floor
    # is what makes the smallest accounts unprofitable, a pattern every real base shows.
    floor = {"Enterprise": 9_000, "Mid-Market": 2_200, "SMB": 900}[segment.name]
    return round(rng.lognormvariate(math.log(floor), 0.6) + 0.06 * revenue, 2)


def _row(rng: random.Random, index: int, taken: set[str]) -> dict[str, object]:
    if index < WHALES:
        segment = SEGMENTS[0]
    else:
        segment = rng.choices(SEGMENTS, weights=[s.share for s in SEGMENTS], k=1)[0]
    revenue = _revenue(rng, segment, index)
    health = _health(rng)
    since = _day_between(rng, date(2014, 1, 6), date(2026, 10, 30))
    owner = "" if rng.random() < UNASSIGNED_SHARE else rng.choice(segment.owners)
    # Today's assignment was made by people, from last year's numbers and the segment: correlated
    # with revenue, not a function of it.
    tier_score = math.log1p(revenue * rng.lognormvariate(0, 0.55)) + segment.tier_bonus
    return {
        "customer_id": f"CUST-{100001 + index}",
        "customer_name": _company_name(rng, index, taken),
        "annual_revenue": revenue,
        "segment": segment.name,
        "region": _pick(rng, REGIONS),
        "industry": _pick(rng, INDUSTRIES),
        "csm_owner": owner,
        "tier_score": tier_score,
        "nps": _nps(rng, health),
        "health_score": health,
        "expansion_potential": round(revenue * rng.uniform(0.0, 1.2), 2),
        "cost_to_serve": _cost_to_serve(rng, segment, revenue),
        "renewal_date": _day_between(rng, TODAY, date(2027, 10, 31)).isoformat(),
        "customer_since": since.isoformat(),
    }


def _assign_current_tiers(rows: list[dict[str, object]]) -> None:
    ranked = sorted(range(len(rows)), key=lambda i: float(rows[i]["tier_score"]), reverse=True)  # type: ignore[arg-type]
    tier_one = round(len(rows) * 0.07)
    tier_two = tier_one + round(len(rows) * 0.22)
    for rank, i in enumerate(ranked):
        rows[i]["current_tier"] = (
            "Tier 1" if rank < tier_one else "Tier 2" if rank < tier_two else "Tier 3"
        )
        del rows[i]["tier_score"]


def generate(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> list[dict[str, object]]:
    """Return `rows` sample customers, the same ones for the same seed."""
    rng = random.Random(seed)
    taken: set[str] = set()
    customers = [_row(rng, i, taken) for i in range(rows)]
    _assign_current_tiers(customers)
    rng.shuffle(customers)  # whales should not sit on the first lines of the file
    return customers


def _formatted(rows: list[dict[str, object]]) -> Iterator[list[str]]:
    for row in rows:
        yield [
            f"{value:.2f}" if isinstance(value, float) else str(value)
            for value in (row[column] for column in COLUMNS)
        ]


def write_csv(path: Path, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> Path:
    """Write the sample to `path` as UTF-8 CSV with a header line and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_formatted(generate(rows, seed)))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the tierboard sample customer file.")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="number of customers")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=SAMPLE_PATH, help="where to write the CSV")
    args = parser.parse_args(argv)
    print(write_csv(args.out, args.rows, args.seed))


if __name__ == "__main__":
    main()
