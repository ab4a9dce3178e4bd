"""The tier of record: a scenario's tier list, adopted on a day by someone, kept for good.

Adopting a saved scenario records, per account, the tier it gets and the revenue (whole cents)
it had, with the scenario as it was (cut-offs, criteria, slice, plan) and who adopted it when
(UTC). Adoptions are dated and never overwritten: the tier of record on a day is the latest
adoption on or before it. The stores keep them (lib/scenario_store*.py); this module holds the
data types, the compact form the rows are stored in (one Arrow IPC blob per adoption, zstd), and
the tier list of a dataset under a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import ipc

from lib.criteria import REVENUE_ONLY, Criteria
from lib.errors import InputError
from lib.formatting import plural
from lib.movers import AccountBaseline
from lib.scenario import Scenario
from lib.slices import Dimension, Slice
from lib.tiering import MAX_TIERS

MAX_ACCOUNTS = 20_000_000  # accounts one adoption may record (the loader's bound is below it)
MAX_ID_CHARS = 1_000  # a customer id's length in an adoption (ids are the loader's, bounded)
ROWS_FORMAT = 1  # the shape of the stored rows: Arrow IPC stream, zstd, the three columns below
_SCHEMA = pa.schema(
    [("customer_id", pa.string()), ("tier", pa.int8()), ("cents", pa.int64())],
    metadata={"tierboard": "adoption rows", "format": str(ROWS_FORMAT)},
)


@dataclass(frozen=True, eq=False)
class TierList:
    """Every account's tier and revenue, in one order: what an adoption records.

    `ids` are customer ids (text, unique), `tiers` 1-based tier numbers (int8), `cents` revenue
    in whole cents (int64). Checked on the way in (a bug in the caller raises ValueError).
    """

    ids: np.ndarray = field(repr=False)
    tiers: np.ndarray = field(repr=False)
    cents: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        ids = np.asarray(self.ids, dtype=object)
        tiers = np.asarray(self.tiers)
        cents = np.asarray(self.cents)
        if not ids.ndim == tiers.ndim == cents.ndim == 1 or not len(ids) == len(tiers) == len(
            cents
        ):
            raise ValueError("ids, tiers and cents must be 1-D arrays of one length")
        if len(tiers) and (tiers.min() < 1 or tiers.max() > MAX_TIERS):
            raise ValueError(f"tiers must be 1 to {MAX_TIERS}")
        for name, values in (("tiers", tiers), ("cents", cents)):
            if len(values) and not np.issubdtype(values.dtype, np.integer):
                raise ValueError(f"{name} must be whole numbers (integers)")
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "tiers", tiers.astype(np.int8, copy=False))
        object.__setattr__(self, "cents", cents.astype(np.int64, copy=False))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class AdoptionInfo:
    """One adoption without its rows: which scenario (as it was), by whom, when (UTC), how many
    accounts and how much revenue it recorded."""

    id: int  # rises with every adoption in a store
    name: str  # the scenario's name when it was adopted
    scenario: Scenario  # the scenario as it was then (a later save or rename changes nothing)
    version: int  # the scenario's version adopted
    adopted_by: str | None
    adopted_at: datetime  # UTC
    accounts: int
    revenue_cents: int

    @property
    def adopted_on(self) -> date:
        """The day of record (UTC)."""
        return self.adopted_at.date()

    @property
    def cuts(self) -> tuple[float, ...]:
        return self.scenario.cuts

    @property
    def criteria(self) -> Criteria:
        return self.scenario.criteria

    @property
    def slice(self) -> Slice:
        return self.scenario.slice

    @property
    def tier_count(self) -> int:
        return self.scenario.tier_count

    @property
    def key(self) -> tuple[int, str, int]:
        """What tells this adoption from any other (a cache key): id, time, accounts."""
        return (self.id, self.adopted_at.isoformat(), self.accounts)


@dataclass(frozen=True, eq=False)
class Adoption:
    """An adoption with its rows: per account id, the tier recorded and the revenue it had."""

    info: AdoptionInfo
    ids: np.ndarray = field(repr=False)  # customer ids (object array of str), unique
    tiers: np.ndarray = field(repr=False)  # int8, 1..tier_count
    cents: np.ndarray = field(repr=False)  # int64 whole cents

    @property
    def id(self) -> int:
        return self.info.id

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def adopted_by(self) -> str | None:
        return self.info.adopted_by

    @property
    def adopted_at(self) -> datetime:
        return self.info.adopted_at

    @property
    def adopted_on(self) -> date:
        return self.info.adopted_on

    @property
    def scenario(self) -> Scenario:
        return self.info.scenario

    @property
    def tier_count(self) -> int:
        return self.info.tier_count

    @property
    def baseline(self) -> AccountBaseline:
        """This tier of record as Who moves' baseline (lib/movers.py), per account id; its ids
        as Arrow text (compact: it is kept while the page is used)."""
        return AccountBaseline(
            key=("adoption", *self.info.key),
            ids=pa.array(self.ids, type=pa.string()),
            tiers=self.tiers,
            cents=self.cents,
            tier_count=self.tier_count,
            made_for=self.info.slice,
        )


def day_text(day: date) -> str:
    """ "2 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def record_words(info: AdoptionInfo, *, by: bool = True) -> str:
    """ "“Q3 plan”, adopted 2 Dec 2026 by ana" (without "by" when nobody is known, or `by` is
    False)."""
    by_whom = f" by {info.adopted_by}" if by and info.adopted_by else ""
    return f"“{info.name}”, adopted {day_text(info.adopted_on)}{by_whom}"


def confirmation(accounts: int, who: str | None, today: date) -> str:
    """What "Adopt this plan" records, said before it does."""
    return (
        f"Records {plural(accounts, 'account')}{'’s' if accounts == 1 else '’'} tiers as the "
        f"tier of record, dated "
        f"{day_text(today)}, by {who or 'anonymous'}."
    )


# ---------------------------------------------------------------------------------------------
# The stored form of the rows.


def check_fits(tiers: TierList, tier_count: int) -> None:
    """InputError when the list has a tier the scenario has not."""
    if len(tiers) and int(tiers.tiers.max()) > tier_count:
        raise InputError(
            f"The tier list has accounts in Tier {int(tiers.tiers.max())}, but the scenario has "
            f"{tier_count} tiers."
        )


def rows_blob(tiers: TierList, tier_count: int = MAX_TIERS) -> bytes:
    """The rows as one Arrow IPC stream (zstd): compact (1M accounts: a few MB) and read back
    in one call. InputError when the list cannot be recorded (too many accounts, ids repeated,
    a tier past `tier_count`)."""
    if len(tiers) > MAX_ACCOUNTS:
        raise InputError(
            f"An adoption records at most {MAX_ACCOUNTS:,} accounts; this tier list has "
            f"{len(tiers):,}."
        )
    check_fits(tiers, tier_count)
    try:
        ids = pa.array(tiers.ids, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise ValueError("customer ids must be text") from None
    if ids.null_count:
        raise ValueError("customer ids must not be missing")
    if len(ids) and pc.max(pc.utf8_length(ids)).as_py() > MAX_ID_CHARS:
        raise InputError(
            f"A customer id in the tier list is longer than {MAX_ID_CHARS} characters."
        )
    if pc.count_distinct(ids).as_py() != len(ids):
        raise InputError("The tier list names some customer ids twice; each account has one tier.")
    table = pa.table(
        [ids, pa.array(tiers.tiers, pa.int8()), pa.array(tiers.cents, pa.int64())],
        schema=_SCHEMA,
    )
    sink = pa.BufferOutputStream()
    options = ipc.IpcWriteOptions(compression="zstd")
    with ipc.new_stream(sink, _SCHEMA, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def rows_from_blob(
    blob: bytes, rows_format: int, info: AdoptionInfo
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows `rows_blob` wrote: ids, tiers, cents; InputError naming the adoption if damaged."""
    damaged = InputError(
        f"The adoption of “{info.name}” on {day_text(info.adopted_on)} cannot be read: its "
        "tier list is damaged or from a newer tierboard."
    )
    if rows_format != ROWS_FORMAT or not isinstance(blob, bytes | bytearray | memoryview):
        raise damaged
    try:
        with ipc.open_stream(pa.py_buffer(blob)) as reader:
            table = reader.read_all()
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError):
        raise damaged from None
    if table.schema.remove_metadata() != _SCHEMA.remove_metadata() or table.num_rows != (
        info.accounts
    ):
        raise damaged
    ids = table.column(0).to_numpy(zero_copy_only=False).astype(object, copy=False)
    tiers = table.column(1).to_numpy().astype(np.int8, copy=False)
    cents = table.column(2).to_numpy().astype(np.int64, copy=False)
    if len(tiers) and (tiers.min() < 1 or tiers.max() > info.tier_count):
        raise damaged
    return ids, tiers, cents


# ---------------------------------------------------------------------------------------------
# A dataset's tier list under a scenario.


class Accounts(Protocol):
    """What `tier_list_of` reads of a dataset (lib/dataset.Dataset), without importing it."""

    @property
    def dimensions(self) -> dict[str, Dimension]: ...

    def keys(self, criteria: Criteria) -> np.ndarray: ...

    def tiers(self, criteria: Criteria, cuts: tuple[float, ...]) -> np.ndarray: ...

    def identities(self) -> pa.Table: ...


def tier_list_of(dataset: Accounts, scenario: Scenario) -> TierList:
    """Every account of the scenario's slice (the data this dataset has of it), tiered by the
    scenario's criteria and cut-offs, with its revenue in cents: what "Adopt" records."""
    revenue = dataset.keys(REVENUE_ONLY)  # revenue, whatever the scenario tiers by
    keep = scenario.slice.mask(dataset.dimensions, len(revenue))
    rows = np.flatnonzero(keep)
    tiers = dataset.tiers(scenario.criteria, scenario.cuts)[rows]
    ids = dataset.identities().column("customer_id").take(pa.array(rows))
    cents = np.rint(revenue[rows] * 100).astype(np.int64)
    return TierList(ids.to_numpy(zero_copy_only=False), tiers, cents)
