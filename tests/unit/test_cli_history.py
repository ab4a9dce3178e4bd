"""`tierboard history`: the JSON contract's figures on hand-computed histories, and bad input
in one sentence (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lib.cli import main


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


def history_json(capsys, *argv: str) -> dict:
    assert run(["history", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def write(folder: Path, name: str, rows: dict[str, str]) -> Path:
    path = folder / name
    lines = ["Customer ID,Annual Revenue", *(f"{key},{value}" for key, value in rows.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cells(transition: dict) -> dict[tuple[str, str], tuple[int, float]]:
    return {(c["from"], c["to"]): (c["customers"], c["revenue"]) for c in transition["matrix"]}


def changed_cells(transition: dict) -> dict[tuple[str, str], tuple[int, float]]:
    return {key: value for key, value in cells(transition).items() if value[0] and key[0] != key[1]}


@pytest.fixture
def quarters(tmp_path: Path) -> list[Path]:
    """Three quarters: A hovers at the Tier 1 cut-off, B jumps and falls, C churns, D joins."""
    return [
        write(tmp_path, "accounts-2026-Q3.csv", {"A": "105000", "B": "40000", "D": "10000.50"}),
        write(tmp_path, "accounts-2026-Q1.csv", {"A": "100000", "B": "50000", "C": "10000"}),
        write(tmp_path, "accounts-2026-Q2.csv", {"A": "95000", "B": "120000", "D": "10000.25"}),
    ]


def test_history_json_figures_on_a_hand_computed_history(capsys, quarters):
    found = history_json(capsys, *map(str, quarters), "--cuts", "100000,20000")
    assert found["periods"] == ["2026 Q1", "2026 Q2", "2026 Q3"]  # by date, not as given
    first, second = found["transitions"]
    assert (first["from_period"], first["to_period"]) == ("2026 Q1", "2026 Q2")
    # A 1 -> 2 (95,000), B 2 -> 1 (120,000), C 3 -> none (its last 10,000), D none -> 3.
    assert changed_cells(first) == {
        ("Tier 1", "Tier 2"): (1, 95000.0),
        ("Tier 2", "Tier 1"): (1, 120000.0),
        ("Tier 3", "none"): (1, 10000.0),
        ("none", "Tier 3"): (1, 10000.25),
    }
    assert first["changed_customers"] == 4
    assert first["changed_share"] == 1.0
    assert first["changed_revenue"] == 235000.25
    # A 2 -> 1 (105,000), B 1 -> 2 (40,000); D stays in Tier 3 with this period's revenue.
    assert changed_cells(second) == {
        ("Tier 2", "Tier 1"): (1, 105000.0),
        ("Tier 1", "Tier 2"): (1, 40000.0),
    }
    assert cells(second)[("Tier 3", "Tier 3")] == (1, 10000.5)
    assert second["changed_customers"] == 2
    assert second["changed_share"] == pytest.approx(2 / 3)
    assert second["changed_revenue"] == 145000.0
    assert found["flapped"] == 2  # A 1-2-1 and B 2-1-2


def test_history_json_with_a_buffer_band_and_a_minimum_stay(capsys, quarters):
    banded = history_json(capsys, *map(str, quarters), "--cuts", "100000,20000", "--buffer", "0.1")
    first, second = banded["transitions"]
    # A at 95,000 stays in Tier 1 (above 90,000); B at 120,000 passes 110,000.
    assert changed_cells(first) == {
        ("Tier 2", "Tier 1"): (1, 120000.0),
        ("Tier 3", "none"): (1, 10000.0),
        ("none", "Tier 3"): (1, 10000.25),
    }
    assert changed_cells(second) == {("Tier 1", "Tier 2"): (1, 40000.0)}
    assert banded["flapped"] == 1  # B only
    held = history_json(
        capsys, *map(str, quarters), "--cuts", "100000,20000", "--buffer", "0.1", "--min-stay", "2"
    )
    assert changed_cells(held["transitions"][1]) == {}  # B has been one period in Tier 1
    assert held["flapped"] == 0


def test_history_json_has_exactly_the_contracts_keys(capsys, quarters):
    found = history_json(capsys, *map(str, quarters), "--cuts", "100000")
    assert set(found) == {"periods", "transitions", "flapped"}
    for transition in found["transitions"]:
        assert set(transition) == {
            "from_period",
            "to_period",
            "changed_customers",
            "changed_share",
            "changed_revenue",
            "matrix",
        }
        assert all(
            set(cell) == {"from", "to", "customers", "revenue"} for cell in transition["matrix"]
        )


def test_periods_given_on_the_command_line_order_the_files_by_date(capsys, tmp_path):
    later = write(tmp_path, "a.csv", {"A": "10"})
    earlier = write(tmp_path, "b.csv", {"A": "10", "B": "500"})
    found = history_json(
        capsys, str(later), str(earlier), "--cuts", "100", "--periods", "2026-09-30,2026 Q2"
    )
    assert found["periods"] == ["2026 Q2", "2026 Q3"]
    assert changed_cells(found["transitions"][0]) == {("Tier 1", "none"): (1, 500.0)}


TRANSACTIONS_MAP = [
    "--map",
    "customer_id=Customer",
    "--map",
    "annual_revenue=Amount",
    "--map",
    "date=Invoice Date",
]


def test_history_of_one_transactions_file_cut_at_quarter_ends(capsys, tmp_path):
    lines = [
        "Customer,Amount,Invoice Date",
        "A,60000,2025-06-15",
        "A,50000,2026-01-10",
        "B,30000,2025-11-01",
        "B,90000,2026-05-01",
        "C,10000,2025-02-01",
        "D,5000,2026-06-30",
    ]
    path = tmp_path / "invoices.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = history_json(
        capsys,
        str(path),
        *TRANSACTIONS_MAP,
        "--quarters",
        "3",
        "--cuts",
        "100000,20000",
    )
    # Trailing 12 months as of 2025-12-31: A 60,000, B 30,000, C 10,000; as of 2026-03-31:
    # A 110,000, B 30,000, C gone; as of 2026-06-30: A 50,000, B 120,000, D 5,000.
    assert found["periods"] == ["2025 Q4", "2026 Q1", "2026 Q2"]
    first, second = found["transitions"]
    assert changed_cells(first) == {
        ("Tier 2", "Tier 1"): (1, 110000.0),
        ("Tier 3", "none"): (1, 10000.0),
    }
    assert cells(first)[("Tier 2", "Tier 2")] == (1, 30000.0)
    assert first["changed_customers"] == 2
    assert first["changed_share"] == pytest.approx(2 / 3)
    assert first["changed_revenue"] == 120000.0
    assert changed_cells(second) == {
        ("Tier 1", "Tier 2"): (1, 50000.0),
        ("Tier 2", "Tier 1"): (1, 120000.0),
        ("none", "Tier 3"): (1, 5000.0),
    }
    assert second["changed_revenue"] == 175000.0
    assert found["flapped"] == 1  # A 2-1-2


def test_the_text_output_has_a_table_per_transition_and_the_flaps(capsys, quarters):
    assert run(["history", *map(str, quarters), "--cuts", "100000,20000"]) == 0
    out = capsys.readouterr().out
    assert (
        "2026 Q1 -> 2026 Q2: 4 of 4 customers changed tier (100.0%), $235,000.25 of revenue" in out
    )
    assert "2026 Q2 -> 2026 Q3: 2 of 3 customers changed tier" in out
    assert "within 2 periods): 2 customers" in out
    assert "accounts-2026-Q1.csv): 3 rows read, 3 loaded as 3 customers." in out


def one_sentence_exit_2(capsys, argv: list[str]) -> str:
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    return captured.err


def test_missing_cuts_is_one_sentence(capsys, quarters):
    err = one_sentence_exit_2(capsys, ["history", *map(str, quarters)])
    assert "--cuts" in err


def test_two_files_of_one_period_are_one_sentence(capsys, tmp_path):
    one = write(tmp_path, "jan-2026-Q1.csv", {"A": "1"})
    two = write(tmp_path, "mar-2026-Q1.csv", {"A": "2"})
    err = one_sentence_exit_2(capsys, ["history", str(one), str(two), "--cuts", "10"])
    assert "same period (2026 Q1)" in err


def test_files_in_different_currencies_are_one_sentence(capsys, tmp_path):
    dollars = write(tmp_path, "q1-2026-Q1.csv", {"A": "$100", "B": "$5"})
    euros = write(tmp_path, "q2-2026-Q2.csv", {"A": "€100", "B": "€5"})
    err = one_sentence_exit_2(capsys, ["history", str(dollars), str(euros), "--cuts", "10"])
    assert "different currencies" in err


def test_a_file_without_a_period_asks_for_periods(capsys, tmp_path):
    plain = write(tmp_path, "customers.csv", {"A": "1"})
    err = one_sentence_exit_2(capsys, ["history", str(plain), "--cuts", "10"])
    assert "customers.csv" in err
    assert "--periods" in err


def test_a_period_that_is_not_one_is_one_sentence(capsys, tmp_path):
    plain = write(tmp_path, "customers.csv", {"A": "1"})
    err = one_sentence_exit_2(
        capsys, ["history", str(plain), "--cuts", "10", "--periods", "autumn"]
    )
    assert "'autumn' is not a period" in err


def test_quarters_of_a_customer_list_is_one_sentence(capsys, tmp_path):
    plain = write(tmp_path, "customers.csv", {"A": "1"})
    err = one_sentence_exit_2(capsys, ["history", str(plain), "--cuts", "10", "--quarters", "4"])
    assert "transactions" in err


def test_a_buffer_given_as_a_percentage_is_one_sentence(capsys, quarters):
    err = one_sentence_exit_2(
        capsys, ["history", *map(str, quarters), "--cuts", "10", "--buffer", "10"]
    )
    assert "0.1 is 10%" in err


def test_protection_until_renewal_reads_the_files_renewal_dates(capsys, tmp_path):
    header = "Customer ID,Annual Revenue,Renewal Date"
    first = tmp_path / "book-2026-Q1.csv"
    first.write_text(f"{header}\nA,150000,2026-08-01\nB,150000,2026-05-01\n", encoding="utf-8")
    second = tmp_path / "book-2026-Q2.csv"
    second.write_text(f"{header}\nA,50000,2027-08-01\nB,50000,2027-05-01\n", encoding="utf-8")
    found = history_json(
        capsys, str(first), str(second), "--cuts", "100000", "--protect-until-renewal"
    )
    # A renews after Q2 ends (2026-06-30): kept in Tier 1; B renewed in Q2: demoted.
    assert changed_cells(found["transitions"][0]) == {("Tier 1", "Tier 2"): (1, 50000.0)}


def test_protection_without_renewal_dates_is_one_sentence(capsys, quarters):
    err = one_sentence_exit_2(
        capsys, ["history", *map(str, quarters), "--cuts", "10", "--protect-until-renewal"]
    )
    assert "renewal dates" in err


def test_files_with_different_columns_are_said_and_still_compared(capsys, tmp_path):
    first = write(tmp_path, "q1-2026-Q1.csv", {"A": "100", "B": "5"})
    second = tmp_path / "q2-2026-Q2.csv"
    second.write_text("Customer ID,Annual Revenue,Region\nA,100,EMEA\nB,5,APAC\n", encoding="utf-8")
    assert run(["history", str(first), str(second), "--cuts", "10", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["transitions"][0]["changed_customers"] == 0
    assert (
        "2026 Q2 (q2-2026-Q2.csv) has region too, unlike 2026 Q1 (q1-2026-Q1.csv)" in captured.err
    )


def transactions(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text("\n".join(["Customer,Amount,Invoice Date", *lines]) + "\n", encoding="utf-8")
    return path


def test_quarters_before_the_first_line_are_left_out_and_partial_ones_said(capsys, tmp_path):
    path = transactions(
        tmp_path,
        [
            "A,60000,2025-10-10",  # the first line: 2025 Q3 (to 2025-09-30) has no customer
            "B,30000,2025-11-01",
            "B,oops,2026-01-05",  # line 4 of the file
            "A,50000,2026-06-30",
        ],
    )
    assert run(["history", str(path), *TRANSACTIONS_MAP, "--quarters", "4", "--cuts", "1"]) == 0
    captured = capsys.readouterr()
    # Kept, 2025 Q3 would read as "none" and every account as new in 2025 Q4: a false 100%.
    assert "Periods: 2025 Q4, 2026 Q1, 2026 Q2" in captured.out
    assert (
        "1 quarter before 2025 Q4 (2025 Q3) ends before the file's first line (2025-10-10): it "
        "is left out." in captured.out
    )
    assert "2025 Q4's 12 months begin 2025-01-01, before the file's first line (2025-10-10)" in (
        captured.out
    )
    assert "Rejected line: 4 (revenue is not a number)." in captured.out
    assert captured.out.rstrip().endswith(
        "2025 Q4 to 2026 Q2 hold less than 12 months of the file's lines: there, accounts look "
        "smaller than they are, and part of the tier churn is the file filling in, not "
        "customers changing. Fewer quarters leave them out."
    )
    found = history_json(
        capsys, str(path), *TRANSACTIONS_MAP, "--quarters", "4", "--cuts", "100000,20000"
    )
    assert found["periods"] == ["2025 Q4", "2026 Q1", "2026 Q2"]


def test_a_transactions_file_within_one_quarter_is_one_sentence(capsys, tmp_path):
    path = transactions(tmp_path, ["A,100,2026-07-10", "B,200,2026-09-15"])
    argv = ["history", str(path), *TRANSACTIONS_MAP, "--quarters", "4", "--cuts", "150"]
    err = one_sentence_exit_2(capsys, argv)
    assert "runs from 2026-07-10 to 2026-09-15: no quarter ends within it" in err


def test_a_file_whose_columns_are_not_recognised_says_how_to_name_them(capsys, tmp_path):
    odd = tmp_path / "odd-2026-Q1.csv"
    odd.write_text("acct,company,region,comment\n1,A,EU,hello\n", encoding="utf-8")
    plain = write(tmp_path, "plain-2026-Q2.csv", {"A": "1"})
    err = one_sentence_exit_2(capsys, ["history", str(odd), str(plain), "--cuts", "10"])
    assert (
        "odd-2026-Q1.csv: tierboard cannot tell which column holds the customer id and the "
        "revenue (its columns: acct, company, region, comment). Give them usual headers "
        "(Customer ID and Annual Revenue or ARR) and add the file again (on the command line: "
        "--map customer_id=... --map annual_revenue=...)." in err
    )
