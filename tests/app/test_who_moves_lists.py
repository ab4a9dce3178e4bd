"""Who moves' two lists, the movers and the accounts near a line: by default the first ten as
the page's own table (what a room reads, and quick to redraw on a slider move), the first 500
in a grid a toggle away, the toggle kept through a trip to another page."""

from __future__ import annotations

import re
from html import unescape

from streamlit.testing.v1 import AppTest

from lib.formatting import distance_text
from tests.app.conftest import movers_grid, page
from ui import keys


def shown_tables(app: AppTest) -> list[list[list[str]]]:
    """Every HTML table on the page: its rows, each cell's text as a person reads it."""
    tables = []
    for block in app.get("html"):
        body = block.proto.body
        if "<tbody>" not in body:
            continue
        rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])
        tables.append(
            [
                [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
                for r in rows
            ]
        )
    return tables


def headers(app: AppTest) -> list[list[str]]:
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", h))
            for h in re.findall(r"<th\s[^>]*>(.*?)</th>", b.proto.body)
        ]
        for b in app.get("html")
        if "<tbody>" in b.proto.body
    ]


def movers_rows(app: AppTest) -> list[list[str]]:
    """The movers' table: its heading row has a Direction."""
    heads = next(h for h in headers(app) if "Direction" in h)
    return shown_tables(app)[headers(app).index(heads)]


def test_the_ten_largest_movers_are_a_table_and_the_grid_is_a_toggle_away(app: AppTest) -> None:
    page(app, "changes")
    assert not app.dataframe  # no grid until asked for
    rows = movers_rows(app)
    assert len(rows) == 10
    grid = movers_grid(app)  # the first 500, biggest revenue first
    assert len(grid) == 500
    # The table was the grid's first ten, each figure to the cent in the data's currency.
    assert [row[0] for row in rows] == grid["customer_id"].head(10).tolist()
    assert [row[4] for row in rows] == [f"${v:,.2f}" for v in grid["annual_revenue"].head(10)]


def test_the_caption_says_how_many_movers_the_ten_are_of(app: AppTest) -> None:
    page(app, "changes")
    said = next(c.value for c in app.caption if c.value.startswith("The 10 with the most revenue"))
    # "### 122 accounts, ... move up a tier; 569 accounts, ... move down a tier."
    moving = sum(
        int(n.replace(",", "")) for n in re.findall(r"([\d,]+) accounts", app.markdown[0].value)
    )
    want = f"The 10 with the most revenue of the {moving:,} movers listed: every one is in the CSV"
    assert said == want + " below."


def test_the_grid_stays_on_through_a_trip_to_tiers_and_back(app: AppTest) -> None:
    page(app, "changes")
    movers_grid(app)
    app.toggle(key=keys.NEAR_GRID).set_value(True).run()
    assert len(app.dataframe) == 2
    page(app, "tiers")
    page(app, "changes")
    assert app.toggle(key=keys.MOVERS_GRID).value and app.toggle(key=keys.NEAR_GRID).value
    assert len(app.dataframe) == 2
    app.toggle(key=keys.MOVERS_GRID).set_value(False).run()
    assert len(app.dataframe) == 1 and len(movers_rows(app)) == 10


def test_the_ten_nearest_to_a_line_are_a_table_nearest_first(app: AppTest) -> None:
    page(app, "changes")
    said = next(c.value for c in app.caption if "of a cut-off" in c.value)
    assert said.endswith("within 5% of a cut-off; the 10 nearest below.")
    heads = next(h for h in headers(app) if "Distance" in h)
    assert heads[-3:] == ["Revenue", "Nearest cut-off", "Distance"]
    rows = shown_tables(app)[headers(app).index(heads)]
    assert len(rows) == 10
    app.toggle(key=keys.NEAR_GRID).set_value(True).run()
    grid = app.dataframe[0].value
    assert len(grid) == min(500, int(re.match(r"([\d,]+)", said).group(1).replace(",", "")))
    assert [row[0] for row in rows] == grid["customer_id"].head(10).tolist()
    assert [row[-1] for row in rows] == [distance_text(d) for d in grid["distance"].head(10)]
    distances = [abs(d) for d in grid["distance"]]
    assert distances == sorted(distances)  # nearest first
