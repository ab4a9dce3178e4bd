"""Tiers over time: snapshots of one customer base, and each account's tier per period under
the cut-offs with stability rules (issue 16). lib/history.py measures how stable they stay and
is where callers import all of it from.

A `History` is built once per load from its `Snapshot`s: periods ordered by date, every account
of any period on one axis, revenue as aligned (periods x accounts) arrays of whole cents. A
slider move is then `tiers_over_time` (a few numpy passes per period and cut-off) and
`stability` (one bincount per pair of periods): no Python per account.

The tier rules (lib/tiering.py): with cut-offs c1 >= c2 >= ..., an account is at or above
cut-off c when its value >= c, compared in exact cents; its tier is 1 + the cut-offs it is
below. Stability rules, from the second period on (the first is tiered plainly, or taken as
recorded when it is an adopted tier list):

- **Buffer band b**: every cut-off is a switch with a band around it. An account that was at or
  above cut-off c in the previous period stays above it while its value >= c x (1 - b), and
  drops below only when its value < c x (1 - b); an account that was below c rises above it
  only when its value >= c x (1 + b). Its tier is 1 + the cut-offs it is below. With two tiers
  this is the issue's sentence (a Tier 2 account is promoted at >= c x (1 + b), a Tier 1
  account demoted at < c x (1 - b), in between it keeps its tier); with more, each cut-off is
  passed or not on its own: with a 20% band, a Tier 3 account now at 1.1 x c1 moves to Tier 2
  (it passes c2 x 1.2) and not yet to Tier 1 (below c1 x 1.2). With b = 0 this is the plain
  rule. The
  bands c x (1 +- b) are exact decimals, compared in cents like the cut-offs.
- **Minimum stay k**: an account is not demoted before it has been k periods in its tier (the
  period it entered counts); promotions are never held back. k = 0 or 1: no effect.
- **Protected until renewal**: an account is not demoted while its next renewal, as the
  previous period's snapshot records it, falls after this period's end; without a renewal date
  it is not protected.

An account absent from a period (churned, or not yet a customer) has tier 0 there ("none"); when
it appears again it starts plainly, as in a first period.

Why one module (a little past 400 lines): building a History and tiering it share the prepared
arrays (each period's accounts sorted by value) and their invariants; apart, each would have to
know the other's layout.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from lib.errors import InputError
from lib.tiering import INT64_CENTS

NONE = "none"  # the tier of an account absent from a period
NO_DATE = np.iinfo(np.int32).min  # a missing renewal day (as Dataset.day_numbers gives it)
MAX_BUFFER = 1.0  # 100%: a band beyond it would promote nobody at twice the cut-off
DEFAULT_FLAP_WITHIN = 2
MAX_MIN_STAY = 100  # periods (25 years of quarters)
_EPOCH = date(1970, 1, 1)
_EXACT_FLOAT_CENTS = 2**53  # below this, sums of whole cents in doubles are exact
_INT64_SUMS = 2**62  # a period's cents sum in int64 below this


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One period's customers: ids and revenue in whole cents, in the same order.

    `ends` is the period's date (the ordering key); `renewals` each account's renewal day
    (days since 1970-01-01, NO_DATE when unknown) for protect-until-renewal; `fixed_tiers` the
    tiers (1..K) of an adopted tier list, taken as recorded instead of recomputed. `currency`,
    `columns` and `source` are what the loader knows of the file, for clear sentences when
    snapshots do not match.
    """

    label: str
    ends: date
    ids: np.ndarray
    cents: np.ndarray
    renewals: np.ndarray | None = None
    fixed_tiers: np.ndarray | None = None
    currency: str | None = None
    columns: tuple[str, ...] | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        size = len(self.ids)
        for name in ("cents", "renewals", "fixed_tiers"):
            array = getattr(self, name)
            if array is not None and len(array) != size:
                raise ValueError(f"Snapshot.{name} has {len(array)} entries for {size} ids")

    @property
    def name(self) -> str:
        """How sentences name this period: its label (and its file, when it came from one)."""
        return self.label if self.source is None else f"{self.label} ({self.source})"


@dataclass(frozen=True, eq=False)
class History:
    """Every period's accounts on one axis: built once per load (`History.of`), read per move.

    `ids[i]` is account i's customer id (accounts numbered by their largest revenue),
    `cents[p, i]` its revenue in period p in whole cents (0 where absent), `present[p, i]`
    whether it is a customer then; periods in date order. `tiers_over_time` and the page's
    per-account figures use the same numbering.
    """

    labels: tuple[str, ...]
    ends: tuple[date, ...]
    ids: np.ndarray = field(repr=False)
    cents: np.ndarray = field(repr=False)
    present: np.ndarray = field(repr=False)
    fixed: tuple[np.ndarray | None, ...] = field(repr=False)
    # protected[p, i]: at period p, account i's demotion waits for its renewal (None: no dates)
    protected: np.ndarray | None = field(repr=False)
    # Per period, the present accounts sorted by revenue: their indices, their cents and the
    # cents' prefix sums (a leading 0), so plain tiers' figures are binary searches.
    order: tuple[np.ndarray, ...] = field(repr=False)
    ascending: tuple[np.ndarray, ...] = field(repr=False)
    prefix: tuple[np.ndarray, ...] = field(repr=False)
    exact_in_doubles: bool = True  # every sum of a period's cents fits a double exactly
    currency: str | None = None
    notes: tuple[str, ...] = ()  # what differs between the periods' files (columns)

    @classmethod
    def of(cls, snapshots: Sequence[Snapshot]) -> History:
        """Order snapshots by date, put their accounts on one axis, align their revenue.

        Raises InputError for no snapshot, two snapshots of one period, a customer listed twice
        in one period, or snapshots in different currencies; different columns are `notes`.
        """
        if not snapshots:
            raise InputError("Give at least one period's customers to build a history from.")
        ordered = sorted(snapshots, key=lambda snapshot: snapshot.ends)
        _check_periods(ordered)
        notes = _check_alike(ordered)
        sizes = [len(s.ids) for s in ordered]
        everyone = np.concatenate([np.asarray(s.ids, dtype=object) for s in ordered])
        codes, uniques = pd.factorize(everyone, sort=False)
        accounts = len(uniques)
        periods = len(ordered)
        cents = np.zeros((periods, accounts), dtype=np.int64)
        present = np.zeros((periods, accounts), dtype=bool)
        fixed: list[np.ndarray | None] = []
        renewals: np.ndarray | None = None
        start = 0
        for p, (snapshot, size) in enumerate(zip(ordered, sizes, strict=True)):
            where = codes[start : start + size]
            start += size
            _check_unique(snapshot, where, accounts)
            cents[p, where] = np.asarray(snapshot.cents, dtype=np.int64)
            present[p, where] = True
            fixed.append(_fixed_tiers(snapshot, where, accounts))
            if snapshot.renewals is not None:
                if renewals is None:
                    renewals = np.full((periods, accounts), NO_DATE, dtype=np.int32)
                renewals[p, where] = np.asarray(snapshot.renewals, dtype=np.int32)
        # Accounts numbered by their largest revenue: an account's neighbours in value are then
        # its neighbours in memory in every period, so the work on the accounts near a cut-off
        # (the band) reads memory nearly in order.
        by_size = np.argsort(cents.max(axis=0), kind="stable")
        # (Taken row by row: a fancy index on the second axis would leave rows strided.)
        cents = np.stack([row[by_size] for row in cents])
        present = np.stack([row[by_size] for row in present])
        renewals = None if renewals is None else np.stack([row[by_size] for row in renewals])
        fixed = [None if f is None else _frozen(f[by_size]) for f in fixed]
        uniques = np.asarray(uniques, dtype=object)[by_size]
        ends = tuple(s.ends for s in ordered)
        absolute = np.abs(cents).sum(axis=1, dtype=np.float64)
        if not (absolute < _INT64_SUMS).all():
            raise InputError(
                "The periods' revenue adds up beyond what tierboard can sum to the cent."
            )
        order, ascending, prefix = [], [], []
        for p in range(periods):
            here = np.flatnonzero(present[p])
            by_value = here[np.argsort(cents[p, here], kind="stable")].astype(np.int32)
            values = cents[p, by_value]
            order.append(_frozen(by_value))
            ascending.append(_frozen(values))
            prefix.append(_frozen(np.concatenate([[0], np.cumsum(values)]).astype(np.int64)))
        cents.flags.writeable = False
        present.flags.writeable = False
        return cls(
            labels=tuple(s.label for s in ordered),
            ends=ends,
            ids=uniques,
            cents=cents,
            present=present,
            fixed=tuple(fixed),
            protected=None if renewals is None else _protected(renewals, ends),
            order=tuple(order),
            ascending=tuple(ascending),
            prefix=tuple(prefix),
            exact_in_doubles=bool((absolute < _EXACT_FLOAT_CENTS).all()),
            currency=next((s.currency for s in ordered if s.currency is not None), None),
            notes=notes,
        )

    @property
    def periods(self) -> int:
        return len(self.labels)

    @property
    def accounts(self) -> int:
        """Accounts present in at least one period."""
        return len(self.ids)


def _check_periods(ordered: Sequence[Snapshot]) -> None:
    for before, after in itertools.pairwise(ordered):
        if before.ends == after.ends or before.label == after.label:
            raise InputError(
                f"{before.name} and {after.name} are the same period ({after.label}): give one "
                "file per period, or give each file its own period (on the command line: "
                "--periods)."
            )
    labels = [s.label for s in ordered]
    for label in labels:
        if labels.count(label) > 1:
            twice = [s.name for s in ordered if s.label == label]
            raise InputError(
                f"{' and '.join(twice)} are the same period ({label}): give one file per period."
            )


def _check_alike(ordered: Sequence[Snapshot]) -> tuple[str, ...]:
    """Refuse periods in different currencies; say which columns differ (tiers need only the
    revenue, so the history is still built)."""
    currencies = {s.currency for s in ordered if s.currency is not None}
    if len(currencies) > 1:
        listed = ", ".join(f"{s.name} in {s.currency.strip()}" for s in ordered if s.currency)
        raise InputError(
            f"The periods are in different currencies ({listed}): give every period in one "
            "currency."
        )
    known = [s for s in ordered if s.columns is not None]
    notes = []
    for snapshot in known[1:]:
        first = known[0]
        assert first.columns is not None and snapshot.columns is not None
        missing = [c for c in first.columns if c not in snapshot.columns]
        extra = [c for c in snapshot.columns if c not in first.columns]
        if missing or extra:
            what = []
            if missing:
                what.append(f"lacks {', '.join(missing)}")
            if extra:
                what.append(f"has {', '.join(extra)} too")
            notes.append(
                f"{snapshot.name} {' and '.join(what)}, unlike {first.name}: tiers use the "
                "revenue alone, but figures from other columns differ between periods."
            )
    return tuple(notes)


def _check_unique(snapshot: Snapshot, where: np.ndarray, accounts: int) -> None:
    counts = np.bincount(where, minlength=accounts)
    if len(where) and counts.max() > 1:
        twice = int(np.flatnonzero(counts > 1)[0])
        first = next(i for i, code in enumerate(where) if code == twice)
        raise InputError(
            f"Customer {snapshot.ids[first]} is listed twice in {snapshot.name}: give one row "
            "per customer and period."
        )


def _fixed_tiers(snapshot: Snapshot, where: np.ndarray, accounts: int) -> np.ndarray | None:
    if snapshot.fixed_tiers is None:
        return None
    tiers = np.asarray(snapshot.fixed_tiers)
    if len(tiers) and (tiers.min() < 1 or tiers.max() > 127):
        raise InputError(f"The recorded tiers of {snapshot.name} must be tier numbers 1 and up.")
    fixed = np.zeros(accounts, dtype=np.int8)
    fixed[where] = tiers.astype(np.int8)
    fixed.flags.writeable = False
    return fixed


def day_number(day: date) -> int:
    """Days since 1970-01-01 (how renewal dates are held)."""
    return (day - _EPOCH).days


def _protected(renewals: np.ndarray, ends: tuple[date, ...]) -> np.ndarray:
    """protected[p]: the renewal recorded at p - 1 is known and after period p's end."""
    protected = np.zeros(renewals.shape, dtype=bool)
    for p in range(1, len(ends)):
        before = renewals[p - 1]
        protected[p] = (before != NO_DATE) & (before > day_number(ends[p]))
    protected.flags.writeable = False
    return protected


@dataclass(frozen=True)
class Rules:
    """Stability rules: a buffer band (a fraction: 0.1 is 10%), a minimum stay in periods, and
    protection from demotion until renewal."""

    buffer: float = 0.0
    min_stay: int = 0
    protect_until_renewal: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.buffer) and 0 <= self.buffer <= MAX_BUFFER):
            raise InputError(
                f"The buffer band is a fraction between 0 and 1 (0.1 is 10%); got {self.buffer:g}."
            )
        if not 0 <= self.min_stay <= MAX_MIN_STAY:
            raise InputError(
                f"The minimum stay is 0 to {MAX_MIN_STAY} periods; got {self.min_stay}."
            )

    @property
    def is_plain(self) -> bool:
        return self.buffer == 0 and self.min_stay <= 1 and not self.protect_until_renewal


def band_cents(cut: float, factor: Decimal) -> int:
    """The fewest whole cents at or above cut x factor (the decimals as written): value >=
    cut x factor <=> cents >= this, and value < cut x factor <=> cents < this."""
    if not math.isfinite(cut):
        return INT64_CENTS if cut > 0 else -INT64_CENTS
    cents = math.ceil(Decimal(repr(float(cut))) * factor * 100)
    return max(-INT64_CENTS, min(INT64_CENTS, cents))


def decimal_of(value: float) -> Decimal:
    """A float as the decimal it was written as (0.1 is 1/10, not the double nearest it)."""
    return Decimal(repr(float(value)))


NO_RULES = Rules()
