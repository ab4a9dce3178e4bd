"""Scenarios: save what was decided, open, rename, delete, compare, share and export it."""

import streamlit as st

from lib import briefing, views
from lib.errors import InputError
from lib.formatting import markdown_text
from lib.scenario_store import ScenarioConflict
from ui import access, entry, keys, scenarios, session, state, widgets

entry.require_app()
dataset = session.dataset()
index = state.index(dataset)

st.title("Scenarios")
st.caption(
    "Save the cut-offs, criteria, slice and service model on screen under a name, come back to "
    "them, compare them side by side, and share or export what was agreed."
)
widgets.scope_notice(dataset, index)
on_screen = briefing.describe(scenarios.current(dataset), dataset.currency)
st.caption(f"On screen: {markdown_text(on_screen)}.")

st.subheader("Save")
name = st.text_input(
    "Name",
    key=keys.SAVE_NAME,
    placeholder="e.g. Q3 proposal — tighter Tier 1",
    help="What the team will look for later; names are unique in the scenario store.",
)
# Signed in, the author is the account; on a laptop, whoever types their name.
if not access.signed_in_as():
    # Kept in keys.TYPED: a trip to another page dropped the box's value, and the next
    # adoption was recorded "by anonymous" (ui/state.py says why widgets are drawn from it).
    state.show(keys.SAVE_AUTHOR, state.typed("save_author", ""))
author = access.signed_in_as() or st.text_input(
    "Your name (optional)",
    key=keys.SAVE_AUTHOR,
    on_change=lambda: state.set_typed("save_author", st.session_state[keys.SAVE_AUTHOR]),
    help="Shown next to the scenario (and an adoption), so others know whom to ask about it.",
)
overwrite = st.checkbox(
    "Replace the saved scenario with this name",
    key=keys.SAVE_OVERWRITE,
    help="Only if nobody saved it again since you opened it; otherwise you are told who did.",
)
if st.button(
    "Save scenario",
    type="primary",
    help="Keeps the cut-offs, criteria, slice and service model on screen under this name.",
):
    try:
        loaded = st.session_state.get(keys.LOADED_SCENARIO)
        expected = briefing.expected_version(scenarios.scenario_store(), name, loaded, overwrite)
        saved = scenarios.scenario_store().save(
            name, scenarios.current(dataset), author or None, expected_version=expected
        )
        st.session_state[keys.LOADED_SCENARIO] = (saved.name, saved.version)
        # The list below opens on what was just saved: left on the one picked before, its
        # Adopt button adopted that one instead.
        st.session_state[keys.SAVED_PICK] = saved.name
        st.success(
            f"Saved “{markdown_text(saved.name)}” (version {saved.version:d}).",
            icon=":material/save:",
        )
    except ScenarioConflict as error:
        st.error(f"{markdown_text(error)} Tick “Replace” to overwrite it, or pick another name.")
    except InputError as error:
        st.error(markdown_text(error), icon=":material/warning:")

st.subheader("Saved")
saved_list = scenarios.saved()
scenarios.notice()  # what the last open, rename or delete did (with Undo after a delete)
scenarios.undo_offer()
if not saved_list:
    st.caption("Nothing saved yet.")
else:
    by_name = {item.name: item for item in saved_list}
    chosen = st.selectbox(
        "Scenario",
        options=list(by_name),
        format_func=lambda n: briefing.saved_label(by_name[n], dataset),
        key=keys.SAVED_PICK,
        help="Saved scenarios, newest first; “other data” marks those made on another file.",
    )
    open_col, rename_col, delete_col, adopt_col = st.columns(4)

    def _open(item=by_name[chosen]) -> None:
        warnings = scenarios.apply(item.scenario, dataset)
        st.session_state[keys.LOADED_SCENARIO] = (item.name, item.version)
        message = " ".join([f"Opened “{item.name}”.", *warnings])
        st.session_state[keys.SCENARIO_NOTICE] = ("warning" if warnings else "success", message)

    open_col.button(
        "Open",
        on_click=_open,
        width="stretch",
        help="Puts this scenario on screen: cut-offs, criteria, slice and service model.",
    )
    scenarios.rename_popover(rename_col, chosen)
    scenarios.delete_popover(delete_col, chosen)
    scenarios.adopt_popover(adopt_col, by_name[chosen], dataset, author or None)

st.subheader("Tier of record")
scenarios.tier_of_record(dataset)

if saved_list:
    st.subheader("Compare")
    picked = st.multiselect(
        "Scenarios to compare (2 to 4)",
        options=["(on screen)", *by_name],
        default=["(on screen)", chosen],
        max_selections=4,
        key=keys.COMPARE,
        help="Side by side: each scenario's tiers, revenue share and load on this data. The "
        "first two also show who moves between them.",
    )
    if len(picked) >= 2:
        pairs = [
            (name, scenarios.current(dataset) if name == "(on screen)" else by_name[name].scenario)
            for name in picked
        ]
        st.html(briefing.comparison_html(dataset, pairs))
        (first, _), (second, _) = pairs[0], pairs[1]
        try:
            flows = briefing.moves_between(
                dataset, pairs[0], pairs[1], first_moves=first == "(on screen)"
            )
            st.markdown(
                f"**From {markdown_text(first)} to {markdown_text(second)}:** "
                f"{markdown_text(flows.headline(dataset.currency))}"
            )
            st.html(views.migration_html(flows, dataset.currency))
        except InputError as error:
            st.caption(markdown_text(error))

st.subheader("Share and export")
st.caption(
    "The address bar always holds this view: copy it to share exactly these cut-offs, criteria, "
    "slice and service model. Opening it restores them."
)
st.text_input(
    "Meeting pack title",
    key=keys.PACK_TITLE,
    placeholder="Customer tiers",
    live=True,  # in the pack as soon as typing pauses, not only once the box loses focus
    persist_state="session",  # kept while other pages run
    help="The heading of the meeting pack below, e.g. the meeting's name and date.",
)
scenarios.exports(dataset)
