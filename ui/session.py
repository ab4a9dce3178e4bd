"""Which customer data this browser session works on."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from lib.errors import InputError
from lib.sample import SAMPLE_PATH
from lib.store import CustomerStore

DATA_ENV = "TIERBOARD_DATA"
UPLOADED = "tb_uploaded_store"  # a session's own upload (its own DuckDB database)


@st.cache_resource(show_spinner="Loading customer data…", max_entries=2)
def _shared_store(path: str, modified: float, size: int) -> CustomerStore:
    # Shared by every session: the bundled sample or the operator's TIERBOARD_DATA file, never an
    # upload. The store is read-only after loading. `modified` and `size` make an edited file
    # load afresh.
    del modified, size
    return CustomerStore.from_csv(path, source=Path(path).name)


def _load_shared(path: Path) -> CustomerStore:
    stat = path.stat()
    return _shared_store(str(path), stat.st_mtime, stat.st_size)


def default_data_path() -> Path:
    configured = os.environ.get(DATA_ENV, "").strip()
    return Path(configured).expanduser() if configured else SAMPLE_PATH


def dataset() -> CustomerStore:
    """This session's customers: its upload if any, else the configured file or the sample."""
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None:
        return uploaded
    path = default_data_path()
    if path != SAMPLE_PATH:
        try:
            if not path.is_file():
                raise InputError(f"{DATA_ENV} points to {path}, which is not a file.")
            return _load_shared(path)
        except InputError as error:
            st.error(f"{error} Showing the bundled sample instead.", icon=":material/warning:")
    return _load_shared(SAMPLE_PATH)


def use_upload(store: CustomerStore) -> None:
    """Make `store` this session's data (on every page), releasing the previous upload."""
    previous = st.session_state.get(UPLOADED)
    st.session_state[UPLOADED] = store
    if previous is not None and previous is not store:
        previous.close()


def use_default() -> None:
    """Back to the bundled sample (or the operator's TIERBOARD_DATA file)."""
    previous = st.session_state.pop(UPLOADED, None)
    if previous is not None:
        previous.close()


def has_upload() -> bool:
    return st.session_state.get(UPLOADED) is not None
