"""The CSM roster: who can own accounts, which tiers they serve, their hours, headcount (a pool
is one entry with N people), region and account cap — read from / written to CSV, or inferred
from today's books.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lib import charsets, delimiters
from lib.accounts import Accounts
from lib.books import default_pool_csms, is_pool
from lib.cells import FORMULA_TRIGGERS, formula_safe
from lib.errors import InputError
from lib.formatting import hours as hours_text
from lib.formatting import quantity
from lib.migration import normalize_tier
from lib.service_matrix import MAX_HOURS_PER_YEAR
from lib.slices import UNASSIGNED
from lib.team import MAX_CSMS, Team
from lib.tiering import MAX_TIERS, tier_name

# An owner is taken to cover one region when at least this share of its accounts are there.
REGION_SHARE = 0.6
# 10,000 CSMs take well under 1 MB; the cap keeps a hostile upload from tying up the server.
MAX_ROSTER_FILE_MB = 10
COLUMNS = ("csm", "tiers", "hours", "headcount", "region", "account_cap")
REQUIRED = ("csm", "tiers", "hours")
TIER_SEPARATORS = re.compile(r"\s*[;|/]\s*|\s*,\s*(?=\S)")
# infer_roster: a CSM serves the tiers that hold at least this share of its accounts or of the
# hours its book needs (and always the tier holding most of those hours).
SERVED_SHARE = 0.2


@dataclass(frozen=True)
class RosterEntry:
    """One CSM (or one pooled team of `headcount` CSMs) who can own accounts."""

    csm: str
    tiers: tuple[int, ...]  # 1-based tier numbers served (Tier 1 = 1), ascending
    hours: float  # customer-facing hours per person per year
    headcount: float = 1.0  # N for a pool
    region: str | None = None  # the region covered; None: every region
    account_cap: int | None = None  # at most this many accounts in the book; None: no cap

    def __post_init__(self) -> None:
        name = self.csm.strip() if isinstance(self.csm, str) else ""
        if not name:
            raise InputError("Every roster entry needs a CSM name.")
        object.__setattr__(self, "csm", name)
        tiers = tuple(sorted({int(t) for t in self.tiers}))
        if not tiers or tiers[0] < 1:
            raise InputError(f"{name} must serve at least one tier (Tier 1 is the top).")
        object.__setattr__(self, "tiers", tiers)
        hours, headcount = float(self.hours), float(self.headcount)
        if not (math.isfinite(hours) and 0 <= hours <= MAX_HOURS_PER_YEAR):
            raise InputError(
                f"{name}'s hours must be between 0 and {MAX_HOURS_PER_YEAR:,.0f} a year; "
                f"got {hours:g}."
            )
        if not (math.isfinite(headcount) and 0 <= headcount <= MAX_CSMS):
            raise InputError(
                f"{name}'s headcount must be between 0 and {MAX_CSMS:,.0f}; got {headcount:g}."
            )
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "headcount", headcount)
        if self.region is not None:
            region = str(self.region).strip()
            object.__setattr__(self, "region", region or None)
        if self.account_cap is not None and int(self.account_cap) < 0:
            raise InputError(f"{name}'s account cap must be zero or more.")

    @property
    def capacity_hours(self) -> float:
        """Customer-facing hours of the whole entry: hours x headcount."""
        return self.hours * self.headcount

    def serves(self, tier: int) -> bool:
        return tier in self.tiers


@dataclass(frozen=True)
class Roster:
    """Every CSM who can own accounts, each name once."""

    entries: tuple[RosterEntry, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.csm in seen:
                raise InputError(f"{entry.csm} is on the roster twice: list each CSM once.")
            seen.add(entry.csm)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.csm for entry in self.entries)

    def entry(self, csm: str) -> RosterEntry | None:
        return next((e for e in self.entries if e.csm == csm), None)

    def check_tiers(self, tier_count: int) -> None:
        """InputError when an entry serves a tier the cut-offs do not make."""
        for entry in self.entries:
            extra = [t for t in entry.tiers if t > tier_count]
            if extra:
                raise InputError(
                    f"{entry.csm} serves Tier {extra[0]}, but the cut-offs make {tier_count} tiers."
                )


# ---------------------------------------------------------------------------------------------
# CSV


def _cell(text: str) -> str:
    """A cell as written by roster_csv: its formula guard (a leading ') removed."""
    text = text.strip()
    if _looks_guarded(text):
        return text[1:]
    return text


def _looks_guarded(text: str) -> bool:
    return text.startswith("'") and text.lstrip("'").lstrip('"').startswith(FORMULA_TRIGGERS)


def _number(text: str) -> float | None:
    """A figure as people type it: 1100, 1,100, 1 100, 1100.5, 1100,5 (None: not a number)."""
    plain = re.sub(r"[\s_\u00a0']", "", text)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", plain):
        plain = plain.replace(",", "")
    elif re.fullmatch(r"[+-]?\d*,\d+", plain):
        plain = plain.replace(",", ".")
    try:
        value = float(plain)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _tiers(text: str, tier_names: Sequence[str], where: str) -> tuple[int, ...]:
    labels = [part for part in TIER_SEPARATORS.split(text.strip()) if part.strip()]
    if not labels:
        raise InputError(
            f'{where}: no tier in the "tiers" column (e.g. "Tier 1" or "Tier 2;Tier 3").'
        )
    known = {name.lower(): number for number, name in enumerate(tier_names, start=1)}
    out = []
    for label in labels:
        number = known.get(normalize_tier(label).lower(), known.get(label.strip().lower()))
        if number is None:
            raise InputError(
                f'{where}: unknown tier "{label.strip()}" (give one of {", ".join(tier_names)}).'
            )
        out.append(number)
    return tuple(out)


def read_roster_csv(data: bytes, tier_names: Sequence[str]) -> Roster:
    """The roster a CSV file describes: columns csm, tiers ("Tier 1" or "Tier 2;Tier 3"), hours
    (customer-facing hours per person per year), and optionally headcount (default 1), region
    and account_cap. Any encoding and delimiter the customer upload reads. InputError names the
    line and what is wrong with it."""
    if len(data) > MAX_ROSTER_FILE_MB * 1024 * 1024:
        raise InputError(
            f"The roster file is larger than {MAX_ROSTER_FILE_MB} MB; a roster has one line per "
            "CSM or pool."
        )
    text = charsets.decode(data, "The roster")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError("The roster file is empty: give a header row (csm,tiers,hours) and rows.")
    delimiter = delimiters.detect(lines[:50])
    if delimiter not in delimiters.DELIMITERS:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    entries: list[RosterEntry] = []
    first_line: dict[str, int] = {}
    previous_end = 0
    try:
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [_cell(c).lower().replace(" ", "_") for c in record]
                header[0] = header[0].lstrip("\ufeff")
                missing = [c for c in REQUIRED if c not in header]
                if missing:
                    raise InputError(
                        f'The roster has no "{missing[0]}" column; it needs csm, tiers and hours '
                        "(headcount, region and account_cap are optional)."
                    )
                continue
            entry = _entry(dict(zip(header, record, strict=False)), tier_names, line)
            if entry.csm in first_line:
                raise InputError(
                    f"Line {line} of the roster: {entry.csm} is already on line "
                    f"{first_line[entry.csm]}; list each CSM once."
                )
            first_line[entry.csm] = line
            entries.append(entry)
    except csv.Error as error:
        raise InputError(f"Line {previous_end + 1} of the roster cannot be read as CSV.") from error
    if not entries:
        raise InputError("The roster has no CSM: add one row per CSM under the header.")
    return Roster(tuple(entries))


def _entry(row: Mapping[str, str], tier_names: Sequence[str], line: int) -> RosterEntry:
    where = f"Line {line} of the roster"
    csm = _cell(row.get("csm") or "")
    if not csm:
        raise InputError(f"{where}: no CSM name in the csm column.")
    tiers = _tiers(_cell(row.get("tiers") or ""), tier_names, where)
    figures: dict[str, float | None] = {}
    for column, default in (("hours", None), ("headcount", 1.0), ("account_cap", None)):
        raw = _cell(row.get(column) or "")
        if not raw:
            if default is None and column == "hours":
                raise InputError(f"{where}: no hours for {csm}.")
            figures[column] = default
            continue
        value = _number(raw)
        if value is None or value < 0:
            raise InputError(f'{where}: {column} must be a number of zero or more; got "{raw}".')
        figures[column] = value
    hours, headcount, cap = figures["hours"], figures["headcount"], figures["account_cap"]
    assert hours is not None and headcount is not None
    if cap is not None and not cap.is_integer():
        raise InputError(f'{where}: account_cap must be a whole number; got "{cap:g}".')
    region = _cell(row.get("region") or "") or None
    try:
        return RosterEntry(
            csm=csm,
            tiers=tiers,
            hours=hours,
            headcount=headcount,
            region=region,
            account_cap=None if cap is None else int(cap),
        )
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def _safe(text: str) -> str:
    """A text cell as written: formula-safe, and a value that already looks guarded keeps its
    own leading ' (read_roster_csv takes one off)."""
    if _looks_guarded(text):
        return "'" + text
    return str(formula_safe(text))


def _figure(value: float) -> str:
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def tier_names_for(roster: Roster, tier_count: int) -> list[str]:
    """Tier 1 to the cut-offs' last tier, or to the highest tier an entry serves: a roster
    edited under more tiers keeps its tiers when the count drops (the proposal then says which
    entry to fix), so writing it must name them."""
    named = max([tier_count, *(max(entry.tiers) for entry in roster.entries)])
    return [tier_name(t) for t in range(1, named + 1)]


def every_tier_name() -> list[str]:
    """The names a saved roster may use (a scenario's roster can serve more tiers than its
    cut-offs make: see tier_names_for)."""
    return [tier_name(t) for t in range(1, MAX_TIERS + 1)]


def roster_csv(roster: Roster, tier_names: Sequence[str]) -> bytes:
    """The roster as CSV (UTF-8, formula-safe text), read back unchanged by read_roster_csv."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in roster.entries:
        writer.writerow(
            [
                _safe(entry.csm),
                ";".join(tier_names[t - 1] for t in entry.tiers),
                _figure(entry.hours),
                _figure(entry.headcount),
                "" if entry.region is None else _safe(entry.region),
                "" if entry.account_cap is None else str(entry.account_cap),
            ]
        )
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The roster today's books imply


def infer_roster(
    accounts: Accounts,
    cuts: Sequence[float],
    hours_per_account: Sequence[float],
    hours_per_csm: Sequence[float],
    *,
    pool_csms: Mapping[str, float] | None = None,
) -> Roster:
    """The roster today's books imply under `cuts`: one entry per csm_owner with accounts
    (not the unassigned ones), in name order.

    - tiers: every tier holding at least SERVED_SHARE (20%) of the owner's accounts or of the
      hours its book needs (accounts x `hours_per_account`), and always the tier holding most
      of those hours (most accounts when no tier needs hours);
    - hours: `hours_per_csm` of that main tier (the customer-facing hours per CSM of the tier's
      team on the Plan page);
    - headcount: 1 for a person; a pooled team (lib.books.is_pool) gets `pool_csms[name]`, by
      default lib.books.default_pool_csms of its book's hours;
    - region: the region most of its accounts are in (ties: the first by name), when the data
      has regions and that region holds at least REGION_SHARE (60%) of the accounts with a
      region; otherwise every region (None). Accounts with no region do not vote. Why the
      share: an owner whose book spans regions covers them all, and pinning it to its largest
      one would make "keep accounts in their region" send away accounts it serves today.
    """
    tiers = accounts.tiers(cuts)
    tier_count = len(hours_per_account)
    if len(hours_per_csm) != tier_count:
        raise ValueError("hours_per_csm needs one figure per tier")
    per_account = np.asarray(hours_per_account, dtype=np.float64)
    owners = len(accounts.owners)
    counts = np.zeros((owners, tier_count), dtype=np.int64)
    np.add.at(counts, (accounts.owner, tiers - 1), 1)
    region_votes: np.ndarray | None = None
    known_regions = [i for i, r in enumerate(accounts.regions) if r != UNASSIGNED]
    if accounts.has_region:
        region_votes = np.zeros((owners, len(accounts.regions)), dtype=np.int64)
        np.add.at(region_votes, (accounts.owner, accounts.region), 1)
    sizes = pool_csms or {}
    entries = []
    for code in sorted(range(owners), key=lambda c: accounts.owners[c]):
        name = accounts.owners[code]
        row = counts[code]
        if name == UNASSIGNED or not row.sum():
            continue
        needed = row * per_account
        total_hours, total = float(needed.sum()), int(row.sum())
        main = int(np.argmax(needed)) if total_hours > 0 else int(np.argmax(row))
        served = {
            t + 1
            for t in range(tier_count)
            if row[t]
            and (row[t] >= SERVED_SHARE * total or needed[t] >= SERVED_SHARE * total_hours > 0)
        } | {main + 1}
        hours = float(hours_per_csm[main])
        headcount = (
            float(sizes.get(name, default_pool_csms(total_hours, hours))) if is_pool(name) else 1.0
        )
        region = None
        if region_votes is not None and known_regions:
            votes = region_votes[code][known_regions]
            if votes.max() > 0 and votes.max() >= REGION_SHARE * votes.sum():
                best = max(range(len(known_regions)), key=lambda i: (votes[i], -i))
                region = accounts.regions[known_regions[best]]
        entries.append(
            RosterEntry(
                csm=name, tiers=tuple(sorted(served)), hours=hours, headcount=headcount,
                region=region,
            )
        )  # fmt: skip
    return Roster(tuple(entries))


def against_teams(roster: Roster, teams: Sequence[Team]) -> str | None:
    """A sentence when the roster's hours differ from the Plan page's teams' (by more than 1%),
    None when they agree. Why: the Plan page counts the CSMs a plan assumes, the roster the
    people the data names; a proposal is made over the roster, so a leader reading "hire 3"
    next to a Plan page that fits needs to see both headcounts."""
    roster_hours = sum(entry.capacity_hours for entry in roster.entries)
    team_hours = sum(team.csms * team.hours_per_csm for team in teams)
    if abs(roster_hours - team_hours) <= 0.01 * max(team_hours, roster_hours):
        return None
    people = sum(entry.headcount for entry in roster.entries)
    csms = sum(team.csms for team in teams)
    rows = len(roster.entries)
    pooled = any(entry.headcount != 1 for entry in roster.entries)
    who = f"{rows:,} CSM{'' if rows == 1 else 's'}" + (" and pools" if pooled else "")
    return (
        f"The roster has {who}, {quantity(people)} "
        f"{'person' if people == 1 else 'people'} with {hours_text(roster_hours)} a year; the "
        f"Plan page's teams count {quantity(csms)} CSM{'' if csms == 1 else 's'} with "
        f"{hours_text(team_hours)}. Proposals are made over the roster: edit it below to plan "
        "with another headcount."
    )
