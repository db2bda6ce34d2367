"""Report parts (co units), consolidated reports (lead unit, office), evidence, extension requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import ConflictError, ServiceError
from qualitygov.core.models import Attachment
from qualitygov.core.uploads import attachment_create, check_upload
from qualitygov.core.versioning import bump, version_check
from qualitygov.progress import events

from ..choices import (
    EXTENSION_TRANSITIONS,
    PART_PENDING,
    PART_TRANSITIONS,
    REPORT_EDITABLE,
    REPORT_TRANSITIONS,
    EscalationLevel,
    ExtensionStatus,
    FindingStatus,
    PartStatus,
    ReportStatus,
)
from ..models import (
    EscalationEvent,
    ExtensionRequest,
    Finding,
    ProgressReport,
    ReportPart,
    WorkItem,
)
from ._common import _notify_unit, _pct, _require, _require_other_person, _required_text, _today, _transition
from .lighting import lights_recompute

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
                     next_steps: str | None = None, version: int | None = None) -> ReportPart:
    """The co unit saves its part as a draft (only its own unit can read a draft).

    `version` is the part's version the writer was shown: a save against an older one is refused
    (ConflictError, code "stale") and changes nothing."""
    _require(actor, Action.CHANGE, part.unit_id)
    part = _lock_part(part)
    version_check(part, version, submitted={"done_text": done_text, "problems": problems, "next_steps": next_steps},
                  what=_("This part"))
    _check_report_editable(part.report)
    old = part.status
    if part.status != PartStatus.RETURNED:  # a returned part stays visibly returned until re-filed
        _transition(part, PART_TRANSITIONS, "save")
    _part_texts(part, {"done_text": done_text, "problems": problems, "next_steps": next_steps})
    part.save()
    audit_record(actor=actor, action=events.REPORT_PART_SAVE, obj=part, unit=part.unit, changes={"status": [old, part.status]})
    return part


@transaction.atomic
def report_part_submit(*, actor, part: ReportPart, done_text: str | None = None, problems: str | None = None,
                       next_steps: str | None = None, version: int | None = None) -> ReportPart:
    """The co unit files its part to the lead unit (`version` as in `report_part_save`)."""
    _require(actor, Action.CHANGE, part.unit_id)
    part = _lock_part(part)
    version_check(part, version, submitted={"done_text": done_text, "problems": problems, "next_steps": next_steps},
                  what=_("This part"))
    _check_report_editable(part.report)
    _part_texts(part, {"done_text": done_text, "problems": problems, "next_steps": next_steps})
    _required_text(part.done_text, "done_text", _("Describe the work done."))
    old = _transition(part, PART_TRANSITIONS, "submit")
    part.submitted_at = timezone.now()
    part.submitted_by = actor if actor else None
    part.save()
    _resolve_escalations(part=part)
    audit_record(actor=actor, action=events.REPORT_PART_SUBMIT, obj=part, unit=part.unit,
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
    audit_record(actor=actor, action=events.REPORT_PART_RETURN, obj=part, unit=part.unit,
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
    audit_record(actor=actor, action=events.REPORT_PART_ACCEPT, obj=part, unit=part.unit,
                 changes={"status": [old, part.status]})
    return part


# Reports (lead unit, then the office)


def _lock_report(report: ProgressReport) -> ProgressReport:
    return ProgressReport.objects.select_for_update(of=("self",)).select_related("work_item", "cycle", "unit").get(pk=report.pk)


def _check_version(report: ProgressReport, version: int | None, progress_pct, done_text, problems,
                   next_steps) -> None:
    version_check(report, version, submitted={"progress_pct": progress_pct if progress_pct not in ("", None) else None,
                                              "done_text": done_text, "problems": problems, "next_steps": next_steps},
                  what=_("This report"))


def _report_fields(report: ProgressReport, values: dict[str, Any]) -> None:
    if values.get("progress_pct") not in (None, ""):
        report.progress_pct = _pct(values["progress_pct"])
    for name in ("done_text", "problems", "next_steps"):
        if values.get(name) is not None:
            setattr(report, name, values[name].strip())


@transaction.atomic
def report_save(*, actor, report: ProgressReport, progress_pct: Any = None, done_text: str | None = None,
                problems: str | None = None, next_steps: str | None = None,
                version: int | None = None) -> ProgressReport:
    """The lead unit saves the consolidated report as a draft.

    `version` is the report's version the writer was shown: a save against an older one is refused
    (ConflictError, code "stale", naming what changed) and changes nothing."""
    _require(actor, Action.CHANGE, report.unit_id)
    report = _lock_report(report)
    _check_version(report, version, progress_pct, done_text, problems, next_steps)
    old = report.status
    if report.status != ReportStatus.RETURNED:  # a returned report stays visibly returned until re-submitted
        _transition(report, REPORT_TRANSITIONS, "save")
    _report_fields(report, {"progress_pct": progress_pct, "done_text": done_text, "problems": problems,
                            "next_steps": next_steps})
    report.save()
    audit_record(actor=actor, action=events.REPORT_SAVE, obj=report, unit=report.unit,
                 changes={"status": [old, report.status], "progress_pct": report.progress_pct})
    return report


@transaction.atomic
def report_submit(*, actor, report: ProgressReport, progress_pct: Any = None, done_text: str | None = None,
                  problems: str | None = None, next_steps: str | None = None,
                  today: dt.date | None = None, version: int | None = None) -> ProgressReport:
    """The lead unit submits the consolidated report to the office.

    Every co unit's part must have been filed (submitted or accepted); filed parts are accepted
    with the report. A first submission after the due date is marked late. `version` as in `report_save`.
    """
    _require(actor, Action.CHANGE, report.unit_id)
    report = _lock_report(report)
    _check_version(report, version, progress_pct, done_text, problems, next_steps)
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
        status=PartStatus.ACCEPTED, decided_at=now, decided_by=actor if actor else None, **bump()
    )
    _resolve_escalations(report=report)
    audit_record(actor=actor, action=events.REPORT_SUBMIT, obj=report, unit=report.unit,
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
    audit_record(actor=actor, action=events.REPORT_RETURN, obj=report, unit=report.unit,
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
    _require_other_person(actor, report.submitted_by_id, "report_approval",
                          _("You submitted this report yourself, so you cannot approve it."))
    old = _transition(report, REPORT_TRANSITIONS, "approve")
    report.decided_at = timezone.now()
    report.decided_by = actor if actor else None
    report.save()
    on = today or _today()
    item = report.work_item
    newer = ProgressReport.objects.filter(work_item=item, status=ReportStatus.APPROVED,
                                          cycle__period_start__gt=report.cycle.period_start).exists()
    if not newer:  # approving a late report of an earlier cycle does not overwrite newer progress
        WorkItem.objects.filter(pk=item.pk).update(progress_pct=report.progress_pct, progress_on=on, **bump())
        item.progress_pct, item.progress_on = report.progress_pct, on
    audit_record(actor=actor, action=events.REPORT_APPROVE, obj=report, unit=report.unit,
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
    audit_record(actor=actor, action=events.EXTENSION_REQUEST, obj=extension, unit=extension.unit,
                 changes={"current_due_date": current, "requested_due_date": requested_due_date, "reason": reason})
    return extension


def _extension_decide(actor, extension: ExtensionRequest, name: str, note: str) -> ExtensionRequest:
    _require(actor, Action.APPROVE, extension.unit_id)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if name == "approve":
        _require_other_person(actor, extension.requested_by_id, "extension_approval",
                              _("You requested this extension yourself, so you cannot approve it."))
    old = _transition(extension, EXTENSION_TRANSITIONS, name)
    extension.decided_by = actor if actor else None
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save()
    changes: dict[str, Any] = {"status": [old, extension.status]}
    if name == "approve":
        if extension.report_id:
            ProgressReport.objects.filter(pk=extension.report_id).update(due_date=extension.requested_due_date,
                                                                          **bump())
            _resolve_escalations(report=extension.report)
        else:
            WorkItem.objects.filter(pk=extension.work_item_id).update(deadline=extension.requested_due_date, **bump())
        changes["due_date"] = [extension.current_due_date, extension.requested_due_date]
    audit_record(actor=actor, action=events.EXTENSION_TRANSITION_EVENTS[name], obj=extension, unit=extension.unit, changes=changes)
    return extension


@transaction.atomic
def extension_approve(*, actor, extension: ExtensionRequest, note: str = "") -> ExtensionRequest:
    """Approve: the report's due date (or the item's deadline) moves; chasing restarts from the new date."""
    return _extension_decide(actor, extension, "approve", note)


@transaction.atomic
def extension_reject(*, actor, extension: ExtensionRequest, note: str) -> ExtensionRequest:
    note = _required_text(note, "note", _("Give a reason."))
    return _extension_decide(actor, extension, "reject", note)
