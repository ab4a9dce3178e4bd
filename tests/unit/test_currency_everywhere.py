"""Every figure of money on screen carries the data's currency, never a silent "$" default.

Euro data showed "$14.6K of revenue" in the Who moves headline while the cells showed €: the
headline's caller left out the currency and the default said "$". This test reads the source:
each call to a function that takes a `currency` passes one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lib.formatting import money
from lib.migration import Flow, Migration

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted(path for folder in ("lib", "ui", "pages") for path in (ROOT / folder).rglob("*.py")),
    ROOT / "app.py",
]


def _currency_functions() -> dict[str, int]:
    """Every function or method in the code that takes `currency`: name -> its position."""
    found: dict[str, int] = {}
    without: set[str] = set()  # names also defined without a currency (Slice.describe)
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if names and names[0] == "self":
                    names = names[1:]
                if "currency" in names:
                    found[node.name] = names.index("currency")
                elif "currency" in [a.arg for a in node.args.kwonlyargs]:
                    found[node.name] = 10**6  # keyword only: must be named
                else:
                    without.add(node.name)
    return {name: at for name, at in found.items() if name not in without}


def _calls_without_currency() -> list[str]:
    takes = _currency_functions()
    missing = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in takes:
                continue
            if any(k.arg in ("currency", None) for k in node.keywords):
                continue
            if any(isinstance(a, ast.Starred) for a in node.args):
                continue
            if len(node.args) > takes[name]:
                continue
            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
    return missing


def test_every_call_that_can_take_a_currency_is_given_the_datas_currency() -> None:
    assert _calls_without_currency() == []


@pytest.mark.parametrize("currency", ["€", "CHF ", "£"])
def test_the_who_moves_headline_speaks_the_datas_currency(currency: str) -> None:
    flows = Migration((Flow("Tier 2", "Tier 1", 3, 14_600.0),))
    headline = flows.headline(currency)
    assert f"{money(14_600.0, currency)} of revenue" in headline
    assert "$" not in headline
