"""One loaded dataset: its own DuckDB database, the canonical table and the tier index.

Every dataset opens a fresh database in a private temporary folder, so two datasets (two browser
sessions) never see each other's tables, and the folder is deleted with the dataset. A file rather
than `:memory:` because DuckDB then compresses the table (1M customers with every column: ~35 MB
instead of ~200 MB) and keeps its working memory under `memory_limit`, spilling to the folder
beyond it — a large upload cannot take the server's memory with it.

Loading is two steps, as on the Upload page: `Upload.open` reads a file (a preview and a
suggested mapping are then available), `Upload.load` applies a mapping and a revenue basis and
hands the database over to a `Dataset`. A dataset is read-only afterwards, which is what lets
the bundled sample be shared by every session safely (each query takes its own cursor), and
what it computes on demand (indexes, scores, movers, ids) sits in bounded thread-safe caches
(lib.cache), since every session's thread reads the shared one.

Why one module (past 400 lines, about 560): the per-customer questions a page asks of the
arrays it keeps (tier lists, migration, unprofitable accounts, ids) belong with those arrays.
The folder and upload helpers above `Dataset` are the part to move out next (lib/sources.py,
ui/serve.py and the tests import them from here); left so as not to collide with the loader's
work on `Upload`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import cast

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from lib import ingest, reading
from lib.cache import BoundedCache
from lib.canonical import BY_NAME
from lib.capacity import Plan, unprofitable_threshold
from lib.criteria import REVENUE_ONLY, Criteria, Score, score
from lib.errors import InputError
from lib.ingest import ANNUAL, RevenueBasis
from lib.mapping import Suggestion, suggest
from lib.migration import NONE, Migration, normalize_tier
from lib.movers import DIRECTIONS, AccountBaseline, AlignedBaseline, Movers, MoversIndex, align
from lib.slices import DIMENSIONS, EVERYTHING, Dimension, Slice
from lib.sql import one_row, quote_ident
from lib.table_writer import TableWriter
from lib.tiering import TierIndex, cut_cents, normalize_cuts, tier_name, tier_of

# What Who moves compares with: a saved scenario's criteria and cut-offs, or a tier of record
# (an adoption: each account's tier as recorded, matched by customer id).
Baseline = tuple[Criteria, Sequence[float]] | AccountBaseline

# DuckDB's working-memory cap per dataset while loading; beyond it, work spills to the dataset's
# folder. Measured on 1M customers (139 MB CSV): 150MB spills enough to take 5.1 s, 256MB 4.6 s
# at the same peak RSS (~430 MiB), 400MB 3.4 s but 546 MiB. Once loaded, QUERY_MEMORY_LIMIT.
MEMORY_LIMIT = os.environ.get("TIERBOARD_DUCKDB_MEMORY", "256MB")
QUERY_MEMORY_LIMIT = "64MB"  # once loaded: lists, exports and searches spill beyond it
PREVIEW_ROWS = 20
# Columns kept as arrays for per-move figures, scores and slices (the rest stays in DuckDB).
ARRAY_COLUMNS = ("cost_to_serve", "expansion_potential", "nps", "health_score", *DIMENSIONS)
# The caches every session of a shared dataset reads (lib.cache: thread-safe, least recently
# used first out). At a million customers an index is ~30 MB, a weighted score 48 MB (the score
# and its four components' points), a movers index ~40 MB: together at most ~0.7 GB.
MAX_CACHED_INDEXES = 12  # slices x criteria a session flips between; each is one sort
MAX_CACHED_SCORES = 4  # weight combinations: a person trying weights needs the last few only
MAX_CACHED_MOVERS = 4  # slice x criteria x baseline of the Who-moves page, Compare and packs
MAX_CACHED_ALIGNMENTS = 2  # tiers of record matched with this data (~3 MB at 1M customers)


PROCESS_FOLDER_PREFIX = "tierboard-pid-"  # <temp>/tierboard-pid-<pid>: one server's databases


def process_folder(base: Path | None = None) -> Path:
    """The temporary folder holding this process's databases (made on first use, private).

    Named after the process, so that a server starting after a crash can tell its
    predecessor's leftovers from the folders of servers still running (sweep_stale_folders).
    """
    base = Path(tempfile.gettempdir()) if base is None else base
    folder = base / f"{PROCESS_FOLDER_PREFIX}{os.getpid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True


def sweep_stale_folders(base: Path | None = None) -> list[Path]:
    """Delete the database folders of tierboard processes that are no longer running (a killed
    or crashed server leaves its customers' databases behind); returns what was deleted."""
    base = Path(tempfile.gettempdir()) if base is None else base
    swept = []
    for folder in base.glob(f"{PROCESS_FOLDER_PREFIX}*"):
        pid = folder.name.removeprefix(PROCESS_FOLDER_PREFIX)
        if not pid.isdigit() or int(pid) == os.getpid() or _is_running(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        swept.append(folder)
    return swept


def open_database(prefix: str = "tierboard-") -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A new DuckDB database in a private temporary folder, memory capped, spilling beyond it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=process_folder()))
    # Typed as duckdb.connect's `config` is (a dict is invariant in its value type).
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": MEMORY_LIMIT,
        "temp_directory": str(folder / "spill"),
    }
    try:
        return duckdb.connect(str(folder / "customers.duckdb"), config=config), folder
    except duckdb.Error:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _discard(
    con: duckdb.DuckDBPyConnection, folder: Path, writer: TableWriter | None = None
) -> None:
    if writer is not None:
        writer.stop()  # a table still being written: interrupted before its database closes
    con.close()
    shutil.rmtree(folder, ignore_errors=True)


def _lower_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Loading needed working memory; reading a loaded dataset needs little. Lowering the cap
    makes DuckDB hand its buffers back (a server with 1M customers: ~510 -> ~340 MiB)."""
    con.execute(f"SET memory_limit = '{QUERY_MEMORY_LIMIT}'")


def _finish_load(con: duckdb.DuckDBPyConnection, pending: ingest.Pending) -> None:
    """A deferred load's last steps (lib/table_writer.py's thread): the working memory lowered,
    the customers table written, the file's text dropped."""
    # The lower cap first: the write runs beside the first page's own memory, and a server's
    # peak is their sum (1M customers, bench.roundtrip: 682 MiB with the loading cap, 566 with
    # this one; the table is then written ~2 s later, spilling, behind the page).
    _lower_memory(con)
    pending.write(con)
    con.execute(f"DROP TABLE IF EXISTS {reading.RAW}")


class Upload:
    """A file read into its own database and waiting for its column mapping."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, info: reading.SourceInfo):
        self._con = con
        self._folder = folder
        self.info = info
        # Deletes the database if the upload is abandoned (never loaded).
        self._discard = weakref.finalize(self, _discard, con, folder)

    @classmethod
    def open(
        cls, source: Path | str | bytes, name: str | None = None, sheet: str | None = None
    ) -> Upload:
        """Read a file (a path, or the bytes of an upload named `name`).

        Raises InputError, with a sentence for the person, when the file cannot be used.
        """
        con, folder = open_database()
        try:
            if isinstance(source, bytes):
                name = name or "upload.csv"
                path = folder / ("upload" + (Path(name).suffix.lower() or ".csv"))
                path.write_bytes(source)
            else:
                path = Path(source)
                name = name or path.name
            info = reading.read(con, path, name, sheet, workdir=folder)
            if isinstance(source, bytes):
                path.unlink(missing_ok=True)
            return cls(con, folder, info)
        except BaseException:
            _discard(con, folder)
            raise

    def preview(self, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
        """The first rows of the file as read: every value as text."""
        # The connection itself, not a cursor: RAW is a temporary table, which only the
        # connection that made it can see (an upload belongs to one session, one thread).
        # The file's own columns only (RAW also holds the line each record starts on).
        columns = ", ".join(quote_ident(header) for header in self.info.headers) or "*"
        return self._con.execute(f"SELECT {columns} FROM {reading.RAW} LIMIT ?", [rows]).df()

    def suggestion(self) -> Suggestion:
        return suggest(self.info.headers)

    def repeat_share(self, header: str) -> float:
        """Share of rows whose value in `header` repeats an earlier row's (0 for unique ids).

        Invoice lines repeat their customer id on most rows; a customer list barely ever does.
        """
        row = self._con.execute(
            f"SELECT count({quote_ident(header)}), count(DISTINCT {quote_ident(header)}) "
            f"FROM {reading.RAW}"
        ).fetchone()
        rows, distinct = one_row(row)
        return 1 - distinct / rows if rows else 0.0

    def latest_date(self, header: str) -> date | None:
        """The latest date in `header`, read the way the loader will read it."""
        return ingest.latest_date(self._con, self.info, header)

    def date_range(self, header: str) -> tuple[date | None, date | None]:
        """The earliest and the latest date in `header`, read the way the loader will."""
        return ingest.date_range(self._con, self.info, header)

    def load(
        self, mapping: Mapping[str, str] | None = None, basis: RevenueBasis = ANNUAL
    ) -> Dataset:
        """Apply the mapping and basis: the customers, ready for tiering.

        On InputError the upload stays usable, so a different mapping can be tried.
        """
        loaded = ingest.load(self._con, self.info, mapping, basis, defer=True)
        if loaded.pending is None:
            # Kept until now so that a failed attempt can be retried with another mapping (a
            # deferred customers table is written from it: its writer drops it then).
            self._con.execute(f"DROP TABLE IF EXISTS {reading.RAW}")
        self._discard.detach()  # the dataset owns the database now
        columns = ingest.present_columns(loaded.mapping, loaded.report.basis)
        return Dataset(
            self._con, loaded.report, columns, self._folder, loaded.mapping, pending=loaded.pending
        )

    def close(self) -> None:
        self._discard()


class Dataset:
    """A loaded customer base: canonical rows in DuckDB plus the sorted index the sliders use."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        report: ingest.LoadReport,
        columns: tuple[str, ...],
        folder: Path,
        mapping: Mapping[str, str] | None = None,
        *,
        pending: ingest.Pending | None = None,
    ) -> None:
        self._con = con
        self.report = report
        self.columns = columns  # canonical columns present, in canonical order
        self.mapping = dict(mapping or {})  # canonical name -> the file's header it came from
        # What this data is a version of ("source:<name>" for a reloadable source); None: it
        # stands alone (an upload, a file). Sessions keep their view across the same lineage.
        self.lineage: str | None = None
        # A clean file's customers table is written behind the first page (lib/table_writer.py);
        # every query of the database waits for it (`_cursor`).
        self._writer = (
            TableWriter(con, lambda loader: _finish_load(loader, pending))
            if pending is not None
            else None
        )
        # Closes the database and deletes its folder when the dataset is garbage-collected (a
        # browser session ends) or the process exits, whichever comes first.
        self._discard = weakref.finalize(self, _discard, con, folder, self._writer)
        self._arrays, self.dimensions = self._read_arrays(pending)
        if self._writer is None:
            _lower_memory(con)
        else:
            self._writer.start()
        # Today's tiers (the data's current_tier), kept apart from the slicing dimensions.
        self.current_tiers = self.dimensions.pop("current_tier", None)
        # Filled on first use, by whichever session's thread asks first (lib.cache).
        self._indexes: BoundedCache[tuple[Slice, Criteria], TierIndex] = BoundedCache(
            MAX_CACHED_INDEXES
        )
        self._scores: BoundedCache[Criteria, Score] = BoundedCache(MAX_CACHED_SCORES)
        self._movers: BoundedCache[tuple[object, ...], MoversIndex] = BoundedCache(
            MAX_CACHED_MOVERS
        )
        self._aligned: BoundedCache[tuple[object, ...], AlignedBaseline] = BoundedCache(
            MAX_CACHED_ALIGNMENTS
        )
        self._ids_lock = threading.Lock()
        self._ids: pa.Table | None = None
        self.index = self.index_for(EVERYTHING, REVENUE_ONLY)

    def _read_arrays(
        self, pending: ingest.Pending | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, Dimension]]:
        """The columns figures are computed from, read once (in table order) as numbers and codes.

        One column at a time, through Arrow: text dimensions arrive dictionary-encoded (integer
        codes and a few labels) and never as a million Python strings, and only one column's
        text is in memory at once. With `pending` (the table not written yet) they are read from
        the rows the table will hold, in its order, on the loader's connection (the only one
        that sees them).
        """
        if pending is None:
            table, query = ingest.CUSTOMERS, self._cursor
        else:
            table, query = f"({pending.select})", lambda: self._con
        numbers: dict[str, np.ndarray] = {}
        dimensions: dict[str, Dimension] = {}
        # Revenue arrives as exact integer cents; as a double it is the nearest one to each
        # customer's figure (exact to the cent: every figure is below 2**53 cents, see
        # ingest.MAX_REVENUE), so sums in cents and comparisons with cut-offs stay exact.
        cents = (
            query().sql(f"SELECT CAST(annual_revenue * 100 AS BIGINT) FROM {table}").fetchnumpy()
        )
        numbers["annual_revenue"] = np.asarray(next(iter(cents.values())), np.int64) / 100
        wanted = [*ARRAY_COLUMNS, "current_tier"]
        for name in [c for c in wanted if self.has(c)]:
            column = (
                query().sql(f"SELECT {quote_ident(name)} FROM {table}").to_arrow_table().column(0)
            )
            if name in DIMENSIONS or name == "current_tier":
                dimensions[name] = Dimension.from_arrow(column)
            else:
                numbers[name] = column.cast(pa.float64()).to_numpy()
        return numbers, dimensions

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the database, once its customers table is written (InputError if that
        failed)."""
        self.wait_until_written()
        return self._con.cursor()

    def wait_until_written(self) -> None:
        """Block until the customers table is in the database (at once unless just loaded)."""
        if self._writer is not None:
            self._writer.wait()

    def keys(self, criteria: Criteria) -> np.ndarray:
        """What cut-offs apply to for every customer, in table order: revenue or score."""
        return self.score(criteria).values if criteria.is_score else self._arrays["annual_revenue"]

    def tiers(self, criteria: Criteria, cuts: Sequence[float]) -> np.ndarray:
        """Every customer's 1-based tier under `cuts`, in table order (revenue to the cent)."""
        return tier_of(self.keys(criteria), cuts, in_cents=not criteria.is_score)

    def unprofitable(
        self, part: Slice, criteria: Criteria, cuts: Sequence[float], plan: Plan
    ) -> pd.DataFrame:
        """The accounts of a slice whose margin does not cover their CSM time, worst first."""
        keep = part.mask(self.dimensions, len(self._arrays["annual_revenue"]))
        tiers = self.tiers(criteria, cuts)
        revenue = self._arrays["annual_revenue"]
        cost = np.nan_to_num(self._arrays.get("cost_to_serve", np.zeros(len(revenue))))
        csm = np.array([unprofitable_threshold(plan, t) for t in range(1, plan.tier_count + 1)])
        csm_cost = csm[tiers - 1]
        margin = revenue - cost - csm_cost  # which accounts: as lib/books counts them
        rows = np.flatnonzero(keep & (margin < 0))
        named = ", customer_name" if self.has("customer_name") else ""
        ids: pd.DataFrame = (
            self._cursor().sql(f"SELECT customer_id{named} FROM {ingest.CUSTOMERS}").df()
        )
        frame = ids.iloc[rows].reset_index(drop=True)
        frame["tier"] = [tier_name(t) for t in tiers[rows]]
        frame["annual_revenue"] = revenue[rows]
        frame["cost_to_serve"] = cost[rows]
        frame["csm_cost"] = np.round(csm_cost[rows], 2)
        # To the cent, as every money figure: a float difference would show 1234.5600000000002.
        frame["margin"] = np.round(margin[rows], 2)
        return frame.sort_values("margin", kind="stable").reset_index(drop=True)

    def migration(
        self,
        part: Slice,
        criteria: Criteria,
        cuts: Sequence[float],
        baseline: Baseline | None = None,
    ) -> tuple[Migration, pd.DataFrame]:
        """Who moves: from the data's current_tier (or a baseline's tiers) to `cuts`.

        Returns the flows and every mover (one row per customer who changes tier, biggest
        revenue first): seconds at a million customers, for a download or the CLI. A page
        shows `flows` and `movers(..., limit=)`. Raises InputError when there is nothing to
        compare with.
        """
        return self.flows(part, criteria, cuts, baseline), self.movers(
            part, criteria, cuts, baseline
        )

    def flows(
        self,
        part: Slice,
        criteria: Criteria,
        cuts: Sequence[float],
        baseline: Baseline | None = None,
    ) -> Migration:
        """The flows of `migration` alone: a binary search per tier of origin, no customer list."""
        return self.movers_index(part, criteria, baseline).flows(cuts)

    def movers(
        self,
        part: Slice,
        criteria: Criteria,
        cuts: Sequence[float],
        baseline: Baseline | None = None,
        *,
        shown: Sequence[str] = DIRECTIONS,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """The movers in the directions `shown` (biggest revenue first; the first `limit`):
        customer_id (and name), from, to, annual_revenue, direction. Under a tier of record,
        the accounts gone from the data come last (to "none", their revenue of record)."""
        movers_index = self.movers_index(part, criteria, baseline)
        found: Movers = movers_index.movers(cuts, shown, limit)
        added = {
            "from": found.before,
            "to": found.after,
            "annual_revenue": self._arrays["annual_revenue"][found.rows],
            "direction": found.direction,
        }
        frame = self.rows(found.rows, added)
        room = len(self._arrays["annual_revenue"]) if limit is None else limit - len(frame)
        if (
            isinstance(baseline, AccountBaseline)
            and movers_index.gone
            and "changed" in shown
            and room > 0
        ):
            aligned = self.aligned(baseline)
            taken = slice(None) if limit is None else slice(0, room)
            gone = pd.DataFrame({"customer_id": aligned.gone_ids[taken]})
            if "customer_name" in frame.columns:
                gone["customer_name"] = None
            gone["from"] = [tier_name(int(t)) for t in aligned.gone_tiers[taken]]
            gone["to"] = NONE
            gone["annual_revenue"] = aligned.gone_cents[taken] / 100
            gone["direction"] = "changed"
            frame = pd.concat([frame, gone], ignore_index=True)
        return frame

    def movers_index(
        self, part: Slice, criteria: Criteria, baseline: Baseline | None = None
    ) -> MoversIndex:
        """The customers of a slice by their tier of origin, sorted once (cached, bounded)."""
        if isinstance(baseline, AccountBaseline):
            recorded = baseline
            return self._movers.get(
                (part, criteria, recorded.key),
                lambda: self._build_movers(part, criteria, recorded),
            )
        fixed = None if baseline is None else (baseline[0], tuple(baseline[1]))
        return self._movers.get(
            (part, criteria, fixed), lambda: self._build_movers(part, criteria, fixed)
        )

    def aligned(self, baseline: AccountBaseline) -> AlignedBaseline:
        """A tier of record matched with this data by customer id (cached: built once)."""
        return self._aligned.get(
            baseline.key,
            lambda: align(baseline, self._identities().column("customer_id")),
        )

    def _build_movers(
        self, part: Slice, criteria: Criteria, baseline: Baseline | None
    ) -> MoversIndex:
        revenue = self._arrays["annual_revenue"]
        keep = part.mask(self.dimensions, len(revenue))
        keys = self.keys(criteria)
        in_cents = not criteria.is_score
        if isinstance(baseline, AccountBaseline):
            aligned = self.aligned(baseline)
            # Gone accounts have no slice values left: counted where the view is the whole base
            # or the slice the tier of record was made for, never guessed into another slice.
            counts_gone = part in (EVERYTHING, baseline.made_for)
            return MoversIndex.build(
                keys, revenue, keep, aligned.labels, aligned.codes, in_cents=in_cents,
                gone=aligned.gone if counts_gone else (), of_record=True,
            )  # fmt: skip
        if baseline is not None:
            before = self.tiers(*baseline)
            labels = [tier_name(t) for t in range(1, int(before.max(initial=1)) + 1)]
            codes = before - 1
        elif self.current_tiers is not None:
            labels, codes = list(self.current_tiers.labels), self.current_tiers.codes
        else:
            raise InputError(
                "There is nothing to compare with: the data has no current_tier column. Save a "
                "scenario and compare against it instead."
            )
        return MoversIndex.build(keys, revenue, keep, labels, codes, in_cents=in_cents)

    def _identities(self) -> pa.Table:
        """customer_id (and customer_name) of every customer, in table order (as the arrays):
        read once (Arrow text, ~30 MB at a million customers), then taken from by row."""
        with self._ids_lock:
            if self._ids is None:
                named = ", customer_name" if self.has("customer_name") else ""
                self._ids = (
                    self._cursor()
                    .sql(f"SELECT customer_id{named} FROM {ingest.CUSTOMERS}")
                    .to_arrow_table()
                    .combine_chunks()
                )
            return self._ids

    def identities(self) -> pa.Table:
        """customer_id (and customer_name) of every customer, in table order (Arrow, read once)."""
        return self._identities()

    def day_numbers(self, column: str) -> np.ndarray | None:
        """A date column as int32 days since 1970-01-01 in table order (missing: the int32
        minimum); None when the data has no such column."""
        if not self.has(column):
            return None
        found = (
            self._cursor()
            .sql(
                f"SELECT coalesce(datediff('day', DATE '1970-01-01', {quote_ident(column)}), "
                f"{np.iinfo(np.int32).min})::INTEGER FROM {ingest.CUSTOMERS}"
            )
            .fetchnumpy()
        )
        return np.asarray(next(iter(found.values())), dtype=np.int32)

    def tier_table(self, part: Slice, criteria: Criteria, cuts: Sequence[float]) -> pd.DataFrame:
        """The tier list of a slice for CRM re-import: id, name, tier, revenue (and score),
        and the previous tier (the data's current_tier, normalised) when known; top tier first."""
        revenue = self._arrays["annual_revenue"]
        rows = np.flatnonzero(part.mask(self.dimensions, len(revenue)))
        keys = self.keys(criteria)
        tiers = self.tiers(criteria, cuts)[rows]
        frame = self.rows(rows)
        frame["tier"] = [tier_name(t) for t in tiers]
        frame["annual_revenue"] = revenue[rows]
        if criteria.is_score:
            frame["score"] = np.round(keys[rows], 2)
        if self.current_tiers is not None:
            labels = np.array(
                [normalize_tier(label) for label in self.current_tiers.labels], dtype=object
            )
            frame["previous_tier"] = labels[self.current_tiers.codes[rows]]
        frame["_order"] = tiers * 1.0 - keys[rows] / (np.abs(keys).max() + 1)
        return (
            frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
        )

    def dates(self, column: str) -> np.ndarray | None:
        """A date column (renewal_date, customer_since) as datetime64[D] in table order, NaT
        where empty; None when the data has no such column. A query per call: callers keep it
        (lib/monthly_load.py does, per dataset)."""
        if not self.has(column) or BY_NAME[column].kind != "date":
            return None
        found = self._cursor().sql(f"SELECT {quote_ident(column)} FROM {ingest.CUSTOMERS}")
        values = next(iter(found.fetchnumpy().values()))  # masked where empty
        filled = np.ma.filled(values.astype("datetime64[D]"), np.datetime64("NaT"))
        return np.asarray(filled, dtype="datetime64[D]")

    def rows(self, rows: np.ndarray, added: Mapping[str, np.ndarray] | None = None) -> pd.DataFrame:
        """customer_id and customer_name of the customers at these rows (in that order), then
        the columns `added` (one value per row).

        The columns are added in Arrow and the table converted to pandas once: a page's
        preview (500 rows) paid more for pandas inserting columns one by one than for finding
        its rows. With no rows, they are inserted as before (empty label columns: object).
        """
        taken = self._identities().take(pa.array(np.asarray(rows, dtype=np.int64)))
        if len(rows):
            for name, values in (added or {}).items():
                taken = taken.append_column(name, pa.array(values))
            return cast(pd.DataFrame, taken.to_pandas())
        frame: pd.DataFrame = taken.to_pandas()
        for name, values in (added or {}).items():
            frame[name] = values
        return frame

    def find(self, text: str, limit: int = 20) -> pd.DataFrame:
        """Customers whose id or name contains `text` (any case): row, id, name."""
        named = "customer_name" if self.has("customer_name") else "NULL AS customer_name"
        condition = "customer_id ILIKE ?" + (
            " OR customer_name ILIKE ?" if self.has("customer_name") else ""
        )
        pattern = f"%{text.strip()}%"
        params = [pattern] * condition.count("?")
        return (
            self._cursor()
            .execute(
                f"SELECT rowid AS row, customer_id, {named} FROM {ingest.CUSTOMERS} "
                f"WHERE {condition} ORDER BY customer_id LIMIT ?",
                [*params, limit],
            )
            .df()
        )

    def customer(self, row: int) -> dict[str, object]:
        """Every canonical column of one customer (by its row, as `find` returns it)."""
        frame: pd.DataFrame = (
            self._cursor().execute(f"SELECT * FROM {ingest.CUSTOMERS} WHERE rowid = ?", [row]).df()
        )
        if frame.empty:
            raise InputError("That customer is not in the data in use.")
        return {str(column): value for column, value in frame.iloc[0].to_dict().items()}

    def score(self, criteria: Criteria) -> Score:
        """Every customer's weighted score (cached: the last MAX_CACHED_SCORES criteria)."""
        return self._scores.get(criteria, lambda: score(self._arrays, self.columns, criteria))

    def index_for(self, part: Slice, criteria: Criteria) -> TierIndex:
        """The tier index of a slice of customers, keyed by revenue or by score (cached)."""
        return self._indexes.get((part, criteria), lambda: self._build_index(part, criteria))

    def _build_index(self, part: Slice, criteria: Criteria) -> TierIndex:
        revenue = self._arrays["annual_revenue"]
        keep = part.mask(self.dimensions, len(revenue))
        cost = self._arrays.get("cost_to_serve")
        measures: dict[str, np.ndarray] = {}
        columns: dict[str, np.ndarray] = {
            "revenue": revenue[keep],
            "profit": (revenue - np.nan_to_num(cost) if cost is not None else revenue)[keep],
            "row": np.flatnonzero(keep).astype(np.int32),  # each customer's row in the table
        }
        if cost is not None:
            measures["cost_to_serve"] = cost[keep]
        if "csm_owner" in self.dimensions:
            columns["owner"] = self.dimensions["csm_owner"].codes[keep]
        if not criteria.is_score:
            return TierIndex.from_values(
                revenue[keep], revenue[keep], measures=measures, columns=columns
            )
        scored = self.score(criteria)
        for component, points in scored.contributions.items():
            measures[f"score:{component}"] = points[keep]
        return TierIndex.from_values(
            scored.values[keep], revenue[keep], key="score", measures=measures, columns=columns
        )

    @classmethod
    def from_file(
        cls,
        source: Path | str | bytes,
        name: str | None = None,
        *,
        mapping: Mapping[str, str] | None = None,
        basis: RevenueBasis = ANNUAL,
        sheet: str | None = None,
    ) -> Dataset:
        """Read and load a file in one go (the automatic mapping unless `mapping` is given)."""
        upload = Upload.open(source, name, sheet)
        try:
            return upload.load(mapping, basis)
        finally:
            upload.close()

    @classmethod
    def from_csv(
        cls,
        path: Path | str,
        mapping: Mapping[str, str] | None = None,
        source: str | None = None,
    ) -> Dataset:
        """Load a customer file from a path (kept for callers of the first version)."""
        return cls.from_file(Path(path), source, mapping=mapping)

    @property
    def source(self) -> str:
        return self.report.source

    @property
    def currency(self) -> str:
        """The data's currency as shown on screen: "$", "€", "CHF "."""
        return self.report.currency

    def has(self, column: str) -> bool:
        return column in self.columns

    def tier_list(self, cuts: Sequence[float]) -> pd.DataFrame:
        """One row per customer: id, name (when present), annual revenue and tier, top first."""
        ordered = [cut_cents(cut) for cut in normalize_cuts(cuts)]
        # One bound parameter per cut-off: the tier number is 1 + the cut-offs a value falls below,
        # compared in exact cents (a customer exactly at a cut-off is in the higher tier).
        below = " + ".join("(annual_revenue * 100 < ?)::INTEGER" for _ in ordered)
        name = f", {quote_ident('customer_name')}" if self.has("customer_name") else ""
        frame = (
            self._cursor()
            .execute(
                f"SELECT customer_id{name}, annual_revenue, 1 + {below} AS tier "
                f"FROM {ingest.CUSTOMERS} ORDER BY tier, annual_revenue DESC, customer_id",
                list(ordered),
            )
            .df()
        )
        frame["tier"] = frame["tier"].map(tier_name)
        return frame

    def rejected_rows(self, limit: int | None = None) -> pd.DataFrame:
        """The rows that were not loaded, with their row number and reason first (the first
        `limit` of them, in file order, when given: a report need not fetch a million)."""
        if limit is None:
            frame = self._cursor().execute(f"SELECT * FROM {ingest.REJECTED}").df()
        else:
            frame = (
                self._cursor()
                .execute(
                    f"SELECT * FROM {ingest.REJECTED} ORDER BY {ingest.REJECTED_ROW} LIMIT ?",
                    [limit],
                )
                .df()
            )
        return frame.rename(columns={ingest.REJECTED_ROW: "row", ingest.REJECTED_REASON: "reason"})

    @property
    def is_closed(self) -> bool:
        return not self._discard.alive

    def close(self) -> None:
        """Close the database and delete its folder now rather than at garbage collection."""
        self._discard()
