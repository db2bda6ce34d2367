"""The review of an import: the effective plan, its unit resolutions and (for a revision) its diff.

Preview, correction and confirmation all read the plan through `plan_import_review`, so what the
office sees is exactly what confirming writes. Reads of imports go through the caller's scope.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.fields.json import KT

from qualitygov.core.errors import NotFoundError
from qualitygov.plans.models import Plan
from qualitygov.plans.permissions import can_import_plans

from .corrections import Corrections
from .diff import PlanDiff, plan_diff
from .models import PlanImport
from .units import UnitResolution, new_unit_aliases, resolve_units, suggested_pairs, unit_names


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


def first_listed_leads_in(corrections: Corrections | None) -> bool:
    """Whether the first-listed-unit-leads convention applies to an import with these corrections."""
    default = getattr(settings, "QUALITYGOV_PLAN_FIRST_LISTED_LEADS", True)
    return (corrections or {}).get("first_listed_leads", default)


def effective_plan(parsed: dict, corrections: Corrections) -> dict:
    """The parsed plan with `corrections` applied; tasks get unique numbers; a new dict.

    Each task carries `deadline` and `deadline_text` (corrections over the parsed ones), `key` (its
    number, which corrections use) and `lead_rule`, what decided its lead units: the parser's rule
    (see `importer.departments.LEAD_RULES`), `first_listed` when a list without roles was split by
    the office's convention (chosen on the review page, `first_listed_leads`; default from the setting
    `QUALITYGOV_PLAN_FIRST_LISTED_LEADS`, on: the first unit leads, the others co-operate), or `corrected`. Each indicator carries `index` (its position
    in the parsed list).
    """
    first_listed_leads = first_listed_leads_in(corrections)
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
        task.setdefault("deadline_text", None)
        task.setdefault("lead_rule", None)
        if task["lead_rule"] == "listed" and first_listed_leads and len(task["lead_departments"]) > 1:
            task["co_departments"] = task["lead_departments"][1:] + task["co_departments"]
            task["lead_departments"] = task["lead_departments"][:1]
            task["lead_rule"] = "first_listed"
        fix = task_fixes.get(task["number"], {})
        if fix.get("title"):
            task["title"] = fix["title"]
        if "lead" in fix:
            task["lead_departments"] = list(fix["lead"])
        if "co" in fix:
            task["co_departments"] = list(fix["co"])
        if "lead" in fix or "co" in fix:
            task["lead_rule"] = "corrected"
        if "deadline" in fix:
            # A date typed in review replaces the limit as written.
            task["deadline"] = fix["deadline"] or None
            task["deadline_text"] = None
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
    chosen = set((plan_import.corrections or {}).get("units", {}))
    diff = plan_diff(revises, plan, resolutions, chosen=chosen) if revises is not None else None
    return ImportReview(plan_import=plan_import, plan=plan, names=names, resolutions=resolutions, pairs=pairs,
                        diff=diff, revises=revises)
