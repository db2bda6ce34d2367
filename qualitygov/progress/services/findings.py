"""Findings (督查问题): rectification (整改), verification and close-out (销号), reopening."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.versioning import version_check
from qualitygov.plans.models import Task
from qualitygov.progress import events

from ..choices import (
    FINDING_TRANSITIONS,
    FindingSource,
)
from ..models import (
    Finding,
    WorkItem,
)
from ._common import _notify_unit, _require, _require_other_person, _required_text, _today, _transition

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
    if work_item is not None:
        if actor is not None and not WorkItem.objects.visible_to(actor, Action.VIEW).filter(pk=work_item.pk).exists():
            raise NotFoundError(_("Not found."))
        if task is None:
            task = work_item.task
    finding = Finding.objects.create(source=source, title=title, description=description, unit=unit, task=task,
                                     work_item=work_item, found_on=found_on, deadline=deadline,
                                     raised_by=actor if actor else None)
    audit_record(actor=actor, action=events.FINDING_CREATE, obj=finding, unit=unit,
                 changes=snapshot(finding, ["source", "title", "unit", "task", "work_item", "deadline"]))
    _notify_unit(unit.pk, kind="progress.finding", subject=_("A problem to rectify: %(title)s") % {"title": title[:150]},
                 body=description, key=f"progress:finding:{finding.pk}:created")
    return finding


@transaction.atomic
def finding_plan(*, actor, finding: Finding, rectification_plan: str, version: int | None = None) -> Finding:
    """The responsible unit states how it will fix the problem (open → rectifying); a stale `version` is refused."""
    _require(actor, Action.CHANGE, finding.unit_id)
    finding = _lock_finding(finding)
    version_check(finding, version, submitted={"rectification_plan": rectification_plan}, what=_("This finding"))
    plan = _required_text(rectification_plan, "rectification_plan", _("Describe the rectification plan."))
    old = _transition(finding, FINDING_TRANSITIONS, "plan")
    finding.rectification_plan = plan
    finding.save()
    audit_record(actor=actor, action=events.FINDING_PLAN, obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "rectification_plan": plan})
    return finding


@transaction.atomic
def finding_submit(*, actor, finding: Finding, rectification_result: str, version: int | None = None) -> Finding:
    """The unit reports the fix done (with evidence attached) and asks for verification; a stale `version` is refused."""
    _require(actor, Action.CHANGE, finding.unit_id)
    finding = _lock_finding(finding)
    version_check(finding, version, submitted={"rectification_result": rectification_result}, what=_("This finding"))
    result = _required_text(rectification_result, "rectification_result", _("Describe what was rectified."))
    old = _transition(finding, FINDING_TRANSITIONS, "submit")
    finding.rectification_result = result
    finding.submitted_at = timezone.now()
    finding.submitted_by = actor if actor else None
    finding.save()
    audit_record(actor=actor, action=events.FINDING_SUBMIT, obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "rectification_result": result})
    return finding


@transaction.atomic
def finding_verify(*, actor, finding: Finding, note: str = "") -> Finding:
    """The office verifies the fix and closes the finding out (销号)."""
    _require(actor, Action.REVIEW, finding.unit_id)
    finding = _lock_finding(finding)
    _require_other_person(actor, finding.submitted_by_id, "finding_verification",
                          _("You submitted this rectification yourself, so you cannot verify it."))
    old = _transition(finding, FINDING_TRANSITIONS, "verify")
    finding.verified_by = actor if actor else None
    finding.verification_note = note
    finding.closed_at = timezone.now()
    finding.save()
    audit_record(actor=actor, action=events.FINDING_VERIFY, obj=finding, unit=finding.unit,
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
    audit_record(actor=actor, action=events.FINDING_REJECT, obj=finding, unit=finding.unit,
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
    audit_record(actor=actor, action=events.FINDING_REOPEN, obj=finding, unit=finding.unit,
                 changes={"status": [old, finding.status], "reason": reason, "deadline": finding.deadline,
                          "reopened_count": finding.reopened_count})
    _notify_unit(finding.unit_id, kind="progress.finding",
                 subject=_("The problem “%(title)s” was reopened") % {"title": finding.title[:120]},
                 body=reason, key=f"progress:finding:{finding.pk}:reopened:{finding.reopened_count}")
    return finding
