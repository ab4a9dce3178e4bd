"""tierboard's entry point: page setup, this session's data, the shared sidebar, navigation."""

import streamlit as st

from ui import access, controls, entry, presentation, scenarios, session, state, theme

st.set_page_config(page_title="tierboard", page_icon="📊", layout="wide")

access.gate(session.settings())  # with sign-in configured, nothing below runs for a stranger
store = session.dataset()
state.ensure_for(store)
scenarios.restore_link_once(store)
# The cut-off controls live here, not on a page, so they (and the cut-offs) survive page changes.
theme.style()
presentation.toggle()
presentation.style()
controls.data_summary(store)
controls.criteria_controls(store)
controls.cut_controls(store)
controls.slice_controls(store)

navigation = entry.navigation()
scenarios.notice()
try:
    entry.run(navigation)
finally:  # also when a page stops early (an empty slice): the address bar holds the view
    scenarios.sync_link(store)
