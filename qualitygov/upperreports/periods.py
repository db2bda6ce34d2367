"""The periods a template reports on: their dates, Chinese labels and due dates (working days)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from qualitygov.core.workdays import workdays_add

from .choices import PeriodKind

MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
QUARTER_NAMES = "一二三四"


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """Fixed Chinese, as printed on the report: 2026年第三季度, 2026年上半年, 2026年9月, 2026年度."""
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}年第{QUARTER_NAMES[self.number - 1]}季度"
        if self.kind == PeriodKind.HALF_YEAR:
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}年{self.number}月"
        return f"{self.year}年度"


def count_in_year(kind: str) -> int:
    return 12 // MONTHS[kind]


def period_of(kind: str, year: int, number: int) -> ReportPeriod:
    """The `number`-th period of `kind` in `year` (1-based). ValueError when out of range."""
    if kind not in MONTHS or not 1 <= number <= count_in_year(kind) or not 1900 <= year <= 2999:
        raise ValueError(f"no period {kind} {year}/{number}")
    months = MONTHS[kind]
    first = (number - 1) * months + 1
    last = first + months - 1
    return ReportPeriod(kind, year, number, dt.date(year, first, 1),
                        dt.date(year, last, calendar.monthrange(year, last)[1]))


def period_containing(kind: str, day: dt.date) -> ReportPeriod:
    return period_of(kind, day.year, (day.month - 1) // MONTHS[kind] + 1)


def previous_period(kind: str, day: dt.date) -> ReportPeriod:
    """The last period that ended before `day` (the one a report made on `day` is usually about)."""
    current = period_containing(kind, day)
    if current.number > 1:
        return period_of(kind, current.year, current.number - 1)
    return period_of(kind, current.year - 1, count_in_year(kind))


def due_date(period: ReportPeriod, workdays: int) -> dt.date:
    """The `workdays`-th working day after the period ends (the period's last day when 0)."""
    return workdays_add(period.end, workdays) if workdays else period.end


def choices_around(kind: str, day: dt.date, *, back: int = 8, ahead: int = 1) -> list[ReportPeriod]:
    """Periods for a picker: `back` before the current one, the current one and `ahead` after, newest first."""
    current = period_containing(kind, day)
    out = [current]
    cursor = current
    for _ in range(back):
        cursor = previous_period(kind, cursor.start)
        out.append(cursor)
    cursor = current
    for _ in range(ahead):
        nxt = cursor.end + dt.timedelta(days=1)
        cursor = period_containing(kind, nxt)
        out.insert(0, cursor)
    return out


def next_due(kind: str, workdays: int, today: dt.date) -> tuple[ReportPeriod, dt.date]:
    """The period whose report is due next on `today`: the last ended period while its due date has not
    passed, else the current one; with its due date."""
    last = previous_period(kind, today)
    due = due_date(last, workdays)
    if due >= today:
        return last, due
    current = period_containing(kind, today)
    return current, due_date(current, workdays)
