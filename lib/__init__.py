"""tierboard's logic: loading customers, tiering, capacity, charts and exports — no Streamlit here."""
