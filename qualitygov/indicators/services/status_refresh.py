"""The status engine's refresh: series, path, forecast, the stored light."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Q

from qualitygov.core.audit import audit_record
from qualitygov.indicators import events
from qualitygov.plans.choices import PlanStatus

from .. import calendar, forecast, status
from ..choices import (
    Aggregation,
    IndicatorState,
    ObservationStatus,
)
from ..models import (
    Indicator,
    IndicatorStatus,
    Observation,
    ReportingPeriod,
)
from ..selectors import rule_params, rule_set_in_force

# The status engine

def _mean(values: list[Decimal]) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def _combine(values: list[Decimal], aggregation: str) -> Fraction:
    """Several units or towns reporting one period: summed indicators add up, others average."""
    return sum((Fraction(v) for v in values), Fraction(0)) if aggregation == Aggregation.SUM else _mean(values)


def indicator_series(indicator: Indicator, *, as_of: dt.date) -> list[tuple[ReportingPeriod, Decimal]]:
    """Approved values that count on `as_of`, per period, combined over units and towns, in time order."""
    values: dict[int, list[Decimal]] = defaultdict(list)
    # A value of an ended period counts; so does one of a period not yet ended (an annual figure the
    # office approved in December) from the day it was approved, held against the path at the period's
    # end. A light judged for an earlier day therefore never sees a value approved later in its period.
    for period_id, value in Observation.objects.filter(
            Q(period__end__lte=as_of) | Q(period__start__lte=as_of, approved_at__date__lte=as_of),
            indicator=indicator, status=ObservationStatus.APPROVED, value__isnull=False,
    ).values_list("period_id", "value"):
        values[period_id].append(value)
    periods = ReportingPeriod.objects.filter(pk__in=list(values)).order_by("start")
    return [(p, status.to_decimal(_combine(values[p.pk], indicator.aggregation))) for p in periods]


def _path(indicator: Indicator, series) -> tuple[status.Path, dict[str, str]]:
    sources = {"baseline": "indicator", "target_year": "indicator"}
    target_year = indicator.target_year
    if target_year is None:
        target_year, sources["target_year"] = indicator.plan.period_end, "plan_end"
    baseline_year, baseline_value = indicator.baseline_year, indicator.baseline_value
    if indicator.comparator in status.CHANGE_COMPARATORS:
        # A change is measured from the stated baseline year's value as entered, never from the first report.
        if baseline_value is None or baseline_year is None:
            sources["baseline"] = "none"
    elif baseline_value is None or baseline_year is None:
        if series:
            first_period, first_value = series[0]
            end = first_period.end
            baseline_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
            baseline_value, sources["baseline"] = first_value, "first_value"
        else:
            baseline_year, baseline_value, sources["baseline"] = None, None, "none"
    return status.Path(target_year=target_year, target_value=indicator.target_value, baseline_year=baseline_year,
                       baseline_value=baseline_value), sources


def targets_in_force(indicator: Indicator, plan_path: status.Path, as_of: dt.date) -> dict[int, tuple[Decimal, object]]:
    """Year → (target level, the IndicatorTarget row or None for the plan's own goal), as they stood on `as_of`.

    The plan's goal (its target year, or the plan's last year) is one of them; a target the office set
    for a year wins over it. Rows set after `as_of`, or superseded by then, do not count: a changed
    target never changes how an earlier day's light is judged."""
    targets: dict[int, tuple[Decimal, object]] = {}
    if plan_path.target_year is not None and plan_path.target_value is not None:
        targets[plan_path.target_year] = (plan_path.target_value, None)
    for row in indicator.targets.in_force_on(as_of).order_by("year", "in_force_from", "pk"):
        targets[row.year] = (row.value, row)
    return targets


def judged_path(plan_path: status.Path, targets: dict[int, tuple[Decimal, object]], year: int) -> status.Path:
    """The path a light of `year` is judged on: up to the target of that year, or of the next year that has
    one (straight line in between), or the last target when the year lies beyond every target year."""
    if not targets:
        return plan_path
    years = sorted(targets)
    judged = next((y for y in years if y >= year), years[-1])
    return replace(plan_path, target_year=judged, target_value=targets[judged][0],
                   interim={y: targets[y][0] for y in years if y < judged})


def full_path(plan_path: status.Path, targets: dict[int, tuple[Decimal, object]]) -> status.Path:
    """The path through every target year (for the chart)."""
    if not targets:
        return plan_path
    last = max(targets)
    return replace(plan_path, target_year=last, target_value=targets[last][0],
                   interim={y: v for y, (v, _row) in targets.items() if y < last})


def deadline_year(indicator: Indicator, targets) -> int | None:
    """The last year of the plan period (or of the last target, for a plan extended beyond it): only after
    it does "target year passed" apply."""
    years = [y for y in (indicator.plan.period_end, *targets) if y is not None]
    return max(years) if years else None


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
    for deadline in indicator.periods.filter(end__gt=after, end__lte=as_of).values_list("deadline", flat=True):
        if deadline < as_of:
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
    comparator, change = indicator.comparator, None
    if comparator in status.CHANGE_COMPARATORS:
        change = status.resolve_change(comparator, indicator.target_value, unit=indicator.unit,
                                       baseline_year=path.baseline_year, baseline_value=path.baseline_value,
                                       target_year=path.target_year)
        if change.reason is None:
            comparator, path = change.comparator, replace(path, target_value=change.target)
    targets = targets_in_force(indicator, path, as_of) if change is None or change.reason is None else {}
    chart_path = full_path(path, targets)
    # The light is about the year it is judged in: the target in force for that year (or for the value's
    # year, should the value lie later), the expected value still taken at the value's date.
    judged_year = max(value_date.year, as_of.year) if value_date is not None else as_of.year
    path = judged_path(path, targets, judged_year)
    target_row = targets.get(path.target_year, (None, None))[1]
    status_input = status.StatusInput(
        comparator=comparator, path=path, latest_value=value, value_date=value_date, as_of=as_of,
        upper=upper, lower=lower, year_share=share, overdue_missing=_overdue_missing(indicator, series, as_of),
        params=params, deadline_year=deadline_year(indicator, targets))
    if change is not None and change.reason is not None:
        result = status.unresolved_change(status_input, change=indicator.target_value, reason=change.reason)
    else:
        result = status.evaluate(status_input)
        if change is not None:
            result.inputs.update({"change_comparator": indicator.comparator, "change": _number(indicator.target_value)})
    if change is not None and change.reason is not None:
        fc = forecast.Forecast(forecast.INSUFFICIENT, reason=change.reason)
    else:
        fc = forecast.project(_forecast_points(indicator, series, as_of), target_year=path.target_year,
                              comparator=comparator, target=path.target_value, as_of=as_of,
                              baseline=path.baseline_value, upper=upper, lower=lower,
                              about_band_pct=params["about_band_pct"])
    # The path is drawn at every period end from the first reporting year to the target year (or today).
    horizon = max(status.year_end(chart_path.target_year), as_of) if chart_path.target_year else as_of
    first = calendar.first_reporting_year(baseline_year=path.baseline_year, plan_start=indicator.plan.period_start,
                                          fallback=as_of.year)
    ends = [(spec.label, spec.end) for spec in calendar.periods_between(indicator.frequency, first, horizon)]
    if indicator.aggregation == Aggregation.SUM:
        expected_path = [{"label": label, "date": end.isoformat(), "low": None, "high": None,
                          "expected": _number(status.to_decimal(chart_path.expected_at(Fraction(end.year))
                                                                * (status.year_position(end) - (end.year - 1))))}
                         for label, end in ends]
    else:
        expected_path = status.expected_path(chart_path, ends, upper=upper, lower=lower, comparator=comparator,
                                             about_band_pct=params["about_band_pct"])
    inputs = {
        **result.inputs,
        "aggregation": indicator.aggregation,
        "frequency": indicator.frequency,
        "latest_period": series[-1][0].label if series else "",
        "baseline_source": sources["baseline"],
        "target_year_source": sources["target_year"],
        # Which target the light was judged against: the plan's own goal or one the office set for the year.
        "target_source": "office" if target_row is not None else "plan",
        "target_set": ({"reason": target_row.reason, "decision": target_row.decision,
                        "in_force_from": target_row.in_force_from.isoformat()} if target_row is not None else None),
        "targets_by_year": {str(y): _number(v) for y, (v, _row) in sorted(targets.items())},
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
        "target_value": None if change is not None and change.reason is not None else path.target_value,
        "target_year": path.target_year,
        "rule": result.rule, "inputs": inputs, "forecast_value": fc.value, "forecast_status": fc.status,
    })
    if previous != result.light:
        audit_record(actor=None, action=events.INDICATOR_STATUS_CHANGE, obj=indicator,
                     changes={"light": [previous, result.light], "rule": result.rule, "as_of": as_of})
    return stored


def status_refresh_all(*, as_of: dt.date, plan=None) -> dict[str, int]:
    """Refresh every indicator of the active plans (or of `plan`); return how many got each light."""
    indicators = Indicator.objects.filter(plan__status=PlanStatus.ACTIVE) if plan is None else plan.indicators.all()
    indicators = indicators.filter(state=IndicatorState.ACTIVE)  # a retired indicator keeps its last light
    counts: dict[str, int] = defaultdict(int)
    for indicator in indicators.order_by("plan_id", "order", "pk"):
        counts[indicator_status_refresh(indicator=indicator, as_of=as_of).light] += 1
    return dict(counts)
