"""AppTest fixtures: the real app.py, driven headless, with the pages-directory workaround."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 60  # a cold import of duckdb + pandas + plotly takes longer than AppTest's 3 s


class _NavigationOnlyPagesManager(PagesManager):
    """A PagesManager that never falls back to the `pages/` directory mode (MPA v1).

    AppTest resets the class flag before every run, and because tierboard has a `pages/` folder
    the flag then says "pages directory": from the second run on AppTest executes the page file
    without app.py, and the sidebar (cut-offs) vanishes. The app itself uses st.navigation, which
    clears the flag in the real server. (streamlit issue 9446, PR 14217)
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture
def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test_module, "PagesManager", _NavigationOnlyPagesManager)


@pytest.fixture
def app(navigation_only: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on the bundled sample, after its first run."""
    monkeypatch.delenv("TIERBOARD_DATA", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    yield at


# --- helpers the page tests share -----------------------------------------------------------


def page(app: AppTest, name: str) -> AppTest:
    app.switch_page(f"pages/{name}.py").run()
    assert not app.exception, app.exception
    return app


def press(app: AppTest, label: str) -> AppTest:
    next(button for button in app.button if button.label == label).click().run()
    assert not app.exception, app.exception
    return app
