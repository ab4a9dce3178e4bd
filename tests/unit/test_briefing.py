"""lib.briefing: what the Scenarios page says about a scenario and decides for it, with no
Streamlit in the way (issue 14: the rules left ui/scenarios.py and pages/scenarios.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib import briefing
from lib.capacity import Plan
from lib.criteria import COMPONENTS, REVENUE_ONLY, Criteria
from lib.dataset import Dataset
from lib.errors import InputError
from lib.planning import default_plan
from lib.sample import SAMPLE_PATH
from lib.scenario import Scenario
from lib.scenario_store import SavedScenario
from lib.scenario_store_sqlite import SqliteScenarioStore
from lib.slices import EVERYTHING, Slice
from lib.tiering import summarize


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return Dataset.from_file(SAMPLE_PATH)


def on(dataset: Dataset, **fields: object) -> Scenario:
    """A scenario made on `dataset` (its fingerprint and currency)."""
    made = {"dataset": briefing.fingerprint(dataset), "currency": dataset.currency}
    return Scenario(**{"cuts": (55_000.0, 20_000.0), **made, **fields})


def test_a_scenario_is_described_in_a_few_words() -> None:
    assert briefing.describe(Scenario(cuts=(55_000, 20_000))) == (
        "3 tiers by revenue, cut-offs $55K / $20K"
    )
    sliced = Scenario(cuts=(60.0,), slice=Slice.of({"region": ["EMEA"]}))
    score = Scenario(cuts=(60.0,), criteria=Criteria.score({"annual_revenue": 1.0}))
    assert briefing.describe(sliced, "€").endswith(", slice Region: EMEA")
    assert briefing.describe(score) == "2 tiers by score, cut-offs 60"


def test_a_saved_scenario_made_on_other_data_says_so(sample: Dataset) -> None:
    when = datetime(2026, 5, 3, 14, 3, tzinfo=UTC)
    mine = SavedScenario("Q3", on(sample), "ana", when, 1)
    other = SavedScenario("Old", Scenario(cuts=(1.0,), dataset="elsewhere"), None, when, 2)
    assert briefing.saved_label(mine, sample) == (
        "Q3 — 3 tiers by revenue, cut-offs $55K / $20K · saved by ana on 3 May 2026 at 14:03 UTC"
    )
    assert briefing.saved_label(other, sample).endswith(" · other data")


def test_a_scenario_in_another_currency_is_not_compared_nor_moved_from(sample: Dataset) -> None:
    euros = Scenario(cuts=(50_000.0, 20_000.0), currency="€")
    assert not briefing.comparable(sample, euros)
    header, rows = briefing.comparison_rows(sample, [("Here", on(sample)), ("Euros", euros)])
    assert header[2].startswith("Euros ")  # with the alert sign
    tier_rows = [row for row in rows if row[0].startswith("Tier ")]
    assert tier_rows and all(row[2] == "—" for row in tier_rows)
    with pytest.raises(InputError, match="Who moves from Here to Euros is not shown"):
        briefing.moves_between(sample, ("Here", on(sample)), ("Euros", euros))


def test_compared_figures_are_the_scenarios_tiers_on_this_data(sample: Dataset) -> None:
    scenario = on(sample)
    _, rows = briefing.comparison_rows(sample, [("A", scenario), ("B", scenario)])
    summary = summarize(sample.index, scenario.cuts)
    customers = next(row for row in rows if row[0] == "Tier 1 customers")
    assert customers[1] == customers[2]
    assert customers[1].startswith(f"{summary.tiers[0].customers:,} (")


def test_without_a_plan_a_scenario_is_compared_with_teams_sized_on_the_whole_base(
    sample: Dataset,
) -> None:
    sliced = on(sample, slice=Slice.of({"region": ["EMEA"]}))
    found = briefing.figures(sample, sliced)
    whole = default_plan(sample, REVENUE_ONLY, sliced.cuts)
    assert whole == Plan.default_for(summarize(sample.index, sliced.cuts))
    assert all(c.is_slice_share for c in found.capacities)


def test_moves_between_two_scenarios_counts_who_changes_tier(sample: Dataset) -> None:
    before, after = on(sample), on(sample, cuts=(40_000.0, 20_000.0))
    flows = briefing.moves_between(sample, ("Before", before), ("After", after))
    revenue = sample.index
    moved = summarize(revenue, (40_000,)).tiers[0].customers
    moved -= summarize(revenue, (55_000,)).tiers[0].customers
    assert flows.moved_customers == moved


@pytest.mark.parametrize(
    "criteria",
    [REVENUE_ONLY, Criteria(by="score", weights=tuple((c, 1.0) for c in COMPONENTS))],
    ids=["revenue", "score"],
)
def test_moves_between_scenarios_of_one_criteria_are_the_per_customer_flows(
    sample: Dataset, criteria: Criteria
) -> None:
    # Same criteria: read off one index (no per-baseline index built on every slider move);
    # the figures are those of tiering every customer twice.
    region = sample.dimensions["region"].labels[0]
    for part in (EVERYTHING, Slice.of({"region": [region]})):
        keys = sample.index_for(part, criteria).ascending
        for before_cuts, after_cuts in [
            ((float(keys[-5]), float(keys[len(keys) // 2])), (float(keys[-40]),)),
            ((float(keys[-1]), float(keys[0])), (float(keys[-9]), float(keys[-9]) / 2, 1.0)),
        ]:
            before = on(sample, cuts=before_cuts, criteria=criteria, slice=part)
            after = on(sample, cuts=after_cuts, criteria=criteria, slice=part)
            flows = briefing.moves_between(sample, ("Before", before), ("After", after))
            expected = sample.flows(part, criteria, after_cuts, baseline=(criteria, before_cuts))
            assert flows == expected


def test_moves_across_criteria_are_the_same_counted_from_either_side(sample: Dataset) -> None:
    score = Criteria(by="score", weights=tuple((c, 1.0) for c in COMPONENTS))
    keys = sample.index_for(EVERYTHING, score).ascending
    before = on(sample, cuts=(float(keys[-30]), float(keys[-200])), criteria=score)
    region = sample.dimensions["region"].labels[1]
    after = on(sample, cuts=(60_000.0, 15_000.0), slice=Slice.of({"region": [region]}))
    pair = (("On screen", before), ("Saved", after))
    forward = briefing.moves_between(sample, *pair)
    assert forward.moved_customers > 0
    assert briefing.moves_between(sample, *pair, first_moves=True) == forward


def test_opening_drops_slice_values_this_data_lacks_and_says_so(sample: Dataset) -> None:
    chosen = Slice.of({"region": ["EMEA", "Atlantis"]})
    opened = briefing.opening(on(sample, slice=chosen), sample)
    assert opened.slice["region"] == ["EMEA"]
    assert any("Atlantis" in warning for warning in opened.warnings)


def test_opening_a_scenario_without_a_plan_sizes_one_as_a_fresh_start_would(
    sample: Dataset,
) -> None:
    sliced = on(sample, slice=Slice.of({"region": ["EMEA"]}))
    opened = briefing.opening(sliced, sample)
    assert opened.plan == default_plan(sample, REVENUE_ONLY, sliced.cuts)
    assert opened.warnings == ()


def test_opening_a_score_weighs_every_component_it_does_not_name_at_zero(
    sample: Dataset,
) -> None:
    opened = briefing.opening(on(sample, cuts=(60.0,), criteria=Criteria.score({"nps": 2})), sample)
    assert opened.weights == {c: (2.0 if c == "nps" else 0.0) for c in COMPONENTS}


def test_opening_other_data_or_another_currency_is_said(sample: Dataset) -> None:
    other = briefing.opening(Scenario(cuts=(1.0,), dataset="elsewhere"), sample)
    assert any("made on other data" in w for w in other.warnings)
    euros = briefing.opening(Scenario(cuts=(1.0,), currency="€"), sample)
    assert any("read as $ here" in w for w in euros.warnings)


def test_a_save_replaces_only_when_asked_and_then_the_version_opened(tmp_path: Path) -> None:
    store = SqliteScenarioStore(tmp_path / "s.sqlite3")
    first = store.save("Plan", Scenario(cuts=(1.0,)), None)
    store.save("Plan", Scenario(cuts=(2.0,)), None, expected_version=first.version)
    assert briefing.expected_version(store, "Plan", ("Plan", first.version), False) is None
    assert briefing.expected_version(store, "Plan", ("Plan", first.version), True) == 1
    assert briefing.expected_version(store, "Plan", None, True) == 2  # the latest
    with pytest.raises(InputError):
        briefing.expected_version(store, "Nothing", None, True)


def test_the_pack_has_no_load_without_a_plan_and_the_plan_with_one(sample: Dataset) -> None:
    bare = briefing.pack_content(sample, on(sample), "Board")
    assert bare.capacities is None and bare.unprofitable is None
    assert bare.criteria == "annual revenue"
    planned = on(sample, plan=default_plan(sample, REVENUE_ONLY, (55_000.0, 20_000.0)))
    content = briefing.pack_content(sample, planned, "Board")
    assert content.capacities is not None and len(content.capacities) == 3
    assert content.migration is not None  # the sample has current_tier
    assert content.scope == EVERYTHING.describe()
    html = briefing.pack_html(sample, planned, "Board", datetime(2026, 12, 2, tzinfo=UTC))
    assert "Board" in html
