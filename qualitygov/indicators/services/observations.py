"""Observations: draft, submit, return, approve; change requests to approved values."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, diff, snapshot
from qualitygov.core.errors import ConflictError, ServiceError
from qualitygov.core.notifications import notification_send
from qualitygov.core.transitions import apply_transition
from qualitygov.core.versioning import version_check
from qualitygov.indicators import events

from ..choices import (
    CHANGE_REQUEST_TRANSITIONS,
    ChangeRequestStatus,
    DataSource,
    IndicatorState,
    ObservationStatus,
)
from ..models import (
    Indicator,
    IndicatorResponsibility,
    Observation,
    ObservationChangeRequest,
    ReportingPeriod,
)
from .common import (
    OBSERVATION_FIELDS,
    _previous_value,
    _require_change,
    _require_reviewer,
    _transition,
    check_limits,
    observation_value_check,
    parse_value,
)
from .status_refresh import indicator_status_refresh

# Observations

def _lock(observation: Observation) -> Observation:
    return (Observation.objects.select_for_update().select_related("indicator", "period", "unit")
            .get(pk=observation.pk))


@transaction.atomic
def observation_save_draft(*, actor, period: ReportingPeriod, unit: OrgUnit, value: Any, comment: str = "",
                           town: OrgUnit | None = None, version: int | None = None) -> Observation:
    """Save `unit`'s value for `period` (and `town` when the indicator is broken down by town) as a draft.

    A draft or returned value may be changed; a submitted one waits for review and an approved one is
    locked (ConflictError: ask for a correction instead). `version` is the version the writer was shown
    (0: there was no value yet); a save against another one is refused (ConflictError, code "stale").
    """
    indicator = Indicator.objects.get(pk=period.indicator_id)  # the stored definition counts
    _require_change(actor, unit)
    if indicator.data_source != DataSource.ENTERED:
        raise ServiceError(_("This indicator is computed from platform data; its values are not entered."),
                           code="computed")
    if indicator.state == IndicatorState.RETIRED:
        raise ServiceError(_("This indicator has been retired; its values are no longer reported."),
                           code="retired")
    if not IndicatorResponsibility.objects.filter(indicator=indicator, unit=unit).exists():
        raise ServiceError(_("%(unit)s is not responsible for this indicator.") % {"unit": unit.label},
                           code="not_responsible")
    if indicator.by_town and town is None:
        message = _("Choose the town this value is for.")
        raise ServiceError(message, fields={"town": [message]})
    if town is not None and (not indicator.by_town or town.kind not in TOWN_KINDS):
        message = _("This indicator is not broken down by town.") if not indicator.by_town else _(
            "Choose a town, subdistrict or management committee.")
        raise ServiceError(message, fields={"town": [message]})
    comment = (comment or "").strip()
    number = observation_value_check(indicator=indicator, value=value, comment=comment,
                                     previous=_previous_value(period, unit, town))
    observation = (Observation.objects.select_for_update().filter(period=period, unit=unit, town=town).first())
    if observation is None:
        if version:  # the writer saw a value that is gone
            raise ConflictError(_("This value was removed after you opened it; reload the page."), code="stale")
        observation = Observation(indicator=indicator, period=period, unit=unit, town=town)
        before: dict[str, Any] = {}
    else:
        if version is not None:
            version_check(observation, version or 0, submitted={"value": number, "comment": comment},
                          what=_("This value"))
        if observation.status == ObservationStatus.APPROVED:
            raise ConflictError(_("This value is approved and locked; ask for a correction instead."))
        if observation.status == ObservationStatus.SUBMITTED:
            raise ConflictError(_("This value has been submitted and is awaiting review; it cannot change now."))
        before = snapshot(observation, OBSERVATION_FIELDS)
    observation.value = number
    observation.comment = comment
    observation.save()
    audit_record(actor=actor, action=events.OBSERVATION_SAVE_DRAFT, obj=observation, unit=unit,
                 changes=diff(before, snapshot(observation, OBSERVATION_FIELDS)))
    return observation


@transaction.atomic
def observation_submit(*, actor, observation: Observation, version: int | None = None) -> Observation:
    """Send a draft (or returned) value for review; the first submitted value and time are kept for good.

    A stale `version` (the value changed since the writer saw it) is refused (ConflictError, code "stale")."""
    observation = _lock(observation)
    version_check(observation, version, what=_("This value"))
    _require_change(actor, observation.unit)
    if observation.value is None:
        raise ServiceError(_("Enter a value before submitting."), fields={"value": [_("Enter a number.")]})
    before = snapshot(observation, OBSERVATION_FIELDS)
    _transition(observation, "submit")
    now = timezone.now()
    observation.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    observation.submitted_at = now
    if observation.first_submitted_value is None:
        observation.first_submitted_value = observation.value
        observation.first_submitted_at = now
    observation.return_reason = ""
    observation.save()
    audit_record(actor=actor, action=events.OBSERVATION_SUBMIT, obj=observation, unit=observation.unit,
                 changes=diff(before, snapshot(observation, OBSERVATION_FIELDS)))
    return observation


@transaction.atomic
def observation_withdraw(*, actor, observation: Observation, version: int | None = None) -> Observation:
    """Take a submitted value back before it is reviewed: it is a draft again, to correct and resubmit.

    Only the unit (change at the unit) may; a reviewed value is refused (ConflictError). The first
    submitted value and time stay (timeliness counts the first submission)."""
    observation = _lock(observation)
    version_check(observation, version, what=_("This value"))
    _require_change(actor, observation.unit)
    if observation.status != ObservationStatus.SUBMITTED:
        raise ConflictError(_("Only a value awaiting review can be withdrawn."))
    before = snapshot(observation, OBSERVATION_FIELDS)
    _transition(observation, "withdraw")
    observation.save()
    audit_record(actor=actor, action=events.OBSERVATION_WITHDRAW, obj=observation, unit=observation.unit,
                 changes=diff(before, snapshot(observation, OBSERVATION_FIELDS)))
    return observation


@transaction.atomic
def observation_return(*, actor, observation: Observation, reason: str) -> Observation:
    """Send a submitted value back to its unit with a reason (the submitter is notified)."""
    observation = _lock(observation)
    _require_reviewer(actor, observation.unit, author=observation.submitted_by)
    if not (reason or "").strip():
        message = _("Give a reason for returning the value.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    before = snapshot(observation, OBSERVATION_FIELDS)
    _transition(observation, "return")
    observation.return_reason = reason.strip()
    observation.save()
    audit_record(actor=actor, action=events.OBSERVATION_RETURN, obj=observation, unit=observation.unit,
                 changes=diff(before, snapshot(observation, OBSERVATION_FIELDS)))
    if observation.submitted_by is not None:
        indicator, period = observation.indicator, observation.period
        notification_send(
            recipient=observation.submitted_by, kind="indicator_returned",
            subject=_("Returned: %(code)s %(name)s, %(period)s") % {"code": indicator.code, "name": indicator.name,
                                                                    "period": period.label},
            body=_("Reason: %(reason)s") % {"reason": observation.return_reason},
            dedup_key=f"indicator-returned:{observation.pk}:{timezone.now().isoformat()}",
            unit_ref=observation.unit_id,
        )
    return observation


@transaction.atomic
def observation_approve(*, actor, observation: Observation) -> Observation:
    """Approve a submitted value: it is locked from now on and counts for the indicator's status."""
    observation = _lock(observation)
    _require_reviewer(actor, observation.unit, author=observation.submitted_by)
    before = snapshot(observation, OBSERVATION_FIELDS)
    _transition(observation, "approve")
    observation.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    observation.approved_at = timezone.now()
    observation.save()
    audit_record(actor=actor, action=events.OBSERVATION_APPROVE, obj=observation, unit=observation.unit,
                 changes=diff(before, snapshot(observation, OBSERVATION_FIELDS)))
    indicator_status_refresh(indicator=observation.indicator, as_of=timezone.localdate())
    return observation


@transaction.atomic
def change_request_create(*, actor, observation: Observation, new_value: Any,
                          reason: str) -> ObservationChangeRequest:
    """Ask to correct an approved value; an approver decides. One pending request per value."""
    if actor is None:
        raise ValueError("a change request needs the person asking for it")
    observation = _lock(observation)
    _require_change(actor, observation.unit)
    if observation.status != ObservationStatus.APPROVED:
        raise ConflictError(_("Only an approved value is corrected through a request; edit the draft instead."))
    if not (reason or "").strip():
        message = _("Give a reason for the correction.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    number = parse_value(new_value, field="new_value")
    check_limits(observation.indicator, number, field="new_value")
    if observation.change_requests.filter(status=ChangeRequestStatus.PENDING).exists():
        raise ConflictError(_("A correction of this value is already awaiting a decision."))
    request = ObservationChangeRequest.objects.create(
        observation=observation, new_value=number, reason=reason.strip(),
        requested_by=actor)
    audit_record(actor=actor, action=events.OBSERVATION_CHANGE_REQUEST, obj=request, unit=observation.unit,
                 changes={"observation": observation.pk, "value": [observation.value, number],
                          "reason": request.reason})
    return request


@transaction.atomic
def change_request_decide(*, actor, change_request: ObservationChangeRequest, approve: bool,
                          note: str = "") -> ObservationChangeRequest:
    """Approve (the value changes; the first submitted value stays) or reject a pending correction."""
    request = (ObservationChangeRequest.objects.select_for_update().select_related("observation")
               .get(pk=change_request.pk))
    observation = _lock(request.observation)
    _require_reviewer(actor, observation.unit, author=request.requested_by)
    apply_transition(request, CHANGE_REQUEST_TRANSITIONS, "approve" if approve else "reject",
                     refusal=lambda _request: _("This request has already been decided."))
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()
    request.save()
    changes: dict[str, Any] = {"status": [ChangeRequestStatus.PENDING, request.status], "note": request.decision_note}
    if approve:
        changes["value"] = [observation.value, request.new_value]
        observation.value = request.new_value
        update = ["value", "updated_at"]
        if request.provenance:  # a recomputed value: its inputs replace the old ones
            observation.provenance = request.provenance
            update.append("provenance")
        observation.save(update_fields=update)
        audit_record(actor=actor, action=events.OBSERVATION_CORRECT, obj=observation, unit=observation.unit,
                     changes={"value": changes["value"], "change_request": request.pk})
    audit_record(actor=actor, action=events.OBSERVATION_CHANGE_REQUEST_DECIDE, obj=request, unit=observation.unit,
                 changes=changes)
    if approve:
        indicator_status_refresh(indicator=observation.indicator, as_of=timezone.localdate())
    return request


