"""Reads of plans, their tasks and units' tasks, always through the caller's scope.

Behind the plan pages, the task and unit pages and the breakdown exports. Indicators hang on plans
and tasks through the reverse relation `indicators`; this app reads them through it and does not
import the indicators app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.selectors import org_unit_get_visible
from qualitygov.core.errors import NotFoundError
from qualitygov.utilities.numbers import decimal_text

from .choices import ResponsibilityRole
from .models import Plan, Responsibility, Section, Task, TaskGroup

#: What "all towns" is written as in a unit column (各镇（街道）、管委会).
ALL_TOWNS_LABEL = "各镇（街道）、管委会"


def _count_of(relation: str) -> Coalesce:
    """A correlated COUNT(*) per plan of the rows of `relation`, a reverse relation of Plan ("tasks").

    Subqueries keep several counts from multiplying each other.
    """
    rel = Plan._meta.get_field(relation)
    key = rel.field.name
    rows = (
        rel.related_model._default_manager.filter(**{key: OuterRef("pk")}).order_by().values(key)
        .annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def plan_list_visible(*, user) -> QuerySet[Plan]:
    """Plans `user` may see, newest period first, with `task_count` and `indicator_count`."""
    return Plan.objects.visible_to(user, Action.VIEW).annotate(
        task_count=_count_of("tasks"), indicator_count=_count_of("indicators")
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
    """The task with plan, group, responsibilities and indicators (in plan order) if `user` may see it; NotFoundError otherwise."""
    task = task_list_visible(user=user).prefetch_related("indicators").filter(pk=pk).first()
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
    indicators = list(plan.indicators.select_related("task").order_by("order", "pk"))
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


def responsibility_list_visible(*, user) -> QuerySet[Responsibility]:
    """Responsibilities of the tasks `user` may see (every unit named on a visible task), in plan order,
    lead units before co-operating ones."""
    tasks = task_list_visible(user=user).order_by().values("pk")
    lead_first = Case(When(role=ResponsibilityRole.LEAD, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (Responsibility.objects.filter(task__in=tasks).select_related("task", "unit")
            .order_by("task__plan_id", "task__order", "task_id", lead_first, "order", "pk"))
