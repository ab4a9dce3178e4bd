"""Books of business proposed with HiGHS: every account with a CSM who serves its tier and has
the hours for it, with the fewest moves (or the least revenue moved), then the most even
utilisation — proven optimal, at a million accounts.

Why it is small. Hours per account depend only on the tier, so accounts sharing (tier, owner,
region) are interchangeable for capacity, and an account can only *stay* with its own owner,
while a moving account costs the same wherever it goes. The problem is one integer per class
(how many of its accounts stay) plus one integer per (tier, region, CSM) (how many movers of
that tier and region the CSM receives): thousands of variables, whatever the number of accounts.
Within a class the lowest-revenue accounts move first, so the revenue a class moves is convex
piecewise-linear in how many move; it is modelled exactly by one cost column per class kept
above supporting lines of that function, a line added where the solution's column sits below
the true cost, until none does (cutting planes: exact at the end, whatever the class size).
With weigh_revenue, the fewest moves among the cheapest assignments come next (an account of
no revenue costs nothing, yet is no reason to move).

Rules: pinned accounts go to their pinned CSM; accounts renewing within `renewal_days` of
`as_of` stay with their owner (when the owner is on the roster); an account may stay only with
its owner when the owner serves its tier under the cut-offs; a moving account goes to a CSM who
serves its tier (and, with keep_region, covers its region: a CSM with no region covers every
region); unassigned accounts are assigned (each a move); account caps bound a book's accounts;
`max_moves` bounds the moves. Objectives, lexicographically: fewest moves (or least revenue
moved), then the lowest worst utilisation (proven to within half a percentage point,
lib.assignment_model.UTILISATION_GAP). When no assignment keeps every CSM within their hours:
the lowest worst utilisation first, then the fewest moves, and the CSMs to hire per tier.

Why one module (past 400 lines, about 760): the rules, the lexicographic stages and what the
proposal says (figures per CSM, each mover's reason, the headline) read the same run; the MIP
itself, classes to columns and back, is lib/assignment_model.py.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NoReturn

import numpy as np
import pandas as pd

from lib import assignment_model
from lib.accounts import EPOCH, NO_DATE, Accounts
from lib.assignment_model import (
    Classes,
    Clock,
    Problem,
    Solution,
    Stage,
    build_problem,
    class_cost,
    decode,
    group_classes,
    hire_hours_per_tier,
    solve_stage,
    stays_of,
)
from lib.books import is_pool
from lib.errors import InputError
from lib.formatting import money, percent, plural
from lib.roster import Roster, RosterEntry
from lib.slices import UNASSIGNED
from lib.tiering import tier_name

STATUSES = ("optimal", "feasible", "over_capacity")
MOVER_COLUMNS = (
    "customer_id",
    "customer_name",
    "tier",
    "from_csm",
    "to_csm",
    "annual_revenue",
    "renewal_date",
    "reason",
)


@dataclass(frozen=True)
class Rules:
    """What the proposal must respect (the switches on the Books page and the CLI flags)."""

    keep_region: bool = False  # a moving account goes to a CSM covering its region
    renewal_days: int | None = 60  # accounts renewing within this many days never move
    pinned: Mapping[str, str] = field(default_factory=dict)  # customer_id -> CSM
    max_moves: int | None = None  # at most this many accounts change hands
    weigh_revenue: bool = False  # least revenue moved instead of fewest accounts
    time_limit: float = 20.0  # seconds for the solver, over every stage

    def __post_init__(self) -> None:
        if self.renewal_days is not None and self.renewal_days < 0:
            raise InputError("The renewal window must be zero days or more.")
        if self.max_moves is not None and self.max_moves < 0:
            raise InputError("The cap on moves must be zero or more.")
        if not self.time_limit > 0:
            raise InputError("The solver's time limit must be above zero seconds.")


@dataclass(frozen=True)
class BookFigures:
    """One book's accounts, revenue and hours needed."""

    accounts: int
    revenue: float  # exact to the cent
    hours: float
    per_tier: tuple[int, ...]  # accounts per tier, top first

    def as_dict(self) -> dict[str, float | int]:
        return {"accounts": self.accounts, "revenue": round(self.revenue, 2), "hours": self.hours}


@dataclass(frozen=True)
class CsmBook:
    """A roster entry's book before (today's owners, under the cut-offs) and after."""

    csm: str
    tiers: tuple[int, ...]
    capacity_hours: float
    headcount: float
    account_cap: int | None
    region: str | None
    before: BookFigures
    after: BookFigures
    fixed_hours: float = 0.0  # hours of accounts that cannot leave it (pinned, renewing soon)

    @property
    def is_pool(self) -> bool:
        return is_pool(self.csm)

    @property
    def utilisation_before(self) -> float:
        return _utilisation(self.before.hours, self.capacity_hours)

    @property
    def utilisation_after(self) -> float:
        return _utilisation(self.after.hours, self.capacity_hours)

    @property
    def is_over_capacity(self) -> bool:
        return self.after.hours > self.capacity_hours + 1e-9

    def as_dict(self, tier_names: Sequence[str]) -> dict[str, object]:
        return {
            "csm": self.csm,
            "tiers": [tier_names[t - 1] for t in self.tiers],
            "capacity_hours": self.capacity_hours,
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
        }


@dataclass(frozen=True, eq=False)
class Movers:
    """The accounts whose owner changes (newly assigned ones included), as arrays."""

    positions: np.ndarray  # key-order positions in the Accounts
    source: np.ndarray  # owner code today (Accounts.owners), the unassigned code when none
    target: np.ndarray  # roster entry index
    reason: np.ndarray  # index into `reasons`
    reasons: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.positions)


@dataclass(frozen=True, eq=False)
class Proposal:
    """A proposed assignment and how good it is."""

    status: str  # "optimal" | "feasible" | "over_capacity"
    moves: int
    moved_revenue: float  # exact to the cent
    max_utilisation: float  # worst utilisation after (hours needed / capacity)
    max_utilisation_before: float
    lower_bound_moves: int  # no assignment under these rules moves fewer accounts
    utilisation_bound: float  # no assignment with these moves has a lower worst utilisation
    unassigned_before: int
    newly_assigned: int  # of the moves, accounts that had no owner
    renewing_moved: int  # accounts renewing within the window that moved (no owner to stay with)
    unplaced: int  # accounts no CSM on the roster can take (no one serves their tier/region)
    csms: tuple[CsmBook, ...]
    hires_needed: dict[str, int]  # tier name -> CSMs to hire (0 when within capacity)
    is_proven_optimal: bool
    gap: float  # relative gap to the best bound when a time limit stopped the solver (0: proven)
    movers: Movers
    tier_names: tuple[str, ...]
    rules: Rules
    accounts: Accounts
    roster: Roster
    assigned: np.ndarray  # per account (key order): roster entry after, -1 none (unplaced)
    account_tiers: np.ndarray  # per account (key order): its tier under the cut-offs
    seconds: float = 0.0
    solver_columns: int = 0  # size of the largest model solved
    solver_rows: int = 0

    @property
    def is_over_capacity(self) -> bool:
        return self.status == "over_capacity"

    def as_dict(self) -> dict[str, object]:
        """The JSON shape the CLI promises."""
        return {
            "status": self.status,
            "moves": self.moves,
            "moved_revenue": round(self.moved_revenue, 2),
            "max_utilisation": _finite(self.max_utilisation),
            "lower_bound_moves": self.lower_bound_moves,
            "unassigned_before": self.unassigned_before,
            "csms": [book.as_dict(self.tier_names) for book in self.csms],
            "hires_needed": dict(self.hires_needed),
        }


def _finite(value: float) -> float:
    # JSON has no infinity: a book with hours needed and no hours reads as a huge figure.
    return value if math.isfinite(value) else 1e308


def _utilisation(needed: float, available: float) -> float:
    if available > 0:
        return needed / available
    return math.inf if needed > 1e-9 else 0.0


def propose(
    accounts: Accounts,
    cuts: Sequence[float],
    hours_per_account: Sequence[float],
    roster: Roster,
    rules: Rules | None = None,
    *,
    as_of: date | None = None,
) -> Proposal:
    """The assignment of every account to a roster entry under `rules` (module docstring),
    proven optimal unless the time limit stopped the solver (then `gap` says how far).

    `accounts`: lib.accounts.accounts_of(dataset, index) (or Accounts.from_columns);
    `hours_per_account`: per tier, top first; `as_of`: the day renewals count from (today).
    InputError for a rule that cannot hold (a pinned account not in the data, or pinned to a
    CSM who is not on the roster or does not serve its tier; a cap on moves below the moves
    that must happen; account caps that leave no room).
    """
    rules = rules or Rules()
    run = _Run.start(
        accounts, cuts, hours_per_account, roster, rules=rules, as_of=as_of or date.today()
    )
    first = run.stage("fit", run.objective, run.segments, moves_at_most=run.class_moves_cap)
    if first.solution.values is None and not first.solution.infeasible:
        run.out_of_time()
    if first.solution.values is not None and not run.unplaced:
        final, primary, bound = run.balance(first)
    else:
        final, primary, bound = run.least_overload()
    return run.proposal(final, primary, bound)


@dataclass
class _Run:
    """One proposal being solved: the problem, its classes and the stages solved so far."""

    accounts: Accounts
    roster: Roster
    rules: Rules
    problem: Problem
    classes: Classes  # every forced mover
    placed: Classes  # without the forced movers nobody on the roster can take
    owner_entry: np.ndarray
    unplaced: int
    constant_moves: int  # forced and pinned-away moves: whatever the solver decides
    class_moves_cap: int | None
    clock: Clock
    stages: list[Stage] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        accounts: Accounts,
        cuts: Sequence[float],
        hours_per_account: Sequence[float],
        roster: Roster,
        *,
        rules: Rules,
        as_of: date,
    ) -> _Run:
        clock = Clock(rules.time_limit)
        problem = build_problem(
            accounts,
            cuts,
            hours_per_account,
            roster,
            keep_region=rules.keep_region,
            renewal_days=rules.renewal_days,
            pinned=rules.pinned,
            as_of=as_of,
        )
        classes = group_classes(problem, accounts)
        owner_entry = problem.entry_of_owner[accounts.owner]
        # Forced movers of a group nobody on the roster can take stay where they are: unplaced.
        unplaced_groups = [g for g, allowed in enumerate(problem.allowed) if not allowed]
        placed = Classes(**{**classes.__dict__, "forced": classes.forced.copy()})
        placed.forced[unplaced_groups] = 0
        pinned_away = int((problem.pinned & (problem.fixed != owner_entry)).sum())
        constant_moves = int(placed.forced.sum()) + pinned_away
        cap = None
        if rules.max_moves is not None:
            cap = rules.max_moves - constant_moves
            if cap < 0:
                raise InputError(
                    f"At least {plural(constant_moves, 'account')} must change hands "
                    "(unassigned, pinned, or in a tier their owner does not serve); a cap of "
                    f"{plural(rules.max_moves, 'move')} is too few."
                )
        return cls(
            accounts=accounts,
            roster=roster,
            rules=rules,
            problem=problem,
            classes=classes,
            placed=placed,
            owner_entry=owner_entry,
            unplaced=int(classes.forced[unplaced_groups].sum()),
            constant_moves=constant_moves,
            class_moves_cap=cap,
            clock=clock,
        )

    @property
    def objective(self) -> str:
        return "revenue" if self.rules.weigh_revenue else "moves"

    @property
    def segments(self) -> list[np.ndarray] | None:
        """weigh_revenue: each class's first cost breakpoints (lib.assignment_model)."""
        if not self.rules.weigh_revenue:
            return None
        return [assignment_model.first_breaks(int(size)) for size in self.placed.size]

    def stage(
        self,
        mode: str,
        objective: str,
        segments: list[np.ndarray] | None,
        *,
        moves_at_most: int | None = None,
        cost_at_most: float | None = None,
        z_at_most: float | None = None,
        start: Stage | None = None,
    ) -> Stage:
        solved = solve_stage(
            self.problem,
            self.placed,
            self.accounts,
            self.clock,
            mode=mode,
            objective=objective,
            segments=segments,
            moves_at_most=moves_at_most,
            cost_at_most=cost_at_most,
            z_at_most=z_at_most,
            start=start,
        )
        self.stages.append(solved)
        return solved

    def out_of_time(self) -> NoReturn:
        raise InputError(
            f"No assignment was found within the time limit ({self.rules.time_limit:g} s): "
            "allow the solver more time."
        )

    def balance(self, first: Stage) -> tuple[Stage, Stage, float]:
        """Within capacity: the lowest worst utilisation among the fewest moves (or the least
        revenue moved, then the fewest moves) found by `first`."""
        primary, cost = self._fewest_at_cost(first, "fit", None)
        movers = int(self.placed.size.sum() - stays_of(primary, self.placed).sum())
        balanced = self.stage(
            "z", "z", primary.segments, moves_at_most=movers, cost_at_most=cost,
            z_at_most=primary.achieved * (1 + 1e-9) + 1e-9, start=primary,
        )  # fmt: skip
        final = balanced if balanced.solution.values is not None else primary
        return final, primary, max(balanced.solution.bound, 0.0)

    def _fewest_at_cost(
        self, cheapest: Stage, mode: str, z_at_most: float | None
    ) -> tuple[Stage, float | None]:
        """With weigh_revenue, the fewest moves among the assignments moving the least revenue
        (zero-revenue accounts cost nothing, yet are no reason to move): that stage and the
        revenue bound it keeps; otherwise `cheapest` itself."""
        if not self.rules.weigh_revenue:
            return cheapest, None
        stays = stays_of(cheapest, self.placed)
        cost = float(class_cost(self.placed, self.accounts, stays)) + 0.5
        fewest = self.stage(
            mode,
            "moves",
            cheapest.segments,
            moves_at_most=self.class_moves_cap,
            cost_at_most=cost,
            z_at_most=z_at_most,
            start=cheapest,
        )
        return (fewest if fewest.solution.values is not None else cheapest), cost

    def least_overload(self) -> tuple[Stage, Stage, float]:
        """Over capacity: the lowest worst utilisation, then the fewest moves keeping it."""
        worst = self.stage("z", "z", None, moves_at_most=self.class_moves_cap)
        if worst.solution.values is None:
            if worst.solution.infeasible:
                raise InputError(
                    "No assignment respects the account caps"
                    + (" and the cap on moves" if self.rules.max_moves is not None else "")
                    + ": raise a cap, or add CSMs to the roster."
                )
            self.out_of_time()
        z_star = worst.achieved * (1 + 1e-9) + 1e-9
        cheapest = self.stage(
            "z", self.objective, self.segments, moves_at_most=self.class_moves_cap,
            z_at_most=z_star, start=worst,
        )  # fmt: skip
        if cheapest.solution.values is None:
            return worst, worst, max(worst.solution.bound, 0.0)
        primary, _ = self._fewest_at_cost(cheapest, "z", z_star)
        return primary, cheapest, max(worst.solution.bound, 0.0)

    def hires(self) -> dict[str, int]:
        """CSMs to hire per tier (each serving that tier alone, every region, with the median
        hours of the tier's CSMs) so that every account fits: the fewest in total."""
        tier_count = len(self.problem.hours)
        hires = {tier_name(t): 0 for t in range(1, tier_count + 1)}
        hired = solve_stage(
            self.problem,
            self.classes,
            self.accounts,
            self.clock,
            mode="hire",
            objective="hires",
            segments=None,
            hire_hours=hire_hours_per_tier(self.roster, tier_count),
        )
        if hired.solution.values is not None:
            for column, tier in hired.layout.hires:
                hires[tier_name(tier)] = round(hired.solution.values[column])
        return hires

    def proposal(self, final: Stage, primary: Stage, utilisation_bound: float) -> Proposal:
        fits = self.stages[0].solution.values is not None and not self.unplaced
        hires = {tier_name(t): 0 for t in range(1, len(self.problem.hours) + 1)}
        if not fits:
            hires = self.hires()
        stays = stays_of(final, self.placed)
        target = decode(
            self.problem, self.placed, stage=final, stays=stays, owner_entry=self.owner_entry
        )
        proven = all(stage.solution.proven for stage in self.stages)
        lower_bound = self.constant_moves
        if not self.rules.weigh_revenue:
            bound = primary.solution.bound + float(self.placed.size.sum())
            lower_bound += max(0, math.ceil(bound - 1e-6))
        status = ("optimal" if proven else "feasible") if fits else "over_capacity"
        return _assemble(
            accounts=self.accounts,
            problem=self.problem,
            roster=self.roster,
            rules=self.rules,
            owner_entry=self.owner_entry,
            target=target,
            status=status,
            lower_bound=lower_bound,
            utilisation_bound=utilisation_bound,
            proven=proven,
            gap=max(_gap(stage.solution) for stage in self.stages),
            hires=hires,
            unplaced=self.unplaced,
            seconds=time.perf_counter() - self.clock.start,
            columns=max(stage.columns for stage in self.stages),
            rows=max(stage.rows for stage in self.stages),
        )


def _gap(solution: Solution) -> float:
    if solution.proven or solution.values is None:
        return 0.0 if solution.proven else math.inf
    if not math.isfinite(solution.bound):
        return math.inf
    return abs(solution.objective - solution.bound) / max(abs(solution.objective), 1e-9)


# ---------------------------------------------------------------------------------------------
# What the proposal says


def _figures(
    entry_of: np.ndarray, tiers: np.ndarray, cents: np.ndarray, hours: np.ndarray, entries: int
) -> list[BookFigures]:
    mine = entry_of >= 0
    tier_count = len(hours)
    counts = np.zeros((entries, tier_count), dtype=np.int64)
    np.add.at(counts, (entry_of[mine], tiers[mine] - 1), 1)
    money = np.zeros(entries, dtype=np.int64)
    np.add.at(money, entry_of[mine], cents[mine])
    return [
        BookFigures(
            accounts=int(counts[e].sum()),
            revenue=int(money[e]) / 100,
            hours=float(counts[e] @ hours),
            per_tier=tuple(int(c) for c in counts[e]),
        )
        for e in range(entries)
    ]


def _their(name: str) -> str:
    # A pooled team's book is "its"; a person's pronoun is not ours to guess: "their".
    return "its" if is_pool(name) else "their"


def _tier_list(tiers: Sequence[int]) -> str:
    names = [tier_name(t) for t in tiers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _assemble(
    *,
    accounts: Accounts,
    problem: Problem,
    roster: Roster,
    rules: Rules,
    owner_entry: np.ndarray,
    target: np.ndarray,
    status: str,
    lower_bound: int,
    utilisation_bound: float,
    proven: bool,
    gap: float,
    hires: dict[str, int],
    unplaced: int,
    seconds: float,
    columns: int,
    rows: int,
) -> Proposal:
    entries = len(roster.entries)
    tiers = problem.tiers
    before = _figures(owner_entry, tiers, accounts.cents, problem.hours, entries)
    after = _figures(target, tiers, accounts.cents, problem.hours, entries)
    fixed = problem.fixed >= 0
    fixed_hours = np.zeros(entries)
    np.add.at(fixed_hours, problem.fixed[fixed], problem.hours[tiers[fixed] - 1])
    books = tuple(
        CsmBook(
            csm=e.csm,
            tiers=e.tiers,
            capacity_hours=e.capacity_hours,
            headcount=e.headcount,
            account_cap=e.account_cap,
            region=e.region,
            before=before[i],
            after=after[i],
            fixed_hours=float(fixed_hours[i]),
        )
        for i, e in enumerate(roster.entries)
    )
    moved = np.flatnonzero((target >= 0) & (target != owner_entry))
    movers = _movers(
        accounts, problem, roster=roster, owner_entry=owner_entry, target=target, moved=moved,
        books=books,
    )  # fmt: skip
    unassigned = accounts.unassigned_code
    had_none = accounts.owner[moved] == unassigned
    unassigned_before = int((accounts.owner == unassigned).sum()) if unassigned >= 0 else 0
    return Proposal(
        status=status,
        moves=len(moved),
        moved_revenue=int(accounts.cents[moved].sum()) / 100,
        max_utilisation=max((b.utilisation_after for b in books), default=0.0),
        max_utilisation_before=max((b.utilisation_before for b in books), default=0.0),
        lower_bound_moves=min(int(lower_bound), len(moved)),
        utilisation_bound=utilisation_bound,
        unassigned_before=unassigned_before,
        newly_assigned=int(had_none.sum()),
        renewing_moved=int((problem.locked[moved] & ~had_none).sum()),
        unplaced=unplaced,
        csms=books,
        hires_needed=hires,
        is_proven_optimal=proven,
        gap=0.0 if proven else gap,
        movers=movers,
        tier_names=tuple(tier_name(t) for t in range(1, len(problem.hours) + 1)),
        rules=rules,
        accounts=accounts,
        roster=roster,
        assigned=target,
        account_tiers=tiers,
        seconds=seconds,
        solver_columns=columns,
        solver_rows=rows,
    )


def _movers(
    accounts: Accounts,
    problem: Problem,
    *,
    roster: Roster,
    owner_entry: np.ndarray,
    target: np.ndarray,
    moved: np.ndarray,
    books: Sequence[CsmBook],
) -> Movers:
    """Each mover's reason, worded once per distinct (reason, owner, tier, ...) combination."""
    unassigned = accounts.unassigned_code
    owner = accounts.owner[moved].astype(np.int64)
    tiers = problem.tiers[moved].astype(np.int64)
    previous = accounts.previous[moved].astype(np.int64)
    to = target[moved]
    kind = np.full(len(moved), 4, dtype=np.int64)  # 4: the owner's book is too full
    entry = owner_entry[moved]
    kind[~problem.can_stay[moved]] = 3  # the owner cannot keep it (tier, or no hours)
    kind[entry < 0] = 2  # the owner is not on the roster
    kind[owner == unassigned] = 1
    kind[problem.pinned[moved]] = 0
    to_key = np.where(kind == 0, to, 0)
    prev_key = np.where(kind == 3, previous, 0)
    tier_key = np.where(kind == 3, tiers, 0)
    owner_key = np.where(kind >= 2, owner, 0)
    width = max(len(accounts.owners), len(roster.entries), 1) + 1
    key = (((kind * width + owner_key) * width + to_key) * 16 + tier_key) * 16 + prev_key
    unique, inverse = np.unique(key, return_inverse=True)
    reasons = []
    for k in unique.tolist():
        rest, prev = divmod(k, 16)
        rest, tier = divmod(rest, 16)
        rest, to_entry = divmod(rest, width)
        kind_of, owner_code = divmod(rest, width)
        reasons.append(
            _reason(
                kind_of,
                accounts.owners[owner_code],
                to_entry=to_entry,
                tier=tier,
                previous=prev,
                roster=roster,
                books=books,
            )
        )
    return Movers(
        positions=moved,
        source=owner,
        target=to,
        reason=inverse.reshape(-1).astype(np.int64),
        reasons=tuple(reasons),
    )


def _reason(
    kind: int,
    owner: str,
    *,
    to_entry: int,
    tier: int,
    previous: int,
    roster: Roster,
    books: Sequence[CsmBook],
) -> str:
    """Why one mover moves, in words: by kind (see _movers), its owner and tiers."""
    fixed = {0: f"pinned to {roster.entries[to_entry].csm}", 1: "unassigned"}
    if kind in fixed:
        return fixed[kind]
    entry = roster.entry(owner)
    if kind == 2 or entry is None:
        return f"its owner {owner} is not on the roster"
    if kind == 3:
        return _cannot_keep(entry, owner, tier, previous)
    book = books[roster.names.index(owner)]
    if book.utilisation_before > 1 + 1e-9:
        return f"{owner} is at {percent(book.utilisation_before)} of {_their(owner)} hours"
    if book.account_cap is not None and book.before.accounts > book.account_cap:
        return (
            f"{owner} has {plural(book.before.accounts, 'account')}, above {_their(owner)} cap "
            f"of {book.account_cap}"
        )
    return f"makes room in {owner}'s book for accounts that must move"


def _cannot_keep(entry: RosterEntry, owner: str, tier: int, previous: int) -> str:
    if entry.serves(tier):
        return f"{owner} has no customer-facing hours"
    served = _tier_list(entry.tiers)
    if previous and previous != tier:
        return (
            f"its tier changed: {tier_name(previous)} -> {tier_name(tier)}, "
            f"and its owner serves {served}"
        )
    return f"it is in {tier_name(tier)}, and its owner serves {served}"


def movers_table(proposal: Proposal) -> pd.DataFrame:
    """One row per account whose owner changes (newly assigned accounts included), in the
    columns of the CLI's --out file (MOVER_COLUMNS); biggest revenue first."""
    movers = proposal.movers
    accounts = proposal.accounts
    order = np.argsort(-accounts.cents[movers.positions], kind="stable")
    positions = movers.positions[order]
    frame = accounts.identity_frame(positions)
    names = np.array([*accounts.owners], dtype=object)
    source = names[movers.source[order]] if len(order) else np.zeros(0, dtype=object)
    frame["tier"] = [tier_name(int(t)) for t in proposal.account_tiers[positions]]
    frame["from_csm"] = ["" if s == UNASSIGNED else s for s in source]
    targets = np.array(proposal.roster.names, dtype=object)
    frame["to_csm"] = targets[movers.target[order]] if len(order) else []
    frame["annual_revenue"] = accounts.cents[positions] / 100
    days = accounts.renewal[positions]
    frame["renewal_date"] = [
        "" if d == NO_DATE else (EPOCH + timedelta(days=int(d))).isoformat() for d in days
    ]
    reasons = np.array(movers.reasons, dtype=object)
    frame["reason"] = reasons[movers.reason[order]] if len(order) else []
    return frame[list(MOVER_COLUMNS)].reset_index(drop=True)


def hire_sentence(proposal: Proposal) -> str:
    """ "Not enough hours: hire 2 CSMs for Tier 1 and 1 for Tier 3." (empty when within)."""
    wanted = [(name, count) for name, count in proposal.hires_needed.items() if count > 0]
    if not proposal.is_over_capacity:
        return ""
    if not wanted:
        stuck = [b for b in proposal.csms if b.fixed_hours > b.capacity_hours + 1e-9]
        if stuck:
            worst = max(stuck, key=lambda b: _utilisation(b.fixed_hours, b.capacity_hours))
            share = percent(_utilisation(worst.fixed_hours, worst.capacity_hours))
            return (
                "No assignment keeps every CSM within their hours: the accounts that cannot "
                f"move (pinned, or renewing soon) alone hold {worst.csm} at {share} of "
                f"{_their(worst.csm)} hours."
            )
        return (
            "No assignment within the cap on moves keeps every CSM within their hours: "
            "allow more moves."
        )
    parts = [
        f"{plural(count, 'CSM')} for {name}" if i == 0 else f"{count} for {name}"
        for i, (name, count) in enumerate(wanted)
    ]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Not enough hours: hire {joined}."


def headline(proposal: Proposal, currency: str = "$") -> str:
    """The proposal in one sentence: "38 accounts change hands ($2.1M ARR); every CSM within
    capacity; no account renewing within 60 days moves." """
    moves = proposal.moves
    if moves:
        verb = "changes" if moves == 1 else "change"
        moved = money(proposal.moved_revenue, currency)
        first = f"{plural(moves, 'account')} {verb} hands ({moved} ARR)"
        if proposal.newly_assigned:
            first += f", {count_of(proposal.newly_assigned, moves)} newly assigned"
    else:
        first = "No account changes hands"
    parts = [first]
    if proposal.is_over_capacity:
        worst = max(proposal.csms, key=lambda b: b.utilisation_after, default=None)
        if worst is not None and worst.utilisation_after > 1:
            parts.append(
                f"the worst overload is {worst.csm} at {percent(worst.utilisation_after)} of "
                f"{_their(worst.csm)} hours"
            )
    else:
        parts.append("every CSM within capacity")
    days = proposal.rules.renewal_days
    if days is not None and proposal.accounts.has_renewal:
        window = plural(days, "day")
        if proposal.renewing_moved:
            parts.append(
                f"{plural(proposal.renewing_moved, 'account')} renewing within {window} "
                "move (no owner on the roster to stay with)"
            )
        else:
            parts.append(f"no account renewing within {window} moves")
    sentence = "; ".join(parts) + "."
    hire = hire_sentence(proposal)
    return f"{hire} {sentence}" if hire else sentence


def count_of(part: int, whole: int) -> str:
    return "all of them" if part == whole else f"{part:,} of them"
