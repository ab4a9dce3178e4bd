"""tierboard logic: loading customers, tiering, capacity, charts, exports. No Streamlit here."""
