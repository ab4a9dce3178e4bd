"""lib.canonical: the canonical columns and how a header names them."""

import pytest

from lib.canonical import BY_NAME, COLUMNS, REQUIRED, header_key, identity_mapping


def test_customer_id_and_annual_revenue_are_the_required_columns():
    assert REQUIRED == ("customer_id", "annual_revenue")
    assert BY_NAME["annual_revenue"].kind == "number"
    assert len(BY_NAME) == len(COLUMNS)


@pytest.mark.parametrize(
    "header",
    ["annual_revenue", "Annual Revenue ", "ANNUAL-REVENUE", " annual  revenue", "Annual.Revenue"],
)
def test_headers_compare_ignoring_case_spaces_and_punctuation(header):
    assert header_key(header) == "annual_revenue"


def test_identity_mapping_maps_canonical_names_to_the_headers_that_spell_them():
    headers = ["Customer ID", "Annual Revenue", "annual_revenue", "Notes", "NPS"]
    assert identity_mapping(headers) == {
        "customer_id": "Customer ID",
        "annual_revenue": "Annual Revenue",  # the first spelling wins
        "nps": "NPS",
    }
