"""Query filters of the indicators API; a bad value answers 400 `invalid` naming the filter."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from qualitygov.core.api.filters import DateTimeFilter, IdFilter, IntegerFilter

from ..choices import DataSource, Frequency, IndicatorScope, IndicatorState, Light, ObservationStatus, Origin
from ..models import Indicator, IndicatorResponsibility, IndicatorStatus, IndicatorTarget, Observation


def _responsible(unit_id: int):
    return IndicatorResponsibility.objects.filter(unit_id=unit_id).values("indicator_id")


class IndicatorFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label="plan id")
    task = IdFilter(field_name="task_id", label="task id")
    unit = IdFilter(method="filter_unit", label="id of a responsible unit")
    scope = django_filters.ChoiceFilter(choices=IndicatorScope.choices, label="where the plan states it")
    data_source = django_filters.ChoiceFilter(choices=DataSource.choices, label="entered or computed")
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label="reporting frequency")
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label="from the plan text or set by the office")
    state = django_filters.ChoiceFilter(choices=IndicatorState.choices, label="in use or retired (default: both)")
    light = django_filters.ChoiceFilter(choices=Light.choices, method="filter_light",
                                        label="stored light (grey: no data or never refreshed)")
    q = django_filters.CharFilter(method="filter_q", label="text in the code or name")

    class Meta:
        model = Indicator
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(pk__in=_responsible(value))

    def filter_light(self, queryset, name, value):
        if value == Light.GREY:
            return queryset.filter(Q(status__isnull=True) | Q(status__light=Light.GREY))
        return queryset.filter(status__light=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class TargetFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="indicator__plan_id", label="plan id")
    indicator = IdFilter(field_name="indicator_id", label="indicator id")
    year = IntegerFilter(field_name="year", label="year", min_value=1900, max_value=2999)

    class Meta:
        model = IndicatorTarget
        fields: list[str] = []


class ObservationFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="indicator__plan_id", label="plan id")
    indicator = IdFilter(field_name="indicator_id", label="indicator id")
    period = IdFilter(field_name="period_id", label="reporting period id")
    unit = IdFilter(field_name="unit_id", label="reporting unit id")
    town = IdFilter(field_name="town_id", label="town id")
    status = django_filters.ChoiceFilter(choices=ObservationStatus.choices, label="workflow status")
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte",
                                                     label="changed at or after (ISO 8601)")

    class Meta:
        model = Observation
        fields: list[str] = []


class IndicatorStatusFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="indicator__plan_id", label="plan id")
    indicator = IdFilter(field_name="indicator_id", label="indicator id")
    unit = IdFilter(method="filter_unit", label="id of a responsible unit")
    light = django_filters.ChoiceFilter(choices=Light.choices, label="light")

    class Meta:
        model = IndicatorStatus
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(indicator__in=_responsible(value))
