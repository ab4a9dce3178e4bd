"""`tierboard history`: tiers across periods, with stability rules (issue 16). Wiring only: the
snapshots are lib.history_inputs', the figures lib.history's."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from lib.errors import InputError
from lib.formatting import plural
from lib.history import (
    DEFAULT_FLAP_WITHIN,
    MAX_MIN_STAY,
    History,
    Rules,
    Stability,
    Transition,
    band_cents,
    stability,
)
from lib.history_inputs import (
    MAX_QUARTERS,
    ImportOptions,
    LoadedPeriod,
    load_periods,
    load_quarters,
    partial_warning,
)
from lib.layout import printable
from lib.tiering import normalize_cuts

HISTORY_NOTE = (
    "Each FILE is one period, read as `summarize` reads it; its period is its --periods entry, "
    "else a quarter or date in its name (customers-2026-Q3.csv), else its latest date. With one "
    "transactions file, --quarters N makes N snapshots at the quarter ends up to its latest "
    "date, each the trailing 12 months of revenue as of that day. Rules apply from the second "
    "period on: with --buffer b an account crosses a cut-off c upwards only at >= c x (1 + b) "
    "and downwards only below c x (1 - b); --min-stay k holds a demotion until the account "
    "has been k periods in its tier."
)


def _whole(option: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{option} takes a whole number from {low} to {high}")
        return value

    return parse


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(
            f"--buffer is a fraction from 0 to 1 (0.1 is 10%); got {text!r}"
        )
    return value


def _labels(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_history(
    command: argparse.ArgumentParser,
    cuts: Callable[[str], list[float]],
    pair: Callable[[str], tuple[str, str]],
    day: Callable[[str], date],
) -> None:
    """The options of `history`; `cuts`, `pair` and `day` parse as the other commands do."""
    command.epilog = HISTORY_NOTE
    command.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="one customer file per period"
    )
    command.add_argument("--cuts", type=cuts, required=True, help="cut-offs, e.g. 55000,20000")
    command.add_argument(
        "--periods",
        type=_labels,
        metavar="LABEL,...",
        help="each file's period, in the order of the files: 2026 Q3, 2026-Q3 or 2026-09-30",
    )
    command.add_argument(
        "--buffer", type=_fraction, default=0.0, help="buffer band around each cut-off (0.1: 10%%)"
    )
    command.add_argument(
        "--min-stay",
        type=_whole("--min-stay", 0, MAX_MIN_STAY),
        default=0,
        metavar="K",
        help="no demotion before K periods in a tier",
    )
    command.add_argument(
        "--protect-until-renewal",
        action="store_true",
        help="no demotion before the account's renewal date (needs renewal_date)",
    )
    command.add_argument(
        "--flap-within",
        type=_whole("--flap-within", 2, MAX_QUARTERS),
        default=DEFAULT_FLAP_WITHIN,
        metavar="N",
        help="a flap: left a tier and back in it within N periods (2)",
    )
    command.add_argument(
        "--quarters",
        type=_whole("--quarters", 1, MAX_QUARTERS),
        metavar="N",
        help="one transactions file: N quarter-end snapshots ending at its latest date",
    )
    command.add_argument(
        "--map",
        type=pair,
        action="append",
        metavar='CANONICAL="Header"',
        help='which column is which, as for summarize (--map date="Invoice Date": transactions)',
    )
    command.add_argument("--monthly", action="store_true", help="revenue values are MRR (x12)")
    command.add_argument(
        "--as-of", type=day, help="transactions: the 12 months (or the quarters) end this day"
    )
    command.add_argument("--sheet", help="spreadsheet sheet to read (default: the most plausible)")
    command.add_argument("--json", action="store_true", help="print one JSON object")


def _loaded(args: argparse.Namespace) -> list[LoadedPeriod]:
    how = ImportOptions(
        mapping=dict(args.map) if args.map else None,
        monthly=args.monthly,
        as_of=args.as_of,
        sheet=args.sheet,
    )
    if args.quarters is not None:
        if len(args.files) != 1 or args.periods is not None:
            raise InputError(
                "--quarters cuts one transactions file into quarters: give one file and no "
                "--periods."
            )
        return load_quarters(args.files[0], how, args.quarters)
    for path in args.files:
        if not path.is_file():
            raise InputError(f"There is no file at {printable(str(path))}.")
    return load_periods(args.files, how, args.periods)


def run_history(args: argparse.Namespace) -> str:
    """What `tierboard history` prints: one JSON object, or the tables. Load reports go to
    stderr with --json (the JSON holds exactly the contract's keys)."""
    cuts = normalize_cuts(args.cuts)
    rules = Rules(
        buffer=args.buffer,
        min_stay=args.min_stay,
        protect_until_renewal=args.protect_until_renewal,
    )
    loaded = _loaded(args)
    history = History.of([period.snapshot for period in loaded])
    found = stability(history, cuts, rules, args.flap_within)
    warning = partial_warning(loaded)
    reports = [
        *_report_lines(loaded),
        *(printable(note) for note in history.notes),
        *([warning] if warning else []),
    ]
    if args.json:
        print("\n".join(reports), file=sys.stderr)
        return json.dumps(found.as_dict())
    return "\n".join([*_text(history, found, cuts, rules), "", *reports])


def _report_lines(loaded: list[LoadedPeriod]) -> list[str]:
    lines = []
    for period in sorted(loaded, key=lambda period: period.snapshot.ends):
        sentences = " ".join(printable(sentence) for sentence in period.sentences())
        lines.append(f"{period.snapshot.label} ({printable(period.report.source)}): {sentences}")
    return lines


def _money(cents: int, currency: str) -> str:
    """Money to the cent when it has cents ($50,470.48), else to the unit ($55,000)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{currency}{units:,}" + (f".{rest:02d}" if rest else "")


def _rules_text(rules: Rules) -> str:
    said = []
    if rules.buffer:
        said.append(f"buffer band {rules.buffer * 100:g}%")
    if rules.min_stay > 1:
        said.append(f"minimum stay {rules.min_stay} periods")
    if rules.protect_until_renewal:
        said.append("protected until renewal")
    return ", ".join(said) if said else "no stability rules"


def _text(history: History, found: Stability, cuts: tuple[float, ...], rules: Rules) -> list[str]:
    currency = history.currency or "$"
    cutoffs = "; ".join(
        f"Tier {t} >= {_money(band_cents(cut, Decimal(1)), currency)}"
        for t, cut in enumerate(cuts, start=1)
    )
    lines = [
        f"Periods: {', '.join(found.periods)}",
        f"Cut-offs: {cutoffs}; {_rules_text(rules)}",
    ]
    for transition in found.transitions:
        lines += ["", *_transition_table(transition, currency)]
    lines += [
        "",
        f"Flapped (left a tier and were back in it within {found.flap_within} periods): "
        f"{plural(found.flapped, 'customer')}",
    ]
    return lines


def _transition_table(transition: Transition, currency: str) -> list[str]:
    lines = [
        f"{transition.from_period} -> {transition.to_period}: "
        f"{transition.changed_customers:,} of {transition.customers:,} customers changed tier "
        f"({transition.changed_share:.1%}), "
        f"{_money(transition.changed_revenue_cents, currency)} of revenue",
        f"{'From':<10}{'To':<10}{'Customers':>12}{'Revenue':>20}",
    ]
    for cell in transition.cells:
        if cell.customers:
            shown = cell.as_dict()
            lines.append(
                f"{shown['from']:<10}{shown['to']:<10}{cell.customers:>12,}"
                f"{_money(cell.revenue_cents, currency):>20}"
            )
    return lines
