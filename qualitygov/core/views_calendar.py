"""The working-day calendar (工作日历): a year's public holidays and make-up working days, a working-day
counter, and the office's corrections.

Anyone signed in reads it; only an office holding the whole district changes it (others get 404 on
the edit URLs, as for any page they may not use).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import workdays
from .access import LOGIN, access, action_rule
from .errors import NotFoundError, ServiceError
from .models import CalendarDay
from .permissions import Action
from .scoping import manages_district
from .views_helpers import apply_service_error
from .widgets import DateInput


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class CountForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=DateInput(attrs={"class": "form-control"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=DateInput(attrs={"class": "form-control"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data


def _may_edit(user) -> bool:
    return manages_district(user)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 1990 <= year <= 2100 else timezone.localdate().year


@access(LOGIN)
def calendar_year(request):
    """A year's holidays and make-up days, working days per month, and a counter (`?start=&end=`)."""
    year = _year(request)
    days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    exceptions = {day.date: day.kind == CalendarDay.Kind.WORKDAY for day in days}
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        months.append({"month": month, "workdays": workdays.count_workdays(first, last, exceptions)})
    count_form = CountForm(request.GET if "start" in request.GET else None)
    counted = None
    if count_form.is_bound and count_form.is_valid():
        start, end = count_form.cleaned_data["start"], count_form.cleaned_data["end"]
        counted = {"start": start, "end": end, "workdays": workdays.workdays_between(start, end)}
    shipped = workdays.shipped_years()
    return render(request, "core/calendar.html", {
        "year": year, "days": days, "months": months, "total": sum(m["workdays"] for m in months),
        "count_form": count_form, "counted": counted, "may_edit": _may_edit(request.user),
        "form": CalendarDayForm(initial={"kind": CalendarDay.Kind.HOLIDAY}) if _may_edit(request.user) else None,
        "source": shipped.get(year, {}).get("source", ""), "years": [year - 1, year + 1],
    })


@access(action_rule(Action.MANAGE))
def calendar_day_save(request):
    """Add or change one day (an office holding the whole district; POST only)."""
    if not _may_edit(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            workdays.calendar_day_set(actor=request.user, date=data["date"], kind=data["kind"],
                                      name=data["name"], reason=data["reason"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(date)s saved.") % {"date": data["date"].isoformat()})
            return redirect(f"{reverse('core:calendar')}?year={data['date'].year}")
    year = form.cleaned_data.get("date").year if form.cleaned_data.get("date") else timezone.localdate().year
    return render(request, "core/calendar_form.html", {"form": form, "year": year}, status=400)


@access(action_rule(Action.MANAGE))
def calendar_day_delete(request, date: str):
    """Make a day ordinary again (an office holding the whole district; POST only)."""
    if not _may_edit(request.user):
        raise Http404
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        workdays.calendar_day_delete(actor=request.user, date=day, reason=request.POST.get("reason", ""))
    except NotFoundError as exc:
        raise Http404 from exc
    messages.success(request, _("%(date)s is an ordinary day again.") % {"date": day.isoformat()})
    return redirect(f"{reverse('core:calendar')}?year={day.year}")
