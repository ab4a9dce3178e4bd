"""The CLI's source options: `--source URL --source-table NAME` on every command that reads
customers (instead of a FILE), and `tierboard sources check`, which says what the configured
source would read — engine, table, row count, mapping — without loading it.

Wiring only: the reading is lib/sources.py's and lib/engine_source.py's.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lib import config, engine_source
from lib.dataset import Dataset
from lib.errors import InputError
from lib.ingest import RevenueBasis, resolve_mapping
from lib.sources import Source


def add_source_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--source",
        metavar="URL",
        help="read the customers where they live instead of a FILE: postgresql://..., "
        "duckdb://path (or a .duckdb file), or a Parquet file, folder or glob; aggregated in "
        "that engine",
    )
    command.add_argument(
        "--source-table",
        metavar="NAME",
        help="with --source: the table or view (schema.table) that holds the rows",
    )


def wants_source(args: argparse.Namespace) -> bool:
    return getattr(args, "source", None) is not None


def check_input(args: argparse.Namespace) -> None:
    """Exactly one of FILE or --source; the source's companions only with it."""
    has_file = getattr(args, "file", None) is not None
    if has_file and wants_source(args):
        raise InputError("Give either a FILE or --source, not both.")
    if not has_file and not wants_source(args):
        raise InputError("Give the customer FILE to read, or --source URL --source-table NAME.")
    if not wants_source(args) and getattr(args, "source_table", None):
        raise InputError("--source-table belongs to --source: give the source's URL too.")
    if wants_source(args) and getattr(args, "sheet", None):
        raise InputError("--sheet is for spreadsheet files, not for --source.")


def source_from_args(
    args: argparse.Namespace, mapping: Mapping[str, str] | None, basis: RevenueBasis
) -> Source:
    """The source the flags name, checked as the configuration is (one sentence per mistake)."""
    given = {"TIERBOARD_SOURCE": args.source}
    if args.source_table:
        given["TIERBOARD_SOURCE_TABLE"] = args.source_table
    try:
        settings = config.load(given, Path.cwd())
    except InputError as error:
        # The configuration's sentence names its keys; here they are flags.
        text = str(error).replace("TIERBOARD_SOURCE_TABLE", "--source-table")
        raise InputError(text.replace("TIERBOARD_SOURCE", "--source")) from None
    found = Source.from_settings(settings)
    assert found is not None
    return Source(found.kind, found.location, found.table, tuple((mapping or {}).items()), basis)


def load(
    args: argparse.Namespace, mapping: Mapping[str, str] | None, basis: RevenueBasis
) -> Dataset:
    return source_from_args(args, mapping, basis).load()


# ---------------------------------------------------------------------------------------------
# tierboard sources check


@dataclass(frozen=True)
class SourceCheck:
    """What a source would read: which engine, which table, how many rows, which columns."""

    engine: str
    table: str
    rows: int
    mapping: dict[str, str]
    basis: str

    def lines(self) -> list[str]:
        mapped = ", ".join(f"{name}={column}" for name, column in self.mapping.items())
        return [
            f"engine:   {self.engine}",
            f"table:    {self.table}",
            f"rows:     {self.rows:,}",
            f"mapping:  {mapped}",
            f"revenue:  {self.basis}",
        ]


def check(source: Source) -> SourceCheck:
    """Ask the engine for the table's columns and row count; load nothing."""
    table = source.engine_table()
    try:
        mapping = resolve_mapping(table.headers, dict(source.mapping) or None, source.basis)
        rows = engine_source.count_rows(table)
        return SourceCheck(table.engine, table.name, rows, mapping, source.basis.describe())
    finally:
        table.close()


def add_sources_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sources = commands.add_parser(
        "sources", help="the configured data source: `tierboard sources check`"
    )
    actions = sources.add_subparsers(dest="sources_command", required=True)
    checker = actions.add_parser(
        "check",
        help="print the engine, table, row count and mapping the source would read, "
        "without loading it (TIERBOARD_SOURCE* / tierboard.toml, or --source)",
    )
    add_source_options(checker)
    checker.add_argument(
        "--map",
        type=_pair,
        action="append",
        metavar='CANONICAL="Column"',
        help="which column is which (repeatable; default: the configured or automatic one)",
    )
    checker.add_argument("--json", action="store_true", help="print one JSON object")


def _pair(text: str) -> tuple[str, str]:
    name, separator, column = text.partition("=")
    if not separator or not name.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f'--map takes CANONICAL="Column"; got {text!r}')
    return name.strip(), column.strip()


def run_check(
    args: argparse.Namespace, mapping: Mapping[str, str] | None, basis: RevenueBasis
) -> str:
    """`tierboard sources check`: the flags' source, else the configured one."""
    if wants_source(args):
        source = source_from_args(args, mapping, basis)
    else:
        if getattr(args, "source_table", None):
            raise InputError("--source-table belongs to --source: give the source's URL too.")
        found = Source.from_settings(config.load(os.environ, Path.cwd()))
        if found is None:
            raise InputError(
                "No data source is configured: set TIERBOARD_SOURCE (and TIERBOARD_SOURCE_TABLE) "
                "or give --source URL --source-table NAME."
            )
        source = found
    checked = check(source)
    if getattr(args, "json", False):
        return json.dumps(
            {
                "engine": checked.engine,
                "table": checked.table,
                "rows": checked.rows,
                "mapping": checked.mapping,
                "basis": checked.basis,
            }
        )
    return "\n".join(checked.lines())
