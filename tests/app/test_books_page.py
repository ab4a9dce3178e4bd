"""The Books page as a person uses it: the roster, today's books, a proposal on demand that says
when it is out of date, the movers file (issue 20).

The proposal tests stand a small fake in for the solver (`ui.book_adapter`, the one place the page
meets lib.assignment): what they protect is the page's own behaviour — made on demand, kept with
what it was made for, never shown as current once the cut-offs, roster or rules change.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.books import BookFigures
from lib.capacity import Plan, plan_file_roster, with_roster
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.tiering import summarize
from tests.app.conftest import page, press
from tests.visible import visible_text
from ui import book_adapter, keys
from ui import books as books_ui

SAMPLE = Dataset.from_csv(str(SAMPLE_PATH), source=SAMPLE_PATH.name)

ROSTER_CSV = (
    b"csm,tiers,hours,headcount,region\n"
    b"Grace Kim,Tier 1;Tier 2,1100,1,\n"
    b"Scale Team A,Tier 3,1100,3,\n"
)


def books_page(app: AppTest) -> AppTest:
    return page(app, "books")


def book_row(app: AppTest, csm: str) -> str:
    for block in app.get("html"):
        for line in visible_text(block.proto.body).splitlines():
            if line.startswith(f"| {csm}"):
                return line
    raise LookupError(csm)


def uploader(app: AppTest, label: str):
    return next(u for u in app.file_uploader if u.label == label)


def test_every_csm_of_the_data_is_a_row_with_todays_load_and_a_pool_is_one_row(app: AppTest):
    books_page(app)
    row = book_row(app, "Scale Team A")
    assert row.startswith("| Scale Team A (pool of 2) | T3 | 2,200 |")  # sized to its book
    assert row.endswith("| 2,084 | 95%")  # 2,084 h needed of two people's 1,100 h
    assert book_row(app, "Unassigned accounts").endswith("| no CSM assigned")
    title = next(
        h.proto.body for h in app.get("html") if 'data-figure="books_title"' in h.proto.body
    )
    assert "of 26 CSMs over capacity today" in visible_text(title)


def test_the_chart_draws_the_most_loaded_csms_and_says_how_many_more(app: AppTest):
    books_page(app)
    spec = app.get("plotly_chart")[0].proto.spec
    assert '"capacity"' in spec and '"orientation":"h"' in spec.replace(" ", "")
    captions = [c.value for c in app.caption]
    assert "6 more CSMs, less loaded, are in the table below." in captions


def test_an_uploaded_roster_is_used_and_kept_across_pages(app: AppTest):
    books_page(app)
    uploader(app, "Open a roster (CSV)").upload("roster.csv", ROSTER_CSV).run()
    assert book_row(app, "Scale Team A").startswith("| Scale Team A (pool of 3) | T3 | 3,300 |")
    # Owners of today missing from the roster still show the accounts they hold.
    assert "(not in the roster)" in book_row(app, "Omar Haddad")
    page(app, "tiers")
    page(app, "plan")
    books_page(app)
    assert book_row(app, "Scale Team A").startswith("| Scale Team A (pool of 3) |")


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (
            b"csm,tiers,hours\nGrace Kim,Tier 9,1100\n",
            'Line 2 of the roster: unknown tier "Tier 9"',
        ),
        (b"csm,tiers,hours\nGrace Kim,Tier 1,-5\n", "Line 2 of the roster: hours must be a number"),
        (b"name,hours\nGrace Kim,1100\n", 'The roster has no "csm" column'),
        (b"csm,tiers,hours\nA,Tier 1,1\nA,Tier 2,1\n", "A is already on line 2"),
        (b"", "The roster file is empty"),
    ],
)
def test_a_bad_roster_costs_one_sentence_and_the_roster_in_use_stays(
    app: AppTest, data: bytes, sentence: str
):
    books_page(app)
    before = book_row(app, "Scale Team A")
    uploader(app, "Open a roster (CSV)").upload("roster.csv", data).run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and errors[0].startswith("roster.csv: ")
    assert sentence in errors[0]
    assert book_row(app, "Scale Team A") == before


def test_the_roster_downloads_as_the_csv_the_uploader_reads(app: AppTest):
    books_page(app)
    button = next(b for b in app.get("download_button") if "roster" in b.proto.label)
    assert button.proto.label == "Download the roster (CSV)"
    roster = app.session_state[keys.ROSTER][2].entries
    frame = pd.read_csv(io.StringIO(book_adapter_roster_csv(app)))
    assert list(frame.columns) == ["csm", "tiers", "hours", "headcount", "region", "account_cap"]
    assert len(frame) == len(roster)
    assert frame.set_index("csm").loc["Scale Team A", "headcount"] == 2


def book_adapter_roster_csv(app: AppTest) -> str:
    return app.session_state[keys.ROSTER_CSV][1].decode("utf-8")


# --- the proposal, with a fake solver ------------------------------------------------------


@pytest.fixture
def fake_solver(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """A solver that moves nothing but records what it was asked; its proposal puts every
    account of Grace Kim's with Scale Team A, to see the after view."""
    calls: list[tuple] = []

    def propose(dataset, index, cuts, plan, roster, *, choice):
        calls.append((tuple(cuts), choice))
        return SimpleNamespace(cuts=tuple(cuts))

    def after_books(made, tier_count):
        return {"Grace Kim": BookFigures((0,) * tier_count, 0.0, 0.0)}

    def sentences(made, currency):
        return [("success", "2 accounts change hands ($9K ARR); every CSM within capacity.")]

    def movers_frame(made):
        return pd.DataFrame(
            {
                "customer_id": ["=1+1", "C-2"],
                "customer_name": ["Acme", "Beta"],
                "tier": ["Tier 1", "Tier 2"],
                "from_csm": ["Grace Kim", ""],
                "to_csm": ["Mei Lin", "Mei Lin"],
                "annual_revenue": [5000.25, 4000.0],
                "renewal_date": ["2027-05-01", ""],
                "reason": ["Grace Kim is at 131% of her hours", "unassigned"],
            }
        )

    for name, fake in [
        ("propose", propose),
        ("after_books", after_books),
        ("sentences", sentences),
        ("movers_frame", movers_frame),
    ]:
        monkeypatch.setattr(book_adapter, name, fake)
    return calls


def test_a_proposal_is_made_on_demand_and_shown_with_its_headline(app, fake_solver):
    books_page(app)
    assert not fake_solver  # drawing the page proposes nothing
    press(app, "Propose assignment")
    assert len(fake_solver) == 1
    assert [s.value for s in app.success] == [
        "2 accounts change hands (\\$9K ARR); every CSM within capacity."  # Markdown-escaped
    ]
    assert book_row(app, "Grace Kim").endswith("| 167 → 0 | 0 / 0 / 0 | $0 | 0 | ⚠ 141% → 0%")
    assert "after the proposal" in visible_text(
        next(h.proto.body for h in app.get("html") if 'data-figure="books_title"' in h.proto.body)
    )
    app.run()  # a rerun (a slider move elsewhere) reuses the proposal
    assert len(fake_solver) == 1


def test_a_cut_off_move_makes_the_proposal_out_of_date_and_says_for_which_cut_offs(
    app, fake_solver
):
    books_page(app)
    press(app, "Propose assignment")
    app.select_slider(key=keys.slider_key(0)).set_value(80_000.0).run()
    warnings = [w.value for w in app.warning]
    made_at = "out of date: it was made for cut-offs \\$55K / \\$20K"  # Markdown-escaped
    assert any(made_at in w for w in warnings)
    assert not app.success  # the stale headline is not shown as current
    assert "proposed" not in "".join(h.proto.body for h in app.get("html"))
    press(app, "Propose again")
    assert fake_solver[-1][0] == (80_000.0, 20_000.0)
    assert not [w for w in app.warning if "out of date" in w.value]


def test_changing_a_rule_makes_the_proposal_out_of_date(app, fake_solver):
    books_page(app)
    press(app, "Propose assignment")
    app.toggle(key=keys.RULE_WEIGHTED).set_value(True).run()
    assert any("out of date" in w.value for w in app.warning)
    press(app, "Propose again")
    assert fake_solver[-1][1].revenue_weighted is True
    page(app, "tiers")
    books_page(app)  # the rule is kept across pages, and the proposal with it
    assert app.toggle(key=keys.RULE_WEIGHTED).value is True
    assert not [w for w in app.warning if "out of date" in w.value]


def test_the_movers_files_are_made_when_pressed_and_formula_safe(app, fake_solver):
    books_page(app)
    press(app, "Propose assignment")
    assert not app.session_state[keys.BOOK_MOVER_FILES]  # nothing written until asked
    press(app, "Prepare the movers (CSV)")
    data = app.session_state[keys.BOOK_MOVER_FILES]["CSV"].decode("utf-8")
    frame = pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(book_adapter.MOVER_COLUMNS)
    assert frame["customer_id"].tolist() == ["'=1+1", "C-2"]
    assert frame["annual_revenue"].tolist() == ["5000.25", "4000.0"]
    press(app, "Prepare the movers (XLSX)")
    workbook = pd.read_excel(
        io.BytesIO(app.session_state[keys.BOOK_MOVER_FILES]["XLSX"]), engine="openpyxl"
    )
    assert workbook["to_csm"].tolist() == ["Mei Lin", "Mei Lin"]


def test_a_proposal_the_solver_refuses_costs_one_sentence(app, monkeypatch):
    def refuse(*args, **kwargs):
        raise book_adapter.InputError("Pinned account CUST-1 does not exist.")

    monkeypatch.setattr(book_adapter, "propose", refuse)
    books_page(app)
    press(app, "Propose assignment")
    assert [e.value for e in app.error] == ["Pinned account CUST-1 does not exist."]


def test_books_put_the_most_loaded_csm_first(app: AppTest):
    books_page(app)
    body = next(b.proto.body for b in app.get("html") if ">CSM<" in b.proto.body)
    loads = [int(x) for x, _ in re.findall(r">(\d+)%( over)?</span></span></td></tr>", body)]
    assert len(loads) > 20 and loads == sorted(loads, reverse=True)


def test_the_plan_page_points_to_the_books_page(app: AppTest):
    page(app, "plan")
    assert any("Books of business" in link.proto.label for link in app.get("page_link"))


def test_a_scenario_saved_with_an_edited_roster_opens_with_it(app: AppTest):
    books_page(app)
    uploader(app, "Open a roster (CSV)").upload("roster.csv", ROSTER_CSV).run()
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).set_value("With roster").run()
    press(app, "Save scenario")
    books_page(app)
    press(app, "Start again from the data")
    assert book_row(app, "Scale Team A").startswith("| Scale Team A (pool of 2) |")
    page(app, "scenarios")
    app.selectbox(key=keys.SAVED_PICK).set_value("With roster").run()
    press(app, "Open")
    books_page(app)
    assert book_row(app, "Scale Team A").startswith("| Scale Team A (pool of 3) |")


def test_a_proposal_on_the_sample_gives_every_account_a_csm_and_says_so(app: AppTest):
    books_page(app)
    press(app, "Propose assignment")  # the real solver
    said = [box.value for box in [*app.success, *app.warning]]
    assert len(said) == 1 and "accounts change hands" in said[0]
    assert "98 of them newly assigned" in said[0]  # the sample's accounts with no owner
    assert any(c.value.startswith(("Proven", "Not proven optimal")) for c in app.caption)
    assert book_row(app, "Unassigned accounts").endswith(
        "| 98 → 0 | 0 / 0 / 0 | $0 | 0 | no CSM assigned"
    )
    movers = app.dataframe[0].value
    assert list(movers.columns) == list(book_adapter.MOVER_COLUMNS)
    assert len(movers) == 200  # a bounded preview; the files have every mover


def test_a_roster_typed_for_more_tiers_stays_and_the_proposal_says_what_to_fix(app: AppTest):
    app.radio(key=keys.TIERS).set_value(4).run()
    books_page(app)
    roster = b"csm,tiers,hours\nGrace Kim,Tier 4,1100\nMei Lin,Tier 1;Tier 2;Tier 3,1100\n"
    uploader(app, "Open a roster (CSV)").upload("roster.csv", roster).run()
    app.radio(key=keys.TIERS).set_value(2).run()
    assert not app.exception
    assert book_row(app, "Grace Kim").startswith("| Grace Kim | T4 |")
    press(app, "Propose assignment")
    assert [e.value for e in app.error] == [
        "Grace Kim serves Tier 4, but the cut-offs make 2 tiers."
    ]


@pytest.fixture
def plan_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every plan file the Plan page writes (its download's text), in order."""
    written: list[str] = []
    original = books_ui.plan_file_text

    def spy(plan):
        written.append(original(plan))
        return written[-1]

    monkeypatch.setattr(books_ui, "plan_file_text", spy)
    return written


def test_a_roster_kept_through_fewer_tiers_is_saved_with_a_scenario_and_a_plan_file(
    app: AppTest, plan_files: list[str]
):
    # The session-journey state machine's case: a roster serving Tier 3, then two tiers, then
    # Save scenario (it crashed on naming Tier 3) and the plan file (which refused its own roster).
    books_page(app)
    uploader(app, "Open a roster (CSV)").upload("roster.csv", ROSTER_CSV).run()
    app.radio(key=keys.TIERS).set_value(2).run()
    page(app, "scenarios")
    app.text_input(key=keys.SAVE_NAME).input("Two tiers").run()
    press(app, "Save scenario")
    assert [s.value for s in app.success if "Two tiers" in s.value]
    page(app, "plan")
    assert "Scale Team A,Tier 3,1100,3," in plan_file_roster(plan_files[-1])
    uploader(app, "Open a plan file").upload("team.toml", plan_files[-1].encode()).run()
    assert not app.error
    books_page(app)
    assert book_row(app, "Scale Team A").startswith("| Scale Team A (pool of 3) | T3 |")


def _plan_file_with(roster: bytes) -> bytes:
    plan = Plan.default_for(summarize(SAMPLE.index, (55_000.0, 20_000.0)))
    return with_roster(plan.to_toml(), roster.decode("utf-8")).encode("utf-8")


def test_a_plan_file_with_a_roster_opens_with_it(app: AppTest):
    page(app, "plan")
    uploader(app, "Open a plan file").upload("team.toml", _plan_file_with(ROSTER_CSV)).run()
    assert not app.error
    books_page(app)
    assert book_row(app, "Scale Team A").startswith("| Scale Team A (pool of 3) | T3 | 3,300 |")


def test_the_plan_file_carries_the_roster_only_once_someone_edits_it(
    app: AppTest, plan_files: list[str]
):
    page(app, "plan")
    assert plan_file_roster(plan_files[-1]) is None  # the data's own roster: nothing to keep
    books_page(app)
    uploader(app, "Open a roster (CSV)").upload("roster.csv", ROSTER_CSV).run()
    page(app, "plan")
    assert Plan.from_toml(plan_files[-1]).tier_count == 3  # still a plan file for `summarize`
    assert "Scale Team A,Tier 3,1100,3," in plan_file_roster(plan_files[-1])


def test_a_plan_file_whose_roster_is_bad_costs_one_sentence_and_nothing_changes(app: AppTest):
    books_page(app)
    before = book_row(app, "Scale Team A")
    page(app, "plan")
    bad = _plan_file_with(b"csm,tiers,hours\nGrace Kim,Tier 9,1100\n")
    uploader(app, "Open a plan file").upload("team.toml", bad).run()
    assert [e.value for e in app.error] == [
        'team.toml: its roster: Line 2 of the roster: unknown tier "Tier 9" (give one of '
        "Tier 1, Tier 2, Tier 3, Tier 4, Tier 5)."
    ]
    books_page(app)
    assert book_row(app, "Scale Team A") == before


def test_the_page_says_when_the_roster_has_other_hours_than_the_plan_pages_teams(app: AppTest):
    books_page(app)
    said = [c.value for c in app.info if c.value.startswith("The roster has")]
    # The sample names 26 owners (30 people: pools counted by headcount); the teams count 35.
    assert said == [
        "The roster has 26 CSMs and pools, 30 people with 33,000 h a year; the Plan page's "
        "teams count 35 CSMs with 38,500 h. Proposals are made over the roster: edit it below "
        "to plan with another headcount."
    ]


def test_the_roster_editor_is_made_once_per_roster_not_on_every_move(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It does not depend on the cut-offs: rebuilt from its CSV on every slider move it cost
    # ~3 ms of each move (issue 15). Another roster shows at once.
    read = []
    real = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: read.append(1) or real(*a, **k))
    books_page(app)
    made = len(read)
    for cut in (70_000.0, 80_000.0):
        app.select_slider(key=keys.slider_key(0)).set_value(cut).run()
        assert not app.exception
    assert len(read) == made
    assert len(app.dataframe[0].value) == 26  # the editor: every CSM of the data
    uploader(app, "Open a roster (CSV)").upload("roster.csv", ROSTER_CSV).run()
    shown = app.dataframe[0].value
    assert list(shown["csm"]) == ["Grace Kim", "Scale Team A"]
    assert list(shown["headcount"]) == [1, 3]


def test_data_without_owners_shows_no_books_and_no_traceback(app: AppTest):
    # Found by a new-user walk: an upload with no csm_owner column, then Books, raised
    # KeyError 'owner' (the owner runs need the column) with a traceback on screen.
    from tests.app.test_upload_page import upload, upload_page

    books_page(app)  # the sample's roster first, as a person would have seen it
    plain = b"customer_id,annual_revenue\nA,1500000\nB,50000\nC,6200\nD,9000\nE,100\n"
    upload(upload_page(app), "plain.csv", plain)
    press(app, "Load")
    books_page(app)
    said = [i.value for i in app.info]  # one box: not also "The roster has 0 CSMs, 0 people"
    assert len(said) == 1 and said[0].startswith("This data has no csm_owner column")
    assert any(c.value.startswith("No books yet: nobody owns") for c in app.caption)
    assert not app.get("plotly_chart")


def test_a_proposal_made_on_other_data_is_set_aside_not_called_out_of_date(app, fake_solver):
    # Found by a new-user walk: after loading a file, Books said the sample's proposal was
    # "out of date: it was made for cut-offs $55K / $20K", as if it were this data's.
    from tests.app.test_upload_page import upload, upload_page

    books_page(app)
    press(app, "Propose assignment")
    data = b"customer_id,annual_revenue,csm_owner\nA,1500000,Ana\nB,50000,Bo\nC,6200,Ana\n"
    upload(upload_page(app), "owned.csv", data)
    press(app, "Load")
    books_page(app)
    assert not [w for w in app.warning if "out of date" in w.value]
    assert [b.label for b in app.button if b.label.startswith("Propose")] == ["Propose assignment"]
    assert "after the proposal" not in " ".join(visible_text(h.proto.body) for h in app.get("html"))
