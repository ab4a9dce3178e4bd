"""The Tiers over time page driven headless: every figure it shows, read off the page and
checked against lib.history computed independently — on the bundled history and on small
hand-made ones uploaded as snapshot files or as one transactions file."""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.flow_chart import flow_layout, flow_spec
from lib.formatting import churn_percent, count, hours, money, percent
from lib.history import History, Rules, stability, tiers_over_time
from lib.history_figures import changed_revenue_share, new_and_churned, pair_migration
from lib.history_inputs import ImportOptions, load_periods
from lib.history_suggest import smallest_stable_buffer, stable_cuts_for_shares
from lib.sample_history import history_files
from tests.app.conftest import page, press
from ui import keys


@pytest.fixture(scope="module")
def bundled() -> History:
    return History.of([p.snapshot for p in load_periods(history_files(), ImportOptions())])


def history_page(app: AppTest) -> AppTest:
    return page(app, "history")


def shown_metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def html_blocks(at: AppTest) -> list[str]:
    return [html.unescape(block.proto.body) for block in at.get("html")]


def quarter_rows(at: AppTest) -> list[list[str]]:
    """The quarter table's rows as a person reads them: each cell's text."""
    block = next(b for b in html_blocks(at) if 'data-figure="quarter_share"' in b)
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1])
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in rows]  # fmt: skip


def chart(at: AppTest, name: str) -> dict:
    """The figure JSON of the flow chart (its bands are path shapes) or the churn chart."""
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        paths = any(s["type"] == "path" for s in spec["layout"].get("shapes", []))
        if paths == (name == "flow"):
            return spec
    raise LookupError(name)


def expected_row(history: History, cuts, rules: Rules, hours_per_account) -> list[str]:
    """The five figures of one row of the comparison, computed here from lib.history alone."""
    measured = stability(history, cuts, rules)
    shares = [t.changed_share for t in measured.transitions]
    last = measured.tiers[-1]
    needed = sum(c * h for c, h in zip(last.customers, hours_per_account, strict=True))
    return [
        churn_percent(max(shares)),
        f"{sum(s > 0.2 for s in shares)} of {len(shares)}",
        count(measured.flapped),
        churn_percent(last.revenue_cents[0] / sum(last.revenue_cents)),
        hours(needed),
    ]


def hours_per_account(app: AppTest) -> tuple[float, ...]:
    return app.session_state[keys.MATRIX].hours_per_account()


def test_the_page_opens_on_the_bundled_history_and_shows_what_lib_history_measures(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    cuts = app.session_state[keys.CUTS]
    assert len(cuts) == 2
    measured = stability(bundled, cuts)
    shares = [t.changed_share for t in measured.transitions]
    worst = measured.transitions[shares.index(max(shares))]
    assert headline(at) == (
        f"### Without stability rules, {churn_percent(sum(shares) / len(shares))} of accounts "
        f"change tier in an average quarter; at most {churn_percent(max(shares))} "
        f"({worst.to_period}). Every quarter is within the 20% cap."
    )
    assert [v for _, v in shown_metrics(at)] == expected_row(
        bundled, cuts, Rules(), hours_per_account(app)
    )
    assert [label for label, _ in shown_metrics(at)] == [
        "Worst quarter",
        "Over 20%",
        "Flapped",
        "Tier 1 revenue",
        "CSM hours",
    ]
    assert "2026 Q4's tiers need" in at.metric[4].help
    # Every file's rows accounted for.
    notes = next(e for e in at.expander if e.label.startswith("The bundled history"))
    accounts = count(bundled.accounts)
    assert (
        notes.label
        == f"The bundled history: 8 periods, {accounts} accounts in at least one of them"
    )
    assert "customers-2025-Q1.csv → 2025 Q1: 4,742 customers from 4,742 rows, 0 rows rejected." in (
        notes.markdown[0].value
    )


def test_the_flow_chart_has_a_column_per_quarter_and_bands_that_add_up_to_the_accounts(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    measured = stability(bundled, app.session_state[keys.CUTS])
    spec = chart(at, "flow")
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        f"<b>{label}</b>" for label in bundled.labels
    ]
    # The page draws lib's chart for the cut-offs on screen, and lib's bands add up to every
    # account present in either quarter (their geometry: tests/unit/test_flow_chart.py).
    assert spec == json.loads(json.dumps(flow_spec(measured, currency="$")))
    bands = flow_layout(measured).bands
    for p, transition in enumerate(measured.transitions):
        assert sum(b.value for b in bands if b.source.period == p) == transition.customers
    assert "2025 Q1 to 2026 Q4: at most" in "".join(html_blocks(at))
    at.radio(key=keys.HISTORY_FLOW_BY).set_value("revenue").run()
    spec = chart(at, "flow")
    assert spec == json.loads(json.dumps(flow_spec(measured, by_revenue=True, currency="$")))
    first = [b for b in flow_layout(measured, by_revenue=True).bands if b.source.period == 0]
    assert round(sum(b.value for b in first) * 100) == sum(
        c.revenue_cents for c in measured.transitions[0].cells
    )
    hover = next(t for t in spec["data"] if t["mode"] == "markers")["customdata"]
    assert any(text.startswith("2025 Q1 Tier 1 → 2025 Q2 Tier 1: $") for text in hover)


def test_the_quarter_table_and_churn_chart_show_each_quarter_s_share_with_the_cap(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    measured = stability(bundled, app.session_state[keys.CUTS])
    rows = quarter_rows(at)
    new_churned = [new_and_churned(t) for t in measured.transitions]
    assert rows == [
        [
            f"{t.from_period} → {t.to_period}",
            count(t.changed_customers),
            ("⚠ " if t.changed_share > 0.2 else "") + churn_percent(t.changed_share),
            money(t.changed_revenue_cents / 100),
            churn_percent(changed_revenue_share(t)),
            count(new),
            count(churned),
        ]
        for t, (new, churned) in zip(measured.transitions, new_churned, strict=True)
    ]
    # New and churned accounts are in the count (from or to "none"), and the page says so: the
    # from -> to headline counts moves up, down and new or gone apart.
    assert sum(n + c for n, c in new_churned) and any(
        c.value.startswith("Accounts changing tier include new and churned accounts")
        for c in at.caption
    )
    spec = chart(at, "churn")
    assert spec["data"][0]["y"] == [round(t.changed_share * 100, 2) for t in measured.transitions]
    assert spec["layout"]["annotations"][0]["text"] == "20% cap"
    at.number_input(key=keys.HISTORY_TARGET).set_value(10).run()
    assert chart(at, "churn")["layout"]["shapes"][0]["y0"] == 10
    over = sum(t.changed_share > 0.1 for t in measured.transitions)
    assert 0 < over < 7
    assert f"{over} of 7 quarters over the 10% cap" in "".join(html_blocks(at))
    # The CSV is written when asked for, not on every move: the same figures, exact cents.
    assert not list(at.get("download_button"))
    press(at, "Prepare the quarter table (CSV)")
    assert [d.proto.label for d in at.get("download_button")] == [
        "Download the quarter table (CSV)"
    ]
    written = at.session_state[keys.PREPARED_FILES]["tier-changes-by-quarter.csv"][1].decode()
    lines = written.splitlines()
    assert len(lines) == 1 + len(measured.transitions) and "Revenue changing tier" in lines[0]
    first = measured.transitions[0]
    assert f",{first.changed_revenue_cents / 100}," in lines[1]
    at.slider(key=keys.HISTORY_BUFFER).set_value(10).run()
    # Another view (a buffer band): the file made for the last one is no longer offered.
    assert not list(at.get("download_button"))


def test_rules_put_their_figures_next_to_the_plain_ones(app: AppTest, bundled: History) -> None:
    at = history_page(app)
    cuts = app.session_state[keys.CUTS]
    at.slider(key=keys.HISTORY_BUFFER).set_value(10).run()
    at.number_input(key=keys.HISTORY_MIN_STAY).set_value(2).run()
    rules = Rules(buffer=0.1, min_stay=2)
    values = [v for _, v in shown_metrics(at)]
    assert values[:5] == expected_row(bundled, cuts, Rules(), hours_per_account(app))
    assert values[5:] == expected_row(bundled, cuts, rules, hours_per_account(app))
    assert any(
        m.value == "**With a 10% buffer band and a 2-period minimum stay**" for m in at.markdown
    )
    assert headline(at).startswith("### With a 10% buffer band and a 2-period minimum stay, ")
    flaps = [m for m in at.metric if m.label == "Flapped"]
    plain, ruled = stability(bundled, cuts).flapped, stability(bundled, cuts, rules).flapped
    assert flaps[1].delta == f"{ruled - plain:+,d}"
    for label in ("Worst quarter", "Tier 1 revenue"):  # the change is the shown figures' own
        without, with_rules = (m for m in at.metric if m.label == label)
        shown = float(with_rules.value.rstrip("%")) - float(without.value.rstrip("%"))
        assert with_rules.delta in (f"{shown:+.1f} pts", "no change"), label
    spec = chart(at, "churn")
    assert spec["data"][2]["name"] == "Accounts, without the rules"


def test_protection_until_renewal_uses_the_bundled_renewal_dates(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    at.toggle(key=keys.HISTORY_PROTECT).set_value(True).run()
    values = [v for _, v in shown_metrics(at)]
    cuts = app.session_state[keys.CUTS]
    rules = Rules(protect_until_renewal=True)
    assert values[5:] == expected_row(bundled, cuts, rules, hours_per_account(app))


def test_the_tier_count_chosen_on_tiers_is_the_one_over_time(
    app: AppTest, bundled: History
) -> None:
    page(app, "tiers")
    app.sidebar.radio(key=keys.TIERS).set_value(4).run()
    at = history_page(app)
    cuts = app.session_state[keys.CUTS]
    assert len(cuts) == 3
    assert [v for _, v in shown_metrics(at)] == expected_row(
        bundled, cuts, Rules(), hours_per_account(app)
    )
    assert "Tier 4" in "".join(html_blocks(at))  # the matrix
    names = next(t for t in chart(at, "flow")["data"] if t["mode"] == "text")
    assert "Tier 4" in names["text"]
    app.sidebar.radio(key=keys.TIERS).set_value(2).run()  # changed on this page
    assert [v for _, v in shown_metrics(at)] == expected_row(
        bundled, app.session_state[keys.CUTS], Rules(), hours_per_account(app)
    )


def test_rules_typed_survive_a_trip_to_plan_and_a_slider_move(
    app: AppTest, bundled: History
) -> None:
    page(app, "tiers")
    at = history_page(app)
    at.slider(key=keys.HISTORY_BUFFER).set_value(15).run()
    at.number_input(key=keys.HISTORY_MIN_STAY).set_value(3).run()
    at.selectbox(key=keys.HISTORY_PAIR_FROM).set_value("2025 Q2").run()
    at.selectbox(key=keys.HISTORY_PAIR_TO).set_value("2026 Q1").run()
    at.radio(key=keys.HISTORY_FLOW_BY).set_value("revenue").run()
    before = shown_metrics(at)
    page(app, "plan")
    at = history_page(app)
    assert at.slider(key=keys.HISTORY_BUFFER).value == 15
    assert at.number_input(key=keys.HISTORY_MIN_STAY).value == 3
    # The matrix's periods and the flow's measure too (they went back to the last two
    # quarters and to accounts).
    assert at.selectbox(key=keys.HISTORY_PAIR_FROM).value == "2025 Q2"
    assert at.selectbox(key=keys.HISTORY_PAIR_TO).value == "2026 Q1"
    assert at.radio(key=keys.HISTORY_FLOW_BY).value == "revenue"
    assert "of revenue changed tier" in "".join(html_blocks(at))
    assert shown_metrics(at) == before
    at.select_slider(key=keys.slider_key(0)).set_value(100_000.0).run()
    cuts = app.session_state[keys.CUTS]
    assert cuts[0] == 100_000
    values = [v for _, v in shown_metrics(at)]
    assert values[5:] == expected_row(
        bundled, cuts, Rules(buffer=0.15, min_stay=3), hours_per_account(app)
    )


def test_the_flapped_accounts_are_listed_and_downloadable_when_asked_for(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    cuts = app.session_state[keys.CUTS]
    number = stability(bundled, cuts).flapped
    assert f"**{count(number)} accounts flapped**" in "".join(m.value for m in at.markdown)
    assert not list(at.get("download_button"))
    press(at, f"List the {count(number)} flapped accounts")
    table = at.dataframe[0].value
    assert len(table) == min(number, 500)
    assert list(table.columns) == ["customer_id", "customer_name", *bundled.labels]
    assert table["customer_name"].notna().all()
    download = at.get("download_button")[0]
    assert download.proto.label == f"Download the {count(number)} flapped accounts (CSV)"


def test_the_matrix_of_two_chosen_periods(app: AppTest, bundled: History) -> None:
    at = history_page(app)
    cuts = app.session_state[keys.CUTS]
    tiers = tiers_over_time(bundled, cuts)
    expected = pair_migration(bundled, tiers, 6, 7)
    assert f"**{expected.headline('$')}**".replace("$", "\\$") in [m.value for m in at.markdown]
    at.selectbox(key=keys.HISTORY_PAIR_FROM).set_value("2025 Q1").run()
    far = pair_migration(bundled, tiers, 0, 7)
    assert f"**{far.headline('$')}**".replace("$", "\\$") in [m.value for m in at.markdown]
    cell = far.cell("Tier 3", "none")
    assert cell is not None
    assert f'data-from="Tier 3" data-to="none">{count(cell.customers)}<br>' in "".join(
        html_blocks(at)
    )


# --- small hand-made histories, uploaded ------------------------------------------------------

Q1 = b"customer_id,customer_name,annual_revenue\na,Alpha,100000\nb,Beta,30000\nc,Gamma,5000\n"
Q2 = b"customer_id,customer_name,annual_revenue\na,Alpha,40000\nb,Beta,30000\nd,Delta,70000\n"
Q3 = b"customer_id,customer_name,annual_revenue\na,Alpha,100000\nb,Beta,oops\nd,Delta,70000\n"


def snapshots(app: AppTest) -> AppTest:
    at = history_page(app)
    at.radio(key=keys.HISTORY_SOURCE).set_value("snapshots").run()
    assert not at.exception
    return at


def test_snapshot_files_build_a_history_with_every_row_accounted_for(app: AppTest) -> None:
    at = snapshots(app)
    assert "Add the files, then Build the history." in [i.value for i in at.info]
    at.file_uploader[0].set_value(
        [
            ("export-2026-Q2.csv", Q2, "text/csv"),
            ("customers-2026-Q1.csv", Q1, "text/csv"),
            ("latest.csv", Q3, "text/csv"),  # no period in its name: typed below
        ]
    ).run()
    inputs = {t.label: t for t in at.text_input}
    assert inputs["Period of export-2026-Q2.csv"].value == "2026 Q2"
    inputs["Period of latest.csv"].set_value("Q3 2026").run()
    press(at, "Build the history")
    assert not at.error, [e.value for e in at.error]
    app.sidebar.radio(key=keys.TIERS).set_value(2).run()
    app.session_state[keys.CUTS] = (50_000.0,)
    at.run()
    notes = next(e for e in at.expander if e.label.startswith("Your snapshot files"))
    assert notes.label == "Your snapshot files: 3 periods, 4 accounts in at least one of them"
    assert (
        "latest.csv → 2026 Q3: 2 customers from 3 rows, 1 row rejected. Rejected, "
        in notes.markdown[0].value
    )
    # a: T1, T2, T1 (a flap); b: T2, T2, gone (its revenue rejected); c: T2, gone; d: new, T1, T1
    values = [v for _, v in shown_metrics(at)]
    assert values[:3] == ["75.0%", "2 of 2", "1"]  # Q1->Q2: a, c, d change (of 4)
    rows = quarter_rows(at)
    assert [row[1] for row in rows] == ["3", "2"]
    assert rows[0][2] == "⚠ 75.0%"  # over the 20% cap: flagged by the sign, not colour alone
    assert [row[5] for row in rows] == ["1", "0"] and [row[6] for row in rows] == ["1", "1"]
    press(at, "List the 1 flapped account")
    flapped = at.dataframe[0].value
    assert flapped["customer_id"].tolist() == ["a"]
    assert flapped[["2026 Q1", "2026 Q2", "2026 Q3"]].values.tolist() == [
        ["Tier 1", "Tier 2", "Tier 1"]
    ]


def test_a_bad_file_is_one_sentence_and_the_others_are_used(app: AppTest) -> None:
    at = snapshots(app)
    at.file_uploader[0].set_value(
        [
            ("customers-2026-Q1.csv", Q1, "text/csv"),
            ("customers-2026-Q2.csv", Q2, "text/csv"),
            ("customers-2026-Q3.xlsx", b"\x89PNG\r\n\x1a\n" * 40, "application/octet-stream"),
            ("notes.csv", Q3, "text/csv"),
        ]
    ).run()
    press(at, "Build the history")
    errors = [e.value for e in at.error]
    assert len(errors) == 2
    assert errors[0].startswith("customers-2026-Q3.xlsx is not a valid XLSX file")  # named once
    assert errors[1] == "notes.csv: type its period (like 2026 Q3)."
    notes = next(e for e in at.expander if e.label.startswith("Your snapshot files"))
    assert notes.label.startswith("Your snapshot files: 2 periods")
    assert next(m.label for m in at.metric) == "Worst quarter"
    # The bundled history is still there.
    at.radio(key=keys.HISTORY_SOURCE).set_value("bundled").run()
    assert not at.error
    assert any(e.label.startswith("The bundled history: 8 periods") for e in at.expander)


def test_two_files_of_one_quarter_say_so_and_the_page_stays_usable(app: AppTest) -> None:
    at = snapshots(app)
    at.file_uploader[0].set_value(
        [("a-2026-Q1.csv", Q1, "text/csv"), ("b-2026-Q1.csv", Q2, "text/csv")]
    ).run()
    press(at, "Build the history")
    assert len(at.error) == 1 and "same period (2026 Q1)" in at.error[0].value
    assert not at.metric
    at.text_input[1].set_value("2026 Q2").run()
    press(at, "Build the history")
    assert not at.error
    assert at.metric


def test_one_transactions_file_is_cut_at_quarter_ends(app: AppTest) -> None:
    at = history_page(app)
    at.radio(key=keys.HISTORY_SOURCE).set_value("transactions").run()
    lines = ["Customer ID,Invoice Date,Amount"]
    for month in range(24):  # 2025-2026: a pays 10,000 a month; b 3,000 a month from July 2026
        year, number = 2025 + month // 12, month % 12 + 1
        lines.append(f"a,{year}-{number:02d}-15,10000")
        if month >= 18:
            lines.append(f"b,{year}-{number:02d}-15,3000")
    lines.append("a,2026-12-31,0")  # the latest day: the last quarter ends with the file
    at.file_uploader[0].set_value(("invoices.csv", "\n".join(lines).encode(), "text/csv")).run()
    at.number_input(key=keys.HISTORY_QUARTERS).set_value(4).run()
    press(at, "Build the history")
    assert not at.error, [e.value for e in at.error]
    spec = chart(at, "flow")
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        "<b>2026 Q1</b>",
        "<b>2026 Q2</b>",
        "<b>2026 Q3</b>",
        "<b>2026 Q4</b>",
    ]
    notes = next(e for e in at.expander if e.label.startswith("invoices.csv, cut at quarter ends"))
    said = notes.markdown[0].value
    assert said.startswith("- invoices.csv: 31 rows read, 0 rejected.\n")  # once, not per quarter
    assert "- 2026 Q2: 1 customer with a line in the 12 months to 2026-06-30.\n" in said
    assert said.endswith("- 2026 Q4: 2 customers with a line in the 12 months to 2026-12-31.")

    # The count of quarters stays through a trip to another page (it went back to 8), and a new
    # count, with the file gone from the uploader, says how to use it.
    page(at, "plan")
    at = history_page(at)
    assert at.number_input(key=keys.HISTORY_QUARTERS).value == 4
    at.number_input(key=keys.HISTORY_QUARTERS).set_value(6).run()
    assert (
        ":material/info: The history below was cut at 4 quarters: add the file again and press "
        "Build the history to cut it at 6."
    ) in [c.value for c in at.caption]


def test_a_customer_list_is_not_taken_for_transactions(app: AppTest) -> None:
    at = history_page(app)
    at.radio(key=keys.HISTORY_SOURCE).set_value("transactions").run()
    at.file_uploader[0].set_value(("customers.csv", Q1, "text/csv")).run()
    press(at, "Build the history")
    assert [e.value for e in at.error] == [
        "customers.csv: it does not read as transactions: a transactions file has a date on "
        "every line and several lines per customer. Load one file per quarter instead."
    ]


def test_a_score_in_the_sidebar_says_the_history_is_tiered_on_revenue(app: AppTest) -> None:
    app.sidebar.radio(key=keys.BY).set_value("score").run()
    at = history_page(app)
    assert any("tiered on revenue" in i.value for i in at.info)
    assert not at.metric


def test_the_smallest_stable_buffer_is_found_on_request_and_used_in_one_click(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    cuts = app.session_state[keys.CUTS]
    at.number_input(key=keys.HISTORY_TARGET).set_value(10).run()
    press(at, "Find the smallest stable buffer")
    expected = smallest_stable_buffer(bundled, cuts, 0.1)
    assert expected.buffer is not None and expected.buffer > 0
    assert [s.value for s in at.success] == [expected.sentence]
    press(at, f"Use a {expected.buffer * 100:g}% buffer band")
    assert at.slider(key=keys.HISTORY_BUFFER).value == round(expected.buffer * 100, 1)
    values = [v for _, v in shown_metrics(at)]
    assert values[5:] == expected_row(
        bundled, cuts, Rules(buffer=expected.buffer), hours_per_account(app)
    )
    assert [s.value for s in at.success] == [expected.sentence]  # still said, nothing changed
    assert not [b for b in at.button if b.label.startswith("Use a ")]


def test_a_cap_no_buffer_can_meet_is_said(app: AppTest, bundled: History) -> None:
    at = history_page(app)
    at.number_input(key=keys.HISTORY_TARGET).set_value(1).run()
    press(at, "Find the smallest stable buffer")
    assert next(w.value for w in at.warning).startswith(
        "No buffer band up to 100% keeps tier churn at or below 1% in every period"
    )


def test_revenue_share_cut_offs_within_the_cap_move_the_sidebar(
    app: AppTest, bundled: History
) -> None:
    at = history_page(app)
    at.number_input(key=keys.HISTORY_TARGET).set_value(10).run()
    press(at, "Suggest cut-offs for the Plan page's shares")
    expected = stable_cuts_for_shares(bundled, [0.4, 0.3], 0.1)
    assert expected.cuts is not None
    assert at.success[0].value.endswith(expected.sentence)
    press(at, "Use these cut-offs")
    assert app.session_state[keys.CUTS] == expected.cuts
    measured = stability(bundled, expected.cuts)
    assert max(t.changed_share for t in measured.transitions) <= 0.1
    assert [v for _, v in shown_metrics(at)][1] == "0 of 7"


def test_a_file_name_is_never_read_as_markdown(app: AppTest) -> None:
    at = snapshots(app)
    at.file_uploader[0].set_value([("![x](http://example.com/a.png).csv", Q1, "text/csv")]).run()
    label = at.text_input[0].label
    assert "\\[x\\]" in label  # escaped: no image fetched, no link drawn
    press(at, "Build the history")
    assert "\\[x\\]" in at.error[0].value


def test_periods_whose_files_have_different_columns_say_so(app: AppTest) -> None:
    at = snapshots(app)
    no_names = b"customer_id,annual_revenue\na,100000\nb,30000\n"
    at.file_uploader[0].set_value(
        [("customers-2026-Q1.csv", Q1, "text/csv"), ("customers-2026-Q2.csv", no_names, "text/csv")]
    ).run()
    press(at, "Build the history")
    assert not at.error
    assert [i.value for i in at.info] == [
        "2026 Q2 (customers-2026-Q2.csv) lacks customer_name, unlike 2026 Q1 "
        "(customers-2026-Q1.csv): tiers use the revenue alone, but figures from other columns "
        "differ between periods."
    ]
    assert at.metric


def test_a_slice_in_the_sidebar_is_said_not_to_apply(app: AppTest, bundled: History) -> None:
    app.sidebar.multiselect(key=keys.slice_key("region")).set_value(["EMEA"]).run()
    at = history_page(app)
    assert any("slice does not apply" in c.value for c in at.caption)
    cuts = app.session_state[keys.CUTS]
    assert [v for _, v in shown_metrics(at)] == expected_row(
        bundled, cuts, Rules(), hours_per_account(app)
    )


def test_one_period_says_there_is_nothing_to_compare_yet(app: AppTest) -> None:
    at = snapshots(app)
    at.file_uploader[0].set_value([("customers-2026-Q1.csv", Q1, "text/csv")]).run()
    press(at, "Build the history")
    assert not at.error
    assert (
        "The history has one period (2026 Q1), so no account has changed tier yet: add a file "
        "for another quarter and build the history again."
    ) in [i.value for i in at.info]
    # No "Worst quarter 0%", "0 of 0", suggestions of a 0% churn or empty charts under headings.
    assert not at.metric and not at.subheader
    assert not any("<svg" in block or "one period" in block for block in html_blocks(at))
    assert "Find the smallest stable buffer" not in [b.label for b in at.button]


def test_two_periods_are_one_quarter_said_so(app: AppTest) -> None:
    at = snapshots(app)
    at.file_uploader[0].set_value(
        [("customers-2026-Q1.csv", Q1, "text/csv"), ("customers-2026-Q2.csv", Q2, "text/csv")]
    ).run()
    press(at, "Build the history")
    assert headline(at).endswith("The quarter is over the 20% cap.")
    assert "The quarter is over the 20% cap" in "".join(html_blocks(at))


# --- the tier of record over time ---------------------------------------------------------------


def _adopt_on(app: AppTest, monkeypatch: pytest.MonkeyPatch, day: str, name: str) -> None:
    from datetime import UTC, datetime

    from lib import scenario_store_sql

    at = datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)
    monkeypatch.setattr(scenario_store_sql, "now", lambda: at)
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input(name).run()
    press(app, "Save scenario")
    app.selectbox(key=keys.SAVED_PICK).set_value(name).run()
    app.session_state[keys.ADOPT_POPOVER] = True  # the person opens "Adopt this plan"
    app.run()
    press(app, "Yes, adopt it")


def test_the_tier_of_record_over_time_shows_each_adoption_as_recorded(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.history_adopted import adopted_history, days_of_record
    from lib.scenario_store_sqlite import open_store

    history_page(app)
    app.radio(key=keys.HISTORY_SOURCE).set_value("adopted").run()
    assert any("No plan has been adopted yet" in i.value for i in app.info)
    _adopt_on(app, monkeypatch, "2026-06-30", "Q2 plan")
    app.select_slider(key=keys.slider_key(0)).set_value(80_000.0).run()
    _adopt_on(app, monkeypatch, "2026-09-30", "Q3 plan")
    app.select_slider(key=keys.slider_key(0)).set_value(30_000.0).run()  # the screen moves on
    at = history_page(app)  # adopting here read the adoptions anew: no button needed
    store = open_store()
    recorded = adopted_history([store.adoption(i.id) for i in days_of_record(store.adoptions())])
    # As adopted: the tiers each plan recorded, whatever the cut-offs on screen now.
    measured = stability(recorded.as_adopted, (30_000.0, 20_000.0))
    (step,) = measured.transitions
    assert step.from_period == "2026 Q2" and step.to_period == "2026 Q3"
    assert step.changed_customers > 0  # Tier 1 from $55K to $80K: some accounts left it
    assert shown_metrics(at)[0] == ("Worst quarter", percent(step.changed_share))
    notes = next(e for e in at.expander if e.label.startswith("The tier of record"))
    assert "“Q2 plan”, adopted 30 Jun 2026" in notes.markdown[0].value
    # Off: the revenue each account had, under the cut-offs on screen.
    at.toggle(key=keys.HISTORY_AS_ADOPTED).set_value(False).run()
    again = stability(recorded.recomputed, tuple(app.session_state[keys.CUTS]))
    assert shown_metrics(at)[0] == ("Worst quarter", percent(again.transitions[0].changed_share))
    assert again.transitions[0].changed_customers == 0  # the same revenue, the same cut-offs
    press(at, "Read the adoptions again")  # a plan adopted in another session since: none here
    assert shown_metrics(at)[0] == ("Worst quarter", percent(again.transitions[0].changed_share))


def test_the_address_bar_follows_the_sidebar_while_the_page_says_it_cannot_show_a_score(
    app: AppTest,
) -> None:
    # The page used to st.stop() here, and a stopped run dropped app.py's link update: the
    # address bar kept the revenue cut-offs (found by the session journeys).
    history_page(app)
    app.radio(key=keys.BY).set_value("score").run()
    assert any("tiered on revenue" in i.value for i in app.info)
    cuts = [float(c) for c in app.query_params["cuts"].split(",")]
    assert cuts == list(app.session_state[keys.CUTS])


def test_a_file_s_error_goes_when_the_file_is_removed(app: AppTest) -> None:
    at = snapshots(app)
    at.file_uploader[0].set_value([("customers-2026-Q1.csv", b"\x00\xff\x13junk", "text/csv")])
    at.run()
    press(at, "Build the history")
    assert len(at.error) == 1 and "customers-2026-Q1.csv" in at.error[0].value
    at.file_uploader[0].set_value([]).run()
    assert not at.error  # it used to stay on screen until the next Build
    assert "Add the files, then Build the history." in [i.value for i in at.info]
