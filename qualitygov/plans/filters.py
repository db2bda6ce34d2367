"""The filters of the plan lists (django-filter over querysets the selectors scoped)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.selectors import org_unit_list_visible
from qualitygov.core.lists import ListFilterSet

from .choices import PlanStatus, ResponsibilityRole
from .selectors import plan_list_visible


def _plans(request):
    return plan_list_visible(user=request.user).order_by("-period_start", "-pk")


def _units(request):
    return org_unit_list_visible(user=request.user).active().order_by("sort_order", "path")


class PlanFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(issuer__icontains=value) | Q(doc_number__icontains=value))


class TaskFilter(ListFilterSet):
    """Tasks: plan, a responsible unit (as lead, co-operating, or either), words of the name or content."""

    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=_plans, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(label=_("Responsible unit"), queryset=_units, method="filter_unit",
                                            empty_label=_("All"))
    role = django_filters.ChoiceFilter(label=_("Role"), choices=ResponsibilityRole.choices, method="filter_role",
                                       empty_label=_("Lead or co-operating"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_unit(self, queryset, name, value):
        role = self.form.cleaned_data.get("role")
        named = {"responsibilities__unit": value}
        if role:
            named["responsibilities__role"] = role
        return queryset.filter(**named).distinct()

    def filter_role(self, queryset, name, value):
        return queryset  # applies together with `unit` (filter_unit)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number=value) | Q(title__icontains=value) | Q(text__icontains=value))
