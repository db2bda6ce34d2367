"""Unit names as written in an imported plan, and what each becomes on confirmation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualitygov.accounts.choices import Action
from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.models import OrgUnit

from .corrections import Corrections, pair_key

#: Names such as 质量强区各成员单位: every member unit (department) of the leading group.
MEMBER_UNITS = re.compile(r"(?:各|全体)成员单位$")
TOWN_SUFFIX_KINDS = (("街道办事处", K.SUBDISTRICT), ("街道", K.SUBDISTRICT), ("管委会", K.MANAGEMENT_COMMITTEE),
                     ("管理委员会", K.MANAGEMENT_COMMITTEE), ("镇人民政府", K.TOWN), ("镇", K.TOWN))


def guess_unit_kind(name: str) -> str:
    """The kind a new unit called `name` most likely has: town kinds by suffix, else department."""
    for suffix, kind in TOWN_SUFFIX_KINDS:
        if name.endswith(suffix):
            return kind
    return K.DEPARTMENT


def member_units() -> list[OrgUnit]:
    """Every active department: the member units a 各成员单位 note stands for."""
    return list(OrgUnit.objects.active().filter(kind=K.DEPARTMENT).order_by("path"))


def unit_names(plan: dict) -> list[str]:
    """Every responsible unit name in the effective plan, in order of first appearance."""
    names: list[str] = []
    for task in plan["tasks"]:
        for name in task["lead_departments"] + task["co_departments"]:
            if name not in names:
                names.append(name)
    return names


def suggested_pairs(parsed: dict, names: list[str]) -> list[tuple[str, str]]:
    """The parser's alias suggestions among `names`, as sorted pairs."""
    pairs: list[tuple[str, str]] = []
    present = set(names)
    for entry in parsed.get("departments", []):
        for alias in entry.get("aliases", []):
            pair = tuple(sorted((entry["name"], alias)))
            if pair[0] in present and pair[1] in present and pair not in pairs:
                pairs.append(pair)
    return pairs


@dataclass
class UnitResolution:
    """What a unit name as written becomes on confirmation.

    outcome: "found" (an existing unit is known by the name), "mapped" (the office chose an
    existing unit), "merged" (treated as one unit with another name), "new" (a unit is created:
    `new_name`, of `kind`) or "members" (every member unit, `units`).
    """

    name: str
    outcome: str
    unit: OrgUnit | None = None
    kind: str = ""
    new_name: str = ""
    record_alias: bool = False
    units: list[OrgUnit] = field(default_factory=list)
    merged_with: str = ""

    @property
    def resolved(self) -> bool:
        return self.outcome in {"found", "mapped", "members"} or (self.outcome == "merged" and self.unit is not None)

    @property
    def key(self) -> str:
        """Identity of the resulting unit, also for a unit not created yet."""
        if self.unit is not None:
            return f"unit:{self.unit.pk}"
        return f"new:{self.new_name}"

    @property
    def kind_label(self) -> str:
        return str(K(self.kind).label) if self.kind in K.values else self.kind

    @property
    def label(self) -> str:
        if self.unit is not None:
            return self.unit.label
        if self.outcome == "members":
            return "全部成员单位"
        return self.new_name


def resolve_units(names: list[str], corrections: Corrections, pairs: list[tuple[str, str]]) -> dict[str, UnitResolution]:
    """Resolve every name: explicit mapping, then known names and aliases, then accepted merges."""
    mapping = corrections.get("units", {})
    merges = corrections.get("merges", {})
    explicit_ids = {m["unit"] for m in mapping.values() if m.get("unit")}
    explicit_units = OrgUnit.objects.in_bulk(list(explicit_ids))
    out: dict[str, UnitResolution] = {}
    for name in names:
        choice = mapping.get(name, {})
        if choice.get("unit") and choice["unit"] in explicit_units:
            unit = explicit_units[choice["unit"]]
            out[name] = UnitResolution(name, "mapped", unit=unit,
                                       record_alias=name not in {unit.name, unit.short_name})
        elif choice.get("members"):
            out[name] = UnitResolution(name, "members", units=member_units())
        elif choice.get("new"):
            out[name] = UnitResolution(name, "new", kind=choice["new"], new_name=name)
        elif (unit := OrgUnit.objects.named(name).order_by("path").first()) is not None:
            out[name] = UnitResolution(name, "found", unit=unit)
        elif MEMBER_UNITS.search(name):
            out[name] = UnitResolution(name, "members", units=member_units())
        else:
            out[name] = UnitResolution(name, "new", kind=guess_unit_kind(name), new_name=name)
    # Accepted alias pairs (accepted unless the office unticked them) join into groups.
    groups: dict[str, set[str]] = {name: {name} for name in names}
    for pair in pairs:
        if not merges.get(pair_key(pair), True):
            continue
        joined = groups[pair[0]] | groups[pair[1]]
        for member in joined:
            groups[member] = joined
    done: set[int] = set()
    for name in names:
        group = groups[name]
        if len(group) < 2 or id(group) in done:
            continue
        done.add(id(group))
        members = [n for n in names if n in group]
        anchor = next((out[n] for n in members if out[n].outcome == "mapped"), None) or next(
            (out[n] for n in members if out[n].outcome == "found"), None)
        if anchor is None:
            # None is known yet: one new unit under the longest (usually full) name.
            canonical = max(members, key=len)
            kind = out[canonical].kind or guess_unit_kind(canonical)
            for member in members:
                if member != canonical and out[member].outcome == "new" and member not in mapping:
                    out[member] = UnitResolution(member, "merged", kind=kind, new_name=canonical,
                                                 merged_with=canonical)
            continue
        for member in members:
            if out[member].outcome == "new" and member not in mapping:
                unit = anchor.unit
                out[member] = UnitResolution(member, "merged", unit=unit, merged_with=anchor.name,
                                             record_alias=member not in {unit.name, unit.short_name})
    return out


def new_unit_aliases(resolutions: dict[str, UnitResolution]) -> dict[str, list[str]]:
    """For each unit to be created: the other spellings merged into it."""
    out: dict[str, list[str]] = {}
    for res in resolutions.values():
        if res.outcome == "new":
            out.setdefault(res.new_name, [])
    for res in resolutions.values():
        if res.outcome == "merged" and res.unit is None:
            out.setdefault(res.new_name, []).append(res.name)
    return out


def import_task_units(task: dict, resolutions: dict[str, UnitResolution]) -> list[tuple[str, str, UnitResolution, OrgUnit | None]]:
    """(role, name as written, resolution, unit or None for a unit still to create) per resulting unit.

    A unit named twice on one task (two spellings of the same body) appears once; lead wins.
    """
    rows = []
    seen: set[str] = set()
    for role, names in (("lead", task["lead_departments"]), ("co", task["co_departments"])):
        for name in names:
            res = resolutions[name]
            targets = res.units if res.outcome == "members" else [res.unit]
            for unit in targets:
                key = f"unit:{unit.pk}" if unit is not None else res.key
                if key in seen:
                    continue
                seen.add(key)
                rows.append((role, name, res, unit))
    return rows


def unit_choices(*, user=None) -> list[OrgUnit]:
    """Active units (not the district itself) an unresolved name can be mapped to: those `user` manages.

    `user` None (the command line) offers every unit.
    """
    qs = OrgUnit.objects.active().exclude(kind__in=[K.DISTRICT])
    if user is not None:
        qs = qs.visible_to(user, Action.MANAGE)
    return list(qs.order_by("path"))
