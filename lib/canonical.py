"""The canonical customer table: its columns, their kinds, and how a header names them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "number", "date"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("customer_id", "text", "Unique account id; rows sharing an id are one customer.", True),
    Column("annual_revenue", "number", "Annualised revenue (ARR); credits may be negative.", True),
    Column("customer_name", "text", "Account name."),
    Column("csm_owner", "text", "The CSM who owns the account; empty when unassigned."),
    Column("segment", "text", "Market segment, e.g. Enterprise / Mid-Market / SMB."),
    Column("region", "text", "Sales region."),
    Column("industry", "text", "Industry."),
    Column("current_tier", "text", 'Today\'s assignment, e.g. "Tier 1".'),
    Column("nps", "number", "Latest NPS answer (0-10)."),
    Column("health_score", "number", "Health score (0-100)."),
    Column("expansion_potential", "number", "Estimated additional annual revenue."),
    Column("cost_to_serve", "number", "Annual cost to serve the account."),
    Column("renewal_date", "date", "Next renewal date."),
    Column("customer_since", "date", "Start of the relationship."),
)
BY_NAME = {column.name: column for column in COLUMNS}

# How a column is named on screen (files and downloads keep the canonical names). Acronyms stay
# acronyms: "NPS", "CSM owner" — never "Nps", "Csm owner".
LABELS: dict[str, str] = {
    "customer_id": "Customer id",
    "annual_revenue": "Revenue",
    "customer_name": "Customer name",
    "csm_owner": "CSM owner",
    "segment": "Segment",
    "region": "Region",
    "industry": "Industry",
    "current_tier": "Current tier",
    "nps": "NPS",
    "health_score": "Health score",
    "expansion_potential": "Expansion potential",
    "cost_to_serve": "Cost to serve",
    "renewal_date": "Renewal date",
    "customer_since": "Customer since",
    # Columns tierboard adds to the tables it shows.
    "tier": "Tier",
    "previous_tier": "Previous tier",
    "csm_cost": "CSM cost",
    "margin": "Margin",
    "from": "From",
    "to": "To",
    "direction": "Direction",
    "score": "Score",
    "value": "Value",
    "nearest cut-off": "Nearest cut-off",
    "distance": "Distance",
}
# Columns holding money: shown with the data's currency and thousands separators.
MONEY_COLUMNS = frozenset(
    {"annual_revenue", "expansion_potential", "cost_to_serve", "csm_cost", "margin"}
)


def label(name: str) -> str:
    """A column's name as a person reads it: "NPS", "CSM owner", "Cost to serve"."""
    if name in LABELS:
        return LABELS[name]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


REQUIRED = tuple(column.name for column in COLUMNS if column.required)


def header_key(header: str) -> str:
    """A header reduced to compare names: "Annual Revenue " and "annual-revenue" both match,
    and so do "Numéro client" and "numero_client" (accents dropped)."""
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "_", plain.strip().lower()).strip("_")


def identity_mapping(headers: list[str]) -> dict[str, str]:
    """Map canonical names to the headers that spell them (ignoring case, spaces and dashes)."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    return {column.name: by_key[column.name] for column in COLUMNS if column.name in by_key}
