"""Each register as a list (core.lists): search, dates, town and its own choice filters; the export has the
import template's columns (plus the keeping unit), so an exported file can be corrected and imported."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec
from qualitygov.core.widgets import DateInput
from qualitygov.registry.ledgers import Register, export_header, export_row

from .registers import REGISTERS

_BOOLEAN = (("true", _("Yes")), ("false", _("No")))


def _search(fields):
    def method(queryset, name, value):
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        q = Q()
        for f in fields:
            q |= Q(**{f"{f}__icontains": value})
        return queryset.filter(q)
    return method


def _bool(field_name: str):
    def method(queryset, name, value):
        return queryset.filter(**{field_name: value == "true"}) if value in ("true", "false") else queryset
    return method


def _current_on(queryset, name, value):
    return queryset.filter(appointed_on__lte=value).filter(Q(left_on__isnull=True) | Q(left_on__gte=value))


def filterset_for(register: Register) -> type[ListFilterSet]:
    """The register's filters: search, from/to on its date, town, and its choice and yes/no fields."""
    town_field = "entity__town" if register.has_entity() else "unit"
    attrs = {
        "q": django_filters.CharFilter(label=_("Search"), method=_search(register.search)),
        "date_from": django_filters.DateFilter(label=_("From"), field_name=register.date_field, lookup_expr="gte",
                                               widget=DateInput()),
        "date_to": django_filters.DateFilter(label=_("To"), field_name=register.date_field, lookup_expr="lte",
                                             widget=DateInput()),
        "town": django_filters.ModelChoiceFilter(label=_("Town"), field_name=town_field, empty_label=_("All"),
                                                 queryset=OrgUnit.objects.filter(kind__in=TOWN_KINDS)
                                                 .order_by("sort_order", "path")),
    }
    for name in register.filters:
        model_field = register.model._meta.get_field(name)
        if model_field.choices:
            attrs[name] = django_filters.ChoiceFilter(label=model_field.verbose_name.capitalize(),
                                                      choices=model_field.choices, empty_label=_("All"))
        else:
            attrs[name] = django_filters.ChoiceFilter(label=model_field.verbose_name.capitalize(), choices=_BOOLEAN,
                                                      empty_label=_("All"), method=_bool(name))
    if register.key == "awards":
        attrs["decided_from"] = django_filters.DateFilter(label=_("Decided from"), field_name="decided_on",
                                                          lookup_expr="gte", widget=DateInput())
        attrs["decided_to"] = django_filters.DateFilter(label=_("Decided to"), field_name="decided_on",
                                                        lookup_expr="lte", widget=DateInput())
    if register.key == "officers":
        attrs["current_on"] = django_filters.DateFilter(label=_("In office on"), method=_current_on,
                                                        widget=DateInput())
        attrs["above_scale"] = django_filters.ChoiceFilter(label=_("Firm above designated size"), choices=_BOOLEAN,
                                                           empty_label=_("All"), method=_bool("entity__above_scale"))
    meta = type("Meta", (), {"model": register.model, "fields": []})
    return type(f"{register.model.__name__}Filter", (ListFilterSet,), {**attrs, "Meta": meta})


def _rows(register: Register):
    def rows(objects):
        for obj in objects:
            yield export_row(register, obj)
    return rows


def spec_for(register: Register) -> ListSpec:
    columns = [Column(c.label, c.key, c.order) for c in register.list_columns]
    return ListSpec(columns=columns, default_sort=register.default_sort, filterset=filterset_for(register),
                    page_size=50, export=Export(filename=register.filename, sheet=register.filename,
                                                header=export_header(register), rows=_rows(register)))


SPECS = {r.key: spec_for(r) for r in REGISTERS}
