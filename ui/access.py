"""Sign-in, when configured (`auth = "oidc"`): Streamlit's own OpenID Connect support.

Nothing of the app — data, figures, saved scenarios — is drawn for someone who is not signed in
with an allowed email: `gate()` stops the run before any of it.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitAuthError

from lib.config import Settings
from lib.formatting import markdown_text


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
                "tierboard to add the identity provider to .streamlit/secrets.toml. "
                f"({markdown_text(error)})",
                icon=":material/warning:",
            )


def _refused_page(email: str | None, verified: bool) -> None:
    st.title("tierboard")
    who = email or "This account"
    if verified:
        reason = (
            f"{who} may not use this tierboard: sign in with an account of your company's "
            "domain, or ask whoever runs tierboard to add yours."
        )
    else:
        reason = (
            f"{who} may not use this tierboard: your sign-in provider says this email address "
            "is not verified. Verify it with the provider, then sign in again."
        )
    st.error(markdown_text(reason), icon=":material/block:")
    st.button("Sign out", on_click=st.logout, help="Then sign in with another account.")


def _email(user: Mapping[str, object]) -> str | None:
    email = user.get("email")
    return email if isinstance(email, str) else None


def is_email_verified(user: Mapping[str, object]) -> bool:
    """Whether the provider vouches for the email: `email_verified` true, or not sent at all.

    Google, Okta and Auth0 send the claim (Cognito as the text "true"); an account whose
    address was never confirmed gets false and is refused, as anything but true is. Microsoft
    Entra ID does not send it: there the provider's own accounts are trusted, so register
    tierboard as a single-tenant application (README, "Sign-in").
    """
    if "email_verified" not in user:
        return True
    claim = user["email_verified"]
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def admits(user: Mapping[str, object], settings: Settings) -> bool:
    """Whether this user may use the app (its pages and its upload endpoint): always without
    sign-in; with it, signed in with a verified email of an allowed domain."""
    if settings.auth == "off":
        return True
    if user.get("is_logged_in") is not True:
        return False
    return is_email_verified(user) and settings.allows(_email(user))


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
    user = st.user.to_dict()
    email = _email(user)
    if not admits(user, settings):
        _refused_page(email, is_email_verified(user))
        st.stop()
    st.sidebar.caption(f"Signed in as {markdown_text(email)}")
    st.sidebar.button("Sign out", on_click=st.logout, help="Ends your session in tierboard.")
