"""What the app says about a scenario and decides for it: its description, the comparison of
several side by side, the meeting pack's content, what opening one puts on screen, and which
version a save may replace.

The Scenarios page (ui/scenarios.py) renders these and keeps them in the session; nothing here
knows about Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from lib import books, pack, views
from lib.capacity import Plan, TierCapacity
from lib.criteria import COMPONENTS
from lib.dataset import Dataset
from lib.errors import InputError
from lib.formatting import count, money, percent
from lib.migration import Migration, migration_between
from lib.planning import capacities, default_plan
from lib.scenario import Scenario, comparability, dataset_fingerprint
from lib.scenario_store import SavedScenario, ScenarioStore, saved_by, version_to_replace
from lib.slices import DIMENSIONS, known_labels
from lib.tiering import TierFigures, TierSummary, summarize


def fingerprint(dataset: Dataset) -> str:
    """What a scenario records of the data it was made on."""
    return dataset_fingerprint(dataset.source, dataset.index.customers, dataset.index.total_revenue)


def describe(scenario: Scenario, currency: str = "$") -> str:
    """A scenario in a few words: "3 tiers by revenue, cut-offs $55K / $20K"."""
    score = scenario.criteria.is_score
    cuts = " / ".join(f"{cut:g}" if score else money(cut, currency) for cut in scenario.cuts)
    words = f"{scenario.tier_count} tiers by {'score' if score else 'revenue'}, cut-offs {cuts}"
    if not scenario.slice.is_everything:
        words += f", slice {scenario.slice.describe()}"
    return words


def saved_label(item: SavedScenario, dataset: Dataset) -> str:
    """A saved scenario in a list: name, set-up, who saved it when, and "other data" when it
    was made on other data."""
    mark = "" if item.scenario.dataset == fingerprint(dataset) else " · other data"
    words = describe(item.scenario, item.scenario.currency or dataset.currency)
    return f"{item.name} — {words} · {saved_by(item.author, item.saved_at)}{mark}"


def comparable(dataset: Dataset, scenario: Scenario) -> bool:
    """Whether a scenario's figures can be computed on `dataset` (not in another currency)."""
    return comparability(scenario, fingerprint(dataset), dataset.currency)[0]


@dataclass(frozen=True)
class Figures:
    """One scenario's tiers on the data in use, and its teams' load against them."""

    summary: TierSummary
    capacities: tuple[TierCapacity, ...]


def figures(dataset: Dataset, scenario: Scenario) -> Figures:
    """A scenario's tiers and load on `dataset`; without a plan of its own, teams sized as a
    fresh start sizes them (lib.planning.default_plan)."""
    index = dataset.index_for(scenario.slice, scenario.criteria)
    summary = summarize(index, scenario.cuts)
    plan = scenario.plan or default_plan(dataset, scenario.criteria, scenario.cuts)
    loads = capacities(
        dataset, index, summary, plan, part=scenario.slice, criteria=scenario.criteria
    )
    return Figures(summary, loads)


_ROWS: tuple[tuple[str, Callable[[TierFigures, TierCapacity, str], str]], ...] = (
    ("customers", lambda t, c, cash: f"{count(t.customers)} ({percent(t.customer_share)})"),
    ("revenue", lambda t, c, cash: f"{money(t.revenue, cash)} ({percent(t.revenue_share)})"),
    ("load", lambda t, c, cash: views.load_label(c)),
    ("margin", lambda t, c, cash: money(c.margin, cash)),
)


def comparison_rows(
    dataset: Dataset, chosen: Sequence[tuple[str, Scenario]]
) -> tuple[list[str], list[list[str]]]:
    """The comparison as HTML-escaped cells: the header (scenario names, a sign on those made
    on other data or refused) and the rows (set-up, made on, then per tier customers, revenue,
    load and margin). A scenario in another currency gets "—" instead of figures."""
    notes = [comparability(s, fingerprint(dataset), dataset.currency) for _, s in chosen]
    found = [
        figures(dataset, s) if ok else None for (_, s), (ok, _) in zip(chosen, notes, strict=True)
    ]
    deepest = max((len(f.summary.tiers) for f in found if f), default=0)
    cash = dataset.currency
    body = [
        ["Set-up", *(escape(describe(s, s.currency or cash)) for _, s in chosen)],
        [
            "Made on",
            *(
                f'<span data-figure="made_on" style="white-space:normal">'
                f"{escape(note or 'this data')}</span>"
                for _, note in notes
            ),
        ],
    ]
    for t in range(deepest):
        for label, show in _ROWS:
            cells = [
                show(f.summary.tiers[t], f.capacities[t], cash)
                if f and t < len(f.summary.tiers)
                else "—"
                for f in found
            ]
            body.append([f"Tier {t + 1} {label}", *(escape(cell) for cell in cells)])
    header = [
        "Scenario",
        *(
            escape(name) + ("" if ok and not note else f" {views.ALERT_SIGN}")
            for (name, _), (ok, note) in zip(chosen, notes, strict=True)
        ),
    ]
    return header, body


def comparison_html(dataset: Dataset, chosen: Sequence[tuple[str, Scenario]]) -> str:
    """Side by side: each scenario's tiers, load and cost (rows) for 2 to 4 scenarios (columns)."""
    header, body = comparison_rows(dataset, chosen)
    return views.table_html(header, body)


def moves_between(
    dataset: Dataset,
    first: tuple[str, Scenario],
    second: tuple[str, Scenario],
    *,
    first_moves: bool = False,
) -> Migration:
    """Who moves from the first scenario's tiers to the second's (on the second's slice).

    `first_moves`: the first is the one on screen, new on every slider move. Across criteria
    the flows need an index by the tiers they come from (built once per such tiering, then
    cached), so they are then counted from the second's tiers and turned round.

    InputError when either was made on data in another currency: their cut-offs mean nothing
    here."""
    (name_before, before), (name_after, after) = first, second
    if not all(comparable(dataset, s) for s in (before, after)):
        raise InputError(
            f"Who moves from {name_before} to {name_after} is not shown: one of them was made on "
            "data in another currency."
        )
    if before.criteria == after.criteria:  # one key: tiers are stretches of one index
        index = dataset.index_for(after.slice, after.criteria)
        return migration_between(index, before.cuts, after.cuts)
    if first_moves:
        return dataset.flows(
            after.slice, before.criteria, before.cuts, baseline=(after.criteria, after.cuts)
        ).reversed()
    return dataset.flows(
        after.slice, after.criteria, after.cuts, baseline=(before.criteria, before.cuts)
    )


def criteria_words(scenario: Scenario) -> str:
    """What the cut-offs apply to, as the pack says it."""
    if not scenario.criteria.is_score:
        return "annual revenue"
    weights = ", ".join(f"{COMPONENTS[c]} {w:g}" for c, w in scenario.criteria.weights)
    return f"weighted score: {weights}"


def pack_content(dataset: Dataset, scenario: Scenario, title: str) -> pack.PackContent:
    """Everything the meeting pack of a scenario shows (no load without a plan of its own; no
    migration when there is nothing to compare with)."""
    index = dataset.index_for(scenario.slice, scenario.criteria)
    summary = summarize(index, scenario.cuts)
    plan = scenario.plan
    loads = (
        capacities(dataset, index, summary, plan, part=scenario.slice, criteria=scenario.criteria)
        if plan is not None
        else None
    )
    try:
        migration: Migration | None = dataset.flows(
            scenario.slice, scenario.criteria, scenario.cuts
        )
    except InputError:
        migration = None
    return pack.PackContent(
        title=title,
        dataset=f"{dataset.source} · {count(dataset.index.customers)} customers",
        scope=scenario.slice.describe(),
        criteria=criteria_words(scenario),
        summary=summary,
        score=scenario.criteria.is_score,
        pareto=index.pareto,
        capacities=loads,
        unprofitable=books.unprofitable_counts(index, summary.cuts, plan) if plan else None,
        plan=plan,
        migration=migration,
        currency=dataset.currency,
    )


def pack_html(dataset: Dataset, scenario: Scenario, title: str, now: datetime | None = None) -> str:
    """The meeting pack of a scenario, as one self-contained HTML page."""
    return pack.render(pack_content(dataset, scenario, title), now or datetime.now(UTC))


@dataclass(frozen=True)
class Opening:
    """What opening a scenario puts on screen, and what to say about it."""

    scenario: Scenario
    weights: dict[str, float] | None  # a score's weight per component (0 if not weighed)
    slice: dict[str, list[str]]  # per dimension, the labels this data has
    plan: Plan  # its own, or the defaults sized to its tiers
    warnings: tuple[str, ...]


def opening(scenario: Scenario, dataset: Dataset) -> Opening:
    """Open a scenario on `dataset`: slice values this data lacks are dropped, a missing plan is
    sized to its tiers as a fresh start would be, and each difference is said."""
    warnings = []
    weights = None
    if scenario.criteria.is_score:  # a component the scenario does not weigh counts for 0
        given = scenario.criteria.weight_map()
        weights = {component: given.get(component, 0.0) for component in COMPONENTS}
    chosen = dict(scenario.slice.filters)
    kept_slice: dict[str, list[str]] = {}
    for dim in DIMENSIONS:
        labels = chosen.get(dim, ())
        kept = known_labels(dataset.dimensions, dim, labels)
        if len(kept) < len(labels):
            warnings.append(
                f"{DIMENSIONS[dim]} values not in this data were dropped from the slice: "
                + ", ".join(label for label in labels if label not in kept)
                + "."
            )
        kept_slice[dim] = kept
    # A link without a service model (typed by hand, or from an older version) still needs
    # one team per tier: sized to its tiers, as a fresh start would be.
    plan = scenario.plan or default_plan(dataset, scenario.criteria, scenario.cuts)
    if scenario.dataset and scenario.dataset != fingerprint(dataset):
        warnings.append(
            "This scenario was made on other data: its cut-offs are applied as they are, and "
            "the figures are this data's."
        )
    if not comparable(dataset, scenario):
        warnings.append(
            f"It was made on data in {scenario.currency.strip()}: its cut-offs are read as "
            f"{dataset.currency.strip()} here."
        )
    return Opening(scenario, weights, kept_slice, plan, tuple(warnings))


def expected_version(
    store: ScenarioStore, name: str, opened: tuple[str, int] | None, replace: bool
) -> int | None:
    """The version a save may overwrite: none unless "Replace" is ticked (a taken name is then
    a conflict); with it, the version this session opened, else the latest
    (lib.scenario_store.version_to_replace)."""
    return version_to_replace(store, name, opened) if replace else None
