"""Storing the lights of work items and tasks (the arithmetic is in progress/lights.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from qualitygov.core.audit import audit_record

from .. import events
from .. import lights as light_math
from ..choices import (
    REPORT_EDITABLE,
    WorkItemStatus,
)
from ..models import (
    ProgressReport,
    TaskLight,
    WorkItem,
    WorkItemLight,
)
from ..selectors import light_rule_set_in_force

# Lights


def lights_refresh(*, actor, on: dt.date) -> dict[str, int]:
    """`lights_recompute` of every work item, asked for by `actor` (recorded, unlike the automatic runs)."""
    with transaction.atomic():
        result = lights_recompute(on=on)
        audit_record(actor=actor, action=events.LIGHTS_REFRESH, object_type="progress.job", object_id="lights",
                     object_repr="lights", changes={"as_of": on, **result})
    return result


def lights_recompute(*, on: dt.date, work_items: Iterable[WorkItem] | None = None) -> dict[str, int]:
    """Recompute and store the lights of the given (default: all active and completed) work items and
    of their tasks, as of `on`. Derived data: no audit event; the inputs are stored with each light.
    A fixed number of queries per call, whatever the number of items."""
    rule_set = light_rule_set_in_force(on)
    params = rule_set.params if rule_set else {}
    qs = WorkItem.objects.filter(status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
    if work_items is not None:
        qs = qs.filter(pk__in=[item.pk for item in work_items])
    items = list(qs.only("pk", "task_id", "start_date", "deadline", "status", "progress_pct", "completed_on"))
    late = dict(
        ProgressReport.objects.filter(work_item__in=[i.pk for i in items], status__in=REPORT_EDITABLE,
                                      due_date__lt=on)
        .values("work_item").annotate(n=models.Count("pk")).values_list("work_item", "n")
    )
    existing = {light.work_item_id: light for light in WorkItemLight.objects.filter(work_item__in=[i.pk for i in items])}
    create, update = [], []
    for item in items:
        completed = item.status == WorkItemStatus.COMPLETED
        result = light_math.work_item_light(
            progress_pct=Decimal(100) if completed and item.progress_pct is None else item.progress_pct,
            start=item.start_date, deadline=item.deadline, on=on, completed=completed,
            late_reports=late.get(item.pk, 0), params=params,
        )
        light = existing.get(item.pk) or WorkItemLight(work_item_id=item.pk)
        light.light, light.as_of, light.rule, light.rule_set = result.light, on, result.rule, rule_set
        light.progress_pct, light.expected_pct, light.behind_pp = result.progress_pct, result.expected_pct, result.behind_pp
        light.overdue_days, light.inputs = result.overdue_days, {**result.inputs, "rule_set": rule_set.pk if rule_set else None}
        (update if light.pk else create).append(light)
    WorkItemLight.objects.bulk_create(create, batch_size=500)
    fields = ["light", "as_of", "rule", "rule_set", "progress_pct", "expected_pct", "behind_pp", "overdue_days",
              "inputs", "computed_at"]
    now = timezone.now()
    for light in update:
        light.computed_at = now
    WorkItemLight.objects.bulk_update(update, fields, batch_size=500)
    task_ids = {item.task_id for item in items}
    by_task: dict[int, list[str]] = {pk: [] for pk in task_ids}
    for task_id, colour in WorkItemLight.objects.filter(
        work_item__task__in=task_ids, work_item__status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED]
    ).values_list("work_item__task_id", "light"):
        by_task[task_id].append(colour)
    task_existing = {t.task_id: t for t in TaskLight.objects.filter(task__in=task_ids)}
    t_create, t_update = [], []
    for task_id, colours in by_task.items():
        colour, inputs = light_math.task_light(colours)
        row = task_existing.get(task_id) or TaskLight(task_id=task_id)
        row.light, row.as_of, row.rule, row.inputs, row.computed_at = colour, on, "worst_item", inputs, now
        (t_update if row.pk else t_create).append(row)
    TaskLight.objects.bulk_create(t_create, batch_size=500)
    TaskLight.objects.bulk_update(t_update, ["light", "as_of", "rule", "inputs", "computed_at"], batch_size=500)
    return {"work_items": len(items), "tasks": len(task_ids)}
