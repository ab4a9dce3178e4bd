"""Sign-in, when configured (`auth = "oidc"`): Streamlit's own OpenID Connect support.

Nothing of the app — data, figures, saved scenarios — is drawn for someone who is not signed in
with an allowed email: `gate()` stops the run before any of it.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAuthError

from lib.config import Settings


def _sign_in_page() -> None:
    st.title("tierboard")
    st.write(
        "Decide which customers get which level of service. Sign in with your work account to "
        "see the customer tiers and the team's saved scenarios."
    )
    if st.button(
        "Sign in",
        type="primary",
        icon=":material/login:",
        help="Opens your company's sign-in page, then brings you back here.",
    ):
        try:
            st.login()
        except StreamlitAuthError as error:
            # The provider's details are missing from .streamlit/secrets.toml (README, "Sign-in").
            st.error(
                "Sign-in is switched on but not set up on this server: ask whoever runs "
                f"tierboard to add the identity provider to .streamlit/secrets.toml. ({error})",
                icon=":material/warning:",
            )


def _refused_page(email: str | None) -> None:
    st.title("tierboard")
    who = email or "This account"
    st.error(
        f"{who} may not use this tierboard: sign in with an account of your company's domain, "
        "or ask whoever runs tierboard to add yours.",
        icon=":material/block:",
    )
    st.button("Sign out", on_click=st.logout, help="Then sign in with another account.")


def signed_in_as() -> str | None:
    """The signed-in user's name (else email), or None without sign-in."""
    if not st.user.get("is_logged_in", False):
        return None
    for claim in ("name", "email"):
        value = st.user.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def gate(settings: Settings) -> None:
    """Let the run go on only for a signed-in user with an allowed email (or without sign-in)."""
    if settings.auth == "off":
        return
    if not st.user.get("is_logged_in", False):
        _sign_in_page()
        st.stop()
    email = st.user.get("email")
    if not settings.allows(email if isinstance(email, str) else None):
        _refused_page(email if isinstance(email, str) else None)
        st.stop()
    st.sidebar.caption(f"Signed in as {email}")
    st.sidebar.button("Sign out", on_click=st.logout, help="Ends your session in tierboard.")
