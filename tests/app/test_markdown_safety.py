"""Data is text wherever it is shown: hostile values from a file, a link or a scenario name
render as their characters, never as a link, an image or a coloured directive (issue 13, #5)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.formatting import markdown_text
from tests.app.conftest import APP, TIMEOUT, page, press
from ui import keys

LINK = "[Your session expired - sign in again](http://evil.example/login)"
IMAGE = "![x](http://evil.example/pixel.png)"
DIRECTIVE = ":red[Overdue] $x$"
HOSTILE_CSV = (
    "customer_id,customer_name,annual_revenue,csm_owner,segment\n"
    f'C1,"{LINK}",90000,"{IMAGE}","{DIRECTIVE}"\n'
    "C2,Plain Co,30000,Ann,SMB\n"
    "C3,Small Co,5000,Ann,SMB\n"
).encode()
# What a live construct looks like in Markdown source: an unescaped "](", "![", ":red[", or two
# unescaped "$" on one line (maths; one "$" alone, as in "$81.9M", stays a dollar sign).
LIVE = re.compile(r"(?<!\\)\]\(|!\[|:[a-z]+\[|(?<!\\)\$[^\n]*(?<!\\)\$|(?<![\\\w])https?://")


def _shown(app: AppTest) -> list[str]:
    """The Markdown source of every text element on screen (main and sidebar)."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "subheader", "toast")
    return [element.value for kind in kinds for element in getattr(app, kind)]


def _assert_inert(app: AppTest, *values: str) -> None:
    assert not app.exception, app.exception
    shown = _shown(app)
    for text in shown:
        assert LIVE.search(text) is None, text
        for value in values:
            assert value not in text, text
    for value in values:
        assert any(markdown_text(value) in text for text in shown), value


@pytest.fixture
def hostile(app: AppTest) -> AppTest:
    page(app, "upload")
    app.file_uploader[0].upload("evil](http:x).csv", HOSTILE_CSV).run()
    press(app, "Load")
    return app


def test_a_hostile_customer_name_and_owner_are_text_in_the_placement(hostile: AppTest) -> None:
    page(hostile, "changes")
    hostile.text_input(key=keys.EXPLAIN_QUERY).input("C1").run()
    _assert_inert(hostile, LINK)
    owner = next(c.value for c in hostile.caption if "Owner" in c.value)
    assert markdown_text(IMAGE) in owner


def test_a_hostile_segment_is_text_in_the_slice_banner(hostile: AppTest) -> None:
    page(hostile, "tiers")
    hostile.multiselect(key=keys.slice_key("segment")).set_value([DIRECTIVE]).run()
    _assert_inert(hostile, DIRECTIVE)


def test_a_hostile_scenario_name_is_text_when_saved_compared_and_deleted(app: AppTest) -> None:
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input(LINK).run()
    press(app, "Save scenario")
    _assert_inert(app, LINK)
    app.multiselect(key=keys.COMPARE).set_value(["(on screen)", LINK]).run()
    compared = next(m.value for m in app.markdown if m.value.startswith("**From"))
    assert LIVE.search(compared) is None and markdown_text(LINK) in compared
    # The delete popover asks about it by name.
    assert any(markdown_text(LINK) in m.value for m in app.markdown)


def test_a_hostile_slice_in_a_link_is_text_in_the_opened_banner(navigation_only: None) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["cuts"] = "55000,20000"
    at.query_params["slice"] = f"segment:{LINK}"
    at.run()
    _assert_inert(at, LINK)
    banner = next(w.value for w in at.warning if "Opened the shared view" in w.value)
    assert markdown_text(LINK) in banner
