"""What tierboard assumes about a file until someone says otherwise: which column is which, what
the revenue column holds, and where the trailing 12 months end.

One rule for every entry point: the Upload page presets its widgets from `defaults_for`, and
`tierboard summarize FILE` (and the other commands) without --map, --monthly or --as-of, or the
configured data file, load with `load_as_suggested`; so the same file gives the same figures
everywhere (issue 14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lib.dataset import Dataset, Upload
from lib.ingest import RevenueBasis
from lib.mapping import DATE

# Above this share of repeated ids a file is invoice lines rather than a customer list: invoice
# lines repeat their customer id on most rows; a customer list barely ever does (an export with
# a few duplicates is still a list, its repeated rows summed).
TRANSACTION_REPEAT_SHARE = 0.3


@dataclass(frozen=True)
class Defaults:
    """The mapping, revenue basis and end of the 12 months a file is loaded with by default."""

    suggested: dict[str, str]  # canonical name (or "date") -> header: every column recognised
    basis: RevenueBasis  # transactions carry the day their 12 months end on
    as_of: date  # where the 12 months end, should transactions be chosen (latest date, or today)

    @property
    def mapping(self) -> dict[str, str]:
        """The mapping as loaded: the date column only for transactions."""
        if self.basis.kind == "transactions":
            return dict(self.suggested)
        return {name: header for name, header in self.suggested.items() if name != DATE}


def is_invoice_lines(repeat_share: float, latest: date | None) -> bool:
    """Whether a file with a date column reads as invoice lines: its customer ids repeat on
    enough rows, and some date in it is readable (the 12 months need a day to end on)."""
    return latest is not None and repeat_share >= TRANSACTION_REPEAT_SHARE


def defaults_for(upload: Upload, today: date | None = None) -> Defaults:
    """How `upload` is loaded unless someone chooses otherwise.

    Invoice lines (a date column and repeated customer ids): the 12 months up to the latest
    date in the file. Otherwise monthly figures (x 12) when the revenue column says MRR or
    monthly, else annual figures.
    """
    suggestion = upload.suggestion()
    ids = suggestion.mapping.get("customer_id")
    dates = suggestion.mapping.get(DATE)
    latest = upload.latest_date(dates) if dates else None
    as_of = latest or today or date.today()
    if ids and is_invoice_lines(upload.repeat_share(ids), latest):
        basis = RevenueBasis("transactions", as_of)
    elif suggestion.revenue_looks_monthly:
        basis = RevenueBasis("monthly")
    else:
        basis = RevenueBasis("annual")
    return Defaults(suggested=dict(suggestion.mapping), basis=basis, as_of=as_of)


def load_as_suggested(
    source: Path | str | bytes, name: str | None = None, sheet: str | None = None
) -> Dataset:
    """Read and load a file with its defaults: what the Upload page loads when nobody changes
    a thing."""
    upload = Upload.open(source, name, sheet)
    try:
        chosen = defaults_for(upload)
        return upload.load(chosen.mapping, chosen.basis)
    finally:
        upload.close()
