"""A scenario: what was decided, checked on the way in, as a dict, and against the data in use.

A scenario is the cut-offs, what they apply to (revenue or a weighted score), the plan (service
matrix and teams), the slice it was looked at through, a fingerprint of the data it was made on,
and the Books page's roster when someone edited it. Its plain JSON-able dict
(`Scenario.to_dict` / `Scenario.from_dict`) is what a scenario store keeps; its link form is
lib/share_link.py; saved scenarios are lib/scenario_store.py.

Every form is validated on the way in: a bad dict, link or database raises InputError with one
sentence saying what is wrong.

Why one module (past 400 lines): each part's check is a few lines, and every check words its
sentence for where the scenario came from (`source`: a saved scenario, a link, a file); split by
part, each file would import that wording back.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from lib.capacity import Plan
from lib.criteria import COMPONENTS, DEFAULT_WEIGHTS, MAX_WEIGHT, REVENUE_ONLY, Criteria
from lib.errors import InputError
from lib.roster import Roster, every_tier_name, read_roster_csv, roster_csv, tier_names_for
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
    roster: Roster | None = None  # the Books page's roster, as edited; None: the data's own

    def __post_init__(self) -> None:
        _check_types(self.criteria, self.plan, self.slice, self.dataset)
        if self.roster is not None and not isinstance(self.roster, Roster):
            raise TypeError(f"roster must be a Roster or None, not {type(self.roster).__name__}")
        if not isinstance(self.currency, str):
            raise TypeError(f"currency must be a str, not {type(self.currency).__name__}")
        object.__setattr__(self, "cuts", checked_cuts(self.cuts, "The scenario"))
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
            # The roster as its CSV file (readable, editable, what `tierboard assign` reads).
            **({"roster": _roster_text(self.roster, self.tier_count)} if self.roster else {}),
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


def is_number(value: object) -> bool:
    # bool is an int in Python, but `true` as a cut-off is a mistake, not 1.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def checked_cuts(values: Sequence[object], source: str) -> tuple[float, ...]:
    values = tuple(values)
    if not values:
        raise InputError(f"{source} has no cut-offs.")
    for value in values:
        if not is_number(value):
            raise InputError(f"{source}'s cut-offs are not numbers: {quoted(value)}.")
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
            raise InputError(f"{source}'s cut-offs cannot be negative; got {number_text(value)}.")
        if value > MAX_REVENUE_CUT:
            raise InputError(
                f"{source}'s cut-offs are at most {MAX_REVENUE_CUT:,.0f} "
                f"(a trillion); got {number_text(value)}."
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
        raise InputError(f"{source} tiers by {quoted(by)}; tierboard tiers by revenue or score.")
    weights: dict[str, float] = {}
    for component, weight in criteria.weights:
        if component not in COMPONENTS:
            raise InputError(
                f"{source}'s weights name {quoted(component)}, which is not a score component "
                f"({', '.join(COMPONENTS)})."
            )
        if component in weights:
            raise InputError(f"{source}'s weights give {component} twice.")
        if not is_number(weight):
            raise InputError(
                f"{source}'s weight for {component} is not a number: {quoted(weight)}."
            )
        value = float(weight)
        if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
            raise InputError(
                f"{source}'s weight for {component} must be from 0 to {MAX_WEIGHT:g}; "
                f"got {number_text(value) if math.isfinite(value) else value}."
            )
        weights[component] = value
    return Criteria.score(weights)


def _checked_slice(chosen: Slice, source: str) -> Slice:
    kept: dict[str, set[str]] = {}
    for dim, values in chosen.filters:
        if dim not in DIMENSIONS:
            raise InputError(
                f"{source}'s slice names {quoted(dim)}, which is not a dimension; slices go by "
                f"{', '.join(DIMENSIONS)}."
            )
        if dim in kept:
            raise InputError(f"{source}'s slice names {dim} twice.")
        for label in values:
            if not isinstance(label, str):
                raise InputError(f"{source}'s slice values must be text; got {quoted(label)}.")
            if not label:
                raise InputError(f"{source}'s slice has an empty {DIMENSIONS[dim]} value.")
        kept[dim] = set(values)
    return Slice.of({dim: sorted(values) for dim, values in kept.items()})


def _check_plan_fits(plan: Plan | None, tier_count: int, source: str) -> None:
    if plan is not None and plan.tier_count != tier_count:
        raise InputError(
            f"{source}'s plan has {plan.tier_count} tiers but its cut-offs make {tier_count}."
        )


def scenario_from_parts(
    cuts: Sequence[object],
    *,
    criteria: Criteria,
    plan: Plan | None,
    chosen: Slice,
    dataset: str,
    source: str,
) -> Scenario:
    """A Scenario from parsed parts, with messages that name where they came from (`source`)."""
    valid_cuts = checked_cuts(cuts, source)
    valid_criteria = _checked_criteria(criteria, source)
    valid_slice = _checked_slice(chosen, source)
    _check_plan_fits(plan, len(valid_cuts) + 1, source)
    return Scenario(valid_cuts, valid_criteria, plan, valid_slice, dataset)


# ---------------------------------------------------------------------------------------------
# The dict form.

_DICT_KEYS = ("format", "cuts", "criteria", "slice", "plan", "dataset", "currency", "roster")
_CURRENCY_LIMIT = 8  # "$", "€", "CHF ": a symbol or a short code


def _scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    source = "The scenario"
    if not isinstance(data, Mapping):
        raise InputError(f"{source} must be a JSON object of its parts; got {quoted(data)}.")
    version = data.get("format", FORMAT)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(f"{source}'s format must be a whole number from 1; got {quoted(version)}.")
    if version > FORMAT:
        raise InputError(
            f"{source} was saved by a newer tierboard (format {version}); update tierboard to "
            "open it."
        )
    for key in data:
        if key not in _DICT_KEYS:
            raise InputError(
                f"{source} has an unknown part {quoted(key)}; it takes {', '.join(_DICT_KEYS)}."
            )
    if "cuts" not in data:
        raise InputError(f"{source} has no cut-offs.")
    cuts = data["cuts"]
    if not isinstance(cuts, list | tuple):
        raise InputError(f"{source}'s cut-offs must be a list of numbers; got {quoted(cuts)}.")
    dataset = data.get("dataset", "")
    if dataset is None:
        dataset = ""
    if not isinstance(dataset, str):
        raise InputError(f"{source}'s dataset fingerprint must be text; got {quoted(dataset)}.")
    currency = data.get("currency") or ""
    if not isinstance(currency, str) or len(currency) > _CURRENCY_LIMIT:
        raise InputError(f"{source}'s currency must be a short text; got {quoted(currency)}.")
    valid_cuts = checked_cuts(cuts, source)  # said first: the heart of the scenario
    built = scenario_from_parts(
        valid_cuts,
        criteria=_criteria_from_dict(data.get("criteria"), source),
        chosen=_slice_from_dict(data.get("slice"), source),
        plan=_plan_from_dict(data.get("plan"), source),
        dataset=dataset,
        source=source,
    )
    roster = _roster_from_dict(data.get("roster"), source)
    return replace(built, currency=currency, roster=roster)


def _roster_text(roster: Roster, tier_count: int) -> str:
    return roster_csv(roster, tier_names_for(roster, tier_count)).decode("utf-8")


def _roster_from_dict(raw: object, source: str) -> Roster | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError(f"{source}'s roster must be the text of a roster CSV; got {quoted(raw)}.")
    try:
        return read_roster_csv(raw.encode("utf-8"), every_tier_name())
    except InputError as error:
        raise InputError(f"{source}'s roster: {error}") from error


def _criteria_from_dict(raw: object, source: str) -> Criteria:
    if raw is None:
        return REVENUE_ONLY
    if not isinstance(raw, Mapping):
        raise InputError(
            f'{source}\'s criteria must be an object like {{"by": "score", "weights": {{...}}}}; '
            f"got {quoted(raw)}."
        )
    for key in raw:
        if key not in ("by", "weights"):
            raise InputError(
                f"{source}'s criteria have an unknown part {quoted(key)}; they take by and weights."
            )
    by = raw.get("by", "revenue")
    if not isinstance(by, str):
        raise InputError(f"{source} tiers by {quoted(by)}; tierboard tiers by revenue or score.")
    weights = raw.get("weights")
    if weights is None:
        weights = DEFAULT_WEIGHTS if by == "score" else {}
    if not isinstance(weights, Mapping):
        raise InputError(
            f"{source}'s weights must be an object of component: weight; got {quoted(weights)}."
        )
    # Unchecked on purpose: _checked_criteria says what is wrong with a component or a weight.
    return Criteria(by, tuple(weights.items()))


def _slice_from_dict(raw: object, source: str) -> Slice:
    if raw is None:
        return EVERYTHING
    if not isinstance(raw, Mapping):
        raise InputError(
            f'{source}\'s slice must be an object like {{"region": ["EMEA"]}}; got {quoted(raw)}.'
        )
    filters = []
    for dim, values in raw.items():
        if not isinstance(values, list | tuple):
            raise InputError(
                f"{source}'s slice gives {quoted(dim)} {quoted(values)}; give a list of values."
            )
        filters.append((dim, tuple(values)))
    return Slice(tuple(filters))


def _plan_from_dict(raw: object, source: str) -> Plan | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError(f"{source}'s plan must be the text of a plan file; got {quoted(raw)}.")
    try:
        return Plan.from_toml(raw)
    except InputError as error:
        raise InputError(f"{source}'s plan is not usable: {lower_first(str(error))}") from None


# ---------------------------------------------------------------------------------------------
# The dataset fingerprint, and whether a scenario fits the data in use.


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
# Small text helpers.


def number_text(value: float) -> str:
    """A number as people write it: 55000, not 55000.0; 0.1, not 0.1000000001; exact."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    # repr is the shortest text that reads back to the same float; "1e+20" loses its "+",
    # which a query string would read as a space.
    return repr(value).replace("e+", "e")


def quoted(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: 'abc' for text (shortened), JSON for anything else."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return f"'{text}'"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]
