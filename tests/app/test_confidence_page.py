"""The Confidence page driven headless: the sentence and the tornado are the plan on screen
moved input by input, and they follow the cut-offs (Tiers) and the teams (Plan)."""

from __future__ import annotations

import html
import json
import re

from streamlit.testing.v1 import AppTest

from lib import charts, sensitivity
from lib.capacity import Plan
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.slices import EVERYTHING
from tests.app.conftest import page
from ui import keys

SAMPLE = Dataset.from_csv(SAMPLE_PATH)
HEADING = "How sure is this plan?"


def confidence(app: AppTest) -> AppTest:
    return page(app, "confidence")


def shown_sentence(app: AppTest) -> str:
    return next(box.value for box in app.info if "riskiest assumption" in box.value)


def _tornado_chart(app: AppTest):
    """The page's tornado: its bars are horizontal (the year below it draws lines)."""
    (chart,) = [
        chart
        for chart in app.get("plotly_chart")
        if json.loads(chart.proto.spec)["data"][0].get("orientation") == "h"
    ]
    return chart


def tornado(app: AppTest) -> dict:
    return json.loads(_tornado_chart(app).proto.spec)


def chart_name(app: AppTest) -> str:
    return _tornado_chart(app).proto.alt


def expected(app: AppTest, within: float = sensitivity.DEFAULT_WITHIN) -> sensitivity.Sensitivity:
    """The session's cut-offs and plan, recomputed here from the sample."""
    cuts = app.session_state[keys.CUTS]
    teams = app.session_state[keys.TEAMS][: len(cuts) + 1]
    plan = Plan(matrix=app.session_state[keys.MATRIX], teams=tuple(teams))
    return sensitivity.sensitivity(
        SAMPLE, SAMPLE.index, cuts, plan, part=EVERYTHING, criteria=REVENUE_ONLY, within=within
    )


def assert_shows(app: AppTest, found: sensitivity.Sensitivity) -> None:
    assert shown_sentence(app) == found.sentence("$").replace("$", "\\$")  # escaped Markdown
    spec = tornado(app)
    assert spec == charts.tornado_spec(found, "$")
    assert chart_name(app) == charts.tornado_title(found)


def test_the_page_says_the_riskiest_assumption_and_draws_every_input(app: AppTest) -> None:
    confidence(app)
    assert app.title[0].value == "Confidence"
    assert "when in the year does the load land?" in app.caption[0].value
    assert app.subheader[0].value == HEADING  # the year month by month follows
    assert shown_sentence(app) == (
        "The plan's riskiest assumption is Tier 1's 60 hours per account: at 72 h Tier 1 needs "
        "20 CSMs, 3 more than at 60 h; its team has 18."
    )
    found = expected(app)
    assert_shows(app, found)
    labels = tornado(app)["layout"]["yaxis"]["ticktext"]
    assert labels[0] == "Tier 1 hours per account 60 h<br>moved ±20%"
    assert f"{found.near[0]:,} accounts within ±5%" in labels[1]
    assert "Effect: the change in the CSM gap" in app.caption[1].value


def test_moving_a_cut_off_on_tiers_moves_the_confidence_page(app: AppTest) -> None:
    confidence(app)
    before = tornado(app)
    page(app, "tiers")
    app.select_slider(key=keys.slider_key(0)).set_value(100_000.0).run()
    confidence(app)
    assert app.session_state[keys.CUTS][0] == 100_000.0
    assert tornado(app) != before
    found = expected(app)
    assert found.base.cuts[0] == 100_000.0
    assert_shows(app, found)


def test_changing_hours_per_csm_on_plan_moves_the_confidence_page(app: AppTest) -> None:
    confidence(app)
    before = shown_sentence(app)
    page(app, "plan")
    app.number_input(key=keys.hours_per_csm_key(0)).set_value(800.0).run()
    confidence(app)
    assert app.session_state[keys.TEAMS][0].hours_per_csm == 800.0
    found = expected(app)
    assert_shows(app, found)
    assert shown_sentence(app) != before


def test_the_near_line_distance_is_kept_when_the_person_leaves_the_page(app: AppTest) -> None:
    confidence(app)
    app.number_input(key=keys.SENSITIVITY_WITHIN_INPUT).set_value(12).run()
    assert app.session_state[keys.SENSITIVITY_WITHIN] == 12
    assert_shows(app, expected(app, within=0.12))
    page(app, "plan")
    confidence(app)
    assert app.number_input(key=keys.SENSITIVITY_WITHIN_INPUT).value == 12
    assert "within ±12%" in tornado(app)["layout"]["yaxis"]["ticktext"][1]


def table_rows(app: AppTest) -> list[list[str]]:
    """The figures table's rows, as text (the alert sign kept)."""
    (block,) = [b for b in app.get("html") if "Revenue share per tier" in b.proto.body]
    body = block.proto.body.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for row in rows
    ]


def test_the_figures_table_shows_each_recomputation_and_flags_overload(app: AppTest) -> None:
    confidence(app)
    found = expected(app)
    rows = table_rows(app)
    assert rows[0] == ["The plan", "as it is", "40% · 30% · 30%", "91% · 91% · 90%",
                       "16.3 · 8.2 · 7.2", "3.3 CSMs to spare"]  # fmt: skip
    top = found.bars[0]
    high = rows[2]  # the plan, then the top input low, then high
    assert high[:2] == ["Tier 1 hours per account", "72 h"]
    loads = [f"{load:.0%}" for load in top.high.loads]
    assert high[3] == f"⚠ {loads[0]} · {loads[1]} · {loads[2]}"  # Tier 1 over its hours
    assert high[4] == " · ".join(f"{n:.1f}" for n in top.high.csms_needed)
    assert high[5] == f"+{top.high_change:.1f}"
    assert len(rows) == 1 + 2 * len(found.bars)
