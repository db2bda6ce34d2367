"""The reporting calendar: the periods an indicator is reported for, generated up to a date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from qualitygov.core.audit import audit_record
from qualitygov.indicators import events

from .. import calendar
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


