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


KEYS_MODULE = ROOT / "ui" / "keys.py"
PREFIX = "tb" + "_"  # spelled apart: this file is not the keys' home either


def python_files() -> list[Path]:
    folders = ("lib", "ui", "pages", "bench", "tests")
    return [
        ROOT / "app.py",
        *(path for folder in folders for path in (ROOT / folder).rglob("*.py")),
    ]


def test_session_state_keys_are_spelled_only_in_ui_keys() -> None:
    """One home for every session-state and widget key: a "tb_" literal anywhere else (an
    f-string's fixed part included) is a key named twice."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for path in python_files()
        if path != KEYS_MODULE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(PREFIX)
    ]
    assert not found


def test_every_key_says_what_it_holds_and_no_two_keys_are_the_same() -> None:
    source = KEYS_MODULE.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    values = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            values.append(node.value.value)
            assert "  # " in lines[node.lineno - 1], lines[node.lineno - 1]
        elif isinstance(node, ast.FunctionDef):
            assert ast.get_docstring(node), node.name
    assert len(values) == len(set(values))
    assert all(value.startswith(PREFIX) for value in values)
