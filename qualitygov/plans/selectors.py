"""Reads of plans and plan imports, always through the caller's scope."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KT

from qualitygov.accounts.choices import Action
from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.scoping import scope_for
from qualitygov.utilities.numbers import decimal_text

from .models import Plan, PlanImport, Responsibility, Task

# Imports
#
# A plan import is reviewed as an *effective plan*: the parser's output (`PlanImport.parsed`, see
# importer/plan.schema.json) with the office's corrections (`PlanImport.corrections`) applied.
# Corrections are a dict, every key optional:
#   title, issuer, doc_number: str; period: [start, end] or None
#   tasks: {task number: {title, lead: [names], co: [names], deadline: "YYYY-MM-DD" or None}}
#   units: {name as written: {"unit": OrgUnit pk} | {"new": kind} | {"members": True}}
#   merges: {"name A|name B": bool}  (a suggested alias pair treated as one unit, or not)
#   indicators: {parsed index: {name, comparator, value, unit, year, delete}}
# Preview, correction and confirmation all read the plan through `plan_import_review`, so what the
# office sees is exactly what confirming writes.

#: Names such as 质量强区各成员单位: every member unit (department) of the leading group.
MEMBER_UNITS = re.compile(r"(?:各|全体)成员单位$")
TOWN_SUFFIX_KINDS = (("街道办事处", K.SUBDISTRICT), ("街道", K.SUBDISTRICT), ("管委会", K.MANAGEMENT_COMMITTEE),
                     ("管理委员会", K.MANAGEMENT_COMMITTEE), ("镇人民政府", K.TOWN), ("镇", K.TOWN))
#: Kinds the office may give a unit created by an import.
NEW_UNIT_KINDS = (K.DEPARTMENT, K.SUBDISTRICT, K.TOWN, K.MANAGEMENT_COMMITTEE, K.OTHER)
HEADER_FIELDS = ("title", "issuer", "doc_number", "issued_on", "period")
MATCH_NUMBER_SIMILARITY = 0.5
MATCH_SIMILARITY = 0.6


def can_import_plans(user) -> bool:
    """True when `user` manages the whole district (its root unit and every unit under it).

    Confirming an import writes district-wide: units created under the district, names recorded
    as aliases of any unit, tasks given to any unit. An admin who manages only part of the tree
    would reach beyond it, so imports are for the district's office alone.
    """
    from qualitygov.accounts.selectors import grant_reach_within

    scope = scope_for(user, Action.MANAGE)
    if scope.everything:
        return True
    root = district_root()
    return root is not None and grant_reach_within(scope=scope, unit=root, include_descendants=True)


def _plan_imports_visible(user) -> QuerySet[PlanImport]:
    qs = PlanImport.objects.select_related("created_by", "plan", "revises").order_by("-created_at", "-pk")
    return qs if can_import_plans(user) else qs.none()


def plan_import_list_visible(*, user) -> QuerySet[PlanImport]:
    """Imports for the history list, newest first; only for users who manage the whole district.

    The parsed plan, corrections and outcome (tens of kilobytes each) are not loaded; the title as
    read comes as `title_as_read`.
    """
    return _plan_imports_visible(user).defer("parsed", "corrections", "outcome").annotate(
        title_as_read=KT("parsed__title")
    )


def plan_import_get_visible(*, user, pk: int) -> PlanImport:
    """The import if `user` may import plans; NotFoundError otherwise (missing and forbidden look alike)."""
    found = _plan_imports_visible(user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def guess_unit_kind(name: str) -> str:
    """The kind a new unit called `name` most likely has: town kinds by suffix, else department."""
    for suffix, kind in TOWN_SUFFIX_KINDS:
        if name.endswith(suffix):
            return kind
    return K.DEPARTMENT


def district_root() -> OrgUnit | None:
    """The root unit new units are created under (the district), or None before the tree exists."""
    return (OrgUnit.objects.filter(parent__isnull=True, kind=K.DISTRICT).order_by("pk").first()
            or OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first())


def member_units() -> list[OrgUnit]:
    """Every active department: the member units a 各成员单位 note stands for."""
    return list(OrgUnit.objects.active().filter(kind=K.DEPARTMENT).order_by("path"))


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _number_key(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


# --- the effective plan ---------------------------------------------------------------------------


def effective_plan(parsed: dict, corrections: dict) -> dict:
    """The parsed plan with `corrections` applied; tasks get unique numbers; a new dict.

    Each task carries `deadline` (from corrections, else None) and `key` (its number, which
    corrections use); each indicator carries `index` (its position in the parsed list).
    """
    plan = copy.deepcopy(parsed)
    plan.setdefault("warnings", [])
    for name in ("title", "issuer", "doc_number"):
        if name in corrections:
            plan[name] = corrections[name] or None
    if "period" in corrections:
        plan["period"] = corrections["period"] or None
    _unique_task_numbers(plan)
    task_fixes = corrections.get("tasks", {})
    for task in plan["tasks"]:
        task["key"] = task["number"]
        task.setdefault("deadline", None)
        fix = task_fixes.get(task["number"], {})
        if fix.get("title"):
            task["title"] = fix["title"]
        if "lead" in fix:
            task["lead_departments"] = list(fix["lead"])
        if "co" in fix:
            task["co_departments"] = list(fix["co"])
        if "deadline" in fix:
            task["deadline"] = fix["deadline"] or None
        # One unit is lead or co on a task, never both; lead wins.
        task["lead_departments"] = list(dict.fromkeys(n for n in task["lead_departments"] if n))
        task["co_departments"] = [n for n in dict.fromkeys(task["co_departments"]) if n and n not in
                                  task["lead_departments"]]
    numbers = {t["number"] for t in plan["tasks"]}
    indicator_fixes = corrections.get("indicators", {})
    indicators = []
    for index, indicator in enumerate(plan["indicators"]):
        fix = indicator_fixes.get(str(index), {})
        if fix.get("delete"):
            continue
        item = {**indicator, **{k: v for k, v in fix.items() if k != "delete"}, "index": index}
        if item.get("scope") == "task" and item.get("task") not in numbers:
            item["scope"], item["task"] = "goals", None
        indicators.append(item)
    plan["indicators"] = indicators
    return plan


def _unique_task_numbers(plan: dict) -> None:
    """Plans that restart numbering in every group get numbers qualified by the group: 2.1, 2.2…"""
    seen: dict[str, int] = {}
    for task in plan["tasks"]:
        seen[task["number"]] = seen.get(task["number"], 0) + 1
    if all(count == 1 for count in seen.values()):
        return
    groups: list[str] = []
    for task in plan["tasks"]:
        group = (task.get("group") or {}).get("number", "")
        if group not in groups:
            groups.append(group)
        task["number"] = f"{groups.index(group) + 1}.{task['number']}"
    plan["warnings"].append("任务编号在各任务组中重复，已改为“组序号.任务序号”")


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


def pair_key(pair: tuple[str, str]) -> str:
    return "|".join(sorted(pair))


# --- resolving unit names -------------------------------------------------------------------------


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


def resolve_units(names: list[str], corrections: dict, pairs: list[tuple[str, str]]) -> dict[str, UnitResolution]:
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


# --- revisions ------------------------------------------------------------------------------------


def plan_import_find_revised(plan: dict) -> Plan | None:
    """The existing plan `plan` revises: same document number, else same title."""
    if plan.get("doc_number"):
        found = Plan.objects.filter(doc_number=plan["doc_number"]).order_by("-pk").first()
        if found is not None:
            return found
    if plan.get("title"):
        return Plan.objects.filter(title=plan["title"]).order_by("-pk").first()
    return None


def has_attached_rows(obj, managed: tuple = ()) -> bool:
    """True when rows of any model other than `managed` point at `obj` (work items, reports, data…)."""
    for rel in obj._meta.related_objects:
        if rel.related_model in managed or rel.many_to_many:
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


def task_has_attached_work(task: Task) -> bool:
    """Anything besides the import's own responsibilities and indicators hangs on `task`."""
    from qualitygov.indicators.models import Indicator

    return has_attached_rows(task, (Responsibility, Indicator))


@dataclass
class _Change:
    """One stored row against its counterpart in the new version: "added", "removed", "changed" or "unchanged"."""

    old: Any
    new: dict | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if self.changes else "unchanged"


@dataclass
class TaskChange(_Change):
    """One task of the revision: `old` the stored task, `new` the effective task dict."""

    old: Task | None


@dataclass
class IndicatorChange(_Change):
    """One indicator of the revision: `old` the stored indicators.Indicator, `new` the effective indicator dict."""

    old: Any


@dataclass
class PlanDiff:
    plan: Plan
    header: dict[str, tuple[Any, Any]]
    tasks: list[TaskChange]
    indicators: list[IndicatorChange]

    def of(self, items, kind: str) -> list:
        return [item for item in items if item.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        out = {"header": len(self.header)}
        for prefix, items in (("tasks", self.tasks), ("indicators", self.indicators)):
            for kind in ("added", "removed", "changed", "unchanged"):
                out[f"{prefix}_{kind}"] = len(self.of(items, kind))
        return out

    @property
    def empty(self) -> bool:
        counts = self.counts
        return not any(v for k, v in counts.items() if not k.endswith("unchanged"))


def _match(olds: list, news: list, key_number, key_exact, score) -> list[tuple[Any, Any]]:
    """Pair old and new items: same number if similar enough, then exact key, then best similarity."""
    pairs: list[tuple[Any, Any]] = []
    free_old = list(olds)
    free_new = list(news)

    def take(o, n):
        pairs.append((o, n))
        free_old.remove(o)
        free_new.remove(n)

    if key_number is not None:
        for n in list(free_new):
            o = next((o for o in free_old if key_number(o, n)), None)
            if o is not None and score(o, n) >= MATCH_NUMBER_SIMILARITY:
                take(o, n)
    for n in list(free_new):
        same = [o for o in free_old if key_exact(o, n)]
        if len(same) == 1:
            take(same[0], n)
    candidates = sorted(((score(o, n), i, j) for i, o in enumerate(free_old) for j, n in enumerate(free_new)),
                        key=lambda c: -c[0])
    used_o: set[int] = set()
    used_n: set[int] = set()
    late = []
    for s, i, j in candidates:
        if s < MATCH_SIMILARITY:
            break
        if i in used_o or j in used_n:
            continue
        used_o.add(i)
        used_n.add(j)
        late.append((free_old[i], free_new[j]))
    for o, n in late:
        take(o, n)
    return pairs + [(o, None) for o in free_old] + [(None, n) for n in free_new]


def _task_score(old: Task, new: dict) -> float:
    """Texts decide: plan task titles are formulaic (全面提升产品质量 / 全面提升工程质量)."""
    if old.text and new["text"]:
        return similarity(old.text, new["text"])
    return similarity(old.title, new["title"])


def _units_label(rows) -> str:
    return "、".join(label for label in rows) or "—"


def _task_changes(old: Task, new: dict, resolutions: dict[str, UnitResolution], olds_units) -> dict:
    changes: dict[str, tuple[Any, Any]] = {}
    if old.number != new["number"]:
        changes["number"] = (old.number, new["number"])
    if old.title != new["title"]:
        changes["title"] = (old.title, new["title"])
    if old.text != new["text"]:
        changes["text"] = (old.text, new["text"])
    if old.all_towns != new["all_towns"]:
        changes["all_towns"] = (old.all_towns, new["all_towns"])
    old_group = f"（{old.group.number}）{old.group.title}" if old.group_id else None
    new_group = f"（{new['group']['number']}）{new['group']['title']}" if new.get("group") else None
    if old_group != new_group:
        changes["group"] = (old_group, new_group)
    if new.get("deadline") and str(old.deadline or "") != new["deadline"]:
        changes["deadline"] = (old.deadline.isoformat() if old.deadline else None, new["deadline"])
    before = olds_units.get(old.pk, {})
    after = {}
    for role, _name, res, unit in import_task_units(new, resolutions):
        key = f"unit:{unit.pk}" if unit is not None else res.key
        after[key] = (role, unit.label if unit is not None else res.label)
    for role in ("lead", "co"):
        b = sorted(label for key, (r, label) in before.items() if r == role)
        a = sorted(label for key, (r, label) in after.items() if r == role)
        b_keys = {key for key, (r, _) in before.items() if r == role}
        a_keys = {key for key, (r, _) in after.items() if r == role}
        if b_keys != a_keys:
            changes[role] = (_units_label(b), _units_label(a))
    return changes


def _indicator_changes(old, new: dict, task_pk_of: dict[str, int | None]) -> dict:
    """Field changes; the task counts as changed only when it is another task, not merely renumbered."""
    changes: dict[str, tuple[Any, Any]] = {}
    if old.name != new["name"]:
        changes["name"] = (old.name, new["name"])
    if old.comparator != new["comparator"]:
        changes["comparator"] = (old.comparator, new["comparator"])
    if _number_key(old.target_value) != _number_key(new["value"]):
        changes["value"] = (_plain(old.target_value), _plain(new["value"]))
    if (old.unit or "") != (new.get("unit") or ""):
        changes["unit"] = (old.unit, new.get("unit") or "")
    if old.target_year != new.get("year"):
        changes["year"] = (old.target_year, new.get("year"))
    new_task = new.get("task") if new.get("scope") == "task" else None
    if old.task_id != (task_pk_of.get(new_task, -1) if new_task else None):
        changes["task"] = (old.task.number if old.task_id else None, new_task)
    return changes


def _plain(value: Any) -> str:
    key = _number_key(value)
    return format(key, "f") if key is not None else str(value)


def _sections_text(sections: list[dict]) -> str:
    """The section outline on one line: 一、总体要求（指导思想、主要目标）；二、…"""
    parts = []
    for section in sections:
        subs = "、".join(sub["title"] for sub in section.get("subsections", []))
        parts.append(f"{section['number']}、{section['title']}" + (f"（{subs}）" if subs else ""))
    return "；".join(parts)


def plan_diff(plan: Plan, new: dict, resolutions: dict[str, UnitResolution]) -> PlanDiff:
    """What confirming `new` over the stored `plan` changes: header fields, tasks, indicators."""
    from qualitygov.indicators.models import Indicator

    header: dict[str, tuple[Any, Any]] = {}
    stored = {
        "title": plan.title, "issuer": plan.issuer or None, "doc_number": plan.doc_number or None,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "period": [plan.period_start, plan.period_end] if plan.period_start else None,
    }
    for name in HEADER_FIELDS:
        value = new.get(name)
        value = list(value) if isinstance(value, tuple | list) else value
        if (stored[name] or None) != (value or None):
            header[name] = (stored[name], value)
    stored_sections = _sections_text([
        {"number": s.number, "title": s.title,
         "subsections": [{"number": c.number, "title": c.title} for c in s.subsections.order_by("order")]}
        for s in plan.sections.filter(parent__isnull=True).order_by("order")
    ])
    new_sections = _sections_text(new.get("sections", []))
    if stored_sections != new_sections:
        header["sections"] = (stored_sections, new_sections)
    olds = list(plan.tasks.select_related("group").order_by("order", "pk"))
    olds_units: dict[int, dict[str, tuple[str, str]]] = {}
    for resp in Responsibility.objects.filter(task__plan=plan).select_related("unit"):
        olds_units.setdefault(resp.task_id, {})[f"unit:{resp.unit_id}"] = (resp.role, resp.unit.label)
    task_pairs = _match(
        olds, new["tasks"],
        key_number=lambda o, n: o.number == n["number"],
        key_exact=lambda o, n: o.title == n["title"],
        score=_task_score,
    )
    tasks = [TaskChange(o, n, _task_changes(o, n, resolutions, olds_units) if o and n else {})
             for o, n in task_pairs]
    old_indicators = list(Indicator.objects.filter(plan=plan).select_related("task").order_by("order", "pk"))
    ind_pairs = _match(
        old_indicators, new["indicators"],
        key_number=None,
        key_exact=lambda o, n: o.name == n["name"],
        score=lambda o, n: similarity(o.name, n["name"]),
    )
    task_pk_of = {n["number"]: (o.pk if o else None) for o, n in task_pairs if n is not None}
    indicators = [IndicatorChange(o, n, _indicator_changes(o, n, task_pk_of) if o and n else {})
                  for o, n in ind_pairs]
    return PlanDiff(plan=plan, header=header, tasks=tasks, indicators=indicators)


# --- the review ------------------------------------------------------------------------------------


@dataclass
class ImportReview:
    """Everything the review page, the CLI summary and confirmation need about one import."""

    plan_import: PlanImport
    plan: dict
    names: list[str]
    resolutions: dict[str, UnitResolution]
    pairs: list[tuple[str, str]]
    diff: PlanDiff | None
    revises: Plan | None

    @property
    def unresolved(self) -> list[UnitResolution]:
        return [self.resolutions[n] for n in self.names if not self.resolutions[n].resolved]

    @property
    def new_units(self) -> dict[str, list[str]]:
        return new_unit_aliases(self.resolutions)

    @property
    def warnings(self) -> list[str]:
        return list(self.plan.get("warnings", []))

    @property
    def counts(self) -> dict[str, int]:
        plan = self.plan
        return {
            "sections": len(plan.get("sections", [])),
            "groups": len(task_groups(plan)),
            "tasks": len(plan["tasks"]),
            "indicators": len(plan["indicators"]),
            "units": len(self.names),
            "unresolved": len(self.unresolved),
            "new_units": len(self.new_units),
            "warnings": len(self.warnings),
        }


def task_groups(plan: dict) -> list[dict]:
    """Distinct task groups of the effective plan, in order."""
    groups: list[dict] = []
    for task in plan["tasks"]:
        group = task.get("group")
        if group and all(g["number"] != group["number"] or g["title"] != group["title"] for g in groups):
            groups.append({"number": group["number"], "title": group["title"]})
    return groups


def plan_import_review(plan_import: PlanImport) -> ImportReview:
    """The effective plan of `plan_import`, its unit resolutions and (for a revision) its diff."""
    plan = effective_plan(plan_import.parsed, plan_import.corrections or {})
    names = unit_names(plan)
    pairs = suggested_pairs(plan_import.parsed, names)
    resolutions = resolve_units(names, plan_import.corrections or {}, pairs)
    revises = plan_import.revises if plan_import.revises_id else None
    diff = plan_diff(revises, plan, resolutions) if revises is not None else None
    return ImportReview(plan_import=plan_import, plan=plan, names=names, resolutions=resolutions, pairs=pairs,
                        diff=diff, revises=revises)


def unit_choices(*, user=None) -> list[OrgUnit]:
    """Active units (not the district itself) an unresolved name can be mapped to: those `user` manages.

    `user` None (the command line) offers every unit.
    """
    qs = OrgUnit.objects.active().exclude(kind__in=[K.DISTRICT])
    if user is not None:
        qs = qs.visible_to(user, Action.MANAGE)
    return list(qs.order_by("path"))


# Workspace
#
# Reads behind the plan pages, the task and unit pages and the breakdown exports.

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from qualitygov.accounts.choices import TOWN_KINDS  # noqa: E402
from qualitygov.accounts.selectors import org_unit_get_visible  # noqa: E402

from .choices import ResponsibilityRole  # noqa: E402
from .models import Section, TaskGroup  # noqa: E402

#: What "all towns" is written as in a unit column (各镇（街道）、管委会).
ALL_TOWNS_LABEL = "各镇（街道）、管委会"


def _count_of(model, **filters) -> Coalesce:
    """A correlated COUNT(*) per plan; subqueries keep several counts from multiplying each other."""
    rows = (
        model.objects.filter(plan=OuterRef("pk"), **filters).order_by().values("plan")
        .annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def plan_list_visible(*, user) -> QuerySet[Plan]:
    """Plans `user` may see, newest period first, with `task_count` and `indicator_count`."""
    from qualitygov.indicators.models import Indicator

    return Plan.objects.visible_to(user, Action.VIEW).annotate(
        task_count=_count_of(Task), indicator_count=_count_of(Indicator)
    )


def plan_get_visible(*, user, pk: int) -> Plan:
    """The plan if `user` may see it; NotFoundError otherwise."""
    plan = Plan.objects.visible_to(user, Action.VIEW).filter(pk=pk).first()
    if plan is None:
        raise NotFoundError("not found")
    return plan


def _responsibilities() -> Prefetch:
    return Prefetch("responsibilities", queryset=Responsibility.objects.select_related("unit").order_by("role", "order"))


def task_list_visible(*, user, plan: Plan | None = None) -> QuerySet[Task]:
    """Tasks `user` may see (a responsible unit in scope, or given to all towns and a town in scope), in plan order.

    Responsibilities come prefetched with their units; `task_units(task)` splits them by role.
    """
    qs = Task.objects.visible_to(user, Action.VIEW)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.select_related("plan", "group").prefetch_related(_responsibilities()).order_by("plan_id", "order", "pk")


def task_get_visible(*, user, pk: int) -> Task:
    """The task with plan, group, responsibilities and indicators if `user` may see it; NotFoundError otherwise."""
    from qualitygov.indicators.models import Indicator

    task = (
        task_list_visible(user=user)
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk")))
        .filter(pk=pk).first()
    )
    if task is None:
        raise NotFoundError("not found")
    task_units(task)
    return task


def task_units(task: Task) -> tuple[list[OrgUnit], list[OrgUnit]]:
    """(lead units, co-operating units) of a task whose responsibilities are prefetched, in written order.

    Also sets `task.lead_units` and `task.co_units` for templates.
    """
    lead = [r.unit for r in task.responsibilities.all() if r.role == ResponsibilityRole.LEAD]
    co = [r.unit for r in task.responsibilities.all() if r.role == ResponsibilityRole.CO]
    task.lead_units, task.co_units = lead, co
    return lead, co


def task_lead_text(task: Task) -> str:
    """Lead units as a breakdown table writes them: short names joined by 、, then all towns when given to them."""
    names = [unit.label for unit in task_units(task)[0]]
    if task.all_towns:
        names.append(ALL_TOWNS_LABEL)
    return "、".join(names)


def task_co_text(task: Task) -> str:
    return "、".join(unit.label for unit in task_units(task)[1])


def task_time_limit(task: Task) -> str:
    """完成时限: the deadline as written, else the deadline date, else the end of the plan's period."""
    if task.deadline_text:
        return task.deadline_text
    if task.deadline:
        return f"{task.deadline.year}年{task.deadline.month}月{task.deadline.day}日前"
    if task.plan.period_end:
        return f"{task.plan.period_end}年底前"
    return ""


@dataclass
class PlanOverview:
    plan: Plan
    sections: list[Section]
    groups: list[TaskGroup]  # each with `.visible_tasks`
    ungrouped: list[Task]
    indicators: list
    task_total: int
    task_visible: int
    visible_task_ids: set[int] = field(default_factory=set)


def plan_overview(*, user, plan: Plan) -> PlanOverview:
    """The plan's outline, its task groups with the tasks `user` may see, and its indicators.

    The number of queries does not depend on the number of tasks or indicators.
    """
    from qualitygov.indicators.models import Indicator

    sections = list(
        Section.objects.filter(plan=plan, parent__isnull=True)
        .prefetch_related(Prefetch("subsections", queryset=Section.objects.order_by("order", "pk")))
        .order_by("order", "pk")
    )
    tasks = list(task_list_visible(user=user, plan=plan))
    by_group: dict[int | None, list[Task]] = {}
    for task in tasks:
        task_units(task)
        by_group.setdefault(task.group_id, []).append(task)
    groups = list(TaskGroup.objects.filter(plan=plan).order_by("order", "pk"))
    for group in groups:
        group.visible_tasks = by_group.get(group.pk, [])
    indicators = list(Indicator.objects.filter(plan=plan).select_related("task").order_by("order", "pk"))
    for indicator in indicators:
        indicator.value_text = decimal_text(indicator.target_value)
    return PlanOverview(
        plan=plan, sections=sections, groups=groups, ungrouped=by_group.get(None, []), indicators=indicators,
        task_total=Task.objects.filter(plan=plan).count(), task_visible=len(tasks),
        visible_task_ids={task.pk for task in tasks},
    )


def unit_get_visible(*, user, pk: int) -> OrgUnit:
    """The unit if it lies in `user`'s view scope; NotFoundError otherwise."""
    return org_unit_get_visible(user=user, pk=pk)


def unit_task_list(*, user, unit: OrgUnit) -> list[Task]:
    """Tasks `unit` carries out that `user` may see: where it is lead or co, plus all-towns tasks for a town.

    Each task gets `unit_role`: "lead", "co", or "towns" (given to all towns, the unit not named).
    """
    named = Responsibility.objects.filter(unit=unit).values("task_id")
    qs = task_list_visible(user=user)
    if unit.kind in TOWN_KINDS:
        qs = qs.filter(Q(pk__in=named) | Q(all_towns=True))
    else:
        qs = qs.filter(pk__in=named)
    role = Responsibility.objects.filter(task=OuterRef("pk"), unit=unit).values("role")[:1]
    tasks = list(qs.annotate(named_role=Subquery(role)))
    for task in tasks:
        task.unit_role = task.named_role or "towns"
        task_units(task)
    return tasks


@dataclass
class UnitPlanTasks:
    plan: Plan
    tasks: list[Task]


def unit_tasks_by_plan(tasks: list[Task]) -> list[UnitPlanTasks]:
    """`unit_task_list` output grouped by plan, keeping order."""
    out: list[UnitPlanTasks] = []
    for task in tasks:
        if not out or out[-1].plan.pk != task.plan_id:
            out.append(UnitPlanTasks(plan=task.plan, tasks=[]))
        out[-1].tasks.append(task)
    return out
