"""The one place the Books page meets the solver (lib.assignment): the page's rules in, the
proposal's books, sentences and movers out — so a change of the solver's API is one file's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lib import assignment
from lib.accounts import accounts_of
from lib.assignment import MOVER_COLUMNS, Proposal, Rules
from lib.books import BookFigures
from lib.capacity import Plan
from lib.dataset import Dataset
from lib.errors import InputError
from lib.formatting import percent
from lib.roster import Roster
from lib.slices import UNASSIGNED
from lib.tiering import TierIndex

__all__ = ["MOVER_COLUMNS", "InputError"]


def parse_pins(text: str) -> dict[str, str]:
    """Pinned accounts from "customer_id,csm" lines (a header line is skipped)."""
    pins: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip().strip('"') for part in line.split(",")]
        if number == 1 and parts[0].lower() == "customer_id":
            continue
        if len(parts) != 2 or not all(parts):
            raise InputError(
                f"Pinned accounts: line {number} should be customer_id,csm; it is {line[:60]!r}."
            )
        pins[parts[0]] = parts[1]
    return pins


def rules_of(choice: Any, has_renewal: bool) -> Rules:
    """The solver's rules from what the page's switches say (ui.books.RuleChoice)."""
    return Rules(
        keep_region=bool(choice.keep_region),
        renewal_days=int(choice.renewal_days) if has_renewal else None,
        pinned=parse_pins(choice.pins),
        max_moves=int(choice.max_moves) or None,
        weigh_revenue=bool(choice.revenue_weighted),
    )


def propose(
    dataset: Dataset,
    index: TierIndex,
    cuts: Sequence[float],
    plan: Plan,
    roster: Roster,
    *,
    choice: Any,
) -> Proposal:
    """A proposal for the cut-offs on screen (InputError: a sentence the page shows)."""
    roster.check_tiers(len(cuts) + 1)
    accounts = accounts_of(dataset, index)
    rules = rules_of(choice, accounts.has_renewal)
    return assignment.propose(
        accounts, cuts, plan.matrix.hours_per_account(), roster, rules, as_of=date.today()
    )


def after_books(made: Proposal, tier_count: int) -> dict[str, BookFigures]:
    """Each roster CSM's book under the proposal, and the accounts nobody on the roster can
    take (unassigned, "(none)")."""
    after = {
        book.csm: BookFigures(book.after.per_tier, book.after.revenue, book.after.hours)
        for book in made.csms
    }
    left = made.assigned < 0
    if left.any():
        per_tier = np.bincount(made.account_tiers[left] - 1, minlength=tier_count)
        cents = int(made.accounts.cents[left].sum())
        after[UNASSIGNED] = BookFigures(tuple(int(n) for n in per_tier), cents / 100, 0.0)
    return after


def quality(made: Proposal) -> str:
    """Proof of quality: proven optimal, or how far from the best bound."""
    if made.is_proven_optimal:
        if made.is_over_capacity:
            return (
                "Proven optimal: no assignment has a lower worst load than "
                f"{percent(made.max_utilisation)}, and none reaches it with fewer moves."
            )
        return (
            "Proven optimal: no assignment within every CSM's hours moves fewer accounts"
            + (" or less revenue" if made.rules.weigh_revenue else "")
            + f", and none of those has a lower worst load than {percent(made.max_utilisation)}."
        )
    if made.lower_bound_moves >= made.moves and not made.rules.weigh_revenue:
        return (
            f"Proven: no assignment under these rules moves fewer than {made.moves:,} accounts; "
            "the time limit stopped the search for the evenest balance among them (worst load "
            f"{percent(made.max_utilisation)})."
        )
    gap = "an unknown gap" if not np.isfinite(made.gap) else f"a gap of {percent(made.gap)}"
    return (
        f"Not proven optimal: the solver's time limit stopped it with {gap} to the best bound "
        f"(at least {made.lower_bound_moves:,} moves are needed under these rules)."
    )


def sentences(made: Proposal, currency: str) -> list[tuple[str, str]]:
    """(st function name, sentence): the headline, the proof of quality, the hires."""
    kind = "warning" if made.is_over_capacity else "success"
    out = [(kind, assignment.headline(made, currency)), ("caption", quality(made))]
    if made.unplaced:
        out.append(
            (
                "warning",
                f"{made.unplaced:,} accounts have no CSM on the roster who serves their tier"
                + (" in their region" if made.rules.keep_region else "")
                + ": add one to the roster.",
            )
        )
    return out


def movers_frame(made: Proposal) -> pd.DataFrame:
    """Every account whose owner changes, in the movers file's columns, biggest ARR first."""
    return assignment.movers_table(made)
