"""AppTest fixtures: the real app.py, driven headless, every page run inside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import keys
from ui.internals import patch_apptest_navigation_only

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 60  # a cold import of duckdb + pandas + plotly takes longer than AppTest's 3 s


@pytest.fixture
def navigation_only() -> Iterator[None]:
    """Every AppTest run goes through app.py (ui/internals.py says why this is a patch)."""
    undo = patch_apptest_navigation_only()
    yield
    undo()


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


def movers_grid(app: AppTest) -> pd.DataFrame:
    """Who moves' movers as its grid lists them (the first 500; the toggle turned on)."""
    grid = app.toggle(key=keys.MOVERS_GRID)
    if not grid.value:
        grid.set_value(True).run()
    return app.dataframe[0].value
