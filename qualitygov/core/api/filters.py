"""Query filters shared by the API's filter sets: ids that never reach the database out of range."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

#: The largest id a database integer column holds (SQLite and PostgreSQL bigint); larger ids are refused
#: with a 400 before the query, instead of overflowing the driver.
MAX_ID = 2**63 - 1


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
