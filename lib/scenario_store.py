"""The scenario store's contract: what a saved scenario is, and the rules every store keeps.

A saved scenario is a named, versioned row: who saved it last, when, and how many saves it has
had. `ScenarioStore` is the contract (no save silently overwrites another); names, authors and
conflicts are checked and said here, the same for every store. The stores:

- lib/scenario_store_sql.py: the operations, written once in SQL for both stores;
- lib/scenario_store_sqlite.py: the embedded SQLite file (the default), and `open_store`, the
  store the configuration names;
- lib/scenario_store_pg.py: PostgreSQL, the team's shared store.

Both pass the same tests (tests/unit/test_scenarios.py, BACKENDS).
"""

from __future__ import annotations

import builtins
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol, runtime_checkable

from lib.adoption import Adoption, AdoptionInfo, TierList
from lib.errors import InputError
from lib.scenario import Scenario

NAME_LIMIT = 80
AUTHOR_LIMIT = 120  # characters of "who saved it" kept and shown (a name or an email)
# Characters no name may hold: controls (NUL breaks PostgreSQL's text, line breaks break every
# list), and lone surrogates (no database can store them as UTF-8).
_UNSTORABLE = frozenset({"Cc", "Cs"})


@dataclass(frozen=True)
class SavedScenario:
    """A scenario under a name: who saved it last, when (UTC), and how many saves it has had."""

    name: str
    scenario: Scenario
    author: str | None
    saved_at: datetime  # UTC
    version: int  # 1 on the first save, +1 on every save of that name


@dataclass(frozen=True)
class Unreadable:
    """A saved scenario that cannot be read back (damaged, or from a tierboard that wrote it
    differently): its name, and why, in one sentence."""

    name: str
    reason: str


class ScenarioList(builtins.list[SavedScenario]):
    """Saved scenarios that could be read, newest first; `unreadable` names the others, so that
    one damaged row hides nothing but itself."""

    def __init__(
        self, readable: Iterable[SavedScenario] = (), unreadable: Iterable[Unreadable] = ()
    ) -> None:
        super().__init__(readable)
        self.unreadable: tuple[Unreadable, ...] = tuple(unreadable)


class ScenarioConflict(InputError):  # noqa: N818 -- an InputError, named for what happened
    """Someone else saved first: the name is taken, or the scenario changed since it was loaded."""


@runtime_checkable
class ScenarioStore(Protocol):
    """Named scenarios shared by everyone using one store; no save silently overwrites another.

    Names are trimmed and NFC-normalised, 1 to 80 characters (InputError otherwise).
    """

    def list(self) -> ScenarioList:
        """Every saved scenario that can be read, the most recently saved first; those that
        cannot are named in the list's `unreadable`."""
        ...

    def get(self, name: str) -> SavedScenario:
        """The scenario saved under `name`; InputError if there is none."""
        ...

    def save(
        self,
        name: str,
        scenario: Scenario,
        author: str | None = None,
        expected_version: int | None = None,
    ) -> SavedScenario:
        """Save under `name` and return what was stored.

        `expected_version=None` creates the name: ScenarioConflict if it exists. With
        `expected_version=v`, overwrite only if the stored version is still `v` (else
        ScenarioConflict, naming who saved it when); the saved version is then v + 1.
        """
        ...

    def rename(self, old: str, new: str) -> None:
        """Rename, keeping version and save time; InputError if `old` is missing,
        ScenarioConflict if `new` is taken."""
        ...

    def delete(self, name: str) -> None:
        """Delete; InputError if there is no such scenario."""
        ...

    # -- the tier of record (lib/adoption.py) ---------------------------------------------------

    def adopt(
        self,
        name: str,
        tier_list: TierList,
        adopted_by: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> Adoption:
        """Record `tier_list` as the tier of record, dated now (UTC), adopted by `adopted_by`,
        with the scenario saved under `name` as it is now. A new adoption every time: none is
        ever overwritten (renaming or deleting the scenario later changes no adoption).
        InputError if there is no such scenario or the list cannot be recorded; with
        `expected_version` (the version the tier list was made from), ScenarioConflict if the
        scenario was saved again since."""
        ...

    def adoptions(self) -> builtins.list[AdoptionInfo]:
        """Every adoption, the latest first, without the rows."""
        ...

    def adopted(self, on: date | None = None) -> Adoption | None:
        """The tier of record on the day `on` (UTC; None: today and after, i.e. the latest): the
        latest adoption made on or before that day; None before the first."""
        ...

    def adoption(self, adoption_id: int) -> Adoption:
        """One adoption with its rows; InputError if there is none with that id."""
        ...


def checked_name(name: str) -> str:
    """A scenario name as stored: trimmed and NFC-normalised; InputError for a bad name."""
    if not isinstance(name, str):
        raise InputError("A scenario name must be text.")
    cleaned = unicodedata.normalize("NFC", name.strip())
    if not cleaned:
        raise InputError("Give the scenario a name.")
    if len(cleaned) > NAME_LIMIT:
        raise InputError(
            f"A scenario name can be at most {NAME_LIMIT} characters; this one has {len(cleaned)}."
        )
    if any(unicodedata.category(char) in _UNSTORABLE for char in cleaned):
        raise InputError("A scenario name cannot contain line breaks, tabs or control characters.")
    return cleaned


def clean_text(text: str, limit: int) -> str:
    """Text fit to store and show on one line: NFC, controls and lone surrogates dropped,
    runs of white space as one space, trimmed, at most `limit` characters (cut with "…")."""
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _UNSTORABLE
    )
    cleaned = " ".join(unicodedata.normalize("NFC", kept).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def version_to_replace(store: ScenarioStore, name: str, opened: tuple[str, int] | None) -> int:
    """The version a save with "Replace" may overwrite: the one this session opened, when it
    opened this name (so a save by someone else since then is a conflict, not overwritten);
    otherwise the latest one. InputError when nothing is saved under `name`."""
    name = checked_name(name)
    latest = store.get(name).version
    if opened is not None and checked_name(opened[0]) == name:
        return opened[1]
    return latest


def checked_author(author: str | None) -> str | None:
    """The author as stored and shown: cleaned (clean_text) and cut to AUTHOR_LIMIT characters,
    None when empty or unknown.

    Cleaned, not refused: the author comes from the sign-in provider's claims or a "your name"
    box, and a save must not fail over it; a megabyte of name is not shown to everyone.
    """
    if author is None:
        return None
    if not isinstance(author, str):
        raise TypeError(f"author must be a str or None, not {type(author).__name__}")
    return clean_text(author, AUTHOR_LIMIT) or None


def saved_by(author: str | None, saved_at: datetime) -> str:
    """ "saved by ana@example.com on 3 May 2026 at 14:03 UTC" (without the author if unknown)."""
    when = saved_at.astimezone(UTC)
    stamp = f"{when.day} {when:%b %Y} at {when:%H:%M} UTC"
    return f"saved by {author} on {stamp}" if author else f"saved on {stamp}"


def missing(name: str) -> InputError:
    """The error for a name that has no saved scenario."""
    return InputError(f'There is no saved scenario named "{name}".')


def check_expected_version(expected_version: int | None) -> None:
    """A bug in the caller, not input: `expected_version` is None or a version number."""
    if expected_version is not None and (
        not isinstance(expected_version, int)
        or isinstance(expected_version, bool)
        or expected_version < 1
    ):
        raise ValueError(f"expected_version must be None or an int >= 1, not {expected_version!r}")


LastSave = tuple[str | None, datetime, int]  # who saved a name last, when (UTC), its version


def name_taken(name: str, last: LastSave | None, otherwise: str) -> ScenarioConflict:
    """The conflict for saving or renaming onto a name someone has (every store says it so)."""
    # `last` is None only if the clashing row was deleted in the instant after the clash.
    by = f" ({saved_by(last[0], last[1])})" if last is not None else ""
    return ScenarioConflict(
        f'A scenario named "{name}" already exists{by}; choose another name, {otherwise}.'
    )


def changed_since(name: str, loaded: int, last: LastSave | None) -> ScenarioConflict:
    """The conflict for saving over a version that is no longer the stored one."""
    if last is None:
        return ScenarioConflict(
            f'The scenario "{name}" was renamed or deleted since you loaded it; '
            "save yours under a new name."
        )
    author, stamp, version = last
    return ScenarioConflict(
        f'The scenario "{name}" changed since you loaded version {loaded}: it was '
        f"{saved_by(author, stamp)} (version {version}); load it again, or save yours under "
        "another name."
    )
