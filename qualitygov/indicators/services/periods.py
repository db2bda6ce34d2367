"""The reporting calendar: the periods an indicator is reported for, generated up to a date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from qualitygov.core.audit import audit_record
from qualitygov.indicators import events

from .. import calendar
from ..choices import IndicatorState
from ..models import (
    Indicator,
    ReportingPeriod,
)

# The reporting calendar

def _last_year(indicator: Indicator) -> int | None:
    years = [y for y in (indicator.target_year, indicator.plan.period_end) if y]
    return max(years) if years else None


def period_specs(indicator: Indicator, until: dt.date) -> list[calendar.PeriodSpec]:
    """The periods the indicator's frequency gives from the first reporting year up to `until`."""
    first = calendar.first_reporting_year(baseline_year=indicator.baseline_year,
                                          plan_start=indicator.plan.period_start, fallback=until.year)
    return calendar.periods_between(indicator.frequency, first, until, last_year=_last_year(indicator),
                                    due_days=indicator.due_days, grace_days=indicator.grace_days,
                                    exceptions=calendar.exceptions_for(first, until.year))


@transaction.atomic
def periods_generate(*, indicator: Indicator, until: dt.date) -> int:
    """Create the missing reporting periods that have started by `until`; return how many were created.

    A retired indicator is no longer asked for data: it gets no new periods.
    """
    indicator = Indicator.objects.select_related("plan").get(pk=indicator.pk)  # the stored definition counts
    if indicator.state == IndicatorState.RETIRED:
        return 0
    existing = set(ReportingPeriod.objects.filter(indicator=indicator).values_list("start", flat=True))
    new = [ReportingPeriod(indicator=indicator, label=spec.label, start=spec.start, end=spec.end,
                           due_date=spec.due_date, grace_days=spec.grace_days, deadline=spec.deadline)
           for spec in period_specs(indicator, until) if spec.start not in existing]
    if new:
        ReportingPeriod.objects.bulk_create(new, ignore_conflicts=True)
        audit_record(actor=None, action=events.INDICATOR_PERIODS_GENERATE, obj=indicator,
                     changes={"created": [p.label for p in new]})
    return len(new)


def period_due_dates_refresh(*, indicator: Indicator) -> None:
    """Recompute the due dates and last on-time days of the indicator's periods from its working days
    (after its due or grace days changed, or the working-day calendar did)."""
    periods = list(ReportingPeriod.objects.filter(indicator=indicator))
    if not periods:
        return
    exceptions = calendar.exceptions_for(min(p.end.year for p in periods), max(p.end.year for p in periods))
    for period in periods:
        period.due_date, period.deadline = calendar.due_dates(period.end, due_days=indicator.due_days,
                                                              grace_days=indicator.grace_days, exceptions=exceptions)
        period.grace_days = indicator.grace_days
    ReportingPeriod.objects.bulk_update(periods, ["due_date", "deadline", "grace_days"])


