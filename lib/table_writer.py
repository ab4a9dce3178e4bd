"""The customers table written behind the first page: a clean file's load without its slowest step.

Writing a million customers into the dataset's compressed table takes ~1 s of a ~2.7 s load, and
the first view of a dataset (the Tiers page) does not read the table at all: its figures come from
arrays (lib/dataset.py reads them straight from the staged rows). So for a file whose every row
loads as it is (lib/ingest.py's `Pending`), the load hands the write to one background thread and
returns; every later query of the dataset's database waits for it (`wait`), so nothing ever
sees a half-written table, and a write that fails says so in a sentence on that query.

The thread owns the loader's connection until it is done (RAW and the staged view are temporary,
seen only by the connection that made them): no other thread touches that connection meanwhile,
and cursors are only handed out once the write is over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb

from lib.errors import InputError

# Said on the first query after a background write failed (the disk full, memory exhausted).
WRITE_FAILED = (
    "The customer table of this data could not be finished (the server ran short of disk or "
    "memory). Load the file again; if it happens again, upload fewer rows or columns."
)


class TableWriter:
    """Runs `write(con)` once, in a thread of its own; `wait()` blocks until it is over."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, write: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        self._con = con
        self._write = write
        self._done = threading.Event()
        self._failed = True  # until the write has run to its end: any error leaves it so
        self._thread = threading.Thread(
            target=self._run, name="tierboard-table-writer", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self._write(self._con)
            self._failed = False
        except (duckdb.Error, OSError):
            # Expected failures, said by `wait` (also an interrupt by `stop`: the dataset closed
            # mid-write). Any other error still fails the write and is logged by its thread.
            pass
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        """Block until the write is over; InputError if it failed."""
        self._done.wait()
        if self._failed:
            raise InputError(WRITE_FAILED)

    def stop(self) -> None:
        """Interrupt a write still running and wait for its thread (before the database closes)."""
        # Again until the thread ends: an interrupt that comes between two of the write's
        # statements (or before the first) is lost, and the next statement would run on.
        while self._thread.is_alive():
            self._con.interrupt()
            self._thread.join(timeout=0.05)
