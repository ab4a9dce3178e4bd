"""Who moves, answered per cut-off move without touching every customer.

A `MoversIndex` is built once per slice, criteria and baseline (today's tiers or a saved
scenario's): the customers grouped by the tier they come from, each group sorted by the key
(a `TierIndex`), so the flows of any cut-offs are a binary search per group; and every customer
ranked by revenue, biggest first. By revenue each tier after a move is a stretch of that ranking,
so the biggest movers are slices of each group's ranked positions; by a score, a scan in revenue
order that stops at the first `limit` found. The rules are lib/migration's (labels normalised,
`Flow.direction`), applied to arrays: the same figures as `migrate` on every customer, in
microseconds instead of a second.

A baseline can also be a tier of record (`AccountBaseline`, from lib/adoption.py): each
account's tier as recorded, by customer id. `align` matches it with the data in use once (a
hash join): an account new since comes from "none", an account gone goes to "none" with its
revenue of record (`MoversIndex.gone`), so no account is ever dropped from the figures.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lib.migration import NONE, Flow, Migration, _label_order, normalize_tier
from lib.slices import Slice
from lib.tiering import TierIndex, normalize_cuts, summarize, thresholds, tier_name, tier_of

DIRECTIONS = ("same", "up", "down", "changed")  # codes 0..3 of `MoversIndex.directions`
# Customers tiered at a time while looking for the biggest movers: the first chunk, doubled
# after each one (a page's 500 movers are usually among the first few thousand customers; when
# movers are rare, the doubling keeps the scan within twice what it had to look at).
SCAN_CHUNK = 4_096


@dataclass(frozen=True)
class Movers:
    """Some movers, biggest revenue first: table rows, tier before and after, direction."""

    rows: np.ndarray
    before: np.ndarray  # labels (object)
    after: np.ndarray  # labels (object)
    direction: np.ndarray  # "up" / "down" / "changed" (object)


@dataclass(frozen=True, eq=False)
class MoversIndex:
    sources: tuple[str, ...]  # the tiers customers come from, normalised, in tier order
    groups: tuple[TierIndex, ...]  # each source's customers, sorted by key
    in_cents: bool  # keys are revenue in cents: cut-offs compare to the cent
    rows: np.ndarray = field(repr=False)  # table rows, biggest revenue first
    source_codes: np.ndarray = field(repr=False)  # each ranked customer's source (into sources)
    keys: np.ndarray = field(repr=False)  # each ranked customer's key
    revenue: np.ndarray = field(repr=False)  # each ranked customer's revenue
    # From a tier of record (lib/adoption.py): accounts of record the data no longer has, as
    # flows to "none"; `of_record` says "none" means new (as a source) or gone (as a target).
    gone: tuple[Flow, ...] = ()
    of_record: bool = False
    # By revenue (the key is the revenue), each tier after a move is a stretch of the ranking:
    # each source's ranked positions (ascending) then give its movers into a tier as a slice,
    # found with two binary searches instead of a scan. None when the key is a score.
    by_source: tuple[np.ndarray, ...] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        keys: np.ndarray,
        revenue: np.ndarray,
        keep: np.ndarray,
        source_labels: Sequence[str],
        source_codes: np.ndarray,
        *,
        in_cents: bool,
        gone: Sequence[Flow] = (),
        of_record: bool = False,
    ) -> MoversIndex:
        """From every customer's key, revenue and source (codes into labels), in table order;
        `keep` says which customers are compared (a slice)."""
        labels = [normalize_tier(label) for label in source_labels]
        merged = sorted(set(labels), key=_label_order)
        code_of = np.array([merged.index(label) for label in labels], dtype=np.int16)
        rows = np.flatnonzero(keep)
        sources = code_of[source_codes[rows]] if labels else np.zeros(len(rows), np.int16)
        key = "annual_revenue" if in_cents else "score"
        groups = tuple(
            TierIndex.from_values(keys[rows[sources == s]], revenue[rows[sources == s]], key=key)
            for s in range(len(merged))
        )
        ranked = np.argsort(-revenue[rows], kind="stable")  # equal revenue: table order
        ranked_sources = sources[ranked]
        by_source = None
        if np.array_equal(keys[rows], revenue[rows]):
            by_source = tuple(
                np.flatnonzero(ranked_sources == s).astype(np.int32) for s in range(len(merged))
            )
        return cls(
            sources=tuple(merged),
            groups=groups,
            in_cents=in_cents,
            rows=rows[ranked],
            source_codes=ranked_sources,
            keys=keys[rows][ranked],
            revenue=revenue[rows][ranked],
            gone=tuple(gone),
            of_record=of_record,
            by_source=by_source,
        )

    def flows(self, cuts: Sequence[float]) -> Migration:
        """What `lib.migration.migrate` gives for these cut-offs, from the sorted groups."""
        flows = [
            Flow(source, figures.name, figures.customers, figures.revenue)
            for source, group in zip(self.sources, self.groups, strict=True)
            for figures in summarize(group, cuts).tiers
            if figures.customers
        ]
        flows.extend(self.gone)
        flows.sort(key=lambda f: (_label_order(f.source), _label_order(f.target)))
        return Migration(tuple(flows), of_record=self.of_record)

    def _direction_table(self, tier_count: int) -> np.ndarray:
        """DIRECTIONS code of each (source, tier after), by Flow.direction's rule."""
        return np.array(
            [
                [
                    DIRECTIONS.index(Flow(s, tier_name(t), 0, 0.0).direction)
                    for t in range(tier_count + 1)
                ]
                for s in self.sources
            ],
            dtype=np.int8,
        ).reshape(len(self.sources), tier_count + 1)

    def movers(
        self, cuts: Sequence[float], shown: Collection[str], limit: int | None = None
    ) -> Movers:
        """The movers in the directions `shown`, biggest revenue first: the first `limit`
        (tiering a chunk of customers at a time, in revenue order), or all of them."""
        table = self._direction_table(len(cuts) + 1)
        wanted = np.array([DIRECTIONS.index(d) for d in shown if d in DIRECTIONS[1:]], np.int8)
        if self.by_source is not None:
            positions, after = self._stretch_movers(cuts, np.isin(table, wanted), limit)
        else:
            positions, after = self._scanned_movers(cuts, table, wanted, limit)
        source = self.source_codes[positions]
        labels = np.array(self.sources, dtype=object)
        names = np.array([tier_name(t) for t in range(len(cuts) + 2)], dtype=object)
        return Movers(
            rows=self.rows[positions],
            before=labels[source] if len(labels) else np.zeros(0, object),
            after=names[after],
            direction=np.array(DIRECTIONS, dtype=object)[table[source, after]],
        )

    def _stretch_movers(
        self, cuts: Sequence[float], wanted: np.ndarray, limit: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ranked positions and tiers after of the movers (the first `limit`), by revenue:
        tier t after the move holds ranked positions bounds[t - 1]:bounds[t] (the ranking is by
        the key), so a source's movers into it are a slice of that source's positions."""
        assert self.by_source is not None
        above = [
            sum(
                len(g.ascending) - int(np.searchsorted(g.ascending, c, "left")) for g in self.groups
            )
            for c in thresholds(normalize_cuts(cuts), self.in_cents)
        ]
        bounds = [0, *above, len(self.rows)]
        found: list[tuple[np.ndarray, np.ndarray]] = []
        for tier in range(1, len(bounds)):
            low, high = bounds[tier - 1], bounds[tier]
            for source, positions in enumerate(self.by_source):
                if not wanted[source, tier]:
                    continue
                start, end = np.searchsorted(positions, [low, high], "left")
                if limit is not None:
                    end = min(int(end), int(start) + limit)
                taken = positions[start:end]
                found.append((taken, np.full(len(taken), tier, dtype=np.int64)))
        positions = np.concatenate([p for p, _ in found] or [np.zeros(0, np.int32)])
        after = np.concatenate([a for _, a in found] or [np.zeros(0, np.int64)])
        order = np.argsort(positions, kind="stable")[:limit]
        return positions[order].astype(np.int64), after[order]

    def _scanned_movers(
        self, cuts: Sequence[float], table: np.ndarray, wanted: np.ndarray, limit: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The same by a scan in revenue order (tiering a chunk at a time), for a score key."""
        found: list[tuple[np.ndarray, np.ndarray]] = []
        total = 0
        chunk = SCAN_CHUNK if limit is not None else max(1, len(self.rows))
        start = 0
        while start < len(self.rows):
            after = tier_of(self.keys[start : start + chunk], cuts, in_cents=self.in_cents)
            codes = table[self.source_codes[start : start + chunk], after]
            hits = np.flatnonzero(np.isin(codes, wanted))
            found.append((start + hits, after[hits]))
            total += len(hits)
            if limit is not None and total >= limit:
                break
            start, chunk = start + chunk, chunk * 2
        positions = np.concatenate([p for p, _ in found] or [np.zeros(0, np.int64)])
        after = np.concatenate([a for _, a in found] or [np.zeros(0, np.int64)])
        if limit is not None:
            positions, after = positions[:limit], after[:limit]
        return positions, after


# ---------------------------------------------------------------------------------------------
# A baseline per account id: a tier of record (lib/adoption.py), matched with the data in use.


@dataclass(frozen=True, eq=False)
class AccountBaseline:
    """Each account's tier as recorded (a tier of record), by customer id: what Who moves
    compares with instead of cut-offs. `key` tells it from any other (cache keys)."""

    key: tuple[object, ...]
    # Customer ids, unique: an object array of str, or Arrow text (a tenth of the memory at a
    # million accounts: what a baseline kept for a while holds).
    ids: np.ndarray | pa.Array = field(repr=False)
    tiers: np.ndarray = field(repr=False)  # int8, 1..tier_count
    cents: np.ndarray = field(repr=False)  # int64 revenue of record, whole cents
    tier_count: int
    made_for: Slice  # the slice it was recorded for: where its gone accounts are counted

    # Equal by key (one tier of record, however often its rows are read): a view made from it
    # (a movers file) stays the same view.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccountBaseline) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


@dataclass(frozen=True, eq=False)
class AlignedBaseline:
    """A per-account baseline matched by customer id with one dataset's accounts (built once
    per baseline and dataset): each account's tier of record ("none": new since), and the
    accounts of record the data no longer has (gone: their tier of record -> "none")."""

    labels: tuple[str, ...]  # "Tier 1" .. "Tier K", then "none"
    codes: np.ndarray = field(repr=False)  # per dataset row (table order): index into labels
    gone: tuple[Flow, ...]  # per tier of record: accounts gone from the data, their revenue then
    gone_ids: np.ndarray = field(repr=False)  # the gone accounts' ids, biggest revenue first
    gone_tiers: np.ndarray = field(repr=False)  # their tier of record (1-based), same order
    gone_cents: np.ndarray = field(repr=False)  # their revenue of record, same order


def align(baseline: AccountBaseline, dataset_ids: pa.Array | pa.ChunkedArray) -> AlignedBaseline:
    """Match the baseline's accounts with the dataset's (`customer_id`, table order), by id:
    a hash join, vectorised (1M accounts: well under a second)."""
    recorded = (
        baseline.ids.cast(pa.string())
        if isinstance(baseline.ids, pa.Array)
        else pa.array(baseline.ids, type=pa.string())
    )
    ids = dataset_ids.cast(pa.string())
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    tier_count = baseline.tier_count
    labels = (*(f"Tier {t}" for t in range(1, tier_count + 1)), NONE)
    found = pc.index_in(ids, value_set=recorded)  # position in the baseline, or null
    where = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    # Each account's code: its tier of record - 1, or the last label ("none") when it is new.
    of_record = np.append(baseline.tiers.astype(np.int16) - 1, np.int16(tier_count))
    codes = of_record[where]  # -1 (not in the baseline) takes the appended "none"
    present = np.zeros(len(recorded), dtype=bool)
    present[where[where >= 0]] = True  # the recorded accounts the data still has (one hash join)
    gone_at = np.flatnonzero(~present)
    order = gone_at[np.argsort(-baseline.cents[gone_at], kind="stable")]
    tiers, cents = baseline.tiers[order].astype(np.int64), baseline.cents[order]
    counts = np.bincount(tiers, minlength=tier_count + 1)
    sums = [int(cents[tiers == t].sum(dtype=object)) for t in range(tier_count + 1)]
    gone = tuple(
        Flow(labels[t - 1], NONE, int(counts[t]), sums[t] / 100)
        for t in range(1, tier_count + 1)
        if counts[t]
    )
    gone_ids = recorded.take(pa.array(order, pa.int64())).to_numpy(zero_copy_only=False)
    return AlignedBaseline(labels, codes, gone, gone_ids.astype(object), tiers, cents)
