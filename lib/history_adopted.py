"""The tier of record over time: adopted tier lists (lib/adoption.py) as the periods of a history.

Each day with an adoption is one period: that day's last adoption (a plan adopted twice in a
morning is one decision, corrected). Its accounts are the ones the adoption recorded, with the
revenue they had then; their tiers are taken as recorded ("as adopted") or recomputed under the
cut-offs on screen. Tiers as adopted need every adoption to have as many tiers as the screen:
a list of four tiers has no place in a three-tier matrix, so then the page says so and shows
the recomputed tiers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lib.adoption import Adoption, AdoptionInfo, record_words
from lib.history import History, Snapshot
from lib.history_inputs import period_label

MAX_PERIODS = 40  # the latest days with an adoption a history reads (ten years of quarters)


def days_of_record(infos: Sequence[AdoptionInfo]) -> list[AdoptionInfo]:
    """Each day's last adoption, oldest day first, at most the latest MAX_PERIODS days."""
    latest: dict[date, AdoptionInfo] = {}
    for info in infos:
        day = info.adopted_on
        if day not in latest or info.adopted_at > latest[day].adopted_at:
            latest[day] = info
    kept = sorted(latest.values(), key=lambda info: info.adopted_at)
    return kept[-MAX_PERIODS:]


def given_way(infos: Sequence[AdoptionInfo]) -> tuple[str, ...]:
    """One sentence per adoption a later one of the same day replaces (days_of_record keeps
    each day's last): "it stays recorded" would otherwise read as if it had vanished."""
    last = {info.adopted_on: info for info in days_of_record(infos)}
    kept = {info.id for info in last.values()}
    return tuple(
        f"“{info.name}”, adopted {info.adopted_at:%H:%M} UTC on {info.adopted_on:%-d %b %Y}, "
        f"gives way to “{last[info.adopted_on].name}”, adopted later that day: a day of record "
        "keeps its last adoption (every adoption stays in the store)."
        for info in sorted(infos, key=lambda info: info.adopted_at)
        if info.id not in kept and info.adopted_on in last
    )


def _snapshot(adoption: Adoption, as_adopted: bool) -> Snapshot:
    day = adoption.adopted_on
    return Snapshot(
        label=period_label(day),
        ends=day,
        ids=adoption.ids,
        cents=adoption.cents,
        fixed_tiers=adoption.tiers if as_adopted else None,
        currency=adoption.info.scenario.currency or None,
        source=f"“{adoption.name}”",
    )


@dataclass(frozen=True, eq=False)
class AdoptedHistory:
    """The adopted tier lists as two histories: tiers as recorded, and revenue alone (tiered
    under the cut-offs on screen). Built once; a slider move picks one."""

    as_adopted: History
    recomputed: History
    tier_counts: tuple[int, ...]  # each period's tier count, oldest first
    notes: tuple[str, ...]  # one sentence per period: what was adopted, when, by whom

    def for_tiers(self, tier_count: int, as_adopted: bool) -> tuple[History, str | None]:
        """The history to show for `tier_count` tiers on screen, and why the recorded tiers are
        not used (None when they are, or were not asked for)."""
        if not as_adopted:
            return self.recomputed, None
        other = sorted({n for n in self.tier_counts if n != tier_count})
        if not other:
            return self.as_adopted, None
        counts = " or ".join(str(n) for n in other)
        return self.recomputed, (
            f"Some adoptions have {counts} tiers and the screen {tier_count}: their accounts are "
            "shown under the cut-offs on screen, from the revenue each had when adopted."
        )


def adopted_history(adoptions: Sequence[Adoption]) -> AdoptedHistory:
    """The history of `adoptions` (one per day, as days_of_record keeps them)."""
    ordered = sorted(adoptions, key=lambda adoption: adoption.adopted_at)
    notes = tuple(
        f"{period_label(a.adopted_on)}: {record_words(a.info)}, {a.tier_count} tiers, "
        f"{len(a.ids):,} accounts."
        for a in ordered
    )
    return AdoptedHistory(
        as_adopted=History.of([_snapshot(a, as_adopted=True) for a in ordered]),
        recomputed=History.of([_snapshot(a, as_adopted=False) for a in ordered]),
        tier_counts=tuple(a.tier_count for a in ordered),
        notes=notes,
    )
