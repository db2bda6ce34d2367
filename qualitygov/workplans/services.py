"""Writes of the annual work plan: import (preview, correct, confirm, cancel), key point changes,
issuing (each key point becomes a progress work item) and the roll-over into the next year.

Only an office holding the whole district writes here (the work plan is the district's); anyone else
gets NotFoundError, as for any object they may not touch. Each write is one transaction with one
audit event; a refused write changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.scoping import manages_district
from qualitygov.core.transitions import apply_transition
from qualitygov.core.uploads import CheckedFile
from qualitygov.planimport.units import unit_choices
from qualitygov.plans.models import Plan, Task
from qualitygov.progress.choices import WorkItemStatus
from qualitygov.progress.services import work_item_cancel, work_item_complete, work_item_create

from . import events
from .choices import IMPORT_TRANSITIONS, WORK_PLAN_TRANSITIONS, RollOverOutcome, WorkPlanStatus
from .importer import WorkPlanParseError, parse_work_plan
from .models import KeyPoint, RollOverDecision, WorkPlan, WorkPlanImport
from .review import import_review


def may_manage(actor) -> bool:
    """True for an office holding the whole district (the only writer of work plans)."""
    return manages_district(actor)


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise NotFoundError(_("Not found."))


def _refuse(message: str, field: str = "__all__") -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def default_title(year: int) -> str:
    return f"区质量强区工作领导小组办公室{year}年工作要点"


@transaction.atomic
def work_plan_import_preview(*, actor, plan: Plan, checked: CheckedFile, year: int | None = None) -> WorkPlanImport:
    """Parse an uploaded 工作要点 (already through `check_upload`) and keep it for review.

    `year` (else the year in the file's title) dates the key points; a file that cannot be read as
    key points is refused with the parser's message (row and column), nothing stored.
    """
    _require_office(actor)
    try:
        parsed = parse_work_plan(checked.data, checked.name, year=year)
    except WorkPlanParseError as exc:
        raise _refuse(exc.message, "file") from None
    year = year or parsed.year
    if not year:
        raise _refuse(_("Enter the year of the work plan."), "year")
    imp = WorkPlanImport.objects.create(
        plan=plan, year=year, title=parsed.title or default_title(year), source_name=checked.name,
        source_sha256=checked.sha256, parsed=parsed.as_json(), created_by=actor)
    audit_record(actor=actor, action=events.IMPORT_PREVIEW, obj=imp,
                 changes={"file": checked.name, "year": year, "key_points": len(parsed.points)})
    return imp


@transaction.atomic
def work_plan_import_correct(*, actor, imp: WorkPlanImport, units: dict[str, OrgUnit] | None = None,
                             tasks: dict[int, Task] | None = None,
                             deadlines: dict[int, dt.date] | None = None) -> WorkPlanImport:
    """Record the office's choices: the unit a name means, the task or the deadline of key point i.

    Only units the office may assign and tasks of the import's plan are accepted.
    """
    _require_office(actor)
    imp = WorkPlanImport.objects.select_for_update().get(pk=imp.pk)
    if imp.status != "preview":
        raise ConflictError(_("This import has already been decided."))
    count = len(imp.parsed.get("points", []))
    allowed = {unit.pk for unit in unit_choices(user=actor)}
    corrections = dict(imp.corrections or {})
    changes: dict = {}
    for name, unit in (units or {}).items():
        if unit.pk not in allowed:
            raise _refuse(_("Choose a unit from the list."), "units")
        corrections.setdefault("units", {})[name] = unit.pk
        changes.setdefault("units", {})[name] = unit.label
    for index, task in (tasks or {}).items():
        if not 0 <= index < count or task.plan_id != imp.plan_id:
            raise _refuse(_("Choose a task of the plan."), "tasks")
        corrections.setdefault("tasks", {})[str(index)] = task.pk
        changes.setdefault("tasks", {})[str(index)] = task.number
    for index, deadline in (deadlines or {}).items():
        if not 0 <= index < count:
            raise _refuse(_("Unknown key point."), "deadlines")
        corrections.setdefault("deadlines", {})[str(index)] = deadline.isoformat()
        changes.setdefault("deadlines", {})[str(index)] = deadline.isoformat()
    imp.corrections = corrections
    imp.save(update_fields=["corrections"])
    if changes:
        audit_record(actor=actor, action=events.IMPORT_CORRECT, obj=imp, changes=changes)
    return imp


@transaction.atomic
def work_plan_import_confirm(*, actor, imp: WorkPlanImport) -> WorkPlan:
    """Write the reviewed key points into the year's work plan (a draft, created if needed): all or nothing.

    Refused while any key point has a problem (unknown unit, no task, no deadline), or when the year's
    work plan is already issued.
    """
    _require_office(actor)
    imp = WorkPlanImport.objects.select_for_update().get(pk=imp.pk)
    review = import_review(imp)
    if review.problem_count:
        raise _refuse(_("Fix the %(n)s problems listed before confirming.") % {"n": review.problem_count})
    work_plan = WorkPlan.objects.select_for_update().filter(plan=imp.plan, year=imp.year).first()
    if work_plan is not None and work_plan.status != WorkPlanStatus.DRAFT:
        raise ConflictError(_("The %(year)s work plan has already been issued.") % {"year": imp.year})
    apply_transition(imp, IMPORT_TRANSITIONS, "confirm")
    if work_plan is None:
        work_plan = WorkPlan.objects.create(plan=imp.plan, year=imp.year, title=imp.title, source_name=imp.source_name,
                                            created_by=actor)
    else:
        work_plan.source_name = imp.source_name
        work_plan.save()
    start = (work_plan.key_points.aggregate(n=Max("number"))["n"] or 0)
    for offset, point in enumerate(review.points, start=1):
        kp = KeyPoint.objects.create(
            work_plan=work_plan, number=start + offset, text=point.text, group_title=point.group,
            task=point.task, lead_unit=point.lead, deadline=point.deadline,
            deadline_text=point.deadline_text[:60], order=start + offset)
        kp.co_units.set(point.co)
    imp.work_plan = work_plan
    imp.save(update_fields=["status", "work_plan"])
    audit_record(actor=actor, action=events.IMPORT_CONFIRM, obj=work_plan,
                 changes={"file": imp.source_name, "year": imp.year, "key_points": len(review.points)})
    return work_plan


@transaction.atomic
def work_plan_import_cancel(*, actor, imp: WorkPlanImport) -> WorkPlanImport:
    _require_office(actor)
    imp = WorkPlanImport.objects.select_for_update().get(pk=imp.pk)
    apply_transition(imp, IMPORT_TRANSITIONS, "cancel")
    imp.save(update_fields=["status"])
    audit_record(actor=actor, action=events.IMPORT_CANCEL, obj=imp, changes={"file": imp.source_name})
    return imp


@transaction.atomic
def key_point_update(*, actor, key_point: KeyPoint, task: Task, lead_unit: OrgUnit, co_units: Iterable[OrgUnit],
                     deadline: dt.date) -> KeyPoint:
    """Assign a key point of a draft work plan: its task, lead and co-operating units and deadline.

    Once issued the work item carries these (changed on the work item's own page).
    """
    _require_office(actor)
    key_point = KeyPoint.objects.select_for_update(of=("self",)).select_related("work_plan").get(pk=key_point.pk)
    if key_point.work_plan.status != WorkPlanStatus.DRAFT:
        raise ConflictError(_("The work plan has been issued: change the work item instead."))
    if task.plan_id != key_point.work_plan.plan_id:
        raise _refuse(_("Choose a task of the plan."), "task")
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    before = {"task": key_point.task_id, "lead_unit": key_point.lead_unit_id,
              "co_units": sorted(key_point.co_units.values_list("pk", flat=True)),
              "deadline": key_point.deadline.isoformat()}
    key_point.task, key_point.lead_unit, key_point.deadline = task, lead_unit, deadline
    if before["deadline"] != deadline.isoformat():
        key_point.deadline_text = ""
    key_point.save()
    key_point.co_units.set(co_units)
    after = {"task": task.pk, "lead_unit": lead_unit.pk, "co_units": sorted(u.pk for u in co_units),
             "deadline": deadline.isoformat()}
    audit_record(actor=actor, action=events.KEY_POINT_UPDATE, obj=key_point, unit=lead_unit,
                 changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return key_point


def work_item_description(key_point: KeyPoint) -> str:
    # Stored text in Chinese: it is part of the record the units read, whatever their UI language.
    return f"{key_point.work_plan.title}第{key_point.number}项：{key_point.text}"


@transaction.atomic
def work_plan_publish(*, actor, work_plan: WorkPlan, today: dt.date | None = None) -> WorkPlan:
    """Issue (下达) a draft work plan: one active work item per key point, under its task, led by its
    lead unit with its co-operating units and deadline, so the inbox, the board and the reminders chase it.

    Refused (nothing written) when the plan has no key points.
    """
    _require_office(actor)
    work_plan = WorkPlan.objects.select_for_update().get(pk=work_plan.pk)
    apply_transition(work_plan, WORK_PLAN_TRANSITIONS, "publish")
    points = list(work_plan.key_points.select_related("task", "lead_unit", "work_plan").prefetch_related("co_units"))
    if not points:
        raise _refuse(_("The work plan has no key points to issue."))
    today = today or timezone.localdate()
    for point in points:
        if point.work_item_id:
            continue
        # Work starts when the plan is issued (or on 1 January when issued ahead), never after its deadline.
        start = min(max(dt.date(work_plan.year, 1, 1), today), point.deadline)
        point.work_item = work_item_create(
            actor=actor, task=point.task, lead_unit=point.lead_unit, title=point.text[:300], deadline=point.deadline,
            start_date=start, description=work_item_description(point), co_units=list(point.co_units.all()))
        point.save(update_fields=["work_item"])
    work_plan.published_by, work_plan.published_at = actor, timezone.now()
    work_plan.save()
    audit_record(actor=actor, action=events.WORK_PLAN_PUBLISH, obj=work_plan,
                 changes={"year": work_plan.year, "work_items": len(points)})
    return work_plan


@transaction.atomic
def roll_over_start(*, actor, work_plan: WorkPlan) -> WorkPlan:
    """Start next year's work plan from an issued one: the draft of year Y+1 (created, or the one already
    drafted), into which the open key points of year Y are carried one decision at a time."""
    _require_office(actor)
    work_plan = WorkPlan.objects.get(pk=work_plan.pk)
    if work_plan.status != WorkPlanStatus.PUBLISHED:
        raise ConflictError(_("Only an issued work plan can be rolled over."))
    year = work_plan.year + 1
    nxt = WorkPlan.objects.select_for_update().filter(plan=work_plan.plan, year=year).first()
    if nxt is not None and nxt.status != WorkPlanStatus.DRAFT:
        raise ConflictError(_("The %(year)s work plan has already been issued.") % {"year": year})
    created = nxt is None
    if created:
        nxt = WorkPlan.objects.create(plan=work_plan.plan, year=year, title=default_title(year), created_by=actor,
                                      previous=work_plan)
    elif nxt.previous_id is None:
        nxt.previous = work_plan
        nxt.save()
    audit_record(actor=actor, action=events.ROLL_OVER_START, obj=nxt,
                 changes={"year": year, "previous": work_plan.pk, "created": created})
    return nxt


def is_open(key_point: KeyPoint) -> bool:
    """An issued key point whose work item is neither completed nor cancelled."""
    item = key_point.work_item
    return item is not None and item.status in (WorkItemStatus.ACTIVE, WorkItemStatus.PROPOSED)


@transaction.atomic
def roll_over_decide(*, actor, key_point: KeyPoint, outcome: str, reason: str,
                     deadline: dt.date | None = None, today: dt.date | None = None) -> RollOverDecision:
    """Decide what becomes of an open key point of year Y once year Y+1 is started; each is decided once.

    carry: copied into the Y+1 draft with the new `deadline` (in Y+1), linked to its origin; its Y work
    item is cancelled with a note naming the carry. close: the work item is completed. drop: the work
    item is cancelled with `reason`. A reason is always required.
    """
    _require_office(actor)
    key_point = KeyPoint.objects.select_for_update(of=("self",)).select_related("work_plan", "work_item").get(
        pk=key_point.pk)
    reason = (reason or "").strip()[:500]
    if outcome not in RollOverOutcome.values:
        raise _refuse(_("Choose carry, close or drop."), "outcome")
    if not reason:
        raise _refuse(_("Give the reason for this decision."), "reason")
    if RollOverDecision.objects.filter(key_point=key_point).exists():
        raise ConflictError(_("Key point %(n)s has already been decided.") % {"n": key_point.number})
    if not is_open(key_point):
        raise ConflictError(_("Key point %(n)s is not open.") % {"n": key_point.number})
    year = key_point.work_plan.year + 1
    nxt = WorkPlan.objects.select_for_update().filter(plan=key_point.work_plan.plan_id, year=year).first()
    if nxt is None:
        raise ConflictError(_("Start the %(year)s work plan first.") % {"year": year})
    today = today or timezone.localdate()
    carried = None
    if outcome == RollOverOutcome.CARRY:
        if nxt.status != WorkPlanStatus.DRAFT:
            raise ConflictError(_("The %(year)s work plan has already been issued.") % {"year": year})
        if deadline is None or deadline.year != year:
            raise _refuse(_("Give the new deadline in %(year)s.") % {"year": year}, "deadline")
        number = (nxt.key_points.aggregate(n=Max("number"))["n"] or 0) + 1
        carried = KeyPoint.objects.create(
            work_plan=nxt, number=number, order=number, text=key_point.text, group_title=key_point.group_title,
            task=key_point.task, lead_unit=key_point.lead_unit, deadline=deadline, origin=key_point,
            deadline_text=f"{deadline.year}年{deadline.month}月{deadline.day}日前")
        carried.co_units.set(key_point.co_units.all())
        work_item_cancel(actor=actor, work_item=key_point.work_item,
                         note=f"结转至{year}年工作要点第{number}项继续推进：{reason}")
    elif outcome == RollOverOutcome.CLOSE:
        work_item_complete(actor=actor, work_item=key_point.work_item, on=today)
    else:
        work_item_cancel(actor=actor, work_item=key_point.work_item, note=reason)
    decision = RollOverDecision.objects.create(key_point=key_point, outcome=outcome, reason=reason,
                                               carried_to=carried, decided_by=actor, decided_on=today)
    audit_record(actor=actor, action=events.ROLL_OVER_DECIDE, obj=key_point, unit=key_point.lead_unit,
                 changes={"outcome": outcome, "reason": reason, "year": year,
                          **({"carried_to": carried.pk, "deadline": deadline.isoformat()} if carried else {})})
    return decision
