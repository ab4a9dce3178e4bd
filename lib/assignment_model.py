"""The books-of-business problem aggregated, as a HiGHS MIP: accounts grouped into classes
(tier, owner, region) that are interchangeable for capacity, one integer per class (how many
stay) and per (tier, region, CSM) (how many movers the CSM receives), and the decoding of a
solution back to accounts. lib/assignment.py says the rules and runs the stages.

Why one module (past 400 lines, about 560): the aggregation, the model built on it and the
decoding of its solution share the same private layout (which column is which class or flow);
split, each would have to publish it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

import highspy
import numpy as np
from highspy._core import _Highs

from lib.accounts import NO_DATE, Accounts, day_number
from lib.errors import InputError
from lib.roster import Roster
from lib.slices import UNASSIGNED
from lib.team import DEFAULT_HOURS_PER_CSM
from lib.tiering import tier_name

# The worst utilisation is proven optimal to within half a percentage point (the precision a
# page shows it with): closing the last fraction of a point between CSMs of equal hours is a
# search over symmetric assignments that can take minutes and changes no figure shown.
UTILISATION_GAP = 0.005
_INF = highspy.kHighsInf


# ---------------------------------------------------------------------------------------------
# The problem, aggregated


@dataclass
class Problem:
    tiers: np.ndarray  # per account
    hours: np.ndarray  # per tier (index t - 1)
    entry_of_owner: np.ndarray  # owner code -> roster entry index, -1 when not on the roster
    capacity: np.ndarray  # per entry
    caps: np.ndarray  # per entry, -1 for no cap
    fixed: np.ndarray  # per account: the entry it is fixed to, -1 when movable
    can_stay: np.ndarray  # per movable account: its owner may keep it
    group: np.ndarray  # per account: movers' group (tier, region) code
    groups: list[tuple[int, int]]  # (tier, region code or -1 when regions do not matter)
    allowed: list[list[int]]  # per group: entries that may receive its movers
    pinned: np.ndarray  # per account: pinned (bool)
    locked: np.ndarray  # per account: renewing within the window (bool)


def build_problem(
    accounts: Accounts,
    cuts: Sequence[float],
    hours_per_account: Sequence[float],
    roster: Roster,
    *,
    keep_region: bool,
    renewal_days: int | None,
    pinned: Mapping[str, str],
    as_of: date,
) -> Problem:
    """The rules applied to every account: what is fixed where, who may stay, who may receive."""
    tiers = accounts.tiers(cuts)
    tier_count = len(cuts) + 1
    if len(hours_per_account) != tier_count:
        raise InputError(f"Give hours per account for each of the {tier_count} tiers.")
    hours = np.asarray(hours_per_account, dtype=np.float64)
    if not (np.isfinite(hours).all() and (hours >= 0).all()):
        raise InputError("Hours per account must be zero or more.")
    if not roster.entries:
        raise InputError("The roster is empty: add at least one CSM.")
    roster.check_tiers(tier_count)
    names = {entry.csm: i for i, entry in enumerate(roster.entries)}
    entry_of_owner = np.array([names.get(label, -1) for label in accounts.owners], dtype=np.int64)
    n = accounts.customers
    owner_entry = entry_of_owner[accounts.owner] if n else np.zeros(0, dtype=np.int64)
    capacity = np.array([e.capacity_hours for e in roster.entries], dtype=np.float64)
    caps = np.array(
        [-1 if e.account_cap is None else e.account_cap for e in roster.entries], dtype=np.int64
    )
    serves = np.zeros((len(roster.entries), tier_count + 1), dtype=bool)
    for i, entry in enumerate(roster.entries):
        serves[i, list(entry.tiers)] = True
    # An entry with no hours cannot take an account that needs some.
    takes = serves & ~((capacity[:, None] <= 0) & (np.r_[0.0, hours][None, :] > 0))
    fixed, is_pinned = _pins(accounts, tiers, names, serves, pinned)
    locked = np.zeros(n, dtype=bool)
    if renewal_days is not None:
        ahead = accounts.renewal.astype(np.int64) - day_number(as_of)
        locked = (accounts.renewal != NO_DATE) & (ahead >= 0) & (ahead <= renewal_days)
        stays = locked & ~is_pinned & (owner_entry >= 0)
        fixed[stays] = owner_entry[stays]
    owner_safe = np.where(owner_entry >= 0, owner_entry, 0)
    can_stay = (fixed < 0) & (owner_entry >= 0) & takes[owner_safe, tiers]
    group, groups, allowed = _groups(accounts, tiers, roster, takes, keep_region)
    return Problem(
        tiers=tiers,
        hours=hours,
        entry_of_owner=entry_of_owner,
        capacity=capacity,
        caps=caps,
        fixed=fixed,
        can_stay=can_stay,
        group=group,
        groups=groups,
        allowed=allowed,
        pinned=is_pinned,
        locked=locked,
    )


def _pins(
    accounts: Accounts,
    tiers: np.ndarray,
    names: Mapping[str, int],
    serves: np.ndarray,
    pinned: Mapping[str, str],
) -> tuple[np.ndarray, np.ndarray]:
    """The entry each pinned account is fixed to (-1: not pinned), and which are pinned."""
    n = accounts.customers
    fixed = np.full(n, -1, dtype=np.int64)
    is_pinned = np.zeros(n, dtype=bool)
    found = accounts.positions_of(list(pinned)) if pinned else {}
    for customer, csm in pinned.items():
        position = found.get(str(customer))
        if position is None:
            raise InputError(f"The pinned account {customer} is not in the data.")
        entry = names.get(str(csm).strip())
        if entry is None:
            raise InputError(f"{customer} is pinned to {csm}, who is not on the roster.")
        tier = int(tiers[position])
        if not serves[entry, tier]:
            raise InputError(
                f"{customer} is pinned to {csm}, who does not serve {tier_name(tier)}, "
                "its tier under these cut-offs."
            )
        fixed[position] = entry
        is_pinned[position] = True
    return fixed, is_pinned


def _groups(
    accounts: Accounts, tiers: np.ndarray, roster: Roster, takes: np.ndarray, keep_region: bool
) -> tuple[np.ndarray, list[tuple[int, int]], list[list[int]]]:
    """Movers' groups — (tier, region), the region only with keep_region — and who may
    receive each: the entries serving the tier (with hours) and covering the region."""
    n = accounts.customers
    regions_matter = keep_region and accounts.has_region
    region = np.full(n, -1, np.int64)
    if regions_matter:
        unknown = accounts.regions.index(UNASSIGNED) if UNASSIGNED in accounts.regions else -2
        region = np.where(accounts.region == unknown, -1, accounts.region.astype(np.int64))
    width = len(accounts.regions) + 1
    codes = tiers.astype(np.int64) * width + (region + 1)
    present = np.unique(codes)
    group = np.searchsorted(present, codes)
    groups = [(int(c // width), int(c % width) - 1) for c in present.tolist()]
    allowed = [
        [
            i
            for i, entry in enumerate(roster.entries)
            if takes[i, tier]
            and (r < 0 or entry.region is None or entry.region == accounts.regions[r])
        ]
        for tier, r in groups
    ]
    return group, groups, allowed


@dataclass
class Classes:
    """Movable accounts that may stay, by (group, owner entry); and forced movers per group."""

    group: np.ndarray  # per class
    entry: np.ndarray  # per class: the owner's roster entry
    size: np.ndarray  # per class
    members: list[np.ndarray]  # per class: positions, lowest revenue first
    forced: np.ndarray  # per group: accounts that must move
    forced_members: list[np.ndarray]  # per group
    fixed_load: np.ndarray  # per entry: hours of fixed accounts
    fixed_count: np.ndarray  # per entry


def group_classes(problem: Problem, accounts: Accounts) -> Classes:
    n = len(problem.tiers)
    entries = len(problem.capacity)
    owner_entry = problem.entry_of_owner[accounts.owner] if n else np.zeros(0, np.int64)
    fixed = problem.fixed >= 0
    fixed_load = np.zeros(entries)
    fixed_count = np.zeros(entries, dtype=np.int64)
    if fixed.any():
        np.add.at(fixed_load, problem.fixed[fixed], problem.hours[problem.tiers[fixed] - 1])
        np.add.at(fixed_count, problem.fixed[fixed], 1)
    groups = len(problem.groups)
    stay = problem.can_stay
    key = problem.group * (entries + 1) + np.where(stay, owner_entry, entries)
    candidates = np.flatnonzero(~fixed)
    order = candidates[np.lexsort((accounts.cents[candidates], key[candidates]))]
    sorted_keys = key[order]
    cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
    starts = np.r_[0, cuts]
    ends = np.r_[cuts, len(order)]
    class_group, class_entry, class_size, members = [], [], [], []
    forced = np.zeros(groups, dtype=np.int64)
    forced_members: list[np.ndarray] = [np.zeros(0, dtype=np.int64) for _ in range(groups)]
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if start == end:
            continue
        k = int(sorted_keys[start])
        g, e = divmod(k, entries + 1)
        block = order[start:end]
        if e == entries:
            forced[g] = end - start
            forced_members[g] = block
        else:
            class_group.append(g)
            class_entry.append(e)
            class_size.append(end - start)
            members.append(block)
    return Classes(
        group=np.array(class_group, dtype=np.int64),
        entry=np.array(class_entry, dtype=np.int64),
        size=np.array(class_size, dtype=np.int64),
        members=members,
        forced=forced,
        forced_members=forced_members,
        fixed_load=fixed_load,
        fixed_count=fixed_count,
    )


# ---------------------------------------------------------------------------------------------
# The model


class Model:
    """Columns and rows of one MIP, built in numpy and handed to HiGHS in one call."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []

    def add(self, count: int, lower: float, upper: float | Sequence[float], integer: bool) -> int:
        first = len(self.cost)
        self.cost += [0.0] * count
        self.lower += [lower] * count
        self.upper += list(upper) if isinstance(upper, Sequence) else [upper] * count
        self.integer += [int(integer)] * count
        return first

    def row(self, index: Sequence[int], value: Sequence[float], low: float, high: float) -> None:
        self.rows.append(
            (np.asarray(index, dtype=np.int32), np.asarray(value, dtype=np.float64), low, high)
        )

    @property
    def columns(self) -> int:
        return len(self.cost)

    def solve(
        self,
        cost: np.ndarray,
        time_limit: float,
        abs_gap: float = 0.99,
        rel_gap: float = 0.0,
        start: np.ndarray | None = None,
    ) -> Solution:
        if not self.columns:  # nothing to decide (HiGHS would call the model empty)
            impossible = any(low > 0 or high < 0 for _, _, low, high in self.rows)
            return Solution(
                None if impossible else np.zeros(0),
                infeasible=impossible,
                proven=True,
                objective=math.inf if impossible else 0.0,
                bound=0.0,
            )
        # highspy.Highs() prints a banner on stdout when made (the CLI's --json owns stdout);
        # its base class does not, and is the same solver.
        solver = _Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("time_limit", max(time_limit, 0.05))
        solver.setOptionValue("mip_rel_gap", rel_gap)
        solver.setOptionValue("mip_abs_gap", abs_gap)
        solver.setOptionValue("random_seed", 7)
        starts = np.zeros(len(self.rows) + 1, dtype=np.int32)
        if self.rows:
            starts[1:] = np.cumsum([len(r[0]) for r in self.rows])
            index = np.concatenate([r[0] for r in self.rows])
            value = np.concatenate([r[1] for r in self.rows])
        else:
            index, value = np.zeros(0, np.int32), np.zeros(0)
        solver.passModel(
            self.columns,
            len(self.rows),
            len(index),
            int(highspy.MatrixFormat.kRowwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            np.asarray(cost, dtype=np.float64),
            np.asarray(self.lower, dtype=np.float64),
            np.asarray(self.upper, dtype=np.float64),
            np.array([r[2] for r in self.rows], dtype=np.float64),
            np.array([r[3] for r in self.rows], dtype=np.float64),
            starts,
            index,
            value,
            np.asarray(self.integer, dtype=np.int32),
        )
        if start is not None and len(start) == self.columns:
            # A known feasible assignment (the previous stage's): the search starts below it.
            solver.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        solver.run()
        status = solver.getModelStatus()
        info = solver.getInfo()
        has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
        values = np.asarray(solver.getSolution().col_value) if has_solution else None
        infeasible = status in (
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        )
        # A proof of infeasibility is a proof too: the stage's answer is certain.
        proven = status == highspy.HighsModelStatus.kOptimal or infeasible
        bound = info.mip_dual_bound if any(self.integer) else info.objective_function_value
        if not math.isfinite(bound):
            bound = -math.inf
        return Solution(
            values=values,
            infeasible=infeasible,
            proven=proven,
            objective=info.objective_function_value if has_solution else math.inf,
            bound=bound,
        )


@dataclass
class Solution:
    values: np.ndarray | None
    infeasible: bool
    proven: bool
    objective: float
    bound: float


@dataclass
class Layout:
    stay: int  # first stay column (one per class)
    flows: list[tuple[int, int, int]]  # (column, group, entry)
    segments: list[tuple[int, int, int]]  # (first column, class, count) incl. the tail column
    segment_cost: np.ndarray  # cost per column (weigh_revenue), 0 elsewhere
    z: int  # the worst-utilisation column, -1 when absent
    hires: list[tuple[int, int]]  # (column of the headcount, tier)
    hire_flows: list[tuple[int, int, int]]  # (column, group, tier)


def build_model(
    problem: Problem,
    classes: Classes,
    accounts: Accounts,
    *,
    mode: str,  # "fit": within hours; "z": hours x worst utilisation; "hire": with hires
    segments: list[np.ndarray] | None,  # per class: cost breakpoints (weigh_revenue)
    moves_at_most: int | None,
    cost_at_most: float | None,
    z_at_most: float | None,
    hire_hours: Sequence[float] = (),
) -> tuple[Model, Layout]:
    """The MIP of one stage (objective set by the caller from the layout)."""
    model = Model()
    layout = _columns(
        model, problem=problem, classes=classes, accounts=accounts, mode=mode, segments=segments
    )
    _balance_rows(model, layout, problem, classes=classes, accounts=accounts, breaks=segments)
    _entry_rows(model, layout, problem, classes, mode)
    for hire_col, tier in layout.hires:
        columns = [c for c, _, t in layout.hire_flows if t == tier]
        hours = float(problem.hours[tier - 1])
        if columns and hours > 0:
            per_hire = -float(hire_hours[tier - 1])
            model.row([*columns, hire_col], [hours] * len(columns) + [per_hire], -_INF, 0.0)
    classes_count = len(classes.size)
    if moves_at_most is not None:
        # Movers out of the classes: size - stays, summed (forced moves are the caller's).
        model.row(
            [layout.stay + k for k in range(classes_count)],
            [-1.0] * classes_count,
            -_INF,
            float(moves_at_most - int(classes.size.sum())),
        )
    if z_at_most is not None and layout.z >= 0:
        model.upper[layout.z] = z_at_most
    if cost_at_most is not None:
        priced = np.flatnonzero(layout.segment_cost)
        model.row(priced.tolist(), layout.segment_cost[priced].tolist(), -_INF, cost_at_most)
    return model, layout


def _columns(
    model: Model,
    *,
    problem: Problem,
    classes: Classes,
    accounts: Accounts,
    mode: str,
    segments: list[np.ndarray] | None,
) -> Layout:
    classes_count = len(classes.size)
    stay = model.add(classes_count, 0.0, [float(s) for s in classes.size], integer=True)
    flows = [
        (model.add(1, 0.0, _INF, integer=True), g, e)
        for g, entries in enumerate(problem.allowed)
        for e in entries
    ]
    # weigh_revenue: one cost column per class (the cents its movers carry), bounded below by
    # supporting lines of the class's convex cost (lines_of); its objective weight is 1.
    segment_cols: list[tuple[int, int, int]] = []
    seg_cost: list[tuple[int, float]] = []
    for k in range(classes_count if segments is not None else 0):
        total = float(accounts.cents[classes.members[k]].sum())
        column = model.add(1, 0.0, max(total, 0.0) + 1.0, integer=False)
        seg_cost.append((column, 1.0))
        segment_cols.append((column, k, 1))
    z = model.add(1, 0.0, _INF, integer=False) if mode == "z" else -1
    hires: list[tuple[int, int]] = []
    hire_flows: list[tuple[int, int, int]] = []
    if mode == "hire":
        hires = [
            (model.add(1, 0.0, _INF, integer=True), t) for t in range(1, len(problem.hours) + 1)
        ]
        hire_flows = [
            (model.add(1, 0.0, _INF, integer=True), g, tier)
            for g, (tier, _) in enumerate(problem.groups)
        ]
    costs = np.zeros(model.columns)
    for column, value in seg_cost:
        costs[column] = value
    return Layout(
        stay=stay,
        flows=flows,
        segments=segment_cols,
        segment_cost=costs,
        z=z,
        hires=hires,
        hire_flows=hire_flows,
    )


def _balance_rows(
    model: Model,
    layout: Layout,
    problem: Problem,
    *,
    classes: Classes,
    accounts: Accounts,
    breaks: list[np.ndarray] | None,
) -> None:
    """Every account of a group ends somewhere: flows + stays = forced movers + class sizes;
    and each class's cost column lies above the supporting lines at its breakpoints."""
    by_group: list[list[int]] = [[] for _ in problem.groups]
    for column, g, _ in [*layout.flows, *layout.hire_flows]:
        by_group[g].append(column)
    for k in range(len(classes.size)):
        by_group[int(classes.group[k])].append(layout.stay + k)
    sizes = np.zeros(len(problem.groups), dtype=np.int64)
    np.add.at(sizes, classes.group, classes.size)
    for g, columns in enumerate(by_group):
        total = float(classes.forced[g] + sizes[g])
        if columns:
            model.row(columns, [1.0] * len(columns), total, total)
    for column, k, _ in layout.segments:
        assert breaks is not None
        for slope, floor in lines_of(classes, accounts, k, breaks[k]):
            model.row([layout.stay + k, column], [slope, 1.0], floor, _INF)


def _entry_rows(
    model: Model, layout: Layout, problem: Problem, classes: Classes, mode: str
) -> None:
    """Each entry's hours (within its capacity, or its capacity x the worst utilisation z)
    and its account cap."""
    load_cols: list[list[int]] = [[] for _ in problem.capacity]
    load_vals: list[list[float]] = [[] for _ in problem.capacity]
    for k in range(len(classes.size)):
        e = int(classes.entry[k])
        load_cols[e].append(layout.stay + k)
        load_vals[e].append(float(problem.hours[problem.groups[int(classes.group[k])][0] - 1]))
    for column, g, e in layout.flows:
        load_cols[e].append(column)
        load_vals[e].append(float(problem.hours[problem.groups[g][0] - 1]))
    for e, capacity in enumerate(problem.capacity.tolist()):
        fixed = float(classes.fixed_load[e])
        cols, vals = load_cols[e], load_vals[e]
        # A book of fixed accounts alone (pinned, renewing soon) counts too: it can make the
        # hours or the cap impossible, or set the worst utilisation.
        if mode == "z" and capacity > 0:
            if cols or fixed > 0:
                model.row([*cols, layout.z], [*vals, -capacity], -_INF, -fixed)
        elif mode == "z":
            if cols:
                model.row(cols, vals, -_INF, 0.0)
        else:
            # With hires, a book its fixed accounts already overload takes nothing more, but
            # is no reason to call the hiring question unanswerable.
            room = max(capacity - fixed, 0.0) if mode == "hire" else capacity - fixed
            if cols or room < 0:
                model.row(cols, vals, -_INF, room)
        cap = int(problem.caps[e])
        if cap >= 0:
            room = float(cap - classes.fixed_count[e])
            if cols or room < 0:
                model.row(cols, [1.0] * len(cols), -_INF, room)


# ---------------------------------------------------------------------------------------------
# Solving


class Clock:
    def __init__(self, limit: float) -> None:
        self.start = time.perf_counter()
        self.limit = limit

    def left(self) -> float:
        return self.limit - (time.perf_counter() - self.start)


@dataclass
class Stage:
    solution: Solution
    layout: Layout
    segments: list[np.ndarray] | None
    columns: int
    rows: int
    achieved: float = math.inf  # the worst utilisation of the solution (entries with hours)


def solve_stage(
    problem: Problem,
    classes: Classes,
    accounts: Accounts,
    clock: Clock,
    *,
    mode: str,
    objective: str,  # "moves" | "revenue" | "z" | "hires"
    segments: list[np.ndarray] | None,
    moves_at_most: int | None = None,
    cost_at_most: float | None = None,
    z_at_most: float | None = None,
    hire_hours: Sequence[float] = (),
    start: Stage | None = None,
) -> Stage:
    """One lexicographic stage; with revenue cost columns, solved again with a supporting line
    more for any class whose cost column sits below its true cost, until none does."""
    last: Stage | None = None
    while True:
        model, layout = build_model(
            problem,
            classes,
            accounts,
            mode=mode,
            segments=segments,
            moves_at_most=moves_at_most,
            cost_at_most=cost_at_most,
            z_at_most=z_at_most,
            hire_hours=hire_hours,
        )
        cost = np.zeros(model.columns)
        abs_gap, rel_gap = 0.99, 0.0  # moves and cents are whole: a gap below 1 proves it
        if objective == "moves":
            cost[layout.stay : layout.stay + len(classes.size)] = -1.0
        elif objective == "revenue":
            cost = layout.segment_cost
        elif objective == "z":
            cost[layout.z] = 1.0
            abs_gap, rel_gap = UTILISATION_GAP, 0.0
        else:
            for column, _ in layout.hires:
                cost[column] = 1.0
        solution = model.solve(
            cost, clock.left(), abs_gap=abs_gap, rel_gap=rel_gap, start=_start(start, layout)
        )
        stage = Stage(
            solution, layout, segments, model.columns, len(model.rows),
            achieved=_achieved(problem, classes, layout, solution.values),
        )  # fmt: skip
        if solution.values is None and last is not None:
            # Out of time while tightening the cost lines: the last assignment found stands,
            # its revenue exact (decoded from its stays), its optimality not proven.
            last.solution.proven = False
            return last
        if segments is None or solution.values is None:
            return stage
        last = stage
        # A class whose cost column sits below its true cost at the solution gets the line
        # through that point (Kelley's cutting planes on a convex function): finitely many
        # rounds, and at the end every cost column is exact, so the relaxation's optimum is
        # the true one.
        stays = stays_of(stage, classes)
        grown = list(segments)
        for column, k, _ in layout.segments:
            moved = int(classes.size[k] - stays[k])
            true = float(accounts.cents[classes.members[k][:moved]].sum())
            if solution.values[column] < true - 0.5 and moved not in set(segments[k].tolist()):
                grown[k] = np.union1d(segments[k], [moved])
        if all(g is s for g, s in zip(grown, segments, strict=True)):
            return stage
        segments = grown


def _achieved(
    problem: Problem, classes: Classes, layout: Layout, values: np.ndarray | None
) -> float:
    if values is None:
        return math.inf
    load = classes.fixed_load.copy()
    for k in range(len(classes.size)):
        tier = problem.groups[int(classes.group[k])][0]
        load[int(classes.entry[k])] += problem.hours[tier - 1] * round(values[layout.stay + k])
    for column, g, e in layout.flows:
        load[e] += problem.hours[problem.groups[g][0] - 1] * round(values[column])
    served = problem.capacity > 0
    return float((load[served] / problem.capacity[served]).max(initial=0.0))


def _start(previous: Stage | None, layout: Layout) -> np.ndarray | None:
    """The previous stage's solution as a start for this one, when the columns line up (the
    same classes, flows and segments; a worst-utilisation column set to what it achieves)."""
    if previous is None or previous.solution.values is None:
        return None
    values: np.ndarray = previous.solution.values
    if layout.z >= 0 and previous.layout.z < 0 and len(values) == layout.z:
        with_z: np.ndarray = np.r_[values, previous.achieved]
        return with_z
    if previous.layout.z == layout.z and len(values) == len(layout.segment_cost):
        return values
    return None


def first_breaks(size: int) -> np.ndarray:
    """Where a class's cost starts with supporting lines: 0, 1, 4, 16, ... and all of it."""
    powers = [0, *(4**j for j in range(int(math.log(max(size, 1), 4)) + 1))]
    return np.unique(np.minimum(np.array([*powers, size], dtype=np.int64), size))


def lines_of(
    classes: Classes, accounts: Accounts, k: int, breaks: np.ndarray
) -> list[tuple[float, float]]:
    """Supporting lines of class k's cost (cents its `m` cheapest accounts carry), as rows
    slope x stays + cost >= floor. The line at b has the slope of the (b+1)-th cheapest
    account: the cost is convex (cheapest first), so it lies below the cost everywhere and
    touches it at b."""
    revenue = accounts.cents[classes.members[k]].astype(np.float64)
    size = len(revenue)
    prefix = np.r_[0.0, np.cumsum(revenue)]
    out = []
    for b in breaks.tolist():
        slope = revenue[min(b, size - 1)] if size else 0.0
        # cost >= P(b) + slope x (m - b), with m = size - stays
        out.append((float(slope), float(prefix[b] + slope * (size - b))))
    return out


def stays_of(stage: Stage, classes: Classes) -> np.ndarray:
    assert stage.solution.values is not None
    first = stage.layout.stay
    values: np.ndarray = np.rint(stage.solution.values[first : first + len(classes.size)])
    return values.astype(np.int64)


def class_cost(classes: Classes, accounts: Accounts, stays: np.ndarray) -> int:
    """Exact cents moved out of the classes: each class's lowest-revenue accounts move."""
    total = 0
    for k, members in enumerate(classes.members):
        moved = int(classes.size[k] - stays[k])
        total += int(accounts.cents[members[:moved]].sum())
    return total


def hire_hours_per_tier(roster: Roster, tier_count: int) -> list[float]:
    """Hours one hire would have per tier: the median of the people serving it today."""
    out = []
    for tier in range(1, tier_count + 1):
        hours = [e.hours for e in roster.entries if e.serves(tier) and e.hours > 0]
        out.append(float(median(hours)) if hours else DEFAULT_HOURS_PER_CSM)
    return out


def decode(
    problem: Problem,
    classes: Classes,
    *,
    stage: Stage,
    stays: np.ndarray,
    owner_entry: np.ndarray,
) -> np.ndarray:
    """The roster entry of every account (-1: left as it is, with no entry on the roster)."""
    assert stage.solution.values is not None
    target = problem.fixed.copy()
    movers: list[list[np.ndarray]] = [[] for _ in problem.groups]
    for k, members in enumerate(classes.members):
        moved = int(classes.size[k] - stays[k])
        target[members[moved:]] = classes.entry[k]
        movers[int(classes.group[k])].append(members[:moved])
    for g, members in enumerate(classes.forced_members):
        if classes.forced[g]:
            movers[g].append(members)
    slots: list[dict[int, int]] = [{} for _ in problem.groups]
    for column, g, e in stage.layout.flows:
        count = round(stage.solution.values[column])
        if count:
            slots[g][e] = slots[g].get(e, 0) + count
    for g, parts in enumerate(movers):
        group = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        if not len(group):
            continue
        # A flow back to an account's own owner is a stay (the solver may send a zero-revenue
        # account round): keep it with its owner, the highest revenue first.
        keep = np.ones(len(group), dtype=bool)
        owners = owner_entry[group]
        for e, count in list(slots[g].items()):
            own = np.flatnonzero((owners == e) & keep)
            back = own[len(own) - min(len(own), count) :]
            if len(back):
                target[group[back]] = e
                keep[back] = False
                slots[g][e] = count - len(back)
        left = group[keep]
        places = np.repeat(
            np.array(list(slots[g]), dtype=np.int64), np.array(list(slots[g].values()), np.int64)
        )
        if len(places) != len(left):
            raise RuntimeError("the solver's flows do not match the accounts that move")
        target[left] = places
    return target
