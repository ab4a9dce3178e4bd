"""lib.mapping: which header of a real export is which canonical column; and lib.ingest's check
of a chosen mapping and the wording of its load report (the words a person reads after mapping)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import mapping
from lib.canonical import BY_NAME, REQUIRED, header_key
from lib.errors import InputError
from lib.ingest import LoadReport, RevenueBasis, resolve_mapping
from lib.mapping import ALIASES, DATE, suggest

ANNUAL = RevenueBasis("annual")
MONTHLY = RevenueBasis("monthly")
TRANSACTIONS = RevenueBasis("transactions", dt.date(2026, 10, 31))

# ---------------------------------------------------------------------------------------------
# Suggestions from the headers of real exports.


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            ["Account ID", "Account Name", "Annual Revenue", "Account Owner", "Industry",
             "Billing Country"],
            {"customer_id": "Account ID", "customer_name": "Account Name",
             "annual_revenue": "Annual Revenue", "csm_owner": "Account Owner",
             "industry": "Industry", "region": "Billing Country"},
            id="salesforce",
        ),
        pytest.param(
            ["Record ID", "Company name", "Annual Revenue", "Company owner"],
            {"customer_id": "Record ID", "customer_name": "Company name",
             "annual_revenue": "Annual Revenue", "csm_owner": "Company owner"},
            id="hubspot",
        ),
        pytest.param(
            ["id", "Email", "Name", "Created (UTC)"],
            {"customer_id": "id", "customer_name": "Name"},
            id="stripe_customers",
        ),
        pytest.param(
            ["id", "Amount", "Created (UTC)", "Customer ID", "Customer Email"],
            {"customer_id": "Customer ID", "annual_revenue": "Amount", DATE: "Created (UTC)"},
            id="stripe_payments",  # the payment's own "id" is not the customer
        ),
        pytest.param(
            ["Customer Id", "Company", "MRR"],
            {"customer_id": "Customer Id", "customer_name": "Company", "annual_revenue": "MRR"},
            id="chargebee",
        ),
        pytest.param(
            ["Kundennummer", "Firma", "Jahresumsatz", "Branche"],
            {"customer_id": "Kundennummer", "customer_name": "Firma",
             "annual_revenue": "Jahresumsatz", "industry": "Branche"},
            id="german",
        ),
        pytest.param(
            ["Numéro client", "Nom", "Chiffre d'affaires"],
            {"customer_id": "Numéro client", "annual_revenue": "Chiffre d'affaires"},
            id="french",
        ),
        pytest.param(
            ["Customer", "Annual Revenue (USD)", "CSM", "Renewal Date", "Customer since"],
            {"customer_id": "Customer", "annual_revenue": "Annual Revenue (USD)",
             "csm_owner": "CSM", "renewal_date": "Renewal Date",
             "customer_since": "Customer since"},
            id="hand_made_with_units",
        ),
    ],
)  # fmt: skip
def test_a_real_exports_headers_suggest_its_key_columns(headers, expected):
    found = suggest(headers).mapping
    assert {name: found.get(name) for name in expected} == expected


@pytest.mark.parametrize(
    ("header", "monthly"),
    [
        ("MRR", True),
        ("Monthly Recurring Revenue", True),
        ("MRR (EUR)", True),
        ("Annual Revenue", False),
        ("ARR", False),
        ("Annual Recurring Revenue", False),
        ("Revenue", False),
        ("Amount", False),
        ("Jahresumsatz", False),
    ],
)
def test_revenue_looks_monthly_only_when_its_header_says_so(header, monthly):
    suggestion = suggest(["Customer ID", header])
    assert suggestion.mapping["annual_revenue"] == header
    assert suggestion.revenue_looks_monthly is monthly


def test_without_a_revenue_header_nothing_looks_monthly():
    assert suggest(["Customer ID", "Monthly Plan"]).revenue_looks_monthly is False


@pytest.mark.parametrize(
    ("headers", "not_suggested"),
    [
        (["Identity", "Revenue"], "customer_id"),  # "id" must be a whole word
        (["Account Owner", "ARR"], "customer_id"),  # an owner is not an account id
        (["Carrier", "Customer ID"], "annual_revenue"),  # "arr" inside a word
    ],
)
def test_a_one_word_alias_inside_another_word_is_not_a_match(headers, not_suggested):
    assert not_suggested not in suggest(headers).mapping


def test_an_account_owner_column_is_the_owner_beside_the_account_id():
    found = suggest(["Account Owner", "Account ID", "ARR"]).mapping
    assert (found["customer_id"], found["csm_owner"]) == ("Account ID", "Account Owner")


def test_an_exact_name_beats_a_name_that_contains_it():
    found = suggest(["Parent Account ID", "Account ID", "Revenue", "Annual Revenue"]).mapping
    assert (found["customer_id"], found["annual_revenue"]) == ("Account ID", "Annual Revenue")


def test_no_known_header_gives_an_empty_suggestion():
    suggestion = suggest(["colour", "weight", ""])
    assert suggestion.mapping == {}
    assert suggestion.revenue_looks_monthly is False


def test_the_suggestion_lists_columns_in_canonical_order():
    found = suggest(["Industry", "ARR", "Name", "Account ID"]).mapping
    assert list(found) == ["customer_id", "annual_revenue", "customer_name", "industry"]


# Headers as exports spell the aliases: "account_id", "Account ID", "ACCOUNT-ID".
def spellings(key: str) -> list[str]:
    words = key.split("_")
    return [key, " ".join(word.capitalize() for word in words), "-".join(words).upper()]


ALIAS_HEADERS = sorted(
    {spelling for keys in ALIASES.values() for k in keys for spelling in spellings(k)}
)
HEADER_LISTS = st.lists(
    st.one_of(
        st.sampled_from(ALIAS_HEADERS),
        st.text(alphabet="abcdeiornstu _-()ID", max_size=14),  # noise, sometimes word-like
    ),
    max_size=12,
)


@given(HEADER_LISTS)
def test_each_header_is_suggested_for_at_most_one_column(headers):
    found = suggest(headers).mapping
    assert len(set(found.values())) == len(found)
    assert set(found.values()) <= set(headers)
    assert set(found) <= set(ALIASES)


@given(HEADER_LISTS, st.randoms(use_true_random=False))
def test_the_suggestion_does_not_depend_on_the_order_of_the_headers(headers, random):
    shuffled = list(headers)
    random.shuffle(shuffled)
    assert suggest(shuffled) == suggest(headers)


@given(HEADER_LISTS)
def test_a_header_spelling_a_columns_first_alias_is_suggested_for_it(headers):
    found = suggest(headers).mapping
    keys = {header_key(header) for header in headers}
    for canonical, aliases in ALIASES.items():
        if aliases[0] in keys:
            assert header_key(found[canonical]) == aliases[0]


def test_describe_explains_a_canonical_column_and_the_date():
    assert mapping.describe("annual_revenue") == BY_NAME["annual_revenue"].description
    assert "invoice" in mapping.describe(DATE).lower()


def test_invert_maps_each_header_back_to_its_column():
    assert mapping.invert({"customer_id": "Account ID", "annual_revenue": "ARR"}) == {
        "Account ID": "customer_id",
        "ARR": "annual_revenue",
    }


# ---------------------------------------------------------------------------------------------
# lib.ingest.resolve_mapping: a suggested or chosen mapping, checked against the file.

HEADERS = ("Account ID", "ARR", "Invoice Date", "Name")


def test_without_a_mapping_the_suggestion_is_used_and_the_date_dropped_for_annual_figures():
    assert resolve_mapping(HEADERS, None, ANNUAL) == {
        "customer_id": "Account ID",
        "annual_revenue": "ARR",
        "customer_name": "Name",
    }


@pytest.mark.parametrize("basis", [ANNUAL, MONTHLY])
def test_a_chosen_date_column_is_dropped_unless_revenue_is_transactions(basis):
    chosen = {"customer_id": "Account ID", "annual_revenue": "ARR", DATE: "Invoice Date"}
    assert resolve_mapping(HEADERS, chosen, basis) == {
        "customer_id": "Account ID",
        "annual_revenue": "ARR",
    }
    assert resolve_mapping(HEADERS, chosen, TRANSACTIONS) == chosen


def test_transactions_keep_the_suggested_date_column():
    assert resolve_mapping(HEADERS, None, TRANSACTIONS)[DATE] == "Invoice Date"


def test_resolving_does_not_change_the_callers_mapping():
    chosen = {"customer_id": "Account ID", "annual_revenue": "ARR", DATE: "Invoice Date"}
    resolve_mapping(HEADERS, chosen, ANNUAL)
    assert DATE in chosen


@pytest.mark.parametrize(
    ("chosen", "basis", "words"),
    [
        ({"customer_id": "Account ID", "revenue": "ARR"}, ANNUAL, ["'revenue'", "annual_revenue"]),
        ({"customer_id": "Account ID", "annual_revenue": "Revenue"}, ANNUAL,
         ["'Revenue'", "Account ID, ARR, Invoice Date, Name"]),
        ({"customer_id": "account id", "annual_revenue": "ARR"}, ANNUAL, ["'account id'"]),
        ({"customer_id": "Account ID"}, ANNUAL, ["annual_revenue", "Account ID, ARR"]),
        ({}, ANNUAL, ["customer_id and annual_revenue"]),
        ({"customer_id": "Account ID", "annual_revenue": "ARR"}, TRANSACTIONS, ["date"]),
        ({"customer_id": "Account ID", "annual_revenue": "ARR", DATE: "Datum"}, TRANSACTIONS,
         ["'Datum'"]),
    ],
)  # fmt: skip
def test_a_mapping_that_does_not_fit_names_what_is_wrong(chosen, basis, words):
    with pytest.raises(InputError) as error:
        resolve_mapping(HEADERS, chosen, basis)
    message = str(error.value)
    assert all(word in message for word in words), message
    assert message.endswith(".")


@pytest.mark.parametrize(
    ("headers", "basis", "words"),
    [
        (("colour", "size"), ANNUAL, ["customer_id and annual_revenue", "colour, size"]),
        (("Account ID", "Name"), ANNUAL, ["annual_revenue"]),
        (("Account ID", "ARR"), TRANSACTIONS, ["date"]),
    ],
)
def test_a_file_the_suggestion_cannot_complete_names_what_to_choose(headers, basis, words):
    with pytest.raises(InputError) as error:
        resolve_mapping(headers, None, basis)
    assert all(word in str(error.value) for word in words), str(error.value)


def test_every_required_column_is_named_when_none_is_chosen():
    with pytest.raises(InputError) as error:
        resolve_mapping(HEADERS, {}, ANNUAL)
    assert all(name in str(error.value) for name in REQUIRED)


# ---------------------------------------------------------------------------------------------
# lib.ingest.LoadReport.sentences: what a person reads after loading.


def test_one_of_each_reads_in_the_singular():
    report = LoadReport(
        "f.csv", rows_read=1, rows_loaded=1, customers=1, rejected={"revenue is empty": 1},
        title_lines=1, footer_lines=1, blank_lines=1,
    )  # fmt: skip
    assert report.sentences() == [
        "1 row read, 1 loaded as 1 customer.",
        "Rejected, revenue is empty: 1 row.",
        "Skipped: 1 title line, 1 footer line, 1 blank line.",
    ]


def test_many_read_in_the_plural_with_thousands_separators():
    report = LoadReport(
        "f.csv", rows_read=12_345, rows_loaded=12_000, customers=1_500,
        rejected={"revenue is empty": 2, "customer id is empty": 343},
        duplicates_merged=10_500, title_lines=2, footer_lines=6, blank_lines=3,
    )  # fmt: skip
    assert report.sentences() == [
        "12,345 rows read, 12,000 loaded as 1,500 customers.",
        "10,500 rows repeated a customer id and were summed into that customer.",
        "Rejected, customer id is empty: 343 rows.",  # the commonest reason first
        "Rejected, revenue is empty: 2 rows.",
        "Skipped: 2 title lines, 6 footer lines, 3 blank lines.",
    ]


def test_one_repeated_row_was_summed():
    report = LoadReport("f.csv", rows_read=2, rows_loaded=2, customers=1, duplicates_merged=1)
    assert report.sentences()[1] == (
        "1 row repeated a customer id and was summed into that customer."
    )


def test_transactions_say_lines_were_summed_and_which_fell_outside_the_window():
    report = LoadReport(
        "f.csv", rows_read=5, rows_loaded=5, customers=2, duplicates_merged=3,
        rows_outside_window=1, basis=TRANSACTIONS,
    )  # fmt: skip
    assert report.sentences() == [
        "5 rows read, 5 loaded as 2 customers.",
        "Lines of the same customer summed: 5.",
        "1 row dated outside the 12 months counted no revenue.",
    ]


def test_rows_outside_the_window_read_in_the_plural():
    report = LoadReport(
        "f.csv", rows_read=3, rows_loaded=3, customers=3, rows_outside_window=2,
        basis=TRANSACTIONS,
    )  # fmt: skip
    assert report.sentences()[1] == "2 rows dated outside the 12 months counted no revenue."


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ({"title_lines": 2}, "Skipped: 2 title lines."),
        ({"footer_lines": 1}, "Skipped: 1 footer line."),
        ({"blank_lines": 4, "title_lines": 1}, "Skipped: 1 title line, 4 blank lines."),
        ({"footer_lines": 6, "blank_lines": 1}, "Skipped: 6 footer lines, 1 blank line."),
    ],
)
def test_the_skipped_line_lists_only_what_was_skipped(counts, line):
    report = LoadReport("f.csv", rows_read=3, rows_loaded=3, customers=3, **counts)
    assert report.sentences() == ["3 rows read, 3 loaded as 3 customers.", line]


def test_a_clean_load_is_one_sentence_and_notes_come_last():
    report = LoadReport("f.csv", rows_read=3, rows_loaded=3, customers=3)
    assert report.sentences() == ["3 rows read, 3 loaded as 3 customers."]
    noted = LoadReport(
        "f.csv", rows_read=3, rows_loaded=3, customers=3, blank_lines=1,
        notes=("Read as CSV, UTF-8.", "nps: 1 value was not numbers and left empty."),
    )  # fmt: skip
    assert noted.sentences()[-3:] == [
        "Skipped: 1 blank line.",
        "Read as CSV, UTF-8.",
        "nps: 1 value was not numbers and left empty.",
    ]


def test_rejected_rows_count_every_reason():
    report = LoadReport(
        "f.csv", rows_read=9, rows_loaded=4, customers=4,
        rejected={"revenue is empty": 2, "revenue is not a number": 3},
    )  # fmt: skip
    assert report.rejected_rows == 5


@pytest.mark.parametrize(
    ("basis", "text"),
    [
        (ANNUAL, "annual figures"),
        (MONTHLY, "monthly figures (MRR), annualised x 12"),
        (TRANSACTIONS, "transactions, trailing 12 months ending 2026-10-31"),
        (RevenueBasis("transactions"), "transactions, trailing 12 months ending the latest date"),
    ],
)
def test_the_revenue_basis_describes_itself(basis, text):
    assert basis.describe() == text


def test_repeated_ids_are_named_so_they_can_be_looked_up():
    # A new-user walk: "1 row repeated a customer id and was summed" did not say which one.
    report = LoadReport(
        "f.csv", rows_read=9, rows_loaded=9, customers=4, duplicates_merged=5,
        repeated_ids=(("C-001", 3), ("C-007", 2), ("x" * 60, 2)), repeated_customers=4,
    )  # fmt: skip
    assert report.sentences()[1] == (
        "5 rows repeated a customer id and were summed into that customer (C-001: 3 rows; "
        f"C-007: 2 rows; {'x' * 39}…: 2 rows; 4 customers in all)."
    )
    one = LoadReport(
        "f.csv", rows_read=2, rows_loaded=2, customers=1, duplicates_merged=1,
        repeated_ids=(("K\x1b[31m1", 2),), repeated_customers=1,
    )  # fmt: skip
    assert one.merged_sentence() == (
        "1 row repeated a customer id and was summed into that customer (K [31m1: 2 rows)."
    )
