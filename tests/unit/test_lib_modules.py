"""The shape of lib/, read from its source (ast): no import cycle, every module importable on its
own, each module one job of a size a newcomer can read (issue 14, item 2)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "lib"
MAX_LINES = 400  # past this, a module's docstring says why it is one ("Why one module: ...")
# Modules past MAX_LINES that other parts of the issue 14 renovation are reworking; each leaves
# this set when its split (or its docstring's reason) lands.
NOT_YET_SPLIT: frozenset[str] = frozenset()  # every module past 400 lines says why


def import_graph(folder: Path) -> dict[str, set[str]]:
    """Module -> the lib modules it imports, anywhere in it (a function's deferred import too:
    deferring an import hides a cycle at import time, it does not untangle it)."""
    modules = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name in sorted(modules):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                # `from lib import config` imports the module lib.config
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {
            target.removeprefix("lib.")
            for target in imported
            if target.startswith("lib.") and target.removeprefix("lib.") in modules
        } - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk, each as the path that closes it."""
    found: list[list[str]] = []
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                walk(target, [*path, target])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            walk(module, [module])
    return found


def test_lib_has_no_import_cycle() -> None:
    # config -> scenarios -> pgstore -> scenarios was one: a module that cannot be read without
    # the one that reads it.
    assert cycles(import_graph(LIB)) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from lib.b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from lib import a\n")
    (tmp_path / "c.py").write_text("import lib.a\n")
    assert cycles(import_graph(tmp_path)) == [["a", "b", "a"]]


def test_every_lib_module_imports_on_its_own_in_a_fresh_interpreter() -> None:
    # One interpreter per module would take a second each; one that imports each module from a
    # clean sys.modules does the same check.
    modules = sorted(path.stem for path in LIB.glob("*.py") if path.stem != "__init__")
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'lib' or m.startswith('lib.')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module('lib.' + name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def unexplained_long_modules(folder: Path) -> list[str]:
    """Modules past MAX_LINES whose docstring does not say why they are one module."""
    too_long = []
    for path in sorted(folder.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_LINES and "Why one module" not in (ast.get_docstring(ast.parse(text)) or ""):
            too_long.append(f"{path.stem}: {lines} lines")
    return too_long


def test_lib_modules_past_400_lines_say_why() -> None:
    unexplained = unexplained_long_modules(LIB)
    assert [entry for entry in unexplained if entry.split(":")[0] not in NOT_YET_SPLIT] == []


def readme_modules(readme: str) -> set[str]:
    """The lib modules the README's Development section lists, one line each under `lib/`."""
    block = readme.split("\nlib/ ", 1)[1].split("\ntests/ ", 1)[0]
    return {line.split()[0] for line in block.splitlines()[1:] if line.startswith("  ")}


def test_the_readme_names_every_lib_module_and_no_other() -> None:
    # A newcomer finds where a behaviour lives from the README's list (issue 14's "done when").
    modules = {path.stem for path in LIB.glob("*.py") if path.stem != "__init__"}
    assert readme_modules((ROOT / "README.md").read_text(encoding="utf-8")) == modules
