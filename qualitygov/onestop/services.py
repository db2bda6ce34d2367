"""Writes of the one-stop service window. Each is one transaction with its audit event and tells the
measures their inputs changed. A request is written by users holding `change` at its window's unit
(NotFoundError otherwise, as for a missing one); the time-limit rules by an office holding the district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import manages_district, scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.core.versioning import version_check
from qualitygov.core.workdays import workdays_add
from qualitygov.indicators.measures import inputs_changed
from qualitygov.registry.ledgers import RecordMatcher, header_of, read_rows
from qualitygov.registry.models import MarketEntity

from . import events
from .choices import TRANSITIONS, RequestStatus, ServiceKind
from .models import DEFAULT_SLA_WORKDAYS, ServiceRequest, SlaRuleSet
from .sheet import MEASURES, REQUESTS

FIELDS = ["unit", "entity", "kind", "subject", "received_on", "status", "assigned_to", "sla_workdays", "due_on",
          "done_on", "outcome", "solved", "rating"]


def may_change_at(actor, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in scope_for(actor, Action.CHANGE)


def _refuse(field: str, message: str):
    raise ServiceError(message, fields={field: [message]})


def time_limit(kind: str, received_on: dt.date) -> tuple[int, dt.date, SlaRuleSet | None]:
    """(working days, due date, rule set) of a request of `kind` received on `received_on`: the rule set in
    force that day (the default of 10 working days before any), counted on the stored calendar."""
    rule = SlaRuleSet.in_force(received_on)
    days = rule.workdays_for(kind) if rule is not None else DEFAULT_SLA_WORKDAYS
    return days, workdays_add(received_on, days), rule


def _check(*, entity: MarketEntity | None, kind: str, subject: str, received_on: dt.date | None) -> str:
    if entity is None:
        _refuse("entity", _("Choose the firm."))
    if kind not in ServiceKind.values:
        _refuse("kind", _("Choose the service type."))
    subject = (subject or "").strip()
    if not subject:
        _refuse("subject", _("Say what the firm asks for."))
    if received_on is None or received_on > timezone.localdate():
        _refuse("received_on", _("Enter the day the request was received (not in the future)."))
    return subject[:300]


def _lock(actor, request: ServiceRequest) -> ServiceRequest:
    found = (ServiceRequest.objects.visible_to(actor, Action.CHANGE).select_for_update().filter(pk=request.pk)
             .first())
    if found is None:
        raise NotFoundError(_("Not found."))
    return found


@transaction.atomic
def request_create(*, actor, unit: OrgUnit, entity: MarketEntity, kind: str, subject: str, received_on: dt.date,
                   assigned_to: str = "") -> ServiceRequest:
    """Record a request received at the window `unit`; its time limit and due date are fixed now."""
    if unit is None or not may_change_at(actor, unit.pk):
        raise NotFoundError(_("Not found."))
    subject = _check(entity=entity, kind=kind, subject=subject, received_on=received_on)
    days, due, rule = time_limit(kind, received_on)
    obj = ServiceRequest(unit=unit, entity=entity, kind=kind, subject=subject, received_on=received_on,
                         sla_workdays=days, due_on=due, rule_set=rule,
                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
    assigned_to = (assigned_to or "").strip()[:120]
    if assigned_to:
        apply_transition(obj, TRANSITIONS, "assign")
        obj.assigned_to = assigned_to
    obj.save()
    audit_record(actor=actor, action=events.REQUEST_CREATE, obj=obj, unit=unit,
                 changes={"new": snapshot(obj, FIELDS), "rule_set": rule.pk if rule else None})
    inputs_changed(keys=MEASURES, actor=actor)
    return obj


@transaction.atomic
def request_update(*, actor, request: ServiceRequest, entity: MarketEntity, kind: str, subject: str,
                   received_on: dt.date, unit: OrgUnit | None = None, version: int | None = None) -> ServiceRequest:
    """Correct a request's firm, type, subject or day received (the due date follows them)."""
    obj = _lock(actor, request)
    version_check(obj, version, submitted={"subject": subject}, what=_("this request"))
    unit = unit or obj.unit
    if not may_change_at(actor, unit.pk):
        raise NotFoundError(_("Not found."))
    subject = _check(entity=entity, kind=kind, subject=subject, received_on=received_on)
    if obj.done_on is not None and received_on > obj.done_on:
        _refuse("received_on", _("A request cannot be received after it was done."))
    old = snapshot(obj, FIELDS)
    obj.unit, obj.entity, obj.kind, obj.subject, obj.received_on = unit, entity, kind, subject, received_on
    obj.sla_workdays, obj.due_on, obj.rule_set = time_limit(kind, received_on)
    obj.save()
    new = snapshot(obj, FIELDS)
    audit_record(actor=actor, action=events.REQUEST_UPDATE, obj=obj, unit=obj.unit,
                 changes={k: [old[k], new[k]] for k in new if old[k] != new[k]})
    inputs_changed(keys=MEASURES, actor=actor)
    return obj


@transaction.atomic
def request_assign(*, actor, request: ServiceRequest, assigned_to: str, version: int | None = None) -> ServiceRequest:
    obj = _lock(actor, request)
    version_check(obj, version, what=_("this request"))
    assigned_to = (assigned_to or "").strip()[:120]
    if not assigned_to:
        _refuse("assigned_to", _("Say who handles the request."))
    old_status, old = apply_transition(obj, TRANSITIONS, "assign"), obj.assigned_to
    obj.assigned_to = assigned_to
    obj.save()
    audit_record(actor=actor, action=events.REQUEST_ASSIGN, obj=obj, unit=obj.unit,
                 changes={"status": [old_status, obj.status], "assigned_to": [old, assigned_to]})
    return obj


@transaction.atomic
def request_complete(*, actor, request: ServiceRequest, done_on: dt.date, outcome: str = "",
                     solved: bool | None = None, rating: int | None = None,
                     version: int | None = None) -> ServiceRequest:
    """Record the request done on `done_on` (not before it was received, not in the future), what was done,
    whether the firm's problem was solved and its rating (1–5, optional)."""
    obj = _lock(actor, request)
    version_check(obj, version, what=_("this request"))
    if done_on is None or done_on < obj.received_on or done_on > timezone.localdate():
        _refuse("done_on", _("Enter the day it was done: not before it was received, not in the future."))
    if rating is not None and not 1 <= int(rating) <= 5:
        _refuse("rating", _("The rating is 1 to 5."))
    old = apply_transition(obj, TRANSITIONS, "complete")
    obj.done_on, obj.outcome, obj.solved, obj.rating = done_on, (outcome or "").strip(), solved, rating
    obj.save()
    audit_record(actor=actor, action=events.REQUEST_COMPLETE, obj=obj, unit=obj.unit, changes={
        "status": [old, obj.status], "done_on": done_on.isoformat(), "solved": solved, "rating": rating,
        "due_on": obj.due_on.isoformat()})
    inputs_changed(keys=MEASURES, actor=actor)
    return obj


@transaction.atomic
def request_reopen(*, actor, request: ServiceRequest, reason: str, version: int | None = None) -> ServiceRequest:
    obj = _lock(actor, request)
    version_check(obj, version, what=_("this request"))
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("Say why the request is reopened."))
    old = apply_transition(obj, TRANSITIONS, "reopen")
    before = {"done_on": obj.done_on.isoformat() if obj.done_on else None, "rating": obj.rating, "solved": obj.solved}
    obj.done_on, obj.rating, obj.solved = None, None, None
    obj.save()
    audit_record(actor=actor, action=events.REQUEST_REOPEN, obj=obj, unit=obj.unit,
                 changes={"status": [old, obj.status], "reason": reason[:500], "old": before})
    inputs_changed(keys=MEASURES, actor=actor)
    return obj


@transaction.atomic
def request_delete(*, actor, request: ServiceRequest, reason: str = "") -> None:
    obj = _lock(actor, request)
    changes: dict[str, Any] = {"old": snapshot(obj, FIELDS)}
    if reason:
        changes["reason"] = reason[:500]
    pk, text, unit = obj.pk, str(obj), obj.unit
    obj.delete()
    audit_record(actor=actor, action=events.REQUEST_DELETE, object_type="onestop.servicerequest", object_id=pk,
                 object_repr=text, unit=unit, changes=changes)
    inputs_changed(keys=MEASURES, actor=actor)


@transaction.atomic
def sla_rule_create(*, actor, effective_from: dt.date, default: int, by_kind: dict[str, int] | None = None,
                    legal_basis: str = "", name: str = "") -> SlaRuleSet:
    """Add a rule set from `effective_from` (office holding the district only). Requests already received
    keep the limit of their day; those received from then on get the new one."""
    if not manages_district(actor):
        raise NotFoundError(_("Not found."))
    if effective_from is None:
        _refuse("effective_from", _("Enter the day the rule takes effect."))
    if default is None or not 1 <= int(default) <= 120:
        _refuse("default", _("Give the time limit as 1 to 120 working days."))
    clean: dict[str, int] = {}
    for kind, days in (by_kind or {}).items():
        if kind not in ServiceKind.values:
            _refuse("by_kind", _("Unknown service type."))
        if days is not None:
            if not 1 <= int(days) <= 120:
                _refuse(f"days_{kind}", _("Give the time limit as 1 to 120 working days."))
            clean[kind] = int(days)
    if SlaRuleSet.objects.filter(effective_from=effective_from).exists():
        _refuse("effective_from", _("A rule set takes effect on this day already."))
    rule = SlaRuleSet.objects.create(name=(name or "").strip()[:100] or _("One-stop service time limits"),
                                     effective_from=effective_from, legal_basis=(legal_basis or "").strip()[:300],
                                     params={"default": int(default), "by_kind": clean})
    audit_record(actor=actor, action=events.SLA_RULE_CREATE, obj=rule,
                 changes={"new": {"effective_from": effective_from.isoformat(), "params": rule.params,
                                  "legal_basis": rule.legal_basis}})
    return rule


# ── Import (.xlsx or .csv, dry run first) ───────────────────────────────────────────────────────────


@dataclass
class ImportPlan:
    """The dry run of an import: the rows that create or update a request (line, unsaved request), those
    that say what is recorded already (`unchanged`, left alone), and every problem as "第N行“列”列：…"."""

    created: list[tuple[int, ServiceRequest]]
    updated: list[tuple[int, ServiceRequest]]
    errors: list[str]
    unchanged: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_problems(obj: ServiceRequest, values: dict[str, Any], today: dt.date) -> list[tuple[str, str]]:
    """(field, message) for what the form and the services would refuse in one row."""
    problems: list[tuple[str, str]] = []
    try:
        _check(entity=values.get("entity"), kind=values.get("kind"), subject=values.get("subject"),
               received_on=values.get("received_on"))
    except ServiceError as exc:
        problems += [(name, str(message)) for name, messages in exc.fields.items() for message in messages]
        return problems
    done_on, rating = values.get("done_on"), values.get("rating")
    if done_on is not None and (done_on < obj.received_on or done_on > today):
        problems.append(("done_on", _("Enter the day it was done: not before it was received, not in the future.")))
    if rating is not None and not 1 <= rating <= 5:
        problems.append(("rating", _("The rating is 1 to 5.")))
    if done_on is None and (rating is not None or values.get("solved") is not None):
        problems.append(("done_on", _("A rating or whether the problem was solved needs the day it was done.")))
    return problems


def import_plan(*, actor, data: bytes, filename: str, unit: OrgUnit) -> ImportPlan:
    """The dry run: read the file and check every row as it would be saved; writes nothing.

    A row with the firm, type, day received and subject of a recorded request updates it (its handling,
    done day, rating), when the actor may change it; other rows are new requests kept by `unit`. The
    status follows the row: done when it has a done day, assigned when it names who handles it."""
    if unit is None or not may_change_at(actor, unit.pk):
        raise NotFoundError(_("Not found."))
    read = read_rows(REQUESTS, data, filename)
    plan = ImportPlan([], [], list(read.errors))
    bad = read.bad_lines()
    matcher = RecordMatcher(REQUESTS, ServiceRequest.objects.visible_to(actor, Action.CHANGE))
    today = timezone.localdate()
    for row in read.rows:
        if row.line in bad:
            continue
        values = row.values
        existing, error = matcher.match(row)
        if error:
            plan.errors.append(error)
            continue
        before = snapshot(existing, FIELDS) if existing is not None else None
        obj = existing or ServiceRequest(unit=unit)
        for name in ("entity", "kind", "received_on", "assigned_to", "done_on", "solved", "rating", "outcome"):
            if name in values:  # a column the file leaves out keeps what is recorded
                setattr(obj, name, values[name])
        obj.subject = (values.get("subject") or "").strip()[:300]
        problems = _row_problems(obj, values, today)
        for name, message in problems:
            plan.errors.append(f"第{row.line}行“{header_of(REQUESTS, name)}”列：{message}")
        if problems:
            continue
        obj.sla_workdays, obj.due_on, obj.rule_set = time_limit(obj.kind, obj.received_on)
        obj.status = (RequestStatus.DONE if obj.done_on else
                      RequestStatus.ASSIGNED if obj.assigned_to else RequestStatus.RECEIVED)
        if existing is None:
            plan.created.append((row.line, obj))
        elif snapshot(obj, FIELDS) == before:
            plan.unchanged.append(row.line)
        else:
            plan.updated.append((row.line, obj))
    return plan


@transaction.atomic
def requests_import(*, actor, data: bytes, filename: str, unit: OrgUnit, sha256: str = "") -> ImportPlan:
    """Import the file all or nothing: with any problem nothing is written (ServiceError listing them all);
    otherwise each row creates or updates its request with its audit event, and one import event names
    the file."""
    plan = import_plan(actor=actor, data=data, filename=filename, unit=unit)
    if not plan.ok:
        raise ServiceError(_("The file has %(n)d problems; nothing was imported.") % {"n": len(plan.errors)},
                           code="import_errors", fields={"file": plan.errors})
    creator = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            for _line, obj in plan.updated:
                old = snapshot(ServiceRequest.objects.get(pk=obj.pk), FIELDS)
                obj.save()
                new = snapshot(obj, FIELDS)
                audit_record(actor=actor, action=events.REQUEST_UPDATE, obj=obj, unit=obj.unit,
                             changes={k: [old[k], new[k]] for k in new if old[k] != new[k]})
            for _line, obj in plan.created:
                obj.created_by = creator
                obj.save()
                audit_record(actor=actor, action=events.REQUEST_CREATE, obj=obj, unit=unit,
                             changes={"new": snapshot(obj, FIELDS)})
    except IntegrityError:
        raise ServiceError(_("The file conflicts with records saved meanwhile; nothing was imported. "
                             "Check it again.")) from None
    audit_record(actor=actor, action=events.REQUESTS_IMPORT, object_type="onestop.servicerequest",
                 object_repr=filename[:200], unit=unit,
                 changes={"file": filename[:200], "sha256": sha256, "created": len(plan.created),
                          "updated": len(plan.updated)})
    inputs_changed(keys=MEASURES, actor=actor)
    return plan
