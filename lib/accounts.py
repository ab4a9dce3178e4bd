"""Each account's facts a book assignment needs — owner, region, renewal date, tier of record,
revenue in cents — in a tier index's key order, built once per index.

Tiers under a set of cut-offs are then slices of key order (lib.books.tier_bounds), so grouping
accounts by (tier, owner, region) is one numpy pass, never a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.books import tier_bounds
from lib.cache import KeptWhileAlive
from lib.migration import normalize_tier, tier_number
from lib.slices import UNASSIGNED, Dimension
from lib.tiering import TierIndex

if TYPE_CHECKING:
    from lib.dataset import Dataset

NO_DATE = int(np.iinfo(np.int32).min)  # an account with no renewal date
EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970-01-01 (how renewal dates are kept)."""
    return (day - EPOCH).days


@dataclass(frozen=True, eq=False)
class Accounts:
    """The accounts of one tier index, every array in the index's key order (lowest key first)."""

    index: TierIndex
    owner: np.ndarray  # int32 code into `owners` per account
    owners: tuple[str, ...]  # labels of the codes; UNASSIGNED is "no csm_owner"
    region: np.ndarray  # int32 code into `regions`; the UNASSIGNED code when unknown
    regions: tuple[str, ...]  # () when the data has no region column
    renewal: np.ndarray  # int32 day numbers (day_number), NO_DATE when unknown
    previous: np.ndarray  # int16 tier number of record (the data's current_tier), 0 unknown
    cents: np.ndarray  # int64 revenue in whole cents
    rows: np.ndarray  # int64 row of each account in `identities`
    identities: pa.Table  # customer_id (and customer_name), by row

    @property
    def customers(self) -> int:
        return self.index.customers

    @property
    def has_region(self) -> bool:
        return any(label != UNASSIGNED for label in self.regions)

    @property
    def has_renewal(self) -> bool:
        return bool((self.renewal != NO_DATE).any())

    @property
    def unassigned_code(self) -> int:
        """The owner code of accounts with no csm_owner (-1 when every account has one)."""
        return self.owners.index(UNASSIGNED) if UNASSIGNED in self.owners else -1

    def tiers(self, cuts: Sequence[float]) -> np.ndarray:
        """The 1-based tier of every account under `cuts` (int16, key order)."""
        out = np.empty(self.customers, dtype=np.int16)
        for tier, (low, high) in enumerate(tier_bounds(self.index, cuts), start=1):
            out[low:high] = tier
        return out

    def positions_of(self, ids: Sequence[str]) -> dict[str, int]:
        """Key-order position of each of `ids` that the data holds (the first, if repeated)."""
        if not ids:
            return {}
        wanted = pa.array([str(i) for i in ids], pa.string())
        column = self.identities.column("customer_id").combine_chunks().cast(pa.string())
        found = pc.index_in(column, value_set=wanted).to_numpy(zero_copy_only=False)
        hit_rows = np.flatnonzero(~np.isnan(found.astype(np.float64)))
        if not len(hit_rows):
            return {}
        position_of_row = np.full(len(column), -1, dtype=np.int64)
        position_of_row[self.rows] = np.arange(self.customers)
        out: dict[str, int] = {}
        for row in hit_rows.tolist():
            key = str(ids[int(found[row])])
            if key not in out and position_of_row[row] >= 0:
                out[key] = int(position_of_row[row])
        return out

    def identity_frame(self, positions: np.ndarray) -> pd.DataFrame:
        """customer_id and customer_name (empty text when the data has none) at `positions`."""
        rows = pa.array(self.rows[np.asarray(positions, dtype=np.int64)], pa.int64())
        taken = self.identities.take(rows)
        ids = taken.column("customer_id").to_pylist()
        names = (
            taken.column("customer_name").to_pylist()
            if "customer_name" in taken.column_names
            else [None] * len(ids)
        )
        return pd.DataFrame(
            {
                "customer_id": [str(i) for i in ids],
                "customer_name": ["" if n is None else str(n) for n in names],
            }
        )

    @classmethod
    def from_columns(
        cls,
        customer_id: Sequence[str],
        annual_revenue: Sequence[float] | np.ndarray,
        *,
        csm_owner: Sequence[str | None] | None = None,
        region: Sequence[str | None] | None = None,
        renewal_date: Sequence[date | None] | None = None,
        current_tier: Sequence[str | None] | None = None,
        customer_name: Sequence[str | None] | None = None,
    ) -> Accounts:
        """Accounts from plain columns (tests, benchmarks, tools): revenue keys the tiers."""
        n = len(customer_id)
        revenue = np.round(np.asarray(annual_revenue, dtype=np.float64), 2)
        rows = np.arange(n, dtype=np.int32)
        index = TierIndex.from_values(revenue, revenue, columns={"revenue": revenue, "row": rows})
        order = index.columns["row"].astype(np.int64)
        owners = Dimension.from_values(np.array(_blank(csm_owner, n), dtype=object))
        regions = (
            Dimension.from_values(np.array(_blank(region, n), dtype=object))
            if region is not None
            else Dimension((UNASSIGNED,), np.zeros(n, dtype=np.int32))
        )
        days = np.array(
            [NO_DATE if d is None else day_number(d) for d in (renewal_date or [None] * n)],
            dtype=np.int32,
        )
        previous = _tier_numbers(current_tier, n)
        table = {"customer_id": pa.array([str(i) for i in customer_id], pa.string())}
        if customer_name is not None:
            table["customer_name"] = pa.array(list(customer_name), pa.string())
        return cls(
            index=index,
            owner=owners.codes[order],
            owners=owners.labels,
            region=regions.codes[order],
            regions=regions.labels if region is not None else (),
            renewal=days[order],
            previous=previous[order],
            cents=np.rint(revenue[order] * 100).astype(np.int64),
            rows=order,
            identities=pa.table(table),
        )


def _blank(values: Sequence[str | None] | None, n: int) -> list[str | None]:
    if values is None:
        return [None] * n
    return [None if v is None or not str(v).strip() else str(v) for v in values]


def _tier_numbers(labels: Sequence[str | None] | None, n: int) -> np.ndarray:
    if labels is None:
        return np.zeros(n, dtype=np.int16)
    return np.array(
        [tier_number(normalize_tier(v)) or 0 if v else 0 for v in labels], dtype=np.int16
    )


_ACCOUNTS: KeptWhileAlive[TierIndex, Accounts] = KeptWhileAlive()


def accounts_of(dataset: Dataset, index: TierIndex) -> Accounts:
    """The accounts of `index` (one of `dataset`'s indexes): made once per index, kept while
    the index lives (a few numpy gathers and one read of the renewal dates)."""
    return _ACCOUNTS.get(index, lambda: _build(dataset, index))


def _build(dataset: Dataset, index: TierIndex) -> Accounts:
    rows = index.columns["row"].astype(np.int64)
    n = len(rows)
    owner_dimension = dataset.dimensions.get("csm_owner")
    if owner_dimension is not None:
        owner, owners = owner_dimension.codes[rows], owner_dimension.labels
    else:
        owner, owners = np.zeros(n, dtype=np.int32), (UNASSIGNED,)
    region_dimension = dataset.dimensions.get("region")
    if region_dimension is not None:
        region, regions = region_dimension.codes[rows], region_dimension.labels
    else:
        region, regions = np.zeros(n, dtype=np.int32), ()
    days = dataset.day_numbers("renewal_date")
    renewal = days[rows] if days is not None else np.full(n, NO_DATE, dtype=np.int32)
    if dataset.current_tiers is not None:
        numbers = _tier_numbers(
            list(dataset.current_tiers.labels), len(dataset.current_tiers.labels)
        )
        previous = numbers[dataset.current_tiers.codes[rows]]
    else:
        previous = np.zeros(n, dtype=np.int16)
    return Accounts(
        index=index,
        owner=np.asarray(owner, dtype=np.int32),
        owners=tuple(owners),
        region=np.asarray(region, dtype=np.int32),
        regions=tuple(regions),
        renewal=np.asarray(renewal, dtype=np.int32),
        previous=np.asarray(previous, dtype=np.int16),
        cents=np.rint(index.columns["revenue"] * 100).astype(np.int64),
        rows=rows,
        identities=dataset.identities(),
    )
