"""lib.scenario, lib.share_link and the scenario stores: a scenario's dict and link forms, the
dataset fingerprint, the store contract (SQLite and PostgreSQL alike)."""

import base64
import json
import multiprocessing
import sqlite3
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.capacity import Plan
from lib.config import default_store_path
from lib.criteria import COMPONENTS, DEFAULT_WEIGHTS, REVENUE_ONLY, Criteria
from lib.errors import InputError
from lib.months import capacity_text
from lib.scenario import Scenario, dataset_fingerprint
from lib.scenario_store import NAME_LIMIT, SavedScenario, ScenarioConflict, ScenarioStore
from lib.scenario_store_sqlite import SCHEMA_VERSION, SqliteScenarioStore, open_store
from lib.service_matrix import DEFAULT_SERVICES, Service, ServiceMatrix
from lib.share_link import QUERY_KEYS, from_query, to_query
from lib.slices import DIMENSIONS, EVERYTHING, Slice
from lib.team import Team
from lib.tiering import TierIndex, summarize
from tests.fixtures.scenario_stores import save_in_another_process

# ---------------------------------------------------------------------------------------------
# Strategies and examples.

AWKWARD_LABELS = [
    "São Paulo",
    "R&D;x|y:z",
    "50%",
    "%3A",
    "a+b&c=d#e",
    "  padded  ",
    "(none)",
    "東京",
    "x,y",
    "🚀 launch",
]
labels = st.one_of(st.sampled_from(AWKWARD_LABELS), st.text(min_size=1, max_size=12))
slices = st.dictionaries(
    st.sampled_from(list(DIMENSIONS)), st.lists(labels, min_size=1, max_size=4), max_size=4
).map(Slice.of)
weights = st.dictionaries(
    st.sampled_from(list(COMPONENTS)),
    st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False)),
    max_size=len(COMPONENTS),
)
criteria = st.one_of(st.just(REVENUE_ONLY), weights.map(Criteria.score))
cut_values = st.one_of(
    st.integers(0, 10**9).map(float), st.floats(0, 1e12, allow_nan=False, allow_infinity=False)
)
datasets = st.one_of(st.just(""), st.text(alphabet="0123456789abcdef", min_size=12, max_size=12))
hours = st.one_of(st.sampled_from([0.0, 0.25, 1.0, 12.0]), st.floats(0, 500, allow_nan=False))
custom_services = st.builds(
    Service,
    name=st.text(min_size=1, max_size=20).filter(str.strip),
    description=st.one_of(st.just(""), st.text(max_size=30)),
)
teams = st.builds(
    Team,
    csms=st.floats(0, 1000, allow_nan=False),
    hours_per_csm=st.floats(1, 3000, allow_nan=False),
    cost_per_hour=st.floats(0, 1000, allow_nan=False),
)


@st.composite
def plans(draw: st.DrawFn, tier_count: int) -> Plan:
    services = draw(
        st.lists(
            st.one_of(st.sampled_from(DEFAULT_SERVICES), custom_services),
            min_size=1,
            max_size=8,
            unique_by=lambda service: service.name,
        )
    )
    rows = tuple(
        tuple(draw(st.lists(hours, min_size=tier_count, max_size=tier_count))) for _ in services
    )
    crew = tuple(draw(st.lists(teams, min_size=tier_count, max_size=tier_count)))
    # The months with less capacity travel with the plan (saved scenarios and links).
    shares = draw(st.lists(st.sampled_from((0, 50, 70, 100, 120, 200)), min_size=12, max_size=12))
    months = capacity_text([Fraction(share, 100) for share in shares])
    return Plan(ServiceMatrix(services=tuple(services), hours=rows), crew, months)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    cuts = tuple(draw(st.lists(cut_values, min_size=1, max_size=4)))
    plan = draw(st.one_of(st.none(), plans(len(cuts) + 1)))
    return Scenario(cuts, draw(criteria), plan, draw(slices), draw(datasets))


def default_plan(tier_count: int = 3) -> Plan:
    return Plan(
        matrix=ServiceMatrix.default(tier_count),
        teams=tuple(Team(csms=12.0 * (t + 1)) for t in range(tier_count)),
    )


def rich_scenario() -> Scenario:
    return Scenario(
        cuts=(55_000.0, 20_000.0),
        criteria=Criteria.score(DEFAULT_WEIGHTS),
        plan=default_plan(3),
        slice=Slice.of({"region": ["EMEA", "São Paulo"], "segment": ["R&D;x|y:z", "50%"]}),
        dataset=dataset_fingerprint("sample.csv", 5000, 151_234_567.89),
    )


def assert_readable(message: str) -> None:
    """One sentence for a person: ends with a period, names no exception class."""
    assert message.endswith("."), message
    assert message[:1].isupper(), message
    for word in ("Error", "Exception", "Traceback", "Conflict"):
        assert word not in message, message


def through_url(query: dict[str, str]) -> dict[str, list[str]]:
    """The query as a browser sends it back: encoded into a URL and decoded again."""
    return parse_qs(urlencode(query), keep_blank_values=True, strict_parsing=True)


def packed(document: object) -> str:
    raw = zlib.compress(json.dumps(document).encode("utf-8"))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# ---------------------------------------------------------------------------------------------
# The scenario itself.


def test_cuts_are_kept_top_first_and_make_one_tier_more():
    scenario = Scenario(cuts=(20_000, 55_000))
    assert scenario.cuts == (55_000.0, 20_000.0)
    assert scenario.tier_count == 3
    assert scenario.criteria == REVENUE_ONLY
    assert scenario.plan is None
    assert scenario.slice == EVERYTHING
    assert scenario.dataset == ""


def test_a_plan_must_have_one_tier_more_than_the_cuts():
    with pytest.raises(InputError) as raised:
        Scenario(cuts=(10.0, 5.0), plan=default_plan(4))
    assert str(raised.value) == "The scenario's plan has 4 tiers but its cut-offs make 3."


@pytest.mark.parametrize(
    ("cuts", "fragment"),
    [
        ((), "has no cut-offs"),
        ((5.0, 4.0, 3.0, 2.0, 1.0), "has 5 cut-offs; give 1 to 4 (2 to 5 tiers)"),
        ((-1.0,), "cannot be negative; got -1"),
        ((float("inf"),), "must be finite numbers"),
        ((float("nan"),), "must be finite numbers"),
        (("55000",), "are not numbers: '55000'"),
        ((True,), "are not numbers: true"),
    ],
)
def test_bad_cuts_are_refused_with_a_sentence(cuts, fragment):
    with pytest.raises(InputError) as raised:
        Scenario(cuts=cuts)
    assert fragment in str(raised.value)
    assert_readable(str(raised.value))


def test_equal_decisions_compare_equal():
    assert Scenario((10.0,), Criteria("revenue", (("nps", 3.0),))) == Scenario((10.0,))
    unsorted = Criteria("score", (("nps", 10), ("annual_revenue", 50)))
    assert Scenario((10.0,), unsorted) == Scenario(
        (10.0,), Criteria.score({"annual_revenue": 50, "nps": 10})
    )
    shuffled = Slice((("segment", ("SMB", "Enterprise", "SMB")), ("region", ("EMEA",))))
    assert Scenario((10.0,), slice=shuffled) == Scenario(
        (10.0,), slice=Slice.of({"region": ["EMEA"], "segment": ["Enterprise", "SMB"]})
    )


def test_wrong_types_are_bugs_not_input():
    with pytest.raises(TypeError):
        Scenario((10.0,), criteria="revenue")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Scenario((10.0,), plan=ServiceMatrix.default(2))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The dict form.


@given(scenarios())
def test_a_scenario_survives_its_dict_form_through_json(scenario):
    data = json.loads(json.dumps(scenario.to_dict(), allow_nan=False))
    assert Scenario.from_dict(data) == scenario


def test_the_dict_form_is_plain_and_readable():
    data = rich_scenario().to_dict()
    assert data["format"] == 1
    assert data["cuts"] == [55_000.0, 20_000.0]
    assert data["criteria"] == {"by": "score", "weights": DEFAULT_WEIGHTS}
    assert data["slice"] == {"region": ["EMEA", "São Paulo"], "segment": ["50%", "R&D;x|y:z"]}
    assert Plan.from_toml(data["plan"]) == default_plan(3)  # the plan as a plan file
    assert data["dataset"] == rich_scenario().dataset


def test_a_dict_with_only_cuts_takes_the_defaults():
    assert Scenario.from_dict({"cuts": [10, 5]}) == Scenario((10.0, 5.0))
    score = Scenario.from_dict({"cuts": [60], "criteria": {"by": "score"}})
    assert score.criteria == Criteria.score(DEFAULT_WEIGHTS)


def valid_dict() -> dict:
    return Scenario((50_000.0, 10_000.0), Criteria.score({"nps": 10})).to_dict()


def changed(**parts: object) -> dict:
    data = valid_dict()
    data.update(parts)
    return data


BAD_DICTS = [
    ([1, 2], "The scenario must be a JSON object of its parts; got [1, 2]."),
    (changed(format=2), "was saved by a newer tierboard (format 2)"),
    (changed(format="one"), "format must be a whole number"),
    (changed(colour="red"), "has an unknown part 'colour'"),
    ({"plan": None}, "The scenario has no cut-offs."),
    (changed(cuts=[]), "The scenario has no cut-offs."),
    (changed(cuts="55000"), "cut-offs must be a list of numbers; got '55000'"),
    (changed(cuts=["55000"]), "The scenario's cut-offs are not numbers: '55000'."),
    (changed(cuts=[None]), "The scenario's cut-offs are not numbers: null."),
    (changed(cuts=[-5]), "The scenario's cut-offs cannot be negative; got -5."),
    (changed(cuts=[float("nan")]), "must be finite numbers"),
    (changed(cuts=[1e308 * 10]), "must be finite numbers"),
    (changed(criteria="score"), "criteria must be an object"),
    (changed(criteria={"by": "profit"}), "tiers by 'profit'; tierboard tiers by revenue or score"),
    (changed(criteria={"by": 3}), "tiers by 3"),
    (changed(criteria={"by": "score", "mood": 1}), "criteria have an unknown part 'mood'"),
    (changed(criteria={"by": "score", "weights": [1]}), "weights must be an object"),
    (
        changed(criteria={"by": "score", "weights": {"nps": "ten"}}),
        "The scenario's weight for nps is not a number: 'ten'.",
    ),
    (changed(criteria={"by": "score", "weights": {"nps": True}}), "weight for nps is not a number"),
    (changed(criteria={"by": "score", "weights": {"nps": -1}}), "must be from 0 to 100; got -1"),
    (changed(criteria={"by": "score", "weights": {"karma": 1}}), "'karma', which is not a score"),
    (changed(slice=["EMEA"]), "slice must be an object"),
    (changed(slice={"country": ["FR"]}), "'country', which is not a dimension"),
    (changed(slice={"region": "EMEA"}), "give a list of values"),
    (changed(slice={"region": [3]}), "slice values must be text; got 3"),
    (changed(slice={"region": [""]}), "has an empty Region value"),
    (changed(plan=12), "plan must be the text of a plan file; got 12"),
    (changed(plan="[[service"), "The scenario's plan is not usable: the plan file is not valid"),
    (changed(plan=default_plan(4).to_toml()), "plan has 4 tiers but its cut-offs make 3"),
    (changed(dataset=12), "dataset fingerprint must be text"),
]


@pytest.mark.parametrize(("data", "expected"), BAD_DICTS)
def test_a_bad_dict_says_what_is_wrong(data, expected):
    with pytest.raises(InputError) as raised:
        Scenario.from_dict(data)
    message = str(raised.value)
    assert expected in message
    assert_readable(message)


# ---------------------------------------------------------------------------------------------
# Share links.


@given(scenarios())
def test_a_scenario_survives_its_link(scenario):
    query = to_query(scenario)
    assert set(query) <= set(QUERY_KEYS)
    assert all(isinstance(value, str) for value in query.values())
    assert from_query(query) == scenario


@given(scenarios())
@settings(deadline=None)  # a full plan in a link: slow on a busy machine, not wrong
def test_a_scenario_survives_a_real_url(scenario):
    assert from_query(through_url(to_query(scenario))) == scenario


def test_a_link_reads_as_people_write_numbers():
    query = to_query(Scenario((55_000.0, 20_000.0, 0.1)))
    assert query == {"cuts": "55000,20000,0.1"}
    assert to_query(Scenario((1e12,)))["cuts"] == "1000000000000"  # the highest cut-off
    weights = to_query(Scenario((60.0,), Criteria.score({"nps": 12.5, "annual_revenue": 50})))
    assert weights == {"cuts": "60", "by": "score", "w": "annual_revenue:50,nps:12.5"}


def test_a_link_escapes_only_the_slice_separators():
    chosen = Slice.of({"region": ["São Paulo", "EMEA"], "segment": ["R&D;x|y:z", "50%"]})
    query = to_query(Scenario((10.0,), slice=chosen))
    assert query["slice"] == "region:EMEA|São Paulo;segment:50%25|R&D%3Bx%7Cy%3Az"


def test_a_link_with_every_part():
    query = to_query(rich_scenario())
    assert list(query) == ["cuts", "by", "w", "slice", "plan", "data"]
    assert query["plan"].replace("-", "").replace("_", "").isalnum()  # URL-safe, no padding
    assert query["data"] == rich_scenario().dataset
    assert from_query(query) == rich_scenario()


def test_a_link_for_three_tiers_with_the_default_plan_stays_short():
    link = "https://tierboard.example.com/?" + urlencode(to_query(rich_scenario()))
    assert len(link) < 1500


def test_a_link_with_only_cuts_takes_the_defaults():
    assert from_query({"cuts": "55000, 20000"}) == Scenario((55_000.0, 20_000.0))
    assert from_query({"cuts": "60", "by": "score"}).criteria == Criteria.score(DEFAULT_WEIGHTS)
    assert from_query({"cuts": "60", "by": "score", "w": ""}).criteria == Criteria.score({})


def test_a_link_reads_the_last_of_a_repeated_key_and_ignores_other_keys():
    params = {"cuts": ["1", "50,20"], "page": "plan", "slice": [], "data": ["abc"]}
    assert from_query(params) == Scenario((50.0, 20.0), dataset="abc")


def test_weights_are_read_only_when_tiering_by_score():
    assert from_query({"cuts": "10", "w": "nps:10"}) == Scenario((10.0,))


def plan_link(document: object, cuts: str = "10,5") -> dict[str, str]:
    return {"cuts": cuts, "plan": packed(document)}


GOOD_PLAN = json.loads(zlib.decompress(base64.urlsafe_b64decode(
    to_query(Scenario((10.0, 5.0), plan=default_plan(3)))["plan"] + "=="
)))  # fmt: skip
NEGATIVE_HOURS = {**GOOD_PLAN, "h": [[-1, 0, 0], *GOOD_PLAN["h"][1:]]}

BAD_LINKS = [
    ({}, "The link has no cut-offs."),
    ({"cuts": " "}, "The link has no cut-offs."),
    ({"cuts": "abc"}, "The link's cut-offs are not numbers: 'abc'."),
    ({"cuts": "55000,,2"}, "The link's cut-offs are not numbers: ''."),
    ({"cuts": "5,4,3,2,1"}, "The link has 5 cut-offs; give 1 to 4 (2 to 5 tiers)."),
    ({"cuts": "-5"}, "The link's cut-offs cannot be negative; got -5."),
    ({"cuts": "inf"}, "The link's cut-offs must be finite numbers; got inf."),
    ({"cuts": "nan"}, "must be finite numbers"),
    ({"cuts": "10", "by": "profit"}, "The link tiers by 'profit'; tierboard tiers by revenue"),
    (
        {"cuts": "10", "by": "score", "w": "nps:x"},
        "The link's weight for nps is not a number: 'x'.",
    ),
    ({"cuts": "10", "by": "score", "w": "nps"}, "do not read as component:weight pairs: 'nps'"),
    ({"cuts": "10", "by": "score", "w": "karma:3"}, "'karma', which is not a score component"),
    ({"cuts": "10", "by": "score", "w": "nps:1,nps:2"}, "The link's weights give nps twice."),
    ({"cuts": "10", "by": "score", "w": "nps:-1"}, "weight for nps must be from 0 to 100; got -1"),
    ({"cuts": "10", "slice": "country:FR"}, "'country', which is not a dimension"),
    ({"cuts": "10", "slice": "EMEA"}, "does not read as dimension:value|value: 'EMEA'"),
    ({"cuts": "10", "slice": "region:"}, "The link's slice has an empty Region value."),
    ({"cuts": "10", "slice": "region:A;region:B"}, "The link's slice names region twice."),
    ({"cuts": "10,5", "plan": "not base64!"}, "The link's plan is damaged"),
    ({"cuts": "10,5", "plan": "AAAA"}, "The link's plan is damaged"),
    ({"cuts": "10,5", "plan": "é"}, "The link's plan is damaged"),
    (
        {
            "cuts": "10,5",
            "plan": to_query(Scenario((10.0, 5.0), plan=default_plan(3)))["plan"][:-9],
        },
        "The link's plan is damaged (cut short or changed by hand); copy the whole link again.",
    ),
    (
        {
            "cuts": "10,5",
            "plan": base64.urlsafe_b64encode(zlib.compress(b" " * 2_000_000)).decode(),
        },
        "The link's plan is damaged",
    ),
    (plan_link([1, 2]), "The link's plan is not in a form this tierboard reads."),
    (plan_link({**GOOD_PLAN, "s": GOOD_PLAN["s"][:-1]}), "not in a form this tierboard reads"),
    (plan_link({**GOOD_PLAN, "t": [[1, 2]] * 3}), "not in a form this tierboard reads"),
    (plan_link({**GOOD_PLAN, "h": [["1", 0, 0]] * 10}), "not in a form this tierboard reads"),
    (plan_link({**GOOD_PLAN, "v": 2}), "The link's plan was made by a newer tierboard"),
    (plan_link(NEGATIVE_HOURS), "The link's plan is not usable: the hours for"),
    (plan_link({**GOOD_PLAN, "t": [[1, 0, 1]] * 3}), "not usable: hours per CSM must be above"),
    (plan_link(GOOD_PLAN, cuts="10"), "The link's plan has 3 tiers but its cut-offs make 2."),
]


@pytest.mark.parametrize(("params", "expected"), BAD_LINKS)
def test_a_bad_or_stale_link_says_what_is_wrong(params, expected):
    with pytest.raises(InputError) as raised:
        from_query(params)
    message = str(raised.value)
    assert expected in message
    assert_readable(message)


# ---------------------------------------------------------------------------------------------
# The dataset fingerprint.


def test_a_fingerprint_is_short_stable_and_counts_to_the_cent():
    fingerprint = dataset_fingerprint("customers.csv", 5000, 151_234_567.891)
    assert len(fingerprint) == 12
    assert int(fingerprint, 16) >= 0
    # Pinned: scenarios saved today must recognise the same data tomorrow.
    assert fingerprint == dataset_fingerprint("customers.csv", 5000, 151_234_567.89)
    assert fingerprint == "9d68905d6397"
    assert dataset_fingerprint("customers.csv", 5000, 0.1 + 0.2) == dataset_fingerprint(
        "customers.csv", 5000, 0.3
    )
    assert dataset_fingerprint("a.csv", 1, -0.001) == dataset_fingerprint("a.csv", 1, 0.0)


def test_a_fingerprint_changes_with_the_source_count_or_revenue():
    base = dataset_fingerprint("customers.csv", 5000, 100.0)
    assert dataset_fingerprint("other.csv", 5000, 100.0) != base
    assert dataset_fingerprint("customers.csv", 5001, 100.0) != base
    assert dataset_fingerprint("customers.csv", 5000, 100.01) != base


# ---------------------------------------------------------------------------------------------
# The store contract: every backend passes these.


def sqlite_store(request: pytest.FixtureRequest, tmp_path: Path) -> ScenarioStore:
    return SqliteScenarioStore(tmp_path / "data" / "scenarios.sqlite3")


def postgres_store(request: pytest.FixtureRequest, tmp_path: Path) -> ScenarioStore:
    """A store in a fresh database of a throwaway server (skips without PostgreSQL, except in
    CI or with TIERBOARD_REQUIRE_POSTGRES set, where it fails)."""
    from lib.scenario_store_pg import PostgresScenarioStore
    from tests.integration.conftest import shared_server

    return PostgresScenarioStore(shared_server(request.config).new_database())


BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], ScenarioStore]] = {
    "sqlite": sqlite_store,
    "postgres": postgres_store,
}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ScenarioStore]:
    yield BACKENDS[request.param](request, tmp_path)


def test_the_store_keeps_the_protocol(store):
    assert isinstance(store, ScenarioStore)


def test_a_saved_scenario_reads_back_identical(store):
    before = datetime.now(UTC)
    saved = store.save("Q3 plan", rich_scenario(), author="ana@example.com")
    assert saved.name == "Q3 plan"
    assert saved.version == 1
    assert saved.author == "ana@example.com"
    assert saved.saved_at.tzinfo is not None
    assert saved.saved_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= saved.saved_at <= datetime.now(UTC)
    assert store.get("Q3 plan") == saved
    assert store.get("Q3 plan").scenario == rich_scenario()


def test_a_listed_scenario_is_parsed_once_and_a_new_version_afresh(store, monkeypatch, tmp_path):
    # Every page lists the saved scenarios on every rerun: their JSON and plan TOML are parsed
    # once per stored text, not once per slider move.
    store.save("Parsed once", rich_scenario())
    parsed = []
    original = Scenario.from_dict

    def counting(data):
        parsed.append(data["cuts"])
        return original(data)

    monkeypatch.setattr(Scenario, "from_dict", staticmethod(counting))
    first = store.list()[0].scenario
    assert store.list()[0].scenario is first and store.get("Parsed once").scenario is first
    assert len(parsed) <= 1  # (0: the same name and text were read before, by another test)
    # A text no other test stores (the cache is shared by every store of the process).
    cut = float(1 + zlib.crc32(str(tmp_path).encode()) % 10**9)
    store.save("Parsed once", Scenario((cut,)), expected_version=1)
    assert store.list()[0].scenario == Scenario((cut,))
    assert parsed[-1] == [cut]


def test_the_list_is_newest_first(store):
    assert store.list() == []
    for name in ("first", "second", "third"):
        store.save(name, Scenario((10.0,)))
    assert [item.name for item in store.list()] == ["third", "second", "first"]
    store.save("first", Scenario((20.0,)), expected_version=1)
    listed = store.list()
    assert [item.name for item in listed] == ["first", "third", "second"]
    assert all(isinstance(item, SavedScenario) for item in listed)
    assert listed[0].scenario == Scenario((20.0,))
    assert listed[0].version == 2


def test_saving_a_taken_name_is_a_conflict_that_says_who_and_when(store):
    store.save("Q3 plan", Scenario((10.0,)), author="ana@example.com")
    with pytest.raises(ScenarioConflict) as raised:
        store.save("Q3 plan", Scenario((99.0,)), author="bo@example.com")
    message = str(raised.value)
    assert isinstance(raised.value, InputError)
    assert "ana@example.com" in message
    assert "UTC" in message
    assert_readable(message)
    assert store.get("Q3 plan").scenario == Scenario((10.0,))


def test_overwriting_needs_the_version_that_was_loaded(store):
    store.save("Q3 plan", Scenario((10.0,)), author="ana")
    second = store.save("Q3 plan", Scenario((20.0,)), author="bo", expected_version=1)
    assert second.version == 2
    assert second.author == "bo"
    with pytest.raises(ScenarioConflict) as raised:
        store.save("Q3 plan", Scenario((30.0,)), author="cy", expected_version=1)
    assert "bo" in str(raised.value)
    assert "version 2" in str(raised.value)
    assert_readable(str(raised.value))
    assert store.get("Q3 plan").scenario == Scenario((20.0,))
    assert store.save("Q3 plan", Scenario((30.0,)), expected_version=2).version == 3


def test_overwriting_a_scenario_that_is_gone_is_a_conflict(store):
    with pytest.raises(ScenarioConflict) as raised:
        store.save("never saved", Scenario((10.0,)), expected_version=1)
    assert_readable(str(raised.value))


def test_names_are_trimmed_and_checked(store):
    saved = store.save("  Q3 plan \t", Scenario((10.0,)))
    assert saved.name == "Q3 plan"
    assert store.get(" Q3 plan").name == "Q3 plan"
    decomposed = unicodedata.normalize("NFD", "São Paulo")
    store.save(decomposed, Scenario((10.0,)))
    assert store.get("São Paulo").name == "São Paulo"
    store.save("x" * NAME_LIMIT, Scenario((10.0,)))
    for bad in ("", "   ", "x" * (NAME_LIMIT + 1), "two\nlines"):
        with pytest.raises(InputError) as raised:
            store.save(bad, Scenario((10.0,)))
        assert not isinstance(raised.value, ScenarioConflict)
        assert_readable(str(raised.value))


def test_a_missing_scenario_is_an_input_error(store):
    for action in (
        lambda: store.get("nope"),
        lambda: store.delete("nope"),
        lambda: store.rename("nope", "other"),
    ):
        with pytest.raises(InputError) as raised:
            action()
        assert not isinstance(raised.value, ScenarioConflict)
        assert str(raised.value) == 'There is no saved scenario named "nope".'


def test_rename_keeps_the_scenario_and_its_version(store):
    store.save("draft", Scenario((10.0,)), author="ana")
    store.save("draft", Scenario((20.0,)), author="ana", expected_version=1)
    store.rename("draft", "  Q3 plan ")
    with pytest.raises(InputError):
        store.get("draft")
    renamed = store.get("Q3 plan")
    assert (renamed.scenario, renamed.version, renamed.author) == (Scenario((20.0,)), 2, "ana")
    store.rename("Q3 plan", "Q3 plan")  # onto itself: nothing happens
    assert store.get("Q3 plan").version == 2


def test_rename_onto_a_taken_name_is_a_conflict(store):
    store.save("a", Scenario((10.0,)), author="ana")
    store.save("b", Scenario((20.0,)), author="bo")
    with pytest.raises(ScenarioConflict) as raised:
        store.rename("a", "b")
    assert "bo" in str(raised.value)
    assert_readable(str(raised.value))
    assert store.get("a").scenario == Scenario((10.0,))
    assert store.get("b").scenario == Scenario((20.0,))


def test_delete_frees_the_name(store):
    store.save("a", Scenario((10.0,)))
    store.save("a", Scenario((20.0,)), expected_version=1)
    store.delete(" a ")
    assert store.list() == []
    assert store.save("a", Scenario((30.0,))).version == 1


def test_threads_saving_one_new_name_at_once_have_exactly_one_winner(store):
    assert_one_winner(
        lambda i: store.save("Q3 plan", Scenario((float(i),)), author=f"user {i}"), workers=8
    )
    assert store.get("Q3 plan").version == 1


def test_threads_overwriting_the_same_version_have_exactly_one_winner(store):
    store.save("Q3 plan", Scenario((1.0,)))
    assert_one_winner(
        lambda i: store.save("Q3 plan", Scenario((float(i),)), expected_version=1), workers=8
    )
    assert store.get("Q3 plan").version == 2


def assert_one_winner(save: Callable[[int], SavedScenario], workers: int) -> None:
    start = threading.Barrier(workers)

    def attempt(i: int) -> str:
        start.wait(timeout=30)
        try:
            save(i)
        except ScenarioConflict:
            return "conflict"
        return "won"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(attempt, range(workers)))
    assert sorted(outcomes) == ["conflict"] * (workers - 1) + ["won"]


# ---------------------------------------------------------------------------------------------
# The embedded SQLite store.


def test_scenarios_survive_a_restart(tmp_path):
    path = tmp_path / "deep" / "folder" / "scenarios.sqlite3"
    original = rich_scenario()
    SqliteScenarioStore(path).save("Q3 plan", original, author="ana")
    loaded = SqliteScenarioStore(path).get("Q3 plan")  # a new store: as after an app restart
    assert loaded.scenario == original
    index = TierIndex.from_values([1e3 * n for n in range(1, 200)])
    assert summarize(index, loaded.scenario.cuts) == summarize(index, original.cuts)
    assert loaded.scenario.plan is not None
    assert loaded.scenario.plan.matrix.hours_per_account() == (60.0, 12.0, 2.0)


def test_the_database_has_a_schema_version_wal_and_json_rows(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    SqliteScenarioStore(path).save("Q3 plan", rich_scenario())
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        (text,) = connection.execute("SELECT scenario FROM scenarios").fetchone()
    finally:
        connection.close()
    assert json.loads(text) == rich_scenario().to_dict()


def test_a_database_from_a_newer_tierboard_is_refused(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    SqliteScenarioStore(path)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION + 1])
    connection.close()
    with pytest.raises(InputError) as raised:
        SqliteScenarioStore(path)
    assert "newer tierboard" in str(raised.value)
    assert_readable(str(raised.value))


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda path: path.write_bytes(b"hello, not a database" * 100), "cannot be used"),
        (
            lambda path: sqlite3.connect(path).execute("CREATE TABLE invoices (id INTEGER)"),
            "a database of something else",
        ),
    ],
)
def test_a_file_that_is_not_a_scenario_database_is_refused(tmp_path, make, fragment):
    path = tmp_path / "scenarios.sqlite3"
    make(path)
    with pytest.raises(InputError) as raised:
        SqliteScenarioStore(path)
    assert fragment in str(raised.value)
    assert_readable(str(raised.value))


def test_a_damaged_row_names_the_scenario(tmp_path):
    path = tmp_path / "scenarios.sqlite3"
    store = SqliteScenarioStore(path)
    store.save("Q3 plan", Scenario((10.0,)))
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE scenarios SET scenario = ?", ['{"cuts": [-1]}'])
    connection.close()
    with pytest.raises(InputError) as raised:
        store.get("Q3 plan")
    assert str(raised.value) == (
        'The saved scenario "Q3 plan" cannot be opened: '
        "the scenario's cut-offs cannot be negative; got -1."
    )


def test_the_data_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TIERBOARD_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    default = tmp_path / "home" / ".local" / "share" / "tierboard" / "scenarios.sqlite3"
    assert default_store_path() == default
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert default_store_path() == default
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "tierboard" / "scenarios.sqlite3"
    monkeypatch.setenv("TIERBOARD_DATA_DIR", str(tmp_path / "team"))
    assert default_store_path() == tmp_path / "team" / "scenarios.sqlite3"
    store = open_store()
    assert isinstance(store, SqliteScenarioStore)
    assert store.path == tmp_path / "team" / "scenarios.sqlite3"
    assert store.path.exists()


@pytest.mark.parametrize("expected_version", [None, 1])
def test_two_processes_saving_at_once_have_exactly_one_winner(tmp_path, expected_version):
    path = tmp_path / "scenarios.sqlite3"
    store = SqliteScenarioStore(path)
    if expected_version is not None:
        store.save("Q3 plan", Scenario((5.0,)))
    context = multiprocessing.get_context("spawn")
    start, outcomes = context.Barrier(2), context.Queue()
    workers = [
        context.Process(
            target=save_in_another_process,
            kwargs={
                "path": str(path),
                "name": "Q3 plan",
                "author": f"user {i}",
                "expected_version": expected_version,
                "start": start,
                "outcomes": outcomes,
            },
        )
        for i in range(2)
    ]
    for worker in workers:
        worker.start()
    results = sorted(outcomes.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert results == ["conflict", "won"]
    assert store.get("Q3 plan").version == (expected_version or 0) + 1


# --- the version a "Replace" may overwrite ------------------------------------------------------


def test_replace_overwrites_the_version_this_session_opened_else_the_latest(tmp_path):
    from lib.scenario_store import ScenarioConflict, version_to_replace
    from lib.scenario_store_sqlite import SqliteScenarioStore

    store = SqliteScenarioStore(tmp_path / "s.sqlite3")
    first = Scenario(cuts=(55_000.0, 20_000.0))
    store.save("Board", first, "ana")
    store.save("Board", first, "bo", expected_version=1)  # someone else saves again: v2
    assert version_to_replace(store, "Board", None) == 2
    assert version_to_replace(store, " Board ", ("Other", 7)) == 2
    # This session opened v1: replacing must not overwrite bo's v2 unseen.
    assert version_to_replace(store, "Board", ("Board", 1)) == 1
    with pytest.raises(ScenarioConflict):
        store.save(
            "Board", first, "ana", expected_version=version_to_replace(store, "Board", ("Board", 1))
        )
    with pytest.raises(InputError):
        version_to_replace(store, "Nothing saved", None)


def test_the_store_opened_again_is_checked_again_once_its_file_changes(tmp_path, monkeypatch):
    # open_store keeps a checked store per file as it is (issue 15: the schema check was ~0.6
    # ms of every page run, twice on Who moves); a newer tierboard's schema, or a file made
    # again, is still refused or made ready.
    monkeypatch.setenv("TIERBOARD_DATA_DIR", str(tmp_path))
    open_store()  # made
    store = open_store()
    assert open_store() is store  # nothing changed since: no second check
    store.save("Q3 plan", Scenario((10.0,)))
    assert [s.name for s in open_store().list()] == ["Q3 plan"]
    connection = sqlite3.connect(store.path)
    with connection:
        connection.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION + 1])
    connection.close()
    with pytest.raises(InputError, match="newer tierboard"):
        open_store()
    store.path.unlink()
    assert open_store().list() == []  # made again, schema and all
