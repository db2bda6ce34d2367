"""Writes to task progress: work items, cycles, reports and parts, evidence, extensions, findings, lights.

Every function checks that `actor` may act (actor None is the system: the CLI, jobs, the demo
loader), changes state through the named transitions in choices.py, and writes its audit event in
the same transaction. A unit that may not see an object gets NotFoundError, as for a missing one.

Who may do what (actions from accounts.choices.ROLE_ACTIONS, at the unit concerned):
  manage   the office: sets up work items and cycles, approves proposed items
  change   the unit's liaison: proposes items, files parts (co unit) and reports (lead unit),
           returns or accepts parts (lead unit), requests extensions, rectifies findings
  review   the office (and reviewers): approves or returns reports, raises and verifies findings
  approve  the office and leaders: decide extension requests
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import Attachment
from qualitygov.core.notifications import notification_send
from qualitygov.core.scoping import can
from qualitygov.core.uploads import attachment_create, check_upload
from qualitygov.plans.models import Plan, Task

from . import lights as light_math
from .choices import (
    EXTENSION_TRANSITIONS,
    FINDING_TRANSITIONS,
    PART_PENDING,
    PART_TRANSITIONS,
    REPORT_EDITABLE,
    REPORT_TRANSITIONS,
    WORK_ITEM_TRANSITIONS,
    EscalationLevel,
    ExtensionStatus,
    FindingSource,
    FindingStatus,
    Frequency,
    PartStatus,
    ReportStatus,
    WorkItemStatus,
)
from .models import (
    EscalationEvent,
    ExtensionRequest,
    Finding,
    Milestone,
    ProgressReport,
    ReportingCycle,
    ReportPart,
    TaskLight,
    WorkItem,
    WorkItemLight,
    WorkItemUnit,
)
from .selectors import light_rule_set_in_force, unit_recipients

# Helpers


def _allowed(actor, action: str, unit_id: int | None) -> bool:
    return actor is None or can(actor, action, unit_id)


def _require(actor, action: str, unit_id: int | None) -> None:
    """NotFoundError unless the system acts or `actor` may `action` at the unit."""
    if not _allowed(actor, action, unit_id):
        raise NotFoundError(_("Not found."))


def _transition(obj: models.Model, table: dict[str, tuple[frozenset[str], str]], name: str) -> str:
    """Apply the named transition to `obj.status`; ConflictError from a state that does not allow it."""
    sources, target = table[name]
    if obj.status not in sources:
        raise ConflictError(
            _("This cannot be done while the status is “%(status)s”.") % {"status": obj.get_status_display()}
        )
    old = obj.status
    obj.status = target
    return old


def _today() -> dt.date:
    return timezone.localdate()


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, fields={field: [message]})
    return value


def _pct(value: Any) -> Decimal:
    message = _("Enter a progress between 0 and 100.")
    try:
        pct = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ServiceError(message, fields={"progress_pct": [message]}) from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ServiceError(message, fields={"progress_pct": [message]})
    return pct.quantize(Decimal("0.01"))


def _notify_unit(unit_id: int, *, kind: str, subject: str, body: str = "", key: str) -> int:
    """Send one notice to each liaison of the unit (dedup per user); return how many were sent."""
    sent = 0
    for user in unit_recipients([unit_id]).get(unit_id, []):
        if notification_send(recipient=user, kind=kind, subject=subject, body=body,
                             dedup_key=f"{key}:u{user.pk}", email=False):
            sent += 1
    return sent


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
    """The office sets up an active work item under `task`."""
    _require(actor, Action.MANAGE, lead_unit.pk)
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
    audit_record(actor=actor, action="work_item.propose" if status == WorkItemStatus.PROPOSED else "work_item.create",
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
    towns = OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).exclude(pk__in=have).order_by("path")
    return [
        _work_item_new(actor, task, town, title, deadline, start_date, description, (), milestones, None,
                       WorkItemStatus.ACTIVE)
        for town in towns
    ]


@transaction.atomic
def work_item_update(*, actor, work_item: WorkItem, **values: Any) -> WorkItem:
    """The office changes title, description, start date, deadline, lead unit or co units (`co_units`)."""
    _require(actor, Action.MANAGE, work_item.lead_unit_id)
    fields = ["title", "description", "start_date", "deadline", "lead_unit", "order"]
    before = snapshot(work_item, fields)
    before_co = sorted(work_item.co_units.values_list("unit_id", flat=True))
    co_units = values.pop("co_units", None)
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
    audit_record(actor=actor, action="work_item.update", obj=work_item, unit=work_item.lead_unit, changes=changes)
    return work_item


def _work_item_transition(actor, work_item: WorkItem, name: str, note: str = "", *, on: dt.date | None = None,
                          action: str = Action.MANAGE) -> WorkItem:
    _require(actor, action, work_item.lead_unit_id)
    work_item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    old = _transition(work_item, WORK_ITEM_TRANSITIONS, name)
    work_item.decision_note = note or work_item.decision_note
    if name == "complete":
        work_item.completed_on = on or _today()
    elif name == "reopen":
        work_item.completed_on = None
    work_item.save()
    audit_record(actor=actor, action=f"work_item.{name}", obj=work_item, unit=work_item.lead_unit,
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
    audit_record(actor=actor, action="milestone.complete", obj=milestone, unit=milestone.work_item.lead_unit,
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
    _require(actor, Action.MANAGE, None)
    if period_end < period_start:
        message = _("The period cannot end before it starts.")
        raise ServiceError(message, fields={"period_end": [message]})
    if ReportingCycle.objects.filter(plan=plan, frequency=frequency, period_start=period_start).exists():
        raise ConflictError(_("This reporting cycle exists already."))
    cycle = ReportingCycle.objects.create(
        plan=plan, frequency=frequency, period_start=period_start, period_end=period_end, due_date=due_date,
        label=(label or cycle_label(frequency, period_start))[:40],
    )
    audit_record(actor=actor, action="cycle.create", obj=cycle,
                 changes=snapshot(cycle, ["plan", "frequency", "period_start", "period_end", "due_date"]))
    return cycle


@transaction.atomic
def cycles_schedule(*, actor, plan: Plan, frequency: str, year: int, due_day: int = 25) -> list[ReportingCycle]:
    """Create the year's missing cycles; each is due on `due_day` of its period's last month."""
    _require(actor, Action.MANAGE, None)
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
    missing requests. Returns how many reports were created.
    """
    _require(actor, Action.MANAGE, None)
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
        audit_record(actor=actor, action="cycle.open", obj=cycle,
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


# Report parts (co units)


def _lock_part(part: ReportPart) -> ReportPart:
    return ReportPart.objects.select_for_update(of=("self",)).select_related("report", "report__work_item", "unit").get(pk=part.pk)


def _check_report_editable(report: ProgressReport) -> None:
    if report.status not in REPORT_EDITABLE:
        raise ConflictError(_("The report has been submitted; its parts can no longer change."))


def _part_texts(part: ReportPart, texts: dict[str, str]) -> None:
    for name in ("done_text", "problems", "next_steps"):
        if name in texts and texts[name] is not None:
            setattr(part, name, texts[name].strip())


@transaction.atomic
def report_part_save(*, actor, part: ReportPart, done_text: str | None = None, problems: str | None = None,
                     next_steps: str | None = None) -> ReportPart:
    """The co unit saves its part as a draft (only its own unit can read a draft)."""
    _require(actor, Action.CHANGE, part.unit_id)
    part = _lock_part(part)
    _check_report_editable(part.report)
    old = part.status
    if part.status != PartStatus.RETURNED:  # a returned part stays visibly returned until re-filed
        _transition(part, PART_TRANSITIONS, "save")
    _part_texts(part, {"done_text": done_text, "problems": problems, "next_steps": next_steps})
    part.save()
    audit_record(actor=actor, action="report_part.save", obj=part, unit=part.unit, changes={"status": [old, part.status]})
    return part


@transaction.atomic
def report_part_submit(*, actor, part: ReportPart, done_text: str | None = None, problems: str | None = None,
                       next_steps: str | None = None) -> ReportPart:
    """The co unit files its part to the lead unit."""
    _require(actor, Action.CHANGE, part.unit_id)
    part = _lock_part(part)
    _check_report_editable(part.report)
    _part_texts(part, {"done_text": done_text, "problems": problems, "next_steps": next_steps})
    _required_text(part.done_text, "done_text", _("Describe the work done."))
    old = _transition(part, PART_TRANSITIONS, "submit")
    part.submitted_at = timezone.now()
    part.submitted_by = actor if actor else None
    part.save()
    _resolve_escalations(part=part)
    audit_record(actor=actor, action="report_part.submit", obj=part, unit=part.unit,
                 changes={"status": [old, part.status]})
    return part


@transaction.atomic
def report_part_return(*, actor, part: ReportPart, reason: str) -> ReportPart:
    """The lead unit sends one part back with a reason; only that part reopens."""
    _require(actor, Action.CHANGE, part.report.unit_id)
    reason = _required_text(reason, "reason", _("Give the reason for returning it."))
    part = _lock_part(part)
    _check_report_editable(part.report)
    old = _transition(part, PART_TRANSITIONS, "return")
    part.return_reason = reason
    part.decided_at = timezone.now()
    part.decided_by = actor if actor else None
    part.save()
    audit_record(actor=actor, action="report_part.return", obj=part, unit=part.unit,
                 changes={"status": [old, part.status], "reason": reason})
    _notify_unit(part.unit_id, kind="progress.part_returned",
                 subject=_("Your part of “%(item)s” was returned") % {"item": part.report.work_item.title[:120]},
                 body=reason, key=f"progress:part-returned:{part.pk}:{part.decided_at.isoformat()}")
    return part


@transaction.atomic
def report_part_accept(*, actor, part: ReportPart) -> ReportPart:
    _require(actor, Action.CHANGE, part.report.unit_id)
    part = _lock_part(part)
    _check_report_editable(part.report)
    old = _transition(part, PART_TRANSITIONS, "accept")
    part.decided_at = timezone.now()
    part.decided_by = actor if actor else None
    part.save()
    audit_record(actor=actor, action="report_part.accept", obj=part, unit=part.unit,
                 changes={"status": [old, part.status]})
    return part


# Reports (lead unit, then the office)


def _lock_report(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update(of=("self",)).select_related("work_item", "cycle", "unit").get(pk=report.pk)


def _report_fields(report: ProgressReport, values: dict[str, Any]) -> None:
    if values.get("progress_pct") not in (None, ""):
        report.progress_pct = _pct(values["progress_pct"])
    for name in ("done_text", "problems", "next_steps"):
        if values.get(name) is not None:
            setattr(report, name, values[name].strip())


@transaction.atomic
def report_save(*, actor, report: ProgressReport, progress_pct: Any = None, done_text: str | None = None,
                problems: str | None = None, next_steps: str | None = None) -> ProgressReport:
    """The lead unit saves the consolidated report as a draft."""
    _require(actor, Action.CHANGE, report.unit_id)
    report = _lock_report(report)
    old = report.status
    if report.status != ReportStatus.RETURNED:  # a returned report stays visibly returned until re-submitted
        _transition(report, REPORT_TRANSITIONS, "save")
    _report_fields(report, {"progress_pct": progress_pct, "done_text": done_text, "problems": problems,
                            "next_steps": next_steps})
    report.save()
    audit_record(actor=actor, action="report.save", obj=report, unit=report.unit,
                 changes={"status": [old, report.status], "progress_pct": report.progress_pct})
    return report


@transaction.atomic
def report_submit(*, actor, report: ProgressReport, progress_pct: Any = None, done_text: str | None = None,
                  problems: str | None = None, next_steps: str | None = None,
                  today: dt.date | None = None) -> ProgressReport:
    """The lead unit submits the consolidated report to the office.

    Every co unit's part must have been filed (submitted or accepted); filed parts are accepted
    with the report. A first submission after the due date is marked late.
    """
    _require(actor, Action.CHANGE, report.unit_id)
    report = _lock_report(report)
    _report_fields(report, {"progress_pct": progress_pct, "done_text": done_text, "problems": problems,
                            "next_steps": next_steps})
    if report.progress_pct is None:
        message = _("Enter a progress between 0 and 100.")
        raise ServiceError(message, fields={"progress_pct": [message]})
    _required_text(report.done_text, "done_text", _("Describe the work done."))
    waiting = list(report.parts.filter(status__in=PART_PENDING).select_related("unit").order_by("unit__path"))
    if waiting:
        raise ConflictError(
            _("Waiting for the parts of: %(units)s.") % {"units": "、".join(p.unit.label for p in waiting)},
            fields={"parts": [p.unit.label for p in waiting]},
        )
    old = _transition(report, REPORT_TRANSITIONS, "submit")
    now = timezone.now()
    if report.submitted_at is None:
        report.submitted_late = (today or timezone.localdate(now)) > report.due_date
    report.submitted_at = now
    report.submitted_by = actor if actor else None
    report.save()
    accepted = report.parts.filter(status=PartStatus.SUBMITTED).update(
        status=PartStatus.ACCEPTED, decided_at=now, decided_by=actor if actor else None
    )
    _resolve_escalations(report=report)
    audit_record(actor=actor, action="report.submit", obj=report, unit=report.unit,
                 changes={"status": [old, report.status], "progress_pct": report.progress_pct,
                          "late": report.submitted_late, "parts_accepted": accepted})
    return report


@transaction.atomic
def report_return(*, actor, report: ProgressReport, reason: str) -> ProgressReport:
    """The office returns a submitted report to the lead unit with a reason."""
    _require(actor, Action.REVIEW, report.unit_id)
    reason = _required_text(reason, "reason", _("Give the reason for returning it."))
    report = _lock_report(report)
    old = _transition(report, REPORT_TRANSITIONS, "return")
    report.return_reason = reason
    report.decided_at = timezone.now()
    report.decided_by = actor if actor else None
    report.save()
    audit_record(actor=actor, action="report.return", obj=report, unit=report.unit,
                 changes={"status": [old, report.status], "reason": reason})
    _notify_unit(report.unit_id, kind="progress.report_returned",
                 subject=_("Your report on “%(item)s” was returned") % {"item": report.work_item.title[:120]},
                 body=reason, key=f"progress:report-returned:{report.pk}:{report.decided_at.isoformat()}")
    return report


@transaction.atomic
def report_approve(*, actor, report: ProgressReport, today: dt.date | None = None,
                   relight: bool = True) -> ProgressReport:
    """The office approves the report: its progress becomes the work item's, and the lights move.

    `relight=False` leaves the lights to one `lights_recompute` at the end (bulk loaders)."""
    _require(actor, Action.REVIEW, report.unit_id)
    report = _lock_report(report)
    old = _transition(report, REPORT_TRANSITIONS, "approve")
    report.decided_at = timezone.now()
    report.decided_by = actor if actor else None
    report.save()
    on = today or _today()
    item = report.work_item
    newer = ProgressReport.objects.filter(work_item=item, status=ReportStatus.APPROVED,
                                          cycle__period_start__gt=report.cycle.period_start).exists()
    if not newer:  # approving a late report of an earlier cycle does not overwrite newer progress
        WorkItem.objects.filter(pk=item.pk).update(progress_pct=report.progress_pct, progress_on=on)
        item.progress_pct, item.progress_on = report.progress_pct, on
    audit_record(actor=actor, action="report.approve", obj=report, unit=report.unit,
                 changes={"status": [old, report.status], "progress_pct": report.progress_pct})
    if relight:
        lights_recompute(on=on, work_items=[item])
    return report


def _resolve_escalations(*, report: ProgressReport | None = None, part: ReportPart | None = None) -> int:
    """The unit has answered: its open 督办 entries for this request are resolved."""
    qs = EscalationEvent.objects.filter(level=EscalationLevel.SUPERVISED, resolved_at__isnull=True)
    qs = qs.filter(part=part) if part is not None else qs.filter(report=report, part__isnull=True)
    return qs.update(resolved_at=timezone.now())


# Evidence


def _check_evidence_open(owner: models.Model) -> None:
    if isinstance(owner, ProgressReport):
        _check_report_editable(owner)
    elif isinstance(owner, ReportPart):
        _check_report_editable(owner.report)
        if owner.status not in PART_PENDING:
            raise ConflictError(_("The part has been filed; evidence can no longer be added."))
    elif isinstance(owner, Finding):
        if owner.status == FindingStatus.CLOSED:
            raise ConflictError(_("The finding is closed out."))
    else:
        raise TypeError(f"evidence cannot be attached to {type(owner).__name__}")


@transaction.atomic
def evidence_attach(*, actor, owner: ProgressReport | ReportPart | Finding, uploaded) -> Attachment:
    """Check an uploaded evidence file (size, type, real content) and store it for `owner`.

    A refused file raises ServiceError before anything is stored.
    """
    unit_id = owner.unit_id
    _require(actor, Action.CHANGE, unit_id)
    _check_evidence_open(owner)
    checked = check_upload(uploaded)
    return attachment_create(actor=actor, checked=checked, owner=owner, unit=OrgUnit.objects.get(pk=unit_id))


# Extension requests (延期申请)


@transaction.atomic
def extension_request_create(*, actor, requested_due_date: dt.date, reason: str,
                             report: ProgressReport | None = None,
                             work_item: WorkItem | None = None) -> ExtensionRequest:
    """The lead unit asks to move a report's due date, or (without a report) the work item's deadline."""
    if report is None and work_item is None:
        raise ValueError("extension_request_create needs a report or a work item")
    work_item = report.work_item if report is not None else work_item
    unit_id = report.unit_id if report is not None else work_item.lead_unit_id
    _require(actor, Action.CHANGE, unit_id)
    reason = _required_text(reason, "reason", _("Give the reason for the extension."))
    current = report.due_date if report is not None else work_item.deadline
    if report is not None and report.status not in REPORT_EDITABLE:
        raise ConflictError(_("The report has been submitted already."))
    if requested_due_date <= current:
        message = _("The new date must be after the current due date (%(date)s).") % {"date": current.isoformat()}
        raise ServiceError(message, fields={"requested_due_date": [message]})
    if ExtensionRequest.objects.filter(work_item=work_item, report=report, status=ExtensionStatus.PENDING).exists():
        raise ConflictError(_("An extension request is already waiting for a decision."))
    extension = ExtensionRequest.objects.create(
        work_item=work_item, report=report, unit_id=unit_id, current_due_date=current,
        requested_due_date=requested_due_date, reason=reason, requested_by=actor,
    )
    audit_record(actor=actor, action="extension.request", obj=extension, unit=extension.unit,
                 changes={"current_due_date": current, "requested_due_date": requested_due_date, "reason": reason})
    return extension


def _extension_decide(actor, extension: ExtensionRequest, name: str, note: str) -> ExtensionRequest:
    _require(actor, Action.APPROVE, extension.unit_id)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    old = _transition(extension, EXTENSION_TRANSITIONS, name)
    extension.decided_by = actor if actor else None
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save()
    changes: dict[str, Any] = {"status": [old, extension.status]}
    if name == "approve":
        if extension.report_id:
            ProgressReport.objects.filter(pk=extension.report_id).update(due_date=extension.requested_due_date)
            _resolve_escalations(report=extension.report)
        else:
            WorkItem.objects.filter(pk=extension.work_item_id).update(deadline=extension.requested_due_date)
        changes["due_date"] = [extension.current_due_date, extension.requested_due_date]
    audit_record(actor=actor, action=f"extension.{name}", obj=extension, unit=extension.unit, changes=changes)
    return extension


@transaction.atomic
def extension_approve(*, actor, extension: ExtensionRequest, note: str = "") -> ExtensionRequest:
    """Approve: the report's due date (or the item's deadline) moves; chasing restarts from the new date."""
    return _extension_decide(actor, extension, "approve", note)


@transaction.atomic
def extension_reject(*, actor, extension: ExtensionRequest, note: str) -> ExtensionRequest:
    note = _required_text(note, "note", _("Give a reason."))
    return _extension_decide(actor, extension, "reject", note)


# Findings (督查问题 → 整改 → 销号)


def _lock_finding(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().get(pk=finding.pk)


@transaction.atomic
def finding_create(*, actor, source: str, title: str, unit: OrgUnit, deadline: dt.date, description: str = "",
                   task: Task | None = None, work_item: WorkItem | None = None,
                   found_on: dt.date | None = None) -> Finding:
    """The office records a problem and the unit responsible for fixing it by `deadline`."""
    _require(actor, Action.REVIEW, unit.pk)
    if source not in FindingSource.values:
        raise ServiceError(_("Choose where the problem came from."), fields={"source": [_("Invalid choice.")]})
    title = _required_text(title, "title", _("Describe the problem."))[:300]
    found_on = found_on or _today()
    if deadline < found_on:
        message = _("The deadline cannot be before the day the problem was found.")
        raise ServiceError(message, fields={"deadline": [message]})
    if work_item is not None and task is None:
        task = work_item.task
    finding = Finding.objects.create(source=source, title=title, description=description, unit=unit, task=task,
                                     work_item=work_item, found_on=found_on, deadline=deadline,
                                     raised_by=actor if actor else None)
    audit_record(actor=actor, action="finding.create", obj=finding, unit=unit,
                 changes=snapshot(finding, ["source", "title", "unit", "task", "work_item", "deadline"]))
    _notify_unit(unit.pk, kind="progress.finding", subject=_("A problem to rectify: %(title)s") % {"title": title[:150]},
                 body=description, key=f"progress:finding:{finding.pk}:created")
    return finding


@transaction.atomic
def finding_plan(*, actor, finding: Finding, rectification_plan: str) -> Finding:
    """The responsible unit states how it will fix the problem (open → rectifying)."""
    _require(actor, Action.CHANGE, finding.unit_id)
    finding = _lock_finding(finding)
    plan = _required_text(rectification_plan, "rectification_plan", _("Describe the rectification plan."))
    old = _transition(finding, FINDING_TRANSITIONS, "plan")
    finding.rectification_plan = plan
    finding.save()
    audit_record(actor=actor, action="finding.plan", obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "rectification_plan": plan})
    return finding


@transaction.atomic
def finding_submit(*, actor, finding: Finding, rectification_result: str) -> Finding:
    """The unit reports the fix done (with evidence attached) and asks for verification."""
    _require(actor, Action.CHANGE, finding.unit_id)
    finding = _lock_finding(finding)
    result = _required_text(rectification_result, "rectification_result", _("Describe what was rectified."))
    old = _transition(finding, FINDING_TRANSITIONS, "submit")
    finding.rectification_result = result
    finding.submitted_at = timezone.now()
    finding.save()
    audit_record(actor=actor, action="finding.submit", obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "rectification_result": result})
    return finding


@transaction.atomic
def finding_verify(*, actor, finding: Finding, note: str = "") -> Finding:
    """The office verifies the fix and closes the finding out (销号)."""
    _require(actor, Action.REVIEW, finding.unit_id)
    finding = _lock_finding(finding)
    old = _transition(finding, FINDING_TRANSITIONS, "verify")
    finding.verified_by = actor if actor else None
    finding.verification_note = note
    finding.closed_at = timezone.now()
    finding.save()
    audit_record(actor=actor, action="finding.verify", obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "note": note})
    return finding


@transaction.atomic
def finding_reject(*, actor, finding: Finding, note: str) -> Finding:
    """The fix is not good enough: back to rectifying, with the reason."""
    _require(actor, Action.REVIEW, finding.unit_id)
    note = _required_text(note, "note", _("Give a reason."))
    finding = _lock_finding(finding)
    old = _transition(finding, FINDING_TRANSITIONS, "reject")
    finding.verification_note = note
    finding.save()
    audit_record(actor=actor, action="finding.reject", obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "note": note})
    _notify_unit(finding.unit_id, kind="progress.finding",
                 subject=_("The rectification of “%(title)s” was not accepted") % {"title": finding.title[:120]},
                 body=note, key=f"progress:finding:{finding.pk}:rejected:{timezone.now().isoformat()}")
    return finding


@transaction.atomic
def finding_reopen(*, actor, finding: Finding, reason: str, deadline: dt.date | None = None) -> Finding:
    """The problem came back: the closed finding reopens for rectification (optionally with a new deadline)."""
    _require(actor, Action.REVIEW, finding.unit_id)
    reason = _required_text(reason, "reason", _("Give a reason."))
    finding = _lock_finding(finding)
    old = _transition(finding, FINDING_TRANSITIONS, "reopen")
    finding.reopened_count += 1
    finding.closed_at = None
    finding.verification_note = reason
    if deadline is not None:
        finding.deadline = deadline
    finding.save()
    audit_record(actor=actor, action="finding.reopen", obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "reason": reason, "deadline": finding.deadline,
                          "reopened_count": finding.reopened_count})
    _notify_unit(finding.unit_id, kind="progress.finding",
                 subject=_("The problem “%(title)s” was reopened") % {"title": finding.title[:120]},
                 body=reason, key=f"progress:finding:{finding.pk}:reopened:{finding.reopened_count}")
    return finding


# Lights


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
