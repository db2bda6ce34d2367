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
from qualitygov.core.transitions import apply_transition
from qualitygov.core.versioning import bump, version_check
from qualitygov.indicators import events
from qualitygov.plans.choices import ResponsibilityRole

from .. import formula as formulas
from .. import measures, registry
from ..choices import (
    INDICATOR_TRANSITIONS,
    Aggregation,
    Comparator,
    DataSource,
    Frequency,
    IndicatorScope,
    Nature,
    Origin,
)
from ..models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorTarget,
    Observation,
    ReportingPeriod,
)
from .common import INDICATOR_FIELDS, TARGET_FIELDS, _require_manager, check_limits, parse_value
from .periods import period_due_dates_refresh, periods_generate
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
    due or grace days (working days) move the due dates and last on-time days of existing periods. A stale `version` (the indicator changed
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
    if "code" in fields or "name" in fields:
        _check_unique(indicator)
    _check_definition(indicator)
    indicator.save()
    if indicator.frequency != old_frequency:
        if Observation.objects.filter(indicator=indicator).exists():
            raise ConflictError(_("Values have been reported for this indicator; its frequency cannot change."),
                                fields={"frequency": [_("Values exist.")]})
        ReportingPeriod.objects.filter(indicator=indicator).delete()
    if "due_days" in fields or "grace_days" in fields:
        period_due_dates_refresh(indicator=indicator)
    changes = diff(before, snapshot(indicator, INDICATOR_FIELDS))
    if reason.strip():
        changes["reason"] = reason.strip()
    audit_record(actor=actor, action=events.INDICATOR_UPDATE, obj=indicator, changes=changes)
    if indicator.data_source == DataSource.COMPUTED and indicator.formula and {"formula", "data_source"} & set(changes):
        # A new formula gives new figures at once (to review; approved values wait as correction requests).
        from .computed import computed_indicator_recompute

        computed_indicator_recompute(actor=actor, indicator=indicator, as_of=timezone.localdate())
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




# The office's own indicators (自设指标), retiring and reinstating

#: The definition fields `indicator_create` takes (besides targets by year and responsible units).
CREATE_FIELDS = ("code", "name", "unit", "comparator", "target_value", "target_year", "nature", "baseline_year",
                 "baseline_value", "frequency", "aggregation", "data_source", "computed_by", "formula",
                 "reference_formula", "by_town", "physical_max", "due_days", "grace_days", "plausible_min", "plausible_max", "change_limit_pct")
#: What the audit event of a new indicator records.
CREATED_SNAPSHOT = [*CREATE_FIELDS, "origin"]


def _clean_units(units: list[tuple[OrgUnit, str]]) -> list[tuple[OrgUnit, str]]:
    """(unit, "lead" | "co") pairs, each unit once."""
    seen: set[int] = set()
    for unit, role in units:
        _choice(role, ResponsibilityRole, "units")
        if unit.pk in seen:
            message = _("%(unit)s is listed twice.") % {"unit": unit.label}
            raise ServiceError(message, fields={"units": [message]})
        seen.add(unit.pk)
    return units


def _own_code(plan) -> str:
    """The next free code of the office's own indicators in `plan`: Z01, Z02…"""
    used = set(Indicator.objects.filter(plan=plan).values_list("code", flat=True))
    number = 1
    while f"Z{number:02d}" in used:
        number += 1
    return f"Z{number:02d}"


def _check_unique(indicator: Indicator) -> None:
    """No two indicators of a plan share a code or a name."""
    others = Indicator.objects.filter(plan_id=indicator.plan_id).exclude(pk=indicator.pk)
    if others.filter(code=indicator.code).exists():
        message = _("The plan already has an indicator with the code “%(code)s”.") % {"code": indicator.code}
        raise ServiceError(message, code="duplicate", fields={"code": [message]})
    if others.filter(name=indicator.name).exists():
        message = _("The plan already has an indicator named “%(name)s”.") % {"name": indicator.name}
        raise ServiceError(message, code="duplicate", fields={"name": [message]})


@transaction.atomic
def indicator_create(*, actor, plan, name: str, comparator: str, target_value: Any = None,
                     targets: dict[int, Any] | None = None, units: list[tuple[OrgUnit, str]] | None = None,
                     decision: str = "", **fields: Any) -> Indicator:
    """Create an indicator the plan text does not state (自设指标, `Origin.OWN`); district-wide office only.

    `fields` are further definition fields (`CREATE_FIELDS`); `targets` maps year → target (the final
    target defaults to the last year's when `target_value` is not given); `units` are (unit, "lead" |
    "co"). Checked like an edit (choices, numbers, plausible range, baseline before the target year) plus:
    code and name unique in the plan (an empty code gets the next Z01, Z02…). The reporting periods up to
    today are generated, so data is collected, reviewed and lit like any imported indicator. One audit
    event; a plan re-import never changes or deletes it.
    """
    _require_manager(actor)
    unknown = set(fields) - set(CREATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("An indicator needs a name."), fields={"name": [_("This field is required.")]})
    for key, choices in (("comparator", Comparator), ("frequency", Frequency), ("aggregation", Aggregation),
                         ("data_source", DataSource), ("nature", Nature)):
        value = comparator if key == "comparator" else fields.get(key)
        if value is not None:
            _choice(value, choices, key)
    for key in ("baseline_value", "physical_max", "plausible_min", "plausible_max", "change_limit_pct"):
        if fields.get(key) not in (None, ""):
            fields[key] = parse_value(fields[key], field=key)
        else:
            fields.pop(key, None)
    if fields.get("change_limit_pct") is not None and fields["change_limit_pct"] <= 0:
        message = _("Enter a percentage above 0.")
        raise ServiceError(message, fields={"change_limit_pct": [message]})
    clean_targets = {int(y): parse_value(v, field=f"targets.{y}") for y, v in (targets or {}).items()}
    if target_value in (None, ""):
        if not clean_targets:
            message = _("Give a target: the final target or a target for at least one year.")
            raise ServiceError(message, code="target_required", fields={"target_value": [message]})
        last = max(clean_targets)
        target_value = clean_targets[last]
        fields.setdefault("target_year", last)
    indicator = Indicator(plan=plan, name=name, comparator=comparator,
                          target_value=parse_value(target_value, field="target_value"), origin=Origin.OWN,
                          scope=IndicatorScope.GOALS, **{k: v for k, v in fields.items() if v is not None})
    indicator.code = (indicator.code or "").strip() or _own_code(plan)
    indicator.unit = (indicator.unit or "").strip()
    indicator.order = 1000 + Indicator.objects.filter(plan=plan, origin=Origin.OWN).count()
    _check_unique(indicator)
    _check_definition(indicator)
    for year, value in clean_targets.items():
        if (not TARGET_YEAR_RANGE[0] <= year <= TARGET_YEAR_RANGE[1]
                or (indicator.baseline_year is not None and year <= indicator.baseline_year)):
            message = _("A target's year must come after the baseline year.")
            raise ServiceError(message, fields={f"targets.{year}": [message]})
        check_limits(indicator, value, field=f"targets.{year}")
    units = _clean_units(units or [])
    indicator.save()
    now, today = timezone.now(), timezone.localdate()
    IndicatorTarget.objects.bulk_create([
        # In force from the start (the field's default): there is no earlier light to keep as it was.
        IndicatorTarget(indicator=indicator, year=y, value=v, reason=_("Set when the indicator was created"),
                        decision=(decision or "").strip(), set_by=actor, set_at=now)
        for y, v in sorted(clean_targets.items())])
    IndicatorResponsibility.objects.bulk_create([IndicatorResponsibility(indicator=indicator, unit=unit, role=role)
                                                 for unit, role in units])
    changes = {"new": snapshot(indicator, CREATED_SNAPSHOT),
               "targets": [{}, {str(y): v for y, v in sorted(clean_targets.items())}],
               "units": [[], sorted(f"{u.pk}:{r}" for u, r in units)]}
    if decision.strip():
        changes["decision"] = decision.strip()
    audit_record(actor=actor, action=events.INDICATOR_CREATE, obj=indicator, changes=changes)
    periods_generate(indicator=indicator, until=today)
    indicator_status_refresh(indicator=indicator, as_of=today)
    return Indicator.objects.get(pk=indicator.pk)


def check_formula(text: str, *, field: str = "formula") -> None:
    """A formula that reads and names registered measures only; ServiceError (Chinese, with the column and,
    for an unknown measure, the measures there are) otherwise."""
    try:
        formulas.parse(text)
    except formulas.FormulaError as exc:
        message = exc.message
        if exc.code == "unknown_measure":
            keys = [m.key for m in measures.registered_measures()]
            available = _("Available measures: %(keys)s.") % {
                "keys": "、".join(keys) if keys else _("none registered yet")}
            message = f"{message} {available}"
        raise ServiceError(message, code=exc.code, fields={field: [message]}) from exc


def _check_definition(indicator: Indicator) -> None:
    """The checks a definition passes on create and edit."""
    for name in ("target_value", "baseline_value"):
        if getattr(indicator, name) is not None:
            check_limits(indicator, getattr(indicator, name), field=name)
    indicator.formula = (indicator.formula or "").strip()
    indicator.reference_formula = (indicator.reference_formula or "").strip()
    for name in ("formula", "reference_formula"):
        if getattr(indicator, name):
            check_formula(getattr(indicator, name), field=name)
    if (indicator.data_source == DataSource.COMPUTED and not indicator.formula
            and not registry.is_registered(indicator.computed_by)):
        if indicator.computed_by:
            message = _("No computing function is registered under “%(name)s”.") % {"name": indicator.computed_by}
            raise ServiceError(message, code="unknown_function", fields={"computed_by": [message]})
        message = _("A computed indicator needs a formula.")
        raise ServiceError(message, code="formula_required", fields={"formula": [message]})
    if (indicator.plausible_min is not None and indicator.plausible_max is not None
            and indicator.plausible_min > indicator.plausible_max):
        message = _("The lowest plausible value must not exceed the highest.")
        raise ServiceError(message, fields={"plausible_min": [message]})
    if (indicator.baseline_year and indicator.target_year and indicator.baseline_year >= indicator.target_year):
        message = _("The baseline year must come before the target year.")
        raise ServiceError(message, fields={"baseline_year": [message]})


def _state_change(*, actor, indicator: Indicator, name: str, reason: str, version: int | None, event) -> Indicator:
    _require_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the reason.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    version_check(indicator, version, what=_("This indicator"))
    old = apply_transition(indicator, INDICATOR_TRANSITIONS, name, field="state", refusal=lambda i: _(
        "This indicator is %(state)s already.") % {"state": i.get_state_display()})
    if name == "retire":
        indicator.retired_on, indicator.retired_reason = timezone.localdate(), reason
    else:
        indicator.retired_on, indicator.retired_reason = None, ""
    indicator.save()
    audit_record(actor=actor, action=event, obj=indicator,
                 changes={"state": [old, indicator.state], "reason": reason})
    return indicator


@transaction.atomic
def indicator_retire(*, actor, indicator: Indicator, reason: str, version: int | None = None) -> Indicator:
    """Retire an indicator (own or imported) with a reason; district-wide office only.

    It keeps its periods, values and last light, but is no longer asked for data (no new periods, no
    entry, no reminders, no recomputation) and leaves the dashboard unless asked for. ConflictError when
    retired already or `version` is stale.
    """
    return _state_change(actor=actor, indicator=indicator, name="retire", reason=reason, version=version,
                         event=events.INDICATOR_RETIRE)


@transaction.atomic
def indicator_reinstate(*, actor, indicator: Indicator, reason: str, version: int | None = None) -> Indicator:
    """Put a retired indicator back in use with a reason: its calendar is extended to today and its light
    recomputed. District-wide office only; ConflictError when it is in use or `version` is stale."""
    indicator = _state_change(actor=actor, indicator=indicator, name="reinstate", reason=reason, version=version,
                              event=events.INDICATOR_REINSTATE)
    today = timezone.localdate()
    periods_generate(indicator=indicator, until=today)
    indicator_status_refresh(indicator=indicator, as_of=today)
    return indicator
