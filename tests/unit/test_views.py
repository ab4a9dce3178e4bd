"""HTML views: cards, share bars and load bars show the right figures, safely and accessibly."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import charts, views
from lib.formatting import count, money, percent
from lib.team import TeamPlan, tier_loads
from lib.tiering import TierIndex, summarize

VALUES = [float(v) for v in range(1, 1001)] + [50_000.0, 80_000.0]


def figures(html: str) -> dict[tuple[int, str], str]:
    return {
        (int(tier), name): value
        for tier, name, value in re.findall(
            r'data-tier="(\d)" data-figure="(\w+)"(?: data-over="\w+")?>([^<]*)<', html
        )
    }


class _Balance(HTMLParser):
    """Counts open tags so a test can tell the HTML is well formed."""

    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def assert_well_formed(html: str) -> None:
    parser = _Balance()
    parser.feed(html)
    assert parser.stack == []


@pytest.fixture
def index() -> TierIndex:
    return TierIndex.from_values(VALUES)


def test_cards_show_each_tiers_four_figures(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    shown = figures(views.tier_cards_html(summary))
    for tier in summary.tiers:
        assert shown[(tier.tier, "customers")] == count(tier.customers)
        assert shown[(tier.tier, "customer_share")] == percent(tier.customer_share)
        assert shown[(tier.tier, "revenue")] == money(tier.revenue)
        assert shown[(tier.tier, "revenue_share")] == percent(tier.revenue_share)
    assert shown[(1, "bounds")] == "$900 and up"
    assert shown[(2, "bounds")] == "$300 to $900"
    assert shown[(3, "bounds")] == "below $300"


def test_cards_stack_their_figures_when_four_or_more_tiers_make_them_narrow(
    index: TierIndex,
) -> None:
    assert "repeat(2,minmax" in views.tier_cards_html(summarize(index, [900, 300]))
    assert "repeat(2,minmax" not in views.tier_cards_html(summarize(index, [900, 300, 100]))


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(-1e4, 1e7, allow_nan=False), min_size=1, max_size=100),
    cuts=st.lists(st.floats(-1e4, 1e7, allow_nan=False), min_size=1, max_size=4),
    csms=st.floats(0, 50),
)
def test_every_view_is_well_formed_html_for_any_data(values, cuts, csms) -> None:
    summary = summarize(TierIndex.from_values(values), cuts)
    plan = TeamPlan((60.0,) * len(summary.tiers), (csms,) * len(summary.tiers))
    for html in (
        views.tier_cards_html(summary),
        views.revenue_share_html(summary),
        views.load_html(tier_loads(summary, plan)),
    ):
        assert_well_formed(html)


def test_share_bars_label_wide_segments_and_leave_thin_ones_to_the_hover(
    index: TierIndex,
) -> None:
    summary = summarize(index, [980, 300])
    html = views.revenue_share_html(summary)
    top = summary.tiers[0]
    assert not views.label_fits(percent(top.customer_share), top.customer_share)
    assert (
        f'title="Tier 1: {count(top.customers)} customers ({percent(top.customer_share)})"' in html
    )
    assert f">{percent(top.revenue_share)}</span></div>" in html  # wide: labelled
    assert f">{percent(top.customer_share)}</span></div>" not in html  # thin: hover only
    assert html.count("</div>") == html.count("<div")
    assert "Tier 1: " in views.revenue_share_title(summary)


@pytest.mark.parametrize(
    ("text", "share", "fits"),
    [("15%", 0.09, True), ("15%", 0.08, False), ("9.2%", 0.092, False), ("9.2%", 0.12, True)],
)
def test_a_label_needs_room_for_each_of_its_characters(text, share, fits) -> None:
    assert views.label_fits(text, share) is fits


def test_share_bars_survive_credits_that_make_a_tier_negative() -> None:
    summary = summarize(TierIndex.from_values([100.0, 50.0, -80.0]), [60, 0])
    html = views.revenue_share_html(summary)
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", html)]
    assert all(w >= 0 for w in widths)
    assert percent(summary.tiers[2].revenue_share) in html  # the negative share, in the hover


def test_bars_pick_readable_text_on_each_tier_colour() -> None:
    assert views.text_color("#0072B2") == "#FFFFFF"  # blue: white text
    assert views.text_color("#E69F00") == "#000000"  # orange: black text
    assert views.text_color("#FFFFFF") == "#000000"
    assert views.text_color("#000000") == "#FFFFFF"


def test_load_bars_mark_an_over_capacity_tier_in_vermillion(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    loads = tier_loads(summary, TeamPlan((60.0, 12.0, 2.0), (100.0, 0.01, 0.0)))
    html = views.load_html(loads)
    assert 'data-tier="1" data-figure="load" data-over="false">' in html
    assert 'data-tier="2" data-figure="load" data-over="true">' in html
    assert f"color:{charts.OVER_CAPACITY_COLOR}" in html
    assert figures(html)[(3, "load")] == "no team"
    assert views.load_title(loads).endswith("has no CSMs")


def test_load_bars_say_when_every_tier_fits(index: TierIndex) -> None:
    summary = summarize(index, [900, 300])
    loads = tier_loads(summary, TeamPlan((1.0, 1.0, 1.0), (100.0, 100.0, 100.0)))
    assert views.load_title(loads) == "Every tier fits its team's hours"
    assert 'data-over="true"' not in views.load_html(loads)


def test_a_sliver_of_work_needs_under_a_tenth_of_a_csm_not_zero() -> None:
    summary = summarize(TierIndex.from_values([1000.0, 10.0]), [500])
    loads = tier_loads(summary, TeamPlan((2.0, 60.0), (1.0, 1.0)))  # 2 h of 1,100
    shown = {key: unescape(text) for key, text in figures(views.load_html(loads)).items()}
    assert shown[(1, "csms_needed")] == "<0.1 CSMs needed (1 to staff it)"
    assert shown[(2, "csms_needed")] == "0.1 CSMs needed (1 to staff it)"


def test_views_escape_what_they_print() -> None:
    html = views._figure(1, "revenue", "Revenue <b>", "<script>alert(1)</script>", "2rem")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Revenue &lt;b&gt;" in html


@pytest.mark.parametrize(
    ("cuts", "narrowest"), [([900, 300], "13rem"), ([900, 500, 300, 100], "7.5rem")]
)
def test_cards_wrap_onto_a_new_row_rather_than_squeeze_their_figures(
    index: TierIndex, cuts: list[float], narrowest: str
) -> None:
    """In a narrow window five cards used to shrink until "$18.4M" ran out of its card."""
    html = views.tier_cards_html(summarize(index, cuts))
    assert f"repeat(auto-fit,minmax(min({narrowest},100%),1fr))" in html
    # Every figure's type shrinks with its card (a size container), down to a floor.
    assert html.count("container-type:inline-size") == len(cuts) + 1
    assert html.count("font-size:clamp(1.2rem,") == 4 * (len(cuts) + 1)


def test_the_longest_figure_sets_the_size_of_every_figure() -> None:
    """Nine characters ("CHF 32.9M") get smaller type than six ("$32.9M"), on every card."""
    assert views._value_size(["$32.9M", "15%"], columns=2) == "clamp(1.2rem,14.2cqi,2.3rem)"
    assert views._value_size(["CHF 32.9M", "15%"], columns=2) == "clamp(1.2rem,9.4cqi,2.3rem)"
    assert views._value_size(["$32.9M"], columns=1) == "clamp(1.2rem,28.3cqi,2.3rem)"


def test_each_share_label_says_how_long_it_is_so_the_screen_can_hide_it(index: TierIndex) -> None:
    """The page hides a label whose segment is too narrow in pixels (a container query)."""
    html = views.revenue_share_html(summarize(index, [900, 300]))
    labels = re.findall(r'<span class="tb-fit-(\d)">([^<]*)</span>', html)
    assert labels and all(int(n) == len(text) for n, text in labels)
    for n in {int(n) for n, _ in labels}:
        assert f"@container (max-width:{0.62 * n + 0.4:.2f}em){{.tb-fit-{n}" in html


class _VisibleText(HTMLParser):
    """The text a person reads in an HTML fragment (style blocks left out), one run per node."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style and data.strip():
            self.runs.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.runs


@given(st.lists(st.integers(1, 10**7), min_size=3, max_size=200), st.integers(2, 5))
@settings(max_examples=60, deadline=None)
def test_share_rows_are_labelled_in_words_never_in_markup(values, tiers) -> None:
    index = TierIndex.from_values([float(v) for v in values])
    ordered = sorted(set(values), reverse=True)
    cuts = [float(ordered[min(i, len(ordered) - 1)]) for i in range(1, tiers)]
    html = views.revenue_share_html(summarize(index, sorted(cuts, reverse=True)))
    text = visible_text(html)
    assert "Customers" in text
    assert "Revenue" in text
    assert not any("<" in run or ">" in run for run in text)  # no markup shown as text


def _cells(block: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1])
    return [[unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in rows]  # fmt: skip


def test_the_busiest_month_table_flags_a_team_over_capacity_and_one_without_hours() -> None:
    rows = [
        {"team": "Tier 1", "busiest_month": "Mar 2027", "hours_needed": 1612.4,
         "hours_available": 1500.0, "load": 1.0749, "months_over": 3},
        {"team": "Tier 2", "busiest_month": "Jan 2027", "hours_needed": 10.0,
         "hours_available": 0.0, "load": None, "months_over": 12},
        {"team": "<b>Tier 3</b>", "busiest_month": "Jul 2027", "hours_needed": 665.0,
         "hours_available": 733.0, "load": 0.907, "months_over": 0},
    ]  # fmt: skip
    block = views.busiest_months_html(rows)
    assert _cells(block) == [
        ["Tier 1", "Mar 2027", "1,612 h", "1,500 h", "⚠ 107%", "3"],
        ["Tier 2", "Jan 2027", "10 h", "0 h", "no hours", "12"],
        ["<b>Tier 3</b>", "Jul 2027", "665 h", "733 h", "91%", "0"],  # text, never markup
    ]
    assert "<b>Tier 3</b>" not in block


def test_the_quarter_table_flags_a_quarter_over_the_cap() -> None:
    from lib.history import stability
    from tests.unit.test_history_figures import CUTS, SMALL, _history

    measured = stability(_history(SMALL), CUTS)
    rows = _cells(views.quarters_html(measured, cap=0.3, currency="€"))
    assert [row[0] for row in rows] == ["2026 Q1 → 2026 Q2", "2026 Q2 → 2026 Q3",
                                        "2026 Q3 → 2026 Q4"]  # fmt: skip
    # Q1 -> Q2: a drops to Tier 2 and d arrives: 2 of 4 accounts (50%, over a 30% cap).
    assert rows[0][1:3] == ["2", "⚠ 50.0%"]
    assert rows[0][3].startswith("€") and rows[0][5:] == ["1", "0"]
    assert all(not row[2].startswith("⚠") for row in rows if float(row[2].strip("⚠ %")) <= 30)


def test_a_short_list_is_text_to_the_cent_with_shares_and_blanks_as_people_read_them() -> None:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(
        {
            "customer_id": ["A-1", "B-2"],
            "customer_name": ["<img src=x onerror=alert(1)>", None],
            "annual_revenue": [54_999.5, 1_234_567.0],
            "score": [81.256, np.nan],
            "distance": [-0.0123, 0.2],
            "employees": np.array([1200, 3], dtype=np.int64),
        }
    )
    block = views.rows_html(
        frame, "€", money_columns=("annual_revenue",), share_columns=("distance",)
    )
    assert _cells(block) == [
        ["A-1", "<img src=x onerror=alert(1)>", "€54,999.50", "81.26", "-1.2%", "1,200"],
        ["B-2", "", "€1,234,567.00", "", "20%", "3"],
    ]
    assert "<img" not in block  # a name is text, never markup
    heads = re.findall(r"<th\s[^>]*>(.*?)</th>", block)
    assert heads[:3] == ["Customer id", "Customer name", "Revenue"]
    name_cell = re.findall(r"<td[^>]*>", block)[1]
    assert "text-align:left" in name_cell  # text left, numbers right
