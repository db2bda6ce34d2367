"""The statutory periods of the follow-up and the clocks computed from them.

Each period is a parameter of the `SamplingRuleSet` in force on the clock's **start date** (a notice
served before a rule change keeps the old period), counted in calendar days or in working days on the
stored calendar (`core.workdays`: holidays skipped, make-up days counted) as the rule says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from qualitygov.core.errors import ServiceError
from qualitygov.core.workdays import workdays_add

from .choices import DayCount
from .models import SamplingRuleSet

PERIODS = ("objection", "retest_decision", "public_notice", "correction", "recheck", "second_recheck_from",
           "second_recheck_to")

@dataclass(frozen=True)
class Period:
    days: int
    count: str
    basis: str = ""

    @property
    def label(self) -> str:
        return f"{self.days} {DayCount(self.count).label}"


def rule_set_on(day: dt.date) -> SamplingRuleSet:
    """The rule set in force on `day`; ServiceError before the first one (nothing can be computed)."""
    rule_set = SamplingRuleSet.in_force(day)
    if rule_set is None:
        message = _("No follow-up rules are in force on %(day)s.") % {"day": day.isoformat()}
        raise ServiceError(message, code="no_rules")
    return rule_set


def period(name: str, start: dt.date) -> Period:
    """The period `name` of the rule set in force on `start`."""
    spec = rule_set_on(start).params[name]
    return Period(int(spec["days"]), spec.get("count", DayCount.CALENDAR), spec.get("basis", ""))


def add_period(start: dt.date, spec: Period) -> dt.date:
    """`start` plus the period: calendar days, or the n-th working day after `start`."""
    if spec.count == DayCount.WORKDAYS:
        return workdays_add(start, spec.days)
    return start + dt.timedelta(days=spec.days)


def deadline(name: str, start: dt.date) -> dt.date:
    """The end of period `name` started on `start`, by the rule in force on `start`."""
    return add_period(start, period(name, start))


def due_soon_days(on: dt.date) -> int:
    return int(rule_set_on(on).params.get("due_soon_days", 15))
