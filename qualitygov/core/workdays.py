"""Working days (工作日): Monday to Friday, less public holidays, plus make-up working days (调休).

The rule is the State Council's yearly notice (国务院办公厅关于某年部分节假日安排的通知): it names the
holidays and the weekend days worked in exchange. The platform ships each published year under
`core/data/holidays/<year>.json`, loaded into `CalendarDay` by a migration; the office corrects or adds
days on the 工作日历 page. The pure functions take the exceptions as a mapping `{date: is_workday}`
so they can be tested and reused without a database; `workdays_between` and `workdays_add` read the
exceptions from the database.

Deadlines set in working days are computed here, so a report window of "5 个工作日" opened before the
National Day holiday ends after it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

from django.utils.translation import gettext as _

HOLIDAY, WORKDAY = "holiday", "workday"
DATA_DIR = Path(__file__).resolve().parent / "data" / "holidays"


def is_workday(day: dt.date, exceptions: Mapping[dt.date, bool]) -> bool:
    """True on a working day: the exception when there is one, else Monday to Friday."""
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def count_workdays(start: dt.date, end: dt.date, exceptions: Mapping[dt.date, bool]) -> int:
    """The working days from `start` to `end`, both included; 0 when `end` is before `start`."""
    total, day = 0, start
    while day <= end:
        total += is_workday(day, exceptions)
        day += dt.timedelta(days=1)
    return total


def add_workdays(start: dt.date, count: int, exceptions: Mapping[dt.date, bool]) -> dt.date:
    """The `count`-th working day after `start` (`start` itself not counted); `start` for 0.

    A window of 5 working days opened on a Friday before a holiday week ends on the 5th working
    day after it, holidays skipped and make-up days counted.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += dt.timedelta(days=1)
        if is_workday(day, exceptions):
            count -= 1
    return day


def shipped_years() -> dict[int, dict]:
    """The published notices shipped with the platform: `{year: {"source": …, "days": […]}}`."""
    years = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        years[int(data["year"])] = data
    return years


def exceptions_between(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The stored holidays and make-up days from `start` to `end` as `{date: is_workday}`."""
    from .models import CalendarDay  # the pure functions above need no database

    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return {day: kind == WORKDAY for day, kind in rows}


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`, both included, on the stored calendar."""
    return count_workdays(start, end, exceptions_between(start, end))


def workdays_add(start: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `start` on the stored calendar."""
    # Generous bound: even a run of holidays never needs more than twice the days plus a month.
    horizon = start + dt.timedelta(days=count * 2 + 31)
    return add_workdays(start, count, exceptions_between(start, horizon))


# --- the office's edits -------------------------------------------------------------------------


def _check_office(actor) -> None:
    from .scoping import manages_district

    # The calendar is the district's: only an office holding the whole district may change it.
    if not manages_district(actor):
        from .errors import NotFoundError

        raise NotFoundError(_("Not found."))


def calendar_day_set(*, actor, date: dt.date, kind: str, name: str, reason: str = ""):
    """Record `date` as a public holiday or a make-up working day (creating or changing it); audited.

    ServiceError for an unknown kind or an empty name; NotFoundError unless the actor manages the
    whole district. Nothing changes on an error.
    """
    from django.db import transaction

    from .audit import audit_record
    from .errors import ServiceError
    from .events import CALENDAR_DAY_SET
    from .models import CalendarDay

    _check_office(actor)
    name = (name or "").strip()
    if kind not in CalendarDay.Kind.values:
        message = _("Choose public holiday or make-up working day.")
        raise ServiceError(message, fields={"kind": [message]})
    if not name:
        message = _("Enter a name, e.g. 国庆节.")
        raise ServiceError(message, fields={"name": [message]})
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        old = {"kind": day.kind, "name": day.name} if day else None
        if day is None:
            day = CalendarDay(date=date)
        day.kind, day.name, day.source = kind, name[:60], _("set by the office")
        day.save()
        changes = {"date": date.isoformat(), "kind": kind, "name": day.name}
        if old:
            changes["old"] = old
        if reason:
            changes["reason"] = reason[:500]
        audit_record(actor=actor, action=CALENDAR_DAY_SET, obj=day, changes=changes)
    return day


def calendar_day_delete(*, actor, date: dt.date, reason: str = "") -> None:
    """Make `date` an ordinary day again (its weekday decides); audited. NotFoundError when not set."""
    from django.db import transaction

    from .audit import audit_record
    from .errors import NotFoundError
    from .events import CALENDAR_DAY_DELETE
    from .models import CalendarDay

    _check_office(actor)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise NotFoundError(_("Not found."))
        changes = {"date": date.isoformat(), "kind": day.kind, "name": day.name}
        if reason:
            changes["reason"] = reason[:500]
        audit_record(actor=actor, action=CALENDAR_DAY_DELETE, obj=day, changes=changes)
        day.delete()
