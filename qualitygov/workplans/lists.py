"""Work plans as a list (core.lists): filters, sort columns and the .xlsx export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec

from .choices import WorkPlanStatus


class WorkPlanFilter(ListFilterSet):
    """Work plans: their year, their status."""

    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=1900, max_value=9999)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkPlanStatus.choices, empty_label=_("All"))


def _rows(work_plans):
    for wp in work_plans:
        yield [wp.year, wp.title, wp.plan.title, str(wp.get_status_display()), wp.point_count, wp.open_count,
               wp.published_at]


WORK_PLAN_LIST = ListSpec(
    columns=[
        Column(_("Year"), "year"),
        Column(_("Title"), "title"),
        Column(_("Status"), "status"),
        Column(_("Number of key points"), "points", ("point_count",)),
        Column(_("Not yet done"), "open", ("open_count",)),
        Column(_("Issued on"), "issued", ("published_at",)),
    ],
    default_sort="-year",
    filterset=WorkPlanFilter,
    page_size=20,
    export=Export(filename="年度工作要点", sheet="工作要点", header=["年度", "标题", "实施方案", "状态", "要点数", "未完成数", "下达时间"],
                  rows=_rows, widths=[8, 40, 40, 8, 8, 10, 18]),
)
