"""Model-based journeys through a session: hypothesis takes random sequences of what people do
and checks, after every step, what must stay true whatever the path (issue 18).

The model remembers what the person chose (tier count, cut-offs, teams, slice, presentation
mode, saved scenarios); the invariants compare it with what the *browser* would show. AppTest's
own `.value` reads the server's state after a run, which hid defect 1 (ui/state.py says why), so
`Journey.displayed` reads each number box the way the browser draws it: the value the run sent
when it set one, else what the box showed before, else the widget's default.

Bounded to run in about a minute on one core; TIERBOARD_JOURNEYS=<examples> runs more (e.g. 200
examples of up to 40 steps: TIERBOARD_JOURNEYS=200 TIERBOARD_JOURNEY_STEPS=40).
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from streamlit.testing.v1 import AppTest

from lib.capacity import Plan
from lib.criteria import DEFAULT_WEIGHTS, REVENUE_ONLY, Criteria
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.scenario import Scenario, cut_bounds
from lib.service_matrix import ServiceMatrix
from lib.share_link import to_query
from lib.slices import Slice
from lib.suggest import default_cuts
from lib.team import Team
from lib.tiering import push_cuts, summarize
from tests.app.conftest import APP, TIMEOUT, page, press
from ui import keys
from ui.internals import patch_apptest_navigation_only

PAGES = ("tiers", "plan", "confidence", "books", "changes", "history", "scenarios")
REGIONS = ("EMEA", "North America", "APAC", "LATAM")
ODD_CUTS = (-5.0, 0.0, 3.0, 20_000.0, 55_000.0, 123_456.7, 1e12, 1e13, 1e300)
EXAMPLES = int(os.environ.get("TIERBOARD_JOURNEYS", "15"))
STEPS = int(os.environ.get("TIERBOARD_JOURNEY_STEPS", "15"))

_SAMPLE = Dataset.from_csv(str(SAMPLE_PATH), source=SAMPLE_PATH.name)


def fresh_defaults(
    tiers: int, regions: tuple[str, ...], by: str = "revenue"
) -> tuple[tuple[float, ...], list[float]]:
    """What a fresh session shows for `tiers` tiers of this slice: cut-offs (suggested on the
    slice) and headcounts (sized on the whole base: a team serves its whole tier, a slice gets
    its share of it)."""
    criteria = Criteria.score(DEFAULT_WEIGHTS) if by == "score" else REVENUE_ONLY
    index = _SAMPLE.index_for(Slice.of({"region": list(regions)}), criteria)
    whole = _SAMPLE.index_for(Slice.of({}), criteria)
    cuts = default_cuts(index, tiers)
    return cuts, [team.csms for team in Plan.default_for(summarize(whole, cuts)).teams]


def teams_for(cuts: tuple[float, ...], by: str = "revenue") -> list[float]:
    """The default headcounts for `cuts` (sized on the whole base, as fresh_defaults)."""
    criteria = Criteria.score(DEFAULT_WEIGHTS) if by == "score" else REVENUE_ONLY
    whole = _SAMPLE.index_for(Slice.of({}), criteria)
    return [team.csms for team in Plan.default_for(summarize(whole, cuts)).teams]


def open_app(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at


class Journey(RuleBasedStateMachine):
    """One browser session on the bundled sample, and what its person chose."""

    def __init__(self) -> None:
        super().__init__()
        self._undo = patch_apptest_navigation_only()  # ui/internals.py
        self._folder = tempfile.TemporaryDirectory(prefix="tierboard-journey-")
        config = Path(self._folder.name) / "tierboard.toml"
        config.write_text("", encoding="utf-8")
        self._env = {key: os.environ.get(key) for key in ("TIERBOARD_CONFIG", "TIERBOARD_DATA_DIR")}
        os.environ["TIERBOARD_CONFIG"] = str(config)
        os.environ["TIERBOARD_DATA_DIR"] = self._folder.name
        os.environ.pop("TIERBOARD_DATA", None)
        self.shown_before: dict[str, float] = {}
        self.saved: dict[str, dict[str, object]] = {}

    def teardown(self) -> None:
        self._undo()
        for key, value in self._env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._folder.cleanup()

    # --- driving the app ----------------------------------------------------------------------

    def run(self, at: AppTest | None = None) -> None:
        at = at or self.at
        at.run()
        assert not at.exception, at.exception
        self.displayed()

    def displayed(self) -> dict[str, float]:
        """Each number box's value as the browser draws it, by key (see the module docstring)."""
        shown = {}
        for box in self.at.number_input:
            if box.proto.set_value:
                value = box.proto.value
            elif box.id in self.shown_before:
                value = self.shown_before[box.id]
            else:
                value = box.proto.default
            shown[box.id] = value
        self.shown_before = shown
        return {box.key: shown[box.id] for box in self.at.number_input}

    def box(self, key: str) -> object | None:
        matches = [box for box in self.at.number_input if box.key == key]
        return matches[0] if matches else None

    def snapshot(self) -> dict[str, object]:
        return {
            "tiers": self.tiers,
            "cuts": self.cuts,
            "teams": list(self.teams),
            "regions": self.regions,
            "by": self.by,
            "roster": self.roster,
        }

    def restore(self, snapshot: dict[str, object]) -> None:
        self.tiers = snapshot["tiers"]
        self.cuts = snapshot["cuts"]
        self.teams = list(snapshot["teams"])
        self.regions = snapshot["regions"]
        self.by = snapshot["by"]
        if snapshot["roster"] is not None:  # a scenario saved with a roster opens with it
            self.roster = snapshot["roster"]

    # --- what people do -------------------------------------------------------------------------

    @initialize()
    def open_the_app(self) -> None:
        self.at = open_app()
        assert not self.at.exception, self.at.exception
        self.displayed()
        self.page, self.tiers, self.regions, self.present = "tiers", 3, (), False
        self.by = "revenue"
        self.cuts, self.teams = fresh_defaults(3, ())
        self.default_teams = list(self.teams)  # the defaults last put in place
        self.kept: dict[tuple[str, int], tuple[float, ...]] = {}  # cut-offs per (by, tier count)
        self.roster: int | None = None  # the pool's headcount in the roster uploaded, if any

    @rule(page=st.sampled_from(PAGES))
    def switch_page(self, page: str) -> None:
        self.at.switch_page(f"pages/{page}.py")
        self.run()
        self.page = page

    @rule(tiers=st.integers(2, 5))
    def change_the_tier_count(self, tiers: int) -> None:
        self.at.radio(key=keys.TIERS).set_value(tiers)
        self.run()
        if tiers != self.tiers:  # the cut-offs this count had come back, else the suggested
            self.kept[(self.by, self.tiers)] = tuple(self.cuts)
            self.tiers = tiers
            again = self.kept.get((self.by, tiers))
            if again is None:
                self.cuts, self.teams = fresh_defaults(tiers, self.regions, self.by)
            else:
                self.cuts, self.teams = again, teams_for(again, self.by)
            self.default_teams = list(self.teams)

    @rule(by=st.sampled_from(["revenue", "score"]))
    def tier_by(self, by: str) -> None:
        self.at.radio(key=keys.BY).set_value(by)
        self.run()
        if by != self.by:  # new cut-offs; a team someone typed stays, default teams follow
            self.by = by
            self.cuts, teams = fresh_defaults(self.tiers, self.regions, by)
            if self.teams == self.default_teams:
                self.teams, self.default_teams = list(teams), list(teams)

    @precondition(lambda self: not self.present)
    @rule(
        data=st.data(),
        value=st.one_of(st.sampled_from(ODD_CUTS), st.floats(0, 500_000, allow_nan=False)),
    )
    def type_a_cut_off(self, data: st.DataObject, value: float) -> None:
        cut = data.draw(st.integers(0, self.tiers - 2), label="cut")
        box = self.box(keys.exact_key(cut))
        box.set_value(value)
        self.shown_before[box.id] = value
        self.run()
        # Beyond the box's bounds a browser says so under the box and sends nothing
        # (tests/e2e/test_journeys_browser.py); a value sent anyway (as here) becomes the box's
        # default, None (drawn with value=None, ui/state.py): the cut-off stays.
        low, high = cut_bounds(self.by == "score")
        if not low <= value <= high:
            return
        rounded = round(value, 1) if self.by == "score" else float(round(value))
        self.cuts = push_cuts(self.cuts, cut, rounded)

    @precondition(lambda self: not self.present)
    @rule()
    def reset_to_suggested_cut_offs(self) -> None:
        next(b for b in self.at.button if b.label == "Reset to suggested cut-offs").click()
        self.run()
        self.cuts = fresh_defaults(self.tiers, self.regions, self.by)[0]  # teams stay (defect 7)

    @precondition(lambda self: self.page == "plan" or (self.page == "tiers" and not self.present))
    @rule(data=st.data(), headcount=st.integers(0, 120).map(lambda n: n / 2))
    def edit_a_team(self, data: st.DataObject, headcount: float) -> None:
        tier = data.draw(st.integers(0, self.tiers - 1), label="tier")
        box = self.box(keys.csms_key(tier))
        box.set_value(headcount)
        self.shown_before[box.id] = headcount
        self.run()
        self.teams[tier] = headcount

    @rule()
    def toggle_presentation_mode(self) -> None:
        self.at.toggle(key=keys.PRESENT).set_value(not self.present)
        self.run()
        self.present = not self.present

    @precondition(lambda self: not self.present)
    @rule(regions=st.lists(st.sampled_from(REGIONS), unique=True, max_size=2))
    def slice_by_region(self, regions: list[str]) -> None:
        self.at.multiselect(key=keys.slice_key("region")).set_value(regions)
        self.run()
        self.regions = tuple(sorted(regions))

    @precondition(lambda self: self.page == "books" and not self.present)
    @rule(headcount=st.integers(1, 9))
    def upload_a_roster(self, headcount: int) -> None:
        data = (
            "csm,tiers,hours,headcount\n"
            f"Scale Team A,Tier {self.tiers},1100,{headcount}\nGrace Kim,Tier 1,1100,1\n"
        ).encode()
        uploader = next(u for u in self.at.file_uploader if u.label == "Open a roster (CSV)")
        uploader.upload("roster.csv", data)
        self.run()
        self.roster = headcount

    @rule(name=st.sampled_from(["Q1", "Q2"]))
    def save_a_scenario(self, name: str) -> None:
        self.switch_page("scenarios")
        self.at.text_input(key=keys.SAVE_NAME).set_value(name)
        self.at.checkbox(key=keys.SAVE_OVERWRITE).set_value(name in self.saved)
        self.run()
        next(b for b in self.at.button if b.label == "Save scenario").click()
        self.run()
        assert any(name in box.value for box in self.at.success), [e.value for e in self.at.error]
        self.saved[name] = self.snapshot()

    @precondition(lambda self: bool(self.saved))
    @rule(data=st.data())
    def open_a_scenario(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.saved)), label="name")
        self.switch_page("scenarios")
        self.at.selectbox(key=keys.SAVED_PICK).set_value(name)
        self.run()
        next(b for b in self.at.button if b.label == "Open").click()
        self.run()
        self.restore(self.saved[name])

    @rule()
    def open_the_share_link_in_a_fresh_session(self) -> None:
        link = {key: self.at.query_params[key] for key in self.at.query_params}
        fresh = open_app(link)
        assert not fresh.exception, fresh.exception
        assert fresh.session_state[keys.CUTS] == self.cuts
        assert [team.csms for team in fresh.session_state[keys.TEAMS]] == self.teams
        assert fresh.session_state[keys.PRESENT] == self.present
        assert fresh.radio(key=keys.TIERS).value == self.tiers
        assert fresh.radio(key=keys.BY).value == self.by
        assert tuple(sorted(fresh.session_state[keys.SLICE].get("region", []))) == self.regions
        assert {key: fresh.query_params[key] for key in fresh.query_params} == link

    # --- what must stay true ----------------------------------------------------------------------

    @invariant()
    def nothing_broke(self) -> None:
        assert not self.at.exception, self.at.exception
        for box in self.at.error:
            assert "Traceback" not in box.value and "InputError" not in box.value, box.value

    @invariant()
    def the_figures_follow_the_choices(self) -> None:
        assert self.at.session_state[keys.CUTS] == tuple(self.cuts)
        assert [team.csms for team in self.at.session_state[keys.TEAMS]] == self.teams
        assert self.at.radio(key=keys.TIERS).value == self.tiers
        assert self.at.radio(key=keys.BY).value == self.by

    @invariant()
    def typed_values_are_shown_until_changed(self) -> None:
        shown = {key: value for key, value in self.displayed().items() if key}
        for tier in range(self.tiers):
            if keys.csms_key(tier) in shown:
                assert shown[keys.csms_key(tier)] == self.teams[tier], (tier, shown)
        for cut in range(self.tiers - 1):
            if keys.exact_key(cut) in shown:
                assert shown[keys.exact_key(cut)] == self.cuts[cut], (cut, shown)

    @invariant()
    def the_roster_uploaded_is_the_roster_in_use(self) -> None:
        if self.roster is None or keys.ROSTER not in self.at.session_state:
            return
        pool = self.at.session_state[keys.ROSTER][2].entry("Scale Team A")
        assert pool is not None and pool.headcount == self.roster
        if self.page == "books":
            shown = "".join(block.proto.body for block in self.at.get("html"))
            assert f"Scale Team A (pool of {self.roster})" in shown

    @invariant()
    def the_address_bar_holds_the_view(self) -> None:
        cuts = self.at.query_params["cuts"].split(",")
        assert [float(cut) for cut in cuts] == list(self.cuts)
        assert (self.at.query_params.get("present") == "1") == self.present


Journey.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSessionJourneys = Journey.TestCase


# --- single journeys, each a defect of issue 18 or 13 ---------------------------------------------


@pytest.fixture
def session(navigation_only: None) -> AppTest:
    at = open_app()
    assert not at.exception, at.exception
    return at


def _csms(at: AppTest) -> list[float]:
    return [team.csms for team in at.session_state[keys.TEAMS]]


def test_reset_to_suggested_cut_offs_keeps_the_typed_team(session: AppTest) -> None:
    for tier, headcount in enumerate((25.0, 9.0, 4.0)):
        session.number_input(key=keys.csms_key(tier)).set_value(headcount).run()
    session.number_input(key=keys.exact_key(0)).set_value(70_000.0).run()
    press(session, "Reset to suggested cut-offs")
    assert session.session_state[keys.CUTS] == (55_000.0, 20_000.0)
    assert _csms(session) == [25.0, 9.0, 4.0]  # was 18/9/8 again (defect 7)
    assert [session.number_input(key=keys.csms_key(t)).proto.value for t in range(3)] == [
        25.0,
        9.0,
        4.0,
    ]


def test_a_tier_count_change_gives_a_fresh_sessions_defaults_and_says_it_reset_edits(
    session: AppTest,
) -> None:
    session.number_input(key=keys.csms_key(0)).set_value(25.0).run()
    for tiers in (2, 4, 5, 3):
        session.radio(key=keys.TIERS).set_value(tiers).run()
        cuts, teams = fresh_defaults(tiers, ())
        assert session.session_state[keys.CUTS] == cuts
        assert _csms(session) == teams
        assert session.session_state[keys.MATRIX] == ServiceMatrix.default(tiers)
    assert session.session_state[keys.MATRIX].hours_per_account() == (60.0, 12.0, 2.0)
    fresh = open_app()
    assert _csms(session) == _csms(fresh)
    # The first change replaced the typed team: said once, next to the control.
    session.number_input(key=keys.csms_key(0)).set_value(30.0).run()
    session.radio(key=keys.TIERS).set_value(4).run()
    said = [box.value for box in session.sidebar.info]
    assert any("teams and service hours edited before were reset" in text for text in said)
    session.radio(key=keys.TIERS).set_value(3).run()  # nothing edited since: nothing to say
    assert not any("edited before" in box.value for box in session.sidebar.info)


def test_a_tier_count_left_and_come_back_to_has_its_cut_offs_again(session: AppTest) -> None:
    # A new-user walk: typed $80K, then 2 tiers and back to 3, was $55K again, with no word.
    session.number_input(key=keys.exact_key(0)).set_value(80_000.0).run()
    typed = session.session_state[keys.CUTS]
    assert typed[0] == 80_000.0
    session.radio(key=keys.TIERS).set_value(2).run()
    assert session.session_state[keys.CUTS] == fresh_defaults(2, ())[0]  # first time: suggested
    session.number_input(key=keys.exact_key(0)).set_value(30_000.0).run()
    session.radio(key=keys.TIERS).set_value(3).run()
    assert session.session_state[keys.CUTS] == typed
    assert _csms(session) == teams_for(typed)  # the default teams, sized to those cut-offs
    session.radio(key=keys.TIERS).set_value(2).run()
    assert session.session_state[keys.CUTS] == (30_000.0,)
    session.number_input(key=keys.csms_key(0)).set_value(40.0).run()  # an edited team
    session.radio(key=keys.TIERS).set_value(3).run()
    said = " ".join(box.value for box in session.sidebar.info)
    assert "3 tiers start from the cut-offs they had before" in said
    session.radio(key=keys.BY).set_value("score").run()  # other criteria: other cut-offs
    session.radio(key=keys.TIERS).set_value(2).run()
    assert session.session_state[keys.CUTS] == fresh_defaults(2, (), "score")[0]


def test_weights_and_the_slice_survive_presentation_mode(session: AppTest) -> None:
    session.radio(key=keys.BY).set_value("score").run()
    session.slider(key=keys.weight_key("nps")).set_value(60).run()
    session.multiselect(key=keys.slice_key("region")).set_value(["EMEA"]).run()
    before = session.session_state[keys.CUTS], dict(session.query_params)
    session.toggle(key=keys.PRESENT).set_value(True).run()  # hides weights and slice
    session.run()
    assert session.query_params["w"] == before[1]["w"]
    assert session.query_params["slice"] == "region:EMEA"
    session.toggle(key=keys.PRESENT).set_value(False).run()
    assert session.slider(key=keys.weight_key("nps")).value == 60
    assert session.slider(key=keys.weight_key("nps")).proto.value == [60]
    assert session.multiselect(key=keys.slice_key("region")).value == ["EMEA"]
    assert session.session_state[keys.CUTS] == before[0]


def test_target_shares_typed_on_plan_survive_a_visit_to_tiers(session: AppTest) -> None:
    page(session, "plan")
    session.number_input(key=keys.target_share_key(0)).set_value(55).run()
    session.number_input(key=keys.TOP_CUSTOMER_CAP).set_value(7).run()
    page(session, "tiers")
    page(session, "plan")
    assert session.number_input(key=keys.target_share_key(0)).proto.value == 55
    assert session.number_input(key=keys.TOP_CUSTOMER_CAP).proto.value == 7


@pytest.mark.parametrize(
    "link",
    [
        {"cuts": "1e308,1e307"},
        {"cuts": "-5,-10"},
        {"cuts": "1e300,5"},
        {"cuts": "50,20", "by": "score", "w": "nps:1e308,annual_revenue:1e308"},
    ],
)
def test_a_poisoned_link_says_why_and_every_page_still_works(
    navigation_only: None, link: dict[str, str]
) -> None:
    at = open_app(link)
    assert not at.exception, at.exception
    assert any("This link could not be opened" in box.value for box in at.error)
    assert at.session_state[keys.CUTS] == (55_000.0, 20_000.0)
    for name in ("plan", "changes", "scenarios", "tiers"):
        page(at, name)
    assert at.query_params["cuts"] == "55000,20000"


def test_a_link_with_a_plan_of_huge_hours_says_why(navigation_only: None) -> None:
    plan = Plan(matrix=ServiceMatrix.default(3), teams=(Team(18), Team(9), Team(8)))
    query = to_query(Scenario((55_000.0, 20_000.0), plan=plan))
    poisoned = query["plan"]
    document = json.loads(zlib.decompress(base64.urlsafe_b64decode(poisoned + "==")))
    document["t"][0][1] = 1e308  # hours per CSM
    text = json.dumps(document).encode()
    query["plan"] = base64.urlsafe_b64encode(zlib.compress(text)).rstrip(b"=").decode()
    at = open_app(query)
    assert not at.exception, at.exception
    assert any("at most 8,784" in box.value for box in at.error)
    page(at, "plan")
