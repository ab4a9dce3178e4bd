"""tierboard's entry point: page setup, this session's data, the shared sidebar, navigation."""

from pathlib import Path

import streamlit as st

from ui import access, controls, presentation, scenarios, session, state, theme

HERE = Path(__file__).parent

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

navigation = st.navigation(
    [
        st.Page(
            HERE / "pages" / "tiers.py", title="Tiers", icon=":material/bar_chart:", default=True
        ),
        st.Page(HERE / "pages" / "plan.py", title="Plan", icon=":material/tune:"),
        st.Page(HERE / "pages" / "changes.py", title="Who moves", icon=":material/swap_vert:"),
        st.Page(HERE / "pages" / "scenarios.py", title="Scenarios", icon=":material/bookmarks:"),
        st.Page(HERE / "pages" / "upload.py", title="Upload", icon=":material/upload_file:"),
    ]
)
scenarios.notice()
try:
    navigation.run()
finally:  # also when a page stops early (an empty slice): the address bar holds the view
    scenarios.sync_link(store)
