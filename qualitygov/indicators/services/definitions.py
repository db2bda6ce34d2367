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
    for name in ("target_value", "baseline_value", "physical_max", "plausible_min", "plausible_max",
                 "change_limit_pct"):
        if fields.get(name) is not None:
            fields[name] = parse_value(fields[name], field=name)
    if fields.get("change_limit_pct") is not None and fields["change_limit_pct"] <= 0:
        message = _("Enter a percentage above 0.")
        raise ServiceError(message, fields={"change_limit_pct": [message]})
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
    if (indicator.plausible_min is not None and indicator.plausible_max is not None
            and indicator.plausible_min > indicator.plausible_max):
        message = _("The lowest plausible value must not exceed the highest.")
        raise ServiceError(message, fields={"plausible_min": [message]})
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


#: Targets may be set for these years (a plan can be extended beyond its last year).
TARGET_YEAR_RANGE = (1990, 2100)


@transaction.atomic
def indicator_set_targets(*, actor, indicator: Indicator, targets: dict[int, Decimal], reason: str,
                          decision: str = "", version: int | None = None, in_force_from: dt.date | None = None,
                          is_demo: bool = False) -> None:
    """Set the targets by year (year → level; a year left out has none) with a reason and the decision it rests on.

    Any year after the baseline year may carry a target, beyond the plan's last year too. Versioned: a
    changed or removed target is marked superseded and a new row is in force from `in_force_from`
    (today; only the system may date it back), so lights judged before that day stay as they were.
    A target for the plan's target year replaces the plan's own goal from then on.
    """
    _require_manager(actor)
    if not (reason or "").strip():
        message = _("Give a reason for changing the target.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    today = timezone.localdate()
    day = in_force_from or today
    if actor is not None and day < today:
        raise ServiceError(_("A target cannot be put in force on a past day."), code="backdated")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    version_check(indicator, version, what=_("This indicator"))
    clean: dict[int, Decimal] = {}
    for year, value in targets.items():
        year = int(year)
        field = f"targets.{year}"
        if (not TARGET_YEAR_RANGE[0] <= year <= TARGET_YEAR_RANGE[1]
                or (indicator.baseline_year is not None and year <= indicator.baseline_year)):
            message = _("A target's year must come after the baseline year.")
            raise ServiceError(message, fields={field: [message]})
        number = parse_value(value, field=field)
        check_limits(indicator, number, field=field)
        clean[year] = number
    current = {t.year: t for t in indicator.targets.current()}
    before = {str(y): t.value for y, t in sorted(current.items())}
    changed = sorted(y for y in set(current) | set(clean) if (current[y].value if y in current else None)
                     != clean.get(y))
    if not changed:  # nothing to record: no new version, no audit event
        return
    Indicator.objects.filter(pk=indicator.pk).update(**bump())
    now = timezone.now()
    IndicatorTarget.objects.filter(pk__in=[current[y].pk for y in changed if y in current]).update(superseded_on=day)
    IndicatorTarget.objects.bulk_create([
        IndicatorTarget(indicator=indicator, year=y, value=clean[y], reason=reason.strip(),
                        decision=(decision or "").strip(), in_force_from=day, set_by=actor, set_at=now,
                        is_demo=is_demo)
        for y in changed if y in clean])
    audit_record(actor=actor, action=events.INDICATOR_SET_TARGETS, obj=indicator,
                 changes={"targets": [before, {str(y): v for y, v in sorted(clean.items())}],
                          "reason": reason.strip(), "decision": (decision or "").strip(), "in_force_from": day})
    indicator_status_refresh(indicator=indicator, as_of=today)


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


