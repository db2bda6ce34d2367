"""Confirming an import: the reviewed plan written through the services of accounts, plans and indicators.

Runs inside `plan_import_confirm`'s transaction. New units and aliases go through accounts'
services, the plan's outline through `plans` (`plan_outline_create` / `plan_outline_revise`), the
indicators through `indicator_sync_from_plan`; one `plan.create` or `plan.revise` audit event
describes the whole change. Each function returns the plan and the outcome stored on the import.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create, org_unit_update
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ServiceError
from qualitygov.indicators.services import PlanIndicator, indicator_sync_from_plan
from qualitygov.plans import events as plan_events
from qualitygov.plans.models import Plan, Task
from qualitygov.plans.permissions import district_root
from qualitygov.plans.services import PlanOutline, TaskOutline, plan_outline_create, plan_outline_revise

from .diff import kept_message, plan_diff, task_has_attached_work
from .review import ImportReview, task_groups
from .units import UnitResolution, import_task_units, member_units


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _header(plan: dict, source_name: str) -> dict[str, Any]:
    period = plan.get("period") or [None, None]
    return {
        "title": (plan.get("title") or os.path.splitext(source_name)[0])[:300],
        "issuer": (plan.get("issuer") or "")[:200],
        "doc_number": (plan.get("doc_number") or "")[:100],
        "issued_on": _date(plan.get("issued_on")),
        "period_start": period[0],
        "period_end": period[1],
        "source_name": source_name[:255],
    }


def _materialise_units(actor, review: ImportReview) -> dict[str, UnitResolution]:
    """Create the new units (under the district) and record mapped spellings as aliases."""
    resolutions = review.resolutions
    new_units = review.new_units
    created: dict[str, OrgUnit] = {}
    if new_units:
        root = district_root()
        if root is None:
            raise ServiceError(_("Create the district's organisation first: new units have no place to go."))
        for order, (name, aliases) in enumerate(new_units.items()):
            kind = next((r.kind for r in resolutions.values() if r.new_name == name and r.kind), "department")
            created[name] = org_unit_create(actor=actor, name=name, kind=kind, parent=root, aliases=aliases,
                                            sort_order=900 + order)
    extra_aliases: dict[int, list[str]] = {}
    units: dict[int, OrgUnit] = {}
    for res in resolutions.values():
        if res.record_alias and res.unit is not None:
            owner = OrgUnit.objects.named(res.name).exclude(pk=res.unit.pk).first()
            if owner is not None:
                raise ServiceError(_("“%(name)s” is already the name of %(unit)s; it cannot become another unit's alias.")
                                   % {"name": res.name, "unit": owner})
            extra_aliases.setdefault(res.unit.pk, []).append(res.name)
            units[res.unit.pk] = res.unit
    for pk, names in extra_aliases.items():
        unit = units[pk]
        existing = list(unit.aliases.values_list("name", flat=True))
        missing = [n for n in names if n not in existing]
        if missing:
            org_unit_update(actor=actor, unit=unit, aliases=existing + missing)
    out = {}
    members = member_units() if created else None  # new departments are member units too
    for name, res in resolutions.items():
        if res.outcome == "members" and members is not None:
            res = UnitResolution(res.name, "members", units=members)
        elif res.unit is None and res.outcome != "members":
            res = UnitResolution(res.name, "found", unit=created[res.new_name])
        out[name] = res
    return out


def _outline(review: ImportReview, resolutions: dict[str, UnitResolution]) -> tuple[PlanOutline, dict[str, TaskOutline]]:
    """The effective plan as `plans` stores it, and its tasks by number."""
    new = review.plan
    tasks = {
        t["number"]: TaskOutline(
            number=t["number"], title=t["title"], text=t["text"], all_towns=t["all_towns"],
            units=[(role, name, unit) for role, name, _res, unit in import_task_units(t, resolutions)],
            group=(t["group"]["number"], t["group"]["title"]) if t.get("group") else None,
            deadline=_date(t.get("deadline")), deadline_text=t.get("deadline_text"),
        )
        for t in new["tasks"]
    }
    outline = PlanOutline(header=_header(new, review.plan_import.source_name), sections=new.get("sections", []),
                          groups=[(g["number"], g["title"]) for g in task_groups(new)], tasks=list(tasks.values()))
    return outline, tasks


def _indicator(item: dict, order: int, tasks_by_number: dict[str, Task]) -> PlanIndicator:
    task = tasks_by_number.get(item.get("task")) if item.get("scope") == "task" else None
    return PlanIndicator(order=order, name=item["name"], comparator=item["comparator"],
                         target_value=Decimal(str(item["value"])), unit=item.get("unit") or "",
                         target_year=item.get("year"), task=task, source=item.get("source", ""),
                         baseline_year=item.get("baseline_year"))


def plan_create_from_review(*, actor, review: ImportReview) -> tuple[Plan, dict]:
    """A new plan from a reviewed import that revises nothing."""
    resolutions = _materialise_units(actor, review)
    outline, _tasks = _outline(review, resolutions)
    written = plan_outline_create(actor=actor, outline=outline)
    indicators = review.plan["indicators"]
    indicator_sync_from_plan(actor=actor, plan=written.plan, indicators=[
        (None, _indicator(item, i, written.tasks)) for i, item in enumerate(indicators)])
    counts = {**written.counts, "indicators": len(indicators)}
    audit_record(actor=actor, action=plan_events.PLAN_CREATE, obj=written.plan,
                 changes={"new": outline.header, "counts": counts})
    return written.plan, {"created": True, "counts": counts, "warnings": []}


def plan_revise_from_review(*, actor, review: ImportReview) -> tuple[Plan, dict]:
    """The stored plan `review.revises` updated in place to the reviewed import; nothing when nothing changed."""
    resolutions = _materialise_units(actor, review)
    plan = Plan.objects.select_for_update().get(pk=review.revises.pk)
    diff = plan_diff(plan, review.plan, resolutions)
    if diff.empty:
        return plan, {"created": False, "revised": False, "counts": diff.counts, "warnings": []}
    warnings: list[str] = [kept_message(k) for k in (review.diff.kept if review.diff is not None else [])]
    keep = []
    for change in diff.of(diff.tasks, "removed"):
        if task_has_attached_work(change.old):
            warnings.append(_("Task %(n)s (%(title)s) is not in the new version but was kept because work is "
                              "attached to it.") % {"n": change.old.number, "title": change.old.title})
            keep.append(change.old)
    outline, tasks = _outline(review, resolutions)
    written = plan_outline_revise(actor=actor, plan=plan, outline=outline, keep=keep, matches=[
        (change.old, tasks[change.new["number"]] if change.new is not None else None) for change in diff.tasks])
    plan = written.plan
    warnings += [_("Task %(task)s: %(unit)s is no longer named but keeps its responsibility because work is "
                   "attached to it.") % {"task": gone.task.number, "unit": gone.unit}
                 for gone in written.kept_responsibilities]
    order_of = {id(item): i for i, item in enumerate(review.plan["indicators"])}
    kept = indicator_sync_from_plan(actor=actor, plan=plan, indicators=[
        (change.old, _indicator(change.new, order_of[id(change.new)], written.tasks) if change.new is not None
         else None)
        for change in diff.indicators])
    warnings += [_("Indicator %(code)s (%(name)s) is not in the new version but was kept because data is "
                   "attached to it.") % {"code": indicator.code, "name": indicator.name} for indicator in kept]
    counts = diff.counts
    counts["responsibilities_changed"] = written.responsibilities_changed
    summary = {
        "header": {k: list(v) for k, v in diff.header.items()},
        "tasks_added": [c.new["number"] for c in diff.of(diff.tasks, "added")],
        "tasks_removed": [c.old.number for c in diff.of(diff.tasks, "removed")],
        "tasks_changed": {c.old.pk: sorted(c.changes) for c in diff.of(diff.tasks, "changed")},
        "indicators_added": [c.new["name"] for c in diff.of(diff.indicators, "added")],
        "indicators_removed": [c.old.code for c in diff.of(diff.indicators, "removed")],
        "indicators_changed": {c.old.code: sorted(c.changes) for c in diff.of(diff.indicators, "changed")},
        "revision": plan.revision,
        "warnings": warnings,
    }
    audit_record(actor=actor, action=plan_events.PLAN_REVISE, obj=plan, changes=summary)
    return plan, {"created": False, "revised": True, "counts": counts, "warnings": warnings}
