"""The reporting calendar: periods from the frequency, with due dates. Pure functions.

Labels are language-neutral and sort in time order: "2025" (yearly), "2025-H1", "2025-Q3", "2025-07".
A period is due `due_days` working days (工作日) after its end; the `grace_days` working days after that
still count as on time. Working days follow `core.workdays`: the functions here take its exceptions
(`{date: is_workday}`, holidays and make-up days) so they stay pure; `exceptions_for` reads them.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from qualitygov.core.workdays import add_workdays

MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = "monthly", "quarterly", "half_yearly", "yearly"
MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}


@dataclass(frozen=True)
class PeriodSpec:
    label: str
    start: dt.date
    end: dt.date
    due_date: dt.date
    grace_days: int
    #: The last day that still counts as on time: `grace_days` working days after the due date.
    deadline: dt.date


def _label(frequency: str, year: int, index: int) -> str:
    if frequency == YEARLY:
        return str(year)
    if frequency == HALF_YEARLY:
        return f"{year}-H{index + 1}"
    if frequency == QUARTERLY:
        return f"{year}-Q{index + 1}"
    return f"{year}-{index + 1:02d}"


def due_dates(end: dt.date, *, due_days: int, grace_days: int,
              exceptions: Mapping[dt.date, bool]) -> tuple[dt.date, dt.date]:
    """(due date, last day on time) of a period ending on `end`: `due_days` working days after the end,
    then `grace_days` working days after that."""
    due = add_workdays(end, due_days, exceptions)
    return due, add_workdays(due, grace_days, exceptions)


def exceptions_for(first_year: int, last_year: int) -> dict[dt.date, bool]:
    """The stored holidays and make-up days from `first_year` to a half year after `last_year` (due dates of
    the last periods fall in the next year)."""
    from qualitygov.core.workdays import exceptions_between

    return exceptions_between(dt.date(first_year, 1, 1), dt.date(last_year + 1, 6, 30))


def periods_of_year(frequency: str, year: int, *, due_days: int = 15, grace_days: int = 5,
                    exceptions: Mapping[dt.date, bool] | None = None) -> list[PeriodSpec]:
    """Every period of `year` for `frequency`, in order; due dates counted in working days
    (Monday to Friday when `exceptions` is not given)."""
    months = MONTHS_PER_PERIOD[frequency]
    out = []
    for index in range(12 // months):
        first_month = index * months + 1
        last_month = first_month + months - 1
        start = dt.date(year, first_month, 1)
        end = dt.date(year, last_month, _calendar.monthrange(year, last_month)[1])
        due, deadline = due_dates(end, due_days=due_days, grace_days=grace_days, exceptions=exceptions or {})
        out.append(PeriodSpec(_label(frequency, year, index), start, end, due, grace_days, deadline))
    return out


def periods_between(frequency: str, first_year: int, until: dt.date, *, last_year: int | None = None,
                    due_days: int = 15, grace_days: int = 5,
                    exceptions: Mapping[dt.date, bool] | None = None) -> list[PeriodSpec]:
    """Periods from 1 Jan of `first_year` that have started by `until` (and lie in `last_year` or before)."""
    stop = until.year if last_year is None else min(until.year, last_year)
    out = []
    for year in range(first_year, stop + 1):
        out.extend(p for p in periods_of_year(frequency, year, due_days=due_days, grace_days=grace_days,
                                                   exceptions=exceptions)
                   if p.start <= until)
    return out


def first_reporting_year(*, baseline_year: int | None, plan_start: int | None, fallback: int) -> int:
    """Reporting starts the year after the baseline, else with the plan's first year."""
    if baseline_year is not None:
        return baseline_year + 1
    return plan_start if plan_start is not None else fallback
