"""Reads the status engine, reminders and jobs use: rule sets in force, reporting obligations and timeliness."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit

from ..choices import DataSource, IndicatorState, ObservationStatus
from ..models import (
    Indicator,
    IndicatorResponsibility,
    Observation,
    ReportingPeriod,
    StatusRuleSet,
)

# Engine

def rule_set_in_force(on: dt.date) -> StatusRuleSet | None:
    """The status rule set in force on `on`: the latest `effective_from` on or before it."""
    return StatusRuleSet.in_force(on)


def rule_params(on: dt.date, ruleset: StatusRuleSet | None = None) -> dict:
    """The parameters in force on `on`, completed with the defaults of `status.DEFAULT_PARAMS`."""
    from ..status import params_with_defaults

    ruleset = ruleset if ruleset is not None else rule_set_in_force(on)
    return params_with_defaults(ruleset.params if ruleset else None)


def current_plan():
    """The plan in force (the newest active one), or None."""
    from qualitygov.plans.choices import PlanStatus
    from qualitygov.plans.models import Plan

    return Plan.objects.filter(status=PlanStatus.ACTIVE).order_by("-period_start", "-id").first()


def reporting_units(indicator_ids) -> dict[int, list[OrgUnit]]:
    """The units that owe each indicator's values: its lead units, or every responsible unit when none leads."""
    from qualitygov.plans.choices import ResponsibilityRole

    rows = (IndicatorResponsibility.objects.filter(indicator_id__in=list(indicator_ids)).select_related("unit")
            .order_by("unit__sort_order", "unit__path"))
    every: dict[int, list[OrgUnit]] = defaultdict(list)
    leads: dict[int, list[OrgUnit]] = defaultdict(list)
    for row in rows:
        every[row.indicator_id].append(row.unit)
        if row.role == ResponsibilityRole.LEAD:
            leads[row.indicator_id].append(row.unit)
    return {pk: leads.get(pk) or units for pk, units in every.items()}


@dataclass
class Obligation:
    """One unit owing one period's value, and how it stands on `as_of`."""

    indicator: Indicator
    period: ReportingPeriod
    unit: OrgUnit
    submitted_on: dt.date | None  # first submission (any town), local date
    state: str  # "done" (submitted or approved), "draft", "returned" or "missing"

    @property
    def deadline(self) -> dt.date:
        """The last day on time: the period's grace working days after its due date."""
        return self.period.deadline

    @property
    def on_time(self) -> bool:
        return self.submitted_on is not None and self.submitted_on <= self.deadline


def obligations(*, due_from: dt.date | None = None, due_to: dt.date | None = None, user=None,
                plan=None) -> list[Obligation]:
    """Every (period, reporting unit) of entered indicators in active plans with a due date in the range,
    restricted to the units `user` may see when a user is given. A fixed number of queries."""
    from django.utils import timezone

    from qualitygov.plans.choices import PlanStatus

    periods = ReportingPeriod.objects.filter(indicator__data_source=DataSource.ENTERED,
                                             indicator__state=IndicatorState.ACTIVE,
                                             indicator__plan__status=PlanStatus.ACTIVE).select_related("indicator")
    if plan is not None:
        periods = periods.filter(indicator__plan=plan)
    if due_from is not None:
        periods = periods.filter(due_date__gte=due_from)
    if due_to is not None:
        periods = periods.filter(due_date__lte=due_to)
    periods = list(periods.order_by("due_date", "indicator__order", "indicator_id"))
    if not periods:
        return []
    units = reporting_units({p.indicator_id for p in periods})
    visible = None
    if user is not None:
        unit_ids = {unit.pk for listed in units.values() for unit in listed}
        visible = set(OrgUnit.objects.visible_to(user, Action.VIEW).filter(pk__in=unit_ids).values_list("pk", flat=True))
    first: dict[tuple[int, int], dt.datetime | None] = {}
    states: dict[tuple[int, int], str] = {}
    rank = {ObservationStatus.APPROVED: 3, ObservationStatus.SUBMITTED: 3, ObservationStatus.RETURNED: 2,
            ObservationStatus.DRAFT: 1}
    for period_id, unit_id, status, first_at, submitted_at in Observation.objects.filter(
            period_id__in=[p.pk for p in periods]).values_list("period_id", "unit_id", "status",
                                                               "first_submitted_at", "submitted_at"):
        key = (period_id, unit_id)
        when = first_at or submitted_at
        if when is not None and (first.get(key) is None or when < first[key]):
            first[key] = when
        if rank[status] > rank.get(states.get(key), 0):
            states[key] = status
    out = []
    for period in periods:
        for unit in units.get(period.indicator_id, []):
            if visible is not None and unit.pk not in visible:
                continue
            key = (period.pk, unit.pk)
            status = states.get(key)
            state = ("done" if status in (ObservationStatus.APPROVED, ObservationStatus.SUBMITTED)
                     else status or "missing")
            when = first.get(key)
            out.append(Obligation(period.indicator, period, unit,
                                  timezone.localdate(when) if when is not None else None, state))
    return out


def timeliness_by_unit(*, as_of: dt.date, user=None, plan=None) -> list[dict]:
    """Per reporting unit, over the periods whose deadline (due date + grace days) has passed by `as_of`:
    how many were due, submitted on time, submitted late, still missing, and the on-time rate in %."""
    from ..status import to_decimal

    rows: dict[int, dict] = {}
    for ob in obligations(due_to=as_of, user=user, plan=plan):
        if ob.deadline >= as_of:
            continue
        row = rows.setdefault(ob.unit.pk, {"unit": ob.unit, "due": 0, "on_time": 0, "late": 0, "missing": 0,
                                           "rate": None})
        row["due"] += 1
        if ob.on_time:
            row["on_time"] += 1
        elif ob.submitted_on is not None:
            row["late"] += 1
        else:
            row["missing"] += 1
    for row in rows.values():
        row["rate"] = to_decimal(Decimal(row["on_time"] * 100) / row["due"]).quantize(Decimal("0.1"))
    return sorted(rows.values(), key=lambda r: (r["rate"], r["unit"].sort_order, r["unit"].path))


def overdue_list(*, as_of: dt.date, user=None, plan=None) -> list[dict]:
    """Periods whose deadline has passed by `as_of` without a submitted value, most overdue first."""
    out = []
    for ob in obligations(due_to=as_of, user=user, plan=plan):
        if ob.state == "done" or ob.deadline >= as_of:
            continue
        out.append({"indicator": ob.indicator, "period": ob.period, "unit": ob.unit, "due_date": ob.period.due_date,
                    "deadline": ob.deadline, "days_overdue": (as_of - ob.deadline).days, "state": ob.state})
    return sorted(out, key=lambda r: (-r["days_overdue"], r["indicator"].order, r["unit"].path))


def liaisons_of(unit: OrgUnit) -> list:
    """Active users holding a liaison role whose grant covers `unit` (the people who report its data)."""
    from qualitygov.accounts.choices import Role
    from qualitygov.accounts.models import Grant, User

    ancestors = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    grants = Grant.objects.filter(role__in=[Role.DEPARTMENT_LIAISON, Role.TOWN_LIAISON]).filter(
        Q(unit=unit) | Q(include_descendants=True, unit_id__in=ancestors))
    return list(User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("pk"))


def is_liaison_of(user, unit: OrgUnit) -> bool:
    """True when `user` reports for `unit` (so may not approve its values)."""
    return user is not None and any(u.pk == user.pk for u in liaisons_of(unit))


