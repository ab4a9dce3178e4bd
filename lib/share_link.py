"""A scenario's share link: its query-string form, short and readable where it can be.

    cuts=55000,20000                 cut-offs, top first, numbers without float noise
    by=score                         omitted when tiering by revenue
    w=annual_revenue:50,nps:10       score weights (only with by=score; none given: defaults)
    slice=region:EMEA|APAC;segment:SMB   "%", ":", "|" and ";" inside a label are %-escaped
    plan=eNpVkM1u...                 the plan: compact JSON, zlib, URL-safe base64, no padding
                                     (its "c": cadences, only when one differs from the default)
    data=3f2a9c0d1e4b                the dataset fingerprint

A link is checked as a stored scenario is (lib/scenario.py): a bad one raises InputError with
one sentence saying what is wrong, and a huge one is refused before anything is unpacked.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from urllib.parse import quote, unquote

from lib.capacity import Plan
from lib.criteria import DEFAULT_WEIGHTS, Criteria
from lib.errors import InputError
from lib.scenario import (
    Scenario,
    checked_cuts,
    is_number,
    lower_first,
    number_text,
    quoted,
    scenario_from_parts,
)
from lib.service_matrix import (
    DEFAULT_SERVICES,
    MAX_SERVICES,
    Service,
    ServiceMatrix,
    default_cadence,
)
from lib.slices import Slice
from lib.team import Team

MAX_LINK_CHARS = 20_000  # a share link's query string: a plan of MAX_SERVICES packs in ~10 KB
QUERY_KEYS = ("cuts", "by", "w", "slice", "plan", "data")  # the query-string keys a link owns

_ESCAPED = frozenset("%:|;")  # the slice's separators, and the escape character itself
# A packed plan's parts; "c" (cadences) and "m" (the months with less capacity) are optional.
_PLAN_PARTS = frozenset({"v", "s", "h", "t"})
_MAX_PLAN_BYTES = 200_000  # a link's plan unpacks to at most this (no zip bombs)


def to_query(scenario: Scenario) -> dict[str, str]:
    """The scenario as query-string parameters (format: the module's docstring)."""
    query = {"cuts": ",".join(number_text(cut) for cut in scenario.cuts)}
    if scenario.criteria.is_score:
        query["by"] = "score"
        query["w"] = ",".join(f"{c}:{number_text(w)}" for c, w in scenario.criteria.weights)
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
            raise InputError(f"{source}'s cut-offs are not numbers: {quoted(part)}.") from None
    valid_cuts = checked_cuts(cuts, source)  # said first: the heart of the scenario
    by = (_param(params, "by") or "revenue").strip()
    criteria = Criteria(
        by, _weights_from_query(_param(params, "w"), source) if by == "score" else ()
    )
    chosen = _slice_from_query(_param(params, "slice") or "", source)
    plan_text = (_param(params, "plan") or "").strip()
    return scenario_from_parts(
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
                f"{source}'s weights do not read as component:weight pairs: {quoted(item)}."
            )
        try:
            pairs.append((component.strip(), float(figure)))
        except ValueError:
            raise InputError(
                f"{source}'s weight for {component.strip()} is not a number: {quoted(figure)}."
            ) from None
    return tuple(pairs)


def _slice_from_query(text: str, source: str) -> Slice:
    filters = []
    for part in filter(None, text.split(";")):
        dim, colon, labels = part.partition(":")
        if not colon:
            raise InputError(
                f"{source}'s slice does not read as dimension:value|value: {quoted(part)}."
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
    cadences = [service.cadence for service in plan.matrix.services]
    if cadences != [default_cadence(service.name) for service in plan.matrix.services]:
        document["c"] = cadences  # left out otherwise: links made before cadences look the same
    if plan.months:
        document["m"] = plan.months
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


def _months_from_compact(months: object, unreadable: InputError) -> str:
    if not isinstance(months, str):
        raise unreadable
    return months


def _plan_from_compact(document: object, source: str) -> Plan:
    unreadable = InputError(f"{source}'s plan is not in a form this tierboard reads.")
    if not isinstance(document, dict) or not _PLAN_PARTS <= set(document) <= {
        *_PLAN_PARTS,
        "c",
        "m",
    }:
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
    cadences = _cadences_from_compact(document.get("c"), len(names), unreadable)
    months = _months_from_compact(document.get("m", ""), unreadable)
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
        services = [
            service.with_cadence(cadence) if cadence else service
            for service, cadence in zip(services, cadences, strict=True)
        ]
        matrix = ServiceMatrix(services=tuple(services), hours=tuple(tuple(row) for row in hours))
        return Plan(matrix, tuple(Team(*team) for team in teams), months)
    except InputError as error:
        raise InputError(f"{source}'s plan is not usable: {lower_first(str(error))}") from None


def _cadences_from_compact(raw: object, services: int, unreadable: InputError) -> list[str]:
    """A packed plan's cadences ("": the default; absent: every one's default)."""
    if raw is None:
        return [""] * services
    if not isinstance(raw, list) or len(raw) != services:
        raise unreadable
    if not all(isinstance(cadence, str) for cadence in raw):
        raise unreadable
    return raw


def _is_number_list(value: object) -> bool:
    return isinstance(value, list) and all(is_number(item) for item in value)


def _json_number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
