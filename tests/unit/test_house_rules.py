"""House rules a newcomer relies on without reading every file."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
# Helpers more than one test module uses: each defined in one home, imported everywhere else.
SHARED_HELPERS = (
    TESTS / "fixtures" / "datasets.py",
    TESTS / "fixtures" / "scenario_stores.py",
    TESTS / "app" / "conftest.py",
)


def top_level_functions(path: Path) -> set[str]:
    """The module's plain functions (pytest fixtures aside: a fixture is looked up by name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_every_shared_test_helper_has_one_home() -> None:
    homes = {name: path for path in SHARED_HELPERS for name in top_level_functions(path)}
    copies = [
        f"{path.relative_to(ROOT)}: {name} (home: {homes[name].relative_to(ROOT)})"
        for path in sorted(TESTS.rglob("*.py"))
        if path not in SHARED_HELPERS
        for name in sorted(top_level_functions(path) & homes.keys())
    ]
    assert not copies
