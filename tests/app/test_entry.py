"""Every page runs inside app.py (sidebar, cut-offs), however it is reached.

A `pages/` folder switches Streamlit to its old pages-directory mode until `st.navigation` is
called: the app mends that publicly (ui/entry.require_app); AppTest goes back to it before every
run (streamlit issue 9446 / PR 14217), which only a patch mends
(ui/internals.patch_apptest_navigation_only).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from tests.app.conftest import APP, TIMEOUT
from tests.app.test_tiers_page import cut_sliders
from ui import keys

PAGES = ("tiers", "plan", "confidence", "books", "changes", "history", "scenarios", "upload")


@pytest.mark.parametrize("name", PAGES)
def test_a_page_opened_first_by_its_own_path_runs_inside_app_py_without_any_patch(
    name: str,
) -> None:
    assert app_test.PagesManager is PagesManager  # as a fresh server starts: no patch
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page(f"pages/{name}.py").run()  # a deep link, first thing in a fresh session
    assert not at.exception, at.exception
    assert len(cut_sliders(at)) == 2  # app.py drew the sidebar: 3 tiers, 2 cut-offs


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.usefixtures("navigation_only")
def test_a_page_switched_to_keeps_app_py_s_sidebar_and_its_clicks_on_every_run(name: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    for _ in range(2):  # AppTest falls back to the pages-directory mode before each run
        at.switch_page(f"pages/{name}.py").run()
        assert not at.exception, at.exception
        assert len(cut_sliders(at)) == 2
    at.sidebar.radio(key=keys.TIERS).set_value(4).run()  # a click on that page is kept
    assert len(cut_sliders(at)) == 3


def test_streamlit_still_runs_a_page_of_a_pages_folder_without_its_entry_point(
    tmp_path: Path,
) -> None:
    """When this fails, AppTest runs st.navigation apps through the entry point even with a
    `pages/` folder: drop ui/internals.patch_apptest_navigation_only (and this test)."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "other.py").write_text(
        'import streamlit as st\nst.write("OTHER")\n', encoding="utf-8"
    )
    (tmp_path / "app.py").write_text(
        "import streamlit as st\n"
        'st.sidebar.write("ENTRY")\n'
        'pages = [st.Page("pages/other.py", default=True), st.Page("pages/more.py")]\n'
        "st.navigation(pages).run()\n",
        encoding="utf-8",
    )
    (tmp_path / "pages" / "more.py").write_text(
        'import streamlit as st\nst.write("MORE")\n', encoding="utf-8"
    )
    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert [m.value for m in at.sidebar.markdown] == ["ENTRY"]
    at.switch_page("pages/more.py").run()
    assert [m.value for m in at.markdown] == ["MORE"]
    assert [m.value for m in at.sidebar.markdown] == []  # the entry point did not run


def test_only_ui_internals_reaches_into_streamlit_s_pages_manager() -> None:
    """The app, the fixtures and bench share one patch (ui/internals.py), named once."""
    root = APP.parent
    sources = [APP, *root.glob("pages/*.py"), *root.glob("ui/*.py"), *root.glob("bench/*.py")]
    sources += [path for path in root.glob("tests/**/*.py") if path != Path(__file__)]
    offenders = [
        str(path.relative_to(root))
        for path in sources
        if path.name != "internals.py"
        and (
            "uses_pages_directory" in (text := path.read_text(encoding="utf-8"))
            or "PagesManager" in text
        )
    ]
    assert not offenders
