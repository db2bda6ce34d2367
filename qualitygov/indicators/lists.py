"""The indicator review queue as a list (core.lists): filters, sort columns and the .xlsx export
(the same rows `indicators:review_xlsx` always answered, now with the page's filters and sort)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.selectors import org_unit_list_visible
from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec
from qualitygov.utilities.numbers import decimal_text


def _units(request):
    return org_unit_list_visible(user=request.user).active().order_by("sort_order", "path")


class ReviewFilter(ListFilterSet):
    """Submitted values: the reporting unit, words of the indicator's code or name."""

    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, empty_label=_("All"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (queryset.filter(Q(indicator__code__icontains=value) | Q(indicator__name__icontains=value))
                if value else queryset)


def _review_rows(observations):
    for o in observations:
        yield [o.indicator.code, o.indicator.name, o.period.label, o.unit.label, o.town.label if o.town else "",
               decimal_text(o.value), o.indicator.unit, o.comment, str(o.submitted_by or gettext_now("System")),
               o.submitted_at]


REVIEW_LIST = ListSpec(
    columns=[
        Column(_("Indicator"), "indicator", ("indicator__plan_id", "indicator__order", "indicator__code")),
        Column(_("Reporting period"), "period", ("period__start",)),
        Column(_("Unit"), "unit", ("unit__sort_order", "unit__path")),
        Column(_("Value"), "value"),
        Column(_("Previous value")),
        Column(_("Target in force")),
        Column(_("Submitted"), "submitted", ("submitted_at",)),
        Column(""),
    ],
    default_sort="submitted",
    filterset=ReviewFilter,
    export=Export(filename="待审核指标数据", sheet="待审核",
                  header=["编号", "指标名称", "填报期", "报送单位", "镇街", "数值", "计量单位", "说明", "报送人", "报送时间"],
                  rows=_review_rows, widths=[8, 40, 16, 20, 14, 10, 8, 40, 12, 18]),
)
