"""lib.cli: the `tierboard` command's output, figures, and clean failures."""

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lib.cli import main
from lib.dataset import Dataset
from lib.sample import SAMPLE_PATH
from lib.suggest import default_cuts
from tests.fixtures import corpus

TOP_KEYS = {"customers", "rejected_rows", "total_revenue", "cuts", "tiers"}
TIER_KEYS = {"name", "customers", "customer_share", "revenue", "revenue_share"}


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    """A file with repeated customers, rejected rows and a blank row, made from a fixed seed."""
    rng = random.Random(4)
    lines = ["Customer ID,Annual Revenue,Customer Name"]
    for _ in range(300):
        customer = f"C{rng.randrange(220):03d}"
        revenue = f"{rng.lognormvariate(9, 1.3):.2f}"
        lines.append(f"{customer},{revenue},Name {customer}")
    lines += ["C999,abc,Typo", ",500,No id", "C998,,Empty", "C997,inf,Huge", ",,"]
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(argv: list[str]) -> int:
    """The exit code of `tierboard argv`: returned, or raised by argparse as SystemExit."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


def summarize_json(capsys, *argv: str) -> dict:
    assert run(["summarize", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def pandas_tiers(path: Path, cuts: list[float]) -> tuple[pd.Series, int]:
    """Customers' tiers computed independently: pandas cleaning and the tier rule
    (Tier 1 if value >= c1, Tier 2 if c2 <= value < c1, ...)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    raw.columns = ["customer_id", "annual_revenue", *raw.columns[2:]]
    ids = raw["customer_id"].str.strip()
    revenue = pd.to_numeric(raw["annual_revenue"].str.strip(), errors="coerce")
    blank = raw.apply(lambda row: all(not str(cell).strip() for cell in row), axis=1)
    usable = (ids != "") & np.isfinite(revenue)
    rejected = int((~usable & ~blank).sum())
    per_customer = revenue[usable].groupby(ids[usable]).sum()
    tiers = 1 + sum((per_customer < cut).astype(int) for cut in sorted(cuts, reverse=True))
    return pd.DataFrame({"revenue": per_customer, "tier": tiers}), rejected


def test_summarize_json_has_exactly_the_promised_keys(capsys, messy_csv):
    payload = summarize_json(capsys, str(messy_csv))
    assert set(payload) == TOP_KEYS
    assert [set(tier) for tier in payload["tiers"]] == [TIER_KEYS] * 3
    assert [tier["name"] for tier in payload["tiers"]] == ["Tier 1", "Tier 2", "Tier 3"]
    assert payload["cuts"] == sorted(payload["cuts"], reverse=True)
    for tier in payload["tiers"]:
        assert 0 <= tier["customer_share"] <= 1
        assert 0 <= tier["revenue_share"] <= 1
    assert sum(tier["customer_share"] for tier in payload["tiers"]) == pytest.approx(1)
    assert sum(tier["revenue_share"] for tier in payload["tiers"]) == pytest.approx(1)


@pytest.mark.parametrize("cuts", [None, "20000,5000", "9000", "50_000,20_000,10_000,1000"])
def test_summarize_json_figures_match_an_independent_pandas_computation(capsys, messy_csv, cuts):
    argv = [str(messy_csv)] + (["--cuts", cuts] if cuts else [])
    payload = summarize_json(capsys, *argv)
    expected, rejected = pandas_tiers(messy_csv, payload["cuts"])
    assert payload["rejected_rows"] == rejected == 4
    assert payload["customers"] == len(expected)
    assert payload["total_revenue"] == pytest.approx(expected["revenue"].sum(), rel=1e-12)
    for number, tier in enumerate(payload["tiers"], start=1):
        members = expected[expected["tier"] == number]
        assert tier["customers"] == len(members)
        assert tier["revenue"] == pytest.approx(members["revenue"].sum(), rel=1e-12, abs=1e-6)
        assert tier["customer_share"] == pytest.approx(len(members) / len(expected))
        revenue_share = members["revenue"].sum() / expected["revenue"].sum()
        assert tier["revenue_share"] == pytest.approx(revenue_share)
    if cuts:
        assert payload["cuts"] == sorted((float(c) for c in cuts.split(",")), reverse=True)


@pytest.mark.parametrize("path", ["messy", "sample"])
def test_summarize_without_cuts_uses_the_apps_default_cuts(capsys, messy_csv, path):
    file = messy_csv if path == "messy" else SAMPLE_PATH
    payload = summarize_json(capsys, str(file))
    dataset = Dataset.from_csv(file)
    assert payload["cuts"] == list(default_cuts(dataset.index, 3))
    dataset.close()


def test_the_readable_table_mentions_every_tier(capsys, messy_csv):
    assert run(["summarize", str(messy_csv), "--cuts", "40000,20000,10000,5000"]) == 0
    out = capsys.readouterr().out
    for number in range(1, 6):
        assert f"Tier {number}" in out
    assert "messy.csv" in out
    assert "4 rows rejected" in out
    assert not out.lstrip().startswith("{")


def write_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "non-numeric cuts",
        "no revenue column",
        "five cuts",
        "non-finite cut",
        "no usable rows",
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(capsys, tmp_path, case):
    good = write_file(tmp_path, "customer_id,annual_revenue\nA,1\nB,2\n")
    argv = {
        "missing file": ["summarize", str(tmp_path / "nope.csv")],
        "non-numeric cuts": ["summarize", good, "--cuts", "abc"],
        "no revenue column": ["summarize", write_file(tmp_path, "customer_id,arr\nA,1\n")],
        "five cuts": ["summarize", good, "--cuts", "5,4,3,2,1"],
        "non-finite cut": ["export", good, "--out", str(tmp_path / "x.csv"), "--cuts", "nan"],
        "no usable rows": ["summarize", write_file(tmp_path, "customer_id,annual_revenue\nA,x\n")],
    }[case]
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tierboard")
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_writes_the_tier_list(capsys, messy_csv, tmp_path, suffix):
    out = tmp_path / f"tiers.{suffix}"
    assert run(["export", str(messy_csv), "--out", str(out), "--cuts", "20000,5000"]) == 0
    assert "Wrote" in capsys.readouterr().err
    if suffix == "csv":
        frame = pd.read_csv(out, dtype={"customer_id": str})
    else:
        frame = pd.read_excel(out, engine="openpyxl", dtype={"customer_id": str})
    assert list(frame.columns) == ["customer_id", "customer_name", "annual_revenue", "tier"]
    expected, _ = pandas_tiers(messy_csv, [20000, 5000])
    assert len(frame) == len(expected)
    tiers = dict(zip(frame["customer_id"], frame["tier"], strict=True))
    assert tiers == {cid: f"Tier {tier}" for cid, tier in expected["tier"].items()}
    assert frame["customer_name"].tolist() == [f"Name {cid}" for cid in frame["customer_id"]]


def test_export_without_names_has_no_name_column(tmp_path):
    source = write_file(tmp_path, "customer_id,annual_revenue\nA,1\nB,2\n")
    out = tmp_path / "tiers.xlsx"
    assert run(["export", source, "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert [cell.value for cell in sheet[1]] == ["customer_id", "annual_revenue", "tier"]


@pytest.mark.parametrize(
    "suffix",
    [
        "csv",
        "xlsx",
    ],
)
def test_export_to_a_missing_folder_exits_2_cleanly(capsys, messy_csv, tmp_path, suffix):
    out = tmp_path / "no-such-folder" / f"tiers.{suffix}"
    assert run(["export", str(messy_csv), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "no-such-folder" in err
    assert "Traceback" not in err
    assert not out.parent.exists()


def test_the_installed_console_script_prints_the_json_summary(capsys, messy_csv):
    script = Path(sys.executable).with_name("tierboard")
    result = subprocess.run(
        [str(script), "summarize", str(messy_csv), "--json", "--cuts", "20000,5000"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == summarize_json(
        capsys, str(messy_csv), "--cuts", "20000,5000"
    )


GERMAN = "Kundennummer;Firma;Jahresumsatz\nK1;Müller GmbH;1.234,50\nK2;Bär AG;2.000,00\n"


def test_summarize_maps_a_german_export_automatically(tmp_path, capsys):
    path = tmp_path / "kunden.csv"
    path.write_bytes(GERMAN.encode("cp1252"))
    assert run(["summarize", str(path), "--cuts", "1500", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["total_revenue"] == pytest.approx(3234.5)
    assert [t["revenue"] for t in payload["tiers"]] == pytest.approx([2000.0, 1234.5])


def test_summarize_takes_an_explicit_mapping_and_monthly_figures(tmp_path, capsys):
    path = tmp_path / "mrr.csv"
    path.write_text("Acct #,Monthly (USD)\na,100\nb,50\n")
    args = ["summarize", str(path), "--map", "customer_id=Acct #"]
    args += ["--map", "annual_revenue=Monthly (USD)", "--monthly", "--cuts", "1000", "--json"]
    assert run(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["total_revenue"] == 1800.0
    assert payload["tiers"][0]["revenue"] == 1200.0


def test_summarize_reads_transactions_over_the_trailing_twelve_months(tmp_path, capsys):
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Customer,Invoice Date,Amount\n"
        "a,2025-12-31,100\n"  # the last day: in
        "a,2025-01-01,500\n"  # 364 days before: in
        "a,2024-12-31,900\n"  # 365 days before: out (the window is the last 365 days)
        "b,2026-01-01,70\n"  # after the as-of day: out
        "b,2025-06-30,30\n"
    )
    args = [
        "summarize",
        str(path),
        "--map",
        "customer_id=Customer",
        "--map",
        "annual_revenue=Amount",
    ]
    args += ["--map", "date=Invoice Date", "--as-of", "2025-12-31", "--cuts", "100", "--json"]
    assert run(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["total_revenue"] == 630.0
    assert payload["customers"] == 2
    assert payload["rejected_rows"] == 0


def test_rejected_rows_count_data_rows_not_report_footers(tmp_path, capsys):
    path = tmp_path / "report.csv"
    path.write_text(
        '"Account ID","Annual Revenue"\n"A","10"\n"B","oops"\n\n'
        '"Grand Totals (2 records)","10"\n\n"Confidential Information - Do Not Distribute"\n'
    )
    assert run(["summarize", str(path), "--cuts", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rejected_rows"] == 1


def test_the_readable_table_ends_with_the_load_report(tmp_path, capsys):
    path = tmp_path / "kunden.csv"
    path.write_bytes(GERMAN.encode("cp1252"))
    assert run(["summarize", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 rows read, 2 loaded as 2 customers." in out
    assert "decimal comma" in out


@pytest.mark.parametrize(
    "args",
    [["--map", "customer_id"], ["--as-of", "31/12/2025"], ["--monthly", "--as-of", "2025-12-31"]],
)
def test_bad_import_options_exit_2_with_one_line(tmp_path, capsys, args):
    path = tmp_path / "c.csv"
    path.write_text("id,amount,date\na,1,2025-01-01\n")
    assert run(["summarize", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_export_takes_the_same_import_options(tmp_path):
    path = tmp_path / "mrr.csv"
    path.write_text("Acct #,Monthly (USD)\na,100\nb,50\n")
    out = tmp_path / "tiers.csv"
    args = ["export", str(path), "--out", str(out), "--map", "customer_id=Acct #"]
    args += ["--map", "annual_revenue=Monthly (USD)", "--monthly", "--cuts", "1000"]
    assert run(args) == 0
    frame = pd.read_csv(out)
    assert frame["annual_revenue"].tolist() == [1200.0, 600.0]
    assert frame["tier"].tolist() == ["Tier 1", "Tier 2"]


SAMPLE_FILE = str(Path(__file__).resolve().parents[2] / "data" / "sample" / "customers.csv")
SAMPLE_REVENUE = pd.read_csv(SAMPLE_FILE)["annual_revenue"]


def test_suggest_prints_the_summarize_shape_for_the_closest_shares(capsys):
    assert run(["suggest", SAMPLE_FILE, "--target-shares", "0.4,0.3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"customers", "rejected_rows", "total_revenue", "cuts", "tiers"}
    c1, c2 = payload["cuts"]
    total = SAMPLE_REVENUE.sum()
    # Brute force: no customer value brings Tier 1 closer to 40% than c1 does.
    distances = {
        v: abs(SAMPLE_REVENUE[v <= SAMPLE_REVENUE].sum() / total - 0.4) for v in set(SAMPLE_REVENUE)
    }
    assert distances[c1] == min(distances.values())
    assert c1 in distances and c2 in distances and c2 <= c1
    assert payload["tiers"][0]["revenue_share"] == pytest.approx(
        SAMPLE_REVENUE[c1 <= SAMPLE_REVENUE].sum() / total
    )


def test_suggest_respects_a_cap_on_tier_1_customers(capsys):
    assert run(["suggest", SAMPLE_FILE, "--target-shares", "0.6", "--max-top-share", "0.05"]) == 0
    out = capsys.readouterr().out
    assert "cap 5.0%" in out


def test_summarize_adds_hours_and_csms_needed(capsys):
    args = ["summarize", SAMPLE_FILE, "--cuts", "55000,20000", "--hours", "60,12,2"]
    assert run([*args, "--csm-hours", "1000", "--json"]) == 0
    tiers = json.loads(capsys.readouterr().out)["tiers"]
    accounts = [
        (SAMPLE_REVENUE >= 55_000).sum(),
        ((SAMPLE_REVENUE >= 20_000) & (SAMPLE_REVENUE < 55_000)).sum(),
        (SAMPLE_REVENUE < 20_000).sum(),
    ]
    for tier, n, hours in zip(tiers, accounts, (60, 12, 2), strict=True):
        assert tier["hours"] == n * hours
        assert tier["csms_needed"] == pytest.approx(n * hours / 1000)


def test_a_plan_file_gives_the_plan_pages_numbers(tmp_path, capsys):
    from lib.books import tier_measure
    from lib.capacity import Plan, tier_capacity
    from lib.dataset import Dataset
    from lib.tiering import summarize

    dataset = Dataset.from_file(Path(SAMPLE_FILE))
    summary = summarize(dataset.index, [55_000, 20_000])
    plan = Plan.default_for(summary)
    path = tmp_path / "plan.toml"
    path.write_text(plan.to_toml())
    assert (
        run(["summarize", SAMPLE_FILE, "--cuts", "55000,20000", "--plan", str(path), "--json"]) == 0
    )
    tiers = json.loads(capsys.readouterr().out)["tiers"]
    expected = tier_capacity(
        summary, plan, tier_measure(dataset.index, summary.cuts, "cost_to_serve")
    )
    for tier, page in zip(tiers, expected, strict=True):
        assert tier["hours"] == page.hours_needed
        assert tier["csms_needed"] == pytest.approx(page.csms_needed)
        assert tier["margin"] == pytest.approx(page.margin)


@pytest.mark.parametrize(
    "args",
    [["--hours", "60,12"], ["--hours", "60,12,2", "--csm-hours", "0"], ["--plan", "missing.toml"]],
)
def test_bad_load_options_exit_2(capsys, args):
    assert run(["summarize", SAMPLE_FILE, "--cuts", "55000,20000", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_migrate_prints_the_matrix_against_current_tier(capsys):
    assert run(["migrate", SAMPLE_FILE, "--cuts", "55000,20000", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"matrix", "moved_customers", "moved_revenue"}
    frame = pd.read_csv(SAMPLE_FILE)
    revenue = frame["annual_revenue"]
    new = np.where(revenue >= 55_000, "Tier 1", np.where(revenue >= 20_000, "Tier 2", "Tier 3"))
    moved = frame[new != frame["current_tier"]]
    assert payload["moved_customers"] == len(moved)
    assert payload["moved_revenue"] == pytest.approx(moved["annual_revenue"].sum(), abs=0.01)
    cell = {(c["from"], c["to"]): c for c in payload["matrix"]}
    expected = ((frame["current_tier"] == "Tier 2") & (new == "Tier 1")).sum()
    assert cell[("Tier 2", "Tier 1")]["customers"] == expected


def test_migrate_normalises_tier_labels(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("customer_id,annual_revenue,current_tier\na,100,T1\nb,5,tier-2\nc,50,1\n")
    assert run(["migrate", str(path), "--cuts", "60", "--json"]) == 0
    flows = {
        (c["from"], c["to"]): c["customers"] for c in json.loads(capsys.readouterr().out)["matrix"]
    }
    assert flows == {("Tier 1", "Tier 1"): 1, ("Tier 1", "Tier 2"): 1, ("Tier 2", "Tier 2"): 1}


def test_migrate_without_current_tier_says_so(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("customer_id,annual_revenue\na,100\n")
    assert run(["migrate", str(path), "--cuts", "60"]) == 2
    assert "no current_tier column" in capsys.readouterr().err


# Ten invoice lines of one customer adding up to exactly 50,470.48 (a float running sum in this
# order gives 50470.479999999996) and a second customer; issue 18, defect 9.
TEN_LINES = ("7980.26", "4714.25", "4952.85", "6833.44", "3981.55",
             "8271.36", "2202.53", "985.18", "5116.54", "5432.52")  # fmt: skip


@pytest.fixture
def invoice_lines(tmp_path: Path) -> Path:
    rows = [f"A,{amount},2026-03-0{1 + i % 9}" for i, amount in enumerate(TEN_LINES)]
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(["Customer,Amount,Invoice Date", *rows, "B,100,2026-03-01"]) + "\n")
    return path


LINE_MAP = ["--map", "customer_id=Customer", "--map", "annual_revenue=Amount"]
LINE_MAP += ["--map", "date=Invoice Date"]


def test_a_customer_exactly_at_a_typed_cut_off_is_in_the_higher_tier(capsys, invoice_lines):
    payload = summarize_json(capsys, str(invoice_lines), *LINE_MAP, "--cuts", "50470.48")
    assert payload["total_revenue"] == 50570.48
    assert [(t["customers"], t["revenue"]) for t in payload["tiers"]] == [(1, 50470.48), (1, 100)]
    assert run(["summarize", str(invoice_lines), *LINE_MAP, "--cuts", "50470.48"]) == 0
    assert "Tier 1 >= $50,470.48" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_exported_revenue_is_the_exact_sum_of_the_lines(tmp_path, invoice_lines, suffix):
    out = tmp_path / f"tiers.{suffix}"
    assert (
        run(["export", str(invoice_lines), *LINE_MAP, "--cuts", "50470.48", "--out", str(out)]) == 0
    )
    if suffix == "csv":
        text = out.read_text()
        assert '"A",50470.48,"Tier 1"\n' in text
        assert "50470.4799" not in text
        return
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[2]] == ["A", 50470.48, "Tier 1"]


@pytest.mark.parametrize(
    ("rows", "options"),
    [
        ("A,1.7e308\nB,1.7e308\n", []),
        ("A,9e307\nA,9e307\n", []),
        ("A,1e308\n", ["--monthly"]),
        ("A,1.79e308\n", []),
    ],
)
def test_overflowing_revenue_is_a_rejected_row_not_a_traceback(tmp_path, capsys, rows, options):
    path = tmp_path / "big.csv"
    path.write_text("customer_id,annual_revenue\nZ,5\n" + rows)
    payload = summarize_json(capsys, str(path), *options, "--cuts", "1")
    assert payload["rejected_rows"] == rows.count("\n")
    assert payload["total_revenue"] == (60 if options else 5)
    assert run(["summarize", str(path), *options, "--cuts", "1"]) == 0
    assert "Rejected, revenue is too large (above 10,000,000,000,000)" in capsys.readouterr().out


def test_escape_sequences_in_a_file_never_reach_the_terminal(tmp_path, capsys):
    path = tmp_path / "tiers.csv"
    path.write_bytes(
        b"customer_id,annual_revenue,current_tier\nA,100,\x1b[2JTier 1\nB,2,Tier 2\n"
        b"C,50,\x1b]0;pwned\x07\n"
    )
    assert main(["migrate", str(path), "--cuts", "60,10"]) == 0
    shown = capsys.readouterr().out
    assert "pwned" in shown
    assert not any(char in shown for char in "\x1b\x07")


def test_escape_sequences_in_a_header_named_by_an_error_never_reach_the_terminal(tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_bytes(b"id,\x1b[31mrevenue\nA,1\n")
    assert main(["summarize", str(path), "--map", "annual_revenue=\x1b[31mrevenue"]) == 2
    assert "\x1b" not in capsys.readouterr().err


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_as_of_day_outside_the_readable_years_is_one_sentence(tmp_path, capsys, day):
    path = tmp_path / "invoices.csv"
    path.write_text("customer_id,amount,invoice_date\nA,10,2026-01-05\nA,5,2026-02-01\n")
    assert main(["summarize", str(path), "--as-of", day]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "between 1900 and 2200" in error, error


def test_summarize_without_options_sums_invoice_lines_over_the_trailing_twelve_months(
    tmp_path, capsys
):
    # Issue 14: the CLI summed all 24 months where the Upload page sums the last 12.
    path = tmp_path / "invoices.csv"
    path.write_text(corpus.TWO_YEARS)
    payload = summarize_json(capsys, str(path))
    assert payload["total_revenue"] == sum(
        100 * (1 + k) + month for k in range(4) for month in range(13, 25)
    )
    assert run(["summarize", str(path)]) == 0
    assert "transactions, trailing 12 months ending 2025-12-15" in capsys.readouterr().out


def test_summarize_without_options_reads_an_mrr_column_as_monthly(tmp_path, capsys):
    path = tmp_path / "mrr.csv"
    path.write_text("Customer ID,MRR\na,100\nb,50\n")
    assert summarize_json(capsys, str(path))["total_revenue"] == 1800
    assert summarize_json(capsys, str(path), "--map", "customer_id=Customer ID", "--map",
                          "annual_revenue=MRR")["total_revenue"] == 150  # fmt: skip


def test_help_says_what_a_file_is_read_as_without_options(capsys):
    assert run(["summarize", "--help"]) == 0
    assert "Without --map, --monthly or --as-of, FILE is read as the Upload page" in (
        " ".join(capsys.readouterr().out.split())
    )
