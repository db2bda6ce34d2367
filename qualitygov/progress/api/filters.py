"""Query filters of the progress API; a bad value answers 400 `invalid` naming the filter."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from qualitygov.core.api.filters import DateFilter, IdFilter, IntegerFilter

from ..choices import (
    FINDING_OPEN_STATES,
    FindingSource,
    FindingStatus,
    Frequency,
    Light,
    ReportStatus,
    WorkItemStatus,
)
from ..models import Finding, ProgressReport, ReportingCycle, WorkItem, WorkItemUnit


class WorkItemFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="task__plan_id", label="plan id")
    task = IdFilter(field_name="task_id", label="task id")
    unit = IdFilter(method="filter_unit", label="id of the lead or a co-operating unit")
    lead_unit = IdFilter(field_name="lead_unit_id", label="lead unit id")
    status = django_filters.ChoiceFilter(choices=WorkItemStatus.choices, label="status")
    light = django_filters.ChoiceFilter(choices=Light.choices, method="filter_light",
                                        label="stored light (grey: no light computed yet)")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="text in the deliverable")

    class Meta:
        model = WorkItem
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        co = WorkItemUnit.objects.filter(unit_id=value).values("work_item_id")
        return queryset.filter(Q(lead_unit_id=value) | Q(pk__in=co))

    def filter_light(self, queryset, name, value):
        if value == Light.GREY:
            return queryset.filter(Q(light__isnull=True) | Q(light__light=Light.GREY))
        return queryset.filter(light__light=value)


class ReportingCycleFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label="plan id")
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label="frequency")
    year = IntegerFilter(field_name="period_start__year", label="year the period starts in", min_value=1900,
                         max_value=2999)
    opened = django_filters.BooleanFilter(field_name="opened_at", lookup_expr="isnull", exclude=True,
                                          label="opened (report requests sent)")

    class Meta:
        model = ReportingCycle
        fields: list[str] = []


class ProgressReportFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="cycle__plan_id", label="plan id")
    cycle = IdFilter(field_name="cycle_id", label="reporting cycle id")
    work_item = IdFilter(field_name="work_item_id", label="work item id")
    task = IdFilter(field_name="work_item__task_id", label="task id")
    unit = IdFilter(field_name="unit_id", label="lead unit id")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="status")
    submitted_late = django_filters.BooleanFilter(label="first submitted after the due date")
    due_from = DateFilter(field_name="due_date", lookup_expr="gte", label="due on or after")
    due_to = DateFilter(field_name="due_date", lookup_expr="lte", label="due on or before")

    class Meta:
        model = ProgressReport
        fields: list[str] = []


class FindingFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=FindingSource.choices, label="source")
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label="status")
    unit = IdFilter(field_name="unit_id", label="responsible unit id")
    task = IdFilter(field_name="task_id", label="task id")
    work_item = IdFilter(field_name="work_item_id", label="work item id")
    open = django_filters.BooleanFilter(method="filter_open", label="not yet closed out")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="open and past the deadline today")
    q = django_filters.CharFilter(method="filter_q", label="text in the problem or description")

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=FINDING_OPEN_STATES) if value else queryset.exclude(
            status__in=FINDING_OPEN_STATES)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=FINDING_OPEN_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
