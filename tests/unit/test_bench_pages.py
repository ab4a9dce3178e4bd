"""The per-page benchmark measures every page the app registers, read from ui/entry.py."""

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
    entry = tmp_path / "entry.py"
    source = (ROOT / "ui" / "entry.py").read_text()
    last = 'title="Upload", icon=":material/upload_file:"),\n'
    assert last in source
    entry.write_text(
        source.replace(last, last + '        st.Page(PAGES / "books.py", title="Books"),\n')
    )
    assert registered_pages(entry)[-1] == ("Books", "pages/books.py")


def test_a_page_the_benchmark_cannot_read_stops_it_with_a_sentence(tmp_path: Path) -> None:
    entry = tmp_path / "entry.py"
    entry.write_text("import streamlit as st\ndef pages():\n    return [st.Page(some_function)]\n")
    with pytest.raises(SystemExit, match="cannot read this page"):
        registered_pages(entry)
