"""`tierboard ... --source URL --source-table NAME` (lib/cli_sources.py): the same figures as
from a file of the same lines, on every command that reads customers; `tierboard sources
check` says what a source would read without loading it; FILE or --source, exactly one."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lib.cli import main
from tests.fixtures import engine_corpus as corpus

MAP = [f"--map={name}={column}" for name, column in corpus.MAPPING.items()]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """The corpus as a DuckDB database and as a CSV file."""
    return corpus.write_duckdb(tmp_path / "billing.duckdb"), corpus.write_csv(tmp_path / "l.csv")


def output(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def source_flags(database: Path) -> list[str]:
    return ["--source", f"duckdb://{database}", "--source-table", "invoice_lines"]


@pytest.mark.parametrize(
    "command",
    [
        ["summarize", "--json", "--cuts", "1000,100"],
        ["summarize", "--json", "--cuts", "1000,100", "--as-of", "2026-04-30"],
        ["suggest", "--json"],
    ],
    ids=["summarize", "as-of", "suggest"],
)
def test_a_source_gives_the_json_the_same_lines_give_from_a_file(capsys, files, command):
    database, csv = files
    from_source = json.loads(output(capsys, [*command, *MAP, *source_flags(database)]))
    from_file = json.loads(output(capsys, [*command, *MAP, str(csv)]))
    assert from_source == from_file
    if command[0] == "summarize" and "--as-of" not in command:
        assert from_source["customers"] == len(corpus.REVENUE)
        assert from_source["total_revenue"] == float(sum(corpus.REVENUE.values()))


@pytest.mark.parametrize("command", ["migrate", "assign"])
def test_migrate_and_assign_read_a_source_as_they_read_a_file(capsys, files, command):
    """The corpus has no current_tier / owners: the same answer from either, word for word."""
    database, csv = files
    from_source = main([command, "--cuts", "1000,100", *MAP, *source_flags(database)])
    said_for_source = capsys.readouterr()
    from_file = main([command, "--cuts", "1000,100", *MAP, str(csv)])
    said_for_file = capsys.readouterr()
    assert from_source == from_file
    assert said_for_source.err == said_for_file.err


def test_monthly_figures_from_a_source_match_the_file(capsys, files):
    database, csv = files
    mapping = [flag for flag in MAP if "date=" not in flag]
    argv = ["summarize", "--json", "--monthly", "--cuts", "1000", *mapping]
    assert json.loads(output(capsys, [*argv, *source_flags(database)])) == json.loads(
        output(capsys, [*argv, str(csv)])
    )


def test_export_from_a_source_writes_the_files_tier_list(capsys, files, tmp_path):
    database, csv = files
    output(capsys, ["export", *MAP, *source_flags(database), "--out", str(tmp_path / "s.csv")])
    output(capsys, ["export", *MAP, str(csv), "--out", str(tmp_path / "f.csv")])
    assert pd.read_csv(tmp_path / "s.csv").equals(pd.read_csv(tmp_path / "f.csv"))


def test_the_readable_report_names_the_engine_and_the_table(capsys, files):
    database, _ = files
    text = output(capsys, ["summarize", *MAP, *source_flags(database)])
    assert "invoice_lines in " in text
    assert "Read from DuckDB (summed there)" in text
    assert "Rejected, revenue is not a number: 1 row." in text


def test_sources_check_prints_engine_table_rows_and_mapping(capsys, files):
    database, _ = files
    text = output(capsys, ["sources", "check", *source_flags(database), *MAP])
    assert "engine:   DuckDB" in text
    assert f"table:    invoice_lines in {database}" in text
    assert f"rows:     {len(corpus.LINES)}" in text
    assert "customer_id=customer, annual_revenue=amount" in text


def test_sources_check_reads_the_configured_source(capsys, files, monkeypatch):
    database, _ = files
    monkeypatch.setenv("TIERBOARD_SOURCE", f"duckdb://{database}")
    monkeypatch.setenv("TIERBOARD_SOURCE_TABLE", "invoice_lines")
    monkeypatch.setenv("TIERBOARD_SOURCE_MAP", "customer_id=customer,annual_revenue=amount")
    checked = json.loads(output(capsys, ["sources", "check", "--json"]))
    assert checked["engine"] == "DuckDB"
    assert checked["rows"] == len(corpus.LINES)
    assert checked["mapping"] == {"customer_id": "customer", "annual_revenue": "amount"}


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["summarize"], "Give the customer FILE to read, or --source"),
        (["summarize", "x.csv", "--source", "b.duckdb"], "either a FILE or --source"),
        (["summarize", "--source", "b.duckdb"], "set --source-table"),
        (["summarize", "--source-table", "t", "x.csv"], "--source-table belongs to --source"),
        (["summarize", "--source", "oracle://db/x", "--source-table", "t"], "--source must be"),
        (["sources", "check"], "No data source is configured"),
    ],
)
def test_bad_source_flags_exit_2_with_one_sentence(capsys, monkeypatch, argv, said):
    monkeypatch.delenv("TIERBOARD_SOURCE", raising=False)
    monkeypatch.delenv("TIERBOARD_SOURCE_TABLE", raising=False)
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert said in error
    assert error.count("\n") == 1
