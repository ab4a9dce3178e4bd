"""Every control a user can touch has a label and help text (a first-time user is never stuck)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")])
CONTROLS = {
    "button",
    "checkbox",
    "download_button",
    "file_uploader",
    "multiselect",
    "number_input",
    "pills",
    "radio",
    "segmented_control",
    "select_slider",
    "selectbox",
    "slider",
    "text_area",
    "text_input",
    "toggle",
}


OWN_MODULES = {path.stem for path in (ROOT / "ui").glob("*.py")}  # ui.presentation.toggle()...


def controls_in(source: Path) -> list[ast.Call]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CONTROLS
        and not (isinstance(node.func.value, ast.Name) and node.func.value.id in OWN_MODULES)
    ]


def test_the_scan_finds_the_controls() -> None:
    assert sum(len(controls_in(source)) for source in SOURCES) > 30


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_control_has_a_label_and_help(source: Path) -> None:
    missing = []
    for call in controls_in(source):
        keywords = {keyword.arg for keyword in call.keywords}
        label = call.args[0] if call.args else None
        has_label = label is not None or "label" in keywords
        if not has_label or "help" not in keywords:
            missing.append(f"line {call.lineno}: st.{call.func.attr}")  # type: ignore[attr-defined]
    assert not missing, f"controls without a label or help text in {source.name}: {missing}"
