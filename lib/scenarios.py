"""A scenario: what was decided, how it is saved, shared and compared.

A scenario is the cut-offs, what they apply to (revenue or a weighted score), the plan (service
matrix and teams), the slice it was looked at through, and a fingerprint of the data it was made
on. It has three outside forms:

- a plain JSON-able dict (`Scenario.to_dict` / `Scenario.from_dict`), what a store keeps;
- a link's query string (`to_query` / `from_query`), short and readable where it can be:

      cuts=55000,20000                 cut-offs, top first, numbers without float noise
      by=score                         omitted when tiering by revenue
      w=annual_revenue:50,nps:10       score weights (only with by=score; none given: defaults)
      slice=region:EMEA|APAC;segment:SMB   "%", ":", "|" and ";" inside a label are %-escaped
      plan=eNpVkM1u...                 the plan: compact JSON, zlib, URL-safe base64, no padding
      data=3f2a9c0d1e4b                the dataset fingerprint

- a named, versioned row in a `ScenarioStore` (embedded SQLite here; PostgreSQL for a team service
  in lib/pgstore.py implements the same Protocol and passes the same tests).

Every form is validated on the way in: a bad dict, link or database raises InputError with one
sentence saying what is wrong.
"""

from __future__ import annotations

import base64
import builtins
import functools
import hashlib
import json
import math
import numbers
import os
import sqlite3
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote, unquote

from lib import config
from lib.capacity import DEFAULT_SERVICES, MAX_SERVICES, Plan, Service, ServiceMatrix, Team
from lib.config import Settings
from lib.criteria import COMPONENTS, DEFAULT_WEIGHTS, MAX_WEIGHT, REVENUE_ONLY, Criteria
from lib.errors import InputError
from lib.slices import DIMENSIONS, EVERYTHING, Slice
from lib.tiering import MAX_TIERS, MIN_TIERS, normalize_cuts

FORMAT = 1  # the shape of `Scenario.to_dict`; from_dict reads this one and refuses newer ones

# Bounds on cut-offs (issue 18 defect 3, issue 13 finding 7). Customer values may be negative
# (credits count, in whatever tier their value falls), but a cut-off is a line drawn for
# customers worth serving: from 0 to a trillion a year for revenue (above any one customer), and
# 0 to 100 for a score (its whole range; the app holds score cut-offs to it, a stored scenario
# past it only leaves Tier 1 empty). The app's inputs carry the same bounds.
MAX_REVENUE_CUT = 1e12
MAX_SCORE_CUT = 100.0
MAX_LINK_CHARS = 20_000  # a share link's query string: a plan of MAX_SERVICES packs in ~10 KB
QUERY_KEYS = ("cuts", "by", "w", "slice", "plan", "data")  # the query-string keys a link owns

# ---------------------------------------------------------------------------------------------
# The scenario.


@dataclass(frozen=True)
class Scenario:
    """What was decided: cut-offs (top first), criteria, plan, slice, and the data it was made on.

    Built in canonical form, so equal decisions compare equal: cut-offs sorted from the top
    down, a revenue criteria without weights, score weights and slice values sorted.
    """

    cuts: tuple[float, ...]
    criteria: Criteria = REVENUE_ONLY
    plan: Plan | None = None  # service matrix and teams; None: the plan is not part of it
    slice: Slice = EVERYTHING
    dataset: str = ""  # dataset_fingerprint() of the data it was made on ("" if unknown)
    currency: str = ""  # the currency of that data ("$", "€"; "" if unknown)

    def __post_init__(self) -> None:
        _check_types(self.criteria, self.plan, self.slice, self.dataset)
        if not isinstance(self.currency, str):
            raise TypeError(f"currency must be a str, not {type(self.currency).__name__}")
        object.__setattr__(self, "cuts", _checked_cuts(self.cuts, "The scenario"))
        object.__setattr__(self, "criteria", _checked_criteria(self.criteria, "The scenario"))
        object.__setattr__(self, "slice", _checked_slice(self.slice, "The scenario"))
        _check_plan_fits(self.plan, len(self.cuts) + 1, "The scenario")

    @property
    def tier_count(self) -> int:
        return len(self.cuts) + 1

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-able dict; the plan as its TOML plan file (readable, editable)."""
        return {
            "format": FORMAT,
            "cuts": list(self.cuts),
            "criteria": {"by": self.criteria.by, "weights": dict(self.criteria.weights)},
            "slice": {dim: list(values) for dim, values in self.slice.filters},
            "plan": None if self.plan is None else self.plan.to_toml(),
            "dataset": self.dataset,
            **({"currency": self.currency} if self.currency else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """The scenario `to_dict` gave; InputError with one sentence for anything wrong."""
        return _scenario_from_dict(data)


def _check_types(criteria: object, plan: object, chosen: object, dataset: object) -> None:
    # Wrong types here are a bug in the caller, not input a person can fix.
    if not isinstance(criteria, Criteria):
        raise TypeError(f"criteria must be a Criteria, not {type(criteria).__name__}")
    if plan is not None and not isinstance(plan, Plan):
        raise TypeError(f"plan must be a Plan or None, not {type(plan).__name__}")
    if not isinstance(chosen, Slice):
        raise TypeError(f"slice must be a Slice, not {type(chosen).__name__}")
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be a str, not {type(dataset).__name__}")


def _is_number(value: object) -> bool:
    # bool is an int in Python, but `true` as a cut-off is a mistake, not 1.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _checked_cuts(values: Sequence[object], source: str) -> tuple[float, ...]:
    values = tuple(values)
    if not values:
        raise InputError(f"{source} has no cut-offs.")
    for value in values:
        if not _is_number(value):
            raise InputError(f"{source}'s cut-offs are not numbers: {_quoted(value)}.")
    floats = [float(value) for value in values]  # type: ignore[arg-type]
    low, high = MIN_TIERS - 1, MAX_TIERS - 1
    if not low <= len(floats) <= high:
        raise InputError(
            f"{source} has {len(floats)} cut-offs; give {low} to {high} "
            f"({MIN_TIERS} to {MAX_TIERS} tiers)."
        )
    for value in floats:
        if not math.isfinite(value):
            raise InputError(f"{source}'s cut-offs must be finite numbers; got {value}.")
        # Revenue cut-offs start at the smallest positive revenue and scores run 0-100: a
        # negative cut-off is a typo or a damaged link.
        if value < 0:
            raise InputError(f"{source}'s cut-offs cannot be negative; got {_number_text(value)}.")
        if value > MAX_REVENUE_CUT:
            raise InputError(
                f"{source}'s cut-offs are at most {MAX_REVENUE_CUT:,.0f} "
                f"(a trillion); got {_number_text(value)}."
            )
    return normalize_cuts(floats)


def cut_bounds(is_score: bool) -> tuple[float, float]:
    """The lowest and highest cut-off a person may set: revenue or score."""
    return (0.0, MAX_SCORE_CUT if is_score else MAX_REVENUE_CUT)


def bounded_cuts(cuts: Sequence[float], is_score: bool) -> tuple[float, ...]:
    """`cuts` held within `cut_bounds` (a suggestion on data beyond them: all credits, or a
    customer above a trillion), order kept."""
    low, high = cut_bounds(is_score)
    return tuple(min(max(float(cut), low), high) for cut in cuts)


def _checked_criteria(criteria: Criteria, source: str) -> Criteria:
    by = criteria.by
    if by == "revenue":
        return REVENUE_ONLY  # revenue has no weights: two revenue scenarios compare equal
    if by != "score":
        raise InputError(f"{source} tiers by {_quoted(by)}; tierboard tiers by revenue or score.")
    weights: dict[str, float] = {}
    for component, weight in criteria.weights:
        if component not in COMPONENTS:
            raise InputError(
                f"{source}'s weights name {_quoted(component)}, which is not a score component "
                f"({', '.join(COMPONENTS)})."
            )
        if component in weights:
            raise InputError(f"{source}'s weights give {component} twice.")
        if not _is_number(weight):
            raise InputError(
                f"{source}'s weight for {component} is not a number: {_quoted(weight)}."
            )
        value = float(weight)
        if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
            raise InputError(
                f"{source}'s weight for {component} must be from 0 to {MAX_WEIGHT:g}; "
                f"got {_number_text(value) if math.isfinite(value) else value}."
            )
        weights[component] = value
    return Criteria.score(weights)


def _checked_slice(chosen: Slice, source: str) -> Slice:
    kept: dict[str, set[str]] = {}
    for dim, values in chosen.filters:
        if dim not in DIMENSIONS:
            raise InputError(
                f"{source}'s slice names {_quoted(dim)}, which is not a dimension; slices go by "
                f"{', '.join(DIMENSIONS)}."
            )
        if dim in kept:
            raise InputError(f"{source}'s slice names {dim} twice.")
        for label in values:
            if not isinstance(label, str):
                raise InputError(f"{source}'s slice values must be text; got {_quoted(label)}.")
            if not label:
                raise InputError(f"{source}'s slice has an empty {DIMENSIONS[dim]} value.")
        kept[dim] = set(values)
    return Slice.of({dim: sorted(values) for dim, values in kept.items()})


def _check_plan_fits(plan: Plan | None, tier_count: int, source: str) -> None:
    if plan is not None and plan.tier_count != tier_count:
        raise InputError(
            f"{source}'s plan has {plan.tier_count} tiers but its cut-offs make {tier_count}."
        )


def _build(
    cuts: Sequence[object],
    *,
    criteria: Criteria,
    plan: Plan | None,
    chosen: Slice,
    dataset: str,
    source: str,
) -> Scenario:
    """A Scenario from parsed parts, with messages that name where they came from (`source`)."""
    valid_cuts = _checked_cuts(cuts, source)
    valid_criteria = _checked_criteria(criteria, source)
    valid_slice = _checked_slice(chosen, source)
    _check_plan_fits(plan, len(valid_cuts) + 1, source)
    return Scenario(valid_cuts, valid_criteria, plan, valid_slice, dataset)


# ---------------------------------------------------------------------------------------------
# The dict form.

_DICT_KEYS = ("format", "cuts", "criteria", "slice", "plan", "dataset", "currency")
_CURRENCY_LIMIT = 8  # "$", "€", "CHF ": a symbol or a short code


def _scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    source = "The scenario"
    if not isinstance(data, Mapping):
        raise InputError(f"{source} must be a JSON object of its parts; got {_quoted(data)}.")
    version = data.get("format", FORMAT)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(
            f"{source}'s format must be a whole number from 1; got {_quoted(version)}."
        )
    if version > FORMAT:
        raise InputError(
            f"{source} was saved by a newer tierboard (format {version}); update tierboard to "
            "open it."
        )
    for key in data:
        if key not in _DICT_KEYS:
            raise InputError(
                f"{source} has an unknown part {_quoted(key)}; it takes {', '.join(_DICT_KEYS)}."
            )
    if "cuts" not in data:
        raise InputError(f"{source} has no cut-offs.")
    cuts = data["cuts"]
    if not isinstance(cuts, list | tuple):
        raise InputError(f"{source}'s cut-offs must be a list of numbers; got {_quoted(cuts)}.")
    dataset = data.get("dataset", "")
    if dataset is None:
        dataset = ""
    if not isinstance(dataset, str):
        raise InputError(f"{source}'s dataset fingerprint must be text; got {_quoted(dataset)}.")
    currency = data.get("currency") or ""
    if not isinstance(currency, str) or len(currency) > _CURRENCY_LIMIT:
        raise InputError(f"{source}'s currency must be a short text; got {_quoted(currency)}.")
    valid_cuts = _checked_cuts(cuts, source)  # said first: the heart of the scenario
    built = _build(
        valid_cuts,
        criteria=_criteria_from_dict(data.get("criteria"), source),
        chosen=_slice_from_dict(data.get("slice"), source),
        plan=_plan_from_dict(data.get("plan"), source),
        dataset=dataset,
        source=source,
    )
    return replace(built, currency=currency) if currency else built


def _criteria_from_dict(raw: object, source: str) -> Criteria:
    if raw is None:
        return REVENUE_ONLY
    if not isinstance(raw, Mapping):
        raise InputError(
            f'{source}\'s criteria must be an object like {{"by": "score", "weights": {{...}}}}; '
            f"got {_quoted(raw)}."
        )
    for key in raw:
        if key not in ("by", "weights"):
            raise InputError(
                f"{source}'s criteria have an unknown part {_quoted(key)}; "
                "they take by and weights."
            )
    by = raw.get("by", "revenue")
    if not isinstance(by, str):
        raise InputError(f"{source} tiers by {_quoted(by)}; tierboard tiers by revenue or score.")
    weights = raw.get("weights")
    if weights is None:
        weights = DEFAULT_WEIGHTS if by == "score" else {}
    if not isinstance(weights, Mapping):
        raise InputError(
            f"{source}'s weights must be an object of component: weight; got {_quoted(weights)}."
        )
    # Unchecked on purpose: _checked_criteria says what is wrong with a component or a weight.
    return Criteria(by, tuple(weights.items()))


def _slice_from_dict(raw: object, source: str) -> Slice:
    if raw is None:
        return EVERYTHING
    if not isinstance(raw, Mapping):
        raise InputError(
            f'{source}\'s slice must be an object like {{"region": ["EMEA"]}}; got {_quoted(raw)}.'
        )
    filters = []
    for dim, values in raw.items():
        if not isinstance(values, list | tuple):
            raise InputError(
                f"{source}'s slice gives {_quoted(dim)} {_quoted(values)}; give a list of values."
            )
        filters.append((dim, tuple(values)))
    return Slice(tuple(filters))


def _plan_from_dict(raw: object, source: str) -> Plan | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError(f"{source}'s plan must be the text of a plan file; got {_quoted(raw)}.")
    try:
        return Plan.from_toml(raw)
    except InputError as error:
        raise InputError(f"{source}'s plan is not usable: {_lower_first(str(error))}") from None


# ---------------------------------------------------------------------------------------------
# Share links: the query-string form.

_ESCAPED = frozenset("%:|;")  # the slice's separators, and the escape character itself
_MAX_PLAN_BYTES = 200_000  # a link's plan unpacks to at most this (no zip bombs)


def to_query(scenario: Scenario) -> dict[str, str]:
    """The scenario as query-string parameters (format: this module's docstring)."""
    query = {"cuts": ",".join(_number_text(cut) for cut in scenario.cuts)}
    if scenario.criteria.is_score:
        query["by"] = "score"
        query["w"] = ",".join(f"{c}:{_number_text(w)}" for c, w in scenario.criteria.weights)
    if not scenario.slice.is_everything:
        query["slice"] = ";".join(
            f"{dim}:{'|'.join(_escape(label) for label in labels)}"
            for dim, labels in scenario.slice.filters
        )
    if scenario.plan is not None:
        query["plan"] = _pack_plan(scenario.plan)
    if scenario.dataset:
        query["data"] = scenario.dataset
    return query


def from_query(params: Mapping[str, str | list[str]]) -> Scenario:
    """The scenario a link's query parameters describe; missing keys take their defaults.

    A repeated key counts with its last value (as `st.query_params[key]` reads it); keys that
    are not the scenario's are ignored. Raises InputError naming what is wrong with a bad link.
    """
    source = "The link"
    size = sum(len(key) + len(_param(params, key) or "") for key in QUERY_KEYS)
    if size > MAX_LINK_CHARS:  # refused before anything is unpacked or parsed
        raise InputError(
            f"{source} is {size:,} characters long; a tierboard link is at most "
            f"{MAX_LINK_CHARS:,}. Copy the whole link again, or save the scenario instead."
        )
    cut_text = _param(params, "cuts")
    if cut_text is None or not cut_text.strip():
        raise InputError(f"{source} has no cut-offs.")
    cuts = []
    for part in cut_text.split(","):
        try:
            cuts.append(float(part.strip()))
        except ValueError:
            raise InputError(f"{source}'s cut-offs are not numbers: {_quoted(part)}.") from None
    valid_cuts = _checked_cuts(cuts, source)  # said first: the heart of the scenario
    by = (_param(params, "by") or "revenue").strip()
    criteria = Criteria(
        by, _weights_from_query(_param(params, "w"), source) if by == "score" else ()
    )
    chosen = _slice_from_query(_param(params, "slice") or "", source)
    plan_text = (_param(params, "plan") or "").strip()
    return _build(
        valid_cuts,
        criteria=criteria,
        chosen=chosen,
        plan=_unpack_plan(plan_text, source) if plan_text else None,
        dataset=_param(params, "data") or "",
        source=source,
    )


def _param(params: Mapping[str, str | list[str]], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def _weights_from_query(text: str | None, source: str) -> tuple[tuple[str, float], ...]:
    if text is None:
        return tuple(DEFAULT_WEIGHTS.items())
    pairs: list[tuple[str, float]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        component, colon, figure = item.partition(":")
        if not colon:
            raise InputError(
                f"{source}'s weights do not read as component:weight pairs: {_quoted(item)}."
            )
        try:
            pairs.append((component.strip(), float(figure)))
        except ValueError:
            raise InputError(
                f"{source}'s weight for {component.strip()} is not a number: {_quoted(figure)}."
            ) from None
    return tuple(pairs)


def _slice_from_query(text: str, source: str) -> Slice:
    filters = []
    for part in filter(None, text.split(";")):
        dim, colon, labels = part.partition(":")
        if not colon:
            raise InputError(
                f"{source}'s slice does not read as dimension:value|value: {_quoted(part)}."
            )
        filters.append((dim.strip(), tuple(unquote(label) for label in labels.split("|"))))
    return Slice(tuple(filters))


def _escape(label: str) -> str:
    # Only the separators (and "%") are escaped, so "São Paulo" stays readable in the value.
    return "".join(quote(char, safe="") if char in _ESCAPED else char for char in label)


def _pack_plan(plan: Plan) -> str:
    """The plan compacted: a service of the default catalogue is named, not described."""
    catalogue = {service.name: service.description for service in DEFAULT_SERVICES}
    document = {
        "v": 1,
        "s": [
            service.name
            if catalogue.get(service.name, "") == service.description
            else [service.name, service.description]
            for service in plan.matrix.services
        ],
        "h": [[_json_number(value) for value in row] for row in plan.matrix.hours],
        "t": [
            [
                _json_number(team.csms),
                _json_number(team.hours_per_csm),
                _json_number(team.cost_per_hour),
            ]
            for team in plan.teams
        ],
    }
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    packed = base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9))
    return packed.rstrip(b"=").decode("ascii")


def _unpack_plan(text: str, source: str) -> Plan:
    damaged = InputError(
        f"{source}'s plan is damaged (cut short or changed by hand); copy the whole link again."
    )
    try:
        packed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(packed, _MAX_PLAN_BYTES)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise damaged
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, zlib.error, RecursionError):  # binascii and JSON errors are ValueErrors
        raise damaged from None
    return _plan_from_compact(document, source)


def _plan_from_compact(document: object, source: str) -> Plan:
    unreadable = InputError(f"{source}'s plan is not in a form this tierboard reads.")
    if not isinstance(document, dict) or set(document) != {"v", "s", "h", "t"}:
        raise unreadable
    version = document["v"]
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        raise InputError(
            f"{source}'s plan was made by a newer tierboard; update tierboard to open it."
        )
    if version != 1:
        raise unreadable
    names, hours, teams = document["s"], document["h"], document["t"]
    if not (isinstance(names, list) and isinstance(hours, list) and isinstance(teams, list)):
        raise unreadable
    if len(names) > MAX_SERVICES:
        raise InputError(
            f"{source}'s plan has {len(names):,} services; a plan takes at most {MAX_SERVICES}."
        )
    if len(names) != len(hours) or not all(_is_number_list(row) for row in [*hours, *teams]):
        raise unreadable
    if not all(isinstance(team, list) and len(team) == 3 for team in teams):
        raise unreadable
    catalogue = {service.name: service.description for service in DEFAULT_SERVICES}
    services = []
    for name in names:
        if isinstance(name, str):
            services.append(Service(name, catalogue.get(name, "")))
        elif isinstance(name, list) and len(name) == 2 and all(isinstance(t, str) for t in name):
            services.append(Service(name[0], name[1]))
        else:
            raise unreadable
    try:
        matrix = ServiceMatrix(services=tuple(services), hours=tuple(tuple(row) for row in hours))
        return Plan(matrix=matrix, teams=tuple(Team(*team) for team in teams))
    except InputError as error:
        raise InputError(f"{source}'s plan is not usable: {_lower_first(str(error))}") from None


def _is_number_list(value: object) -> bool:
    return isinstance(value, list) and all(_is_number(item) for item in value)


# ---------------------------------------------------------------------------------------------
# The dataset fingerprint.


def dataset_fingerprint(source: str, customers: int, total_revenue: float) -> str:
    """A short stable hash of what identifies a dataset: 12 hex characters.

    The revenue counts to the cent, so summing the same rows in another order (float noise)
    gives the same fingerprint.
    """
    cents = f"{float(total_revenue):.2f}"
    if cents == "-0.00":
        cents = "0.00"
    canonical = json.dumps([source, int(customers), cents], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def comparability(scenario: Scenario, dataset: str, currency: str) -> tuple[bool, str]:
    """Whether a scenario's figures can be shown on the data in use, and what to say about it.

    A scenario records the data it was made on: on other data its cut-offs give other figures
    than the ones decided (said); in another currency its cut-offs mean nothing here (refused).
    """
    if scenario.currency and scenario.currency.strip() != currency.strip():
        return False, (
            f"Made on data in {scenario.currency.strip()}: its cut-offs are not in "
            f"{currency.strip()}, so it is not compared with this data."
        )
    if scenario.dataset and scenario.dataset != dataset:
        return True, (
            "Made on other data: these are its cut-offs applied to this data, not the figures "
            "it was decided on."
        )
    return True, ""


# ---------------------------------------------------------------------------------------------
# Saved scenarios: the store contract and its embedded implementation.

NAME_LIMIT = 80
AUTHOR_LIMIT = 120  # characters of "who saved it" kept and shown (a name or an email)
STORE_FILE = "scenarios.sqlite3"
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


def listed(
    rows: Iterable[tuple[Any, ...]], read: Callable[[tuple[Any, ...]], SavedScenario]
) -> ScenarioList:
    """Every row read with `read`; a row that cannot be read goes to `unreadable` with its
    reason (every store's `list` does this)."""
    readable, unreadable = [], []
    for row in rows:
        try:
            readable.append(read(row))
        except InputError as error:
            unreadable.append(Unreadable(clean_text(str(row[0]), NAME_LIMIT), str(error)))
    return ScenarioList(readable, unreadable)


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


def scenario_from_json(name: str, text: str) -> Scenario:
    """The scenario stored as JSON text under `name`; InputError naming it when damaged."""
    try:
        return Scenario.from_dict(json.loads(text))
    except ValueError:
        raise InputError(f'The saved scenario "{name}" cannot be read: it is not JSON.') from None
    except InputError as error:
        raise InputError(
            f'The saved scenario "{name}" cannot be opened: {_lower_first(str(error))}'
        ) from None


# Schema steps, applied in order on open: a later version appends step 2 (ALTER TABLE ...), and
# a database at step 1 is brought up to date in one transaction.
_SCHEMA: dict[int, tuple[str, ...]] = {
    1: (
        """
        CREATE TABLE scenarios (
            name       TEXT    NOT NULL PRIMARY KEY,   -- trimmed, NFC, 1-80 characters
            scenario   TEXT    NOT NULL,               -- Scenario.to_dict() as JSON
            author     TEXT,                           -- who saved it last (NULL: unknown)
            saved_at   TEXT    NOT NULL,               -- ISO 8601 UTC with microseconds
            version    INTEGER NOT NULL CHECK (version >= 1),  -- +1 on every save
            save_order INTEGER NOT NULL                -- rises with every save: newest first
        )
        """,
        "CREATE INDEX scenarios_by_save_order ON scenarios (save_order)",
    ),
}
SCHEMA_VERSION = max(_SCHEMA)
_COLUMNS = "name, scenario, author, saved_at, version"


class SqliteScenarioStore:
    """The embedded store: one SQLite file (WAL), one connection per operation, so any number
    of threads and processes can share it; each write is one transaction holding the write lock.
    """

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self._timeout = timeout  # how long an operation waits for another's write lock
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"Cannot create the folder for saved scenarios, {self.path.parent}: "
                f"{error.strerror or error}."
            ) from None
        self._migrate()

    def list(self) -> ScenarioList:
        with self._connect() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM scenarios ORDER BY save_order DESC"
            ).fetchall()
        return listed(rows, _saved)

    def get(self, name: str) -> SavedScenario:
        name = checked_name(name)
        with self._connect() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM scenarios WHERE name = ?", [name]
            ).fetchone()
        if row is None:
            raise missing(name)
        return _saved(row)

    def save(
        self,
        name: str,
        scenario: Scenario,
        author: str | None = None,
        expected_version: int | None = None,
    ) -> SavedScenario:
        name = checked_name(name)
        author = checked_author(author)
        check_expected_version(expected_version)
        text = json.dumps(scenario.to_dict(), ensure_ascii=False)
        with self._transaction() as connection:
            # The write lock is held from here: the time and order below are this save's own.
            saved_at = datetime.now(UTC)
            stamp = saved_at.isoformat(timespec="microseconds")
            order = connection.execute(
                "SELECT COALESCE(MAX(save_order), 0) + 1 FROM scenarios"
            ).fetchone()[0]
            if expected_version is None:
                try:
                    connection.execute(
                        "INSERT INTO scenarios (name, scenario, author, saved_at, version, "
                        "save_order) VALUES (?, ?, ?, ?, 1, ?)",
                        [name, text, author, stamp, order],
                    )
                except sqlite3.IntegrityError:
                    raise self._name_taken(
                        connection, name, "or load it and save over it"
                    ) from None
                version = 1
            else:
                updated = connection.execute(
                    "UPDATE scenarios SET scenario = ?, author = ?, saved_at = ?, "
                    "version = version + 1, save_order = ? WHERE name = ? AND version = ?",
                    [text, author, stamp, order, name, expected_version],
                ).rowcount
                if updated != 1:
                    raise self._changed_since(connection, name, expected_version)
                version = expected_version + 1
        return SavedScenario(name, scenario, author, saved_at, version)

    def rename(self, old: str, new: str) -> None:
        old, new = checked_name(old), checked_name(new)
        with self._transaction() as connection:
            try:
                renamed = connection.execute(
                    "UPDATE scenarios SET name = ? WHERE name = ?", [new, old]
                ).rowcount
            except sqlite3.IntegrityError:
                raise self._name_taken(connection, new, "or delete that one first") from None
            if renamed != 1:
                raise missing(old)

    def delete(self, name: str) -> None:
        name = checked_name(name)
        with self._transaction() as connection:
            deleted = connection.execute("DELETE FROM scenarios WHERE name = ?", [name]).rowcount
            if deleted != 1:
                raise missing(name)

    # -- conflicts ----------------------------------------------------------------------------

    @staticmethod
    def _name_taken(connection: sqlite3.Connection, name: str, otherwise: str) -> ScenarioConflict:
        # The write lock is held: the row that clashed is still there.
        return name_taken(name, _last_save(connection, name), otherwise)

    @staticmethod
    def _changed_since(connection: sqlite3.Connection, name: str, loaded: int) -> ScenarioConflict:
        return changed_since(name, loaded, _last_save(connection, name))

    # -- the database -------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection in autocommit mode (transactions are explicit), closed after."""
        try:
            connection = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise self._unusable(error) from None
        try:
            yield connection
        except sqlite3.DatabaseError as error:
            # Locked past the timeout, read-only, disk full, not a database: things a person
            # (or an administrator) can fix. Other subclasses (integrity, programming) are bugs.
            if type(error) not in (sqlite3.OperationalError, sqlite3.DatabaseError):
                raise
            raise self._unusable(error) from None
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction: committed on success, else rolled back.

        BEGIN IMMEDIATE takes the write lock first, so a read-check-write inside it cannot
        interleave with another thread's or process's.
        """
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _unusable(self, error: sqlite3.Error) -> InputError:
        reason = str(error).rstrip(".")
        if "locked" in reason or "busy" in reason:
            return InputError(
                f"The scenario database {self.path} is busy (another save is under way); try again."
            )
        return InputError(f"The scenario database {self.path} cannot be used: {reason}.")

    def _migrate(self) -> None:
        """Create the schema, or bring an older one up to date (WAL mode set once, kept)."""
        with self._connect() as connection:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            if self._schema_version(connection) == SCHEMA_VERSION:
                return
        with self._transaction() as connection:
            current = self._schema_version(connection)  # again: another process may have done it
            for step in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _SCHEMA[step]:
                    connection.execute(statement)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            connection.execute("DELETE FROM schema_version")
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION])

    def _schema_version(self, connection: sqlite3.Connection) -> int:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "schema_version" not in tables:
            if tables:
                raise InputError(
                    f"The file {self.path} is a database of something else, not of saved "
                    "scenarios; choose another data folder."
                )
            return 0
        version = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if version > SCHEMA_VERSION:
            raise InputError(
                f"The scenario database {self.path} was made by a newer tierboard (schema "
                f"{version}; this one reads up to {SCHEMA_VERSION}); update tierboard."
            )
        return int(version)


def _last_save(connection: sqlite3.Connection, name: str) -> LastSave | None:
    """Who saved `name` last, when, and its version (None: no such scenario)."""
    row = connection.execute(
        "SELECT author, saved_at, version FROM scenarios WHERE name = ?", [name]
    ).fetchone()
    return None if row is None else (row[0], datetime.fromisoformat(row[1]), row[2])


def _saved(row: tuple[Any, ...]) -> SavedScenario:
    name, text, author, stamp, version = row
    if not isinstance(text, str):  # SQLite keeps what it was given: a BLOB, a number
        raise InputError(f'The saved scenario "{name}" cannot be read: it is not JSON text.')
    scenario = scenario_from_json(name, text)
    try:
        saved_at = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        raise InputError(
            f'The saved scenario "{name}" cannot be read: its save time is damaged.'
        ) from None
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    return SavedScenario(name, scenario, stored_author(author), saved_at, int(version))


def stored_author(author: object) -> str | None:
    """An author read back from a store, bounded and cleaned as a new save's would be (a row
    written before that rule, or by hand, shows no megabyte of name either)."""
    return checked_author(author) if isinstance(author, str) else None


def default_store_path(settings: Settings | None = None) -> Path:
    """Where the embedded store keeps scenarios: the configured data folder, else XDG's.

    That is `<data_dir>/scenarios.sqlite3` (TIERBOARD_DATA_DIR or `data_dir` in tierboard.toml),
    else `$XDG_DATA_HOME/tierboard/...`, else `~/.local/share/tierboard/scenarios.sqlite3`.
    """
    settings = config.load() if settings is None else settings
    if settings.data_dir is not None:
        return settings.data_dir / STORE_FILE
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "tierboard" / STORE_FILE


def open_store(settings: Settings | None = None) -> ScenarioStore:
    """The configured scenario store: PostgreSQL for a postgresql:// URL, else the SQLite file.

    Raises InputError when the configuration or the database cannot be used.
    """
    settings = config.load() if settings is None else settings
    if settings.scenario_store_is_postgres:
        return _postgres_store(settings.scenario_store)
    return SqliteScenarioStore(default_store_path(settings))


@functools.cache
def _postgres_store(url: str) -> ScenarioStore:
    # One store per URL and process: the schema is checked once, not on every page run (the
    # store itself holds no connection). A failure is not cached, so the next call retries.
    from lib.pgstore import PostgresScenarioStore  # noqa: PLC0415 -- psycopg only when used

    return PostgresScenarioStore(url)


# ---------------------------------------------------------------------------------------------
# Small text helpers.


def _number_text(value: float) -> str:
    """A number as people write it: 55000, not 55000.0; 0.1, not 0.1000000001; exact."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    # repr is the shortest text that reads back to the same float; "1e+20" loses its "+",
    # which a query string would read as a space.
    return repr(value).replace("e+", "e")


def _json_number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _quoted(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: 'abc' for text (shortened), JSON for anything else."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return f"'{text}'"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]
