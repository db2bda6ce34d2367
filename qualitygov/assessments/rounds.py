"""Assessment rounds: the scheme's leaves as a unit's sheet, and a round's units document scored by the engine.

Pure reads shared by the services, selectors and views; nothing here writes. The arithmetic is the
engine's (`engine.result.assess`): this module only builds the units document from the stored
entries and reads the result document back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from qualitygov.accounts.choices import OrgUnitKind

from .choices import SELF_METHODS, EntryKind, EntrySource, ReviewDecision, UnitGroup
from .engine.errors import AssessmentError
from .engine.io import parse_json
from .engine.result import assess


@dataclass(frozen=True)
class Leaf:
    code: str
    title: str
    max: Any
    method: str
    params: dict
    applies_to: tuple[str, ...] | None
    source: str
    section: str

    def applies(self, group: str) -> bool:
        return self.applies_to is None or group in self.applies_to


def leaves_of(data: dict[str, Any]) -> list[Leaf]:
    """The scheme's leaves in document order, each with who supplies its input (`input` key, else by method)."""
    out: list[Leaf] = []

    def walk(node: dict, section: str) -> None:
        if "items" in node:
            for child in node["items"]:
                walk(child, section)
            return
        source = node.get("input")
        if source not in EntrySource.values:
            source = EntrySource.SELF if node.get("method") in SELF_METHODS else EntrySource.AUTO
        applies = node.get("applies_to")
        out.append(Leaf(node["code"], node["title"], node["max"], node["method"], node.get("params") or {},
                        tuple(applies) if applies else None, source, section))

    for section in data.get("sections", []):
        walk(section, section["code"])
    return out


def scheme_data(scheme) -> dict[str, Any]:
    cache = scheme.__dict__.setdefault("_parsed", None)
    if cache is None:
        cache = scheme.__dict__["_parsed"] = parse_json(scheme.document)
    return cache


def group_for(unit, groups: list[str] | None) -> str:
    """The ranking group a unit falls in by its kind: departments, towns (镇、街道), management committees
    (ranked with the towns when the scheme has no group of their own)."""
    if unit.kind == OrgUnitKind.MANAGEMENT_COMMITTEE:
        group = UnitGroup.COMMITTEE
        if groups is not None and group not in groups:
            group = UnitGroup.TOWN
    elif unit.kind in (OrgUnitKind.TOWN, OrgUnitKind.SUBDISTRICT):
        group = UnitGroup.TOWN
    else:
        group = UnitGroup.DEPARTMENT
    return str(group)


def group_label(group: str) -> str:
    try:
        return str(UnitGroup(group).label)
    except ValueError:
        return group


class Incomplete(Exception):
    """Some applicable leaves have no input: `missing` is [(unit name, leaf code), …]."""

    def __init__(self, missing: list[tuple[str, str]]):
        super().__init__(missing)
        self.missing = missing


def unit_document(round_unit, entries, leaves: list[Leaf]) -> dict[str, Any]:
    """One unit of the units document from its entries; Incomplete when an applicable leaf lacks input."""
    by_key = {(e.kind, e.code): e for e in entries}
    inputs: dict[str, Any] = {}
    missing = []
    for leaf in leaves:
        if not leaf.applies(round_unit.group):
            continue
        entry = by_key.get((EntryKind.LEAF, leaf.code))
        value = entry.effective if entry is not None else None
        if value is None:
            if leaf.method != "event_deductions":
                missing.append((round_unit.unit.name, leaf.code))
            continue
        inputs[leaf.code] = value
    if missing:
        raise Incomplete(missing)
    bonus, vetoes = {}, {}
    for entry in entries:
        value = entry.effective
        if value is None or entry.decision == ReviewDecision.RETURN:
            continue
        if entry.kind == EntryKind.BONUS and value.get("count"):
            bonus[entry.code] = value["count"]
        elif entry.kind == EntryKind.VETO:
            vetoes[entry.code] = bool(value.get("applies"))
    return {"unit": round_unit.unit.name, "group": round_unit.group, "inputs": inputs, "bonus": bonus,
            "vetoes": vetoes}


def score(scheme, year: int, bulletin_date, units: list[tuple[Any, list]]) -> dict[str, Any]:
    """The engine's result document for `units` ([(round unit, its entries)]); Incomplete or ServiceError."""
    from qualitygov.core.errors import ServiceError

    data = scheme_data(scheme)
    leaves = leaves_of(data)
    missing: list[tuple[str, str]] = []
    docs = []
    for round_unit, entries in units:
        try:
            docs.append(unit_document(round_unit, entries, leaves))
        except Incomplete as exc:
            missing += exc.missing
    if missing:
        raise Incomplete(missing)
    document = {"scheme": data["id"], "year": str(year), "bulletin_date": bulletin_date.isoformat(), "units": docs}
    try:
        return assess(data, document)
    except AssessmentError as exc:
        raise ServiceError(exc.message) from None


def missing_message(missing: list[tuple[str, str]]) -> str:
    shown = "；".join(f"{unit} {code}" for unit, code in missing[:8])
    more = _("(and %(n)s more)") % {"n": len(missing) - 8} if len(missing) > 8 else ""
    return _("Some items have no input yet: %(items)s%(more)s.") % {"items": shown, "more": more}
