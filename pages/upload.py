"""The Upload page: bring your own customer export, map its columns, load it, see every row."""

import streamlit as st

from lib.errors import InputError
from lib.formatting import markdown_text
from ui import entry, session, upload

entry.require_app()
st.title("Upload customers")
st.caption(
    "Drop an export from your CRM, billing or accounting system — CSV, Excel or Parquet, as it "
    "is. Check how it was read, say which column is which, then Load: every page switches to it."
)
upload.uploader()
try:
    pending = upload.pending_upload()
except InputError as error:
    st.error(f"{markdown_text(error)} The data in use has not changed.", icon=":material/warning:")
    pending = None
if pending is not None:
    upload.how_it_was_read(pending)
    upload.mapping_step(pending)
    upload.load_button(pending)

dataset = session.dataset()
upload.load_report(dataset)
st.page_link("pages/tiers.py", label="See the tiers", icon=":material/bar_chart:")
if session.has_upload():
    st.button(
        "Use the bundled sample again",
        on_click=session.use_default,
        help="Back to the data tierboard opened with; your upload is dropped from this session.",
    )
