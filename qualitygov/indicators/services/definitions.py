"""Indicator definitions: fields, targets by year and responsible units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, diff, snapshot
from qualitygov.core.errors import ConflictError, ServiceError
from qualitygov.core.versioning import bump, version_check
from qualitygov.indicators import events
from qualitygov.plans.choices import ResponsibilityRole

from .. import registry
from ..choices import (
    Aggregation,
    Comparator,
    DataSource,
    Frequency,
    Nature,
)
from ..models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorTarget,
    Observation,
    ReportingPeriod,
)
from .common import INDICATOR_FIELDS, TARGET_FIELDS, _require_manager, check_limits, parse_value
from .status_refresh import indicator_status_refresh

# Indicator definitions

def _choice(value: Any, choices, field: str) -> None:
    if value not in choices.values:
        raise ServiceError(_("Choose a valid option."), code="invalid", fields={field: [_("Choose a valid option.")]})


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, reason: str = "", version: int | None = None,
                     **fields: Any) -> Indicator:
    """Change the definition of an indicator. Changing the target or target year needs a `reason`.

    A new frequency replaces the calendar's periods that hold no values (refused when values exist); new
    due or grace days move the due dates of existing periods. A stale `version` (the indicator changed
    since the writer saw it) is refused (ConflictError, code "stale").
    """
    _require_manager(actor)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    version_check(indicator, version, submitted=fields, what=_("This indicator"))
    before = snapshot(indicator, INDICATOR_FIELDS)
    for name in ("target_value", "baseline_value", "physical_max"):
        if fields.get(name) is not None:
            fields[name] = parse_value(fields[name], field=name)
    for name, choices in (("comparator", Comparator), ("frequency", Frequency), ("aggregation", Aggregation),
                          ("data_source", DataSource), ("nature", Nature)):
        if name in fields:
            _choice(fields[name], choices, name)
    changes_target = any(name in fields and fields[name] != getattr(indicator, name) for name in TARGET_FIELDS)
    if changes_target and not reason.strip():
        message = _("Give a reason for changing the target.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    old_frequency = indicator.frequency
    for name, value in fields.items():
        setattr(indicator, name, value)
    if not indicator.name.strip():
        raise ServiceError(_("An indicator needs a name."), fields={"name": [_("This field is required.")]})
    for name in ("target_value", "baseline_value"):
        if getattr(indicator, name) is not None:
            check_limits(indicator, getattr(indicator, name), field=name)
    if indicator.data_source == DataSource.COMPUTED and not registry.is_registered(indicator.computed_by):
        message = _("No computing function is registered under “%(name)s”.") % {"name": indicator.computed_by}
        raise ServiceError(message, code="unknown_function", fields={"computed_by": [message]})
    if (indicator.baseline_year and indicator.target_year and indicator.baseline_year >= indicator.target_year):
        message = _("The baseline year must come before the target year.")
        raise ServiceError(message, fields={"baseline_year": [message]})
    indicator.save()
    if indicator.frequency != old_frequency:
        if Observation.objects.filter(indicator=indicator).exists():
            raise ConflictError(_("Values have been reported for this indicator; its frequency cannot change."),
                                fields={"frequency": [_("Values exist.")]})
        ReportingPeriod.objects.filter(indicator=indicator).delete()
    if "due_days" in fields or "grace_days" in fields:
        for period in ReportingPeriod.objects.filter(indicator=indicator):
            period.due_date = period.end + dt.timedelta(days=indicator.due_days)
            period.grace_days = indicator.grace_days
            period.save(update_fields=["due_date", "grace_days"])
    changes = diff(before, snapshot(indicator, INDICATOR_FIELDS))
    if reason.strip():
        changes["reason"] = reason.strip()
    audit_record(actor=actor, action=events.INDICATOR_UPDATE, obj=indicator, changes=changes)
    indicator_status_refresh(indicator=indicator, as_of=timezone.localdate())
    return indicator


@transaction.atomic
def indicator_set_targets(*, actor, indicator: Indicator, targets: dict[int, Decimal], reason: str,
                          version: int | None = None) -> None:
    """Replace the interim targets (year → value, strictly between baseline and target year) with a reason.

    Years without an interim target follow the straight line from the baseline to the final target.
    """
    _require_manager(actor)
    if not (reason or "").strip():
        message = _("Give a reason for changing the target.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    version_check(indicator, version, what=_("This indicator"))
    Indicator.objects.filter(pk=indicator.pk).update(**bump())
    clean: dict[int, Decimal] = {}
    for year, value in targets.items():
        year = int(year)
        field = f"targets.{year}"
        if ((indicator.baseline_year is not None and year <= indicator.baseline_year)
                or (indicator.target_year is not None and year >= indicator.target_year)):
            message = _("An interim target's year must lie between the baseline year and the target year.")
            raise ServiceError(message, fields={field: [message]})
        number = parse_value(value, field=field)
        check_limits(indicator, number, field=field)
        clean[year] = number
    before = {str(t.year): t.value for t in indicator.targets.all()}
    IndicatorTarget.objects.filter(indicator=indicator).delete()
    IndicatorTarget.objects.bulk_create([IndicatorTarget(indicator=indicator, year=y, value=v)
                                         for y, v in sorted(clean.items())])
    audit_record(actor=actor, action=events.INDICATOR_SET_TARGETS, obj=indicator,
                 changes={"targets": [before, {str(y): v for y, v in sorted(clean.items())}],
                          "reason": reason.strip()})
    indicator_status_refresh(indicator=indicator, as_of=timezone.localdate())


@transaction.atomic
def indicator_set_responsibilities(*, actor, indicator: Indicator, units: list[tuple[OrgUnit, str]],
                                   version: int | None = None) -> None:
    """Replace the responsible units: (unit, "lead" | "co"); each unit once. A stale `version` is refused."""
    _require_manager(actor)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    version_check(locked, version, what=_("This indicator"))
    Indicator.objects.filter(pk=indicator.pk).update(**bump())
    seen: set[int] = set()
    for unit, role in units:
        _choice(role, ResponsibilityRole, "units")
        if unit.pk in seen:
            message = _("%(unit)s is listed twice.") % {"unit": unit.label}
            raise ServiceError(message, fields={"units": [message]})
        seen.add(unit.pk)
    before = sorted(f"{r.unit_id}:{r.role}" for r in indicator.responsibilities.all())
    used = set(Observation.objects.filter(indicator=indicator).values_list("unit_id", flat=True))
    dropped = used - seen
    if dropped:
        names = ", ".join(u.label for u in OrgUnit.objects.filter(pk__in=dropped))
        raise ConflictError(_("%(units)s reported values for this indicator and must stay responsible.")
                            % {"units": names}, fields={"units": [_("Values exist.")]})
    IndicatorResponsibility.objects.filter(indicator=indicator).delete()
    IndicatorResponsibility.objects.bulk_create([IndicatorResponsibility(indicator=indicator, unit=unit, role=role)
                                                 for unit, role in units])
    audit_record(actor=actor, action=events.INDICATOR_SET_RESPONSIBILITIES, obj=indicator,
                 changes={"units": [before, sorted(f"{u.pk}:{r}" for u, r in units)]})


