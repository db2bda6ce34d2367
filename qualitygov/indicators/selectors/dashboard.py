"""The dashboard and the indicator page: rows, sparklines, periods, chart data and history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.models import AuditEvent
from qualitygov.utilities.numbers import decimal_text

from ..choices import Comparator, DataSource, ForecastStatus, IndicatorState, Light
from ..models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorStatus,
    Observation,
    ObservationChangeRequest,
    ReportingPeriod,
)
from ..status import CHANGE_COMPARATORS
from .scoped import RULE_LABELS, _number, indicator_list_visible, shown

# Dashboard

@dataclass
class DashboardFilters:
    scope: str = ""
    plan: int | None = None
    unit: int | None = None
    light: str = ""
    q: str = ""
    origin: str = ""
    #: "active" (the default: retired indicators stay off the dashboard), "retired", or "all".
    state: str = "active"


def dashboard_indicators(*, user, filters: DashboardFilters | None = None) -> list[Indicator]:
    """Every visible indicator with its stored status and responsible units, in a fixed number of queries.

    The light, forecast and series come from the stored `IndicatorStatus` row; nothing is computed here.
    """
    filters = filters or DashboardFilters()
    qs = indicator_list_visible(user=user)
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    if filters.origin:
        qs = qs.filter(origin=filters.origin)
    if filters.state != "all":
        qs = qs.filter(state=filters.state or IndicatorState.ACTIVE)
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
    "origin", "state",
    "plan__title", "status__indicator", "status__as_of", "status__light", "status__latest_value",
    "status__latest_period", "status__expected_value", "status__gap", "status__rule", "status__forecast_value",
    "status__forecast_status", "status__computed_at", "status__target_value", "status__target_year",
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
        "units": "、".join(indicator.unit_labels) or "—", "target_year": indicator.target_year,
        "latest": "—", "latest_period": "", "forecast": "—", "forecast_value": "", "why": [],
    }
    if status is None:
        return row
    if status.target_value is not None and indicator.comparator not in CHANGE_COMPARATORS:
        # The target the light was judged against (the year's target), not only the plan's final goal.
        row["target"] = (f"{labels['comparator'].get(indicator.comparator, indicator.comparator)} "
                         f"{decimal_text(status.target_value)}{unit}")
        row["target_year"] = status.target_year
    if status.latest_value is not None:
        row["latest"] = f"{shown(status.latest_value)} {unit}".strip()
        row["latest_period"] = status.latest_period
    row["forecast"] = str(labels["forecast"].get(status.forecast_status, status.forecast_status))
    if status.forecast_value is not None:
        row["forecast_value"] = f"{shown(status.forecast_value)}{unit}"
    text = shown  # derived numbers are rounded for display; the data keep full precision
    actual = text(status.latest_value)
    row["why"] = [
        ("actual", labels["actual"], actual + (f"（{status.latest_period}）" if status.latest_period and actual != "—"
                                              else "")),
        ("expected", labels["expected"], text(status.expected_value)),
        ("gap", labels["gap"], text(status.gap)),
        ("rule", labels["rule"], str(RULE_LABELS.get(status.rule, status.rule)) if status.rule else "—"),
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
    # A retired indicator is no longer reported: no entry links.
    enter_units = [] if indicator.state == IndicatorState.RETIRED else indicator_entry_units(user=user,
                                                                                              indicator=indicator)
    return [PeriodRow(p, by_period.get(p.pk, []), enter_units) for p in periods]


def indicator_entry_units(*, user, indicator: Indicator) -> list[OrgUnit]:
    """Responsible units of `indicator` for which `user` may enter values."""
    if indicator.data_source != DataSource.ENTERED:
        return []
    return list(OrgUnit.objects.visible_to(user, Action.CHANGE)
                .filter(indicator_responsibilities__indicator=indicator).distinct().order_by("sort_order", "path"))


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
    # In time order: a period with a value may come before one without (a draft between approved values).
    dates = {str(item.get("label")): str(item.get("date") or "") for item in path if isinstance(item, dict)}
    dates.update(zip([label for label, _ in series], inputs.get("series_end_dates") or [], strict=False))
    if all(dates.get(label) for label in labels):
        labels.sort(key=lambda label: dates[label])
    actual = dict(series)
    return {
        "labels": labels,
        "actual": [actual.get(label) for label in labels],
        "expected": [expected.get(label) for label in labels],
        "low": [low.get(label) for label in labels],
        "high": [high.get(label) for label in labels],
        # The target the light is judged against (the year's target in force), else the plan's goal.
        "target": _number(status.target_value if status and status.target_value is not None
                          else indicator.target_value),
        "target_year": (status.target_year if status and status.target_value is not None else indicator.target_year),
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


