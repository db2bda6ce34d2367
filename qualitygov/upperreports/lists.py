"""The reports as lists (core.lists): filters by template, year, period and status; the .xlsx export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec

from .choices import Channel, ReportStatus
from .models import UpperReportTemplate


class ReportFilter(ListFilterSet):
    template = django_filters.ModelChoiceFilter(label=_("Template"), queryset=UpperReportTemplate.objects.all(),
                                                empty_label=_("All"))
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=9999)
    period = django_filters.CharFilter(label=_("Report period"), field_name="period_label", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices, empty_label=_("All"))


class HistoryFilter(ListFilterSet):
    template = django_filters.ModelChoiceFilter(label=_("Template"), queryset=UpperReportTemplate.objects.all(),
                                                empty_label=_("All"))
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=9999)
    channel = django_filters.ChoiceFilter(label=_("Sent through"), choices=Channel.choices, empty_label=_("All"))


def _edition(report) -> str:
    return "原报" if report.edition == 1 else f"更正第{report.edition - 1}版"


def _report_rows(reports):
    for r in reports:
        yield [r.template.title, r.period_label, _edition(r), str(r.get_status_display()), r.due_on,
               r.missing_count, r.submitted_at, r.submitted_by.display_name if r.submitted_by else ""]


def _history_rows(reports):
    for r in reports:
        yield [r.submitted_at, r.template.title, r.period_label, _edition(r), r.template.requested_by,
               str(r.get_channel_display()), r.recipient, r.submitted_by.display_name if r.submitted_by else "",
               r.receipt_note]


REPORT_LIST = ListSpec(
    columns=[
        Column(_("Template"), "template", ("template__title",)),
        Column(_("Report period"), "period", ("period_start", "edition")),
        Column(_("Status"), "status"),
        Column(_("Due on"), "due", ("due_on",)),
        Column(_("Missing values"), "missing", ("missing_count",)),
        Column(_("Submitted"), "submitted", ("submitted_at",)),
    ],
    default_sort="-period",
    filterset=ReportFilter,
    page_size=50,
    export=Export(filename="向上级报送", sheet="报送", header=["报表", "报告期", "版次", "状态", "截止日期", "未报项数",
                                                               "报送时间", "报送人"],
                  rows=_report_rows, widths=[36, 16, 10, 8, 12, 10, 18, 10]),
)

HISTORY_LIST = ListSpec(
    columns=[
        Column(_("Submitted"), "submitted", ("submitted_at",)),
        Column(_("Template"), "template", ("template__title",)),
        Column(_("Report period"), "period", ("period_start", "edition")),
        Column(_("Sent through"), "channel"),
        Column(_("Recipient"), "recipient"),
        Column(_("Sent by"), "by", ("submitted_by__display_name",)),
    ],
    default_sort="-submitted",
    filterset=HistoryFilter,
    page_size=50,
    export=Export(filename="向上级报送记录", sheet="报送记录",
                  header=["报送时间", "报表", "报告期", "版次", "报送对象", "报送方式", "接收人", "报送人", "签收情况"],
                  rows=_history_rows, widths=[18, 36, 16, 10, 16, 12, 24, 10, 24]),
)
