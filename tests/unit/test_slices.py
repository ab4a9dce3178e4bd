"""lib.slices: which labels a slice keeps on the data in use."""

from __future__ import annotations

import numpy as np

from lib.slices import Dimension, known_labels

REGIONS = {"region": Dimension.from_values(np.array(["EMEA", "APAC", "EMEA", "AMER"]))}


def test_a_slice_keeps_only_the_labels_the_data_has_in_the_order_given() -> None:
    chosen = ["Atlantis", "EMEA", "AMER", "EMEA "]
    assert known_labels(REGIONS, "region", chosen) == ["EMEA", "AMER"]
    assert known_labels(REGIONS, "no_such_dimension", ["EMEA"]) == []
