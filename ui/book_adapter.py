"""The one place the Books page meets lib.assignment and lib.roster (the solver): the page's
roster and rules in, the proposal's books, sentences and movers out.

Kept apart so the page works, and says so, in a build without the solver, and so a change of the
solver's API is one file's change.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import pandas as pd

from lib.books import BookFigures, RosterLine
from lib.capacity import Plan
from lib.dataset import Dataset
from lib.errors import InputError
from lib.tiering import TierIndex

MOVER_COLUMNS = (
    "customer_id", "customer_name", "tier", "from_csm", "to_csm", "annual_revenue",
    "renewal_date", "reason",
)  # fmt: skip


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def available() -> bool:
    """Whether this build has the solver."""
    return _module("lib.assignment") is not None and _module("lib.roster") is not None


def parse_pins(text: str) -> dict[str, str]:
    """Pinned accounts from "customer_id,csm" lines (a header line is skipped)."""
    pins: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip().strip('"') for part in line.split(",")]
        if len(parts) != 2 or not all(parts):
            raise InputError(
                f"Pinned accounts: line {number} should be customer_id,csm; it is {line[:60]!r}."
            )
        if number == 1 and parts[0].lower() == "customer_id":
            continue
        pins[parts[0]] = parts[1]
    return pins


def propose(
    dataset: Dataset,
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    roster: Sequence[RosterLine],
    *,
    choice: Any,
) -> Any:
    """A proposal for the cut-offs on screen (InputError: a sentence the page shows)."""
    assignment, rosters = _module("lib.assignment"), _module("lib.roster")
    if assignment is None or rosters is None:
        raise InputError("This build of tierboard has no assignment solver yet.")
    raise InputError("This build's assignment solver does not match the Books page yet.")


def after_books(made: Any, tier_count: int) -> dict[str, BookFigures]:
    """Each CSM's book under the proposal."""
    raise NotImplementedError


def sentences(made: Any, currency: str) -> list[tuple[str, str]]:
    """(st function name, sentence): the headline, the proof of quality, the hires."""
    raise NotImplementedError


def movers_frame(made: Any) -> pd.DataFrame:
    """Every account whose owner changes, the movers file's columns."""
    raise NotImplementedError
