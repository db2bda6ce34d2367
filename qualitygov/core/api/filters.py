"""Query filters shared by the filter sets: ids, dates and times that never reach the database out of range."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

#: The largest id a database integer column holds (SQLite and PostgreSQL bigint); larger ids are refused
#: with a 400 before the query, instead of overflowing the driver.
MAX_ID = 2**63 - 1
#: Dates and times outside these years are refused with a 400: beyond them a time zone shift or a
#: day added overflows Python's datetime (year 1 to 9999) inside the query.
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _check_range(day: dt.date) -> None:
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(_("Enter a date from %(min)s to %(max)s."), code="out_of_range",
                              params={"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()})


class _BoundedDateField(forms.DateField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            _check_range(value)
        return value


class _BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            _check_range(value.date())
        return value


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (`min_value`/`max_value` bound it); anything else answers 400 `invalid` naming the filter."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """An object id: a whole number from 1 to `MAX_ID`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DateFilter(django_filters.DateFilter):
    """A date from `MIN_DATE` to `MAX_DATE`; anything else answers 400 `invalid` naming the filter."""

    field_class = _BoundedDateField


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time within `MIN_DATE`..`MAX_DATE`; anything else answers 400 `invalid` naming the filter."""

    field_class = _BoundedIsoDateTimeField
