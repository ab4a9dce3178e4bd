"""The Tiers over time page on the tier of record: the plans adopted on the Scenarios page, one
period per day with an adoption, read from the scenario store once (and again on request).

Both forms of the history are built at once (tiers as adopted, and revenue alone under the
cut-offs on screen), so neither a slider move nor a change of tier count reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.errors import InputError
from lib.formatting import markdown_text
from lib.history_adopted import AdoptedHistory, adopted_history, days_of_record, given_way
from lib.history_figures import LoadedHistory
from ui import keys, state
from ui.scenarios import scenario_store

SOURCE = "The tier of record"


@dataclass(frozen=True, eq=False)
class _Read:
    adopted: AdoptedHistory
    as_adopted: LoadedHistory
    recomputed: LoadedHistory


def _read() -> _Read | None:
    """Every day's last adoption from the store; None (said on screen) when there is none."""
    store = scenario_store()
    try:
        every = store.adoptions()
        infos = days_of_record(every)
        if not infos:
            st.session_state[keys.HISTORY_ADOPTED] = None
            return None
        adopted = adopted_history([store.adoption(info.id) for info in infos])
    except InputError as error:
        st.session_state[keys.HISTORY_ADOPTED_ERROR] = [str(error)]
        return None
    notes = (*adopted.notes, *given_way(every))
    read = _Read(
        adopted,
        LoadedHistory(adopted.as_adopted, None, notes, SOURCE),
        LoadedHistory(adopted.recomputed, None, notes, SOURCE),
    )
    st.session_state[keys.HISTORY_ADOPTED] = read
    return read


def _as_adopted() -> bool:
    return bool(state.typed("history_as_adopted", True))


def controls() -> None:
    """Tiers as adopted or recomputed; read the store again (a plan adopted since)."""
    state.show(keys.HISTORY_AS_ADOPTED, _as_adopted())
    st.toggle(
        "Tiers as adopted",
        key=keys.HISTORY_AS_ADOPTED,
        on_change=lambda: state.set_typed(
            "history_as_adopted", bool(st.session_state[keys.HISTORY_AS_ADOPTED])
        ),
        help="On: each period shows the tiers its plan recorded. Off: the revenue each account "
        "had when adopted, tiered under the cut-offs on screen.",
    )
    if st.button(
        "Read the adoptions again",
        key=keys.HISTORY_READ_ADOPTED,
        help="Plans adopted since this page read them (in another session) join the history.",
    ):
        st.session_state.pop(keys.HISTORY_ADOPTED_ERROR, None)
        with st.spinner("Reading the adopted tier lists…"):
            _read()
    for problem in st.session_state.get(keys.HISTORY_ADOPTED_ERROR, []):
        st.error(markdown_text(problem), icon=":material/warning:")


def _for_tiers() -> tuple[LoadedHistory | None, str]:
    """The adopted history for the tier count on screen (the store read on first use), and
    why it is the recomputed one when it is ("" otherwise); (None, "") with no adoption."""
    if keys.HISTORY_ADOPTED not in st.session_state:
        with st.spinner("Reading the adopted tier lists…"):
            _read()
    read: _Read | None = st.session_state.get(keys.HISTORY_ADOPTED)
    if read is None:
        return None, ""
    history, why = read.adopted.for_tiers(len(state.cuts()) + 1, _as_adopted())
    return (read.as_adopted if history is read.adopted.as_adopted else read.recomputed), why or ""


def for_screen() -> LoadedHistory | None:
    """The adopted history for the tier count on screen, or None (said on screen)."""
    loaded, why = _for_tiers()
    if loaded is None:
        if not st.session_state.get(keys.HISTORY_ADOPTED_ERROR):
            st.info(
                "No plan has been adopted yet: adopt one on the Scenarios page, and each day "
                "with an adoption becomes a period here.",
                icon=":material/info:",
            )
        return None
    if why:
        st.caption(f":material/info: {markdown_text(why)}")
    return loaded


def quietly() -> LoadedHistory | None:
    """The adopted history as `for_screen` gives it, drawing nothing: for another page's
    summary of it (ui/rules_compare.py)."""
    return _for_tiers()[0]
