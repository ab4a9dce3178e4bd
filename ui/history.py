"""The Tiers over time page's parts: the rules, the flow across periods, churn per quarter, the
flapped accounts, the from -> to matrix of two periods, and with / without the rules.

Per rerun (a slider move) the page measures the history twice — under the rules and without —
with lib.history's stability (numpy passes over the arrays built at load); each account's tiers
are made again only for a matrix of periods apart or the flapped list (asked for), the stable
suggestions only when their buttons are pressed, and the flapped file when listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from lib import views
from lib.capacity import Plan
from lib.export import to_csv_bytes
from lib.flow_chart import flow_figure, flow_title
from lib.formatting import (
    cap_percent,
    churn_percent,
    count,
    hours,
    markdown_text,
    money,
    percent,
    plural,
    points_between,
)
from lib.history import DEFAULT_FLAP_WITHIN, Rules
from lib.history_charts import churn_figure, churn_title
from lib.history_figures import (
    DEFAULT_CHURN_TARGET,
    LoadedHistory,
    Outcome,
    churn_table,
    flapped_table,
)
from lib.history_figures import outcomes as both_outcomes  # `outcomes` below is this module's
from lib.history_suggest import smallest_stable_buffer, stable_cuts_for_shares
from ui import keys, state, tables, widgets

MAX_BUFFER_PERCENT = 50
MAX_MIN_STAY = 8
PREVIEW = 500  # flapped accounts listed on the page; the download has every one


# --- the rules: values in keys.TYPED, widgets drawn from them (ui/state.py says why) ----------


def rules_controls(loaded: LoadedHistory) -> tuple[Rules, int, float]:
    """Buffer band, minimum stay, protection until renewal, what a flap is, the churn cap:
    (the rules, flap window in periods, churn cap as a share)."""
    has_renewals = loaded.history.protected is not None
    band, stay, protect = st.columns([2, 1, 1])
    within, target, _ = st.columns([1, 1, 2])
    with band:
        st.slider(
            "Buffer band (%)",
            min_value=0.0,
            max_value=float(MAX_BUFFER_PERCENT),
            step=0.1,
            format="%.1f",
            help="An account changes tier only when its revenue passes a cut-off by more than "
            "this: with a $50K cut-off and 10%, a Tier 2 account moves up at $55K and a Tier 1 "
            "account down below $45K; in between it keeps its tier. 0: the plain rules.",
            key=keys.HISTORY_BUFFER,
            on_change=state.keep_typed,
            args=state.drawn_typed("history_buffer", keys.HISTORY_BUFFER, 0.0),
        )
    with stay:
        st.number_input(
            "Minimum stay (periods)",
            value=None,  # a cleared box: None, the figure kept (ui/state.py)
            min_value=0,
            max_value=MAX_MIN_STAY,
            step=1,
            help="No demotion before an account has been this many periods in its tier (the "
            "period it arrived counts). Promotions are never held back. 0 or 1: no effect.",
            key=keys.HISTORY_MIN_STAY,
            on_change=state.keep_typed,
            args=state.drawn_typed("history_min_stay", keys.HISTORY_MIN_STAY, 0),
        )
    with protect:
        st.toggle(
            "Protect until renewal",
            disabled=not has_renewals,
            help="No demotion while the account's next renewal (as the previous period records "
            "it) is after the period's end."
            + ("" if has_renewals else " The periods have no renewal date column."),
            key=keys.HISTORY_PROTECT,
            on_change=state.keep_typed,
            args=state.drawn_typed("history_protect", keys.HISTORY_PROTECT, False),
        )
    with within:
        st.number_input(
            "A flap: back within (periods)",
            value=None,  # a cleared box: None, the figure kept (ui/state.py)
            min_value=2,
            max_value=max(2, loaded.history.periods),
            step=1,
            help="An account flaps when it leaves a tier and is back in it within this many "
            "periods.",
            key=keys.HISTORY_FLAP_WITHIN,
            on_change=state.keep_typed,
            args=state.drawn_typed(
                "history_flap_within", keys.HISTORY_FLAP_WITHIN, DEFAULT_FLAP_WITHIN
            ),
        )
    with target:
        st.number_input(
            "Churn cap (% of accounts)",
            value=None,  # a cleared box: None, the figure kept (ui/state.py)
            min_value=1,
            max_value=100,
            step=1,
            help="The most accounts that should change tier in a quarter; a common guideline "
            "is 20%.",
            key=keys.HISTORY_TARGET,
            on_change=state.keep_typed,
            args=state.drawn_typed(
                "history_target", keys.HISTORY_TARGET, round(DEFAULT_CHURN_TARGET * 100)
            ),
        )
    return typed_rules(loaded)  # the widgets' values: state.keep_typed put each in keys.TYPED


def typed_rules(loaded: LoadedHistory) -> tuple[Rules, int, float]:
    """The rules as last set on the Tiers over time page (its defaults until then), for
    `loaded`: (the rules, flap window in periods, churn cap as a share). Every page reads them
    here, so a figure page's with / without rules (ui/rules_compare.py) is the history page's."""
    has_renewals = loaded.history.protected is not None
    buffer = min(max(float(state.typed("history_buffer", 0.0)), 0.0), float(MAX_BUFFER_PERCENT))
    rules = Rules(
        # As typed, to the 0.1%: 2.9 / 100 in doubles is 0.028999..., a band a hair narrower.
        buffer=round(buffer / 100, 4),
        min_stay=min(max(int(state.typed("history_min_stay", 0)), 0), MAX_MIN_STAY),
        protect_until_renewal=bool(state.typed("history_protect", False)) and has_renewals,
    )
    within = int(state.typed("history_flap_within", DEFAULT_FLAP_WITHIN))
    within = max(2, min(within, loaded.history.periods))
    target = min(max(int(state.typed("history_target", round(DEFAULT_CHURN_TARGET * 100))), 1), 100)
    return rules, within, target / 100


def _with(rules: Rules) -> str:
    return "Without stability rules" if rules.is_plain else f"With {rules_words(rules)}"


def _band(buffer: float) -> str:
    return f"{buffer * 100:.1f}".rstrip("0").rstrip(".") + "%"


def rules_words(rules: Rules) -> str:
    """ "a 10% buffer band, a 2-period minimum stay and protection until renewal"."""
    parts = []
    if rules.buffer:
        parts.append(f"a {_band(rules.buffer)} buffer band")
    if rules.min_stay > 1:
        parts.append(f"a {rules.min_stay}-period minimum stay")
    if rules.protect_until_renewal:
        parts.append("protection until renewal")
    if not parts:
        return "no rules"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- the outcomes -------------------------------------------------------------------------------


def outcomes(
    loaded: LoadedHistory, cuts: Sequence[float], rules: Rules, plan: Plan, flap_within: int
) -> tuple[Outcome, Outcome]:
    """(without the rules, with them): the same when the rules are plain."""
    per_account = plan.matrix.hours_per_account()
    return both_outcomes(loaded.history, cuts, rules, per_account, flap_within)


ONE_PERIOD_NEXT = {
    "adopted": "each day with an adoption is a period (a day keeps its last adoption): adopt a "
    "plan on another day, or build the history from snapshot files or a transactions file.",
    "snapshots": "add a file for another quarter and build the history again.",
    "transactions": "the file's dates span one quarter end only: add the earlier lines.",
}


def one_period(source: str, label: str) -> None:
    """What to do when the history has one period: every figure of a change would read 0."""
    st.info(  # markdown-safe: the label is made by lib (2026 Q3 or a date); the rest constants
        f"The history has one period ({markdown_text(label)}), so no account has changed tier "
        "yet: " + ONE_PERIOD_NEXT.get(source, "add another period."),
        icon=":material/info:",
    )


def headline(ruled: Outcome, rules: Rules, target: float) -> None:
    worst = ruled.worst
    if worst is None:
        st.info("One period only: add another to see who changes tier.", icon=":material/info:")
        return
    over = ruled.quarters_over(target)
    quarters = len(ruled.stability.transitions)
    st.markdown(  # markdown-safe: period labels are made by lib (2026 Q3 or a date), figures
        f"### {_with(rules)}, {churn_percent(ruled.mean_changed_share)} of "
        f"accounts change tier in an average quarter; at most {churn_percent(worst.changed_share)} "
        f"({markdown_text(worst.to_period)}). "
        + (
            f"Every quarter is within the {cap_percent(target)} cap."
            if not over
            else f"{over} of {quarters} quarters are over the {cap_percent(target)} cap."
            if quarters > 1
            else f"The quarter is over the {cap_percent(target)} cap."
        )
    )


def flow(ruled: Outcome, currency: str) -> None:
    """The flow chart across periods, by accounts or by revenue."""
    by = st.radio(
        "Flow of",
        options=["accounts", "revenue"],
        key=keys.HISTORY_FLOW_BY,
        horizontal=True,
        on_change=state.keep_typed,
        args=state.drawn_typed("history_flow_by", keys.HISTORY_FLOW_BY, "accounts"),
        help="Band widths: how many accounts, or how much revenue, go from each tier to each.",
    )
    st.html(
        views.chart_title_html(flow_title(ruled.stability, by == "revenue"), "history_flow_title")
    )
    st.plotly_chart(
        flow_figure(ruled.stability, by_revenue=by == "revenue", currency=currency),
        key=keys.HISTORY_FLOW_CHART,
    )
    st.caption(
        "One column per period, Tier 1 on top; “none”: not a customer that period (new or "
        "churned). Quiet bands keep their tier; bright ones change, in the colour of the tier "
        "they go to."
    )


def churn(
    ruled: Outcome, plain: Outcome, target: float, currency: str, made_from: tuple[object, ...]
) -> None:
    """Share of accounts and revenue changing tier each quarter, the cap marked, and the table
    (its CSV prepared on request for the view `made_from`)."""
    if not ruled.stability.transitions:
        return
    compare = None if plain is ruled else plain.stability
    st.html(views.chart_title_html(churn_title(ruled.stability, target), "history_churn_title"))
    st.plotly_chart(churn_figure(ruled.stability, target, compare), key=keys.HISTORY_CHURN_CHART)
    # A table in the page's own HTML, not st.dataframe: seven-odd rows need no scrolling or
    # sorting, read at the matrix's size, and the browser settles a move ~85 ms sooner (the
    # grid redraws its canvas and its hidden table after everything else; bench/browser_pages).
    st.html(views.quarters_html(ruled.stability, target, currency))
    widgets.prepared_download(  # markdown-safe: label and help are constants
        st.columns([1, 2])[0],
        made_from,
        lambda: to_csv_bytes(churn_table(ruled.stability)),
        label="quarter table (CSV)",
        file_name="tier-changes-by-quarter.csv",
        mime="text/csv",
        help_text="Each quarter's accounts and revenue changing tier, new and churned, "
        "formula-safe.",
    )
    st.caption(  # the from -> to matrix below counts moves up and down apart from these
        "Accounts changing tier include new and churned accounts (from or to “none”): the New "
        "and Churned columns say how many of them there are."
    )


def _hours_text(needed: float, plan: Plan) -> str:
    available = sum(plan.hours_available())
    if available <= 0:
        return f"{hours(needed)} (no team hours)"
    return f"{hours(needed)} of {hours(available)} ({percent(needed / available)})"


def _row(title: str, result: Outcome, base: Outcome | None, plan: Plan, target: float) -> None:
    """One row of the comparison; `base`: the row without the rules, for the differences."""
    latest = result.stability.periods[-1]
    st.markdown(f"**{markdown_text(title)}**")
    worst, over, flaps, top, load = st.columns(5)
    needed, available = result.hours_needed[-1], sum(plan.hours_available())

    def differs(figure: Callable[[Outcome], float]) -> float | None:
        return None if base is None else figure(result) - figure(base)

    def points(figure: Callable[[Outcome], float]) -> float | None:
        return None if base is None else points_between(figure(result), figure(base))

    worst.metric(
        "Worst quarter",
        churn_percent(_worst(result)),
        **_change(points(_worst), _points),
        help="The largest share of accounts changing tier from one period to the next "
        "(new and churned accounts included).",
    )
    over.metric(
        f"Over {cap_percent(target)}",
        f"{result.quarters_over(target)} of {len(result.stability.transitions)}",
        **_change(differs(lambda o: o.quarters_over(target)), "{:+d}".format),
        help=f"Quarters in which more than {cap_percent(target)} of accounts change tier (the "
        "cap).",
    )
    flaps.metric(
        "Flapped",
        count(result.stability.flapped),
        **_change(differs(lambda o: o.stability.flapped), "{:+,d}".format),
        help="Accounts that left a tier and were back in it within the periods set above.",
    )
    top.metric(  # to a tenth, like its change: "40%" beside "+3.5 pts" read as a wrong sum
        "Tier 1 revenue",
        churn_percent(result.top_tier_share),
        **_change(points(lambda o: o.top_tier_share), _points, judged=False),
        help=f"Tier 1's share of revenue in {markdown_text(latest)}, the latest period.",
    )
    load.metric(  # markdown-safe: the period label is escaped, the rest are figures
        "CSM hours",
        hours(needed),
        **_change(differs(lambda o: o.hours_needed[-1]), "{:+,.0f} h".format, judged=False),
        help=f"Hours a year {markdown_text(latest)}'s tiers need under the Plan page's service "
        "matrix; the "
        f"teams have {hours(available)}"
        + (f" ({percent(needed / available)} used)." if available > 0 else "."),
    )


def _change(
    difference: float | None, text: Callable[[Any], str], *, judged: bool = True
) -> dict[str, Any]:
    """A metric's delta against the row without the rules (None: this is that row). Judged:
    fewer is better (green). No change says so, grey and with no arrow (it showed a red, or an
    up, "+0")."""
    if difference is None:
        return {}
    return {
        "delta": text(difference) if difference else "no change",
        "delta_color": "inverse" if judged and difference else "off",
        "delta_arrow": "auto" if difference else "off",
    }


def _worst(result: Outcome) -> float:
    return result.worst.changed_share if result.worst else 0.0


def _points(difference: float) -> str:
    """A difference already in points (points_between)."""
    return f"{difference:+.1f} pts"


def comparison(
    plain: Outcome,
    ruled: Outcome,
    rules: Rules,
    plan: Plan,
    target: float,
    *,
    where: str = "above",
) -> None:
    """Without the rules and with them, one row each: churn, flaps, Tier 1's revenue, load.
    `where` the rules are set, as the hint under a single row says it."""
    _row("Without rules", plain, None, plan, target)
    if ruled is plain:
        st.caption(  # markdown-safe: `where` is one of this code's phrases
            f"Set a buffer band, a minimum stay or protection until renewal {where} to see the "
            "same figures under them, next to these."
        )
        return
    _row(f"With {rules_words(rules)}", ruled, plain, plan, target)


# --- stable suggestions, on request (a search over the history: never on a slider move) -------


def _use_buffer(buffer: float) -> None:
    state.set_typed("history_buffer", round(buffer * 100, 1))


def suggestion(
    loaded: LoadedHistory, cuts: Sequence[float], rules: Rules, target: float, shares: list[float]
) -> None:
    """The smallest buffer band keeping churn within the cap, and revenue-share cut-offs within
    it: each searched when its button is pressed, its sentence kept while nothing it used
    changes, and one click to use it."""
    made_from = (
        loaded.history,  # the object: compared by identity
        tuple(cuts),
        target,
        rules.min_stay,
        rules.protect_until_renewal,
    )
    made_from_cuts = (loaded.history, target, tuple(shares), rules)
    kept = st.session_state.get(keys.HISTORY_SUGGESTION, {})
    band, shared = st.columns(2, border=True)
    with band:
        st.markdown(f"**Smallest buffer band within the {cap_percent(target)} cap**")
        found = kept.get("buffer")
        if found is None or found[0] != made_from:
            found = None
            if st.button(
                "Find the smallest stable buffer",
                key=keys.HISTORY_SUGGEST_BUFFER,
                help="Searches every band from 0% to 100% (in 0.1% steps) under the cut-offs on "
                "screen and the other rules.",
            ):
                with st.spinner("Trying every buffer band…"):
                    stable = smallest_stable_buffer(
                        loaded.history, cuts, target, rules.min_stay, rules.protect_until_renewal
                    )
                found = (made_from, stable)
                st.session_state[keys.HISTORY_SUGGESTION] = {**kept, "buffer": found}
        if found is not None:
            stable = found[1]
            (st.success if stable.buffer is not None else st.warning)(
                markdown_text(stable.sentence), icon=":material/balance:"
            )
            if stable.buffer is not None and stable.buffer != rules.buffer:
                st.button(  # markdown-safe: a percentage from a number
                    f"Use a {_band(stable.buffer)} buffer band"
                    if stable.buffer
                    else "Use no buffer band",
                    on_click=_use_buffer,
                    args=(stable.buffer,),
                    key=keys.HISTORY_USE_BUFFER,
                    help="Sets the buffer band above to this.",
                )
    with shared:
        st.markdown(f"**Revenue-share cut-offs within the {cap_percent(target)} cap**")
        found = kept.get("cuts")
        if found is None or found[0] != made_from_cuts:
            found = None
            if st.button(
                "Suggest cut-offs for the Plan page's shares",
                key=keys.HISTORY_SUGGEST_CUTS,
                help="Cut-offs closest to the target revenue shares set on the Plan page (in the "
                "latest period) whose tiers keep every quarter's churn within the cap.",
            ):
                with st.spinner("Trying every cut-off…"):
                    stable_cuts = stable_cuts_for_shares(loaded.history, shares, target, rules)
                found = (made_from_cuts, stable_cuts)
                st.session_state[keys.HISTORY_SUGGESTION] = {
                    **st.session_state.get(keys.HISTORY_SUGGESTION, {}),
                    "cuts": found,
                }
        if found is not None:
            stable_cuts = found[1]
            if stable_cuts.cuts is None:
                st.warning(markdown_text(stable_cuts.sentence), icon=":material/balance:")
            else:
                listed = ", ".join(money(cut, currency_of(loaded)) for cut in stable_cuts.cuts)
                st.success(
                    f"{markdown_text(listed)}: {markdown_text(stable_cuts.sentence)}",
                    icon=":material/balance:",
                )
                if tuple(stable_cuts.cuts) != tuple(cuts):
                    st.button(
                        "Use these cut-offs",
                        on_click=state.set_cuts,
                        args=(tuple(stable_cuts.cuts),),
                        key=keys.HISTORY_USE_CUTS,
                        help="Moves the sidebar cut-offs to these, on every page.",
                    )


def currency_of(loaded: LoadedHistory) -> str:
    return loaded.history.currency or "$"


# --- lists --------------------------------------------------------------------------------------


def flapped(loaded: LoadedHistory, ruled: Outcome, flap_within: int, made_from: tuple) -> None:
    """How many flapped; their list (and its CSV) when asked for."""
    number = ruled.stability.flapped
    st.markdown(  # markdown-safe: counts
        f"**{plural(number, 'account')} flapped**: left a tier and were back in it within "
        f"{flap_within} periods."
    )
    if not number:
        return
    kept = st.session_state.get(keys.HISTORY_FLAPPED)
    if kept is None or kept[0] != made_from:
        st.session_state.pop(keys.HISTORY_FLAPPED, None)
        if not st.button(
            f"List the {plural(number, 'flapped account')}",
            key=keys.HISTORY_LIST_FLAPPED,
            help="Every account that flapped, with its tier in each period; then a CSV of them.",
        ):
            return
        frame = flapped_table(loaded, ruled.tiers, flap_within)
        kept = (made_from, frame, to_csv_bytes(frame))
        st.session_state[keys.HISTORY_FLAPPED] = kept
    frame = kept[1]
    shown = frame.head(PREVIEW)
    # As tall as its rows up to ~7 (35 px a row, 38 the header): 280 left blank rows under 5.
    tables.show(shown, loaded.history.currency or "$", height=min(280, 38 + 35 * len(shown)))
    st.download_button(
        f"Download the {plural(number, 'flapped account')} (CSV)",
        data=kept[2],
        file_name="flapped-accounts.csv",
        mime="text/csv",
        on_click="ignore",  # a rerun on the click could replace the file the click opens
        help="Every flapped account with its tier in each period, formula-safe.",
    )


def pair(loaded: LoadedHistory, ruled: Outcome, currency: str) -> None:
    """The from -> to matrix of two periods the person picks (the last two to begin with)."""
    labels = list(loaded.history.labels)
    if len(labels) < 2:
        return
    # Kept in keys.TYPED, as the rules are: a widget's own state is dropped on another page.
    ends = (
        ("history_pair_from", keys.HISTORY_PAIR_FROM),
        ("history_pair_to", keys.HISTORY_PAIR_TO),
    )
    for (name, widget_key), default in zip(ends, (-2, -1), strict=True):
        chosen = state.typed(name, None)
        state.show(widget_key, chosen if chosen in labels else labels[default])  # or new history
    first, second = st.columns(2)
    with first:
        st.selectbox(
            "From period",
            options=labels,
            key=keys.HISTORY_PAIR_FROM,
            on_change=state.keep_typed,
            args=ends[0],
            help="The period accounts move from (any period, not only the one before).",
        )
    with second:
        st.selectbox(
            "To period",
            options=labels,
            key=keys.HISTORY_PAIR_TO,
            on_change=state.keep_typed,
            args=ends[1],
            help="The period accounts move to; “none”: not a customer in one of the two.",
        )
    a = labels.index(st.session_state[keys.HISTORY_PAIR_FROM])
    b = labels.index(st.session_state[keys.HISTORY_PAIR_TO])
    migration = ruled.migration(a, b)
    st.markdown(f"**{markdown_text(migration.headline(currency))}**")
    st.html(views.migration_html(migration, currency))
