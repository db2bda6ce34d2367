"""Query filters of the accounts API."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from qualitygov.core.api.filters import IdFilter

from ..choices import OrgUnitKind
from ..models import OrgUnit, User


class OrgUnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgUnitKind.choices, label="kind")
    parent = IdFilter(field_name="parent_id", label="parent unit id")
    is_active = django_filters.BooleanFilter(label="active")
    q = django_filters.CharFilter(method="filter_q", label="text in the full name, short name or an alias")

    class Meta:
        model = OrgUnit
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(aliases__name__icontains=value)
        ).distinct()


class UserFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label="home unit id")
    is_active = django_filters.BooleanFilter(label="active")
    q = django_filters.CharFilter(method="filter_q", label="text in the user name or display name")

    class Meta:
        model = User
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(display_name__icontains=value))
