"""lib.slices: which labels a slice keeps on the data in use."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from lib.slices import UNASSIGNED, Dimension, known_labels

REGIONS = {"region": Dimension.from_values(np.array(["EMEA", "APAC", "EMEA", "AMER"]))}


def test_a_slice_keeps_only_the_labels_the_data_has_in_the_order_given() -> None:
    chosen = ["Atlantis", "EMEA", "AMER", "EMEA "]
    assert known_labels(REGIONS, "region", chosen) == ["EMEA", "AMER"]
    assert known_labels(REGIONS, "no_such_dimension", ["EMEA"]) == []


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(["EMEA", "APAC", "", " ", "\t", "\u00a0", "\u3000", " EMEA", "émea"]),
            # No NUL: numpy, which sorts the labels, drops trailing NULs from strings.
            st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=4),
        ),
        max_size=60,
    ),
    st.integers(1, 3),
)
def test_codes_from_arrow_are_those_of_trimming_every_value(values, chunks):
    # The labels and codes as trimming each customer's value would give them (values of
    # whitespace only are no value), whatever the chunks DuckDB hands over.
    cut = [len(values) * i // chunks for i in range(chunks + 1)]
    column = pa.chunked_array(
        [pa.array(values[a:b], pa.string()) for a, b in itertools.pairwise(cut)], pa.string()
    )
    trimmed = pc.utf8_trim_whitespace(column).to_pylist()
    labels = sorted({v for v, t in zip(values, trimmed, strict=True) if v is not None and t})
    blank = [v is None or not t for v, t in zip(values, trimmed, strict=True)]
    expected = labels + ([UNASSIGNED] if any(blank) else [])
    found = Dimension.from_arrow(column)
    assert found.labels == tuple(expected)
    assert found.codes.dtype == np.int32
    assert [found.labels[c] for c in found.codes] == [
        UNASSIGNED if b else v for v, b in zip(values, blank, strict=True)
    ]
