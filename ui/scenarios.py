"""Scenarios in the app: the one on screen, saved ones, share links, comparison, exports.

The state on screen is always a `Scenario`; the address bar always holds its link (rewritten on
every run), and a session opened from a link starts from it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import streamlit as st

from lib import books, capacity, pack, views
from lib.criteria import COMPONENTS
from lib.errors import InputError
from lib.export import to_csv_bytes, xlsx_bytes
from lib.formatting import count, money, percent
from lib.scenarios import (
    SavedScenario,
    Scenario,
    ScenarioStore,
    dataset_fingerprint,
    from_query,
    open_store,
    saved_by,
    to_query,
)
from lib.slices import DIMENSIONS
from lib.store import CustomerStore
from lib.tiering import summarize
from ui import presentation, session, state

LINK_CHECKED = "tb_link_checked"  # the session's first run looked at the address bar
NOTICE = "tb_scenario_notice"  # (kind, message) to show once, e.g. after opening a link
LOADED = "tb_loaded_scenario"  # (name, version) of the saved scenario last loaded
PRESENT_PARAM = "present"  # the link opens in presentation mode


def store() -> ScenarioStore:
    # Opened per use: a path, or a PostgreSQL store made once per process; every operation has
    # its own connection. The session's configuration: no file read on every rerun.
    return open_store(session.settings())


def saved() -> list[SavedScenario]:
    """Saved scenarios, newest first (empty, with the reason on screen, if the store fails)."""
    try:
        return store().list()
    except InputError as error:
        st.error(f"Saved scenarios are not available: {error}", icon=":material/warning:")
        return []


def fingerprint(data: CustomerStore) -> str:
    return dataset_fingerprint(data.source, data.index.customers, data.index.total_revenue)


def current(data: CustomerStore) -> Scenario:
    """The scenario on screen: cut-offs, criteria, slice, service model, and which data."""
    cuts = state.cuts()
    return Scenario(
        cuts=tuple(cuts),
        criteria=state.criteria(),
        plan=state.plan(len(cuts) + 1),
        slice=state.current_slice(data),
        dataset=fingerprint(data),
    )


def apply(scenario: Scenario, data: CustomerStore) -> list[str]:
    """Put a scenario on screen (call before the widgets are drawn); returns warnings."""
    warnings = []
    st.session_state[state.TIERS] = scenario.tier_count
    st.session_state[state.BY] = scenario.criteria.by
    if scenario.criteria.is_score:  # a component the scenario does not weigh counts for 0
        given = scenario.criteria.weight_map()
        state.set_weights({component: given.get(component, 0.0) for component in COMPONENTS})
    chosen = dict(scenario.slice.filters)
    kept_slice: dict[str, list[str]] = {}
    for dim in DIMENSIONS:
        labels = chosen.get(dim, ())
        known = data.dimensions.get(dim)
        kept = [label for label in labels if known is not None and label in known.labels]
        if len(kept) < len(labels):
            warnings.append(
                f"{DIMENSIONS[dim]} values not in this data were dropped from the slice: "
                + ", ".join(label for label in labels if label not in kept)
                + "."
            )
        kept_slice[dim] = kept
    state.set_slice(kept_slice)
    state.set_cuts(tuple(scenario.cuts))
    # A link without a service model (typed by hand, or from an older version) still needs
    # one team per tier: sized to its tiers, as a fresh start would be.
    state.set_plan(scenario.plan or state.plan_sized_to(data, tuple(scenario.cuts)))
    if scenario.dataset and scenario.dataset != fingerprint(data):
        warnings.append(
            "This scenario was made on other data: its cut-offs are applied as they are, and "
            "the figures are this data's."
        )
    st.session_state[state.DATASET] = state.fingerprint(data)  # no reset for the new criteria
    return warnings


def restore_link_once(data: CustomerStore) -> None:
    """On a session's first run, open the scenario in the address bar, if there is one."""
    if st.session_state.get(LINK_CHECKED):
        return
    st.session_state[LINK_CHECKED] = True
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    if not params:
        return
    st.session_state[presentation.PRESENT] = params.get(PRESENT_PARAM, [""])[-1] == "1"
    try:
        warnings = apply(from_query(params), data)
    except InputError as error:
        st.session_state[NOTICE] = (
            "error",
            f"This link could not be opened: {error} Showing the suggested cut-offs instead.",
        )
        return
    note = " ".join(["Opened the shared view from the link.", *warnings])
    st.session_state[NOTICE] = ("warning" if warnings else "info", note)


def sync_link(data: CustomerStore) -> None:
    """Write the scenario on screen into the address bar (only when it changed).

    Every figure it reads is held within the bounds a scenario takes (lib/scenarios.py,
    lib/capacity.py) by the inputs and their callbacks, so this cannot fail on a typed value.
    """
    wanted = to_query(current(data))
    if presentation.is_on():
        wanted[PRESENT_PARAM] = "1"
    if {key: st.query_params.get(key) for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def notice() -> None:
    """Show, once, what happened when a link or a scenario was opened."""
    shown = st.session_state.pop(NOTICE, None)
    if shown is not None:
        kind, message = shown
        if kind == "info" and presentation.is_on():  # a toast keeps the shared screen unscrolled
            st.toast(message, icon=":material/link:")
        else:
            getattr(st, kind)(message, icon=":material/link:")


def describe(scenario: Scenario, currency: str = "$") -> str:
    """A scenario in a few words: "3 tiers by revenue, cut-offs $55K / $20K"."""
    score = scenario.criteria.is_score
    cuts = " / ".join(f"{cut:g}" if score else money(cut, currency) for cut in scenario.cuts)
    words = f"{scenario.tier_count} tiers by {'score' if score else 'revenue'}, cut-offs {cuts}"
    if not scenario.slice.is_everything:
        words += f", slice {scenario.slice.describe()}"
    return words


def _figures(data: CustomerStore, scenario: Scenario) -> dict[str, object]:
    index = data.index_for(scenario.slice, scenario.criteria)
    summary = summarize(index, scenario.cuts)
    plan = scenario.plan or capacity.Plan.default_for(summary)
    capacities = capacity.tier_capacity(
        summary, plan, books.tier_measure(index, summary.cuts, "cost_to_serve")
    )
    return {"summary": summary, "capacities": capacities}


def comparison_html(data: CustomerStore, chosen: list[tuple[str, Scenario]]) -> str:
    """Side by side: each scenario's tiers, load and cost (rows) for 2 to 4 scenarios (columns)."""
    figures = [_figures(data, scenario) for _, scenario in chosen]
    deepest = max(len(f["summary"].tiers) for f in figures)
    cash = data.currency
    shown = (
        ("customers", lambda t, c: f"{count(t.customers)} ({percent(t.customer_share)})"),
        ("revenue", lambda t, c: f"{money(t.revenue, cash)} ({percent(t.revenue_share)})"),
        ("load", lambda t, c: views.load_label(c)),
        ("margin", lambda t, c: money(c.margin, cash)),
    )
    body = [["Set-up", *(escape(describe(s, cash)) for _, s in chosen)]]
    for t in range(deepest):
        for label, show in shown:
            cells = [
                show(f["summary"].tiers[t], f["capacities"][t])
                if t < len(f["summary"].tiers)
                else "—"
                for f in figures
            ]
            body.append([f"Tier {t + 1} {label}", *(escape(cell) for cell in cells)])
    header = ["Scenario", *(escape(name) for name, _ in chosen)]
    return views.table_html(header, body)


def pack_html(data: CustomerStore, scenario: Scenario, title: str) -> str:
    """The meeting pack of a scenario (no session state: it may run when the download starts)."""
    index = data.index_for(scenario.slice, scenario.criteria)
    summary = summarize(index, scenario.cuts)
    other = books.tier_measure(index, summary.cuts, "cost_to_serve")
    plan = scenario.plan
    caps = capacity.tier_capacity(summary, plan, other) if plan is not None else None
    try:
        migration, _ = data.migration(scenario.slice, scenario.criteria, scenario.cuts)
    except InputError:
        migration = None
    criteria = (
        "weighted score: "
        + ", ".join(f"{COMPONENTS[c]} {w:g}" for c, w in scenario.criteria.weights)
        if scenario.criteria.is_score
        else "annual revenue"
    )
    content = pack.PackContent(
        title=title,
        dataset=f"{data.source} · {count(data.index.customers)} customers",
        scope=scenario.slice.describe(),
        criteria=criteria,
        summary=summary,
        score=scenario.criteria.is_score,
        pareto=index.pareto,
        capacities=caps,
        unprofitable=books.unprofitable_counts(index, summary.cuts, plan) if plan else None,
        plan=plan,
        migration=migration,
        currency=data.currency,
    )
    return pack.render(content, datetime.now(UTC))


def exports(data: CustomerStore) -> None:
    """Downloads: the tier list (CSV, XLSX) and the meeting pack (HTML).

    Each file is made when its button is pressed (a deferred download), not on every rerun:
    at a million customers a tier list takes a second to write.
    """
    scenario = current(data)
    title = st.session_state.get("tb_pack_title") or "Customer tiers"

    def table() -> object:
        return data.tier_table(scenario.slice, scenario.criteria, scenario.cuts)

    downloads = (
        ("Tier list (CSV)", lambda: to_csv_bytes(table()), "tiers.csv", "text/csv",
         "One row per customer for CRM re-import: id, name, tier, revenue, previous tier."),
        ("Tier list (XLSX)", lambda: xlsx_bytes(table()), "tiers.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "The same list as an Excel workbook; text stays text, figures stay numbers."),
        ("Meeting pack (HTML)", lambda: pack_html(data, scenario, title), "tierboard-pack.html",
         "text/html", "One self-contained page: parameters, tiers, charts, load, cost and who "
         "moves. Prints on A4; attach it to an email."),
    )  # fmt: skip
    for column, (label, made, file_name, mime, help_text) in zip(
        st.columns(len(downloads)), downloads, strict=True
    ):
        column.download_button(
            label, data=made, file_name=file_name, mime=mime, help=help_text, width="stretch"
        )


def saved_label(item: SavedScenario, data: CustomerStore) -> str:
    mark = "" if item.scenario.dataset == fingerprint(data) else " · other data"
    words = describe(item.scenario, data.currency)
    return f"{item.name} — {words} · {saved_by(item.author, item.saved_at)}{mark}"
