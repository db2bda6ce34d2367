"""Work breakdown (work items, milestones) and reporting cycles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import ConflictError, ServiceError
from qualitygov.core.versioning import version_check
from qualitygov.plans.models import Plan, Task
from qualitygov.progress import events

from ..choices import (
    WORK_ITEM_TRANSITIONS,
    Frequency,
    WorkItemStatus,
)
from ..models import (
    Milestone,
    ProgressReport,
    ReportingCycle,
    ReportPart,
    WorkItem,
    WorkItemUnit,
)
from ._common import _require, _require_all, _require_everywhere, _required_text, _today, _transition
from .lighting import lights_recompute

# Work items


def _check_dates(start: dt.date, deadline: dt.date) -> None:
    if deadline < start:
        message = _("The deadline cannot be before the start date.")
        raise ServiceError(message, fields={"deadline": [message]})


def _default_start(task: Task) -> dt.date:
    plan = task.plan
    return dt.date(plan.period_start, 1, 1) if plan.period_start else _today()


def _set_co_units(work_item: WorkItem, co_units: Iterable[OrgUnit]) -> list[int]:
    wanted = {unit.pk for unit in co_units if unit.pk != work_item.lead_unit_id}
    WorkItemUnit.objects.filter(work_item=work_item).exclude(unit_id__in=wanted).delete()
    have = set(WorkItemUnit.objects.filter(work_item=work_item).values_list("unit_id", flat=True))
    WorkItemUnit.objects.bulk_create([WorkItemUnit(work_item=work_item, unit_id=pk) for pk in sorted(wanted - have)])
    return sorted(wanted)


def _add_milestones(work_item: WorkItem, milestones: Sequence[tuple[str, dt.date]]) -> None:
    for order, (title, due) in enumerate(milestones, start=1):
        Milestone.objects.create(work_item=work_item, title=title[:300], due_date=due, order=order)


@transaction.atomic
def work_item_create(
    *, actor, task: Task, lead_unit: OrgUnit, title: str, deadline: dt.date, start_date: dt.date | None = None,
    description: str = "", co_units: Iterable[OrgUnit] = (), milestones: Sequence[tuple[str, dt.date]] = (),
    order: int | None = None,
) -> WorkItem:
    """The office sets up an active work item under `task`; it must manage the lead and every co unit."""
    co_units = list(co_units)
    _require_all(actor, Action.MANAGE, [lead_unit.pk, *(unit.pk for unit in co_units)])
    return _work_item_new(actor, task, lead_unit, title, deadline, start_date, description, co_units, milestones,
                          order, WorkItemStatus.ACTIVE)


@transaction.atomic
def work_item_propose(
    *, actor, task: Task, lead_unit: OrgUnit, title: str, deadline: dt.date, start_date: dt.date | None = None,
    description: str = "", co_units: Iterable[OrgUnit] = (), milestones: Sequence[tuple[str, dt.date]] = (),
) -> WorkItem:
    """A unit proposes a work item it will lead; it becomes active when the office approves it."""
    _require(actor, Action.CHANGE, lead_unit.pk)
    return _work_item_new(actor, task, lead_unit, title, deadline, start_date, description, co_units, milestones,
                          None, WorkItemStatus.PROPOSED)


def _work_item_new(actor, task, lead_unit, title, deadline, start_date, description, co_units, milestones, order,
                   status) -> WorkItem:
    title = _required_text(title, "title", _("Enter the deliverable."))[:300]
    start_date = start_date or _default_start(task)
    _check_dates(start_date, deadline)
    if order is None:
        order = WorkItem.objects.filter(task=task).count() + 1
    work_item = WorkItem.objects.create(
        task=task, lead_unit=lead_unit, title=title, description=description, start_date=start_date,
        deadline=deadline, status=status, order=order, created_by=actor if actor else None,
        proposed_by=actor if status == WorkItemStatus.PROPOSED else None,
    )
    co_ids = _set_co_units(work_item, co_units)
    _add_milestones(work_item, milestones)
    audit_record(actor=actor, action=events.WORK_ITEM_PROPOSE if status == WorkItemStatus.PROPOSED else events.WORK_ITEM_CREATE,
                 obj=work_item, unit=lead_unit,
                 changes={**snapshot(work_item, ["task", "lead_unit", "title", "start_date", "deadline", "status"]),
                          "co_units": co_ids, "milestones": len(milestones)})
    return work_item


@transaction.atomic
def work_items_create_for_towns(
    *, actor, task: Task, title: str, deadline: dt.date, start_date: dt.date | None = None, description: str = "",
    milestones: Sequence[tuple[str, dt.date]] = (),
) -> list[WorkItem]:
    """For a task given to all towns: one work item per active town led by that town.

    Towns that already have an item of this title under the task are skipped, so running it again
    after a town is added creates only the new town's item.
    """
    _require(actor, Action.MANAGE, None)
    have = set(WorkItem.objects.filter(task=task, title=title.strip()).values_list("lead_unit_id", flat=True))
    towns = list(OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).exclude(pk__in=have).order_by("path"))
    _require_all(actor, Action.MANAGE, [town.pk for town in towns])  # all towns or none
    return [
        _work_item_new(actor, task, town, title, deadline, start_date, description, (), milestones, None,
                       WorkItemStatus.ACTIVE)
        for town in towns
    ]


@transaction.atomic
def work_item_update(*, actor, work_item: WorkItem, version: int | None = None, **values: Any) -> WorkItem:
    """The office changes title, description, start date, deadline, lead unit or co units (`co_units`).

    `version` is the item's version the writer was shown: a save against an older one is refused
    (ConflictError, code "stale") and changes nothing."""
    before_co = sorted(work_item.co_units.values_list("unit_id", flat=True))
    co_units = values.pop("co_units", None)
    co_units = list(co_units) if co_units is not None else None
    new_lead = values.get("lead_unit")
    _require_all(actor, Action.MANAGE, [work_item.lead_unit_id, *before_co, *([new_lead.pk] if new_lead else []),
                                        *(unit.pk for unit in co_units or ())])
    fields = ["title", "description", "start_date", "deadline", "lead_unit", "order"]
    work_item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    version_check(work_item, version, submitted={k: v for k, v in values.items() if k in fields},
                  what=_("This work item"))
    before = snapshot(work_item, fields)
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"work_item_update: unknown fields {sorted(unknown)}")
    for name, value in values.items():
        setattr(work_item, name, value)
    work_item.title = _required_text(work_item.title, "title", _("Enter the deliverable."))[:300]
    _check_dates(work_item.start_date, work_item.deadline)
    work_item.save()
    changes = {key: [before.get(key), value] for key, value in snapshot(work_item, fields).items()
               if before.get(key) != value}
    if co_units is not None:
        after_co = _set_co_units(work_item, co_units)
        if after_co != before_co:
            changes["co_units"] = [before_co, after_co]
    audit_record(actor=actor, action=events.WORK_ITEM_UPDATE, obj=work_item, unit=work_item.lead_unit, changes=changes)
    return work_item


def _work_item_transition(actor, work_item: WorkItem, name: str, note: str = "", *, on: dt.date | None = None,
                          action: str = Action.MANAGE) -> WorkItem:
    _require(actor, action, work_item.lead_unit_id)
    work_item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    if name == "approve":  # the proposal's co units become the item's: the office must cover them too
        _require_all(actor, action, work_item.co_units.values_list("unit_id", flat=True))
    old = _transition(work_item, WORK_ITEM_TRANSITIONS, name)
    work_item.decision_note = note or work_item.decision_note
    if name == "complete":
        work_item.completed_on = on or _today()
    elif name == "reopen":
        work_item.completed_on = None
    work_item.save()
    audit_record(actor=actor, action=events.WORK_ITEM_TRANSITION_EVENTS[name], obj=work_item, unit=work_item.lead_unit,
                 changes={"status": [old, work_item.status], **({"note": note} if note else {})})
    return work_item


@transaction.atomic
def work_item_approve(*, actor, work_item: WorkItem, note: str = "") -> WorkItem:
    """The office accepts a proposed item: it becomes active and is included in the next cycles."""
    return _work_item_transition(actor, work_item, "approve", note)


@transaction.atomic
def work_item_reject(*, actor, work_item: WorkItem, note: str) -> WorkItem:
    note = _required_text(note, "note", _("Give a reason."))
    return _work_item_transition(actor, work_item, "reject", note)


@transaction.atomic
def work_item_complete(*, actor, work_item: WorkItem, on: dt.date | None = None) -> WorkItem:
    item = _work_item_transition(actor, work_item, "complete", on=on)
    lights_recompute(on=on or _today(), work_items=[item])
    return item


@transaction.atomic
def work_item_cancel(*, actor, work_item: WorkItem, note: str) -> WorkItem:
    note = _required_text(note, "note", _("Give a reason."))
    return _work_item_transition(actor, work_item, "cancel", note)


@transaction.atomic
def work_item_reopen(*, actor, work_item: WorkItem, note: str = "") -> WorkItem:
    return _work_item_transition(actor, work_item, "reopen", note)


@transaction.atomic
def milestone_complete(*, actor, milestone: Milestone, on: dt.date | None = None) -> Milestone:
    """The lead unit (or the office) marks a milestone reached."""
    _require(actor, Action.CHANGE, milestone.work_item.lead_unit_id)
    milestone.completed_on = on or _today()
    milestone.save(update_fields=["completed_on"])
    audit_record(actor=actor, action=events.MILESTONE_COMPLETE, obj=milestone, unit=milestone.work_item.lead_unit,
                 changes={"completed_on": milestone.completed_on})
    return milestone


# Reporting cycles


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


_MONTHS_PER = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


def cycle_label(frequency: str, start: dt.date) -> str:
    """The Chinese label of a period: 2026年5月, 2026年第2季度, 2026年上半年, 2026年度."""
    if frequency == Frequency.MONTHLY:
        return f"{start.year}年{start.month}月"
    if frequency == Frequency.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if frequency == Frequency.HALF_YEARLY:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    return f"{start.year}年度"


@transaction.atomic
def cycle_create(*, actor, plan: Plan, frequency: str, period_start: dt.date, period_end: dt.date,
                 due_date: dt.date, label: str = "") -> ReportingCycle:
    """A reporting round of the whole plan: only the district-wide office (or the system) sets one up."""
    _require_everywhere(actor, Action.MANAGE)
    if period_end < period_start:
        message = _("The period cannot end before it starts.")
        raise ServiceError(message, fields={"period_end": [message]})
    if ReportingCycle.objects.filter(plan=plan, frequency=frequency, period_start=period_start).exists():
        raise ConflictError(_("This reporting cycle exists already."))
    cycle = ReportingCycle.objects.create(
        plan=plan, frequency=frequency, period_start=period_start, period_end=period_end, due_date=due_date,
        label=(label or cycle_label(frequency, period_start))[:40],
    )
    audit_record(actor=actor, action=events.CYCLE_CREATE, obj=cycle,
                 changes=snapshot(cycle, ["plan", "frequency", "period_start", "period_end", "due_date"]))
    return cycle


@transaction.atomic
def cycles_schedule(*, actor, plan: Plan, frequency: str, year: int, due_day: int = 25) -> list[ReportingCycle]:
    """Create the year's missing cycles; each is due on `due_day` of its period's last month."""
    _require_everywhere(actor, Action.MANAGE)
    step = _MONTHS_PER[frequency]
    created = []
    for month in range(1, 13, step):
        start = dt.date(year, month, 1)
        end = _month_end(year, month + step - 1)
        if ReportingCycle.objects.filter(plan=plan, frequency=frequency, period_start=start).exists():
            continue
        due = end.replace(day=min(due_day, end.day))
        created.append(cycle_create(actor=actor, plan=plan, frequency=frequency, period_start=start,
                                    period_end=end, due_date=due))
    return created


@transaction.atomic
def cycle_open(*, actor, cycle: ReportingCycle) -> int:
    """Open a report request for every active work item of the plan running in the period.

    The lead unit gets the report, each co unit a part. Work items that already have a report in
    this cycle are left alone, so opening again (or after new items were approved) only adds the
    missing requests. Returns how many reports were created. It touches every unit of the plan, so
    only the district-wide office (or the system) may open it.
    """
    _require_everywhere(actor, Action.MANAGE)
    cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
    items = list(
        WorkItem.objects.filter(task__plan_id=cycle.plan_id, status=WorkItemStatus.ACTIVE,
                                start_date__lte=cycle.period_end)
        .exclude(reports__cycle=cycle).only("pk", "lead_unit_id")
    )
    reports = ProgressReport.objects.bulk_create([
        ProgressReport(cycle=cycle, work_item_id=item.pk, unit_id=item.lead_unit_id, due_date=cycle.due_date)
        for item in items
    ])
    if not reports[:1] or reports[0].pk is None:  # backends that do not return keys from bulk_create
        reports = list(ProgressReport.objects.filter(cycle=cycle, work_item_id__in=[i.pk for i in items]))
    report_of = {report.work_item_id: report.pk for report in reports}
    co = WorkItemUnit.objects.filter(work_item_id__in=report_of).values_list("work_item_id", "unit_id")
    parts = ReportPart.objects.bulk_create([ReportPart(report_id=report_of[wi], unit_id=unit) for wi, unit in co])
    first = cycle.opened_at is None
    if first:
        cycle.opened_at = timezone.now()
        cycle.opened_by = actor if actor else None
        cycle.save(update_fields=["opened_at", "opened_by"])
    if reports or first:
        audit_record(actor=actor, action=events.CYCLE_OPEN, obj=cycle,
                     changes={"reports": len(reports), "parts": len(parts), "due_date": cycle.due_date})
    return len(reports)


def cycles_open_due(*, actor=None, today: dt.date | None = None) -> dict[str, int]:
    """Open every cycle whose period has started and that is not open yet. Idempotent."""
    today = today or _today()
    out = {"cycles": 0, "reports": 0}
    for cycle in ReportingCycle.objects.filter(opened_at__isnull=True, period_start__lte=today).order_by(
        "period_start", "pk"
    ):
        out["reports"] += cycle_open(actor=actor, cycle=cycle)
        out["cycles"] += 1
    return out
