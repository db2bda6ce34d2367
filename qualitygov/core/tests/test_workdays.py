"""Working days on the State Council's holidays and make-up days, the office's corrections, and the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from qualitygov.core import workdays
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.events import CALENDAR_DAY_DELETE, CALENDAR_DAY_SET
from qualitygov.core.models import AuditEvent, CalendarDay

D = dt.date.fromisoformat


def _shipped_exceptions(year: int) -> dict[dt.date, bool]:
    return {D(day["date"]): day["kind"] == workdays.WORKDAY for day in workdays.shipped_years()[year]["days"]}


# --- the pure arithmetic ---------------------------------------------------------------------------


def test_national_day_2025_and_its_make_up_saturday():
    exceptions = _shipped_exceptions(2025)
    # Mon 29 and Tue 30 Sep; 1–8 Oct off; Thu 9, Fri 10 and the make-up Saturday 11 Oct; Sunday 12 off.
    assert workdays.count_workdays(D("2025-09-29"), D("2025-10-12"), exceptions) == 5
    assert workdays.is_workday(D("2025-10-11"), exceptions) is True   # a Saturday worked (调休)
    assert workdays.is_workday(D("2025-09-28"), exceptions) is True   # a Sunday worked
    assert workdays.is_workday(D("2025-10-06"), exceptions) is False  # a Monday off
    assert workdays.is_workday(D("2025-10-12"), exceptions) is False  # an ordinary Sunday


def test_adding_working_days_skips_the_holiday_and_counts_the_make_up_day():
    exceptions = _shipped_exceptions(2025)
    assert workdays.add_workdays(D("2025-09-30"), 1, exceptions) == D("2025-10-09")
    assert workdays.add_workdays(D("2025-09-30"), 3, exceptions) == D("2025-10-11")
    assert workdays.add_workdays(D("2025-09-30"), 4, exceptions) == D("2025-10-13")
    assert workdays.add_workdays(D("2025-09-30"), 0, exceptions) == D("2025-09-30")
    with pytest.raises(ValueError):
        workdays.add_workdays(D("2025-09-30"), -1, exceptions)


def test_a_year_of_working_days_matches_the_notices():
    # Counted by hand from the notices. 2025: 261 weekdays, 18 of them holidays (1 元旦, 6 春节, 1 清明,
    # 3 劳动节, 1 端午, 6 国庆中秋), 5 make-up weekend days: 248. 2026: 261 weekdays, 19 holidays (2, 6, 1, 3,
    # 1, 1 中秋, 5 国庆), 6 make-up days: 248.
    assert workdays.count_workdays(D("2025-01-01"), D("2025-12-31"), _shipped_exceptions(2025)) == 248
    assert workdays.count_workdays(D("2026-01-01"), D("2026-12-31"), _shipped_exceptions(2026)) == 248


def test_every_shipped_make_up_day_is_a_weekend_and_every_holiday_named():
    for year, data in workdays.shipped_years().items():
        assert data["source"].startswith(f"国务院办公厅关于{year}年部分节假日安排的通知")
        for day in data["days"]:
            assert day["name"]
            if day["kind"] == workdays.WORKDAY:
                assert D(day["date"]).weekday() >= 5, day


def test_an_empty_or_reversed_range_has_no_working_days():
    assert workdays.count_workdays(D("2026-03-02"), D("2026-03-01"), {}) == 0
    assert workdays.count_workdays(D("2026-03-02"), D("2026-03-02"), {}) == 1


# --- the stored calendar -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_loads_the_shipped_notices():
    assert CalendarDay.objects.filter(date__year=2025).count() == 33
    assert CalendarDay.objects.filter(date__year=2026).count() == 39
    # 28 Sep – 11 Oct 2026: Mon–Wed, then 1–7 Oct off, Thu 8, Fri 9 and the make-up Saturday 10 Oct.
    assert workdays.workdays_between(D("2026-09-28"), D("2026-10-11")) == 6
    assert workdays.workdays_add(D("2026-09-30"), 1) == D("2026-10-08")


def test_the_office_adds_a_holiday_and_the_count_follows(cast):
    before = AuditEvent.objects.count()
    workdays.calendar_day_set(actor=cast.office, date=D("2027-01-01"), kind="holiday", name="元旦",
                              reason="2027年通知已发布")
    assert workdays.workdays_between(D("2026-12-28"), D("2027-01-03")) == 4
    [event] = AuditEvent.objects.filter(seq__gt=before)
    assert (event.action, event.changes) == (
        CALENDAR_DAY_SET, {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "reason": "2027年通知已发布"})
    # Changing it keeps what it was.
    workdays.calendar_day_set(actor=cast.office, date=D("2027-01-01"), kind="holiday", name="元旦节")
    assert AuditEvent.objects.order_by("-seq").first().changes["old"] == {"kind": "holiday", "name": "元旦"}
    workdays.calendar_day_delete(actor=cast.office, date=D("2027-01-01"))
    assert AuditEvent.objects.order_by("-seq").first().action == CALENDAR_DAY_DELETE
    assert workdays.workdays_between(D("2026-12-28"), D("2027-01-03")) == 5


def test_a_bad_day_is_refused_and_nothing_changes(cast):
    count, events = CalendarDay.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        workdays.calendar_day_set(actor=cast.office, date=D("2027-01-01"), kind="party", name="元旦")
    assert refused.value.fields == {"kind": ["请选择“法定节假日”或“调休上班日”。"]}
    with pytest.raises(ServiceError) as refused:
        workdays.calendar_day_set(actor=cast.office, date=D("2027-01-01"), kind="holiday", name="  ")
    assert refused.value.fields == {"name": ["请填写名称，例如 国庆节。"]}
    with pytest.raises(NotFoundError):
        workdays.calendar_day_delete(actor=cast.office, date=D("2027-03-03"))
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == (count, events)


@pytest.mark.parametrize("member", ["liaison_a", "leader"])
def test_only_the_district_office_changes_the_calendar(cast, client_for, member):
    count, events = CalendarDay.objects.count(), AuditEvent.objects.count()
    client = client_for(member)
    response = client.post(reverse("core:calendar_day_save"),
                           {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 404
    response = client.post(reverse("core:calendar_day_delete", args=["2026-10-01"]))
    assert response.status_code == 404
    with pytest.raises(NotFoundError):
        workdays.calendar_day_set(actor=cast.members[member], date=D("2027-01-01"), kind="holiday", name="元旦")
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == (count, events)
    assert CalendarDay.objects.filter(date=D("2026-10-01")).exists()


def test_the_page_lists_the_year_counts_and_lets_the_office_edit(cast, client_for):
    page = client_for("liaison_a").get(reverse("core:calendar"), {"year": "2026", "start": "2026-09-28",
                                                                   "end": "2026-10-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="calendar-day"') == 39
    assert 'data-testid="calendar-total">248<' in html
    assert "2026-09-28 至 2026-10-11（含首尾）共 6 个工作日。" in html
    assert 'data-testid="calendar-form"' not in html
    office = client_for("office")
    assert 'data-testid="calendar-form"' in office.get(reverse("core:calendar")).content.decode()
    response = office.post(reverse("core:calendar_day_save"), {"date": "2027-10-01", "kind": "holiday",
                                                              "name": "国庆节"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D("2027-10-01")).name == "国庆节"
    response = office.post(reverse("core:calendar_day_save"), {"date": "", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 400
    assert "该字段是必填项。" in response.content.decode()
    response = office.post(reverse("core:calendar_day_delete", args=["2027-10-01"]))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=D("2027-10-01")).exists()


def test_a_year_without_a_notice_says_so(client_for):
    html = client_for("liaison_a").get(reverse("core:calendar"), {"year": "2030"}).content.decode()
    assert 'data-testid="empty"' in html
    assert 'data-testid="calendar-total">' in html


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_the_working_days(capsys):
    call_command("calendar", "workdays", "2025-09-29", "2025-10-12")
    assert capsys.readouterr().out == "5\n"


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end", "line"), [
    ("2025-9-29", "2025-10-12", "日期“2025-9-29”无法识别：请写成 YYYY-MM-DD，例如 2026-10-01。\n"),
    ("2025-10-12", "2025-09-29", "结束日期 2025-09-29 早于开始日期 2025-10-12。\n"),
])
def test_the_command_refuses_a_bad_date_with_one_chinese_line(capsys, start, end, line):
    with pytest.raises(SystemExit) as stopped:
        call_command("calendar", "workdays", start, end)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", line)
