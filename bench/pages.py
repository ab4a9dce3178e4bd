"""Benchmark: server time per cut-off move on every page the app registers, under AppTest.

The pages are read from ui/entry.py's `pages()`, the list app.py's `st.navigation` shows,
so a page added later is measured without anyone adding it here. On each page the Tier-1
slider goes to the same distinct round figures as in bench/slider.py (no per-value cache can
hide a slow move);
a move is checked to change what the page shows, unless no figure on that page depends on the
cut-offs (the Upload page), which the result says (`changes_page: false`). Scenarios are kept in
a fresh folder, and one is saved before the Scenarios page is measured: a user with a saved plan
sees it compared with the one on screen on every move. Prints JSON:
{"pages": {title: {"path", "moves_ms", "summary", "changes_page"}}}.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.report import spread
from bench.slider import SLIDER, app_test, figures, tier_one_stops
from ui import keys

ROOT = Path(__file__).resolve().parent.parent


def registered_pages(entry: Path = ROOT / "ui" / "entry.py") -> list[tuple[str, str]]:
    """(title, path from the project root) of every `st.Page` in ui/entry.py's `pages()`, the
    list app.py's `st.navigation` shows.

    Read from the source, so the order and titles are the app's own. A page given any other
    way than `st.Page(PAGES / "name.py", title=...)` stops the benchmark with a sentence
    saying so, rather than being skipped silently.
    """
    tree = ast.parse(entry.read_text())
    pages = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.FunctionDef) and node.name == "pages"):
            continue
        for call in [n for n in ast.walk(node) if isinstance(n, ast.Call) and _called(n) == "Page"]:
            parts = _path_parts(call.args[0]) if call.args else []
            title = next(
                (k.value.value for k in call.keywords if k.arg == "title" and _text(k.value)), None
            )
            if not parts or not parts[-1].endswith(".py") or title is None:
                raise SystemExit(
                    f"bench.pages cannot read this page of ui/entry.py: {ast.unparse(call)}"
                )
            pages.append((str(title), f"pages/{parts[-1]}"))
    if not pages:
        raise SystemExit("bench.pages found no pages() with st.Page(...) in ui/entry.py")
    return pages


def _path_parts(node: ast.expr) -> list[str]:
    """The text parts of `HERE / "pages" / "name.py"` (or of a plain "pages/name.py"), in order."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _path_parts(node.left) + _path_parts(node.right)
    return [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else []


def _called(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else None


def _text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def measure_page(at: AppTest, path: str, positions: list[float]) -> dict:
    """Open the page, then time each move; whether every move changed what the page shows."""
    at.switch_page(path).run()
    assert not at.exception, at.exception
    if path == "pages/scenarios.py":
        _save_a_scenario(at)
    timings, changed = [], []
    previous = figures(at, page_only=True)
    for value in positions:
        started = time.perf_counter()
        at.select_slider(key=SLIDER).set_value(value).run()
        timings.append((time.perf_counter() - started) * 1000)
        assert not at.exception, f"{path} at {value}: {at.exception}"
        shown = figures(at, page_only=True)
        changed.append(shown != previous)
        previous = shown
    if any(changed) and not all(changed):
        raise AssertionError(f"{path}: some moves did not change the page: {changed}")
    return {
        "path": path,
        "moves_ms": [round(t, 2) for t in timings],
        "summary": spread(timings),
        "changes_page": all(changed),
    }


def _save_a_scenario(at: AppTest) -> None:
    at.text_input(key=keys.SAVE_NAME).input("Benchmark plan").run()
    next(button for button in at.button if button.label == "Save scenario").click().run()
    assert not at.exception, at.exception
    assert any("Benchmark plan" in box.value for box in at.success), "the scenario was not saved"


def measure_pages(moves: int, only: list[str] | None) -> dict:
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    positions = tier_one_stops(at, moves)
    return {
        title: measure_page(at, path, positions)
        for title, path in registered_pages()
        if not only or title in only
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--moves", type=int, default=12)
    parser.add_argument("--only", nargs="*", help="page titles to measure (default: every one)")
    args = parser.parse_args()
    os.environ["TIERBOARD_DATA"] = str(args.file)
    # A fresh scenario store: the figures do not depend on what this machine saved before.
    with tempfile.TemporaryDirectory(prefix="tierboard-bench-") as store:
        os.environ["TIERBOARD_DATA_DIR"] = store
        results = measure_pages(args.moves, args.only)
    print(json.dumps({"pages": results}))


if __name__ == "__main__":
    main()
