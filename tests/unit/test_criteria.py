"""lib.criteria: what a weighted score is made of, as the sidebar says it."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lib.criteria import COMPONENTS, Criteria, score, weight_shares

COLUMNS = ("customer_id", "annual_revenue", "nps")
DATA = {"annual_revenue": np.array([100.0, 50.0, 5.0]), "nps": np.array([9.0, np.nan, 3.0])}


@given(
    weights=st.dictionaries(
        st.sampled_from(sorted(COMPONENTS)), st.integers(0, 100).map(float), min_size=1
    ).filter(lambda w: w.get("annual_revenue", 0) > 0 or w.get("nps", 0) > 0)
)
def test_weight_shares_cover_only_the_components_used_and_add_up_to_one(weights) -> None:
    criteria = Criteria.score(weights)
    scored = score(DATA, COLUMNS, criteria)
    shares = weight_shares(criteria, scored)
    assert set(shares) <= {"annual_revenue", "nps"}  # the others have no data here
    assert all(share > 0 for share in shares.values())
    assert abs(sum(shares.values()) - 1) < 1e-9


def test_a_weight_share_is_the_weight_over_the_weights_used() -> None:
    criteria = Criteria.score({"annual_revenue": 3, "nps": 1, "health_score": 5})
    shares = weight_shares(criteria, score(DATA, COLUMNS, criteria))
    assert shares == {"annual_revenue": 0.75, "nps": 0.25}
