"""The directory as a list (core.lists): filters by town, industry, 规上, in business and a search by name
or code; the .xlsx export."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec

from .forms import TownField
from .selectors import town_choices

_YES_NO = (("true", _("Yes")), ("false", _("No")))


class TownFilter(django_filters.ModelChoiceFilter):
    field_class = TownField


class EntityFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    town = TownFilter(label=_("Town"), queryset=town_choices(), empty_label=_("All"))
    industry = django_filters.CharFilter(label=_("Industry"), method="industry_filter",
                                         help_text=_("A GB/T 4754 code or its start (C, C13, C1361) or a word"))
    above_scale = django_filters.ChoiceFilter(label=_("Above designated size"), choices=_YES_NO,
                                              empty_label=_("All"), method="flag_filter")
    active = django_filters.ChoiceFilter(label=_("In business"), choices=(("1", _("In business")),
                                                                         ("0", _("Closed down"))),
                                         empty_label=_("All"), method="active_filter")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def industry_filter(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(industry_code__startswith=value.upper()) | Q(industry_name__icontains=value))

    def flag_filter(self, queryset, name, value):
        return queryset.filter(above_scale=(value == "true"))

    def active_filter(self, queryset, name, value):
        return queryset.filter(is_active=(value == "1"))


def _rows(entities):
    for e in entities:
        yield [e.uscc, e.name, str(e.get_kind_display()), e.industry_code, e.industry_name,
               (e.town.short_name or e.town.name) if e.town else "", "是" if e.above_scale else "否",
               e.legal_representative, e.address, e.registered_on, "存续" if e.is_active else "注销/吊销"]


ENTITY_LIST = ListSpec(
    columns=[
        Column(_("Name"), "name", ("name",)),
        Column(_("Unified social credit code"), "uscc"),
        Column(_("Industry"), "industry", ("industry_code",)),
        Column(_("Town"), "town", ("town__sort_order", "town__name")),
        Column(_("规上"), "above_scale", ("-above_scale",)),
        Column(_("Registered on"), "registered", ("registered_on",)),
    ],
    default_sort="name",
    filterset=EntityFilter,
    page_size=50,
    export=Export(filename="市场主体名录", sheet="市场主体",
                  header=["统一社会信用代码", "企业名称", "类型", "行业代码", "行业", "所属镇街", "规上", "法定代表人",
                          "住所", "成立日期", "登记状态"],
                  rows=_rows, widths=[22, 36, 12, 10, 24, 12, 6, 12, 40, 12, 10]),
)
