"""The filters of the progress lists (django-filter over querysets the selectors scoped)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.selectors import org_unit_list_visible
from qualitygov.core.lists import ListFilterSet
from qualitygov.plans.selectors import plan_list_visible

from .choices import (
    FINDING_OPEN_STATES,
    ExtensionStatus,
    FindingSource,
    FindingStatus,
    Frequency,
    Light,
    WorkItemStatus,
)


def _units(request):
    return org_unit_list_visible(user=request.user).active().order_by("sort_order", "path")


def _plans(request):
    return plan_list_visible(user=request.user).order_by("-period_start", "-pk")


class WorkItemFilter(ListFilterSet):
    """Work items: plan, status, a unit that leads or co-operates, light, words of the title or task."""

    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=_plans, field_name="task__plan",
                                            empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkItemStatus.choices, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, method="filter_unit",
                                            empty_label=_("All"))
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices, field_name="light__light",
                                        empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(Q(lead_unit=value) | Q(co_units__unit=value)).distinct()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(task__title__icontains=value)) if value else queryset


class FindingFilter(ListFilterSet):
    """The rectification ledger: status, source, responsible unit, overdue only, words."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=FindingStatus.choices, empty_label=_("All"))
    source = django_filters.ChoiceFilter(label=_("Source"), choices=FindingSource.choices, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, empty_label=_("All"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue",
                                           widget=forms.CheckboxInput)
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=FINDING_OPEN_STATES, deadline__lt=timezone.localdate())

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else queryset



class ExtensionFilter(ListFilterSet):
    """Extension requests: status and unit."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ExtensionStatus.choices, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, empty_label=_("All"))


class SupervisedFilter(ListFilterSet):
    """The 督办 list: unit, words of the work item."""

    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(work_item__title__icontains=value) | Q(work_item__task__title__icontains=value)) \
            if value else queryset


class CycleFilter(ListFilterSet):
    """A plan's reporting cycles: frequency."""

    frequency = django_filters.ChoiceFilter(label=_("Frequency"), choices=Frequency.choices, empty_label=_("All"))
