"""Streamlit-only helpers: session state, the shared controls, and rendering of lib results."""
