"""Reads of the annual work plan.

Work plans and their key points are district records every signed-in user may read (they are issued
to every unit); what a key point's work item holds — reports, evidence — stays behind the progress
app's own scope. Imports are the office's working files: only a district-wide office sees them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qualitygov.accounts.choices import Action
from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.models import OrgUnit
from qualitygov.plans.models import Plan, Task
from qualitygov.progress.choices import WorkItemStatus

from .choices import KeyPointState
from .models import KeyPoint, WorkPlan, WorkPlanImport
from .services import may_manage

OPEN = (WorkItemStatus.ACTIVE, WorkItemStatus.PROPOSED)


def work_plans() -> QuerySet[WorkPlan]:
    return WorkPlan.objects.select_related("plan").annotate(
        point_count=Count("key_points", distinct=True),
        open_count=Count("key_points", filter=Q(key_points__work_item__status__in=OPEN), distinct=True))


def work_plan_get(*, pk: int) -> WorkPlan:
    return WorkPlan.objects.select_related("plan", "previous").get(pk=pk)


def key_points(work_plan: WorkPlan) -> list[KeyPoint]:
    return list(work_plan.key_points.select_related("task", "lead_unit", "work_item", "origin__work_plan",
                                                    "roll_over", "roll_over__carried_to")
                .prefetch_related("co_units").order_by("order", "number"))


def key_point_get(*, pk: int) -> KeyPoint:
    return KeyPoint.objects.select_related("work_plan", "work_item", "task", "lead_unit").get(pk=pk)


def key_point_state(point: KeyPoint, *, today: dt.date | None = None) -> str:
    """Not issued yet, done, cancelled, overdue (past the deadline) or open — read off its work item."""
    item = point.work_item
    if item is None:
        return KeyPointState.DRAFT
    if item.status == WorkItemStatus.COMPLETED:
        return KeyPointState.DONE
    if item.status == WorkItemStatus.CANCELLED:
        return KeyPointState.CANCELLED
    return KeyPointState.OVERDUE if item.deadline < (today or timezone.localdate()) else KeyPointState.OPEN


def groups(points: list[KeyPoint]) -> list[tuple[str, list[KeyPoint]]]:
    """Key points in order under their headings (consecutive points sharing one heading)."""
    out: list[tuple[str, list[KeyPoint]]] = []
    for point in points:
        if not out or out[-1][0] != point.group_title:
            out.append((point.group_title, []))
        out[-1][1].append(point)
    return out


def next_work_plan(work_plan: WorkPlan) -> WorkPlan | None:
    return WorkPlan.objects.filter(plan=work_plan.plan_id, year=work_plan.year + 1).first()


def roll_over_points(work_plan: WorkPlan) -> tuple[list[KeyPoint], list[KeyPoint]]:
    """(open key points still to decide, key points decided) of an issued work plan."""
    points = key_points(work_plan)
    decided = [p for p in points if hasattr(p, "roll_over")]
    pending = [p for p in points if not hasattr(p, "roll_over") and p.work_item and p.work_item.status in OPEN]
    return pending, decided


def import_get(*, user, pk: int) -> WorkPlanImport:
    """An import, for the district-wide office only (DoesNotExist for anyone else)."""
    if not may_manage(user):
        raise WorkPlanImport.DoesNotExist
    return WorkPlanImport.objects.select_related("plan", "work_plan").get(pk=pk)


def plans_for_import(*, user) -> QuerySet[Plan]:
    """The plans `user` may attach a work plan to, newest first."""
    return Plan.objects.visible_to(user, Action.MANAGE).order_by("-id")


def assignable_units(*, user) -> QuerySet[OrgUnit]:
    """Active units (not the district itself) `user` may assign work to, as `planimport.units.unit_choices`."""
    return (OrgUnit.objects.visible_to(user, Action.MANAGE).filter(is_active=True).exclude(kind=K.DISTRICT)
            .order_by("sort_order", "path"))


def plan_task_choices(*, user, plan: Plan) -> QuerySet[Task]:
    return Task.objects.visible_to(user, Action.VIEW).filter(plan=plan).select_related(None).order_by("order", "pk")
