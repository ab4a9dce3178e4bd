"""The `tierboard` command: parse arguments, call lib, print. No logic of its own.

Why one module: the commands share one parser, its input options and one way to fail (exit 2
with one line); each command is a few lines of wiring that reads best next to its options, and
the README's CLI section is checked against them (tests/unit/test_docs.py). The figures are
lib's. The output helpers (_table, _load_lines, _migration_table) are the part to move out next.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from lib import cli_sources, export
from lib.accounts import accounts_of
from lib.assignment import Proposal, Rules, headline, movers_table, propose
from lib.books import tier_measure
from lib.capacity import Plan, TierCapacity, tier_capacity
from lib.cli_history import add_history, run_history
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset
from lib.errors import InputError
from lib.file_defaults import load_as_suggested
from lib.formatting import money_cents, money_exact
from lib.ingest import RevenueBasis
from lib.layout import printable
from lib.mapping import DATE
from lib.migration import Migration
from lib.monthly_load import YearLoad, data_year
from lib.natural_breaks import (
    LOG,
    SCALES,
    NaturalBreaks,
    fit_by_tiers,
    fit_sentence,
    natural_breaks,
)
from lib.roster import infer_roster, read_roster_csv
from lib.service_matrix import DEFAULT_HOURS_PER_ACCOUNT, MAX_HOURS_PER_YEAR
from lib.slices import EVERYTHING
from lib.suggest import (
    DEFAULT_TARGET_SHARES,
    Explanation,
    default_cuts,
    for_shares,
)
from lib.team import DEFAULT_HOURS_PER_CSM
from lib.tiering import DEFAULT_TIERS, MAX_TIERS, MIN_TIERS, TierSummary, summarize, tier_name

EXIT_BAD_INPUT = 2
SHARES, NATURAL = "shares", "natural"  # how `suggest` finds its cut-offs
SCALE_HELP = (
    "natural breaks on the logarithm of revenue (log, the default) or on the values (linear). "
    "Log is the default because revenue is heavy-tailed: on the values themselves the few "
    "largest accounts outweigh everyone else and decide every break, while on the logarithm "
    "the breaks follow orders of magnitude ($2K, $20K, $200K). Under log, customers with "
    "revenue of zero or less are placed in the last tier and counted"
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line (plus where to find help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _cuts(text: str) -> list[float]:
    try:
        return [float(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--cuts takes numbers separated by commas, like 55000,20000; got {text!r}"
        ) from None


def _pair(text: str) -> tuple[str, str]:
    canonical, separator, header = text.partition("=")
    if not separator or not canonical.strip() or not header:
        raise argparse.ArgumentTypeError(
            f'--map takes canonical=Header, like customer_id="Account ID"; got {text!r}'
        )
    return canonical.strip(), header


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--as-of takes a date as YYYY-MM-DD; got {text!r}"
        ) from None


# What the commands assume about FILE when told nothing (lib.file_defaults: the Upload page's rule).
DEFAULTS_NOTE = (
    "Without --map, --monthly or --as-of, FILE is read as the Upload page reads it: columns "
    "matched from their headers; invoice lines (a date column and customer ids that repeat) "
    "summed over the 12 months up to the latest date in the file; a revenue column called MRR "
    "or monthly multiplied by 12; otherwise annual figures. With --map, revenue is annual unless "
    "--monthly, --as-of or --map date=... says otherwise."
)


def _add_input_options(command: argparse.ArgumentParser, cuts: bool = True) -> None:
    command.epilog = DEFAULTS_NOTE
    command.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="customer file: CSV/TSV/TXT, XLSX/XLS/ODS, Parquet (or --source instead)",
    )
    cli_sources.add_source_options(command)
    if cuts:
        command.add_argument(
            "--cuts", type=_cuts, help="cut-offs, e.g. 55000,20000 (default: app's)"
        )
    command.add_argument(
        "--map",
        type=_pair,
        action="append",
        metavar='CANONICAL="Header"',
        help='which column is which, e.g. --map customer_id="Account ID" (repeatable; default: '
        "automatic from the headers, and the basis the Upload page would pick). "
        '--map date="Invoice Date" reads transactions',
    )
    command.add_argument(
        "--monthly",
        action="store_true",
        help="revenue values are MRR (x12; default: when the revenue column says MRR or monthly)",
    )
    command.add_argument(
        "--as-of",
        type=_day,
        help="transactions: trailing 12 months ending this day (default: latest date in the file)",
    )
    command.add_argument("--sheet", help="spreadsheet sheet to read (default: the most plausible)")


def _add_load_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--hours",
        type=_numbers("--hours"),
        help="CSM hours per account per year, one per tier, e.g. 60,12,2: adds hours and "
        "csms_needed to each tier",
    )
    command.add_argument(
        "--csm-hours", type=float, default=DEFAULT_HOURS_PER_CSM, help="hours one CSM has (1100)"
    )
    command.add_argument(
        "--plan",
        type=Path,
        help="plan file (service matrix, teams, costs) saved from the Plan page",
    )
    command.add_argument(
        "--monthly-load",
        action="store_true",
        help="with --plan: each team's load and capacity in each of the next 12 months (from "
        "the month after the data's as-of day, else after today), from the services' cadences "
        "and the data's renewal_date / customer_since",
    )


def _numbers(option: str) -> Callable[[str], list[float]]:
    def parse(text: str) -> list[float]:
        try:
            return [float(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option} takes numbers separated by commas; got {text!r}"
            ) from None

    return parse


def _shares(text: str) -> list[float]:
    shares = _numbers("--target-shares")(text)
    if not all(0 <= share <= 1 for share in shares):
        raise argparse.ArgumentTypeError(
            "--target-shares are fractions between 0 and 1, like 0.4,0.3"
        )
    return shares


def _share(text: str) -> float:
    return _shares(text)[0]


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tierboard", description="Tier customers by annual revenue.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    summary = commands.add_parser("summarize", help="print per-tier customers and revenue")
    _add_input_options(summary)
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    _add_load_options(summary)
    suggester = commands.add_parser(
        "suggest", help="suggest cut-offs: for target revenue shares, or natural breaks"
    )
    _add_input_options(suggester, cuts=False)
    suggester.add_argument(
        "--target-shares",
        type=_shares,
        help="revenue share per tier above the last, e.g. 0.4,0.3 (default: 40%% / 30%%)",
    )
    suggester.add_argument(
        "--max-top-share",
        type=_share,
        help="at most this share of customers in Tier 1, e.g. 0.1",
    )
    suggester.add_argument(
        "--method",
        choices=(SHARES, NATURAL),
        help="shares (the default): cut-offs for target revenue shares; natural: natural breaks, "
        "the cut-offs that make each tier as tight as it can be (the least within-tier sum of "
        "squared deviations, exact), with Jenks' goodness of variance fit",
    )
    suggester.add_argument(
        "--tiers",
        type=int,
        choices=range(MIN_TIERS, MAX_TIERS + 1),
        metavar="K",
        help=f"number of tiers, {MIN_TIERS} to {MAX_TIERS} (default: {DEFAULT_TIERS}, or as "
        "many as --target-shares gives)",
    )
    suggester.add_argument("--scale", choices=SCALES, help=SCALE_HELP)
    suggester.add_argument("--json", action="store_true", help="print one JSON object")
    migrator = commands.add_parser(
        "migrate", help="who moves between tiers, from the data's current_tier to --cuts"
    )
    _add_input_options(migrator)
    migrator.add_argument("--json", action="store_true", help="print one JSON object")
    exporter = commands.add_parser("export", help="write the tier list as CSV or XLSX")
    _add_input_options(exporter)
    exporter.add_argument("--out", type=Path, required=True, help="output path (.csv or .xlsx)")
    _add_assign(commands.add_parser("assign", help="propose who owns which account (books)"))
    history = commands.add_parser(
        "history", help="tiers across periods: who changes tier, flaps, stability rules"
    )
    add_history(history, _cuts, _pair, _day)
    cli_sources.add_sources_command(commands)
    server = commands.add_parser("serve", help="start the app (what `make run` does)")
    server.add_argument("--port", type=int, default=8501, help="port to listen on (8501)")
    server.add_argument("--data", type=Path, help="customer CSV to open instead of the sample")
    return parser


def _pin(text: str) -> tuple[str, str]:
    customer, separator, csm = text.partition("=")
    if not separator or not customer.strip() or not csm.strip():
        raise argparse.ArgumentTypeError(
            f'--pin takes customer_id=CSM, like CUST-1042="Grace Kim"; got {text!r}'
        )
    return customer.strip(), csm.strip()


def _count(option: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise argparse.ArgumentTypeError(f"{option} takes a whole number of 0 or more")
        return value

    return parse


def _add_assign(command: argparse.ArgumentParser) -> None:
    _add_input_options(command)
    command.add_argument(
        "--roster",
        type=Path,
        help='roster CSV: csm, tiers ("Tier 1" or "Tier 2;Tier 3"), hours, headcount, region, '
        "account_cap (default: inferred from csm_owner, as the app does)",
    )
    command.add_argument(
        "--hours",
        type=_numbers("--hours"),
        help="CSM hours per account per year, one per tier, e.g. 60,12,2 (default: the "
        "practice figures of the Plan page)",
    )
    command.add_argument(
        "--csm-hours",
        type=float,
        default=DEFAULT_HOURS_PER_CSM,
        help="customer-facing hours of one CSM a year, for the inferred roster (1100)",
    )
    command.add_argument(
        "--keep-region", action="store_true", help="a moving account stays in its region"
    )
    command.add_argument(
        "--renewal-days",
        type=_count("--renewal-days"),
        default=60,
        help="never move an account renewing within this many days of today (60)",
    )
    command.add_argument(
        "--max-moves", type=_count("--max-moves"), help="at most this many accounts move"
    )
    command.add_argument(
        "--pin",
        type=_pin,
        action="append",
        metavar='CUSTOMER_ID="CSM"',
        help="keep an account with a CSM whatever else moves (repeatable)",
    )
    command.add_argument(
        "--weigh-revenue",
        action="store_true",
        help="move the least revenue rather than the fewest accounts",
    )
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.add_argument(
        "--out", type=Path, help="write the accounts that change owner (.csv or .xlsx)"
    )


def _assign(args: argparse.Namespace, dataset: Dataset, summary: TierSummary) -> None:
    tiers = len(summary.tiers)
    hours = args.hours or list(DEFAULT_HOURS_PER_ACCOUNT[tiers])
    if len(hours) != tiers:
        raise InputError(f"Give --hours one figure per tier: {tiers} figures, top tier first.")
    if not 0 < args.csm_hours <= MAX_HOURS_PER_YEAR:
        raise InputError(f"--csm-hours must be above 0 and at most {MAX_HOURS_PER_YEAR:,.0f}.")
    accounts = accounts_of(dataset, dataset.index)
    names = [tier_name(t) for t in range(1, tiers + 1)]
    if args.roster is not None:
        roster = read_roster_csv(args.roster.read_bytes(), names)
    else:
        roster = infer_roster(accounts, summary.cuts, hours, [args.csm_hours] * tiers)
        if not roster.entries:
            raise InputError(
                "The data names no CSM (no csm_owner column, or it is empty): give --roster."
            )
    rules = Rules(
        keep_region=args.keep_region,
        renewal_days=args.renewal_days,
        pinned=dict(args.pin or []),
        max_moves=args.max_moves,
        weigh_revenue=args.weigh_revenue,
    )
    proposal = propose(accounts, summary.cuts, hours, roster, rules)
    if args.out is not None:
        frame = movers_table(proposal)
        export.write_table(frame, args.out)
        print(f"Wrote {len(frame):,} accounts that change owner to {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps(proposal.as_dict()))
    else:
        print(_books_table(proposal, dataset.currency))


def _books_table(proposal: Proposal, currency: str) -> str:
    proof = (
        "Proven optimal."
        if proposal.is_proven_optimal
        else f"Not proven optimal: within {proposal.gap:.1%} of the best bound."
    )
    lines = [
        printable(headline(proposal, currency)),
        proof,
        "",
        f"{'CSM':<24}{'Tiers':<14}{'Hours':>10}{'Before':>10}{'After':>10}"
        f"{'Accounts':>10}{'Revenue':>16}",
    ]
    for book in proposal.csms:
        tiers = ",".join(str(t) for t in book.tiers)
        lines.append(  # names come from the file: no escape sequence reaches the terminal
            f"{printable(book.csm)[:23]:<24}{'Tier ' + tiers:<14}{book.capacity_hours:>10,.0f}"
            f"{_percent(book.utilisation_before):>10}{_percent(book.utilisation_after):>10}"
            f"{book.after.accounts:>10,}{money_exact(book.after.revenue, currency):>16}"
        )
    return "\n".join(lines)


def _percent(share: float) -> str:
    return f"{share:.0%}" if share != float("inf") else "no hours"


def _summary(dataset: Dataset, cuts: list[float] | None) -> TierSummary:
    chosen = cuts if cuts is not None else default_cuts(dataset.index, DEFAULT_TIERS)
    return summarize(dataset.index, chosen)


def _cut(value: float, currency: str) -> str:
    """A cut-off as typed, to the cent when it has cents ($50,470.48; $55,000)."""
    if round(value, 2) == round(value):
        return money_exact(value, currency)
    return money_cents(value, currency)


def _cents(value: float | None) -> float | None:
    """A money figure for JSON: to the cent (shortest form: 1234.56, never 1234.5600000000002)."""
    return None if value is None else round(value, 2)


def _table(dataset: Dataset, summary: TierSummary, extra: Sequence[str] = ()) -> str:
    cutoffs = "; ".join(
        f"{tier.name} >= {_cut(tier.floor, dataset.currency)}"
        for tier in summary.tiers
        if tier.floor is not None
    )
    lines = [
        f"{printable(dataset.source)}: {summary.customers:,} customers, "
        f"{money_exact(summary.total_revenue, dataset.currency)} annual revenue, "
        f"{dataset.report.rejected_rows:,} rows rejected",
        f"Cut-offs: {cutoffs}",
        "",
        f"{'Tier':<8}{'Customers':>12}{'% customers':>14}{'Revenue':>18}{'% revenue':>12}",
    ]
    lines.extend(
        f"{tier.name:<8}{tier.customers:>12,}{tier.customer_share:>14.1%}"
        f"{money_exact(tier.revenue, dataset.currency):>18}{tier.revenue_share:>12.1%}"
        for tier in summary.tiers
    )
    # Sentences quote the file's headers: no escape sequence from a file reaches the terminal.
    lines += [*extra, "", *(printable(sentence) for sentence in dataset.report.sentences())]
    return "\n".join(lines)


def _basis(args: argparse.Namespace, mapping: dict[str, str] | None) -> RevenueBasis:
    transactions = args.as_of is not None or (mapping is not None and DATE in mapping)
    if transactions and args.monthly:
        raise InputError("Choose either --monthly or transactions (--map date=... / --as-of).")
    if transactions:
        return RevenueBasis("transactions", args.as_of)
    return RevenueBasis("monthly") if args.monthly else RevenueBasis("annual")


def _load(args: argparse.Namespace) -> Dataset:
    cli_sources.check_input(args)
    if cli_sources.wants_source(args):
        given = dict(args.map) if args.map else None
        return cli_sources.load(args, given, _basis(args, given))
    if not args.map and not args.monthly and args.as_of is None:
        # Nothing said about the file: read it as the Upload page does (lib.file_defaults).
        return load_as_suggested(args.file, sheet=args.sheet)
    mapping = dict(args.map) if args.map else None
    if mapping is not None and args.as_of is not None and DATE not in mapping:
        # --as-of alone: the date column comes from the automatic mapping.
        mapping = None
    return Dataset.from_file(
        args.file, mapping=mapping, basis=_basis(args, mapping), sheet=args.sheet
    )


def _plan(args: argparse.Namespace, summary: TierSummary) -> Plan:
    tiers = len(summary.tiers)
    try:
        plan = Plan.from_toml(args.plan.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"Cannot read the plan file {args.plan}: {error.strerror}.") from error
    if plan.tier_count != tiers:
        raise InputError(
            f"The plan file has {plan.tier_count} tiers but the cut-offs make {tiers}."
        )
    return plan


def _year(args: argparse.Namespace, dataset: Dataset, summary: TierSummary) -> YearLoad | None:
    """The year month by month (--monthly-load, with --plan), or None when not asked for."""
    if not getattr(args, "monthly_load", False):
        return None
    if args.plan is None:
        raise InputError("--monthly-load needs --plan: the plan file says when each service lands.")
    plan = _plan(args, summary)
    return data_year(
        dataset,
        dataset.index,
        summary.cuts,
        plan.matrix,
        plan.hours_available(),
        today=date.today(),
        capacity=plan.month_shares(),
    )


def _load_figures(
    args: argparse.Namespace, dataset: Dataset, summary: TierSummary
) -> list[dict[str, float | None]]:
    """Per tier: hours and CSMs needed (--hours / --csm-hours), or the Plan page's figures."""
    tiers = len(summary.tiers)
    if args.plan is not None:
        plan = _plan(args, summary)
        other = tier_measure(dataset.index, summary.cuts, "cost_to_serve")
        return [_capacity_dict(c) for c in tier_capacity(summary, plan, other)]
    if len(args.hours) != tiers:
        raise InputError(f"Give --hours one figure per tier: {tiers} figures, top tier first.")
    if args.csm_hours <= 0:
        raise InputError("--csm-hours must be above zero.")
    return [
        {"hours": tier.customers * hours, "csms_needed": tier.customers * hours / args.csm_hours}
        for tier, hours in zip(summary.tiers, args.hours, strict=True)
    ]


def _capacity_dict(tier: TierCapacity) -> dict[str, float | None]:
    return {
        "hours": tier.hours_needed,
        "csms_needed": tier.csms_needed,
        "hours_per_account": tier.hours_per_account,
        "hours_available": tier.hours_available,
        "utilisation": tier.utilisation if tier.hours_available > 0 else None,
        "csm_cost": _cents(tier.csm_cost),
        "other_cost": _cents(tier.other_cost),
        "margin": _cents(tier.margin),
    }


def _payload(args: argparse.Namespace, dataset: Dataset, summary: TierSummary) -> dict[str, object]:
    payload = summary.as_dict()
    payload["rejected_rows"] = dataset.report.rejected_rows
    if getattr(args, "hours", None) is not None or getattr(args, "plan", None) is not None:
        for tier, extra in zip(
            payload["tiers"], _load_figures(args, dataset, summary), strict=True
        ):
            tier.update(extra)
    year = _year(args, dataset, summary)
    if year is not None:
        payload["months"] = year.as_dicts()
    return payload


def _suggested(args: argparse.Namespace, dataset: Dataset) -> tuple[TierSummary, Explanation]:
    if args.scale is not None:
        raise InputError("--scale applies to --method natural only.")
    if args.target_shares and args.tiers and len(args.target_shares) != args.tiers - 1:
        raise InputError(
            f"--tiers {args.tiers} takes {args.tiers - 1} target shares; "
            f"--target-shares gives {len(args.target_shares)}."
        )
    tiers = args.tiers or DEFAULT_TIERS
    targets = args.target_shares or list(DEFAULT_TARGET_SHARES[tiers])
    if not 1 <= len(targets) <= MAX_TIERS - 1:
        raise InputError(f"Give 1 to {MAX_TIERS - 1} target shares (2 to {MAX_TIERS} tiers).")
    cuts, explanation = for_shares(dataset.index, targets, args.max_top_share)
    return summarize(dataset.index, cuts), explanation


def _natural(args: argparse.Namespace, dataset: Dataset) -> tuple[TierSummary, NaturalBreaks]:
    if args.target_shares is not None or args.max_top_share is not None:
        raise InputError("--target-shares and --max-top-share apply to --method shares only.")
    found = natural_breaks(dataset.index, args.tiers or DEFAULT_TIERS, args.scale or LOG)
    return summarize(dataset.index, found.cuts), found


def _natural_lines(dataset: Dataset, found: NaturalBreaks) -> list[str]:
    fits = fit_by_tiers(dataset.index, found.scale)
    table = ", ".join(f"{k} tiers {fit.gvf:.2f}" for k, fit in fits.items())
    return [
        *found.sentences(),
        f"Goodness of variance fit by number of tiers: {table}.",
        fit_sentence(fits),
    ]


def _load_lines(args: argparse.Namespace, dataset: Dataset, summary: TierSummary) -> list[str]:
    if args.hours is None and args.plan is None:
        return []
    rows = _load_figures(args, dataset, summary)
    lines = ["", f"{'Tier':<8}{'Hours needed':>16}{'CSMs needed':>14}"]
    lines += [
        f"{tier.name:<8}{row['hours']:>16,.0f}{row['csms_needed']:>14,.1f}"
        for tier, row in zip(summary.tiers, rows, strict=True)
    ]
    year = _year(args, dataset, summary)
    return lines if year is None else [*lines, "", *year.table()]


def _migration_table(flows: Migration, currency: str) -> str:
    lines = [
        flows.headline(currency),
        "",
        f"{'From':<14}{'To':<10}{'Customers':>12}{'Revenue':>18}",
    ]
    lines += [  # tier labels come from the file's current_tier column
        f"{printable(f.source):<14}{printable(f.target):<10}{f.customers:>12,}"
        f"{money_exact(f.revenue, currency):>18}"
        for f in flows.flows
    ]
    return "\n".join(lines)


def _suggestion(args: argparse.Namespace, dataset: Dataset) -> str:
    """What `suggest` prints: one JSON object, or the table and why."""
    if args.method == NATURAL:
        summary, found = _natural(args, dataset)
        if not args.json:
            return _table(dataset, summary) + "\n\n" + "\n".join(_natural_lines(dataset, found))
        payload = _payload(args, dataset, summary)
        payload.update(method=NATURAL, scale=found.scale, gvf=found.gvf)
        return json.dumps(payload)
    summary, explanation = _suggested(args, dataset)
    if not args.json:
        return _table(dataset, summary) + "\n\n" + str(explanation)
    payload = _payload(args, dataset, summary)
    if args.method is not None:  # named: say so (not named, the JSON stays as it always was)
        payload["method"] = SHARES
    return json.dumps(payload)


def _run(args: argparse.Namespace) -> None:
    if args.command == "serve":
        _serve(args)
    if args.command == "history":
        print(run_history(args))
        return
    if args.command == "sources":
        given = dict(args.map) if args.map else None
        basis = RevenueBasis("transactions" if given and DATE in given else "annual")
        print(cli_sources.run_check(args, given, basis))
        return
    dataset = _load(args)
    if args.command == "suggest":
        print(_suggestion(args, dataset))
        return
    summary = _summary(dataset, args.cuts)
    if args.command == "assign":
        _assign(args, dataset, summary)
        return
    if args.command == "migrate":
        flows = dataset.flows(EVERYTHING, REVENUE_ONLY, summary.cuts)
        print(
            json.dumps(flows.as_dict()) if args.json else _migration_table(flows, dataset.currency)
        )
        return
    if args.command == "summarize":
        if args.json:
            print(json.dumps(_payload(args, dataset, summary)))
        else:
            print(_table(dataset, summary, _load_lines(args, dataset, summary)))
    else:
        frame = dataset.tier_list(summary.cuts)
        export.write_table(frame, args.out)
        print(f"Wrote {len(frame):,} customers to {args.out}", file=sys.stderr)


def _serve(args: argparse.Namespace) -> NoReturn:
    # The server lives outside lib (it is Streamlit): hand this process over to its launcher.
    if args.data is not None:
        if not args.data.is_file():
            raise InputError(f"There is no file at {args.data}.")
        os.environ["TIERBOARD_DATA"] = str(args.data.resolve())
    command = [sys.executable, "-m", "ui.serve", "--server.port", str(args.port)]
    os.execv(sys.executable, command)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except InputError as error:
        print(f"tierboard: {printable(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # e.g. the output folder does not exist or is read-only
        print(
            f"tierboard: {error.strerror or error}: {printable(str(error.filename))}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
