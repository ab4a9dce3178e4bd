"""`tierboard assign`: the JSON contract, the movers file, and one-line failures (issue 20)."""

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib.assignment import MOVER_COLUMNS
from lib.cli import main
from lib.sample import SAMPLE_PATH

CUSTOMERS = """customer_id,customer_name,annual_revenue,csm_owner,region,renewal_date
C1,Acme,120000,Grace Kim,EMEA,2099-01-01
C2,Bolt,90000,Grace Kim,EMEA,2099-01-01
C3,Cask,30000,Omar Haddad,EMEA,
C4,Dune,25000,,APAC,
C5,=Evil,1000,Scale Team A,APAC,
C6,Fern,800,Scale Team A,EMEA,
"""
ROSTER = """csm,tiers,hours,headcount,region
Grace Kim,Tier 1,200,1,EMEA
Omar Haddad,Tier 1;Tier 2,100,1,
Scale Team A,Tier 3,10,2,
"""


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    return path


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)


ARGS = ["--cuts", "50000,5000", "--hours", "60,12,2"]


def test_assign_json_has_every_promised_key_with_its_type(
    customers: Path, roster: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert run(["assign", str(customers), *ARGS, "--roster", str(roster), "--json"]) == 0
    out = capfd.readouterr().out  # the file descriptor: nothing the solver prints either
    payload = json.loads(out)
    assert set(payload) == {
        "status", "moves", "moved_revenue", "max_utilisation", "lower_bound_moves",
        "unassigned_before", "csms", "hires_needed",
    }  # fmt: skip
    assert payload["status"] in {"optimal", "feasible", "over_capacity"}
    for key in ("moves", "lower_bound_moves", "unassigned_before"):
        assert type(payload[key]) is int, key
    for key in ("moved_revenue", "max_utilisation"):
        assert isinstance(payload[key], float), key
    assert set(payload["hires_needed"]) == {"Tier 1", "Tier 2", "Tier 3"}
    assert all(type(v) is int for v in payload["hires_needed"].values())
    assert [c["csm"] for c in payload["csms"]] == ["Grace Kim", "Omar Haddad", "Scale Team A"]
    for book in payload["csms"]:
        assert set(book) == {"csm", "tiers", "capacity_hours", "before", "after"}
        assert all(isinstance(t, str) for t in book["tiers"])
        assert isinstance(book["capacity_hours"], float)
        for side in ("before", "after"):
            assert set(book[side]) == {"accounts", "revenue", "hours"}
            assert type(book[side]["accounts"]) is int
            assert isinstance(book[side]["revenue"], float)
            assert isinstance(book[side]["hours"], float)
    # C4 (no owner, Tier 2) goes to Omar; C3 (Tier 2) stays with him; Grace keeps C1 and C2.
    assert payload["status"] == "optimal"
    assert payload["unassigned_before"] == 1
    assert payload["moves"] == payload["lower_bound_moves"] == 1
    assert payload["moved_revenue"] == 25000.0
    grace = payload["csms"][0]
    assert grace["capacity_hours"] == 200.0 and grace["tiers"] == ["Tier 1"]
    assert grace["before"] == grace["after"] == {"accounts": 2, "revenue": 210000.0, "hours": 120.0}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_assign_out_writes_exactly_the_movers_columns(
    customers: Path, roster: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"moves{suffix}"
    assert run(["assign", str(customers), *ARGS, "--roster", str(roster), "--out", str(out)]) == 0
    if suffix == ".csv":
        frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    else:
        sheet = openpyxl.load_workbook(out).active
        rows = [
            [("" if c is None else c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
        frame = pd.DataFrame(rows[1:], columns=rows[0])
    assert list(frame.columns) == list(MOVER_COLUMNS)
    assert frame.to_dict("records") == [
        {
            "customer_id": "C4",
            "customer_name": "Dune",
            "tier": "Tier 2",
            "from_csm": "",
            "to_csm": "Omar Haddad",
            "annual_revenue": "25000.0" if suffix == ".csv" else 25000.0,
            "renewal_date": "",
            "reason": "unassigned",
        }
    ]


def test_assign_movers_file_is_formula_safe(customers: Path, tmp_path: Path) -> None:
    # Scale Team A serves Tier 2 only here, so =Evil (Tier 3) must move to the Tier 3 pool.
    roster = tmp_path / "roster.csv"
    text = ROSTER.replace("Scale Team A,Tier 3", "Scale Team A,Tier 2") + "Pool B,Tier 3,100,1,\n"
    roster.write_text(text, encoding="utf-8")
    out = tmp_path / "moves.csv"
    assert run(["assign", str(customers), *ARGS, "--roster", str(roster), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert '"\'=Evil"' in text


@pytest.mark.parametrize(
    ("roster_text", "message"),
    [
        ("csm,tiers,hours\nA,Tier 1,10\nB,Tier 9,10\n", 'Line 3 of the roster: unknown tier "Tier'),
        ("csm,tiers,hours\nA,Tier 1,-10\n", "Line 2 of the roster: hours must be a number"),
        ("csm,tiers,hours\nA,Tier 1,10\nA,Tier 2,10\n", "Line 3 of the roster: A is already on"),
        ("csm,hours\nA,10\n", 'The roster has no "tiers" column'),
    ],
)  # fmt: skip
def test_a_bad_roster_exits_2_with_one_line_naming_it(
    customers: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    roster_text: str,
    message: str,
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(roster_text, encoding="utf-8")
    assert run(["assign", str(customers), *ARGS, "--roster", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"tierboard: {message}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pin", "NOPE=Grace Kim"], "The pinned account NOPE is not in the data."),
        (["--pin", "C3=Nobody"], "C3 is pinned to Nobody, who is not on the roster."),
        (["--max-moves", "0"], "At least 1 account must change hands"),
        (["--hours", "1,2"], "Give --hours one figure per tier"),
    ],
)
def test_bad_assign_rules_exit_2_with_one_line(
    customers: Path,
    roster: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    argv = ["assign", str(customers), *ARGS, "--roster", str(roster), *extra]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"tierboard: {message}")


def test_assign_on_the_sample_infers_the_roster_and_says_it_in_one_headline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["assign", str(SAMPLE_PATH), "--hours", "30,8,1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "change hands" in out[0] and "every CSM within capacity" in out[0]
    assert out[1] == "Proven optimal."
    assert any(line.startswith("Scale Team C") for line in out)
