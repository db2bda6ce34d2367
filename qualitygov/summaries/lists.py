"""The rounds list (core.lists): filters, sort columns and the .xlsx export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec

from .choices import RoundStatus, SummaryKind


class RoundFilter(ListFilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=1900, max_value=9999)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SummaryKind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RoundStatus.choices, empty_label=_("All"))


def _round_rows(rounds):
    for rnd in rounds:
        yield [rnd.label, rnd.period_start, rnd.period_end, rnd.due_date, str(rnd.get_status_display()),
               rnd.unit_count, rnd.filed_count, rnd.late_count]


ROUND_LIST = ListSpec(
    columns=[
        Column(_("Work summary"), "summary", ("year", "kind", "period_start")),
        Column(_("Period covered"), "period", ("period_end",)),
        Column(_("Due date"), "due", ("due_date",)),
        Column(_("Status"), "status"),
        Column(_("Units"), "units", ("unit_count",)),
        Column(_("Submitted"), "filed", ("filed_count",)),
        Column(_("Late"), "late", ("late_count",)),
    ],
    default_sort="-period",
    filterset=RoundFilter,
    page_size=20,
    export=Export(filename="工作总结轮次", sheet="总结", header=["总结", "起始日期", "截止日期", "报送截止", "状态", "单位数",
                                                        "已报送", "逾期"],
                  rows=_round_rows, widths=[30, 12, 12, 12, 8, 8, 8, 8]),
)
