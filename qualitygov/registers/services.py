"""Writes of the quality registers. Every write is one transaction with its audit event(s) and tells the
measures that their inputs changed.

A record belongs to its keeping unit: the actor must hold `change` there (NotFoundError otherwise, as
for a missing record — and the same for a record outside the actor's scope). The generic services take
the register's declaration (`registers.BRANDS`…); each register also has its named services
(`brand_save`, `brand_delete`, `brand_import`…), which are the same with the declaration filled in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, snapshot
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import scope_for
from qualitygov.core.transitions import apply_transition
from qualitygov.core.versioning import version_check
from qualitygov.indicators.measures import inputs_changed
from qualitygov.registry.ledgers import RecordMatcher, Register, read_rows, validation_messages

from . import events
from .choices import NEXT_STEP, STAGE_TRANSITIONS, AwardResult
from .models import AwardApplication, AwardRound
from .registers import APPLICATIONS, BRANDS, OFFICERS, PUBLICITY, ROUNDS, STANDARDS, VISITS


def may_change_at(actor, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in scope_for(actor, Action.CHANGE)


def _require_unit(actor, unit: OrgUnit | None) -> None:
    if unit is None or not may_change_at(actor, unit.pk):
        raise NotFoundError(_("Not found."))


def _fields(register: Register) -> list[str]:
    return [c.name for c in register.columns] + ["unit"]


def _apply(register: Register, obj, values: Mapping[str, Any]) -> None:
    for col in register.columns:
        if col.name in values:
            setattr(obj, col.name, values[col.name])


def _validate(register: Register, obj) -> dict[str, list[str]]:
    """Model validation (required fields, lengths, unique constraints) and the register's own rules."""
    errors: dict[str, list[str]] = {}
    try:
        obj.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        errors = validation_messages(register, exc)
    if register.check is not None and not errors:
        for name, message in register.check(obj).items():
            errors.setdefault(name, []).append(str(message))
    return errors


def _refuse(errors: dict[str, list[str]]):
    first = next(iter(errors.values()))[0]
    raise ServiceError(first, fields=errors)


def _lock(register: Register, actor, obj):
    """The record locked, when the actor may change it (NotFoundError otherwise)."""
    found = register.model.objects.visible_to(actor, Action.CHANGE).filter(pk=obj.pk).select_for_update().first()
    if found is None:
        raise NotFoundError(_("Not found."))
    return found


@transaction.atomic
def record_save(*, actor, register: Register, values: Mapping[str, Any], unit: OrgUnit, record=None,
                version: int | None = None):
    """Create a record of `register` kept by `unit` (`record` None) or change one; `values` by field name.

    ServiceError with field errors (nothing written) when a value is missing or wrong; NotFoundError when
    the actor may not change records at `unit` or the record; ConflictError for a stale `version`.
    """
    _require_unit(actor, unit)
    created = record is None
    if created:
        obj = register.model(unit=unit, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        old: dict[str, Any] = {}
    else:
        obj = _lock(register, actor, record)
        version_check(obj, version, submitted=dict(values), what=str(register.noun))
        old = snapshot(obj, _fields(register))
        obj.unit = unit
    _apply(register, obj, values)
    errors = _validate(register, obj)
    if errors:
        _refuse(errors)
    obj.save()
    new = snapshot(obj, _fields(register))
    changes = {"new": new} if created else {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    audit_record(actor=actor, action=register.events[0] if created else register.events[1], obj=obj, unit=obj.unit,
                 changes=changes)
    inputs_changed(keys=register.measures, actor=actor)
    return obj


@transaction.atomic
def record_delete(*, actor, register: Register, record, reason: str = "") -> None:
    """Delete a record (its audit event keeps what it held). ServiceError while other records refer to it."""
    obj = _lock(register, actor, record)
    old = snapshot(obj, _fields(register))
    pk, text, unit = obj.pk, str(obj), obj.unit
    try:
        with transaction.atomic():
            obj.delete()
    except Exception as exc:  # ProtectedError / RestrictedError: applications still refer to a round
        if type(exc).__name__ in ("ProtectedError", "RestrictedError"):
            raise ServiceError(_("Other records refer to this one: delete or move them first.")) from None
        raise
    changes: dict[str, Any] = {"old": old}
    if reason:
        changes["reason"] = reason[:500]
    audit_record(actor=actor, action=register.events[2], object_type=register.model._meta.label_lower,
                 object_id=pk, object_repr=text, unit=unit, changes=changes)
    inputs_changed(keys=register.measures, actor=actor)


@dataclass
class ImportPlan:
    """What an import would do (the dry run) or did: rows to create, rows to update, every problem."""

    created: list[tuple[int, Any]]
    updated: list[tuple[int, Any]]
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _fk_queryset(actor):
    def queryset(name: str, model):
        manager = model._default_manager
        return manager.visible_to(actor, Action.VIEW) if hasattr(manager.all(), "visible_to") else manager.all()
    return queryset


def import_plan(*, actor, register: Register, data: bytes, filename: str, unit: OrgUnit) -> ImportPlan:
    """The dry run: read the file and validate every row as it would be saved; writes nothing.

    A row whose natural key (e.g. a brand's kind and number) matches a record updates it — when the
    actor may change that record; otherwise the row is an error. Errors read "第N行“列”列（C）：…".
    """
    _require_unit(actor, unit)
    read = read_rows(register, data, filename, fk_queryset=_fk_queryset(actor))
    plan = ImportPlan([], [], list(read.errors))
    matcher = RecordMatcher(register, register.model.objects.visible_to(actor, Action.CHANGE))
    bad = read.bad_lines()
    for row in read.rows:
        if row.line in bad:
            continue
        existing, error = matcher.match(row)
        if error:
            plan.errors.append(error)
            continue
        obj = existing or register.model(unit=unit)
        if existing is None:
            obj.unit = unit
        _apply(register, obj, row.values)
        errors = _validate(register, obj)
        for name, messages in errors.items():
            header = next((c.header for c in register.columns if c.name == name), "")
            where = _("Row %(line)d, column “%(column)s”") % {"line": row.line, "column": header} if header else \
                _("Row %(line)d") % {"line": row.line}
            for message in messages:
                plan.errors.append(f"{where}：{message}")
        if not errors:
            (plan.updated if existing is not None else plan.created).append((row.line, obj))
    return plan


@transaction.atomic
def records_import(*, actor, register: Register, data: bytes, filename: str, unit: OrgUnit,
                   sha256: str = "") -> ImportPlan:
    """Import the file all or nothing: with any error nothing is written (ServiceError listing them all);
    otherwise each row is created (kept by `unit`) or updates its record, each with its audit event, and
    one import event names the file."""
    plan = import_plan(actor=actor, register=register, data=data, filename=filename, unit=unit)
    if not plan.ok:
        raise ServiceError(_("The file has %(n)d problems; nothing was imported.") % {"n": len(plan.errors)},
                           code="import_errors", fields={"file": plan.errors})
    try:
        with transaction.atomic():
            for _line, obj in plan.updated:
                old = snapshot(type(obj).objects.get(pk=obj.pk), _fields(register))
                obj.save()
                new = snapshot(obj, _fields(register))
                audit_record(actor=actor, action=register.events[1], obj=obj, unit=obj.unit,
                             changes={k: [old[k], new[k]] for k in new if old[k] != new[k]})
            for _line, obj in plan.created:
                obj.created_by = actor if getattr(actor, "is_authenticated", False) else None
                obj.save()
                audit_record(actor=actor, action=register.events[0], obj=obj, unit=unit,
                             changes={"new": snapshot(obj, _fields(register))})
    except IntegrityError:
        raise ServiceError(_("The file conflicts with records saved meanwhile; nothing was imported. "
                             "Check it again.")) from None
    audit_record(actor=actor, action=register.events[3], object_type=register.model._meta.label_lower,
                 object_repr=filename[:200], unit=unit,
                 changes={"file": filename[:200], "sha256": sha256, "created": len(plan.created),
                          "updated": len(plan.updated)})
    inputs_changed(keys=register.measures, actor=actor)
    return plan


# ── Award applications: stages and decision ─────────────────────────────────────────────────────────


@transaction.atomic
def application_advance(*, actor, application: AwardApplication, version: int | None = None) -> AwardApplication:
    """Move an application on to its next review stage (named transitions; ConflictError once decided)."""
    obj = _lock(APPLICATIONS, actor, application)
    version_check(obj, version, what=str(APPLICATIONS.noun))
    step = NEXT_STEP.get(obj.stage)
    if step is None:
        raise ServiceError(_("This application has no further review stage: record the decision."))
    old = apply_transition(obj, STAGE_TRANSITIONS, step, field="stage")
    if step == "recommend":
        obj.recommended = True
    obj.save()
    audit_record(actor=actor, action=events.APPLICATION_ADVANCE, obj=obj, unit=obj.unit,
                 changes={"stage": [old, obj.stage], "step": step})
    inputs_changed(keys=APPLICATIONS.measures, actor=actor)
    return obj


@transaction.atomic
def application_decide(*, actor, application: AwardApplication, result: str, decided_on: dt.date,
                       reward: Decimal | None = None, version: int | None = None) -> AwardApplication:
    """Record the decision: the result, the day and the reward paid; the application's stage becomes decided."""
    obj = _lock(APPLICATIONS, actor, application)
    version_check(obj, version, what=str(APPLICATIONS.noun))
    if result not in AwardResult.values or result == AwardResult.PENDING:
        message = _("Choose the result.")
        raise ServiceError(message, fields={"result": [message]})
    if decided_on is None or decided_on > timezone.localdate():
        message = _("Enter the day of the decision (not in the future).")
        raise ServiceError(message, fields={"decided_on": [message]})
    if reward is not None and reward < 0:
        message = _("The reward cannot be negative.")
        raise ServiceError(message, fields={"reward": [message]})
    old = apply_transition(obj, STAGE_TRANSITIONS, "decide", field="stage")
    old_result = obj.result
    obj.result, obj.decided_on = result, decided_on
    if reward is not None:
        obj.reward = reward
    obj.save()
    audit_record(actor=actor, action=events.APPLICATION_DECIDE, obj=obj, unit=obj.unit, changes={
        "stage": [old, obj.stage], "result": [old_result, result], "decided_on": decided_on.isoformat(),
        "reward": None if obj.reward is None else str(obj.reward)})
    inputs_changed(keys=APPLICATIONS.measures, actor=actor)
    return obj


# ── Publicity evidence ──────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def publicity_evidence_add(*, actor, item, checked):
    """Store a checked file (photo, article, PDF) as evidence of a publicity item (core's attachment event)."""
    from qualitygov.core.uploads import attachment_create

    obj = _lock(PUBLICITY, actor, item)
    return attachment_create(actor=actor, checked=checked, owner=obj, unit=obj.unit)


def publicity_evidence(item) -> list:
    from qualitygov.core.models import Attachment

    return list(Attachment.objects.filter(owner_type=item._meta.label_lower, owner_id=str(item.pk))
                .order_by("uploaded_at", "pk"))


# ── Each register's named services ──────────────────────────────────────────────────────────────────


def _named(register: Register):
    def save(*, actor, values: Mapping[str, Any], unit: OrgUnit, record=None, version: int | None = None):
        return record_save(actor=actor, register=register, values=values, unit=unit, record=record, version=version)

    def delete(*, actor, record, reason: str = "") -> None:
        record_delete(actor=actor, register=register, record=record, reason=reason)

    def import_(*, actor, data: bytes, filename: str, unit: OrgUnit, sha256: str = "") -> ImportPlan:
        return records_import(actor=actor, register=register, data=data, filename=filename, unit=unit, sha256=sha256)

    return save, delete, import_


award_round_save, award_round_delete, award_round_import = _named(ROUNDS)
application_save, application_delete, application_import = _named(APPLICATIONS)
brand_save, brand_delete, brand_import = _named(BRANDS)
standard_save, standard_delete, standard_import = _named(STANDARDS)
officer_save, officer_delete, officer_import = _named(OFFICERS)
visit_save, visit_delete, visit_import = _named(VISITS)
publicity_save, publicity_delete, publicity_import = _named(PUBLICITY)

__all__ = ["AwardRound", "ImportPlan", "application_advance", "application_decide", "import_plan", "record_delete",
           "record_save", "records_import"]
