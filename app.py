"""tierboard's entry point: page setup, this session's data, the shared sidebar, navigation."""

import streamlit as st

from ui import access, controls, entry, internals, presentation, scenarios, session, state, theme

st.set_page_config(page_title="tierboard", page_icon="📊", layout="wide")
if internals.left_pages_directory_mode():  # a bare `streamlit run app.py`'s first run
    st.rerun()  # nothing drawn yet: the rerun draws the sidebar with the ids every run gives it

access.gate(session.settings())  # with sign-in configured, nothing below runs for a stranger
dataset = session.dataset()
state.ensure_for(dataset)
scenarios.restore_link_once(dataset)
# The cut-off controls live here, not on a page, so they (and the cut-offs) survive page changes.
theme.style()
presentation.toggle()
presentation.style()
controls.data_summary(dataset)
controls.criteria_controls(dataset)
controls.cut_controls(dataset)
controls.slice_controls(dataset)

navigation = entry.navigation()
scenarios.notice()
# Before the page too: a page that stops early (st.stop(), an empty slice) ends the run, and an
# update made after it, in the finally below, no longer reaches the browser.
scenarios.sync_link(dataset)
try:
    entry.run(navigation)
finally:  # what the page itself changed (a button's cut-offs) reaches the address bar
    scenarios.sync_link(dataset)
