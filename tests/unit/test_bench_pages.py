"""The per-page benchmark measures every page the app registers, read from app.py itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pages import registered_pages

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_benchmark_finds_every_page_file_the_app_registers() -> None:
    found = registered_pages()
    assert found[0][0] == "Tiers"  # the default page, in app.py's order
    assert sorted(path for _, path in found) == sorted(
        f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")
    )


def test_a_page_added_to_the_navigation_is_measured_without_editing_the_benchmark(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        (ROOT / "app.py")
        .read_text()
        .replace(
            "    ]\n)",
            '        st.Page(HERE / "pages" / "books.py", title="Books"),\n    ]\n)',
        )
    )
    assert registered_pages(app)[-1] == ("Books", "pages/books.py")


def test_a_page_the_benchmark_cannot_read_stops_it_with_a_sentence(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\nst.navigation([st.Page(some_function)])\n")
    with pytest.raises(SystemExit, match="cannot read this page"):
        registered_pages(app)
