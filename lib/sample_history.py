"""The bundled history: eight quarterly snapshots of the sample customer base (issue 16).

Run `python -m lib.sample_history` to rewrite `data/sample/history/customers-2025-Q1.csv` …
`customers-2026-Q4.csv` (byte for byte the same for the same seed). The last quarter is the
bundled sample itself (lib/sample.py: same ids, names and revenue); earlier quarters walk each
account's revenue back in time:

- a trend that grows a little each quarter (so earlier quarters are a little smaller), with a
  bigger step in the quarter the account renews (contracts change at renewal);
- a quarter-to-quarter wobble around that trend (usage, seats), larger for small accounts, so
  accounts near a cut-off cross it and come back: the flaps stability rules exist for;
- new accounts: an account appears from the first quarter after its customer_since date;
- churned accounts: a few accounts each quarter that are not in the sample (ids past the
  sample's), shrinking before they leave.

Columns: customer_id, customer_name, annual_revenue, renewal_date (the next renewal after the
quarter's end, a year apart each time, the sample's renewal in the last quarter). Only Python's
own `random.Random`, as in lib/sample.py, so the files stay reproducible across versions.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from lib import sample

DEFAULT_SEED = 20261202
HISTORY_DIR = sample.SAMPLE_PATH.parent / "history"
COLUMNS = ("customer_id", "customer_name", "annual_revenue", "renewal_date")
FIRST_YEAR = 2025
QUARTERS = 8  # 2025 Q1 … 2026 Q4
GROWTH = 0.015  # the trend's mean growth a quarter (log): ~6% a year
GROWTH_SPREAD = 0.03  # accounts grow at different speeds
RENEWAL_STEP = 0.14  # sigma of the (log) change in the quarter an account renews
WOBBLE = 0.2  # sigma of the (log) wobble around the trend, for a $50K account
CHURN_SHARE = 0.012  # accounts leaving after each quarter (~5% a year)
FIRST_CHURNED_ID = 100001 + sample.DEFAULT_ROWS


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def label(self) -> str:
        """How the app names the period: "2026 Q3"."""
        return f"{self.year} Q{self.number}"

    @property
    def ends(self) -> date:
        """The quarter's last day."""
        month = 3 * self.number
        following = date(self.year + month // 12, month % 12 + 1, 1)
        return following - timedelta(days=1)

    @property
    def file_name(self) -> str:
        return f"customers-{self.year}-Q{self.number}.csv"


def quarters(first_year: int = FIRST_YEAR, count: int = QUARTERS) -> tuple[Quarter, ...]:
    """The history's quarters, oldest first."""
    return tuple(Quarter(first_year + q // 4, q % 4 + 1) for q in range(count))


def _next_renewal(renewal: date, after: date) -> date:
    """The account's renewal (yearly, on `renewal`'s day) that comes first after `after`."""
    year = after.year
    while True:
        try:
            day = renewal.replace(year=year)
        except ValueError:  # 29 February in a year without it
            day = date(year, 3, 1)
        if day > after:
            return day
        year += 1


def _renews_in(renewal: date, quarter: Quarter) -> bool:
    return renewal.month in range(3 * quarter.number - 2, 3 * quarter.number + 1)


def _wobble(rng: random.Random, revenue: float) -> float:
    # Small accounts swing more (a few seats are a large share of them), whales barely move.
    scale = WOBBLE * (50_000 / max(revenue, 2_000)) ** 0.15
    return rng.gauss(0, scale)


def _walk_back(
    rng: random.Random, latest: float, renewal: date, spans: tuple[Quarter, ...]
) -> list[float]:
    """Revenue in each quarter of `spans` (oldest first), the last one `latest` exactly."""
    if latest <= 0:
        return [0.0] * len(spans)  # a free pilot stays free
    growth = rng.gauss(GROWTH, GROWTH_SPREAD)
    # The latest figure is the trend plus its own wobble, like every earlier one: otherwise the
    # last quarter would change less than the others.
    trend = [math.log(latest) - _wobble(rng, latest)]
    for quarter in reversed(spans[1:]):  # from the latest back: undo each quarter's step
        step = growth + (rng.gauss(0, RENEWAL_STEP) if _renews_in(renewal, quarter) else 0.0)
        trend.append(trend[-1] - step)
    trend.reverse()
    values = [math.exp(t + _wobble(rng, math.exp(t))) for t in trend[:-1]]
    return [*(round(max(v, 480.0), 2) for v in values), latest]


@dataclass(frozen=True)
class Account:
    """One account's rows over the history: its revenue in the quarters it is a customer."""

    customer_id: str
    customer_name: str
    renewal: date  # a renewal day (yearly)
    revenue: dict[int, float]  # quarter number (0: the first) -> revenue


def _sampled(rng: random.Random, spans: tuple[Quarter, ...]) -> list[Account]:
    """The bundled sample's accounts, from the quarter after they became customers."""
    accounts = []
    for row in sample.generate():
        renewal = date.fromisoformat(str(row["renewal_date"]))
        since = date.fromisoformat(str(row["customer_since"]))
        latest = row["annual_revenue"]
        assert isinstance(latest, float)
        values = _walk_back(rng, latest, renewal, spans)
        revenue = {q: v for q, v in enumerate(values) if since <= spans[q].ends}
        accounts.append(
            Account(str(row["customer_id"]), str(row["customer_name"]), renewal, revenue)
        )
    return accounts


def _churned(rng: random.Random, spans: tuple[Quarter, ...]) -> list[Account]:
    """Accounts that left: present from the first quarter (or later) up to some quarter."""
    accounts: list[Account] = []
    taken: set[str] = set()
    churn_each = round(sample.DEFAULT_ROWS * CHURN_SHARE)
    for last in range(len(spans) - 1):  # leaves after quarter `last`
        for _ in range(churn_each):
            index = FIRST_CHURNED_ID + len(accounts)
            segment = rng.choices(sample.SEGMENTS, weights=[s.share for s in sample.SEGMENTS])[0]
            start = 0 if rng.random() < 0.75 else rng.randrange(last + 1)
            size = rng.lognormvariate(math.log(segment.median_revenue), segment.spread)
            renewal = date(FIRST_YEAR, rng.randrange(1, 13), rng.randrange(1, 29))
            revenue: dict[int, float] = {}
            for q in range(start, last + 1):
                shrink = 0.9 ** max(0, q - last + 2)  # contracts shrink before they end
                revenue[q] = round(max(size * shrink * math.exp(_wobble(rng, size)), 480.0), 2)
            core = rng.choice(sample.NAME_FIRST) + rng.choice(sample.NAME_SECOND)
            name = f"{core} {rng.choice(sample.NAME_KIND)} {rng.choice(sample.NAME_SUFFIX)}"
            name = name.strip()
            if name in taken:
                name = f"{name} #{index}"
            taken.add(name)
            accounts.append(Account(f"CUST-{index}", name, renewal, revenue))
    return accounts


def generate(seed: int = DEFAULT_SEED) -> dict[Quarter, list[list[str]]]:
    """Every quarter's rows (as the CSV writes them, sorted by customer id), the same ones for
    the same seed."""
    spans = quarters()
    rng = random.Random(seed)
    table: dict[Quarter, list[list[str]]] = {quarter: [] for quarter in spans}
    for account in [*_sampled(rng, spans), *_churned(rng, spans)]:
        for q, value in account.revenue.items():
            table[spans[q]].append(
                [
                    account.customer_id,
                    account.customer_name,
                    f"{value:.2f}",
                    _next_renewal(account.renewal, spans[q].ends).isoformat(),
                ]
            )
    for rows in table.values():
        rows.sort(key=lambda line: line[0])
    return table


def write_history(folder: Path = HISTORY_DIR, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write one CSV per quarter into `folder` (UTF-8, a header line); the paths, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for quarter, rows in generate(seed).items():
        path = folder / quarter.file_name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        written.append(path)
    return written


def history_files(folder: Path = HISTORY_DIR) -> list[Path]:
    """The bundled history's files, oldest first."""
    return [folder / quarter.file_name for quarter in quarters()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the tierboard sample history.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=HISTORY_DIR, help="the folder to write to")
    args = parser.parse_args(argv)
    for path in write_history(args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
