"""Reads of indicators, periods, observations and stored statuses, always through `visible_to`.

"# Pages" holds what the screens read; "# Engine" what the status, forecast and job code reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.accounts.choices import TOWN_KINDS, Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import AuditEvent
from qualitygov.core.scoping import scope_for
from qualitygov.utilities.numbers import decimal_text

from .choices import ChangeRequestStatus, Comparator, DataSource, ForecastStatus, Light, ObservationStatus
from .models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorStatus,
    Observation,
    ObservationChangeRequest,
    ReportingPeriod,
    StatusRuleSet,
)
from .status import is_big_change as is_big_change

# Engine

def rule_set_in_force(on: dt.date) -> StatusRuleSet | None:
    """The status rule set in force on `on`: the latest `effective_from` on or before it."""
    return StatusRuleSet.in_force(on)


def rule_params(on: dt.date, ruleset: StatusRuleSet | None = None) -> dict:
    """The parameters in force on `on`, completed with the defaults of `status.DEFAULT_PARAMS`."""
    from .status import params_with_defaults

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
        return self.period.due_date + dt.timedelta(days=self.period.grace_days)

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
    scope = scope_for(user, Action.VIEW) if user is not None else None
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
            if scope is not None and unit.pk not in scope:
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
    from .status import to_decimal

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


# Pages



def indicator_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[Indicator]:
    return Indicator.objects.visible_to(user, action)


def indicator_get_visible(*, user, pk: int, action: str = Action.VIEW) -> Indicator:
    """The indicator when `user` may `action` it; NotFoundError otherwise (missing and forbidden alike)."""
    found = (indicator_list_visible(user=user, action=action).filter(pk=pk)
             .select_related("plan", "task", "status").first())
    if found is None:
        raise NotFoundError("not found")
    return found


def observation_get_visible(*, user, pk: int, action: str = Action.VIEW) -> Observation:
    """An observation in the user's scope for `action` (through the reporting unit)."""
    found = (Observation.objects.visible_to(user, action).filter(pk=pk)
             .select_related("indicator", "indicator__plan", "period", "unit", "town", "submitted_by",
                             "approved_by").first())
    if found is None:
        raise NotFoundError("not found")
    return found


def change_request_get_visible(*, user, pk: int, action: str = Action.APPROVE) -> ObservationChangeRequest:
    scoped = Observation.objects.visible_to(user, action).values("pk")
    found = (ObservationChangeRequest.objects.filter(pk=pk, observation__in=scoped)
             .select_related("observation", "observation__indicator", "observation__period",
                             "observation__unit", "requested_by").first())
    if found is None:
        raise NotFoundError("not found")
    return found


def org_unit_get_visible(*, user, pk: int) -> OrgUnit:
    found = OrgUnit.objects.visible_to(user, Action.VIEW).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("not found")
    return found


def period_get_for_entry(*, user, period_pk: int, unit_pk: int) -> tuple[ReportingPeriod, OrgUnit]:
    """The period and the reporting unit when `user` may enter data for that unit and the unit reports it."""
    period = ReportingPeriod.objects.select_related("indicator", "indicator__plan").filter(pk=period_pk).first()
    unit = OrgUnit.objects.visible_to(user, Action.CHANGE).filter(pk=unit_pk).first()
    if (period is None or unit is None
            or period.indicator.data_source != DataSource.ENTERED
            or not IndicatorResponsibility.objects.filter(indicator_id=period.indicator_id, unit=unit).exists()):
        raise NotFoundError("not found")
    return period, unit


def observation_for_entry(*, user, period: ReportingPeriod, unit: OrgUnit, town: OrgUnit | None) -> Observation | None:
    """The value stored for (`period`, `unit`, `town`) if `user` enters data for `unit`, else None."""
    return Observation.objects.visible_to(user, Action.CHANGE).filter(period=period, unit=unit, town=town).first()


def indicators_of_active_plans() -> QuerySet[Indicator]:
    """Engine read (no user): every indicator of an active plan, for the nightly calendar job."""
    from qualitygov.plans.choices import PlanStatus

    return Indicator.objects.filter(plan__status=PlanStatus.ACTIVE).select_related("plan")


def towns() -> list[OrgUnit]:
    """The units an indicator broken down by town is reported for."""
    return list(OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("sort_order", "path"))


def change_factor(as_of: dt.date) -> Decimal:
    """The factor beyond which a change of value needs a comment, from the rule set in force."""
    return Decimal(str(rule_params(as_of)["change_factor"]))


def target_years(indicator: Indicator) -> list[int]:
    """The years an interim target can be set for: the plan's period (or baseline to target year)."""
    plan = indicator.plan
    first = plan.period_start or ((indicator.baseline_year + 1) if indicator.baseline_year else None)
    last = indicator.target_year or plan.period_end
    if first is None or last is None or last < first:
        return sorted(indicator.targets.values_list("year", flat=True))
    years = set(range(first, last + 1)) | set(indicator.targets.values_list("year", flat=True))
    return sorted(years)


def previous_value(*, period: ReportingPeriod, unit: OrgUnit, town: OrgUnit | None) -> Decimal | None:
    """The unit's (and town's) value for the latest earlier period that has one: the yardstick for a big change."""
    return (Observation.objects.filter(indicator_id=period.indicator_id, unit=unit, town=town,
                                       period__start__lt=period.start, value__isnull=False)
            .order_by("-period__start").values_list("value", flat=True).first())


#: What each status rule means, for the "why" panel.
RULE_LABELS = {
    "no_data": gettext_lazy("No approved value yet"),
    "target_met": gettext_lazy("Target met"),
    "about_band": gettext_lazy("Distance from the target band"),
    "target_year_passed": gettext_lazy("Target year has passed without meeting the target"),
    "far_behind": gettext_lazy("Far behind the time-proportional schedule"),
    "behind": gettext_lazy("Behind the time-proportional schedule"),
    "stale_data": gettext_lazy("Data overdue"),
    "on_schedule": gettext_lazy("On the time-proportional schedule"),
    "none_fired": gettext_lazy("On the time-proportional schedule"),
}


def _why_number(value) -> str:
    number = _number(value)
    return "—" if number is None else decimal_text(Decimal(repr(number)))


def status_why(status) -> list[tuple[str, str, str]]:
    """(key, label, value) rows explaining a stored light: the inputs its rule used."""
    if not status:
        return []
    inputs = status.inputs or {}
    rule = inputs.get("rule") or status.rule
    actual = _why_number(inputs.get("actual", status.latest_value))
    rows = [
        ("actual", str(gettext_lazy("Actual value")),
         actual + (f"（{status.latest_period}）" if status.latest_period and actual != "—" else "")),
        ("expected", str(gettext_lazy("Expected value (time-proportional)")),
         _why_number(inputs.get("expected", status.expected_value))),
        ("gap", str(gettext_lazy("Gap")), _why_number(inputs.get("gap", status.gap))),
    ]
    if inputs.get("gap_pct") is not None:
        rows.append(("gap_pct", str(gettext_lazy("Gap relative to the distance from baseline to target")),
                     _why_number(inputs["gap_pct"]) + "%"))
    if inputs.get("band") is not None:
        rows.append(("band", str(gettext_lazy("Band (±)")), _why_number(inputs["band"])))
    rows.append(("rule", str(gettext_lazy("Rule")), f"{RULE_LABELS.get(rule, rule)}（{rule}）" if rule else "—"))
    thresholds = inputs.get("thresholds") or {}
    if thresholds:
        rows.append(("thresholds", str(gettext_lazy("Thresholds")),
                     _("yellow from %(y)s%%, red from %(r)s%% behind") % {
                         "y": thresholds.get("yellow_gap_pct", "—"), "r": thresholds.get("red_gap_pct", "—")}))
    rows.append(("as_of", str(gettext_lazy("As of")), str(status.as_of)))
    return rows


# Dashboard

@dataclass
class DashboardFilters:
    scope: str = ""
    plan: int | None = None
    unit: int | None = None
    light: str = ""
    q: str = ""


def dashboard_indicators(*, user, filters: DashboardFilters | None = None) -> list[Indicator]:
    """Every visible indicator with its stored status and responsible units, in a fixed number of queries.

    The light, forecast and series come from the stored `IndicatorStatus` row; nothing is computed here.
    """
    filters = filters or DashboardFilters()
    qs = indicator_list_visible(user=user)
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.unit:
        qs = qs.filter(pk__in=IndicatorResponsibility.objects.filter(unit_id=filters.unit).values("indicator_id"))
    if filters.light == Light.GREY:
        qs = qs.filter(Q(status__isnull=True) | Q(status__light=Light.GREY))
    elif filters.light:
        qs = qs.filter(status__light=filters.light)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    indicators = list(
        qs.select_related("plan", "status").only(*DASHBOARD_FIELDS).order_by("plan_id", "order", "pk"))
    ids = [i.pk for i in indicators]
    units: dict[int, list[str]] = defaultdict(list)
    for indicator_id, short_name, name in (IndicatorResponsibility.objects.filter(indicator_id__in=ids)
                                           .order_by("role", "unit__sort_order", "unit__path")
                                           .values_list("indicator_id", "unit__short_name", "unit__name")):
        units[indicator_id].append(short_name or name)
    sparklines = _sparklines([(i.pk, _status(i)) for i in indicators])
    labels = {
        "light": dict(Light.choices), "forecast": dict(ForecastStatus.choices),
        "comparator": dict(Comparator.choices), "actual": _("Actual value"),
        "expected": _("Expected value (time-proportional)"), "gap": _("Gap"), "rule": _("Rule"),
    }
    for indicator in indicators:
        status = _status(indicator)
        indicator.light = status.light if status else Light.GREY
        indicator.sparkline = sparklines.get(indicator.pk, "")
        indicator.unit_labels = units.get(indicator.pk, [])
        indicator.row = _dashboard_row(indicator, status, labels)
    return indicators


#: What the dashboard reads of an indicator and its stored status (never the large `inputs`).
DASHBOARD_FIELDS = (
    "code", "name", "unit", "comparator", "target_value", "target_year", "nature", "scope", "plan", "order",
    "plan__title", "status__indicator", "status__as_of", "status__light", "status__latest_value",
    "status__latest_period", "status__expected_value", "status__gap", "status__rule", "status__forecast_value",
    "status__forecast_status", "status__computed_at",
)


def _sparklines(statuses: list[tuple[int, object]]) -> dict[int, str]:
    """Sparkline points per indicator from the stored series, cached per stored status version.

    The series sits inside the large `inputs` document; reading it for every row on every request
    would dominate the page, so the points are kept in the cache under the status's `computed_at`.
    """
    keys = {pk: f"qualitygov:indicators:spark:{pk}:{status.computed_at.timestamp()}"
            for pk, status in statuses if status is not None and status.computed_at is not None}
    cached = cache.get_many(list(keys.values()))
    out = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in out]
    if missing:
        fresh = {}
        for pk, series in (IndicatorStatus.objects.filter(indicator_id__in=missing)
                           .values_list("indicator_id", KeyTransform("series", "inputs"))):
            out[pk] = fresh[keys[pk]] = sparkline_points(_pairs(series))
        cache.set_many(fresh, timeout=24 * 3600)
    return out


def _dashboard_row(indicator: Indicator, status, labels: dict) -> dict:
    """Display strings of one dashboard row, prepared here so the template only prints them."""
    unit = indicator.unit
    row = {
        "light_label": str(labels["light"].get(indicator.light, indicator.light)),
        "target": f"{labels['comparator'].get(indicator.comparator, indicator.comparator)} "
                  f"{decimal_text(indicator.target_value)}{unit}",
        "units": "、".join(indicator.unit_labels) or "—",
        "latest": "—", "latest_period": "", "forecast": "—", "forecast_value": "", "why": [],
    }
    if status is None:
        return row
    if status.latest_value is not None:
        row["latest"] = f"{decimal_text(status.latest_value)} {unit}".strip()
        row["latest_period"] = status.latest_period
    row["forecast"] = str(labels["forecast"].get(status.forecast_status, status.forecast_status))
    if status.forecast_value is not None:
        row["forecast_value"] = f"{decimal_text(status.forecast_value)}{unit}"
    text = lambda value: decimal_text(value) if value is not None else "—"  # noqa: E731
    actual = text(status.latest_value)
    row["why"] = [
        ("actual", labels["actual"], actual + (f"（{status.latest_period}）" if status.latest_period and actual != "—"
                                              else "")),
        ("expected", labels["expected"], text(status.expected_value)),
        ("gap", labels["gap"], text(status.gap)),
        ("rule", labels["rule"], f"{RULE_LABELS.get(status.rule, status.rule)}（{status.rule}）" if status.rule
         else "—"),
    ]
    return row


def _status(indicator: Indicator):
    try:
        return indicator.status
    except Indicator.status.RelatedObjectDoesNotExist:
        return None


def indicator_status(indicator: Indicator):
    """The stored status row, or None before the first refresh."""
    return _status(indicator)


def _number(value) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None


def _pairs(items) -> list[tuple[str, float | None]]:
    """[[label, value], …] as stored in `inputs["series"]`, cleaned."""
    if isinstance(items, str):  # some backends hand the extracted JSON back as text
        import json

        try:
            items = json.loads(items)
        except ValueError:
            return []
    out = []
    for item in items or []:
        if isinstance(item, list | tuple) and len(item) >= 2:
            out.append((str(item[0]), _number(item[1])))
    return out


def _series(status) -> list[tuple[str, float | None]]:
    return _pairs((status.inputs or {}).get("series")) if status else []


def sparkline_points(series: list[tuple[str, float | None]], width: int = 100, height: int = 24) -> str:
    """SVG polyline points for the series' values (gaps skipped); "" with fewer than two values."""
    values = [v for _, v in series if v is not None]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in enumerate(values))


def dashboard_units(*, user) -> list[OrgUnit]:
    """Units that report at least one visible indicator (the unit filter's choices)."""
    visible = indicator_list_visible(user=user).values("pk")
    unit_ids = IndicatorResponsibility.objects.filter(indicator__in=visible).values("unit_id")
    return list(OrgUnit.objects.filter(pk__in=unit_ids).order_by("sort_order", "path"))


# Indicator page

@dataclass
class PeriodRow:
    period: ReportingPeriod
    observations: list[Observation] = field(default_factory=list)
    enter_units: list[OrgUnit] = field(default_factory=list)


def indicator_periods(*, user, indicator: Indicator) -> list[PeriodRow]:
    """The indicator's periods, each with the observations the user may see and the units they may enter for."""
    periods = list(indicator.periods.all().order_by("start"))
    observations = (Observation.objects.visible_to(user, Action.VIEW).filter(indicator=indicator)
                    .select_related("unit", "town").order_by("unit__sort_order", "unit__path", "town_id"))
    by_period: dict[int, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_period[observation.period_id].append(observation)
    enter_units = indicator_entry_units(user=user, indicator=indicator)
    return [PeriodRow(p, by_period.get(p.pk, []), enter_units) for p in periods]


def indicator_entry_units(*, user, indicator: Indicator) -> list[OrgUnit]:
    """Responsible units of `indicator` for which `user` may enter values."""
    if indicator.data_source != DataSource.ENTERED:
        return []
    scope = scope_for(user, Action.CHANGE)
    units = OrgUnit.objects.filter(indicator_responsibilities__indicator=indicator).order_by("sort_order", "path")
    return [u for u in units if u.pk in scope]


def indicator_chart(indicator: Indicator) -> dict:
    """The chart's data from the stored status: actual series, the expected path and the band around it."""
    status = _status(indicator)
    inputs = (status.inputs if status else None) or {}
    series = _series(status)
    path = inputs.get("expected_path") or inputs.get("path") or []
    expected = {}
    low, high = {}, {}
    for item in path:
        if isinstance(item, dict):
            label = str(item.get("label") or item.get("period") or "")
            expected[label] = _number(item.get("expected") if "expected" in item else item.get("value"))
            low[label], high[label] = _number(item.get("low")), _number(item.get("high"))
        elif isinstance(item, list | tuple) and len(item) >= 2:
            label = str(item[0])
            expected[label] = _number(item[1])
            if len(item) >= 4:
                low[label], high[label] = _number(item[2]), _number(item[3])
    labels = list(dict.fromkeys([label for label, _ in series] + list(expected)))
    actual = dict(series)
    return {
        "labels": labels,
        "actual": [actual.get(label) for label in labels],
        "expected": [expected.get(label) for label in labels],
        "low": [low.get(label) for label in labels],
        "high": [high.get(label) for label in labels],
        "target": _number(indicator.target_value),
        "unit": indicator.unit,
    }


def indicator_history(*, user, indicator: Indicator, limit: int = 100) -> list[AuditEvent]:
    """Audit events of the indicator's definition and of the observations the user may see, newest first."""
    observation_ids = [str(pk) for pk in Observation.objects.visible_to(user, Action.VIEW)
                       .filter(indicator=indicator).values_list("pk", flat=True)]
    request_ids = [str(pk) for pk in ObservationChangeRequest.objects.filter(observation_id__in=[
        int(pk) for pk in observation_ids]).values_list("pk", flat=True)]
    query = Q(object_type=Indicator._meta.label_lower, object_id=str(indicator.pk))
    if observation_ids:
        query |= Q(object_type=Observation._meta.label_lower, object_id__in=observation_ids)
    if request_ids:
        query |= Q(object_type=ObservationChangeRequest._meta.label_lower, object_id__in=request_ids)
    return list(AuditEvent.objects.filter(query).order_by("-seq")[:limit])


def observation_history(observation: Observation) -> list[AuditEvent]:
    request_ids = [str(pk) for pk in observation.change_requests.values_list("pk", flat=True)]
    query = Q(object_type=Observation._meta.label_lower, object_id=str(observation.pk))
    if request_ids:
        query |= Q(object_type=ObservationChangeRequest._meta.label_lower, object_id__in=request_ids)
    return list(AuditEvent.objects.filter(query).order_by("-seq")[:200])


# Review

def review_queue(*, user) -> QuerySet[Observation]:
    """Submitted observations the user may approve, oldest first."""
    return (Observation.objects.visible_to(user, Action.APPROVE).filter(status=ObservationStatus.SUBMITTED)
            .select_related("indicator", "period", "unit", "town", "submitted_by")
            .order_by("submitted_at", "pk"))


def change_requests_pending(*, user) -> QuerySet[ObservationChangeRequest]:
    scoped = Observation.objects.visible_to(user, Action.APPROVE).values("pk")
    return (ObservationChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING, observation__in=scoped)
            .select_related("observation", "observation__indicator", "observation__period", "observation__unit",
                            "observation__town", "requested_by")
            .order_by("requested_at", "pk"))


# Unit page

@dataclass
class DueItem:
    indicator: Indicator
    period: ReportingPeriod
    observation: Observation | None
    overdue: bool


def unit_indicators(*, user, unit: OrgUnit) -> list[Indicator]:
    """Visible indicators `unit` is responsible for, with their stored status."""
    return list(indicator_list_visible(user=user)
                .filter(pk__in=IndicatorResponsibility.objects.filter(unit=unit).values("indicator_id"))
                .select_related("plan", "status").order_by("plan_id", "order", "pk"))


def unit_due(*, unit: OrgUnit, indicators: list[Indicator], as_of: dt.date, horizon_days: int = 31) -> list[DueItem]:
    """Periods of entered indicators that have ended (or end within `horizon_days`) and that the unit has
    not yet submitted, earliest due first."""
    entered = [i for i in indicators if i.data_source == DataSource.ENTERED]
    if not entered:
        return []
    by_id = {i.pk: i for i in entered}
    periods = list(ReportingPeriod.objects.filter(indicator_id__in=by_id, end__lte=as_of + dt.timedelta(
        days=horizon_days)).order_by("due_date", "indicator_id"))
    observations = Observation.objects.filter(unit=unit, period__in=[p.pk for p in periods])
    done_states = {ObservationStatus.SUBMITTED, ObservationStatus.APPROVED}
    found: dict[int, Observation] = {}
    done: set[int] = set()
    for observation in observations:
        if observation.status in done_states:
            done.add(observation.period_id)
        else:
            found.setdefault(observation.period_id, observation)
    return [DueItem(by_id[p.indicator_id], p, found.get(p.pk), p.due_date < as_of)
            for p in periods if p.pk not in done]


def indicators_of_plan(*, plan) -> list[Indicator]:
    """Every indicator of `plan` with its task, in plan order. Unscoped: for the plan import, which writes district-wide."""
    return list(Indicator.objects.filter(plan=plan).select_related("task").order_by("order", "pk"))


# API

def target_list_visible(*, user) -> QuerySet:
    """Interim targets of the indicators `user` may see, by indicator and year."""
    from .models import IndicatorTarget

    visible = indicator_list_visible(user=user).order_by().values("pk")
    return (IndicatorTarget.objects.filter(indicator__in=visible).select_related("indicator")
            .order_by("indicator__plan_id", "indicator__order", "indicator_id", "year"))


def observation_list_visible(*, user, action: str = Action.VIEW) -> QuerySet[Observation]:
    """Observations of the units where `user` may `action`, by indicator, period, unit and town."""
    return (Observation.objects.visible_to(user, action)
            .select_related("indicator", "period", "unit", "town", "submitted_by", "approved_by")
            .order_by("indicator__plan_id", "indicator__order", "indicator_id", "period__start", "unit__path",
                      "town_id", "pk"))


def indicator_status_list_visible(*, user) -> QuerySet[IndicatorStatus]:
    """Stored lights of the indicators `user` may see (indicators never refreshed have none)."""
    visible = indicator_list_visible(user=user).order_by().values("pk")
    return (IndicatorStatus.objects.filter(indicator__in=visible).select_related("indicator")
            .order_by("indicator__plan_id", "indicator__order", "indicator_id"))
