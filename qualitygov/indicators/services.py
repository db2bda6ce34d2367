"""Writes to indicators, their calendar, observations and change requests; the status engine's refresh.

Every write runs in one transaction with its audit event. Who may do what:
- the office (manage) edits indicator definitions, targets and responsible units;
- a unit's liaison (change at the unit) enters, saves and submits its values and asks for corrections;
- an approver (approve or review at the unit: office, leader, reviewer) returns and approves them, but
  never values of a unit they report for, nor values they submitted themselves;
- `actor=None` is the system (jobs, demo loader, CLI).
An approved value is locked: it changes only through an approved change request, and the value as first
submitted is kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.audit import audit_record, diff, snapshot
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.notifications import notification_send
from qualitygov.core.scoping import can
from qualitygov.core.transitions import apply_transition
from qualitygov.indicators import events
from qualitygov.plans.choices import PlanStatus, ResponsibilityRole
from qualitygov.utilities.numbers import decimal_text

from . import calendar, forecast, registry, status
from .choices import (
    CHANGE_REQUEST_TRANSITIONS,
    OBSERVATION_TRANSITIONS,
    Aggregation,
    ChangeRequestStatus,
    Comparator,
    DataSource,
    Frequency,
    Nature,
    ObservationStatus,
)
from .models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorStatus,
    IndicatorTarget,
    Observation,
    ObservationChangeRequest,
    ReportingPeriod,
)
from .selectors import is_liaison_of, rule_params, rule_set_in_force

INDICATOR_FIELDS = ["code", "name", "unit", "comparator", "target_value", "target_year", "nature", "baseline_year",
                    "baseline_value", "frequency", "aggregation", "data_source", "computed_by", "by_town",
                    "physical_max", "due_days", "grace_days", "task", "order"]
#: Changing any of these needs a reason (it moves the path every light is measured against).
TARGET_FIELDS = {"target_value", "target_year"}
OBSERVATION_FIELDS = ["value", "comment", "status", "return_reason", "town"]
MAX_ABS_VALUE = Decimal("1e14")


# Permissions

def _require_manager(actor) -> None:
    """Indicator definitions are the office's (manage); the system (None) may too."""
    if actor is not None and not can(actor, Action.MANAGE):
        raise NotFoundError("not found")


def _require_change(actor, unit: OrgUnit) -> None:
    """Entering a unit's values needs `change` at the unit; outside the user's sight it does not exist."""
    if actor is None:
        return
    if not can(actor, Action.CHANGE, unit.pk):
        if can(actor, Action.VIEW, unit.pk):
            raise ServiceError(_("You may not enter values for %(unit)s.") % {"unit": unit.label}, code="forbidden")
        raise NotFoundError("not found")


def _require_reviewer(actor, unit: OrgUnit, *, author=None) -> None:
    """Approving needs approve or review at the unit, and neither reporting for it nor being the author."""
    if actor is None:
        return
    if not (can(actor, Action.APPROVE, unit.pk) or can(actor, Action.REVIEW, unit.pk)):
        if can(actor, Action.VIEW, unit.pk):
            raise ServiceError(_("You may not review values of %(unit)s.") % {"unit": unit.label}, code="forbidden")
        raise NotFoundError("not found")
    if is_liaison_of(actor, unit):
        raise ServiceError(_("You report for %(unit)s, so you cannot review its values.") % {"unit": unit.label},
                           code="self_approval")
    if author is not None and author.pk == actor.pk:
        raise ServiceError(_("You cannot review a value you submitted yourself."), code="self_approval")


def _transition(observation: Observation, name: str) -> None:
    apply_transition(observation, OBSERVATION_TRANSITIONS, name, refusal=lambda obs: _(
        "This value is %(status)s; it cannot be %(action)s now.") % {
            "status": obs.get_status_display(), "action": _TRANSITION_VERBS[name]()})


_TRANSITION_VERBS = {"submit": lambda: _("submitted"), "return": lambda: _("returned"),
                     "approve": lambda: _("approved")}


# Values

def parse_value(value: Any, *, field: str = "value") -> Decimal:
    """A number with at most 4 decimal places; anything else (text, NaN, infinity, booleans) is refused."""
    error = ServiceError(_("Enter a number."), code="invalid_number", fields={field: [_("Enter a number.")]})
    if value is None or isinstance(value, bool):
        raise error
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        elif isinstance(value, str):
            text = value.strip().replace(",", "").replace("，", "")
            if not text:
                raise error
            number = Decimal(text)
        else:
            raise error
    except InvalidOperation as exc:
        raise error from exc
    if not number.is_finite():
        raise error
    if abs(number) >= MAX_ABS_VALUE or number.as_tuple().exponent < -4:
        message = _("At most 4 decimal places and 14 digits.")
        raise ServiceError(message, code="invalid_number", fields={field: [message]})
    return number


def check_limits(indicator: Indicator, number: Decimal, *, field: str = "value") -> None:
    """A percentage lies in 0–100; no value exceeds the indicator's physical upper limit."""
    if indicator.unit.strip() == "%" and not Decimal(0) <= number <= Decimal(100):
        message = _("A percentage must lie between 0 and 100.")
        raise ServiceError(message, code="out_of_range", fields={field: [message]})
    if indicator.physical_max is not None and number > indicator.physical_max:
        message = _("The value exceeds the upper limit %(max)s.") % {"max": status.to_decimal(indicator.physical_max)}
        raise ServiceError(message, code="out_of_range", fields={field: [message]})


def observation_value_check(*, indicator: Indicator, value: Any, comment: str = "",
                            previous: Decimal | None = None, as_of: dt.date | None = None) -> Decimal:
    """Entry validation shared by forms and uploads: a number, in range, and a comment for a big change.

    `previous` is the unit's value for the previous period; a value more than the rule set's
    `change_factor` times larger or smaller needs a comment.
    """
    number = parse_value(value)
    check_limits(indicator, number)
    factor = rule_params(as_of or timezone.localdate())["change_factor"]
    if not comment.strip() and status.is_big_change(previous, number, factor):
        message = _("The value changes from %(old)s to %(new)s, more than %(factor)s times; explain why in the "
                    "comment.") % {"old": decimal_text(previous), "new": decimal_text(number), "factor": factor}
        raise ServiceError(message, code="comment_required", fields={"comment": [message]})
    return number


def _previous_value(period: ReportingPeriod, unit: OrgUnit, town: OrgUnit | None) -> Decimal | None:
    """The unit's (and town's) value for the latest earlier period that has one."""
    return (Observation.objects.filter(indicator_id=period.indicator_id, unit=unit, town=town,
                                       period__start__lt=period.start, value__isnull=False)
            .order_by("-period__start").values_list("value", flat=True).first())


# Indicator definitions

def _choice(value: Any, choices, field: str) -> None:
    if value not in choices.values:
        raise ServiceError(_("Choose a valid option."), code="invalid", fields={field: [_("Choose a valid option.")]})


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, reason: str = "", **fields: Any) -> Indicator:
    """Change the definition of an indicator. Changing the target or target year needs a `reason`.

    A new frequency replaces the calendar's periods that hold no values (refused when values exist); new
    due or grace days move the due dates of existing periods.
    """
    _require_manager(actor)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
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
def indicator_set_targets(*, actor, indicator: Indicator, targets: dict[int, Decimal], reason: str) -> None:
    """Replace the interim targets (year → value, strictly between baseline and target year) with a reason.

    Years without an interim target follow the straight line from the baseline to the final target.
    """
    _require_manager(actor)
    if not (reason or "").strip():
        message = _("Give a reason for changing the target.")
        raise ServiceError(message, code="reason_required", fields={"reason": [message]})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
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
def indicator_set_responsibilities(*, actor, indicator: Indicator, units: list[tuple[OrgUnit, str]]) -> None:
    """Replace the responsible units: (unit, "lead" | "co"); each unit once."""
    _require_manager(actor)
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


# The reporting calendar

def _last_year(indicator: Indicator) -> int | None:
    years = [y for y in (indicator.target_year, indicator.plan.period_end) if y]
    return max(years) if years else None


def period_specs(indicator: Indicator, until: dt.date) -> list[calendar.PeriodSpec]:
    """The periods the indicator's frequency gives from the first reporting year up to `until`."""
    first = calendar.first_reporting_year(baseline_year=indicator.baseline_year,
                                          plan_start=indicator.plan.period_start, fallback=until.year)
    return calendar.periods_between(indicator.frequency, first, until, last_year=_last_year(indicator),
                                    due_days=indicator.due_days, grace_days=indicator.grace_days)


@transaction.atomic
def periods_generate(*, indicator: Indicator, until: dt.date) -> int:
    """Create the missing reporting periods that have started by `until`; return how many were created."""
    indicator = Indicator.objects.select_related("plan").get(pk=indicator.pk)  # the stored definition counts
    existing = set(ReportingPeriod.objects.filter(indicator=indicator).values_list("start", flat=True))
    new = [ReportingPeriod(indicator=indicator, label=spec.label, start=spec.start, end=spec.end,
                           due_date=spec.due_date, grace_days=spec.grace_days)
           for spec in period_specs(indicator, until) if spec.start not in existing]
    if new:
        ReportingPeriod.objects.bulk_create(new, ignore_conflicts=True)
        audit_record(actor=None, action=events.INDICATOR_PERIODS_GENERATE, obj=indicator,
                     changes={"created": [p.label for p in new]})
    return len(new)


# Observations

def _lock(observation: Observation) -> Observation:
    return (Observation.objects.select_for_update().select_related("indicator", "period", "unit")
            .get(pk=observation.pk))


@transaction.atomic
def observation_save_draft(*, actor, period: ReportingPeriod, unit: OrgUnit, value: Any, comment: str = "",
                           town: OrgUnit | None = None) -> Observation:
    """Save `unit`'s value for `period` (and `town` when the indicator is broken down by town) as a draft.

    A draft or returned value may be changed; a submitted one waits for review and an approved one is
    locked (ConflictError: ask for a correction instead).
    """
    indicator = Indicator.objects.get(pk=period.indicator_id)  # the stored definition counts
    _require_change(actor, unit)
    if indicator.data_source != DataSource.ENTERED:
        raise ServiceError(_("This indicator is computed from platform data; its values are not entered."),
                           code="computed")
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
        observation = Observation(indicator=indicator, period=period, unit=unit, town=town)
        before: dict[str, Any] = {}
    else:
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
def observation_submit(*, actor, observation: Observation) -> Observation:
    """Send a draft (or returned) value for review; the first submitted value and time are kept for good."""
    observation = _lock(observation)
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
        observation.save(update_fields=["value", "updated_at"])
        audit_record(actor=actor, action=events.OBSERVATION_CORRECT, obj=observation, unit=observation.unit,
                     changes={"value": changes["value"], "change_request": request.pk})
    audit_record(actor=actor, action=events.OBSERVATION_CHANGE_REQUEST_DECIDE, obj=request, unit=observation.unit,
                 changes=changes)
    if approve:
        indicator_status_refresh(indicator=observation.indicator, as_of=timezone.localdate())
    return request


# Computed indicators

@transaction.atomic
def computed_values_refresh(*, as_of: dt.date) -> dict[str, int]:
    """Store the registered functions' values for every ended period of computed indicators in active plans.

    The value goes to the indicator's first lead unit, approved by the system; unchanged values are not
    written again, so the job can run at any time.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    indicators = (Indicator.objects.filter(data_source=DataSource.COMPUTED, plan__status=PlanStatus.ACTIVE)
                   .select_related("plan"))
    from .selectors import reporting_units

    units = reporting_units([i.pk for i in indicators])
    for indicator in indicators:
        owner = (units.get(indicator.pk) or [None])[0]
        if owner is None or not registry.is_registered(indicator.computed_by):
            counts["skipped"] += 1
            continue
        periods_generate(indicator=indicator, until=as_of)
        existing = {o.period_id: o for o in Observation.objects.filter(indicator=indicator, unit=owner,
                                                                       town__isnull=True)}
        for period in indicator.periods.filter(end__lte=as_of).order_by("start"):
            value = registry.compute(indicator, period)
            if value is None:
                continue
            value = status.to_decimal(value)
            observation = existing.get(period.pk)
            if observation is not None and observation.value == value:
                counts["unchanged"] += 1
                continue
            now = timezone.now()
            if observation is None:
                observation = Observation.objects.create(
                    indicator=indicator, period=period, unit=owner, value=value, first_submitted_value=value,
                    status=ObservationStatus.APPROVED, submitted_at=now, first_submitted_at=now, approved_at=now,
                    comment=_("Computed by %(name)s") % {"name": indicator.computed_by})
                counts["created"] += 1
                old = None
            else:
                old = observation.value
                observation.value = value
                observation.save(update_fields=["value", "updated_at"])
                counts["updated"] += 1
            audit_record(actor=None, action=events.OBSERVATION_COMPUTE, obj=observation, unit=owner,
                         changes={"value": [old, value], "function": indicator.computed_by})
    return counts


# The status engine

def _mean(values: list[Decimal]) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def _combine(values: list[Decimal], aggregation: str) -> Fraction:
    """Several units or towns reporting one period: summed indicators add up, others average."""
    return sum((Fraction(v) for v in values), Fraction(0)) if aggregation == Aggregation.SUM else _mean(values)


def indicator_series(indicator: Indicator, *, as_of: dt.date) -> list[tuple[ReportingPeriod, Decimal]]:
    """Approved values per period ended by `as_of`, combined over units and towns, in time order."""
    values: dict[int, list[Decimal]] = defaultdict(list)
    for period_id, value in Observation.objects.filter(
            indicator=indicator, status=ObservationStatus.APPROVED, value__isnull=False,
            period__end__lte=as_of).values_list("period_id", "value"):
        values[period_id].append(value)
    periods = ReportingPeriod.objects.filter(pk__in=list(values)).order_by("start")
    return [(p, status.to_decimal(_combine(values[p.pk], indicator.aggregation))) for p in periods]


def _path(indicator: Indicator, series) -> tuple[status.Path, dict[str, str]]:
    sources = {"baseline": "indicator", "target_year": "indicator"}
    target_year = indicator.target_year
    if target_year is None:
        target_year, sources["target_year"] = indicator.plan.period_end, "plan_end"
    baseline_year, baseline_value = indicator.baseline_year, indicator.baseline_value
    if baseline_value is None or baseline_year is None:
        if series:
            first_period, first_value = series[0]
            end = first_period.end
            baseline_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
            baseline_value, sources["baseline"] = first_value, "first_value"
        else:
            baseline_year, baseline_value, sources["baseline"] = None, None, "none"
    interim = {t.year: t.value for t in indicator.targets.all()}
    return status.Path(target_year=target_year, target_value=indicator.target_value, baseline_year=baseline_year,
                       baseline_value=baseline_value, interim=interim), sources


def _year_value(indicator: Indicator, series) -> tuple[Decimal | None, dt.date | None, Fraction | None]:
    """(value, date, share of the year) that the light compares: see `Aggregation`."""
    if not series:
        return None, None, None
    last_period, last_value = series[-1]
    if indicator.aggregation == Aggregation.LATEST:
        return last_value, last_period.end, None
    same_year = [v for p, v in series if p.end.year == last_period.end.year]
    if indicator.aggregation == Aggregation.AVERAGE:
        return status.to_decimal(_mean(same_year)), last_period.end, None
    share = status.year_position(last_period.end) - (last_period.end.year - 1)
    return status.to_decimal(sum((Fraction(v) for v in same_year), Fraction(0))), last_period.end, share


def _forecast_points(indicator: Indicator, series, as_of: dt.date) -> list[tuple[dt.date, Decimal]]:
    if indicator.aggregation != Aggregation.SUM:
        return [(p.end, v) for p, v in series]
    totals: dict[int, Fraction] = defaultdict(Fraction)
    for period, value in series:
        totals[period.end.year] += Fraction(value)
    return [(status.year_end(y), status.to_decimal(t)) for y, t in sorted(totals.items())
            if status.year_end(y) <= as_of]


def _overdue_missing(indicator: Indicator, series, as_of: dt.date) -> int:
    """Periods after the latest value whose deadline has passed without an approved value."""
    after = series[-1][0].end if series else dt.date.min
    count = 0
    for due, grace in indicator.periods.filter(end__gt=after, end__lte=as_of).values_list("due_date",
                                                                                          "grace_days"):
        if due + dt.timedelta(days=grace) < as_of:
            count += 1
    return count


def _number(value) -> float | None:
    return None if value is None else float(value)


@transaction.atomic
def indicator_status_refresh(*, indicator: Indicator, as_of: dt.date) -> IndicatorStatus:
    """Compute and store the light and forecast as of `as_of`, with every input (`IndicatorStatus.inputs`):
    the rule that fired and its thresholds, expected/actual/gap, the approved series
    (`series`: [[period label, value], …], `series_end_dates`), the expected path at every period end up to
    the target year (`expected_path`: [{label, date, expected, low, high}]) and the forecast's inputs.
    A change of light is written to the audit trail."""
    indicator = Indicator.objects.select_related("plan").get(pk=indicator.pk)
    ruleset = rule_set_in_force(as_of)
    params = rule_params(as_of, ruleset)
    series = indicator_series(indicator, as_of=as_of)
    path, sources = _path(indicator, series)
    upper, lower = status.physical_limits(indicator.unit, indicator.physical_max)
    value, value_date, share = _year_value(indicator, series)
    result = status.evaluate(status.StatusInput(
        comparator=indicator.comparator, path=path, latest_value=value, value_date=value_date, as_of=as_of,
        upper=upper, lower=lower, year_share=share, overdue_missing=_overdue_missing(indicator, series, as_of),
        params=params))
    fc = forecast.project(_forecast_points(indicator, series, as_of), target_year=path.target_year,
                          comparator=indicator.comparator, target=indicator.target_value, as_of=as_of,
                          baseline=path.baseline_value, upper=upper, lower=lower,
                          about_band_pct=params["about_band_pct"])
    # The path is drawn at every period end from the first reporting year to the target year (or today).
    horizon = max(status.year_end(path.target_year), as_of) if path.target_year else as_of
    first = calendar.first_reporting_year(baseline_year=path.baseline_year, plan_start=indicator.plan.period_start,
                                          fallback=as_of.year)
    ends = [(spec.label, spec.end) for spec in calendar.periods_between(indicator.frequency, first, horizon)]
    if indicator.aggregation == Aggregation.SUM:
        expected_path = [{"label": label, "date": end.isoformat(), "low": None, "high": None,
                          "expected": _number(status.to_decimal(path.expected_at(Fraction(end.year))
                                                                * (status.year_position(end) - (end.year - 1))))}
                         for label, end in ends]
    else:
        expected_path = status.expected_path(path, ends, upper=upper, lower=lower, comparator=indicator.comparator,
                                             about_band_pct=params["about_band_pct"])
    inputs = {
        **result.inputs,
        "aggregation": indicator.aggregation,
        "frequency": indicator.frequency,
        "latest_period": series[-1][0].label if series else "",
        "baseline_source": sources["baseline"],
        "target_year_source": sources["target_year"],
        "series": [[p.label, _number(v)] for p, v in series],
        "series_end_dates": [p.end.isoformat() for p, _v in series],
        "expected_path": expected_path,
        "rule_set": ({"id": ruleset.pk, "name": ruleset.name, "effective_from": ruleset.effective_from.isoformat(),
                      "basis": ruleset.legal_basis} if ruleset else None),
        "forecast": {"status": fc.status, "value": _number(fc.value), "reason": fc.reason, **fc.inputs},
    }
    previous = IndicatorStatus.objects.filter(indicator=indicator).values_list("light", flat=True).first()
    stored, _created = IndicatorStatus.objects.update_or_create(indicator=indicator, defaults={
        "as_of": as_of, "light": result.light, "latest_value": value,
        "latest_period": inputs["latest_period"], "expected_value": result.expected, "gap": result.gap,
        "rule": result.rule, "inputs": inputs, "forecast_value": fc.value, "forecast_status": fc.status,
    })
    if previous != result.light:
        audit_record(actor=None, action=events.INDICATOR_STATUS_CHANGE, obj=indicator,
                     changes={"light": [previous, result.light], "rule": result.rule, "as_of": as_of})
    return stored


def status_refresh_all(*, as_of: dt.date, plan=None) -> dict[str, int]:
    """Refresh every indicator of the active plans (or of `plan`); return how many got each light."""
    indicators = Indicator.objects.filter(plan__status=PlanStatus.ACTIVE) if plan is None else plan.indicators.all()
    counts: dict[str, int] = defaultdict(int)
    for indicator in indicators.order_by("plan_id", "order", "pk"):
        counts[indicator_status_refresh(indicator=indicator, as_of=as_of).light] += 1
    return dict(counts)
