"""The dashboard's periods: a month, a quarter, a half or a year, named by a short token.

Tokens: "2026" (a year), "2026-H1", "2026-Q3", "2026-05"; empty is this year to date. A period that
has not ended yet ends today (figures are "to date").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

_TOKEN = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    token: str
    start: dt.date
    end: dt.date
    label: str

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.end.year, 1, 1)

    def a_year_earlier(self) -> tuple[dt.date, dt.date]:
        """The same span one year before (29 February becomes the 28th)."""
        def back(day: dt.date) -> dt.date:
            return day.replace(year=day.year - 1, day=min(day.day, calendar.monthrange(day.year - 1, day.month)[1]))
        return back(self.start), back(self.end)


def _bounds(year: int, part: str | None) -> tuple[dt.date, dt.date, str]:
    if part is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), pgettext("regulatory dashboard", "%(y)s") % {"y": year}
    if part.startswith("H"):
        half = int(part[1])
        first = 1 if half == 1 else 7
        return (dt.date(year, first, 1), dt.date(year, first + 5, calendar.monthrange(year, first + 5)[1]),
                _("%(y)s first half") % {"y": year} if half == 1 else _("%(y)s second half") % {"y": year})
    if part.startswith("Q"):
        quarter = int(part[1])
        first = 3 * quarter - 2
        return (dt.date(year, first, 1), dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1]),
                _("%(y)s Q%(q)s") % {"y": year, "q": quarter})
    month = int(part)
    if not 1 <= month <= 12:
        raise ValueError(part)
    return (dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]),
            _("%(y)s-%(m)02d") % {"y": year, "m": month})


def parse_period(token: str | None, today: dt.date) -> Period:
    """The period `token` names; this year to date when it is empty, malformed or starts in the future."""
    match = _TOKEN.match((token or "").strip())
    if match:
        try:
            start, end, label = _bounds(int(match.group(1)), match.group(2))
        except ValueError:
            start = None
        if start is not None and dt.date(2000, 1, 1) <= start <= today:
            if end > today:
                end = today
                label = _("%(label)s (to %(day)s)") % {"label": label, "day": today.isoformat()}
            return Period(token.strip(), start, end, label)
    start = dt.date(today.year, 1, 1)
    return Period("", start, today, _("%(y)s to date (%(day)s)") % {"y": today.year, "day": today.isoformat()})


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """(token, label) of the periods offered: this year and last, by year, half, quarter and month."""
    choices: list[tuple[str, str]] = [("", _("This year to date"))]
    for year in (today.year, today.year - 1):
        parts: list[str | None] = [None, "H1", "H2", "Q1", "Q2", "Q3", "Q4", *[f"{m:02d}" for m in range(1, 13)]]
        for part in parts:
            start, _end, label = _bounds(year, part)
            if start <= today:
                choices.append((f"{year}-{part}" if part else str(year), label))
    return choices
