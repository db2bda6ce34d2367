"""Storing the lights of work items and tasks (the arithmetic is in progress/lights.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ServiceError

from .. import events
from .. import lights as light_math
from ..choices import (
    REPORT_EDITABLE,
    WorkItemStatus,
)
from ..models import (
    LightRuleSet,
    ProgressReport,
    TaskLight,
    WorkItem,
    WorkItemLight,
)
from ..selectors import light_rule_set_in_force
from ._common import _require_everywhere

# Lights


def light_rule_set_create(*, actor, effective_from: dt.date, task_rollup: str, task_red_share: int = 50,
                          task_yellow_share: int = 30, legal_basis: str = "", name: str = "") -> LightRuleSet:
    """A new version of the light rules from `effective_from`, with the task roll-up the office chose;
    the work-item thresholds are carried over from the set in force that day. District-wide managers only.
    Lights are recomputed at once when the new set is already in force."""
    _require_everywhere(actor, Action.MANAGE)
    if task_rollup not in light_math.ROLLUPS:
        raise ServiceError(_("Choose a roll-up rule."), fields={"task_rollup": [_("Choose a roll-up rule.")]})
    if not 0 < task_yellow_share <= task_red_share <= 100:
        message = _("The red share must be at least the yellow share, both between 1 and 100.")
        raise ServiceError(message, fields={"task_red_share": [message]})
    with transaction.atomic():
        current = light_rule_set_in_force(effective_from)
        params = {**light_math.DEFAULT_LIGHT_PARAMS, **(current.params if current else {}),
                  "task_rollup": task_rollup, "task_red_share": task_red_share,
                  "task_yellow_share": task_yellow_share}
        rule_set = LightRuleSet.objects.create(
            name=name or _("Light rules from %(d)s") % {"d": effective_from.isoformat()},
            effective_from=effective_from, legal_basis=legal_basis, params=params)
        audit_record(actor=actor, action=events.LIGHT_RULE_SET_CREATE, obj=rule_set, changes={
            "effective_from": effective_from, "task_rollup": task_rollup, "task_red_share": task_red_share,
            "task_yellow_share": task_yellow_share})
        if effective_from <= timezone.localdate():
            lights_recompute(on=timezone.localdate())
    return rule_set


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
        if light.pk and light.light != result.light:
            light.previous_light, light.changed_on = light.light, on
        light.light, light.as_of, light.rule, light.rule_set = result.light, on, result.rule, rule_set
        light.progress_pct, light.expected_pct, light.behind_pp = result.progress_pct, result.expected_pct, result.behind_pp
        light.overdue_days, light.inputs = result.overdue_days, {**result.inputs, "rule_set": rule_set.pk if rule_set else None}
        (update if light.pk else create).append(light)
    WorkItemLight.objects.bulk_create(create, batch_size=500)
    fields = ["light", "as_of", "rule", "rule_set", "progress_pct", "expected_pct", "behind_pp", "overdue_days",
              "inputs", "computed_at", "changed_on", "previous_light"]
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
        colour, inputs = light_math.task_light(colours, params)
        row = task_existing.get(task_id) or TaskLight(task_id=task_id)
        rule = inputs.pop("rule", "worst_item")
        row.light, row.as_of, row.rule, row.inputs, row.computed_at = colour, on, rule, inputs, now
        (t_update if row.pk else t_create).append(row)
    TaskLight.objects.bulk_create(t_create, batch_size=500)
    TaskLight.objects.bulk_update(t_update, ["light", "as_of", "rule", "inputs", "computed_at"], batch_size=500)
    return {"work_items": len(items), "tasks": len(task_ids)}
