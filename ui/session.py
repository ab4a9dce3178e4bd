"""Which customer data this browser session works on.

Shared by every session: the configured source (a PostgreSQL table or Parquet files, reloadable),
else the configured file (`data`), else the bundled sample. A session's own upload replaces it for
that session only.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import streamlit as st

from lib import config
from lib.config import Settings
from lib.dataset import Dataset
from lib.errors import InputError
from lib.file_defaults import load_as_suggested
from lib.formatting import markdown_text
from lib.sample import SAMPLE_PATH
from lib.sources import LiveSource, Source
from ui import internals
from ui.keys import (
    RELOAD_NOTICE,
    SETTINGS,
)
from ui.keys import UPLOADED_DATASET as UPLOADED

# A session that lost its browser keeps its data a quarter longer than Streamlit keeps the
# session for a reconnect (server.disconnectedSessionTTL, 120 s by default: 150 s), so a blip
# in the network never costs an upload and a session that is gone never keeps one.
GRACE_FACTOR = 1.25


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class Lease:
    """One connection of a browser session: made on its first run after (re)connecting."""

    session_id: str
    generation: int


def _later(delay: float, action: Callable[[], object]) -> None:
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()


class SessionData:
    """The databases each browser session owns (its upload, a file waiting for its mapping),
    closed — memory and folder — once the session is gone for good.

    Streamlit drops a session's state only when it is garbage-collected after its reconnect
    window, which can be many minutes later (or never, in a reference cycle): a closed tab
    kept a 100k-row upload's ~35 MiB and its database file. Here a session that disconnects
    (its session-scoped lease is released) gets `grace` seconds to come back; if it has not,
    what it owns is closed. Only weak references are held: a dataset the session let go of
    goes as before.
    """

    def __init__(
        self,
        schedule: Callable[[float, Callable[[], object]], None] = _later,
        gone: Callable[[str], None] = lambda session_id: None,
    ) -> None:
        self._schedule = schedule
        self._gone = gone  # called with the id of a session that did not come back
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._owned: dict[str, list[weakref.ref[Closable]]] = {}

    def arrived(self, session_id: str) -> Lease:
        """A session (re)connected: whatever expiry its last departure scheduled is void."""
        with self._lock:
            generation = self._generations.get(session_id, 0) + 1
            self._generations[session_id] = generation
        return Lease(session_id, generation)

    def own(self, session_id: str, resource: Closable) -> None:
        """`resource` belongs to the session: closed when the session is gone."""
        with self._lock:
            owned = [ref for ref in self._owned.get(session_id, []) if ref() is not None]
            owned.append(weakref.ref(resource))
            self._owned[session_id] = owned

    def left(self, lease: Lease, grace: float) -> None:
        """The session's connection ended: close what it owns unless it is back in `grace` s."""
        self._schedule(grace, lambda: self.expire(lease))

    def expire(self, lease: Lease) -> int:
        """Close what the session owns if it has not come back since `lease`; how many."""
        with self._lock:
            if self._generations.get(lease.session_id) != lease.generation:
                return 0  # it reconnected (a newer lease), or was expired already
            del self._generations[lease.session_id]
            owned = self._owned.pop(lease.session_id, [])
        resources = [resource for resource in (ref() for ref in owned) if resource is not None]
        for resource in resources:
            resource.close()
        self._gone(lease.session_id)
        return len(resources)

    def sessions(self) -> int:
        """How many sessions own something (for tests and diagnostics)."""
        with self._lock:
            return sum(1 for refs in self._owned.values() if any(ref() for ref in refs))


def _shut_down(session_id: str) -> None:
    # Streamlit shuts a session down (dropping its state and its uploaded files, held whole in
    # memory) when it is closed, but not one that expired while disconnected: ask for both.
    internals.forget_session(session_id)


SESSIONS = SessionData(gone=_shut_down)  # one per server process


def _grace() -> float:
    return max(0.0, float(st.get_option("server.disconnectedSessionTTL")) * GRACE_FACTOR)


def _release(lease: Lease) -> None:
    SESSIONS.left(lease, _grace())


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _lease(session_id: str) -> Lease:
    # Session-scoped: made on the session's first run after each (re)connection, released by
    # Streamlit when its browser disconnects (or the session closes).
    return SESSIONS.arrived(session_id)


def _session_id() -> str | None:
    return internals.current_session_id()


def keep_alive() -> None:
    """Mark this session as connected (call on every run): see SessionData."""
    session_id = _session_id()
    if session_id is not None:
        _lease(session_id)


def own(resource: Closable) -> None:
    """Close `resource` (a dataset, a pending upload) once this browser session is gone."""
    session_id = _session_id()
    if session_id is not None:
        _lease(session_id)
        SESSIONS.own(session_id, resource)


@st.cache_resource(show_spinner="Loading customer data…", max_entries=2)
def _shared_store(path: str, modified: float, size: int) -> Dataset:
    # Shared by every session: the bundled sample or the operator's data file, never an
    # upload. The dataset is read-only after loading. `modified` and `size` make an edited file
    # load afresh.
    del modified, size
    return load_as_suggested(Path(path), Path(path).name)  # as an upload's defaults load it


@st.cache_resource(show_spinner=False)
def _live(source: Source) -> LiveSource:
    # One per configured source and server process: every session reads the same dataset, and a
    # reload swaps it for all of them.
    return LiveSource(source)


def _load_shared(path: Path) -> Dataset:
    stat = path.stat()
    return _shared_store(str(path), stat.st_mtime, stat.st_size)


def settings() -> Settings:
    """The configuration in force; laptop defaults, with the reason on screen, if unusable.

    The launcher refuses to start on a bad configuration, so this only fails when the file was
    broken after the start.
    """
    cached = st.session_state.get(SETTINGS)
    if cached is not None:  # read once per session: a rerun (a slider move) needs no file read
        return cached
    try:
        loaded = config.load()
    except InputError as error:
        st.error(
            f"{markdown_text(error)} Running without the configuration.", icon=":material/warning:"
        )
        return Settings()
    st.session_state[SETTINGS] = loaded
    return loaded


def live_source() -> LiveSource | None:
    """The configured source, shared by every session (None without one)."""
    source = Source.from_settings(settings())
    return None if source is None else _live(source)


def _from_source(live: LiveSource) -> Dataset | None:
    try:
        if live.is_loaded:
            return live.dataset()
        with st.spinner(f"Reading customers from {markdown_text(live.source.name)}…"):
            return live.dataset()
    except InputError as error:
        st.error(
            f"The configured data source could not be read: {markdown_text(error)} Showing the "
            "bundled sample; uploads work as usual.",
            icon=":material/warning:",
        )
        return None


def _from_file(path: Path) -> Dataset | None:
    try:
        if not path.is_file():
            raise InputError(f"The configured data file {path} is not a file.")
        return _load_shared(path)
    except InputError as error:
        st.error(
            f"{markdown_text(error)} Showing the bundled sample instead.", icon=":material/warning:"
        )
        return None


def dataset() -> Dataset:
    """This session's customers: its upload if any, else the configured source or file, else
    the bundled sample."""
    keep_alive()
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None and not uploaded.is_closed:
        return uploaded
    if uploaded is not None:  # released after the browser stayed away past the reconnect window
        del st.session_state[UPLOADED]
        st.info("Your upload was released after the connection was lost; upload it again.")
    live = live_source()
    if live is not None:
        return _from_source(live) or _load_shared(SAMPLE_PATH)
    path = settings().data
    if path is not None:
        return _from_file(path) or _load_shared(SAMPLE_PATH)
    return _load_shared(SAMPLE_PATH)


def reload_source() -> None:
    """Read the configured source again now (a button's callback); keeps the data on failure."""
    live = live_source()
    if live is None:
        return
    try:
        loaded = live.reload()
    except InputError as error:
        st.session_state[RELOAD_NOTICE] = (
            "error",
            f"Reload failed: {error} The data in use stays.",
        )
        return
    st.session_state[RELOAD_NOTICE] = (
        "success",
        f"Reloaded: {loaded.index.customers:,} customers from {live.source.name}.",
    )


def use_upload(dataset: Dataset) -> None:
    """Make `dataset` this session's data (on every page), releasing the previous upload."""
    previous = st.session_state.get(UPLOADED)
    st.session_state[UPLOADED] = dataset
    own(dataset)
    if previous is not None and previous is not dataset:
        previous.close()


def use_default() -> None:
    """Back to the shared data (the configured source or file, or the bundled sample)."""
    previous = st.session_state.pop(UPLOADED, None)
    if previous is not None:
        previous.close()


def has_upload() -> bool:
    return st.session_state.get(UPLOADED) is not None
