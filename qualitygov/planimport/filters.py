"""The import history's filters."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import ListFilterSet

from .choices import ImportStatus


class PlanImportFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ImportStatus.choices, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(source_name__icontains=value) | Q(title_as_read__icontains=value)) \
            if value else queryset
