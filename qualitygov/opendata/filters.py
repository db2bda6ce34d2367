"""The open-data filters: period, town and category (and `updated_since`), the same on every list.

`period` takes a year (`2026`), a quarter (`2026-Q1`), a month (`2026-03`) or a day (`2026-03-31`): a
record matches when its period overlaps that span. Any other text matches a record whose period label
is exactly that text (`2026年上半年`). `town` and `category` match exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from qualitygov.core.api.filters import MAX_DATE, MIN_DATE

FILTERS = ("period", "town", "category", "updated_since")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def period_span(text: str) -> tuple[dt.date, dt.date] | None:
    """The dates a period filter names, or None when it is a label. Raises ValidationError when it looks
    like a date but is not one."""
    try:
        if m := _YEAR.match(text):
            year = int(m[1])
            span = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif m := _QUARTER.match(text):
            year, q = int(m[1]), int(m[2])
            last = 3 * q
            span = dt.date(year, last - 2, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
        elif m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            span = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        elif m := _DAY.match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            span = day, day
        else:
            return None
    except ValueError:
        raise ValidationError({"period": ["不是有效的期间：请写年份（2026）、季度（2026-Q1）、月份（2026-03）或日期（2026-03-31）。"]}) from None
    if not (MIN_DATE <= span[0] and span[1] <= MAX_DATE):
        raise ValidationError({"period": [f"期间须在 {MIN_DATE.year} 年至 {MAX_DATE.year} 年之间。"]})
    return span


def _updated_since(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError({"updated_since": ["不是有效的时间：请写 ISO 8601 格式，如 2026-03-31 或 2026-03-31T08:00:00+08:00。"]}) from None
    if not MIN_DATE <= value.date() <= MAX_DATE:
        raise ValidationError({"updated_since": [f"时间须在 {MIN_DATE.year} 年至 {MAX_DATE.year} 年之间。"]})
    if value.tzinfo is None:
        from django.utils import timezone

        value = timezone.make_aware(value)
    return value


@dataclass(frozen=True)
class Criteria:
    """The filters of one request, checked."""

    period: str = ""
    span: tuple[dt.date, dt.date] | None = None
    town: str = ""
    category: str = ""
    updated_since: dt.datetime | None = None

    @classmethod
    def from_query(cls, query) -> Criteria:
        period = (query.get("period") or "").strip()
        since = (query.get("updated_since") or "").strip()
        return cls(period=period, span=period_span(period) if period else None,
                   town=(query.get("town") or "").strip(), category=(query.get("category") or "").strip(),
                   updated_since=_updated_since(since) if since else None)

    def period_matches(self, label: str, start: dt.date | None, end: dt.date | None) -> bool:
        if not self.period:
            return True
        if self.span is None or start is None:
            return label == self.period
        return start <= self.span[1] and (end or start) >= self.span[0]

    def matches(self, *, period_label: str = "", start: dt.date | None = None, end: dt.date | None = None,
                town: str = "", category: str = "") -> bool:
        """For rows built in Python (the values and targets inside an indicator's snapshot)."""
        return (self.period_matches(period_label, start, end)
                and (not self.town or town == self.town)
                and (not self.category or category == self.category))

    def apply(self, items: QuerySet) -> QuerySet:
        """Filter published items on their filter columns."""
        if self.period:
            if self.span is None:
                items = items.filter(period_label=self.period)
            else:
                start, end = self.span
                items = items.filter(Q(period_label=self.period) | Q(
                    period_start__isnull=False, period_start__lte=end, period_end__gte=start) | Q(
                    period_start__isnull=False, period_end__isnull=True, period_start__gte=start,
                    period_start__lte=end))
        if self.town:
            items = items.filter(town_name=self.town)
        if self.category:
            items = items.filter(category=self.category)
        if self.updated_since:
            items = items.filter(last_published_at__gte=self.updated_since)
        return items
