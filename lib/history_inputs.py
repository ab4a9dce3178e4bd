"""Snapshots for a history from what people have: one file per period, or one transactions file
cut at quarter ends; and period labels ("2026 Q3"). Shared by `tierboard history` and the page.

Every file goes through the loader `summarize` uses (lib.dataset.Upload, the defaults of
lib.file_defaults unless the mapping or basis is given), so each period's figures are the ones
`tierboard summarize` shows for that file, and its load report accounts for every row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lib.canonical import LABELS, REQUIRED
from lib.criteria import REVENUE_ONLY
from lib.dataset import Dataset, Upload
from lib.errors import InputError
from lib.file_defaults import defaults_for
from lib.formatting import plural
from lib.history import NO_DATE, Snapshot, day_number
from lib.ingest import LAST_ORDER_DATE, WINDOW_DAYS, LoadReport, RevenueBasis
from lib.layout import printable
from lib.mapping import DATE, listed

MAX_QUARTERS = 40  # ten years of quarters
LINES_LISTED = 20  # rejected lines named in a period's report (the rest are counted)
# A quarter's 12 months may begin this many days before a transactions file's first line and
# still count as whole: a file that starts on 3 January holds the year from 1 January.
GRACE_DAYS = 31
QUARTER_LAST_DAY = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_QUARTER = re.compile(
    r"(?<!\d)(\d{4})[\s_-]?[qQ]([1-4])(?!\d)|(?<![a-zA-Z])[qQ]([1-4])[\s_-]?(\d{4})(?!\d)"
)
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})[-_](\d{2})[-_](\d{2})(?!\d)")


def quarter_end(year: int, quarter: int) -> date:
    month, day = QUARTER_LAST_DAY[quarter]
    return date(year, month, day)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def period_label(day: date) -> str:
    """ "2026 Q3" for a quarter's last day; the day itself (2026-08-15) otherwise."""
    quarter = quarter_of(day)
    if day == quarter_end(day.year, quarter):
        return f"{day.year} Q{quarter}"
    return day.isoformat()


def parse_period(text: str) -> tuple[str, date] | None:
    """A period written as "2026 Q3", "2026-Q3", "Q3 2026" or a day "2026-09-30": its label and
    its date (a quarter's last day). None when the text names no period."""
    cleaned = text.strip()
    quarter = _QUARTER.fullmatch(cleaned)
    if quarter is not None:
        return _quarter(quarter)
    day = _ISO_DAY.fullmatch(cleaned)
    if day is not None:
        return _day(day)
    return None


def _quarter(found: re.Match[str]) -> tuple[str, date]:
    year = int(found.group(1) or found.group(4))
    quarter = int(found.group(2) or found.group(3))
    return f"{year} Q{quarter}", quarter_end(year, quarter)


def _day(found: re.Match[str]) -> tuple[str, date] | None:
    try:
        day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
    return period_label(day), day


def period_in_name(name: str) -> tuple[str, date] | None:
    """The period a file's name gives ("customers-2026-Q3.csv", "export_2026-09-30.xlsx"), or
    None when it gives none or more than one."""
    stem = Path(name).stem
    found = [_quarter(m) for m in _QUARTER.finditer(stem)]
    found += [day for m in _ISO_DAY.finditer(stem) if (day := _day(m)) is not None]
    distinct = set(found)
    return distinct.pop() if len(distinct) == 1 else None


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file, as `summarize` takes it: nothing said means the Upload page's
    defaults; a mapping with a date column (or an as-of day) means transactions."""

    mapping: Mapping[str, str] | None = None
    monthly: bool = False
    as_of: date | None = None
    sheet: str | None = None

    @property
    def is_default(self) -> bool:
        return not self.mapping and not self.monthly and self.as_of is None


@dataclass(frozen=True)
class LoadedPeriod:
    """A period's snapshot and what the loader did with every row of its file."""

    snapshot: Snapshot
    report: LoadReport
    rejected_lines: tuple[tuple[int, str], ...] = ()  # (line of the file, reason), the first few
    note: str = ""  # what a person must know about this period's figures (partial months)
    partial: bool = False  # a transactions quarter whose 12 months begin before the file does

    def sentences(self) -> list[str]:
        """The load report, the lines rejected (by number) and the note, as sentences."""
        found = list(self.report.sentences())
        if self.rejected_lines:
            found.append(rejected_sentence(self.rejected_lines, self.report.rejected_rows))
        return [*found, self.note] if self.note else found


def rejected_sentence(lines: Sequence[tuple[int, str]], rejected: int) -> str:
    """ "Rejected lines: 4 (revenue is not a number), 9 (customer id is empty)", and how many
    more: every rejected row is reported with its line, up to LINES_LISTED."""
    listed = ", ".join(f"{line} ({reason})" for line, reason in lines)
    more = rejected - len(lines)
    return f"Rejected {'line' if rejected == 1 else 'lines'}: {listed}" + (
        f", and {more:,} more." if more > 0 else "."
    )


def partial_warning(periods: Sequence[LoadedPeriod]) -> str | None:
    """What the quarters of a transactions file with less than 12 months of lines do to the
    figures (None when every quarter is whole): said above the figures, not in a footnote."""
    partial = [period.snapshot.label for period in periods if period.partial]
    if not partial:
        return None
    one = len(partial) == 1
    which = partial[0] if one else f"{partial[0]} to {partial[-1]}"
    return (
        f"{which} {'holds' if one else 'hold'} less than 12 months of the file's lines: there, "
        "accounts look smaller than they are, and part of the tier churn is the file filling "
        f"in, not customers changing. Fewer quarters leave {'it' if one else 'them'} out."
    )


def _rejected_lines(dataset: Dataset) -> tuple[tuple[int, str], ...]:
    if not dataset.report.rejected_rows:
        return ()
    frame = dataset.rejected_rows(LINES_LISTED)
    return tuple(
        (int(line), str(reason)) for line, reason in zip(frame["row"], frame["reason"], strict=True)
    )


Source = Path | tuple[str, bytes]  # a path, or an upload's name and bytes


def _open(source: Source, how: ImportOptions) -> Upload:
    if isinstance(source, Path):
        return Upload.open(source, sheet=how.sheet)
    name, data = source
    return Upload.open(data, name, sheet=how.sheet)


def _name(source: Source) -> str:
    return source.name if isinstance(source, Path) else Path(source[0]).name


def _chosen(upload: Upload, how: ImportOptions) -> tuple[dict[str, str] | None, RevenueBasis]:
    """The mapping and basis a file is loaded with (what `tierboard summarize` does)."""
    if how.is_default:
        defaults = defaults_for(upload)
        return defaults.mapping, defaults.basis
    mapping = dict(how.mapping) if how.mapping else None
    transactions = how.as_of is not None or (mapping is not None and DATE in mapping)
    if transactions and how.monthly:
        raise InputError("Choose either --monthly or transactions (--map date=... / --as-of).")
    if mapping is not None and how.as_of is not None and DATE not in mapping:
        mapping = None  # --as-of alone: the date column comes from the automatic mapping
    if transactions:
        return mapping, RevenueBasis("transactions", how.as_of)
    return mapping, RevenueBasis("monthly" if how.monthly else "annual")


def _date_header(upload: Upload, mapping: Mapping[str, str] | None) -> str | None:
    if mapping is not None and DATE in mapping:
        return mapping[DATE]
    return upload.suggestion().mapping.get(DATE)


def _snapshot(dataset: Dataset, label: str, ends: date, keep: np.ndarray | None) -> Snapshot:
    ids = np.asarray(dataset.identities().column("customer_id").to_numpy(zero_copy_only=False))
    cents = np.rint(dataset.keys(REVENUE_ONLY) * 100).astype(np.int64)
    renewals = dataset.day_numbers("renewal_date")
    if keep is not None:
        ids, cents = ids[keep], cents[keep]
        renewals = None if renewals is None else renewals[keep]
    return Snapshot(
        label=label,
        ends=ends,
        ids=ids.astype(object),
        cents=cents,
        renewals=renewals,
        currency=dataset.currency,
        columns=dataset.columns,
        source=printable(dataset.source),
    )


def load_periods(
    sources: Sequence[Source], how: ImportOptions, periods: Sequence[str] | None = None
) -> list[LoadedPeriod]:
    """One snapshot per file. A file's period: its entry in `periods` when given ("2026 Q3",
    "2026-Q3", "2026-09-30"), else a quarter or day in its name, else its latest date (the end
    of a transactions file's 12 months, or the latest day of its date column)."""
    if periods is not None and len(periods) != len(sources):
        raise InputError(f"Give one period per file: {len(sources)} files, {len(periods)} periods.")
    loaded = []
    for i, source in enumerate(sources):
        named = None if periods is None else _given_period(periods[i])
        loaded.append(_load_period(source, how, named))
    return loaded


def _given_period(text: str) -> tuple[str, date]:
    found = parse_period(text)
    if found is None:
        raise InputError(
            f"{printable(text)!r} is not a period: write it like 2026 Q3, 2026-Q3 or 2026-09-30."
        )
    return found


def _check_recognised(name: str, headers: Sequence[str], mapping: Mapping[str, str] | None) -> None:
    """Say which required column the automatic mapping could not find, and how to name it: a
    history's files have no column chooser (the Upload page's), so "choose the column" would
    ask for what the page cannot do."""
    missing = [column for column in REQUIRED if column not in (mapping or {})]
    if not missing:
        return
    what = " and the ".join(LABELS[column].lower() for column in missing)
    usual = " and ".join(USUAL_HEADERS.get(column, LABELS[column]) for column in missing)
    flags = " ".join(f"--map {column}=..." for column in missing)
    give = "them usual headers" if len(missing) > 1 else "it a usual header"
    raise InputError(
        f"{printable(name)}: tierboard cannot tell which column holds the {what} (its columns: "
        f"{listed(list(headers)) or 'none'}). Give {give} ({usual}) and add the file again (on "
        f"the command line: {flags})."
    )


USUAL_HEADERS = {"customer_id": "Customer ID", "annual_revenue": "Annual Revenue or ARR"}


def _load_period(
    source: Source, how: ImportOptions, named: tuple[str, date] | None
) -> LoadedPeriod:
    upload = _open(source, how)
    try:
        mapping, basis = _chosen(upload, how)
        if how.is_default:
            _check_recognised(_name(source), upload.info.headers, mapping)
        period = named or period_in_name(_name(source))
        if period is None and basis.kind != "transactions":
            header = _date_header(upload, mapping)
            latest = upload.latest_date(header) if header else None
            period = None if latest is None else (period_label(latest), latest)
        dataset = upload.load(mapping, basis)
    finally:
        upload.close()
    try:
        if period is None and dataset.report.basis.as_of is not None:
            as_of = dataset.report.basis.as_of
            period = (period_label(as_of), as_of)
        if period is None:
            raise InputError(
                f"Which period is {printable(_name(source))}? Its name has no quarter or date "
                "and it has no dates: give its period, like 2026 Q3 (on the command line: "
                "--periods)."
            )
        snapshot = _snapshot(dataset, *period, keep=None)
        return LoadedPeriod(snapshot, dataset.report, _rejected_lines(dataset))
    finally:
        dataset.close()


def quarter_ends(latest: date, quarters: int) -> list[date]:
    """The last `quarters` quarter ends on or before `latest`, oldest first."""
    year, quarter = latest.year, quarter_of(latest)
    if quarter_end(year, quarter) > latest:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    ends = []
    for _ in range(quarters):
        ends.append(quarter_end(year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return ends[::-1]


def load_quarters(source: Source, how: ImportOptions, quarters: int) -> list[LoadedPeriod]:
    """`quarters` snapshots of one transactions file, one at each quarter end up to its latest
    date (or --as-of): each the trailing 12 months of revenue as of that day. An account is a
    customer at a quarter end when it has a line in those 12 months."""
    if not 1 <= quarters <= MAX_QUARTERS:
        raise InputError(f"--quarters takes 1 to {MAX_QUARTERS} quarters; got {quarters}.")
    upload = _open(source, how)
    try:
        mapping, basis = _chosen(upload, how)
        header = _date_header(upload, mapping)
        first, last = upload.date_range(header) if header else (None, None)
        latest = how.as_of or last
    finally:
        upload.close()
    if basis.kind != "transactions" or latest is None or first is None:
        raise InputError(
            f"A transactions file is cut at quarter ends by its dates, and "
            f"{printable(_name(source))} has no dated lines: name its date column (on the "
            'command line: --map date="Invoice Date").'
        )
    every = quarter_ends(latest, quarters)
    # A quarter that ends before the file's first line has no customer: every account would
    # read as new in the next one, a churn of 100% that is not there.
    ends_kept = [ends for ends in every if ends >= first]
    if not ends_kept:
        raise InputError(
            f"{printable(_name(source))} runs from {first.isoformat()} to {latest.isoformat()}: "
            "no quarter ends within it, so there is no quarter-end snapshot to make."
        )
    loaded = [
        _quarter_period(source, how, mapping, ends, _partial(ends, first)) for ends in ends_kept
    ]
    if len(ends_kept) < len(every):
        left_out = every[: len(every) - len(ends_kept)]
        said = (
            f"{plural(len(left_out), 'quarter')} before {period_label(ends_kept[0])} "
            f"({period_label(left_out[0])}"
            + (f" to {period_label(left_out[-1])}" if len(left_out) > 1 else "")
            + (") ends" if len(left_out) == 1 else ") end")
            + f" before the file's first line ({first.isoformat()}): "
            + ("it is left out." if len(left_out) == 1 else "they are left out.")
        )
        loaded[0] = replace(loaded[0], note=f"{said} {loaded[0].note}".strip())
    return loaded


def _partial(ends: date, first: date) -> str:
    """The note of a quarter whose 12 months begin before the file's first line, else ""."""
    starts = ends - timedelta(days=WINDOW_DAYS - 1)
    if (first - starts).days <= GRACE_DAYS:
        return ""
    months = round((ends - first).days / 30.44, 1)
    return (
        f"{period_label(ends)}'s 12 months begin {starts.isoformat()}, before the file's first "
        f"line ({first.isoformat()}): its revenue is {months:g} months' worth, so accounts "
        "may look smaller than they are and move tier as the file fills in."
    )


def _quarter_period(
    source: Source, how: ImportOptions, mapping: Mapping[str, str] | None, ends: date, note: str
) -> LoadedPeriod:
    """One quarter-end snapshot of a transactions file: its trailing 12 months."""
    upload = _open(source, how)
    try:
        dataset = upload.load(mapping, RevenueBasis("transactions", ends))
    finally:
        upload.close()
    try:
        last = dataset.day_numbers(LAST_ORDER_DATE)
        window = day_number(ends - timedelta(days=WINDOW_DAYS))
        keep = None if last is None else (last != NO_DATE) & (last > window)
        snapshot = _snapshot(dataset, period_label(ends), ends, keep)
        return LoadedPeriod(snapshot, dataset.report, _rejected_lines(dataset), note, bool(note))
    finally:
        dataset.close()
