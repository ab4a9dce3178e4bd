"""The per-page benchmark measures every page the app registers, read from ui/entry.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pages import registered_pages
from bench.report import TARGETS, Result, _browser_page_rows

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


def _browser_result(medians: dict[str, float]) -> Result:
    page = {"input": 10.0, "server": 40.0, "drawing": 90.0, "plotly": 80.0}
    pages = {
        title: {
            "summary": {"n": 6, "min": m, "median": m, "p90": m, "max": m},
            "parts_median_ms": page,
            "changes_page": title != "Upload",
        }
        for title, m in medians.items()
    }
    return Result(
        rows=1_000_000,
        load={},
        moves={},
        naive_moves=None,
        roundtrip={},
        browser={},
        naive_browser=None,
        browser_pages={"pages": pages},
    )


def test_the_slowest_page_in_chromium_is_what_the_every_page_target_reads() -> None:
    result = _browser_result({"Tiers": 140.0, "Who moves": 310.5, "Upload": 80.0})
    target = next(t for t in TARGETS if t.what.startswith("slowest page: key press"))
    assert (target.limit, target.value(result)) == (150, 310.5)
    tiers = next(t for t in TARGETS if t.what == "key press to page settled (Chromium), median")
    assert tiers.limit == 100  # issue 15: the Tiers page within 100 ms, every page within 150


def test_the_report_lists_every_page_in_chromium_with_the_parts_of_a_move() -> None:
    rows = _browser_page_rows(_browser_result({"Tiers": 140.0, "Upload": 80.0}))
    assert "| Tiers | 6 | 140.0 ms | 140.0 ms | 140.0 ms | 10.0 ms | 40.0 ms | 90.0 ms |" in (
        "\n".join(rows)
    )
    assert any(row.startswith("| Upload |") and "no figure depends" in row for row in rows)
