"""Which customer data this browser session works on.

Shared by every session: the configured source (a PostgreSQL table or Parquet files, reloadable),
else the configured file (`data`), else the bundled sample. A session's own upload replaces it for
that session only.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lib import config
from lib.config import Settings
from lib.errors import InputError
from lib.sample import SAMPLE_PATH
from lib.sources import LiveSource, Source
from lib.store import CustomerStore

UPLOADED = "tb_uploaded_store"  # a session's own upload (its own DuckDB database)
SETTINGS = "tb_settings"  # the configuration, as read at the session's start
RELOAD_NOTICE = "tb_reload_notice"  # (kind, message) after a reload, shown once


@st.cache_resource(show_spinner="Loading customer data…", max_entries=2)
def _shared_store(path: str, modified: float, size: int) -> CustomerStore:
    # Shared by every session: the bundled sample or the operator's data file, never an
    # upload. The store is read-only after loading. `modified` and `size` make an edited file
    # load afresh.
    del modified, size
    return CustomerStore.from_csv(path, source=Path(path).name)


@st.cache_resource(show_spinner=False)
def _live(source: Source) -> LiveSource:
    # One per configured source and server process: every session reads the same store, and a
    # reload swaps it for all of them.
    return LiveSource(source)


def _load_shared(path: Path) -> CustomerStore:
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
        st.error(f"{error} Running without the configuration.", icon=":material/warning:")
        return Settings()
    st.session_state[SETTINGS] = loaded
    return loaded


def live_source() -> LiveSource | None:
    """The configured source, shared by every session (None without one)."""
    source = Source.from_settings(settings())
    return None if source is None else _live(source)


def _from_source(live: LiveSource) -> CustomerStore | None:
    try:
        if live.is_loaded:
            return live.store()
        with st.spinner(f"Reading customers from {live.source.name}…"):
            return live.store()
    except InputError as error:
        st.error(
            f"The configured data source could not be read: {error} Showing the bundled "
            "sample; uploads work as usual.",
            icon=":material/warning:",
        )
        return None


def _from_file(path: Path) -> CustomerStore | None:
    try:
        if not path.is_file():
            raise InputError(f"The configured data file {path} is not a file.")
        return _load_shared(path)
    except InputError as error:
        st.error(f"{error} Showing the bundled sample instead.", icon=":material/warning:")
        return None


def dataset() -> CustomerStore:
    """This session's customers: its upload if any, else the configured source or file, else
    the bundled sample."""
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None:
        return uploaded
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
        store = live.reload()
    except InputError as error:
        st.session_state[RELOAD_NOTICE] = (
            "error",
            f"Reload failed: {error} The data in use stays.",
        )
        return
    st.session_state[RELOAD_NOTICE] = (
        "success",
        f"Reloaded: {store.index.customers:,} customers from {live.source.name}.",
    )


def use_upload(store: CustomerStore) -> None:
    """Make `store` this session's data (on every page), releasing the previous upload."""
    previous = st.session_state.get(UPLOADED)
    st.session_state[UPLOADED] = store
    if previous is not None and previous is not store:
        previous.close()


def use_default() -> None:
    """Back to the shared data (the configured source or file, or the bundled sample)."""
    previous = st.session_state.pop(UPLOADED, None)
    if previous is not None:
        previous.close()


def has_upload() -> bool:
    return st.session_state.get(UPLOADED) is not None
