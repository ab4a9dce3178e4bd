"""Which header is which canonical column: suggestions from the names exports actually use.

CRMs, billing systems and accounting tools name the same thing differently ("Account ID",
"Customer ID", "Kundennummer"). A suggestion is only a starting point: people confirm or change
it on the Upload page, or pass `--map` on the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lib.canonical import BY_NAME, REQUIRED, header_key
from lib.errors import InputError
from lib.layout import printable
from lib.loadreport import RevenueBasis

# The transaction date of invoice lines / orders; only used with the "transactions" basis.
DATE = "date"

# Names seen in exports, as header_key() spells them, best first. Exact matches win over
# contained words, earlier aliases over later ones.
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer_id", "account_id", "customer_number", "account_number", "client_id",
        "company_id", "record_id", "kundennummer", "kunden_nr", "kundennr", "debitor",
        "debitorennummer", "numero_client", "id_client", "cliente_id", "customer", "account",
        "kunde", "client", "id",
    ),
    "annual_revenue": (
        "annual_revenue", "arr", "annual_recurring_revenue", "jahresumsatz",
        "annual_contract_value", "acv", "revenue", "umsatz", "chiffre_d_affaires", "mrr",
        "monthly_recurring_revenue",
        "amount", "betrag", "net_amount", "total", "invoice_amount", "sales", "value",
    ),
    "customer_name": (
        "customer_name", "account_name", "company_name", "company", "client_name", "name",
        "firma", "firmenname", "kundenname", "organization", "organisation", "nom",
        "nom_client", "raison_sociale", "societe", "razon_social", "nombre",
    ),
    "csm_owner": (
        "csm_owner", "csm", "customer_success_manager", "account_owner", "owner",
        "account_manager", "betreuer",
    ),
    "segment": ("segment", "tier_segment", "customer_segment", "market_segment", "size"),
    "region": ("region", "sales_region", "territory", "geo", "country", "land"),
    "industry": ("industry", "vertical", "branche", "sector"),
    "current_tier": ("current_tier", "tier", "service_tier", "cs_tier", "customer_tier"),
    "nps": ("nps", "net_promoter_score", "nps_score"),
    "health_score": ("health_score", "health", "customer_health"),
    "expansion_potential": ("expansion_potential", "expansion", "upsell_potential", "whitespace"),
    "cost_to_serve": ("cost_to_serve", "cost", "service_cost", "support_cost", "kosten"),
    "renewal_date": ("renewal_date", "renewal", "contract_end", "contract_end_date", "end_date"),
    "customer_since": (
        "customer_since", "start_date", "created_date", "contract_start", "first_purchase",
        "since", "kunde_seit",
    ),
    DATE: (
        "invoice_date", "date", "order_date", "transaction_date", "created", "created_utc",
        "created_at", "rechnungsdatum", "datum", "period", "billing_date", "payment_date",
    ),
}  # fmt: skip
MONTHLY_HINTS = ("mrr", "monthly")


@dataclass(frozen=True)
class Suggestion:
    """A proposed mapping and what it suggests about the revenue figures."""

    mapping: dict[str, str]  # canonical name (or "date") -> header
    revenue_looks_monthly: bool  # the revenue header says MRR / monthly


def _score(canonical: str, header: str) -> int | None:
    key = header_key(header)
    aliases = ALIASES[canonical]
    if key in aliases:
        return aliases.index(key)
    words = set(key.split("_"))
    for rank, alias in enumerate(aliases):
        # "Annual Revenue (USD)" contains annual_revenue; a one-word alias must be a whole word
        # ("Account Owner" is not an account id, "Identity" not an id).
        contained = alias in key if "_" in alias else alias in words
        if contained:
            return 100 + rank
    return None


def suggest(headers: Iterable[str]) -> Suggestion:
    """Best guess of which header holds each canonical column; each header used at most once."""
    headers = list(headers)
    candidates = sorted(
        (score, order, canonical, header)
        for order, canonical in enumerate(ALIASES)
        for header in headers
        if (score := _score(canonical, header)) is not None
    )
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _, _, canonical, header in candidates:
        if canonical not in mapping and header not in used:
            mapping[canonical] = header
            used.add(header)
    revenue = mapping.get("annual_revenue", "")
    monthly = any(hint in header_key(revenue).split("_") for hint in MONTHLY_HINTS)
    ordered = {name: mapping[name] for name in ALIASES if name in mapping}
    return Suggestion(mapping=ordered, revenue_looks_monthly=monthly)


def describe(canonical: str) -> str:
    """What a canonical column (or the transaction date) means, for labels and help."""
    if canonical == DATE:
        return "Date of each invoice line or order (for transaction files)."
    return BY_NAME[canonical].description


def invert(mapping: Mapping[str, str]) -> dict[str, str]:
    return {header: canonical for canonical, header in mapping.items()}


LISTED_HEADERS = 12  # a message names this many of a file's columns, then says how many more


def shown(header: str) -> str:
    """A header as a message quotes it: printable, and not a page long."""
    text = printable(header)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def listed(headers: tuple[str, ...] | list[str]) -> str:
    """Headers as a message lists them: printable, each cut short, at most LISTED_HEADERS."""
    return _listed(headers)


def _listed(headers: tuple[str, ...] | list[str]) -> str:
    names = [printable(h) if len(h) <= 60 else printable(h)[:57] + "..." for h in headers]
    shown = ", ".join(names[:LISTED_HEADERS])
    more = len(names) - LISTED_HEADERS
    return f"{shown} and {more:,} more" if more > 0 else shown


def resolve_mapping(
    headers: tuple[str, ...] | list[str],
    mapping: Mapping[str, str] | None,
    basis: RevenueBasis,
) -> dict[str, str]:
    """Check a canonical-name → header mapping (or suggest one) and return it."""
    if mapping is None:
        resolved = suggest(headers).mapping
        if basis.kind != "transactions":
            resolved.pop(DATE, None)
    else:
        resolved = dict(mapping)
    unknown = sorted(set(resolved) - set(BY_NAME) - {DATE})
    if unknown:
        raise InputError(
            f"Unknown column {shown(unknown[0])}: use one of {', '.join([*BY_NAME, DATE])}."
        )
    absent = sorted(header for header in resolved.values() if header not in headers)
    if absent:
        raise InputError(
            f"The file has no column {shown(absent[0])}; its columns are {_listed(headers)}."
        )
    chosen: dict[str, str] = {}
    for canonical, header in resolved.items():
        if header in chosen:
            raise InputError(
                f"The column {shown(header)} is chosen for both {chosen[header]} and {canonical}: "
                "pick one column for each."
            )
        chosen[header] = canonical
    missing = [name for name in REQUIRED if name not in resolved]
    if missing:
        what = " and ".join(missing)
        raise InputError(
            f"Choose the column that holds {what} (the file has {_listed(headers) or 'none'})."
        )
    if basis.kind == "transactions" and DATE not in resolved:
        raise InputError("Transactions need a date column: choose which column holds the date.")
    if basis.kind != "transactions":
        resolved.pop(DATE, None)
    return resolved
