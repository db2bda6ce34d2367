"""Query filters of the plans API; a bad value answers 400 `invalid` naming the filter."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from qualitygov.core.api.filters import IdFilter

from ..choices import PlanStatus, ResponsibilityRole
from ..models import Plan, Responsibility, Task


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label="status")
    q = django_filters.CharFilter(method="filter_q", label="text in the title or document number")

    class Meta:
        model = Plan
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))


class TaskFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label="plan id")
    group = IdFilter(field_name="group_id", label="task group id")
    unit = IdFilter(method="filter_unit", label="id of a responsible unit (lead or co-operating)")
    all_towns = django_filters.BooleanFilter(label="given to all towns")
    q = django_filters.CharFilter(method="filter_q", label="text in the number, name or content")

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(pk__in=Responsibility.objects.filter(unit_id=value).values("task_id"))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number=value) | Q(title__icontains=value) | Q(text__icontains=value))


class ResponsibilityFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="task__plan_id", label="plan id")
    task = IdFilter(field_name="task_id", label="task id")
    unit = IdFilter(field_name="unit_id", label="unit id")
    role = django_filters.ChoiceFilter(choices=ResponsibilityRole.choices, label="lead or co")

    class Meta:
        model = Responsibility
        fields: list[str] = []
